//! The account view's "Growth" section: where the account can still grow and
//! how it is getting there. Product lines (ARR, units, potential, absorption
//! with "standard" over 50%, whitespace) and the account's default potential;
//! its trials (dates, success criteria, takeaway test and note, overdue
//! marked); its success plans (baseline → current → target, dates, and on
//! track / behind with the rule's two shares). A cursor runs over those rows,
//! and the forms of `forms::growth` edit them.
//!
//! Everything is read once by [`AccountGrowth::load`]; drawing only lays it
//! out. The section never writes: a submitted form answers with a typed
//! [`Write`] that the app applies, after which the owner reloads the section.
//! The arithmetic is `metrics::absorption` and `domain::success_plan`'s
//! on-track rule; this file only shows it.

use crate::domain::success_plan::{PlanStatus, SuccessPlan, SuccessPlanFields};
use crate::domain::trial::{Takeaway, Trial};
use crate::metrics::Rate;
use crate::metrics::absorption::{
    AccountAbsorption, ProductLine, absorption, account_absorption, is_standard, whitespace,
};
use crate::store::Store;
use crate::tui::action::Action;
use crate::tui::forms::growth::GrowthForm;
use crate::tui::forms::{Form, FormOutcome};
use crate::tui::keymap::{Key, Keymap};
use crate::tui::panes::{Request, Write};
use crate::tui::theme::Theme;
use crate::tui::widgets::cut::cut_lines;
use crate::tui::widgets::{Cursor, fit};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// A row the cursor can stand on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrowthRow {
    /// A product line, by index in `lines`.
    Product(usize),
    /// The account-level potential.
    AccountDefault,
    /// A trial, by index in `trials`.
    Trial(usize),
    /// A success plan, by index in `plans`.
    Plan(usize),
}

/// How far a plan has come and how much of its time has gone, the two
/// shares the on-track rule compares (see `domain::success_plan`).
#[derive(Debug, Clone, Copy)]
pub struct PlanPace {
    /// (current − baseline) / (target − baseline), in the target's
    /// direction; `None` when target and baseline are equal.
    pub progress: Option<Rate>,
    /// Days gone since the start, clamped to 0‥`span_days`.
    pub elapsed_days: i64,
    /// Days from start to target date (at least 1: a one-day plan's single
    /// day is gone once the target date is reached).
    pub span_days: i64,
}

impl PlanPace {
    /// The share of the time gone, 0‥1.
    pub fn elapsed(&self) -> Option<Rate> {
        Rate::new(self.elapsed_days, self.span_days)
    }
}

/// The two shares of the on-track rule for `today`.
pub fn plan_pace(fields: &SuccessPlanFields, today: NaiveDate) -> PlanPace {
    let goal = fields.target.0 - fields.baseline.0;
    let progress = Rate::new(fields.current.0 - fields.baseline.0, goal);
    let span = (fields.target_date - fields.start_date).num_days();
    let (elapsed_days, span_days) = if span <= 0 {
        (i64::from(today >= fields.target_date), 1)
    } else {
        ((today - fields.start_date).num_days().clamp(0, span), span)
    };
    PlanPace { progress, elapsed_days, span_days }
}

/// The account's Growth section.
#[derive(Debug, Clone, Default)]
pub struct AccountGrowth {
    pub account_id: String,
    pub name: String,
    pub today: NaiveDate,
    /// The account-level potential (the fallback when no product has one).
    pub account_potential: Option<i64>,
    pub lines: Vec<ProductLine>,
    /// The account's absorption and whitespace, as the board shows them.
    pub totals: AccountAbsorption,
    pub trials: Vec<Trial>,
    pub plans: Vec<SuccessPlan>,
    rows: Vec<GrowthRow>,
    cursor: Cursor,
    form: Option<GrowthForm>,
}

impl AccountGrowth {
    /// Reads the account's product lines, potentials, trials and plans.
    pub fn load(store: &Store, account_id: &str, today: NaiveDate) -> anyhow::Result<Self> {
        let Some(row) = store.book_row(account_id, today)? else {
            anyhow::bail!("no account {account_id:?} in this book");
        };
        let lines = store.product_lines(account_id)?;
        let totals = account_absorption(row.arr, row.units, row.potential_units, &lines);
        let trials = store.trials(account_id)?;
        let plans = store.success_plans(account_id)?;
        let mut rows: Vec<GrowthRow> = (0..lines.len()).map(GrowthRow::Product).collect();
        rows.push(GrowthRow::AccountDefault);
        rows.extend((0..trials.len()).map(GrowthRow::Trial));
        rows.extend((0..plans.len()).map(GrowthRow::Plan));
        Ok(AccountGrowth {
            account_id: account_id.to_string(),
            name: row.name,
            today,
            account_potential: row.potential_units,
            lines,
            totals,
            trials,
            plans,
            rows,
            cursor: Cursor::default(),
            form: None,
        })
    }

    /// Reloads after a write, keeping the cursor on the same row when it
    /// still exists (a new trial or plan keeps the cursor's index).
    pub fn reload(&mut self, store: &Store, today: NaiveDate) -> anyhow::Result<()> {
        let selected = self.selected();
        let index = self.cursor.selected;
        let mut fresh = AccountGrowth::load(store, &self.account_id, today)?;
        let same = selected.and_then(|row| fresh.rows.iter().position(|r| *r == row));
        fresh.cursor = self.cursor;
        fresh.cursor.select(same.unwrap_or(index), fresh.rows.len());
        *self = fresh;
        Ok(())
    }

    /// The rows the cursor runs over, in drawing order.
    pub fn rows(&self) -> &[GrowthRow] {
        &self.rows
    }

    pub fn selected(&self) -> Option<GrowthRow> {
        self.rows.get(self.cursor.selected).copied()
    }

    /// Moves the cursor by `delta` rows.
    pub fn move_by(&mut self, delta: isize) {
        self.cursor.move_by(delta, self.rows.len());
    }

    /// The open form, if any.
    pub fn form(&self) -> Option<&GrowthForm> {
        self.form.as_ref()
    }

    /// Whether a form is open and takes the keys.
    pub fn typing(&self) -> bool {
        self.form.is_some()
    }

    fn product_at_cursor(&self) -> Option<&ProductLine> {
        match self.selected() {
            Some(GrowthRow::Product(i)) => self.lines.get(i),
            _ => None,
        }
    }

    /// The selected trial, or the latest open one, or the latest one.
    fn trial_at_cursor(&self) -> Option<&Trial> {
        match self.selected() {
            Some(GrowthRow::Trial(i)) => self.trials.get(i),
            _ => self.trials.iter().find(|t| t.is_open()).or(self.trials.first()),
        }
    }

    /// The selected plan, or the one with the nearest target date.
    fn plan_at_cursor(&self) -> Option<&SuccessPlan> {
        match self.selected() {
            Some(GrowthRow::Plan(i)) => self.plans.get(i),
            _ => self.plans.first(),
        }
    }

    /// Opens the potential form for the selected product line, or for the
    /// account's default on any other row.
    pub fn open_potential(&mut self) {
        let form = match self.product_at_cursor() {
            Some(line) => GrowthForm::potential(
                &self.account_id,
                &self.name,
                Some(&line.product),
                line.potential_units,
            ),
            None => {
                GrowthForm::potential(&self.account_id, &self.name, None, self.account_potential)
            }
        };
        self.form = Some(form);
    }

    /// Opens the new-trial form (product prefilled from the selected line).
    pub fn open_trial(&mut self) {
        let product = self.product_at_cursor().map(|l| l.product.clone()).unwrap_or_default();
        self.form = Some(GrowthForm::trial(&self.account_id, &self.name, &product, self.today));
    }

    /// Opens the takeaway form of the selected trial (or the latest open
    /// one); an error to show when the account has no trial.
    pub fn open_takeaway(&mut self) -> Result<(), String> {
        let Some(trial) = self.trial_at_cursor() else {
            return Err("no trial on this account: T adds one".to_string());
        };
        self.form = Some(GrowthForm::takeaway(&self.account_id, &self.name, trial));
        Ok(())
    }

    /// Opens the new-plan form.
    pub fn open_plan(&mut self) {
        self.form = Some(GrowthForm::plan(&self.account_id, &self.name, self.today));
    }

    /// Opens the current-value form of the selected plan (or the nearest);
    /// an error to show when the account has no plan.
    pub fn open_plan_value(&mut self) -> Result<(), String> {
        let Some(plan) = self.plan_at_cursor() else {
            return Err("no success plan on this account: P adds one".to_string());
        };
        self.form = Some(GrowthForm::plan_value(&self.account_id, &self.name, plan));
        Ok(())
    }

    /// A key typed while a form is open: `Some(writes)` once the form is
    /// valid and submitted (the form closes), `None` otherwise (Esc closes
    /// it with nothing written).
    pub fn form_key(&mut self, key: KeyEvent, keymap: &Keymap) -> Option<Vec<Write>> {
        let form = self.form.as_mut()?;
        let action = keymap.action(form.scope(), Key::from_event(key));
        match form.key(key, action, self.today) {
            FormOutcome::Stay => None,
            FormOutcome::Cancel => {
                self.form = None;
                None
            }
            FormOutcome::Submit(write) => {
                self.form = None;
                Some(vec![write])
            }
        }
    }

    /// The section's actions as the account view routes them: the cursor
    /// keys and the five edit keys; anything else is `Request::Ignored`.
    pub fn update(&mut self, action: Action) -> Request {
        match action {
            Action::Down => self.move_by(1),
            Action::Up => self.move_by(-1),
            Action::Top => self.cursor.select(0, self.rows.len()),
            Action::Bottom => self.cursor.select(self.rows.len(), self.rows.len()),
            Action::SetPotential => self.open_potential(),
            Action::AddTrial => self.open_trial(),
            Action::AddSuccessPlan => self.open_plan(),
            Action::RecordTakeaway => {
                if let Err(message) = self.open_takeaway() {
                    return Request::Message(message);
                }
            }
            Action::UpdatePlanValue => {
                if let Err(message) = self.open_plan_value() {
                    return Request::Message(message);
                }
            }
            _ => return Request::Ignored,
        }
        Request::None
    }

    /// A key while [`AccountGrowth::typing`], as a request for the app.
    /// Text pasted into the open form's focused field.
    pub fn paste(&mut self, text: &str) -> Result<(), String> {
        match self.form.as_mut() {
            Some(form) => form.paste(text),
            None => Err(crate::tui::paste::NO_FIELD.to_string()),
        }
    }

    pub fn type_key(&mut self, key: KeyEvent, keymap: &Keymap) -> Request {
        match self.form_key(key, keymap) {
            Some(writes) => Request::Write(writes),
            None => Request::None,
        }
    }

    /// The section's lines and, for each, the row it shows (if any).
    fn body(&self, theme: Theme, width: usize) -> Vec<(Line<'static>, Option<usize>)> {
        let mut out: Vec<(Line<'static>, Option<usize>)> = Vec::new();
        let header = |text: String| (Line::from(Span::styled(text, theme.header())), None);
        let dim = |text: String| (Line::from(Span::styled(text, theme.dim())), None);
        // Potential & whitespace.
        let rate = self.totals.rate().map_or("—".to_string(), |r| r.to_percent(0));
        let standard = if self.totals.is_standard() { " standard" } else { "" };
        // With no product potential, the account's default gives the
        // figures: said here, as the product rows show none of their own.
        let by_default = self.account_potential.is_some()
            && !self.lines.is_empty()
            && self.lines.iter().all(|l| l.potential_units.is_none());
        out.push(header(format!(
            "Potential & whitespace · absorption {rate}{standard} · whitespace {}",
            self.totals.whitespace
        )));
        if let (true, Some(units)) = (by_default, self.account_potential) {
            out.push(dim(format!(
                "  from the account default potential ({}): no product has its own",
                crate::domain::count::of(units, "unit", "units")
            )));
        }
        out.push(dim(format!(
            "  {:<16} {:>12} {:>7} {:>9} {:>15} {:>12}",
            "Product", "ARR", "Units", "Potential", "Absorption", "Whitespace"
        )));
        let mut index = 0;
        let selected = self.cursor.selected;
        let mark =
            |index: usize| if index == selected && self.form.is_none() { "›" } else { " " };
        for line in &self.lines {
            let units = line.units.map_or("—".to_string(), |u| u.to_string());
            let potential = line.potential_units.map_or("—".to_string(), |u| u.to_string());
            let rate = absorption(line.units, line.potential_units);
            let absorbed = match rate {
                Some(r) if is_standard(Some(r)) => format!("{} standard", r.to_percent(0)),
                Some(r) => r.to_percent(0),
                None => "—".to_string(),
            };
            let space = whitespace(line.arr, line.units, line.potential_units);
            let text = format!(
                "{} {} {:>12} {:>7} {:>9} {:>15} {:>12}",
                mark(index),
                crate::tui::widgets::pad(&line.product, 16, false),
                line.arr.to_string(),
                units,
                potential,
                absorbed,
                if line.potential_units.is_some() { space.to_string() } else { "—".into() }
            );
            out.push((Line::from(text), Some(index)));
            index += 1;
        }
        if self.lines.is_empty() {
            out.push(dim("  no product ARR at the latest month".to_string()));
        }
        let any_product = self.lines.iter().any(|l| l.potential_units.is_some());
        let default = self
            .account_potential
            .map_or("not set".to_string(), |u| crate::domain::count::of(u, "unit", "units"));
        let used = if any_product {
            "(product potentials take precedence)"
        } else {
            "(in use: no product has a potential)"
        };
        out.push((
            Line::from(format!("  Account default potential: {default} {used}")),
            Some(index),
        ));
        index += 1;
        // Trials.
        out.push((Line::from(""), None));
        out.push(header(format!("Trials ({})", self.trials.len())));
        if self.trials.is_empty() {
            out.push(dim("  none — T adds a trial with its success criteria".to_string()));
        }
        for trial in &self.trials {
            let product = if trial.product.is_empty() { "platform" } else { &trial.product };
            let takeaway = match trial.takeaway {
                Takeaway::Passed => "passed",
                Takeaway::Failed => "failed",
                Takeaway::NotYet => "not yet",
            };
            let head = format!(
                "{} {} {} → {} · takeaway {takeaway}",
                mark(index),
                fit(product, 16),
                trial.start_date,
                trial.end_date
            );
            let room = width.saturating_sub(head.chars().count() + 3);
            let state = if trial.is_overdue(self.today) {
                let text =
                    format!("OVERDUE {} d past end, no result", trial.days_past_end(self.today));
                Some(Span::styled(fit(&text, room), theme.error()))
            } else if trial.is_open() && trial.end_date >= self.today {
                let text = format!("ends in {} d", (trial.end_date - self.today).num_days());
                Some(Span::raw(fit(&text, room)))
            } else {
                None
            };
            let mut spans = vec![Span::raw(head)];
            if let Some(state) = state {
                spans.push(Span::raw(" · "));
                spans.push(state);
            }
            out.push((Line::from(spans), Some(index)));
            index += 1;
            let mut detail = format!("      criteria: {}", trial.success_criteria);
            if !trial.note.is_empty() {
                detail.push_str(&format!(" · note: {}", trial.note));
            }
            out.push(dim(fit(&detail, width)));
        }
        // Success plans.
        out.push((Line::from(""), None));
        out.push(header(format!("Success plans ({})", self.plans.len())));
        if self.plans.is_empty() {
            out.push(dim("  none — P adds how the customer measures success".to_string()));
        }
        for plan in &self.plans {
            let fields = &plan.fields;
            let pace = plan_pace(fields, self.today);
            let status = match fields.status(self.today) {
                PlanStatus::Achieved => Span::styled("achieved", theme.ok()),
                PlanStatus::OnTrack => Span::styled("on track", theme.ok()),
                PlanStatus::Behind => Span::styled("BEHIND", theme.error()),
            };
            let unit =
                if fields.unit.is_empty() { String::new() } else { format!(" {}", fields.unit) };
            out.push((
                Line::from(vec![
                    Span::raw(format!(
                        "{} {} · {} → {} → {}{unit} · ",
                        mark(index),
                        fit(&fields.measure, 28),
                        fields.baseline,
                        fields.current,
                        fields.target
                    )),
                    status,
                ]),
                Some(index),
            ));
            index += 1;
            let progress = pace.progress.map_or("—".to_string(), |r| r.to_percent(0));
            out.push(dim(fit(
                &format!(
                    "      {} → {} · {progress} of the way, {} of the time",
                    fields.start_date,
                    fields.target_date,
                    pace.elapsed().map_or("—".to_string(), |r| r.to_percent(0))
                ),
                width,
            )));
        }
        out
    }

    /// Draws the section in `area` (and an open form over the frame).
    /// Reads only.
    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme, keymap: &Keymap) {
        let width = usize::from(area.width);
        let body = self.body(theme, width);
        let height = usize::from(area.height);
        // Scroll so the selected row (and the line under it) stays in view.
        let at = body.iter().position(|(_, row)| *row == Some(self.cursor.selected)).unwrap_or(0);
        let scroll = (at + 2).saturating_sub(height).min(body.len().saturating_sub(height));
        let lines: Vec<Line<'static>> = body
            .into_iter()
            .skip(scroll)
            .take(height)
            .map(|(line, row)| {
                if row.is_some() && row == Some(self.cursor.selected) && self.form.is_none() {
                    theme.select(line)
                } else {
                    line
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(cut_lines(lines, area.width)), area);
        if let Some(form) = &self.form {
            form.draw(frame, frame.area(), theme, keymap);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::success_plan::PlanValue;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    /// 100 days from 2025-01-01 to 2025-04-11; baseline 10, target 30.
    fn plan(current: i64) -> SuccessPlanFields {
        SuccessPlanFields {
            measure: "hours saved".into(),
            unit: "hours".into(),
            baseline: PlanValue(1000),
            target: PlanValue(3000),
            current: PlanValue(current),
            start_date: day(2025, 1, 1),
            target_date: day(2025, 4, 11),
        }
    }

    #[test]
    fn pace_shows_the_two_shares_the_rule_compares() {
        // Day 25 of 100, 10 → 15 of 10 → 30: a quarter of the way, a quarter of the time.
        let pace = plan_pace(&plan(1500), day(2025, 1, 26));
        assert_eq!(pace.progress.map(|r| r.to_percent(0)), Some("25%".into()));
        assert_eq!(pace.elapsed().map(|r| r.to_percent(0)).unwrap_or_default(), "25%");
        assert_eq!(plan(1500).status(day(2025, 1, 26)), PlanStatus::OnTrack);
        // Before the start no time has gone; after the end all of it.
        assert_eq!(
            plan_pace(&plan(1000), day(2024, 12, 1))
                .elapsed()
                .map(|r| r.to_percent(0))
                .unwrap_or_default(),
            "0%"
        );
        assert_eq!(
            plan_pace(&plan(1000), day(2025, 9, 1))
                .elapsed()
                .map(|r| r.to_percent(0))
                .unwrap_or_default(),
            "100%"
        );
        // A falling target: 50 → 30, now 45 is a quarter of the way.
        let mut cost = plan(4500);
        cost.baseline = PlanValue(5000);
        cost.target = PlanValue(3000);
        assert_eq!(
            plan_pace(&cost, day(2025, 1, 26)).progress.map(|r| r.to_percent(0)),
            Some("25%".into())
        );
        // No distance to cover: no progress share.
        let mut flat = plan(1000);
        flat.target = PlanValue(1000);
        assert_eq!(plan_pace(&flat, day(2025, 2, 1)).progress, None);
    }

    #[test]
    fn pace_agrees_with_the_rule() {
        let today = day(2025, 2, 20);
        for current in [900, 1000, 1999, 2000, 2500, 3000] {
            let fields = plan(current);
            let pace = plan_pace(&fields, today);
            let progress = pace.progress.expect("goal");
            let elapsed = pace.elapsed().expect("span");
            let on_pace = progress.numerator() * elapsed.denominator()
                >= elapsed.numerator() * progress.denominator();
            assert_eq!(on_pace, fields.status(today) != PlanStatus::Behind, "current {current}");
        }
    }
}
