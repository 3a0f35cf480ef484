//! The database as test evidence.

use std::path::Path;

/// Every row of every table, as text: equal dumps mean an unchanged database.
/// The search index's tables are left out: they are derived from the rows,
/// their inner layout depends on the order of the writes, and their
/// exactness has tests of its own (`store::search`).
pub fn dump(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).expect("open dump");
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE '%\\_fts%' ESCAPE '\\' ORDER BY name",
        )
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("names");
    let mut out = String::new();
    for table in tables {
        let mut statement = conn.prepare(&format!("SELECT * FROM {table}")).expect("select");
        let width = statement.column_count();
        let mut rows = statement.query([]).expect("rows");
        while let Some(row) = rows.next().expect("row") {
            out.push_str(&table);
            for i in 0..width {
                let value: rusqlite::types::Value = row.get(i).expect("value");
                out.push_str(&format!("|{value:?}"));
            }
            out.push('\n');
        }
    }
    out
}

/// A fresh database in `dir` holding three accounts (Acme and Globex for CSM
/// `ana`, Initech for `bo`), then whatever `more` inserts.
pub fn three_accounts(dir: &Path, more: &str) -> std::path::PathBuf {
    let path = dir.join("book.db");
    drop(cockpit::store::Store::open(&path).expect("open"));
    let conn = rusqlite::Connection::open(&path).expect("conn");
    conn.execute_batch(
        "INSERT INTO accounts (id, name, csm, am, stage, health, health_since, arr_cents, units, last_touch) VALUES
          ('A1', 'Acme Corp', 'ana', '', 'adoption', 'green', '2025-05-01', 12000000, 10, '2025-05-20'),
          ('A2', 'Globex', 'ana', '', 'adoption', 'green', '2025-05-01', 6000000, 10, '2025-05-20'),
          ('A3', 'Initech', 'bo', '', 'adoption', NULL, NULL, 2500000, 5, NULL);",
    )
    .expect("accounts");
    conn.execute_batch(more).expect("more");
    path
}
