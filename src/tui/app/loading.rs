//! Loading behind the first screen: the book the cockpit opens with (the
//! user's own accounts while the whole book loads as a job of its own),
//! taking the whole book in when it arrives or when a key needs it, and
//! counting the Book's and the front pane's views a slice at a time (steps
//! the loop takes while no event waits).

use super::*;
use crate::read::today::{Bands, TodayFacts};
use crate::store::views::CsmRows;
use crate::tui::loaders::book::{self as book_loader, load_whole};

/// The book the first screen opens with: the user's own accounts (with the
/// whole book's tiers and totals) while the whole book loads behind, when
/// the user is a CSM of a book on disk (`true`: start loading the whole
/// book); otherwise the whole book at once. A user holding `bands_behind_from`
/// accounts or more gets Today's facts without the scorecard bands, which
/// Today reads behind its first frame.
pub(super) fn first_book(
    store: &Store,
    config: &Config,
    clock: Clock,
    user: &str,
    bands_behind_from: usize,
) -> anyhow::Result<FirstBook> {
    let today = clock.today();
    let path = store.path();
    if !user.is_empty() && path.as_os_str() != ":memory:" && path.exists() {
        // Where the whole book's tier cuts fall: one pass over the ARR index,
        // a few hundred neighbouring pages, read mapped. On this thread: a
        // second connection doing it meanwhile cost more than it saved (its
        // open, and both threads taking SQLite's process-wide locks in turn
        // for every page read).
        let bounds = store.arr_tier_bounds(&config.tier_cuts_bp)?;
        crate::timing::mark("first book: tiers found");
        // The user's rows lie scattered across the file: read page by page
        // (mapped again once the first frame is drawn, `start_loading`).
        store.read_page_by_page();
        let CsmRows { rows, facts } = store.csm_rows(user, today)?;
        crate::timing::mark("first book: user's rows read");
        // On any failure there, Today reads its facts itself.
        let today_facts = match rows.is_empty() {
            true => None,
            false => {
                let bands = Bands::for_first_screen(rows.len(), bands_behind_from);
                crate::read::tasks::due_tasks(store, user, today)
                    .and_then(|tasks| {
                        TodayFacts::beside_rows_with(
                            store, user, today, facts, tasks, config, bands,
                        )
                    })
                    .ok()
            }
        };
        crate::timing::mark("first book: Today's facts read");
        if !rows.is_empty() {
            let book = BookIndex::for_csm(rows, &bounds, config, today, user);
            return Ok(FirstBook { book, partial: true, today_facts });
        }
    }
    store.release_mapped_pages();
    let book = load_whole(store, config, today, user)?;
    Ok(FirstBook { book, partial: false, today_facts: None })
}

/// What the first screen opens with.
pub(super) struct FirstBook {
    pub(super) book: BookIndex,
    /// Only the user's rows: the whole book still has to be loaded.
    pub(super) partial: bool,
    /// Today's facts, read beside the book.
    pub(super) today_facts: Option<TodayFacts>,
}

impl App {
    /// Whether the whole book is still loading (or to be loaded) behind the
    /// first screen.
    pub fn loading(&self) -> bool {
        self.loader.is_some() || self.loader_due
    }

    /// Starts loading the whole book behind the first screen, if only the
    /// user's rows are in: call it once the first screen is drawn. Any key,
    /// poll or wait for the book starts it too.
    pub fn start_loading(&mut self) {
        self.damage.start(self.store.path(), &mut self.work);
        self.keep_rollup_ahead();
        if std::mem::take(&mut self.loader_due) {
            self.store.release_mapped_pages();
            self.behind_first_frame();
            let today = self.clock.today();
            self.loader = Some(book_loader::start(
                &mut self.work,
                self.store.path(),
                &self.config,
                today,
                &self.user,
            ));
        }
    }

    /// Starts what the panes left until the first frame was drawn.
    fn behind_first_frame(&mut self) {
        for index in 0..self.panes.len() {
            let (pane, mut cx) = self.pane_and_cx(index);
            pane.behind_first_frame(&mut cx);
        }
    }

    /// Finishes what is read or counted in the background, as a pause
    /// between two keys would: takes in every job's answer (the whole book,
    /// the damage check, the front pane's months or filter lists), then
    /// counts the Book's and the front pane's views to the end.
    pub fn settle_background(&mut self) {
        while let Some((ticket, done)) = self.work.wait_any() {
            self.receive(ticket, done);
        }
        while !self.settle_step() {}
    }

    /// Whether the Book's view (see `book/scan.rs`) or the front pane's is
    /// still being counted.
    pub fn settling(&self) -> bool {
        self.book.is_counting() || self.panes.get(self.active).is_some_and(|p| p.counting())
    }

    /// Counts one more slice of the Book's view, else of the front pane's;
    /// `true` when both are finished.
    pub fn settle_step(&mut self) -> bool {
        if !self.book.settle() {
            return false;
        }
        let Some(pane) = self.panes.get_mut(self.active) else { return true };
        let counted = pane.counting();
        let finished = pane.count_step(&self.book);
        if finished && counted {
            // A pane's work (the Metrics grid's load) freed what it worked
            // with. Not after the Book's count alone, which follows nearly
            // every key and frees little: trimming there cost each key.
            crate::tui::memory::release_freed();
        }
        finished
    }

    /// Takes in every job answer that has arrived (the whole book, the
    /// damage check's finding, a pane's reads); `true` if the screen
    /// changed. A key calls it first, and so can a test driving the app
    /// without the terminal loop.
    pub fn poll_background(&mut self) -> bool {
        self.start_loading();
        let mut changed = false;
        for (ticket, done) in self.work.take_answers() {
            changed |= self.receive(ticket, done);
        }
        changed
    }

    /// Waits for the whole book if it is still loading (a key that needs
    /// more than the user's own accounts).
    pub(super) fn ensure_whole_book(&mut self) {
        // A book read again after an outside change is taken in when it
        // arrives: the one shown meanwhile is whole already, so no key waits.
        if self.outside_reload {
            return;
        }
        self.start_loading();
        if let Some(ticket) = self.loader.take() {
            let done = self.work.wait(ticket);
            self.install(book_loader::answer(done));
        }
    }

    pub(super) fn install(&mut self, result: anyhow::Result<BookIndex>) {
        let today = self.clock.today();
        let loaded = result.or_else(|_| load_whole(&self.store, &self.config, today, &self.user));
        match loaded {
            Ok(mut book) => {
                for id in std::mem::take(&mut self.replaced) {
                    if let Ok(Some(row)) = self.store.book_row(&id, today) {
                        book.replace(row);
                    }
                }
                book.keep_view_of(&self.book);
                self.book = book;
            }
            Err(error) => {
                self.damage.note(&error, self.store.path());
                match self.damage.found() {
                    Some(found) => self.error(found.to_string()),
                    None => self.error(format!("the book could not be loaded: {error:#}")),
                }
            }
        }
        if std::mem::take(&mut self.outside_reload) {
            self.after_outside_reload();
        }
    }
}
