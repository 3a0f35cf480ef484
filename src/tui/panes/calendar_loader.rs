//! The calendar's month cache. A month grid of a large book costs tens of
//! milliseconds to load, a move must redraw within one frame: so the months
//! already loaded are kept, and the neighbours of the shown month are loaded
//! ahead by a worker thread on its own read connection to the same database
//! file (an in-memory store has no file to share: it loads on demand).
//!
//! It owns no drawing and no SQL: it calls `read::renewals::calendar_month`. A change
//! of filter, of day or a write starts a new generation; results of an older
//! one are dropped.

use crate::domain::{Config, Month};
use crate::metrics::windows::{Calendar, CalendarFilter};
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

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

struct Answer {
    generation: u64,
    month: Month,
    calendar: Result<Calendar, String>,
}

struct Worker {
    requests: Sender<Request>,
    answers: Receiver<Answer>,
}

impl Worker {
    /// A thread reading `path` through its own connection. It ends when the
    /// cache (the sender) is dropped.
    fn start(path: PathBuf) -> Worker {
        let (requests, inbox) = channel::<Request>();
        let (outbox, answers) = channel::<Answer>();
        std::thread::spawn(move || {
            let mut store: Option<Store> = None;
            while let Ok(request) = inbox.recv() {
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
                let answer =
                    Answer { generation: request.generation, month: request.month, calendar };
                if outbox.send(answer).is_err() {
                    break;
                }
            }
        });
        Worker { requests, answers }
    }
}

/// The loaded months of one generation, and the worker loading more.
#[derive(Default)]
pub struct MonthCache {
    months: HashMap<Month, Calendar>,
    pending: HashSet<Month>,
    generation: u64,
    key: Option<LoadKey>,
    worker: Option<Worker>,
    worker_tried: bool,
}

impl std::fmt::Debug for MonthCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonthCache")
            .field("months", &self.months.keys().collect::<Vec<_>>())
            .field("pending", &self.pending)
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

    fn start_worker(&mut self, store: &Store) {
        if self.worker_tried {
            return;
        }
        self.worker_tried = true;
        let path = store.path();
        if path.as_os_str() != ":memory:" && path.exists() {
            self.worker = Some(Worker::start(path.to_path_buf()));
        }
    }

    /// Takes the worker's answers already waiting.
    fn drain(&mut self) {
        let Some(worker) = &self.worker else { return };
        let answers: Vec<Answer> = worker.answers.try_iter().collect();
        for answer in answers {
            self.accept(answer);
        }
    }

    fn accept(&mut self, answer: Answer) {
        if answer.generation != self.generation {
            return;
        }
        self.pending.remove(&answer.month);
        // A failed preload is retried in the foreground when it is needed.
        if let Ok(calendar) = answer.calendar {
            self.months.insert(answer.month, calendar);
        }
    }

    /// Makes `month` loaded: from the cache, from the worker (waiting for a
    /// load already under way), or loading it here.
    pub fn ensure(&mut self, month: Month, store: &Store) -> anyhow::Result<()> {
        self.start_worker(store);
        self.drain();
        if self.has(month) {
            return Ok(());
        }
        if self.pending.contains(&month) {
            while self.pending.contains(&month) {
                let Some(worker) = &self.worker else { break };
                match worker.answers.recv() {
                    Ok(answer) => self.accept(answer),
                    Err(_) => {
                        self.worker = None;
                        self.pending.clear();
                    }
                }
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
    pub fn prefetch(&mut self, around: Month, months: &[Month]) {
        self.drain();
        if let (Some(worker), Some(key)) = (&self.worker, &self.key) {
            for month in months {
                if !self.months.contains_key(month) && !self.pending.contains(month) {
                    let request =
                        Request { generation: self.generation, month: *month, key: key.clone() };
                    if worker.requests.send(request).is_ok() {
                        self.pending.insert(*month);
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

    /// Waits for every load under way (tests and benchmarks, to measure a
    /// move once its neighbours are in).
    pub fn settle(&mut self) {
        while !self.pending.is_empty() {
            let Some(worker) = &self.worker else {
                self.pending.clear();
                return;
            };
            match worker.answers.recv() {
                Ok(answer) => self.accept(answer),
                Err(_) => {
                    self.worker = None;
                    self.pending.clear();
                }
            }
        }
    }
}
