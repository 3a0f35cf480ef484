//! The backtest (DOMAIN "Health you can check"): N days before each known
//! renewal outcome, did a predictor flag the account? Outcomes are the
//! renewals of the ATR rule ending in a period: renewed in full, contracted
//! (renewed below the ATR) or churned (not renewed). Flagged = red or orange
//! at the lead date; caught = churned and flagged; missed = churned and not
//! flagged (the surprises); false alarm = renewed in full and flagged;
//! precision = caught / flagged, recall = caught / churned, `None` on a zero
//! denominator. The lead time of a catch is the days from the first flag of
//! the spell that held at the lead date (looked for month by month) to the
//! end date. Pure: a predictor is any function of an outcome and a date.

#[cfg(test)]
mod tests;

use crate::domain::Money;
use crate::metrics::Rate;
use crate::metrics::scorecard::round_div;
use chrono::{Duration, NaiveDate};

/// The default lead: days before the end date the predictors are read.
pub const LEAD_DAYS: i64 = 90;
/// Steps of this many days back from the lead date find the first flag.
pub const STEP_DAYS: i64 = 30;
/// No flag spell is followed further back than this many steps.
pub const MAX_STEPS: i64 = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutcomeKind {
    Renewed,
    Contracted,
    Churned,
}

impl OutcomeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Renewed => "renewed",
            OutcomeKind::Contracted => "contracted",
            OutcomeKind::Churned => "churned",
        }
    }
}

/// One known outcome of a renewal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacktestOutcome {
    pub contract_id: String,
    pub account_id: String,
    pub end_date: NaiveDate,
    pub atr: Money,
    pub kind: OutcomeKind,
}

/// How one predictor did, with the outcomes (by index) behind each number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredictorResult {
    pub name: String,
    pub flagged: Vec<usize>,
    pub caught: Vec<usize>,
    pub missed: Vec<usize>,
    pub false_alarms: Vec<usize>,
    /// Days from first flag to the end date, per catch.
    pub lead_times: Vec<i64>,
}

impl PredictorResult {
    pub fn precision(&self) -> Option<Rate> {
        Rate::new(self.caught.len() as i64, self.flagged.len() as i64)
    }

    pub fn recall(&self) -> Option<Rate> {
        Rate::new(self.caught.len() as i64, (self.caught.len() + self.missed.len()) as i64)
    }

    /// The median lead time in whole days (the mean of the middle two,
    /// rounded half up, when there are an even number).
    pub fn median_lead_days(&self) -> Option<i64> {
        let mut days = self.lead_times.clone();
        days.sort_unstable();
        let middle = days.len() / 2;
        match days.len() {
            0 => None,
            n if n % 2 == 1 => days.get(middle).copied(),
            _ => {
                let pair = i128::from(days[middle - 1]) + i128::from(days[middle]);
                Some(round_div(pair, 2) as i64)
            }
        }
    }
}

/// Runs one predictor over the outcomes: `flags(outcome index, date)` says
/// whether it flagged that outcome's account on that date.
pub fn run(
    name: &str,
    outcomes: &[BacktestOutcome],
    lead_days: i64,
    mut flags: impl FnMut(usize, NaiveDate) -> bool,
) -> PredictorResult {
    let mut result = PredictorResult {
        name: name.to_string(),
        flagged: Vec::new(),
        caught: Vec::new(),
        missed: Vec::new(),
        false_alarms: Vec::new(),
        lead_times: Vec::new(),
    };
    for (index, outcome) in outcomes.iter().enumerate() {
        let lead_date = outcome.end_date - Duration::days(lead_days);
        let flagged = flags(index, lead_date);
        if flagged {
            result.flagged.push(index);
        }
        match (outcome.kind, flagged) {
            (OutcomeKind::Churned, true) => {
                result.caught.push(index);
                let mut first = lead_date;
                for step in 1..=MAX_STEPS {
                    let earlier = lead_date - Duration::days(step * STEP_DAYS);
                    if !flags(index, earlier) {
                        break;
                    }
                    first = earlier;
                }
                result.lead_times.push((outcome.end_date - first).num_days());
            }
            (OutcomeKind::Churned, false) => result.missed.push(index),
            (OutcomeKind::Renewed, true) => result.false_alarms.push(index),
            _ => {}
        }
    }
    result
}

/// The outcomes' counts by kind: (renewed, contracted, churned).
pub fn counts(outcomes: &[BacktestOutcome]) -> (usize, usize, usize) {
    outcomes.iter().fold((0, 0, 0), |(r, c, x), o| match o.kind {
        OutcomeKind::Renewed => (r + 1, c, x),
        OutcomeKind::Contracted => (r, c + 1, x),
        OutcomeKind::Churned => (r, c, x + 1),
    })
}
