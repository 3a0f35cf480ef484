//! Opening an account or its churn chain in the pane that shows it, and
//! coming back to the pane a form was opened from once it closes.

use super::*;

impl App {
    /// Opens an account in the account view.
    pub fn open_account(&mut self, id: &str) {
        self.open_in_pane(|pane, cx| pane.open_account(id, cx));
    }

    /// Opens the churn chain editor on an account.
    pub fn open_churn(&mut self, id: &str) {
        let caller = self.active;
        self.open_in_pane(|pane, cx| pane.open_churn(id, cx));
        self.return_after_edit = (self.active != caller && self.panes[self.active].typing())
            .then_some((self.active, caller));
    }

    /// Back to the pane a form was opened from, once the form has closed
    /// (saved, left or discarded), so recording a churn from the Book ends
    /// in the Book, not on the churn report.
    pub(super) fn return_when_closed(&mut self) {
        let Some((form, caller)) = self.return_after_edit else { return };
        if self.active != form {
            self.return_after_edit = None;
        } else if !self.panes[form].typing() {
            self.return_after_edit = None;
            self.activate(caller);
        }
    }

    /// Offers `open` to each pane in turn and shows the first that takes it.
    pub(super) fn open_in_pane(&mut self, open: impl Fn(&mut dyn Pane, &mut Cx<'_>) -> bool) {
        self.ensure_whole_book();
        for index in 0..self.panes.len() {
            let (pane, mut cx) = self.pane_and_cx(index);
            if open(pane.as_mut(), &mut cx) {
                self.stale[index] = false;
                if index != self.active {
                    self.previous = self.active;
                }
                self.active = index;
                return;
            }
        }
    }
}
