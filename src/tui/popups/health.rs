//! The health popup: pick a colour (r o y g), then a one-line reason, which
//! is required. It may carry writes to apply after it (a Today row's
//! dismissal).

use super::{Outcome, PopupCx, PopupKind, typed};
use crate::domain::Health;
use crate::read::book::BookIndex;
use crate::tui::action::Action;
use crate::tui::forms::Drawn;
use crate::tui::keymap::Keymap;
use crate::tui::paste::{self, Lines};
use crate::tui::theme::Theme;
use crate::tui::write::Write;
use ratatui::crossterm::event::KeyEvent;
use ratatui::text::{Line, Span};
use tui_input::Input;

/// The scope while no colour is picked: a letter picks one.
pub const PICK_SCOPE: &str = "health_pick";

/// The colour keys.
pub const PICK_KEYS: &[(&str, Action)] = &[
    ("r", Action::PickRed),
    ("o", Action::PickOrange),
    ("y", Action::PickYellow),
    ("g", Action::PickGreen),
    ("R", Action::PickRed),
    ("O", Action::PickOrange),
    ("Y", Action::PickYellow),
    ("G", Action::PickGreen),
];

/// The scope once a colour is picked: any other key types the reason.
pub const SCOPE: &str = "health";

/// The keys beside the reason.
pub const KEYS: &[(&str, Action)] = &[
    ("tab", Action::NextChoice),
    ("up", Action::NextChoice),
    ("backtab", Action::PrevChoice),
    ("down", Action::PrevChoice),
    ("enter", Action::Save),
];

/// Set the health; the reason is required.
#[derive(Debug, Clone)]
pub struct HealthPopup {
    pub account_id: String,
    pub name: String,
    pub health: Option<Health>,
    pub reason: Input,
    pub then: Vec<Write>,
    pub error: Option<String>,
    /// More accounts given the same colour and reason (a bulk action).
    pub also: Vec<String>,
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
            // A prefilled reason opens at its start, so what will be saved
            // is read from its first word (End goes to its end).
            reason: Input::new(reason.to_string()).with_cursor(0),
            then,
            also: Vec::new(),
            error: None,
        }
    }
}

impl PopupKind for HealthPopup {
    fn scope(&self) -> &'static str {
        if self.health.is_none() { PICK_SCOPE } else { SCOPE }
    }

    fn key(&mut self, key: KeyEvent, action: Option<Action>, _cx: &PopupCx<'_>) -> Outcome {
        let HealthPopup { account_id, health, reason, then, error, also, .. } = self;
        if health.is_none() {
            *health = match action {
                Some(Action::PickRed) => Some(Health::Red),
                Some(Action::PickOrange) => Some(Health::Orange),
                Some(Action::PickYellow) => Some(Health::Yellow),
                Some(Action::PickGreen) => Some(Health::Green),
                _ => None,
            };
            return Outcome::Stay;
        }
        match action {
            Some(Action::NextChoice) => {
                *health = health.map(|h| Health::ALL[(h.rank() as usize + 1) % 4]);
                Outcome::Stay
            }
            Some(Action::PrevChoice) => {
                *health = health.map(|h| Health::ALL[(h.rank() as usize + 3) % 4]);
                Outcome::Stay
            }
            Some(Action::Save) => {
                let text = reason.value().trim().to_string();
                match (*health, text.is_empty()) {
                    (Some(h), false) => {
                        let mut writes: Vec<Write> = std::iter::once(account_id.clone())
                            .chain(also.iter().cloned())
                            .map(|account_id| Write::Health {
                                account_id,
                                health: h,
                                reason: text.clone(),
                            })
                            .collect();
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
                Err("nothing pasted: pick a colour first, then paste the reason".into())
            }
            HealthPopup { reason, .. } => paste::paste(reason, text, Lines::One),
        }
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex, keymap: &Keymap) -> Drawn<'_> {
        let HealthPopup { name, health, reason, error, .. } = self;
        let mut lines = vec![Line::from(vec![
            Span::raw("Account: "),
            Span::styled(name.clone(), theme.title()),
        ])];
        match health {
            None => lines.push(Line::from(format!(
                "Pick a colour: {}",
                keymap.footer(
                    PICK_SCOPE,
                    &[
                        (Action::PickRed, "red"),
                        (Action::PickOrange, "orange"),
                        (Action::PickYellow, "yellow"),
                        (Action::PickGreen, "green"),
                    ]
                )
            ))),
            Some(_) => lines.push(Line::from(vec![
                Span::raw("Health:  "),
                theme.health_word(*health),
                Span::styled(
                    format!(
                        "   {}/{} change",
                        keymap.keys_label(SCOPE, Action::NextChoice),
                        keymap.keys_label(SCOPE, Action::PrevChoice)
                    ),
                    theme.dim(),
                ),
            ])),
        }
        lines.push(Line::from(format!("Reason:  {}", paste::shown(reason, 64, 9))));
        lines.push(Line::from(""));
        lines.push(match error {
            Some(e) => Line::from(Span::styled(e.clone(), theme.error())),
            None => Line::from(Span::styled(
                format!(
                    "{} · the reason is required",
                    keymap.footer(SCOPE, &[(Action::Save, "save"), (Action::Cancel, "cancel")])
                ),
                theme.dim(),
            )),
        });
        let cursor = health.map(|_| (9, 2, 9, reason));
        ("Set health".to_string(), lines, (64, 7), cursor)
    }
}
