//! The book's settings: tier cuts, renewal probabilities per health, cadences,
//! windows. Defaults follow DOMAIN.md; a `config.toml` may override any of them.

use super::Health;
use serde::{Deserialize, Serialize};

/// A probability or share held exactly, in basis points (1/10,000).
pub type BasisPoints = i64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Cumulative ARR shares closing tier 1 and tier 2, in basis points (4500 = 45%).
    pub tier_cuts_bp: Vec<BasisPoints>,
    /// Renewal probability per health, in basis points.
    pub renewal_probability_bp: HealthProbabilities,
    /// Days without a touch before an account of each tier is overdue (tier 1, 2, 3).
    pub touch_cadence_days: Vec<i64>,
    /// Renewal windows in days before the end date, largest first.
    pub renewal_windows_days: Vec<i64>,
    /// Days an account may stay in one 4A stage before it is flagged as stuck.
    pub stuck_stage_days: i64,
    /// Recurring engagement moments per tier (kind and months between them).
    pub moment_cadences: Vec<super::moment::MomentCadence>,
    /// The TUI's colour set: `neutral`, `dark`, `light` or `high-contrast`.
    pub theme: super::appearance::ThemeName,
    /// Colours overriding the theme's, by role.
    pub colors: super::appearance::Colors,
    /// The currency symbol shown with amounts (`"$"`, `"€"`, `"CHF"`); empty
    /// shows plain numbers. Never written into CSV or JSON.
    pub currency: String,
    /// Where the symbol goes: `"before"` (`$12.4k`) or `"after"` (`12.4k €`).
    pub currency_position: super::money::SymbolPosition,
    /// The cockpit takes the mouse (clicks, scrolling); `false` leaves it to
    /// the terminal, whose own text selection then works.
    pub mouse: bool,
    /// `y` copies to the clipboard through the terminal (OSC 52); `false`
    /// turns that off.
    pub clipboard: bool,
    /// The note kinds that count as a touch (reset the cadence clock, move
    /// the last touch): the cockpit's own or any a CRM uses (`"support"`).
    pub touch_kinds: Vec<String>,
    /// The health scorecard: measures, weights, thresholds, band cuts.
    pub scorecard: super::scorecard_config::ScorecardConfig,
    /// The team's book (`[team]`): none unless a URL is given.
    pub team: TeamSettings,
    /// Playbooks by key (`[playbooks.KEY]`): the four defaults, replaced,
    /// added to or switched off (`domain::playbook`).
    pub playbooks: super::playbook::Playbooks,
    /// The CSMs of the user's team, by name: Today's "my team" covers their
    /// accounts and the user's.
    pub my_team: Vec<String>,
    /// For this many days after a stage was set by hand, no stage suggestion
    /// moves the account back out of it.
    pub stage_hand_move_days: i64,
}

/// `[team]`: the shared PostgreSQL database (a libpq connection string;
/// `COCKPIT_TEAM_URL` overrides it), the member's name for `team join`,
/// and how often the cockpit syncs in the background.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TeamSettings {
    pub url: String,
    pub member: String,
    pub sync_seconds: u64,
    /// Read the manager's roll-up ahead, from the start, and keep it
    /// current (a manager's setting: `ctrl-r` then shows it at once).
    pub rollup_ahead: bool,
}

impl Default for TeamSettings {
    fn default() -> TeamSettings {
        TeamSettings {
            url: String::new(),
            member: String::new(),
            sync_seconds: 60,
            rollup_ahead: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthProbabilities {
    pub green: BasisPoints,
    pub yellow: BasisPoints,
    pub orange: BasisPoints,
    pub red: BasisPoints,
}

impl HealthProbabilities {
    pub fn of(&self, health: Health) -> BasisPoints {
        match health {
            Health::Green => self.green,
            Health::Yellow => self.yellow,
            Health::Orange => self.orange,
            Health::Red => self.red,
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            tier_cuts_bp: vec![4500, 7500],
            renewal_probability_bp: HealthProbabilities {
                green: 9500,
                yellow: 8000,
                orange: 5000,
                red: 2000,
            },
            touch_cadence_days: vec![30, 90, 180],
            renewal_windows_days: vec![180, 120, 90, 60, 30],
            stuck_stage_days: 180,
            moment_cadences: super::moment::default_cadences(),
            theme: super::appearance::ThemeName::default(),
            colors: super::appearance::Colors::default(),
            currency: String::new(),
            currency_position: super::money::SymbolPosition::Before,
            mouse: true,
            clipboard: true,
            touch_kinds: super::note::DEFAULT_TOUCH_KINDS.map(String::from).to_vec(),
            scorecard: super::scorecard_config::ScorecardConfig::default(),
            team: TeamSettings::default(),
            playbooks: super::playbook::Playbooks::default(),
            my_team: Vec::new(),
            stage_hand_move_days: 90,
        }
    }
}

impl Config {
    /// What is wrong with these settings, one sentence per problem (empty
    /// when they are usable).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let cuts = &self.tier_cuts_bp;
        if cuts.is_empty()
            || cuts.iter().any(|c| *c <= 0 || *c >= 10_000)
            || cuts.windows(2).any(|pair| pair[0] >= pair[1])
        {
            problems.push(format!(
                "tier_cuts_bp {cuts:?}: increasing shares strictly between 0 and 10000 expected"
            ));
        }
        let p = &self.renewal_probability_bp;
        for (name, value) in
            [("green", p.green), ("yellow", p.yellow), ("orange", p.orange), ("red", p.red)]
        {
            if !(0..=10_000).contains(&value) {
                problems.push(format!(
                    "renewal_probability_bp.{name} = {value}: between 0 and 10000 expected"
                ));
            }
        }
        if self.touch_cadence_days.is_empty() || self.touch_cadence_days.iter().any(|d| *d <= 0) {
            problems.push(format!(
                "touch_cadence_days {:?}: positive days per tier expected",
                self.touch_cadence_days
            ));
        }
        let windows = &self.renewal_windows_days;
        if windows.iter().any(|d| *d <= 0) || windows.windows(2).any(|pair| pair[0] <= pair[1]) {
            problems.push(format!(
                "renewal_windows_days {windows:?}: positive days, largest first, expected"
            ));
        }
        if self.stuck_stage_days <= 0 {
            problems.push(format!(
                "stuck_stage_days = {}: a positive number of days expected",
                self.stuck_stage_days
            ));
        }
        if self.stage_hand_move_days < 0 {
            problems.push(format!(
                "stage_hand_move_days = {}: zero or more days expected",
                self.stage_hand_move_days
            ));
        }
        if let Some(bad) = self.moment_cadences.iter().find(|c| c.every_months == 0) {
            problems.push(format!(
                "moment_cadences: tier {} every_months = 0: at least 1 expected",
                bad.tier
            ));
        }
        if self.currency.chars().count() > 4
            || self.currency.chars().any(|c| c.is_control() || c.is_whitespace())
        {
            problems.push(format!(
                "currency = {:?}: a symbol of at most 4 characters without spaces expected \
                 (\"$\", \"€\", \"CHF\")",
                self.currency
            ));
        }
        for kind in &self.touch_kinds {
            if let Err(error) = super::NoteKind::parse(kind) {
                problems.push(format!("touch_kinds: {error}"));
            }
        }
        problems.extend(self.scorecard.problems());
        if self.team.sync_seconds < 5 {
            problems.push(format!(
                "team.sync_seconds = {}: at least 5 seconds expected",
                self.team.sync_seconds
            ));
        }
        problems
    }

    /// How amounts are shown: the `currency` symbol in its place.
    pub fn currency(&self) -> super::money::Currency {
        super::money::Currency::new(&self.currency, self.currency_position)
    }

    /// The touch cadence for a tier (1-based); the long tail uses the last entry.
    pub fn cadence_days(&self, tier: u8) -> i64 {
        let index =
            usize::from(tier.max(1) - 1).min(self.touch_cadence_days.len().saturating_sub(1));
        self.touch_cadence_days.get(index).copied().unwrap_or(90)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_usable_and_bad_values_are_named() {
        assert!(Config::default().problems().is_empty());
        let mut config = Config {
            tier_cuts_bp: vec![7500, 4500],
            renewal_windows_days: vec![30, 90],
            ..Config::default()
        };
        config.renewal_probability_bp.red = 12_000;
        let problems = config.problems();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("tier_cuts_bp [7500, 4500]"));
        assert!(problems[1].starts_with("renewal_probability_bp.red = 12000"));
        assert!(problems[2].starts_with("renewal_windows_days [30, 90]"));
    }

    #[test]
    fn touch_kinds_default_to_conversations_and_are_checked() {
        assert_eq!(Config::default().touch_kinds, ["call", "email", "meeting", "qbr"]);
        let config = Config {
            touch_kinds: vec!["call".into(), "support".into(), "".into(), "x\u{7}".into()],
            ..Config::default()
        };
        let problems = config.problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("touch_kinds: the kind is empty"), "{problems:?}");
        assert!(
            problems[1].starts_with("touch_kinds: \"x\\u{7}\" holds a control"),
            "{problems:?}"
        );
    }

    #[test]
    fn defaults_follow_the_domain() {
        let config = Config::default();
        assert_eq!(config.renewal_probability_bp.of(Health::Orange), 5000);
        assert_eq!(config.cadence_days(1), 30);
        assert_eq!(config.cadence_days(3), 180);
        assert_eq!(config.cadence_days(9), 180);
    }
}
