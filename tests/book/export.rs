//! Export end to end: export then import into an empty database gives back
//! identical data for all four kinds (with awkward text), spreadsheet-safe
//! CSV, JSON with exact money, and `cockpit backup` while another connection
//! writes.

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::export::{ExportFormat, export};
use cockpit::import::{ImportKind, import_reader, strip_text_prefix};
use cockpit::store::Store;
use std::path::Path;

fn clock() -> Clock {
    Clock::fixed(NaiveDate::from_ymd_opt(2025, 3, 15).expect("date"))
}

/// Text that breaks naive CSV handling or spreadsheets.
const AWKWARD: &[&str] = &[
    "Acme, Inc.",
    "The \"Best\" Co",
    "two\nlines",
    "crlf\r\nline",
    "rocket 🚀 team",
    "שלום עולם",
    "مرحبا",
    "=HYPERLINK(\"http://x\")",
    "+1 555",
    "-minus",
    "@handle",
    "'=already quoted",
    "'plain apostrophe",
    "  padded  ",
];

fn csv_line(cells: &[String]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(cells).expect("write");
    String::from_utf8(writer.into_inner().expect("inner")).expect("utf8")
}

/// A book whose every free-text field is awkward, built through the importer.
fn awkward_book(store: &mut Store) {
    let mut accounts = String::from(
        "account_id,name,csm,am,segment,industry,region,stage,potential_units,health,flags\n",
    );
    let mut snapshots = String::from("account_id,month,product,arr,units\n");
    let mut contracts = String::from(
        "contract_id,account_id,product,start_date,end_date,arr,units,billing,terminated_on\n",
    );
    let mut notes = String::from("account_id,at,kind,text,who\n");
    let mut usage = String::from("account_id,month,measure,value\n");
    let mut tickets = String::from("ticket_id,account_id,opened_at,severity,closed_at,subject\n");
    let mut surveys = String::from("account_id,answered_at,kind,score,comment\n");
    for (i, text) in AWKWARD.iter().enumerate() {
        let id = format!("A{i:02}");
        let s = |v: &str| v.to_string();
        accounts.push_str(&csv_line(&[
            id.clone(),
            s(text),
            s(text),
            s("am"),
            s(text),
            s(text),
            s(text),
            s(["addiction", "adoption", "absorption", "adaptation"][i % 4]),
            if i % 3 == 0 { s("") } else { (i * 10).to_string() },
            s(["", "red", "orange", "yellow", "green"][i % 5]),
            s(["", "reference", "advocate;design_partner"][i % 3]),
        ]));
        snapshots.push_str(&csv_line(&[
            id.clone(),
            s("2025-01"),
            s("Core"),
            format!("{i}.5"),
            if i % 2 == 0 { s("") } else { i.to_string() },
        ]));
        snapshots.push_str(&csv_line(&[
            id.clone(),
            s("2025-02"),
            format!("P {text}").trim().to_string(),
            s("1234.07"),
            s("3"),
        ]));
        contracts.push_str(&csv_line(&[
            format!("C{i}"),
            id.clone(),
            s("Core"),
            s("2024-03-01"),
            s("2027-02-28"),
            s("1000.1"),
            s("4"),
            s(if i % 2 == 0 { "annual" } else { "prepaid" }),
            if i % 4 == 0 { s("2025-02-28") } else { s("") },
        ]));
        notes.push_str(&csv_line(&[
            id.clone(),
            s("2025-02-10T09:30:00Z"),
            s("call"),
            s(text),
            s(text),
        ]));
        usage.push_str(&csv_line(&[id.clone(), s("2025-02"), s(text), format!("{i}.125")]));
        tickets.push_str(&csv_line(&[
            format!("T{i} {text}").trim().to_string(),
            id.clone(),
            s("2025-02-03T09:12:00Z"),
            s(["low", "normal", "high", "urgent"][i % 4]),
            if i % 2 == 0 { s("") } else { s("2025-02-04T10:00:00Z") },
            s(text),
        ]));
        surveys.push_str(&csv_line(&[
            id.clone(),
            s("2025-02-05T12:00:00Z"),
            s(["nps", "csat"][i % 2]),
            (i % 5 + 1).to_string(),
            s(text),
        ]));
        notes.push_str(&csv_line(&[
            id,
            s("2025-02-11"),
            s("note"),
            format!("second: {text}"),
            s(""),
        ]));
    }
    for (kind, text) in [
        (ImportKind::Accounts, accounts),
        (ImportKind::Snapshots, snapshots),
        (ImportKind::Contracts, contracts),
        (ImportKind::Notes, notes),
        (ImportKind::Usage, usage),
        (ImportKind::Tickets, tickets),
        (ImportKind::Surveys, surveys),
    ] {
        import_reader(store, kind, kind.as_str(), text.as_bytes(), "ana", &clock())
            .unwrap_or_else(|e| panic!("{kind}: {e}"));
    }
}

fn exported(store: &Store, kind: ImportKind, format: ExportFormat) -> String {
    let mut out = Vec::new();
    export(store, kind, format, &mut out).expect("export");
    String::from_utf8(out).expect("utf8")
}

fn table(path: &Path, sql: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).expect("open");
    let mut statement = conn.prepare(sql).expect("prepare");
    let width = statement.column_count();
    let mut rows = statement.query([]).expect("query");
    let mut out = Vec::new();
    while let Some(row) = rows.next().expect("row") {
        let cells: Vec<String> = (0..width)
            .map(|i| format!("{:?}", row.get::<_, rusqlite::types::Value>(i).expect("value")))
            .collect();
        out.push(cells.join("|"));
    }
    out
}

#[test]
fn export_then_import_into_an_empty_database_gives_back_identical_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first_path = dir.path().join("first.db");
    let second_path = dir.path().join("second.db");
    let mut first = Store::open(&first_path).expect("open");
    awkward_book(&mut first);
    let mut second = Store::open(&second_path).expect("open");
    for kind in ImportKind::ALL {
        let csv = exported(&first, kind, ExportFormat::Csv);
        import_reader(&mut second, kind, "export.csv", csv.as_bytes(), "ana", &clock())
            .unwrap_or_else(|e| panic!("{kind}: {e}\n{csv}"));
        assert_eq!(exported(&second, kind, ExportFormat::Csv), csv, "{kind}");
    }
    for sql in [
        "SELECT id, name, csm, am, segment, industry, region, stage, stage_since, potential_units,
                health, health_since, flags, arr_cents, units, first_month, last_touch
         FROM accounts ORDER BY id",
        "SELECT * FROM snapshots ORDER BY account_id, product, month",
        "SELECT * FROM contracts ORDER BY id",
        "SELECT account_id, at, kind, text, who FROM notes ORDER BY account_id, at, text",
    ] {
        let rows = table(&first_path, sql);
        assert!(rows.len() >= AWKWARD.len());
        assert_eq!(table(&second_path, sql), rows);
    }
    // The awkward text itself came through exactly (a leading `'` before a
    // formula character is the spreadsheet-text marker, read as such).
    let names = table(&second_path, "SELECT name FROM accounts ORDER BY id");
    let expected: Vec<String> =
        AWKWARD.iter().map(|t| format!("Text({:?})", strip_text_prefix(t))).collect();
    assert_eq!(names, expected);
}

#[test]
fn csv_cells_that_a_spreadsheet_would_run_are_written_as_text() {
    let mut store = Store::open_in_memory().expect("store");
    awkward_book(&mut store);
    let csv = exported(&store, ImportKind::Accounts, ExportFormat::Csv);
    assert!(csv.contains("A07,\"'=HYPERLINK(\"\"http://x\"\")\""), "{csv}");
    assert!(csv.contains("A08,'+1 555,"), "{csv}");
    assert!(csv.contains("A09,'-minus,"), "{csv}");
    assert!(csv.contains("A10,'@handle,"), "{csv}");
    assert!(csv.contains("A11,'=already quoted,"), "{csv}");
    assert!(csv.contains("A12,'plain apostrophe,"), "{csv}");
    for line in csv.lines().skip(1) {
        let first_cell_of_name = line.split(',').nth(1).unwrap_or_default();
        assert!(!first_cell_of_name.starts_with(['=', '+', '-', '@']), "{line}");
    }
}

#[test]
fn json_export_carries_exact_money_and_nulls() {
    let mut store = Store::open_in_memory().expect("store");
    awkward_book(&mut store);
    let json = exported(&store, ImportKind::Snapshots, ExportFormat::Json);
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    let rows = value.as_array().expect("array");
    assert_eq!(rows.len(), AWKWARD.len() * 2);
    assert_eq!(rows[0]["account_id"], "A00");
    assert_eq!(rows[0]["arr"].to_string(), "0.5");
    assert_eq!(rows[0]["units"], serde_json::Value::Null);
    assert_eq!(rows[1]["arr"].to_string(), "1234.07");
    let accounts = exported(&store, ImportKind::Accounts, ExportFormat::Json);
    let accounts: serde_json::Value = serde_json::from_str(&accounts).expect("json");
    // JSON is data, not a spreadsheet: no prefix.
    assert_eq!(accounts[7]["name"], "=HYPERLINK(\"http://x\")");
}

fn cockpit(db: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .args(args)
        .env("COCKPIT_DB", db)
        .env("COCKPIT_TODAY", "2025-03-15")
        .output()
        .expect("run cockpit")
}

#[test]
fn backup_copies_consistently_while_another_connection_writes_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("book.db");
    let mut store = Store::open(&db).expect("open");
    awkward_book(&mut store);
    drop(store);

    // A second writer keeps adding notes, one transaction each, during the backup.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (db, stop) = (db.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut store = Store::open(&db).expect("writer open");
            let mut written = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) || written < 20 {
                let text = format!("account_id,at,kind,text\nA01,2025-03-01,call,busy {written}\n");
                import_reader(
                    &mut store,
                    ImportKind::Notes,
                    "w.csv",
                    text.as_bytes(),
                    "w",
                    &clock(),
                )
                .expect("writer import");
                written += 1;
            }
            written
        })
    };
    let backup = dir.path().join("copy.db");
    let out = cockpit(&db, &["backup", backup.to_str().expect("utf8")]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().expect("writer");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(written >= 20);

    let copy = Store::open(&backup).expect("open copy");
    assert!(copy.integrity_ok().expect("check"));
    let original = Store::open(&db).expect("open");
    for kind in [ImportKind::Accounts, ImportKind::Snapshots, ImportKind::Contracts] {
        assert_eq!(
            exported(&copy, kind, ExportFormat::Csv),
            exported(&original, kind, ExportFormat::Csv)
        );
    }
    // The copy holds a prefix of the writer's notes: all of the book's, some of the busy ones.
    let notes = exported(&copy, ImportKind::Notes, ExportFormat::Csv);
    assert!(notes.lines().count() > AWKWARD.len() * 2);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // An existing file is never replaced without --force.
    let before = std::fs::read(&backup).expect("read");
    let refused = cockpit(&db, &["backup", backup.to_str().expect("utf8")]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("already exists"));
    assert_eq!(std::fs::read(&backup).expect("read"), before);
    let forced = cockpit(&db, &["backup", "--force", backup.to_str().expect("utf8")]);
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn export_out_writes_a_file_the_importer_reads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("book.db");
    let mut store = Store::open(&db).expect("open");
    awkward_book(&mut store);
    drop(store);
    let out = dir.path().join("contracts.json");
    let run = cockpit(
        &db,
        &["export", "contracts", "--format", "json", "--out", out.to_str().expect("utf8")],
    );
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("read")).expect("json");
    assert_eq!(json[0]["contract_id"], "C0");
    assert_eq!(json[0]["arr"].to_string(), "1000.1");
    assert_eq!(json[0]["terminated_on"], "2025-02-28");
    let csv = cockpit(&db, &["export", "contracts"]);
    assert!(String::from_utf8_lossy(&csv.stdout).starts_with(
        "contract_id,account_id,product,start_date,end_date,arr,units,billing,terminated_on\nC0,A00,Core,2024-03-01,2027-02-28,1000.1,4,annual,2025-02-28\n"
    ));
}
