//! Today: what needs the CSM today, one row per account holding all its
//! reasons (the strongest first, the others as short tags), ranked by one
//! score (see `metrics::triage` for the rule). A header counts rows by
//! reason; `f` shows one kind of reason only, `m` widens from my accounts to
//! my team's and everyone's. From a row: log a touch, set health, accept or
//! dismiss a suggestion, mark an overdue moment or a due task (its step due
//! soonest) done, snooze it (`Z` lists
//! what is snoozed and brings rows back), open the account. `space` marks
//! rows: snooze, set health, reassign the CSM or mark done then act on all
//! of them at once, in one transaction that one `u` undoes. Acting removes a
//! row or moves it (a renewal comes back when it enters its next window).
//!
//! Kept fast on a CSM with thousands of accounts: after a write only the
//! accounts written are read again (`read::today::today_rows_after`); the
//! rows of a reach left with `m` are kept for coming back to it; any other
//! read of rows already shown happens behind the screen
//! (`loaders::today`); drawing walks the visible window only. On a large
//! book the first screen's rows come without the scorecard bands, which a
//! whole read behind the first frame brings (`read::today::Bands`).

mod draw;

use crate::domain::task::TaskStatus;
use crate::metrics::triage::{FindingKind, ReasonKind};
use crate::read::today::{
    Reach, TodayFacts, TodayRow, reason_counts, renewal_comes_back, snoozed_kind, today_rows_after,
    today_rows_from, today_rows_in,
};
use crate::tui::action::Action;
use crate::tui::panes::{Cx, Pane, Request, View, Write};
use crate::tui::popups::{ConfirmPopup, Popup, SnoozedPopup, SnoozedRow};
use crate::tui::widgets::Cursor;
use crate::tui::work::{Done, Ticket};
use crate::tui::write::TaskWrite;
use ratatui::Frame;
use ratatui::layout::Rect;
use std::collections::HashSet;

const KEYS: &[(&str, Action)] = &[
    ("z", Action::Snooze),
    ("t", Action::AddTask),
    ("p", Action::StartPlaybook),
    ("A", Action::AcceptSuggestion),
    ("D", Action::DismissSuggestion),
    ("d", Action::RowDone),
    ("u", Action::Undo),
    ("space", Action::MarkRow),
    ("f", Action::FilterReason),
    ("m", Action::ToggleReach),
    ("x", Action::ClearFilters),
    ("Z", Action::ShowSnoozed),
];

const HINTS: &[Action] = &[
    Action::Open,
    Action::LogTouch,
    Action::Snooze,
    Action::RowDone,
    Action::MarkRow,
    Action::Undo,
    Action::FilterReason,
    Action::ToggleReach,
    Action::Help,
];

/// Today's rows, the view over them (reason filter, reach), the marks and
/// the cursor.
#[derive(Debug, Default)]
pub struct TodayPane {
    /// Every row of the reach, ranked.
    rows: Vec<TodayRow>,
    /// The reach `rows` were read for (`reach` differs while a wider or
    /// narrower reach is read).
    rows_reach: Reach,
    /// The rows of the reaches left with `m`, for coming back to them
    /// without a read; dropped on any write.
    kept: Vec<(Reach, Vec<TodayRow>)>,
    /// Rows were shown once: a read again happens behind the screen.
    shown: bool,
    /// The rows shown (indices into `rows`), in rank order.
    visible: Vec<usize>,
    /// Rows per reason kind over `rows`.
    counts: Vec<(ReasonKind, usize)>,
    filter: Option<ReasonKind>,
    reach: Reach,
    /// Accounts marked for a bulk action.
    marked: HashSet<String>,
    cursor: Cursor,
    user: String,
    my_accounts: usize,
    /// The read of a wider reach's rows under way; the rows shown until it
    /// answers are the previous ones.
    loading: Option<Ticket>,
    /// The rows shown lack the scorecard bands' suggestions: the first
    /// screen's of a large book, drawn before the bands were read
    /// (`read::today::Bands`); a whole read behind the screen replaces them.
    bands_pending: bool,
    /// That read is still to be started, once the first frame is drawn.
    bands_due: bool,
}

impl TodayPane {
    fn selected(&self) -> Option<&TodayRow> {
        self.visible.get(self.cursor.selected).and_then(|i| self.rows.get(*i))
    }

    /// The rows a bulk action takes: the marked ones shown, else the selected.
    fn targets(&self) -> Vec<&TodayRow> {
        if self.marked.is_empty() {
            return self.selected().into_iter().collect();
        }
        self.rows.iter().filter(|r| self.marked.contains(r.account_id())).collect()
    }

    /// The shown rows after a change of rows or filter; the cursor stays on
    /// the same account when it is still shown.
    fn rebuild(&mut self, keep: Option<String>) {
        let filter = self.filter;
        self.visible = (0..self.rows.len())
            .filter(|i| filter.is_none_or(|kind| self.rows[*i].has(kind)))
            .collect();
        let position =
            keep.and_then(|id| self.visible.iter().position(|i| self.rows[*i].account_id() == id));
        self.cursor.select(position.unwrap_or(self.cursor.selected), self.visible.len());
    }

    fn set_rows(&mut self, rows: Vec<TodayRow>) {
        let keep = self.selected().map(|r| r.account_id().to_string());
        self.rows = rows;
        self.counts = reason_counts(&self.rows);
        self.shown = true;
        if self.filter.is_some_and(|kind| !self.counts.iter().any(|(k, _)| *k == kind)) {
            self.filter = None;
        }
        if !self.marked.is_empty() {
            let present: HashSet<&str> = self.rows.iter().map(TodayRow::account_id).collect();
            self.marked.retain(|id| present.contains(id.as_str()));
        }
        self.rebuild(keep);
    }

    /// Shows the rows of the reach `reach`, keeping those shown until now
    /// for coming back to their reach.
    fn swap_rows(&mut self, reach: Reach, rows: Vec<TodayRow>) {
        let before = std::mem::take(&mut self.rows);
        let before_reach = std::mem::replace(&mut self.rows_reach, reach);
        self.kept.retain(|(r, _)| *r != before_reach && *r != reach);
        // Rows without their bands are read again, not kept.
        if self.shown && before_reach != reach && !self.bands_pending {
            self.kept.push((before_reach, before));
        }
        self.bands_pending = false;
        self.set_rows(rows);
    }

    /// After writes to the accounts `ids`: their rows read again and put
    /// in their places among the others, which are kept.
    fn update_rows(&mut self, ids: &[String], cx: &mut Cx<'_>) -> anyhow::Result<()> {
        // Rows kept for another reach would show these accounts as before.
        self.kept.clear();
        if self.loading.is_some() || !self.shown || self.rows_reach != self.reach {
            // A read under way started before the write: read again.
            return self.read_rows(cx);
        }
        let today = cx.clock.today();
        let owners = self.reach.owners(cx.store, cx.user, cx.config)?;
        let ids: HashSet<String> = ids.iter().cloned().collect();
        let facts = TodayFacts::read_accounts(cx.store, cx.user, owners, &ids, today, cx.config)?;
        let rows = today_rows_after(std::mem::take(&mut self.rows), facts, cx.book, cx.config);
        self.set_rows(rows);
        Ok(())
    }

    /// The writes that move renewal reasons on once the rows were acted on.
    fn follow_up(rows: &[&TodayRow], cx: &Cx<'_>) -> Vec<Write> {
        rows.iter()
            .flat_map(|row| row.triage.reasons.iter())
            .filter_map(|reason| match reason.kind {
                FindingKind::Renewal { window, date, .. } => Some(Write::Snooze {
                    account_id: reason.account_id.clone(),
                    key: reason.key.clone(),
                    until: renewal_comes_back(date, window, cx.clock.today(), cx.config),
                }),
                _ => None,
            })
            .collect()
    }

    /// The next reason kind to filter by, among those present.
    fn next_filter(&self) -> Option<ReasonKind> {
        let kinds: Vec<ReasonKind> = self.counts.iter().map(|(k, _)| *k).collect();
        match self.filter.and_then(|now| kinds.iter().position(|k| *k == now)) {
            None => kinds.first().copied(),
            Some(at) => kinds.get(at + 1).copied(),
        }
    }

    fn snooze(&self, cx: &Cx<'_>) -> Request {
        let rows = self.targets();
        let mut pairs = rows.iter().flat_map(|row| {
            row.triage.reasons.iter().map(|r| (r.account_id.clone(), r.key.clone()))
        });
        let Some((account_id, key)) = pairs.next() else { return Request::None };
        let (name, what) = match rows.as_slice() {
            [row] => (row.name().to_string(), reasons_text(row)),
            _ => (format!("{} marked accounts", rows.len()), "all their reasons".to_string()),
        };
        let mut popup =
            crate::tui::popups::SnoozePopup::new(&account_id, &name, &key, &what, cx.clock.today());
        popup.also = pairs.collect();
        Request::Popup(Popup::Snooze(Box::new(popup)))
    }

    fn set_health(&self, action: Action, cx: &Cx<'_>) -> Request {
        let rows = self.targets();
        let then = TodayPane::follow_up(&rows, cx);
        let Some(row) = rows.first() else { return Request::Ignored };
        if rows.len() > 1 {
            if action == Action::AcceptSuggestion {
                return Request::Message("accept works on one row: unmark the others (x)".into());
            }
            let mut popup = crate::tui::popups::HealthPopup::new(
                row.account_id(),
                &format!("{} marked accounts", rows.len()),
                None,
                "",
                then,
            );
            popup.also = rows[1..].iter().map(|r| r.account_id().to_string()).collect();
            return Request::Popup(Popup::Health(popup));
        }
        // `H` always asks for the colour first, as everywhere; only `A`
        // takes the suggestion's colour and reason.
        let (health, reason) = match (&row.suggestion, action) {
            (Some(s), Action::AcceptSuggestion) => (Some(s.health), s.reason()),
            (None, Action::AcceptSuggestion) => {
                return Request::Message("this row has no suggestion".to_string());
            }
            _ => (None, String::new()),
        };
        Request::Popup(Popup::health(row.account_id(), row.name(), health, &reason, then))
    }

    /// `d`: the overdue moments and the due tasks of the rows done. A task
    /// with steps has its open step due soonest marked done (the one the
    /// row is about), else the task itself.
    fn mark_done(&self, cx: &Cx<'_>) -> Request {
        let rows = self.targets();
        let mut writes = Vec::new();
        for reason in rows.iter().flat_map(|row| row.triage.reasons.iter()) {
            match reason.kind {
                FindingKind::MomentOverdue { id, .. } => {
                    writes.push(Write::MomentDone { account_id: reason.account_id.clone(), id });
                }
                FindingKind::TaskDue { id, due_on, .. } => {
                    let task = match cx.store.task(id) {
                        Ok(Some(task)) if task.status.is_open() => task,
                        Ok(_) => continue,
                        Err(error) => return Request::Message(format!("{error:#}")),
                    };
                    let step = task
                        .steps
                        .iter()
                        .filter(|s| s.status.is_open())
                        .find(|s| s.due_on == due_on)
                        .or_else(|| task.next_step())
                        .map(|s| s.position);
                    writes.push(Write::Task {
                        account_id: reason.account_id.clone(),
                        write: TaskWrite::Status { id, step, status: TaskStatus::Done },
                    });
                }
                _ => {}
            }
        }
        match (writes.is_empty(), rows.len()) {
            (false, _) => Request::Write(writes),
            (true, 0) => Request::None,
            (true, 1) => Request::Message("this row has no overdue moment or due task".to_string()),
            (true, _) => {
                Request::Message("no marked row has an overdue moment or a due task".to_string())
            }
        }
    }

    fn reassign(&self, cx: &Cx<'_>) -> Request {
        if self.marked.is_empty() {
            // One account: the owners popup of the account keys.
            return Request::Ignored;
        }
        let rows = self.targets();
        let Some(first) = rows.first() else { return Request::Ignored };
        let many: Vec<(String, String)> = rows
            .iter()
            .filter_map(|r| cx.book.by_id(r.account_id()))
            .map(|b| (b.id.clone(), b.am.clone()))
            .collect();
        let mut popup = crate::tui::popups::OwnersPopup::new(
            first.account_id(),
            &format!("{} marked accounts", rows.len()),
            "",
            "",
        );
        popup.many = many;
        Request::Popup(Popup::Owners(Box::new(popup)))
    }

    fn snoozed_list(&self, cx: &Cx<'_>) -> anyhow::Result<Request> {
        let today = cx.clock.today();
        let owners: HashSet<String> =
            self.reach.owners(cx.store, cx.user, cx.config)?.into_iter().collect();
        let rows = cx
            .store
            .snoozes(today)?
            .into_iter()
            .filter_map(|(account_id, key, until)| {
                let row = cx.book.by_id(&account_id)?;
                (self.reach == Reach::All || owners.contains(&row.csm)).then(|| SnoozedRow {
                    name: row.name.clone(),
                    kind: snoozed_kind(&key),
                    account_id,
                    key,
                    until,
                })
            })
            .collect();
        Ok(Request::Popup(Popup::Snoozed(SnoozedPopup { rows, selected: 0 })))
    }

    /// Reads the rows of the reach whole: the first screen's from the
    /// facts read beside the book, any other behind the screen while the
    /// rows shown stay (in the foreground only for a book in memory).
    fn read_rows(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        let today = cx.clock.today();
        self.loading = None;
        if let (Reach::Mine, Some(facts)) = (self.reach, cx.today_facts.take())
            && facts.is_for(cx.user, today)
        {
            let pending = facts.bands_pending();
            let rows = today_rows_from(facts, cx.book, cx.config);
            self.swap_rows(Reach::Mine, rows);
            // The bands are read whole once the first frame is drawn.
            self.bands_pending = pending;
            self.bands_due = pending;
            return Ok(());
        }
        self.bands_due = false;
        // Other CSMs' facts, the whole book, or rows already on the screen:
        // read behind it.
        if (self.shown || self.reach != Reach::Mine) && self.read_behind(cx) {
            return Ok(());
        }
        let rows = today_rows_in(cx.store, cx.book, cx.user, self.reach, today, cx.config)?;
        self.swap_rows(self.reach, rows);
        Ok(())
    }

    /// Starts reading the reach's rows whole behind the screen; `false`
    /// when the store has no file to read them from aside.
    fn read_behind(&mut self, cx: &mut Cx<'_>) -> bool {
        let ask = crate::tui::loaders::today::Ask {
            user: cx.user.to_string(),
            reach: self.reach,
            today: cx.clock.today(),
            config: cx.config.clone(),
        };
        self.loading = crate::tui::loaders::today::start(cx.store, ask, cx.work);
        self.loading.is_some()
    }

    /// Waits for the rows with their bands when those shown still lack
    /// them: a suggestion is accepted or dismissed whole, never without the
    /// band that may change it.
    fn await_bands(&mut self, cx: &mut Cx<'_>) {
        if !self.bands_pending {
            return;
        }
        if std::mem::take(&mut self.bands_due) && !self.read_behind(cx) {
            return;
        }
        if let Some(ticket) = self.loading {
            let done = cx.work.wait(ticket);
            let _ = self.receive(ticket, done);
        }
    }
}

/// A row's reasons in words, for the snooze popup.
fn reasons_text(row: &TodayRow) -> String {
    let mut kinds: Vec<&str> = Vec::new();
    for reason in &row.triage.reasons {
        let label = reason.kind.label();
        if !kinds.contains(&label) {
            kinds.push(label);
        }
    }
    kinds.join(", ")
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
        self.kept.clear();
        self.read_rows(cx)?;
        self.user = cx.user.to_string();
        self.my_accounts = cx.book.rows().iter().filter(|r| r.csm == cx.user).count();
        Ok(())
    }

    fn refresh_accounts(&mut self, ids: &[String], cx: &mut Cx<'_>) -> anyhow::Result<()> {
        self.update_rows(ids, cx)
    }

    fn behind_first_frame(&mut self, cx: &mut Cx<'_>) {
        if std::mem::take(&mut self.bands_due) && self.reach == Reach::Mine && !self.read_behind(cx)
        {
            // No file to read aside: the rows are read whole here.
            if let Ok(rows) =
                today_rows_in(cx.store, cx.book, cx.user, Reach::Mine, cx.clock.today(), cx.config)
            {
                self.swap_rows(Reach::Mine, rows);
            }
        }
    }

    fn resize(&mut self, area: Rect, _cx: &mut Cx<'_>) {
        // Border (2), counts (1), header (1), detail.
        let around = 4 + draw::DETAIL_HEIGHT;
        self.cursor.set_height(usize::from(area.height.saturating_sub(around)), self.visible.len());
    }

    fn update(&mut self, action: Action, cx: &mut Cx<'_>) -> Request {
        let len = self.visible.len();
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
                    .map_or(Request::None, |r| Request::OpenAccount(r.account_id().to_string()));
            }
            Action::LogTouch => {
                let Some(row) = self.selected() else { return Request::Ignored };
                let then = TodayPane::follow_up(&[row], cx);
                return Request::Popup(Popup::note(row.account_id(), row.name(), then));
            }
            Action::SetHealth => return self.set_health(action, cx),
            Action::AcceptSuggestion => {
                self.await_bands(cx);
                return self.set_health(action, cx);
            }
            Action::DismissSuggestion => {
                self.await_bands(cx);
                let Some(row) = self.selected() else { return Request::None };
                let Some(suggestion) = &row.suggestion else {
                    return Request::Message("this row has no suggestion".to_string());
                };
                return Request::Popup(Popup::Confirm(ConfirmPopup {
                    message: format!(
                        "Dismiss the suggestion [{}] for {}? It comes back only if its signals change.",
                        suggestion.health.letter(),
                        row.name()
                    ),
                    writes: vec![Write::Dismiss {
                        account_id: row.account_id().to_string(),
                        signals: suggestion.signals.iter().map(|s| s.key.clone()).collect(),
                    }],
                }));
            }
            Action::Snooze => return self.snooze(cx),
            Action::RowDone => return self.mark_done(cx),
            Action::EditOwners => return self.reassign(cx),
            Action::MarkRow => {
                let Some(id) = self.selected().map(|r| r.account_id().to_string()) else {
                    return Request::None;
                };
                if !self.marked.remove(&id) {
                    self.marked.insert(id);
                }
                self.cursor.move_by(1, len);
            }
            Action::FilterReason => {
                let keep = self.selected().map(|r| r.account_id().to_string());
                self.filter = self.next_filter();
                self.rebuild(keep);
            }
            Action::ClearFilters => {
                let keep = self.selected().map(|r| r.account_id().to_string());
                self.filter = None;
                self.marked.clear();
                self.rebuild(keep);
            }
            Action::ToggleReach => {
                self.reach = self.reach.next(cx.config);
                let reach = self.reach;
                if let Some(at) = self.kept.iter().position(|(r, _)| *r == reach) {
                    // Back to a reach shown before: its rows were kept.
                    self.loading = None;
                    let (_, rows) = self.kept.swap_remove(at);
                    self.swap_rows(reach, rows);
                } else if let Err(error) = self.read_rows(cx) {
                    return Request::Message(format!("{error:#}"));
                }
            }
            Action::ShowSnoozed => {
                return self
                    .snoozed_list(cx)
                    .unwrap_or_else(|e| Request::Message(format!("{e:#}")));
            }
            _ => return Request::Ignored,
        }
        Request::None
    }

    fn click(&mut self, _column: u16, row: u16, _cx: &mut Cx<'_>) -> Request {
        let len = self.visible.len();
        if row < 3 {
            return Request::None;
        }
        let Some(index) = self.cursor.row_at(usize::from(row - 3), len) else {
            return Request::None;
        };
        if index == self.cursor.selected {
            return self
                .selected()
                .map_or(Request::None, |r| Request::OpenAccount(r.account_id().to_string()));
        }
        self.cursor.select(index, len);
        Request::None
    }

    fn receive(&mut self, ticket: Ticket, done: Done) -> Option<Done> {
        if self.loading != Some(ticket) {
            return Some(done);
        }
        self.loading = None;
        match done {
            Done::TodayRows(rows) => match *rows {
                Ok(rows) => self.swap_rows(self.reach, rows),
                // The rows of the previous reach stay, and so does its label.
                Err(_) => self.reach = self.rows_reach,
            },
            Done::Stopped(_) => self.reach = self.rows_reach,
            other => return Some(other),
        }
        None
    }

    fn selected_account(&self, _book: &crate::read::book::BookIndex) -> Option<String> {
        self.selected().map(|r| r.account_id().to_string())
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        draw::draw(self, frame, area, view);
    }
}
