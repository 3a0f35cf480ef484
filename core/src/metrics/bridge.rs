//! The ARR bridge: starting ARR + new logo + expansion − contraction − lost =
//! ending ARR, built from each account's month-to-month changes (0→x new
//! logo, x→0 lost, up expansion, down contraction). It foots exactly, by
//! construction and by test.
//!
//! It also carries "lazy NRR", (starting + net expansion) / starting, only as
//! a labelled contrast: it lets new customers' expansion into the numerator,
//! so it is never NRR. Real NRR is in `retention`. No I/O here.

use super::retention::ArrGrid;
use crate::domain::{Money, Month};
use crate::metrics::Rate;

/// The four movements of ARR over a stretch of months.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Movements {
    pub new_logo: Money,
    pub expansion: Money,
    pub contraction: Money,
    pub lost: Money,
}

impl Movements {
    fn add_step(&mut self, before: i64, after: i64) {
        let (before, after) = (Money(before), Money(after));
        if before == after {
            return;
        }
        if before.is_overflow() || after.is_overflow() {
            self.lost = Money::OVERFLOW;
        } else if before.is_zero() {
            self.new_logo += after;
        } else if after.is_zero() {
            self.lost += before;
        } else if after > before {
            self.expansion += after - before;
        } else {
            self.contraction += before - after;
        }
    }

    /// New logo + expansion − contraction − lost.
    pub fn net(&self) -> Money {
        self.new_logo + self.expansion - self.contraction - self.lost
    }

    pub fn is_zero(&self) -> bool {
        *self == Movements::default()
    }
}

/// The bridge from the end of month `from` to the end of month `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bridge {
    pub from: Month,
    pub to: Month,
    /// ARR at the end of `from`.
    pub starting_arr: Money,
    pub movements: Movements,
    /// ARR at the end of `to`.
    pub ending_arr: Money,
}

impl Bridge {
    /// `Ok` when every amount and every total shown added up exactly.
    pub fn exact(&self) -> Result<(), crate::domain::money::SumOverflow> {
        super::all_exact([
            self.starting_arr,
            self.ending_arr,
            self.new_logo(),
            self.expansion(),
            self.contraction(),
            self.lost(),
            self.churn(),
            self.new_arr(),
            self.net_new_arr(),
            self.net_expansion(),
        ])
    }

    pub fn new_logo(&self) -> Money {
        self.movements.new_logo
    }

    pub fn expansion(&self) -> Money {
        self.movements.expansion
    }

    pub fn contraction(&self) -> Money {
        self.movements.contraction
    }

    pub fn lost(&self) -> Money {
        self.movements.lost
    }

    /// Churn ARR: contraction + lost.
    pub fn churn(&self) -> Money {
        self.contraction() + self.lost()
    }

    /// New ARR: new logo + expansion.
    pub fn new_arr(&self) -> Money {
        self.new_logo() + self.expansion()
    }

    /// Net new ARR = new logo + expansion − contraction − lost.
    pub fn net_new_arr(&self) -> Money {
        self.movements.net()
    }

    /// Net expansion = expansion − contraction − lost.
    pub fn net_expansion(&self) -> Money {
        self.expansion() - self.churn()
    }

    /// Expansion as a share of new ARR: expansion / (new logo + expansion).
    pub fn expansion_share_of_new(&self) -> Option<Rate> {
        Rate::new(self.expansion().cents(), self.new_arr().cents())
    }

    /// Churn rate over the period: (contraction + lost) / starting ARR.
    pub fn churn_rate(&self) -> Option<Rate> {
        Rate::new(self.churn().cents(), self.starting_arr.cents())
    }

    /// Whether starting + movements = ending, to the cent.
    pub fn foots(&self) -> bool {
        self.starting_arr + self.movements.net() == self.ending_arr
    }

    /// "Lazy NRR" = (starting ARR + net expansion) / starting ARR. NOT NRR:
    /// expansion of customers that are new in the period counts in it. Shown
    /// only as a labelled contrast beside the cohort NRR.
    pub fn lazy_nrr(&self) -> Option<Rate> {
        Rate::new((self.starting_arr + self.net_expansion()).cents(), self.starting_arr.cents())
    }
}

/// The bridge from the end of `from` to the end of `to` (`from ≤ to`; equal
/// months give a bridge with no movement). Months outside the book count 0.
pub fn bridge(grid: &ArrGrid, from: Month, to: Month) -> Bridge {
    let mut movements = Movements::default();
    let mut months = month_buffer(from, to);
    for account in 0..grid.account_count() {
        movements_of(grid, account, from, &mut months, &mut movements);
    }
    Bridge {
        from,
        to,
        starting_arr: grid.total_arr(from),
        movements,
        ending_arr: grid.total_arr(to),
    }
}

/// Room for the months `from..=to`.
fn month_buffer(from: Month, to: Month) -> Vec<i64> {
    vec![0; usize::try_from(to.0 - from.0 + 1).unwrap_or(0)]
}

/// Adds the account's month-to-month steps over `months` (as long as the
/// period, starting at `from`) to `into`.
fn movements_of(
    grid: &ArrGrid,
    account: usize,
    from: Month,
    months: &mut [i64],
    into: &mut Movements,
) {
    grid.fill_months(account, from, months);
    for step in months.windows(2) {
        into.add_step(step[0], step[1]);
    }
}

/// One account's share of a bridge, for drilling down from a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountMovements {
    pub account_id: String,
    pub starting_arr: Money,
    pub movements: Movements,
    pub ending_arr: Money,
}

/// The accounts that moved between `from` and `to`, largest net change in
/// absolute value first (ties by account id). Their movements add up to the
/// bridge's.
pub fn bridge_by_account(grid: &ArrGrid, from: Month, to: Month) -> Vec<AccountMovements> {
    let mut months = month_buffer(from, to);
    let mut moved: Vec<(Movements, usize)> = (0..grid.account_count())
        .filter_map(|account| {
            let mut movements = Movements::default();
            movements_of(grid, account, from, &mut months, &mut movements);
            (!movements.is_zero()).then_some((movements, account))
        })
        .collect();
    // Ordered by index first: ids are copied once, in order, and ties
    // compare indexes when they follow the ids.
    let size = |m: &Movements| std::cmp::Reverse(m.net().cents().abs());
    if grid.ids_in_order() {
        moved.sort_unstable_by_key(|(movements, account)| (size(movements), *account));
    } else {
        moved.sort_unstable_by(|a, b| {
            size(&a.0).cmp(&size(&b.0)).then_with(|| grid.account_id(a.1).cmp(grid.account_id(b.1)))
        });
    }
    moved
        .into_iter()
        .map(|(movements, account)| AccountMovements {
            account_id: grid.account_id(account).to_string(),
            starting_arr: grid.arr(account, from),
            movements,
            ending_arr: grid.arr(account, to),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::retention::retention_at;
    use crate::metrics::retention::tests::{arb_book, book_grid, grid, month};
    use proptest::prelude::*;

    #[test]
    fn a_hand_built_bridge_foots() {
        // A: 100 → 120 (expansion 20). B: 50 → 0 (lost 50). C: 0 → 30 (new
        // logo) → 25 (contraction 5). D: 40 → 60 → 45: expansion 20 then
        // contraction 15, both counted.
        let book = grid(&[
            ("A", "2025-01", 100),
            ("A", "2025-02", 100),
            ("A", "2025-03", 120),
            ("B", "2025-01", 50),
            ("C", "2025-02", 30),
            ("C", "2025-03", 25),
            ("D", "2025-01", 40),
            ("D", "2025-02", 60),
            ("D", "2025-03", 45),
        ]);
        let b = bridge(&book, month("2025-01"), month("2025-03"));
        assert_eq!(b.starting_arr, Money::from_units(190));
        assert_eq!(b.new_logo(), Money::from_units(30));
        assert_eq!(b.expansion(), Money::from_units(40));
        assert_eq!(b.contraction(), Money::from_units(20));
        assert_eq!(b.lost(), Money::from_units(50));
        assert_eq!(b.ending_arr, Money::from_units(190));
        assert!(b.foots());
        assert_eq!(b.net_new_arr(), Money::ZERO);
        assert_eq!(b.net_expansion(), Money::from_units(-30));
        assert_eq!(b.expansion_share_of_new(), Rate::new(40, 70));
        assert_eq!(b.churn_rate(), Rate::new(70, 190));
        let by_account = bridge_by_account(&book, month("2025-01"), month("2025-03"));
        assert_eq!(by_account[0].account_id, "B");
        assert_eq!(by_account.len(), 4);
    }

    #[test]
    fn an_empty_period_has_undefined_shares() {
        let book = grid(&[("A", "2025-01", 100)]);
        let b = bridge(&book, month("2025-01"), month("2025-01"));
        assert!(b.foots() && b.movements.is_zero());
        assert_eq!(b.expansion_share_of_new(), None);
        let empty = bridge(&book, month("2023-01"), month("2023-06"));
        assert_eq!((empty.churn_rate(), empty.lazy_nrr()), (None, None));
    }

    #[test]
    fn lazy_nrr_is_not_cohort_nrr_when_a_new_customer_expands() {
        // Customers 1 and 2 are the year-ago cohort; customer 3 lands during
        // the year at 50 and expands to 150.
        let mut rows = Vec::new();
        for m in month("2024-12").through(month("2025-11")) {
            rows.push(("1", m, Money::from_units(100)));
            rows.push(("2", m, Money::from_units(100)));
            if m >= month("2025-03") {
                rows.push(("3", m, Money::from_units(50)));
            }
        }
        rows.push(("1", month("2025-12"), Money::from_units(110)));
        rows.push(("2", month("2025-12"), Money::from_units(90)));
        rows.push(("3", month("2025-12"), Money::from_units(150)));
        let book = ArrGrid::from_rows(rows);
        let nrr = retention_at(&book, month("2025-12")).nrr();
        // Cohort NRR: (110 + 90) / (100 + 100) = 100%.
        assert_eq!(nrr, Rate::new(1, 1));
        let b = bridge(&book, month("2024-12"), month("2025-12"));
        // Bridge: new logo 50, expansion 10 + 100, contraction 10.
        assert_eq!(b.new_logo(), Money::from_units(50));
        assert_eq!(b.expansion(), Money::from_units(110));
        assert_eq!(b.contraction(), Money::from_units(10));
        assert!(b.foots());
        // Lazy: (200 + 110 − 10) / 200 = 150%: customer 3's expansion leaks in.
        assert_eq!(b.lazy_nrr(), Rate::new(3, 2));
        assert_ne!(b.lazy_nrr(), nrr);
    }

    proptest! {
        #[test]
        fn the_bridge_always_foots(book in arb_book(), from in 0_i32..30, len in 0_i32..30) {
            let grid = book_grid(&book);
            let from = month("2021-10").plus(from);
            let to = from.plus(len);
            let b = bridge(&grid, from, to);
            prop_assert!(b.foots());
            let by_account = bridge_by_account(&grid, from, to);
            let summed = by_account.iter().fold(Movements::default(), |mut sum, row| {
                sum.new_logo += row.movements.new_logo;
                sum.expansion += row.movements.expansion;
                sum.contraction += row.movements.contraction;
                sum.lost += row.movements.lost;
                sum
            });
            prop_assert_eq!(summed, b.movements);
        }
    }
}
