//! The database as test evidence.

use std::path::Path;

/// Every row of every table, as text: equal dumps mean an unchanged database.
pub fn dump(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).expect("open dump");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
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
