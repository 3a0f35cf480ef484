//! Drawing the renewal calendar: the month grid, the agenda lines and the
//! forecast view. Reads the pane's state only.

use super::*;
use crate::tui::keymap::Keymap;
use crate::tui::panes::forecast::ForecastLines;
use crate::tui::widgets::cut::cut_lines;

/// The summary line, the grid and the agenda of a pane's inner area: the
/// agenda beside the grid from 120 columns, below it otherwise.
pub(super) fn split(inner: Rect, month: Month) -> (Rect, Rect) {
    let weeks = u16::try_from(month_weeks(month).len()).unwrap_or(6);
    let body = Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner };
    if inner.width >= 120 {
        let cell = ((inner.width.saturating_sub(88)) / 7).clamp(9, 20);
        let [grid, _, agenda] = Layout::horizontal([
            Constraint::Length(cell * 7),
            Constraint::Length(1),
            Constraint::Min(20),
        ])
        .areas(body);
        (grid, agenda)
    } else {
        // Two lines a week when the agenda keeps at least eight rows.
        let tall = 1 + weeks * 2;
        let height = if body.height >= tall + 8 { tall } else { 1 + weeks };
        let [grid, agenda] =
            Layout::vertical([Constraint::Length(height), Constraint::Min(1)]).areas(body);
        (grid, Rect { y: agenda.y, height: agenda.height, ..agenda })
    }
}

/// `payment, year 2 of 3` / `renewal` / the moment's title.
pub(super) fn kind_text(event: &CalendarEvent, wide: bool) -> String {
    match &event.kind {
        EventKind::Renewal { .. } => "renewal".to_string(),
        EventKind::Payment { year_of_term, term_years } => {
            if wide {
                format!("payment, year {year_of_term} of {term_years}")
            } else {
                format!("payment {year_of_term} of {term_years}")
            }
        }
        EventKind::Moment { moment, .. } => moment.title.clone(),
    }
}

/// The renewal's window, or where a moment stands.
pub(super) fn status_text(event: &CalendarEvent, today: NaiveDate) -> String {
    match &event.kind {
        EventKind::Renewal { window } => match *window {
            WindowStatus::In { days, days_to_end } => format!("{days}-day · {days_to_end} d left"),
            WindowStatus::NotYet { next: Some(next), .. } => {
                format!("{} opens {}", next.days, next.opens_on)
            }
            WindowStatus::NotYet { days_to_end, next: None } => format!("{days_to_end} d left"),
            WindowStatus::Ended { days_since } => format!("ended {days_since} d ago"),
        },
        EventKind::Payment { .. } => "invoice due".to_string(),
        EventKind::Moment { moment, overdue } => match moment.done_at {
            Some(done) => format!("done {}", done.date_naive()),
            None if *overdue => format!("overdue {} d", (today - moment.due_on).num_days()),
            None if moment.due_on == today => "due today".to_string(),
            None => format!("due in {} d", (moment.due_on - today).num_days()),
        },
    }
}

pub(super) fn billing_text(event: &CalendarEvent) -> &'static str {
    match event.billing {
        Some(Billing::Annual) => "annual",
        Some(Billing::Prepaid) => "prepaid",
        None => "",
    }
}

/// Widths of the agenda's name, kind and status for `events` (the rows on
/// screen) in a row `width` cells wide: all measured, the widest giving way
/// first when the row is narrow.
pub(super) fn agenda_widths<'a>(
    events: impl Iterator<Item = &'a CalendarEvent>,
    width: usize,
    today: NaiveDate,
) -> (usize, usize, usize) {
    use crate::text::columns::{Want, layout};
    use unicode_width::UnicodeWidthStr;
    let (mut name, mut kind, mut status) = (0, 0, 0);
    for event in events {
        name = name.max(fit(&event.account.name, usize::MAX).width());
        kind = kind.max(fit(&kind_text(event, width >= 85), usize::MAX).width());
        status = status.max(fit(&status_text(event, today), usize::MAX).width());
    }
    // date, marker, health, people, name, ARR, kind, billing, status
    let wants = [
        Want::fixed(6),
        Want::fixed(1),
        Want::fixed(1),
        Want::fixed(2),
        Want::text(8, name),
        Want::fixed(7),
        Want::text(8, kind),
        Want::fixed(7),
        Want::text(8, status),
    ];
    let widths = layout(&wants, width, 1);
    let at = |i: usize| widths.get(i).copied().unwrap_or(8);
    (at(4), at(6), at(8))
}

/// A renewal's people: `C` when a champion is known, `S` when an executive
/// sponsor is, a red `·` for each one missing; blank for anything else.
pub(super) fn people_spans(event: &CalendarEvent, theme: Theme) -> [Span<'static>; 2] {
    let Some(known) = event.stakeholders else { return [Span::raw(" "), Span::raw(" ")] };
    let one = |there: bool, letter: &'static str| {
        if there { Span::styled(letter, theme.dim()) } else { Span::styled("·", theme.error()) }
    };
    [one(known.champion, "C"), one(known.executive_sponsor, "S")]
}

/// One agenda row, the name, kind and status fitted to the widths of
/// [`agenda_widths`].
pub(super) fn agenda_line(
    event: &CalendarEvent,
    width: usize,
    (name_width, kind_width, status_width): (usize, usize, usize),
    today: NaiveDate,
    theme: Theme,
) -> Line<'static> {
    let wide = width >= 85;
    let arr = match event.kind {
        EventKind::Moment { .. } => String::new(),
        _ => event.arr.to_short(),
    };
    let [champion, sponsor] = people_spans(event, theme);
    Line::from(vec![
        Span::styled(format!("{} ", event.date.format("%a %d")), theme.dim()),
        Span::styled(marker(&event.kind), marker_style(theme, &event.kind, event.account.health)),
        Span::raw(" "),
        theme.health(event.account.health),
        Span::raw(" "),
        champion,
        sponsor,
        Span::raw(format!(
            " {} {:>7} {} {:<7} ",
            crate::tui::widgets::pad(&event.account.name, name_width, false),
            arr,
            crate::tui::widgets::pad(&kind_text(event, wide), kind_width, false),
            billing_text(event),
        )),
        Span::styled(fit(&status_text(event, today), status_width), theme.dim()),
    ])
}

/// `1 row`, `2 rows`.
pub(super) fn plural(count: impl Into<u64>, word: &str) -> String {
    let count = count.into();
    if count == 1 { format!("1 {word}") } else { format!("{count} {word}s") }
}

pub(super) fn month_name(month: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES.get(month.saturating_sub(1) as usize).copied().unwrap_or("")
}

impl CalendarPane {
    pub(super) fn draw_calendar(
        &self,
        frame: &mut Frame<'_>,
        inner: Rect,
        theme: Theme,
        keymap: &Keymap,
    ) {
        let month = Month::of(self.cursor);
        let Some(calendar) = self.calendar() else { return };
        // The month's totals.
        let (mut renewals, mut renewal_arr, mut payments, mut payment_arr, mut moments) =
            (0, crate::domain::Money::ZERO, 0, crate::domain::Money::ZERO, 0);
        let mut day = month.first_day();
        while day <= month.last_day() {
            let summary = calendar.summary_on(day);
            renewals += summary.renewals;
            renewal_arr += summary.renewal_arr;
            payments += summary.payments;
            payment_arr += summary.payment_arr;
            moments += summary.moments;
            day += Duration::days(1);
        }
        let mut summary = Line::from(vec![
            Span::styled(
                format!("R {} {} ATR", plural(renewals, "renewal"), renewal_arr.to_short()),
                theme.title(),
            ),
            Span::raw(format!(" · $ {} {}", plural(payments, "payment"), payment_arr.to_short())),
            Span::raw(format!(" · • {}", plural(moments, "moment"))),
        ]);
        // The legend shows whole or not at all: cut, it would explain half.
        let legend = "  (R renewal, $ payment, • moment, ! overdue)";
        if summary.width() + crate::text::inert::width(legend) <= usize::from(inner.width) {
            summary.push_span(Span::styled(legend, theme.dim()));
        }
        frame.render_widget(
            Paragraph::new(cut_lines(summary, inner.width)),
            Rect { height: 1, ..inner },
        );
        let (grid_area, agenda_area) = split(inner, month);
        frame.render_widget(
            MonthGrid { month, calendar, cursor: self.cursor, today: self.today, theme },
            grid_area,
        );
        let _ = cell_size(grid_area, month_weeks(month).len());
        self.draw_agenda(frame, agenda_area, theme, keymap);
    }

    pub(super) fn draw_agenda(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        theme: Theme,
        keymap: &Keymap,
    ) {
        if area.height == 0 {
            return;
        }
        let (from, to) = self.span_range();
        let span = match self.span {
            AgendaSpan::Day => format!("{}", self.cursor.format("%a %Y-%m-%d")),
            AgendaSpan::Week => {
                format!("week {} – {}", from.format("%d %b"), to.format("%d %b %Y"))
            }
            AgendaSpan::Month => format!("{} {}", month_name(from.month()), from.year()),
        };
        let width = usize::from(area.width);
        let head = format!(
            "Agenda · {span} · {}",
            plural(u64::try_from(self.agenda.len()).unwrap_or(u64::MAX), "row")
        );
        let mut keys = format!(
            "  {} day/week/month · {}/{} rows",
            keymap.label(SCOPE, Action::AgendaSpan),
            keymap.label(SCOPE, Action::Down),
            keymap.label(SCOPE, Action::Up)
        );
        // The renewals' people markers explained, where there is room.
        const LEGEND: &str = " · C S: champion, sponsor known";
        if head.chars().count() + keys.chars().count() + LEGEND.chars().count() <= width {
            keys.push_str(LEGEND);
        }
        let mut lines = vec![Line::from(vec![
            Span::styled(head, theme.header()),
            Span::styled(keys, theme.dim()),
        ])];
        let events = self.agenda_events();
        if events.is_empty() {
            let text = if self.in_window {
                "  No renewal in a window here. w shows everything again."
            } else if self.mine || self.at_risk {
                "  Nothing here with these filters. x clears them."
            } else {
                "  Nothing due: no renewal, payment or moment."
            };
            lines.push(Line::from(Span::styled(text, theme.dim())));
        }
        let window = self.rows.window(events.len());
        let on_screen = window.clone().filter_map(|position| events.get(position).copied());
        let widths = agenda_widths(on_screen, width, self.today);
        for position in window {
            let Some(event) = events.get(position) else { continue };
            let mut line = agenda_line(event, width, widths, self.today, theme);
            if position == self.rows.selected {
                line = theme.select(line);
            }
            lines.push(line);
        }
        frame.render_widget(Paragraph::new(cut_lines(lines, area.width)), area);
    }

    pub(super) fn draw_forecast(
        &self,
        frame: &mut Frame<'_>,
        inner: Rect,
        theme: Theme,
        user: &str,
    ) {
        let Some(data) = &self.forecast else { return };
        let forward = data.forward_lines(self.forecast_choice, theme, user);
        let history = data.history_lines(theme);
        let scroll = u16::try_from(self.forecast_scroll).unwrap_or(u16::MAX);
        if inner.width >= 140 {
            let [left, _, right] = Layout::horizontal([
                Constraint::Length(72),
                Constraint::Length(2),
                Constraint::Min(40),
            ])
            .areas(inner);
            frame.render_widget(
                Paragraph::new(cut_lines(forward, left.width)).scroll((scroll, 0)),
                left,
            );
            frame.render_widget(
                Paragraph::new(cut_lines(history, right.width)).scroll((scroll, 0)),
                right,
            );
        } else {
            let mut lines = forward;
            lines.push(Line::from(""));
            lines.extend(history);
            frame.render_widget(
                Paragraph::new(cut_lines(lines, inner.width)).scroll((scroll, 0)),
                inner,
            );
        }
    }
}
