//! Cohort- and snapshot-based retention: NRR, GRR, CRR and DRR at a month,
//! the trailing monthly series, and the cohort members behind the numbers.
//!
//! Everything is computed from `ArrGrid`, each account's total ARR per month
//! (the sum over its products, or one product's ARR when filtered); the
//! whole trailing series is one pass over each account's months. This module never reads the database and never
//! draws; it must not compute a rate from anything but snapshots (no "lazy
//! NRR" from a bridge: that contrast lives in `bridge`, labelled as such).

use crate::domain::{Money, Month};
use crate::metrics::Rate;

pub use crate::domain::arr_grid::{ArrGrid, ArrGridBuilder};

/// Retention at month `as_of` of the cohort of accounts that had ARR twelve
/// months earlier. Sums are kept so that every rate is an exact fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub as_of: Month,
    /// Accounts with ARR > 0 at `as_of − 12`.
    pub cohort_accounts: u64,
    /// Of those, the ones still with ARR > 0 at `as_of`.
    pub retained_accounts: u64,
    /// The cohort's ARR at `as_of − 12`.
    pub cohort_arr: Money,
    /// The same accounts' ARR at `as_of` (churned members count 0).
    pub current_arr: Money,
    /// Σ min(ARR now, ARR then) over the cohort: what was kept, expansion excluded.
    pub kept_arr: Money,
}

impl Retention {
    fn empty(as_of: Month) -> Retention {
        Retention {
            as_of,
            cohort_accounts: 0,
            retained_accounts: 0,
            cohort_arr: Money::ZERO,
            current_arr: Money::ZERO,
            kept_arr: Money::ZERO,
        }
    }

    /// The month the cohort is taken at.
    /// `Ok` when every amount added up exactly.
    pub fn exact(&self) -> Result<(), crate::domain::money::SumOverflow> {
        super::all_exact([self.cohort_arr, self.current_arr, self.kept_arr])
    }

    pub fn cohort_month(&self) -> Month {
        self.as_of.minus(12)
    }

    /// Net revenue retention: the cohort's ARR now / then.
    pub fn nrr(&self) -> Option<Rate> {
        Rate::new(self.current_arr.cents(), self.cohort_arr.cents())
    }

    /// Gross revenue retention: Σ min(now, then) / then, never above 100%.
    pub fn grr(&self) -> Option<Rate> {
        Rate::new(self.kept_arr.cents(), self.cohort_arr.cents())
    }

    /// Customer renewal rate: the share of the cohort still with ARR.
    pub fn crr(&self) -> Option<Rate> {
        Rate::new(self.retained_accounts, self.cohort_accounts)
    }

    /// Dollar renewal rate: the cohort's dollars now / then (numerically the NRR).
    pub fn drr(&self) -> Option<Rate> {
        self.nrr()
    }

    fn add(&mut self, then: i64, now: i64) {
        let (then, now) = (Money(then), Money(now));
        if then.is_overflow() || now.is_overflow() {
            // An account's ARR that did not add up: the whole cohort refuses.
            self.cohort_arr = Money::OVERFLOW;
            return;
        }
        if then > Money::ZERO {
            self.cohort_accounts += 1;
            self.cohort_arr += then;
            self.current_arr += now;
            self.kept_arr += now.min(then);
            if now > Money::ZERO {
                self.retained_accounts += 1;
            }
        }
    }
}

/// Retention at `as_of`. Months without a year-ago month in the book give an
/// empty cohort (every rate undefined).
pub fn retention_at(grid: &ArrGrid, as_of: Month) -> Retention {
    retention_series(grid, as_of, as_of).into_iter().next().unwrap_or(Retention::empty(as_of))
}

/// Retention for every month from `from` to `to` (both included), in one
/// pass over each account's months.
pub fn retention_series(grid: &ArrGrid, from: Month, to: Month) -> Vec<Retention> {
    let mut series: Vec<Retention> = from.through(to).map(Retention::empty).collect();
    if series.is_empty() || grid.months == 0 {
        return series;
    }
    // The span of the series whose month and year-ago month are both in the book.
    let first = grid.first.0;
    let last = first + grid.months as i32 - 1;
    let start = from.0.max(first + 12);
    let end = to.0.min(last);
    if start > end {
        return series;
    }
    let skip = (start - from.0) as usize;
    let count = (end - start + 1) as usize;
    let now_offset = (start - first) as usize;
    let then_offset = now_offset - 12;
    let window = &mut series[skip..skip + count];
    // From the first cohort month to the last month asked: all a row needs.
    let mut row = vec![0; now_offset + count - then_offset];
    let row_start = grid.first.plus(then_offset as i32);
    for account in 0..grid.account_count() {
        grid.fill_months(account, row_start, &mut row);
        let then = &row[..count];
        let now = &row[12..12 + count];
        for ((retention, then), now) in window.iter_mut().zip(then).zip(now) {
            retention.add(*then, *now);
        }
    }
    series
}

/// The whole trailing series: every month of the book that has a year-ago
/// month in the book. Empty for a book shorter than 13 months.
pub fn trailing_series(grid: &ArrGrid) -> Vec<Retention> {
    match (grid.first_month(), grid.last_month()) {
        (Some(first), Some(last)) if last.0 >= first.0 + 12 => {
            retention_series(grid, first.plus(12), last)
        }
        _ => Vec::new(),
    }
}

/// What happened to one cohort member between `as_of − 12` and `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MemberChange {
    Churned,
    Contracted,
    Flat,
    Expanded,
}

/// A cohort member with its ARR then and now, for drilling down from a rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortMember {
    pub account_id: String,
    pub then_arr: Money,
    pub now_arr: Money,
    pub change: MemberChange,
}

impl CohortMember {
    /// ARR now minus ARR then (negative for churn and contraction).
    pub fn delta(&self) -> Money {
        self.now_arr - self.then_arr
    }
}

/// The cohort behind `retention_at(grid, as_of)`, one row per member, the
/// biggest losses first (ties by account id).
pub fn cohort_members(grid: &ArrGrid, as_of: Month) -> Vec<CohortMember> {
    let then_month = as_of.minus(12);
    // Ordered by index first: ids are copied once, in order, and a tie
    // (most members do not move) compares indexes when they follow the ids.
    let mut members: Vec<(Money, Money, usize)> = (0..grid.account_count())
        .filter_map(|account| {
            let then_arr = grid.arr(account, then_month);
            (then_arr.cents() > 0).then(|| (then_arr, grid.arr(account, as_of), account))
        })
        .collect();
    let delta = |(then, now, _): &(Money, Money, usize)| *now - *then;
    if grid.ids_in_order() {
        members.sort_unstable_by_key(|m| (delta(m), m.2));
    } else {
        members.sort_unstable_by(|a, b| {
            delta(a).cmp(&delta(b)).then_with(|| grid.account_id(a.2).cmp(grid.account_id(b.2)))
        });
    }
    members
        .into_iter()
        .map(|(then_arr, now_arr, account)| {
            let change = if now_arr.is_zero() {
                MemberChange::Churned
            } else if now_arr < then_arr {
                MemberChange::Contracted
            } else if now_arr > then_arr {
                MemberChange::Expanded
            } else {
                MemberChange::Flat
            };
            CohortMember {
                account_id: grid.account_id(account).to_string(),
                then_arr,
                now_arr,
                change,
            }
        })
        .collect()
}

/// The cohort members that churned or contracted by `as_of`: the accounts
/// behind a GRR below 100% (and behind the CRR/DRR gap).
pub fn churned_or_contracted(grid: &ArrGrid, as_of: Month) -> Vec<CohortMember> {
    cohort_members(grid, as_of)
        .into_iter()
        .filter(|m| matches!(m.change, MemberChange::Churned | MemberChange::Contracted))
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn month(text: &str) -> Month {
        Month::parse(text).expect("month")
    }

    /// A grid from (account, month, whole currency units) triples.
    pub(crate) fn grid(rows: &[(&str, &str, i64)]) -> ArrGrid {
        let rows: Vec<(&str, Month, Money)> =
            rows.iter().map(|(a, m, u)| (*a, month(m), Money::from_units(*u))).collect();
        ArrGrid::from_rows(rows)
    }

    #[test]
    fn members_come_biggest_loss_first_then_by_id_in_any_row_order() {
        // C churns (−50), A contracts (−10), B and D stay flat (0, by id), E expands.
        let rows = [
            ("D", "2024-01", 10),
            ("D", "2025-01", 10),
            ("B", "2024-01", 20),
            ("B", "2025-01", 20),
            ("E", "2024-01", 5),
            ("E", "2025-01", 9),
            ("A", "2024-01", 30),
            ("A", "2025-01", 20),
            ("C", "2024-01", 50),
        ];
        let mut sorted_rows = rows.to_vec();
        sorted_rows.sort();
        for book in [grid(&rows), grid(&sorted_rows)] {
            let members = cohort_members(&book, month("2025-01"));
            let order: Vec<(&str, MemberChange)> =
                members.iter().map(|m| (m.account_id.as_str(), m.change)).collect();
            assert_eq!(
                order,
                [
                    ("C", MemberChange::Churned),
                    ("A", MemberChange::Contracted),
                    ("B", MemberChange::Flat),
                    ("D", MemberChange::Flat),
                    ("E", MemberChange::Expanded),
                ]
            );
        }
    }

    fn rate(n: i128, d: i128) -> Option<Rate> {
        Rate::new(n, d)
    }

    /// The 4A article's scenarios: 10 customers at $10 each in year 1; in year
    /// 2 the cohort's customers and dollars are as given.
    fn scenario(year2: &[i64]) -> Retention {
        let mut rows = Vec::new();
        let names: Vec<String> = (0..10).map(|i| format!("C{i:02}")).collect();
        for (i, name) in names.iter().enumerate() {
            rows.push((name.as_str(), "2024-01", 10));
            rows.push((name.as_str(), "2025-01", year2[i]));
        }
        retention_at(&grid(&rows), month("2025-01"))
    }

    #[test]
    fn the_4a_customer_and_dollar_renewal_scenarios() {
        // Scenario 1: everyone renews flat. CRR 100%, $100 → $100, DRR 100%.
        let s1 = scenario(&[10; 10]);
        assert_eq!((s1.crr(), s1.drr()), (rate(1, 1), rate(1, 1)));
        assert_eq!(
            (s1.cohort_arr, s1.current_arr),
            (Money::from_units(100), Money::from_units(100))
        );
        // Scenario 2: all renew, some expand to $120 in total. CRR 100%, DRR 120%.
        let s2 = scenario(&[20, 20, 10, 10, 10, 10, 10, 10, 10, 10]);
        assert_eq!((s2.crr(), s2.drr()), (rate(1, 1), rate(6, 5)));
        assert_eq!(s2.grr(), rate(1, 1));
        // Scenario 3: two churn, masked by expansion. CRR 80%, DRR 100%.
        let s3 = scenario(&[0, 0, 20, 20, 10, 10, 10, 10, 10, 10]);
        assert_eq!((s3.crr(), s3.drr()), (rate(4, 5), rate(1, 1)));
        assert_eq!(s3.grr(), rate(4, 5));
        // Scenario 4: four churn, others expand to $130. CRR 60%, DRR 130%.
        let s4 = scenario(&[0, 0, 0, 0, 40, 30, 15, 15, 15, 15]);
        assert_eq!((s4.crr(), s4.drr()), (rate(3, 5), rate(13, 10)));
        assert_eq!(s4.retained_accounts, 6);
        // GRR keeps only what was there: 6 × $10 = $60 of $100.
        assert_eq!(s4.grr(), rate(3, 5));
        // Scenario 5: all renew, some for fewer users: $80. CRR 100%, DRR 80%.
        let s5 = scenario(&[6, 6, 6, 6, 6, 10, 10, 10, 10, 10]);
        assert_eq!((s5.crr(), s5.drr()), (rate(1, 1), rate(4, 5)));
        assert_eq!(s5.grr(), rate(4, 5));
    }

    #[test]
    fn new_accounts_are_not_in_the_cohort_and_churned_ones_count_zero() {
        let book = grid(&[
            ("A", "2024-03", 100),
            ("A", "2025-03", 150),
            ("B", "2024-03", 50),
            // B churned: no 2025-03 snapshot.
            ("C", "2024-09", 10),
            ("C", "2025-03", 500),
        ]);
        let r = retention_at(&book, month("2025-03"));
        assert_eq!(r.cohort_accounts, 2);
        assert_eq!(r.cohort_arr, Money::from_units(150));
        assert_eq!(r.current_arr, Money::from_units(150));
        assert_eq!(r.nrr(), rate(1, 1));
        // GRR: min(150,100) + min(0,50) = 100 of 150.
        assert_eq!(r.grr(), rate(2, 3));
        assert_eq!(r.crr(), rate(1, 2));
        let drill = churned_or_contracted(&book, month("2025-03"));
        assert_eq!(drill.len(), 1);
        assert_eq!(drill[0].account_id, "B");
        assert_eq!(drill[0].change, MemberChange::Churned);
        assert_eq!(drill[0].delta(), Money::from_units(-50));
    }

    #[test]
    fn products_add_up_per_account() {
        let rows = vec![
            ("A", month("2024-01"), Money::from_units(60)),
            ("A", month("2024-01"), Money::from_units(40)),
            ("A", month("2025-01"), Money::from_units(90)),
        ];
        let book = ArrGrid::from_rows(rows);
        assert_eq!(book.arr_of("A", month("2024-01")), Money::from_units(100));
        assert_eq!(retention_at(&book, month("2025-01")).nrr(), rate(9, 10));
    }

    #[test]
    fn months_without_a_year_ago_month_are_undefined() {
        let book = grid(&[("A", "2024-01", 10), ("A", "2024-12", 10)]);
        let r = retention_at(&book, month("2024-12"));
        assert_eq!(r.cohort_accounts, 0);
        assert_eq!((r.nrr(), r.grr(), r.crr()), (None, None, None));
        assert!(trailing_series(&book).is_empty());
        // A month past the book's last snapshot is unknown, not a churn.
        let past = retention_series(&book, month("2024-11"), month("2025-02"));
        assert_eq!(past.len(), 4);
        assert!(past.iter().all(|r| r.cohort_accounts == 0));
        // Once the book reaches 2025-01, A (absent then) is a churned member.
        let longer = grid(&[("A", "2024-01", 10), ("B", "2025-01", 5)]);
        let january = retention_at(&longer, month("2025-01"));
        assert_eq!((january.cohort_accounts, january.retained_accounts), (1, 0));
        assert_eq!((january.crr(), january.nrr()), (rate(0, 1), rate(0, 1)));
    }

    #[test]
    fn the_series_matches_month_by_month() {
        let book = grid(&[
            ("A", "2023-01", 10),
            ("A", "2023-06", 20),
            ("A", "2024-06", 30),
            ("B", "2023-06", 5),
            ("B", "2024-03", 5),
        ]);
        let series = trailing_series(&book);
        assert_eq!(series.len(), 6); // 2024-01 ..= 2024-06
        assert_eq!(series[0].as_of, month("2024-01"));
        for r in &series {
            let single = retention_at(&book, r.as_of);
            assert_eq!(*r, single);
        }
        let june = series[5];
        assert_eq!((june.cohort_accounts, june.cohort_arr), (2, Money::from_units(25)));
        assert_eq!(june.nrr(), rate(30, 25));
        assert_eq!(june.grr(), rate(20, 25));
    }

    /// A random book: up to 12 accounts × 30 months, ARR in whole units.
    pub(crate) fn arb_book() -> impl Strategy<Value = Vec<Vec<i64>>> {
        prop::collection::vec(
            prop::collection::vec(prop_oneof![Just(0_i64), 1_i64..1000], 30),
            1..12,
        )
    }

    pub(crate) fn book_grid(book: &[Vec<i64>]) -> ArrGrid {
        let names: Vec<String> = (0..book.len()).map(|i| format!("A{i}")).collect();
        let mut builder = ArrGrid::builder(month("2022-01"), month("2024-06"));
        for (name, row) in names.iter().zip(book) {
            for (offset, units) in row.iter().enumerate() {
                builder.push(name, month("2022-01").plus(offset as i32), Money::from_units(*units));
            }
        }
        builder.build()
    }

    proptest! {
        #[test]
        fn grr_is_at_most_one_and_at_most_nrr(book in arb_book()) {
            let grid = book_grid(&book);
            for r in trailing_series(&grid) {
                if let (Some(grr), Some(nrr)) = (r.grr(), r.nrr()) {
                    prop_assert!(grr <= Rate::new(1, 1).expect("one"));
                    prop_assert!(grr <= nrr);
                    prop_assert_eq!(Some(nrr), r.drr());
                }
            }
        }

        #[test]
        fn crr_counts_the_churned_members(book in arb_book(), at in 12_usize..30) {
            let grid = book_grid(&book);
            let as_of = month("2022-01").plus(at as i32);
            let r = retention_at(&grid, as_of);
            let cohort = book.iter().filter(|row| row[at - 12] > 0).count() as u64;
            let churned = book.iter().filter(|row| row[at - 12] > 0 && row[at] == 0).count() as u64;
            prop_assert_eq!(r.cohort_accounts, cohort);
            prop_assert_eq!(r.retained_accounts, cohort - churned);
            let drilled = cohort_members(&grid, as_of)
                .iter()
                .filter(|m| m.change == MemberChange::Churned)
                .count() as u64;
            prop_assert_eq!(drilled, churned);
            prop_assert_eq!(r.crr(), Rate::new(cohort - churned, cohort));
        }

        #[test]
        fn accounts_new_since_the_cohort_month_do_not_move_nrr(
            book in arb_book(),
            at in 12_usize..30,
            newcomer in prop::collection::vec(0_i64..5000, 30),
            start in 1_usize..12,
        ) {
            let grid = book_grid(&book);
            let as_of = month("2022-01").plus(at as i32);
            let before = retention_at(&grid, as_of);
            // An account that starts after as_of − 12, with any ARR path after it.
            let mut with_newcomer = book.clone();
            let mut row = newcomer.clone();
            for cell in row.iter_mut().take(at - 12 + start.min(12)) {
                *cell = 0;
            }
            with_newcomer.push(row);
            let after = retention_at(&book_grid(&with_newcomer), as_of);
            prop_assert_eq!(before, after);
        }
    }
}
