//! Drawing the Metrics pane's Backtest section: one row per predictor (the
//! scorecard, the CSM's colours, each measure) with flagged, caught,
//! missed, false alarms, precision, recall and lead; flagged, caught,
//! missed and false alarms are the selectable numbers (Enter lists their
//! accounts).
//! Reads the kept backtest only.

use super::MetricsPane;
use super::data::{Cells, Drill, MetricsData};
use crate::metrics::Rate;
use crate::metrics::backtest::OutcomeKind;
use crate::metrics::backtest::counts;
use crate::read::health::Backtest;
use crate::tui::panes::View;
use crate::tui::widgets::cut::cut_lines;
use crate::tui::widgets::fit;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

fn rate(rate: Option<Rate>) -> String {
    rate.map_or("—".to_string(), |r| r.to_percent(0))
}

pub(super) fn draw(
    pane: &MetricsPane,
    data: &MetricsData,
    frame: &mut Frame<'_>,
    area: Rect,
    view: &View<'_>,
) {
    let theme = view.theme;
    let Some(backtest) = &data.backtest else {
        let line = Line::from(Span::styled("Running the backtest…", theme.dim()));
        frame.render_widget(Paragraph::new(line), area);
        return;
    };
    let (renewed, contracted, churned) = counts(&backtest.outcomes);
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                "Backtest: {} outcomes, {renewed} renewed, {contracted} contracted, {churned} churned, ending {} to {}",
                backtest.outcomes.len(),
                backtest.from,
                backtest.to
            ),
            theme.header(),
        )),
        Line::from(Span::styled(
            format!(
                "  {:<18}{:>8}{:>9}{:>9}{:>9}{:>7}{:>7}{:>7}",
                format!("at −{} days", backtest.lead_days),
                "Flagged",
                "Caught",
                "Missed",
                "F.alarm",
                "Prec",
                "Recall",
                "Lead"
            ),
            theme.title(),
        )),
    ];
    if backtest.outcomes.is_empty() {
        lines.push(Line::from(Span::styled(
            "  No renewal outcome in the period yet: import contracts that have ended.",
            theme.dim(),
        )));
    }
    for (index, predictor) in backtest.predictors.iter().enumerate() {
        let cell = |list: usize, value: usize, width: usize| {
            let selected = pane.selected == index * LISTS.len() + list;
            let style = if selected { theme.selected() } else { Style::new() };
            Span::styled(
                format!(
                    "{:>width$}",
                    if selected { format!("▸{value}") } else { value.to_string() }
                ),
                style,
            )
        };
        let name = match predictor.name.as_str() {
            "csm_colour" => "CSM's colour".to_string(),
            "scorecard" => "Scorecard".to_string(),
            other => other.replace('_', " "),
        };
        let lead = predictor.median_lead_days().map_or("—".to_string(), |d| format!("{d}d"));
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {:<18}", fit(&name, 18)),
                if index == 0 { theme.title() } else { Style::new() },
            ),
            cell(0, predictor.flagged.len(), 8),
            cell(1, predictor.caught.len(), 9),
            cell(2, predictor.missed.len(), 9),
            cell(3, predictor.false_alarms.len(), 9),
            Span::raw(format!(
                "{:>7}{:>7}{:>7}",
                rate(predictor.precision()),
                rate(predictor.recall()),
                lead
            )),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "  Missed are the surprises. Enter lists the accounts behind a number; e explains.",
        theme.dim(),
    )));
    frame.render_widget(Paragraph::new(cut_lines(lines, area.width)), area);
}

/// The lists behind each predictor's numbers, in the order the Metrics
/// pane selects them.
pub(super) const LISTS: [&str; 4] = ["flagged", "caught", "missed", "false alarms"];

/// The outcomes behind number `selected` (predictor `selected / 4`, list
/// `selected % 4` of [`LISTS`]).
pub(super) fn drill(backtest: &Backtest, selected: usize) -> Option<Drill> {
    let predictor = backtest.predictors.get(selected / LISTS.len())?;
    let (list, meaning) = match selected % LISTS.len() {
        0 => (&predictor.flagged, "red or orange at the lead date"),
        1 => (&predictor.caught, "churned and flagged"),
        2 => (&predictor.missed, "churned, not flagged: the surprises"),
        _ => (&predictor.false_alarms, "renewed in full, yet flagged"),
    };
    let mut drill = Drill::new(
        format!(
            "{} · {} ({meaning}, {} days before the end)",
            predictor.name,
            LISTS[selected % LISTS.len()],
            backtest.lead_days
        ),
        format!("{:<12} {:<10} {:>10} {:>10}", "contract", "ends", "ATR", "renewed"),
    );
    for o in list.iter().filter_map(|i| backtest.outcomes.get(*i)) {
        let id = drill.word(&o.contract_id);
        let renewed = (o.kind == OutcomeKind::Renewed).then_some(o.atr);
        drill.push(&o.account_id, Cells::Contract { id, ends: o.end_date, atr: o.atr, renewed });
    }
    Some(drill)
}
