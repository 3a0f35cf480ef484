//! Tests of `authored`.

use super::*;
use crate::store::Store;
use rows::select_sql;

/// The list names every table the migrations create that is neither the
/// book's own (accounts, snapshots, contracts, subscriptions) nor derived by the store.
#[test]
fn every_table_is_authored_book_or_derived() {
    let store = Store::open_in_memory().expect("store");
    let mut statement = store
        .conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts_%' ORDER BY name")
        .expect("prepare");
    let tables: Vec<String> = statement
        .query_map([], |row| row.get(0))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect();
    // Subscriptions and signals are the book's too: `export all` writes
    // them with the four book files and `import all` reads them back.
    let book = [
        "accounts",
        "snapshots",
        "contracts",
        "subscriptions",
        "usage",
        "usage_months",
        "tickets",
        "surveys",
    ];
    let derived = [
        "arr_series",
        "arr_series_stale",
        "snapshot_months",
        "snapshots_latest",
        "usage_series",
        "signal_series",
        "account_search_keys",
        "schema_version",
        // The `touch_kinds` setting, mirrored from config.toml.
        "touch_kinds",
    ];
    for table in tables {
        let listed = AUTHORED_TABLES.iter().any(|t| t.table == table);
        // The team sync's own bookkeeping (outbox, versions) is not the user's.
        let team = table.starts_with("team_");
        assert!(
            listed || team || book.contains(&table.as_str()) || derived.contains(&table.as_str()),
            "{table} is neither authored, the book's, nor derived: add it to AUTHORED_TABLES"
        );
    }
}

/// Each table's columns exist, its key is among its columns, and a table
/// it refers to comes before it.
#[test]
fn tables_are_described_in_dependency_order() {
    let store = Store::open_in_memory().expect("store");
    for (at, table) in AUTHORED_TABLES.iter().enumerate() {
        store.conn.prepare(&select_sql(table)).expect("every column exists");
        for key in table.key {
            assert!(table.column_names().contains(key), "{}: key {key}", table.file);
        }
        for column in table.columns {
            if let ColumnKind::Refers(parent) = column.kind {
                let before =
                    parent == "accounts" || AUTHORED_TABLES[..at].iter().any(|t| t.table == parent);
                assert!(before, "{} refers to {parent} before it is listed", table.file);
            }
        }
    }
    let files: std::collections::HashSet<_> = AUTHORED_TABLES.iter().map(|t| t.file).collect();
    assert_eq!(files.len(), AUTHORED_TABLES.len(), "file names are unique");
}
