//! Which note kinds count as a touch: the `touch_kinds` setting, kept in the
//! book beside the `last_touch` it decides, so that every writer (a note
//! logged, an import, a refresh) and every reader agree. When the setting
//! changes, the book takes the new list and recomputes every account's
//! `last_touch` in the same transaction.

use super::{Store, StoreResult};
use rusqlite::Connection;

/// The kinds stored as touches, in lower case, sorted.
pub(crate) fn stored(conn: &Connection) -> StoreResult<Vec<String>> {
    let mut statement = conn.prepare_cached("SELECT kind FROM touch_kinds ORDER BY kind")?;
    let kinds = statement.query_map([], |row| row.get(0))?;
    Ok(kinds.collect::<Result<Vec<String>, _>>()?)
}

/// The setting as the book keeps it: trimmed, lower case (ASCII, as
/// SQLite's `lower` folds), each once, sorted.
fn normalised(kinds: &[String]) -> Vec<String> {
    let mut kinds: Vec<String> = kinds
        .iter()
        .map(|kind| kind.trim().to_ascii_lowercase())
        .filter(|kind| !kind.is_empty())
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

impl Store {
    /// The note kinds this book counts as touches.
    pub fn touch_kinds(&self) -> StoreResult<Vec<String>> {
        stored(&self.conn)
    }

    /// Makes `kinds` the touches of this book; when they differ from the
    /// stored ones, every account's `last_touch` is recomputed from its
    /// notes. Returns whether anything changed.
    pub fn use_touch_kinds(&mut self, kinds: &[String]) -> StoreResult<bool> {
        let wanted = normalised(kinds);
        if stored(&self.conn)? == wanted {
            return Ok(false);
        }
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM touch_kinds", [])?;
        {
            let mut insert = tx.prepare("INSERT INTO touch_kinds (kind) VALUES (?1)")?;
            for kind in &wanted {
                insert.execute([kind])?;
            }
        }
        super::bulk::refresh_touches(&tx)?;
        tx.commit()?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::domain::NoteKind;
    use crate::export::{ExportFormat, export};
    use crate::import::{ImportKind, import_reader};
    use chrono::NaiveDate;

    fn clock() -> Clock {
        Clock::fixed(NaiveDate::from_ymd_opt(2025, 6, 1).expect("date"))
    }

    fn import(store: &mut Store, kind: ImportKind, csv: &str) {
        import_reader(store, kind, "f.csv", csv.as_bytes(), "ana", &clock()).expect("import");
    }

    fn last_touch(store: &Store, id: &str) -> Option<NaiveDate> {
        store.book_row(id, clock().today()).expect("row").expect("exists").last_touch
    }

    fn day(d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2025, 5, d)
    }

    const NOTES: &str = "account_id,at,kind,text\n\
                         A1,2025-05-02,call,Called\n\
                         A1,2025-05-20,LinkedIn,Liked the launch post\n\
                         A1,2025-05-09,support ticket,Login fails\n\
                         B2,2025-05-03,task,Send the deck\n";

    /// Other kinds are kept as written, survive export and import, and are
    /// touches only once the setting names them.
    fn book(notes_first: bool) -> Store {
        let mut store = Store::open_in_memory().expect("store");
        import(&mut store, ImportKind::Accounts, "account_id,name\nA1,Acme\nB2,Globex\n");
        if notes_first {
            // Into an empty notes table (the first import's path)…
            import(&mut store, ImportKind::Notes, NOTES);
        } else {
            // …and into a table that already holds a note.
            import(
                &mut store,
                ImportKind::Notes,
                "account_id,at,kind,text\nB2,2025-04-01,note,x\n",
            );
            import(&mut store, ImportKind::Notes, NOTES);
        }
        store
    }

    #[test]
    fn other_kinds_are_kept_and_count_as_touches_by_the_setting() {
        for first in [true, false] {
            let mut store = book(first);
            assert_eq!(last_touch(&store, "A1"), day(2), "only the call is a touch");
            assert_eq!(last_touch(&store, "B2"), None);
            let notes = store.account_notes("A1").expect("notes");
            let kinds: Vec<String> = notes.iter().map(|n| n.kind.to_string()).collect();
            assert_eq!(kinds, ["LinkedIn", "support ticket", "call"]);
            assert_eq!(notes[0].kind, NoteKind::Other("LinkedIn".into()));

            let setting = ["call".to_string(), "linkedin".to_string(), "Task".to_string()];
            assert!(store.use_touch_kinds(&setting).expect("set"));
            assert_eq!(store.touch_kinds().expect("kinds"), ["call", "linkedin", "task"]);
            assert_eq!(last_touch(&store, "A1"), day(20), "LinkedIn is a touch now");
            assert_eq!(last_touch(&store, "B2"), day(3), "so is a task");
            assert!(!store.use_touch_kinds(&setting).expect("same"), "nothing to change");

            // A touch logged afterwards follows the setting too.
            let at = NaiveDate::from_ymd_opt(2025, 5, 25)
                .and_then(|d| d.and_hms_opt(9, 0, 0))
                .expect("time")
                .and_utc();
            store.add_note("A1", NoteKind::Email, "Sent the quote", "ana", at).expect("email");
            assert_eq!(last_touch(&store, "A1"), day(20), "email is not a touch here");
            store.use_touch_kinds(&["email".to_string()]).expect("set");
            assert_eq!(last_touch(&store, "A1"), day(25));
            assert_eq!(last_touch(&store, "B2"), None);
        }
    }

    #[test]
    fn other_kinds_survive_export_and_import() {
        let store = book(true);
        let mut csv = Vec::new();
        export(&store, ImportKind::Notes, ExportFormat::Csv, &mut csv).expect("export");
        let csv = String::from_utf8(csv).expect("utf-8");
        assert!(csv.contains(",LinkedIn,Liked the launch post"), "{csv}");
        let mut again = Store::open_in_memory().expect("store");
        import(&mut again, ImportKind::Accounts, "account_id,name\nA1,Acme\nB2,Globex\n");
        import(&mut again, ImportKind::Notes, &csv);
        assert_eq!(again.account_notes("A1").expect("n"), store.account_notes("A1").expect("n"));
        let mut json = Vec::new();
        export(&store, ImportKind::Notes, ExportFormat::Json, &mut json).expect("json");
        let json = String::from_utf8(json).expect("utf-8");
        assert!(json.contains("\"kind\":\"support ticket\""), "{json}");
    }
}
