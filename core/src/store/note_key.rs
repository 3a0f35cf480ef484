//! The key that makes a note unique: its account, time and a 64-bit hash
//! of its text (XXH3), stored beside the text so that the unique index
//! holds eight bytes where it held the whole text again. Two different
//! texts with one hash are told apart by comparing the texts, wherever a
//! write meets a note with the same key. The same function is given to SQL
//! as `cockpit_note_hash(text)` for the migration that filled the column.

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

/// The stored hash of a note's text.
pub fn text_hash(text: &str) -> i64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes()) as i64
}

/// Makes `cockpit_note_hash(text)` callable on `conn`.
pub(super) fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "cockpit_note_hash",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |context| {
            let text: String = context.get(0)?;
            Ok(text_hash(&text))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_xxh3_of_the_text_and_sql_computes_the_same() {
        // XXH3-64 of the empty input, from the algorithm's reference.
        assert_eq!(text_hash("") as u64, 0x2d06_8005_38d3_94c2);
        assert_ne!(text_hash("call"), text_hash("call "));
        let conn = Connection::open_in_memory().expect("conn");
        register(&conn).expect("register");
        for text in ["", "Kick-off with Atlas: shift booking for 10 recruiters.", "München 🚀"] {
            let sql: i64 = conn
                .query_row("SELECT cockpit_note_hash(?1)", [text], |row| row.get(0))
                .expect("hash");
            assert_eq!(sql, text_hash(text), "{text}");
        }
    }

    /// A book from before the hashed key upgrades with its notes, their ids
    /// and their search entries, and the key still refuses a repeat.
    #[test]
    fn an_older_book_upgrades_to_the_hashed_key() {
        use super::super::migrations::{MIGRATIONS_FOR_TESTS, migrate, migrate_to};
        let before = MIGRATIONS_FOR_TESTS
            .iter()
            .position(|(name, _, _)| *name == "note_hash")
            .expect("the migration") as i64;
        let mut conn = Connection::open_in_memory().expect("conn");
        migrate_to(&mut conn, before).expect("older schema");
        conn.execute_batch(
            "INSERT INTO accounts (id, name) VALUES ('A1', 'Acme');
             INSERT INTO notes (id, account_id, at, kind, text) VALUES
               (7, 'A1', '2026-01-01T10:00:00Z', 'call', 'Kickoff with the new sponsor'),
               (9, 'A1', '2026-01-01T10:00:00Z', 'severe_case', 'Outage in München');",
        )
        .expect("old notes");
        migrate(&mut conn).expect("upgrade");
        let rows: Vec<(i64, String, i64)> = conn
            .prepare("SELECT id, text, text_hash FROM notes ORDER BY id")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .map(|r| r.expect("row"))
            .collect();
        assert_eq!(rows.len(), 2);
        for (_, text, hash) in &rows {
            assert_eq!(*hash, text_hash(text));
        }
        assert_eq!((rows[0].0, rows[1].0), (7, 9));
        let found: i64 = conn
            .query_row("SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'munchen'", [], |r| {
                r.get(0)
            })
            .expect("search");
        assert_eq!(found, 9);
        let flagged: i64 = conn
            .query_row(
                "SELECT count(*) FROM notes INDEXED BY notes_flagged_by_account
                 WHERE account_id = 'A1' AND kind IN ('sponsor_change', 'severe_case')
                   AND at >= '2026'",
                [],
                |r| r.get(0),
            )
            .expect("flagged");
        assert_eq!(flagged, 1);
        let insert = |text: &str| {
            conn.execute(
                "INSERT INTO notes (account_id, at, kind, text, text_hash)
                 VALUES ('A1', '2026-01-01T10:00:00Z', 'call', ?1, ?2)",
                rusqlite::params![text, text_hash(text)],
            )
        };
        assert!(insert("Kickoff with the new sponsor").is_err(), "a repeat is refused");
        insert("Kickoff, second thoughts").expect("another text at the same time");
        conn.execute("INSERT INTO notes_fts (notes_fts) VALUES ('integrity-check')", [])
            .expect("the search index matches the notes");
    }
}
