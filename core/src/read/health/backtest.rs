//! The backtest of the scorecard, each single measure and the CSM's
//! recorded colours against the renewal outcomes of a period: the
//! outcomes (`outcomes`), every account's touch days at once, then the
//! book's signals a slice of accounts at a time as flat columns, each
//! account's outcomes scored by sliding over its signals ([`slide`]), and
//! each predictor's counts. The reads and the scoring it did first stay
//! beside the fast ones, for the tests to hold them together.
//!
//! [`slide`]: super::slide

use super::slide::{self, Flag};
use super::{SLICE_ACCOUNTS, outcomes};
use crate::domain::Health;
use crate::domain::config::Config;
use crate::domain::scorecard_config::Measure;
use crate::domain::signals::{BookSignals, SignalsView};
use crate::metrics::backtest::{self, BacktestOutcome, OutcomeKind, PredictorResult};
use crate::metrics::calibration::health_as_of;
use crate::metrics::scorecard::{Points, band_of, measure_points, points_flag, weighted_of};
use crate::store::signals::{SignalBook, SignalScope, SignalSource, SignalWindow};
use crate::store::{Store, StoreResult};
use chrono::{Duration, NaiveDate};
use std::collections::HashMap;

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
    let how = (Load::Flat, Touches::Once, Scoring::Slide, outcomes::Read::Lean);
    backtest_by(store, config, today, lead_days, from, to, how, SLICE_ACCOUNTS)
}

/// Where a backtest reads the accounts' touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Touches {
    /// The whole book's at once ([`Store::touch_days`]).
    Once,
    /// With each slice's signals (how it read them first).
    #[cfg_attr(not(test), allow(dead_code))]
    PerSlice,
}

/// How a backtest reads an account's points at the dates it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scoring {
    /// Each account's dates once, in date order, sliding over its signals:
    /// see [`slide`].
    Slide,
    /// Each outcome's dates scored on their own (how it scored first; the
    /// tests hold the slide to it).
    #[cfg_attr(not(test), allow(dead_code))]
    PerDate,
}

/// How a backtest loads each slice's signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Load {
    /// The kept series as flat columns ([`Store::signal_book`]), without
    /// touches (read with [`Touches::Once`]).
    Flat,
    /// The kept series an account at a time ([`Store::signal_source`]).
    #[cfg_attr(not(test), allow(dead_code))]
    Kept,
    /// The usage, ticket and survey rows themselves.
    #[cfg_attr(not(test), allow(dead_code))]
    Rows,
}

/// One slice of the book's accounts with their signals, in id order.
enum Slice {
    Flat(Box<SignalBook>),
    Accounts(SignalSource),
}

impl Slice {
    fn read(
        store: &Store,
        load: Load,
        card: &crate::domain::scorecard_config::ScorecardConfig,
        window: SignalWindow,
        today: NaiveDate,
        history: bool,
        scope: SignalScope<'_>,
    ) -> StoreResult<Slice> {
        let measure = &card.usage_measure;
        Ok(match load {
            Load::Flat => Slice::Flat(Box::new(store.signal_book(measure, window, today, scope)?)),
            Load::Kept => {
                Slice::Accounts(store.signal_source(measure, window, today, history, scope)?)
            }
            Load::Rows => Slice::Accounts(
                store.signal_source_from_rows(measure, window, today, history, scope)?,
            ),
        })
    }

    fn len(&self) -> usize {
        match self {
            Slice::Flat(book) => book.len(),
            Slice::Accounts(source) => source.accounts.len(),
        }
    }

    fn id(&self, at: usize) -> &str {
        match self {
            Slice::Flat(book) => book.id(at),
            Slice::Accounts(source) => source.accounts.get(at).map_or("", |a| a.id.as_str()),
        }
    }

    fn name(&self, at: usize) -> &str {
        match self {
            Slice::Flat(book) => book.name(at),
            Slice::Accounts(source) => source.accounts.get(at).map_or("", |a| a.name.as_str()),
        }
    }

    fn book(&self) -> &BookSignals {
        match self {
            Slice::Flat(book) => &book.book,
            Slice::Accounts(source) => &source.book,
        }
    }

    /// Account `at`'s signals, its touches `touches` when given.
    fn signals<'a>(&'a self, at: usize, touches: Option<&'a [NaiveDate]>) -> SignalsView<'a> {
        let view = match self {
            Slice::Flat(book) => book.signals(at),
            Slice::Accounts(source) => {
                source.accounts.get(at).map(|a| a.signals.view()).unwrap_or_default()
            }
        };
        match touches {
            Some(touches) => SignalsView { touches, ..view },
            None => view,
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn backtest_by(
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
    // The book is read a slice of accounts at a time and only each
    // outcome's flags are kept: the whole book's history of signals held
    // at once was most of the cockpit's peak memory.
    let starts = store.account_slices(per)?;
    let whole_touches = match (touches, load) {
        (Touches::Once, _) | (_, Load::Flat) => Some(store.touch_days()?),
        (Touches::PerSlice, _) => None,
    };
    let mut next_touches = 0;
    // The outcomes by account (each account's in their order), met as the
    // slices list the accounts.
    let mut by_account: Vec<usize> = (0..outcomes.len()).collect();
    by_account.sort_by(|a, b| outcomes[*a].account_id.cmp(&outcomes[*b].account_id));
    let mut next_outcome = 0;
    let mut scratch = slide::Scratch::default();
    let no_touches: &[NaiveDate] = &[];
    for (at, start) in starts.iter().enumerate() {
        let scope = SignalScope::Ids { from: start, to: starts.get(at + 1).map(String::as_str) };
        let history = whole_touches.is_none();
        let slice = Slice::read(store, load, card, window, today, history, scope)?;
        let book = slice.book();
        let run =
            slide::Run { book, today, card, lead_days, outcomes: &outcomes, measures: &measures };
        for a in 0..slice.len() {
            // The accounts, the outcomes by account and the touches are
            // all in id order: one walk forward.
            let id = slice.id(a);
            while by_account
                .get(next_outcome)
                .is_some_and(|&i| outcomes[i].account_id.as_str() < id)
            {
                next_outcome += 1;
            }
            let first = next_outcome;
            while by_account.get(next_outcome).is_some_and(|&i| outcomes[i].account_id == id) {
                next_outcome += 1;
            }
            let mine = &by_account[first..next_outcome];
            if mine.is_empty() {
                continue;
            }
            let touches = match &whole_touches {
                Some(whole) => {
                    while whole.get(next_touches).is_some_and(|(t, _)| t < id) {
                        next_touches += 1;
                    }
                    Some(match whole.get(next_touches) {
                        Some((t, days)) if t == id => days,
                        _ => no_touches,
                    })
                }
                None => None,
            };
            let signals = slice.signals(a, touches);
            // Only the accounts behind the outcomes are named.
            names.insert(id.to_string(), slice.name(a).to_string());
            match scoring {
                Scoring::Slide => run.account(signals, mine, &mut flags, &mut scratch),
                Scoring::PerDate => {
                    // Every predictor but the CSM's colours reads the same
                    // measures' points at the same dates: each date is
                    // scored once.
                    let mut scored: HashMap<NaiveDate, Points> = HashMap::new();
                    let mut points_at = |date: NaiveDate| -> Points {
                        *scored
                            .entry(date)
                            .or_insert_with(|| measure_points(signals, book, date, today, card))
                    };
                    for &i in mine {
                        let lead_date = outcomes[i].end_date - Duration::days(lead_days);
                        let churned = outcomes[i].kind == OutcomeKind::Churned;
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
        }
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
