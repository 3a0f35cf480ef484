//! The cockpit's state and its update logic, testable without a terminal:
//! build an [`App`] from a store, a clock and a configuration, feed it
//! `KeyEvent`s (or [`Action`]s), and draw it to any ratatui backend
//! (`TestBackend` in tests and benchmarks). Keys become actions through the
//! keymap; global actions are handled here, the rest go to the focused pane
//! only. Writes come back from panes and popups as typed [`Write`]s, are
//! committed through the store at once, and the affected rows refreshed.
//! A paste goes to the focused field only (`app/paste.rs`); what another
//! cockpit or an import committed is noticed and read again in `app/live.rs`;
//! the first screen's book and the whole book loaded behind it are in
//! `app/loading.rs`; the events of the terminal loop (keys and background
//! results on one channel) are taken in by `app/events.rs`.

use crate::clock::Clock;
use crate::domain::Config;
use crate::read::book::BookIndex;
use crate::read::today::{BANDS_BEHIND_FROM, TodayFacts};
use crate::store::Store;
use crate::tui::action::Action;
use crate::tui::keymap::{GLOBAL, Key, KeyError, Keymap};
use crate::tui::panes::{self, Cx, Pane, Request, View, Write};
use crate::tui::popups::{Outcome, Popup};
use crate::tui::theme::Theme;
use crate::tui::widgets::tabs::{self, TabBar, TabTitle};
use crate::tui::work::{Ticket, Work};
use loading::{FirstBook, first_book};
use ratatui::Frame;
use ratatui::crossterm::event::{
    Event, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

mod damage;
mod draw;
mod events;
pub mod keys;
mod rollup;
mod team_sync;
pub use events::Taken;
mod account_keys;
mod live;
mod loading;
mod opening;
mod paste;
mod read_only;
mod search;
mod tasks;
mod undo;
mod writes;

/// A line in the status bar: what was done, a word, a refusal or an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    /// The line is an error (`tone` is [`Tone::Error`]).
    pub error: bool,
    pub tone: Tone,
}

impl Status {
    fn new(text: String, tone: Tone) -> Status {
        Status { text, error: tone == Tone::Error, tone }
    }

    pub fn is_error(&self) -> bool {
        self.error
    }
}

/// How a status line reads: only what was done carries the success tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Something was saved, undone or copied (`✓`).
    Done,
    /// Work under way, or a plain word (`·`).
    Info,
    /// Nothing was done, and why: no selection, nothing to undo, a
    /// read-only book (`!`).
    Refused,
    /// Something failed (`✗`).
    Error,
}

/// A note to write in `$EDITOR`; the terminal loop suspends the screen,
/// runs the editor and hands the text back to [`App::finish_editor`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorRequest {
    pub account_id: String,
    pub name: String,
}

/// The screen regions, computed the same way for drawing and for the mouse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regions {
    pub tabs: Rect,
    pub pane: Rect,
    pub hints: Rect,
    pub status: Rect,
}

impl Regions {
    pub fn of(area: Rect) -> Regions {
        let [tabs, pane, hints, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        Regions { tabs, pane, hints, status }
    }
}

/// The whole cockpit.
pub struct App {
    store: Store,
    clock: Clock,
    config: Config,
    user: String,
    theme: Theme,
    book: BookIndex,
    panes: Vec<Box<dyn Pane>>,
    stale: Vec<bool>,
    /// Per pane, the accounts written since it was last fresh, when every
    /// write named one: it reads only those again when shown (`None`: it
    /// reads everything again).
    stale_accounts: Vec<Option<Vec<String>>>,
    active: usize,
    previous: usize,
    /// A form opened from another pane (the churn editor on the selected
    /// account): its pane and the pane to return to once it closes.
    return_after_edit: Option<(usize, usize)>,
    keymap: Keymap,
    popup: Option<Popup>,
    status: Option<Status>,
    quit: bool,
    editor: Option<EditorRequest>,
    /// Text to put on the clipboard: the terminal loop writes it (OSC 52).
    clipboard: Option<String>,
    area: Rect,
    db_label: String,
    /// The whole book loading behind the first screen, if it is: the job's
    /// ticket (`loaders/book.rs`).
    loader: Option<Ticket>,
    /// The whole book is still to be loaded: started once the first screen
    /// is drawn ([`App::start_loading`]), not to compete with it.
    loader_due: bool,
    /// Accounts written while only the user's rows were loaded: read again
    /// into the whole book when it arrives.
    replaced: Vec<String>,
    /// Today's facts read beside the first book, for Today's first refresh.
    today_facts: Option<TodayFacts>,
    /// The damage check started behind the first screen, and its finding.
    damage: damage::DamageCheck,
    /// The team sync in the background, and the last one's text.
    team_sync: team_sync::TeamSync,
    /// The manager's roll-up being read behind the screen.
    rollup: rollup::RollupJob,
    /// The store's `data_version` when the book was last read whole: a
    /// different number means another cockpit or an import committed
    /// (`None` for a book in memory, which nothing else can write).
    seen_version: Option<i64>,
    /// The book loading now was asked for by a change from outside: once it
    /// is in, every pane reads again.
    outside_reload: bool,
    /// The focused pane still shows what was there before an outside change
    /// (it had a form or popup open): read again once that closes.
    refresh_due: bool,
    /// The search across the whole book, over the focused pane when open.
    search: panes::search::SearchView,
    /// The event channel and the jobs under way (`tui/work.rs`): the
    /// terminal loop takes every event from it, keys and results alike.
    work: Work,
    /// What `u` reverses, last first: each action since the cockpit opened
    /// (`app/undo.rs`).
    undo: undo::UndoStack,
}

impl App {
    /// Loads the book and opens on Today (or on the Book when the user owns
    /// no account).
    pub fn new(
        store: Store,
        clock: Clock,
        config: Config,
        user: &str,
        theme: Theme,
    ) -> anyhow::Result<App> {
        App::open(store, clock, config, user, theme, BANDS_BEHIND_FROM)
    }

    /// [`App::new`], with Today's scorecard bands read behind the first
    /// frame from `bands_behind_from` accounts of the user's on (tests
    /// show the late bands on a small book with 0).
    pub fn open(
        store: Store,
        clock: Clock,
        config: Config,
        user: &str,
        theme: Theme,
        bands_behind_from: usize,
    ) -> anyhow::Result<App> {
        let FirstBook { book, partial, today_facts } =
            first_book(&store, &config, clock, user, bands_behind_from)?;
        crate::timing::mark("first book: index made");
        let panes = panes::registry();
        let keymap = keys::keymap(&panes);
        crate::timing::mark("panes and keys made");
        let owns_any = book.rows().iter().any(|r| r.csm == user);
        let stale = vec![true; panes.len()];
        let mut app = App {
            store,
            clock,
            config,
            user: user.to_string(),
            theme,
            book,
            panes,
            stale_accounts: vec![None; stale.len()],
            stale,
            active: 0,
            previous: 0,
            return_after_edit: None,
            keymap,
            popup: None,
            status: None,
            quit: false,
            editor: None,
            clipboard: None,
            area: Rect::new(0, 0, 80, 24),
            db_label: String::new(),
            loader: None,
            loader_due: partial,
            replaced: Vec::new(),
            today_facts,
            damage: damage::DamageCheck::default(),
            team_sync: team_sync::TeamSync::default(),
            rollup: rollup::RollupJob::default(),
            seen_version: None,
            outside_reload: false,
            refresh_due: false,
            search: panes::search::SearchView::default(),
            work: Work::default(),
            undo: undo::UndoStack::default(),
        };
        if app.store.path().as_os_str() != ":memory:" {
            app.seen_version = app.store.data_version().ok();
        }
        app.db_label = app.store.path().display().to_string();
        let start = if owns_any { "today" } else { "book" };
        let index = app.panes.iter().position(|p| p.scope() == start).unwrap_or(0);
        app.activate(index);
        app.resize(80, 24);
        crate::timing::mark("first pane shown");
        Ok(app)
    }

    /// The keys rebound in `config.toml`'s `[keys]`, or why they cannot be
    /// used (the cockpit then does not start).
    pub fn with_keys(mut self, keys: &crate::settings::KeySettings) -> Result<App, KeyError> {
        self.keymap.configure(keys)?;
        Ok(self)
    }

    /// Shows `label` instead of the database path in the status line (for
    /// snapshots taken on temporary databases).
    pub fn with_db_label(mut self, label: &str) -> App {
        self.db_label = label.to_string();
        self
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn book(&self) -> &BookIndex {
        &self.book
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    pub fn popup(&self) -> Option<&Popup> {
        self.popup.as_ref()
    }

    pub fn active_title(&self) -> &'static str {
        self.panes.get(self.active).map_or("", |p| p.title())
    }

    /// The settings the cockpit was opened with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Text waiting to be copied to the clipboard, taken once.
    pub fn take_clipboard(&mut self) -> Option<String> {
        self.clipboard.take()
    }

    pub fn selected_account(&self) -> Option<String> {
        self.panes.get(self.active).and_then(|p| p.selected_account(&self.book))
    }

    /// The keymap, for generated help and documentation.
    pub fn keymap(&self) -> &Keymap {
        &self.keymap
    }

    /// (scope, title) of every pane, in tab order.
    pub fn pane_scopes(&self) -> Vec<(&'static str, &'static str)> {
        self.panes.iter().map(|p| (p.scope(), p.title())).collect()
    }

    /// Takes a pending `$EDITOR` request, if any.
    pub fn take_editor_request(&mut self) -> Option<EditorRequest> {
        self.editor.take()
    }

    fn cx_parts(&mut self) -> (&mut Box<dyn Pane>, Cx<'_>) {
        self.pane_and_cx(self.active)
    }

    /// The pane at `index` and what it may use while handling something.
    fn pane_and_cx(&mut self, index: usize) -> (&mut Box<dyn Pane>, Cx<'_>) {
        let pane = &mut self.panes[index];
        let cx = Cx {
            store: &self.store,
            clock: self.clock,
            config: &self.config,
            user: &self.user,
            book: &mut self.book,
            today_facts: &mut self.today_facts,
            keymap: &self.keymap,
            work: &mut self.work,
        };
        (pane, cx)
    }

    fn activate(&mut self, index: usize) {
        if index >= self.panes.len() {
            return;
        }
        if self.panes[index].scope() != "today" {
            self.ensure_whole_book();
        }
        if index != self.active {
            self.previous = self.active;
        }
        self.active = index;
        if self.stale[index] {
            self.stale[index] = false;
            let written = self.stale_accounts[index].take();
            let pane_area = Regions::of(self.area).pane;
            let (pane, mut cx) = self.cx_parts();
            let result = match written {
                Some(ids) => pane.refresh_accounts(&ids, &mut cx),
                None => pane.refresh(&mut cx),
            };
            pane.resize(pane_area, &mut cx);
            // The first screen's pages are let go once it is drawn
            // (`start_loading`), not before.
            if !self.loader_due {
                self.store.release_mapped_pages();
            }
            if let Err(error) = result {
                self.error(format!("{error:#}"));
            }
        }
    }

    fn error(&mut self, text: String) {
        self.status = Some(Status::new(text, Tone::Error));
    }

    /// Says what was done (saved, undone, copied).
    fn say(&mut self, text: String) {
        self.status = Some(Status::new(text, Tone::Done));
    }

    /// Says that nothing was done, and why.
    fn refuse(&mut self, text: String) {
        self.status = Some(Status::new(text, Tone::Refused));
    }

    /// A plain word: work under way.
    fn inform(&mut self, text: String) {
        self.status = Some(Status::new(text, Tone::Info));
    }

    /// The terminal was resized.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.area = Rect::new(0, 0, width, height);
        let pane_area = Regions::of(self.area).pane;
        for index in 0..self.panes.len() {
            let (pane, mut cx) = self.pane_and_cx(index);
            pane.resize(pane_area, &mut cx);
        }
    }

    /// Any terminal event.
    pub fn handle_event(&mut self, event: &Event) {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => self.handle_key(*key),
            Event::Mouse(mouse) => self.handle_mouse(*mouse),
            Event::Resize(width, height) => self.resize(*width, *height),
            Event::Paste(text) => self.paste(text),
            _ => {}
        }
        self.refresh_when_free();
    }

    /// A key press: the popup first, then a typing pane, then the keymap.
    pub fn handle_key(&mut self, key: KeyEvent) {
        self.poll_background();
        if let Some(mut popup) = self.popup.take() {
            match popup.key(key, &self.keymap, &self.book, self.clock.today()) {
                Outcome::Stay => self.popup = Some(popup),
                Outcome::Close => {}
                Outcome::Submit(writes) => self.apply(writes),
                Outcome::Open(id) => self.open_account(&id),
            }
            return;
        }
        if self.search.is_open() {
            self.search_key(key);
            return;
        }
        if self.panes[self.active].typing() {
            let (pane, mut cx) = self.cx_parts();
            let request = pane.type_key(key, &mut cx);
            if matches!(request, Request::Ignored)
                && self.keymap.own_action(GLOBAL, Key::from_event(key)) == Some(Action::Help)
            {
                self.update(Action::Help);
                return;
            }
            self.follow(request, None);
            self.return_when_closed();
            return;
        }
        let scope = self.panes[self.active].scope();
        match self.keymap.action(scope, Key::from_event(key)) {
            Some(action) => self.update(action),
            None => self.status = None,
        }
    }

    /// Applies an action: global ones here, the rest to the focused pane,
    /// then the account keys on the pane's selection.
    pub fn update(&mut self, action: Action) {
        self.status = None;
        if self.refused_read_only(action) {
            return;
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.popup = Some(self.help()),
            Action::NextPane => self.activate((self.active + 1) % self.panes.len()),
            Action::PrevPane => {
                self.activate((self.active + self.panes.len() - 1) % self.panes.len());
            }
            Action::GoToPane(index) => self.activate(index),
            Action::Jump => {
                self.ensure_whole_book();
                self.popup = Some(Popup::jump(&self.book));
            }
            Action::SearchBook => self.search.show(&self.store),
            Action::TeamRollup => self.open_rollup(),
            Action::Undo => self.undo_last(),
            other => {
                // Today beyond my own accounts needs the whole book.
                if matches!(other, Action::ToggleReach | Action::ShowSnoozed) {
                    self.ensure_whole_book();
                }
                let (pane, mut cx) = self.cx_parts();
                let request = pane.update(other, &mut cx);
                self.follow(request, Some(other));
            }
        }
    }

    fn follow(&mut self, request: Request, action: Option<Action>) {
        match request {
            Request::None => {}
            Request::Ignored => {
                if let Some(action) = action {
                    self.fallback(action);
                }
            }
            Request::OpenAccount(id) => self.open_account(&id),
            Request::Popup(popup) => self.popup = Some(popup),
            Request::Write(writes) => self.apply(writes),
            Request::Message(text) => self.refuse(text),
            Request::Back => self.activate(self.previous),
        }
    }
}
