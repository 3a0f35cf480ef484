//! "Why this colour": health suggestions computed from signals. Pure: the
//! facts come in as plain data (read by the store), the suggestion goes out;
//! nothing here writes, and a suggestion is never applied by itself.
//!
//! The signals and what each suggests:
//! - **ARR falling** in the snapshots (latest month vs three months before):
//!   a fall of 20% or more suggests orange, a smaller fall yellow.
//! - **Units falling** over the same months: yellow.
//! - **No touch past the tier's cadence** (`Config::cadence_days`): yellow.
//! - **A renewal within 90 days while the health is older than 30 days**:
//!   review it — the suggestion is the current colour, re-confirmed.
//! - **A note marked `sponsor_change`** in the last 90 days: orange.
//! - **A note marked `severe_case`** in the last 90 days: orange.
//! - **The scorecard's band** differs from the health: that band.
//!
//! The suggested colour is the worst of the signals: a risk any signal sees
//! wins over a kinder band, and a band worse than the other signals wins
//! over them. A suggestion is shown when it is worse than the current
//! health, when it asks for a review (the current colour, re-confirmed), or
//! when the scorecard's band is better than the current health and no
//! signal holds the account there: then the suggestion is the worst of the
//! signals, a better colour only as far as every signal allows. Each signal
//! has a key (kind and the fact behind it) so a dismissed one stays
//! dismissed until the fact changes.

use crate::domain::count::days as days_text;
use crate::domain::{Config, Health, Money, Month, NoteKind};
use chrono::{DateTime, NaiveDate, Utc};

/// How the scorecard's signal key starts (`read::health::scorecard_signal`).
pub const SCORECARD_KEY: &str = "scorecard:";

/// How far back sponsor changes and severe cases count.
pub const FLAGGED_NOTE_DAYS: i64 = 90;
/// A renewal this close asks for a fresh health.
pub const RENEWAL_REVIEW_DAYS: i64 = 90;
/// A health older than this is stale before a renewal.
pub const STALE_HEALTH_DAYS: i64 = 30;

/// The facts about one account the signals read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignalFacts {
    pub account_id: String,
    pub tier: u8,
    pub health: Option<Health>,
    /// When the health was last set or re-confirmed.
    pub health_confirmed: Option<NaiveDate>,
    pub last_touch: Option<NaiveDate>,
    pub next_renewal: Option<NaiveDate>,
    /// (from month, to month, ARR then, ARR now, units then, units now).
    pub trend: Option<(Month, Month, Money, Money, i64, i64)>,
    /// Sponsor changes and severe cases, any age (older ones are ignored).
    pub flagged_notes: Vec<(NoteKind, DateTime<Utc>, String)>,
    /// The scorecard's band when it differs from the CSM's colour
    /// (`read::health::scorecard_signal`).
    pub scorecard: Option<Signal>,
}

/// One signal: its key, the colour it points to, and why, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub key: String,
    pub suggests: Health,
    pub why: String,
}

/// A suggested health with the signals that drive it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub account_id: String,
    pub health: Health,
    pub signals: Vec<Signal>,
}

impl Suggestion {
    /// The reason prefilled when the CSM accepts it.
    pub fn reason(&self) -> String {
        self.signals.iter().map(|s| s.why.as_str()).collect::<Vec<_>>().join("; ")
    }

    /// Whether the suggestion only asks to re-confirm the current colour.
    pub fn is_review(&self, current: Option<Health>) -> bool {
        current == Some(self.health)
    }
}

/// Every signal that fires for an account today.
pub fn signals(facts: &SignalFacts, today: NaiveDate, config: &Config) -> Vec<Signal> {
    let mut out = Vec::new();
    if let Some((from, to, arr_then, arr_now, units_then, units_now)) = facts.trend {
        if arr_now < arr_then && arr_then.cents() > 0 {
            // In i128: an ARR near the bound times 10,000 must not wrap.
            let (then, now) = (i128::from(arr_then.cents()), i128::from(arr_now.cents()));
            let fall_bp = i64::try_from((then - now) * 10_000 / then).unwrap_or(i64::MAX);
            out.push(Signal {
                key: format!("arr_fall:{to}"),
                suggests: if fall_bp >= 2000 { Health::Orange } else { Health::Yellow },
                why: format!(
                    "ARR fell {}% from {} ({}) to {} ({})",
                    crate::metrics::Rate::new(then - now, then)
                        .map_or_else(|| "—".to_string(), |fall| fall.to_percent(0))
                        .trim_end_matches('%'),
                    arr_then.to_short(),
                    from,
                    arr_now.to_short(),
                    to
                ),
            });
        }
        if units_now < units_then {
            out.push(Signal {
                key: format!("units_fall:{to}"),
                suggests: Health::Yellow,
                why: format!("units fell from {units_then} ({from}) to {units_now} ({to})"),
            });
        }
    }
    out.extend(facts.scorecard.clone());
    let cadence = config.cadence_days(facts.tier);
    match facts.last_touch {
        Some(touch) if (today - touch).num_days() > cadence => out.push(Signal {
            key: format!("no_touch:{touch}"),
            suggests: Health::Yellow,
            why: format!(
                "no touch for {} days (tier {} cadence {} days)",
                (today - touch).num_days(),
                facts.tier,
                cadence
            ),
        }),
        None => out.push(Signal {
            key: "no_touch:never".to_string(),
            suggests: Health::Yellow,
            why: format!("never touched (tier {} cadence {} days)", facts.tier, cadence),
        }),
        Some(_) => {}
    }
    if let Some(renewal) = facts.next_renewal {
        let days = (renewal - today).num_days();
        let age = facts.health_confirmed.map(|d| (today - d).num_days());
        if (0..=RENEWAL_REVIEW_DAYS).contains(&days) && age.is_none_or(|a| a > STALE_HEALTH_DAYS) {
            out.push(Signal {
                key: format!("renewal_review:{renewal}"),
                suggests: facts.health.unwrap_or(Health::Yellow),
                why: match age {
                    Some(age) => {
                        format!(
                            "renews in {} and health is {} old",
                            days_text(days),
                            days_text(age)
                        )
                    }
                    None => format!("renews in {} and has no health", days_text(days)),
                },
            });
        }
    }
    for (kind, at, text) in &facts.flagged_notes {
        if (today - at.date_naive()).num_days() > FLAGGED_NOTE_DAYS {
            continue;
        }
        let label = match kind {
            NoteKind::SponsorChange => "sponsor change",
            NoteKind::SevereCase => "severe case",
            _ => continue,
        };
        out.push(Signal {
            key: format!("{}:{}", kind.as_str(), at.to_rfc3339()),
            suggests: Health::Orange,
            why: format!("{label} on {}: {}", at.date_naive(), one_line(text)),
        });
    }
    out
}

/// The note whole, on one line: the reason a CSM accepts is stored as it
/// is, never cut (a screen fits it where it draws it).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The suggestion for an account, leaving out dismissed signals; `None` when
/// nothing is left that would change or re-confirm the health.
pub fn suggestion(
    facts: &SignalFacts,
    today: NaiveDate,
    config: &Config,
    is_dismissed: impl Fn(&str) -> bool,
) -> Option<Suggestion> {
    let signals: Vec<Signal> =
        signals(facts, today, config).into_iter().filter(|s| !is_dismissed(&s.key)).collect();
    let worst = signals.iter().map(|s| s.suggests).min()?;
    let worse_than_now = facts.health.is_none_or(|h| worst < h);
    let review = signals.iter().any(|s| s.key.starts_with("renewal_review:"));
    // Every signal better than the colour, the band among them: a better colour.
    let better = facts.health.is_some_and(|h| worst > h)
        && signals.iter().any(|s| s.key.starts_with(SCORECARD_KEY));
    if !worse_than_now && !review && !better {
        return None;
    }
    let health = if worse_than_now || better { worst } else { facts.health.unwrap_or(worst) };
    Some(Suggestion { account_id: facts.account_id.clone(), health, signals })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn facts() -> SignalFacts {
        SignalFacts {
            account_id: "A1".into(),
            tier: 1,
            health: Some(Health::Green),
            health_confirmed: Some(day(2025, 5, 20)),
            last_touch: Some(day(2025, 5, 25)),
            next_renewal: Some(day(2026, 1, 1)),
            trend: None,
            flagged_notes: Vec::new(),
            scorecard: None,
        }
    }

    #[test]
    fn a_quiet_green_account_has_no_suggestion() {
        let today = day(2025, 6, 1);
        assert!(signals(&facts(), today, &Config::default()).is_empty());
        assert_eq!(suggestion(&facts(), today, &Config::default(), |_| false), None);
    }

    #[test]
    fn the_fall_in_arr_is_rounded_half_away_from_zero_as_every_percentage() {
        let mut f = facts();
        // 867 → 619 is a fall of 248 / 867 = 28.60 %: shown as 29 %, not cut to 28 %.
        f.trend = Some((Month(24297), Month(24300), Money(86_700), Money(61_900), 15, 15));
        let s = suggestion(&f, day(2025, 6, 1), &Config::default(), |_| false).expect("s");
        assert!(s.signals[0].why.starts_with("ARR fell 29% from "), "{}", s.signals[0].why);
    }

    #[test]
    fn a_quarter_fall_in_arr_suggests_orange_and_names_the_numbers() {
        let mut f = facts();
        // 16,000 → 12,000 is a 25% fall.
        f.trend = Some((Month(24297), Month(24300), Money(1_600_000), Money(1_200_000), 15, 15));
        let s = suggestion(&f, day(2025, 6, 1), &Config::default(), |_| false).expect("s");
        assert_eq!(s.health, Health::Orange);
        assert_eq!(s.signals[0].why, "ARR fell 25% from 16.0k (2024-10) to 12.0k (2025-01)");
        // 10,000 → 9,000 is 10%: yellow.
        f.trend = Some((Month(24297), Month(24300), Money(1_000_000), Money(900_000), 15, 14));
        let s = suggestion(&f, day(2025, 6, 1), &Config::default(), |_| false).expect("s");
        assert_eq!(s.health, Health::Yellow);
        assert_eq!(s.signals.len(), 2);
    }

    #[test]
    fn cadence_follows_the_tier() {
        let mut f = facts();
        f.last_touch = Some(day(2025, 4, 1));
        // Tier 1: 61 days > 30.
        let s = signals(&f, day(2025, 6, 1), &Config::default());
        assert_eq!(s[0].why, "no touch for 61 days (tier 1 cadence 30 days)");
        assert_eq!(s[0].key, "no_touch:2025-04-01");
        f.tier = 2;
        assert!(signals(&f, day(2025, 6, 1), &Config::default()).is_empty());
    }

    #[test]
    fn a_near_renewal_with_stale_health_asks_for_a_review() {
        let mut f = facts();
        f.next_renewal = Some(day(2025, 8, 1));
        f.health_confirmed = Some(day(2025, 4, 1));
        let s = suggestion(&f, day(2025, 6, 1), &Config::default(), |_| false).expect("s");
        assert!(s.is_review(Some(Health::Green)));
        assert_eq!(s.reason(), "renews in 61 days and health is 61 days old");
        // Dismissed: gone.
        assert_eq!(suggestion(&f, day(2025, 6, 1), &Config::default(), |_| true), None);
    }

    #[test]
    fn a_recent_sponsor_change_suggests_orange_an_old_one_nothing() {
        let mut f = facts();
        let at = day(2025, 5, 1).and_hms_opt(9, 0, 0).expect("t").and_utc();
        f.flagged_notes.push((NoteKind::SponsorChange, at, "New VP, wants review".into()));
        let s = suggestion(&f, day(2025, 6, 1), &Config::default(), |_| false).expect("s");
        assert_eq!(s.health, Health::Orange);
        assert_eq!(s.reason(), "sponsor change on 2025-05-01: New VP, wants review");
        f.last_touch = Some(day(2025, 8, 30));
        assert_eq!(suggestion(&f, day(2025, 9, 1), &Config::default(), |_| false), None);
    }

    #[test]
    fn a_scorecard_band_unlike_the_colour_is_one_more_reason() {
        let mut f = facts();
        f.last_touch = Some(day(2025, 5, 30));
        f.scorecard = Some(Signal {
            key: "scorecard:orange:green".into(),
            suggests: Health::Orange,
            why: "scorecard 40 (orange): usage trend fell 38% in 3 months: 0 of 25 points".into(),
        });
        let s = suggestion(&f, day(2025, 6, 1), &Config::default(), |_| false).expect("s");
        assert_eq!(s.health, Health::Orange);
        assert!(s.reason().starts_with("scorecard 40 (orange)"), "{}", s.reason());
    }

    fn band(health: Health) -> Signal {
        Signal {
            key: format!("{SCORECARD_KEY}{health}:green"),
            suggests: health,
            why: format!("scorecard ({health})"),
        }
    }

    /// The band and the other signals disagree: the worst wins, and a band
    /// better than the colour raises it only as far as every signal allows.
    #[test]
    fn the_band_and_the_other_signals_the_worst_wins() {
        let today = day(2025, 6, 1);
        let config = Config::default();
        let sponsor = (
            NoteKind::SponsorChange,
            day(2025, 5, 1).and_hms_opt(9, 0, 0).expect("t").and_utc(),
            "New VP".to_string(),
        );
        // Green colour, a yellow band, a sponsor change (orange): orange,
        // both reasons in the order the signals are listed.
        let mut f = facts();
        f.scorecard = Some(band(Health::Yellow));
        f.flagged_notes.push(sponsor.clone());
        let s = suggestion(&f, today, &config, |_| false).expect("s");
        assert_eq!(s.health, Health::Orange);
        assert_eq!(s.reason(), "scorecard (yellow); sponsor change on 2025-05-01: New VP");
        // A red band is worse than the sponsor change: red.
        f.scorecard = Some(band(Health::Red));
        assert_eq!(suggestion(&f, today, &config, |_| false).expect("s").health, Health::Red);
        // Dismiss the band: the sponsor change alone, orange.
        let s = suggestion(&f, today, &config, |k| k.starts_with(SCORECARD_KEY)).expect("s");
        assert_eq!((s.health, s.signals.len()), (Health::Orange, 1));
        // A red colour and a green band, nothing else: green is suggested.
        let mut f = facts();
        f.health = Some(Health::Red);
        f.scorecard = Some(band(Health::Green));
        let s = suggestion(&f, today, &config, |_| false).expect("s");
        assert_eq!(s.health, Health::Green);
        assert!(!s.is_review(Some(Health::Red)));
        // Untouched past the cadence (yellow) as well: only as far as yellow.
        f.last_touch = Some(day(2025, 4, 1));
        assert_eq!(suggestion(&f, today, &config, |_| false).expect("s").health, Health::Yellow);
        // An orange colour held by a sponsor change (orange): nothing to suggest.
        let mut f = facts();
        f.health = Some(Health::Orange);
        f.scorecard = Some(band(Health::Green));
        f.flagged_notes.push(sponsor);
        assert_eq!(suggestion(&f, today, &config, |_| false), None);
        // No band among the signals: a kinder signal never raises the colour.
        f.scorecard = None;
        f.flagged_notes.clear();
        f.last_touch = Some(day(2025, 4, 1));
        assert_eq!(suggestion(&f, today, &config, |_| false), None);
    }

    #[test]
    fn the_reason_keeps_the_whole_note() {
        let mut f = facts();
        let at = day(2025, 5, 1).and_hms_opt(9, 0, 0).expect("t").and_utc();
        let note = "Our sponsor Dana Reyes left for a competitor;\nthe new VP wants a full review";
        f.flagged_notes.push((NoteKind::SevereCase, at, note.into()));
        let s = suggestion(&f, day(2025, 6, 1), &Config::default(), |_| false).expect("s");
        assert_eq!(
            s.reason(),
            "severe case on 2025-05-01: Our sponsor Dana Reyes left for a competitor; \
             the new VP wants a full review"
        );
        assert!(!s.reason().contains('…'));
    }
}
