//! The search across the whole book, as the app runs it: keys go to its
//! box while it is open, and what Enter chooses opens in the account view.

use super::*;
use crate::tui::panes::search::{SearchOutcome, SearchView, Target};

impl App {
    /// A key while the search is open.
    pub(super) fn search_key(&mut self, key: KeyEvent) {
        let page = SearchView::page(Regions::of(self.area).pane);
        match self.search.key(key, &self.keymap, &self.store, page) {
            SearchOutcome::Stay => {}
            SearchOutcome::Close => self.search.hide(),
            SearchOutcome::Open(target) => {
                self.search.hide();
                match target {
                    Target::Account(id) | Target::Chain(id) => self.open_account(&id),
                    Target::Note { account_id, at, text } => {
                        self.open_in_pane(|pane, cx| pane.open_note(&account_id, at, &text, cx));
                    }
                }
            }
        }
    }

    /// Whether the search is open (over the focused pane).
    pub fn searching(&self) -> bool {
        self.search.is_open()
    }
}
