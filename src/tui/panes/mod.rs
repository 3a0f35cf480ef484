//! The panes of the cockpit and the one trait they share.
//!
//! # Adding a pane
//! 1. Write `src/tui/panes/<name>.rs` with a struct that implements [`Pane`]:
//!    its title, its keymap scope and default keys (`keys`), the actions shown
//!    in the footer (`hints`), `refresh` (read what it needs from the store,
//!    once, and keep it), `update` (apply an action to its own state and
//!    return a [`Request`] for the app), and `draw` (read state, never write).
//! 2. Add one line to [`registry`] (and a `mod` line below).
//!
//! That is all: the tab bar, the number key, Tab order, `?` help and footer
//! hints come from the registry and the pane's keys. Panes never write to the
//! store themselves: they return [`Request::Write`], which the app applies
//! and then refreshes every pane. Only built panes are registered.

pub mod account;
pub mod account_growth;
pub mod board;
pub mod book;
pub mod calendar;
pub mod churn;
pub mod churn_taxonomy;
pub mod forecast;
pub mod health;
pub mod metrics;
pub mod search;
pub mod targets;
pub mod today;

use crate::clock::Clock;
use crate::domain::Config;
use crate::read::book::BookIndex;
use crate::read::today::TodayFacts;
use crate::store::Store;
use crate::tui::action::Action;
use crate::tui::keymap::Keymap;
use crate::tui::popups::Popup;
use crate::tui::theme::Theme;
use crate::tui::work::{Done, Ticket, Work};
pub use crate::tui::write::Write;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

/// The panes, in tab order. Adding a pane is one line here.
pub fn registry() -> Vec<Box<dyn Pane>> {
    vec![
        Box::new(today::TodayPane::default()),
        Box::new(book::BookPane::default()),
        Box::new(account::AccountPane::default()),
        Box::new(board::BoardPane::default()),
        Box::new(targets::TargetsPane::default()),
        Box::new(calendar::CalendarPane::default()),
        Box::new(churn::ChurnPane::default()),
        Box::new(metrics::MetricsPane::default()),
        Box::new(health::HealthPane::default()),
    ]
}

/// What a pane may use while it updates: the store (read only — writes go
/// through [`Request::Write`]), the clock, the configuration, the user and
/// the shared book index.
pub struct Cx<'a> {
    pub store: &'a Store,
    pub clock: Clock,
    pub config: &'a Config,
    pub user: &'a str,
    pub book: &'a mut BookIndex,
    /// Today's facts when they were read ahead (beside the first book).
    pub today_facts: &'a mut Option<TodayFacts>,
    /// The keys, for a form that takes them while it is open (the chain
    /// editor).
    pub keymap: &'a Keymap,
    /// Background work: a pane's reads behind the screen start here, and
    /// their answers come back through [`Pane::receive`].
    pub work: &'a mut Work,
}

/// What a pane may read while it draws.
pub struct View<'a> {
    pub theme: Theme,
    pub book: &'a BookIndex,
    pub keymap: &'a Keymap,
    pub today: NaiveDate,
    pub user: &'a str,
    pub active: bool,
}

/// What a pane asks of the app after an action.
// A request lives for one action; the popup it carries is moved straight
// into the app, so its size costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Default)]
pub enum Request {
    /// Nothing more to do.
    #[default]
    None,
    /// The pane did not use the action; the app may.
    Ignored,
    /// Open this account in the account view.
    OpenAccount(String),
    /// Show a popup.
    Popup(Popup),
    /// Apply these writes, in order, then refresh.
    Write(Vec<Write>),
    /// Say something in the status line.
    Message(String),
    /// Leave this pane for the previous one.
    Back,
}

/// One pane of the cockpit. See the module documentation for adding one.
pub trait Pane {
    /// The tab title.
    fn title(&self) -> &'static str;
    /// The tab title on a narrow terminal.
    fn short_title(&self) -> &'static str {
        self.title()
    }
    /// The keymap scope of the pane's own keys (and the help section).
    fn scope(&self) -> &'static str;
    /// The pane's default keys.
    fn keys(&self) -> &'static [(&'static str, Action)];
    /// The shared key tables active with the pane's own (and the global
    /// keys, always): the list moves, the selected account's keys, `/`.
    /// A pane that gives one of their keys another meaning leaves the
    /// table out and binds what it keeps itself.
    fn key_layers(&self) -> &'static [&'static str] {
        crate::tui::keymap::PANE_LAYERS
    }
    /// The actions the footer hints at, most useful first.
    fn hints(&self) -> &'static [Action];
    /// Reads what the pane shows, once; called when it is first shown and
    /// after every write.
    fn refresh(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<()>;
    /// After a write that touched only the accounts `ids`: reads what
    /// changed for them (by default, everything again).
    fn refresh_accounts(&mut self, _ids: &[String], cx: &mut Cx<'_>) -> anyhow::Result<()> {
        self.refresh(cx)
    }
    /// Applies an action to the pane's state.
    fn update(&mut self, action: Action, cx: &mut Cx<'_>) -> Request;
    /// Whether the pane is taking typed text (its search), so keys go to
    /// [`Pane::type_key`] instead of the keymap.
    fn typing(&self) -> bool {
        false
    }
    /// A key typed while [`Pane::typing`].
    fn type_key(&mut self, _key: KeyEvent, _cx: &mut Cx<'_>) -> Request {
        Request::Ignored
    }
    /// Text pasted while [`Pane::typing`]: into the focused field, whole,
    /// or a message saying why not. A paste never acts as keys.
    fn paste(&mut self, _text: &str, _cx: &mut Cx<'_>) -> Request {
        Request::Message(crate::tui::paste::NO_FIELD.to_string())
    }
    /// The pane's area changed (on start and on resize).
    fn resize(&mut self, _area: Rect, _cx: &mut Cx<'_>) {}
    /// The first frame is drawn: start what was left until then (Today's
    /// scorecard bands).
    fn behind_first_frame(&mut self, _cx: &mut Cx<'_>) {}

    /// The answer of a job the pane started through [`Cx::work`] (months
    /// ahead, filter lists); an answer that is not the pane's is handed
    /// back.
    fn receive(&mut self, _ticket: Ticket, done: Done) -> Option<Done> {
        Some(done)
    }
    /// Whether the pane's view is still being counted between keys (a
    /// filter walked only as far as the screen needed).
    fn counting(&self) -> bool {
        false
    }
    /// Counts one more slice of the pane's view; `true` when it is finished.
    fn count_step(&mut self, _book: &BookIndex) -> bool {
        true
    }
    /// A click at (`column`, `row`) inside the pane's area.
    fn click(&mut self, _column: u16, _row: u16, _cx: &mut Cx<'_>) -> Request {
        Request::Ignored
    }
    /// The account the account keys (touch, health, owners, flags) act on.
    fn selected_account(&self, _book: &BookIndex) -> Option<String> {
        None
    }
    /// Shows this account; `true` if this pane is the account view.
    fn open_account(&mut self, _id: &str, _cx: &mut Cx<'_>) -> bool {
        false
    }
    /// Shows this account's note (by its time and text) opened whole;
    /// `true` if this pane is the account view.
    fn open_note(
        &mut self,
        _account_id: &str,
        _at: chrono::DateTime<chrono::Utc>,
        _text: &str,
        _cx: &mut Cx<'_>,
    ) -> bool {
        false
    }
    /// Opens the churn chain editor on this account; `true` if this pane
    /// holds the editor.
    fn open_churn(&mut self, _account_id: &str, _cx: &mut Cx<'_>) -> bool {
        false
    }

    /// The keymap scope of the form the pane has open while
    /// [`Pane::typing`], if its keys are a table: `?` then lists them.
    fn typing_scope(&self) -> Option<&'static str> {
        None
    }

    /// Notes shown under the pane's keys in `?` help (a rule, a legend).
    fn help_notes(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }

    /// The heading of [`Pane::help_notes`] in `?` help.
    fn help_notes_title(&self) -> String {
        format!("{} rule", self.title())
    }
    /// Draws the pane's state. Reads only.
    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>);
}
