//! Success plans: how the customer measures success (its measure and unit —
//! time saved, revenue, cost…), where it started, where it should be by when,
//! and where it is now; with the one rule that says whether it is on track.
//! Plain data and rules only; the store keeps the plans.
//!
//! **On track** (the rule): the share of the way from baseline to target
//! already covered must be at least the share of the time from start date to
//! target date already elapsed. With progress = (current − baseline) /
//! (target − baseline) and elapsed = (today − start) / (target date − start),
//! clamped to 0‥1, a plan is on track when progress ≥ elapsed, compared exactly
//! by cross-multiplication. A target below the baseline (cutting a cost) works
//! the same way: progress is measured in the target's direction. A plan whose
//! current value has reached the target is `Achieved`; after the target date
//! anything short of the target is `Behind`.

use super::money::Money;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A plan value held exactly in hundredths (two decimals), whatever its unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PlanValue(pub i64);

impl PlanValue {
    /// Parses a plain decimal with at most two decimals: `12`, `-3.5`, `0.25`.
    pub fn parse(text: &str) -> Result<PlanValue, String> {
        // Same exact grammar as money (two decimals at most, no rounding).
        Money::parse(text).map(|m| PlanValue(m.cents())).map_err(|e| format!("value {e}"))
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }
}

impl fmt::Display for PlanValue {
    /// Shortest exact form: `12`, `12.5`, `0.07`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Money(self.0).to_plain())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuccessPlanFields {
    /// What the customer measures, in their words ("hours saved per week").
    pub measure: String,
    /// Its unit: hours, USD, %, tickets…
    pub unit: String,
    pub baseline: PlanValue,
    pub target: PlanValue,
    pub current: PlanValue,
    pub start_date: NaiveDate,
    pub target_date: NaiveDate,
}

impl SuccessPlanFields {
    pub fn validate(&self) -> Result<(), String> {
        if self.measure.trim().is_empty() {
            return Err("a success plan needs a measure (what the customer counts)".to_string());
        }
        if self.target_date < self.start_date {
            return Err(format!(
                "the target date {} is before the start date {}",
                self.target_date, self.start_date
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuccessPlan {
    pub id: i64,
    pub account_id: String,
    pub fields: SuccessPlanFields,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// The current value has reached the target.
    Achieved,
    /// Progress keeps pace with the time elapsed.
    OnTrack,
    /// Progress lags the time elapsed: flag it in Today.
    Behind,
}

impl PlanStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Achieved => "achieved",
            PlanStatus::OnTrack => "on_track",
            PlanStatus::Behind => "behind",
        }
    }
}

impl SuccessPlanFields {
    /// The on-track rule of this module's doc comment, on `today`.
    pub fn status(&self, today: NaiveDate) -> PlanStatus {
        let direction = (self.target.0 - self.baseline.0).signum();
        let goal = i128::from((self.target.0 - self.baseline.0).abs());
        // Progress in the target's direction; with no distance to cover the
        // plan is judged on not having slipped below the baseline.
        let gained = i128::from(self.current.0 - self.baseline.0)
            * i128::from(if direction == 0 { 1 } else { direction });
        if goal == 0 {
            return if gained >= 0 { PlanStatus::Achieved } else { PlanStatus::Behind };
        }
        if gained >= goal {
            return PlanStatus::Achieved;
        }
        let span = i128::from((self.target_date - self.start_date).num_days());
        let elapsed = i128::from((today - self.start_date).num_days()).clamp(0, span.max(0));
        let (elapsed, span) =
            if span == 0 { (i128::from(today >= self.target_date), 1) } else { (elapsed, span) };
        // gained / goal ≥ elapsed / span, both denominators positive.
        if gained * span >= elapsed * goal { PlanStatus::OnTrack } else { PlanStatus::Behind }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    /// 100 days from 2025-01-01 to 2025-04-11; baseline 10, target 30.
    fn plan(current: i64) -> SuccessPlanFields {
        SuccessPlanFields {
            measure: "hours saved per week".into(),
            unit: "hours".into(),
            baseline: PlanValue(1000),
            target: PlanValue(3000),
            current: PlanValue(current),
            start_date: date(2025, 1, 1),
            target_date: date(2025, 4, 11),
        }
    }

    #[test]
    fn progress_must_keep_pace_with_time() {
        // Day 50 of 100: half the way (10 → 20) is exactly on track.
        let today = date(2025, 2, 20);
        assert_eq!((today - date(2025, 1, 1)).num_days(), 50);
        assert_eq!(plan(2000).status(today), PlanStatus::OnTrack);
        assert_eq!(plan(1999).status(today), PlanStatus::Behind);
        assert_eq!(plan(3000).status(today), PlanStatus::Achieved);
        // Before the start nothing is expected yet; after the end only the target counts.
        assert_eq!(plan(1000).status(date(2024, 12, 1)), PlanStatus::OnTrack);
        assert_eq!(plan(2999).status(date(2025, 6, 1)), PlanStatus::Behind);
    }

    #[test]
    fn a_falling_target_is_measured_in_its_direction() {
        // Cost from 50 down to 30 over 100 days; at day 25 it should be ≤ 45.
        let mut cost = plan(4500);
        cost.baseline = PlanValue(5000);
        cost.target = PlanValue(3000);
        let today = date(2025, 1, 26);
        assert_eq!(cost.status(today), PlanStatus::OnTrack);
        cost.current = PlanValue(4600);
        assert_eq!(cost.status(today), PlanStatus::Behind);
        cost.current = PlanValue(2900);
        assert_eq!(cost.status(today), PlanStatus::Achieved);
    }

    #[test]
    fn values_parse_exactly() {
        assert_eq!(PlanValue::parse("12.5"), Ok(PlanValue(1250)));
        assert_eq!(PlanValue::parse("-3"), Ok(PlanValue(-300)));
        assert!(PlanValue::parse("1.234").is_err());
        assert_eq!(PlanValue(1250).to_string(), "12.5");
        let mut bad = plan(0);
        bad.target_date = date(2024, 1, 1);
        assert!(bad.validate().is_err());
    }
}
