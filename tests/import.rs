//! Import end to end: the small fixture book, re-import and update in place,
//! history and derived facts, and the corpus of bad files under
//! `tests/data/bad_csv/`, each refused with its own message and the database
//! left exactly as it was.

mod common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::import::{ImportError, ImportKind, import_path, import_reader};
use cockpit::store::Store;
use common::db::dump;
use std::path::{Path, PathBuf};

fn clock() -> Clock {
    Clock::fixed(NaiveDate::from_ymd_opt(2025, 3, 15).expect("date"))
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// A temporary database holding the fixture book.
fn fixture_book() -> (tempfile::TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("book.db");
    let mut store = Store::open(&path).expect("open");
    for kind in ImportKind::ALL {
        import_path(&mut store, kind, &data(&format!("{kind}.csv")), "ana", &clock())
            .unwrap_or_else(|e| panic!("fixture {kind}: {e}"));
    }
    (dir, path, store)
}

fn query(path: &Path, sql: &str) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open(path).expect("open");
    let mut statement = conn.prepare(sql).expect("prepare");
    let width = statement.column_count();
    let mut rows = statement.query([]).expect("query");
    let mut out = Vec::new();
    while let Some(row) = rows.next().expect("row") {
        out.push(
            (0..width)
                .map(|i| match row.get::<_, rusqlite::types::Value>(i).expect("value") {
                    rusqlite::types::Value::Null => "NULL".to_string(),
                    rusqlite::types::Value::Integer(n) => n.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    other => format!("{other:?}"),
                })
                .collect(),
        );
    }
    out
}

fn rejected(result: Result<cockpit::import::ImportReport, ImportError>) -> Vec<String> {
    match result {
        Err(ImportError::Rejected(errors)) => errors.iter().map(ToString::to_string).collect(),
        Err(other) => panic!("expected a rejection, got {other}"),
        Ok(report) => panic!("expected a rejection, got {report}"),
    }
}

#[test]
fn the_fixture_book_loads_with_counts_history_and_derived_facts() {
    let (_dir, path, mut store) = fixture_book();
    assert_eq!(
        query(
            &path,
            "SELECT id, arr_cents, units, first_month, last_touch FROM accounts ORDER BY id"
        ),
        vec![
            // 2025-02: Core 126,000 + Analytics 30,000.50 = 156,000.50; units 105 + 20.
            vec!["ACME-001", "15600050", "125", "24300", "2025-02-10"],
            vec!["BETA-002", "2400000", "10", "24300", "2025-01-15"],
            // Churned: 0 at the latest month; the severe case is not a touch.
            vec!["GAMMA-003", "0", "0", "24300", "NULL"],
        ]
    );
    let reason = format!("imported from {}", data("accounts.csv").display());
    assert_eq!(
        query(&path, "SELECT account_id, who, health, reason FROM health_changes ORDER BY id"),
        vec![
            vec!["ACME-001", "ana", "green", reason.as_str()],
            vec!["BETA-002", "ana", "yellow", reason.as_str()],
            vec!["GAMMA-003", "ana", "red", reason.as_str()],
        ]
    );
    // Re-importing changes nothing.
    let before = dump(&path);
    for kind in ImportKind::ALL {
        let report = import_path(&mut store, kind, &data(&format!("{kind}.csv")), "ana", &clock())
            .expect("re-import");
        assert_eq!((report.counts.inserted, report.counts.updated), (0, 0), "{report}");
        assert!(report.counts.unchanged > 0);
    }
    assert_eq!(dump(&path), before);
}

#[test]
fn a_newer_file_updates_in_place_and_records_the_moves() {
    let (_dir, path, mut store) = fixture_book();
    let accounts = "account_id,name,health,stage\r\nACME-001,\"Acme, Inc.\",orange,absorption\r\nBETA-002,Beta Labs,yellow,absorption\r\nDELTA-004,Delta,,\r\n";
    let report = import_reader(
        &mut store,
        ImportKind::Accounts,
        "crm.csv",
        accounts.as_bytes(),
        "ben",
        &clock(),
    )
    .expect("update");
    assert_eq!((report.counts.inserted, report.counts.updated, report.counts.unchanged), (1, 2, 0));
    assert_eq!(
        query(
            &path,
            "SELECT id, health, health_since, stage, stage_since, csm FROM accounts WHERE id <> 'GAMMA-003' ORDER BY id"
        ),
        vec![
            // Absent columns (csm…) keep their stored values.
            vec!["ACME-001", "orange", "2025-03-15", "absorption", "2025-03-15", "ana"],
            vec!["BETA-002", "yellow", "2025-03-15", "absorption", "2025-03-15", "ana"],
            vec!["DELTA-004", "NULL", "NULL", "addiction", "2025-03-15", ""],
        ]
    );
    assert_eq!(
        query(
            &path,
            "SELECT account_id, who, health, reason FROM health_changes WHERE who = 'ben'"
        ),
        vec![vec!["ACME-001", "ben", "orange", "imported from crm.csv"]]
    );
    assert_eq!(
        query(
            &path,
            "SELECT account_id, stage FROM stage_changes WHERE who = 'ben' ORDER BY account_id"
        ),
        vec![vec!["BETA-002", "absorption"], vec!["DELTA-004", "addiction"]]
    );
    // A newer snapshot month moves every account's ARR to that month.
    let snapshots =
        "account_id,month,product,arr\nACME-001,2025-02,Core,130000\nBETA-002,2025-03,Core,25000\n";
    let report = import_reader(
        &mut store,
        ImportKind::Snapshots,
        "s.csv",
        snapshots.as_bytes(),
        "ben",
        &clock(),
    )
    .expect("snapshots");
    assert_eq!((report.counts.inserted, report.counts.updated, report.counts.unchanged), (1, 1, 0));
    assert_eq!(
        query(&path, "SELECT id, arr_cents FROM accounts ORDER BY id"),
        vec![
            vec!["ACME-001", "0"],
            vec!["BETA-002", "2500000"],
            vec!["DELTA-004", "0"],
            vec!["GAMMA-003", "0"]
        ]
    );
}

#[test]
fn extra_columns_are_ignored_with_a_warning_and_stdin_names_work() {
    let (_dir, _path, mut store) = fixture_book();
    let text = "\u{feff}owner_email,account_id,name\nx@y.z,EPS-005,Epsilon\n";
    let report =
        import_reader(&mut store, ImportKind::Accounts, "-", text.as_bytes(), "ana", &clock())
            .expect("import");
    assert_eq!(report.counts.inserted, 1);
    assert_eq!(
        report.warnings,
        vec!["-:1:1: column \"owner_email\" is not one this import reads; it was ignored"]
    );
}

/// Each bad file: its kind, and a line its rejection must contain.
const CORPUS: &[(&str, ImportKind, &str)] = &[
    (
        "accounts_missing_required_column.csv",
        ImportKind::Accounts,
        "accounts_missing_required_column.csv:1: missing required column name",
    ),
    (
        "accounts_empty_required_value.csv",
        ImportKind::Accounts,
        "accounts_empty_required_value.csv:3:2: name: is empty; a value is required",
    ),
    (
        "accounts_unknown_stage.csv",
        ImportKind::Accounts,
        "accounts_unknown_stage.csv:2:3: stage: \"adopted\" is not one of addiction, adoption, absorption, adaptation",
    ),
    (
        "accounts_unknown_health.csv",
        ImportKind::Accounts,
        "accounts_unknown_health.csv:2:3: health: \"purple\" is not one of red, orange, yellow, green",
    ),
    (
        "accounts_unknown_flag.csv",
        ImportKind::Accounts,
        "accounts_unknown_flag.csv:2:3: flags: \"vip\" is not one of reference, advocate, design_partner",
    ),
    (
        "accounts_duplicate_key.csv",
        ImportKind::Accounts,
        "accounts_duplicate_key.csv:4:1: account_id: \"A1\" appears twice in this file (first on line 2)",
    ),
    (
        "accounts_negative_units.csv",
        ImportKind::Accounts,
        "accounts_negative_units.csv:2:3: potential_units: \"-5\" is negative",
    ),
    (
        "duplicate_headers.csv",
        ImportKind::Accounts,
        "duplicate_headers.csv:1:3: account_id: the column appears twice in the header (also column 1)",
    ),
    (
        "empty.csv",
        ImportKind::Accounts,
        "empty.csv: the file is empty; expected a header row such as `account_id,name`",
    ),
    (
        "header_only.csv",
        ImportKind::Accounts,
        "header_only.csv: has a header row but no data rows; nothing was imported",
    ),
    (
        "truncated_row.csv",
        ImportKind::Accounts,
        "truncated_row.csv:3: the row has 2 cells but the header has 3",
    ),
    (
        "stray_quote_never_closed.csv",
        ImportKind::Accounts,
        "stray_quote_never_closed.csv:2: a quoted cell opened on this row is never closed",
    ),
    (
        "stray_quote_mid_row.csv",
        ImportKind::Accounts,
        "stray_quote_mid_row.csv:3: the row has 4 cells but the header has 3 (a missing or extra comma, a stray `\"`, or a row cut short?)",
    ),
    (
        "mixed_encodings.csv",
        ImportKind::Accounts,
        "mixed_encodings.csv:3:2: name: is not UTF-8 text (invalid byte at position 4); save the file as CSV UTF-8",
    ),
    ("binary.csv", ImportKind::Accounts, "binary.csv: looks like a binary file, not CSV text"),
    ("utf16.csv", ImportKind::Accounts, "utf16.csv: is UTF-16 text"),
    (
        "formula_in_money.csv",
        ImportKind::Snapshots,
        "formula_in_money.csv:2:4: arr: \"=SUM(A1:A9)\" is not a number",
    ),
    (
        "snapshots_unknown_account.csv",
        ImportKind::Snapshots,
        "snapshots_unknown_account.csv:2:1: account_id: \"NOPE-999\" is not a known account (import accounts first)",
    ),
    (
        "snapshots_bad_month.csv",
        ImportKind::Snapshots,
        "snapshots_bad_month.csv:2:2: month: \"2025-13\" is not a month (expected YYYY-MM)",
    ),
    (
        "snapshots_non_numeric_money.csv",
        ImportKind::Snapshots,
        "snapshots_non_numeric_money.csv:2:4: arr: \"1,200\" is not a number",
    ),
    (
        "snapshots_negative_money.csv",
        ImportKind::Snapshots,
        "snapshots_negative_money.csv:2:4: arr: \"-100\" is negative",
    ),
    (
        "snapshots_too_many_decimals.csv",
        ImportKind::Snapshots,
        "snapshots_too_many_decimals.csv:2:4: arr: \"100.125\" has more than two decimals",
    ),
    (
        "snapshots_duplicate_key.csv",
        ImportKind::Snapshots,
        "snapshots_duplicate_key.csv:3: account ACME-001, product Core, month 2025-03 appears twice in this file",
    ),
    (
        "snapshots_bad_units.csv",
        ImportKind::Snapshots,
        "snapshots_bad_units.csv:2:5: units: \"ten\" is not a whole number",
    ),
    (
        "contracts_bad_date.csv",
        ImportKind::Contracts,
        "contracts_bad_date.csv:2:5: end_date: \"2026-02-30\" is not a date (expected YYYY-MM-DD)",
    ),
    (
        "contracts_end_before_start.csv",
        ImportKind::Contracts,
        "contracts_end_before_start.csv:2:5: end_date: 2024-02-28 is before start_date 2025-03-01",
    ),
    (
        "contracts_unknown_billing.csv",
        ImportKind::Contracts,
        "contracts_unknown_billing.csv:2:7: billing: \"monthly\" is not one of annual, prepaid",
    ),
    (
        "contracts_duplicate_key.csv",
        ImportKind::Contracts,
        "contracts_duplicate_key.csv:3:1: contract_id: \"C1\" appears twice in this file (first on line 2)",
    ),
    (
        "contracts_unknown_account.csv",
        ImportKind::Contracts,
        "contracts_unknown_account.csv:2:2: account_id: \"NOPE-999\" is not a known account",
    ),
    (
        "notes_bad_time.csv",
        ImportKind::Notes,
        "notes_bad_time.csv:2:2: at: \"yesterday\" is not a date (YYYY-MM-DD) or a time (RFC 3339",
    ),
    (
        "notes_unknown_kind.csv",
        ImportKind::Notes,
        "notes_unknown_kind.csv:2:3: kind: \"tweet\" is not one of call, email",
    ),
    (
        "notes_duplicate_key.csv",
        ImportKind::Notes,
        "notes_duplicate_key.csv:3: the note for ACME-001 at 2025-03-01T00:00:00Z with this text appears twice in this file (first on line 2)",
    ),
    (
        "notes_empty_text.csv",
        ImportKind::Notes,
        "notes_empty_text.csv:2:4: text: is empty; a value is required",
    ),
];

#[test]
fn every_bad_file_is_refused_with_its_message_and_the_database_unchanged() {
    let (_dir, path, mut store) = fixture_book();
    let before = dump(&path);
    let corpus = data("bad_csv");
    let mut on_disk: Vec<String> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CORPUS.iter().map(|(name, _, _)| name.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "every corpus file has an expected message");
    for (name, kind, expected) in CORPUS {
        let file = corpus.join(name);
        let errors = rejected(import_path(&mut store, *kind, &file, "ana", &clock()));
        let prefix = corpus.display().to_string() + "/";
        let errors: Vec<String> = errors.iter().map(|e| e.replace(&prefix, "")).collect();
        assert!(
            errors.iter().any(|e| e.starts_with(expected)),
            "{name}: expected a line starting {expected:?}, got {errors:#?}"
        );
        assert_eq!(dump(&path), before, "{name} changed the database");
    }
}

#[test]
fn a_ten_megabyte_cell_is_refused_not_stored() {
    let (_dir, path, mut store) = fixture_book();
    let before = dump(&path);
    let mut text = b"account_id,at,kind,text\nACME-001,2025-03-01,call,\"".to_vec();
    text.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    text.extend(b"\"\n");
    let errors = rejected(import_reader(
        &mut store,
        ImportKind::Notes,
        "big.csv",
        &text[..],
        "ana",
        &clock(),
    ));
    assert_eq!(
        errors,
        vec![
            "big.csv:2:4: text: the cell is 10485760 bytes long; the most a cell may hold is 1048576 (a quote left open?)"
        ]
    );
    assert_eq!(dump(&path), before);
}

#[test]
fn many_bad_rows_are_all_listed_up_to_the_cap_and_nothing_is_written() {
    let (_dir, path, mut store) = fixture_book();
    let before = dump(&path);
    let mut text = String::from("account_id,month,product,arr\nACME-001,2025-03,Core,100\n");
    for i in 0..260 {
        text.push_str(&format!("ACME-001,2025-03,P{i},abc\n"));
    }
    let errors = rejected(import_reader(
        &mut store,
        ImportKind::Snapshots,
        "s.csv",
        text.as_bytes(),
        "ana",
        &clock(),
    ));
    assert_eq!(errors.len(), 201);
    assert_eq!(errors[0], "s.csv:3:4: arr: \"abc\" is not a number");
    assert_eq!(errors[49], "s.csv:52:4: arr: \"abc\" is not a number");
    assert_eq!(
        errors[200],
        "s.csv: 60 more problems not listed; fix the ones above and import again"
    );
    assert_eq!(dump(&path), before);
}

#[test]
fn the_command_line_prints_counts_and_fails_on_a_bad_file() {
    let (_dir, path, store) = fixture_book();
    drop(store);
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cockpit"))
            .args(args)
            .env("COCKPIT_DB", &path)
            .env("COCKPIT_TODAY", "2025-03-15")
            .env("COCKPIT_USER", "ana")
            .output()
            .expect("run cockpit")
    };
    let fixture = data("notes.csv");
    let ok = run(&["import", "notes", fixture.to_str().expect("utf8")]);
    assert!(ok.status.success());
    assert_eq!(
        String::from_utf8_lossy(&ok.stdout),
        format!("{}: 4 notes: 0 inserted, 0 updated, 4 unchanged\n", fixture.display())
    );
    let bad = data("bad_csv/contracts_bad_date.csv");
    let failed = run(&["import", "contracts", bad.to_str().expect("utf8")]);
    assert!(!failed.status.success());
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains(":2:5: end_date: \"2026-02-30\" is not a date"), "{stderr}");
    assert!(stderr.contains("nothing was imported"), "{stderr}");
}

#[test]
fn a_repeated_snapshot_is_caught_when_loading_an_empty_table_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("book.db");
    let mut store = Store::open(&path).expect("open");
    import_path(&mut store, ImportKind::Accounts, &data("accounts.csv"), "ana", &clock())
        .expect("accounts");
    let before = dump(&path);
    let text = "account_id,month,product,arr\nACME-001,2025-03,Core,1x\nACME-001,2025-03,Core,100\nBETA-002,2025-03,Core,5\nACME-001,2025-03,Core,200\n";
    let errors = rejected(import_reader(
        &mut store,
        ImportKind::Snapshots,
        "s.csv",
        text.as_bytes(),
        "ana",
        &clock(),
    ));
    assert_eq!(
        errors,
        vec![
            "s.csv:2:4: arr: \"1x\" is not a number",
            "s.csv:5: account ACME-001, product Core, month 2025-03 appears twice in this file",
        ]
    );
    assert_eq!(dump(&path), before);
    // Without the bad rows it loads, and the triggers set aside for the load are back.
    let good = "account_id,month,product,arr\nACME-001,2025-03,Core,100\nBETA-002,2025-03,Core,5\n";
    import_reader(&mut store, ImportKind::Snapshots, "s.csv", good.as_bytes(), "ana", &clock())
        .expect("load");
    assert_eq!(
        query(
            &path,
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'snapshots' ORDER BY name"
        ),
        vec![
            vec!["snapshots_derived_delete"],
            vec!["snapshots_derived_insert"],
            vec!["snapshots_derived_update"]
        ]
    );
    // The derived month counts were written from the loaded rows.
    assert_eq!(query(&path, "SELECT month, rows FROM snapshot_months"), vec![vec!["24302", "2"]]);
}

/// A generated book loaded into an empty database (the first-import path,
/// which writes many rows to a statement and builds indexes after) and into
/// one that already holds a row of every kind (the row-by-row path) ends up
/// with the same rows, history and derived facts.
#[test]
fn the_first_import_and_an_import_into_a_stored_book_store_the_same_facts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let today = NaiveDate::from_ymd_opt(2025, 3, 15).expect("date");
    let params = cockpit::generate::Params::ending_before(today, 150, 18, 3);
    cockpit::generate::write_book(&params, dir.path()).expect("generate");
    let file = |kind: ImportKind| dir.path().join(format!("{kind}.csv"));
    let load = |path: &Path, seed_first: bool| {
        let mut store = Store::open(path).expect("open");
        if seed_first {
            // One account with a snapshot (older than the book's), a
            // contract and a note, so no table is empty when the book comes.
            let seeds = [
                (ImportKind::Accounts, "account_id,name\nZZZ-SEED,Seed\n"),
                (ImportKind::Snapshots, "account_id,month,product,arr\nZZZ-SEED,2001-01,Core,1\n"),
                (
                    ImportKind::Contracts,
                    "contract_id,account_id,product,start_date,end_date,arr\n\
                     ZZZ-C,ZZZ-SEED,Core,2001-01-01,2001-12-31,1\n",
                ),
                (ImportKind::Notes, "account_id,at,kind,text\nZZZ-SEED,2001-01-01,note,seed\n"),
            ];
            for (kind, text) in seeds {
                import_reader(&mut store, kind, "seed.csv", text.as_bytes(), "ana", &clock())
                    .unwrap_or_else(|e| panic!("seed {kind}: {e}"));
            }
        }
        let mut counts = Vec::new();
        for kind in ImportKind::ALL {
            let report = import_path(&mut store, kind, &file(kind), "ana", &clock())
                .unwrap_or_else(|e| panic!("{kind}: {e}"));
            counts.push((report.counts.inserted, report.counts.updated, report.counts.unchanged));
        }
        counts
    };
    let fresh = dir.path().join("fresh.db");
    let stored = dir.path().join("stored.db");
    let fresh_counts = load(&fresh, false);
    assert_eq!(fresh_counts, load(&stored, true));
    assert!(fresh_counts.iter().all(|&(inserted, _, _)| inserted > 0), "{fresh_counts:?}");
    let tables = [
        "SELECT * FROM accounts WHERE id <> 'ZZZ-SEED' ORDER BY id",
        // The import's clock gives the day; its time of day is the wall clock's.
        "SELECT account_id, substr(at, 1, 10), who, stage, reason FROM stage_changes
         WHERE account_id <> 'ZZZ-SEED' ORDER BY account_id, at",
        "SELECT account_id, substr(at, 1, 10), who, health, reason FROM health_changes
         WHERE account_id <> 'ZZZ-SEED' ORDER BY account_id, at",
        "SELECT * FROM snapshots WHERE account_id <> 'ZZZ-SEED' ORDER BY account_id, product, month",
        "SELECT * FROM contracts WHERE account_id <> 'ZZZ-SEED' ORDER BY id",
        "SELECT account_id, at, kind, text, who FROM notes
         WHERE account_id <> 'ZZZ-SEED' ORDER BY account_id, at, text",
        "SELECT * FROM arr_series WHERE account_id <> 'ZZZ-SEED' ORDER BY account_id",
        "SELECT * FROM snapshot_months WHERE month > 24012 ORDER BY month",
        "SELECT count(*) FROM arr_series_stale",
        "SELECT name, sql FROM sqlite_master ORDER BY name",
    ];
    for sql in tables {
        let rows = query(&fresh, sql);
        assert!(!rows.is_empty(), "{sql}");
        assert_eq!(rows, query(&stored, sql), "{sql}");
    }
    // Importing the same files again changes nothing.
    let mut store = Store::open(&fresh).expect("open");
    for kind in ImportKind::ALL {
        let report = import_path(&mut store, kind, &file(kind), "ana", &clock()).expect("again");
        assert_eq!((report.counts.inserted, report.counts.updated), (0, 0), "{kind}");
    }
}

/// Into an empty notes table a note given twice is found whether its first
/// copy was written in the same batch or thousands of rows before.
#[test]
fn a_repeated_note_is_caught_when_loading_an_empty_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("book.db");
    let mut store = Store::open(&path).expect("open");
    import_path(&mut store, ImportKind::Accounts, &data("accounts.csv"), "ana", &clock())
        .expect("accounts");
    let before = dump(&path);
    let mut text = String::from("account_id,at,kind,text\n");
    for i in 0..5_000 {
        text.push_str(&format!("ACME-001,2025-01-01T00:00:00Z,note,note {i}\n"));
    }
    // Line 5,002 repeats line 2; line 5,004 repeats line 5,003.
    text.push_str("ACME-001,2025-01-01T00:00:00Z,note,note 0\n");
    text.push_str("BETA-002,2025-01-02,call,hello\nBETA-002,2025-01-02,call,hello\n");
    let errors = rejected(import_reader(
        &mut store,
        ImportKind::Notes,
        "n.csv",
        text.as_bytes(),
        "ana",
        &clock(),
    ));
    assert_eq!(
        errors,
        vec![
            "n.csv:5002: the note for ACME-001 at 2025-01-01T00:00:00Z with this text appears twice in this file (first on line 2)",
            "n.csv:5004: the note for BETA-002 at 2025-01-02T00:00:00Z with this text appears twice in this file (first on line 5003)",
        ]
    );
    assert_eq!(dump(&path), before);
    // Without the repeats it loads, and the last touch is the latest call.
    let good: String = text.lines().take(5_001).chain(["BETA-002,2025-01-02,call,hello"]).fold(
        String::new(),
        |mut all, line| {
            all.push_str(line);
            all.push('\n');
            all
        },
    );
    let report =
        import_reader(&mut store, ImportKind::Notes, "n.csv", good.as_bytes(), "ana", &clock())
            .expect("load");
    assert_eq!(report.counts.inserted, 5_001);
    assert_eq!(
        query(&path, "SELECT id, last_touch FROM accounts ORDER BY id"),
        vec![vec!["ACME-001", "NULL"], vec!["BETA-002", "2025-01-02"], vec!["GAMMA-003", "NULL"]]
    );
}

/// Into an empty contracts table a contract id given twice is reported at
/// its own column, as the import into a stored book reports it.
#[test]
fn a_repeated_contract_is_caught_when_loading_an_empty_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("book.db");
    let mut store = Store::open(&path).expect("open");
    import_path(&mut store, ImportKind::Accounts, &data("accounts.csv"), "ana", &clock())
        .expect("accounts");
    let before = dump(&path);
    let text = "account_id,contract_id,product,start_date,end_date,arr\n\
                ACME-001,C1,Core,2025-01-01,2025-12-31,100\n\
                ACME-001,C2,Core,2025-01-01,2025-12-31,100\n\
                BETA-002,C1,Core,2025-01-01,2025-12-31,100\n";
    let errors = rejected(import_reader(
        &mut store,
        ImportKind::Contracts,
        "c.csv",
        text.as_bytes(),
        "ana",
        &clock(),
    ));
    assert_eq!(
        errors,
        vec!["c.csv:4:2: contract_id: \"C1\" appears twice in this file (first on line 2)"]
    );
    assert_eq!(dump(&path), before);
}
