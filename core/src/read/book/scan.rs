//! Applying the Book's sort and filter a slice of rows at a time, so that no
//! key waits for a walk of the whole book. A key applies the first slices,
//! enough to fill the screen (or a fixed budget when matches are rare), and
//! the event loop applies the rest while no key is waiting; until then the
//! totals are marked as still counting. A search that only grew narrows the
//! rows of the last finished view instead of walking the book again.
//!
//! No terminal and no SQL here: it only moves row indexes.

use super::{BookIndex, Column, Filter};
use crate::domain::Money;
use memchr::memmem::Finder;

/// Rows looked at per slice: well under a millisecond.
pub const SLICE: usize = 8_192;

/// Slices a key may spend looking for a screenful of matching rows.
const KEY_SLICES: usize = 2;

/// A view being computed.
#[derive(Debug)]
pub(super) struct Scan {
    source: Source,
    next: usize,
    finder: Finder<'static>,
}

/// Where a scan takes its candidate rows from.
#[derive(Debug)]
enum Source {
    /// Every row, in a kept sort order.
    Order(Column, bool),
    /// The rows of the last finished view, for a search that only grew.
    Rows(Vec<u32>),
}

impl BookIndex {
    /// Recomputes the visible rows and their totals from the sort and
    /// filter, to the end.
    pub fn apply(&mut self) {
        self.start_scan();
        while !self.step(usize::MAX) {}
    }

    /// Recomputes the visible rows from the sort and filter as far as a
    /// screen of `rows` needs (and as far as the row `follow` when given),
    /// leaving the rest to [`BookIndex::settle`]. Returns the position of
    /// `follow` among the visible rows when it is there.
    pub fn apply_for_screen(&mut self, rows: usize, follow: Option<u32>) -> Option<usize> {
        self.start_scan();
        // A row the new view leaves out is not worth walking the book for.
        let follow = follow.filter(|&row| self.scan.as_ref().is_some_and(|s| self.shows(s, row)));
        let mut slices = 0;
        let mut found = None;
        loop {
            let before = self.visible.len();
            let done = self.step(SLICE);
            if let Some(row) = follow
                && found.is_none()
            {
                found = self.visible[before..].iter().position(|&i| i == row).map(|p| p + before);
            }
            slices += 1;
            let screen_full = self.visible.len() >= rows || slices >= KEY_SLICES;
            if done || (screen_full && (follow.is_none() || found.is_some())) {
                return found;
            }
        }
    }

    /// Applies one more slice of a view still being computed; `true` when
    /// the view is finished.
    pub fn settle(&mut self) -> bool {
        self.scan.is_none() || self.step(SLICE)
    }

    /// Whether the visible rows and totals are still being counted.
    pub fn is_counting(&self) -> bool {
        self.scan.is_some()
    }

    fn start_scan(&mut self) {
        let needle = self.filter.search.to_lowercase();
        let narrowing = self.scan.is_none() && self.narrows(&needle);
        let source = if narrowing {
            Source::Rows(std::mem::take(&mut self.visible))
        } else {
            self.ensure_order(self.sort, self.descending);
            Source::Order(self.sort, self.descending)
        };
        self.visible.clear();
        self.visible_arr = Money::ZERO;
        self.applied = Some((self.sort, self.descending, self.filter.clone()));
        self.scan =
            Some(Scan { source, next: 0, finder: Finder::new(needle.as_bytes()).into_owned() });
    }

    /// Looks at up to `budget` more candidate rows; `true` when done.
    fn step(&mut self, budget: usize) -> bool {
        let Some(mut scan) = self.scan.take() else { return true };
        let candidates: &[u32] = match &scan.source {
            Source::Order(column, descending) => {
                self.orders.get(&(*column, *descending)).map_or(&[], Vec::as_slice)
            }
            Source::Rows(rows) => rows,
        };
        let narrowing = matches!(scan.source, Source::Rows(_));
        let mut visible = std::mem::take(&mut self.visible);
        let mut arr = self.visible_arr;
        // With no filter the view is the order itself: one copy, no test.
        let everything = !narrowing && self.filter == Filter::default();
        let end = if everything {
            candidates.len()
        } else {
            scan.next.saturating_add(budget).min(candidates.len())
        };
        if everything {
            visible.extend_from_slice(&candidates[scan.next..]);
            arr = self.rows_arr;
        }
        for &index in candidates[scan.next..end].iter().filter(|_| !everything) {
            if self.shows(&scan, index) {
                visible.push(index);
                arr += self.rows[index as usize].arr;
            }
        }
        let done = end >= candidates.len();
        scan.next = end;
        self.visible = visible;
        self.visible_arr = arr;
        if !done {
            self.scan = Some(scan);
        }
        done
    }

    /// Whether the current view is the last one applied with a search that
    /// only grew since (every row kept now was kept then).
    fn narrows(&self, needle: &str) -> bool {
        let Some((sort, descending, filter)) = &self.applied else { return false };
        if (*sort, *descending) != (self.sort, self.descending) {
            return false;
        }
        let same_but_search = Filter { search: String::new(), ..filter.clone() }
            == Filter { search: String::new(), ..self.filter.clone() };
        same_but_search && needle.contains(filter.search.to_lowercase().as_str())
    }

    /// Whether the view `scan` computes shows the row `index`.
    fn shows(&self, scan: &Scan, index: u32) -> bool {
        match scan.source {
            // Every row of the last view passed the other filters already.
            Source::Rows(_) => {
                let finder = &scan.finder;
                finder.needle().is_empty()
                    || finder.find(self.search_texts().get(index).as_bytes()).is_some()
            }
            Source::Order(..) => self.keeps(index, &scan.finder),
        }
    }
}
