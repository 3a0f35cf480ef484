//! The contact form: a person at an account added or edited — name, role
//! (a choice: ←/→, or the role's first letter), email, title and the day
//! they started in the role (optional, typed as a day is) — or marked
//! as left on a day (typed as `YYYY-MM-DD`, `today`, `-3d`, `yesterday`;
//! today unless changed). It checks what was typed as the store will
//! (`Contact::check`) and answers with a [`Write::Contact`]; it never
//! touches the store.

use crate::domain::contact::{Contact, ContactChange, ContactField, ContactRole};
use crate::domain::day_text;
use crate::tui::action::Action;
use crate::tui::forms::{Drawn, Form, FormOutcome, boxed};
use crate::tui::keymap::Keymap;
use crate::tui::paste::{self, Lines};
use crate::tui::theme::Theme;
use crate::tui::widgets::fit;
use crate::tui::write::Write;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

/// The contact form's keymap scope.
pub const SCOPE: &str = "contact_form";

/// Its keys (and `Esc`, as in every popup and form). On the role, ← and →
/// change it; in a text field they move the cursor.
pub const KEYS: &[(&str, Action)] = &[
    ("tab", Action::NextField),
    ("down", Action::NextField),
    ("backtab", Action::PrevField),
    ("up", Action::PrevField),
    ("right", Action::NextChoice),
    ("left", Action::PrevChoice),
    ("enter", Action::Save),
];

/// The label column's width.
const LABEL: usize = 9;
/// The fields of the person form, in order.
const LABELS: [&str; 5] = ["Name", "Role", "Email", "Title", "Since"];
const ROLE: usize = 1;
const SINCE: usize = 4;

/// What the form does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// A new person.
    Add,
    /// The person of this name, changed.
    Edit(String),
    /// The person of this name left on the day typed.
    Left(String),
}

/// The open form.
#[derive(Debug, Clone)]
pub struct ContactForm {
    pub account_id: String,
    /// The account's name (shown inert).
    pub account: String,
    pub mode: Mode,
    /// Name, (role: unused), email, title, since; or the day they left, first.
    pub fields: [Input; 5],
    pub role: ContactRole,
    pub focus: usize,
    pub error: Option<String>,
    /// The day relative dates count from.
    pub today: NaiveDate,
}

impl ContactForm {
    /// A form for a new person at `account_id`, a champion until changed.
    pub fn add(account_id: &str, account: &str, today: NaiveDate) -> ContactForm {
        ContactForm {
            account_id: account_id.to_string(),
            account: account.to_string(),
            mode: Mode::Add,
            fields: Default::default(),
            role: ContactRole::Champion,
            focus: 0,
            error: None,
            today,
        }
    }

    /// A form to change `contact`.
    pub fn edit(contact: &Contact, account: &str, today: NaiveDate) -> ContactForm {
        ContactForm {
            mode: Mode::Edit(contact.name.clone()),
            fields: [
                Input::new(contact.name.clone()),
                Input::default(),
                Input::new(contact.email.clone()),
                Input::new(contact.title.clone()),
                Input::new(contact.since.map(|d| d.to_string()).unwrap_or_default()),
            ],
            role: contact.role,
            ..ContactForm::add(&contact.account_id, account, today)
        }
    }

    /// A form to mark `contact` as left, today unless changed.
    pub fn left(contact: &Contact, account: &str, today: NaiveDate) -> ContactForm {
        ContactForm {
            mode: Mode::Left(contact.name.clone()),
            fields: [
                Input::new(today.to_string()),
                Input::default(),
                Input::default(),
                Input::default(),
                Input::default(),
            ],
            role: contact.role,
            ..ContactForm::add(&contact.account_id, account, today)
        }
    }

    /// How many fields the form shows.
    fn count(&self) -> usize {
        match self.mode {
            Mode::Left(_) => 1,
            _ => LABELS.len(),
        }
    }

    fn save(&mut self, today: NaiveDate) -> FormOutcome {
        let change = match &self.mode {
            Mode::Left(name) => match day_text::parse(self.fields[0].value(), today) {
                Ok(on) if on > today => {
                    self.error = Some(format!("left: {on} is after today; give the day they left"));
                    return FormOutcome::Stay;
                }
                Ok(on) => ContactChange::Left { name: name.clone(), on },
                Err(error) => {
                    self.error = Some(format!("left: {error}"));
                    return FormOutcome::Stay;
                }
            },
            mode => {
                let since_text = self.fields[SINCE].value().trim();
                let since = if since_text.is_empty() {
                    None
                } else {
                    match day_text::parse(since_text, today) {
                        Ok(day) if day > today => {
                            self.focus = SINCE;
                            self.error = Some(format!(
                                "since: {day} is after today; give the day they started in the role"
                            ));
                            return FormOutcome::Stay;
                        }
                        Ok(day) => Some(day),
                        Err(error) => {
                            self.focus = SINCE;
                            self.error = Some(format!("since: {error}"));
                            return FormOutcome::Stay;
                        }
                    }
                };
                let contact = Contact {
                    account_id: self.account_id.clone(),
                    name: self.fields[0].value().trim().to_string(),
                    email: self.fields[2].value().trim().to_string(),
                    role: self.role,
                    title: self.fields[3].value().trim().to_string(),
                    left_on: None,
                    since,
                };
                if let Err((field, why)) = contact.check() {
                    self.focus = match field {
                        ContactField::Email => 2,
                        ContactField::Title => 3,
                        ContactField::Role => ROLE,
                        ContactField::Since => SINCE,
                        ContactField::Name | ContactField::LeftOn => 0,
                    };
                    self.error = Some(format!("{}: {why}", field.as_str()));
                    return FormOutcome::Stay;
                }
                match mode {
                    Mode::Edit(name) => ContactChange::Edit { name: name.clone(), contact },
                    _ => ContactChange::Add(contact),
                }
            }
        };
        FormOutcome::Submit(Write::Contact { account_id: self.account_id.clone(), change })
    }

    fn turn_role(&mut self, step: usize) {
        let all = ContactRole::ALL;
        let at = all.iter().position(|r| *r == self.role).unwrap_or(0);
        self.role = all[(at + step) % all.len()];
    }

    pub fn drawn(&self, theme: Theme, keymap: &Keymap) -> Drawn<'_> {
        let width = 56_usize;
        let mut lines = vec![Line::from(vec![
            Span::styled(format!("{:<LABEL$}", "Account"), theme.dim()),
            Span::styled(fit(&self.account, width), theme.title()),
        ])];
        let title = match &self.mode {
            Mode::Add => "Add a person".to_string(),
            Mode::Edit(name) => format!("Edit {}", fit(name, 40)),
            Mode::Left(name) => format!("{} left", fit(name, 40)),
        };
        if let Mode::Left(_) = self.mode {
            let mut line = Line::from(vec![
                Span::styled(format!("{:<LABEL$}", "Left on"), theme.key()),
                Span::raw(paste::shown(&self.fields[0], 66, LABEL)),
            ]);
            if let Some(echo) = day_text::echo(self.fields[0].value(), self.today) {
                line.spans.push(Span::styled(format!("  {echo}"), theme.dim()));
            }
            lines.push(line);
            let note = if self.role.is_key() {
                format!(
                    "A {} leaving is a sponsor change: Today and a playbook.",
                    self.role.label()
                )
            } else {
                format!("A {} leaving raises no signal.", self.role.label())
            };
            lines.push(Line::from(Span::styled(note, theme.dim())));
        } else {
            for (at, label) in LABELS.iter().enumerate() {
                let style = if at == self.focus { theme.key() } else { theme.dim() };
                let value = if at == ROLE {
                    Span::raw(format!("‹ {} ›", self.role.label()))
                } else {
                    Span::raw(paste::shown(&self.fields[at], 66, LABEL))
                };
                let mut line =
                    Line::from(vec![Span::styled(format!("{label:<LABEL$}"), style), value]);
                if at == SINCE {
                    let hint = match day_text::echo(self.fields[SINCE].value(), self.today) {
                        Some(echo) => format!("  {echo}"),
                        None if self.fields[SINCE].value().trim().is_empty() => {
                            "  in the role since (optional)".to_string()
                        }
                        None => String::new(),
                    };
                    line.spans.push(Span::styled(hint, theme.dim()));
                }
                lines.push(line);
            }
        }
        lines.push(Line::from(""));
        lines.push(match &self.error {
            Some(e) => Line::from(Span::styled(fit(e, 66), theme.error())),
            None => Line::from(Span::styled(
                keymap.footer(
                    SCOPE,
                    &[
                        (Action::NextField, "field"),
                        (Action::NextChoice, "role"),
                        (Action::Save, "save"),
                        (Action::Cancel, "cancel"),
                    ],
                ),
                theme.dim(),
            )),
        });
        let height = u16::try_from(lines.len() + 2).unwrap_or(9);
        let cursor = (self.focus != ROLE || matches!(self.mode, Mode::Left(_))).then(|| {
            let line = u16::try_from(self.focus + 1).unwrap_or(1);
            (LABEL as u16, line, LABEL, &self.fields[self.focus])
        });
        (title, lines, (68, height), cursor)
    }
}

impl Form for ContactForm {
    fn scope(&self) -> &'static str {
        SCOPE
    }

    fn key(&mut self, key: KeyEvent, action: Option<Action>, today: NaiveDate) -> FormOutcome {
        let count = self.count();
        let on_role = self.focus == ROLE && count > 1;
        match action {
            Some(Action::Cancel) => return FormOutcome::Cancel,
            Some(Action::NextField) => self.focus = (self.focus + 1) % count,
            Some(Action::PrevField) => self.focus = (self.focus + count - 1) % count,
            Some(Action::Save) => return self.save(today),
            Some(Action::NextChoice) if on_role => self.turn_role(1),
            Some(Action::PrevChoice) if on_role => self.turn_role(ContactRole::ALL.len() - 1),
            _ if on_role => {
                // A role's first letter picks it.
                if let KeyCode::Char(c) = key.code
                    && let Some(role) = ContactRole::ALL
                        .into_iter()
                        .find(|r| r.as_str().starts_with(c.to_ascii_lowercase()))
                {
                    self.role = role;
                    self.error = None;
                }
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
        if self.focus == ROLE && self.count() > 1 {
            return Err(paste::NO_FIELD.to_string());
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
    use ratatui::crossterm::event::KeyModifiers;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).expect("d")
    }

    fn press(form: &mut ContactForm, code: KeyCode) -> FormOutcome {
        crate::tui::forms::pressed(form, KeyEvent::new(code, KeyModifiers::NONE), today())
    }

    fn typed(form: &mut ContactForm, text: &str) {
        for c in text.chars() {
            press(form, KeyCode::Char(c));
        }
    }

    #[test]
    fn a_person_is_added_with_a_role_picked_by_arrow_or_letter_and_a_checked_email() {
        let mut form = ContactForm::add("A1", "Acme", today());
        assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
        assert_eq!(form.error.as_deref(), Some("name: a contact needs a name"));
        typed(&mut form, "Ana Diaz");
        press(&mut form, KeyCode::Tab);
        press(&mut form, KeyCode::Right);
        assert_eq!(form.role, ContactRole::ExecutiveSponsor);
        press(&mut form, KeyCode::Left);
        press(&mut form, KeyCode::Left);
        assert_eq!(form.role, ContactRole::Billing, "← from the first wraps to the last");
        typed(&mut form, "d");
        assert_eq!(form.role, ContactRole::DecisionMaker);
        press(&mut form, KeyCode::Tab);
        typed(&mut form, "ana-at-acme");
        assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
        assert_eq!(
            form.error.as_deref(),
            Some("email: \"ana-at-acme\" is not an email address (no @)")
        );
        assert_eq!(form.focus, 2);
        for _ in 0.."-at-acme".len() {
            press(&mut form, KeyCode::Backspace);
        }
        typed(&mut form, "@acme.com");
        press(&mut form, KeyCode::Tab);
        typed(&mut form, "CFO");
        // In the role since: a day ahead is refused, a day typed as days are is kept.
        press(&mut form, KeyCode::Tab);
        typed(&mut form, "tomorrow");
        assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
        assert_eq!(
            form.error.as_deref(),
            Some("since: 2025-06-02 is after today; give the day they started in the role")
        );
        assert_eq!(form.focus, SINCE);
        for _ in 0.."tomorrow".len() {
            press(&mut form, KeyCode::Backspace);
        }
        typed(&mut form, "2023-04-01");
        let FormOutcome::Submit(Write::Contact { account_id, change }) =
            press(&mut form, KeyCode::Enter)
        else {
            panic!("not submitted: {:?}", form.error);
        };
        assert_eq!(account_id, "A1");
        assert_eq!(
            change,
            ContactChange::Add(Contact {
                account_id: "A1".into(),
                name: "Ana Diaz".into(),
                email: "ana@acme.com".into(),
                role: ContactRole::DecisionMaker,
                title: "CFO".into(),
                left_on: None,
                since: NaiveDate::from_ymd_opt(2023, 4, 1),
            })
        );
    }

    #[test]
    fn leaving_defaults_to_today_and_refuses_a_day_ahead() {
        let ana = Contact {
            account_id: "A1".into(),
            name: "Ana".into(),
            email: String::new(),
            role: ContactRole::Champion,
            title: String::new(),
            left_on: None,
            since: NaiveDate::from_ymd_opt(2024, 1, 15),
        };
        let mut form = ContactForm::left(&ana, "Acme", today());
        assert_eq!(
            press(&mut form, KeyCode::Enter),
            FormOutcome::Submit(Write::Contact {
                account_id: "A1".into(),
                change: ContactChange::Left { name: "Ana".into(), on: today() },
            })
        );
        for _ in 0..10 {
            press(&mut form, KeyCode::Backspace);
        }
        typed(&mut form, "tomorrow");
        assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
        assert_eq!(
            form.error.as_deref(),
            Some("left: 2025-06-02 is after today; give the day they left")
        );
        let mut edit = ContactForm::edit(&ana, "Acme", today());
        typed(&mut edit, " Diaz");
        let FormOutcome::Submit(Write::Contact { change, .. }) = press(&mut edit, KeyCode::Enter)
        else {
            panic!("not submitted");
        };
        assert!(matches!(change, ContactChange::Edit { ref name, ref contact }
            if name == "Ana" && contact.name == "Ana Diaz"
                && contact.since == NaiveDate::from_ymd_opt(2024, 1, 15)));
    }
}
