//! Text that would drive the user's terminal if printed raw: a title change
//! (`ESC]0;…BEL`), a screen clear (`ESC[2J`), an OSC 52 clipboard write, the
//! 8-bit CSI (U+009B), bidi overrides, isolates and marks, DEL, backspace
//! and a bare carriage return, in names, products, contract ids, notes,
//! churn causes, command-line values and CSV cells echoed in messages.
//! Nothing printed may carry them raw; ICS escapes per RFC 5545; JSON gives
//! the stored text back exactly; the stored text is exactly what was imported.

use crate::harness::{Case, Outcome, Tally, Verdict, all};
use std::ffi::OsString;

const TITLE: &str = "\x1b]0;pwned\x07";
const CLEAR: &str = "\x1b[2J\x1b[H";
const OSC52: &str = "\x1b]52;c;cm0gLXJmIH4K\x07";
const C1_CSI: &str = "\u{9b}31m";
const BIDI: &str = "\u{202e}gpj.exe\u{202c}";
const ISOLATE: &str = "\u{2067}rtl\u{2069}";
const MARKS: &str = "\u{200f}\u{61c}\u{200e}";
const DEL_BACKSPACE: &str = "\x7f\x08\x08";
const CR: &str = "\roverwritten";

fn name(n: usize) -> String {
    match n {
        1 => format!("Acme{TITLE}Evil"),
        2 => format!("{OSC52}Clip Co"),
        3 => format!("{BIDI}{ISOLATE}{MARKS}Rtl Ltd"),
        _ => format!("Del{DEL_BACKSPACE}{CR} Inc"),
    }
}

fn am(n: usize) -> String {
    match n {
        1 => format!("ben{CLEAR}"),
        2 => format!("{C1_CSI}carla"),
        3 => format!("dora{MARKS}"),
        _ => String::new(),
    }
}

fn product(n: usize) -> String {
    match n {
        1 => format!("Core{C1_CSI}"),
        2 => format!("Clip{OSC52}"),
        3 => format!("Bidi{BIDI}"),
        _ => format!("Del{DEL_BACKSPACE}"),
    }
}

fn contract_id(n: usize) -> String {
    if n == 1 { format!("C-E1{TITLE}") } else { format!("C-E{n}") }
}

fn quote(cell: &str) -> String {
    format!("\"{}\"", cell.replace('"', "\"\""))
}

fn row(cells: &[String]) -> String {
    cells.iter().map(|c| quote(c)).collect::<Vec<_>>().join(",") + "\n"
}

/// The files imported into the hostile book, in order.
pub fn hostile_csvs() -> Vec<(&'static str, String)> {
    let mut accounts = String::from(
        "account_id,name,csm,am,segment,industry,region,stage,potential_units,health,flags\n",
    );
    let mut contracts = String::from(
        "contract_id,account_id,product,start_date,end_date,arr,units,billing,terminated_on\n",
    );
    let mut snapshots = String::from("account_id,month,product,arr,units\n");
    let mut notes = String::from("account_id,at,kind,text\n");
    let healths = ["red", "orange", "yellow", "green"];
    for n in 1..=4 {
        let id = format!("EVIL-{n}");
        let cells = [
            &id,
            &name(n),
            "ana",
            &am(n),
            "smb",
            "x",
            "EMEA",
            "adoption",
            "50",
            healths[n - 1],
            "",
        ];
        accounts.push_str(&row(&cells.map(String::from)));
        let cells = [
            &contract_id(n),
            &id,
            &product(n),
            "2024-06-01",
            "2025-05-15",
            "1000",
            "10",
            "annual",
            "",
        ];
        contracts.push_str(&row(&cells.map(String::from)));
        snapshots.push_str(&row(&[&id, "2025-02", &product(n), "1000", "10"].map(String::from)));
        let text = format!("{OSC52}{CLEAR}note {n}");
        notes.push_str(&row(&[&id, "2025-03-01", "call", &text].map(String::from)));
    }
    vec![
        ("accounts", accounts),
        ("contracts", contracts),
        ("snapshots", snapshots),
        ("notes", notes),
    ]
}

/// `(account, cause)` churn chains recorded in the hostile book.
pub fn hostile_chains() -> Vec<(&'static str, &'static str)> {
    vec![
        ("EVIL-1", "\x1b]52;c;cm0gLXJmIH4K\x07 sponsor left"),
        ("EVIL-2", "\u{202e}tegdub\u{202c}"),
    ]
}

fn forbidden(c: char) -> bool {
    (c < ' ' && c != '\n' && c != '\t')
        || c == '\x7f'
        || ('\u{80}'..='\u{9f}').contains(&c)
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// No raw control or bidi character; with `crlf`, a CR is allowed only as
/// the start of an RFC 5545 line ending.
fn inert(what: &str, bytes: &[u8], crlf: bool) -> Verdict {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("{what} is not UTF-8: {e}"))?;
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if crlf && c == '\r' && chars.get(i + 1) == Some(&'\n') {
            continue;
        }
        if forbidden(c) {
            let start = i.saturating_sub(12);
            let context: String = chars[start..(i + 12).min(chars.len())].iter().collect();
            found.push(format!("U+{:04X} in {context:?}", c as u32));
        }
    }
    if found.is_empty() {
        Ok(())
    } else {
        let total = found.len();
        found.truncate(3);
        Err(format!("{what} carries {total} raw control(s): {}", found.join("; ")))
    }
}

fn printed_inert(out: &Outcome) -> Verdict {
    all([inert("stdout", &out.stdout, false), inert("stderr", &out.stderr, false)])
}

/// Parses as JSON and holds each of `texts` exactly in some string.
fn json_holds(out: &Outcome, texts: &[String]) -> Verdict {
    let value: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("not JSON: {e}: {}", out.out()))?;
    let mut strings = Vec::new();
    collect(&value, &mut strings);
    for text in texts {
        if !strings.iter().any(|s| s == text) {
            return Err(format!("the JSON does not give back {text:?}"));
        }
    }
    Ok(())
}

fn collect(value: &serde_json::Value, into: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => into.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, into)),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                into.push(k.clone());
                collect(v, into);
            }
        }
        _ => {}
    }
}

fn names() -> Vec<String> {
    (1..=4).map(name).collect()
}

fn os(items: &[&str]) -> Vec<OsString> {
    items.iter().map(OsString::from).collect()
}

pub fn cases() {
    let mut tally = Tally::new("terminal");
    // (name, arguments, the stored texts its JSON must give back)
    let reports: Vec<(&str, Vec<OsString>, Vec<String>)> = vec![
        ("renewals", os(&["renewals"]), vec![]),
        ("renewals_mine", os(&["renewals", "--mine"]), vec![]),
        ("renewals_at_risk", os(&["renewals", "--at-risk"]), vec![]),
        ("renewals_forecast", os(&["renewals", "--forecast"]), vec![]),
        (
            "renewals_json",
            os(&["renewals", "--json"]),
            vec![name(1), name(2), product(1), contract_id(1)],
        ),
        ("targets", os(&["targets"]), vec![]),
        ("targets_json", os(&["targets", "--json"]), vec![name(2), name(3), name(4)]),
        ("targets_by_hostile_am", vec!["targets".into(), "--am".into(), am(1).into()], vec![]),
        ("churn_report", os(&["churn", "report"]), vec![]),
        (
            "churn_report_json",
            os(&["churn", "report", "--json"]),
            vec![hostile_chains()[0].1.to_string()],
        ),
        ("churn_list", os(&["churn", "list", "EVIL-1"]), vec![]),
        ("churn_list_rtl", os(&["churn", "list", "EVIL-2"]), vec![]),
        ("churn_list_json", os(&["churn", "list", "EVIL-1", "--json"]), vec![name(1)]),
        ("churn_list_unknown_hostile_id", os(&["churn", "list", CLEAR]), vec![]),
        (
            "churn_report_hostile_csm",
            vec!["churn".into(), "report".into(), "--csm".into(), TITLE.into()],
            vec![],
        ),
        ("export_accounts_json", os(&["export", "accounts", "--format", "json"]), names()),
        (
            "export_notes_json",
            os(&["export", "notes", "--format", "json"]),
            vec![format!("{OSC52}{CLEAR}note 1")],
        ),
        (
            "export_snapshots_json",
            os(&["export", "snapshots", "--format", "json"]),
            vec![product(3)],
        ),
        ("metrics_pareto", os(&["metrics", "pareto"]), vec![]),
        (
            "metrics_bridge_hostile_product",
            vec![
                "metrics".into(),
                "bridge".into(),
                "--from".into(),
                "2025-01".into(),
                "--to".into(),
                "2025-02".into(),
                "--product".into(),
                product(2).into(),
            ],
            vec![],
        ),
        ("bad_stage_value_echoed", os(&["targets", "--stage", TITLE]), vec![]),
        ("bad_date_value_echoed", os(&["renewals", "--from", OSC52]), vec![]),
        ("bad_month_value_echoed", os(&["metrics", "pareto", "--as-of", C1_CSI]), vec![]),
        (
            "churn_record_unknown_hostile_account",
            os(&["churn", "record", OSC52, "--date", "2025-03-01", "--event", "churned"]),
            vec![],
        ),
        (
            "churn_record_hostile_event",
            os(&["churn", "record", "EVIL-1", "--date", "2025-03-01", "--event", BIDI]),
            vec![],
        ),
    ];
    for (case_name, args, texts) in reports {
        tally.case(case_name, || {
            let case = Case::hostile();
            let before = case.files();
            let out = case.run(&args);
            let json =
                if texts.is_empty() { Ok(()) } else { all([out.ok(), json_holds(&out, &texts)]) };
            all([out.no_panic(), printed_inert(&out), json, before.unchanged(&case.files())])
        });
    }
    // A CSV export on standard output is data, usually redirected to a
    // file: it must import back exactly, so it is not made inert here.
    for kind in ["accounts", "contracts"] {
        tally.case(&format!("export_{kind}_csv_to_stdout_round_trips"), || {
            let case = Case::hostile();
            let out = case.run(["export", kind]);
            out.ok()?;
            let file = case.outside(&format!("{kind}.csv"));
            std::fs::write(&file, &out.stdout).map_err(|e| e.to_string())?;
            let before = case.files();
            let again = case.run(["import".as_ref(), kind.as_ref(), file.as_os_str()]);
            all([
                again.ok(),
                printed_inert(&again),
                crate::csv_input::contains(&again.out(), "0 inserted, 0 updated"),
                before.unchanged(&case.files()),
            ])
        });
    }
    tally.case("ics_to_stdout", || {
        let case = Case::hostile();
        let before = case.files();
        let out = case.run(["renewals", "--ics", "-"]);
        all([
            out.ok(),
            inert("the calendar", &out.stdout, true),
            crate::csv_input::contains(&out.out(), "BEGIN:VEVENT"),
            inert("stderr", &out.stderr, false),
            before.unchanged(&case.files()),
        ])
    });
    tally.case("ics_file", || {
        let case = Case::hostile();
        let before = case.files();
        let file = case.outside("renewals.ics");
        let out = case.run(["renewals".as_ref(), "--ics".as_ref(), file.as_os_str()]);
        let bytes = std::fs::read(&file).unwrap_or_default();
        all([
            out.ok(),
            printed_inert(&out),
            inert("the calendar file", &bytes, true),
            crate::csv_input::contains(&String::from_utf8_lossy(&bytes), "Evil"),
            before.unchanged(&case.files()),
        ])
    });
    tally.case("stored_text_is_exactly_what_was_imported", || {
        let case = Case::hostile();
        let dump = crate::db::dump(&case.db);
        for text in names().into_iter().chain([
            am(1),
            product(2),
            contract_id(1),
            format!("{OSC52}{CLEAR}note 4"),
        ]) {
            let quoted = format!("{text:?}");
            if !dump.contains(&quoted) {
                return Err(format!("the database does not hold {quoted} exactly"));
            }
        }
        Ok(())
    });
    tally.case("export_file_round_trips_exactly", || {
        let case = Case::hostile();
        let file = case.outside("accounts.csv");
        case.run(["export".as_ref(), "accounts".as_ref(), "--out".as_ref(), file.as_os_str()])
            .ok()?;
        let before = case.files();
        let again = case.run(["import".as_ref(), "accounts".as_ref(), file.as_os_str()]);
        all([
            again.ok(),
            printed_inert(&again),
            crate::csv_input::contains(&again.out(), "0 inserted, 0 updated"),
            before.unchanged(&case.files()),
        ])
    });
    tally.case("import_error_echoing_a_hostile_cell", || {
        let case = Case::hostile();
        case.write("in.csv", format!("account_id,month,product,arr\nACME-001,{TITLE},Core,100\n"));
        let before = case.files();
        let out = case.run(["import", "snapshots", "in.csv"]);
        all([
            out.refused(&["in.csv:2:2: month:"]),
            printed_inert(&out),
            before.unchanged(&case.files()),
        ])
    });
    tally.case("import_error_echoing_a_hostile_unknown_account", || {
        let case = Case::hostile();
        case.write(
            "in.csv",
            format!("account_id,month,product,arr\n\"{OSC52}{BIDI}\",2025-03,Core,100\n"),
        );
        let before = case.files();
        let out = case.run(["import", "snapshots", "in.csv"]);
        all([
            out.refused(&["in.csv:2:1: account_id:"]),
            printed_inert(&out),
            before.unchanged(&case.files()),
        ])
    });
    tally.case("import_file_named_with_escapes", || {
        let case = Case::hostile();
        let file = format!("{TITLE}{C1_CSI}.csv");
        case.write(&file, "account_id,month,product,arr\nACME-001,2025-13,Core,100\n");
        let before = case.files();
        let out = case.run(["import", "snapshots", &file]);
        all([out.refused(&[":2:2: month:"]), printed_inert(&out), before.unchanged(&case.files())])
    });
    tally.case("warning_for_a_hostile_unknown_column", || {
        let case = Case::hostile();
        case.write("in.csv", format!("account_id,name,\"{TITLE}{BIDI}\"\nEVIL-9,Nine,x\n"));
        let out = case.run(["import", "accounts", "in.csv"]);
        all([out.ok(), printed_inert(&out)])
    });
    tally.case("churn_record_with_a_hostile_product_and_cause", || {
        let case = Case::hostile();
        let product = format!("Core{CLEAR}");
        let cause = format!("{C1_CSI}{ISOLATE}");
        let record = case.run(
            ["churn", "record", "ACME-001", "--date", "2025-03-02", "--event", "contracted"]
                .into_iter()
                .chain(["--product", &product, "--arr-lost", "5", "--cause", &cause]),
        );
        let report = case.run(["churn", "report"]);
        let list = case.run(["churn", "list", "ACME-001"]);
        all([
            record.ok(),
            printed_inert(&record),
            report.ok(),
            printed_inert(&report),
            list.ok(),
            printed_inert(&list),
        ])
    });
    tally.case("churn_reasons_with_a_hostile_label", || {
        let case = Case::hostile();
        let label = format!("Budget{CLEAR}{BIDI}");
        case.run(["churn", "reasons", "add", &label, "--kind", "controllable"]).ok()?;
        let before = case.files();
        let table = case.run(["churn", "reasons"]);
        let json = case.run(["churn", "reasons", "--json"]);
        all([
            table.ok(),
            printed_inert(&table),
            json.ok(),
            printed_inert(&json),
            json_holds(&json, std::slice::from_ref(&label)),
            before.unchanged(&case.files()),
        ])
    });
    tally.finish();
}
