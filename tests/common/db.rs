//! The database as test evidence.

use cockpit_core::testkit::Book;
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

/// Three accounts: Acme and Globex for CSM `ana`, Initech for `bo`.
pub const THREE_ACCOUNTS: &str = "
    id, name,      csm, stage,    health, health_since, arr,    units, last_touch
    A1, Acme Corp, ana, adoption, green,  2025-05-01,   120000, 10,    2025-05-20
    A2, Globex,    ana, adoption, green,  2025-05-01,   60000,  10,    2025-05-20
    A3, Initech,   bo,  adoption, ,       ,             25000,  5,     ";

/// A fresh database `book.db` in `dir` holding `book`.
pub fn create(dir: &Path, book: &Book) -> std::path::PathBuf {
    book.create(&dir.join("book.db"))
}

/// A fresh database in `dir` holding the three accounts of
/// [`THREE_ACCOUNTS`], then the records of `more`.
pub fn three_accounts(dir: &Path, more: Book) -> std::path::PathBuf {
    create(dir, &Book::new().accounts(THREE_ACCOUNTS).and(more))
}
