//! One account's measures' points read at many dates (the backtest reads an
//! account at each outcome's lead date and the steps before it): the
//! measures that change only with the latest month known — usage per
//! licence, usage trend, ARR trend — are worked out once a known month and
//! kept while the dates slide over it; the others (tickets, NPS, last
//! touch, success plans) are read on each date, as [`measure_points`] does.
//! The same points as [`measure_points`] at every date, nothing allocated.
//!
//! [`measure_points`]: super::measure_points

use super::{BookSignals, Points, SignalsView, measure_number, points_for};
use crate::domain::Month;
use crate::domain::scorecard_config::{Measure, ScorecardConfig};
use chrono::NaiveDate;

/// What a measure's value on a date depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reads {
    /// The latest usage month known on the date.
    UsageMonth,
    /// The latest snapshot month known on the date.
    SnapshotMonth,
    /// The day itself.
    Day,
}

fn reads(measure: Measure) -> Reads {
    match measure {
        Measure::UsagePerLicence | Measure::UsageTrend => Reads::UsageMonth,
        Measure::ArrTrend => Reads::SnapshotMonth,
        Measure::OpenHighTickets
        | Measure::Nps
        | Measure::DaysSinceTouch
        | Measure::SuccessPlan => Reads::Day,
    }
}

/// An account's points at dates, each month-bound measure's kept for the
/// known month it was worked out for.
pub struct Slide<'a> {
    signals: SignalsView<'a>,
    book: &'a BookSignals,
    today: NaiveDate,
    config: &'a ScorecardConfig,
    /// Per measure (in [`Measure::ALL`]'s order): the known month its
    /// kept points are for, and the points (`None`: no value).
    kept: [Option<(Option<Month>, Option<i64>)>; Measure::ALL.len()],
}

impl<'a> Slide<'a> {
    pub fn new(
        signals: impl Into<SignalsView<'a>>,
        book: &'a BookSignals,
        today: NaiveDate,
        config: &'a ScorecardConfig,
    ) -> Slide<'a> {
        Slide { signals: signals.into(), book, today, config, kept: [None; Measure::ALL.len()] }
    }

    /// The points of every weighted measure on `at`: [`super::measure_points`]'s.
    pub fn points(&mut self, at: NaiveDate) -> Points {
        let (usage_month, snapshot_month) = (
            BookSignals::known_month(&self.book.usage_months, at),
            BookSignals::known_month(&self.book.snapshot_months, at),
        );
        let mut points = [None; Measure::ALL.len()];
        for ((slot, kept), measure) in points.iter_mut().zip(&mut self.kept).zip(Measure::ALL) {
            if self.config.rule(measure).weight == 0 {
                continue;
            }
            let key = match reads(measure) {
                Reads::UsageMonth => Some(usage_month),
                Reads::SnapshotMonth => Some(snapshot_month),
                Reads::Day => None,
            };
            if let (Some(key), Some((month, points))) = (key, *kept)
                && key == month
            {
                *slot = points;
                continue;
            }
            *slot = measure_number(measure, self.signals, self.book, at, self.today, self.config)
                .map(|value| points_for(measure, &value, self.config));
            if let Some(key) = key {
                *kept = Some((key, *slot));
            }
        }
        points
    }
}
