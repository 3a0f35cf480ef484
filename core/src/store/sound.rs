//! The damage check that runs beside a write instead of before it: SQLite's
//! quick check reads every page (~8 ms per MB), which on a large book would
//! double an import's time if it ran first. It runs on a connection of its
//! own, reading the book as it was before the write began, while the write
//! builds its transaction; the write waits for its answer before it
//! commits, so nothing is ever committed into a damaged file.

use super::{Store, StoreError, StoreResult};
use rusqlite::InterruptHandle;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::thread::JoinHandle;

/// A quick check under way (or none needed), to be waited for before a
/// commit. Dropped unanswered (the write was refused for its own reasons),
/// it stops the check and waits for its connection to close, so the process
/// never ends with the check's connection open (which would leave the
/// book's `-wal` and `-shm` files behind).
pub struct SoundCheck {
    running: Option<Running>,
}

struct Running {
    path: PathBuf,
    handle: JoinHandle<StoreResult<()>>,
    /// Interrupts the check's query; sent once its connection is open.
    interrupt: Receiver<InterruptHandle>,
}

impl Store {
    /// Starts the quick check of the book as it is now on a thread of its
    /// own. A book with no accounts needs none (a first import stays as fast
    /// as it was), and neither does a book only in memory.
    pub fn start_sound_check(&self) -> StoreResult<SoundCheck> {
        self.start_check(None)
    }

    /// The quick check of only `tables` (with their indexes), the ones a
    /// write is about to change: what the write builds on is checked, in
    /// time that grows with those tables rather than with the whole book
    /// (importing tickets into a book of 15 million usage rows reads the
    /// tickets, not the usage). A table the book lacks is skipped.
    pub fn start_sound_check_of(&self, tables: &'static [&'static str]) -> StoreResult<SoundCheck> {
        self.start_check(Some(tables))
    }

    fn start_check(&self, tables: Option<&'static [&'static str]>) -> StoreResult<SoundCheck> {
        if self.path.as_os_str() == ":memory:" || !self.has_accounts()? {
            return Ok(SoundCheck { running: None });
        }
        let path = self.path.clone();
        let aside = path.clone();
        let (send, interrupt) = std::sync::mpsc::channel();
        let handle = std::thread::spawn(move || {
            let store = Store::open_aside(&aside)?;
            let _ = send.send(store.conn.get_interrupt_handle());
            match tables {
                None => store.ensure_sound(),
                Some(tables) => store.ensure_tables_sound(tables),
            }
        });
        Ok(SoundCheck { running: Some(Running { path, handle, interrupt }) })
    }

    /// SQLite's quick check of each of `tables` that the book has, and of
    /// its indexes.
    fn ensure_tables_sound(&self, tables: &[&str]) -> StoreResult<()> {
        let display = self.path.display().to_string();
        let damaged = || StoreError::Damaged { path: display.clone() };
        for table in tables {
            let exists: bool = self
                .conn
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
                    [table],
                    |row| row.get(0),
                )
                .map_err(|e| super::open::classify(&display, e))?;
            if !exists {
                continue;
            }
            let quoted = table.replace('"', "\"\"");
            let answer: String = self
                .conn
                .query_row(&format!("PRAGMA quick_check(\"{quoted}\")"), [], |row| row.get(0))
                .map_err(|e| super::open::classify(&display, e))?;
            if answer != "ok" {
                return Err(damaged());
            }
        }
        Ok(())
    }
}

impl SoundCheck {
    /// The check's answer: `Damaged` when the book was found damaged (or the
    /// check could not run to its end).
    pub fn wait(mut self) -> StoreResult<()> {
        let Some(Running { path, handle, .. }) = self.running.take() else {
            return Ok(());
        };
        match handle.join() {
            Ok(answer) => answer,
            Err(_) => Err(StoreError::Damaged { path: path.display().to_string() }),
        }
    }
}

impl Drop for SoundCheck {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            // No handle comes when the check failed to open its connection.
            if let Ok(interrupt) = running.interrupt.recv() {
                interrupt.interrupt();
            }
            let _ = running.handle.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_book_needs_no_check_and_a_sound_one_passes() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("book.db");
        let store = Store::open(&path).expect("open");
        assert!(store.start_sound_check().expect("start").running.is_none());
        let mut store = store;
        let clock =
            crate::clock::Clock::fixed(chrono::NaiveDate::from_ymd_opt(2026, 12, 7).expect("date"));
        crate::import::import_reader(
            &mut store,
            crate::import::ImportKind::Accounts,
            "accounts.csv",
            "account_id,name\nA-1,Acme\n".as_bytes(),
            "ana",
            &clock,
        )
        .expect("import");
        let check = store.start_sound_check().expect("start");
        assert!(check.running.is_some());
        check.wait().expect("a sound book passes");
        // Dropped unanswered, the check stops and closes its connection.
        drop(store.start_sound_check().expect("start"));
        drop(store);
        assert!(!dir.path().join("book.db-wal").exists(), "no -wal left behind");
    }

    /// Tickets' root page overwritten: a check of the survey answers passes
    /// (it does not read the tickets), a check of the tickets finds it.
    #[test]
    fn a_check_of_some_tables_reads_those_and_finds_their_damage() {
        use crate::import::{ImportKind, import_reader};
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("book.db");
        let clock =
            crate::clock::Clock::fixed(chrono::NaiveDate::from_ymd_opt(2026, 12, 7).expect("date"));
        let mut store = Store::open(&path).expect("open");
        for (kind, text) in [
            (ImportKind::Accounts, "account_id,name\nA-1,Acme\n"),
            (
                ImportKind::Tickets,
                "ticket_id,account_id,opened_at,severity\nT1,A-1,2026-01-02,low\n",
            ),
            (ImportKind::Surveys, "account_id,answered_at,kind,score\nA-1,2026-01-02,nps,9\n"),
        ] {
            import_reader(&mut store, kind, "f.csv", text.as_bytes(), "ana", &clock)
                .expect("import");
        }
        let (root, page): (i64, i64) = store
            .conn
            .query_row(
                "SELECT rootpage, (SELECT page_size FROM pragma_page_size())
                 FROM sqlite_master WHERE name = 'tickets'",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .expect("root page");
        drop(store);
        let mut bytes = std::fs::read(&path).expect("read");
        let at = ((root - 1) * page) as usize;
        for (i, byte) in bytes[at..at + page as usize].iter_mut().enumerate() {
            *byte = (i as u8).wrapping_mul(37) ^ 0xA5;
        }
        std::fs::write(&path, bytes).expect("write");
        let store = Store::open_aside(&path).expect("open");
        store
            .start_sound_check_of(&["surveys", "no_such_table"])
            .expect("start")
            .wait()
            .expect("sound");
        let found = store.start_sound_check_of(&["tickets"]).expect("start").wait();
        assert!(matches!(found, Err(StoreError::Damaged { .. })), "{found:?}");
    }
}
