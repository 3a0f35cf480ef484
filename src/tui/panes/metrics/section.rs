//! The Metrics pane's sections, in tab order. Each section says, in one
//! place, its title, how many of its numbers can be selected, what they mean,
//! how it draws, and which accounts are behind a number (its drill-down).
//! Adding a section is a variant here and an arm in each method below; the
//! pane itself never dispatches on a section.

use super::data::{Drill, MemberFilter, MetricsData, Movement};
use super::{MetricsPane, explain, panels};
use crate::tui::panes::View;
use ratatui::Frame;
use ratatui::layout::Rect;

/// One section of the Metrics pane.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Section {
    /// NRR/GRR trailing chart, CRR beside it.
    #[default]
    Retention,
    /// The ARR bridge that foots.
    Bridge,
    /// The cohort layer cake.
    LayerCake,
    /// The Pareto chart with its tier table.
    Pareto,
    /// ATR- versus ARR-based renewal rates.
    Renewals,
    /// How the scorecard, each measure and the CSM's colours predicted churn.
    Backtest,
}

impl Section {
    /// Every section, in tab order.
    pub const ALL: [Section; 6] = [
        Section::Retention,
        Section::Bridge,
        Section::LayerCake,
        Section::Pareto,
        Section::Renewals,
        Section::Backtest,
    ];

    /// The tab title.
    pub fn title(self) -> &'static str {
        match self {
            Section::Retention => "Retention",
            Section::Bridge => "Bridge",
            Section::LayerCake => "Layer cake",
            Section::Pareto => "Pareto",
            Section::Renewals => "Renewals",
            Section::Backtest => "Backtest",
        }
    }

    /// The next section (or, `forward` false, the previous), wrapping.
    pub fn step(self, forward: bool) -> Section {
        let count = Section::ALL.len();
        let at = Section::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Section::ALL[if forward { (at + 1) % count } else { (at + count - 1) % count }]
    }

    /// How many of the section's numbers can be selected (and drilled into).
    pub fn items(self, data: &MetricsData) -> usize {
        match self {
            Section::Retention => 3,
            Section::Bridge => Movement::ALL.len(),
            Section::LayerCake => data.cake.layers.len(),
            Section::Pareto => data.pareto.tiers.len(),
            Section::Renewals => 2,
            Section::Backtest => data
                .backtest
                .as_ref()
                .map_or(0, |b| b.predictors.len() * super::backtest::LISTS.len()),
        }
    }

    /// (number, meaning) pairs, for `e`.
    pub fn explanations(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Section::Retention => explain::RETENTION,
            Section::Bridge => explain::BRIDGE,
            Section::LayerCake => explain::LAYER_CAKE,
            Section::Pareto => explain::PARETO,
            Section::Renewals => explain::RENEWALS,
            Section::Backtest => explain::BACKTEST,
        }
    }

    /// Draws the section's numbers into `area`. Reads only.
    pub fn draw(
        self,
        pane: &MetricsPane,
        data: &MetricsData,
        frame: &mut Frame<'_>,
        area: Rect,
        view: &View<'_>,
    ) {
        match self {
            Section::Retention => panels::retention(pane, data, frame, area, view),
            Section::Bridge => panels::bridge(pane, data, frame, area, view),
            Section::LayerCake => panels::layer_cake(pane, data, frame, area, view),
            Section::Pareto => panels::pareto(pane, data, frame, area, view),
            Section::Renewals => panels::renewals(pane, data, frame, area, view),
            Section::Backtest => super::backtest::draw(pane, data, frame, area, view),
        }
    }

    /// The accounts behind the `selected` number; `None` when there is no
    /// such number.
    pub fn drill(self, data: &MetricsData, selected: usize) -> Option<Drill> {
        Some(match self {
            Section::Retention => data.members_drill(match selected {
                0 => MemberFilter::All,
                1 => MemberFilter::ChurnedOrContracted,
                _ => MemberFilter::Churned,
            }),
            Section::Bridge => data.bridge_drill(*Movement::ALL.get(selected)?),
            Section::LayerCake => data.cohort_drill(selected)?,
            Section::Pareto => data.tier_drill(data.pareto.tiers.get(selected)?.tier),
            Section::Renewals => data.renewals_drill(selected == 1),
            Section::Backtest => super::backtest::drill(data.backtest.as_ref()?, selected)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sections_step_round_in_tab_order_both_ways() {
        let mut seen = vec![Section::default()];
        let mut at = Section::default();
        for _ in 1..Section::ALL.len() {
            at = at.step(true);
            seen.push(at);
        }
        assert_eq!(seen, Section::ALL);
        assert_eq!(at.step(true), Section::Retention, "the last wraps to the first");
        assert_eq!(Section::Retention.step(false), Section::Backtest, "and back");
        for section in Section::ALL {
            assert_eq!(section.step(true).step(false), section);
        }
    }

    #[test]
    fn every_section_has_a_title_and_explains_its_numbers() {
        let titles: Vec<&str> = Section::ALL.iter().map(|s| s.title()).collect();
        assert_eq!(titles, ["Retention", "Bridge", "Layer cake", "Pareto", "Renewals", "Backtest"]);
        for section in Section::ALL {
            assert!(!section.explanations().is_empty(), "{section:?} explains nothing");
        }
    }
}
