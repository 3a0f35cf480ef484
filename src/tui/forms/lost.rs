//! The lost form: why an opportunity was lost (in the hunter's words) and
//! whether it was ours to prevent (controllable or uncontrollable, the
//! churn taxonomy's split). A lost opportunity needs a reason, so marking
//! one lost goes through this form; it answers with a
//! [`Write::OpportunityLost`] and never touches the store.

use crate::domain::opportunity::LostReason;
use crate::tui::action::Action;
use crate::tui::forms::{Drawn, Form, FormOutcome, boxed};
use crate::tui::keymap::Keymap;
use crate::tui::paste::{self, Lines};
use crate::tui::theme::Theme;
use crate::tui::widgets::fit;
use crate::tui::write::Write;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

/// The lost form's keymap scope.
pub const SCOPE: &str = "lost_form";

/// Its keys (and `Esc`, as in every popup and form); any other key types
/// into the reason.
pub const KEYS: &[(&str, Action)] =
    &[("up", Action::NextChoice), ("down", Action::NextChoice), ("enter", Action::Save)];

/// The label column's width.
const LABEL: usize = 14;

/// The open form, for one opportunity.
#[derive(Debug, Clone)]
pub struct LostForm {
    pub account_id: String,
    pub id: i64,
    /// What is being lost, e.g. "Analytics 12k on Acme" (shown inert).
    pub what: String,
    pub reason: Input,
    /// Ours to prevent; controllable until changed, as the taxonomy's
    /// first kind.
    pub controllable: bool,
    pub error: Option<String>,
}

impl LostForm {
    pub fn new(account_id: &str, id: i64, what: &str) -> LostForm {
        LostForm {
            account_id: account_id.to_string(),
            id,
            what: what.to_string(),
            reason: Input::default(),
            controllable: true,
            error: None,
        }
    }

    fn save(&mut self) -> FormOutcome {
        let reason = LostReason {
            reason: self.reason.value().trim().to_string(),
            controllable: self.controllable,
        };
        if let Err(error) = reason.validate() {
            self.error = Some(error);
            return FormOutcome::Stay;
        }
        FormOutcome::Submit(Write::OpportunityLost {
            account_id: self.account_id.clone(),
            id: self.id,
            reason,
        })
    }

    pub fn drawn(&self, theme: Theme, keymap: &Keymap) -> Drawn<'_> {
        let kind = if self.controllable { "controllable" } else { "uncontrollable" };
        let lines = vec![
            Line::from(vec![
                Span::styled(format!("{:<LABEL$}", "Opportunity"), theme.dim()),
                Span::styled(fit(&self.what, 52), theme.title()),
            ]),
            Line::from(vec![
                Span::styled(format!("{:<LABEL$}", "Why lost"), theme.key()),
                Span::raw(paste::shown(&self.reason, 66, LABEL)),
            ]),
            Line::from(vec![
                Span::styled(format!("{:<LABEL$}", "Kind"), theme.dim()),
                Span::raw(format!("{kind} (↑↓)")),
            ]),
            Line::from(""),
            match &self.error {
                Some(e) => Line::from(Span::styled(e.clone(), theme.error())),
                None => Line::from(Span::styled(
                    keymap.footer(
                        SCOPE,
                        &[
                            (Action::NextChoice, "kind"),
                            (Action::Save, "mark lost"),
                            (Action::Cancel, "cancel"),
                        ],
                    ),
                    theme.dim(),
                )),
            },
        ];
        (
            "Mark the opportunity lost".to_string(),
            lines,
            (68, 7),
            Some((LABEL as u16, 1, LABEL, &self.reason)),
        )
    }
}

impl Form for LostForm {
    fn scope(&self) -> &'static str {
        SCOPE
    }

    fn key(&mut self, key: KeyEvent, action: Option<Action>, _today: NaiveDate) -> FormOutcome {
        match action {
            Some(Action::Cancel) => return FormOutcome::Cancel,
            Some(Action::NextChoice) => self.controllable = !self.controllable,
            Some(Action::Save) => return self.save(),
            _ => {
                if let Some(request) = to_input_request(&Event::Key(key)) {
                    self.reason.handle(request);
                    self.error = None;
                }
            }
        }
        FormOutcome::Stay
    }

    fn paste(&mut self, text: &str) -> Result<(), String> {
        paste::paste(&mut self.reason, text, Lines::One)
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme, keymap: &Keymap) {
        boxed(self.drawn(theme, keymap), frame, area, theme);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    fn press(form: &mut LostForm, code: KeyCode) -> FormOutcome {
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("d");
        crate::tui::forms::pressed(form, KeyEvent::new(code, KeyModifiers::NONE), today)
    }

    #[test]
    fn losing_needs_a_reason_and_says_whether_it_was_controllable() {
        let mut form = LostForm::new("A1", 7, "Analytics 12k on Acme");
        assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
        assert_eq!(form.error.as_deref(), Some("a lost opportunity needs a reason"));
        for c in "  ".chars() {
            press(&mut form, KeyCode::Char(c));
        }
        assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
        for c in "budget cut".chars() {
            press(&mut form, KeyCode::Char(c));
        }
        assert!(form.error.is_none());
        press(&mut form, KeyCode::Down);
        assert_eq!(
            press(&mut form, KeyCode::Enter),
            FormOutcome::Submit(Write::OpportunityLost {
                account_id: "A1".into(),
                id: 7,
                reason: LostReason { reason: "budget cut".into(), controllable: false },
            })
        );
        press(&mut form, KeyCode::Up);
        assert_eq!(
            press(&mut form, KeyCode::Enter),
            FormOutcome::Submit(Write::OpportunityLost {
                account_id: "A1".into(),
                id: 7,
                reason: LostReason { reason: "budget cut".into(), controllable: true },
            })
        );
        assert_eq!(press(&mut form, KeyCode::Esc), FormOutcome::Cancel);
    }
}
