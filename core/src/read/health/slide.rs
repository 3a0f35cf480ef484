//! The backtest's flags of one account's outcomes, read by sliding over the
//! account's signals: every lead date of its outcomes scored once, in date
//! order (the measures bound to a known month worked out once a month,
//! [`Slide`]), then the steps before the lead dates of the churned outcomes
//! something flagged — the same flags as scoring each outcome's dates
//! afresh, which the tests hold it to.

use super::Flag;
use crate::domain::Health;
use crate::domain::scorecard_config::{Measure, ScorecardConfig};
use crate::domain::signals::{AccountSignals, BookSignals};
use crate::metrics::backtest::{self, BacktestOutcome, OutcomeKind};
use crate::metrics::scorecard::{Points, Slide, band_of, points_flag, weighted_of};
use chrono::{Duration, NaiveDate};

/// What stays the same for every account of a backtest.
pub(super) struct Run<'a> {
    pub book: &'a BookSignals,
    pub today: NaiveDate,
    pub card: &'a ScorecardConfig,
    pub lead_days: i64,
    pub outcomes: &'a [BacktestOutcome],
    /// The measures that predict alone: their slot in [`Points`].
    pub measures: &'a [(usize, Measure)],
}

/// Dates and their points, reused from account to account.
#[derive(Default)]
pub(super) struct Scratch {
    dates: Vec<NaiveDate>,
    points: Vec<Points>,
    steps: Vec<NaiveDate>,
    step_points: Vec<Points>,
}

impl Run<'_> {
    /// Predictor `p`'s flag from points: 0 the scorecard, then each measure.
    fn flags(&self, p: usize, points: &Points) -> bool {
        match p.checked_sub(1).and_then(|k| self.measures.get(k)) {
            None => {
                let (points, weight) = weighted_of(points, self.card);
                band_of(points, weight, self.card).is_some_and(Health::is_at_risk)
            }
            Some((slot, _)) => points_flag(points[*slot], self.card),
        }
    }

    fn lead_date(&self, i: usize) -> NaiveDate {
        self.outcomes[i].end_date - Duration::days(self.lead_days)
    }

    /// Writes the flags of the outcomes `mine` (indexes, all of one
    /// account) into `flags` (`stride` predictors an outcome).
    pub fn account(
        &self,
        signals: &AccountSignals,
        mine: &[usize],
        flags: &mut [Flag],
        scratch: &mut Scratch,
    ) {
        let stride = 1 + self.measures.len();
        let Scratch { dates, points, steps, step_points } = scratch;
        dates.clear();
        dates.extend(mine.iter().map(|&i| self.lead_date(i)));
        self.score(signals, dates, points);
        steps.clear();
        for &i in mine {
            let Some(at) = find(dates, points, self.lead_date(i)) else { continue };
            for p in 0..stride {
                let lead = self.flags(p, at);
                flags[i * stride + p] = Flag { lead, steps: 0 };
            }
            let churned = self.outcomes[i].kind == OutcomeKind::Churned;
            if churned && flags[i * stride..(i + 1) * stride].iter().any(|f| f.lead) {
                let lead_date = self.lead_date(i);
                steps.extend(
                    (1..=backtest::MAX_STEPS)
                        .map(|step| lead_date - Duration::days(step * backtest::STEP_DAYS)),
                );
            }
        }
        if steps.is_empty() {
            return;
        }
        self.score(signals, steps, step_points);
        for &i in mine {
            let lead_date = self.lead_date(i);
            for p in 0..stride {
                let flag = &mut flags[i * stride + p];
                if !flag.lead || self.outcomes[i].kind != OutcomeKind::Churned {
                    continue;
                }
                for step in 1..=backtest::MAX_STEPS {
                    let date = lead_date - Duration::days(step * backtest::STEP_DAYS);
                    let flagged =
                        find(steps, step_points, date).is_some_and(|points| self.flags(p, points));
                    if !flagged {
                        break;
                    }
                    flag.steps = step;
                }
            }
        }
    }

    /// Sorts `dates` (each once) and scores them in that order.
    fn score(&self, signals: &AccountSignals, dates: &mut Vec<NaiveDate>, out: &mut Vec<Points>) {
        dates.sort_unstable();
        dates.dedup();
        let mut slide = Slide::new(signals, self.book, self.today, self.card);
        out.clear();
        out.extend(dates.iter().map(|date| slide.points(*date)));
    }
}

/// The points scored for `date`.
fn find<'p>(dates: &[NaiveDate], points: &'p [Points], date: NaiveDate) -> Option<&'p Points> {
    dates.binary_search(&date).ok().and_then(|k| points.get(k))
}
