//! The chain editor's keys as data: one table for every mode (the editor's
//! state machine gives a key its meaning in the mode it is in), the
//! operation each action asks for, and what `?` adds about typing.

use super::state::EditorOp;
use crate::tui::action::Action;
use crate::tui::keymap::Table;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The chain editor's keymap scope.
pub const SCOPE: &str = "churn_editor";

/// The chain editor's keys. A plain character is typed (into the picker,
/// a note or a field); Backspace deletes one.
pub const KEYS: &[(&str, Action)] = &[
    ("enter", Action::Confirm),
    ("ctrl-f", Action::KeepFreeText),
    ("alt-enter", Action::KeepFreeText),
    ("up", Action::Up),
    ("down", Action::Down),
    ("alt-up", Action::MoveLinkUp),
    ("shift-up", Action::MoveLinkUp),
    ("alt-k", Action::MoveLinkUp),
    ("alt-down", Action::MoveLinkDown),
    ("shift-down", Action::MoveLinkDown),
    ("alt-j", Action::MoveLinkDown),
    ("ctrl-o", Action::InsertLinkBelow),
    ("insert", Action::InsertLinkBelow),
    ("alt-o", Action::InsertLinkAbove),
    ("ctrl-a", Action::AddLink),
    ("delete", Action::RemoveLink),
    ("ctrl-d", Action::RemoveLink),
    ("ctrl-e", Action::ChangeLink),
    ("ctrl-n", Action::EditNote),
    ("ctrl-t", Action::ToggleEvent),
    ("tab", Action::NextField),
    ("backtab", Action::PrevField),
    ("ctrl-u", Action::ClearText),
    ("ctrl-s", Action::Save),
    ("ctrl-x", Action::Discard),
    ("esc", Action::Cancel),
    ("ctrl-c", Action::Cancel),
];

/// The chain editor's table, for the keymap.
pub fn key_table() -> Table {
    Table { name: SCOPE, title: "Chain editor", keys: KEYS, with: Vec::new(), shared: false }
}

/// What `?` adds to the editor's keys: what typing does.
pub const EDITOR_NOTES: &[(&str, &str)] =
    &[("type", "pick a cause (ranked as you type)"), ("Enter, empty", "close the picker")];

/// The editor operation of a key's action in the editor's table, or of a
/// key no table binds (a plain character is typed); `None` for keys the
/// editor ignores.
pub fn op_for(key: KeyEvent, action: Option<Action>) -> Option<EditorOp> {
    Some(match action {
        Some(Action::Cancel) => EditorOp::Cancel,
        Some(Action::KeepFreeText) => EditorOp::ConfirmFreeText,
        Some(Action::Confirm) => EditorOp::Confirm,
        Some(Action::NextField) => EditorOp::FocusNext,
        Some(Action::PrevField) => EditorOp::FocusPrev,
        Some(Action::MoveLinkUp) => EditorOp::MoveUp,
        Some(Action::MoveLinkDown) => EditorOp::MoveDown,
        Some(Action::Up) => EditorOp::Up,
        Some(Action::Down) => EditorOp::Down,
        Some(Action::RemoveLink) => EditorOp::RemoveLink,
        Some(Action::InsertLinkBelow) => EditorOp::InsertBelow,
        Some(Action::InsertLinkAbove) => EditorOp::InsertAbove,
        Some(Action::Save) => EditorOp::Save,
        Some(Action::ClearText) => EditorOp::ClearText,
        Some(Action::EditNote) => EditorOp::EditNote,
        Some(Action::ToggleEvent) => EditorOp::ToggleEvent,
        Some(Action::ChangeLink) => EditorOp::ChangeLink,
        Some(Action::AddLink) => EditorOp::AddLink,
        Some(Action::Discard) => EditorOp::Discard,
        Some(_) => return None,
        None => {
            let plain = !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
            match key.code {
                KeyCode::Backspace => EditorOp::Backspace,
                KeyCode::Char(c) if plain => EditorOp::Type(c),
                _ => return None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{Key, Keymap};

    fn press(code: KeyCode, modifiers: KeyModifiers) -> Option<EditorOp> {
        let keymap = Keymap::new([key_table()]);
        let key = KeyEvent::new(code, modifiers);
        op_for(key, keymap.action(SCOPE, Key::from_event(key)))
    }

    #[test]
    fn keys_map_to_editor_operations() {
        assert_eq!(press(KeyCode::Char('s'), KeyModifiers::CONTROL), Some(EditorOp::Save));
        assert_eq!(press(KeyCode::Char('s'), KeyModifiers::NONE), Some(EditorOp::Type('s')));
        assert_eq!(press(KeyCode::Char('N'), KeyModifiers::SHIFT), Some(EditorOp::Type('N')));
        assert_eq!(press(KeyCode::Up, KeyModifiers::ALT), Some(EditorOp::MoveUp));
        assert_eq!(press(KeyCode::Up, KeyModifiers::NONE), Some(EditorOp::Up));
        assert_eq!(press(KeyCode::Enter, KeyModifiers::ALT), Some(EditorOp::ConfirmFreeText));
        assert_eq!(press(KeyCode::Delete, KeyModifiers::NONE), Some(EditorOp::RemoveLink));
        assert_eq!(press(KeyCode::F(5), KeyModifiers::NONE), None);
    }
}
