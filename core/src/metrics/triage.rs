//! Today's triage: findings from several sources, ranked. Pure: the facts
//! come in as plain data, the ranked rows go out.
//!
//! A source is a function from facts to [`Finding`]s; adding one (trials past
//! their end date, success plans behind) is a new [`FindingKind`] variant and
//! a new function feeding [`rank`]. Each finding has a `key` that names the
//! fact behind it, so a snooze on (account, key) hides exactly that row.
//!
//! # The ranking rule
//! Every row gets a score, and rows are sorted by score (highest first), then
//! by ARR at stake, then by account name:
//!
//! `score = urgency + tier points + flag points + ARR points`, where
//! - **urgency** (0–100) is set by the source: a renewal `d` days away scores
//!   `100 − d/2` (floor 10); a health dropped to red 90, to orange 75, to
//!   yellow 60; an overdue moment `50 + days late` (at most 90); a suggested
//!   red 70, orange 60, yellow 45, a review before renewal 40; no touch past
//!   cadence `30 + days over / 3` (at most 60);
//! - **tier points**: tier 1 = 30, tier 2 = 15, otherwise 0;
//! - **flag points**: 10 per value flag (reference, advocate, design partner);
//! - **ARR points** (0–30): `30 × ARR at stake ÷ the largest ARR at stake
//!   among today's rows`, rounded down. ARR at stake is the account's ARR.

use crate::domain::{Flags, Health, Money};
use chrono::NaiveDate;

/// What a Today row is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingKind {
    /// A renewal entered its `window`-day window; `days` remain.
    Renewal { window: i64, days: i64, date: NaiveDate },
    /// Someone else lowered the health recently.
    HealthDropped { from: Health, to: Health, on: NaiveDate, who: String },
    /// A health suggestion waits for the CSM (`review` when it only asks to
    /// re-confirm the current colour).
    Suggestion { health: Health, review: bool },
    /// No touch for `days`, past the tier's `cadence`.
    NoTouch { days: i64, cadence: i64 },
    /// A moment is `days_late` days past its due date.
    MomentOverdue { kind: String, title: String, due_on: NaiveDate, days_late: i64 },
    /// A trial ended `days_past_end` days ago and its takeaway test has no result.
    TrialOverdue { product: String, end_date: NaiveDate, days_past_end: i64 },
    /// A success plan's progress lags the time elapsed (or its date passed).
    PlanBehind { measure: String, target_date: NaiveDate },
    /// The account's last contracts ended `days_ago` days ago with nothing
    /// after them, and no churn chain says why yet.
    RenewalLost { ended_on: NaiveDate, days_ago: i64 },
}

impl FindingKind {
    /// The urgency (0–100) of this kind of finding (see the module rule).
    pub fn urgency(&self) -> i64 {
        match self {
            FindingKind::Renewal { days, .. } => (100 - days / 2).clamp(10, 100),
            FindingKind::HealthDropped { to, .. } => match to {
                Health::Red => 90,
                Health::Orange => 75,
                _ => 60,
            },
            FindingKind::MomentOverdue { days_late, .. } => (50 + days_late).min(90),
            FindingKind::Suggestion { review: true, .. } => 40,
            FindingKind::Suggestion { health, .. } => match health {
                Health::Red => 70,
                Health::Orange => 60,
                _ => 45,
            },
            FindingKind::NoTouch { days, cadence } => (30 + (days - cadence) / 3).min(60),
            FindingKind::TrialOverdue { days_past_end, .. } => (55 + days_past_end).min(85),
            FindingKind::PlanBehind { .. } => 50,
            FindingKind::RenewalLost { days_ago, .. } => (85 - days_ago / 3).max(50),
        }
    }

    /// A short label for the row.
    pub fn label(&self) -> &'static str {
        match self {
            FindingKind::Renewal { .. } => "renewal",
            FindingKind::HealthDropped { .. } => "health dropped",
            FindingKind::Suggestion { review: true, .. } => "review health",
            FindingKind::Suggestion { .. } => "suggestion",
            FindingKind::NoTouch { .. } => "no touch",
            FindingKind::MomentOverdue { .. } => "moment overdue",
            FindingKind::TrialOverdue { .. } => "trial overdue",
            FindingKind::PlanBehind { .. } => "plan behind",
            FindingKind::RenewalLost { .. } => "renewal lost",
        }
    }
}

/// One reason an account needs the CSM today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub account_id: String,
    pub name: String,
    pub kind: FindingKind,
    /// Names the fact, for snoozes: `renewal:90`, `no_touch`, `moment:qbr:2025-05-01`.
    pub key: String,
    /// Why, in words.
    pub why: String,
    pub arr: Money,
    pub tier: u8,
    pub flags: Flags,
    pub score: i64,
}

/// The window a renewal `days` away is in (the smallest window that holds it).
pub fn renewal_window(days: i64, windows: &[i64]) -> Option<i64> {
    if days < 0 {
        return None;
    }
    windows.iter().copied().filter(|w| days <= *w).min()
}

/// The next smaller window after `window`, if any.
pub fn next_window(window: i64, windows: &[i64]) -> Option<i64> {
    windows.iter().copied().filter(|w| *w < window).max()
}

/// Scores every finding by the module's rule and sorts them, best first.
pub fn rank(findings: &mut [Finding]) {
    let largest = findings.iter().map(|f| f.arr.cents()).max().unwrap_or(0);
    for finding in findings.iter_mut() {
        let tier_points = match finding.tier {
            1 => 30,
            2 => 15,
            _ => 0,
        };
        let flag_points = 10 * i64::from(finding.flags.count());
        let arr_points = if largest > 0 {
            i64::try_from(i128::from(finding.arr.cents().max(0)) * 30 / i128::from(largest))
                .unwrap_or(0)
        } else {
            0
        };
        finding.score = finding.kind.urgency() + tier_points + flag_points + arr_points;
    }
    findings.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| b.arr.cmp(&a.arr))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.key.cmp(&b.key))
    });
}

/// A lost account: no ARR, nothing left to renew, and not on a trial. Its
/// story is told by its churn chain; cadence touches and health work on it
/// would only bury the live accounts in Today.
pub fn is_lost(
    arr: crate::domain::Money,
    next_renewal: Option<chrono::NaiveDate>,
    stage: crate::domain::Stage,
) -> bool {
    arr.is_zero() && next_renewal.is_none() && stage != crate::domain::Stage::Addiction
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(name: &str, kind: FindingKind, arr: i64, tier: u8, flags: Flags) -> Finding {
        Finding {
            account_id: name.into(),
            name: name.into(),
            kind,
            key: "k".into(),
            why: String::new(),
            arr: Money::from_units(arr),
            tier,
            flags,
            score: 0,
        }
    }

    #[test]
    fn windows_are_the_smallest_that_hold_the_renewal() {
        let windows = [180, 120, 90, 60, 30];
        assert_eq!(renewal_window(85, &windows), Some(90));
        assert_eq!(renewal_window(30, &windows), Some(30));
        assert_eq!(renewal_window(0, &windows), Some(30));
        assert_eq!(renewal_window(181, &windows), None);
        assert_eq!(renewal_window(-1, &windows), None);
        assert_eq!(next_window(90, &windows), Some(60));
        assert_eq!(next_window(30, &windows), None);
    }

    #[test]
    fn the_score_adds_urgency_tier_flags_and_arr() {
        let date = NaiveDate::from_ymd_opt(2025, 7, 1).expect("d");
        let reference = Flags { reference: true, ..Flags::default() };
        let mut rows = vec![
            // Renewal in 30 days: urgency 85; tier 3: 0; no flags; ARR 50/100 → 15. Total 100.
            finding(
                "Small",
                FindingKind::Renewal { window: 30, days: 30, date },
                50,
                3,
                Flags::default(),
            ),
            // No touch 90 days, cadence 30: 30 + 20 = 50; tier 1: 30; one flag: 10;
            // ARR 100/100 → 30. Total 120.
            finding("Big", FindingKind::NoTouch { days: 90, cadence: 30 }, 100, 1, reference),
        ];
        rank(&mut rows);
        assert_eq!(rows[0].name, "Big");
        assert_eq!(rows[0].score, 120);
        assert_eq!(rows[1].score, 100);
    }

    #[test]
    fn urgency_is_bounded() {
        let date = NaiveDate::from_ymd_opt(2025, 7, 1).expect("d");
        assert_eq!(FindingKind::Renewal { window: 180, days: 180, date }.urgency(), 10);
        assert_eq!(FindingKind::Renewal { window: 30, days: 0, date }.urgency(), 100);
        let late = FindingKind::MomentOverdue {
            kind: "qbr".into(),
            title: String::new(),
            due_on: date,
            days_late: 400,
        };
        assert_eq!(late.urgency(), 90);
        assert_eq!(FindingKind::NoTouch { days: 1000, cadence: 30 }.urgency(), 60);
        assert_eq!(FindingKind::RenewalLost { ended_on: date, days_ago: 3 }.urgency(), 84);
        assert_eq!(FindingKind::RenewalLost { ended_on: date, days_ago: 300 }.urgency(), 50);
    }

    #[test]
    fn lost_accounts_are_those_with_nothing_left_to_keep() {
        use crate::domain::{Money, Stage};
        let renewal = chrono::NaiveDate::from_ymd_opt(2026, 3, 1);
        assert!(is_lost(Money::ZERO, None, Stage::Adoption));
        assert!(!is_lost(Money::ZERO, renewal, Stage::Adoption), "a renewal is still ahead");
        assert!(!is_lost(Money::ZERO, None, Stage::Addiction), "a trial has no ARR yet");
        assert!(!is_lost(Money::from_units(1), None, Stage::Adoption));
    }
}
