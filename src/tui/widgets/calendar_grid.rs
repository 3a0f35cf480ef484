//! The month grid: seven columns, Monday first, one row per week, each day
//! showing its renewals (`R`), out-year payments (`$`) and moments (`•`, `!`
//! when overdue) so a payment never reads as a renewal. A small cell shows
//! counts (and the renewal ARR when it fits); a tall one lists the day's
//! events with account and ARR, coloured by the account's health.
//!
//! Drawing only: it reads a loaded `Calendar` and writes cells to the
//! buffer; it never loads or decides anything.

use crate::domain::{Health, Money, Month};
use crate::metrics::calendar::month_weeks;
use crate::metrics::windows::{Calendar, CalendarEvent, EventKind};
use crate::tui::theme::Theme;
use crate::tui::widgets::{fit, pad};
use chrono::{Datelike, NaiveDate};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The widest a day cell gets, so a wide screen leaves room to the agenda.
pub const MAX_CELL_WIDTH: u16 = 20;
/// The tallest a week row gets.
pub const MAX_CELL_HEIGHT: u16 = 6;

/// One month of the calendar, ready to draw.
pub struct MonthGrid<'a> {
    pub month: Month,
    pub calendar: &'a Calendar,
    pub cursor: NaiveDate,
    pub today: NaiveDate,
    pub theme: Theme,
}

/// What a cell needs, summed from the day's events.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CellCounts {
    pub renewals: u32,
    pub renewal_arr: Money,
    pub renewal_health: Option<Health>,
    pub payments: u32,
    pub payment_arr: Money,
    pub payment_health: Option<Health>,
    pub moments: u32,
    pub overdue: u32,
}

fn worse(current: Option<Health>, next: Option<Health>) -> Option<Health> {
    match (current, next) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl CellCounts {
    pub fn of(events: &[CalendarEvent]) -> CellCounts {
        let mut counts = CellCounts::default();
        for event in events {
            match &event.kind {
                EventKind::Renewal { .. } => {
                    counts.renewals += 1;
                    counts.renewal_arr += event.arr;
                    counts.renewal_health = worse(counts.renewal_health, event.account.health);
                }
                EventKind::Payment { .. } => {
                    counts.payments += 1;
                    counts.payment_arr += event.arr;
                    counts.payment_health = worse(counts.payment_health, event.account.health);
                }
                EventKind::Moment { moment, overdue } => {
                    if moment.done_at.is_none() {
                        counts.moments += 1;
                        counts.overdue += u32::from(*overdue);
                    }
                }
            }
        }
        counts
    }
}

/// The grid's geometry for `weeks` rows in `area`: (cell width, cell height).
pub fn cell_size(area: Rect, weeks: usize) -> (u16, u16) {
    let weeks = u16::try_from(weeks.max(1)).unwrap_or(6);
    let width = (area.width / 7).clamp(1, MAX_CELL_WIDTH);
    let height = (area.height.saturating_sub(1) / weeks).clamp(1, MAX_CELL_HEIGHT);
    (width, height)
}

/// The style of an event's marker: the account's health colour; renewals
/// bold, payments italic; in monochrome the at-risk ones are reversed, in
/// colour underlined too, since a day's marker has no room for the letter.
pub fn marker_style(theme: Theme, kind: &EventKind, health: Option<Health>) -> Style {
    let mut style = match (theme.color, health) {
        (true, Some(h)) if h.is_at_risk() => {
            Style::new().fg(theme.health_color(h)).add_modifier(Modifier::UNDERLINED)
        }
        (true, Some(h)) => Style::new().fg(theme.health_color(h)),
        (true, None) => theme.dim(),
        (false, Some(h)) if h.is_at_risk() => Style::new().add_modifier(Modifier::REVERSED),
        (false, _) => Style::new(),
    };
    style = match kind {
        EventKind::Renewal { .. } => style.add_modifier(Modifier::BOLD),
        EventKind::Payment { .. } => style.add_modifier(Modifier::ITALIC),
        EventKind::Moment { overdue: true, .. } => theme.error(),
        EventKind::Moment { .. } => theme.accent(),
    };
    style
}

/// The one-character marker of an event.
pub fn marker(kind: &EventKind) -> &'static str {
    match kind {
        EventKind::Renewal { .. } => "R",
        EventKind::Payment { .. } => "$",
        EventKind::Moment { overdue: true, .. } => "!",
        EventKind::Moment { moment, .. } if moment.done_at.is_some() => "✓",
        EventKind::Moment { .. } => "•",
    }
}

/// The first line of a cell: the day and the counts, with the renewal ARR
/// when there is room and no second line to hold it.
fn head_spans(
    day: u32,
    counts: &CellCounts,
    width: usize,
    with_arr: bool,
    theme: Theme,
) -> Vec<Span<'static>> {
    let renewal = EventKind::Renewal {
        window: crate::metrics::windows::WindowStatus::Ended { days_since: 0 },
    };
    let payment = EventKind::Payment { year_of_term: 0, term_years: 0 };
    let mut tokens: Vec<(String, Style)> = Vec::new();
    if counts.renewals > 0 {
        tokens.push((
            format!("R{}", counts.renewals),
            marker_style(theme, &renewal, counts.renewal_health),
        ));
    }
    if counts.payments > 0 {
        tokens.push((
            format!("${}", counts.payments),
            marker_style(theme, &payment, counts.payment_health),
        ));
    }
    if counts.overdue > 0 {
        tokens.push((format!("!{}", counts.moments), theme.error()));
    } else if counts.moments > 0 {
        let style = theme.accent();
        tokens.push((format!("•{}", counts.moments), style));
    }
    let mut spans = vec![Span::raw(format!("{day:>2}"))];
    let mut used = 2;
    // Spaced when everything fits so, packed otherwise.
    let spaced: usize = tokens.iter().map(|(t, _)| t.chars().count() + 1).sum();
    let gap = if used + spaced <= width { " " } else { "" };
    for (index, (text, style)) in tokens.into_iter().enumerate() {
        let separator = if index == 0 { " " } else { gap };
        let needed = separator.len() + text.chars().count();
        if used + needed > width {
            break;
        }
        spans.push(Span::raw(separator));
        spans.push(Span::styled(text, style));
        used += needed;
    }
    if with_arr && counts.renewals > 0 {
        let arr = counts.renewal_arr.to_short();
        if used + 1 + arr.len() <= width {
            spans.push(Span::styled(format!(" {arr}"), theme.dim()));
        }
    }
    spans
}

/// One event as a cell line: `R Acme Corp 100k`.
fn event_line(event: &CalendarEvent, width: usize, theme: Theme) -> Line<'static> {
    // A narrow cell keeps the name; the agenda has the ARR.
    let arr = match event.kind {
        EventKind::Moment { .. } => String::new(),
        _ if width < 16 => String::new(),
        _ => event.arr.to_short(),
    };
    let label = match &event.kind {
        EventKind::Moment { moment, .. } => {
            let short = match moment.kind {
                crate::domain::moment::MomentKind::Qbr => "QBR".to_string(),
                other => other.title().to_string(),
            };
            format!("{short} {}", event.account.name)
        }
        _ => event.account.name.clone(),
    };
    let room = width.saturating_sub(2 + if arr.is_empty() { 0 } else { arr.len() + 1 });
    let mut spans = vec![
        Span::styled(marker(&event.kind), marker_style(theme, &event.kind, event.account.health)),
        Span::raw(" "),
        Span::raw(pad(&label, room, false)),
    ];
    if !arr.is_empty() {
        spans.push(Span::styled(format!(" {arr}"), theme.dim()));
    }
    Line::from(spans)
}

impl Widget for MonthGrid<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let weeks = month_weeks(self.month);
        let (cell_width, cell_height) = cell_size(area, weeks.len());
        let theme = self.theme;
        for (column, name) in (0_u16..).zip(WEEKDAYS) {
            let x = area.x + column * cell_width;
            if x < area.right() {
                let width = cell_width.min(area.right() - x);
                buf.set_stringn(x, area.y, name, usize::from(width), theme.header());
            }
        }
        for (row, week) in (0_u16..).zip(weeks.iter()) {
            let y = area.y + 1 + row * cell_height;
            if y >= area.bottom() {
                break;
            }
            for (column, date) in (0_u16..).zip(week.iter()) {
                let x = area.x + column * cell_width;
                if x >= area.right() {
                    break;
                }
                let height = cell_height.min(area.bottom() - y);
                let cell = Rect::new(x, y, cell_width.min(area.right() - x), height);
                self.draw_cell(*date, cell, buf);
            }
        }
    }
}

impl MonthGrid<'_> {
    fn draw_cell(&self, date: NaiveDate, cell: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        // One column of gap between cells.
        let width = usize::from(cell.width.saturating_sub(1));
        if width == 0 {
            return;
        }
        let events = self.calendar.events_on(date);
        let counts = CellCounts::of(events);
        let in_month = Month::of(date) == self.month;
        let mut lines: Vec<Line<'static>> = Vec::new();
        let mut head = head_spans(date.day(), &counts, width, cell.height == 1, theme);
        if date == self.today {
            head[0] = Span::styled(
                head[0].content.to_string(),
                Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
            );
        } else if !in_month {
            head[0] = Span::styled(head[0].content.to_string(), theme.dim());
        }
        lines.push(Line::from(head));
        let body = usize::from(cell.height.saturating_sub(1));
        if body > 0 && width >= 8 {
            let shown: Vec<&CalendarEvent> = events
                .iter()
                .filter(|e| {
                    !matches!(&e.kind, EventKind::Moment { moment, .. } if moment.done_at.is_some())
                })
                .collect();
            let fits = shown.len() <= body;
            let take = if fits { shown.len() } else { body.saturating_sub(1) };
            for event in shown.iter().take(take) {
                lines.push(event_line(event, width, theme));
            }
            if !fits {
                let more = shown.len() - take;
                let text = if take == 0 {
                    let mut parts = Vec::new();
                    if counts.renewals > 0 {
                        parts.push(format!("R {}", counts.renewal_arr.to_short()));
                    }
                    if counts.payments > 0 {
                        parts.push(format!("$ {}", counts.payment_arr.to_short()));
                    }
                    parts.join(" ")
                } else {
                    format!("+{more} more")
                };
                lines.push(Line::from(Span::styled(fit(&text, width), theme.dim())));
            }
        } else if body > 0 && (counts.renewals > 0 || counts.payments > 0) {
            let text = if counts.renewals > 0 {
                counts.renewal_arr.to_short()
            } else {
                format!("${}", counts.payment_arr.to_short())
            };
            lines.push(Line::from(Span::styled(fit(&text, width), theme.dim())));
        }
        for (offset, line) in (0_u16..).zip(lines.iter()) {
            if offset >= cell.height {
                break;
            }
            buf.set_line(cell.x, cell.y + offset, line, u16::try_from(width).unwrap_or(0));
        }
        if date == self.cursor {
            let area = Rect::new(cell.x, cell.y, u16::try_from(width).unwrap_or(0), cell.height);
            buf.set_style(area, theme.selected());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::windows::{CalendarSource, build_calendar};

    #[test]
    fn a_small_cell_shows_counts_and_the_renewal_arr_when_it_fits() {
        let counts = CellCounts {
            renewals: 2,
            renewal_arr: Money::from_units(120_000),
            payments: 1,
            moments: 1,
            ..CellCounts::default()
        };
        let text = |width| -> String {
            head_spans(7, &counts, width, true, Theme::plain())
                .iter()
                .map(|s| s.content.to_string())
                .collect()
        };
        assert_eq!(text(22), " 7 R2 $1 •1 120.0k");
        assert_eq!(text(12), " 7 R2 $1 •1");
        assert_eq!(text(10), " 7 R2$1•1");
        assert_eq!(text(5), " 7 R2");
    }

    #[test]
    fn an_at_risk_marker_says_so_without_its_colour() {
        use crate::domain::appearance::{Colors, ThemeName};
        use crate::tui::theme::ColorDepth;
        let window = crate::metrics::windows::WindowStatus::Ended { days_since: 1 };
        let renewal = EventKind::Renewal { window };
        let coloured = Theme::new(ThemeName::Dark, &Colors::default(), ColorDepth::TrueColor, true);
        for theme in [coloured, Theme::plain()] {
            let at_risk = marker_style(theme, &renewal, Some(Health::Orange));
            let healthy = marker_style(theme, &renewal, Some(Health::Green));
            let emphasis = Modifier::UNDERLINED | Modifier::REVERSED;
            assert!(at_risk.add_modifier.intersects(emphasis), "{at_risk:?}");
            assert!(!healthy.add_modifier.intersects(emphasis), "{healthy:?}");
        }
    }

    #[test]
    fn an_empty_calendar_draws_the_weekdays_and_the_days() {
        let month = Month::new(2024, 2).expect("m");
        let (from, to) = crate::metrics::calendar::grid_range(month);
        let today = NaiveDate::from_ymd_opt(2024, 2, 29).expect("d");
        let calendar =
            build_calendar(&CalendarSource::default(), from, to, today, &[], &Default::default());
        let area = Rect::new(0, 0, 35, 6);
        let mut buf = Buffer::empty(area);
        MonthGrid { month, calendar: &calendar, cursor: today, today, theme: Theme::plain() }
            .render(area, &mut buf);
        let row =
            |y: u16| -> String { (0..35).map(|x| buf[(x, y)].symbol().to_string()).collect() };
        assert_eq!(row(0), "Mon  Tue  Wed  Thu  Fri  Sat  Sun  ");
        assert_eq!(row(1), "29   30   31    1    2    3    4   ");
        assert_eq!(row(5), "26   27   28   29    1    2    3   ");
    }
}
