//! The health scorecard: measured signals in, a score 0–100, its band and a
//! breakdown out (DOMAIN "Health you can check"). Each measure turns a value
//! into points by its thresholds; the score is the weighted mean of the
//! measures that have a value (a missing one drops out, weight and all). The
//! arithmetic is integer and exact: a score is `Σ weight·points / Σ weight`
//! held as a fraction, cut into bands by cross-multiplying.
//!
//! Only what was known on the scoring date counts: a month's usage and ARR
//! once the month has ended, tickets opened by then, answers given by then,
//! touches made by then, and success plans only on today (they keep no
//! history). Pure: the store loads [`AccountSignals`]; nothing here reads
//! the database or draws.

mod measures;
mod slide;
#[cfg(test)]
mod tests;

use crate::domain::Health;
use crate::domain::scorecard_config::{Measure, ScorecardConfig};
use chrono::NaiveDate;

pub use crate::domain::signals::{AccountSignals, BookSignals, SignalsView};
pub use measures::{measure_number, measure_value};
pub use slide::Slide;

/// A measure's value on a date, in its own unit, with the words that say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureValue {
    /// Compared with thresholds: `value ≥ t` (or `≤ t`) is
    /// `numerator ≥ t · denominator` (denominator > 0).
    pub numerator: i128,
    pub denominator: i128,
    /// "usage per licence fell 38% in 3 months".
    pub text: String,
}

impl MeasureValue {
    pub fn whole(value: i64, text: String) -> MeasureValue {
        MeasureValue { numerator: i128::from(value), denominator: 1, text }
    }

    /// Whether the value meets threshold `t` in the measure's direction.
    fn meets(&self, t: i64, higher_is_better: bool) -> bool {
        let scaled = i128::from(t) * self.denominator;
        if higher_is_better { self.numerator >= scaled } else { self.numerator <= scaled }
    }
}

/// One line of the breakdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureScore {
    pub measure: Measure,
    pub weight: i64,
    /// `None` when the measure has no value (it drops out of the mean).
    pub value: Option<MeasureValue>,
    /// 0–100, 0 when missing.
    pub points: i64,
}

impl MeasureScore {
    /// Points earned out of the weight, in hundredths of a point.
    pub fn earned_hundredths(&self) -> i64 {
        if self.value.is_some() { self.weight * self.points } else { 0 }
    }

    /// Points lost (weight − earned), in hundredths; 0 when missing.
    pub fn lost_hundredths(&self) -> i64 {
        if self.value.is_some() { self.weight * 100 - self.earned_hundredths() } else { 0 }
    }

    /// "usage per licence fell 38% in 3 months: 10 of 25 points", or
    /// "NPS: missing (no answers in 180 days)".
    pub fn sentence(&self) -> String {
        match &self.value {
            Some(value) => format!(
                "{}: {} of {} points",
                if value.text.is_empty() { self.measure.label() } else { &value.text },
                round_div(i128::from(self.earned_hundredths()), 100),
                self.weight
            ),
            None => format!("{}: missing, not counted", self.measure.label()),
        }
    }
}

/// An account's score on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scorecard {
    pub at: NaiveDate,
    /// Every measure with a weight, in breakdown order (most points lost first).
    pub measures: Vec<MeasureScore>,
    /// Σ weight·points over the measures with a value.
    pub weighted_points: i64,
    /// Σ weight over the measures with a value; 0 means no score.
    pub weight: i64,
}

impl Scorecard {
    /// The score 0–100 rounded half up; `None` when no measure has a value.
    pub fn score(&self) -> Option<i64> {
        score_of((self.weighted_points, self.weight))
    }

    /// The band by the configured cuts (exact: `score ≥ cut`).
    pub fn band(&self, config: &ScorecardConfig) -> Option<Health> {
        band_of(self.weighted_points, self.weight, config)
    }

    /// One measure's line, if it has a weight.
    pub fn measure(&self, measure: Measure) -> Option<&MeasureScore> {
        self.measures.iter().find(|m| m.measure == measure)
    }
}

/// The band of the weighted mean `points / weight` (`None` when weight is 0).
pub fn band_of(points: i64, weight: i64, config: &ScorecardConfig) -> Option<Health> {
    if weight <= 0 {
        return None;
    }
    let at_least = |cut: i64| i128::from(points) >= i128::from(cut) * i128::from(weight);
    let cuts = config.bands;
    Some(if at_least(cuts.green) {
        Health::Green
    } else if at_least(cuts.yellow) {
        Health::Yellow
    } else if at_least(cuts.orange) {
        Health::Orange
    } else {
        Health::Red
    })
}

/// `n / d` rounded half away from zero (`d > 0`).
pub fn round_div(n: i128, d: i128) -> i128 {
    if n >= 0 { (2 * n + d) / (2 * d) } else { -((-2 * n + d) / (2 * d)) }
}

/// The points a value earns by a rule: the first threshold it meets.
pub fn points_for(measure: Measure, value: &MeasureValue, config: &ScorecardConfig) -> i64 {
    let rule = config.rule(measure);
    rule.points
        .iter()
        .find(|(threshold, _)| value.meets(*threshold, measure.higher_is_better()))
        .map_or(0, |(_, points)| *points)
}

/// Scores one account on `at` (`today` decides whether success plans count).
pub fn score<'a>(
    signals: impl Into<SignalsView<'a>>,
    book: &BookSignals,
    at: NaiveDate,
    today: NaiveDate,
    config: &ScorecardConfig,
) -> Scorecard {
    card_of(&signals.into(), book, at, today, config, true)
}

/// [`score`] without the words (every value's `text` empty, so a sentence
/// names the measure only): the same numbers, points and order, for a
/// whole book's list that explains only the rows it shows.
pub fn score_unexplained<'a>(
    signals: impl Into<SignalsView<'a>>,
    book: &BookSignals,
    at: NaiveDate,
    today: NaiveDate,
    config: &ScorecardConfig,
) -> Scorecard {
    card_of(&signals.into(), book, at, today, config, false)
}

/// The card, each value with its words when `said`.
fn card_of(
    signals: &SignalsView<'_>,
    book: &BookSignals,
    at: NaiveDate,
    today: NaiveDate,
    config: &ScorecardConfig,
    said: bool,
) -> Scorecard {
    let mut measures = Vec::with_capacity(Measure::ALL.len());
    let (mut weighted_points, mut weight) = (0_i64, 0_i64);
    for measure in Measure::ALL {
        let rule_weight = config.rule(measure).weight;
        if rule_weight == 0 {
            continue;
        }
        let value = measures::value_in(measure, signals, book, at, today, config, said);
        let points = value.as_ref().map_or(0, |v| points_for(measure, v, config));
        if value.is_some() {
            weighted_points += rule_weight * points;
            weight += rule_weight;
        }
        measures.push(MeasureScore { measure, weight: rule_weight, value, points });
    }
    // The measures that cost the most points first; missing ones last.
    measures.sort_by_key(|m| (m.value.is_none(), -m.lost_hundredths()));
    Scorecard { at, measures, weighted_points, weight }
}

/// Σ weight·points and Σ weight on `at`, with no breakdown and no words:
/// the same sums [`score`] makes, for a band or a score alone.
pub fn weighted<'a>(
    signals: impl Into<SignalsView<'a>>,
    book: &BookSignals,
    at: NaiveDate,
    today: NaiveDate,
    config: &ScorecardConfig,
) -> (i64, i64) {
    weighted_of(&measure_points(signals, book, at, today, config), config)
}

/// Each measure's points on `at`, in [`Measure::ALL`]'s order: `None` when
/// it has no value or no weight.
pub type Points = [Option<i64>; Measure::ALL.len()];

/// The points of every weighted measure on `at` (no words): what both the
/// scorecard's band and each measure's flag are read from.
pub fn measure_points<'a>(
    signals: impl Into<SignalsView<'a>>,
    book: &BookSignals,
    at: NaiveDate,
    today: NaiveDate,
    config: &ScorecardConfig,
) -> Points {
    let signals = signals.into();
    let mut points = [None; Measure::ALL.len()];
    for (slot, measure) in points.iter_mut().zip(Measure::ALL) {
        if config.rule(measure).weight == 0 {
            continue;
        }
        *slot = measures::value_in(measure, &signals, book, at, today, config, false)
            .map(|value| points_for(measure, &value, config));
    }
    points
}

/// Σ weight·points and Σ weight of measures' points.
pub fn weighted_of(points: &Points, config: &ScorecardConfig) -> (i64, i64) {
    let (mut weighted_points, mut weight) = (0_i64, 0_i64);
    for (points, measure) in points.iter().zip(Measure::ALL) {
        if let Some(points) = points {
            let rule_weight = config.rule(measure).weight;
            weighted_points += rule_weight * points;
            weight += rule_weight;
        }
    }
    (weighted_points, weight)
}

/// Whether a measure's points alone fall in the red or orange band.
pub fn points_flag(points: Option<i64>, config: &ScorecardConfig) -> bool {
    points.is_some_and(|points| band_of(points, 1, config).is_some_and(Health::is_at_risk))
}

/// The score 0–100 of weighted sums, rounded down so the shown whole number
/// always falls in its band (74.6 shows 74, yellow, not 75), `None` for no
/// weight.
pub fn score_of((points, weight): (i64, i64)) -> Option<i64> {
    (weight > 0).then(|| i128::from(points).div_euclid(i128::from(weight)) as i64)
}

/// Whether one measure alone flags the account on `at`: its points fall
/// in the red or orange band (missing never flags).
pub fn measure_flags<'a>(
    measure: Measure,
    signals: impl Into<SignalsView<'a>>,
    book: &BookSignals,
    at: NaiveDate,
    today: NaiveDate,
    config: &ScorecardConfig,
) -> bool {
    let points = measure_number(measure, signals, book, at, today, config)
        .map(|value| points_for(measure, &value, config));
    points_flag(points, config)
}
