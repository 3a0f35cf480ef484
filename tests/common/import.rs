//! What the import tests share: the fixed clock, the fixture files, a
//! query dumped as text and the messages of a rejected import.

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::import::{ImportError, ImportKind, import_path};
use cockpit::store::Store;
use std::path::{Path, PathBuf};

pub fn clock() -> Clock {
    Clock::fixed(NaiveDate::from_ymd_opt(2025, 3, 15).expect("date"))
}

pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// A temporary database holding the fixture book.
pub fn fixture_book() -> (tempfile::TempDir, PathBuf, Store) {
    fixture_files(&ImportKind::ALL)
}

/// A fresh database holding only the fixture's accounts.
#[allow(dead_code)]
pub fn fixture_accounts() -> (tempfile::TempDir, PathBuf, Store) {
    fixture_files(&[ImportKind::Accounts])
}

/// A fresh database with the fixture files of `kinds` imported, in order.
fn fixture_files(kinds: &[ImportKind]) -> (tempfile::TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("book.db");
    let mut store = Store::open(&path).expect("open");
    for &kind in kinds {
        import_path(&mut store, kind, &data(&format!("{kind}.csv")), "ana", &clock())
            .unwrap_or_else(|e| panic!("fixture {kind}: {e}"));
    }
    (dir, path, store)
}

pub fn query(path: &Path, sql: &str) -> Vec<Vec<String>> {
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

/// The problems found importing `text` as the file `name` (which must be
/// rejected), as `ana`.
pub fn rejected_text(store: &mut Store, kind: ImportKind, name: &str, text: &str) -> Vec<String> {
    rejected(cockpit::import::import_reader(store, kind, name, text.as_bytes(), "ana", &clock()))
}

pub fn rejected(result: Result<cockpit::import::ImportReport, ImportError>) -> Vec<String> {
    match result {
        Err(ImportError::Rejected(errors)) => errors.iter().map(ToString::to_string).collect(),
        Err(other) => panic!("expected a rejection, got {other}"),
        Ok(report) => panic!("expected a rejection, got {report}"),
    }
}
