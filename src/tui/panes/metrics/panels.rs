//! Drawing each section's numbers of the Metrics pane, one function per
//! section, with the side panel beside each chart. Reads the pane's kept
//! results only; no metric is computed here beyond laying numbers out (rates
//! become text or, for chart geometry only, `f64`).

use super::data::{MetricsData, Movement};
use super::{MetricsPane, SCOPE};
use crate::domain::Money;
use crate::metrics::Rate;
use crate::metrics::renewal_rates::yearly_equivalent;
use crate::tui::action::Action;
use crate::tui::panes::View;
use crate::tui::theme::Theme;
use crate::tui::widgets::charts::{FILLS, buckets, stacked_columns};
use crate::tui::widgets::cut::cut_lines;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, LegendPosition, Paragraph, Wrap};

/// The side panel's width beside a chart.
const PANEL: u16 = 34;

/// The width of the Pareto chart inside a pane `pane_width` wide.
pub fn pareto_chart_width(pane_width: u16) -> u16 {
    pane_width.saturating_sub(2 + PANEL + 6)
}

fn rate(rate: Option<Rate>) -> String {
    rate.map_or("—".to_string(), |r| r.to_percent(1))
}

fn marker(selected: bool) -> &'static str {
    if selected { "▸ " } else { "  " }
}

fn item_style(selected: bool, theme: Theme) -> Style {
    if selected { theme.selected() } else { Style::new() }
}

fn percent_axis(low: f64, high: f64, theme: Theme) -> Axis<'static> {
    let mid = (low + high) / 2.0;
    Axis::default()
        .bounds([low, high])
        .labels([format!("{low:.0}%"), format!("{mid:.0}%"), format!("{high:.0}%")])
        .style(theme.dim())
}

pub(super) fn retention(
    pane: &MetricsPane,
    data: &MetricsData,
    frame: &mut Frame<'_>,
    area: Rect,
    view: &View<'_>,
) {
    let theme = view.theme;
    let [chart_area, panel] =
        Layout::horizontal([Constraint::Min(20), Constraint::Length(PANEL)]).areas(area);
    if data.series.is_empty() {
        let text = "Retention needs a year-ago month: at least thirteen months of snapshots.";
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), chart_area);
    } else {
        let values = data.nrr_points.iter().chain(&data.grr_points).map(|p| p.1);
        let low = values.clone().fold(100.0_f64, f64::min);
        let high = values.fold(100.0_f64, f64::max);
        let (low, high) = ((low / 10.0).floor() * 10.0, (high / 10.0).ceil() * 10.0);
        let last = data.series.len().saturating_sub(1);
        let first_month = data.series.first().map(|r| r.as_of.to_string()).unwrap_or_default();
        let last_month = data.series.last().map(|r| r.as_of.to_string()).unwrap_or_default();
        let chart =
            Chart::new(vec![
                Dataset::default()
                    .name("NRR ⣿")
                    .marker(Marker::Braille)
                    .graph_type(GraphType::Line)
                    .style(theme.series(0))
                    .data(&data.nrr_points),
                Dataset::default()
                    .name("GRR •")
                    .marker(Marker::Dot)
                    .graph_type(GraphType::Line)
                    .style(theme.series(1))
                    .data(&data.grr_points),
            ])
            .block(Block::new().title(Line::from(Span::styled(
                "NRR and GRR, trailing twelve months",
                theme.header(),
            ))))
            .x_axis(
                Axis::default()
                    .bounds([0.0, last.max(1) as f64])
                    .labels([first_month, last_month])
                    .style(theme.dim()),
            )
            .y_axis(percent_axis(low, high, theme))
            .legend_position(Some(LegendPosition::BottomLeft));
        frame.render_widget(chart, chart_area);
    }
    let r = &data.retention;
    let s = pane.selected;
    let mut lines = vec![
        Line::from(Span::styled(
            format!("At {}, cohort of {}", r.as_of, r.cohort_month()),
            theme.header(),
        )),
        Line::from(format!(
            "  {} · {} then",
            crate::domain::count::of(r.cohort_accounts, "account", "accounts"),
            r.cohort_arr.to_short()
        )),
        Line::from(Span::styled(
            format!("{}NRR {:>7}  {} now", marker(s == 0), rate(r.nrr()), r.current_arr.to_short()),
            item_style(s == 0, theme),
        )),
        Line::from(Span::styled(
            format!("{}GRR {:>7}  kept {}", marker(s == 1), rate(r.grr()), r.kept_arr.to_short()),
            item_style(s == 1, theme),
        )),
        Line::from(Span::styled(
            format!(
                "{}CRR {:>7}  {} of {} kept",
                marker(s == 2),
                rate(r.crr()),
                r.retained_accounts,
                r.cohort_accounts
            ),
            item_style(s == 2, theme),
        )),
        Line::from(format!("  DRR {:>7}  dollars now/then", rate(r.drr()))),
        Line::from(""),
    ];
    if let (Some(crr), Some(drr)) = (r.crr(), r.drr()) {
        let gap = drr.to_basis_points() - crr.to_basis_points();
        if gap.abs() >= 1_000 {
            let points = format!("{}.{:02}", gap.abs() / 100, gap.abs() % 100);
            lines.push(Line::from(Span::styled(
                format!("⚠ CRR and DRR {points} pts apart:"),
                theme.warn(),
            )));
            lines.push(Line::from(Span::styled("  the aggregate hides churn:", theme.warn())));
            lines.push(Line::from(Span::styled("  look account by account (CRR).", theme.warn())));
            lines.push(Line::from(""));
        }
    }
    lines.push(Line::from(Span::styled(
        format!("{}: the accounts behind it", view.keymap.label(SCOPE, Action::Open)),
        theme.dim(),
    )));
    lines.push(Line::from(Span::styled(
        format!("{}: what each number means", view.keymap.label(SCOPE, Action::Explain)),
        theme.dim(),
    )));
    frame.render_widget(Paragraph::new(cut_lines(lines, panel.width)), panel);
}

fn amount_line(
    label: &str,
    amount: String,
    note: &str,
    selected: Option<bool>,
    theme: Theme,
) -> Line<'static> {
    let (mark, style) = match selected {
        Some(selected) => (marker(selected), item_style(selected, theme)),
        None => ("  ", Style::new()),
    };
    Line::from(vec![
        Span::styled(format!("{mark}{label:<24}{amount:>16}"), style),
        Span::styled(format!("  {note}"), theme.dim()),
    ])
}

pub(super) fn bridge(
    pane: &MetricsPane,
    data: &MetricsData,
    frame: &mut Frame<'_>,
    area: Rect,
    view: &View<'_>,
) {
    let theme = view.theme;
    let b = &data.bridge;
    let mut lines = vec![Line::from(Span::styled(
        format!("ARR bridge: end of {} → end of {}", b.from, b.to),
        theme.header(),
    ))];
    lines.push(amount_line("Starting ARR", b.starting_arr.to_string(), "", None, theme));
    for (index, movement) in Movement::ALL.iter().enumerate() {
        let sign = match movement {
            Movement::NewLogo | Movement::Expansion => "+",
            Movement::Contraction | Movement::Lost => "−",
        };
        lines.push(amount_line(
            &format!("{sign} {}", movement.title()),
            movement.amount(b).to_string(),
            "",
            Some(pane.selected == index),
            theme,
        ));
    }
    lines.push(Line::from(Span::styled(format!("  {}", "─".repeat(40)), theme.dim())));
    let foot = if b.foots() {
        Span::styled("  ✓ foots", theme.ok())
    } else {
        let off = b.starting_arr + b.movements.net() - b.ending_arr;
        Span::styled(format!("  ✗ off by {off}"), theme.error())
    };
    lines.push(Line::from(vec![
        Span::raw(format!("  {:<24}{:>16}", "= Ending ARR", b.ending_arr.to_string())),
        foot,
    ]));
    lines.push(Line::from(""));
    let rows = [
        ("Net new ARR", b.net_new_arr().to_string(), "new logo + expansion − contraction − lost"),
        (
            "Expansion share of new",
            rate(b.expansion_share_of_new()),
            "expansion / (new logo + expansion)",
        ),
        ("Net expansion", b.net_expansion().to_string(), "expansion − contraction − lost"),
        ("Churn rate", rate(b.churn_rate()), "(contraction + lost) / starting ARR"),
    ];
    for (label, value, note) in rows {
        lines.push(amount_line(label, value, note, None, theme));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(vec![
        Span::styled(
            format!("  {:<24}{:>16}", "\"Lazy NRR\" (not NRR)", rate(b.lazy_nrr())),
            theme.dim(),
        ),
        Span::styled(
            format!("  contrast only; cohort NRR at {}: {}", b.to, rate(data.retention.nrr())),
            theme.dim(),
        ),
    ]));
    frame.render_widget(Paragraph::new(cut_lines(lines, area.width)), area);
}

pub(super) fn layer_cake(
    pane: &MetricsPane,
    data: &MetricsData,
    frame: &mut Frame<'_>,
    area: Rect,
    view: &View<'_>,
) {
    let theme = view.theme;
    let cake = &data.cake;
    let [chart_area, legend] =
        Layout::horizontal([Constraint::Min(20), Constraint::Length(PANEL)]).areas(area);
    let totals = cake.totals();
    let max = totals.iter().map(|m| m.cents()).max().unwrap_or(0);
    let axis_width = 7_usize;
    let height = usize::from(chart_area.height.saturating_sub(2));
    let columns = usize::from(chart_area.width).saturating_sub(axis_width + 3).max(1);
    // One column per month when they fit (wider on a wide screen), else the
    // last month of each stretch: ARR is a month-end balance, not a flow.
    let width_each = (columns / cake.months.len().max(1)).clamp(1, 3);
    let picked: Vec<usize> = buckets(cake.months.len(), columns / width_each)
        .into_iter()
        .map(|range| range.end - 1)
        .collect();
    let mut values: Vec<Vec<i64>> = Vec::new();
    for index in &picked {
        let column: Vec<i64> = cake.layers.iter().map(|l| l.arr_by_month[*index].cents()).collect();
        for _ in 0..width_each {
            values.push(column.clone());
        }
    }
    let styles: Vec<Style> = (0..cake.layers.len()).map(|i| theme.series(i)).collect();
    let rows = stacked_columns(&values, max, height, &styles);
    let mut lines = vec![Line::from(Span::styled("ARR by month, by start year", theme.header()))];
    for (index, row) in rows.into_iter().enumerate() {
        let label = if index == 0 {
            Money(max).to_short()
        } else if index + 1 == height {
            "0".to_string()
        } else {
            String::new()
        };
        let mut spans = vec![Span::styled(format!("{label:>axis_width$}┤"), theme.dim())];
        spans.extend(row.spans);
        lines.push(Line::from(spans));
    }
    let first = cake.months.first().map(|m| m.to_string()).unwrap_or_default();
    let last = cake.months.last().map(|m| m.to_string()).unwrap_or_default();
    let span = values.len();
    lines.push(Line::from(Span::styled(
        format!(
            "{:>w$}{first}{last:>rest$}",
            "",
            w = axis_width + 1,
            rest = span.saturating_sub(first.len())
        ),
        theme.dim(),
    )));
    frame.render_widget(Paragraph::new(cut_lines(lines, chart_area.width)), chart_area);
    let at = data.period.to;
    let offset = cake.months.iter().position(|m| *m == at);
    let mut legend_lines =
        vec![Line::from(Span::styled(format!("Start year  accounts  ARR {at}"), theme.header()))];
    // Newest on top, as in the chart.
    for (index, layer) in cake.layers.iter().enumerate().rev() {
        let arr = offset.map_or(Money::ZERO, |o| layer.arr_by_month[o]);
        let selected = pane.selected == index;
        legend_lines.push(Line::from(vec![
            Span::styled(marker(selected), item_style(selected, theme)),
            Span::styled(FILLS[index % FILLS.len()].to_string().repeat(2), theme.series(index)),
            Span::styled(
                format!(" {:<6}{:>9}{:>11}", layer.start_year, layer.accounts, arr.to_short()),
                item_style(selected, theme),
            ),
        ]));
    }
    legend_lines.push(Line::from(""));
    legend_lines.push(Line::from(Span::styled(
        format!("{}: the accounts of a year", view.keymap.label(SCOPE, Action::Open)),
        theme.dim(),
    )));
    frame.render_widget(Paragraph::new(cut_lines(legend_lines, legend.width)), legend);
}

pub(super) fn pareto(
    pane: &MetricsPane,
    data: &MetricsData,
    frame: &mut Frame<'_>,
    area: Rect,
    view: &View<'_>,
) {
    let theme = view.theme;
    let p = &data.pareto;
    let [chart_area, table] =
        Layout::horizontal([Constraint::Min(20), Constraint::Length(PANEL)]).areas(area);
    let points = &pane.pareto_points;
    let mut datasets = vec![
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Bar)
            .style(theme.series(0))
            .data(&points.bars),
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.series(1))
            .data(&points.cumulative),
    ];
    for cut in &points.cuts {
        datasets.push(
            Dataset::default()
                .marker(Marker::Dot)
                .graph_type(GraphType::Line)
                .style(theme.warn())
                .data(cut),
        );
    }
    let accounts = p.ranked.len();
    let chart =
        Chart::new(datasets)
            .block(Block::new().title(Line::from(Span::styled(
                format!("ARR by rank at {}", p.as_of),
                theme.header(),
            ))))
            .x_axis(
                Axis::default()
                    .bounds([0.0, points.buckets.saturating_sub(1).max(1) as f64])
                    .labels(["#1".to_string(), format!("#{accounts}")])
                    .style(theme.dim()),
            )
            .y_axis(percent_axis(0.0, 100.0, theme))
            .legend_position(None);
    frame.render_widget(chart, chart_area);
    let cuts: Vec<String> = p.cuts_bp.iter().map(|c| format!("{}%", c / 100)).collect();
    let mut lines = vec![
        Line::from(Span::styled(format!("Tiers · cuts {}", cuts.join(" ")), theme.header())),
        Line::from(Span::styled(
            format!("  {:<5}{:>8}{:>8}{:>10}", "Tier", "Accts", "Share", "Floor"),
            theme.title(),
        )),
    ];
    for (index, tier) in p.tiers.iter().enumerate() {
        let selected = pane.selected == index;
        lines.push(Line::from(Span::styled(
            format!(
                "{}{:<5}{:>8}{:>8}{:>10}",
                marker(selected),
                tier.tier,
                tier.accounts,
                rate(tier.arr_share),
                tier.arr_floor.map_or("—".to_string(), |f| f.to_short())
            ),
            item_style(selected, theme),
        )));
    }
    lines.push(Line::from(format!(
        "  {:<5}{:>8}{:>18}",
        "All",
        accounts,
        format!("ARR {}", p.total_arr.to_short())
    )));
    lines.push(Line::from(""));
    lines.push(Line::from(vec![
        Span::styled("⣿ ", theme.series(0)),
        Span::raw("bars: ARR, % of the largest"),
    ]));
    lines.push(Line::from(vec![
        Span::styled("⠤ ", theme.series(1)),
        Span::raw("line: cumulative ARR share"),
    ]));
    lines.push(Line::from(vec![Span::styled("• ", theme.warn()), Span::raw("tier cuts")]));
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        format!("{}: the accounts of a tier", view.keymap.label(SCOPE, Action::Open)),
        theme.dim(),
    )));
    frame.render_widget(Paragraph::new(cut_lines(lines, table.width)), table);
}

pub(super) fn renewals(
    pane: &MetricsPane,
    data: &MetricsData,
    frame: &mut Frame<'_>,
    area: Rect,
    view: &View<'_>,
) {
    let theme = view.theme;
    let r = &data.renewals;
    let s = pane.selected;
    let row = |label: &str, atr: String, arr: String, item: Option<usize>| {
        let selected = item.is_some_and(|i| i == s);
        let mark = if item.is_some() { marker(selected) } else { "  " };
        Line::from(Span::styled(
            format!("{mark}{label:<24}{atr:>15}{arr:>16}"),
            item_style(selected, theme),
        ))
    };
    let mut lines = vec![
        Line::from(Span::styled(
            format!("Renewals: contracts ending {} … {}", r.from, r.to),
            theme.header(),
        )),
        Line::from(Span::styled(
            format!("  {:<24}{:>15}{:>16}", "", "ATR-based", "ARR-based"),
            theme.title(),
        )),
        row("Up for renewal (ATR)", r.atr.to_string(), r.atr.to_string(), Some(0)),
        row("Out-year payments due", "—".into(), r.payments_due.to_string(), Some(1)),
        row("Renewed", r.renewed.to_string(), r.renewed.to_string(), None),
        row("Payments collected", "—".into(), r.payments_collected.to_string(), None),
        row("Rate", rate(r.atr_rate()), rate(r.arr_rate()), None),
        Line::from(""),
        Line::from(Span::styled(
            format!(
                "  {} up for renewal, {}.",
                crate::domain::count::of(r.contracts_up, "contract", "contracts"),
                crate::domain::count::of(r.payments_count, "out-year payment", "out-year payments")
            ),
            theme.dim(),
        )),
        Line::from("  Out-year payments are payments, not renewals: never in the ATR rate."),
    ];
    // The worked example of compounding, computed rather than written down.
    if let Some(three_year) = Rate::new(3, 4)
        && let Some(yearly) = yearly_equivalent(three_year, 3)
    {
        lines.push(Line::from(
            "  Multi-year: compare a 3-year rate r with a yearly one only as r^(1/3):",
        ));
        lines.push(Line::from(format!(
            "  e.g. {} over 3 years ≈ {:.1}% a year — better than 90% a year.",
            three_year.to_percent(1),
            yearly * 100.0
        )));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        format!(
            "  {}: the contracts behind ATR, or the payments due",
            view.keymap.label(SCOPE, Action::Open)
        ),
        theme.dim(),
    )));
    frame.render_widget(Paragraph::new(cut_lines(lines, area.width)), area);
}
