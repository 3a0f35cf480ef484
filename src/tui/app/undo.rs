//! `u`: the actions taken since the cockpit opened, each with what reverses
//! it, undone last first. An undo is committed at once, in one transaction,
//! and kept in the book's history (`store::undo`); an action undo does not
//! cover (a note, a churn chain) is passed over with a word saying so.

use super::*;
use crate::store::undo::{Reversal, UndoStep};

/// The actions `u` can walk back through, last on top.
#[derive(Debug, Default)]
pub struct UndoStack {
    /// Each action: what it did, what reverses it (`None`: undo does not
    /// cover it), and the accounts it wrote to when each write named one.
    steps: Vec<Step>,
}

type Step = (String, Option<Vec<Reversal>>, Option<Vec<String>>);

impl UndoStack {
    pub fn push(
        &mut self,
        what: String,
        reversals: Option<Vec<Reversal>>,
        accounts: Option<Vec<String>>,
    ) {
        self.steps.push((what, reversals, accounts));
    }

    /// How many actions could be walked back.
    pub fn depth(&self) -> usize {
        self.steps.len()
    }
}

impl App {
    /// Reverses the last action not yet undone.
    pub(super) fn undo_last(&mut self) {
        let Some((what, reversals, accounts)) = self.undo.steps.pop() else {
            self.refuse("nothing to undo since the cockpit opened".to_string());
            return;
        };
        let Some(reversals) = reversals else {
            // What cannot be undone comes first, the action itself shortened:
            // the status line is one line.
            let what = crate::tui::widgets::fit(&what, 40);
            self.refuse(format!("cannot be undone: “{what}”; u again undoes the action before it"));
            return;
        };
        if let Some(found) = self.damage().map(|f| f.to_string()) {
            self.undo.steps.push((what, Some(reversals), accounts));
            self.error(format!("not undone: {found}"));
            return;
        }
        let ids: Vec<String> = reversals.iter().filter_map(account_of).collect();
        let step = UndoStep { what: what.clone(), reversals };
        match self.store.undo(&step, &self.user, self.clock.now()) {
            Ok(()) => {
                self.reread(ids.iter().chain(accounts.iter().flatten()).map(String::as_str));
                self.refresh_after_write(&[], accounts.as_deref());
                if self.status.as_ref().is_none_or(|s| !s.is_error()) {
                    self.say(format!("undone: {what}"));
                }
            }
            Err(error) => {
                self.undo.steps.push((what, Some(step.reversals), accounts));
                self.error(format!("not undone: {error}"));
            }
        }
    }

    /// How many actions `u` could still walk back (for tests).
    pub fn undo_depth(&self) -> usize {
        self.undo.depth()
    }
}

fn account_of(reversal: &Reversal) -> Option<String> {
    match reversal {
        Reversal::Snooze { account_id, .. }
        | Reversal::Dismiss { account_id, .. }
        | Reversal::Health { account_id, .. }
        | Reversal::Stage { account_id, .. }
        | Reversal::Owners { account_id, .. }
        | Reversal::MomentDone { account_id, .. } => Some(account_id.clone()),
        Reversal::Other(_) => None,
    }
}
