//! `ArrGrid`: each account's total ARR (cents) at the end of every month of
//! the book, the one input of retention, the bridge, cohorts and Pareto.
//!
//! Held compactly: an account keeps only the months from its first to its
//! last non-zero ARR (before it started and after it churned are zeros, not
//! stored), as 32-bit cents when every month fits and 64-bit otherwise. On
//! a 100,000-account, 60-month book that is a quarter of a dense `i64` grid.
//! Readers see whole rows ([`ArrGrid::expand_row`]) or single cells.
//!
//! The grid is the shape of the snapshots, not a computation on them: the
//! store fills it and the metrics read it, so it lives with the domain words.

use super::{Money, Month};
use std::collections::HashMap;

/// Where one account's months are kept: `len` months from offset `start`,
/// at `at` in the narrow or the wide cells.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Span {
    at: u32,
    start: u16,
    len: u16,
    wide: bool,
}

/// Account ids, one after the other in one text, each by its index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Ids {
    text: String,
    ends: Vec<u32>,
}

impl Ids {
    fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    fn get(&self, index: usize) -> &str {
        let start = index.checked_sub(1).map_or(0, |before| self.ends[before] as usize);
        self.text.get(start..self.ends[index] as usize).unwrap_or_default()
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|index| self.get(index))
    }
}

/// Each account's ARR (cents) at the end of every month from `first` to
/// `last`. Absent snapshots are 0. Accounts are in the order they were first
/// seen.
#[derive(Debug, Clone)]
pub struct ArrGrid {
    pub(crate) first: Month,
    pub(crate) months: usize,
    account_ids: Ids,
    /// Whether the accounts are in id order (each came after the one
    /// before), so that an account's index orders as its id does.
    ids_in_order: bool,
    spans: Vec<Span>,
    narrow: Vec<i32>,
    wide: Vec<i64>,
}

/// Fills an `ArrGrid` one snapshot at a time; ARR of several products of the
/// same account and month adds up. Rows grouped by account (the store's key
/// order) are cheapest, but any order is correct.
#[derive(Debug)]
pub struct ArrGridBuilder {
    grid: ArrGrid,
    /// Each account's index, made only once an id comes that is not after
    /// every id before it (rows in id order need no lookup).
    index_of: Option<HashMap<String, usize>>,
    /// The account being filled and its whole row, stored when another
    /// account comes.
    open: Option<(usize, Vec<i64>)>,
    /// Cells left behind by an account that came back after another one.
    stale: usize,
}

impl ArrGridBuilder {
    /// Adds `arr` to the account's ARR at `month`. A month outside the range
    /// the builder was made for is reported as `false` and not counted.
    pub fn push(&mut self, account_id: &str, month: Month, arr: Money) -> bool {
        let Some(offset) = self.grid.offset(month) else {
            return false;
        };
        let open_now = self
            .open
            .as_ref()
            .is_some_and(|(index, _)| self.grid.account_ids.get(*index) == account_id);
        if !open_now {
            let index = self.index(account_id);
            self.close();
            let mut row = vec![0; self.grid.months];
            self.grid.expand_row(index, &mut row);
            self.stale += usize::from(self.grid.spans[index].len);
            self.open = Some((index, row));
        }
        if let Some((_, row)) = &mut self.open {
            // Never wraps: a cell that does not fit holds the overflow marker.
            row[offset] = (Money(row[offset]) + arr).cents();
        }
        true
    }

    /// The account's index, a new one for an id not seen before.
    fn index(&mut self, account_id: &str) -> usize {
        let ids = &self.grid.account_ids;
        let after_all = ids.len() == 0 || ids.get(ids.len() - 1) < account_id;
        if !after_all && self.index_of.is_none() {
            self.grid.ids_in_order = false;
            self.index_of =
                Some(ids.iter().enumerate().map(|(i, id)| (id.to_string(), i)).collect());
        }
        if let Some(index) = self.index_of.as_ref().and_then(|map| map.get(account_id)) {
            return *index;
        }
        let index = ids.len();
        self.grid.account_ids.push(account_id);
        self.grid.spans.push(Span::default());
        if let Some(map) = &mut self.index_of {
            map.insert(account_id.to_string(), index);
        }
        index
    }

    /// Stores the open account's row.
    fn close(&mut self) {
        if let Some((index, row)) = self.open.take() {
            self.grid.store_row(index, &row);
        }
    }

    pub fn build(mut self) -> ArrGrid {
        self.close();
        if self.stale > 0 {
            // Accounts came back after others: keep only their latest rows.
            let mut row = vec![0; self.grid.months];
            let mut packed = ArrGrid::empty(self.grid.first, self.grid.months);
            for index in 0..self.grid.account_count() {
                self.grid.expand_row(index, &mut row);
                packed.spans.push(Span::default());
                packed.store_row(index, &row);
            }
            packed.account_ids = std::mem::take(&mut self.grid.account_ids);
            packed.ids_in_order = false;
            return packed;
        }
        self.grid
    }
}

impl ArrGrid {
    fn empty(first: Month, months: usize) -> ArrGrid {
        ArrGrid {
            first,
            months,
            account_ids: Ids::default(),
            ids_in_order: true,
            spans: Vec::new(),
            narrow: Vec::new(),
            wide: Vec::new(),
        }
    }

    /// A builder for the months `first..=last` (no months when `last < first`).
    pub fn builder(first: Month, last: Month) -> ArrGridBuilder {
        let months = usize::try_from(last.0 - first.0 + 1).unwrap_or(0);
        ArrGridBuilder { grid: ArrGrid::empty(first, months), index_of: None, open: None, stale: 0 }
    }

    /// A grid spanning exactly the months present in `rows`.
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = (&'a str, Month, Money)>) -> ArrGrid {
        let rows: Vec<_> = rows.into_iter().collect();
        let first = rows.iter().map(|r| r.1).min().unwrap_or(Month(0));
        let last = rows.iter().map(|r| r.1).max().unwrap_or(Month(-1));
        let mut builder = ArrGrid::builder(first, last);
        for (account_id, month, arr) in rows {
            builder.push(account_id, month, arr);
        }
        builder.build()
    }

    /// Keeps `row` (every month) as the account's months, from its first to
    /// its last non-zero one.
    fn store_row(&mut self, account: usize, row: &[i64]) {
        let Some(start) = row.iter().position(|c| *c != 0) else {
            self.spans[account] = Span::default();
            return;
        };
        let end = row.iter().rposition(|c| *c != 0).map_or(start, |e| e + 1);
        let cells = &row[start..end];
        let wide = cells.iter().any(|c| i32::try_from(*c).is_err());
        let at = if wide { self.wide.len() } else { self.narrow.len() };
        if wide {
            self.wide.extend_from_slice(cells);
        } else {
            self.narrow.extend(cells.iter().map(|c| i32::try_from(*c).unwrap_or_default()));
        }
        self.spans[account] = Span {
            at: u32::try_from(at).unwrap_or(u32::MAX),
            start: u16::try_from(start).unwrap_or(u16::MAX),
            len: u16::try_from(end - start).unwrap_or(u16::MAX),
            wide,
        };
    }

    pub(crate) fn offset(&self, month: Month) -> Option<usize> {
        usize::try_from(month.0 - self.first.0).ok().filter(|offset| *offset < self.months)
    }

    /// The account's cents at a month offset (0 outside its months).
    fn cell(&self, account: usize, offset: usize) -> i64 {
        let span = self.spans[account];
        let Some(i) = offset.checked_sub(usize::from(span.start)) else { return 0 };
        if i >= usize::from(span.len) {
            return 0;
        }
        let at = span.at as usize + i;
        if span.wide { self.wide[at] } else { i64::from(self.narrow[at]) }
    }

    /// Writes the account's cents for every month of the book into `row`
    /// (as long as the book's months).
    pub fn expand_row(&self, account: usize, row: &mut [i64]) {
        self.fill_months(account, self.first, row);
    }

    /// Writes the account's cents for the months from `from` on into
    /// `months` (one per month; 0 outside the book or the account's ARR).
    pub fn fill_months(&self, account: usize, from: Month, months: &mut [i64]) {
        months.fill(0);
        let span = self.spans[account];
        // The account's months, as offsets from `from`.
        let start = i64::from(self.first.0) + i64::from(span.start) - i64::from(from.0);
        let end = start + i64::from(span.len);
        let (lo, hi) = (start.max(0), end.min(months.len() as i64));
        if lo >= hi {
            return;
        }
        let (lo, hi) = (lo as usize, hi as usize);
        let at = span.at as usize + (lo as i64 - start) as usize;
        let target = &mut months[lo..hi];
        if span.wide {
            target.copy_from_slice(&self.wide[at..at + target.len()]);
        } else {
            for (cell, cents) in target.iter_mut().zip(&self.narrow[at..]) {
                *cell = i64::from(*cents);
            }
        }
    }

    /// The number of months of the book.
    pub fn month_count(&self) -> usize {
        self.months
    }

    /// The first month of the book, if it has any snapshot.
    pub fn first_month(&self) -> Option<Month> {
        (self.months > 0).then_some(self.first)
    }

    /// The latest month of the book, if it has any snapshot.
    pub fn last_month(&self) -> Option<Month> {
        (self.months > 0).then(|| self.first.plus(self.months as i32 - 1))
    }

    pub fn account_count(&self) -> usize {
        self.account_ids.len()
    }

    /// Whether account indexes order as the accounts' ids do.
    pub fn ids_in_order(&self) -> bool {
        self.ids_in_order
    }

    pub fn account_id(&self, account: usize) -> &str {
        self.account_ids.get(account)
    }

    /// ARR of one account (by index) at `month`; 0 outside the book.
    pub fn arr(&self, account: usize, month: Month) -> Money {
        self.offset(month).map_or(Money::ZERO, |offset| Money(self.cell(account, offset)))
    }

    /// ARR of one account (by id) at `month`; 0 for an unknown account.
    pub fn arr_of(&self, account_id: &str, month: Month) -> Money {
        self.account_ids
            .iter()
            .position(|id| id == account_id)
            .map_or(Money::ZERO, |account| self.arr(account, month))
    }

    /// The book's total ARR at `month`.
    pub fn total_arr(&self, month: Month) -> Money {
        match self.offset(month) {
            Some(offset) => (0..self.account_count()).map(|a| Money(self.cell(a, offset))).sum(),
            None => Money::ZERO,
        }
    }

    /// The first month in which the account had ARR, if it ever did.
    pub fn start_month(&self, account: usize) -> Option<Month> {
        let span = self.spans[account];
        let start = usize::from(span.start);
        (start..start + usize::from(span.len))
            .find(|offset| self.cell(account, *offset) > 0)
            .map(|offset| self.first.plus(offset as i32))
    }
}

/// Two grids are equal when they hold the same accounts, in the same order,
/// with the same ARR every month, however they are packed.
impl PartialEq for ArrGrid {
    fn eq(&self, other: &ArrGrid) -> bool {
        if (self.first, self.months, &self.account_ids)
            != (other.first, other.months, &other.account_ids)
        {
            return false;
        }
        let (mut mine, mut theirs) = (vec![0; self.months], vec![0; self.months]);
        (0..self.account_count()).all(|account| {
            self.expand_row(account, &mut mine);
            other.expand_row(account, &mut theirs);
            mine == theirs
        })
    }
}

impl Eq for ArrGrid {}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Month {
        Month::parse(text).expect("month")
    }

    fn row(grid: &ArrGrid, account: usize) -> Vec<i64> {
        let mut row = vec![0; grid.month_count()];
        grid.expand_row(account, &mut row);
        row
    }

    #[test]
    fn only_the_months_between_first_and_last_arr_are_kept() {
        let mut builder = ArrGrid::builder(m("2024-01"), m("2024-06"));
        // A starts in March and churns after April; products add up.
        builder.push("A", m("2024-03"), Money(100));
        builder.push("A", m("2024-03"), Money(50));
        builder.push("A", m("2024-04"), Money(200));
        builder.push("A", m("2024-05"), Money(0));
        // B holds more than 32 bits of cents in one month.
        builder.push("B", m("2024-01"), Money(3_000_000_000));
        builder.push("B", m("2024-06"), Money(7));
        // C has only a zero snapshot.
        builder.push("C", m("2024-02"), Money(0));
        assert!(!builder.push("C", m("2023-12"), Money(5)), "before the book");
        let grid = builder.build();
        assert_eq!(row(&grid, 0), [0, 0, 150, 200, 0, 0]);
        assert_eq!(row(&grid, 1), [3_000_000_000, 0, 0, 0, 0, 7]);
        assert_eq!(row(&grid, 2), [0; 6]);
        // Any window of months, inside the book or not.
        let mut window = [9; 4];
        grid.fill_months(0, m("2024-04"), &mut window);
        assert_eq!(window, [200, 0, 0, 0]);
        grid.fill_months(0, m("2023-12"), &mut window);
        assert_eq!(window, [0, 0, 0, 150]);
        grid.fill_months(1, m("2024-05"), &mut window);
        assert_eq!(window, [0, 7, 0, 0]);
        grid.fill_months(0, m("2025-01"), &mut window);
        assert_eq!(window, [0; 4]);
        // A: 2 narrow cells; B: 6 wide cells; C: nothing.
        assert_eq!((grid.narrow.len(), grid.wide.len()), (2, 6));
        assert_eq!(grid.arr(0, m("2024-04")), Money(200));
        assert_eq!(grid.arr(0, m("2024-06")), Money::ZERO);
        assert_eq!(grid.start_month(0), Some(m("2024-03")));
        assert_eq!(grid.start_month(2), None);
        assert_eq!(grid.total_arr(m("2024-01")), Money(3_000_000_000));
        assert_eq!(grid.arr_of("B", m("2024-06")), Money(7));
    }

    #[test]
    fn accounts_in_any_order_give_the_same_grid() {
        let rows = [
            ("A", "2024-01", 10),
            ("B", "2024-02", 20),
            ("A", "2024-03", 30),
            ("C", "2024-01", 40),
            ("B", "2024-01", 50),
            ("A", "2024-01", 60),
        ];
        let scattered =
            ArrGrid::from_rows(rows.iter().map(|(a, month, c)| (*a, m(month), Money(*c))));
        let mut grouped_rows: Vec<_> = rows.to_vec();
        grouped_rows.sort_by_key(|(a, _, _)| *a);
        let grouped =
            ArrGrid::from_rows(grouped_rows.iter().map(|(a, month, c)| (*a, m(month), Money(*c))));
        assert_eq!(scattered, grouped);
        assert_eq!(grouped.account_id(1), "B");
        // Ids in order are told apart without a lookup table.
        let mut builder = ArrGrid::builder(m("2024-01"), m("2024-03"));
        for (account, month, cents) in &rows[..3] {
            builder.push(account, m(month), Money(*cents));
        }
        assert!(builder.index_of.is_some(), "A came back after B");
        let mut builder = ArrGrid::builder(m("2024-01"), m("2024-03"));
        for (account, month, cents) in &grouped_rows {
            builder.push(account, m(month), Money(*cents));
        }
        assert!(builder.index_of.is_none());
        assert!(builder.build().ids_in_order());
        assert!(!scattered.ids_in_order());
        assert_eq!(row(&scattered, 0), [70, 0, 30]);
        assert_eq!(row(&scattered, 1), [50, 20, 0]);
        assert_eq!(row(&scattered, 2), [40, 0, 0]);
        // Nothing left behind by the accounts that came back.
        assert_eq!(scattered.narrow.len(), 3 + 2 + 1);
    }
}
