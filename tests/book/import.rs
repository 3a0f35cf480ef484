//! Import end to end: the small fixture book, re-import and update in place,
//! history and derived facts, and the corpus of bad files under
//! `tests/data/bad_csv/`, each refused with its own message and the database
//! left exactly as it was. The first import into empty tables has its own
//! file, `import_fresh.rs`.

use crate::common;

use cockpit::import::{ImportKind, import_path, import_reader};
use common::db::dump;
use common::import::{clock, data, fixture_book, query, rejected, rejected_text};

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
    // The file, not the folders on the way to it.
    let reason = "imported from accounts.csv".to_string();
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
        // `"Beta"x` was read as `Betax` (and the row then had 4 cells): the
        // quote is the first thing wrong with the row, so it is what is said.
        "stray_quote_mid_row.csv:3:2: name: text after the closing quote",
    ),
    (
        "mixed_encodings.csv",
        ImportKind::Accounts,
        "mixed_encodings.csv:3:2: name: is not UTF-8 text (invalid byte at position 4); save the file as CSV UTF-8",
    ),
    ("binary.csv", ImportKind::Accounts, "binary.csv:3:1: looks like a binary file, not CSV text"),
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
        "notes_bad_kind.csv",
        ImportKind::Notes,
        "notes_bad_kind.csv:2:3: kind: \"tw\\u{7}eet\" holds a control character",
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
    (
        "contracts_terminated_before_start.csv",
        ImportKind::Contracts,
        "contracts_terminated_before_start.csv:2:9: terminated_on: 2025-02-01 is before start_date 2025-03-01",
    ),
    (
        "contracts_terminated_after_end.csv",
        ImportKind::Contracts,
        "contracts_terminated_after_end.csv:2:9: terminated_on: 2026-03-01 is after end_date 2026-02-28",
    ),
    (
        "contracts_year_zero.csv",
        ImportKind::Contracts,
        "contracts_year_zero.csv:2:4: start_date: \"0000-05-01\" is outside the years 1900 to 9999",
    ),
    (
        "snapshots_year_zero.csv",
        ImportKind::Snapshots,
        "snapshots_year_zero.csv:2:2: month: \"0000-05\" is outside the years 1900 to 9999",
    ),
    (
        "notes_year_zero.csv",
        ImportKind::Notes,
        "notes_year_zero.csv:2:2: at: \"0000-05-01T09:30:00Z\" is outside the years 1900 to 9999",
    ),
    (
        "snapshots_too_large_money.csv",
        ImportKind::Snapshots,
        "snapshots_too_large_money.csv:2:4: arr: \"10000000000.01\" is too large (at most 10000000000)",
    ),
    (
        "contracts_too_large_money.csv",
        ImportKind::Contracts,
        "contracts_too_large_money.csv:2:6: arr: \"92233720368547758\" is too large (at most 10000000000)",
    ),
    (
        "accounts_too_many_units.csv",
        ImportKind::Accounts,
        "accounts_too_many_units.csv:2:3: potential_units: \"1000000001\" is too large (at most 1000000000)",
    ),
    (
        "text_after_closing_quote.csv",
        ImportKind::Accounts,
        "text_after_closing_quote.csv:2:2: name: text after the closing quote",
    ),
    (
        "lone_carriage_return.csv",
        ImportKind::Accounts,
        "lone_carriage_return.csv:2:2: name: a carriage return without a line feed",
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
fn a_header_only_file_imports_as_zero_rows() {
    let (_dir, path, mut store) = fixture_book();
    let before = dump(&path);
    for kind in ImportKind::ALL {
        let header = kind.column_names().join(",") + "\n";
        let report =
            import_reader(&mut store, kind, "empty.csv", header.as_bytes(), "ana", &clock())
                .expect("a header alone is an empty table");
        assert_eq!(report.counts, Default::default(), "{kind}");
        assert_eq!(
            report.to_string(),
            format!(
                "empty.csv: 0 {kind}: the file has a header row and no data rows; nothing changed"
            )
        );
    }
    // A header-only file read from disk.
    let file = data("header_only.csv");
    let report = import_path(&mut store, ImportKind::Accounts, &file, "ana", &clock()).expect("ok");
    assert_eq!(report.counts, Default::default());
    assert_eq!(dump(&path), before, "an empty file changed the database");
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
    let errors = rejected_text(&mut store, ImportKind::Snapshots, "s.csv", &text);
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
fn a_zero_byte_deep_in_a_file_is_refused_on_its_row() {
    let (_dir, path, mut store) = fixture_book();
    let before = dump(&path);
    // Past the first 8 KB, where a zero byte says the whole file is binary.
    let mut text = String::from("account_id,at,kind,text\n");
    for day in 1..=300 {
        text.push_str(&format!(
            "ACME-001,2025-01-01T00:{:02}:{:02}Z,call,padding\n",
            day / 60,
            day % 60
        ));
    }
    text.push_str("ACME-001,2025-03-01,call,\"before\0after\"\n");
    let errors = rejected_text(&mut store, ImportKind::Notes, "n.csv", &text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with("n.csv:302:4: text: the cell holds a zero byte (NUL)"),
        "{errors:#?}"
    );
    assert_eq!(dump(&path), before);
}

#[test]
fn amounts_up_to_the_bound_and_terminations_on_the_contract_dates_are_accepted() {
    let (_dir, path, mut store) = fixture_book();
    let text = "contract_id,account_id,product,start_date,end_date,arr,units,billing,terminated_on\n\
                C-900,ACME-001,Core,2025-03-01,2026-02-28,10000000000,1000000000,,2025-03-01\n\
                C-901,ACME-001,Core,2025-03-01,2026-02-28,0.01,,,2026-02-28\n\
                C-902,ACME-001,Core,1900-01-01,9999-12-31,5,,,\n";
    let report =
        import_reader(&mut store, ImportKind::Contracts, "c.csv", text.as_bytes(), "ana", &clock())
            .expect("within the bounds");
    assert_eq!(report.counts.inserted, 3);
    assert_eq!(
        query(&path, "SELECT arr_cents, units FROM contracts WHERE id = 'C-900'"),
        vec![vec!["1000000000000", "1000000000"]]
    );
}

#[test]
fn a_quote_inside_an_unquoted_cell_is_kept_as_written() {
    let (_dir, path, mut store) = fixture_book();
    let text = "account_id,name\nACME-001,Acme 5\" disk\n";
    import_reader(&mut store, ImportKind::Accounts, "a.csv", text.as_bytes(), "ana", &clock())
        .expect("a literal quote");
    assert_eq!(
        query(&path, "SELECT name FROM accounts WHERE id = 'ACME-001'"),
        vec![vec!["Acme 5\" disk"]]
    );
}
