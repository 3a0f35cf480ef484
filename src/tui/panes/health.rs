//! Health: the book by scorecard, lowest score first, beside each CSM's
//! colour, with the breakdown of the selected account — which measures
//! moved its score and which are missing. A band unlike the colour is a
//! suggestion: `A` opens the health form with the account's suggestion —
//! the one Today and the Account view show (`read::today::suggestion_for`),
//! the band among its reasons — and the CSM decides. The scores come from
//! `read::health` once per refresh, as compact lines without their signals;
//! the words of the rows on screen (the measure that moved most, the
//! selected account's breakdown) are read again for those accounts alone
//! when they come into view. Drawing only reads.

use crate::metrics::scorecard::Scorecard;
use crate::read::health::{HealthLine, account_score, lines};
use crate::read::today::suggestion_for;
use crate::tui::action::Action;
use crate::tui::panes::{Cx, Pane, Request, View};
use crate::tui::popups::Popup;
use crate::tui::widgets::cut::cut_lines;
use crate::tui::widgets::{Cursor, fit, pad};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::collections::HashMap;

const KEYS: &[(&str, Action)] = &[("A", Action::AcceptSuggestion)];

const HINTS: &[Action] =
    &[Action::Open, Action::AcceptSuggestion, Action::SetHealth, Action::LogTouch, Action::Help];

/// Lines of the breakdown under the list.
const BREAKDOWN_LINES: u16 = 9;

#[derive(Debug, Default)]
pub struct HealthPane {
    rows: Vec<HealthLine>,
    cursor: Cursor,
    disagreeing: usize,
    /// The cards with their words of the rows on screen, by account id.
    explained: HashMap<String, Scorecard>,
}

impl HealthPane {
    fn selected(&self) -> Option<&HealthLine> {
        self.rows.get(self.cursor.selected)
    }

    /// Reads the words of the rows that came into view (one account each)
    /// and lets go of those of the rows that left it.
    fn explain_window(&mut self, cx: &Cx<'_>) -> anyhow::Result<()> {
        let window = self.cursor.window(self.rows.len());
        let shown = &self.rows[window];
        self.explained.retain(|id, _| shown.iter().any(|r| &r.account_id == id));
        let today = cx.clock.today();
        let mut read = false;
        for row in shown {
            if self.explained.contains_key(&row.account_id) {
                continue;
            }
            read = true;
            if let Some(scored) = account_score(cx.store, cx.config, today, &row.account_id)? {
                self.explained
                    .insert(row.account_id.clone(), scored.explained(&cx.config.scorecard));
            }
        }
        if read {
            // Accounts scattered over the file: their pages need not stay mapped.
            cx.store.release_mapped_pages();
        }
        Ok(())
    }
}

impl Pane for HealthPane {
    fn title(&self) -> &'static str {
        "Health"
    }

    fn short_title(&self) -> &'static str {
        "Hlth"
    }

    fn scope(&self) -> &'static str {
        "scorecard"
    }

    fn keys(&self) -> &'static [(&'static str, Action)] {
        KEYS
    }

    fn hints(&self) -> &'static [Action] {
        HINTS
    }

    fn refresh(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        let before = self.selected().map(|r| r.account_id.clone());
        // The old list goes before the new one is read.
        self.rows = Vec::new();
        self.explained.clear();
        self.rows = lines(cx.store, cx.config, cx.clock.today())?;
        self.disagreeing = self.rows.iter().filter(|r| r.disagrees).count();
        let position = before.and_then(|id| self.rows.iter().position(|r| r.account_id == id));
        self.cursor.select(position.unwrap_or(self.cursor.selected), self.rows.len());
        self.explain_window(cx)
    }

    fn resize(&mut self, area: Rect, cx: &mut Cx<'_>) {
        // Border (2), header (1), breakdown.
        let height = area.height.saturating_sub(3 + BREAKDOWN_LINES);
        self.cursor.set_height(usize::from(height), self.rows.len());
        // A failed read leaves those rows without words; a move reads again.
        let _ = self.explain_window(cx);
    }

    fn update(&mut self, action: Action, cx: &mut Cx<'_>) -> Request {
        let request = self.apply(action, cx);
        match self.explain_window(cx) {
            Err(e) if matches!(request, Request::None) => {
                Request::Message(format!("reading the scorecard: {e:#}"))
            }
            _ => request,
        }
    }

    fn selected_account(&self, _book: &crate::read::book::BookIndex) -> Option<String> {
        self.selected().map(|r| r.account_id.clone())
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        self.draw_list(frame, area, view);
    }
}

impl HealthPane {
    fn apply(&mut self, action: Action, cx: &mut Cx<'_>) -> Request {
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
                    .map_or(Request::None, |r| Request::OpenAccount(r.account_id.clone()));
            }
            Action::AcceptSuggestion => {
                let Some(row) = self.selected() else { return Request::None };
                let today = cx.clock.today();
                let suggestion =
                    match suggestion_for(cx.store, cx.book, &row.account_id, today, cx.config) {
                        Ok(suggestion) => suggestion,
                        Err(e) => return Request::Message(format!("reading the suggestion: {e}")),
                    };
                let Some(suggestion) = suggestion else {
                    let why = if row.disagrees {
                        "the band's suggestion was dismissed, or another signal holds the colour"
                    } else {
                        "the score's band agrees with the CSM's colour"
                    };
                    return Request::Message(format!("{why}: nothing to suggest"));
                };
                return Request::Popup(Popup::health(
                    &row.account_id,
                    &row.name,
                    Some(suggestion.health),
                    &suggestion.reason(),
                    Vec::new(),
                ));
            }
            _ => return Request::Ignored,
        }
        Request::None
    }

    fn draw_list(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let theme = view.theme;
        let title = Line::from(vec![
            Span::styled(" Health ", theme.title()),
            Span::styled(
                format!(
                    "· scorecard on {} · {} · {} unlike the CSM's colour ",
                    view.today,
                    crate::domain::count::of(self.rows.len(), "account", "accounts"),
                    self.disagreeing
                ),
                theme.dim(),
            ),
        ]);
        let block = Block::bordered().title(title).border_style(theme.border(view.active));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [list_area, detail_area] =
            Layout::vertical([Constraint::Min(2), Constraint::Length(BREAKDOWN_LINES)])
                .areas(inner);
        let name_width = if inner.width >= 120 { 32 } else { 20 };
        let csm_width = if inner.width >= 120 { 18 } else { 12 };
        let moved_width = usize::from(inner.width).saturating_sub(name_width + csm_width + 22);
        let mut lines = vec![Line::from(Span::styled(
            format!(
                "{:>5} B {:>4} CSM {:<name_width$} {:<csm_width$} {}",
                "Score", "30d", "Account", "Owner", "Moved most"
            ),
            theme.header(),
        ))];
        if self.rows.is_empty() {
            lines.push(Line::from(""));
            lines.push(Line::from(
                "  No accounts with ARR to score: import a book (cockpit import) or try cockpit --demo.",
            ));
        }
        for position in self.cursor.window(self.rows.len()) {
            let row = &self.rows[position];
            let moved = self
                .explained
                .get(&row.account_id)
                .and_then(|card| card.measures.iter().find(|m| m.lost_hundredths() > 0))
                .map_or(String::new(), |m| m.sentence());
            let mut line = Line::from(vec![
                Span::raw(format!("{:>5} ", row.score.map_or("-".to_string(), |s| s.to_string()))),
                theme.health(row.band),
                Span::raw(format!(
                    " {:>4}  ",
                    row.trend.map_or("-".to_string(), |t| format!("{t:+}"))
                )),
                theme.health(row.health),
                Span::styled(if row.disagrees { "! " } else { "  " }, theme.warn()),
                Span::raw(format!(
                    "{} {} ",
                    pad(&row.name, name_width, false),
                    pad(&row.csm, csm_width, false)
                )),
                Span::styled(fit(&moved, moved_width), theme.dim()),
            ]);
            if position == self.cursor.selected {
                line = theme.select(line);
            }
            lines.push(line);
        }
        frame.render_widget(Paragraph::new(cut_lines(lines, list_area.width)), list_area);
        let mut detail = Vec::new();
        if let Some(row) = self.selected() {
            let score = row.score.map_or("no score".to_string(), |s| format!("score {s}"));
            let mut head = vec![
                Span::styled(format!("{} ", fit(&row.name, 30)), theme.title()),
                Span::raw(format!("{score} ")),
                theme.health(row.band),
                Span::styled(" · CSM's colour ", theme.dim()),
                theme.health(row.health),
            ];
            if row.disagrees {
                head.push(Span::styled("  A: suggest the band", theme.warn()));
            }
            detail.push(Line::from(head));
            let width = usize::from(detail_area.width).saturating_sub(4);
            let measures = self.explained.get(&row.account_id).map(|card| &card.measures[..]);
            for measure in measures.unwrap_or_default() {
                let style = if measure.value.is_none() {
                    theme.dim()
                } else if measure.lost_hundredths() > 0 {
                    theme.warn()
                } else {
                    theme.ok()
                };
                detail.push(Line::from(Span::styled(
                    format!("  {}", fit(&measure.sentence(), width)),
                    style,
                )));
            }
        }
        frame.render_widget(
            Paragraph::new(detail)
                .block(Block::new().borders(Borders::TOP).border_style(theme.dim())),
            detail_area,
        );
    }
}
