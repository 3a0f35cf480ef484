//! The playbook picker: start one of the playbooks of `config.toml` on an
//! account by hand. Each playbook is listed with its trigger; the selected
//! one's steps are shown with the dates they would fall on from today (a
//! renewal playbook counts from the account's next renewal).

use super::{Outcome, PopupCx, PopupKind};
use crate::domain::playbook::Playbook;
use crate::read::book::BookIndex;
use crate::tui::action::Action;
use crate::tui::forms::Drawn;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use crate::tui::widgets::{fit, pad};
use crate::tui::write::{TaskWrite, Write};
use chrono::NaiveDate;
use ratatui::crossterm::event::KeyEvent;
use ratatui::text::{Line, Span};

/// The picker's keymap scope.
pub const SCOPE: &str = "playbook";

/// Its keys.
pub const KEYS: &[(&str, Action)] = &[
    ("down", Action::Down),
    ("j", Action::Down),
    ("up", Action::Up),
    ("k", Action::Up),
    ("enter", Action::Save),
];

/// The popup's width in cells.
const WIDTH: u16 = 72;

/// Start a playbook on an account.
#[derive(Debug, Clone)]
pub struct PlaybookPopup {
    pub account_id: String,
    pub name: String,
    pub playbooks: Vec<Playbook>,
    pub selected: usize,
    /// The day it would start, and the account's next renewal.
    pub today: NaiveDate,
    pub renewal: Option<NaiveDate>,
}

impl PlaybookPopup {
    pub fn new(
        account_id: &str,
        name: &str,
        playbooks: Vec<Playbook>,
        today: NaiveDate,
        renewal: Option<NaiveDate>,
    ) -> PlaybookPopup {
        PlaybookPopup {
            account_id: account_id.to_string(),
            name: name.to_string(),
            playbooks,
            selected: 0,
            today,
            renewal,
        }
    }
}

impl PopupKind for PlaybookPopup {
    fn scope(&self) -> &'static str {
        SCOPE
    }

    fn key(&mut self, _key: KeyEvent, action: Option<Action>, _cx: &PopupCx<'_>) -> Outcome {
        let last = self.playbooks.len().saturating_sub(1);
        match action {
            Some(Action::Down) => self.selected = (self.selected + 1).min(last),
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Save) => {
                return match self.playbooks.get(self.selected) {
                    Some(playbook) => Outcome::Submit(vec![Write::Task {
                        account_id: self.account_id.clone(),
                        write: TaskWrite::Playbook(playbook.key.clone()),
                    }]),
                    None => Outcome::Close,
                };
            }
            _ => {}
        }
        Outcome::Stay
    }

    fn takes_text(&self) -> bool {
        false
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex, keymap: &Keymap) -> Drawn<'_> {
        let inner = usize::from(WIDTH - 2);
        let mut lines = vec![Line::from(vec![
            Span::styled("Account  ", theme.dim()),
            Span::styled(fit(&self.name, inner - 9), theme.title()),
        ])];
        lines.push(Line::from(""));
        if self.playbooks.is_empty() {
            lines.push(Line::from(Span::styled(
                "No playbooks: add one under [playbooks] in config.toml.",
                theme.dim(),
            )));
        }
        for (at, playbook) in self.playbooks.iter().enumerate() {
            let trigger = playbook.trigger.describe(playbook.window_days);
            let name_width = inner.saturating_sub(trigger.chars().count() + 4).min(34);
            let line = Line::from(vec![
                Span::raw(if at == self.selected { " ▸ " } else { "   " }),
                Span::raw(pad(&fit(&playbook.name, name_width), name_width, false)),
                Span::styled(format!(" {trigger}"), theme.dim()),
            ]);
            lines.push(if at == self.selected { theme.select(line) } else { line });
        }
        if let Some(playbook) = self.playbooks.get(self.selected) {
            lines.push(Line::from(""));
            let anchor = playbook.anchor(self.today, self.renewal);
            let from = match (playbook.trigger, self.renewal) {
                (crate::domain::playbook::Trigger::RenewalWindow, Some(day)) => {
                    format!("Steps, from the renewal on {day}")
                }
                _ => format!("Steps, from today {}", self.today),
            };
            lines.push(Line::from(Span::styled(from, theme.header())));
            for ((title, due), step) in
                playbook.schedule(self.today, anchor).into_iter().zip(&playbook.steps)
            {
                let offset = step.due.to_string();
                let title_width = inner.saturating_sub(offset.chars().count() + 18);
                lines.push(Line::from(vec![
                    Span::raw(format!(
                        "   {} ",
                        pad(&fit(&title, title_width), title_width, false)
                    )),
                    Span::styled(format!("{offset:>w$} ", w = offset.chars().count()), theme.dim()),
                    Span::raw(format!("→ {due}")),
                ]));
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            keymap.footer(
                SCOPE,
                &[(Action::Down, "next"), (Action::Save, "start"), (Action::Cancel, "cancel")],
            ),
            theme.dim(),
        )));
        let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        ("Start a playbook".to_string(), lines, (WIDTH, height), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::playbook::Playbooks;
    use crate::tui::popups::{Popup, key_tables};
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    #[test]
    fn the_picker_moves_and_starts_the_selected_playbook() {
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("d");
        let keymap = Keymap::new(key_tables());
        let book = BookIndex::default();
        let mut popup = Popup::Playbook(Box::new(PlaybookPopup::new(
            "A1",
            "Acme",
            Playbooks::default().0,
            today,
            None,
        )));
        let mut press =
            |code| popup.key(KeyEvent::new(code, KeyModifiers::NONE), &keymap, &book, today);
        assert!(matches!(press(KeyCode::Char('j')), Outcome::Stay));
        assert!(matches!(press(KeyCode::Char('j')), Outcome::Stay));
        match press(KeyCode::Enter) {
            Outcome::Submit(writes) => assert_eq!(
                writes,
                vec![Write::Task {
                    account_id: "A1".into(),
                    write: TaskWrite::Playbook("sponsor_change".into())
                }]
            ),
            other => panic!("{other:?}"),
        }
        assert!(matches!(press(KeyCode::Esc), Outcome::Close));
    }
}
