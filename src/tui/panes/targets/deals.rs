//! Acting on one opportunity, the same wherever it is listed — the
//! pipeline view and the account's Deals section: a stage forward or back
//! (committed at once, undone with `u`; won closes it today, which its edit
//! can change), lost through the form that asks why, and the edit form
//! (amount, close date, owner, next step). Answers with requests; never
//! touches the store.

use crate::domain::opportunity::{Opportunity, OpportunityStage};
use crate::tui::action::Action;
use crate::tui::forms::four_a::{OpportunityField, OpportunityForm};
use crate::tui::forms::lost::LostForm;
use crate::tui::panes::{Request, Write};
use crate::tui::popups::Popup;
use chrono::NaiveDate;

/// What `action` does to `opportunity` (of the account named `name`);
/// `None` for an action that is not about one opportunity.
pub fn act(
    action: Action,
    opportunity: &Opportunity,
    name: &str,
    today: NaiveDate,
) -> Option<Request> {
    let fields = &opportunity.fields;
    let move_to = |stage: OpportunityStage| {
        Request::Write(vec![Write::OpportunityStage {
            account_id: opportunity.account_id.clone(),
            id: opportunity.id,
            stage,
        }])
    };
    Some(match action {
        Action::AdvanceOpportunity => match fields.stage.next() {
            Some(stage) => move_to(stage),
            None => Request::Message(format!(
                "{} on {name} is {}: a stage back reopens it",
                fields.product,
                fields.stage.as_str()
            )),
        },
        Action::RegressOpportunity => match fields.stage.previous() {
            Some(stage) => move_to(stage),
            None => Request::Message(format!(
                "{} on {name} is at the first stage (identified)",
                fields.product
            )),
        },
        Action::LoseOpportunity => {
            if fields.stage == OpportunityStage::Lost {
                return Some(Request::Message(format!(
                    "{} on {name} is already lost: a stage back reopens it",
                    fields.product
                )));
            }
            let what = format!(
                "{} {} on {name} ({})",
                fields.product,
                fields.arr.to_short(),
                fields.stage.as_str()
            );
            let form = LostForm::new(&opportunity.account_id, opportunity.id, &what);
            Request::Popup(Popup::Lost(Box::new(form)))
        }
        Action::EditOpportunity => {
            let form = OpportunityForm::edit(opportunity, name, OpportunityField::Arr, today);
            Request::Popup(Popup::Opportunity(Box::new(form)))
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use crate::domain::opportunity::{OpportunityFields, OpportunityKind};

    fn deal(stage: OpportunityStage) -> Opportunity {
        Opportunity {
            id: 7,
            account_id: "A1".into(),
            fields: OpportunityFields {
                product: "Analytics".into(),
                kind: OpportunityKind::CrossSell,
                arr: Money::from_units(12_000),
                stage,
                owner: "hugo".into(),
                close_date: None,
                next_step: String::new(),
            },
            lost: None,
            created_at: chrono::DateTime::default(),
            updated_at: chrono::DateTime::default(),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
    }

    fn stage_written(request: Option<Request>) -> Option<OpportunityStage> {
        match request {
            Some(Request::Write(writes)) => match writes.as_slice() {
                [Write::OpportunityStage { stage, id: 7, .. }] => Some(*stage),
                _ => None,
            },
            _ => None,
        }
    }

    #[test]
    fn stages_move_both_ways_and_closed_deals_reopen_at_commit() {
        let forward = |s| stage_written(act(Action::AdvanceOpportunity, &deal(s), "Acme", today()));
        let back = |s| stage_written(act(Action::RegressOpportunity, &deal(s), "Acme", today()));
        assert_eq!(forward(OpportunityStage::Identified), Some(OpportunityStage::Qualified));
        assert_eq!(forward(OpportunityStage::Commit), Some(OpportunityStage::Won));
        assert_eq!(forward(OpportunityStage::Won), None);
        assert_eq!(back(OpportunityStage::Won), Some(OpportunityStage::Commit));
        assert_eq!(back(OpportunityStage::Lost), Some(OpportunityStage::Commit));
        assert_eq!(back(OpportunityStage::Identified), None);
        let lost = act(Action::LoseOpportunity, &deal(OpportunityStage::Proposal), "Acme", today());
        assert!(matches!(lost, Some(Request::Popup(Popup::Lost(_)))));
        let again = act(Action::LoseOpportunity, &deal(OpportunityStage::Lost), "Acme", today());
        assert!(matches!(again, Some(Request::Message(m)) if m.contains("already lost")));
        assert!(act(Action::Open, &deal(OpportunityStage::Won), "Acme", today()).is_none());
    }

    #[test]
    fn the_edit_form_comes_filled_and_answers_with_an_edit() {
        let mut won = deal(OpportunityStage::Won);
        won.fields.close_date = NaiveDate::from_ymd_opt(2025, 5, 20);
        won.fields.next_step = "kick-off".into();
        let Some(Request::Popup(Popup::Opportunity(form))) =
            act(Action::EditOpportunity, &won, "Acme", today())
        else {
            panic!("no form")
        };
        assert_eq!(form.arr.value(), "12000");
        assert_eq!(form.close.value(), "2025-05-20");
        assert_eq!(form.next_step.value(), "kick-off");
        assert_eq!(form.editing, Some(7));
    }
}
