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
use crate::metrics::backtest::{self, BacktestOutcome, OutcomeKind, PredictorResult};
use crate::metrics::calibration::health_as_of;
use crate::metrics::health_signals::{SCORECARD_KEY, Signal};
use crate::metrics::scorecard::{
    Points, Scorecard, band_of, measure_points, points_flag, score, score_of, score_unexplained,
    weighted, weighted_of,
};
use crate::store::signals::{SignalAccount, SignalScope, SignalSource, SignalWindow};
use crate::store::{Store, StoreResult};
use chrono::{Duration, NaiveDate};
use std::collections::HashMap;
use std::sync::Arc;

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

/// Accounts whose signals a backtest holds at once.
const SLICE_ACCOUNTS: usize = 5_000;

/// Whether a predictor flagged an outcome's account on its lead date, and
/// for how many steps of [`backtest::STEP_DAYS`] before it in a row (read
/// for a churned outcome it flagged, as [`backtest::run`] asks).
#[derive(Debug, Clone, Copy, Default)]
struct Flag {
    lead: bool,
    steps: i64,
}

impl Flag {
    fn of(
        lead_date: NaiveDate,
        churned: bool,
        points_at: &mut impl FnMut(NaiveDate) -> Points,
        flags: impl Fn(&Points) -> bool,
    ) -> Flag {
        let lead = flags(&points_at(lead_date));
        let mut steps = 0;
        if lead && churned {
            for step in 1..=backtest::MAX_STEPS {
                if !flags(&points_at(lead_date - Duration::days(step * backtest::STEP_DAYS))) {
                    break;
                }
                steps = step;
            }
        }
        Flag { lead, steps }
    }

    /// Whether it flagged on `date`: the lead date or a step before it.
    fn on(self, lead_date: NaiveDate, date: NaiveDate) -> bool {
        let back = (lead_date - date).num_days();
        self.lead
            && back >= 0
            && back % backtest::STEP_DAYS == 0
            && back / backtest::STEP_DAYS <= self.steps
    }
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
    let load = (Store::signal_source as Load, Touches::Once, Scoring::Slide, outcomes::Read::Lean);
    backtest_by(store, config, today, lead_days, from, to, load, SLICE_ACCOUNTS)
}

/// Where a backtest reads the accounts' touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Touches {
    /// The whole book's at once ([`Store::touch_days`]).
    Once,
    /// With each slice's signals (how it read them first).
    #[cfg_attr(not(test), allow(dead_code))]
    PerSlice,
}

/// How a backtest reads an account's points at the dates it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scoring {
    /// Each account's dates once, in date order, sliding over its signals
    /// (its outcomes met as the slices list the accounts): see [`slide`].
    Slide,
    /// Each outcome's dates scored on their own (how it scored first; the
    /// tests hold the slide to it).
    #[cfg_attr(not(test), allow(dead_code))]
    PerDate,
}

/// How a backtest loads the book's signals (the kept series, or in tests the rows).
type Load =
    fn(&Store, &str, SignalWindow, NaiveDate, bool, SignalScope<'_>) -> StoreResult<SignalSource>;

#[allow(clippy::too_many_arguments)]
fn backtest_by(
    store: &Store,
    config: &Config,
    today: NaiveDate,
    lead_days: i64,
    from: NaiveDate,
    to: NaiveDate,
    (load, touches, scoring, read): (Load, Touches, Scoring, outcomes::Read),
    per: usize,
) -> StoreResult<Backtest> {
    let card = &config.scorecard;
    let (outcomes, histories) = outcomes::outcomes(store, from, to, today, read)?;
    let earliest = outcomes.iter().map(|o| o.end_date).min().unwrap_or(from);
    let reach = Duration::days(lead_days + backtest::STEP_DAYS * backtest::MAX_STEPS);
    let window = SignalWindow::for_scores(card, earliest - reach);
    // The measures that predict alone, after the scorecard (slot 0).
    let measures: Vec<(usize, Measure)> =
        Measure::ALL.into_iter().enumerate().filter(|(_, m)| card.rule(*m).weight != 0).collect();
    let stride = 1 + measures.len();
    let mut flags = vec![Flag::default(); outcomes.len() * stride];
    let mut names = HashMap::new();
    let outcome_ids: std::collections::HashSet<&str> =
        outcomes.iter().map(|o| o.account_id.as_str()).collect();
    // The book is read a slice of accounts at a time and only each
    // outcome's flags are kept: the whole book's history of signals held
    // at once was most of the cockpit's peak memory.
    let starts = store.account_slices(per)?;
    let mut whole_touches = match touches {
        Touches::Once => Some(store.touch_days()?),
        Touches::PerSlice => None,
    };
    let mut next_touches = 0;
    // The outcomes by account (each account's in their order), met as the
    // slices list the accounts.
    let mut by_account: Vec<usize> = (0..outcomes.len()).collect();
    by_account.sort_by(|a, b| outcomes[*a].account_id.cmp(&outcomes[*b].account_id));
    let mut next_outcome = 0;
    let mut scratch = slide::Scratch::default();
    for (at, start) in starts.iter().enumerate() {
        let scope = SignalScope::Ids { from: start, to: starts.get(at + 1).map(String::as_str) };
        let history = whole_touches.is_none();
        let mut source = load(store, &card.usage_measure, window, today, history, scope)?;
        if let Some(whole) = &mut whole_touches {
            // Both in id order: a walk forward.
            for account in &mut source.accounts {
                while whole.get(next_touches).is_some_and(|(id, _)| *id < account.id) {
                    next_touches += 1;
                }
                account.signals.touches = match whole.get_mut(next_touches) {
                    Some((id, days)) if *id == account.id => std::mem::take(days),
                    _ => Vec::new(),
                };
            }
        }
        let book = &source.book;
        match scoring {
            Scoring::Slide => {
                let run = slide::Run {
                    book,
                    today,
                    card,
                    lead_days,
                    outcomes: &outcomes,
                    measures: &measures,
                };
                for account in &source.accounts {
                    // Both in id order: a walk forward.
                    let id = account.id.as_str();
                    while by_account
                        .get(next_outcome)
                        .is_some_and(|&i| outcomes[i].account_id.as_str() < id)
                    {
                        next_outcome += 1;
                    }
                    let first = next_outcome;
                    while by_account
                        .get(next_outcome)
                        .is_some_and(|&i| outcomes[i].account_id == id)
                    {
                        next_outcome += 1;
                    }
                    if first < next_outcome {
                        run.account(
                            &account.signals,
                            &by_account[first..next_outcome],
                            &mut flags,
                            &mut scratch,
                        );
                    }
                }
            }
            Scoring::PerDate => {
                let position: HashMap<&str, usize> =
                    source.accounts.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
                // Every predictor but the CSM's colours reads the same measures'
                // points at the same dates: each account and date is scored once.
                let mut scored: HashMap<(usize, NaiveDate), Points> = HashMap::new();
                for (i, outcome) in outcomes.iter().enumerate() {
                    let Some(&a) = position.get(outcome.account_id.as_str()) else { continue };
                    let mut points_at = |date: NaiveDate| -> Points {
                        *scored.entry((a, date)).or_insert_with(|| {
                            measure_points(&source.accounts[a].signals, book, date, today, card)
                        })
                    };
                    let lead_date = outcome.end_date - Duration::days(lead_days);
                    let churned = outcome.kind == OutcomeKind::Churned;
                    let scorecard = |points: &Points| {
                        let (points, weight) = weighted_of(points, card);
                        band_of(points, weight, card).is_some_and(Health::is_at_risk)
                    };
                    flags[i * stride] = Flag::of(lead_date, churned, &mut points_at, scorecard);
                    for (k, (slot, _)) in measures.iter().enumerate() {
                        let flag = |points: &Points| points_flag(points[*slot], card);
                        flags[i * stride + 1 + k] =
                            Flag::of(lead_date, churned, &mut points_at, flag);
                    }
                }
            }
        }
        // Only the accounts behind the outcomes are named.
        let behind = source.accounts.iter().filter(|a| outcome_ids.contains(a.id.as_str()));
        names.extend(behind.map(|a| (a.id.clone(), a.name.clone())));
    }
    let flagged = |i: usize, p: usize, date: NaiveDate| {
        let lead_date = outcomes[i].end_date - Duration::days(lead_days);
        flags[i * stride + p].on(lead_date, date)
    };
    let mut predictors = Vec::new();
    predictors
        .push(backtest::run("scorecard", &outcomes, lead_days, |i, date| flagged(i, 0, date)));
    let no_history = Vec::new();
    predictors.push(backtest::run("csm_colour", &outcomes, lead_days, |i, date| {
        let history = histories.get(&outcomes[i].account_id).unwrap_or(&no_history);
        health_as_of(history, date).is_some_and(Health::is_at_risk)
    }));
    for (k, (_, measure)) in measures.iter().enumerate() {
        predictors.push(backtest::run(measure.as_str(), &outcomes, lead_days, |i, date| {
            flagged(i, 1 + k, date)
        }));
    }
    Ok(Backtest { lead_days, from, to, outcomes, names, predictors })
}

mod outcomes;
mod slide;
#[cfg(test)]
mod tests;
