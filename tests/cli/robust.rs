//! The command line under hostile text and hostile use, run as a user runs
//! it: names, causes and products holding terminal escapes (title change,
//! screen clear, OSC 52 clipboard write), C1 controls and bidi overrides
//! are shown inert in every table and line, escaped in JSON and absent from
//! the calendar file; a reader that goes away, out-of-range numbers and a
//! missing terminal end the cockpit with a message, never a panic.

use crate::common;

use cockpit::import::{ImportKind, import_path};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// An account name that would retitle the window, clear the screen, write
/// the clipboard, reverse the line and start a C1 CSI if shown raw.
const HOSTILE: &str = "Evil\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}\u{202e}gnp\u{9b}31m\u{7f}\u{200f}\u{2066}x";
const HOSTILE_CSM: &str = "eve\u{1b}[1m";
const HOSTILE_PRODUCT: &str = "Core\u{1b}[5m\u{85}x";
const HOSTILE_CAUSE: &str = "budget\u{1b}]8;;http://x\u{7}cut\r\u{1b}[A";
const TODAY: &str = "2025-03-15";

struct Book {
    dir: tempfile::TempDir,
    db: PathBuf,
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write csv");
    path
}

/// The fixture book the other CLI tests use, plus one hostile account with
/// a contract renewing in the listed window, whitespace, a snapshot, a
/// note and a churn chain whose cause is hostile free text.
fn book() -> Book {
    let (dir, db, mut store) = common::import::fixture_book();
    let clock = common::import::clock();
    let accounts = write(
        dir.path(),
        "evil_accounts.csv",
        &format!(
            "account_id,name,csm,am,segment,industry,region,stage,potential_units,health,flags\n\
             EVIL-1,\"{HOSTILE}\",\"{HOSTILE_CSM}\",\"x\u{202e}y\",smb,retail,EMEA,absorption,500,green,\n\
             WIDE-2,株式会社テスト🚀,ana,,smb,retail,APAC,adoption,50,yellow,\n"
        ),
    );
    let contracts = write(
        dir.path(),
        "evil_contracts.csv",
        &format!(
            "contract_id,account_id,product,start_date,end_date,arr,units,billing,terminated_on\n\
             C-EVIL,EVIL-1,\"{HOSTILE_PRODUCT}\",2024-06-01,2025-05-31,50000,10,annual,\n\
             C-WIDE,WIDE-2,Core,2024-07-01,2025-06-30,9000,5,annual,\n"
        ),
    );
    let snapshots = write(
        dir.path(),
        "evil_snapshots.csv",
        &format!(
            "account_id,month,product,arr,units\n\
             EVIL-1,2025-01,\"{HOSTILE_PRODUCT}\",50000,10\n\
             EVIL-1,2025-02,\"{HOSTILE_PRODUCT}\",40000,10\n"
        ),
    );
    let notes = write(
        dir.path(),
        "evil_notes.csv",
        "account_id,at,kind,text\nEVIL-1,2025-02-01,note,\"one\nline \u{1b}[2J two\"\n",
    );
    for (kind, path) in [
        (ImportKind::Accounts, &accounts),
        (ImportKind::Contracts, &contracts),
        (ImportKind::Snapshots, &snapshots),
        (ImportKind::Notes, &notes),
    ] {
        import_path(&mut store, kind, path, "ana", &clock)
            .unwrap_or_else(|e| panic!("hostile {kind}: {e}"));
    }
    drop(store);
    let book = Book { dir, db };
    let out = book.run(&[
        "churn",
        "record",
        "EVIL-1",
        "--date",
        "2025-02-01",
        "--event",
        "contracted",
        "--arr-lost",
        "10000",
        "--cause",
        HOSTILE_CAUSE,
    ]);
    assert!(out.status.success(), "record: {}", String::from_utf8_lossy(&out.stderr));
    book
}

impl Book {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cockpit"));
        command
            .arg("--db")
            .arg(&self.db)
            .args(["--width", "0"])
            .args(args)
            .env("COCKPIT_TODAY", TODAY)
            .env("COCKPIT_USER", "ana")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env_remove("COCKPIT_CONFIG");
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run cockpit")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    }
}

/// A character a terminal could act on (a newline and a tab excepted).
fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

fn assert_inert(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|c| forbidden(*c)) {
        panic!("{what} prints U+{:04X} raw:\n{text}", u32::from(c));
    }
}

/// Every command that prints a report for people.
const REPORTS: &[&[&str]] = &[
    &["renewals"],
    &["renewals", "--within", "365"],
    &["renewals", "--forecast"],
    &["targets"],
    &["churn", "report"],
    &["churn", "list", "EVIL-1"],
    &["churn", "reasons"],
    &["metrics", "retention", "--as-of", "2025-02"],
    &["metrics", "retention", "--from", "2025-01", "--to", "2025-02"],
    &["metrics", "bridge", "--from", "2025-01", "--to", "2025-02"],
    &["metrics", "renewals", "--from", "2025-01-01", "--to", "2025-12-31"],
    &["metrics", "pareto"],
];

#[test]
fn every_report_shows_hostile_text_inert() {
    let book = book();
    for args in REPORTS {
        let out = book.run(args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert_inert(&format!("{args:?}"), &String::from_utf8(out.stdout).expect("utf-8"));
        assert_inert(&format!("{args:?} stderr"), &String::from_utf8_lossy(&out.stderr));
    }
    let shown = "Evil␛]0;pwned␇␛[2J␛]52;c;ZXZpbA==␇⟨U+202E⟩gnp⟨U+009B⟩31m␡⟨U+200F⟩⟨U+2066⟩x";
    assert!(book.ok(&["renewals"]).contains(shown), "renewals shows the name visibly");
    assert!(book.ok(&["targets"]).contains(shown), "targets shows the name visibly");
    let report = book.ok(&["churn", "report"]);
    assert!(report.contains("budget␛]8;;http://x␇cut␍␛[A"), "{report}");
    let product =
        book.run(&["metrics", "retention", "--as-of", "2025-02", "--product", HOSTILE_PRODUCT]);
    let product = String::from_utf8(product.stdout).expect("utf-8");
    assert_inert("metrics retention --product", &product);
    assert!(product.contains("Core␛[5m⟨U+0085⟩x"), "{product}");
}

#[test]
fn table_columns_stay_aligned_around_marked_text() {
    let book = book();
    let text = book.ok(&["renewals", "--within", "365"]);
    let lines: Vec<&str> = text.lines().filter(|l| l.contains(" C-")).collect();
    assert!(lines.iter().any(|l| l.contains("株式会社テスト🚀")), "{text}");
    assert!(lines.iter().any(|l| l.contains("Evil␛")), "{text}");
    // The contract id is the last, left-aligned text column: on every row it
    // starts at the same terminal cell.
    let starts: Vec<usize> = lines
        .iter()
        .map(|l| l.rfind(" C-").map_or(0, |at| unicode_width::UnicodeWidthStr::width(&l[..at])))
        .collect();
    assert!(starts[0] > 0 && starts.windows(2).all(|w| w[0] == w[1]), "{starts:?}\n{text}");
}

#[test]
fn an_error_echoing_a_cell_does_not_replay_its_escape() {
    let book = book();
    let bad = write(
        book.dir.path(),
        "bad_contracts.csv",
        "contract_id,account_id,product,start_date,end_date,arr,units,billing,terminated_on\n\
         C-X,EVIL-1,Core,2026-02-30\u{1b}[2J\u{1b}]0;t\u{7},2027-01-01,100,1,annual,\n",
    );
    let out = book.run(&["import", "contracts", bad.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_inert("a rejected import", &stderr);
    assert!(stderr.contains("start_date: \"2026-02-30"), "{stderr}");
    let out = book.run(&["churn", "list", "NO\u{1b}[2JSUCH"]);
    assert_eq!(out.status.code(), Some(1));
    assert_inert("an unknown account", &String::from_utf8_lossy(&out.stderr));
    // An error built from a path the user typed, printed by the one error
    // printer.
    let taken = book.dir.path().join("taken\u{1b}]0;t\u{7}.db");
    std::fs::write(&taken, "x").expect("write");
    let out = book.run(&["backup", taken.to_str().expect("path")]);
    assert_ne!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_inert("an error echoing a path", &stderr);
    assert!(stderr.contains("taken␛]0;t␇.db"), "{stderr}");
    let out = book.run(&["renewals", "--from", "2025-01-01\u{1b}[2J"]);
    assert_eq!(out.status.code(), Some(2));
    assert_inert("a bad argument", &String::from_utf8_lossy(&out.stderr));
}

/// Whether a string anywhere in `value` holds `text` exactly.
fn holds(value: &Value, text: &str) -> bool {
    match value {
        Value::String(s) => s.contains(text),
        Value::Array(items) => items.iter().any(|v| holds(v, text)),
        Value::Object(map) => map.values().any(|v| holds(v, text)),
        _ => false,
    }
}

#[test]
fn json_escapes_controls_and_gives_back_the_stored_text() {
    let book = book();
    let cases: &[(&[&str], &str)] = &[
        (&["renewals", "--json"], "/events"),
        (&["targets", "--json"], "/targets"),
        (&["churn", "report", "--json"], "/chain_details"),
        (&["churn", "list", "EVIL-1", "--json"], ""),
        (&["export", "accounts", "--format", "json"], ""),
        (&["export", "notes", "--format", "json"], ""),
    ];
    for (args, pointer) in cases {
        let text = book.ok(args);
        assert_inert(&format!("{args:?}"), &text);
        let value: Value = serde_json::from_str(&text).expect("json");
        let part = value.pointer(pointer).expect("pointer");
        let found = [HOSTILE, HOSTILE_CAUSE, "one\nline \u{1b}[2J two"]
            .iter()
            .any(|hostile| holds(part, hostile));
        assert!(found, "{args:?} gives back the stored text exactly: {text}");
    }
    let value: Value = serde_json::from_str(&book.ok(&["targets", "--json"])).expect("json");
    let names: Vec<&str> = value["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(names.contains(&HOSTILE), "{names:?}");
    let accounts: Value =
        serde_json::from_str(&book.ok(&["export", "accounts", "--format", "json"])).expect("json");
    assert!(
        accounts.as_array().expect("rows").iter().any(|a| a["name"] == HOSTILE),
        "export gives back the name exactly"
    );
}

#[test]
fn the_calendar_file_is_escaped_and_carries_no_control() {
    let book = book();
    let path = book.dir.path().join("renewals.ics");
    book.ok(&["renewals", "--within", "365", "--ics", path.to_str().expect("path")]);
    let text = std::fs::read_to_string(&path).expect("ics");
    let bare = text.replace("\r\n", "");
    if let Some(c) = bare.chars().find(|c| forbidden(*c) || *c == '\n' || *c == '\t') {
        panic!("the calendar carries U+{:04X}:\n{text}", u32::from(c));
    }
    let reader = ical::IcalParser::new(BufReader::new(text.as_bytes()));
    let mut summaries = Vec::new();
    for calendar in reader {
        for event in calendar.expect("a valid calendar").events {
            for property in event.properties {
                if property.name == "SUMMARY" {
                    summaries.push(property.value.unwrap_or_default());
                }
            }
        }
    }
    let evil = summaries.iter().find(|s| s.contains("Evil")).expect("the hostile renewal");
    // The parser keeps RFC 5545's escapes: `;` is `\;`.
    assert!(evil.contains("Evil␛]0\\;pwned␇␛[2J␛]52\\;c\\;ZXZpbA==␇⟨U+202E⟩gnp"), "{evil}");
}

/// Runs `args` writing into a pipe whose reader is gone, and returns the
/// exit code (None when ended by SIGPIPE, as `head` ends other tools) and
/// what it said on standard error.
fn into_closed_pipe(book: &Book, args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = book
        .command(args)
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .expect("run cockpit");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Runs `args` into a reader that reads one line and goes away.
fn into_head_1(book: &Book, args: &[&str]) -> (Option<i32>, String) {
    let mut child = book
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run cockpit");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("one line");
    let out = child.wait_with_output().expect("wait");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_closed_pipe_ends_every_report_quietly() {
    let book = book();
    let mut commands: Vec<Vec<&str>> = REPORTS.iter().map(|a| a.to_vec()).collect();
    for json in [
        &["renewals", "--json"][..],
        &["targets", "--json"],
        &["churn", "report", "--json"],
        &["metrics", "pareto", "--json"],
        &["renewals", "--ics", "-"],
        &["export", "accounts"],
        &["export", "contracts", "--format", "json"],
        &["export", "snapshots"],
        &["export", "notes"],
        &["--help"],
    ] {
        commands.push(json.to_vec());
    }
    for args in &commands {
        for (how, (code, stderr)) in
            [("closed", into_closed_pipe(&book, args)), ("head -1", into_head_1(&book, args))]
        {
            assert_ne!(code, Some(101), "{args:?} ({how}) panicked: {stderr}");
            assert!(!stderr.contains("panicked"), "{args:?} ({how}): {stderr}");
            assert!(!stderr.contains("Broken pipe"), "{args:?} ({how}): {stderr}");
            assert!(code.is_none() || code == Some(0), "{args:?} ({how}): {code:?} {stderr}");
        }
    }
}

#[test]
fn out_of_range_numbers_are_refused_by_the_argument_parser() {
    let book = book();
    let out_dir = book.dir.path().join("gen");
    let out = out_dir.to_str().expect("path");
    let cases: &[&[&str]] = &[
        &["renewals", "--within", "36501"],
        &["renewals", "--within", "4294967296"],
        &["renewals", "--within", "99999999999999999999999"],
        &["renewals", "--within", "-1"],
        &["renewals", "--forecast", "--months", "0"],
        &["renewals", "--forecast", "--months", "601"],
        &["renewals", "--forecast", "--months", "4294967295"],
        &["renewals", "--forecast", "--json", "--months", "-3"],
        &["targets", "--limit", "0"],
        &["targets", "--limit", "4294967296"],
        &["targets", "--tier", "0"],
        &["targets", "--tier", "101"],
        &["targets", "--tier", "256"],
        &["gen", "--out", out, "--accounts", "0"],
        &["gen", "--out", out, "--accounts", "10000001"],
        &["gen", "--out", out, "--months", "0"],
        &["gen", "--out", out, "--months", "1201"],
        &["gen", "--out", out, "--months", "4294967295"],
        &["gen", "--out", out, "--seed", "-1"],
        &["gen", "--out", out, "--seed", "18446744073709551616"],
        &["gen", "--out", out, "--csms", "0"],
        &["gen", "--out", out, "--csms", "1001"],
        &["gen", "--out", out, "--ams", "0"],
        &["gen", "--out", out, "--ams", "99999"],
    ];
    for args in cases {
        let run = book.run(args);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("invalid value") || stderr.contains("unexpected argument '-"),
            "{args:?}: {stderr}"
        );
    }
    assert!(!out_dir.exists(), "a refused gen writes nothing");
    // The largest accepted values run (or refuse with a message), never panic.
    for args in [
        &["renewals", "--within", "36500"][..],
        &["renewals", "--forecast", "--months", "600"],
        &["renewals", "--from", "9999-12-31", "--within", "36500"],
        &["renewals", "--from", "+262142-12-31"],
        &["targets", "--limit", "4294967295", "--tier", "100"],
    ] {
        let run = book.run(args);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(matches!(run.status.code(), Some(0..=2)), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn without_a_terminal_the_cockpit_says_so_in_one_line() {
    let book = book();
    for args in [&[][..], &["--demo"]] {
        let out = book.command(args).stdin(Stdio::null()).output().expect("run cockpit");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("needs a terminal"), "{stderr}");
        assert!(stderr.contains("cockpit renewals"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}
