//! Engagement moments: the meetings a CSM owes an account. Time-based ones
//! (check-ins, business reviews) are scheduled per tier from a cadence; one-off
//! ones (kick-off, onboarding checkpoint, executive review) are added by hand.
//!
//! This module owns the kinds, the cadence rule and the pure scheduling
//! arithmetic. It must not read or write the store: the store turns a plan
//! into rows, idempotently.

use super::UnknownWord;
use super::month::add_months;
use super::note::NoteKind;
use super::tier::Tier;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MomentKind {
    /// A regular check-in call (tier 1 monthly, tier 2 quarterly by default).
    CheckIn,
    /// A quarterly business review.
    Qbr,
    /// A yearly review of value delivered.
    AnnualReview,
    /// The kick-off of a new contract (added by hand).
    KickOff,
    /// A checkpoint in onboarding (added by hand).
    OnboardingCheckpoint,
    /// A review with the customer's executives (added by hand).
    ExecutiveReview,
}

impl MomentKind {
    pub const ALL: [MomentKind; 6] = [
        MomentKind::CheckIn,
        MomentKind::Qbr,
        MomentKind::AnnualReview,
        MomentKind::KickOff,
        MomentKind::OnboardingCheckpoint,
        MomentKind::ExecutiveReview,
    ];
    const WORDS: &'static str =
        "check_in, qbr, annual_review, kick_off, onboarding_checkpoint, executive_review";

    pub fn as_str(self) -> &'static str {
        match self {
            MomentKind::CheckIn => "check_in",
            MomentKind::Qbr => "qbr",
            MomentKind::AnnualReview => "annual_review",
            MomentKind::KickOff => "kick_off",
            MomentKind::OnboardingCheckpoint => "onboarding_checkpoint",
            MomentKind::ExecutiveReview => "executive_review",
        }
    }

    /// For people: `Quarterly business review`.
    pub fn title(self) -> &'static str {
        match self {
            MomentKind::CheckIn => "Check-in",
            MomentKind::Qbr => "Quarterly business review",
            MomentKind::AnnualReview => "Annual review",
            MomentKind::KickOff => "Kick-off",
            MomentKind::OnboardingCheckpoint => "Onboarding checkpoint",
            MomentKind::ExecutiveReview => "Executive review",
        }
    }

    pub fn parse(text: &str) -> Result<MomentKind, UnknownWord> {
        let word = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        MomentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == word)
            .ok_or(UnknownWord { value: text.trim().to_string(), expected: Self::WORDS })
    }

    /// The touch logged when the moment is done: a QBR is a `qbr` note,
    /// every other moment a `meeting`.
    pub fn touch_kind(self) -> NoteKind {
        match self {
            MomentKind::Qbr => NoteKind::Qbr,
            _ => NoteKind::Meeting,
        }
    }
}

/// Where a moment came from: the tier schedule or a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MomentSource {
    Manual,
    Schedule,
}

impl MomentSource {
    pub fn as_str(self) -> &'static str {
        match self {
            MomentSource::Manual => "manual",
            MomentSource::Schedule => "schedule",
        }
    }

    pub fn parse(text: &str) -> Result<MomentSource, UnknownWord> {
        match text.trim() {
            "manual" => Ok(MomentSource::Manual),
            "schedule" => Ok(MomentSource::Schedule),
            other => Err(UnknownWord { value: other.to_string(), expected: "manual, schedule" }),
        }
    }
}

/// One moment of one account, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment {
    pub id: i64,
    pub account_id: String,
    pub kind: MomentKind,
    pub title: String,
    pub due_on: NaiveDate,
    pub done_at: Option<DateTime<Utc>>,
    pub source: MomentSource,
}

impl Moment {
    /// Not done and due before `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.done_at.is_none() && self.due_on < today
    }
}

/// A recurring moment for the accounts of one tier: `kind` every
/// `every_months` months. Part of `Config::moment_cadences`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MomentCadence {
    pub tier: Tier,
    pub kind: MomentKind,
    pub every_months: u32,
}

/// The defaults: tier 1 a monthly check-in and a quarterly business review,
/// tier 2 a quarterly check-in, tier 3 nothing (automated touches).
pub fn default_cadences() -> Vec<MomentCadence> {
    vec![
        MomentCadence { tier: 1, kind: MomentKind::CheckIn, every_months: 1 },
        MomentCadence { tier: 1, kind: MomentKind::Qbr, every_months: 3 },
        MomentCadence { tier: 2, kind: MomentKind::CheckIn, every_months: 3 },
    ]
}

/// The dates in `from..=to` of a moment recurring every `every_months`
/// months from `anchor` (the anchor itself excluded: that day is the
/// kick-off's). Each date is computed from the anchor, never from the
/// previous date, so a 31st stays a 31st after February, and the same
/// anchor always gives the same dates: that is what makes scheduling
/// idempotent.
pub fn recurring_dates(
    anchor: NaiveDate,
    every_months: u32,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<NaiveDate> {
    let step = i32::try_from(every_months).unwrap_or(i32::MAX).max(1);
    if to < from {
        return Vec::new();
    }
    let months_to_from = super::Month::of(from).0 - super::Month::of(anchor).0;
    // Start one step early so that a clamped day can never be skipped.
    let first = (months_to_from / step - 1).max(1);
    (first..)
        .map(|k| add_months(anchor, k.saturating_mul(step)))
        .take_while(|date| *date <= to)
        .filter(|date| *date >= from && *date > anchor)
        .collect()
}

/// The scheduled moments of one account of `tier` in `from..=to`. When two
/// kinds fall on the same day the one with the longer cadence wins (the
/// quarterly review replaces that month's check-in). Sorted by date.
pub fn plan_moments(
    tier: Tier,
    anchor: NaiveDate,
    cadences: &[MomentCadence],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, MomentKind)> {
    let mut planned: Vec<(NaiveDate, u32, MomentKind)> = cadences
        .iter()
        .filter(|cadence| cadence.tier == tier && cadence.every_months > 0)
        .flat_map(|cadence| {
            recurring_dates(anchor, cadence.every_months, from, to)
                .into_iter()
                .map(move |date| (date, cadence.every_months, cadence.kind))
        })
        .collect();
    // Longest cadence first within a day, then keep the first of each day.
    planned.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    planned.dedup_by_key(|(date, _, _)| *date);
    planned.into_iter().map(|(date, _, kind)| (date, kind)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn kinds_round_trip() {
        for kind in MomentKind::ALL {
            assert_eq!(MomentKind::parse(kind.as_str()), Ok(kind));
        }
        assert_eq!(MomentKind::parse("Kick-off"), Ok(MomentKind::KickOff));
        assert_eq!(MomentKind::parse("executive review"), Ok(MomentKind::ExecutiveReview));
        assert!(MomentKind::parse("party").is_err());
        assert_eq!(MomentKind::Qbr.touch_kind(), NoteKind::Qbr);
        assert_eq!(MomentKind::KickOff.touch_kind(), NoteKind::Meeting);
        assert!(MomentKind::KickOff.touch_kind().is_touch());
    }

    #[test]
    fn monthly_dates_keep_the_anchor_day_through_short_months() {
        let dates = recurring_dates(d(2023, 10, 31), 1, d(2024, 1, 1), d(2024, 4, 30));
        assert_eq!(dates, vec![d(2024, 1, 31), d(2024, 2, 29), d(2024, 3, 31), d(2024, 4, 30)]);
        // Leap day anchors fall on Feb 28 in common years and come back.
        let dates = recurring_dates(d(2024, 2, 29), 12, d(2024, 1, 1), d(2028, 12, 31));
        assert_eq!(dates, vec![d(2025, 2, 28), d(2026, 2, 28), d(2027, 2, 28), d(2028, 2, 29)]);
    }

    #[test]
    fn the_anchor_day_itself_and_days_outside_the_range_are_not_scheduled() {
        assert!(recurring_dates(d(2024, 1, 15), 3, d(2024, 1, 1), d(2024, 4, 14)).is_empty());
        assert_eq!(
            recurring_dates(d(2024, 1, 15), 3, d(2024, 1, 1), d(2024, 4, 15)),
            vec![d(2024, 4, 15)]
        );
        assert!(recurring_dates(d(2024, 1, 15), 1, d(2024, 3, 1), d(2024, 2, 1)).is_empty());
    }

    #[test]
    fn tiers_get_their_cadences_and_reviews_replace_check_ins() {
        let cadences = default_cadences();
        let anchor = d(2024, 1, 10);
        let (from, to) = (d(2025, 1, 1), d(2025, 6, 30));
        let tier1 = plan_moments(1, anchor, &cadences, from, to);
        assert_eq!(
            tier1,
            vec![
                (d(2025, 1, 10), MomentKind::Qbr),
                (d(2025, 2, 10), MomentKind::CheckIn),
                (d(2025, 3, 10), MomentKind::CheckIn),
                (d(2025, 4, 10), MomentKind::Qbr),
                (d(2025, 5, 10), MomentKind::CheckIn),
                (d(2025, 6, 10), MomentKind::CheckIn),
            ]
        );
        let tier2 = plan_moments(2, anchor, &cadences, from, to);
        assert_eq!(
            tier2,
            vec![(d(2025, 1, 10), MomentKind::CheckIn), (d(2025, 4, 10), MomentKind::CheckIn)]
        );
        assert!(plan_moments(3, anchor, &cadences, from, to).is_empty());
        // The same inputs always give the same plan.
        assert_eq!(plan_moments(1, anchor, &cadences, from, to), tier1);
    }

    #[test]
    fn overdue_means_not_done_and_past_due() {
        let mut moment = Moment {
            id: 1,
            account_id: "A".into(),
            kind: MomentKind::Qbr,
            title: String::new(),
            due_on: d(2025, 3, 1),
            done_at: None,
            source: MomentSource::Schedule,
        };
        assert!(!moment.is_overdue(d(2025, 3, 1)));
        assert!(moment.is_overdue(d(2025, 3, 2)));
        moment.done_at = Some(d(2025, 3, 2).and_hms_opt(9, 0, 0).expect("t").and_utc());
        assert!(!moment.is_overdue(d(2025, 3, 5)));
    }
}
