//! Health you can check, as the Health view, the Metrics pane's Backtest
//! section and `cockpit health` show it: every account's scorecard today
//! (score, band, trend, breakdown) beside the CSM's colour, and the
//! backtest of the scorecard, each single measure and the CSM's recorded
//! colours against the renewal outcomes of a period. The store hands the
//! signals; `metrics::{scorecard, backtest}` do the arithmetic.

use crate::domain::config::Config;
use crate::domain::scorecard_config::{Measure, ScorecardConfig};
use crate::domain::{Health, Month};
use crate::metrics::backtest::{self, BacktestOutcome, OutcomeKind, PredictorResult};
use crate::metrics::calibration::{Outcome, health_as_of, outcome};
use crate::metrics::health_signals::Signal;
use crate::metrics::scorecard::{Scorecard, measure_flags, score};
use crate::store::signals::SignalSource;
use crate::store::{Store, StoreResult};
use chrono::{Duration, NaiveDate};
use std::collections::HashMap;

/// Days back the score's trend compares with.
pub const TREND_DAYS: i64 = 30;

/// One account's scorecard today.
#[derive(Debug, Clone)]
pub struct HealthRow {
    pub account_id: String,
    pub name: String,
    pub csm: String,
    /// The CSM's colour.
    pub health: Option<Health>,
    pub card: Scorecard,
    pub score: Option<i64>,
    pub band: Option<Health>,
    /// Score now minus the score [`TREND_DAYS`] ago, when both exist.
    pub trend: Option<i64>,
}

impl HealthRow {
    /// Whether the band differs from the CSM's colour (a suggestion).
    pub fn disagrees(&self) -> bool {
        self.band.is_some() && self.band != self.health
    }
}

/// Every account's scorecard, lowest score first (no score last).
pub fn scores(store: &Store, config: &Config, today: NaiveDate) -> StoreResult<Vec<HealthRow>> {
    let card = &config.scorecard;
    let since = Month::of(today - Duration::days(TREND_DAYS)).minus(card.trend_months + 2);
    let source = store.signal_source(&card.usage_measure, since, today, false, None)?;
    Ok(rows_from(&source, card, today))
}

/// The scorecards of a loaded book (the benchmark times this apart from the load).
pub fn rows_from(
    source: &SignalSource,
    card: &ScorecardConfig,
    today: NaiveDate,
) -> Vec<HealthRow> {
    let before = today - Duration::days(TREND_DAYS);
    // Accounts that have left (no ARR in the latest known month) have no health to check.
    let latest =
        crate::domain::signals::BookSignals::known_month(&source.book.snapshot_months, today);
    let active = |account: &&crate::store::signals::SignalAccount| match latest {
        Some(latest) => {
            account.signals.months.iter().any(|(m, arr, _)| *m == latest && arr.cents() > 0)
        }
        None => true,
    };
    let mut rows: Vec<HealthRow> = source
        .accounts
        .iter()
        .filter(active)
        .map(|account| {
            let now = score(&account.signals, &source.book, today, today, card);
            let then = score(&account.signals, &source.book, before, today, card);
            let score_now = now.score();
            HealthRow {
                account_id: account.id.clone(),
                name: account.name.clone(),
                csm: account.csm.clone(),
                health: account.health,
                band: now.band(card),
                trend: score_now.zip(then.score()).map(|(a, b)| a - b),
                score: score_now,
                card: now,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.score.is_none(), a.score, &a.account_id).cmp(&(
            b.score.is_none(),
            b.score,
            &b.account_id,
        ))
    });
    rows
}

/// One account's scorecard today, for the account view and its suggestion.
pub fn account_score(
    store: &Store,
    config: &Config,
    today: NaiveDate,
    account_id: &str,
) -> StoreResult<Option<HealthRow>> {
    let card = &config.scorecard;
    let since = Month::of(today - Duration::days(TREND_DAYS)).minus(card.trend_months + 2);
    let mut source =
        store.signal_source(&card.usage_measure, since, today, false, Some(account_id))?;
    // The months the book has, not only this account's.
    source.book.usage_months = store.usage_months(&card.usage_measure, since)?;
    Ok(rows_from(&source, card, today).into_iter().next())
}

/// The health suggestion a score band different from the CSM's colour makes.
pub fn scorecard_signal(row: &HealthRow) -> Option<Signal> {
    let band = row.band.filter(|_| row.disagrees())?;
    let score = row.score?;
    let moved: Vec<String> = row
        .card
        .measures
        .iter()
        .filter(|m| m.lost_hundredths() > 0)
        .take(2)
        .map(|m| m.sentence())
        .collect();
    let why = if moved.is_empty() {
        format!("scorecard {score} ({band})")
    } else {
        format!("scorecard {score} ({band}): {}", moved.join("; "))
    };
    Some(Signal { key: format!("scorecard:{band}:{}", row.card.at), suggests: band, why })
}

/// A backtest's answer: the outcomes and how each predictor did.
#[derive(Debug, Clone)]
pub struct Backtest {
    pub lead_days: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub outcomes: Vec<BacktestOutcome>,
    /// Account names by id, for the accounts behind the numbers.
    pub names: HashMap<String, String>,
    /// The scorecard first, then the CSM's colours, then each measure.
    pub predictors: Vec<PredictorResult>,
}

/// The default period: the three years up to today.
pub fn default_period(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (today - Duration::days(3 * 365), today)
}

/// Runs the backtest over the renewals ending `from..=to` (and before today).
pub fn backtest(
    store: &Store,
    config: &Config,
    today: NaiveDate,
    lead_days: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Backtest> {
    let card = &config.scorecard;
    let history = store.renewal_history(from)?;
    let mut outcomes = Vec::new();
    let mut start = 0;
    let contracts = &history.contracts;
    while start < contracts.len() {
        let key = |c: &crate::domain::Contract| (c.account_id.clone(), c.product.clone());
        let group_key = contracts.get(start).map(key);
        let end =
            start + contracts[start..].iter().take_while(|c| Some(key(c)) == group_key).count();
        let group = &contracts[start..end];
        for contract in
            group.iter().filter(|c| from <= c.end_date && c.end_date <= to && c.end_date < today)
        {
            let kind = match outcome(contract, group, today) {
                Outcome::Pending => continue,
                Outcome::NotRenewed => OutcomeKind::Churned,
                Outcome::Renewed { renewed_arr } if renewed_arr < contract.arr => {
                    OutcomeKind::Contracted
                }
                Outcome::Renewed { .. } => OutcomeKind::Renewed,
            };
            outcomes.push(BacktestOutcome {
                contract_id: contract.id.clone(),
                account_id: contract.account_id.clone(),
                end_date: contract.end_date,
                atr: contract.arr,
                kind,
            });
        }
        start = end.max(start + 1);
    }
    outcomes.sort_by(|a, b| (a.end_date, &a.contract_id).cmp(&(b.end_date, &b.contract_id)));
    let earliest = outcomes.iter().map(|o| o.end_date).min().unwrap_or(from);
    let reach = Duration::days(lead_days + backtest::STEP_DAYS * backtest::MAX_STEPS);
    let since = Month::of(earliest - reach).minus(card.trend_months + 1);
    let source = store.signal_source(&card.usage_measure, since, today, true, None)?;
    let position: HashMap<&str, usize> =
        source.accounts.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    let account_of: Vec<Option<usize>> =
        outcomes.iter().map(|o| position.get(o.account_id.as_str()).copied()).collect();
    let book = &source.book;
    let mut predictors = Vec::new();
    predictors.push(backtest::run("scorecard", &outcomes, lead_days, |i, date| {
        account_of[i].is_some_and(|a| {
            score(&source.accounts[a].signals, book, date, today, card)
                .band(card)
                .is_some_and(Health::is_at_risk)
        })
    }));
    let no_history = Vec::new();
    predictors.push(backtest::run("csm_colour", &outcomes, lead_days, |i, date| {
        let history = history.histories.get(&outcomes[i].account_id).unwrap_or(&no_history);
        health_as_of(history, date).is_some_and(Health::is_at_risk)
    }));
    for measure in Measure::ALL.into_iter().filter(|m| card.rule(*m).weight > 0) {
        predictors.push(backtest::run(measure.as_str(), &outcomes, lead_days, |i, date| {
            account_of[i].is_some_and(|a| {
                measure_flags(measure, &source.accounts[a].signals, book, date, today, card)
            })
        }));
    }
    let names = source.accounts.iter().map(|a| (a.id.clone(), a.name.clone())).collect();
    Ok(Backtest { lead_days, from, to, outcomes, names, predictors })
}

#[cfg(test)]
mod tests;
