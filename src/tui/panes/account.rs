//! The account view (Enter on any account): a header (ARR, tier, stage,
//! health since when and why, owners, flags, next renewal) and sections —
//! overview with "why this colour" and the health history, the timeline,
//! contracts (renewals and out-year payments marked), and ARR by product
//! with the I/R/U bookings per year as stacked bars, growth, tasks, signals,
//! the account's deals (opportunities, worked in place: `deals.rs`) and the
//! people at the account (`people.rs`). Everything is read once
//! when the account opens or changes; drawing only lays it out.
//!
//! The timeline is a list: each entry (a note, a health or a stage change)
//! is one item, wrapped to the pane's width; Enter opens the selected entry
//! whole in the reader (`reader.rs`).

use crate::domain::{Contract, Money, Month, Note};
use crate::metrics::health_signals::Suggestion;
use crate::read::today::suggestion_for;
use crate::store::accounts::{BookRow, ProductSnapshot, StageChange};
use crate::store::health::HealthChange;
use crate::tui::action::Action;
use crate::tui::panes::account_growth::AccountGrowth;
use crate::tui::panes::{Cx, Pane, Request, View, Write};
use crate::tui::popups::{ConfirmPopup, Popup};
use crate::tui::widgets::bars::{Segment, stacked};
use crate::tui::widgets::cut::cut_lines;
use crate::tui::widgets::fit;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use std::collections::BTreeMap;

mod deals;
mod people;
pub mod reader;
mod section_tabs;
mod sections;
mod signals;
mod tasks;
mod timeline;

use people::PeopleList;
use reader::Reader;
use section_tabs::section_tabs;
use tasks::TaskList;

const KEYS: &[(&str, Action)] = &[
    ("l", Action::NextSection),
    ("right", Action::NextSection),
    ("]", Action::NextSection),
    ("h", Action::PrevSection),
    ("left", Action::PrevSection),
    ("[", Action::PrevSection),
    ("A", Action::AcceptSuggestion),
    ("D", Action::DismissSuggestion),
    ("U", Action::SetPotential),
    ("u", Action::Undo),
    ("T", Action::AddTrial),
    ("K", Action::RecordTakeaway),
    ("P", Action::AddSuccessPlan),
    ("V", Action::UpdatePlanValue),
    ("t", Action::AddTask),
    ("p", Action::StartPlaybook),
    ("d", Action::TaskDone),
    ("x", Action::TaskSkip),
    ("r", Action::TaskReopen),
    ("a", Action::AddContact),
    ("e", Action::EditContact),
    ("W", Action::ContactLeft),
    ("X", Action::RemoveContact),
    ("O", Action::RecordOpportunity),
    ("+", Action::AdvanceOpportunity),
    (">", Action::AdvanceOpportunity),
    ("-", Action::RegressOpportunity),
    ("<", Action::RegressOpportunity),
    ("L", Action::LoseOpportunity),
    ("E", Action::EditOpportunity),
];

const HINTS: &[Action] = &[
    Action::Back,
    Action::NextSection,
    Action::Open,
    Action::SetHealth,
    Action::LogTouch,
    Action::AcceptSuggestion,
    Action::Help,
];

const SECTIONS: [&str; 9] = [
    "Overview",
    "Timeline",
    "Contracts",
    "ARR & I/R/U",
    "Growth",
    "Tasks",
    "Signals",
    "Deals",
    "People",
];

/// The index of the Growth section (potentials, trials, success plans).
const GROWTH: usize = 4;

/// The index of the Timeline section.
const TIMELINE: usize = 1;

/// The index of the Tasks section.
const TASKS: usize = 5;

/// The index of the Signals section (usage, tickets, survey answers).
const SIGNALS: usize = 6;

/// The index of the People section (the account's contacts).
const PEOPLE: usize = 8;

/// The index of the Deals section (the account's opportunities).
const DEALS: usize = 7;

/// What the account view shows, read once.
#[derive(Debug, Clone, Default)]
struct Loaded {
    row: Option<BookRow>,
    tier: u8,
    contracts: Vec<Contract>,
    snapshots: Vec<ProductSnapshot>,
    notes: Vec<Note>,
    health: Vec<HealthChange>,
    stages: Vec<StageChange>,
    suggestion: Option<Suggestion>,
    churn: Vec<crate::domain::churn::ChurnChain>,
    /// The account's tasks, open first (`Store::account_tasks`).
    tasks: Vec<crate::domain::task::Task>,
    /// Notes, health and stage changes, newest first.
    timeline: Vec<Entry>,
    /// Usage, tickets and survey answers.
    signals: signals::Signals,
    /// The account's contacts.
    people: Vec<crate::domain::contact::Contact>,
    /// The I/R/U stack by year: contracts and won deals (`metrics::iru`).
    iru: Vec<crate::metrics::iru::IruYear>,
    /// The settings' `stuck_stage_days`, for the stuck line.
    stuck_stage_days: i64,
}

/// One entry of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    at: DateTime<Utc>,
    /// A note's kind, or "health", "stage".
    kind: String,
    who: String,
    /// The note, or the change's reason (a stage's title first).
    text: String,
    /// The health set, for a health change.
    health: Option<crate::domain::Health>,
    /// A note (not a health or stage change).
    note: bool,
}

impl Loaded {
    fn entries(&self) -> Vec<Entry> {
        let mut entries: Vec<Entry> = Vec::new();
        entries.extend(self.notes.iter().map(|n| Entry {
            at: n.at,
            kind: n.kind.as_str().to_string(),
            who: n.who.clone(),
            text: n.text.clone(),
            health: None,
            note: true,
        }));
        entries.extend(self.health.iter().map(|h| Entry {
            at: h.at,
            kind: "health".to_string(),
            who: h.who.clone(),
            text: h.reason.clone(),
            health: Some(h.health),
            note: false,
        }));
        entries.extend(self.stages.iter().map(|s| Entry {
            at: s.at,
            kind: "stage".to_string(),
            who: s.who.clone(),
            text: format!("{} — {}", s.stage.title(), s.reason),
            health: None,
            note: false,
        }));
        // Done and skipped tasks stay in the account's history.
        entries.extend(self.tasks.iter().filter_map(|t| {
            let at = t.closed_at.filter(|_| !t.status.is_open())?;
            Some(Entry {
                at,
                kind: "task".to_string(),
                who: t.owner.clone(),
                text: format!("{} — {}", t.status.as_str(), t.title),
                health: None,
                note: false,
            })
        }));
        // Stable: among equal times, notes first as before.
        entries.sort_by_key(|e| std::cmp::Reverse(e.at));
        entries
    }
}

/// The account view's state.
#[derive(Debug, Default)]
pub struct AccountPane {
    id: Option<String>,
    loaded: Loaded,
    section: usize,
    scroll: usize,
    height: usize,
    /// The Growth section: potentials, trials and success plans, with forms.
    growth: Option<AccountGrowth>,
    /// The selected timeline entry.
    selected: usize,
    /// The timeline entry opened whole, if one is.
    reader: Option<Reader>,
    /// The pane's area, for the timeline's wrapping and the reader's page.
    area: Rect,
    /// The Tasks section.
    tasks: TaskList,
    /// The People section.
    people: PeopleList,
    /// The Deals section.
    deals: deals::DealList,
}

impl AccountPane {
    fn load(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        let Some(id) = self.id.clone() else { return Ok(()) };
        let today = cx.clock.today();
        let row = cx.book.by_id(&id).cloned();
        self.loaded = Loaded {
            tier: cx.book.tier_of(&id),
            row,
            contracts: cx.store.account_contracts(&id)?,
            snapshots: cx.store.account_snapshots(&id)?,
            notes: cx.store.account_notes(&id)?,
            health: cx.store.health_history(&id)?,
            stages: cx.store.account_stage_changes(&id)?,
            suggestion: suggestion_for(cx.store, cx.book, &id, today, cx.config)?,
            churn: cx.store.churn_chains_for_account(&id)?,
            tasks: cx.store.account_tasks(&id)?,
            timeline: Vec::new(),
            signals: signals::Signals {
                usage: cx.store.account_usage(&id)?,
                tickets: cx.store.account_tickets(&id)?,
                surveys: cx.store.account_surveys(&id)?,
                book_has: cx.store.book_has_signals()?,
            },
            people: cx.store.account_contacts(&id)?,
            iru: Vec::new(),
            stuck_stage_days: cx.config.stuck_stage_days,
        };
        self.tasks.set(self.loaded.tasks.clone());
        self.people.set(self.loaded.people.clone());
        let opportunities = cx.store.opportunities(&id)?;
        self.loaded.iru = crate::metrics::iru::by_year(&crate::metrics::iru::bookings(
            &self.loaded.contracts,
            &opportunities,
        ));
        self.deals.set(opportunities);
        self.loaded.timeline = self.loaded.entries();
        self.selected = self.selected.min(self.loaded.timeline.len().saturating_sub(1));
        match &mut self.growth {
            Some(growth) if growth.account_id == id => growth.reload(cx.store, today)?,
            _ => self.growth = Some(AccountGrowth::load(cx.store, &id, today)?),
        }
        Ok(())
    }
}

impl Pane for AccountPane {
    fn title(&self) -> &'static str {
        "Account"
    }

    fn short_title(&self) -> &'static str {
        "Acct"
    }

    fn scope(&self) -> &'static str {
        "account"
    }

    fn keys(&self) -> &'static [(&'static str, Action)] {
        KEYS
    }

    fn hints(&self) -> &'static [Action] {
        HINTS
    }

    fn refresh(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        self.load(cx)
    }

    fn resize(&mut self, area: Rect, _cx: &mut Cx<'_>) {
        // Border (2), header (3), section tabs (1).
        self.height = usize::from(area.height.saturating_sub(6));
        self.area = area;
        self.follow_selection();
    }

    fn open_account(&mut self, id: &str, cx: &mut Cx<'_>) -> bool {
        if self.id.as_deref() != Some(id) {
            self.section = 0;
            self.scroll = 0;
            self.selected = 0;
            self.reader = None;
        }
        self.id = Some(id.to_string());
        if self.load(cx).is_err() {
            // An account that cannot be read shows the empty state.
            self.loaded = Loaded::default();
            self.growth = None;
            self.id = None;
        }
        true
    }

    fn open_note(
        &mut self,
        account_id: &str,
        at: DateTime<Utc>,
        text: &str,
        cx: &mut Cx<'_>,
    ) -> bool {
        self.open_account(account_id, cx);
        self.section = TIMELINE;
        if let Some(index) =
            self.loaded.timeline.iter().position(|e| e.note && e.at == at && e.text == text)
        {
            self.selected = index;
            self.follow_selection();
            self.reader = self.reader_of(index);
        }
        true
    }

    fn update(&mut self, action: Action, cx: &mut Cx<'_>) -> Request {
        if let Some(reader) = &mut self.reader {
            match reader.update(action, self.area) {
                Some(true) => return Request::None,
                Some(false) => {
                    self.reader = None;
                    return Request::None;
                }
                None => {}
            }
        }
        if self.section == TIMELINE && self.timeline_update(action) {
            return Request::None;
        }
        if let Some(request) = self.tasks_update(action, cx) {
            return request;
        }
        if let Some(request) = self.people_update(action, cx) {
            return request;
        }
        if let Some(request) = self.deals_update(action, cx) {
            return request;
        }
        let edit = matches!(
            action,
            Action::SetPotential
                | Action::AddTrial
                | Action::RecordTakeaway
                | Action::AddSuccessPlan
                | Action::UpdatePlanValue
        );
        if edit {
            self.section = GROWTH;
        }
        if self.section == GROWTH
            && let Some(growth) = &mut self.growth
        {
            let request = growth.update(action);
            if !matches!(request, Request::Ignored) {
                return request;
            }
        }
        match action {
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll += 1,
            Action::PageUp => self.scroll = self.scroll.saturating_sub(self.height.max(1)),
            Action::PageDown => self.scroll += self.height.max(1),
            Action::Top => self.scroll = 0,
            Action::Bottom => self.scroll = usize::MAX / 2,
            Action::NextSection => {
                self.section = (self.section + 1) % SECTIONS.len();
                self.scroll = 0;
                self.reader = None;
                self.follow_selection();
            }
            Action::PrevSection => {
                self.section = (self.section + SECTIONS.len() - 1) % SECTIONS.len();
                self.scroll = 0;
                self.reader = None;
                self.follow_selection();
            }
            Action::Back => return Request::Back,
            Action::AcceptSuggestion => {
                let (Some(row), Some(s)) = (&self.loaded.row, &self.loaded.suggestion) else {
                    return Request::Message("no suggestion for this account".to_string());
                };
                return Request::Popup(Popup::health(
                    &row.id,
                    &row.name,
                    Some(s.health),
                    &s.reason(),
                    Vec::new(),
                ));
            }
            Action::DismissSuggestion => {
                let (Some(row), Some(s)) = (&self.loaded.row, &self.loaded.suggestion) else {
                    return Request::Message("no suggestion for this account".to_string());
                };
                return Request::Popup(Popup::Confirm(ConfirmPopup {
                    message: format!(
                        "Dismiss the suggestion [{}] for {}?",
                        s.health.letter(),
                        row.name
                    ),
                    writes: vec![Write::Dismiss {
                        account_id: row.id.clone(),
                        signals: s.signals.iter().map(|x| x.key.clone()).collect(),
                    }],
                }));
            }
            _ => return Request::Ignored,
        }
        Request::None
    }

    fn click(&mut self, column: u16, row: u16, _cx: &mut Cx<'_>) -> Request {
        // The section tabs are on the fifth line (border + 3 header lines).
        if row == 4 {
            let width = usize::from(self.area.width.saturating_sub(2));
            for tab in section_tabs(&SECTIONS, self.section, width) {
                let Some(index) = tab.index else { continue };
                let x = 1 + tab.x;
                let end = x + tab.text.chars().count();
                if usize::from(column) >= x && usize::from(column) < end {
                    self.section = index;
                    self.scroll = 0;
                    self.reader = None;
                    self.follow_selection();
                }
            }
        }
        Request::None
    }

    fn selected_account(&self, _book: &crate::read::book::BookIndex) -> Option<String> {
        self.loaded.row.as_ref().map(|r| r.id.clone())
    }

    fn typing(&self) -> bool {
        self.growth.as_ref().is_some_and(AccountGrowth::typing)
    }

    fn paste(&mut self, text: &str, _cx: &mut Cx<'_>) -> Request {
        let result = match self.growth.as_mut() {
            Some(growth) => growth.paste(text),
            None => Err(crate::tui::paste::NO_FIELD.to_string()),
        };
        result.map_or_else(Request::Message, |()| Request::None)
    }

    fn type_key(&mut self, key: ratatui::crossterm::event::KeyEvent, cx: &mut Cx<'_>) -> Request {
        self.growth.as_mut().map_or(Request::Ignored, |growth| growth.type_key(key, cx.keymap))
    }

    fn typing_scope(&self) -> Option<&'static str> {
        self.typing().then_some(crate::tui::forms::growth::SCOPE)
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let theme = view.theme;
        let block = Block::bordered()
            .title(Span::styled(" Account ", theme.title()))
            .border_style(theme.border(view.active));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if self.loaded.row.is_none() {
            let lines = vec![
                Line::from(""),
                Line::from("  No account open."),
                Line::from(format!(
                    "  Press {} on a row in Today (1) or the Book (2), or {} to jump to one.",
                    view.keymap.label("today", Action::Open),
                    view.keymap.label(crate::tui::keymap::GLOBAL, Action::Jump)
                )),
            ];
            frame.render_widget(Paragraph::new(cut_lines(lines, inner.width)), inner);
            return;
        }
        let [header, tabs, body] =
            Layout::vertical([Constraint::Length(3), Constraint::Length(1), Constraint::Min(1)])
                .areas(inner);
        frame.render_widget(Paragraph::new(cut_lines(self.header(view), header.width)), header);
        let mut spans = Vec::new();
        let mut at = 0;
        for tab in section_tabs(&SECTIONS, self.section, usize::from(tabs.width)) {
            spans.push(Span::raw(" ".repeat(tab.x.saturating_sub(at))));
            at = tab.x + tab.text.chars().count();
            let style = match tab.index {
                Some(index) if index == self.section => theme.active_tab(),
                _ => theme.dim(),
            };
            spans.push(Span::styled(tab.text, style));
        }
        frame.render_widget(Paragraph::new(cut_lines(Line::from(spans), tabs.width)), tabs);
        if self.section == GROWTH {
            if let Some(growth) = &self.growth {
                growth.draw(frame, body, theme, view.keymap);
            }
            return;
        }
        let lines = self.body(view, usize::from(body.width));
        let max_scroll = lines.len().saturating_sub(usize::from(body.height));
        let scroll = self.scroll.min(max_scroll);
        let visible: Vec<Line<'static>> =
            lines.into_iter().skip(scroll).take(usize::from(body.height)).collect();
        frame.render_widget(Paragraph::new(cut_lines(visible, body.width)), body);
        if let Some(reader) = &self.reader {
            reader.draw(frame, area, theme);
        }
    }
}
