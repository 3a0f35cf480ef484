//! Health you can check, as the Health view, the Metrics pane's Backtest
//! section and `cockpit health` show it: every account's scorecard today
//! (score, band, trend, breakdown) beside the CSM's colour, and the
//! backtest of the scorecard, each single measure and the CSM's recorded
//! colours against the renewal outcomes of a period. The store hands the
//! signals; `metrics::{scorecard, backtest}` do the arithmetic.

use crate::domain::config::Config;
use crate::domain::scorecard_config::{Measure, ScorecardConfig};
use crate::domain::signals::{BookSignals, SignalsView};
use crate::domain::{Health, Month};
use crate::metrics::health_signals::{SCORECARD_KEY, Signal};
use crate::metrics::scorecard::{
    Points, ScoreDay, Scorecard, band_of, measure_points_on, score, score_of, score_unexplained,
    weighted_of,
};
use crate::store::signals::{SignalBook, SignalScope, SignalWindow};
use crate::store::{Store, StoreResult};
use chrono::{Duration, NaiveDate};
use std::collections::HashMap;
use std::sync::Arc;

pub use backtest::{Backtest, backtest, default_period};

/// Accounts whose signals a backtest or the Health view's list holds at once.
const SLICE_ACCOUNTS: usize = 5_000;

/// Days back the score's trend compares with.
pub const TREND_DAYS: i64 = 30;

/// One account's scorecard today: a place in the book's flat signals
/// ([`SignalBook`]) and its numbers. The card's lines and their words are
/// written on demand ([`HealthRow::card`], [`HealthRow::explained`]), for
/// the rows shown.
#[derive(Debug, Clone)]
pub struct HealthRow {
    source: Arc<SignalBook>,
    index: usize,
    /// The day it was scored.
    pub at: NaiveDate,
    /// The CSM's colour.
    pub health: Option<Health>,
    pub score: Option<i64>,
    pub band: Option<Health>,
    /// Score now minus the score [`TREND_DAYS`] ago, when both exist.
    pub trend: Option<i64>,
    /// Whether a measured signal has a value in the score ([`rests_on_signals`]).
    measured: bool,
}

impl HealthRow {
    pub fn account_id(&self) -> &str {
        self.source.id(self.index)
    }

    pub fn name(&self) -> &str {
        self.source.name(self.index)
    }

    pub fn csm(&self) -> &str {
        self.source.csm(self.index)
    }

    /// What the card was scored from.
    pub fn signals(&self) -> SignalsView<'_> {
        self.source.signals(self.index)
    }

    /// What the whole book knows.
    pub fn book(&self) -> &BookSignals {
        &self.source.book
    }

    /// Whether the band differs from the CSM's colour and rests on a
    /// measured signal (a suggestion).
    pub fn disagrees(&self) -> bool {
        self.band.is_some() && self.band != self.health && self.measured
    }

    /// The card's lines, each naming its measure only.
    pub fn card(&self, card: &ScorecardConfig) -> Scorecard {
        score_unexplained(self.signals(), self.book(), self.at, self.at, card)
    }

    /// The card with its words ("usage per licence fell 38% in 3 months").
    pub fn explained(&self, card: &ScorecardConfig) -> Scorecard {
        score(self.signals(), self.book(), self.at, self.at, card)
    }
}

/// Every account's scorecard, lowest score first (no score last).
pub fn scores(store: &Store, config: &Config, today: NaiveDate) -> StoreResult<Vec<HealthRow>> {
    scores_in(store, config, today, SignalScope::Book)
}

/// The scorecards of the accounts of `scope`, lowest score first.
pub fn scores_in(
    store: &Store,
    config: &Config,
    today: NaiveDate,
    scope: SignalScope<'_>,
) -> StoreResult<Vec<HealthRow>> {
    let card = &config.scorecard;
    let window = SignalWindow::for_scores(card, today - Duration::days(TREND_DAYS));
    let source = store.signal_book(&card.usage_measure, window, today, scope)?;
    Ok(rows_from(source, card, today))
}

/// The scorecards of a loaded book, lowest score first, ties in id order
/// (the benchmark times this apart from the load).
pub fn rows_from(source: SignalBook, card: &ScorecardConfig, today: NaiveDate) -> Vec<HealthRow> {
    let mut rows = scored(Arc::new(source), card, today);
    // The accounts come in id order: their place breaks a tie as the id would.
    rows.sort_unstable_by_key(|row| (row.score.is_none(), row.score, row.index));
    rows
}

/// The scorecards of the active accounts of a loaded book, without their
/// words, in the source's order: numbers only, nothing allocated an account.
fn scored(source: Arc<SignalBook>, card: &ScorecardConfig, today: NaiveDate) -> Vec<HealthRow> {
    let before = today - Duration::days(TREND_DAYS);
    let latest = BookSignals::known_month(&source.book.snapshot_months, today);
    // What every account's measures on the two dates read alike, once.
    let (now, then) = (
        ScoreDay::new(&source.book, today, today, card),
        ScoreDay::new(&source.book, before, today, card),
    );
    let mut rows = Vec::with_capacity(source.len());
    for index in 0..source.len() {
        let signals = source.signals(index);
        if !is_active(&signals, latest) {
            continue;
        }
        let points = measure_points_on(&signals, &now, card);
        let (weighted_points, weight) = weighted_of(&points, card);
        let score_now = score_of((weighted_points, weight));
        let then = score_of(weighted_of(&measure_points_on(&signals, &then, card), card));
        rows.push(HealthRow {
            source: Arc::clone(&source),
            index,
            at: today,
            health: source.health(index),
            score: score_now,
            band: band_of(weighted_points, weight, card),
            trend: score_now.zip(then).map(|(a, b)| a - b),
            measured: points_rest_on_signals(&points),
        });
    }
    rows
}

/// [`rests_on_signals`] of a card's points (a measure without a value or
/// weight has none).
fn points_rest_on_signals(points: &Points) -> bool {
    points.iter().zip(Measure::ALL).any(|(points, measure)| {
        points.is_some()
            && matches!(
                measure,
                Measure::UsagePerLicence
                    | Measure::UsageTrend
                    | Measure::OpenHighTickets
                    | Measure::Nps
            )
    })
}

/// One account's line in the whole book's list: what the Health view lists,
/// sorts and marks, without the signals it was scored from (a
/// [`HealthRow`] of every account held at once was most of what the view
/// cost in memory). [`account_score`] reads one account again for its
/// words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthLine {
    pub account_id: String,
    pub name: String,
    pub csm: String,
    /// The CSM's colour.
    pub health: Option<Health>,
    pub score: Option<i64>,
    pub band: Option<Health>,
    /// Score now minus the score [`TREND_DAYS`] ago, when both exist.
    pub trend: Option<i64>,
    /// The band differs from the CSM's colour and rests on a measured
    /// signal ([`HealthRow::disagrees`]): a suggestion.
    pub disagrees: bool,
}

impl HealthLine {
    /// The line of a scored row.
    pub fn of(row: HealthRow) -> HealthLine {
        HealthLine {
            account_id: row.account_id().to_string(),
            name: row.name().to_string(),
            csm: row.csm().to_string(),
            health: row.health,
            score: row.score,
            band: row.band,
            trend: row.trend,
            disagrees: row.disagrees(),
        }
    }
}

/// Every account's line, in [`scores`]' order (lowest score first, no
/// score last). The book is read and scored a slice of accounts at a time,
/// and each slice's signals are let go (and the file's pages it mapped
/// unmapped) before the next is read.
pub fn lines(store: &Store, config: &Config, today: NaiveDate) -> StoreResult<Vec<HealthLine>> {
    lines_by(store, config, today, SLICE_ACCOUNTS)
}

fn lines_by(
    store: &Store,
    config: &Config,
    today: NaiveDate,
    per: usize,
) -> StoreResult<Vec<HealthLine>> {
    let card = &config.scorecard;
    let window = SignalWindow::for_scores(card, today - Duration::days(TREND_DAYS));
    let starts = store.account_slices(per)?;
    let mut lines = Vec::new();
    for (at, start) in starts.iter().enumerate() {
        let scope = SignalScope::Ids { from: start, to: starts.get(at + 1).map(String::as_str) };
        let source = store.signal_book(&card.usage_measure, window, today, scope)?;
        lines.extend(scored(Arc::new(source), card, today).into_iter().map(HealthLine::of));
        store.release_mapped_pages();
    }
    // Ids are unique: the order is the one `rows_from` gives.
    lines.sort_unstable_by(|a, b| {
        (a.score.is_none(), a.score, &a.account_id).cmp(&(
            b.score.is_none(),
            b.score,
            &b.account_id,
        ))
    });
    Ok(lines)
}

/// One account's scorecard today, for the account view and its suggestion.
pub fn account_score(
    store: &Store,
    config: &Config,
    today: NaiveDate,
    account_id: &str,
) -> StoreResult<Option<HealthRow>> {
    Ok(scores_in(store, config, today, SignalScope::Account(account_id))?.into_iter().next())
}

/// The scorecard suggestions of the accounts of `scope` on `today`, by
/// account: a band unlike the CSM's colour, with the measures that cost
/// the most points as its reason. Scores today only (no trend), so Today
/// reads it for a CSM's accounts beside its other facts.
pub fn scorecard_signals(
    store: &Store,
    config: &Config,
    today: NaiveDate,
    scope: SignalScope<'_>,
) -> StoreResult<HashMap<String, Signal>> {
    let card = &config.scorecard;
    let window = SignalWindow::for_scores(card, today);
    let source = store.signal_book(&card.usage_measure, window, today, scope)?;
    let latest = BookSignals::known_month(&source.book.snapshot_months, today);
    let now = ScoreDay::new(&source.book, today, today, card);
    let mut out = HashMap::new();
    for index in 0..source.len() {
        let signals = source.signals(index);
        if !is_active(&signals, latest) {
            continue;
        }
        let points = measure_points_on(&signals, &now, card);
        let (weighted_points, weight) = weighted_of(&points, card);
        let band = band_of(weighted_points, weight, card);
        let health = source.health(index);
        if band.is_none() || band == health || !points_rest_on_signals(&points) {
            continue;
        }
        // Only a suggestion is explained.
        let card_now = score(signals, &source.book, today, today, card);
        if let Some(signal) = signal_of(band, card_now.score(), health, &card_now) {
            out.insert(source.id(index).to_string(), signal);
        }
    }
    Ok(out)
}

/// Whether an account still has ARR in the book's latest known month
/// (accounts that have left have no health to check).
fn is_active(signals: &SignalsView<'_>, latest: Option<Month>) -> bool {
    match latest {
        Some(latest) => signals.months.iter().any(|(m, arr, _)| *m == latest && arr.cents() > 0),
        None => true,
    }
}

/// Whether a score has a measured signal in it: usage, tickets (once the
/// book has any) or NPS answers. On ARR and touches alone the band only
/// repeats the suggestions those make themselves (ARR falling, no touch),
/// so it suggests nothing.
pub fn rests_on_signals(card: &Scorecard) -> bool {
    card.measures.iter().any(|m| {
        m.value.is_some()
            && matches!(
                m.measure,
                Measure::UsagePerLicence
                    | Measure::UsageTrend
                    | Measure::OpenHighTickets
                    | Measure::Nps
            )
    })
}

/// The health suggestion a score band different from the CSM's colour makes.
pub fn scorecard_signal(row: &HealthRow, card: &ScorecardConfig) -> Option<Signal> {
    let band = row.band.filter(|_| row.disagrees())?;
    signal_of(Some(band), row.score, row.health, &row.explained(card))
}

/// The suggestion of `band` over the CSM's colour `health`, the measures
/// of `card` (with words) that cost the most points its reason.
fn signal_of(
    band: Option<Health>,
    score: Option<i64>,
    health: Option<Health>,
    card: &Scorecard,
) -> Option<Signal> {
    let (band, score) = (band?, score?);
    let moved: Vec<String> = card
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
    // Dismissed, it stays dismissed until the band or the colour changes.
    let colour = health.map_or("none", Health::as_str);
    Some(Signal { key: format!("{SCORECARD_KEY}{band}:{colour}"), suggests: band, why })
}

mod backtest;
mod outcomes;
mod slide;
#[cfg(test)]
mod tests;
