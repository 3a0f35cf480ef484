//! The form that adds a churn taxonomy entry (label, kind, description),
//! renames one, or changes its description, shown as a popup over the
//! Churn pane's taxonomy list. It checks what it can (a label is required and
//! must not be taken) and answers with a [`Write::Taxonomy`]; the store has
//! the last word and the form never touches it. Each of its modes has a
//! key table: adding an entry ([`ADD_KEYS`]) moves between fields and
//! kinds; renaming or describing one ([`EDIT_KEYS`]) only saves.

use crate::domain::churn::{Reason, ReasonKind, TaxonomyEdit};
use crate::tui::action::Action;
use crate::tui::forms::{Drawn, Form, FormOutcome, boxed};
use crate::tui::keymap::Keymap;
use crate::tui::paste::shown;
use crate::tui::theme::Theme;
use crate::tui::write::Write;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

/// The scope of the form while it adds an entry.
pub const ADD_SCOPE: &str = "reason_add";

/// Its keys; any other key types into the field.
pub const ADD_KEYS: &[(&str, Action)] = &[
    ("tab", Action::NextField),
    ("backtab", Action::NextField),
    ("up", Action::NextChoice),
    ("down", Action::NextChoice),
    ("enter", Action::Save),
];

/// The scope of the form while it renames or describes an entry.
pub const EDIT_SCOPE: &str = "reason_edit";

/// Its keys; any other key types into the field.
pub const EDIT_KEYS: &[(&str, Action)] = &[("enter", Action::Save)];

/// What the reason form is for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FormMode {
    Add,
    Rename { label: String },
    Describe { label: String },
}

/// Adds an entry (label, kind, description), renames one, or changes its
/// description. Checks what it can before answering: a label is required
/// and must not be taken by another entry.
#[derive(Debug, Clone)]
pub struct ReasonForm {
    mode: FormMode,
    label: Input,
    kind: ReasonKind,
    description: Input,
    /// On the description line (adding only; the others have one field).
    on_description: bool,
    taken: Vec<String>,
    error: Option<String>,
}

impl ReasonForm {
    pub fn add(taken: Vec<String>) -> ReasonForm {
        ReasonForm {
            mode: FormMode::Add,
            label: Input::default(),
            kind: ReasonKind::Controllable,
            description: Input::default(),
            on_description: false,
            taken,
            error: None,
        }
    }

    pub fn rename(label: &str, taken: Vec<String>) -> ReasonForm {
        let taken = taken.into_iter().filter(|t| !t.eq_ignore_ascii_case(label)).collect();
        ReasonForm {
            mode: FormMode::Rename { label: label.to_string() },
            label: Input::new(label.to_string()),
            ..ReasonForm::add(taken)
        }
    }

    pub fn describe(reason: &Reason) -> ReasonForm {
        ReasonForm {
            mode: FormMode::Describe { label: reason.label.clone() },
            description: Input::new(reason.description.clone()),
            on_description: true,
            ..ReasonForm::add(Vec::new())
        }
    }

    fn input(&mut self) -> &mut Input {
        if self.on_description { &mut self.description } else { &mut self.label }
    }
}

impl Form for ReasonForm {
    /// Pastes one line into the label or the description.
    fn paste(&mut self, text: &str) -> Result<(), String> {
        crate::tui::paste::paste(self.input(), text, crate::tui::paste::Lines::One)?;
        self.error = None;
        Ok(())
    }

    /// The key table of the form's mode.
    fn scope(&self) -> &'static str {
        if self.mode == FormMode::Add { ADD_SCOPE } else { EDIT_SCOPE }
    }

    /// Applies a key's action in [`ReasonForm::scope`], or types the key.
    fn key(&mut self, key: KeyEvent, action: Option<Action>, _today: NaiveDate) -> FormOutcome {
        match action {
            Some(Action::NextField) if self.mode == FormMode::Add => {
                self.on_description = !self.on_description;
            }
            Some(Action::NextChoice) if self.mode == FormMode::Add => {
                self.kind = match self.kind {
                    ReasonKind::Controllable => ReasonKind::Uncontrollable,
                    ReasonKind::Uncontrollable => ReasonKind::Terminal,
                    ReasonKind::Terminal => ReasonKind::Controllable,
                };
            }
            Some(Action::Save) => return self.submit(),
            _ => {
                if let Some(request) = to_input_request(&Event::Key(key)) {
                    self.input().handle(request);
                }
                self.error = None;
            }
        }
        FormOutcome::Stay
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme, keymap: &Keymap) {
        boxed(self.drawn(theme, keymap), frame, area, theme);
    }
}

impl ReasonForm {
    fn submit(&mut self) -> FormOutcome {
        let label = self.label.value().trim().to_string();
        let description = self.description.value().trim().to_string();
        if !matches!(self.mode, FormMode::Describe { .. }) {
            if label.is_empty() {
                self.error = Some("a label is required".to_string());
                return FormOutcome::Stay;
            }
            if let Some(taken) = self.taken.iter().find(|t| t.eq_ignore_ascii_case(&label)) {
                self.error = Some(format!("{taken:?} already exists"));
                return FormOutcome::Stay;
            }
        }
        let edit = match &self.mode {
            FormMode::Add => TaxonomyEdit::Add { label, kind: self.kind, description },
            FormMode::Rename { label: old } => {
                if *old == label {
                    return FormOutcome::Cancel;
                }
                TaxonomyEdit::Rename { label: old.clone(), new_label: label }
            }
            FormMode::Describe { label: old } => {
                TaxonomyEdit::Describe { label: old.clone(), description }
            }
        };
        FormOutcome::Submit(Write::Taxonomy(edit))
    }

    pub fn drawn(&self, theme: Theme, keymap: &Keymap) -> Drawn<'_> {
        let help = match &self.error {
            Some(error) => Line::styled(error.clone(), theme.error()),
            None => Line::styled(
                match self.mode {
                    FormMode::Add => keymap.footer(
                        ADD_SCOPE,
                        &[
                            (Action::NextField, "field"),
                            (Action::NextChoice, "kind"),
                            (Action::Save, "save"),
                            (Action::Cancel, "cancel"),
                        ],
                    ),
                    _ => keymap
                        .footer(EDIT_SCOPE, &[(Action::Save, "save"), (Action::Cancel, "cancel")]),
                },
                theme.dim(),
            ),
        };
        match &self.mode {
            FormMode::Add => {
                let mark = |on: bool| if on { "›" } else { " " };
                let lines = vec![
                    Line::from(format!(
                        "{}Label:       {}",
                        mark(!self.on_description),
                        shown(&self.label, 70, 14)
                    )),
                    Line::from(format!(" Kind:        {} (↑↓)", self.kind)),
                    Line::from(format!(
                        "{}Description: {}",
                        mark(self.on_description),
                        shown(&self.description, 70, 14)
                    )),
                    Line::from(""),
                    help,
                ];
                let cursor = if self.on_description {
                    (14, 2, 14, &self.description)
                } else {
                    (14, 0, 14, &self.label)
                };
                ("Add a churn reason".to_string(), lines, (70, 7), Some(cursor))
            }
            FormMode::Rename { label } => {
                let lines = vec![
                    Line::from(format!("Entry:    {label}")),
                    Line::from(format!("New name: {}", shown(&self.label, 70, 10))),
                    Line::from(""),
                    help,
                ];
                (
                    "Rename a churn reason".to_string(),
                    lines,
                    (70, 6),
                    Some((10, 1, 10, &self.label)),
                )
            }
            FormMode::Describe { label } => {
                let lines = vec![
                    Line::from(format!("Entry:       {label}")),
                    Line::from(format!("Description: {}", shown(&self.description, 70, 13))),
                    Line::from(""),
                    help,
                ];
                (
                    "Describe a churn reason".to_string(),
                    lines,
                    (70, 6),
                    Some((13, 1, 13, &self.description)),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    fn press(form: &mut ReasonForm, code: KeyCode) -> FormOutcome {
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("date");
        crate::tui::forms::pressed(form, KeyEvent::new(code, KeyModifiers::NONE), today)
    }

    fn typed(form: &mut ReasonForm, text: &str) {
        for c in text.chars() {
            press(form, KeyCode::Char(c));
        }
    }

    fn submitted(outcome: FormOutcome) -> Option<TaxonomyEdit> {
        match outcome {
            FormOutcome::Submit(Write::Taxonomy(edit)) => Some(edit),
            _ => None,
        }
    }

    #[test]
    fn adding_needs_a_free_label_and_takes_kind_and_description() {
        let mut form = ReasonForm::add(vec!["Budget cut".to_string()]);
        assert!(submitted(press(&mut form, KeyCode::Enter)).is_none());
        assert_eq!(form.error.as_deref(), Some("a label is required"));
        typed(&mut form, "budget CUT");
        assert!(submitted(press(&mut form, KeyCode::Enter)).is_none());
        assert_eq!(form.error.as_deref(), Some("\"Budget cut\" already exists"));
        for _ in 0.."budget CUT".len() {
            press(&mut form, KeyCode::Backspace);
        }
        typed(&mut form, " Data migration ");
        press(&mut form, KeyCode::Down);
        press(&mut form, KeyCode::Tab);
        typed(&mut form, "Their data never moved over");
        assert_eq!(
            submitted(press(&mut form, KeyCode::Enter)),
            Some(TaxonomyEdit::Add {
                label: "Data migration".to_string(),
                kind: ReasonKind::Uncontrollable,
                description: "Their data never moved over".to_string(),
            })
        );
    }

    #[test]
    fn renaming_to_itself_changes_nothing_and_to_another_is_refused() {
        let taken = vec!["Budget cut".to_string(), "Reliability".to_string()];
        let mut form = ReasonForm::rename("Reliability", taken.clone());
        assert!(matches!(press(&mut form, KeyCode::Enter), FormOutcome::Cancel));
        let mut form = ReasonForm::rename("Reliability", taken);
        for _ in 0.."Reliability".len() {
            press(&mut form, KeyCode::Backspace);
        }
        typed(&mut form, "Budget Cut");
        assert!(submitted(press(&mut form, KeyCode::Enter)).is_none());
        for _ in 0.."Budget Cut".len() {
            press(&mut form, KeyCode::Backspace);
        }
        typed(&mut form, "Outages");
        assert_eq!(
            submitted(press(&mut form, KeyCode::Enter)),
            Some(TaxonomyEdit::Rename {
                label: "Reliability".to_string(),
                new_label: "Outages".to_string()
            })
        );
    }
}
