//! Notes and touches on an account. Writing a touch (a note of one of the
//! book's touch kinds: call, email, meeting, QBR by default) moves the account's `last_touch` forward in the same transaction, so
//! the book of business and Today see it at once. No drawing here.

use super::accounts::time_of;
use super::{Store, StoreError, StoreResult};
use crate::domain::{Note, NoteKind};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::params;

impl Store {
    /// Records a note or touch. The text must not be empty.
    pub fn add_note(
        &self,
        account_id: &str,
        kind: NoteKind,
        text: &str,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::Invalid("a note needs some text".to_string()));
        }
        let tx = self.step()?;
        let stamp = at.to_rfc3339_opts(SecondsFormat::Secs, true);
        tx.execute(
            "INSERT INTO notes (account_id, at, kind, text, who, note_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                account_id,
                stamp,
                kind.as_str(),
                text,
                who,
                super::note_key::note_key(&stamp, text)
            ],
        )
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => {
                StoreError::Invalid(format!("account {account_id} does not exist"))
            }
            _ => StoreError::Sql(e),
        })?;
        self.playbooks_on_note(account_id, kind.clone(), tx.last_insert_rowid(), who, at)?;
        if kind.is_touch_in(&super::touches::stored(&tx)?) {
            let day = at.date_naive().to_string();
            tx.execute(
                "UPDATE accounts SET last_touch = ?2
                 WHERE id = ?1 AND (last_touch IS NULL OR substr(last_touch, 1, 10) < ?2)",
                params![account_id, day],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// An account's notes and touches, newest first.
    pub fn account_notes(&self, account_id: &str) -> StoreResult<Vec<Note>> {
        let mut statement = self.conn.prepare(
            "SELECT at, kind, text, who FROM notes WHERE account_id = ?1 ORDER BY at DESC, id DESC",
        )?;
        let rows = statement.query_map(params![account_id], |row| {
            let at: String = row.get(0)?;
            let kind: String = row.get(1)?;
            Ok(Note {
                account_id: account_id.to_string(),
                at: time_of(&at),
                kind: NoteKind::parse(&kind).unwrap_or(NoteKind::Note),
                text: row.get(2)?,
                who: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn a_touch_moves_last_touch_and_a_note_does_not() {
        let store = Store::open_in_memory().expect("store");
        crate::testkit::seed_two_accounts(&store);
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("date");
        let at = |d: u32| today.with_day0(d).expect("d").and_hms_opt(9, 0, 0).expect("t").and_utc();
        use chrono::Datelike;
        store.add_note("A1", NoteKind::Note, "just a thought", "ana", at(5)).expect("note");
        let row = store.book_row("A1", today).expect("row").expect("exists");
        assert_eq!(row.last_touch, NaiveDate::from_ymd_opt(2025, 5, 1));
        store.add_note("A1", NoteKind::Call, "called", "ana", at(6)).expect("call");
        let row = store.book_row("A1", today).expect("row").expect("exists");
        assert_eq!(row.last_touch, NaiveDate::from_ymd_opt(2025, 6, 7));
        let notes = store.account_notes("A1").expect("notes");
        assert_eq!(notes.len(), 2);
        assert_eq!(notes[0].text, "called");
        assert!(store.add_note("A1", NoteKind::Call, "  ", "ana", at(7)).is_err());
        assert!(store.add_note("nope", NoteKind::Call, "x", "ana", at(7)).is_err());
    }
}
