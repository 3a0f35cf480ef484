//! The typed writes the app applies through the store, committed at once:
//! what a pane, a popup or a form answers with when the user saves. Only the
//! app applies them (and then refreshes every pane); whoever asks for one
//! never touches the store itself. It sits beside the panes and the popups so
//! that both can name a write without leaning on each other.

use crate::domain::churn::{ChurnChain, TaxonomyEdit};
use crate::domain::contact::ContactChange;
use crate::domain::moment::MomentKind;
use crate::domain::opportunity::{LostReason, OpportunityFields, OpportunityStage};
use crate::domain::success_plan::{PlanValue, SuccessPlanFields};
use crate::domain::task::{NewTask, TaskStatus};
use crate::domain::trial::{Takeaway, TrialFields};
use crate::domain::{Flags, Health, NoteKind, Stage};
use crate::metrics::stage_suggestions::StageSuggestion;
use crate::store::StoreResult;
use crate::store::undo::Reversal;
use chrono::NaiveDate;

/// A typed write the app applies through the store, committed at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Health {
        account_id: String,
        health: Health,
        reason: String,
    },
    Note {
        account_id: String,
        kind: NoteKind,
        text: String,
    },
    Owners {
        account_id: String,
        csm: String,
        am: String,
    },
    Flags {
        account_id: String,
        flags: Flags,
    },
    Snooze {
        account_id: String,
        key: String,
        until: NaiveDate,
    },
    Dismiss {
        account_id: String,
        signals: Vec<String>,
    },
    ChurnChain {
        chain: ChurnChain,
    },
    ChurnDraft {
        chain: ChurnChain,
    },
    DiscardChurnDraft {
        account_id: String,
        id: crate::domain::churn::ChainId,
    },
    Stage {
        account_id: String,
        stage: Stage,
        reason: String,
    },
    StageSuggestion {
        account_id: String,
        suggestion: StageSuggestion,
        accept: bool,
    },
    Opportunity {
        account_id: String,
        fields: OpportunityFields,
    },
    OpportunityStage {
        account_id: String,
        id: i64,
        stage: OpportunityStage,
    },
    /// Replace opportunity `id`'s fields (amount, close date, owner, next step).
    OpportunityEdit {
        account_id: String,
        id: i64,
        fields: OpportunityFields,
    },
    /// Mark opportunity `id` lost, with why.
    OpportunityLost {
        account_id: String,
        id: i64,
        reason: LostReason,
    },
    /// Mark moment `id` of the account done; logs a touch.
    MomentDone {
        account_id: String,
        id: i64,
    },
    /// Add a one-off moment.
    Moment {
        account_id: String,
        kind: MomentKind,
        title: String,
        due_on: NaiveDate,
    },
    /// Change the churn taxonomy (no account).
    Taxonomy(TaxonomyEdit),
    /// Set (or with `None` clear) the potential units of one product.
    Potential {
        account_id: String,
        product: String,
        units: Option<i64>,
    },
    /// Set (or clear) the account-level potential units.
    AccountPotential {
        account_id: String,
        units: Option<i64>,
    },
    /// Record a trial or proof of value.
    Trial {
        account_id: String,
        fields: TrialFields,
    },
    /// Record trial `id`'s takeaway test with a note.
    Takeaway {
        account_id: String,
        id: i64,
        takeaway: Takeaway,
        note: String,
    },
    /// Create a success plan.
    SuccessPlan {
        account_id: String,
        fields: SuccessPlanFields,
    },
    /// Record success plan `id`'s current value.
    PlanCurrent {
        account_id: String,
        id: i64,
        current: PlanValue,
    },
    /// A task change on the account.
    Task {
        account_id: String,
        write: TaskWrite,
    },
    /// Bring a snoozed Today reason back.
    Unsnooze {
        account_id: String,
        key: String,
    },
    /// A change to the account's people (a key person leaving is a sponsor change).
    Contact {
        account_id: String,
        change: ContactChange,
    },
}

/// The task writes: a task by hand, a playbook started by hand, a status
/// change of a task or one of its steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskWrite {
    Add(NewTask),
    /// Start the playbook of this key (`[playbooks]`).
    Playbook(String),
    /// Set task `id`'s status, or its step's (1-based) when given.
    Status {
        id: i64,
        step: Option<u32>,
        status: TaskStatus,
    },
}

impl Write {
    pub fn account_id(&self) -> &str {
        match self {
            Write::Health { account_id, .. }
            | Write::Note { account_id, .. }
            | Write::Owners { account_id, .. }
            | Write::Flags { account_id, .. }
            | Write::Snooze { account_id, .. }
            | Write::Dismiss { account_id, .. }
            | Write::Stage { account_id, .. }
            | Write::StageSuggestion { account_id, .. }
            | Write::Opportunity { account_id, .. }
            | Write::OpportunityStage { account_id, .. }
            | Write::OpportunityEdit { account_id, .. }
            | Write::OpportunityLost { account_id, .. }
            | Write::MomentDone { account_id, .. }
            | Write::Moment { account_id, .. }
            | Write::Potential { account_id, .. }
            | Write::AccountPotential { account_id, .. }
            | Write::Trial { account_id, .. }
            | Write::Takeaway { account_id, .. }
            | Write::SuccessPlan { account_id, .. }
            | Write::PlanCurrent { account_id, .. }
            | Write::Task { account_id, .. }
            | Write::DiscardChurnDraft { account_id, .. }
            | Write::Unsnooze { account_id, .. }
            | Write::Contact { account_id, .. } => account_id,
            Write::ChurnChain { chain } | Write::ChurnDraft { chain } => &chain.account_id,
            Write::Taxonomy(_) => "",
        }
    }
}

impl Write {
    /// What reverses this write, read from the store before it is made;
    /// `None` for a write undo does not cover (a note, a churn chain).
    pub fn reversal(
        &self,
        store: &crate::store::Store,
        today: NaiveDate,
    ) -> StoreResult<Option<Reversal>> {
        let state = |id: &str| store.account_state(id);
        Ok(Some(match self {
            Write::Snooze { account_id, key, .. } | Write::Unsnooze { account_id, key } => {
                Reversal::Snooze {
                    account_id: account_id.clone(),
                    key: key.clone(),
                    before: store.snoozed_until(account_id, key)?,
                }
            }
            Write::Dismiss { account_id, signals } => {
                let mut fresh = Vec::new();
                for signal in signals {
                    if !store.is_dismissed(account_id, "health", signal)? {
                        fresh.push(signal.clone());
                    }
                }
                Reversal::Dismiss {
                    account_id: account_id.clone(),
                    kind: "health".to_string(),
                    signals: fresh,
                }
            }
            Write::Health { account_id, health, .. } => Reversal::Health {
                account_id: account_id.clone(),
                before: state(account_id)?.0,
                what: format!("was set [{}] {health}", health.letter()),
            },
            Write::Stage { account_id, stage, .. } => Reversal::Stage {
                account_id: account_id.clone(),
                before: state(account_id)?.1,
                what: format!("was moved to {}", stage.as_str()),
            },
            Write::StageSuggestion { account_id, suggestion, accept: true } => Reversal::Stage {
                account_id: account_id.clone(),
                before: state(account_id)?.1,
                what: format!("suggestion → {} was accepted", suggestion.suggested.as_str()),
            },
            Write::StageSuggestion { account_id, suggestion, accept: false } => Reversal::Dismiss {
                account_id: account_id.clone(),
                kind: "stage".to_string(),
                signals: vec![suggestion.signal()],
            },
            Write::MomentDone { account_id, id } => {
                Reversal::MomentDone { account_id: account_id.clone(), id: *id }
            }
            Write::Owners { account_id, .. } => {
                let (_, _, csm, am) = state(account_id)?;
                Reversal::Owners { account_id: account_id.clone(), csm, am }
            }
            Write::Task { write: TaskWrite::Status { id, step, .. }, .. } => {
                Reversal::Other(Box::new(store.task_status_back(*id, *step)?))
            }
            Write::Task { account_id, .. } => {
                Reversal::Other(Box::new(store.tasks_added_back(account_id)?))
            }
            Write::Contact { account_id, change } => {
                Reversal::Other(Box::new(store.contact_back(account_id, change, today)?))
            }
            Write::Opportunity { account_id, .. } => {
                Reversal::Other(Box::new(store.opportunities_added_back(account_id)?))
            }
            Write::OpportunityStage { id, .. }
            | Write::OpportunityEdit { id, .. }
            | Write::OpportunityLost { id, .. } => {
                Reversal::Other(Box::new(store.opportunity_back(*id)?))
            }
            _ => return Ok(None),
        }))
    }
}
