//! The first import of a book, into empty tables (rows many to a statement,
//! indexes built after the load): the same rows, history and derived facts
//! as an import into a stored book, and every repeated key still caught.

use crate::common;

use chrono::NaiveDate;
use cockpit::import::{ImportKind, import_path, import_reader};
use cockpit::store::Store;
use common::db::dump;
use common::import::{clock, data, fixture_accounts, query, rejected_text};
use std::path::Path;

#[test]
fn a_repeated_snapshot_is_caught_when_loading_an_empty_table_too() {
    let (_dir, path, mut store) = fixture_accounts();
    let before = dump(&path);
    let text = "account_id,month,product,arr\nACME-001,2025-03,Core,1x\nACME-001,2025-03,Core,100\nBETA-002,2025-03,Core,5\nACME-001,2025-03,Core,200\n";
    let errors = rejected_text(&mut store, ImportKind::Snapshots, "s.csv", text);
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
            vec!["snapshots_derived_update"],
            vec!["snapshots_latest_delete"],
            vec!["snapshots_latest_insert"],
            vec!["snapshots_latest_update"]
        ]
    );
    // The derived month counts and latest rows were written from the loaded rows.
    assert_eq!(query(&path, "SELECT month, rows FROM snapshot_months"), vec![vec!["24302", "2"]]);
    assert_eq!(
        query(&path, "SELECT account_id, product, month, arr_cents FROM snapshots_latest"),
        vec![vec!["ACME-001", "Core", "24302", "10000"], vec!["BETA-002", "Core", "24302", "500"]]
    );
}

/// The first load of snapshots reads and checks the file on one thread and
/// writes on another: the problems of both (unreadable rows, bad cells,
/// unknown accounts, repeats, an account's rows split in two places) come
/// out together in file order, and more rows than one batch carries are
/// checked across batches.
#[test]
fn every_problem_of_a_first_snapshot_load_is_listed_in_file_order() {
    let (_dir, path, mut store) = fixture_accounts();
    let before = dump(&path);
    let mut text = String::from("account_id,month,product,arr\n");
    // Lines 2 to 10,001: ten thousand good months of one account.
    for month in 0..10_000 {
        text.push_str(&format!("ACME-001,{}-{:02},Core,1\n", 2000 + month / 12, month % 12 + 1));
    }
    text.push_str("BETA-002,2025-03\n"); // 10,002: a row cut short
    text.push_str("NOPE-999,2025-03,Core,1\n"); // 10,003: unknown account
    text.push_str("BETA-002,2025-13,Core,1\n"); // 10,004: bad month
    text.push_str("BETA-002,2025-03,Core,1\n"); // 10,005
    text.push_str("BETA-002,2025-03,Core,2\n"); // 10,006: repeat within the run
    text.push_str("ACME-001,2000-01,Core,3\n"); // 10,007: repeat of line 2, far apart
    let errors = rejected_text(&mut store, ImportKind::Snapshots, "s.csv", &text);
    assert_eq!(errors.len(), 5, "{errors:#?}");
    assert!(errors[0].starts_with("s.csv:10002: the row has 2 cells"), "{}", errors[0]);
    assert!(errors[1].starts_with("s.csv:10003:1: account_id: \"NOPE-999\" is not a known"));
    assert!(errors[2].starts_with("s.csv:10004:2: month:"), "{}", errors[2]);
    assert_eq!(
        errors[3..],
        [
            "s.csv:10006: account BETA-002, product Core, month 2025-03 appears twice in this file",
            "s.csv:10007: account ACME-001, product Core, month 2000-01 appears twice in this file",
        ]
    );
    assert_eq!(dump(&path), before);
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
    // Either way the trend kept beside each account is its snapshots' total
    // three months before the book's latest month.
    let derived = "SELECT id, trend_arr_cents, trend_units FROM accounts ORDER BY id";
    let direct = "SELECT a.id, coalesce(sum(s.arr_cents), 0), coalesce(sum(s.units), 0)
                  FROM accounts a LEFT JOIN snapshots s ON s.account_id = a.id
                   AND s.month = (SELECT max(month) FROM snapshot_months) - 3
                  GROUP BY a.id ORDER BY a.id";
    for path in [&fresh, &stored] {
        let rows = query(path, derived);
        assert!(rows.iter().filter(|r| r[1] != "0").count() > 100, "{rows:?}");
        assert_eq!(rows, query(path, direct));
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
    let (_dir, path, mut store) = fixture_accounts();
    let before = dump(&path);
    let mut text = String::from("account_id,at,kind,text\n");
    for i in 0..5_000 {
        text.push_str(&format!("ACME-001,2025-01-01T00:00:00Z,note,note {i}\n"));
    }
    // Line 5,002 repeats line 2; line 5,004 repeats line 5,003.
    text.push_str("ACME-001,2025-01-01T00:00:00Z,note,note 0\n");
    text.push_str("BETA-002,2025-01-02,call,hello\nBETA-002,2025-01-02,call,hello\n");
    let errors = rejected_text(&mut store, ImportKind::Notes, "n.csv", &text);
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
    let (_dir, path, mut store) = fixture_accounts();
    let before = dump(&path);
    let text = "account_id,contract_id,product,start_date,end_date,arr\n\
                ACME-001,C1,Core,2025-01-01,2025-12-31,100\n\
                ACME-001,C2,Core,2025-01-01,2025-12-31,100\n\
                BETA-002,C1,Core,2025-01-01,2025-12-31,100\n";
    let errors = rejected_text(&mut store, ImportKind::Contracts, "c.csv", text);
    assert_eq!(
        errors,
        vec!["c.csv:4:2: contract_id: \"C1\" appears twice in this file (first on line 2)"]
    );
    assert_eq!(dump(&path), before);
}

/// The first import into an empty book goes through a rollback journal
/// (each page written once) and leaves the book in WAL mode; with another
/// connection open it stays in WAL mode and lands all the same.
#[test]
fn the_first_import_of_an_empty_book_ends_in_wal_mode_either_way() {
    let dir = tempfile::tempdir().expect("tempdir");
    let journal_mode = |path: &Path| query(path, "PRAGMA journal_mode")[0][0].clone();
    for other_open in [false, true] {
        let path = dir.path().join(format!("book-{other_open}.db"));
        let mut store = Store::open(&path).expect("open");
        let other = other_open.then(|| Store::open(&path).expect("second connection"));
        let report =
            import_path(&mut store, ImportKind::Accounts, &data("accounts.csv"), "ana", &clock())
                .expect("import");
        assert!(report.counts.inserted > 0);
        drop(other);
        assert_eq!(journal_mode(&path), "wal", "other connection open: {other_open}");
        assert!(store.integrity_ok().expect("check"));
        assert!(!dir.path().join(format!("book-{other_open}.db-journal")).exists());
        // A refused first import leaves the book empty and in WAL mode too.
        let empty = dir.path().join(format!("empty-{other_open}.db"));
        let mut store = Store::open(&empty).expect("open");
        let bad = "account_id,name,stage\nA1,Ay,adoption\nA2,Bee,nirvana\n";
        let result = import_reader(
            &mut store,
            ImportKind::Accounts,
            "bad.csv",
            bad.as_bytes(),
            "ana",
            &clock(),
        );
        assert!(result.is_err());
        assert_eq!(journal_mode(&empty), "wal");
        assert_eq!(query(&empty, "SELECT count(*) FROM accounts"), vec![vec!["0".to_string()]]);
    }
}

/// A first import killed with SIGKILL while it writes through its rollback
/// journal leaves none of the file (the next open rolls the journal back),
/// or all of it if the commit had just finished.
#[cfg(unix)]
#[test]
fn a_first_import_killed_mid_write_leaves_an_empty_book() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().expect("tempdir");
    let today = NaiveDate::from_ymd_opt(2025, 3, 15).expect("date");
    let params = cockpit::generate::Params::ending_before(today, 40_000, 2, 9);
    cockpit::generate::write_book(&params, dir.path()).expect("generate");
    let db = dir.path().join("book.db");
    drop(Store::open(&db).expect("create"));
    let journal = dir.path().join("book.db-journal");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .arg("--db")
        .arg(&db)
        .args(["import", "accounts"])
        .arg(dir.path().join("accounts.csv"))
        .env("COCKPIT_TODAY", "2025-03-15")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Killed once its journal exists and the file has grown past its schema.
    let size_before = std::fs::metadata(&db).expect("db").len();
    let start = Instant::now();
    while !(journal.exists() && std::fs::metadata(&db).map_or(0, |m| m.len()) > size_before) {
        assert!(child.try_wait().expect("wait").is_none(), "the import finished before the kill");
        assert!(start.elapsed() < Duration::from_secs(60), "the import never started writing");
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().expect("kill");
    let _ = child.wait();
    let store = Store::open(&db).expect("reopen");
    assert!(store.integrity_ok().expect("check"));
    drop(store);
    // None of it, or (had the commit just finished) all of it.
    let counts =
        query(&db, "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM stage_changes)");
    assert!(
        counts == vec![vec!["0".to_string(), "0".to_string()]]
            || counts == vec![vec!["40000".to_string(), "40000".to_string()]],
        "{counts:?}: a partial import"
    );
    assert_eq!(query(&db, "PRAGMA journal_mode")[0][0], "wal");
}

/// Into an empty book an account id given more than once, anywhere in the
/// file, is reported at every later copy with the line of the first.
#[test]
fn an_account_given_thrice_is_caught_when_loading_an_empty_book() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("book.db");
    let mut store = Store::open(&path).expect("open");
    let text = "account_id,name\nB1,Bee\nA1,Ay\n B1 ,Bee again\nC1,Cee\nB1,Bee thrice\n";
    let errors = rejected_text(&mut store, ImportKind::Accounts, "a.csv", text);
    assert_eq!(
        errors,
        vec![
            "a.csv:4:1: account_id: \"B1\" appears twice in this file (first on line 2)",
            "a.csv:6:1: account_id: \"B1\" appears twice in this file (first on line 2)",
        ]
    );
    assert_eq!(query(&path, "SELECT count(*) FROM accounts"), vec![vec!["0".to_string()]]);
}

/// The first load into empty tables checks amounts, dates and quoting as the
/// import into a stored book does.
#[test]
fn a_first_load_refuses_what_a_later_import_refuses() {
    let (_dir, path, mut store) = fixture_accounts();
    let before = dump(&path);
    let text = "contract_id,account_id,product,start_date,end_date,arr,terminated_on\n\
                C1,ACME-001,Core,2025-01-01,2025-12-31,10000000000.01,\n\
                C2,ACME-001,Core,2025-01-01,2025-12-31,100,2024-12-31\n\
                C3,ACME-001,\"Core\"x,2025-01-01,2025-12-31,100,\n\
                C4,ACME-001,Core,0000-01-01,2025-12-31,100,\n";
    let errors = rejected_text(&mut store, ImportKind::Contracts, "c.csv", text);
    assert_eq!(errors.len(), 4, "{errors:#?}");
    assert_eq!(errors[0], "c.csv:2:6: arr: \"10000000000.01\" is too large (at most 10000000000)");
    assert_eq!(errors[1], "c.csv:3:7: terminated_on: 2024-12-31 is before start_date 2025-01-01");
    assert!(
        errors[2].starts_with("c.csv:4:3: product: text after the closing quote"),
        "{errors:#?}"
    );
    assert!(
        errors[3].starts_with("c.csv:5:4: start_date: \"0000-01-01\" is outside the years"),
        "{errors:#?}"
    );
    assert_eq!(dump(&path), before);
    let snapshots = "account_id,month,product,arr\nACME-001,1899-12,Core,100\n";
    let errors = rejected_text(&mut store, ImportKind::Snapshots, "s.csv", snapshots);
    assert_eq!(
        errors,
        vec![
            "s.csv:2:2: month: \"1899-12\" is outside the years 1900 to 9999 a book's dates may fall in"
        ]
    );
    assert_eq!(dump(&path), before);
}
