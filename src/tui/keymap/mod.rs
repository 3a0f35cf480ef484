//! Keys are data, in every scope. A scope is a table of `key → action`
//! defaults: the global keys, the shared tables panes take (the list moves,
//! the selected account's keys, `/` to search the book), each pane's own
//! (`Pane::keys`). The keymap turns a key into an [`Action`] by looking
//! through the tables active together — the focused pane's, the shared ones
//! it takes (`Pane::key_layers`), then the global keys — and the reverse map
//! (action → keys) generates the `?` help, the footer hints and the README's
//! key tables (`readme.rs`), so none of them can drift from the real keys.
//!
//! One [`Action`] enum serves every scope, not one enum per scope: an action
//! such as "open" or "set health" means the same wherever it is bound, the
//! app routes it to the focused pane, and one reverse map serves help,
//! footers and the README. A scope lists which actions it binds, and
//! `[keys]` in `config.toml` may rebind only those (`config.rs`).
//!
//! No key is bound twice among tables active together ([`Keymap::conflicts`],
//! checked by a test on the defaults and on every `[keys]` override), so a
//! pane never shadows a shared key and `?` tells the truth: a pane that
//! gives a shared key another meaning (the Calendar's `j` `k`) leaves that
//! shared table out and binds what it keeps itself.

mod config;
mod key;
pub mod readme;

pub use config::KeyError;
pub use key::{KEY_SYNTAX, Key};

use crate::tui::action::Action;

/// The global keys' scope: active everywhere, unless a form has the keys.
pub const GLOBAL: &str = "global";
/// Movement keys shared by every pane that shows a list.
pub const LIST: &str = "list";
/// The keys that act on the selected account, in every pane that has one.
pub const SELECTION: &str = "selection";
/// `/` searches the whole book, in every pane whose `/` means nothing else.
pub const FIND: &str = "find";
/// `Esc` closes every popup and form.
pub const POPUP: &str = "popup";
/// The shared tables a pane takes unless it says otherwise, in help order.
pub const PANE_LAYERS: &[&str] = &[SELECTION, LIST, FIND];

/// The default global keys.
pub const GLOBAL_KEYS: &[(&str, Action)] = &[
    ("q", Action::Quit),
    ("ctrl-c", Action::Quit),
    ("?", Action::Help),
    ("tab", Action::NextPane),
    ("backtab", Action::PrevPane),
    ("ctrl-k", Action::Jump),
    (":", Action::Jump),
    ("ctrl-f", Action::SearchBook),
    ("ctrl-r", Action::TeamRollup),
    ("1", Action::GoToPane(0)),
    ("2", Action::GoToPane(1)),
    ("3", Action::GoToPane(2)),
    ("4", Action::GoToPane(3)),
    ("5", Action::GoToPane(4)),
    ("6", Action::GoToPane(5)),
    ("7", Action::GoToPane(6)),
    ("8", Action::GoToPane(7)),
    ("9", Action::GoToPane(8)),
];

/// The keys of every popup and form.
pub const POPUP_KEYS: &[(&str, Action)] = &[("esc", Action::Cancel)];

/// `/` searches the whole book where it means nothing else.
pub const FIND_KEYS: &[(&str, Action)] = &[("/", Action::SearchBook)];

/// The default movement keys of every list.
pub const LIST_KEYS: &[(&str, Action)] = &[
    ("j", Action::Down),
    ("down", Action::Down),
    ("k", Action::Up),
    ("up", Action::Up),
    ("g", Action::Top),
    ("home", Action::Top),
    ("G", Action::Bottom),
    ("end", Action::Bottom),
    ("pgdn", Action::PageDown),
    ("ctrl-d", Action::PageDown),
    ("pgup", Action::PageUp),
    ("ctrl-u", Action::PageUp),
    ("enter", Action::Open),
    ("esc", Action::Back),
];

/// The keys that act on the selected account, in every pane that has one.
pub const ACCOUNT_KEYS: &[(&str, Action)] = &[
    ("n", Action::LogTouch),
    ("N", Action::NoteInEditor),
    ("H", Action::SetHealth),
    ("o", Action::EditOwners),
    ("F", Action::EditFlags),
    ("c", Action::RecordChurn),
    ("y", Action::CopyAccount),
];

/// One scope's table: its name (in `[keys.NAME]`), its title in help, its
/// default keys, and the tables active with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    pub title: &'static str,
    pub keys: &'static [(&'static str, Action)],
    /// The tables looked up after this one while it has focus, in order.
    pub with: Vec<&'static str>,
    /// A table taken by others (the global keys, the lists), never
    /// focused by itself.
    pub shared: bool,
}

impl Table {
    /// A pane's table: its keys, then the shared `layers`, then the global keys.
    pub fn pane(
        name: &'static str,
        title: &'static str,
        keys: &'static [(&'static str, Action)],
        layers: &[&'static str],
    ) -> Table {
        let mut with = layers.to_vec();
        with.push(GLOBAL);
        Table { name, title, keys, with, shared: false }
    }

    /// A popup's or form's table: its keys, then `Esc` (no global keys:
    /// a popup takes every key while it is open).
    pub fn popup(
        name: &'static str,
        title: &'static str,
        keys: &'static [(&'static str, Action)],
    ) -> Table {
        Table { name, title, keys, with: vec![POPUP], shared: false }
    }

    fn shared(
        name: &'static str,
        title: &'static str,
        keys: &'static [(&'static str, Action)],
    ) -> Table {
        Table { name, title, keys, with: Vec::new(), shared: true }
    }

    /// The tables active while this one has focus, itself first.
    pub fn chain(&self) -> Vec<&'static str> {
        let mut chain = vec![self.name];
        chain.extend(self.with.iter().copied());
        chain
    }
}

/// The shared tables, in the order the README shows them.
fn shared_tables() -> Vec<Table> {
    vec![
        Table::shared(GLOBAL, "Everywhere", GLOBAL_KEYS),
        Table::shared(FIND, "Search the whole book", FIND_KEYS),
        Table::shared(LIST, "Lists", LIST_KEYS),
        Table::shared(SELECTION, "Selected account", ACCOUNT_KEYS),
        Table::shared(POPUP, "Every popup and form", POPUP_KEYS),
    ]
}

/// One binding: in `scope`, `key` means `action`; `place` is where
/// `config.toml` set it (`None` for a default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub scope: &'static str,
    pub key: Key,
    pub action: Action,
    pub place: Option<crate::settings::Place>,
}

/// A key bound twice among tables active together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The focused table whose chain holds both.
    pub table: &'static str,
    pub first: Binding,
    pub second: Binding,
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is bound twice where [keys.{}] applies: {} in [keys.{}] and {} in [keys.{}]",
            self.first.key.label(),
            self.table,
            self.first.action.name(),
            self.first.scope,
            self.second.action.name(),
            self.second.scope
        )
    }
}

/// Every table and every binding.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    tables: Vec<Table>,
    bindings: Vec<Binding>,
}

impl Keymap {
    /// The defaults: the shared tables, plus each pane's (or other focused
    /// scope's) own.
    pub fn new(tables: impl IntoIterator<Item = Table>) -> Keymap {
        let mut keymap = Keymap::default();
        for table in shared_tables().into_iter().chain(tables) {
            keymap.add(table);
        }
        keymap
    }

    /// Adds a table and its default bindings. A default that does not parse
    /// is a bug, caught by the tests: it is skipped and returned.
    pub fn add(&mut self, table: Table) -> Vec<String> {
        let mut bad = Vec::new();
        for (text, action) in table.keys {
            match Key::parse(text) {
                Some(key) => self.bindings.push(Binding {
                    scope: table.name,
                    key,
                    action: *action,
                    place: None,
                }),
                None => bad.push(format!("{}: {text:?} is not a key", table.name)),
            }
        }
        self.tables.retain(|t| t.name != table.name);
        self.tables.push(table);
        bad
    }

    /// Every table, shared ones first.
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// The table named `name`.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The tables active while `scope` has focus, itself first.
    pub fn chain(&self, scope: &str) -> Vec<&'static str> {
        match self.table(scope) {
            Some(table) => table.chain(),
            None => Vec::new(),
        }
    }

    /// The action of `key` while `scope` has focus (its own keys, then the
    /// tables it takes, then the global keys).
    pub fn action(&self, scope: &str, key: Key) -> Option<Action> {
        self.chain(scope).iter().find_map(|s| {
            self.bindings.iter().find(|b| b.scope == *s && b.key == key).map(|b| b.action)
        })
    }

    /// The action of `key` in `scope`'s own table only.
    pub fn own_action(&self, scope: &str, key: Key) -> Option<Action> {
        self.bindings.iter().find(|b| b.scope == scope && b.key == key).map(|b| b.action)
    }

    /// The keys bound to `action` in `scope`, for help and hints.
    pub fn keys_for(&self, scope: &str, action: Action) -> Vec<Key> {
        self.bindings
            .iter()
            .filter(|b| b.scope == scope && b.action == action)
            .map(|b| b.key)
            .collect()
    }

    /// The first key of `action` while `scope` has focus, for a hint.
    pub fn first_key(&self, scope: &str, action: Action) -> Option<Key> {
        self.chain(scope).iter().find_map(|s| self.keys_for(s, action).first().copied())
    }

    /// The label of the first key bound to `action` in `scope`, for a text
    /// that names the key ("J/K rows"); `unbound` when no key is.
    pub fn label(&self, scope: &str, action: Action) -> String {
        self.first_key(scope, action).map_or_else(|| "unbound".to_string(), |key| key.label())
    }

    /// The bindings of one table, in order.
    pub fn bindings(&self, scope: &str) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.scope == scope)
    }

    /// The help of one scope: each action once, with all its keys.
    pub fn help(&self, scope: &str) -> Vec<(String, &'static str)> {
        self.help_of(&[scope])
    }

    /// The help of several tables as one section: each action once, with
    /// all its keys in these tables.
    pub fn help_of(&self, scopes: &[&str]) -> Vec<(String, &'static str)> {
        grouped(scopes.iter().flat_map(|s| self.bindings(s)))
            .into_iter()
            .map(|(action, keys)| (keys, action.describe()))
            .collect()
    }

    /// `key action` pairs for the footer, first key of each action.
    pub fn hints(&self, scope: &str, actions: &[Action]) -> Vec<(String, &'static str)> {
        actions
            .iter()
            .filter_map(|action| {
                self.first_key(scope, *action).map(|key| (key.label(), action.hint()))
            })
            .collect()
    }

    /// A popup's footer: `Enter save · Esc cancel`, the first key of each
    /// action (while `scope` has focus) and its word; an unbound action is
    /// left out.
    pub fn footer(&self, scope: &str, actions: &[(Action, &str)]) -> String {
        let parts: Vec<String> = actions
            .iter()
            .filter_map(|(action, word)| {
                self.first_key(scope, *action).map(|key| format!("{} {word}", key.label()))
            })
            .collect();
        parts.join(" · ")
    }

    /// Every key of `action` while `scope` has focus, as `y/Enter`.
    pub fn keys_label(&self, scope: &str, action: Action) -> String {
        let keys: Vec<String> = self
            .chain(scope)
            .iter()
            .flat_map(|s| self.keys_for(s, action))
            .map(Key::label)
            .collect();
        keys.join("/")
    }

    /// Every key bound twice among tables active together: for each
    /// focused table, its own keys, the tables it takes and the global keys.
    pub fn conflicts(&self) -> Vec<Conflict> {
        let mut found = Vec::new();
        for table in self.tables.iter().filter(|t| !t.shared) {
            let chain = table.chain();
            let active: Vec<&Binding> =
                chain.iter().flat_map(|scope| self.bindings(scope)).collect();
            for (at, first) in active.iter().enumerate() {
                if let Some(second) = active[at + 1..].iter().find(|b| b.key == first.key) {
                    let seen = found.iter().any(|c: &Conflict| {
                        c.first.key == first.key
                            && c.first.scope == first.scope
                            && c.second.scope == second.scope
                    });
                    if !seen {
                        found.push(Conflict {
                            table: table.name,
                            first: (*first).clone(),
                            second: (*second).clone(),
                        });
                    }
                }
            }
        }
        found
    }
}

/// Bindings grouped by action, in order of first appearance, with their
/// keys' labels: `j ↓`, or `1…9` for the pane numbers.
pub fn grouped<'a>(bindings: impl Iterator<Item = &'a Binding>) -> Vec<(Action, String)> {
    let mut lines: Vec<(Action, Vec<String>)> = Vec::new();
    for binding in bindings {
        let action = match binding.action {
            Action::GoToPane(_) => Action::GoToPane(0),
            other => other,
        };
        match lines.iter_mut().find(|(a, _)| *a == action) {
            Some((_, keys)) => keys.push(binding.key.label()),
            None => lines.push((action, vec![binding.key.label()])),
        }
    }
    lines
        .into_iter()
        .map(|(action, keys)| {
            let keys = if action == Action::GoToPane(0) && keys.len() > 1 {
                format!(
                    "{}…{}",
                    keys.first().cloned().unwrap_or_default(),
                    keys.last().cloned().unwrap_or_default()
                )
            } else {
                keys.join(" ")
            };
            (action, keys)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book_table(keys: &'static [(&'static str, Action)]) -> Table {
        Table::pane("book", "Book", keys, PANE_LAYERS)
    }

    #[test]
    fn keys_resolve_pane_first_and_help_comes_from_the_same_data() {
        let keymap = Keymap::new([book_table(&[("s", Action::SortNext), ("j", Action::Search)])]);
        let j = Key::parse("j").expect("j");
        assert_eq!(keymap.action("book", j), Some(Action::Search));
        let keymap = Keymap::new([
            book_table(&[("s", Action::SortNext), ("j", Action::Search)]),
            Table::pane("today", "Today", &[], PANE_LAYERS),
        ]);
        assert_eq!(keymap.action("today", j), Some(Action::Down));
        let ctrl_k = Key::parse("ctrl-k").expect("ctrl-k");
        assert_eq!(keymap.action("today", ctrl_k), Some(Action::Jump));
        assert_eq!(ctrl_k.label(), "Ctrl-K", "a control letter reads as on the key");
        assert_eq!(ctrl_k.short_label(), "^K");
        let help = keymap.help(LIST);
        assert!(help.contains(&("j ↓".to_string(), "down")));
        assert!(keymap.help(GLOBAL).contains(&("1…9".to_string(), "go to pane")));
        assert_eq!(keymap.hints("book", &[Action::SortNext]), vec![("s".into(), "sort")]);
        let mut keymap = keymap;
        assert_eq!(keymap.add(book_table(&[("ctrl-nope", Action::Quit)])).len(), 1);
    }

    #[test]
    fn a_pane_key_that_shadows_a_shared_key_is_a_conflict() {
        let keymap = Keymap::new([book_table(&[("j", Action::Search)])]);
        let conflicts = keymap.conflicts();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(
            conflicts[0].to_string(),
            "j is bound twice where [keys.book] applies: search in [keys.book] and down in [keys.list]"
        );
        let keymap = Keymap::new([Table::pane(
            "calendar",
            "Calendar",
            &[("j", Action::NextWeek)],
            &[SELECTION],
        )]);
        assert!(keymap.conflicts().is_empty(), "a pane without the list table owns j");
    }
}
