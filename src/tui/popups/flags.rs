//! The value-flags popup: toggle reference, advocate and design partner.

use super::{Outcome, PopupCx, PopupKind};
use crate::domain::Flags;
use crate::read::book::BookIndex;
use crate::tui::action::Action;
use crate::tui::forms::Drawn;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use crate::tui::write::Write;
use ratatui::crossterm::event::KeyEvent;
use ratatui::text::{Line, Span};

/// Toggle the value flags.
/// The flags popup's keymap scope.
pub const SCOPE: &str = "flags";

/// Its keys.
pub const KEYS: &[(&str, Action)] = &[
    ("down", Action::Down),
    ("j", Action::Down),
    ("tab", Action::Down),
    ("up", Action::Up),
    ("k", Action::Up),
    ("backtab", Action::Up),
    ("space", Action::Toggle),
    ("x", Action::Toggle),
    ("enter", Action::Save),
];

#[derive(Debug, Clone)]
pub struct FlagsPopup {
    pub account_id: String,
    pub name: String,
    pub flags: Flags,
    pub selected: usize,
}

impl FlagsPopup {
    pub fn new(account_id: &str, name: &str, flags: Flags) -> FlagsPopup {
        FlagsPopup {
            account_id: account_id.to_string(),
            name: name.to_string(),
            flags,
            selected: 0,
        }
    }
}

impl PopupKind for FlagsPopup {
    fn scope(&self) -> &'static str {
        SCOPE
    }

    fn key(&mut self, _key: KeyEvent, action: Option<Action>, _cx: &PopupCx<'_>) -> Outcome {
        let FlagsPopup { account_id, flags, selected, .. } = self;
        match action {
            Some(Action::Down) => {
                *selected = (*selected + 1) % 3;
                Outcome::Stay
            }
            Some(Action::Up) => {
                *selected = (*selected + 2) % 3;
                Outcome::Stay
            }
            Some(Action::Toggle) => {
                match selected {
                    0 => flags.reference = !flags.reference,
                    1 => flags.advocate = !flags.advocate,
                    _ => flags.design_partner = !flags.design_partner,
                }
                Outcome::Stay
            }
            Some(Action::Save) => Outcome::Submit(vec![Write::Flags {
                account_id: account_id.clone(),
                flags: *flags,
            }]),
            _ => Outcome::Stay,
        }
    }

    fn takes_text(&self) -> bool {
        false
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex, keymap: &Keymap) -> Drawn<'_> {
        let FlagsPopup { name, flags, selected, .. } = self;
        let items = [
            ("reference", flags.reference),
            ("advocate", flags.advocate),
            ("design partner", flags.design_partner),
        ];
        let mut lines = vec![Line::from(vec![
            Span::raw("Account: "),
            Span::styled(name.clone(), theme.title()),
        ])];
        for (i, (label, on)) in items.iter().enumerate() {
            let style =
                if i == *selected { theme.selected() } else { ratatui::style::Style::new() };
            lines.push(Line::from(Span::styled(
                format!("[{}] {label}", if *on { 'x' } else { ' ' }),
                style,
            )));
        }
        lines.push(Line::from(Span::styled(
            keymap.footer(
                SCOPE,
                &[(Action::Toggle, "toggle"), (Action::Save, "save"), (Action::Cancel, "cancel")],
            ),
            theme.dim(),
        )));
        ("Value flags".to_string(), lines, (48, 7), None)
    }
}
