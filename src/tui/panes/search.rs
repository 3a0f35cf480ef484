//! Searching the whole book from anywhere (Ctrl-F, or `/` where the pane
//! has no search of its own): a box to type words into over the focused
//! pane, and the first screen of matching notes, account names and churn
//! chains grouped by account, the matched words highlighted. Enter opens
//! the account, on the note when the row is one. The words are searched on
//! every change through `Store::search_book`; this module holds what was
//! found and the selection, and never writes. Its keys are the `search`
//! table ([`KEYS`]); a key no table binds is typed into the box.

use crate::store::Store;
use crate::store::search::{HitKind, SearchResults};
use crate::tui::action::Action;
use crate::tui::keymap::{Key, Keymap, Table};
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

mod draw;

/// The search view's keymap scope.
pub const SCOPE: &str = "search";

/// Its keys (and `Esc`, as in every popup); any other key types.
pub const KEYS: &[(&str, Action)] = &[
    ("ctrl-c", Action::Cancel),
    ("enter", Action::Open),
    ("down", Action::Down),
    ("tab", Action::Down),
    ("ctrl-n", Action::Down),
    ("up", Action::Up),
    ("backtab", Action::Up),
    ("ctrl-p", Action::Up),
    ("pgdn", Action::PageDown),
    ("pgup", Action::PageUp),
];

/// The search view's table, for the keymap.
pub fn key_table() -> Table {
    Table::popup(SCOPE, "Search the whole book (the box)", KEYS)
}

/// How many notes (and names, and chains) a search's first screen holds.
pub const FIRST_SCREEN: usize = 200;

/// What Enter opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The account (its name matched, or its heading was chosen).
    Account(String),
    /// The account's note, by its time and text, opened whole.
    Note { account_id: String, at: DateTime<Utc>, text: String },
    /// The account's churn chains (its overview lists them).
    Chain(String),
}

/// What a key did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchOutcome {
    Stay,
    Close,
    Open(Target),
}

/// One line of the results: an account's heading, or one of its hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    group: usize,
    /// The hit's index in the group; `None` for the heading.
    hit: Option<usize>,
}

/// The search box and what it found.
#[derive(Debug, Default)]
pub struct SearchView {
    open: bool,
    input: Input,
    results: SearchResults,
    rows: Vec<Row>,
    selected: usize,
    /// The first row shown.
    offset: usize,
    error: Option<String>,
}

impl SearchView {
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Shows the box with the last words, searched again (the book may
    /// have changed since).
    pub fn show(&mut self, store: &Store) {
        self.open = true;
        let selected = self.selected;
        self.run(store);
        self.selected = selected.min(self.rows.len().saturating_sub(1));
    }

    pub fn hide(&mut self) {
        self.open = false;
    }

    /// The words typed.
    pub fn query(&self) -> &str {
        self.input.value()
    }

    fn run(&mut self, store: &Store) {
        self.selected = 0;
        self.offset = 0;
        match store.search_book(self.input.value(), FIRST_SCREEN) {
            Ok(results) => {
                self.error = None;
                self.results = results;
            }
            Err(error) => {
                self.error = Some(format!("the search failed: {error}"));
                self.results = SearchResults::default();
            }
        }
        self.rows.clear();
        for (group, found) in self.results.groups.iter().enumerate() {
            self.rows.push(Row { group, hit: None });
            for (hit, found) in found.hits.iter().enumerate() {
                if found.kind != HitKind::Account {
                    self.rows.push(Row { group, hit: Some(hit) });
                }
            }
        }
        // Enter on what was just typed opens the first match: the first
        // note or chain, unless the first account was found by its name.
        let by_name = |g: &crate::store::search::SearchGroup| {
            g.hits.iter().any(|h| h.kind == HitKind::Account)
        };
        if self.results.groups.first().is_some_and(|g| !by_name(g)) && self.rows.len() > 1 {
            self.selected = 1;
        }
    }

    /// Text pasted into the box, on one line.
    pub fn paste(&mut self, text: &str, store: &Store) {
        let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut value = self.input.value().to_string();
        value.push_str(&line);
        self.input = Input::new(value);
        self.run(store);
    }

    /// Applies a key; `page` is how many result rows the screen shows.
    pub fn key(
        &mut self,
        key: KeyEvent,
        keymap: &Keymap,
        store: &Store,
        page: usize,
    ) -> SearchOutcome {
        let last = self.rows.len().saturating_sub(1);
        match keymap.action(SCOPE, Key::from_event(key)) {
            Some(Action::Cancel) => return SearchOutcome::Close,
            Some(Action::Open) => {
                return match self.target() {
                    Some(target) => SearchOutcome::Open(target),
                    None => SearchOutcome::Stay,
                };
            }
            Some(Action::Down) => self.selected = (self.selected + 1).min(last),
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::PageDown) => self.selected = (self.selected + page.max(1)).min(last),
            Some(Action::PageUp) => self.selected = self.selected.saturating_sub(page.max(1)),
            _ => {
                let before = self.input.value().to_string();
                if let Some(request) = to_input_request(&Event::Key(key)) {
                    self.input.handle(request);
                }
                if self.input.value() != before {
                    self.run(store);
                }
            }
        }
        let page = page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        SearchOutcome::Stay
    }

    /// What the selected row opens.
    fn target(&self) -> Option<Target> {
        let row = self.rows.get(self.selected)?;
        let group = self.results.groups.get(row.group)?;
        let account_id = group.account_id.clone();
        let Some(hit) = row.hit.and_then(|i| group.hits.get(i)) else {
            return Some(Target::Account(account_id));
        };
        Some(match (&hit.kind, hit.at) {
            (HitKind::Note { .. }, Some(at)) => {
                Target::Note { account_id, at, text: hit.text.clone() }
            }
            (HitKind::Chain { .. }, _) => Target::Chain(account_id),
            _ => Target::Account(account_id),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::NoteKind;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    fn press(view: &mut SearchView, store: &Store, code: KeyCode) -> SearchOutcome {
        let keymap = Keymap::new([key_table()]);
        view.key(KeyEvent::new(code, KeyModifiers::NONE), &keymap, store, 5)
    }

    #[test]
    fn typing_searches_and_enter_opens_the_selected_note_or_account() {
        let store = Store::open_in_memory().expect("store");
        crate::testkit::seed_two_accounts(&store);
        let at = DateTime::UNIX_EPOCH + chrono::Duration::days(20_000);
        store.add_note("A2", NoteKind::Call, "Asked about Acme's pricing", "ana", at).expect("n");
        let mut view = SearchView::default();
        view.show(&store);
        for c in "acme".chars() {
            assert_eq!(press(&mut view, &store, KeyCode::Char(c)), SearchOutcome::Stay);
        }
        // Acme by name, then Globex's heading and its note.
        assert_eq!(view.rows.len(), 3);
        assert_eq!(
            press(&mut view, &store, KeyCode::Enter),
            SearchOutcome::Open(Target::Account("A1".into()))
        );
        press(&mut view, &store, KeyCode::Down);
        press(&mut view, &store, KeyCode::Down);
        press(&mut view, &store, KeyCode::Down);
        assert_eq!(
            press(&mut view, &store, KeyCode::Enter),
            SearchOutcome::Open(Target::Note {
                account_id: "A2".into(),
                at,
                text: "Asked about Acme's pricing".into()
            })
        );
        press(&mut view, &store, KeyCode::Backspace);
        assert_eq!(view.query(), "acm");
        assert_eq!(view.selected, 0, "a new search starts at the top");
        assert_eq!(press(&mut view, &store, KeyCode::Esc), SearchOutcome::Close);
    }
}
