//! Drawing Today: the counts by reason, one line per account (health, mark,
//! name, strongest reason, ARR, its words and the other reasons as tags),
//! and the selected account in full. Reads the pane's state only.

use super::TodayPane;
use crate::metrics::triage::FindingKind;
use crate::read::today::TodayRow;
use crate::text::inert;
use crate::tui::panes::View;
use crate::tui::theme::Theme;
use crate::tui::widgets::wrap::wrap_words;
use crate::tui::widgets::{fit, pad};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub(super) fn draw(pane: &TodayPane, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
    let theme = view.theme;
    // One row per account.
    let shown = crate::domain::count::of(pane.visible.len(), "row", "rows");
    let title = Line::from(vec![
        Span::styled(" Today ", theme.title()),
        Span::styled(
            format!(
                "· {} · {shown} for {} · {}{} ",
                view.today,
                inert::line(&pane.user),
                pane.reach.label(),
                reading_note(pane)
            ),
            theme.dim(),
        ),
    ]);
    let block = Block::bordered().title(title).border_style(theme.border(view.active));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [counts_area, list_area, detail_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(2),
        Constraint::Length(DETAIL_HEIGHT),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(counts_line(pane, theme, inner.width)), counts_area);
    frame.render_widget(Paragraph::new(list_lines(pane, view, inner.width)), list_area);
    let room = usize::from(DETAIL_HEIGHT - 1);
    frame.render_widget(
        Paragraph::new(detail_lines(pane, theme, usize::from(inner.width), room))
            .block(Block::new().borders(Borders::TOP).border_style(theme.dim())),
        detail_area,
    );
}

/// What is still being read for the rows shown, after the reach's name.
fn reading_note(pane: &TodayPane) -> &'static str {
    match (pane.bands_pending, pane.loading.is_some() || pane.bands_due) {
        // The first screen of a large book: the scorecard bands come behind it.
        (true, true) => " (bands coming…)",
        (true, false) => " (bands not read)",
        (false, true) => " (reading…)",
        (false, false) => "",
    }
}

/// The detail box's height: its top rule and six lines, room for the name
/// and a few reasons wrapped whole.
pub(super) const DETAIL_HEIGHT: u16 = 7;

/// Where a reason's words start: two spaces, the 14-cell label, a space.
const REASON_INDENT: usize = 17;

/// The marks counted, the filtered kind, then `renewal 4 · no touch 12 · …`.
fn counts_line(pane: &TodayPane, theme: Theme, width: u16) -> Line<'static> {
    let mut spans = Vec::new();
    if !pane.marked.is_empty() {
        spans.push(Span::styled(format!("{} marked  ", pane.marked.len()), theme.warn()));
    }
    if let Some(kind) = pane.filter {
        spans.push(Span::styled(format!("[only {}]  ", kind.label()), theme.accent()));
    }
    for (index, (kind, count)) in pane.counts.iter().enumerate() {
        if index > 0 {
            spans.push(Span::styled(" · ", theme.dim()));
        }
        let style = if pane.filter == Some(*kind) { theme.accent() } else { Style::new() };
        spans.push(Span::styled(format!("{} {count}", kind.label()), style));
    }
    // Fit the whole line: the counts give way from the right.
    let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
    if text.chars().count() > usize::from(width) {
        return Line::from(Span::styled(fit(&text, usize::from(width)), theme.dim()));
    }
    Line::from(spans)
}

fn list_lines<'a>(pane: &'a TodayPane, view: &View<'_>, width: u16) -> Vec<Line<'a>> {
    let theme = view.theme;
    let wide = width >= 120;
    let name_width = if wide { 30 } else { 18 };
    let label_width = 14;
    let arr_width = 8;
    let why_width = usize::from(width).saturating_sub(4 + name_width + label_width + arr_width + 3);
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "H   {:<name_width$} {:<label_width$} {:>arr_width$} {}",
            "Account", "Why", "ARR", "Detail"
        ),
        theme.header(),
    ))];
    if pane.visible.is_empty() {
        lines.extend(empty_lines(pane, view));
    }
    for position in pane.cursor.window(pane.visible.len()) {
        let Some(row) = pane.visible.get(position).and_then(|i| pane.rows.get(*i)) else {
            continue;
        };
        let first = row.first();
        let label_style = match first.kind {
            FindingKind::HealthDropped { .. } | FindingKind::RenewalLost { .. } => theme.error(),
            _ if first.kind.is_pressing() => theme.warn(),
            _ => Style::new(),
        };
        let mut name = row.name().to_string();
        let badge = row.triage.flags.badge();
        if !badge.is_empty() {
            name = format!("{name} ✦{badge}");
        }
        let mark = if pane.marked.contains(row.account_id()) { "•" } else { " " };
        let mut line = Line::from(vec![
            theme.health(row.health),
            Span::styled(format!(" {mark} "), theme.warn()),
            Span::raw(format!("{} ", pad(&name, name_width, false))),
            Span::styled(format!("{} ", pad(first.kind.label(), label_width, false)), label_style),
            Span::raw(format!("{:>arr_width$} ", row.triage.arr.to_short())),
            Span::styled(fit(&detail(row), why_width), theme.dim()),
        ]);
        if position == pane.cursor.selected {
            line = theme.select(line);
        }
        lines.push(line);
    }
    lines
}

/// The strongest reason in words, then the others as short tags.
fn detail(row: &TodayRow) -> String {
    let tags: Vec<String> = row.triage.reasons[1..].iter().map(|r| r.kind.tag()).collect();
    match tags.is_empty() {
        true => row.first().why.clone(),
        false => format!("{} · +{}", row.first().why, tags.join(" · ")),
    }
}

fn empty_lines(pane: &TodayPane, view: &View<'_>) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from("")];
    if let Some(kind) = pane.filter {
        lines.push(Line::from(format!("  No row with {} (x clears the filter).", kind.label())));
    } else if view.book.is_empty() {
        lines.push(Line::from(
            "  No accounts yet: import a book (cockpit import) or try cockpit --demo.",
        ));
    } else if pane.my_accounts == 0 && pane.reach == super::Reach::Mine {
        lines.push(Line::from(format!(
            "  You ({}) own no accounts. Set COCKPIT_USER to your CSM name,",
            inert::line(&pane.user)
        )));
        lines.push(Line::from("  or take accounts over with o (owners) in the Book (2)."));
    } else {
        lines.push(Line::from(Span::styled(
            format!(
                "  Nothing needs you today across your {}.",
                crate::domain::count::of(pane.my_accounts, "account", "accounts")
            ),
            view.theme.ok(),
        )));
    }
    lines
}

/// The selected account in full: who owns it, its score, every reason and
/// what drives a suggestion.
/// Each reason is wrapped whole under its label, in `width` cells; past
/// `room` lines the last says how many more there are.
fn detail_lines(pane: &TodayPane, theme: Theme, width: usize, room: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let Some(row) = pane.selected() else { return lines };
    let facts = format!(
        "tier {} · score {} · CSM {}",
        row.triage.tier,
        row.triage.score,
        inert::line(&row.csm)
    );
    let name = fit(row.name(), width.saturating_sub(inert::width(&facts) + 1).max(12));
    lines.push(Line::from(vec![
        Span::styled(format!("{name} "), theme.title()),
        Span::styled(fit(&facts, width.saturating_sub(inert::width(&name) + 1)), theme.dim()),
    ]));
    let text_width = width.saturating_sub(REASON_INDENT).max(10);
    let mut wrapped = |head: Vec<Span<'static>>, text: &str| {
        for (index, part) in wrap_words(&inert::line(text), text_width).into_iter().enumerate() {
            let mut spans =
                if index == 0 { head.clone() } else { vec![Span::raw(" ".repeat(REASON_INDENT))] };
            spans.push(Span::raw(part));
            lines.push(Line::from(spans));
        }
    };
    for reason in &row.triage.reasons {
        wrapped(
            vec![Span::styled(format!("  {:<14} ", reason.kind.label()), theme.dim())],
            &reason.why,
        );
    }
    if let Some(suggestion) = &row.suggestion {
        for signal in &suggestion.signals {
            let head = vec![
                Span::styled(format!("  {:<10} ", "why"), theme.dim()),
                theme.health(Some(signal.suggests)),
                Span::raw(" "),
            ];
            wrapped(head, &signal.why);
        }
    }
    if lines.len() > room && room > 0 {
        let more = lines.len() - (room - 1);
        lines.truncate(room - 1);
        lines.push(Line::from(Span::styled(
            format!("  … {more} more lines: Enter opens the account"),
            theme.dim(),
        )));
    }
    lines
}
