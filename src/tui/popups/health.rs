//! The health popup: pick a colour (r o y g), then a one-line reason, which
//! is required. It may carry writes to apply after it (a Today row's
//! dismissal).

use super::{Outcome, PopupCx, PopupKind, typed};
use crate::domain::Health;
use crate::read::book::BookIndex;
use crate::tui::forms::Drawn;
use crate::tui::paste::{self, Lines};
use crate::tui::theme::Theme;
use crate::tui::write::Write;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};
use tui_input::Input;

/// Set the health; the reason is required.
#[derive(Debug, Clone)]
pub struct HealthPopup {
    pub account_id: String,
    pub name: String,
    pub health: Option<Health>,
    pub reason: Input,
    pub then: Vec<Write>,
    pub error: Option<String>,
}

impl HealthPopup {
    pub fn new(
        account_id: &str,
        name: &str,
        health: Option<Health>,
        reason: &str,
        then: Vec<Write>,
    ) -> HealthPopup {
        HealthPopup {
            account_id: account_id.to_string(),
            name: name.to_string(),
            health,
            reason: Input::new(reason.to_string()),
            then,
            error: None,
        }
    }
}

impl PopupKind for HealthPopup {
    fn key(&mut self, key: KeyEvent, _cx: &PopupCx<'_>) -> Outcome {
        let HealthPopup { account_id, health, reason, then, error, .. } = self;
        if health.is_none() {
            if let KeyCode::Char(c) = key.code {
                *health = Health::from_letter(c);
            }
            return Outcome::Stay;
        }
        match key.code {
            KeyCode::Tab | KeyCode::Up => {
                *health = health.map(|h| Health::ALL[(h.rank() as usize + 1) % 4]);
                Outcome::Stay
            }
            KeyCode::BackTab | KeyCode::Down => {
                *health = health.map(|h| Health::ALL[(h.rank() as usize + 3) % 4]);
                Outcome::Stay
            }
            KeyCode::Enter => {
                let text = reason.value().trim().to_string();
                match (*health, text.is_empty()) {
                    (Some(h), false) => {
                        let mut writes = vec![Write::Health {
                            account_id: account_id.clone(),
                            health: h,
                            reason: text,
                        }];
                        writes.append(then);
                        Outcome::Submit(writes)
                    }
                    _ => {
                        *error = Some("a reason is required".to_string());
                        Outcome::Stay
                    }
                }
            }
            _ => {
                typed(reason, key);
                Outcome::Stay
            }
        }
    }

    fn paste(&mut self, text: &str, _book: &BookIndex) -> Result<(), String> {
        match self {
            HealthPopup { health: None, .. } => {
                Err("nothing pasted: pick a colour first (r o y g), then paste the reason".into())
            }
            HealthPopup { reason, .. } => paste::paste(reason, text, Lines::One),
        }
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex) -> Drawn<'_> {
        let HealthPopup { name, health, reason, error, .. } = self;
        let mut lines = vec![Line::from(vec![
            Span::raw("Account: "),
            Span::styled(name.clone(), theme.title()),
        ])];
        match health {
            None => lines.push(Line::from("Pick a colour: r red · o orange · y yellow · g green")),
            Some(_) => lines.push(Line::from(vec![
                Span::raw("Health:  "),
                theme.health_word(*health),
                Span::styled("   Tab/↑↓ change", theme.dim()),
            ])),
        }
        lines.push(Line::from(format!("Reason:  {}", paste::shown(reason, 64, 9))));
        lines.push(Line::from(""));
        lines.push(match error {
            Some(e) => Line::from(Span::styled(e.clone(), theme.error())),
            None => Line::from(Span::styled(
                "Enter save · Esc cancel · the reason is required",
                theme.dim(),
            )),
        });
        let cursor = health.map(|_| (9, 2, 9, reason));
        ("Set health".to_string(), lines, (64, 7), cursor)
    }
}
