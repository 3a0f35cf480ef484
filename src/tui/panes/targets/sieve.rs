//! Applying the targets filter a slice of the ranked list at a time, as the
//! Book does (`tui/book/scan.rs`): a key walks only as far as a screenful of
//! matches (and the selected account, to keep it selected), within a fixed
//! budget when matches are rare; the event loop walks the rest while no key
//! waits, and until then the footer's totals read "≥".
//!
//! No terminal and no SQL here: it only moves positions in the ranked list.

use super::TargetsPane;
use crate::domain::Money;
use crate::metrics::targets::Target;
use crate::read::book::BookIndex;
use crate::tui::panes::board::NamesIn;

/// Targets looked at per slice between keys: well under a millisecond.
pub(super) const SLICE: usize = 8_192;

/// Targets a key may look at for a screenful of matches.
const KEY_BUDGET: usize = 2 * SLICE;

impl TargetsPane {
    /// Starts the filtered view again from the top of the ranked list,
    /// walking it as far as the screen needs and keeping the selected
    /// account selected when the filter still shows it.
    pub(super) fn apply_filter(&mut self, book: &BookIndex) {
        let keep = self.target_at(self.cursor.selected).map(|t| t.index);
        let keep = keep.filter(|&index| self.shows_account(index, book));
        self.visible.clear();
        self.visible_whitespace = Money::ZERO;
        self.scan = Some(0);
        let screen = self.cursor.height.max(1);
        let mut looked = 0;
        let mut found = None;
        while self.scan.is_some() {
            let before = self.visible.len();
            self.step(SLICE.min(screen * 4), book);
            looked += SLICE.min(screen * 4);
            if let Some(index) = keep
                && found.is_none()
            {
                found = (before..self.visible.len())
                    .find(|&p| self.target_at(p).is_some_and(|t| t.index == index));
            }
            let screen_full = self.visible.len() >= screen || looked >= KEY_BUDGET;
            if screen_full && (keep.is_none() || found.is_some()) {
                break;
            }
        }
        self.cursor.select(found.unwrap_or(0), self.visible.len());
    }

    /// Walks one more slice of a view still being counted; `true` when the
    /// view is finished.
    pub(super) fn settle_view(&mut self, book: &BookIndex) -> bool {
        if self.scan.is_some() {
            self.step(SLICE, book);
        }
        self.scan.is_none()
    }

    /// Finishes the view (a key that needs its end, like `G`).
    pub(super) fn finish_view(&mut self, book: &BookIndex) {
        while !self.settle_view(book) {}
    }

    /// Walks so that the view holds at least `len` rows, or is finished.
    pub(super) fn extend_view(&mut self, len: usize, book: &BookIndex) {
        while self.visible.len() < len && !self.settle_view(book) {}
    }

    /// Whether the visible rows and their whitespace are still being counted.
    pub(super) fn is_counting(&self) -> bool {
        self.scan.is_some()
    }

    /// Looks at up to `budget` more targets of the ranked list.
    fn step(&mut self, budget: usize, book: &BookIndex) {
        let Some(next) = self.scan else { return };
        let Some(list) = &self.list else {
            self.scan = None;
            return;
        };
        let end = next.saturating_add(budget).min(list.ranked.len());
        let names =
            if self.names_in_book { NamesIn::Book(book.rows()) } else { NamesIn::Own(&list.names) };
        for (position, target) in list.ranked[next..end].iter().enumerate() {
            if list.accepts_in(&names, &self.filter, target) {
                self.visible.extend(u32::try_from(next + position).ok());
                self.visible_whitespace += list.standing(target).absorption.whitespace;
            }
        }
        self.scan = (end < list.ranked.len()).then_some(end);
    }

    /// Whether the filter shows the account at `index` of the list.
    fn shows_account(&self, index: usize, book: &BookIndex) -> bool {
        let Some(list) = &self.list else { return false };
        let names =
            if self.names_in_book { NamesIn::Book(book.rows()) } else { NamesIn::Own(&list.names) };
        let target = Target { index, priority: Money::ZERO };
        list.accepts_in(&names, &self.filter, &target)
    }
}
