//! The task form: a task added by hand to an account — title, due date
//! (typed as `YYYY-MM-DD`, `+7d` or `fri`; the prefilled date is selected,
//! so the first character typed there replaces it, as in the snooze popup)
//! and owner (the user unless changed). It answers with a typed write and never touches the store.
//! Tasks with steps come from playbooks (the picker).

use crate::domain::day_text;
use crate::domain::task::NewTask;
use crate::tui::action::Action;
use crate::tui::forms::{Drawn, Form, FormOutcome, boxed, typed_over};
use crate::tui::keymap::Keymap;
use crate::tui::paste::{self, Lines};
use crate::tui::theme::Theme;
use crate::tui::widgets::fit;
use crate::tui::write::{TaskWrite, Write};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

/// The task form's keymap scope.
pub const SCOPE: &str = "task_form";

/// Its keys (and `Esc`, as in every popup and form).
pub const KEYS: &[(&str, Action)] = &[
    ("tab", Action::NextField),
    ("down", Action::NextField),
    ("backtab", Action::PrevField),
    ("up", Action::PrevField),
    ("enter", Action::Save),
];

const LABELS: [&str; 3] = ["Title", "Due", "Owner"];
/// The label column's width.
const LABEL: usize = 9;

/// The open form.
#[derive(Debug, Clone)]
pub struct TaskForm {
    pub account_id: String,
    pub name: String,
    /// Title, due date, owner.
    pub fields: [Input; 3],
    pub focus: usize,
    /// The prefilled due date is untouched: the first character typed (or
    /// a paste, or Backspace) in its field replaces it; an arrow, Home or
    /// End keeps it for editing.
    pub due_selected: bool,
    pub error: Option<String>,
    /// The day relative dates count from.
    pub today: NaiveDate,
}

impl TaskForm {
    /// A form for `account_id`, due in a week, owned by `user`.
    pub fn new(account_id: &str, name: &str, user: &str, today: NaiveDate) -> TaskForm {
        let due = today + chrono::Days::new(7);
        TaskForm {
            account_id: account_id.to_string(),
            name: name.to_string(),
            fields: [Input::default(), Input::new(due.to_string()), Input::new(user.to_string())],
            focus: 0,
            due_selected: true,
            error: None,
            today,
        }
    }

    fn save(&mut self, today: NaiveDate) -> FormOutcome {
        let [title, due, owner] = &self.fields;
        let due_on = match day_text::parse(due.value(), today) {
            Ok(date) => date,
            Err(error) => {
                self.error = Some(format!("due: {error}"));
                self.focus = 1;
                return FormOutcome::Stay;
            }
        };
        let task = NewTask {
            account_id: self.account_id.clone(),
            title: title.value().trim().to_string(),
            owner: owner.value().trim().to_string(),
            due_on,
            steps: Vec::new(),
            playbook: None,
        };
        if let Err(error) = task.validate() {
            self.error = Some(error);
            self.focus = 0;
            return FormOutcome::Stay;
        }
        FormOutcome::Submit(Write::Task {
            account_id: self.account_id.clone(),
            write: TaskWrite::Add(task),
        })
    }

    pub fn drawn(&self, theme: Theme, keymap: &Keymap) -> Drawn<'_> {
        let width = 56_usize;
        let mut lines = vec![Line::from(vec![
            Span::styled(format!("{:<LABEL$}", "Account"), theme.dim()),
            Span::styled(fit(&self.name, width), theme.title()),
        ])];
        for (at, label) in LABELS.iter().enumerate() {
            let style = if at == self.focus { theme.key() } else { theme.dim() };
            let shown = paste::shown(&self.fields[at], 66, LABEL);
            let mut line = Line::from(vec![
                Span::styled(format!("{label:<LABEL$}"), style),
                match at == 1 && self.due_selected && self.focus == 1 {
                    true => Span::styled(shown, theme.selected()),
                    false => Span::raw(shown),
                },
            ]);
            if at == 1
                && let Some(echo) = day_text::echo(self.fields[1].value(), self.today)
            {
                line.spans.push(Span::styled(format!("  {echo}"), theme.dim()));
            }
            lines.push(line);
        }
        lines.push(Line::from(""));
        lines.push(match &self.error {
            Some(e) => Line::from(Span::styled(e.clone(), theme.error())),
            None => Line::from(Span::styled(
                keymap.footer(
                    SCOPE,
                    &[
                        (Action::NextField, "field"),
                        (Action::Save, "add"),
                        (Action::Cancel, "cancel"),
                    ],
                ),
                theme.dim(),
            )),
        });
        let cursor = u16::try_from(self.focus + 1).unwrap_or(1);
        (
            "Add a task".to_string(),
            lines,
            (68, 8),
            Some((LABEL as u16, cursor, LABEL, &self.fields[self.focus])),
        )
    }
}

impl Form for TaskForm {
    fn scope(&self) -> &'static str {
        SCOPE
    }

    fn key(&mut self, key: KeyEvent, action: Option<Action>, today: NaiveDate) -> FormOutcome {
        match action {
            Some(Action::Cancel) => return FormOutcome::Cancel,
            Some(Action::NextField) => self.focus = (self.focus + 1) % LABELS.len(),
            Some(Action::PrevField) => self.focus = (self.focus + LABELS.len() - 1) % LABELS.len(),
            Some(Action::Save) => return self.save(today),
            _ if self.focus == 1 => {
                typed_over(&mut self.fields[1], &mut self.due_selected, key);
                self.error = None;
            }
            _ => {
                if let Some(request) = to_input_request(&Event::Key(key)) {
                    self.fields[self.focus].handle(request);
                    self.error = None;
                }
            }
        }
        FormOutcome::Stay
    }

    fn paste(&mut self, text: &str) -> Result<(), String> {
        if self.focus == 1 && std::mem::take(&mut self.due_selected) {
            self.fields[1] = Input::default();
        }
        paste::paste(&mut self.fields[self.focus], text, Lines::One)
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme, keymap: &Keymap) {
        boxed(self.drawn(theme, keymap), frame, area, theme);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    fn press(form: &mut TaskForm, code: KeyCode, today: NaiveDate) -> FormOutcome {
        crate::tui::forms::pressed(form, KeyEvent::new(code, KeyModifiers::NONE), today)
    }

    #[test]
    fn a_task_needs_a_title_and_a_date_and_is_owned_by_the_user_unless_changed() {
        // A Sunday.
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("d");
        let mut form = TaskForm::new("A1", "Acme", "ana", today);
        assert_eq!(press(&mut form, KeyCode::Enter, today), FormOutcome::Stay);
        assert_eq!(form.error.as_deref(), Some("a task needs a title"));
        for c in "Send the deck".chars() {
            press(&mut form, KeyCode::Char(c), today);
        }
        press(&mut form, KeyCode::Tab, today);
        for _ in 0..10 {
            press(&mut form, KeyCode::Backspace, today);
        }
        for c in "fri".chars() {
            press(&mut form, KeyCode::Char(c), today);
        }
        assert_eq!(
            press(&mut form, KeyCode::Enter, today),
            FormOutcome::Submit(Write::Task {
                account_id: "A1".into(),
                write: TaskWrite::Add(NewTask {
                    account_id: "A1".into(),
                    title: "Send the deck".into(),
                    owner: "ana".into(),
                    due_on: NaiveDate::from_ymd_opt(2025, 6, 6).expect("d"),
                    steps: Vec::new(),
                    playbook: None,
                }),
            })
        );
        press(&mut form, KeyCode::Char('x'), today);
        assert_eq!(press(&mut form, KeyCode::Enter, today), FormOutcome::Stay);
        assert!(form.error.as_deref().is_some_and(|e| e.starts_with("due: ")), "{:?}", form.error);
        assert_eq!(press(&mut form, KeyCode::Esc, today), FormOutcome::Cancel);
    }

    /// The due field's prefilled date (a week ahead) is replaced by the first
    /// character typed there, as the snooze date is; an arrow keeps it for
    /// editing, and a paste replaces it too.
    #[test]
    fn the_first_character_typed_replaces_the_prefilled_due_date() {
        // A Sunday: the prefilled date is Sunday 2025-06-08.
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("d");
        let typed = |keys: &[KeyCode]| {
            let mut form = TaskForm::new("A1", "Acme", "ana", today);
            press(&mut form, KeyCode::Tab, today);
            for key in keys {
                press(&mut form, *key, today);
            }
            form.fields[1].value().to_string()
        };
        assert_eq!(typed(&[]), "2025-06-08");
        assert_eq!(typed(&[KeyCode::Char('f'), KeyCode::Char('r'), KeyCode::Char('i')]), "fri");
        assert_eq!(typed(&[KeyCode::Char('+'), KeyCode::Char('3'), KeyCode::Char('d')]), "+3d");
        assert_eq!(typed(&[KeyCode::Backspace]), "");
        // An arrow keeps it: the date is then edited in place.
        assert_eq!(typed(&[KeyCode::End, KeyCode::Backspace, KeyCode::Char('9')]), "2025-06-09");
        // Typing the title first leaves the date selected until its field is reached.
        let mut form = TaskForm::new("A1", "Acme", "ana", today);
        for c in "Call".chars() {
            press(&mut form, KeyCode::Char(c), today);
        }
        press(&mut form, KeyCode::Tab, today);
        for c in "fri".chars() {
            press(&mut form, KeyCode::Char(c), today);
        }
        assert_eq!(form.fields[0].value(), "Call");
        let Write::Task { write: TaskWrite::Add(task), .. } =
            (match press(&mut form, KeyCode::Enter, today) {
                FormOutcome::Submit(write) => write,
                other => panic!("not saved: {other:?}"),
            })
        else {
            panic!("not a task");
        };
        assert_eq!(task.due_on, NaiveDate::from_ymd_opt(2025, 6, 6).expect("d"));
        // A paste into the untouched date replaces it.
        let mut form = TaskForm::new("A1", "Acme", "ana", today);
        press(&mut form, KeyCode::Tab, today);
        form.paste("2025-07-01").expect("pasted");
        assert_eq!(form.fields[1].value(), "2025-07-01");
    }
}
