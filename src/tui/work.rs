//! Background work, one way: every worker thread of the cockpit starts
//! here, and every result arrives as an [`Event`] on the same channel as the
//! keys, the pastes, the mouse and the resizes. The loop blocks on that
//! channel (`Work::next_event`); nothing polls.
//!
//! - [`Work::spawn`] runs a job (a closure returning a [`Done`]) on a thread
//!   of its own and hands back a [`Ticket`]; the job's answer arrives as
//!   `Event::Done(ticket, done)`, exactly once, even when the job panics
//!   ([`Done::Stopped`]). [`Work::serve`] is the same for a worker that keeps
//!   its connection between requests (the calendar's months).
//! - [`Work::wait`] blocks until one ticket's answer is in, for a key that
//!   cannot go on without it (the whole book, the product holders); events
//!   met meanwhile are kept, in order, for the loop.
//! - [`Input`] forwards the terminal's events into the channel from a
//!   thread of its own, and stops reading while `$EDITOR` has the terminal.
//!   [`tick`] sends a [`Event::Tick`] once a second (the live refresh looks
//!   for outside commits then).
//!
//! Counting a view between keys (the Book's count, a Targets filter, the
//! Metrics tables) is not a job: it reads the pane's own state, so it stays
//! on the loop's thread as steps taken while the channel is empty
//! ([`Work::nothing_waiting`]), each a slice short enough that a key never
//! waits behind it. A job would have to copy the book to count it, and the
//! figures (a key, then its count) would be no better.
//!
//! This module names no pane and no loader: the payloads of [`Done`] are the
//! core's types and the book index.

use crate::domain::Month;
use crate::metrics::windows::Calendar;
use crate::read::book::BookIndex;
use ratatui::crossterm::event::{Event as Terminal, EventStream, KeyEvent, MouseEvent};
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::time::Duration;

/// Names one job's answer among the events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ticket(u64);

/// Each product's holders, shared so a filter does not copy them.
pub type Holders = BTreeMap<String, Arc<HashSet<String>>>;

/// One month of the calendar read behind the screen.
#[derive(Debug)]
pub struct MonthAnswer {
    /// The cache generation it was asked for (older ones are dropped).
    pub generation: u64,
    pub month: Month,
    pub calendar: Result<Calendar, String>,
}

/// What a background job answers: one variant per kind of work.
#[derive(Debug)]
pub enum Done {
    /// The whole book, loaded and indexed on its own connection.
    Book(Box<Result<BookIndex, String>>),
    /// The damage check: the warning, when the book is damaged.
    Damage(Option<String>),
    /// A month of the calendar.
    Month(Box<MonthAnswer>),
    /// The Targets filter lists: each product's holders and the AMs.
    Holders(Result<(Holders, Vec<String>), String>),
    /// The cross-sell picture (Targets).
    CrossSell(Box<Result<CrossSellRead, String>>),
    /// The tier cadences' moments were written (or could not be).
    Moments,
    /// Today's rows over a wider reach (my team's, everyone's).
    TodayRows(Box<Result<Vec<crate::read::today::TodayRow>, String>>),
    /// A team sync ended: the events it received, or why it failed.
    Synced(Result<u64, String>),
    /// The manager's roll-up, read on its own connection.
    Rollup(Box<crate::read::rollup::RollupRead>),
    /// The job ended without an answer (it panicked); its name.
    Stopped(&'static str),
}

/// The cross-sell picture, which finds each account's rows itself
/// (`loaders/targets.rs` reads it).
#[derive(Debug, Clone, Default)]
pub struct CrossSellRead {
    pub picture: crate::read::cross_sell::CrossSell,
}

/// Everything the loop takes in, in the order it happened.
#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Mouse(MouseEvent),
    /// A second has passed (see [`tick`]).
    Tick,
    /// The terminal can no longer be read: the loop ends with this error.
    InputLost(String),
    /// A background job's answer.
    Done(Ticket, Done),
}

impl Event {
    /// The terminal's event as the loop's, if the loop uses it (focus
    /// changes are not).
    pub fn from_terminal(event: Terminal) -> Option<Event> {
        match event {
            Terminal::Key(key) => Some(Event::Key(key)),
            Terminal::Paste(text) => Some(Event::Paste(text)),
            Terminal::Resize(width, height) => Some(Event::Resize(width, height)),
            Terminal::Mouse(mouse) => Some(Event::Mouse(mouse)),
            Terminal::FocusGained | Terminal::FocusLost => None,
        }
    }
}

/// The event channel, the jobs under way, and the events taken off the
/// channel while waiting for one job but not yet handled.
pub struct Work {
    sender: Sender<Event>,
    inbox: Receiver<Event>,
    kept: VecDeque<Event>,
    next_ticket: u64,
    under_way: HashSet<Ticket>,
}

impl Default for Work {
    fn default() -> Work {
        let (sender, inbox) = channel();
        Work { sender, inbox, kept: VecDeque::new(), next_ticket: 0, under_way: HashSet::new() }
    }
}

impl std::fmt::Debug for Work {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Work").field("under_way", &self.under_way.len()).finish()
    }
}

impl Work {
    /// A sender into the loop's channel (the terminal reader, the timer).
    pub fn sender(&self) -> Sender<Event> {
        self.sender.clone()
    }

    fn ticket(&mut self) -> Ticket {
        self.next_ticket += 1;
        let ticket = Ticket(self.next_ticket);
        self.under_way.insert(ticket);
        ticket
    }

    /// Runs `job` on a thread named `name`; its answer arrives as
    /// `Event::Done(ticket, …)`.
    pub fn spawn(
        &mut self,
        name: &'static str,
        job: impl FnOnce() -> Done + Send + 'static,
    ) -> Ticket {
        let ticket = self.ticket();
        let sender = self.sender.clone();
        let started = std::thread::Builder::new().name(name.to_string()).spawn(move || {
            let done = catch_unwind(AssertUnwindSafe(job)).unwrap_or(Done::Stopped(name));
            let _ = sender.send(Event::Done(ticket, done));
        });
        if started.is_err() {
            let _ = self.sender.send(Event::Done(ticket, Done::Stopped(name)));
        }
        ticket
    }

    /// Starts a worker named `name` that answers requests one at a time
    /// with `answer`, keeping its state (a connection) between them. It ends
    /// when the returned [`Server`] is dropped.
    pub fn serve<R: Send + 'static>(
        &self,
        name: &'static str,
        mut answer: impl FnMut(R) -> Done + Send + 'static,
    ) -> Option<Server<R>> {
        let (requests, inbox) = channel::<(Ticket, R)>();
        let sender = self.sender.clone();
        std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                while let Ok((ticket, request)) = inbox.recv() {
                    let done = catch_unwind(AssertUnwindSafe(|| answer(request)))
                        .unwrap_or(Done::Stopped(name));
                    if sender.send(Event::Done(ticket, done)).is_err() {
                        break;
                    }
                }
            })
            .ok()?;
        Some(Server { requests })
    }

    /// Asks `server` for `request`; `None` when the worker is gone.
    pub fn ask<R>(&mut self, server: &Server<R>, request: R) -> Option<Ticket> {
        let ticket = self.ticket();
        if server.requests.send((ticket, request)).is_err() {
            self.under_way.remove(&ticket);
            return None;
        }
        Some(ticket)
    }

    /// Whether any job's answer is still to come.
    pub fn under_way(&self) -> bool {
        !self.under_way.is_empty()
    }

    /// Hands `event` out, noting its job as answered.
    fn out(&mut self, event: Event) -> Event {
        if let Event::Done(ticket, _) = &event {
            self.under_way.remove(ticket);
        }
        event
    }

    /// Moves what the channel holds now behind the kept events.
    fn gather(&mut self) {
        loop {
            match self.inbox.try_recv() {
                Ok(event) => self.kept.push_back(event),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return,
            }
        }
    }

    /// The next event, waiting for it (the loop's only wait).
    pub fn next_event(&mut self) -> Event {
        let event = match self.kept.pop_front() {
            Some(event) => event,
            // The channel cannot close: `self` holds a sender.
            None => self.inbox.recv().unwrap_or(Event::Tick),
        };
        self.out(event)
    }

    /// The next event if one is waiting.
    pub fn try_next(&mut self) -> Option<Event> {
        if self.kept.is_empty() {
            self.gather();
        }
        let event = self.kept.pop_front()?;
        Some(self.out(event))
    }

    /// Whether no event waits: the loop may take a step of counting.
    pub fn nothing_waiting(&mut self) -> bool {
        if self.kept.is_empty() {
            self.gather();
        }
        self.kept.is_empty()
    }

    /// Every job answer that has arrived, leaving the terminal's events
    /// (and ticks) waiting in order: for a key that takes what is in
    /// before it acts, and for tests driving the app without a loop.
    pub fn take_answers(&mut self) -> Vec<(Ticket, Done)> {
        self.gather();
        let mut answers = Vec::new();
        let mut others = VecDeque::new();
        for event in std::mem::take(&mut self.kept) {
            match event {
                Event::Done(ticket, done) => {
                    self.under_way.remove(&ticket);
                    answers.push((ticket, done));
                }
                other => others.push_back(other),
            }
        }
        self.kept = others;
        answers
    }

    /// Waits for `ticket`'s answer, keeping every other event for later.
    pub fn wait(&mut self, ticket: Ticket) -> Done {
        let at = self.kept.iter().position(|e| matches!(e, Event::Done(t, _) if *t == ticket));
        if let Some(Event::Done(_, done)) = at.and_then(|at| self.kept.remove(at)) {
            self.under_way.remove(&ticket);
            return done;
        }
        if !self.under_way.contains(&ticket) {
            return Done::Stopped("an answer already taken");
        }
        while let Ok(event) = self.inbox.recv() {
            match event {
                Event::Done(arrived, done) if arrived == ticket => {
                    self.under_way.remove(&ticket);
                    return done;
                }
                other => self.kept.push_back(other),
            }
        }
        Done::Stopped("the event channel")
    }

    /// Waits for the next job answer, keeping other events; `None` when no
    /// job is under way.
    pub fn wait_any(&mut self) -> Option<(Ticket, Done)> {
        self.gather();
        let at = self.kept.iter().position(|event| matches!(event, Event::Done(..)));
        if let Some(Event::Done(ticket, done)) = at.and_then(|at| self.kept.remove(at)) {
            self.under_way.remove(&ticket);
            return Some((ticket, done));
        }
        if self.under_way.is_empty() {
            return None;
        }
        while let Ok(event) = self.inbox.recv() {
            match event {
                Event::Done(ticket, done) => {
                    self.under_way.remove(&ticket);
                    return Some((ticket, done));
                }
                other => self.kept.push_back(other),
            }
        }
        None
    }
}

/// A worker started by [`Work::serve`]; dropping it ends the worker.
pub struct Server<R> {
    requests: Sender<(Ticket, R)>,
}

impl<R> std::fmt::Debug for Server<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Server")
    }
}

/// Sends an [`Event::Tick`] into `sender` every `period`, for as long as
/// the loop listens.
pub fn tick(sender: Sender<Event>, period: Duration) {
    let _ = std::thread::Builder::new().name("tick".to_string()).spawn(move || {
        loop {
            std::thread::sleep(period);
            if sender.send(Event::Tick).is_err() {
                return;
            }
        }
    });
}

/// What the loop asks of the terminal reader.
enum Control {
    /// Stop reading the terminal and say so on the given channel.
    Pause(Sender<()>),
    /// Read it again.
    Resume,
}

/// The terminal reader: a thread forwarding the terminal's events into the
/// loop's channel. It reads through crossterm's event stream, driven by
/// this thread alone, so that it can stop reading between two events: an
/// editor run in the foreground then gets every key typed into it.
pub struct Input {
    control: Sender<Control>,
    reader: Option<std::thread::Thread>,
}

impl Input {
    /// Starts forwarding the terminal's events into `sender`.
    pub fn start(sender: Sender<Event>) -> Input {
        let (control, orders) = channel();
        let events = sender.clone();
        let reader = std::thread::Builder::new()
            .name("terminal input".to_string())
            .spawn(move || read_terminal(&events, &orders))
            .ok()
            .map(|handle| handle.thread().clone());
        if reader.is_none() {
            let _ = sender.send(Event::InputLost("could not start reading the terminal".into()));
        }
        Input { control, reader }
    }

    /// Stops reading the terminal; returns once the reader has stopped.
    pub fn pause(&self) {
        let (said, stopped) = channel();
        if self.control.send(Control::Pause(said)).is_ok() {
            if let Some(reader) = &self.reader {
                reader.unpark();
            }
            let _ = stopped.recv();
        }
    }

    /// Reads the terminal again after [`Input::pause`].
    pub fn resume(&self) {
        let _ = self.control.send(Control::Resume);
        if let Some(reader) = &self.reader {
            reader.unpark();
        }
    }
}

/// Wakes the reader thread when the event stream has something, and
/// remembers that it did.
struct Unpark {
    thread: std::thread::Thread,
    woken: std::sync::atomic::AtomicBool,
}

impl std::task::Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.woken.store(true, std::sync::atomic::Ordering::SeqCst);
        self.thread.unpark();
    }
}

/// How long a pause waits for crossterm's waiting thread to let go of the
/// terminal; it does within a scheduling slice, this only bounds a stall.
const LET_GO: Duration = Duration::from_secs(2);

/// The reader thread's body: forwards events until the loop goes away or
/// the terminal cannot be read; parks while nothing comes.
fn read_terminal(sender: &Sender<Event>, orders: &Receiver<Control>) {
    use futures_core::Stream;
    use std::sync::atomic::Ordering::SeqCst;
    use std::task::{Context, Poll};
    let unpark = Arc::new(Unpark {
        thread: std::thread::current(),
        woken: std::sync::atomic::AtomicBool::new(false),
    });
    let waker = std::task::Waker::from(Arc::clone(&unpark));
    let mut context = Context::from_waker(&waker);
    let mut stream = Some(EventStream::new());
    // The stream answered `Pending`: crossterm's thread is waiting on the
    // terminal for it, and wakes us once it stops.
    let mut waiting = false;
    loop {
        match orders.try_recv() {
            Ok(Control::Pause(said)) => {
                // Dropping the stream tells crossterm's waiting thread to
                // stop, but it stops only once scheduled: until then it
                // would read (and keep for us) keys meant for the editor.
                // Its last act is to wake us; wait for that.
                stream = None;
                let until = std::time::Instant::now() + LET_GO;
                while waiting && !unpark.woken.load(SeqCst) && std::time::Instant::now() < until {
                    std::thread::park_timeout(Duration::from_millis(5));
                }
                waiting = false;
                let _ = said.send(());
                continue;
            }
            Ok(Control::Resume) => {
                stream.get_or_insert_with(EventStream::new);
                continue;
            }
            Err(TryRecvError::Disconnected) => return,
            Err(TryRecvError::Empty) => {}
        }
        let Some(events) = stream.as_mut() else {
            std::thread::park();
            continue;
        };
        unpark.woken.store(false, SeqCst);
        let polled = std::pin::Pin::new(events).poll_next(&mut context);
        waiting = polled.is_pending();
        match polled {
            Poll::Ready(Some(Ok(event))) => {
                if let Some(event) = Event::from_terminal(event)
                    && sender.send(event).is_err()
                {
                    return;
                }
            }
            Poll::Ready(Some(Err(error))) => {
                let _ = sender.send(Event::InputLost(error.to_string()));
                return;
            }
            Poll::Ready(None) => return,
            Poll::Pending => std::thread::park(),
        }
    }
}

#[cfg(test)]
mod tests;
