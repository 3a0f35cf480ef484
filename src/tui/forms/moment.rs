//! The calendar's small form for a one-off moment (kick-off, onboarding
//! checkpoint, executive review, annual review): kind, due date, title. It
//! takes keys while open and answers with a typed [`Write`]; it never
//! touches the store. Its control keys are a table ([`KEYS`]); any other
//! key is typed into the date or the title.

use crate::domain::day_text;
use crate::domain::moment::MomentKind;
use crate::tui::action::Action;
use crate::tui::forms::{Form, FormOutcome};
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use crate::tui::widgets::{centered, fit};
use crate::tui::write::Write;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

/// The moment form's keymap scope.
pub const SCOPE: &str = "moment_form";

/// Its keys (and `Esc`, as in every popup and form).
pub const KEYS: &[(&str, Action)] = &[
    ("pgup", Action::PrevChoice),
    ("pgdn", Action::NextChoice),
    ("tab", Action::NextField),
    ("backtab", Action::NextField),
    ("down", Action::NextField),
    ("up", Action::NextField),
    ("enter", Action::Save),
];

/// The kinds a person adds by hand; the tier cadences schedule the others.
pub const ONE_OFF_KINDS: [MomentKind; 4] = [
    MomentKind::KickOff,
    MomentKind::OnboardingCheckpoint,
    MomentKind::ExecutiveReview,
    MomentKind::AnnualReview,
];

/// The open form.
#[derive(Debug, Clone)]
pub struct MomentForm {
    pub account_id: String,
    pub name: String,
    pub kind: usize,
    pub due: Input,
    pub title: Input,
    /// Which text field takes typing: false the date, true the title.
    pub on_title: bool,
    pub error: Option<String>,
    /// The day relative dates (`+7d`, `fri`) count from.
    pub today: NaiveDate,
}

impl MomentForm {
    /// A form for `account_id`, due on `due` (the calendar's selected day).
    pub fn new(account_id: &str, name: &str, due: NaiveDate, today: NaiveDate) -> MomentForm {
        MomentForm {
            account_id: account_id.to_string(),
            name: name.to_string(),
            kind: 0,
            due: Input::new(due.format("%Y-%m-%d").to_string()),
            title: Input::default(),
            on_title: false,
            error: None,
            today,
        }
    }

    pub fn kind(&self) -> MomentKind {
        ONE_OFF_KINDS[self.kind % ONE_OFF_KINDS.len()]
    }

    fn cycle(&mut self, forward: bool) {
        let count = ONE_OFF_KINDS.len();
        self.kind = if forward { (self.kind + 1) % count } else { (self.kind + count - 1) % count };
    }
}

impl Form for MomentForm {
    fn scope(&self) -> &'static str {
        SCOPE
    }

    /// Applies a key's action in [`SCOPE`] (the kind, the field, add,
    /// cancel), or types the key.
    fn key(&mut self, key: KeyEvent, action: Option<Action>, today: NaiveDate) -> FormOutcome {
        match action {
            Some(Action::Cancel) => return FormOutcome::Cancel,
            Some(Action::NextField) => {
                self.on_title = !self.on_title;
            }
            Some(Action::PrevChoice) => self.cycle(false),
            Some(Action::NextChoice) => self.cycle(true),
            Some(Action::Save) => {
                return match day_text::parse(self.due.value(), today) {
                    Ok(date) if date >= today => FormOutcome::Submit(Write::Moment {
                        account_id: self.account_id.clone(),
                        kind: self.kind(),
                        title: self.title.value().trim().to_string(),
                        due_on: date,
                    }),
                    Ok(_) => {
                        self.error = Some(format!("pick {today} or later"));
                        FormOutcome::Stay
                    }
                    Err(error) => {
                        self.error = Some(format!("due: {error}"));
                        FormOutcome::Stay
                    }
                };
            }
            _ => {
                let input = if self.on_title { &mut self.title } else { &mut self.due };
                if let Some(request) = to_input_request(&Event::Key(key)) {
                    input.handle(request);
                }
            }
        }
        FormOutcome::Stay
    }

    /// Pastes one line into the date or the title.
    fn paste(&mut self, text: &str) -> Result<(), String> {
        let input = if self.on_title { &mut self.title } else { &mut self.due };
        crate::tui::paste::paste(input, text, crate::tui::paste::Lines::One)
    }

    /// Draws the form centred in `area`. Reads only.
    fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme, keymap: &Keymap) {
        let rect = centered(area, 66, 9);
        frame.render_widget(Clear, rect);
        let block = Block::bordered()
            .title(Span::styled(" Add a moment ", theme.title()))
            .border_style(theme.border(true));
        let inner = block.inner(rect);
        let width = usize::from(inner.width).saturating_sub(10);
        let field = |label: &str, value: String, active: bool| {
            Line::from(vec![
                Span::styled(format!("{label:<9}"), if active { theme.key() } else { theme.dim() }),
                Span::raw(fit(&value, width)),
            ])
        };
        let title = if self.title.value().is_empty() {
            format!("({})", self.kind().title())
        } else {
            self.title.value().to_string()
        };
        let lines = vec![
            Line::from(vec![
                Span::styled("Account  ", theme.dim()),
                Span::styled(fit(&self.name, width), theme.title()),
            ]),
            field("Kind", format!("‹ {} ›", self.kind().title()), false),
            date_field(self.due.value(), self.today, width, !self.on_title, theme),
            field("Title", title, self.on_title),
            Line::from(""),
            match &self.error {
                Some(e) => Line::from(Span::styled(e.clone(), theme.error())),
                None => Line::from(Span::styled(
                    format!(
                        "{}/{} kind · {}",
                        keymap
                            .first_key(SCOPE, Action::PrevChoice)
                            .map(|k| k.label())
                            .unwrap_or_default(),
                        keymap
                            .first_key(SCOPE, Action::NextChoice)
                            .map(|k| k.label())
                            .unwrap_or_default(),
                        keymap.footer(
                            SCOPE,
                            &[
                                (Action::NextField, "field"),
                                (Action::Save, "add"),
                                (Action::Cancel, "cancel")
                            ],
                        )
                    ),
                    theme.dim(),
                )),
            },
        ];
        frame.render_widget(Paragraph::new(lines).block(block), rect);
        let (input, row) = if self.on_title { (&self.title, 3) } else { (&self.due, 2) };
        let shown =
            if self.on_title && input.value().is_empty() { 0 } else { input.visual_cursor() };
        let x = inner.x + 9 + u16::try_from(shown.min(width)).unwrap_or(0);
        if row < inner.height && x < inner.x + inner.width {
            frame.set_cursor_position((x, inner.y + row));
        }
    }
}

/// The due date as typed, with the day it means beside it.
fn date_field(
    text: &str,
    today: NaiveDate,
    width: usize,
    active: bool,
    theme: Theme,
) -> Line<'static> {
    let label =
        Span::styled(format!("{:<9}", "Due"), if active { theme.key() } else { theme.dim() });
    let typed = fit(text, width);
    let room = width.saturating_sub(unicode_width::UnicodeWidthStr::width(typed.as_str()) + 2);
    let echo = match day_text::echo(text, today) {
        Some(echo) => Span::styled(format!("  {}", fit(&echo, room)), theme.dim()),
        None if text.trim().is_empty() => Span::raw(""),
        None => Span::styled(format!("  {}", fit("? not a date yet", room)), theme.dim()),
    };
    Line::from(vec![label, Span::raw(typed), echo])
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    fn press(form: &mut MomentForm, code: KeyCode, today: NaiveDate) -> FormOutcome {
        crate::tui::forms::pressed(form, KeyEvent::new(code, KeyModifiers::NONE), today)
    }

    #[test]
    fn the_form_checks_the_date_and_writes_the_kind_chosen() {
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("d");
        let mut form =
            MomentForm::new("A1", "Acme", NaiveDate::from_ymd_opt(2025, 5, 30).expect("d"), today);
        assert_eq!(press(&mut form, KeyCode::Enter, today), FormOutcome::Stay);
        assert_eq!(form.error.as_deref(), Some("pick 2025-06-01 or later"));
        for _ in 0..10 {
            press(&mut form, KeyCode::Backspace, today);
        }
        for c in "2025-07-0x".chars() {
            press(&mut form, KeyCode::Char(c), today);
        }
        press(&mut form, KeyCode::Enter, today);
        let error = form.error.clone().unwrap_or_default();
        assert!(error.starts_with("due: \"2025-07-0x\" is not a date: type YYYY-MM-DD"), "{error}");
        press(&mut form, KeyCode::Backspace, today);
        press(&mut form, KeyCode::Char('2'), today);
        press(&mut form, KeyCode::PageDown, today);
        press(&mut form, KeyCode::Tab, today);
        for c in "Go-live check".chars() {
            press(&mut form, KeyCode::Char(c), today);
        }
        assert_eq!(
            press(&mut form, KeyCode::Enter, today),
            FormOutcome::Submit(Write::Moment {
                account_id: "A1".into(),
                kind: MomentKind::OnboardingCheckpoint,
                title: "Go-live check".into(),
                due_on: NaiveDate::from_ymd_opt(2025, 7, 2).expect("d"),
            })
        );
        assert_eq!(press(&mut form, KeyCode::Esc, today), FormOutcome::Cancel);
    }

    #[test]
    fn the_due_date_may_be_typed_as_people_say_it() {
        // A Sunday.
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("d");
        let mut form = MomentForm::new("A1", "Acme", today, today);
        for _ in 0..10 {
            press(&mut form, KeyCode::Backspace, today);
        }
        for c in "fri".chars() {
            press(&mut form, KeyCode::Char(c), today);
        }
        assert_eq!(
            day_text::echo(form.due.value(), form.today).as_deref(),
            Some("→ Fri 2025-06-06 · in 5 days")
        );
        match press(&mut form, KeyCode::Enter, today) {
            FormOutcome::Submit(Write::Moment { due_on, .. }) => {
                assert_eq!(due_on, NaiveDate::from_ymd_opt(2025, 6, 6).expect("d"));
            }
            other => panic!("{other:?}"),
        }
    }
}
