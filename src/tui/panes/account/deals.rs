//! The Deals section of the account view: the account's opportunities,
//! open first (in the order a deal moves, then by close date), then won,
//! then lost, each with its amount, close date, owner, next step and — for
//! a lost one — why. `O` records one; the deal keys (a stage forward or
//! back, lost, edit) act on the selected deal as in the pipeline view
//! (`targets/deals.rs`). Read with the account; drawing reads only.

use super::AccountPane;
use crate::domain::opportunity::Opportunity;
use crate::tui::action::Action;
use crate::tui::forms::four_a::OpportunityForm;
use crate::tui::panes::targets::deals;
use crate::tui::panes::{Request, View};
use crate::tui::popups::Popup;
use crate::tui::widgets::{fit, pad};
use ratatui::text::{Line, Span};

/// Lines above the first deal: the heading and the column header.
const HEAD: usize = 2;

/// The account's deals and the selected one.
#[derive(Debug, Default)]
pub struct DealList {
    deals: Vec<Opportunity>,
    selected: usize,
}

impl DealList {
    /// Takes the account's opportunities (any order) and orders them.
    pub fn set(&mut self, mut deals: Vec<Opportunity>) {
        deals.sort_by(|a, b| {
            let (fa, fb) = (&a.fields, &b.fields);
            fa.stage
                .cmp(&fb.stage)
                .then_with(|| fa.close_date.is_none().cmp(&fb.close_date.is_none()))
                .then_with(|| fa.close_date.cmp(&fb.close_date))
                .then_with(|| a.id.cmp(&b.id))
        });
        self.deals = deals;
        self.selected = self.selected.min(self.deals.len().saturating_sub(1));
    }

    pub fn selected(&self) -> Option<&Opportunity> {
        self.deals.get(self.selected)
    }

    /// The line of the selected deal in the section.
    pub fn selected_line(&self) -> usize {
        HEAD + self.selected
    }

    pub fn lines(&self, view: &View<'_>, width: usize) -> Vec<Line<'static>> {
        let theme = view.theme;
        let open = self.deals.iter().filter(|d| d.fields.stage.is_open()).count();
        let mut lines = vec![Line::from(vec![
            Span::styled("Deals ", theme.header()),
            Span::styled(
                format!(
                    "{open} open of {} · {} record · + − stage · L lost · {} edit",
                    self.deals.len(),
                    view.keymap.label("account", Action::RecordOpportunity),
                    view.keymap.label("account", Action::EditOpportunity)
                ),
                theme.dim(),
            ),
        ])];
        if self.deals.is_empty() {
            lines.push(Line::from(Span::styled(
                format!(
                    "  No opportunity on this account yet: {} records one.",
                    view.keymap.label("account", Action::RecordOpportunity)
                ),
                theme.dim(),
            )));
            return lines;
        }
        let (stage_w, close_w, money_w, owner_w) = (10, 10, 8, 10);
        let product_w = 14;
        let rest = width.saturating_sub(stage_w + close_w + money_w + owner_w + product_w + 6);
        lines.push(Line::from(Span::styled(
            fit(
                &format!(
                    "  {} {} {} {} {} {}",
                    pad("Stage", stage_w, false),
                    pad("Product", product_w, false),
                    pad("ARR", money_w, true),
                    pad("Close", close_w, false),
                    pad("Owner", owner_w, false),
                    "Next step / why lost"
                ),
                width,
            ),
            theme.header(),
        )));
        for (index, deal) in self.deals.iter().enumerate() {
            let fields = &deal.fields;
            let close = fields.close_date.map_or("—".to_string(), |d| d.to_string());
            let late = fields.stage.is_open() && fields.close_date.is_some_and(|d| d < view.today);
            let note = match &deal.lost {
                Some(lost) => format!(
                    "lost: {} ({})",
                    lost.reason,
                    if lost.controllable { "controllable" } else { "uncontrollable" }
                ),
                None => fields.next_step.clone(),
            };
            let owner = if fields.owner.is_empty() { "—" } else { &fields.owner };
            let mut line = Line::from(vec![
                Span::raw("  "),
                Span::styled(
                    format!("{} ", pad(fields.stage.as_str(), stage_w, false)),
                    if fields.stage.is_open() { theme.header() } else { theme.dim() },
                ),
                Span::raw(format!(
                    "{} {} ",
                    pad(&fields.product, product_w, false),
                    pad(&fields.arr.to_short(), money_w, true)
                )),
                Span::styled(
                    format!("{} ", pad(&close, close_w, false)),
                    if late { theme.warn() } else { theme.dim() },
                ),
                Span::styled(format!("{} ", pad(owner, owner_w, false)), theme.dim()),
                Span::raw(fit(&note, rest)),
            ]);
            if index == self.selected {
                line = theme.select(line);
            }
            lines.push(line);
        }
        lines
    }
}

/// The actions of the Deals section.
const DEAL_ACTIONS: [Action; 5] = [
    Action::RecordOpportunity,
    Action::AdvanceOpportunity,
    Action::RegressOpportunity,
    Action::LoseOpportunity,
    Action::EditOpportunity,
];

impl AccountPane {
    /// The Deals section's keys: a deal key from any section shows Deals;
    /// in Deals, the list moves and the deal keys act on the selected deal.
    pub(super) fn deals_update(
        &mut self,
        action: Action,
        cx: &mut crate::tui::panes::Cx<'_>,
    ) -> Option<Request> {
        let row = self.loaded.row.as_ref()?;
        let (id, name, am) = (row.id.clone(), row.name.clone(), row.am.clone());
        let today = cx.clock.today();
        if DEAL_ACTIONS.contains(&action) && self.section != super::DEALS {
            self.section = super::DEALS;
            self.scroll = 0;
            self.reader = None;
            if action != Action::RecordOpportunity {
                return Some(Request::None);
            }
        }
        if self.section != super::DEALS {
            return None;
        }
        let len = self.deals.deals.len();
        match action {
            Action::RecordOpportunity => {
                let owner = if am.is_empty() { cx.user } else { am.as_str() };
                let form = OpportunityForm::new(&id, &name, owner, today);
                return Some(Request::Popup(Popup::Opportunity(Box::new(form))));
            }
            Action::Up => self.deals.selected = self.deals.selected.saturating_sub(1),
            Action::Down => {
                self.deals.selected = (self.deals.selected + 1).min(len.saturating_sub(1))
            }
            Action::Top => self.deals.selected = 0,
            Action::Bottom => self.deals.selected = len.saturating_sub(1),
            action if DEAL_ACTIONS.contains(&action) => {
                let Some(deal) = self.deals.selected() else {
                    return Some(Request::Message(format!("no deal on {name} yet")));
                };
                return deals::act(action, deal, &name, today);
            }
            _ => return None,
        }
        // Keep the selected line in view.
        let line = self.deals.selected_line();
        let height = self.height.max(1);
        if line <= HEAD {
            self.scroll = 0;
        } else if line < self.scroll {
            self.scroll = line;
        } else if line >= self.scroll + height {
            self.scroll = line + 1 - height;
        }
        Some(Request::None)
    }
}
