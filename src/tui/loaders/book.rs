//! The whole book, loaded behind the first screen. Reading 100,000 accounts
//! costs more than a frame budget, so the cockpit opens on the user's own
//! accounts (`BookIndex::for_csm`, enough for Today) and a job, on its own
//! read connection to the same database file, loads every row and builds
//! every sort order; the app takes the result in when it arrives, or waits
//! for it the first time a key needs more than the user's accounts.
//!
//! No drawing and no SQL here: it calls `Store::book_rows`.

use crate::domain::Config;
use crate::read::book::BookIndex;
use crate::store::Store;
use crate::tui::work::{Done, Ticket, Work};
use chrono::NaiveDate;
use std::path::Path;

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

/// Starts loading the book in the database file at `path`; it arrives as
/// [`Done::Book`].
pub fn start(
    work: &mut Work,
    path: &Path,
    config: &Config,
    today: NaiveDate,
    user: &str,
) -> Ticket {
    let (path, config, user) = (path.to_path_buf(), config.clone(), user.to_string());
    work.spawn("book loader", move || {
        let result = Store::open_aside(&path)
            .map_err(anyhow::Error::from)
            .and_then(|store| load_whole(&store, &config, today, &user))
            .map(|mut book| {
                book.prepare_all();
                book
            })
            .map_err(|e| format!("{e:#}"));
        Done::Book(Box::new(result))
    })
}

/// The book a [`Done`] answered for a load started by [`start`].
pub fn answer(done: Done) -> anyhow::Result<BookIndex> {
    match done {
        Done::Book(result) => (*result).map_err(anyhow::Error::msg),
        _ => Err(anyhow::anyhow!("the book could not be loaded")),
    }
}
