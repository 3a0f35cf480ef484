//! `[keys]` in `config.toml`, applied to the keymap: `[keys.SCOPE]` then
//! `action_name = "key"` or `= ["key", "key"]` replaces that action's
//! default keys in that scope (`[]` unbinds it). Every name is checked —
//! the scope, the action (one the scope binds), each key — and then the
//! whole keymap, so a key bound twice where it would apply is refused too.
//! The first problem is one error naming `config.toml:LINE:COLUMN`, and the
//! cockpit does not start, as for any other bad setting.

use super::{Binding, KEY_SYNTAX, Key, Keymap};
use crate::settings::{KeySettings, Place};
use crate::tui::action::Action;

/// A `[keys]` entry the cockpit cannot use, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct KeyError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Keymap {
    /// Applies the `[keys]` overrides, or says what is wrong with the first
    /// one that cannot be used (and the keymap is then not to be used).
    pub fn configure(&mut self, settings: &KeySettings) -> Result<(), KeyError> {
        let at = |place: Place, message: String| KeyError {
            file: settings.file.clone(),
            line: place.line,
            column: place.column,
            message,
        };
        for entry in &settings.entries {
            let Some(table) = self.table(&entry.scope.text) else {
                let names: Vec<&str> = self.tables.iter().map(|t| t.name).collect();
                return Err(at(
                    entry.scope.place,
                    format!(
                        "[keys.{}]: no such scope; the scopes are {}",
                        entry.scope.text,
                        names.join(", ")
                    ),
                ));
            };
            let scope = table.name;
            let mut actions: Vec<Action> = Vec::new();
            for (_, action) in table.keys {
                if !actions.contains(action) {
                    actions.push(*action);
                }
            }
            let Some(action) =
                Action::from_name(&entry.action.text).filter(|a| actions.contains(a))
            else {
                let names: Vec<String> = actions.iter().map(|a| a.name()).collect();
                return Err(at(
                    entry.action.place,
                    format!(
                        "[keys.{scope}]: no action `{}` here; its actions are {}",
                        entry.action.text,
                        names.join(", ")
                    ),
                ));
            };
            let mut keys = Vec::new();
            for written in &entry.keys {
                let key = Key::parse(&written.text).ok_or_else(|| {
                    at(
                        written.place,
                        format!(
                            "[keys.{scope}] {}: {:?} is not a key; write {KEY_SYNTAX}",
                            entry.action.text, written.text
                        ),
                    )
                })?;
                keys.push(Binding { scope, key, action, place: Some(written.place) });
            }
            self.bindings.retain(|b| !(b.scope == scope && b.action == action));
            self.bindings.extend(keys);
        }
        match self.conflicts().into_iter().next() {
            None => Ok(()),
            Some(conflict) => {
                // The user's binding is named (the later one when both are).
                let place = [conflict.first.place, conflict.second.place]
                    .into_iter()
                    .flatten()
                    .max_by_key(|p| (p.line, p.column))
                    .unwrap_or_default();
                Err(at(place, conflict.to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{PANE_LAYERS, Table};
    use super::*;
    use crate::settings::{KeyEntry, Written};

    fn keymap() -> Keymap {
        Keymap::new([
            Table::pane(
                "targets",
                "Targets",
                &[("O", Action::RecordOpportunity), ("+", Action::AdvanceOpportunity)],
                PANE_LAYERS,
            ),
            Table::pane("book", "Book", &[("/", Action::Search)], &[super::super::LIST]),
        ])
    }

    fn written(text: &str, line: usize, column: usize) -> Written {
        Written { text: text.to_string(), place: Place { line, column } }
    }

    fn settings(scope: &str, action: &str, keys: &[&str]) -> KeySettings {
        KeySettings {
            file: "config.toml".to_string(),
            entries: vec![KeyEntry {
                scope: written(scope, 1, 7),
                action: written(action, 2, 1),
                keys: keys.iter().enumerate().map(|(i, k)| written(k, 2, 20 + i * 5)).collect(),
            }],
        }
    }

    fn error(scope: &str, action: &str, keys: &[&str]) -> String {
        keymap().configure(&settings(scope, action, keys)).expect_err("refused").to_string()
    }

    #[test]
    fn an_override_replaces_the_defaults_of_that_action_only() {
        let mut targets = keymap();
        targets
            .configure(&settings("targets", "record_opportunity", &["p", "ctrl-o"]))
            .expect("ok");
        let key = |text| Key::parse(text).expect("key");
        assert_eq!(targets.action("targets", key("p")), Some(Action::RecordOpportunity));
        assert_eq!(targets.action("targets", key("ctrl-o")), Some(Action::RecordOpportunity));
        assert_eq!(targets.action("targets", key("O")), None, "the default is replaced");
        assert_eq!(targets.action("targets", key("+")), Some(Action::AdvanceOpportunity));
        let mut global = keymap();
        global.configure(&settings("global", "quit", &[])).expect("unbinding is allowed");
        assert_eq!(global.action("targets", key("q")), None);
    }

    #[test]
    fn each_bad_entry_is_one_error_with_its_place() {
        let message = error("targetz", "record_opportunity", &["p"]);
        assert!(message.starts_with("config.toml:1:7: [keys.targetz]: no such scope"), "{message}");
        assert!(
            message.contains("global, find, list, selection, popup, targets, book"),
            "{message}"
        );
        let message = error("targets", "open_opportunity", &["p"]);
        assert!(message.starts_with("config.toml:2:1: [keys.targets]: no action `open_opportunity` here; its actions are record_opportunity, advance_opportunity"), "{message}");
        let message = error("book", "record_opportunity", &["p"]);
        assert!(message.starts_with("config.toml:2:1: [keys.book]: no action"), "{message}");
        let message = error("targets", "record_opportunity", &["p", "ctrl-nope"]);
        assert!(message.starts_with("config.toml:2:25: [keys.targets] record_opportunity: \"ctrl-nope\" is not a key; write a character"), "{message}");
        let message = error("targets", "record_opportunity", &["o"]);
        assert_eq!(
            message,
            "config.toml:2:20: o is bound twice where [keys.targets] applies: record_opportunity in [keys.targets] and edit_owners in [keys.selection]"
        );
        let message = error("global", "search_book", &["/"]);
        assert!(message.starts_with("config.toml:2:20: / is bound twice"), "{message}");
    }
}
