//! The snoozed list: what is hidden from Today and until when; Enter brings
//! the selected row back (the snooze is lifted, and `u` puts it back).

use super::{Outcome, PopupCx, PopupKind};
use crate::read::book::BookIndex;
use crate::tui::action::Action;
use crate::tui::forms::Drawn;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use crate::tui::widgets::{fit, pad};
use crate::tui::write::Write;
use chrono::NaiveDate;
use ratatui::crossterm::event::KeyEvent;
use ratatui::text::{Line, Span};

/// The snoozed list's keymap scope.
pub const SCOPE: &str = "snoozed";

/// Its keys.
pub const KEYS: &[(&str, Action)] = &[
    ("j", Action::Down),
    ("down", Action::Down),
    ("k", Action::Up),
    ("up", Action::Up),
    ("enter", Action::Unsnooze),
    ("b", Action::Unsnooze),
];

/// How many rows the list shows at once.
const SHOWN: usize = 12;

/// One snoozed reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnoozedRow {
    pub account_id: String,
    pub name: String,
    pub key: String,
    /// The kind of reason, in Today's words.
    pub kind: &'static str,
    pub until: NaiveDate,
}

/// The snoozed rows and the selection.
#[derive(Debug, Clone)]
pub struct SnoozedPopup {
    pub rows: Vec<SnoozedRow>,
    pub selected: usize,
}

impl PopupKind for SnoozedPopup {
    fn scope(&self) -> &'static str {
        SCOPE
    }

    fn key(&mut self, _key: KeyEvent, action: Option<Action>, _cx: &PopupCx<'_>) -> Outcome {
        let len = self.rows.len();
        match action {
            Some(Action::Down) if self.selected + 1 < len => self.selected += 1,
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Unsnooze) => {
                let Some(row) = self.rows.get(self.selected) else { return Outcome::Stay };
                return Outcome::Submit(vec![Write::Unsnooze {
                    account_id: row.account_id.clone(),
                    key: row.key.clone(),
                }]);
            }
            _ => {}
        }
        Outcome::Stay
    }

    fn takes_text(&self) -> bool {
        false
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex, keymap: &Keymap) -> Drawn<'_> {
        let width = 66usize;
        let mut lines = Vec::new();
        if self.rows.is_empty() {
            lines.push(Line::from("Nothing is snoozed."));
        }
        let first = self.selected.saturating_sub(SHOWN - 1);
        for (index, row) in self.rows.iter().enumerate().skip(first).take(SHOWN) {
            let text = format!(
                "{} {} until {}",
                pad(&row.name, 30, false),
                pad(row.kind, 15, false),
                row.until
            );
            let line = Line::from(fit(&text, width));
            lines.push(match index == self.selected {
                true => theme.select(line),
                false => line,
            });
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            keymap.footer(SCOPE, &[(Action::Unsnooze, "bring back"), (Action::Cancel, "close")]),
            theme.dim(),
        )));
        let height = u16::try_from(lines.len() + 2).unwrap_or(16);
        let title = format!("Snoozed ({})", self.rows.len());
        (title, lines, (u16::try_from(width + 4).unwrap_or(70), height), None)
    }
}
