//! The key that makes a note unique: its account and a 64-bit hash (XXH3)
//! of its time and text, stored beside the note (`note_key`) so that the
//! unique index `(account_id, note_key)` holds the account and eight bytes
//! where it held the time and a hash of the text (and before that the whole
//! text again). Two different notes of an account with one key are told
//! apart by comparing their time and text, wherever a write meets a note
//! with the same key. The same functions are given to SQL, as
//! `cockpit_note_hash(text)` and `cockpit_note_key(at, text)`, for the
//! migrations that filled the columns.

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

/// The hash of a note's text alone, as the key of an older schema had it.
pub fn text_hash(text: &str) -> i64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes()) as i64
}

/// The stored key of a note: XXH3 of its stored time (RFC 3339 text), a
/// zero byte (which neither holds) and its text.
pub fn note_key(at: &str, text: &str) -> i64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(at.as_bytes());
    hasher.update(&[0]);
    hasher.update(text.as_bytes());
    hasher.digest() as i64
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
    )?;
    conn.create_scalar_function(
        "cockpit_note_key",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |context| {
            let (at, text): (String, String) = (context.get(0)?, context.get(1)?);
            Ok(note_key(&at, &text))
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
            let at = "2026-01-01T10:00:00Z";
            let sql: i64 = conn
                .query_row("SELECT cockpit_note_key(?1, ?2)", [at, text], |row| row.get(0))
                .expect("key");
            assert_eq!(sql, note_key(at, text), "{text}");
        }
        // The key is XXH3 of the time, a zero byte and the text.
        let joined = "2026-01-01T10:00:00Z\0call";
        assert_eq!(
            note_key("2026-01-01T10:00:00Z", "call"),
            xxhash_rust::xxh3::xxh3_64(joined.as_bytes()) as i64
        );
        // The time and the text are kept apart: moving a character across
        // the boundary makes another key.
        assert_ne!(note_key("2026-01-01T10:00:00Z1", "0"), note_key("2026-01-01T10:00:00Z", "10"));
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
        let rows: Vec<(i64, String, String, i64)> = conn
            .prepare("SELECT id, at, text, note_key FROM notes ORDER BY id")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("query")
            .map(|r| r.expect("row"))
            .collect();
        assert_eq!(rows.len(), 2);
        for (_, at, text, key) in &rows {
            assert_eq!(*key, note_key(at, text));
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
                "INSERT INTO notes (account_id, at, kind, text, note_key)
                 VALUES ('A1', '2026-01-01T10:00:00Z', 'call', ?1, ?2)",
                rusqlite::params![text, note_key("2026-01-01T10:00:00Z", text)],
            )
        };
        assert!(insert("Kickoff with the new sponsor").is_err(), "a repeat is refused");
        insert("Kickoff, second thoughts").expect("another text at the same time");
        conn.execute("INSERT INTO notes_fts (notes_fts) VALUES ('integrity-check')", [])
            .expect("the search index matches the notes");
    }

    /// Two different notes of an account with one key (forced here by
    /// planting a note under another's key) are never taken for one: the
    /// import says which line and why, and changes nothing.
    #[test]
    fn a_note_whose_key_is_taken_by_another_note_is_refused() {
        use crate::import::{ImportKind, import_reader};
        let clock = crate::clock::Clock::fixed(chrono::NaiveDate::MIN);
        let mut store = super::super::Store::open_in_memory().expect("store");
        import_reader(
            &mut store,
            ImportKind::Accounts,
            "accounts.csv",
            "account_id,name\nA1,Acme\n".as_bytes(),
            "kim",
            &clock,
        )
        .expect("accounts");
        let (at, text) = ("2026-01-02T09:00:00Z", "Renewal call with the CFO");
        store
            .conn
            .execute(
                "INSERT INTO notes (account_id, at, kind, text, note_key)
                 VALUES ('A1', '2025-12-01T08:00:00Z', 'call', 'Something else', ?1)",
                [note_key(at, text)],
            )
            .expect("planted");
        let notes = |store: &super::super::Store| -> Vec<(String, String)> {
            store
                .conn
                .prepare("SELECT at, text FROM notes ORDER BY id")
                .expect("prepare")
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .expect("query")
                .map(|r| r.expect("row"))
                .collect()
        };
        let before = notes(&store);
        let file = format!(
            "account_id,at,kind,text\nA1,2026-01-01T10:00:00Z,call,Kickoff\nA1,{at},call,{text}\n"
        );
        let error = import_reader(
            &mut store,
            ImportKind::Notes,
            "notes.csv",
            file.as_bytes(),
            "kim",
            &clock,
        )
        .expect_err("refused");
        let said = error.to_string();
        assert!(said.contains("notes.csv:3"), "{said}");
        assert!(said.contains("same fingerprint"), "{said}");
        assert_eq!(notes(&store), before, "nothing written");
    }
}
