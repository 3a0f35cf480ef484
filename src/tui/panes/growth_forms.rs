//! The small forms of the account's Growth section: potential units of a
//! product (or the account's default), a new trial, a trial's takeaway test
//! (passed / failed / not yet, with a note), a new success plan, and a plan's
//! current value. A form takes keys while open, shows what is wrong in
//! itself, and answers with one typed [`Write`] only once everything typed
//! is valid; it never touches the store.

use crate::domain::success_plan::{PlanValue, SuccessPlan, SuccessPlanFields};
use crate::domain::trial::{Takeaway, Trial, TrialFields};
use crate::tui::panes::Write;
use crate::tui::panes::moment_form::FormOutcome;
use crate::tui::theme::Theme;
use crate::tui::widgets::{centered, fit};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

/// The takeaway choices, in the order the form cycles them.
const TAKEAWAYS: [Takeaway; 3] = [Takeaway::NotYet, Takeaway::Passed, Takeaway::Failed];

/// Width of the field labels.
const LABEL: usize = 15;

/// What the form records, with what it needs beyond the typed fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    /// Potential units of this product, or of the account when `None`.
    Potential { product: Option<String> },
    /// A new trial.
    Trial,
    /// The takeaway test of trial `id`.
    Takeaway { id: i64 },
    /// A new success plan.
    Plan,
    /// The current value of plan `id`.
    PlanValue { id: i64 },
}

/// One field: typed text, or a choice among words (←→ or Space).
#[derive(Debug, Clone)]
pub enum Field {
    Text { label: &'static str, input: Input },
    Choice { label: &'static str, words: &'static [&'static str], index: usize },
}

impl Field {
    fn text(label: &'static str, value: &str) -> Field {
        Field::Text { label, input: Input::new(value.to_string()) }
    }

    fn label(&self) -> &'static str {
        match self {
            Field::Text { label, .. } | Field::Choice { label, .. } => label,
        }
    }
}

/// An open Growth form.
#[derive(Debug, Clone)]
pub struct GrowthForm {
    pub account_id: String,
    pub name: String,
    pub kind: FormKind,
    pub title: &'static str,
    /// Read-only lines under the account (what is being edited).
    pub context: Vec<String>,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub error: Option<String>,
}

fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A `YYYY-MM-DD` date, or an error naming the field.
pub fn parse_date(label: &str, text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("{label} {text:?}: write it as YYYY-MM-DD"))
}

/// Potential units: a whole number ≥ 0 (thousands commas allowed), or empty
/// to clear the potential.
pub fn parse_units(text: &str) -> Result<Option<i64>, String> {
    let cleaned = text.trim().replace([',', '_'], "");
    if cleaned.is_empty() {
        return Ok(None);
    }
    match cleaned.parse::<i64>() {
        Ok(units) if units >= 0 => Ok(Some(units)),
        _ => Err(format!(
            "potential units {:?}: write a whole number like 120 (empty clears it)",
            text.trim()
        )),
    }
}

fn parse_value(label: &str, text: &str) -> Result<PlanValue, String> {
    let cleaned = text.trim().replace(',', "");
    PlanValue::parse(&cleaned)
        .map_err(|_| format!("{label} {:?}: write a number like 12 or 12.5", text.trim()))
}

fn takeaway_word(takeaway: Takeaway) -> &'static str {
    match takeaway {
        Takeaway::Passed => "passed",
        Takeaway::Failed => "failed",
        Takeaway::NotYet => "not yet",
    }
}

const TAKEAWAY_WORDS: [&str; 3] = ["not yet", "passed", "failed"];

impl GrowthForm {
    fn new(
        account_id: &str,
        name: &str,
        kind: FormKind,
        title: &'static str,
        fields: Vec<Field>,
    ) -> GrowthForm {
        GrowthForm {
            account_id: account_id.to_string(),
            name: name.to_string(),
            kind,
            title,
            context: Vec::new(),
            fields,
            focus: 0,
            error: None,
        }
    }

    /// Potential units of `product` (or of the account when `None`),
    /// prefilled with the current potential.
    pub fn potential(
        account_id: &str,
        name: &str,
        product: Option<&str>,
        current: Option<i64>,
    ) -> GrowthForm {
        let mut form = GrowthForm::new(
            account_id,
            name,
            FormKind::Potential { product: product.map(str::to_string) },
            "Potential units",
            vec![Field::text("Potential", &current.map(|u| u.to_string()).unwrap_or_default())],
        );
        form.context.push(match product {
            Some(product) => format!("Product: {product}"),
            None => "The account's default (used when no product has a potential)".to_string(),
        });
        form
    }

    /// A new trial on `product` (may be empty), from today for 30 days.
    pub fn trial(account_id: &str, name: &str, product: &str, today: NaiveDate) -> GrowthForm {
        GrowthForm::new(
            account_id,
            name,
            FormKind::Trial,
            "Add a trial",
            vec![
                Field::text("Product", product),
                Field::text("Start", &date_text(today)),
                Field::text("End", &date_text(today + chrono::Duration::days(30))),
                Field::text("Criteria", ""),
            ],
        )
    }

    /// The takeaway test of `trial`, prefilled with what is recorded.
    pub fn takeaway(account_id: &str, name: &str, trial: &Trial) -> GrowthForm {
        let index = TAKEAWAYS.iter().position(|t| *t == trial.takeaway).unwrap_or(0);
        let mut form = GrowthForm::new(
            account_id,
            name,
            FormKind::Takeaway { id: trial.id },
            "Takeaway test",
            vec![
                Field::Choice { label: "Result", words: &TAKEAWAY_WORDS, index },
                Field::text("Note", &trial.note),
            ],
        );
        let product = if trial.product.is_empty() { "platform" } else { &trial.product };
        form.context.push(format!("Trial: {product} {} → {}", trial.start_date, trial.end_date));
        form.context.push("Would they care if it were switched off?".to_string());
        form
    }

    /// A new success plan starting today.
    pub fn plan(account_id: &str, name: &str, today: NaiveDate) -> GrowthForm {
        GrowthForm::new(
            account_id,
            name,
            FormKind::Plan,
            "Add a success plan",
            vec![
                Field::text("Measure", ""),
                Field::text("Unit", ""),
                Field::text("Baseline", ""),
                Field::text("Target", ""),
                Field::text("Current", ""),
                Field::text("Start", &date_text(today)),
                Field::text("Target date", ""),
            ],
        )
    }

    /// The current value of `plan`, prefilled.
    pub fn plan_value(account_id: &str, name: &str, plan: &SuccessPlan) -> GrowthForm {
        let fields = &plan.fields;
        let mut form = GrowthForm::new(
            account_id,
            name,
            FormKind::PlanValue { id: plan.id },
            "Success plan value",
            vec![Field::text("Current", &fields.current.to_string())],
        );
        form.context.push(format!("Plan: {} ({})", fields.measure, fields.unit));
        form.context.push(format!(
            "From {} to {} by {}",
            fields.baseline, fields.target, fields.target_date
        ));
        form
    }

    fn value(&self, index: usize) -> &str {
        match self.fields.get(index) {
            Some(Field::Text { input, .. }) => input.value(),
            Some(Field::Choice { words, index, .. }) => words.get(*index).copied().unwrap_or(""),
            None => "",
        }
    }

    /// The write the form stands for, or what is wrong with it.
    pub fn submit(&self) -> Result<Write, String> {
        let account_id = self.account_id.clone();
        match &self.kind {
            FormKind::Potential { product } => {
                let units = parse_units(self.value(0))?;
                Ok(match product {
                    Some(product) => {
                        Write::Potential { account_id, product: product.clone(), units }
                    }
                    None => Write::AccountPotential { account_id, units },
                })
            }
            FormKind::Trial => {
                let criteria = self.value(3).trim().to_string();
                let fields = TrialFields {
                    product: self.value(0).trim().to_string(),
                    start_date: parse_date("start", self.value(1))?,
                    end_date: parse_date("end", self.value(2))?,
                    success_criteria: criteria,
                    takeaway: Takeaway::NotYet,
                    note: String::new(),
                };
                if fields.success_criteria.is_empty() {
                    return Err("write the success criteria agreed with the customer".to_string());
                }
                fields.validate()?;
                Ok(Write::Trial { account_id, fields })
            }
            FormKind::Takeaway { id } => {
                let word = self.value(0);
                let takeaway = TAKEAWAYS
                    .into_iter()
                    .find(|t| takeaway_word(*t) == word)
                    .unwrap_or(Takeaway::NotYet);
                let note = self.value(1).trim().to_string();
                if takeaway != Takeaway::NotYet && note.is_empty() {
                    return Err(format!("say in the note why it {}", takeaway_word(takeaway)));
                }
                Ok(Write::Takeaway { account_id, id: *id, takeaway, note })
            }
            FormKind::Plan => {
                if self.value(0).trim().is_empty() {
                    return Err("write the measure: what the customer counts".to_string());
                }
                let baseline = parse_value("baseline", self.value(2))?;
                let target = parse_value("target", self.value(3))?;
                let current = if self.value(4).trim().is_empty() {
                    baseline
                } else {
                    parse_value("current", self.value(4))?
                };
                if target == baseline {
                    return Err("the target must differ from the baseline".to_string());
                }
                let fields = SuccessPlanFields {
                    measure: self.value(0).trim().to_string(),
                    unit: self.value(1).trim().to_string(),
                    baseline,
                    target,
                    current,
                    start_date: parse_date("start", self.value(5))?,
                    target_date: parse_date("target date", self.value(6))?,
                };
                fields.validate()?;
                Ok(Write::SuccessPlan { account_id, fields })
            }
            FormKind::PlanValue { id } => Ok(Write::PlanCurrent {
                account_id,
                id: *id,
                current: parse_value("current", self.value(0))?,
            }),
        }
    }

    /// Applies a key: Tab/↑↓ move between fields, ←→/Space change a choice,
    /// Enter saves when valid, Esc cancels; anything else is typed.
    pub fn key(&mut self, key: KeyEvent) -> FormOutcome {
        let count = self.fields.len().max(1);
        match key.code {
            KeyCode::Esc => return FormOutcome::Cancel,
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % count,
            KeyCode::BackTab | KeyCode::Up => self.focus = (self.focus + count - 1) % count,
            KeyCode::Enter => {
                return match self.submit() {
                    Ok(write) => FormOutcome::Submit(write),
                    Err(error) => {
                        self.error = Some(error);
                        FormOutcome::Stay
                    }
                };
            }
            code => {
                self.error = None;
                match self.fields.get_mut(self.focus) {
                    Some(Field::Choice { words, index, .. }) => {
                        let n = words.len().max(1);
                        match code {
                            KeyCode::Right | KeyCode::Char(' ') => *index = (*index + 1) % n,
                            KeyCode::Left => *index = (*index + n - 1) % n,
                            _ => {}
                        }
                    }
                    Some(Field::Text { input, .. }) => {
                        if let Some(request) = to_input_request(&Event::Key(key)) {
                            input.handle(request);
                        }
                    }
                    None => {}
                }
            }
        }
        FormOutcome::Stay
    }

    /// Draws the form centred in `area`. Reads only.
    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        let height = u16::try_from(self.context.len() + self.fields.len() + 5).unwrap_or(12);
        let rect = centered(area, 72, height);
        frame.render_widget(Clear, rect);
        let block = Block::bordered()
            .title(Span::styled(format!(" {} ", self.title), theme.title()))
            .border_style(theme.border(true));
        let inner = block.inner(rect);
        let width = usize::from(inner.width).saturating_sub(LABEL + 1);
        let mut lines = vec![Line::from(vec![
            Span::styled(format!(" {:<LABEL$}", "Account"), theme.dim()),
            Span::styled(fit(&self.name, width), theme.title()),
        ])];
        for text in &self.context {
            lines.push(Line::from(Span::styled(
                format!(" {}", fit(text, usize::from(inner.width).saturating_sub(1))),
                theme.dim(),
            )));
        }
        let first_field = lines.len();
        for (index, field) in self.fields.iter().enumerate() {
            let focused = index == self.focus;
            let mark = if focused { Span::styled("›", theme.key()) } else { Span::raw(" ") };
            let label = Span::styled(
                format!("{:<LABEL$}", field.label()),
                if focused { theme.key() } else { theme.dim() },
            );
            let mut spans = vec![mark, label];
            match field {
                Field::Text { input, .. } => spans.push(Span::raw(fit(input.value(), width))),
                Field::Choice { words, index, .. } => {
                    for (i, word) in words.iter().enumerate() {
                        let style = if i == *index { theme.active_tab() } else { theme.dim() };
                        spans.push(Span::styled(word.to_string(), style));
                        spans.push(Span::raw(" "));
                    }
                }
            }
            lines.push(Line::from(spans));
        }
        lines.push(Line::from(""));
        lines.push(match &self.error {
            Some(e) => Line::from(Span::styled(format!(" {e}"), theme.error())),
            None => Line::from(Span::styled(
                " Tab/↑↓ field · ←→ choose · Enter save · Esc cancel",
                theme.dim(),
            )),
        });
        frame.render_widget(Paragraph::new(lines).block(block), rect);
        if let Some(Field::Text { input, .. }) = self.fields.get(self.focus) {
            let row = u16::try_from(first_field + self.focus).unwrap_or(0);
            let column = u16::try_from(1 + LABEL + input.visual_cursor().min(width)).unwrap_or(0);
            let x = inner.x + column;
            if row < inner.height && x < inner.x + inner.width {
                frame.set_cursor_position((x, inner.y + row));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyModifiers;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn press(form: &mut GrowthForm, code: KeyCode) -> FormOutcome {
        form.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn typed(form: &mut GrowthForm, text: &str) {
        for c in text.chars() {
            press(form, KeyCode::Char(c));
        }
    }

    fn clear(form: &mut GrowthForm) {
        for _ in 0..40 {
            press(form, KeyCode::Backspace);
        }
    }

    #[test]
    fn units_are_whole_non_negative_or_empty() {
        assert_eq!(parse_units(" 1,200 "), Ok(Some(1200)));
        assert_eq!(parse_units(""), Ok(None));
        assert_eq!(parse_units("0"), Ok(Some(0)));
        assert!(parse_units("-3").is_err());
        assert!(parse_units("2.5").is_err());
        assert!(parse_units("lots").is_err());
    }

    #[test]
    fn potential_form_writes_the_product_or_the_account() {
        let mut form = GrowthForm::potential("A1", "Acme", Some("Core"), Some(100));
        press(&mut form, KeyCode::Backspace);
        press(&mut form, KeyCode::Backspace);
        press(&mut form, KeyCode::Backspace);
        typed(&mut form, "12x");
        assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
        assert!(form.error.as_deref().is_some_and(|e| e.starts_with("potential units")));
        press(&mut form, KeyCode::Backspace);
        assert_eq!(
            press(&mut form, KeyCode::Enter),
            FormOutcome::Submit(Write::Potential {
                account_id: "A1".into(),
                product: "Core".into(),
                units: Some(12)
            })
        );
        let mut form = GrowthForm::potential("A1", "Acme", None, Some(5));
        press(&mut form, KeyCode::Backspace);
        assert_eq!(
            press(&mut form, KeyCode::Enter),
            FormOutcome::Submit(Write::AccountPotential { account_id: "A1".into(), units: None })
        );
    }

    #[test]
    fn trial_form_needs_criteria_and_ordered_dates() {
        let mut form = GrowthForm::trial("A1", "Acme", "Core", day(2025, 6, 1));
        assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
        assert!(form.error.as_deref().is_some_and(|e| e.contains("success criteria")));
        press(&mut form, KeyCode::Tab);
        press(&mut form, KeyCode::Tab);
        clear(&mut form);
        typed(&mut form, "2025-05-01");
        press(&mut form, KeyCode::Tab);
        typed(&mut form, "5 teams weekly");
        assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
        assert!(form.error.as_deref().is_some_and(|e| e.contains("before it starts")));
        press(&mut form, KeyCode::Up);
        clear(&mut form);
        typed(&mut form, "2025-06-3x");
        press(&mut form, KeyCode::Enter);
        assert_eq!(form.error.as_deref(), Some("end \"2025-06-3x\": write it as YYYY-MM-DD"));
        press(&mut form, KeyCode::Backspace);
        typed(&mut form, "0");
        assert_eq!(
            press(&mut form, KeyCode::Enter),
            FormOutcome::Submit(Write::Trial {
                account_id: "A1".into(),
                fields: TrialFields {
                    product: "Core".into(),
                    start_date: day(2025, 6, 1),
                    end_date: day(2025, 6, 30),
                    success_criteria: "5 teams weekly".into(),
                    takeaway: Takeaway::NotYet,
                    note: String::new(),
                }
            })
        );
    }

    #[test]
    fn a_takeaway_result_needs_a_note() {
        let trial = Trial {
            id: 7,
            account_id: "A1".into(),
            product: "Core".into(),
            start_date: day(2025, 4, 1),
            end_date: day(2025, 5, 20),
            success_criteria: "ten teams".into(),
            takeaway: Takeaway::NotYet,
            note: String::new(),
        };
        let mut form = GrowthForm::takeaway("A1", "Acme", &trial);
        press(&mut form, KeyCode::Right);
        press(&mut form, KeyCode::Right);
        assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
        assert_eq!(form.error.as_deref(), Some("say in the note why it failed"));
        press(&mut form, KeyCode::Tab);
        typed(&mut form, "nobody logged in");
        assert_eq!(
            press(&mut form, KeyCode::Enter),
            FormOutcome::Submit(Write::Takeaway {
                account_id: "A1".into(),
                id: 7,
                takeaway: Takeaway::Failed,
                note: "nobody logged in".into()
            })
        );
        assert_eq!(press(&mut form, KeyCode::Esc), FormOutcome::Cancel);
    }

    #[test]
    fn plan_form_checks_values_and_dates() {
        let mut form = GrowthForm::plan("A1", "Acme", day(2025, 6, 1));
        assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
        assert!(form.error.as_deref().is_some_and(|e| e.contains("measure")));
        typed(&mut form, "hours saved per week");
        assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
        assert!(form.error.as_deref().is_some_and(|e| e.starts_with("baseline")));
        press(&mut form, KeyCode::Tab);
        typed(&mut form, "hours");
        press(&mut form, KeyCode::Tab);
        typed(&mut form, "10");
        press(&mut form, KeyCode::Tab);
        typed(&mut form, "30.5");
        press(&mut form, KeyCode::Tab);
        press(&mut form, KeyCode::Tab);
        press(&mut form, KeyCode::Tab);
        typed(&mut form, "2025-05-01");
        assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
        assert!(form.error.as_deref().is_some_and(|e| e.contains("before the start date")));
        clear(&mut form);
        typed(&mut form, "2025-12-31");
        assert_eq!(
            press(&mut form, KeyCode::Enter),
            FormOutcome::Submit(Write::SuccessPlan {
                account_id: "A1".into(),
                fields: SuccessPlanFields {
                    measure: "hours saved per week".into(),
                    unit: "hours".into(),
                    baseline: PlanValue(1000),
                    target: PlanValue(3050),
                    current: PlanValue(1000),
                    start_date: day(2025, 6, 1),
                    target_date: day(2025, 12, 31),
                }
            })
        );
    }

    #[test]
    fn plan_value_form_parses_exactly() {
        let plan = SuccessPlan {
            id: 3,
            account_id: "A1".into(),
            fields: SuccessPlanFields {
                measure: "hours".into(),
                unit: "h".into(),
                baseline: PlanValue(0),
                target: PlanValue(1000),
                current: PlanValue(200),
                start_date: day(2025, 1, 1),
                target_date: day(2025, 12, 31),
            },
            updated_at: chrono::DateTime::default(),
        };
        let mut form = GrowthForm::plan_value("A1", "Acme", &plan);
        typed(&mut form, ".555");
        assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
        assert!(form.error.as_deref().is_some_and(|e| e.starts_with("current")));
        press(&mut form, KeyCode::Backspace);
        assert_eq!(
            press(&mut form, KeyCode::Enter),
            FormOutcome::Submit(Write::PlanCurrent {
                account_id: "A1".into(),
                id: 3,
                current: PlanValue(255)
            })
        );
    }
}
