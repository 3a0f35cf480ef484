//! The chain editor's keys as data: one table per mode, as a modal editor
//! keeps them: browsing the chain (and the save check, which hands every
//! other key back to browsing), picking a cause, and writing a link's note.
//! A user rebinds a key in one mode without touching the others
//! (`[keys.churn_editor_picking]`). Also the operation each action asks
//! for, and what `?` adds about typing.

use super::state::{EditorOp, Mode};
use crate::tui::action::Action;
use crate::tui::keymap::Table;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The chain editor's keymap scope while browsing the chain (and at the
/// save check).
pub const SCOPE: &str = "churn_editor";
/// The scope while the cause picker is open.
pub const PICKING: &str = "churn_editor_picking";
/// The scope while a link's note is written.
pub const NOTE: &str = "churn_editor_note";

/// The scope of the keys in `mode`.
pub fn scope_for(mode: &Mode) -> &'static str {
    match mode {
        Mode::Browse | Mode::AskDeeper => SCOPE,
        Mode::Picking { .. } => PICKING,
        Mode::Note { .. } => NOTE,
    }
}

/// The chain editor's keys while browsing. A plain character is typed
/// (into the focused field, or a new link's picker); Backspace deletes one.
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

/// The keys while writing a link's note: every other key is typed.
pub const NOTE_KEYS: &[(&str, Action)] = &[
    ("enter", Action::Confirm),
    ("ctrl-f", Action::Confirm),
    ("alt-enter", Action::Confirm),
    ("ctrl-u", Action::ClearText),
    ("ctrl-s", Action::Save),
    ("esc", Action::Cancel),
    ("ctrl-c", Action::Cancel),
];

/// The chain editor's tables, one per mode, for the keymap.
pub fn key_tables() -> [Table; 3] {
    let table = |name, title, keys| Table { name, title, keys, with: Vec::new(), shared: false };
    [
        table(SCOPE, "Chain editor", KEYS),
        // Picking binds the same keys as browsing, in a table of its own so a
        // key can be rebound for picking alone: Enter takes the highlighted
        // row, the arrows and Tab move the highlight, typed characters rank
        // the causes, and a link or field key closes the picker and acts.
        table(PICKING, "Chain editor · picking a cause", KEYS),
        table(NOTE, "Chain editor · writing a note", NOTE_KEYS),
    ]
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

    fn press_in(scope: &str, code: KeyCode, modifiers: KeyModifiers) -> Option<EditorOp> {
        let keymap = Keymap::new(key_tables());
        let key = KeyEvent::new(code, modifiers);
        op_for(key, keymap.action(scope, Key::from_event(key)))
    }

    fn press(code: KeyCode, modifiers: KeyModifiers) -> Option<EditorOp> {
        press_in(SCOPE, code, modifiers)
    }

    #[test]
    fn each_mode_reads_keys_from_its_own_table() {
        let none = KeyModifiers::NONE;
        // Tab moves the picker's highlight and the browsing focus alike; in a
        // note it is typed nowhere and does nothing.
        assert_eq!(press_in(PICKING, KeyCode::Tab, none), Some(EditorOp::FocusNext));
        assert_eq!(press_in(NOTE, KeyCode::Tab, none), None);
        // A link key closes the picker and acts; in a note it is ignored.
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(press_in(PICKING, KeyCode::Char('d'), ctrl), Some(EditorOp::RemoveLink));
        assert_eq!(press_in(NOTE, KeyCode::Char('d'), ctrl), None);
        assert_eq!(press_in(NOTE, KeyCode::Enter, none), Some(EditorOp::Confirm));
        assert_eq!(press_in(NOTE, KeyCode::Char('x'), none), Some(EditorOp::Type('x')));
        // Every mode has its scope.
        assert_eq!(scope_for(&Mode::Browse), SCOPE);
        assert_eq!(scope_for(&Mode::AskDeeper), SCOPE);
        assert_eq!(scope_for(&Mode::Note { index: 0, text: String::new() }), NOTE);
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
