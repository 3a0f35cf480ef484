//! Today's rows read whole behind the screen: over a wider reach than the
//! user's own accounts (everyone's rows read every CSM's facts and the whole
//! book: tens to hundreds of milliseconds on a large book, too long for a
//! key), or the user's own again (from the user's accounts alone, as
//! `cockpit today` reads them). The read runs on a connection of its own (a
//! job through `tui::work`) and the rows arrive as an event; the pane keeps
//! showing what it had meanwhile. An in-memory store has no file to share:
//! it reads in the foreground.

use crate::domain::Config;
use crate::read::book::BookIndex;
use crate::read::today::{Reach, TodayRow, today_rows_from, today_rows_in, user_book};
use crate::store::Store;
use crate::tui::work::{Done, Ticket, Work};
use chrono::NaiveDate;

/// What the rows are read for.
#[derive(Debug, Clone)]
pub struct Ask {
    pub user: String,
    pub reach: Reach,
    pub today: NaiveDate,
    pub config: Config,
}

/// Starts reading Today's rows for `ask` behind the screen; `None` when the
/// store has no file another connection could open.
pub fn start(store: &Store, ask: Ask, work: &mut Work) -> Option<Ticket> {
    let path = store.path().to_path_buf();
    if path.as_os_str() == ":memory:" || !path.exists() {
        return None;
    }
    Some(work.spawn("today rows", move || Done::TodayRows(Box::new(read(&path, &ask)))))
}

fn read(path: &std::path::Path, ask: &Ask) -> Result<Vec<TodayRow>, String> {
    let store = Store::open_aside(path).map_err(|e| e.to_string())?;
    if ask.reach == Reach::Mine {
        let (book, facts) =
            user_book(&store, &ask.user, ask.today, &ask.config).map_err(|e| e.to_string())?;
        return Ok(facts.map(|f| today_rows_from(f, &book, &ask.config)).unwrap_or_default());
    }
    let rows = store.book_rows(ask.today).map_err(|e| e.to_string())?;
    let book = BookIndex::new(rows, &ask.config, ask.today, &ask.user);
    today_rows_in(&store, &book, &ask.user, ask.reach, ask.today, &ask.config)
        .map_err(|e| e.to_string())
}
