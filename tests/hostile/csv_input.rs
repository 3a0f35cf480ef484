//! Bad CSV of our own making (the project's `tests/data/bad_csv` corpus is
//! not repeated): money that overflows alone or only when summed, numbers
//! in other scripts and notations, impossible dates, a termination outside
//! its contract, a cell the parser would silently change, oversized cells.
//! Each must be refused with `FILE:LINE:COLUMN: column:` and leave the book
//! byte-for-byte as it was; the few hostile-looking files that are valid
//! must be stored exactly.

use crate::harness::{Case, Tally, Verdict, all};

const ACCOUNTS: &str =
    "account_id,name,csm,am,segment,industry,region,stage,potential_units,health,flags";
const CONTRACTS: &str =
    "contract_id,account_id,product,start_date,end_date,arr,units,billing,terminated_on";
const SNAPSHOTS: &str = "account_id,month,product,arr,units";
const NOTES: &str = "account_id,at,kind,text";

/// `(name, kind, file text, what the message must hold)`.
fn refusals() -> Vec<(&'static str, &'static str, String, Vec<String>)> {
    let contract = |arr: &str| {
        format!("{CONTRACTS}\nC-900,ACME-001,Core,2024-01-01,2024-12-31,{arr},1,annual,\n")
    };
    let contract_dates = |start: &str, end: &str, terminated: &str| {
        format!("{CONTRACTS}\nC-900,ACME-001,Core,{start},{end},100,1,annual,{terminated}\n")
    };
    let snapshot = |arr: &str| format!("{SNAPSHOTS}\nACME-001,2025-03,Core,{arr},1\n");
    let arr = |line: u32, value: &str| vec![format!("in.csv:{line}:4: arr: \"{value}\"")];
    let mut cases: Vec<(&'static str, &'static str, String, Vec<String>)> = vec![
        (
            "arr_beyond_64_bits",
            "contracts",
            contract("99999999999999999999"),
            vec!["in.csv:2:6: arr: \"99999999999999999999\" is too large".into()],
        ),
        (
            "arr_at_the_64_bit_cent_limit",
            "contracts",
            contract("92233720368547758.07"),
            vec!["in.csv:2:6: arr: \"92233720368547758.07\" is too large".into()],
        ),
        (
            "two_contracts_that_overflow_only_when_summed",
            "contracts",
            format!(
                "{CONTRACTS}\nC-900,ACME-001,Core,2024-01-01,2026-12-31,50000000000000000,1,annual,\n\
                 C-901,BETA-002,Core,2024-01-01,2026-12-31,50000000000000000,1,annual,\n"
            ),
            vec!["in.csv:".into(), ":6: arr: \"50000000000000000\" is too large".into()],
        ),
        (
            "snapshots_that_overflow_the_month_total",
            "snapshots",
            format!(
                "{SNAPSHOTS}\nACME-001,2025-03,Core,47000000000000000,1\n\
                 BETA-002,2025-03,Core,47000000000000000,1\n"
            ),
            vec!["in.csv:".into(), ":4: arr: \"47000000000000000\" is too large".into()],
        ),
        ("arr_in_scientific_notation", "snapshots", snapshot("1e5"), arr(2, "1e5")),
        ("arr_nan", "snapshots", snapshot("NaN"), arr(2, "NaN")),
        ("arr_infinity", "snapshots", snapshot("inf"), arr(2, "inf")),
        ("arr_fullwidth_digits", "snapshots", snapshot("１００"), arr(2, "１００")),
        ("arr_arabic_indic_digits", "snapshots", snapshot("١٠٠"), arr(2, "١٠٠")),
        ("arr_hexadecimal", "snapshots", snapshot("0x64"), arr(2, "0x64")),
        ("arr_with_underscores", "snapshots", snapshot("1_000"), arr(2, "1_000")),
        ("arr_with_a_thousands_comma", "snapshots", snapshot("\"1,000\""), arr(2, "1,000")),
        ("arr_double_minus", "snapshots", snapshot("--5"), arr(2, "--5")),
        ("arr_trailing_minus", "snapshots", snapshot("5-"), arr(2, "5-")),
        ("arr_two_points", "snapshots", snapshot("1.2.3"), arr(2, "1.2.3")),
        ("arr_spelled_out", "snapshots", snapshot("ten"), arr(2, "ten")),
        (
            "contract_in_year_zero",
            "contracts",
            contract_dates("0000-01-01", "0000-12-31", ""),
            vec!["in.csv:2:4: start_date: \"0000-01-01\"".into()],
        ),
        (
            "contract_ending_on_a_29th_of_february_that_does_not_exist",
            "contracts",
            contract_dates("2024-03-01", "2025-02-29", ""),
            vec!["in.csv:2:5: end_date: \"2025-02-29\"".into()],
        ),
        (
            "date_with_a_plus_sign",
            "contracts",
            contract_dates("+2025-01-01", "2025-12-31", ""),
            vec!["in.csv:2:4: start_date: \"+2025-01-01\"".into()],
        ),
        (
            "date_in_year_99999",
            "contracts",
            contract_dates("2025-01-01", "99999-12-31", ""),
            vec!["in.csv:2:5: end_date: \"99999-12-31\"".into()],
        ),
        (
            "terminated_before_the_contract_started",
            "contracts",
            contract_dates("2024-03-01", "2025-02-28", "2023-01-01"),
            vec!["in.csv:2:9: terminated_on:".into(), "2023-01-01".into()],
        ),
        (
            "terminated_after_the_contract_ended",
            "contracts",
            contract_dates("2024-03-01", "2025-02-28", "2026-01-01"),
            vec!["in.csv:2:9: terminated_on:".into(), "2026-01-01".into()],
        ),
        (
            "text_after_a_closing_quote",
            "accounts",
            format!("{ACCOUNTS}\nX-1,\"q\"x,ana,,,,,,,,\n"),
            vec!["in.csv:2:2: name:".into()],
        ),
        (
            "note_on_the_30th_of_february",
            "notes",
            format!("{NOTES}\nACME-001,2025-02-30T10:00:00Z,call,hi\n"),
            vec!["in.csv:2:2: at: \"2025-02-30T10:00:00Z\"".into()],
        ),
        (
            "note_at_hour_25",
            "notes",
            format!("{NOTES}\nACME-001,2025-02-10T25:00:00Z,call,hi\n"),
            vec!["in.csv:2:2: at: \"2025-02-10T25:00:00Z\"".into()],
        ),
        (
            "note_with_an_offset_of_a_day",
            "notes",
            format!("{NOTES}\nACME-001,2025-02-10T10:00:00+24:00,call,hi\n"),
            vec!["in.csv:2:2: at: \"2025-02-10T10:00:00+24:00\"".into()],
        ),
        (
            "month_zero",
            "snapshots",
            format!("{SNAPSHOTS}\nACME-001,2025-00,Core,100,1\n"),
            vec!["in.csv:2:2: month: \"2025-00\"".into()],
        ),
        (
            "snapshot_units_beyond_64_bits",
            "snapshots",
            format!("{SNAPSHOTS}\nACME-001,2025-03,Core,100,99999999999999999999\n"),
            vec!["in.csv:2:5: units: \"99999999999999999999\"".into()],
        ),
        (
            "potential_units_beyond_64_bits",
            "accounts",
            format!("{ACCOUNTS}\nX-1,X,ana,,,,,,99999999999999999999,,\n"),
            vec!["in.csv:2:9: potential_units: \"99999999999999999999\"".into()],
        ),
        (
            "negative_potential_units",
            "accounts",
            format!("{ACCOUNTS}\nX-1,X,ana,,,,,,-1,,\n"),
            vec!["in.csv:2:9: potential_units: \"-1\"".into()],
        ),
        (
            "negative_contract_units",
            "contracts",
            format!("{CONTRACTS}\nC-900,ACME-001,Core,2024-01-01,2024-12-31,100,-5,annual,\n"),
            vec!["in.csv:2:7: units: \"-5\"".into()],
        ),
        (
            "fractional_contract_units",
            "contracts",
            format!("{CONTRACTS}\nC-900,ACME-001,Core,2024-01-01,2024-12-31,100,1.5,annual,\n"),
            vec!["in.csv:2:7: units: \"1.5\"".into()],
        ),
        (
            "two_healths_in_one_cell",
            "accounts",
            format!("{ACCOUNTS}\nX-1,X,ana,,,,,,,green;red,\n"),
            vec!["in.csv:2:10: health: \"green;red\"".into()],
        ),
        (
            "header_pasted_again_mid_file",
            "accounts",
            format!("{ACCOUNTS}\nX-1,X,ana,,,,,adoption,,,\n{ACCOUNTS}\n"),
            vec!["in.csv:3:8: stage: \"stage\"".into()],
        ),
        (
            "one_cell_too_many",
            "accounts",
            format!("{ACCOUNTS}\nX-1,X,ana,,,,,adoption,,,,extra\n"),
            vec!["in.csv:2:".into()],
        ),
        (
            "a_name_over_one_mebibyte",
            "accounts",
            format!("{ACCOUNTS}\nX-1,{},ana,,,,,,,,\n", "a".repeat(1024 * 1024 + 1)),
            vec!["in.csv:2:2: name:".into()],
        ),
    ];
    // The same bad line many times: the problems are listed, at most 200.
    let mut many = String::from(SNAPSHOTS);
    for i in 0..500 {
        many.push_str(&format!("\nACME-001,2025-03,P{i},ten,1"));
    }
    cases.push(("five_hundred_bad_lines", "snapshots", many, arr(2, "ten")));
    cases
}

pub fn cases() {
    let mut tally = Tally::new("csv");
    for (name, kind, text, phrases) in refusals() {
        tally.case(name, || {
            let case = Case::book();
            case.write("in.csv", &text);
            let before = case.files();
            let out = case.run(["import", kind, "in.csv"]);
            let phrases: Vec<&str> = phrases.iter().map(String::as_str).collect();
            all([
                out.refused(&phrases),
                before.unchanged(&case.files()),
                at_most_lines(&out.err(), 202),
            ])
        });
    }
    tally.case("sql_in_an_id_is_stored_as_text", || {
        let case = Case::book();
        let id = "X'); DROP TABLE accounts;--";
        let name = "Robert\"); DELETE FROM notes; --";
        case.write(
            "in.csv",
            format!("{ACCOUNTS}\n\"{id}\",\"{}\",ana,,,,,,,,\n", name.replace('"', "\"\"")),
        );
        let before = crate::db::dump(&case.db);
        all([
            case.run(["import", "accounts", "in.csv"]).ok(),
            grew_by_rows(&before, &case, &[id, name]),
        ])
    });
    tally.case("formula_name_round_trips_through_export", || {
        let case = Case::book();
        let name = "=HYPERLINK(\"http://evil.example\",\"click\")";
        case.write(
            "in.csv",
            format!("{ACCOUNTS}\nX-1,\"{}\",ana,,,,,,,,\n", name.replace('"', "\"\"")),
        );
        case.run(["import", "accounts", "in.csv"]).ok()?;
        let exported = case.outside("accounts.csv");
        case.run(["export".as_ref(), "accounts".as_ref(), "--out".as_ref(), exported.as_os_str()])
            .ok()?;
        let text = std::fs::read_to_string(&exported).map_err(|e| e.to_string())?;
        if !text.contains("\"'=HYPERLINK(") {
            return Err(format!("the formula is not neutralised in the export: {text}"));
        }
        let before = case.files();
        let again = case.run(["import".as_ref(), "accounts".as_ref(), exported.as_os_str()]);
        all([
            again.ok(),
            contains(&again.out(), "0 inserted, 0 updated"),
            before.unchanged(&case.files()),
        ])
    });
    tally.case("importing_the_same_file_again_changes_no_byte", || {
        let case = Case::book();
        let before = case.files();
        let out = case.run([
            "import".as_ref(),
            "contracts".as_ref(),
            crate::harness::fixture("contracts.csv").as_os_str(),
        ]);
        all([
            out.ok(),
            contains(&out.out(), "0 inserted, 0 updated"),
            before.unchanged(&case.files()),
        ])
    });
    tally.finish();
}

fn at_most_lines(text: &str, n: usize) -> Verdict {
    let lines = text.lines().count();
    if lines > n { Err(format!("{lines} lines of messages, expected at most {n}")) } else { Ok(()) }
}

pub fn contains(text: &str, needle: &str) -> Verdict {
    if text.contains(needle) { Ok(()) } else { Err(format!("{needle:?} not in {text:?}")) }
}

/// Every row the book held is still there, and the new rows hold `texts`
/// exactly (the only change an accepted import of new accounts may make).
fn grew_by_rows(before: &str, case: &Case, texts: &[&str]) -> Verdict {
    let after = crate::db::dump(&case.db);
    let lost: Vec<&str> = before.lines().filter(|l| !after.lines().any(|a| a == *l)).collect();
    if !lost.is_empty() {
        return Err(format!("rows changed or lost: {lost:?}"));
    }
    let added: Vec<&str> = after.lines().filter(|l| !before.lines().any(|b| b == *l)).collect();
    for text in texts {
        let quoted = format!("{text:?}");
        if !added.iter().any(|l| l.starts_with("accounts|") && l.contains(&quoted)) {
            return Err(format!("no new account row holding {quoted}: {added:?}"));
        }
    }
    Ok(())
}
