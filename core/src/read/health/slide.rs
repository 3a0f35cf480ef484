//! The backtest's flags of one account's outcomes, read by sliding over the
//! account's signals: every lead date of its outcomes scored once, in date
//! order (the measures bound to a known month worked out once a month,
//! [`Slide`]), then for each churned outcome the steps back from its lead
//! date while any predictor's spell holds, each step scored once for all of
//! them — the same flags as scoring each outcome's dates afresh, which the
//! tests hold it to. A predictor's flag of one outcome is a [`Flag`].

use crate::domain::Health;
use crate::domain::scorecard_config::{Measure, ScorecardConfig};
use crate::domain::signals::{BookSignals, SignalsView};
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
        signals: SignalsView<'_>,
        mine: &[usize],
        flags: &mut [Flag],
        scratch: &mut Scratch,
    ) {
        let stride = 1 + self.measures.len();
        let Scratch { dates, points } = scratch;
        dates.clear();
        dates.extend(mine.iter().map(|&i| self.lead_date(i)));
        self.score(signals, dates, points);
        let mut slide = Slide::new(signals, self.book, self.today, self.card);
        for &i in mine {
            let lead_date = self.lead_date(i);
            let Some(at) = find(dates, points, lead_date) else { continue };
            let mine = &mut flags[i * stride..(i + 1) * stride];
            for (p, flag) in mine.iter_mut().enumerate() {
                *flag = Flag { lead: self.flags(p, at), steps: 0 };
            }
            if self.outcomes[i].kind != OutcomeKind::Churned {
                continue;
            }
            // Back a step at a time while any predictor's spell holds;
            // each step's points are read once for all of them.
            let mut holding = mine.iter().filter(|f| f.lead).count();
            let mut held = [true; 1 + Measure::ALL.len()];
            for step in 1..=backtest::MAX_STEPS {
                if holding == 0 {
                    break;
                }
                let points = slide.points(lead_date - Duration::days(step * backtest::STEP_DAYS));
                for (p, flag) in mine.iter_mut().enumerate() {
                    if !flag.lead || !held[p] {
                        continue;
                    }
                    if self.flags(p, &points) {
                        flag.steps = step;
                    } else {
                        held[p] = false;
                        holding -= 1;
                    }
                }
            }
        }
    }

    /// Sorts `dates` (each once) and scores them in that order.
    fn score(&self, signals: SignalsView<'_>, dates: &mut Vec<NaiveDate>, out: &mut Vec<Points>) {
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

/// Whether a predictor flagged an outcome's account on its lead date, and
/// for how many steps of [`backtest::STEP_DAYS`] before it in a row (read
/// for a churned outcome it flagged, as [`backtest::run`] asks).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Flag {
    pub(super) lead: bool,
    pub(super) steps: i64,
}

impl Flag {
    pub(super) fn of(
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
    pub(super) fn on(self, lead_date: NaiveDate, date: NaiveDate) -> bool {
        let back = (lead_date - date).num_days();
        self.lead
            && back >= 0
            && back % backtest::STEP_DAYS == 0
            && back / backtest::STEP_DAYS <= self.steps
    }
}
