//! One key as the keymap knows it: read from its written form (`ctrl-k`,
//! `shift-up`, `O`), made from a terminal event the same way, and shown in
//! help and footers (`Ctrl-K`, `PgDn`).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key with its modifiers, comparable and printable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

/// How keys are written in the defaults and in `[keys]`, for error messages.
pub const KEY_SYNTAX: &str = "a character (`o`, `O`, `?`), one of enter, esc, tab, backtab, \
     backspace, delete, insert, up, down, left, right, pgup, pgdn, home, end, space, f1…f12, \
     optionally after ctrl-, alt- or (not for a character) shift- (`ctrl-k`, `shift-up`)";

impl Key {
    /// Reads a key written as `j`, `G`, `ctrl-k`, `alt-enter`, `enter`,
    /// `esc`, `tab`, `backtab`, `up`, `down`, `pgup`, `pgdn`, `home`, `end`,
    /// `space`, `f5` (see [`KEY_SYNTAX`]).
    pub fn parse(text: &str) -> Option<Key> {
        let mut modifiers = KeyModifiers::NONE;
        let mut name = text;
        let prefix = |name: &str, prefix: &str| {
            name.len() > prefix.len()
                && name.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        };
        loop {
            if prefix(name, "ctrl-") {
                modifiers |= KeyModifiers::CONTROL;
                name = &name[5..];
            } else if prefix(name, "alt-") {
                modifiers |= KeyModifiers::ALT;
                name = &name[4..];
            } else if prefix(name, "shift-") {
                modifiers |= KeyModifiers::SHIFT;
                name = &name[6..];
            } else {
                break;
            }
        }
        let code = match name.to_ascii_lowercase().as_str() {
            _ if name.chars().count() == 1 => KeyCode::Char(name.chars().next()?),
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" => KeyCode::Insert,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" => KeyCode::PageUp,
            "pgdn" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "space" => KeyCode::Char(' '),
            function => match function.strip_prefix('f').map(str::parse::<u8>) {
                Some(Ok(n @ 1..=12)) => KeyCode::F(n),
                _ => return None,
            },
        };
        // Shift is carried by a character itself (`O`, `?`).
        if matches!(code, KeyCode::Char(_)) && modifiers.contains(KeyModifiers::SHIFT) {
            return None;
        }
        Some(Key::normal(code, modifiers))
    }

    /// Normalises a terminal key event: shift is carried by a character
    /// (and by Shift-Tab), kept for the other keys (`shift-up`).
    pub fn from_event(event: KeyEvent) -> Key {
        let mut kept = KeyModifiers::CONTROL | KeyModifiers::ALT;
        if !matches!(event.code, KeyCode::Char(_) | KeyCode::BackTab) {
            kept |= KeyModifiers::SHIFT;
        }
        Key::normal(event.code, event.modifiers & kept)
    }

    /// `ctrl-K` is `ctrl-k`: terminals cannot tell them apart.
    fn normal(code: KeyCode, modifiers: KeyModifiers) -> Key {
        let code = match code {
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        Key { code, modifiers }
    }

    /// How the key is shown in help: `Ctrl-k`, `G`, `PgDn`.
    pub fn label(self) -> String {
        let name = match self.code {
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "S-Tab".to_string(),
            KeyCode::Backspace => "Backspace".to_string(),
            KeyCode::Delete => "Del".to_string(),
            KeyCode::Insert => "Insert".to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(' ') => "Space".to_string(),
            // A control letter reads as it is written on the key: Ctrl-K.
            KeyCode::Char(c) if self.modifiers.contains(KeyModifiers::CONTROL) => {
                c.to_ascii_uppercase().to_string()
            }
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        };
        let name = if self.modifiers.contains(KeyModifiers::SHIFT) {
            format!("Shift-{name}")
        } else {
            name
        };
        let name =
            if self.modifiers.contains(KeyModifiers::ALT) { format!("Alt-{name}") } else { name };
        if self.modifiers.contains(KeyModifiers::CONTROL) { format!("Ctrl-{name}") } else { name }
    }

    /// The shortest form, for the tab bar: `^K` for `Ctrl-k`.
    pub fn short_label(self) -> String {
        match self.code {
            KeyCode::Char(c) if self.modifiers == KeyModifiers::CONTROL => {
                format!("^{}", c.to_ascii_uppercase())
            }
            _ => self.label(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_with_modifiers_and_named_keys() {
        use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let key = |text| Key::parse(text).map(Key::label);
        assert_eq!(key("alt-enter").as_deref(), Some("Alt-Enter"));
        assert_eq!(key("ctrl-alt-x").as_deref(), Some("Ctrl-Alt-X"));
        assert_eq!(key("Ctrl-K").as_deref(), Some("Ctrl-K"));
        assert_eq!(Key::parse("ctrl-K"), Key::parse("ctrl-k"));
        assert_eq!(key("shift-up").as_deref(), Some("Shift-↑"));
        assert_eq!(key("shift-a"), None, "a shifted letter is written as itself: A");
        let shift_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(Some(Key::from_event(shift_tab)), Key::parse("backtab"));
        let shift_up = KeyEvent::new(KeyCode::Up, KeyModifiers::SHIFT);
        assert_eq!(Some(Key::from_event(shift_up)), Key::parse("shift-up"));
        assert_eq!(key("f5").as_deref(), Some("F5"));
        assert_eq!(key("delete").as_deref(), Some("Del"));
        assert_eq!(key("O").as_deref(), Some("O"));
        assert_eq!(key("ctrl-"), None);
        assert_eq!(key("f13"), None);
        assert_eq!(key("hyper-k"), None);
        assert_eq!(key(""), None);
    }
}
