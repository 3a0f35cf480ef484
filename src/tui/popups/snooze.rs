//! The snooze popup: hide a Today row until a date after today, typed as
//! `YYYY-MM-DD`, `+7d` or `fri` (the day it means is echoed beside it).

use super::{Outcome, PopupCx, PopupKind, typed_over};
use crate::read::book::BookIndex;
use crate::tui::action::Action;
use crate::tui::forms::Drawn;
use crate::tui::keymap::Keymap;
use crate::tui::paste::{self, Lines};
use crate::tui::theme::Theme;
use crate::tui::write::Write;
use chrono::NaiveDate;
use ratatui::crossterm::event::KeyEvent;
use ratatui::text::{Line, Span};
use tui_input::Input;

/// The snooze popup's keymap scope.
pub const SCOPE: &str = "snooze";

/// Its keys; any other key types the date.
pub const KEYS: &[(&str, Action)] = &[("enter", Action::Save)];

/// Snooze a Today row until a date.
#[derive(Debug, Clone)]
pub struct SnoozePopup {
    pub account_id: String,
    pub name: String,
    pub key: String,
    pub what: String,
    pub until: Input,
    /// The prefilled date is selected: the first character typed (or a
    /// paste, or Backspace) replaces it; an arrow, Home or End keeps it
    /// for editing.
    pub selected: bool,
    pub error: Option<String>,
    /// The day `+7d` or `fri` counts from.
    pub today: NaiveDate,
    /// More (account, reason key) pairs snoozed to the same day (a Today
    /// row's other reasons, or the rows marked for a bulk snooze).
    pub also: Vec<(String, String)>,
}

impl SnoozePopup {
    pub fn new(
        account_id: &str,
        name: &str,
        key: &str,
        what: &str,
        today: NaiveDate,
    ) -> SnoozePopup {
        let default = today + chrono::Days::new(7);
        SnoozePopup {
            account_id: account_id.to_string(),
            name: name.to_string(),
            key: key.to_string(),
            what: what.to_string(),
            until: Input::new(default.to_string()),
            selected: true,
            error: None,
            today,
            also: Vec::new(),
        }
    }
}

impl PopupKind for SnoozePopup {
    /// `cx.today` validates the date.
    fn scope(&self) -> &'static str {
        SCOPE
    }

    fn key(&mut self, key: KeyEvent, action: Option<Action>, cx: &PopupCx<'_>) -> Outcome {
        let today = cx.today;
        let SnoozePopup { account_id, key: reason_key, until, selected, error, also, .. } = self;
        match action {
            Some(Action::Save) => match crate::domain::day_text::parse(until.value(), today) {
                Ok(date) if date > today => Outcome::Submit(
                    std::iter::once((account_id.clone(), reason_key.clone()))
                        .chain(also.iter().cloned())
                        .map(|(account_id, key)| Write::Snooze { account_id, key, until: date })
                        .collect(),
                ),
                Ok(_) => {
                    *error = Some("pick a date after today".to_string());
                    Outcome::Stay
                }
                Err(why) => {
                    *error = Some(why.to_string());
                    Outcome::Stay
                }
            },
            _ => {
                typed_over(until, selected, key);
                Outcome::Stay
            }
        }
    }

    fn paste(&mut self, text: &str, _book: &BookIndex) -> Result<(), String> {
        if std::mem::take(&mut self.selected) {
            self.until = Input::default();
        }
        paste::paste(&mut self.until, text, Lines::One)
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex, keymap: &Keymap) -> Drawn<'_> {
        let SnoozePopup { name, what, until, selected, error, today, .. } = self;
        let shown = paste::shown(until, 60, 9);
        let mut until_line = Line::from(vec![
            Span::raw("Until:   "),
            if *selected { Span::styled(shown, theme.selected()) } else { Span::raw(shown) },
        ]);
        if let Some(echo) = crate::domain::day_text::echo(until.value(), *today) {
            until_line.spans.push(Span::styled(format!("  {echo}"), theme.dim()));
        }
        let lines = vec![
            Line::from(vec![Span::raw("Account: "), Span::styled(name.clone(), theme.title())]),
            Line::from(format!("Row:     {what}")),
            until_line,
            Line::from(""),
            match error {
                Some(e) => Line::from(Span::styled(e.clone(), theme.error())),
                None => Line::from(Span::styled(
                    format!(
                        "YYYY-MM-DD, +7d, fri · {}",
                        keymap
                            .footer(SCOPE, &[(Action::Save, "snooze"), (Action::Cancel, "cancel")])
                    ),
                    theme.dim(),
                )),
            },
        ];
        ("Snooze".to_string(), lines, (60, 7), Some((9, 2, 9, until)))
    }
}
