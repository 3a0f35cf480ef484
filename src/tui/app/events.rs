//! The app's side of the event channel (`tui/work.rs`): the terminal loop
//! takes every event through here, keys and background results alike, and
//! each job's answer goes to whoever started it: the whole book and the
//! damage check to the app, months and filter lists to the pane that asked.
//! No drawing and no SQL here.

use super::*;
use crate::tui::loaders::book as book_loader;
use crate::tui::work::{Done, Event};
use ratatui::crossterm::event::Event as Terminal;
use std::sync::mpsc::Sender;

/// What taking an event in asks of the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// The screen may have changed: draw it.
    Draw,
    /// Nothing shown changed (a quiet tick, a month read ahead).
    Quiet,
}

impl App {
    /// A sender into the app's event channel, for the terminal reader and
    /// the timer.
    pub fn sender(&self) -> Sender<Event> {
        self.work.sender()
    }

    /// Starts a job whose answer the app only notes (the tier cadences'
    /// moments).
    pub fn spawn(&mut self, name: &'static str, job: impl FnOnce() -> Done + Send + 'static) {
        self.work.spawn(name, job);
    }

    /// The next event, waiting for it.
    pub fn next_event(&mut self) -> Event {
        self.work.next_event()
    }

    /// The next event, if one is waiting.
    pub fn try_next_event(&mut self) -> Option<Event> {
        self.work.try_next()
    }

    /// Whether no event waits (the loop counts a view meanwhile).
    pub fn nothing_waiting(&mut self) -> bool {
        self.work.nothing_waiting()
    }

    /// Takes one event in: a terminal event as [`App::handle_event`] does,
    /// a tick as a look for outside changes, a job's answer by whoever
    /// started the job. A lost terminal is an error.
    pub fn take(&mut self, event: Event) -> anyhow::Result<Taken> {
        let terminal = match event {
            Event::Key(key) => Terminal::Key(key),
            Event::Paste(text) => Terminal::Paste(text),
            Event::Resize(width, height) => Terminal::Resize(width, height),
            Event::Mouse(mouse) => Terminal::Mouse(mouse),
            Event::Tick => {
                self.tick_team_sync();
                self.keep_rollup_ahead();
                return Ok(if self.check_outside_changes() { Taken::Draw } else { Taken::Quiet });
            }
            Event::InputLost(why) => anyhow::bail!("the terminal could not be read: {why}"),
            Event::Done(ticket, done) => {
                return Ok(if self.receive(ticket, done) { Taken::Draw } else { Taken::Quiet });
            }
        };
        self.handle_event(&terminal);
        Ok(Taken::Draw)
    }

    /// A job's answer, to whoever started the job; `true` when the screen
    /// changed.
    pub(super) fn receive(&mut self, ticket: Ticket, done: Done) -> bool {
        let changed = self.take_answer(ticket, done);
        // The job's working lists are freed by now: give their pages back.
        crate::tui::memory::release_freed();
        changed
    }

    /// Hands the answer to whoever started the job.
    fn take_answer(&mut self, ticket: Ticket, done: Done) -> bool {
        if self.loader == Some(ticket) {
            self.loader = None;
            self.install(book_loader::answer(done));
            return true;
        }
        let done = match self.team_sync.receive(ticket, done) {
            Ok(changed) => return changed,
            Err(done) => done,
        };
        let done = match self.receive_rollup(ticket, done) {
            Ok(changed) => return changed,
            Err(done) => done,
        };
        let done = match self.receive_damage_check(ticket, done) {
            Ok(damaged) => return damaged,
            Err(done) => done,
        };
        let mut done = Some(done);
        for pane in &mut self.panes {
            match done.take() {
                Some(answer) => done = pane.receive(ticket, answer),
                // A pane took it (rows read behind the screen): show them.
                None => return true,
            }
        }
        // Nothing else waits for an answer (moments written, an answer
        // overtaken by a newer read): nothing to show.
        done.is_none()
    }
}
