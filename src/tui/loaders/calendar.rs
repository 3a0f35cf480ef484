//! The calendar's month cache. A month grid of a large book costs tens of
//! milliseconds to load, a move must redraw within one frame: so the months
//! already loaded are kept, and the neighbours of the shown month are loaded
//! ahead by a worker (`Work::serve`) on its own read connection to the same
//! database file (an in-memory store has no file to share: it loads on
//! demand). Its months arrive as events, which the app hands to the
//! calendar pane and the pane to [`MonthCache::receive`].
//!
//! It owns no drawing and no SQL: it calls `read::renewals::calendar_month`. A change
//! of filter, of day or a write starts a new generation; results of an older
//! one are dropped.

use crate::domain::{Config, Month};
use crate::metrics::windows::{Calendar, CalendarFilter};
use crate::store::Store;
use crate::tui::work::{Done, MonthAnswer, Server, Ticket, Work};
use chrono::NaiveDate;
use std::collections::HashMap;

/// How many months stay cached: the shown one and a few either side.
const KEEP_MONTHS: usize = 9;

/// What a loaded month depends on besides the month itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadKey {
    pub today: NaiveDate,
    pub filter: CalendarFilter,
    pub config: Config,
}

struct Request {
    generation: u64,
    month: Month,
    key: LoadKey,
}

/// Starts the worker reading months from the database file at `path`
/// through a connection of its own, opened at its first request. It ends
/// when the cache (the server) is dropped.
fn start_worker(work: &Work, path: std::path::PathBuf) -> Option<Server<Request>> {
    let mut store: Option<Store> = None;
    work.serve("calendar months", move |request: Request| {
        if store.is_none() {
            store = Store::open_aside(&path).ok();
        }
        let calendar = match &store {
            Some(store) => crate::read::renewals::calendar_month(
                store,
                request.month,
                request.key.today,
                &request.key.config,
                &request.key.filter,
            )
            .map_err(|e| e.to_string()),
            None => Err(format!("could not open {}", path.display())),
        };
        Done::Month(Box::new(MonthAnswer {
            generation: request.generation,
            month: request.month,
            calendar,
        }))
    })
}

/// The loaded months of one generation, and the worker loading more.
#[derive(Default)]
pub struct MonthCache {
    months: HashMap<Month, Calendar>,
    /// The months asked of the worker, and the ticket each will answer.
    pending: HashMap<Month, Ticket>,
    generation: u64,
    key: Option<LoadKey>,
    worker: Option<Server<Request>>,
    worker_tried: bool,
}

impl std::fmt::Debug for MonthCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonthCache")
            .field("months", &self.months.keys().collect::<Vec<_>>())
            .field("pending", &self.pending.keys().collect::<Vec<_>>())
            .field("generation", &self.generation)
            .finish()
    }
}

impl MonthCache {
    /// Forgets every month (after a write, or when the key changes).
    pub fn invalidate(&mut self) {
        self.months.clear();
        self.pending.clear();
        self.generation += 1;
    }

    /// Sets what months depend on; a different key empties the cache.
    pub fn set_key(&mut self, key: LoadKey) {
        if self.key.as_ref() != Some(&key) {
            self.invalidate();
            self.key = Some(key);
        }
    }

    /// Whether `month` is loaded.
    pub fn has(&self, month: Month) -> bool {
        self.months.contains_key(&month)
    }

    /// The loaded `month`, if it is.
    pub fn get(&self, month: Month) -> Option<&Calendar> {
        self.months.get(&month)
    }

    fn start_worker(&mut self, store: &Store, work: &Work) {
        if self.worker_tried {
            return;
        }
        self.worker_tried = true;
        let path = store.path();
        if path.as_os_str() != ":memory:" && path.exists() {
            self.worker = start_worker(work, path.to_path_buf());
        }
    }

    /// Takes in a month the worker answered; hands back an answer that is
    /// not one of this cache's.
    pub fn receive(&mut self, ticket: Ticket, done: Done) -> Option<Done> {
        match done {
            Done::Month(answer) => {
                self.accept(ticket, *answer);
                None
            }
            Done::Stopped(_) if self.pending.values().any(|t| *t == ticket) => {
                self.pending.retain(|_, t| *t != ticket);
                None
            }
            other => Some(other),
        }
    }

    fn accept(&mut self, ticket: Ticket, answer: MonthAnswer) {
        if answer.generation != self.generation {
            return;
        }
        if self.pending.get(&answer.month) == Some(&ticket) {
            self.pending.remove(&answer.month);
        }
        // A failed preload is retried in the foreground when it is needed.
        if let Ok(calendar) = answer.calendar {
            self.months.insert(answer.month, calendar);
        }
    }

    /// Makes `month` loaded: from the cache, from the worker (waiting for a
    /// load already under way), or loading it here.
    pub fn ensure(&mut self, month: Month, store: &Store, work: &mut Work) -> anyhow::Result<()> {
        self.start_worker(store, work);
        if self.has(month) {
            return Ok(());
        }
        if let Some(&ticket) = self.pending.get(&month) {
            let done = work.wait(ticket);
            if self.receive(ticket, done).is_some() {
                self.pending.remove(&month);
            }
            if self.has(month) {
                return Ok(());
            }
        }
        let Some(key) = &self.key else { anyhow::bail!("the calendar has no filter set") };
        let calendar = crate::read::renewals::calendar_month(
            store,
            month,
            key.today,
            &key.config,
            &key.filter,
        )?;
        self.months.insert(month, calendar);
        Ok(())
    }

    /// Asks the worker for `months` not loaded yet, and drops the months
    /// furthest from `around` beyond what is kept.
    pub fn prefetch(&mut self, around: Month, months: &[Month], work: &mut Work) {
        if let (Some(worker), Some(key)) = (&self.worker, &self.key) {
            for month in months {
                if !self.months.contains_key(month) && !self.pending.contains_key(month) {
                    let request =
                        Request { generation: self.generation, month: *month, key: key.clone() };
                    if let Some(ticket) = work.ask(worker, request) {
                        self.pending.insert(*month, ticket);
                    }
                }
            }
        }
        if self.months.len() > KEEP_MONTHS {
            let mut loaded: Vec<Month> = self.months.keys().copied().collect();
            let distance = |m: &Month| {
                let index = |m: Month| i64::from(m.year()) * 12 + i64::from(m.month());
                (index(*m) - index(around)).abs()
            };
            loaded.sort_by_key(distance);
            for month in loaded.into_iter().skip(KEEP_MONTHS) {
                self.months.remove(&month);
            }
        }
    }
}
