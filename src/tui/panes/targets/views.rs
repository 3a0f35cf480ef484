//! Switching Targets between its list, the pipeline and the cross-sell
//! grid, and the keys of the pipeline: its own moves and filters, the deal
//! keys of `deals.rs` on the selected row, Enter to open its account.

use super::*;
use crate::tui::loaders::targets::CrossSellRead;
use pipeline::PipelineView;

impl TargetsPane {
    /// Shows the pipeline, read now.
    pub(super) fn show_pipeline(&mut self, cx: &mut Cx<'_>) -> Request {
        match PipelineView::load(cx.store) {
            Ok(mut view) => {
                view.resize(self.area);
                self.pipeline = Some(view);
                self.grid = None;
                Request::None
            }
            Err(error) => Request::Message(format!("{error:#}")),
        }
    }

    /// Leaves the pipeline for the list, read again if a write was made.
    fn hide_pipeline(&mut self, cx: &mut Cx<'_>) -> Request {
        self.pipeline = None;
        if self.stale {
            self.list = None;
            if let Err(error) = self.refresh(cx) {
                return Request::Message(format!("{error:#}"));
            }
        }
        Request::None
    }

    pub(super) fn pipeline_update(&mut self, action: Action, cx: &mut Cx<'_>) -> Request {
        let Some(view) = &mut self.pipeline else { return Request::Ignored };
        match action {
            Action::ShowPipeline | Action::Back => return self.hide_pipeline(cx),
            Action::Open => {
                return view.selected().map_or(Request::None, |r| {
                    Request::OpenAccount(r.opportunity.account_id.clone())
                });
            }
            Action::RecordOpportunity => {
                let Some(row) = view.selected() else {
                    return Request::Message(
                        "no deal selected: O on a target records the first one".to_string(),
                    );
                };
                let owner = if row.am.is_empty() { cx.user } else { row.am.as_str() };
                let form = OpportunityForm::new(
                    &row.opportunity.account_id,
                    &row.account_name,
                    owner,
                    cx.clock.today(),
                );
                return Request::Popup(Popup::Opportunity(Box::new(form)));
            }
            _ => {}
        }
        if let Some(row) = view.selected()
            && let Some(request) =
                deals::act(action, &row.opportunity, &row.account_name, cx.clock.today())
        {
            return request;
        }
        if matches!(
            action,
            Action::AdvanceOpportunity
                | Action::RegressOpportunity
                | Action::LoseOpportunity
                | Action::EditOpportunity
        ) {
            return Request::Message("no deal selected".to_string());
        }
        view.update(action, cx.user).unwrap_or(Request::Ignored)
    }

    /// Takes in the cross-sell picture read behind the screen.
    pub(super) fn take_cross_sell(&mut self, done: Done) {
        if let Done::CrossSell(read) = done {
            match *read {
                Ok(read) => self.cross_sell = Some(read),
                Err(_) => self.cross_sell = None,
            }
        }
    }

    /// The cross-sell picture now: waits for the read under way, or reads it.
    pub(super) fn wait_cross_sell(&mut self, cx: &mut Cx<'_>) {
        if self.cross_sell.is_some() {
            return;
        }
        if let Some(ticket) = self.cross_sell_ticket.take() {
            let done = cx.work.wait(ticket);
            self.take_cross_sell(done);
        }
        if self.cross_sell.is_none() {
            self.cross_sell = crate::tui::loaders::targets::read_cross_sell(cx.store).ok();
        }
    }

    /// The selected account's cross-sell candidates, best first.
    pub(super) fn candidates(
        &self,
        account_id: &str,
    ) -> Vec<&crate::read::cross_sell::CrossSellRow> {
        let Some(CrossSellRead { picture }) = &self.cross_sell else {
            return Vec::new();
        };
        picture.candidates(account_id).collect()
    }
}
