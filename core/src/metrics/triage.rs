//! Today's triage: findings from several sources, grouped into one row per
//! account and ranked. Pure: the facts come in as plain data, the ranked rows
//! go out.
//!
//! A source is a function from facts to [`Finding`]s (the reasons); adding
//! one (tasks due, trials past their end date) is a new [`FindingKind`]
//! variant and a new function feeding [`rank_accounts`]. Each finding has a
//! `key` that names the fact behind it, so a snooze on (account, key) hides
//! exactly that reason; an account row is hidden when all its reasons are.
//!
//! # The ranking rule
//! An account's reasons are sorted strongest first (pressing ones first, then
//! by urgency). The account gets one score, and rows are sorted by score
//! (highest first), then by ARR at stake, then by account name:
//!
//! `score = pressing points + urgency of the strongest reason + 5 × other
//! reasons (at most 2) + tier points + flag points + ARR points`, where
//! - **pressing points**: 300 when a renewal is due within
//!   [`PRESSING_DAYS`] days or was lost in the last [`PRESSING_DAYS`] days,
//!   else 0. The other points together reach at most 200, so such a renewal
//!   always outranks a late check-in;
//! - **urgency** (0–100) is set by the source: a renewal `d` days away scores
//!   `100 − d/2` (floor 10); a health dropped to red 90, to orange 75, to
//!   yellow 60; an overdue moment `50 + days late` (at most 90); a task
//!   due today 55, late `60 + days late` (at most 90); a suggested red 70,
//!   orange 60, yellow 45, a review before renewal 40; no touch past cadence
//!   `30 + days over / 3` (at most 60); a trial overdue `55 + days past end`
//!   (at most 85); a plan behind 50; a renewal lost `d` days ago `85 − d/3`
//!   (at least 50);
//! - **tier points**: tier 1 = 30, tier 2 = 15, otherwise 0;
//! - **flag points**: 10 per value flag (reference, advocate, design partner);
//! - **ARR points** (0–30): `30 × ARR at stake ÷ the largest ARR at stake
//!   among the rows ranked together`, rounded down. ARR at stake is the
//!   account's ARR, or the ARR lost for a lost renewal.

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
    /// (`id` is the moment's, for marking it done from Today.)
    MomentOverdue { id: i64, kind: String, title: String, due_on: NaiveDate, days_late: i64 },
    /// A trial ended `days_past_end` days ago and its takeaway test has no result.
    TrialOverdue { product: String, end_date: NaiveDate, days_past_end: i64 },
    /// A success plan's progress lags the time elapsed (or its date passed).
    PlanBehind { measure: String, target_date: NaiveDate },
    /// The account's last contracts ended `days_ago` days ago with nothing
    /// after them, and no churn chain says why yet.
    RenewalLost { ended_on: NaiveDate, days_ago: i64 },
    /// A task is due today (`days_late` 0) or `days_late` days past its due date.
    TaskDue { id: i64, title: String, due_on: NaiveDate, days_late: i64 },
}

/// The kinds of reason Today counts and filters by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReasonKind {
    Renewal,
    RenewalLost,
    HealthDropped,
    Suggestion,
    Task,
    MomentOverdue,
    NoTouch,
    TrialOverdue,
    PlanBehind,
}

impl ReasonKind {
    /// Every kind, in the order the header counts them.
    pub const ALL: [ReasonKind; 9] = [
        ReasonKind::Renewal,
        ReasonKind::RenewalLost,
        ReasonKind::HealthDropped,
        ReasonKind::Suggestion,
        ReasonKind::Task,
        ReasonKind::MomentOverdue,
        ReasonKind::NoTouch,
        ReasonKind::TrialOverdue,
        ReasonKind::PlanBehind,
    ];

    /// The kind's name in the header, the filter and JSON.
    pub fn label(self) -> &'static str {
        match self {
            ReasonKind::Renewal => "renewal",
            ReasonKind::RenewalLost => "renewal lost",
            ReasonKind::HealthDropped => "health dropped",
            ReasonKind::Suggestion => "suggestion",
            ReasonKind::Task => "task",
            ReasonKind::MomentOverdue => "moment overdue",
            ReasonKind::NoTouch => "no touch",
            ReasonKind::TrialOverdue => "trial overdue",
            ReasonKind::PlanBehind => "plan behind",
        }
    }
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
            FindingKind::TaskDue { days_late: 0, .. } => 55,
            FindingKind::TaskDue { days_late, .. } => (60 + days_late).min(90),
        }
    }

    /// Whether this reason puts its account above every late check-in: a
    /// renewal due within [`PRESSING_DAYS`] days or lost in the last
    /// [`PRESSING_DAYS`] days.
    pub fn is_pressing(&self) -> bool {
        match self {
            FindingKind::Renewal { days, .. } => (0..=PRESSING_DAYS).contains(days),
            FindingKind::RenewalLost { days_ago, .. } => (0..=PRESSING_DAYS).contains(days_ago),
            _ => false,
        }
    }

    /// The kind Today counts and filters this reason under.
    pub fn reason_kind(&self) -> ReasonKind {
        match self {
            FindingKind::Renewal { .. } => ReasonKind::Renewal,
            FindingKind::HealthDropped { .. } => ReasonKind::HealthDropped,
            FindingKind::Suggestion { .. } => ReasonKind::Suggestion,
            FindingKind::NoTouch { .. } => ReasonKind::NoTouch,
            FindingKind::MomentOverdue { .. } => ReasonKind::MomentOverdue,
            FindingKind::TrialOverdue { .. } => ReasonKind::TrialOverdue,
            FindingKind::PlanBehind { .. } => ReasonKind::PlanBehind,
            FindingKind::RenewalLost { .. } => ReasonKind::RenewalLost,
            FindingKind::TaskDue { .. } => ReasonKind::Task,
        }
    }

    /// A short tag for the reason beside the strongest one (`ren 24d`,
    /// `qbr +12d`, `no touch`).
    pub fn tag(&self) -> String {
        match self {
            FindingKind::Renewal { days, .. } => format!("renewal {days}d"),
            FindingKind::HealthDropped { to, .. } => format!("dropped [{}]", to.letter()),
            FindingKind::Suggestion { review: true, .. } => "review".to_string(),
            FindingKind::Suggestion { health, .. } => format!("suggest [{}]", health.letter()),
            FindingKind::NoTouch { days, .. } => format!("no touch {days}d"),
            // In words, as everywhere else: `annual review`, not `annual_review`.
            FindingKind::MomentOverdue { kind, days_late, .. } => {
                format!("{} +{days_late}d", kind.replace('_', " "))
            }
            FindingKind::TrialOverdue { .. } => "trial".to_string(),
            FindingKind::PlanBehind { .. } => "plan".to_string(),
            FindingKind::RenewalLost { days_ago, .. } => format!("lost {days_ago}d ago"),
            FindingKind::TaskDue { days_late: 0, .. } => "task due".to_string(),
            FindingKind::TaskDue { days_late, .. } => format!("task +{days_late}d"),
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
            FindingKind::TaskDue { days_late: 0, .. } => "task due",
            FindingKind::TaskDue { .. } => "task overdue",
        }
    }
}

/// A renewal this close, due or lost, is pressing (see the module rule).
pub const PRESSING_DAYS: i64 = 30;
/// What a pressing reason adds: more than all other points together (200).
pub const PRESSING_POINTS: i64 = 300;

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

/// One account's row in Today: all its reasons, strongest first, and the
/// account's score by the module's rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountTriage {
    pub account_id: String,
    pub name: String,
    /// ARR at stake: the largest of the reasons' (a lost renewal's is the ARR lost).
    pub arr: Money,
    pub tier: u8,
    pub flags: Flags,
    pub score: i64,
    /// Never empty; the first is the strongest.
    pub reasons: Vec<Finding>,
}

impl AccountTriage {
    /// The strongest reason.
    pub fn first(&self) -> &Finding {
        &self.reasons[0]
    }

    /// Whether any of its reasons is of `kind`.
    pub fn has(&self, kind: ReasonKind) -> bool {
        self.reasons.iter().any(|r| r.kind.reason_kind() == kind)
    }
}

/// Groups findings into one row per account, scores each row by the module's
/// rule and sorts them, best first. Each finding's own `score` is its
/// urgency.
pub fn rank_accounts(findings: Vec<Finding>) -> Vec<AccountTriage> {
    let mut rows = group_accounts(findings);
    let largest = rows.iter().map(|r| r.arr.cents()).max().unwrap_or(0);
    for row in &mut rows {
        row.score = score(row, largest);
    }
    rows.sort_by(rank_order);
    rows
}

/// Groups findings into one row per account, each scored against `largest`
/// (the largest ARR at stake, in cents, among all the rows they will be
/// ranked with) and sorted: [`rank_accounts`] for some accounts of a ranking
/// whose largest ARR is known.
pub fn rank_accounts_against(findings: Vec<Finding>, largest: i64) -> Vec<AccountTriage> {
    let mut rows = group_accounts(findings);
    for row in &mut rows {
        row.score = score(row, largest);
    }
    rows.sort_by(rank_order);
    rows
}

/// The order of ranked rows: best first.
pub fn rank_order(a: &AccountTriage, b: &AccountTriage) -> std::cmp::Ordering {
    b.score
        .cmp(&a.score)
        .then_with(|| b.arr.cmp(&a.arr))
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.account_id.cmp(&b.account_id))
}

/// One row per account, its reasons strongest first, not yet scored.
fn group_accounts(findings: Vec<Finding>) -> Vec<AccountTriage> {
    let mut by_account: std::collections::HashMap<String, Vec<Finding>> =
        std::collections::HashMap::new();
    for mut finding in findings {
        finding.score = finding.kind.urgency();
        by_account.entry(finding.account_id.clone()).or_default().push(finding);
    }
    by_account
        .into_values()
        .filter_map(|mut reasons| {
            reasons.sort_by(|a, b| {
                b.kind
                    .is_pressing()
                    .cmp(&a.kind.is_pressing())
                    .then_with(|| b.score.cmp(&a.score))
                    .then_with(|| a.key.cmp(&b.key))
            });
            let first = reasons.first()?;
            let arr = reasons.iter().map(|r| r.arr).max().unwrap_or(first.arr);
            Some(AccountTriage {
                account_id: first.account_id.clone(),
                name: first.name.clone(),
                arr,
                tier: first.tier,
                flags: first.flags,
                score: 0,
                reasons,
            })
        })
        .collect()
}

/// The module's rule for one account row; `largest` is the largest ARR at
/// stake among the rows ranked together, in cents.
fn score(row: &AccountTriage, largest: i64) -> i64 {
    let first = row.first();
    let pressing = if first.kind.is_pressing() { PRESSING_POINTS } else { 0 };
    let others = 5 * i64::try_from(row.reasons.len().saturating_sub(1).min(2)).unwrap_or(2);
    let tier_points = match row.tier {
        1 => 30,
        2 => 15,
        _ => 0,
    };
    let flag_points = 10 * i64::from(row.flags.count());
    let arr_points = if largest > 0 {
        i64::try_from(i128::from(row.arr.cents().max(0)) * 30 / i128::from(largest)).unwrap_or(0)
    } else {
        0
    };
    pressing + first.kind.urgency() + others + tier_points + flag_points + arr_points
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

    fn keyed(mut finding: Finding, key: &str) -> Finding {
        finding.key = key.into();
        finding
    }

    #[test]
    fn the_score_adds_urgency_tier_flags_and_arr() {
        let date = NaiveDate::from_ymd_opt(2025, 7, 1).expect("d");
        let reference = Flags { reference: true, ..Flags::default() };
        let rows = rank_accounts(vec![
            // Renewal in 40 days: urgency 80; tier 3: 0; no flags; ARR 50/100 → 15. Total 95.
            finding(
                "Small",
                FindingKind::Renewal { window: 60, days: 40, date },
                50,
                3,
                Flags::default(),
            ),
            // No touch 90 days, cadence 30: 30 + 20 = 50; tier 1: 30; one flag: 10;
            // ARR 100/100 → 30. Total 120.
            finding("Big", FindingKind::NoTouch { days: 90, cadence: 30 }, 100, 1, reference),
        ]);
        assert_eq!(rows[0].name, "Big");
        assert_eq!(rows[0].score, 120);
        assert_eq!(rows[1].score, 95);
    }

    /// The worked example of the README's "Today's ranking rule", by hand.
    #[test]
    fn the_readme_worked_example() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 12).expect("d");
        let reference = Flags { reference: true, ..Flags::default() };
        let cobalt = |kind, key| keyed(finding("Cobalt Pay", kind, 120_000, 1, reference), key);
        let qbr = FindingKind::MomentOverdue {
            id: 1,
            kind: "qbr".into(),
            title: "Quarterly business review".into(),
            due_on: date,
            days_late: 20,
        };
        let rows = rank_accounts(vec![
            cobalt(FindingKind::NoTouch { days: 75, cadence: 30 }, "no_touch"),
            cobalt(qbr, "moment"),
            cobalt(FindingKind::Suggestion { health: Health::Orange, review: false }, "sugg"),
            finding(
                "Dune Labs",
                FindingKind::Renewal { window: 30, days: 10, date },
                20_000,
                3,
                Flags::default(),
            ),
            finding(
                "Ember",
                FindingKind::RenewalLost { ended_on: date, days_ago: 15 },
                40_000,
                2,
                Flags::default(),
            ),
        ]);
        let table: Vec<(&str, i64, usize)> =
            rows.iter().map(|r| (r.name.as_str(), r.score, r.reasons.len())).collect();
        // Ember: 300 + (85 − 15/3 = 80) + 0 + 15 + 0 + 30 × 40,000 ÷ 120,000 (10) = 405.
        // Dune Labs: 300 + (100 − 10/2 = 95) + 0 + 0 + 0 + 30 × 20,000 ÷ 120,000 (5) = 400.
        // Cobalt Pay: the QBR 20 days late (50 + 20 = 70) + 2 others (10) + 30 + 10 + 30 = 150.
        assert_eq!(table, [("Ember", 405, 1), ("Dune Labs", 400, 1), ("Cobalt Pay", 150, 3)]);
        let tags: Vec<&str> = rows[2].reasons.iter().map(|r| r.kind.label()).collect();
        assert_eq!(tags, ["moment overdue", "suggestion", "no touch"]);
        assert_eq!(rows[2].reasons[1].kind.tag(), "suggest [O]");
        let moment = FindingKind::MomentOverdue {
            id: 1,
            kind: "annual_review".to_string(),
            title: "Annual review".to_string(),
            due_on: NaiveDate::from_ymd_opt(2025, 5, 28).expect("date"),
            days_late: 4,
        };
        assert_eq!(moment.tag(), "annual review +4d");
    }

    proptest::proptest! {
        /// Whatever the tiers, flags and ARR, a pressing renewal outranks an
        /// account without one, and every account is one row.
        #[test]
        fn a_pressing_renewal_outranks_every_late_check_in(
            others in proptest::collection::vec((0i64..400, 1u8..4, 0u8..8, 0i64..1_000_000), 1..12),
            days in 0i64..=30,
            arr in 0i64..1_000_000,
        ) {
            let date = NaiveDate::from_ymd_opt(2026, 3, 12).expect("d");
            let mut findings = vec![finding(
                "Pressing",
                FindingKind::Renewal { window: 30, days, date },
                arr,
                3,
                Flags::default(),
            )];
            for (i, (late, tier, bits, arr)) in others.iter().enumerate() {
                let flags = Flags {
                    reference: bits & 1 != 0,
                    advocate: bits & 2 != 0,
                    design_partner: bits & 4 != 0,
                };
                let name = format!("Late {i}");
                let kind = FindingKind::MomentOverdue {
            id: 1,
                    kind: "qbr".into(),
                    title: String::new(),
                    due_on: date,
                    days_late: *late,
                };
                findings.push(keyed(finding(&name, kind, *arr, *tier, flags), "m"));
                let touch = FindingKind::NoTouch { days: 30 + late, cadence: 30 };
                findings.push(keyed(finding(&name, touch, *arr, *tier, flags), "t"));
            }
            let rows = rank_accounts(findings);
            proptest::prop_assert_eq!(rows.len(), others.len() + 1);
            proptest::prop_assert_eq!(rows[0].name.as_str(), "Pressing");
            proptest::prop_assert!(rows.iter().skip(1).all(|r| r.score <= 200));
        }
    }

    #[test]
    fn urgency_is_bounded() {
        let date = NaiveDate::from_ymd_opt(2025, 7, 1).expect("d");
        assert_eq!(FindingKind::Renewal { window: 180, days: 180, date }.urgency(), 10);
        assert_eq!(FindingKind::Renewal { window: 30, days: 0, date }.urgency(), 100);
        let late = FindingKind::MomentOverdue {
            id: 1,
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
