//! Renewal calendar: a Monday-first month grid of renewals, out-year
//! payments and engagement moments, with an agenda of the selected day,
//! week or month beside it (wide screens) or below it (narrow ones); and,
//! toggled with `f`, the forecast view (`forecast.rs`). Moves by day, week
//! and month redraw from the month cache (`loaders/calendar.rs`), which
//! preloads the neighbouring months. Each renewal in the agenda shows
//! whether a champion (`C`) and an executive sponsor (`S`) are known on its
//! day, a red `·` for one missing. From an agenda row: open the account,
//! mark a moment done (a touch is logged), add a one-off moment.
//!
//! The pane reads through the store and asks for writes with `Write`; the
//! windows, payments and forecast arithmetic live in `metrics`.

use crate::domain::{Billing, Month};
use crate::metrics::calendar::{CalendarMove, month_weeks, move_cursor, week_start};
use crate::metrics::windows::{Calendar, CalendarEvent, CalendarFilter, EventKind, WindowStatus};
use crate::read::book::BookIndex;
use crate::tui::action::Action;
use crate::tui::forms::moment::{self, MomentForm};
use crate::tui::forms::{Form, FormOutcome};
use crate::tui::keymap;
use crate::tui::loaders::calendar::{LoadKey, MonthCache};
use crate::tui::panes::forecast::{ForecastData, NEXT_CSM_KEY};
use crate::tui::panes::{Cx, Pane, Request, View, Write};
use crate::tui::theme::Theme;
use crate::tui::widgets::calendar_grid::{MonthGrid, cell_size, marker, marker_style};
use crate::tui::widgets::{Cursor, fit};
use crate::tui::work::{Done, Ticket};
use chrono::{Datelike, Duration, NaiveDate};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

mod draw;
use draw::*;

/// The calendar's keys. It takes no list keys: `j` `k` move the cursor a
/// week and `J` `K` move in the agenda, so it names its own list moves.
/// The Calendar's keymap scope.
const SCOPE: &str = "calendar";

const KEYS: &[(&str, Action)] = &[
    ("h", Action::PreviousDay),
    ("left", Action::PreviousDay),
    ("l", Action::NextDay),
    ("right", Action::NextDay),
    ("k", Action::PreviousWeek),
    ("up", Action::PreviousWeek),
    ("j", Action::NextWeek),
    ("down", Action::NextWeek),
    ("pgup", Action::PreviousMonth),
    ("[", Action::PreviousMonth),
    ("ctrl-u", Action::PreviousMonth),
    ("pgdn", Action::NextMonth),
    ("]", Action::NextMonth),
    ("ctrl-d", Action::NextMonth),
    ("t", Action::GoToToday),
    ("K", Action::Up),
    ("J", Action::Down),
    ("g", Action::Top),
    ("home", Action::Top),
    ("G", Action::Bottom),
    ("end", Action::Bottom),
    ("enter", Action::Open),
    ("esc", Action::Back),
    ("v", Action::AgendaSpan),
    ("f", Action::ToggleForecast),
    ("m", Action::FilterMine),
    ("w", Action::FilterInWindow),
    ("r", Action::FilterAtRisk),
    ("x", Action::ClearFilters),
    ("d", Action::MomentDone),
    ("a", Action::AddMoment),
    (NEXT_CSM_KEY, Action::NextCsm),
];

const HINTS: &[Action] = &[
    Action::Open,
    Action::GoToToday,
    Action::ToggleForecast,
    Action::FilterMine,
    Action::FilterInWindow,
    Action::FilterAtRisk,
    Action::MomentDone,
    Action::AddMoment,
    Action::Help,
];

/// How much the agenda lists: the selected day, its week, or its month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AgendaSpan {
    Day,
    #[default]
    Week,
    Month,
}

impl AgendaSpan {
    fn next(self) -> AgendaSpan {
        match self {
            AgendaSpan::Day => AgendaSpan::Week,
            AgendaSpan::Week => AgendaSpan::Month,
            AgendaSpan::Month => AgendaSpan::Day,
        }
    }
}

/// The calendar pane's state.
#[derive(Debug, Default)]
pub struct CalendarPane {
    started: bool,
    today: NaiveDate,
    cursor: NaiveDate,
    user: String,
    mine: bool,
    at_risk: bool,
    in_window: bool,
    span: AgendaSpan,
    cache: MonthCache,
    /// The agenda: (day, index in that day's events) of the cursor's month.
    agenda: Vec<(NaiveDate, usize)>,
    rows: Cursor,
    forecast_mode: bool,
    forecast: Option<ForecastData>,
    forecast_scroll: usize,
    forecast_choice: usize,
    form: Option<MomentForm>,
    area: Rect,
    error: Option<String>,
}

impl CalendarPane {
    /// The date under the cursor.
    pub fn cursor(&self) -> NaiveDate {
        self.cursor
    }

    /// The filter the calendar loads with.
    pub fn filter(&self) -> CalendarFilter {
        CalendarFilter {
            csm: self.mine.then(|| self.user.clone()),
            at_risk_only: self.at_risk,
            in_window_only: self.in_window,
        }
    }

    /// The loaded month of the cursor.
    fn calendar(&self) -> Option<&Calendar> {
        self.cache.get(Month::of(self.cursor))
    }

    /// The agenda's events, in order.
    pub fn agenda_events(&self) -> Vec<&CalendarEvent> {
        let Some(calendar) = self.calendar() else { return Vec::new() };
        self.agenda
            .iter()
            .filter_map(|(date, index)| calendar.events_on(*date).get(*index))
            .collect()
    }

    fn selected_event(&self) -> Option<&CalendarEvent> {
        let (date, index) = self.agenda.get(self.rows.selected)?;
        self.calendar()?.events_on(*date).get(*index)
    }

    fn span_range(&self) -> (NaiveDate, NaiveDate) {
        match self.span {
            AgendaSpan::Day => (self.cursor, self.cursor),
            AgendaSpan::Week => {
                let monday = week_start(self.cursor);
                (monday, monday + Duration::days(6))
            }
            AgendaSpan::Month => {
                let month = Month::of(self.cursor);
                (month.first_day(), month.last_day())
            }
        }
    }

    /// Loads the cursor's month (from the cache when it can), asks for its
    /// neighbours, and rebuilds the agenda with the selection on the first
    /// event of the cursor's day or after.
    fn show(&mut self, cx: &mut Cx<'_>, keep_selection: bool) {
        self.show_towards(cx, keep_selection, 1);
    }

    /// [`Self::show`], preloading first in the direction of travel (`1`
    /// forward, `-1` back): the next month, the previous, then one more ahead.
    fn show_towards(&mut self, cx: &mut Cx<'_>, keep_selection: bool, direction: i32) {
        let month = Month::of(self.cursor);
        self.cache.set_key(LoadKey {
            today: self.today,
            filter: self.filter(),
            config: cx.config.clone(),
        });
        self.error = self.cache.ensure(month, cx.store, cx.work).err().map(|e| format!("{e:#}"));
        self.cache.prefetch(
            month,
            &[month.plus(direction), month.minus(direction), month.plus(2 * direction)],
            cx.work,
        );
        let before = self.rows.selected;
        self.agenda.clear();
        let (from, to) = self.span_range();
        if let Some(calendar) = self.cache.get(month) {
            let mut day = from;
            while day <= to {
                for index in 0..calendar.events_on(day).len() {
                    self.agenda.push((day, index));
                }
                day += Duration::days(1);
            }
        }
        let len = self.agenda.len();
        let target = if keep_selection {
            before
        } else {
            self.agenda.iter().position(|(day, _)| *day >= self.cursor).unwrap_or(0)
        };
        self.rows.select(target, len);
        self.rows.offset = self.rows.offset.min(self.rows.selected);
        self.rows.clamp(len);
    }

    fn move_to(&mut self, step: CalendarMove, cx: &mut Cx<'_>) {
        let before = self.cursor;
        self.cursor = move_cursor(self.cursor, step, self.today);
        self.show_towards(cx, false, if self.cursor < before { -1 } else { 1 });
    }

    fn load_forecast(&mut self, cx: &Cx<'_>) {
        match ForecastData::load(cx.store, self.today, cx.config) {
            Ok(data) => {
                if self.forecast.is_none() {
                    self.forecast_choice =
                        if self.mine { data.choice_of(&self.user).unwrap_or(0) } else { 0 };
                }
                self.forecast_choice = self.forecast_choice.min(data.choices() - 1);
                self.forecast = Some(data);
                self.error = None;
            }
            Err(error) => self.error = Some(format!("{error:#}")),
        }
    }

    fn agenda_height(&self) -> usize {
        let inner = Block::bordered().inner(self.area);
        let (_, agenda) = split(inner, Month::of(self.cursor));
        usize::from(agenda.height.saturating_sub(2))
    }

    fn forecast_update(&mut self, action: Action, cx: &mut Cx<'_>) -> Request {
        let page = usize::from(self.area.height.saturating_sub(4)).max(1);
        match action {
            Action::NextWeek | Action::Down => {
                self.forecast_scroll += 1;
            }
            Action::PreviousWeek | Action::Up => {
                self.forecast_scroll = self.forecast_scroll.saturating_sub(1);
            }
            Action::NextMonth | Action::PageDown => {
                self.forecast_scroll += page;
            }
            Action::PreviousMonth | Action::PageUp => {
                self.forecast_scroll = self.forecast_scroll.saturating_sub(page);
            }
            Action::Top => self.forecast_scroll = 0,
            Action::NextCsm => {
                if let Some(data) = &self.forecast {
                    self.forecast_choice = (self.forecast_choice + 1) % data.choices();
                }
            }
            Action::ToggleForecast | Action::Back => self.forecast_mode = false,
            Action::FilterMine => {
                self.mine = !self.mine;
                self.forecast_choice = match (&self.forecast, self.mine) {
                    (Some(data), true) => data.choice_of(&self.user).unwrap_or(0),
                    _ => 0,
                };
                self.show(cx, false);
            }
            _ => return Request::Ignored,
        }
        Request::None
    }
}

impl Pane for CalendarPane {
    fn title(&self) -> &'static str {
        "Calendar"
    }

    fn short_title(&self) -> &'static str {
        "Cal"
    }

    fn scope(&self) -> &'static str {
        SCOPE
    }

    fn keys(&self) -> &'static [(&'static str, Action)] {
        KEYS
    }

    fn key_layers(&self) -> &'static [&'static str] {
        &[keymap::SELECTION, keymap::FIND]
    }

    fn typing_scope(&self) -> Option<&'static str> {
        self.form.as_ref().map(|_| moment::SCOPE)
    }

    fn hints(&self) -> &'static [Action] {
        HINTS
    }

    fn refresh(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        self.today = cx.clock.today();
        self.user = cx.user.to_string();
        if !self.started {
            self.started = true;
            self.cursor = self.today;
            // A CSM starts on their own book; anyone else on the whole book.
            self.mine = cx.book.rows().iter().any(|r| r.csm == cx.user);
        }
        // A write may have changed any month: load afresh.
        self.cache.invalidate();
        self.show(cx, true);
        if self.forecast_mode {
            self.load_forecast(cx);
        } else {
            self.forecast = None;
        }
        Ok(())
    }

    fn receive(&mut self, ticket: Ticket, done: Done) -> Option<Done> {
        self.cache.receive(ticket, done)
    }

    fn resize(&mut self, area: Rect, _cx: &mut Cx<'_>) {
        self.area = area;
        let height = self.agenda_height();
        self.rows.set_height(height, self.agenda.len());
    }

    fn update(&mut self, action: Action, cx: &mut Cx<'_>) -> Request {
        if self.forecast_mode {
            return self.forecast_update(action, cx);
        }
        let len = self.agenda.len();
        match action {
            Action::PreviousDay
            | Action::NextDay
            | Action::PreviousWeek
            | Action::NextWeek
            | Action::PreviousMonth
            | Action::NextMonth
            | Action::GoToToday => {
                if let Some(step) = action.calendar_move() {
                    self.move_to(step, cx);
                }
            }
            Action::Up => self.rows.move_by(-1, len),
            Action::Down => self.rows.move_by(1, len),
            Action::Top => self.rows.select(0, len),
            Action::Bottom => self.rows.select(len.saturating_sub(1), len),
            Action::PageUp => self.move_to(CalendarMove::PreviousMonth, cx),
            Action::PageDown => self.move_to(CalendarMove::NextMonth, cx),
            Action::AgendaSpan => {
                self.span = self.span.next();
                self.show(cx, false);
            }
            Action::FilterMine => {
                self.mine = !self.mine;
                self.show(cx, false);
            }
            Action::FilterInWindow => {
                self.in_window = !self.in_window;
                self.show(cx, false);
            }
            Action::FilterAtRisk => {
                self.at_risk = !self.at_risk;
                self.show(cx, false);
            }
            Action::ClearFilters => {
                (self.mine, self.in_window, self.at_risk) = (false, false, false);
                self.show(cx, false);
            }
            Action::ToggleForecast => {
                self.forecast_mode = true;
                if self.forecast.is_none() {
                    self.load_forecast(cx);
                }
            }
            Action::Open => {
                return self
                    .selected_event()
                    .map_or(Request::None, |e| Request::OpenAccount(e.account.id.clone()));
            }
            Action::MomentDone => {
                return match self.selected_event().map(|e| (&e.kind, &e.account)) {
                    Some((EventKind::Moment { moment, .. }, account)) => match moment.done_at {
                        Some(done) => Request::Message(format!(
                            "{} was already done on {}",
                            moment.title,
                            done.date_naive()
                        )),
                        None => Request::Write(vec![Write::MomentDone {
                            account_id: account.id.clone(),
                            id: moment.id,
                        }]),
                    },
                    _ => Request::Message(format!(
                        "select a moment in the agenda first ({}/{} move the agenda)",
                        cx.keymap.label(SCOPE, Action::Down),
                        cx.keymap.label(SCOPE, Action::Up)
                    )),
                };
            }
            Action::AddMoment => {
                let Some(event) = self.selected_event() else {
                    return Request::Message(
                        "select a row of the account in the agenda first".to_string(),
                    );
                };
                let due = self.cursor.max(self.today);
                self.form =
                    Some(MomentForm::new(&event.account.id, &event.account.name, due, self.today));
            }
            _ => return Request::Ignored,
        }
        Request::None
    }

    fn typing(&self) -> bool {
        self.form.is_some()
    }

    fn paste(&mut self, text: &str, _cx: &mut Cx<'_>) -> Request {
        let result = match &mut self.form {
            Some(form) => form.paste(text),
            None => Err(crate::tui::paste::NO_FIELD.to_string()),
        };
        result.map_or_else(Request::Message, |()| Request::None)
    }

    fn type_key(&mut self, key: KeyEvent, cx: &mut Cx<'_>) -> Request {
        let Some(form) = &mut self.form else { return Request::Ignored };
        let action = cx.keymap.action(form.scope(), keymap::Key::from_event(key));
        match form.key(key, action, cx.clock.today()) {
            FormOutcome::Stay => Request::None,
            FormOutcome::Cancel => {
                self.form = None;
                Request::None
            }
            FormOutcome::Submit(write) => {
                self.form = None;
                Request::Write(vec![write])
            }
        }
    }

    fn selected_account(&self, _book: &BookIndex) -> Option<String> {
        if self.forecast_mode {
            return None;
        }
        self.selected_event().map(|e| e.account.id.clone())
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let theme = view.theme;
        let mut filters = Vec::new();
        if self.mine {
            filters.push(format!("mine ({})", self.user));
        }
        if self.in_window {
            filters.push("in a window".to_string());
        }
        if self.at_risk {
            filters.push("at risk".to_string());
        }
        let mut filters =
            if filters.is_empty() { "whole book".to_string() } else { filters.join(", ") };
        let mut narrowed = self.mine || self.in_window || self.at_risk;
        // The forecast shows the scope `c` chose, not the calendar's filters.
        if self.forecast_mode
            && let Some(data) = &self.forecast
        {
            filters = data.scope_label(self.forecast_choice, &self.user);
            narrowed = self.forecast_choice != 0;
        }
        let month = Month::of(self.cursor);
        let heading = if self.forecast_mode {
            " Renewal forecast ".to_string()
        } else {
            format!(" Calendar · {} {} ", month_name(month.month()), month.year())
        };
        let title = Line::from(vec![
            Span::styled(heading, theme.title()),
            Span::styled(
                format!("· {filters} "),
                if narrowed { theme.warn() } else { theme.dim() },
            ),
        ]);
        let block = Block::bordered().title(title).border_style(theme.border(view.active));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if let Some(error) = &self.error {
            frame.render_widget(
                Paragraph::new(Line::from(Span::styled(format!("✗ {error}"), theme.error()))),
                Rect { height: 1, ..inner },
            );
            return;
        }
        if self.forecast_mode {
            self.draw_forecast(frame, inner, theme, view.user);
        } else {
            self.draw_calendar(frame, inner, theme, view.keymap);
        }
        if let Some(form) = &self.form {
            form.draw(frame, area, theme, view.keymap);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use crate::domain::moment::{Moment, MomentKind, MomentSource};
    use crate::metrics::windows::AccountBrief;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn event(kind: EventKind, billing: Option<Billing>) -> CalendarEvent {
        CalendarEvent {
            date: d(2025, 6, 30),
            kind,
            account: AccountBrief {
                id: "A1".into(),
                name: "Acme Corp".into(),
                csm: "ana".into(),
                health: None,
                arr: Money::from_units(120_000),
            },
            contract_id: Some("C2".into()),
            product: "Core".into(),
            arr: Money::from_units(100_000),
            billing,
            stakeholders: None,
        }
    }

    #[test]
    fn a_payment_is_never_called_a_renewal() {
        let payment =
            event(EventKind::Payment { year_of_term: 2, term_years: 3 }, Some(Billing::Annual));
        assert_eq!(kind_text(&payment, true), "payment, year 2 of 3");
        assert_eq!(kind_text(&payment, false), "payment 2 of 3");
        assert_eq!(status_text(&payment, d(2025, 6, 1)), "invoice due");
        let window = WindowStatus::In { days: 30, days_to_end: 29 };
        let renewal = event(EventKind::Renewal { window }, Some(Billing::Prepaid));
        assert_eq!(kind_text(&renewal, true), "renewal");
        assert_eq!(billing_text(&renewal), "prepaid");
        assert_eq!(status_text(&renewal, d(2025, 6, 1)), "30-day · 29 d left");
        let moment = Moment {
            id: 1,
            account_id: "A1".into(),
            kind: MomentKind::Qbr,
            title: "Quarterly business review".into(),
            due_on: d(2025, 5, 15),
            done_at: None,
            source: MomentSource::Schedule,
        };
        let late = event(EventKind::Moment { moment, overdue: true }, None);
        assert_eq!(status_text(&late, d(2025, 6, 1)), "overdue 17 d");
    }
}
