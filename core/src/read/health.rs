//! Health you can check, as the Health view, the Metrics pane's Backtest
//! section and `cockpit health` show it: every account's scorecard today
//! (score, band, trend, breakdown) beside the CSM's colour, and the
//! backtest of the scorecard, each single measure and the CSM's recorded
//! colours against the renewal outcomes of a period. The store hands the
//! signals; `metrics::{scorecard, backtest}` do the arithmetic.

use crate::domain::config::Config;
use crate::domain::scorecard_config::{Measure, ScorecardConfig};
use crate::domain::signals::{AccountSignals, BookSignals};
use crate::domain::{Health, Month};
use crate::metrics::health_signals::{SCORECARD_KEY, Signal};
use crate::metrics::scorecard::{Scorecard, band_of, score, score_of, score_unexplained, weighted};
use crate::store::signals::{SignalAccount, SignalScope, SignalSource, SignalWindow};
use crate::store::{Store, StoreResult};
use chrono::{Duration, NaiveDate};
use std::collections::HashMap;
use std::sync::Arc;

pub use backtest::{Backtest, backtest, default_period};

/// Accounts whose signals a backtest or the Health view's list holds at once.
const SLICE_ACCOUNTS: usize = 5_000;

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
    /// The card today. A whole book's list is scored without the words
    /// (each line then names its measure only): [`HealthRow::explained`]
    /// writes them for the rows on screen.
    pub card: Scorecard,
    pub score: Option<i64>,
    pub band: Option<Health>,
    /// Score now minus the score [`TREND_DAYS`] ago, when both exist.
    pub trend: Option<i64>,
    /// What the card was scored from.
    pub signals: AccountSignals,
    pub book: Arc<BookSignals>,
}

impl HealthRow {
    /// Whether the band differs from the CSM's colour and rests on a
    /// measured signal (a suggestion).
    pub fn disagrees(&self) -> bool {
        self.band.is_some() && self.band != self.health && rests_on_signals(&self.card)
    }

    /// The card with its words ("usage per licence fell 38% in 3 months").
    pub fn explained(&self, card: &ScorecardConfig) -> Scorecard {
        score(&self.signals, &self.book, self.card.at, self.card.at, card)
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
    let source = store.signal_source(&card.usage_measure, window, today, false, scope)?;
    Ok(rows_from(source, card, today))
}

/// The scorecards of a loaded book, without their words (the benchmark
/// times this apart from the load).
pub fn rows_from(source: SignalSource, card: &ScorecardConfig, today: NaiveDate) -> Vec<HealthRow> {
    let rows: Vec<HealthRow> = scored(source, card, today).collect();
    // Keys sorted apart, then the rows moved once each (a row is large).
    // The accounts come in id order: their position breaks a tie as the id
    // would, without copying the ids.
    let mut order: Vec<(bool, Option<i64>, usize)> =
        rows.iter().enumerate().map(|(at, row)| (row.score.is_none(), row.score, at)).collect();
    order.sort_unstable();
    let mut slots: Vec<Option<HealthRow>> = rows.into_iter().map(Some).collect();
    order.into_iter().filter_map(|(_, _, at)| slots[at].take()).collect()
}

/// The scorecards of the active accounts of a loaded book, without their
/// words, in the source's order.
fn scored<'a>(
    source: SignalSource,
    card: &'a ScorecardConfig,
    today: NaiveDate,
) -> impl Iterator<Item = HealthRow> + 'a {
    let before = today - Duration::days(TREND_DAYS);
    let latest = BookSignals::known_month(&source.book.snapshot_months, today);
    let book = Arc::new(source.book);
    source.accounts.into_iter().filter(move |account| is_active(account, latest)).map(
        move |account| {
            let now = score_unexplained(&account.signals, &book, today, today, card);
            let then = score_of(weighted(&account.signals, &book, before, today, card));
            let score_now = now.score();
            HealthRow {
                account_id: account.id,
                name: account.name,
                csm: account.csm,
                health: account.health,
                band: now.band(card),
                trend: score_now.zip(then).map(|(a, b)| a - b),
                score: score_now,
                card: now,
                signals: account.signals,
                book: Arc::clone(&book),
            }
        },
    )
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
    /// The line of a scored row (its signals and card let go).
    pub fn of(row: HealthRow) -> HealthLine {
        let disagrees = row.disagrees();
        HealthLine {
            account_id: row.account_id,
            name: row.name,
            csm: row.csm,
            health: row.health,
            score: row.score,
            band: row.band,
            trend: row.trend,
            disagrees,
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
        let source = store.signal_source(&card.usage_measure, window, today, false, scope)?;
        lines.extend(scored(source, card, today).map(HealthLine::of));
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
    let row = scores_in(store, config, today, SignalScope::Account(account_id))?.into_iter().next();
    Ok(row.map(|row| HealthRow { card: row.explained(&config.scorecard), ..row }))
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
    let source = store.signal_source(&card.usage_measure, window, today, false, scope)?;
    let latest = BookSignals::known_month(&source.book.snapshot_months, today);
    let book = Arc::new(source.book);
    let mut out = HashMap::new();
    for account in source.accounts.into_iter().filter(|a| is_active(a, latest)) {
        let (points, weight) = weighted(&account.signals, &book, today, today, card);
        let band = band_of(points, weight, card);
        if band.is_none() || band == account.health {
            continue;
        }
        // Only a suggestion is explained.
        let card_now = score(&account.signals, &book, today, today, card);
        let row = HealthRow {
            account_id: account.id,
            name: String::new(),
            csm: String::new(),
            health: account.health,
            score: card_now.score(),
            band,
            trend: None,
            card: card_now,
            signals: account.signals,
            book: Arc::clone(&book),
        };
        if let Some(signal) = scorecard_signal(&row) {
            out.insert(row.account_id, signal);
        }
    }
    Ok(out)
}

/// Whether an account still has ARR in the book's latest known month
/// (accounts that have left have no health to check).
fn is_active(account: &SignalAccount, latest: Option<Month>) -> bool {
    match latest {
        Some(latest) => {
            account.signals.months.iter().any(|(m, arr, _)| *m == latest && arr.cents() > 0)
        }
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
    // Dismissed, it stays dismissed until the band or the colour changes.
    let colour = row.health.map_or("none", Health::as_str);
    Some(Signal { key: format!("{SCORECARD_KEY}{band}:{colour}"), suggests: band, why })
}

mod backtest;
mod outcomes;
mod slide;
#[cfg(test)]
mod tests;
