//! The small forms of the account's Growth section: potential units of a
//! product (or the account's default), a new trial, a trial's takeaway test
//! (passed / failed / not yet, with a note), a new success plan, and a plan's
//! current value. A form takes keys while open, shows what is wrong in
//! itself, and answers with one typed [`Write`] only once everything typed
//! is valid; it never touches the store. Their control keys are one table
//! ([`KEYS`]); a choice key on a text field is typed (← → move the cursor).

use crate::domain::day_text;
use crate::domain::success_plan::{PlanValue, SuccessPlan, SuccessPlanFields};
use crate::domain::trial::{Takeaway, Trial, TrialFields};
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
use unicode_width::UnicodeWidthStr as _;

/// The growth forms' keymap scope.
pub const SCOPE: &str = "growth_form";

/// Their keys (and `Esc`, as in every popup and form).
pub const KEYS: &[(&str, Action)] = &[
    ("tab", Action::NextField),
    ("down", Action::NextField),
    ("backtab", Action::PrevField),
    ("up", Action::PrevField),
    ("right", Action::NextChoice),
    ("space", Action::NextChoice),
    ("left", Action::PrevChoice),
    ("enter", Action::Save),
];

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

/// One field: typed text, a typed date (shown with the day it means), or a
/// choice among words (←→ or Space).
#[derive(Debug, Clone)]
pub enum Field {
    Text {
        label: &'static str,
        input: Input,
    },
    /// A date typed as `2026-12-11`, `+2w`, `fri`… counted from `today`.
    Date {
        label: &'static str,
        input: Input,
        today: NaiveDate,
    },
    Choice {
        label: &'static str,
        words: &'static [&'static str],
        index: usize,
    },
}

impl Field {
    fn text(label: &'static str, value: &str) -> Field {
        Field::Text { label, input: Input::new(value.to_string()) }
    }

    fn date(label: &'static str, value: &str, today: NaiveDate) -> Field {
        Field::Date { label, input: Input::new(value.to_string()), today }
    }

    fn label(&self) -> &'static str {
        match self {
            Field::Text { label, .. } | Field::Date { label, .. } | Field::Choice { label, .. } => {
                label
            }
        }
    }

    fn input_mut(&mut self) -> Option<&mut Input> {
        match self {
            Field::Text { input, .. } | Field::Date { input, .. } => Some(input),
            Field::Choice { .. } => None,
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

/// The date a field's text means on `today`, or an error naming the field.
pub fn parse_date(label: &str, text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    day_text::parse(text, today).map_err(|error| format!("{label}: {error}"))
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
                Field::date("Start", &date_text(today), today),
                Field::date("End", &date_text(today + chrono::Duration::days(30)), today),
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
                Field::date("Start", &date_text(today), today),
                Field::date("Target date", "", today),
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
            Some(Field::Text { input, .. } | Field::Date { input, .. }) => input.value(),
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
                    start_date: self.date("start", 1)?,
                    end_date: self.date("end", 2)?,
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
                    start_date: self.date("start", 5)?,
                    target_date: self.date("target date", 6)?,
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

    /// The date typed in field `index`.
    fn date(&self, label: &str, index: usize) -> Result<NaiveDate, String> {
        match self.fields.get(index) {
            Some(Field::Date { input, today, .. }) => parse_date(label, input.value(), *today),
            _ => Err(format!("{label}: no such date field")),
        }
    }
}

/// A date field carries the day it counts from, so `today` is not needed.
impl Form for GrowthForm {
    /// Pastes one line into the focused text field; a choice takes none.
    fn paste(&mut self, text: &str) -> Result<(), String> {
        match self.fields.get_mut(self.focus).and_then(Field::input_mut) {
            Some(input) => {
                crate::tui::paste::paste(input, text, crate::tui::paste::Lines::One)?;
                self.error = None;
                Ok(())
            }
            _ => Err("nothing pasted: this field is a choice, not text".to_string()),
        }
    }

    fn scope(&self) -> &'static str {
        SCOPE
    }

    /// Applies a key's action in [`SCOPE`]: move between fields, change a
    /// choice, save when valid, cancel; anything else is typed.
    fn key(&mut self, key: KeyEvent, action: Option<Action>, _today: NaiveDate) -> FormOutcome {
        let count = self.fields.len().max(1);
        match action {
            Some(Action::Cancel) => return FormOutcome::Cancel,
            Some(Action::NextField) => self.focus = (self.focus + 1) % count,
            Some(Action::PrevField) => self.focus = (self.focus + count - 1) % count,
            Some(Action::Save) => {
                return match self.submit() {
                    Ok(write) => FormOutcome::Submit(write),
                    Err(error) => {
                        self.error = Some(error);
                        FormOutcome::Stay
                    }
                };
            }
            action => {
                self.error = None;
                match self.fields.get_mut(self.focus) {
                    Some(Field::Choice { words, index, .. }) => {
                        let n = words.len().max(1);
                        match action {
                            Some(Action::NextChoice) => *index = (*index + 1) % n,
                            Some(Action::PrevChoice) => *index = (*index + n - 1) % n,
                            _ => {}
                        }
                    }
                    Some(Field::Text { input, .. } | Field::Date { input, .. }) => {
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
    fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme, keymap: &Keymap) {
        // An error says what to write in full: its wrapped lines grow the box.
        let error_lines: Vec<String> = self
            .error
            .as_deref()
            .map(|e| crate::tui::widgets::wrap::wrap_words(&crate::text::inert::line(e), 72 - 3))
            .unwrap_or_default();
        let extra = error_lines.len().saturating_sub(1);
        let height =
            u16::try_from(self.context.len() + self.fields.len() + 5 + extra).unwrap_or(12);
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
                Field::Date { input, today, .. } => {
                    let typed = fit(input.value(), width);
                    let room = width.saturating_sub(typed.width() + 2);
                    let echo = match day_text::echo(input.value(), *today) {
                        Some(echo) => echo,
                        None if input.value().trim().is_empty() => String::new(),
                        None => "? not a date yet".to_string(),
                    };
                    spans.push(Span::raw(typed));
                    if !echo.is_empty() && room > 0 {
                        spans.push(Span::styled(format!("  {}", fit(&echo, room)), theme.dim()));
                    }
                }
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
        for part in &error_lines {
            lines.push(Line::from(Span::styled(format!(" {part}"), theme.error())));
        }
        if error_lines.is_empty() {
            lines.push(Line::from(Span::styled(
                format!(
                    " {}",
                    keymap.footer(
                        SCOPE,
                        &[
                            (Action::NextField, "field"),
                            (Action::NextChoice, "choose"),
                            (Action::Save, "save"),
                            (Action::Cancel, "cancel"),
                        ],
                    )
                ),
                theme.dim(),
            )));
        }
        frame.render_widget(Paragraph::new(lines).block(block), rect);
        if let Some(Field::Text { input, .. } | Field::Date { input, .. }) =
            self.fields.get(self.focus)
        {
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
mod tests;
