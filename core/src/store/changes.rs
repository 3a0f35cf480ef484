//! Noticing what other connections wrote: another cockpit on the same
//! book, an import from the command line. Owns one read, SQLite's
//! `PRAGMA data_version`, which changes on this connection whenever another
//! connection commits (never for this connection's own writes). It must not
//! read any row: the app decides what to read again.

use super::{Store, StoreResult};

impl Store {
    /// A number that changes whenever another connection has committed to
    /// the database since the last call; equal numbers mean nothing changed
    /// from outside. One pragma, cheap enough to ask every second.
    pub fn data_version(&self) -> StoreResult<i64> {
        Ok(self.conn.query_row("PRAGMA data_version", [], |row| row.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Account, Health};
    use chrono::NaiveDate;

    #[test]
    fn data_version_moves_for_another_connection_only() {
        let dir = tempfile::tempdir().expect("test");
        let path = dir.path().join("book.db");
        let mut first = Store::open(&path).expect("test");
        let mut bulk = first.begin_import().expect("test");
        bulk.insert_account(&Account::new("a1", "Acme"), NaiveDate::MIN).expect("test");
        bulk.commit().expect("test");
        let second = Store::open(&path).expect("test");
        let before = first.data_version().expect("test");
        // Its own write leaves it alone.
        first.set_health("a1", Health::Green, "fine", "me", chrono::Utc::now()).expect("test");
        assert_eq!(first.data_version().expect("test"), before);
        // Another connection's commit moves it.
        second
            .set_health("a1", Health::Red, "exec left", "them", chrono::Utc::now())
            .expect("test");
        assert_ne!(first.data_version().expect("test"), before);
    }
}
