//! Today: what needs this CSM today, ranked, each row saying why (renewal
//! windows, health dropped, suggestions waiting, no touch past cadence,
//! overdue moments — see `metrics::triage` for the ranking rule). From a row:
//! log a touch, set health, accept or dismiss a suggestion, open the account,
//! snooze until a date. Acting removes the row or moves it (a renewal comes
//! back when it enters its next window).

use crate::metrics::triage::FindingKind;
use crate::read::today::{TodayRow, renewal_comes_back, today_rows, today_rows_from};
use crate::tui::action::Action;
use crate::tui::panes::{Cx, Pane, Request, View, Write};
use crate::tui::popups::{ConfirmPopup, Popup};
use crate::tui::widgets::{Cursor, fit, pad};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

const KEYS: &[(&str, Action)] = &[
    ("z", Action::Snooze),
    ("A", Action::AcceptSuggestion),
    ("D", Action::DismissSuggestion),
    ("t", Action::AddTask),
    ("p", Action::StartPlaybook),
];

const HINTS: &[Action] = &[
    Action::Open,
    Action::LogTouch,
    Action::SetHealth,
    Action::Snooze,
    Action::AcceptSuggestion,
    Action::DismissSuggestion,
    Action::Help,
];

/// Today's rows and the cursor.
#[derive(Debug, Default)]
pub struct TodayPane {
    rows: Vec<TodayRow>,
    cursor: Cursor,
    user: String,
    my_accounts: usize,
}

impl TodayPane {
    fn selected(&self) -> Option<&TodayRow> {
        self.rows.get(self.cursor.selected)
    }

    /// The writes that move a renewal row on once it has been acted on.
    fn follow_up(&self, cx: &Cx<'_>) -> Vec<Write> {
        match self.selected().map(|r| &r.finding) {
            Some(finding) => match finding.kind {
                FindingKind::Renewal { window, date, .. } => vec![Write::Snooze {
                    account_id: finding.account_id.clone(),
                    key: finding.key.clone(),
                    until: renewal_comes_back(date, window, cx.config),
                }],
                _ => Vec::new(),
            },
            None => Vec::new(),
        }
    }
}

impl Pane for TodayPane {
    fn title(&self) -> &'static str {
        "Today"
    }

    fn scope(&self) -> &'static str {
        "today"
    }

    fn keys(&self) -> &'static [(&'static str, Action)] {
        KEYS
    }

    fn hints(&self) -> &'static [Action] {
        HINTS
    }

    fn refresh(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        let today = cx.clock.today();
        // Keep the cursor on the same row when it survives the refresh.
        let before = self.selected().map(|r| (r.finding.account_id.clone(), r.finding.key.clone()));
        self.rows = match cx.today_facts.take() {
            Some(facts) if facts.is_for(cx.user, today) => {
                today_rows_from(facts, cx.book, cx.config)
            }
            _ => today_rows(cx.store, cx.book, cx.user, today, cx.config)?,
        };
        self.user = cx.user.to_string();
        self.my_accounts = cx.book.rows().iter().filter(|r| r.csm == cx.user).count();
        let position = before.and_then(|(id, key)| {
            self.rows.iter().position(|r| r.finding.account_id == id && r.finding.key == key)
        });
        self.cursor.select(position.unwrap_or(self.cursor.selected), self.rows.len());
        Ok(())
    }

    fn resize(&mut self, area: Rect, _cx: &mut Cx<'_>) {
        // Border (2), header (1), detail (4).
        self.cursor.set_height(usize::from(area.height.saturating_sub(7)), self.rows.len());
    }

    fn update(&mut self, action: Action, cx: &mut Cx<'_>) -> Request {
        let len = self.rows.len();
        match action {
            Action::Up => self.cursor.move_by(-1, len),
            Action::Down => self.cursor.move_by(1, len),
            Action::PageUp => self.cursor.page(false, len),
            Action::PageDown => self.cursor.page(true, len),
            Action::Top => self.cursor.select(0, len),
            Action::Bottom => self.cursor.select(len.saturating_sub(1), len),
            Action::Open => {
                return self
                    .selected()
                    .map_or(Request::None, |r| Request::OpenAccount(r.finding.account_id.clone()));
            }
            Action::LogTouch => {
                let then = self.follow_up(cx);
                return self.selected().map_or(Request::Ignored, |r| {
                    Request::Popup(Popup::note(&r.finding.account_id, &r.finding.name, then))
                });
            }
            Action::SetHealth | Action::AcceptSuggestion => {
                let then = self.follow_up(cx);
                let Some(row) = self.selected() else { return Request::Ignored };
                let (health, reason) = match (&row.suggestion, action) {
                    (Some(s), _) => (Some(s.health), s.reason()),
                    (None, Action::AcceptSuggestion) => {
                        return Request::Message("this row has no suggestion".to_string());
                    }
                    (None, _) => (None, String::new()),
                };
                return Request::Popup(Popup::health(
                    &row.finding.account_id,
                    &row.finding.name,
                    health,
                    &reason,
                    then,
                ));
            }
            Action::DismissSuggestion => {
                let Some(row) = self.selected() else { return Request::None };
                let Some(suggestion) = &row.suggestion else {
                    return Request::Message("this row has no suggestion".to_string());
                };
                return Request::Popup(Popup::Confirm(ConfirmPopup {
                    message: format!(
                        "Dismiss the suggestion [{}] for {}? It comes back only if its signals change.",
                        suggestion.health.letter(),
                        row.finding.name
                    ),
                    writes: vec![Write::Dismiss {
                        account_id: row.finding.account_id.clone(),
                        signals: suggestion.signals.iter().map(|s| s.key.clone()).collect(),
                    }],
                }));
            }
            Action::Snooze => {
                let Some(row) = self.selected() else { return Request::None };
                return Request::Popup(Popup::snooze(
                    &row.finding.account_id,
                    &row.finding.name,
                    &row.finding.key,
                    row.finding.kind.label(),
                    cx.clock.today(),
                ));
            }
            _ => return Request::Ignored,
        }
        Request::None
    }

    fn click(&mut self, _column: u16, row: u16, _cx: &mut Cx<'_>) -> Request {
        let len = self.rows.len();
        if row < 2 {
            return Request::None;
        }
        let Some(index) = self.cursor.row_at(usize::from(row - 2), len) else {
            return Request::None;
        };
        if index == self.cursor.selected {
            return self
                .rows
                .get(index)
                .map_or(Request::None, |r| Request::OpenAccount(r.finding.account_id.clone()));
        }
        self.cursor.select(index, len);
        Request::None
    }

    fn selected_account(&self, _book: &crate::read::book::BookIndex) -> Option<String> {
        self.selected().map(|r| r.finding.account_id.clone())
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let theme = view.theme;
        let title = Line::from(vec![
            Span::styled(" Today ", theme.title()),
            Span::styled(
                format!(
                    "· {} · {} for {} ",
                    view.today,
                    crate::domain::count::of(self.rows.len(), "row", "rows"),
                    self.user
                ),
                theme.dim(),
            ),
        ]);
        let block = Block::bordered().title(title).border_style(theme.border(view.active));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [list_area, detail_area] =
            Layout::vertical([Constraint::Min(2), Constraint::Length(4)]).areas(inner);
        let wide = inner.width >= 120;
        let name_width = if wide { 30 } else { 18 };
        let label_width = 14;
        let arr_width = 8;
        let why_width =
            usize::from(inner.width).saturating_sub(2 + name_width + label_width + arr_width + 4);
        let mut lines = vec![Line::from(Span::styled(
            format!(
                "H {:<name_width$} {:<label_width$} {:>arr_width$} {}",
                "Account", "Why", "ARR", "Detail"
            ),
            theme.header(),
        ))];
        if self.rows.is_empty() {
            lines.push(Line::from(""));
            if view.book.is_empty() {
                lines.push(Line::from(
                    "  No accounts yet: import a book (cockpit import) or try cockpit --demo.",
                ));
            } else if self.my_accounts == 0 {
                lines.push(Line::from(format!(
                    "  You ({}) own no accounts. Set COCKPIT_USER to your CSM name,",
                    self.user
                )));
                lines.push(Line::from("  or take accounts over with o (owners) in the Book (2)."));
            } else {
                lines.push(Line::from(Span::styled(
                    format!(
                        "  Nothing needs you today across your {}.",
                        crate::domain::count::of(self.my_accounts, "account", "accounts")
                    ),
                    theme.ok(),
                )));
            }
        }
        for position in self.cursor.window(self.rows.len()) {
            let row = &self.rows[position];
            let finding = &row.finding;
            let label_style = match finding.kind {
                FindingKind::HealthDropped { .. } => theme.error(),
                FindingKind::Renewal { days, .. } if days <= 60 => theme.warn(),
                _ => Style::new(),
            };
            let mut name = finding.name.clone();
            let badge = finding.flags.badge();
            if !badge.is_empty() {
                name = format!("{name} ✦{badge}");
            }
            let mut line = Line::from(vec![
                theme.health(row.health),
                Span::raw(" "),
                Span::raw(format!("{} ", pad(&name, name_width, false))),
                Span::styled(
                    format!("{} ", pad(finding.kind.label(), label_width, false)),
                    label_style,
                ),
                Span::raw(format!("{:>arr_width$} ", finding.arr.to_short())),
                Span::styled(fit(&finding.why, why_width), theme.dim()),
            ]);
            if position == self.cursor.selected {
                line = theme.select(line);
            }
            lines.push(line);
        }
        frame.render_widget(Paragraph::new(lines), list_area);
        // The selected row in full, with what drives a suggestion.
        let mut detail = Vec::new();
        if let Some(row) = self.selected() {
            detail.push(Line::from(vec![
                Span::styled(format!("{} ", row.finding.name), theme.title()),
                Span::styled(
                    format!("tier {} · score {} · ", row.finding.tier, row.finding.score),
                    theme.dim(),
                ),
                Span::raw(row.finding.why.clone()),
            ]));
            if let Some(suggestion) = &row.suggestion {
                for signal in &suggestion.signals {
                    detail.push(Line::from(vec![
                        Span::styled("  why ", theme.dim()),
                        theme.health(Some(signal.suggests)),
                        Span::raw(format!(" {}", signal.why)),
                    ]));
                }
            }
        }
        frame.render_widget(
            Paragraph::new(detail).wrap(Wrap { trim: true }).block(
                Block::new().borders(ratatui::widgets::Borders::TOP).border_style(theme.dim()),
            ),
            detail_area,
        );
    }
}
