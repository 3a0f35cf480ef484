//! The journal of an import into an empty book: a rollback journal instead
//! of the WAL, so that the file's pages are written once, and the way back
//! to WAL mode when the import ends. Decides nothing about what is written.

use crate::store::{Store, StoreResult};
use rusqlite::Connection;

impl Store {
    /// The first import into an empty book (no accounts, so no rows that
    /// hang off them either) writes nearly every page of the file new. In
    /// WAL mode each page would be written twice, to the log and then copied
    /// into the file; through a rollback journal it is written once, and the
    /// journal holds only the few pages that existed before (new pages past
    /// the old end of the file need no copy: a rollback cuts the file back).
    /// A kill or a crash mid-import leaves a hot journal that the next open
    /// rolls back, so the import is still all or nothing. Only possible when
    /// no other connection has the book open; otherwise the import stays in
    /// WAL mode. Returns whether the journal mode was changed (the import
    /// changes it back when it ends, and every open sets WAL anyway).
    pub(super) fn leave_wal_for_an_empty_book(&self) -> StoreResult<bool> {
        let empty: bool =
            self.conn
                .query_row("SELECT NOT EXISTS (SELECT 1 FROM accounts)", [], |row| row.get(0))?;
        if !empty || self.path.as_os_str() == ":memory:" {
            return Ok(false);
        }
        // Refused at once (not waited for) while another connection is open.
        let mode = self
            .conn
            .query_row("PRAGMA journal_mode = DELETE", [], |row| row.get::<_, String>(0))
            .unwrap_or_default();
        if !mode.eq_ignore_ascii_case("delete") {
            return Ok(false);
        }
        // The journal is synced before the file is touched and the file
        // before the journal goes: a power cut cannot tear the book either.
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(true)
    }
}

/// Puts a connection that left WAL mode for an import back into it. Should
/// another connection hold the file at that moment, the next open does it.
pub(super) fn back_to_wal(conn: &Connection) {
    let _ = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get::<_, String>(0));
    let _ = conn.pragma_update(None, "synchronous", "NORMAL");
}
