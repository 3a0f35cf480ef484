//! Keys are data. The defaults live here (global and list keys) and in each
//! pane (`Pane::keys`); the keymap turns a key into an [`Action`] for the
//! focused pane, and the reverse map (action → keys) generates the `?` help
//! and the footer hints, so the help can never drift from the real keys.

use crate::tui::action::Action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key with its modifiers, comparable and printable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    /// Reads a key written as `j`, `G`, `ctrl-k`, `enter`, `esc`, `tab`,
    /// `backtab`, `up`, `down`, `pgup`, `pgdn`, `home`, `end`, `space`.
    pub fn parse(text: &str) -> Option<Key> {
        let (modifiers, name) = match text.strip_prefix("ctrl-") {
            Some(rest) => (KeyModifiers::CONTROL, rest),
            None => (KeyModifiers::NONE, text),
        };
        let code = match name {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" => KeyCode::PageUp,
            "pgdn" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "space" => KeyCode::Char(' '),
            single if single.chars().count() == 1 => KeyCode::Char(single.chars().next()?),
            _ => return None,
        };
        Some(Key { code, modifiers })
    }

    /// Normalises a terminal key event (shift is carried by the character).
    pub fn from_event(event: KeyEvent) -> Key {
        let modifiers = event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        Key { code: event.code, modifiers }
    }

    /// How the key is shown in help: `ctrl-k`, `G`, `PgDn`.
    pub fn label(self) -> String {
        let name = match self.code {
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "S-Tab".to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        };
        if self.modifiers.contains(KeyModifiers::CONTROL) { format!("Ctrl-{name}") } else { name }
    }
}

/// Where a binding applies: everywhere, in every list, or in one pane.
pub const GLOBAL: &str = "global";
/// Movement keys shared by every pane that shows a list.
pub const LIST: &str = "list";

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
    ("/", Action::SearchBook),
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

/// The scope of the keys that act on the selected account, in every pane.
pub const SELECTION: &str = "selection";

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

/// One binding: in `scope`, `key` means `action`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub scope: &'static str,
    pub key: Key,
    pub action: Action,
}

/// Every binding, looked up pane first, then list, then global.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Keymap {
    /// The defaults: global and list keys, plus each pane's own.
    pub fn new<'a>(
        panes: impl IntoIterator<Item = (&'static str, &'a [(&'static str, Action)])>,
    ) -> Keymap {
        let mut keymap = Keymap::default();
        keymap.add(GLOBAL, GLOBAL_KEYS);
        keymap.add(LIST, LIST_KEYS);
        keymap.add(SELECTION, ACCOUNT_KEYS);
        for (scope, keys) in panes {
            keymap.add(scope, keys);
        }
        keymap
    }

    /// Adds bindings; a key that does not parse is skipped and returned.
    pub fn add(&mut self, scope: &'static str, keys: &[(&str, Action)]) -> Vec<String> {
        let mut bad = Vec::new();
        for (text, action) in keys {
            match Key::parse(text) {
                Some(key) => self.bindings.push(Binding { scope, key, action: *action }),
                None => bad.push(format!("{scope}: {text:?} is not a key")),
            }
        }
        bad
    }

    /// The action of `key` in the pane `scope` (which also sees list and global keys).
    pub fn action(&self, scope: &str, key: Key) -> Option<Action> {
        [scope, SELECTION, LIST, GLOBAL].iter().find_map(|s| {
            self.bindings.iter().find(|b| b.scope == *s && b.key == key).map(|b| b.action)
        })
    }

    /// The keys bound to `action` in `scope`, for help and hints.
    pub fn keys_for(&self, scope: &str, action: Action) -> Vec<Key> {
        self.bindings
            .iter()
            .filter(|b| b.scope == scope && b.action == action)
            .map(|b| b.key)
            .collect()
    }

    /// The help of one scope: each action once, with all its keys.
    pub fn help(&self, scope: &str) -> Vec<(String, &'static str)> {
        let mut lines: Vec<(Action, Vec<String>)> = Vec::new();
        for binding in self.bindings.iter().filter(|b| b.scope == scope) {
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
                let keys = if action == Action::GoToPane(0) {
                    format!(
                        "{}…{}",
                        keys.first().cloned().unwrap_or_default(),
                        keys.last().cloned().unwrap_or_default()
                    )
                } else {
                    keys.join(" ")
                };
                (keys, action.describe())
            })
            .collect()
    }

    /// `key action` pairs for the footer, first key of each action.
    pub fn hints(&self, scope: &str, actions: &[Action]) -> Vec<(String, &'static str)> {
        actions
            .iter()
            .filter_map(|action| {
                [scope, SELECTION, LIST, GLOBAL]
                    .iter()
                    .find_map(|s| self.keys_for(s, *action).first().copied())
                    .map(|key| (key.label(), action.hint()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_resolve_pane_first_and_help_comes_from_the_same_data() {
        let keymap = Keymap::new([("book", &[("s", Action::SortNext), ("j", Action::Search)][..])]);
        let j = Key::parse("j").expect("j");
        assert_eq!(keymap.action("book", j), Some(Action::Search));
        assert_eq!(keymap.action("today", j), Some(Action::Down));
        let ctrl_k = Key::parse("ctrl-k").expect("ctrl-k");
        assert_eq!(keymap.action("today", ctrl_k), Some(Action::Jump));
        assert_eq!(ctrl_k.label(), "Ctrl-k");
        let help = keymap.help(LIST);
        assert!(help.contains(&("j ↓".to_string(), "down")));
        assert!(keymap.help(GLOBAL).contains(&("1…9".to_string(), "go to pane")));
        assert_eq!(keymap.hints("book", &[Action::SortNext]), vec![("s".into(), "sort")]);
        let mut keymap = keymap;
        assert_eq!(keymap.add("book", &[("ctrl-nope", Action::Quit)]).len(), 1);
    }
}
