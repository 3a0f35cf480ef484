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
        if self.path.as_os_str() == ":memory:" || !self.has_accounts()? {
            return Ok(SoundCheck { running: None });
        }
        let path = self.path.clone();
        let aside = path.clone();
        let (send, interrupt) = std::sync::mpsc::channel();
        let handle = std::thread::spawn(move || {
            let store = Store::open_aside(&aside)?;
            let _ = send.send(store.conn.get_interrupt_handle());
            store.ensure_sound()
        });
        Ok(SoundCheck { running: Some(Running { path, handle, interrupt }) })
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
}
