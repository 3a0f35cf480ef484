//! Upsell targets, the hunter's list: accounts with whitespace ranked by the
//! rule of `metrics::targets` (shown in `?` help), filtered by AM, product,
//! stage, health and tier (each key cycles its values), with the selected
//! row's score parts underneath, its opportunities and its cross-sell
//! candidates. `O` records an opportunity; `+` advances the account's open
//! one, `L` marks it lost. `P` shows the pipeline instead (`pipeline.rs`),
//! `X` the cross-sell adoption grid (`grid.rs`); each has its own keys.
//! A lapsed or churned account is not a target unless an open opportunity
//! holds it (`read::positions`).
//!
//! The ranked list is read once on refresh; a filter is a walk over it in
//! rank order, kept as indices, so a key never re-ranks the book. Recording
//! an opportunity changes no rank, so only the opportunities are re-read
//! after one. Drawing reads only.

use crate::domain::Health;
use crate::domain::opportunity::{Opportunity, OpportunityStage};
use crate::domain::{Money, Stage};
use crate::metrics::board::Standing;
use crate::metrics::targets::{
    RED_SPELL_DAYS, RENEWAL_GUARD_DAYS, Target, TargetFilter, TargetList, explain,
};
use crate::read::book::BookIndex;
use crate::tui::action::Action;
use crate::tui::forms::four_a::OpportunityForm;
use crate::tui::forms::lost::LostForm;
use crate::tui::loaders::targets::shared;
use crate::tui::panes::board::{NamesIn, WIDE, absorption_percent};
use crate::tui::panes::{Cx, Pane, Request, View, Write};
use crate::tui::popups::{ConfirmPopup, Popup};
use crate::tui::widgets::{Cursor, fit};
use crate::tui::work::{Done, Holders, Ticket};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use std::collections::{BTreeSet, HashMap};

pub mod deals;
mod draw;
pub mod grid;
pub mod pipeline;
mod sieve;
#[cfg(test)]
mod tests;
mod views;

const KEYS: &[(&str, Action)] = &[
    ("a", Action::FilterAm),
    ("m", Action::FilterMine),
    ("u", Action::FilterNoAm),
    ("p", Action::FilterProduct),
    ("s", Action::FilterStage),
    ("h", Action::FilterHealth),
    ("t", Action::FilterTier),
    ("x", Action::ClearFilters),
    ("O", Action::RecordOpportunity),
    ("+", Action::AdvanceOpportunity),
    ("L", Action::LoseOpportunity),
    ("P", Action::ShowPipeline),
    ("X", Action::ShowCrossSell),
];

const HINTS: &[Action] = &[
    Action::Open,
    Action::RecordOpportunity,
    Action::AdvanceOpportunity,
    Action::FilterAm,
    Action::FilterProduct,
    Action::ShowPipeline,
    Action::ShowCrossSell,
    Action::Help,
];

/// The ranking rule, for `?` help (the same rule `metrics::targets` documents).
const RULE: &[(&str, &str)] = &[
    ("targets", "accounts with whitespace, not red now"),
    ("priority", "whitespace × the four weights below"),
    ("health", "G 100% · Y 80% · O 30% · unset 50%"),
    ("stage", "absorption, adaptation 100%"),
    ("", "adoption 50% · addiction 20%"),
    ("renewal", "20% if it renews within 60 days"),
    ("red spell", "30% if red in the last 90 days"),
    ("order", "priority, whitespace, account id"),
];

/// What `refresh` expects after a write this pane asked for.
#[derive(Debug, Clone)]
enum Expect {
    /// One more opportunity on this account.
    Added { account_id: String, before: usize },
    /// This opportunity moved to this stage.
    Moved { id: i64, to: OpportunityStage },
}

/// One row of the list: its target, and its account's names and figures.
#[derive(Debug, Clone, Copy)]
struct Pick<'a> {
    target: &'a Target,
    id: &'a str,
    name: &'a str,
    am: &'a str,
    account: &'a Standing,
}

/// The ranked list, the filter and the cursor.
#[derive(Debug, Default)]
pub struct TargetsPane {
    list: Option<TargetList>,
    /// The list points into the book's rows for its names (built from the
    /// whole book in memory), rather than holding its own.
    names_in_book: bool,
    filter: TargetFilter,
    /// Positions in `list.ranked` that pass the filter, best first, as far
    /// as the filter has walked (see `sieve.rs`).
    visible: Vec<u32>,
    /// Where the filter's walk of the ranked list goes on, while counting.
    scan: Option<usize>,
    cursor: Cursor,
    /// The AMs the AM filter cycles through, read with the holders.
    ams: Option<Vec<String>>,
    /// Each product's holders, read once on the first product filter and
    /// again after a write.
    holders: Option<Holders>,
    /// The holders and AMs being read on a connection of their own since
    /// the first key after the list loaded (not to slow the first frame),
    /// so that the first filter does not wait for them (`loaders/targets.rs`).
    background: Option<Ticket>,
    /// The background read is to start at the next key.
    background_due: bool,
    tiers: u8,
    /// Each account's opportunities, open ones first.
    opportunities: HashMap<String, Vec<Opportunity>>,
    expect: Option<Expect>,
    /// The whitespace of the visible rows, summed as the filter walks.
    visible_whitespace: Money,
    user: String,
    area: Rect,
    /// The pipeline, while it is shown instead of the list.
    pipeline: Option<pipeline::PipelineView>,
    /// The ranked list needs reading again (a write made in the pipeline).
    stale: bool,
    /// The cross-sell grid is shown instead of the list, scrolled this far.
    grid: Option<usize>,
    /// The cross-sell picture, once read.
    cross_sell: Option<crate::tui::loaders::targets::CrossSellRead>,
    /// The cross-sell picture being read behind the screen.
    cross_sell_ticket: Option<Ticket>,
}

fn cycle_option<T: Clone + PartialEq>(values: &[T], current: Option<&T>) -> Option<T> {
    match current {
        None => values.first().cloned(),
        Some(value) => {
            let at = values.iter().position(|v| v == value);
            at.and_then(|i| values.get(i + 1)).cloned()
        }
    }
}

impl TargetsPane {
    /// Takes in what the background read found.
    fn take_background(&mut self, done: Done) {
        if let Done::Holders(Ok((holders, ams))) = done {
            self.holders.get_or_insert(holders);
            self.ams.get_or_insert(ams);
        }
    }

    /// Each product's holders: from the background read (waiting for it if
    /// it is under way), else read now.
    fn holders(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<&Holders> {
        if self.holders.is_none()
            && let Some(ticket) = self.background.take()
        {
            let done = cx.work.wait(ticket);
            self.take_background(done);
        }
        if self.holders.is_none() {
            self.holders = Some(shared(cx.store.product_holders_all()?));
        }
        Ok(self.holders.get_or_insert_default())
    }

    /// The AMs to cycle through: from the background read if it is done
    /// (not waiting for it), else from the list's accounts, each once, in
    /// byte order.
    fn ams(&mut self, book: &BookIndex) -> &[String] {
        if self.ams.is_none() {
            let accounts = self.list.as_ref().map_or(0, |l| l.standings.len());
            let names = self.names(book);
            let ams: BTreeSet<&str> = (0..accounts)
                .filter_map(|i| u32::try_from(i).ok())
                .map(|i| names.am(i))
                .filter(|am| !am.is_empty())
                .collect();
            self.ams = Some(ams.into_iter().map(str::to_string).collect());
        }
        self.ams.as_deref().unwrap_or_default()
    }

    /// Starts reading every product's holders and the AMs on a connection
    /// of its own (a database file only; in memory they are read when first
    /// needed).
    fn start_background(&mut self, cx: &mut Cx<'_>) {
        self.background = crate::tui::loaders::targets::start(cx.work, cx.store.path());
    }

    /// The list's account names: the book's rows it was built from, or its own.
    fn names<'a>(&'a self, book: &'a BookIndex) -> NamesIn<'a> {
        match &self.list {
            Some(list) if !self.names_in_book => NamesIn::Own(&list.names),
            _ => NamesIn::Book(book.rows()),
        }
    }

    /// The target shown at `position` of the visible rows.
    fn target_at(&self, position: usize) -> Option<&Target> {
        let list = self.list.as_ref()?;
        list.ranked.get(usize::try_from(*self.visible.get(position)?).ok()?)
    }

    fn row<'a>(&'a self, position: usize, book: &'a BookIndex) -> Option<Pick<'a>> {
        let list = self.list.as_ref()?;
        let target = self.target_at(position)?;
        let names = self.names(book);
        let account = TargetList::account(target);
        Some(Pick {
            target,
            id: names.id(account),
            name: names.name(account),
            am: names.am(account),
            account: list.standings.get(target.index)?,
        })
    }

    fn selected<'a>(&'a self, book: &'a BookIndex) -> Option<Pick<'a>> {
        self.row(self.cursor.selected, book)
    }

    fn open_opportunity(&self, account_id: &str) -> Option<&Opportunity> {
        self.opportunities.get(account_id)?.iter().find(|o| o.fields.stage.is_open())
    }

    fn load_opportunities(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        self.opportunities.clear();
        for row in cx.store.opportunity_rows(false)? {
            self.opportunities
                .entry(row.opportunity.account_id.clone())
                .or_default()
                .push(row.opportunity);
        }
        Ok(())
    }

    fn expected_done(&self) -> bool {
        match &self.expect {
            Some(Expect::Added { account_id, before }) => {
                self.opportunities.get(account_id).map_or(0, Vec::len) == before + 1
            }
            Some(Expect::Moved { id, to }) => {
                self.opportunities.values().flatten().any(|o| o.id == *id && o.fields.stage == *to)
            }
            None => false,
        }
    }

    fn set_height(&mut self) {
        // Border (2), header (1), detail (5), footer (1).
        let height = usize::from(self.area.height.saturating_sub(9)).max(1);
        self.cursor.set_height(height, self.visible.len());
    }

    fn filter_words(&self) -> String {
        let mut parts = Vec::new();
        if let Some(am) = &self.filter.am {
            parts.push(format!("AM {am}"));
        }
        if self.filter.mine.is_some() {
            parts.push("my book".to_string());
        }
        if self.filter.no_am {
            parts.push("no AM".to_string());
        }
        if let Some((product, _)) = &self.filter.product {
            parts.push(format!("product {product}"));
        }
        if let Some(stage) = self.filter.stage {
            parts.push(format!("stage {}", stage.as_str()));
        }
        if let Some(health) = self.filter.health {
            parts.push(format!("health {}", health.as_str()));
        }
        if let Some(tier) = self.filter.tier {
            parts.push(format!("tier {tier}"));
        }
        parts.join(" · ")
    }

    fn confirm_move(&mut self, to_lost: bool, book: &BookIndex) -> Request {
        let Some(position) = self.selected(book) else {
            return Request::Message("no target selected".to_string());
        };
        let Some(opportunity) = self.open_opportunity(position.id) else {
            return Request::Message(format!(
                "{} has no open opportunity: O records one",
                position.name
            ));
        };
        let from = opportunity.fields.stage;
        if to_lost {
            // A lost opportunity needs a reason: the form asks for it.
            let what = format!(
                "{} {} on {} ({})",
                opportunity.fields.product,
                opportunity.fields.arr.to_short(),
                position.name,
                from.as_str()
            );
            let form = LostForm::new(position.id, opportunity.id, &what);
            self.expect = Some(Expect::Moved { id: opportunity.id, to: OpportunityStage::Lost });
            return Request::Popup(Popup::Lost(Box::new(form)));
        }
        let to = from.next().unwrap_or(OpportunityStage::Won);
        let message = format!(
            "Advance {} ({}) on {}: {} → {}?",
            opportunity.fields.product,
            opportunity.fields.arr.to_short(),
            position.name,
            from.as_str(),
            to.as_str()
        );
        let write = Write::OpportunityStage {
            account_id: position.id.to_string(),
            id: opportunity.id,
            stage: to,
        };
        self.expect = Some(Expect::Moved { id: opportunity.id, to });
        Request::Popup(Popup::Confirm(ConfirmPopup { message, writes: vec![write] }))
    }
}

impl Pane for TargetsPane {
    fn title(&self) -> &'static str {
        "Targets"
    }

    fn scope(&self) -> &'static str {
        if self.pipeline.is_some() {
            pipeline::SCOPE
        } else if self.grid.is_some() {
            grid::SCOPE
        } else {
            "targets"
        }
    }

    fn keys(&self) -> &'static [(&'static str, Action)] {
        KEYS
    }

    fn hints(&self) -> &'static [Action] {
        if self.pipeline.is_some() {
            pipeline::HINTS
        } else if self.grid.is_some() {
            grid::HINTS
        } else {
            HINTS
        }
    }

    fn help_notes(&self) -> &'static [(&'static str, &'static str)] {
        RULE
    }

    fn refresh(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        self.user = cx.user.to_string();
        if let Some(view) = &mut self.pipeline {
            // The list is read again when it is shown again, not on every
            // write made here.
            view.reload(cx.store)?;
            self.stale = true;
            self.cross_sell = None;
            return Ok(());
        }
        self.stale = false;
        self.load_opportunities(cx)?;
        let patched = self.list.is_some() && self.expected_done();
        self.expect = None;
        if !patched {
            let today = cx.clock.today();
            let in_book = cx.book.is_complete();
            let list = if in_book {
                crate::read::positions::target_list_from_rows(
                    cx.store,
                    cx.book.rows(),
                    today,
                    cx.config,
                )?
            } else {
                crate::read::positions::target_list(cx.store, today, cx.config)?
            };
            self.tiers = list.standings.iter().map(|s| s.tier).max().unwrap_or(1);
            self.list = Some(list);
            self.names_in_book = in_book;
            self.holders = None;
            self.ams = None;
            self.background = None;
            self.background_due = true;
            if let Some((product, _)) = self.filter.product.take() {
                let holders = self.holders(cx)?.get(&product).cloned().unwrap_or_default();
                self.filter.product = Some((product, holders));
            }
            self.apply_filter(cx.book);
            // The cross-sell picture is read behind the screen (in memory, now).
            self.cross_sell = None;
            self.cross_sell_ticket =
                crate::tui::loaders::targets::start_cross_sell(cx.work, cx.store.path());
            if self.cross_sell_ticket.is_none() {
                self.cross_sell = Some(crate::tui::loaders::targets::read_cross_sell(cx.store)?);
            }
        }
        self.set_height();
        Ok(())
    }

    fn receive(&mut self, ticket: Ticket, done: Done) -> Option<Done> {
        if self.cross_sell_ticket == Some(ticket) {
            self.cross_sell_ticket = None;
            self.take_cross_sell(done);
            return None;
        }
        if self.background != Some(ticket) {
            return Some(done);
        }
        self.background = None;
        self.take_background(done);
        None
    }

    fn counting(&self) -> bool {
        self.is_counting()
    }

    fn count_step(&mut self, book: &BookIndex) -> bool {
        self.settle_view(book)
    }

    fn resize(&mut self, area: Rect, _cx: &mut Cx<'_>) {
        self.area = area;
        self.set_height();
        if let Some(view) = &mut self.pipeline {
            view.resize(area);
        }
    }

    fn update(&mut self, action: Action, cx: &mut Cx<'_>) -> Request {
        if std::mem::take(&mut self.background_due) {
            self.start_background(cx);
        }
        if self.pipeline.is_some() {
            return self.pipeline_update(action, cx);
        }
        if let Some(scroll) = &mut self.grid {
            match action {
                Action::ShowCrossSell | Action::Back => self.grid = None,
                Action::Down => *scroll += 1,
                Action::Up => *scroll = scroll.saturating_sub(1),
                Action::Top => *scroll = 0,
                _ => return Request::Ignored,
            }
            return Request::None;
        }
        let len = self.visible.len();
        match action {
            Action::Up => self.cursor.move_by(-1, len),
            Action::Down => {
                self.extend_view(self.cursor.selected + 2, cx.book);
                self.cursor.move_by(1, self.visible.len());
            }
            Action::PageUp => self.cursor.page(false, len),
            Action::PageDown => {
                // The next page, and the one after it to keep the scroll.
                self.extend_view(self.cursor.selected + 2 * self.cursor.height + 1, cx.book);
                self.cursor.page(true, self.visible.len());
            }
            Action::Top => self.cursor.select(0, len),
            Action::Bottom => {
                // The last row is only known once the view is counted.
                self.finish_view(cx.book);
                let len = self.visible.len();
                self.cursor.select(len.saturating_sub(1), len);
            }
            Action::Open => {
                return self
                    .selected(cx.book)
                    .map_or(Request::None, |p| Request::OpenAccount(p.id.to_string()));
            }
            Action::FilterAm => {
                let current = self.filter.am.take();
                self.filter.am = cycle_option(self.ams(cx.book), current.as_ref());
                self.apply_filter(cx.book);
            }
            Action::FilterMine => {
                // My book: where I am the CSM or the AM.
                self.filter.mine = if self.filter.mine.as_deref() == Some(&self.user) {
                    None
                } else {
                    Some(self.user.clone())
                };
                self.apply_filter(cx.book);
            }
            Action::FilterNoAm => {
                self.filter.no_am = !self.filter.no_am;
                self.apply_filter(cx.book);
            }
            Action::FilterProduct => {
                let current = self.filter.product.take().map(|(p, _)| p);
                let holders = match self.holders(cx) {
                    Ok(holders) => holders,
                    Err(error) => return Request::Message(format!("{error:#}")),
                };
                let products: Vec<&String> = holders.keys().collect();
                let next = cycle_option(&products, current.as_ref().as_ref());
                let product = next.map(|p| (p.clone(), holders[p].clone()));
                self.filter.product = product;
                self.apply_filter(cx.book);
            }
            Action::FilterStage => {
                self.filter.stage = cycle_option(&Stage::ALL, self.filter.stage.as_ref());
                self.apply_filter(cx.book);
            }
            Action::FilterHealth => {
                let order = [Health::Green, Health::Yellow, Health::Orange];
                self.filter.health = cycle_option(&order, self.filter.health.as_ref());
                self.apply_filter(cx.book);
            }
            Action::FilterTier => {
                let tiers: Vec<u8> = (1..=self.tiers.max(1)).collect();
                self.filter.tier = cycle_option(&tiers, self.filter.tier.as_ref());
                self.apply_filter(cx.book);
            }
            Action::ClearFilters => {
                self.filter = TargetFilter::default();
                self.apply_filter(cx.book);
            }
            Action::RecordOpportunity => {
                let Some(position) = self.selected(cx.book) else {
                    return Request::Message("no target selected".to_string());
                };
                let owner = if position.am.is_empty() { cx.user } else { position.am };
                let form =
                    OpportunityForm::new(position.id, position.name, owner, cx.clock.today());
                let before = self.opportunities.get(position.id).map_or(0, Vec::len);
                self.expect = Some(Expect::Added { account_id: position.id.to_string(), before });
                return Request::Popup(Popup::Opportunity(Box::new(form)));
            }
            Action::AdvanceOpportunity => return self.confirm_move(false, cx.book),
            Action::LoseOpportunity => return self.confirm_move(true, cx.book),
            Action::ShowPipeline => return self.show_pipeline(cx),
            Action::ShowCrossSell => {
                self.wait_cross_sell(cx);
                self.grid = Some(0);
            }
            Action::Back => {}
            _ => return Request::Ignored,
        }
        Request::None
    }

    fn selected_account(&self, book: &BookIndex) -> Option<String> {
        if let Some(view) = &self.pipeline {
            return view.selected().map(|r| r.opportunity.account_id.clone());
        }
        self.selected(book).map(|p| p.id.to_string())
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        if let Some(pipeline) = &self.pipeline {
            pipeline.draw(frame, area, view);
        } else if let Some(scroll) = self.grid {
            let picture = self.cross_sell.as_ref().map(|c| &c.picture);
            grid::draw(picture, scroll, frame, area, view);
        } else {
            self.draw_list(frame, area, view);
        }
    }
}
