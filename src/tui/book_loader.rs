//! The whole book, loaded behind the first screen. Reading 100,000 accounts
//! costs more than a frame budget, so the cockpit opens on the user's own
//! accounts (`BookIndex::for_csm`, enough for Today) and a worker thread,
//! on its own read connection to the same database file, loads every row and
//! builds every sort order; the app takes the result in when it arrives, or
//! waits for it the first time a key needs more than the user's accounts.
//!
//! No drawing and no SQL here: it calls `Store::book_rows`.

use crate::domain::Config;
use crate::read::book::BookIndex;
use crate::store::Store;
use chrono::NaiveDate;
use std::path::Path;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// A load of the whole book under way.
pub struct BookLoader {
    answer: Receiver<Result<BookIndex, String>>,
}

impl std::fmt::Debug for BookLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BookLoader")
    }
}

/// Loads and indexes the whole book from `store`.
pub fn load_whole(
    store: &Store,
    config: &Config,
    today: NaiveDate,
    user: &str,
) -> anyhow::Result<BookIndex> {
    let rows = store.book_rows(today)?;
    Ok(BookIndex::new(rows, config, today, user))
}

impl BookLoader {
    /// Starts loading the book in the database file at `path`.
    pub fn start(path: &Path, config: &Config, today: NaiveDate, user: &str) -> BookLoader {
        let (sender, answer) = channel();
        let (path, config, user) = (path.to_path_buf(), config.clone(), user.to_string());
        std::thread::spawn(move || {
            let result = Store::open_aside(&path)
                .map_err(anyhow::Error::from)
                .and_then(|store| load_whole(&store, &config, today, &user))
                .map(|mut book| {
                    book.prepare_all();
                    book
                })
                .map_err(|e| format!("{e:#}"));
            let _ = sender.send(result);
        });
        BookLoader { answer }
    }

    /// The book if it is loaded; `None` while the load is under way.
    pub fn try_take(&self) -> Option<anyhow::Result<BookIndex>> {
        match self.answer.try_recv() {
            Ok(result) => Some(result.map_err(anyhow::Error::msg)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                Some(Err(anyhow::anyhow!("the book could not be loaded")))
            }
        }
    }

    /// Waits for the book.
    pub fn wait(self) -> anyhow::Result<BookIndex> {
        match self.answer.recv() {
            Ok(result) => result.map_err(anyhow::Error::msg),
            Err(_) => Err(anyhow::anyhow!("the book could not be loaded")),
        }
    }
}
