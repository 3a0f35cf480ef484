//! Whose accounts Today covers (mine, my team's, everyone's) and the
//! header's counts of rows by reason kind, and when a renewal row acted on
//! comes back.

use super::TodayRow;
use crate::domain::Config;
use crate::metrics::triage::{self, ReasonKind};
use crate::store::{Store, StoreResult};
use chrono::{Days, NaiveDate};

/// Whose accounts Today lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reach {
    /// The accounts the user is the CSM of.
    #[default]
    Mine,
    /// The user's and those of the CSMs named in `team` in `config.toml`.
    Team,
    /// Every CSM's accounts.
    All,
}

impl Reach {
    pub fn label(self) -> &'static str {
        match self {
            Reach::Mine => "mine",
            Reach::Team => "my team",
            Reach::All => "all",
        }
    }

    /// The next reach the toggle moves to: mine → my team → all → mine;
    /// "my team" is skipped when no team is set.
    pub fn next(self, config: &Config) -> Reach {
        match self {
            Reach::Mine if !config.my_team.is_empty() => Reach::Team,
            Reach::Mine | Reach::Team => Reach::All,
            Reach::All => Reach::Mine,
        }
    }

    /// The CSMs whose accounts this reach covers, the user first.
    pub fn owners(self, store: &Store, user: &str, config: &Config) -> StoreResult<Vec<String>> {
        let mut owners = vec![user.to_string()];
        match self {
            Reach::Mine => {}
            Reach::Team => owners.extend(config.my_team.iter().map(|n| n.trim().to_string())),
            Reach::All => owners.extend(store.csm_names()?),
        }
        let mut seen = std::collections::HashSet::new();
        owners.retain(|name| !name.is_empty() && seen.insert(name.clone()));
        Ok(owners)
    }
}

/// How many rows hold a reason of each kind (an account with two kinds
/// counts under both), in [`ReasonKind::ALL`]'s order, kinds with none left out.
pub fn reason_counts(rows: &[TodayRow]) -> Vec<(ReasonKind, usize)> {
    let mut counts = [0usize; ReasonKind::ALL.len()];
    for row in rows {
        for (slot, kind) in counts.iter_mut().zip(ReasonKind::ALL) {
            if row.has(kind) {
                *slot += 1;
            }
        }
    }
    ReasonKind::ALL.into_iter().zip(counts).filter(|(_, n)| *n > 0).collect()
}

/// What kind of reason a snooze key names (`renewal:…`, `no_touch`,
/// `moment:qbr:…`), in the words of Today's header.
pub fn snoozed_kind(key: &str) -> &'static str {
    let prefix = key.split(':').next().unwrap_or(key);
    match prefix {
        "renewal" => ReasonKind::Renewal.label(),
        "lost" => ReasonKind::RenewalLost.label(),
        "dropped" => ReasonKind::HealthDropped.label(),
        "suggestion" => ReasonKind::Suggestion.label(),
        "task" => ReasonKind::Task.label(),
        "moment" => ReasonKind::MomentOverdue.label(),
        "no_touch" => ReasonKind::NoTouch.label(),
        "trial" => ReasonKind::TrialOverdue.label(),
        "plan" => ReasonKind::PlanBehind.label(),
        _ => "other",
    }
}

/// How long acting on a renewal in its last window hides it at most.
const LAST_WINDOW_QUIET_DAYS: u64 = 7;

/// When a renewal row that was acted on `today` should come back: when the
/// renewal enters its next window; in its last window, a week later (a
/// renewal weeks away must not vanish until it is due), and on the renewal
/// day at the latest; once due, the day after.
pub fn renewal_comes_back(
    date: NaiveDate,
    window: i64,
    today: NaiveDate,
    config: &Config,
) -> NaiveDate {
    match triage::next_window(window, &config.renewal_windows_days) {
        Some(next) => date.checked_sub_days(Days::new(next.unsigned_abs())).unwrap_or(date),
        None if date <= today => date.succ_opt().unwrap_or(date),
        None => today.checked_add_days(Days::new(LAST_WINDOW_QUIET_DAYS)).unwrap_or(date).min(date),
    }
}
