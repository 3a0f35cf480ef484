//! The value-flags popup: toggle reference, advocate and design partner.

use super::{Outcome, PopupCx, PopupKind};
use crate::domain::Flags;
use crate::read::book::BookIndex;
use crate::tui::forms::Drawn;
use crate::tui::theme::Theme;
use crate::tui::write::Write;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};

/// Toggle the value flags.
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
    fn key(&mut self, key: KeyEvent, _cx: &PopupCx<'_>) -> Outcome {
        let FlagsPopup { account_id, flags, selected, .. } = self;
        match key.code {
            KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                *selected = (*selected + 1) % 3;
                Outcome::Stay
            }
            KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
                *selected = (*selected + 2) % 3;
                Outcome::Stay
            }
            KeyCode::Char(' ') | KeyCode::Char('x') => {
                match selected {
                    0 => flags.reference = !flags.reference,
                    1 => flags.advocate = !flags.advocate,
                    _ => flags.design_partner = !flags.design_partner,
                }
                Outcome::Stay
            }
            KeyCode::Enter => Outcome::Submit(vec![Write::Flags {
                account_id: account_id.clone(),
                flags: *flags,
            }]),
            _ => Outcome::Stay,
        }
    }

    fn takes_text(&self) -> bool {
        false
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex) -> Drawn<'_> {
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
        lines.push(Line::from(Span::styled("Space toggle · Enter save · Esc cancel", theme.dim())));
        ("Value flags".to_string(), lines, (48, 7), None)
    }
}
