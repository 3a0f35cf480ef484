//! The pipeline view of Targets (`P`): every opportunity in the book — red
//! accounts' too — by stage then close date (`read::pipeline`, the list
//! `cockpit opportunities` prints), with the count and ARR per stage and
//! per owner, narrowed by mine, stage and owner, and worked in place with
//! the keys of `deals.rs`. Read once when shown and after each write; a
//! filter re-orders the rows kept, never the store. Drawing reads only.

use crate::domain::opportunity::OpportunityStage;
use crate::read::pipeline::{Pipeline, PipelineFilter, Total, from_rows};
use crate::store::Store;
use crate::store::opportunities::OpportunityRow;
use crate::tui::action::Action;
use crate::tui::keymap::{PANE_LAYERS, Table};
use crate::tui::panes::{Request, View};
use crate::tui::widgets::cut::cut_lines;
use crate::tui::widgets::{Cursor, fit, pad};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use std::collections::BTreeSet;

/// The view's keymap scope (the pane's scope while it is shown).
pub const SCOPE: &str = "pipeline";

/// Its keys, with the list's, the selected account's and the global ones.
pub const KEYS: &[(&str, Action)] = &[
    ("P", Action::ShowPipeline),
    ("+", Action::AdvanceOpportunity),
    (">", Action::AdvanceOpportunity),
    ("-", Action::RegressOpportunity),
    ("<", Action::RegressOpportunity),
    ("L", Action::LoseOpportunity),
    ("E", Action::EditOpportunity),
    ("O", Action::RecordOpportunity),
    ("u", Action::Undo),
    ("m", Action::FilterMine),
    ("s", Action::FilterStage),
    ("a", Action::FilterOwner),
    ("x", Action::ClearFilters),
];

/// The footer's hints, most useful first.
pub const HINTS: &[Action] = &[
    Action::AdvanceOpportunity,
    Action::RegressOpportunity,
    Action::EditOpportunity,
    Action::LoseOpportunity,
    Action::Undo,
    Action::ShowPipeline,
    Action::Help,
];

/// The view's table, for the keymap.
pub fn key_table() -> Table {
    Table::pane(SCOPE, "Targets: the pipeline", KEYS, PANE_LAYERS)
}

/// Lines under the list: a rule, two of stage totals, the owners, the
/// selected deal, the filter.
const BELOW: u16 = 6;

/// The pipeline as shown: every row read, and the filtered, ordered list.
#[derive(Debug, Default)]
pub struct PipelineView {
    rows: Vec<OpportunityRow>,
    pub filter: PipelineFilter,
    pub shown: Pipeline,
    cursor: Cursor,
    /// The owners the owner filter cycles through, by name.
    owners: Vec<String>,
    height: usize,
}

impl PipelineView {
    /// Reads every opportunity.
    pub fn load(store: &Store) -> anyhow::Result<PipelineView> {
        let mut view = PipelineView::default();
        view.reload(store)?;
        Ok(view)
    }

    /// Reads the opportunities again, keeping the filter and the cursor on
    /// the same deal when it is still listed.
    pub fn reload(&mut self, store: &Store) -> anyhow::Result<()> {
        self.rows = store.opportunity_rows(false)?;
        let owners: BTreeSet<&str> = self
            .rows
            .iter()
            .map(|r| r.opportunity.fields.owner.as_str())
            .filter(|o| !o.is_empty())
            .collect();
        self.owners = owners.into_iter().map(str::to_string).collect();
        self.apply();
        Ok(())
    }

    fn apply(&mut self) {
        let keep = self.selected().map(|r| r.opportunity.id);
        self.shown = from_rows(self.rows.clone(), &self.filter);
        let at = keep
            .and_then(|id| self.shown.rows.iter().position(|r| r.opportunity.id == id))
            .unwrap_or(self.cursor.selected);
        self.cursor.set_height(self.height.max(1), self.shown.rows.len());
        self.cursor.select(at, self.shown.rows.len());
    }

    pub fn selected(&self) -> Option<&OpportunityRow> {
        self.shown.rows.get(self.cursor.selected)
    }

    pub fn resize(&mut self, area: Rect) {
        // Border (2), header (1), the lines below.
        self.height = usize::from(area.height.saturating_sub(3 + BELOW)).max(1);
        self.cursor.set_height(self.height, self.shown.rows.len());
    }

    /// Applies a key's action: moves, filters; `None` when it is not the
    /// view's (the deal keys, Enter, the app's).
    pub fn update(&mut self, action: Action, user: &str) -> Option<Request> {
        let len = self.shown.rows.len();
        match action {
            Action::Up => self.cursor.move_by(-1, len),
            Action::Down => self.cursor.move_by(1, len),
            Action::PageUp => self.cursor.page(false, len),
            Action::PageDown => self.cursor.page(true, len),
            Action::Top => self.cursor.select(0, len),
            Action::Bottom => self.cursor.select(len.saturating_sub(1), len),
            Action::FilterMine => {
                self.filter.mine =
                    if self.filter.mine.is_some() { None } else { Some(user.to_string()) };
                self.apply();
            }
            Action::FilterStage => {
                self.filter.stage =
                    super::cycle_option(&OpportunityStage::ALL, self.filter.stage.as_ref());
                self.apply();
            }
            Action::FilterOwner => {
                self.filter.owner = super::cycle_option(&self.owners, self.filter.owner.as_ref());
                self.apply();
            }
            Action::ClearFilters => {
                self.filter = PipelineFilter::default();
                self.apply();
            }
            _ => return None,
        }
        Some(Request::None)
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let theme = view.theme;
        let open = self.shown.open;
        let title = Line::from(vec![
            Span::styled(" Pipeline ", theme.title()),
            Span::styled(
                format!(
                    "· {} open, {} · by stage and close date (P: targets) ",
                    open.count,
                    open.arr.to_short()
                ),
                theme.dim(),
            ),
        ]);
        let block = Block::bordered().title(title).border_style(theme.border(view.active));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if inner.height < BELOW + 2 {
            return;
        }
        let list_area = Rect { height: inner.height - BELOW, ..inner };
        let below = Rect { y: inner.y + inner.height - BELOW, height: BELOW, ..inner };
        let width = usize::from(inner.width);
        let wide = inner.width >= super::WIDE;
        // stage close account product ARR owner [next step]
        // The owner's name whole on a wide screen (up to 24 cells), the
        // account's next, then the next step takes the rest.
        let longest_owner = self
            .shown
            .rows
            .iter()
            .map(|r| crate::text::inert::width(&r.opportunity.fields.owner))
            .max()
            .unwrap_or(0);
        let owner_w = if wide { longest_owner.clamp(10, 24) } else { 6 };
        let (stage_w, close_w, money_w) = (10, 10, 7);
        let product_w = if wide { 14 } else { 9 };
        let fixed = stage_w + close_w + money_w + owner_w + product_w + 7;
        let rest = width.saturating_sub(fixed);
        let (account_w, next_w) = if wide {
            let account = (rest / 2).clamp(8, 30);
            (account, rest.saturating_sub(account + 1))
        } else {
            (rest.max(4), 0)
        };
        let mut header = format!(
            "{} {} H {} {} {} {}",
            pad("Stage", stage_w, false),
            pad("Close", close_w, false),
            pad("Account", account_w, false),
            pad("Product", product_w, false),
            pad("ARR", money_w, true),
            pad("Owner", owner_w, false),
        );
        if next_w > 0 {
            header.push(' ');
            header.push_str(&pad("Next step", next_w, false));
        }
        let mut lines = vec![Line::from(Span::styled(header, theme.header()))];
        if self.rows.is_empty() {
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled("  No opportunity yet.", theme.title())));
            lines.push(Line::from(format!(
                "  {} records one on the selected deal's account; on a target, O in the list.",
                view.keymap.label(SCOPE, Action::RecordOpportunity)
            )));
        } else if self.shown.rows.is_empty() {
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(
                format!("  No opportunity matches: {}", self.filter.words()),
                theme.warn(),
            )));
            lines.push(Line::from(format!(
                "  {} clears the filters.",
                view.keymap.label(SCOPE, Action::ClearFilters)
            )));
        }
        let window = self.cursor.window(self.shown.rows.len());
        let first = window.start;
        for position in window {
            let Some(row) = self.shown.rows.get(position) else { continue };
            let fields = &row.opportunity.fields;
            // The stage once per group (and at the top of the screen).
            let previous = position.checked_sub(1).and_then(|p| self.shown.rows.get(p));
            let new_group = position == first
                || previous.is_none_or(|p| p.opportunity.fields.stage != fields.stage);
            let stage = if new_group { fields.stage.as_str() } else { "" };
            let close = fields.close_date.map_or("—".to_string(), |d| d.to_string());
            let late = fields.stage.is_open() && fields.close_date.is_some_and(|d| d < view.today);
            let owner = if fields.owner.is_empty() { "—" } else { &fields.owner };
            let mut spans = vec![
                Span::styled(
                    format!("{} ", pad(stage, stage_w, false)),
                    stage_style(fields.stage, theme),
                ),
                Span::styled(
                    format!("{} ", pad(&close, close_w, false)),
                    if late { theme.warn() } else { theme.dim() },
                ),
                // The account's health now: a red account's deal is here too.
                theme.health(view.book.by_id(&row.opportunity.account_id).and_then(|r| r.health)),
                Span::raw(format!(
                    " {} {} {} ",
                    pad(&row.account_name, account_w, false),
                    pad(&fields.product, product_w, false),
                    pad(&fields.arr.to_short(), money_w, true)
                )),
                Span::styled(pad(owner, owner_w, false), theme.dim()),
            ];
            if next_w > 0 {
                spans.push(Span::raw(format!(" {}", fit(&fields.next_step, next_w))));
            }
            let mut line = Line::from(spans);
            if position == self.cursor.selected {
                line = theme.select(line);
            }
            lines.push(line);
        }
        frame.render_widget(Paragraph::new(cut_lines(lines, list_area.width)), list_area);
        frame.render_widget(
            Paragraph::new(self.below_lines(view, width))
                .block(Block::new().borders(Borders::TOP).border_style(theme.dim())),
            below,
        );
        let count = format!("{} of {} opportunities ", self.shown.rows.len(), self.rows.len());
        let footer = Rect { y: below.y + below.height - 1, height: 1, ..below };
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(count, theme.dim())))
                .alignment(Alignment::Right),
            footer,
        );
    }

    /// The totals per stage and owner, the selected deal, the filter.
    fn below_lines(&self, view: &View<'_>, width: usize) -> Vec<Line<'static>> {
        let theme = view.theme;
        let total = |stage: OpportunityStage| {
            let t = self.shown.by_stage.iter().find(|(s, _)| *s == stage).map(|(_, t)| *t);
            let t: Total = t.unwrap_or_default();
            format!("{} {} · {}", stage.as_str(), t.count, t.arr.to_short())
        };
        let stages = |all: &[OpportunityStage]| -> String {
            all.iter().map(|s| total(*s)).collect::<Vec<_>>().join("   ")
        };
        use OpportunityStage as S;
        let open_line = stages(&[S::Identified, S::Qualified, S::Proposal, S::Commit]);
        let closed_line = format!(
            "{}   open {} · {}",
            stages(&[S::Won, S::Lost]),
            self.shown.open.count,
            self.shown.open.arr.to_short()
        );
        let owners: Vec<String> = self
            .shown
            .by_owner
            .iter()
            .map(|(owner, open, won)| {
                let owner = if owner.is_empty() { "no owner" } else { owner };
                format!(
                    "{owner} {} open {} / {} won {}",
                    open.count,
                    open.arr.to_short(),
                    won.count,
                    won.arr.to_short()
                )
            })
            .collect();
        let selected = match self.selected() {
            Some(row) => {
                let fields = &row.opportunity.fields;
                let mut text = format!(
                    "{} · {} {} ({}) · next step: {}",
                    row.account_name,
                    fields.product,
                    fields.kind.as_str().replace('_', "-"),
                    fields.arr,
                    if fields.next_step.is_empty() { "—" } else { &fields.next_step }
                );
                if let Some(lost) = &row.opportunity.lost {
                    let kind = if lost.controllable { "controllable" } else { "uncontrollable" };
                    text.push_str(&format!(" · lost: {} ({kind})", lost.reason));
                }
                text
            }
            None => String::new(),
        };
        let filter = self.filter.words();
        vec![
            Line::from(Span::raw(fit(&open_line, width))),
            Line::from(Span::raw(fit(&closed_line, width))),
            Line::from(vec![
                Span::styled("Owners ", theme.header()),
                Span::raw(fit(&owners.join(" · "), width.saturating_sub(7))),
            ]),
            Line::from(Span::styled(fit(&selected, width), theme.title())),
            if filter.is_empty() {
                Line::from(Span::styled(
                    fit("red accounts' deals included", width.saturating_sub(26)),
                    theme.dim(),
                ))
            } else {
                Line::from(Span::styled(
                    fit(&format!("filter: {filter}"), width.saturating_sub(26)),
                    theme.warn(),
                ))
            },
        ]
    }
}

fn stage_style(stage: OpportunityStage, theme: crate::tui::theme::Theme) -> ratatui::style::Style {
    match stage {
        OpportunityStage::Won => theme.key(),
        OpportunityStage::Lost => theme.dim(),
        _ => theme.header(),
    }
}
