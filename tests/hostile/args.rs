//! The command line pushed past its edges: huge, negative and reversed
//! numbers and dates, empty strings, paths that are not UTF-8, unknown flags
//! and subcommands, a megabyte argument, no terminal, and a reader that
//! closes the pipe at once. Nothing may panic (exit 101), hang, or change
//! the book; an out-of-range number gets clap's own error (exit 2).

use crate::harness::{Case, Outcome, Tally, Verdict, all, cockpit_in};
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::time::Duration;

/// Worked (0), refused with a message (1), or clap's range or parse error (2).
fn handled(out: &Outcome) -> Verdict {
    out.no_panic()?;
    match out.code {
        Some(0) | Some(1) => Ok(()),
        Some(2) => out.says(&["invalid value"]),
        other => Err(format!("unexpected exit {other:?}: {}", out.err())),
    }
}

/// clap's own error for a value it cannot take.
fn clap_value_error(out: &Outcome) -> Verdict {
    out.exits(2, &["invalid value"])
}

/// clap's own error for an empty value where a path is needed.
fn value_required(out: &Outcome) -> Verdict {
    out.exits(2, &["a value is required"])
}

/// Refused with a one-line message.
fn refused_line(out: &Outcome) -> Verdict {
    all([out.refused(&[]), out.one_line(), nonempty(&out.err())])
}

fn nonempty(text: &str) -> Verdict {
    if text.trim().is_empty() { Err("no message".to_string()) } else { Ok(()) }
}

fn invalid_utf8(stem: &[u8]) -> OsString {
    let mut bytes = stem.to_vec();
    bytes.extend_from_slice(b"\xff\xfe-caf\xe9.csv");
    OsString::from_vec(bytes)
}

type Check = fn(&Outcome) -> Verdict;

pub fn cases() {
    let mut tally = Tally::new("args");
    let table: Vec<(&str, &[&str], Check)> = vec![
        ("within_u32_max", &["renewals", "--within", "4294967295"], handled),
        ("within_past_u32", &["renewals", "--within", "4294967296"], clap_value_error),
        ("within_negative", &["renewals", "--within=-1"], clap_value_error),
        (
            "within_twenty_digits",
            &["renewals", "--within", "99999999999999999999"],
            clap_value_error,
        ),
        (
            "within_from_the_last_day",
            &["renewals", "--from", "9999-12-31", "--within", "4000000"],
            handled,
        ),
        ("within_json_huge", &["renewals", "--json", "--within", "2147483647"], handled),
        ("to_before_from", &["renewals", "--from", "2025-12-31", "--to", "2025-01-01"], handled),
        (
            "from_year_one_to_9999",
            &["renewals", "--from", "0001-01-01", "--to", "9999-12-31"],
            handled,
        ),
        ("ics_within_huge", &["renewals", "--ics", "-", "--within", "4294967295"], handled),
        ("months_u32_max", &["renewals", "--forecast", "--months", "4294967295"], handled),
        ("months_zero", &["renewals", "--forecast", "--months", "0"], handled),
        ("months_negative", &["renewals", "--forecast", "--months=-12"], clap_value_error),
        ("limit_u64_max", &["targets", "--limit", "18446744073709551615"], handled),
        ("limit_zero", &["targets", "--limit", "0"], handled),
        ("tier_zero", &["targets", "--tier", "0"], handled),
        ("tier_huge", &["targets", "--tier", "4294967295"], handled),
        ("cuts_reversed", &["metrics", "pareto", "--cuts", "0.9,0.1"], handled),
        ("cuts_nan_inf", &["metrics", "pareto", "--cuts", "NaN,inf"], handled),
        ("cuts_beyond_f64", &["metrics", "pareto", "--cuts", "1e308,1e309"], handled),
        ("retention_in_year_zero", &["metrics", "retention", "--as-of", "0000-01"], handled),
        ("retention_in_year_9999", &["metrics", "retention", "--as-of", "9999-12"], handled),
        ("retention_month_thirteen", &["metrics", "retention", "--as-of", "2025-13"], handled),
        (
            "retention_series_of_ten_millennia",
            &["metrics", "retention", "--from", "0001-01", "--to", "9999-12"],
            handled,
        ),
        (
            "bridge_backwards_through_time",
            &["metrics", "bridge", "--from", "9999-12", "--to", "0001-01"],
            handled,
        ),
        (
            "metric_renewals_all_of_time",
            &["metrics", "renewals", "--from", "0001-01-01", "--to", "9999-12-31"],
            handled,
        ),
        (
            "churn_report_reversed",
            &["churn", "report", "--from", "2025-12-31", "--to", "2025-01-01"],
            handled,
        ),
        ("churn_report_not_a_date", &["churn", "report", "--from", "yesterday"], refused_line),
        (
            "arr_lost_twenty_digits",
            &[
                "churn",
                "record",
                "ACME-001",
                "--date",
                "2025-03-01",
                "--event",
                "churned",
                "--arr-lost",
                "99999999999999999999",
            ],
            refused_line,
        ),
        (
            "arr_lost_negative",
            &[
                "churn",
                "record",
                "ACME-001",
                "--date",
                "2025-03-01",
                "--event",
                "churned",
                "--arr-lost=-5",
            ],
            refused_line,
        ),
        (
            "arr_lost_nan",
            &[
                "churn",
                "record",
                "ACME-001",
                "--date",
                "2025-03-01",
                "--event",
                "churned",
                "--arr-lost",
                "NaN",
            ],
            refused_line,
        ),
        (
            "arr_lost_three_decimals",
            &[
                "churn",
                "record",
                "ACME-001",
                "--date",
                "2025-03-01",
                "--event",
                "churned",
                "--arr-lost",
                "1.005",
            ],
            refused_line,
        ),
        (
            "churn_on_the_30th_of_february",
            &["churn", "record", "ACME-001", "--date", "2025-02-30", "--event", "churned"],
            refused_line,
        ),
        (
            "churn_empty_date",
            &["churn", "record", "ACME-001", "--date", "", "--event", "churned"],
            refused_line,
        ),
        (
            "churn_empty_account",
            &["churn", "record", "", "--date", "2025-03-01", "--event", "churned"],
            refused_line,
        ),
        (
            "churn_empty_event",
            &["churn", "record", "ACME-001", "--date", "2025-03-01", "--event", ""],
            refused_line,
        ),
        (
            "reason_with_empty_label",
            &["churn", "reasons", "add", "", "--kind", "controllable"],
            refused_line,
        ),
        (
            "reason_with_empty_kind",
            &["churn", "reasons", "add", "Budget cut", "--kind", ""],
            refused_line,
        ),
        ("import_empty_path", &["import", "accounts", ""], value_required),
        ("export_out_empty", &["export", "accounts", "--out", ""], value_required),
        ("ics_empty", &["renewals", "--ics", ""], value_required),
        ("backup_empty", &["backup", ""], value_required),
        ("unknown_flag", &["renewals", "--frobnicate"], |o| o.exits(2, &["unexpected argument"])),
        ("misspelt_flag", &["renewals", "--withinn", "5"], |o| {
            o.exits(2, &["unexpected argument"])
        }),
        ("unknown_subcommand", &["renewal"], |o| o.exits(2, &["unrecognized subcommand"])),
        ("unknown_kind", &["export", "acounts"], |o| o.exits(2, &["invalid value"])),
        ("db_flag_without_value", &["targets", "--db"], |o| o.exits(2, &["a value is required"])),
    ];
    for (name, args, check) in table {
        tally.case(name, || {
            let case = Case::book();
            let before = case.files();
            let out = case.run(args);
            all([check(&out), before.unchanged(&case.files())])
        });
    }
    tally.case("empty_db_path", || {
        let case = Case::empty();
        let before = case.files();
        let out = case.raw(["--db", "", "targets"]);
        all([value_required(&out), before.unchanged(&case.files())])
    });
    tally.case("invalid_utf8_db_path_is_missing", || {
        let case = Case::empty();
        let before = case.files();
        let out =
            case.raw([OsString::from("--db"), invalid_utf8(b"book"), OsString::from("targets")]);
        all([out.refused(&["no database at"]), before.unchanged(&case.files())])
    });
    tally.case("invalid_utf8_export_out_is_written", || {
        let case = Case::book();
        let before = case.files();
        let name = invalid_utf8(b"out");
        let out = case.run([
            OsString::from("export"),
            OsString::from("accounts"),
            OsString::from("--out"),
            name.clone(),
        ]);
        let written = std::fs::read_to_string(case.w.join(&name)).unwrap_or_default();
        all([out.ok(), crate::csv_input::contains(&written, "ACME-001"), {
            let mut now = case.files();
            now.0.remove(std::path::Path::new(&name));
            before.unchanged(&now)
        }])
    });
    tally.case("invalid_utf8_import_path", || {
        let case = Case::book();
        let name = invalid_utf8(b"in");
        std::fs::write(
            case.w.join(&name),
            "account_id,month,product,arr\nACME-001,2025-13,Core,1\n",
        )
        .expect("write");
        let before = case.files();
        let out = case.run([OsString::from("import"), OsString::from("snapshots"), name]);
        all([out.refused(&[":2:2: month:"]), before.unchanged(&case.files())])
    });
    tally.case("invalid_utf8_filter_value", || {
        let case = Case::book();
        let before = case.files();
        let out =
            case.run([OsString::from("targets"), OsString::from("--am"), invalid_utf8(b"am")]);
        all([out.exits(2, &["invalid UTF-8"]), before.unchanged(&case.files())])
    });
    tally.case("hundred_kilobyte_product_filter", || {
        let case = Case::book();
        let before = case.files();
        // The longest single argument Linux passes is 128 KiB.
        let out = case.run(["targets", "--product", &"p".repeat(100_000)]);
        all([out.ok(), before.unchanged(&case.files())])
    });
    // The generator writes fast: a run that does not refuse at once is cut short.
    for (name, args) in [
        ("gen_u32_max_everything", vec!["--accounts", "4294967295", "--months", "4294967295"]),
        ("gen_zero_everything", vec!["--accounts", "0", "--months", "0"]),
        ("gen_zero_csms", vec!["--accounts", "10", "--months", "2", "--csms", "0"]),
        ("gen_zero_ams", vec!["--accounts", "10", "--months", "2", "--ams", "0"]),
        (
            "gen_more_csms_than_accounts",
            vec!["--accounts", "3", "--months", "2", "--csms", "4294967295"],
        ),
        (
            "gen_seed_u64_max",
            vec!["--accounts", "3", "--months", "2", "--seed", "18446744073709551615"],
        ),
    ] {
        tally.case(name, || {
            let case = Case::book();
            let before = case.files();
            let mut command = crate::harness::cockpit_capped(&case.w);
            command.args(["--db", "book.db", "gen", "--out", "generated"]).args(&args);
            let out = case.spawn_limited(command, Duration::from_secs(3));
            let mut now = case.files();
            now.0.retain(|path, _| !path.starts_with("generated"));
            all([handled(&out), before.unchanged(&now)])
        });
    }
    tally.case("no_terminal", || {
        let case = Case::book();
        let before = case.files();
        let out = case.raw(["--db", "book.db"]);
        all([out.refused(&["needs a terminal"]), out.one_line(), before.unchanged(&case.files())])
    });
    tally.case("no_terminal_demo", || {
        let case = Case::book();
        let before = case.files();
        let mut command = cockpit_in(&case.w);
        command.env("COCKPIT_DEMO_DB", case.at("demo.db")).args(["--db", "book.db", "--demo"]);
        let out = case.spawn(command);
        all([out.refused(&["needs a terminal"]), out.one_line(), before.unchanged(&case.files())])
    });
    for args in [
        &["renewals"][..],
        &["renewals", "--json"],
        &["renewals", "--ics", "-"],
        &["renewals", "--forecast"],
        &["targets"],
        &["targets", "--json"],
        &["churn", "report"],
        &["churn", "reasons"],
        &["export", "accounts"],
        &["export", "snapshots", "--format", "json"],
        &["metrics", "pareto"],
        &["metrics", "bridge", "--from", "2025-01", "--to", "2025-02"],
        &["--help"],
    ] {
        let name = format!("closed_pipe_{}", args.join("_").replace('-', ""));
        tally.case(&name, || {
            let case = Case::book();
            let before = case.files();
            let mut command = cockpit_in(&case.w);
            command.args(["--db", "book.db"]).args(args);
            let out = case.spawn_into_closed_pipe(command);
            all([quiet_end(&out), before.unchanged(&case.files())])
        });
    }
    tally.finish();
}

/// A closed pipe ends the command quietly: no panic, no message, not 101
/// (a death by SIGPIPE, as `cat` would die, is quiet too).
fn quiet_end(out: &Outcome) -> Verdict {
    const SIGPIPE: i32 = 13;
    if out.timed_out {
        return Err("still running after its limit".to_string());
    }
    if out.code == Some(101) || out.err().contains("panicked") {
        return Err(format!("panicked on a closed pipe: {}", out.err()));
    }
    if out.code.is_none() && out.signal != Some(SIGPIPE) {
        return Err(format!("killed by signal {:?}", out.signal));
    }
    if !out.err().trim().is_empty() {
        return Err(format!("not quiet: {:?}", out.err()));
    }
    Ok(())
}
