//! The `[scorecard]` settings: which usage measure counts, the band cuts,
//! and per measure its weight and its points per threshold. Defaults are
//! meant for a new user; `config.toml` may override any of them. Thresholds
//! are whole numbers in each measure's own unit (percent, days, tickets,
//! NPS points) so the arithmetic stays exact.

use serde::{Deserialize, Serialize};

/// The measures a scorecard knows, in the order the breakdown shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Usage of the key measure per licence (units), in percent.
    UsagePerLicence,
    /// Change of usage per licence over `trend_months`, in percent.
    UsageTrend,
    /// High and urgent tickets open at the date.
    OpenHighTickets,
    /// Net promoter score of the answers of the last `survey_days`.
    Nps,
    /// Days since the last touch.
    DaysSinceTouch,
    /// Change of ARR over `trend_months`, in percent.
    ArrTrend,
    /// Whether the success plans are on track (100) or behind (0).
    SuccessPlan,
}

impl Measure {
    pub const ALL: [Measure; 7] = [
        Measure::UsagePerLicence,
        Measure::UsageTrend,
        Measure::OpenHighTickets,
        Measure::Nps,
        Measure::DaysSinceTouch,
        Measure::ArrTrend,
        Measure::SuccessPlan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::UsagePerLicence => "usage_per_licence",
            Measure::UsageTrend => "usage_trend",
            Measure::OpenHighTickets => "open_high_tickets",
            Measure::Nps => "nps",
            Measure::DaysSinceTouch => "days_since_touch",
            Measure::ArrTrend => "arr_trend",
            Measure::SuccessPlan => "success_plan",
        }
    }

    /// The measure's name in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            Measure::UsagePerLicence => "usage per licence",
            Measure::UsageTrend => "usage trend",
            Measure::OpenHighTickets => "open high-severity tickets",
            Measure::Nps => "NPS",
            Measure::DaysSinceTouch => "days since last touch",
            Measure::ArrTrend => "ARR trend",
            Measure::SuccessPlan => "success plan",
        }
    }

    /// Whether a larger value is better (thresholds read "at least") or
    /// worse (thresholds read "at most").
    pub fn higher_is_better(self) -> bool {
        !matches!(self, Measure::OpenHighTickets | Measure::DaysSinceTouch)
    }
}

/// One measure's weight and its points: `[threshold, points]` pairs tried
/// in order, the first the value meets gives the points (0–100); none met
/// gives 0. A weight of 0 leaves the measure out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureRule {
    pub weight: i64,
    pub points: Vec<(i64, i64)>,
}

/// The scores at which a band begins (score ≥ cut).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandCuts {
    pub green: i64,
    pub yellow: i64,
    pub orange: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScorecardConfig {
    /// The usage measure that counts as use of the product (per licence).
    pub usage_measure: String,
    /// Months over which usage and ARR trends are taken.
    pub trend_months: i32,
    /// Days of survey answers the NPS is taken from.
    pub survey_days: i64,
    pub bands: BandCuts,
    pub usage_per_licence: MeasureRule,
    pub usage_trend: MeasureRule,
    pub open_high_tickets: MeasureRule,
    pub nps: MeasureRule,
    pub days_since_touch: MeasureRule,
    pub arr_trend: MeasureRule,
    pub success_plan: MeasureRule,
}

impl Default for ScorecardConfig {
    fn default() -> ScorecardConfig {
        let rule = |weight, points: &[(i64, i64)]| MeasureRule { weight, points: points.to_vec() };
        ScorecardConfig {
            usage_measure: "active_users".to_string(),
            trend_months: 3,
            survey_days: 180,
            bands: BandCuts { green: 75, yellow: 50, orange: 25 },
            usage_per_licence: rule(20, &[(80, 100), (60, 75), (40, 50), (20, 25)]),
            usage_trend: rule(25, &[(0, 100), (-10, 75), (-25, 40)]),
            open_high_tickets: rule(15, &[(0, 100), (1, 50)]),
            nps: rule(10, &[(30, 100), (0, 70), (-30, 30)]),
            days_since_touch: rule(10, &[(30, 100), (60, 70), (90, 40), (180, 10)]),
            arr_trend: rule(15, &[(0, 100), (-10, 50)]),
            success_plan: rule(5, &[(1, 100)]),
        }
    }
}

impl ScorecardConfig {
    pub fn rule(&self, measure: Measure) -> &MeasureRule {
        match measure {
            Measure::UsagePerLicence => &self.usage_per_licence,
            Measure::UsageTrend => &self.usage_trend,
            Measure::OpenHighTickets => &self.open_high_tickets,
            Measure::Nps => &self.nps,
            Measure::DaysSinceTouch => &self.days_since_touch,
            Measure::ArrTrend => &self.arr_trend,
            Measure::SuccessPlan => &self.success_plan,
        }
    }

    /// What is wrong with these settings, one sentence per problem.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let b = self.bands;
        if !(0 < b.orange && b.orange < b.yellow && b.yellow < b.green && b.green <= 100) {
            problems.push(format!(
                "scorecard.bands green {}, yellow {}, orange {}: 0 < orange < yellow < green <= 100 expected",
                b.green, b.yellow, b.orange
            ));
        }
        if !(1..=24).contains(&self.trend_months) {
            problems.push(format!(
                "scorecard.trend_months = {}: 1 to 24 months expected",
                self.trend_months
            ));
        }
        if !(1..=3660).contains(&self.survey_days) {
            problems.push(format!(
                "scorecard.survey_days = {}: 1 to 3660 days expected",
                self.survey_days
            ));
        }
        for measure in Measure::ALL {
            let rule = self.rule(measure);
            let name = measure.as_str();
            if !(0..=1000).contains(&rule.weight) {
                problems
                    .push(format!("scorecard.{name}.weight = {}: 0 to 1000 expected", rule.weight));
            }
            if let Some((_, points)) = rule.points.iter().find(|(_, p)| !(0..=100).contains(p)) {
                problems
                    .push(format!("scorecard.{name}.points: {points} points: 0 to 100 expected"));
            }
            if rule.points.iter().any(|(t, _)| t.abs() > 1_000_000) {
                problems
                    .push(format!("scorecard.{name}.points: thresholds within ±1000000 expected"));
            }
        }
        if Measure::ALL.iter().all(|m| self.rule(*m).weight == 0) {
            problems
                .push("scorecard: every weight is 0; give at least one measure a weight".into());
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_usable_and_weigh_100() {
        let config = ScorecardConfig::default();
        assert!(config.problems().is_empty(), "{:?}", config.problems());
        let total: i64 = Measure::ALL.iter().map(|m| config.rule(*m).weight).sum();
        assert_eq!(total, 100);
    }

    #[test]
    fn bad_settings_are_named() {
        let mut config = ScorecardConfig::default();
        config.bands.yellow = 80;
        config.nps.points.push((-100, 120));
        let problems = config.problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("scorecard.bands"));
        assert!(problems[1].starts_with("scorecard.nps.points"));
    }

    #[test]
    fn a_settings_table_overrides_what_it_names() {
        let text = r#"
            [scorecard]
            usage_measure = "weekly_active_users"
            bands = { green = 80, yellow = 50, orange = 25 }
            usage_trend = { weight = 30, points = [[0, 100], [-10, 75], [-25, 40]] }
            success_plan = { weight = 0, points = [] }
        "#;
        let config: super::super::Config = toml::from_str(text).expect("settings");
        let card = &config.scorecard;
        assert_eq!(card.usage_measure, "weekly_active_users");
        assert_eq!(card.bands.green, 80);
        assert_eq!(card.usage_trend.weight, 30);
        assert_eq!(card.success_plan.weight, 0);
        assert_eq!(
            card.nps,
            ScorecardConfig::default().nps,
            "unnamed measures keep their defaults"
        );
        assert!(config.problems().is_empty(), "{:?}", config.problems());
    }
}
