//! Each scorecard measure's value on a date, from what was known then, and
//! the words that say it. `None` is a missing measure.

use super::{BookSignals, MeasureValue, SignalsView, round_div};
use crate::domain::Month;
use crate::domain::count;
use crate::domain::scorecard_config::{Measure, ScorecardConfig};
use chrono::{Duration, NaiveDate};

/// The value of `measure` for an account on `at`, with its words.
pub fn measure_value<'a>(
    measure: Measure,
    signals: impl Into<SignalsView<'a>>,
    book: &BookSignals,
    at: NaiveDate,
    today: NaiveDate,
    config: &ScorecardConfig,
) -> Option<MeasureValue> {
    value_of(measure, &signals.into(), book, at, today, config, Words::Said)
}

/// The value alone (its `text` left empty): what a band or a flag needs,
/// without writing a sentence nobody reads (the backtest scores an account
/// at dozens of dates; Today scores every account of a CSM).
pub fn measure_number<'a>(
    measure: Measure,
    signals: impl Into<SignalsView<'a>>,
    book: &BookSignals,
    at: NaiveDate,
    today: NaiveDate,
    config: &ScorecardConfig,
) -> Option<MeasureValue> {
    value_of(measure, &signals.into(), book, at, today, config, Words::Unsaid)
}

/// [`measure_value`] (`said`) or [`measure_number`] of borrowed signals.
pub(super) fn value_in(
    measure: Measure,
    signals: &SignalsView<'_>,
    book: &BookSignals,
    at: NaiveDate,
    today: NaiveDate,
    config: &ScorecardConfig,
    said: bool,
) -> Option<MeasureValue> {
    let words = if said { Words::Said } else { Words::Unsaid };
    value_of(measure, signals, book, at, today, config, words)
}

/// Whether a value's sentence is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Words {
    Said,
    Unsaid,
}

impl Words {
    /// The sentence `say` writes, or an empty one (no allocation).
    fn text(self, say: impl FnOnce() -> String) -> String {
        match self {
            Words::Said => say(),
            Words::Unsaid => String::new(),
        }
    }
}

fn value_of(
    measure: Measure,
    signals: &SignalsView<'_>,
    book: &BookSignals,
    at: NaiveDate,
    today: NaiveDate,
    config: &ScorecardConfig,
    words: Words,
) -> Option<MeasureValue> {
    match measure {
        Measure::UsagePerLicence => usage_per_licence(signals, book, at, config, words),
        Measure::UsageTrend => usage_trend(signals, book, at, config, words),
        Measure::OpenHighTickets => open_high_tickets(signals, book, at, words),
        Measure::Nps => nps(signals, at, config, words),
        Measure::DaysSinceTouch => days_since_touch(signals, at, words),
        Measure::ArrTrend => arr_trend(signals, book, at, config, words),
        Measure::SuccessPlan => success_plan(signals, at, today, words),
    }
}

/// The key measure's usage in `month`: its row, or 0 when the account has
/// usage before but none that month; `None` when it never had any.
fn usage_in(signals: &SignalsView<'_>, month: Month) -> Option<i64> {
    let after = signals.usage.partition_point(|(m, _)| *m <= month);
    let last = after.checked_sub(1).and_then(|i| signals.usage.get(i))?;
    Some(if last.0 == month { last.1 } else { 0 })
}

/// The licences (units of every product) at the latest snapshot on or before `month`.
fn licences_at(signals: &SignalsView<'_>, month: Month) -> Option<i64> {
    let after = signals.months.partition_point(|(m, _, _)| *m <= month);
    let (_, arr, units) = after.checked_sub(1).and_then(|i| signals.months.get(i))?;
    units.filter(|u| *u > 0 && arr.cents() > 0)
}

/// ARR in exactly `month` (0 when no snapshot that month).
fn arr_in(signals: &SignalsView<'_>, month: Month) -> i64 {
    signals
        .months
        .binary_search_by_key(&month, |(m, _, _)| *m)
        .ok()
        .and_then(|i| signals.months.get(i))
        .map_or(0, |(_, arr, _)| arr.cents())
}

fn measure_words(config: &ScorecardConfig) -> String {
    config.usage_measure.replace('_', " ")
}

fn usage_per_licence(
    signals: &SignalsView<'_>,
    book: &BookSignals,
    at: NaiveDate,
    config: &ScorecardConfig,
    words: Words,
) -> Option<MeasureValue> {
    let month = BookSignals::known_month(&book.usage_months, at)?;
    let usage = usage_in(signals, month)?;
    let licences = licences_at(signals, month)?;
    let (numerator, denominator) = (i128::from(usage) * 100, i128::from(licences) * 1000);
    // Hundredths of a unit per licence: usage in thousandths / (licences · 10).
    let per = round_div(i128::from(usage), i128::from(licences) * 10);
    let text = words.text(|| {
        format!(
            "usage per licence {}.{:02} in {month} ({} {} over {} licences)",
            per / 100,
            per % 100,
            crate::domain::signals::UsageValue(usage),
            measure_words(config),
            licences
        )
    });
    Some(MeasureValue { numerator, denominator, text })
}

fn usage_trend(
    signals: &SignalsView<'_>,
    book: &BookSignals,
    at: NaiveDate,
    config: &ScorecardConfig,
    words: Words,
) -> Option<MeasureValue> {
    let months = config.trend_months;
    let now = BookSignals::known_month(&book.usage_months, at)?;
    let then = now.minus(months);
    let usage_then = usage_in(signals, then).filter(|u| *u > 0)?;
    let usage_now = usage_in(signals, now)?;
    let (licences_now, licences_then) = (licences_at(signals, now), licences_at(signals, then));
    let (per, n_now, n_then) = match (licences_now, licences_then) {
        (Some(now), Some(then)) => ("usage per licence", now, then),
        _ => ("usage", 1, 1),
    };
    // now/then − 1 in percent: (u_now·n_then − u_then·n_now)·100 / (u_then·n_now).
    let denominator = i128::from(usage_then) * i128::from(n_now);
    let numerator = (i128::from(usage_now) * i128::from(n_then) - denominator) * 100;
    let text = words.text(|| change_words(per, numerator, denominator, months));
    Some(MeasureValue { numerator, denominator, text })
}

/// "usage per licence fell 38% in 3 months", "ARR rose 5% in 3 months".
fn change_words(what: &str, numerator: i128, denominator: i128, months: i32) -> String {
    let percent = round_div(numerator, denominator);
    let span = count::of(months as usize, "month", "months");
    match percent {
        0 => format!("{what} held steady over {span}"),
        p if p < 0 => format!("{what} fell {}% in {span}", -p),
        p => format!("{what} rose {p}% in {span}"),
    }
}

fn open_high_tickets(
    signals: &SignalsView<'_>,
    book: &BookSignals,
    at: NaiveDate,
    words: Words,
) -> Option<MeasureValue> {
    if !book.has_tickets {
        return None;
    }
    let open = signals
        .high_tickets
        .iter()
        .filter(|(opened, closed)| *opened <= at && closed.is_none_or(|c| c > at))
        .count();
    let text = words.text(|| match open {
        0 => "no open high-severity ticket".to_string(),
        n => format!("{} open", count::of(n, "high-severity ticket", "high-severity tickets")),
    });
    Some(MeasureValue::whole(open as i64, text))
}

fn nps(
    signals: &SignalsView<'_>,
    at: NaiveDate,
    config: &ScorecardConfig,
    words: Words,
) -> Option<MeasureValue> {
    let since = at - Duration::days(config.survey_days);
    let answers = signals.nps.iter().filter(|(day, _)| since < *day && *day <= at);
    let (mut promoters, mut detractors, mut all) = (0_i64, 0_i64, 0_i64);
    for (_, score) in answers {
        all += 1;
        promoters += i64::from(*score >= 9);
        detractors += i64::from(*score <= 6);
    }
    if all == 0 {
        return None;
    }
    let numerator = i128::from(promoters - detractors) * 100;
    let text = words.text(|| {
        format!(
            "NPS {} ({} in {} days)",
            round_div(numerator, i128::from(all)),
            count::of(all as usize, "answer", "answers"),
            config.survey_days
        )
    });
    Some(MeasureValue { numerator, denominator: i128::from(all), text })
}

fn days_since_touch(
    signals: &SignalsView<'_>,
    at: NaiveDate,
    words: Words,
) -> Option<MeasureValue> {
    let after = signals.touches.partition_point(|day| *day <= at);
    let last = after.checked_sub(1).and_then(|i| signals.touches.get(i))?;
    let days = (at - *last).num_days();
    let text = words.text(|| match days {
        0 => "touched today".to_string(),
        n => format!("last touch {} ago", count::days(n)),
    });
    Some(MeasureValue::whole(days, text))
}

fn arr_trend(
    signals: &SignalsView<'_>,
    book: &BookSignals,
    at: NaiveDate,
    config: &ScorecardConfig,
    words: Words,
) -> Option<MeasureValue> {
    let months = config.trend_months;
    let now = BookSignals::known_month(&book.snapshot_months, at)?;
    let then = arr_in(signals, now.minus(months));
    if then <= 0 {
        return None;
    }
    let denominator = i128::from(then);
    let numerator = (i128::from(arr_in(signals, now)) - denominator) * 100;
    let text = words.text(|| change_words("ARR", numerator, denominator, months));
    Some(MeasureValue { numerator, denominator, text })
}

fn success_plan(
    signals: &SignalsView<'_>,
    at: NaiveDate,
    today: NaiveDate,
    words: Words,
) -> Option<MeasureValue> {
    let (on_track, behind) = signals.plans.filter(|_| at == today)?;
    let all = on_track + behind;
    if all == 0 {
        return None;
    }
    let text = words.text(|| match behind {
        0 => format!("{} on track", count::of(all as usize, "success plan", "success plans")),
        n => format!("{n} of {} behind", count::of(all as usize, "success plan", "success plans")),
    });
    Some(MeasureValue::whole(i64::from(behind == 0), text))
}
