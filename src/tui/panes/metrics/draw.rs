//! Drawing the Metrics pane's frame: the title with the period, the section
//! tabs, the drill-down list and the explanations; the section's own numbers
//! are drawn by the section (`section.rs`, `panels.rs`). Reads the pane's kept
//! results only.

use super::section::Section;
use super::{MetricsPane, SCOPE};
use crate::text::columns::{Want, layout};
use crate::tui::action::Action;
use crate::tui::panes::View;
use crate::tui::widgets::cut::cut_lines;
use crate::tui::widgets::pad;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

pub fn draw(pane: &MetricsPane, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
    let theme = view.theme;
    let mut title = vec![Span::styled(" Metrics ", theme.title())];
    if let Some(data) = &pane.data {
        let p = data.period;
        title.push(Span::styled(
            format!(
                "· {} → {} ({}) ",
                p.from(),
                p.to,
                crate::domain::count::of(p.months, "month", "months")
            ),
            theme.dim(),
        ));
    }
    let block = Block::bordered().title(Line::from(title)).border_style(theme.border(view.active));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 3 {
        return;
    }
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    let mut spans = Vec::new();
    for section in Section::ALL {
        let style = if section == pane.section { theme.active_tab() } else { theme.dim() };
        spans.push(Span::styled(format!(" {} ", section.title()), style));
        spans.push(Span::raw(" "));
    }
    let tabs_width: usize = spans.iter().map(|span| span.content.width()).sum();
    frame.render_widget(Paragraph::new(cut_lines(Line::from(spans), tabs.width)), tabs);
    if let Some(data) = &pane.data {
        let load = match pane.waiting() {
            Some(waiting) => format!("{waiting} "),
            None => format!("computed in {} ms ", data.load_ms),
        };
        // Said only where it does not cover a section's tab.
        if tabs_width + load.width() <= usize::from(tabs.width) {
            frame.render_widget(
                Paragraph::new(Line::from(Span::styled(load, theme.dim())).right_aligned()),
                tabs,
            );
        }
    }
    let Some(data) = &pane.data else {
        let text = match &pane.error {
            Some(error) => vec![Line::from(Span::styled(
                format!("  The metrics could not be computed: {error}"),
                theme.error(),
            ))],
            None if pane.loading() => vec![
                Line::from(""),
                Line::from(Span::styled("  Computing the metrics of the whole book…", theme.dim())),
            ],
            None => vec![
                Line::from(""),
                Line::from(Span::styled("  No ARR snapshots yet.", theme.title())),
                Line::from("  The metrics are computed from month-end ARR snapshots:"),
                Line::from("  cockpit import snapshots snapshots.csv"),
            ],
        };
        frame.render_widget(Paragraph::new(cut_lines(text, body.width)), body);
        return;
    };
    if pane.explain {
        draw_explanations(pane.section, frame, body, view);
    } else if let Some((drill, cursor)) = &pane.drill {
        draw_drill(drill, cursor, frame, body, view);
    } else {
        pane.section.draw(pane, data, frame, body, view);
    }
}

fn draw_explanations(section: Section, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
    let theme = view.theme;
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "What the {} numbers mean ({} or {} to close)",
            section.title(),
            view.keymap.label(SCOPE, Action::Explain),
            view.keymap.label(SCOPE, Action::Back)
        ),
        theme.header(),
    ))];
    for (term, text) in section.explanations() {
        lines.push(Line::from(vec![
            Span::styled(format!("{term}: "), theme.title()),
            Span::raw(*text),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn draw_drill(
    drill: &super::data::Drill,
    cursor: &crate::tui::widgets::Cursor,
    frame: &mut Frame<'_>,
    area: Rect,
    view: &View<'_>,
) {
    let theme = view.theme;
    // The name is measured on the rows on screen; it takes the room the
    // cells leave and is the first to give way.
    let window = cursor.window(drill.rows.len());
    let name_of = |row: &super::data::DrillRow| {
        let id = drill.account_id(row);
        view.book.by_id(id).map_or_else(|| id.to_string(), |r| r.name.clone())
    };
    let widest = window
        .clone()
        .filter_map(|index| drill.rows.get(index))
        .map(|row| crate::tui::widgets::fit(&name_of(row), usize::MAX).width())
        .fold("Account".width(), usize::max);
    let wants = [Want::text(8, widest).flex(), Want::fixed(drill.header.width())];
    let name_width =
        layout(&wants, usize::from(area.width).saturating_sub(1), 1).first().copied().unwrap_or(8);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{} ", drill.title), theme.header()),
            Span::styled(
                format!(
                    "· {} listed · {} opens · {} back",
                    drill.rows.len(),
                    view.keymap.label(SCOPE, Action::Open),
                    view.keymap.label(SCOPE, Action::Back)
                ),
                theme.dim(),
            ),
        ]),
        Line::from(Span::styled(
            format!("{} {}", pad("Account", name_width, false), drill.header),
            theme.title(),
        )),
    ];
    if drill.rows.is_empty() {
        lines.push(Line::from(Span::styled("No account is behind this number.", theme.dim())));
    }
    for index in window {
        let Some(row) = drill.rows.get(index) else { continue };
        let text = format!("{} {}", pad(&name_of(row), name_width, false), drill.cells_text(row));
        let style = if index == cursor.selected { theme.selected() } else { Style::new() };
        lines.push(Line::from(Span::styled(text, style)));
    }
    frame.render_widget(Paragraph::new(cut_lines(lines, area.width)), area);
}
