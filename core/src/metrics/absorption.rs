//! Potential absorption and whitespace (DOMAIN.md, "The 4A cycle"), pure.
//!
//! - **Absorption %** = current units / potential units, as an exact `Rate`;
//!   undefined (`None`) when either is unknown or the potential is zero.
//!   Over 50% the product is becoming the account's **standard**.
//! - **Whitespace ARR** = (potential − current units) × current ARR per unit,
//!   computed exactly as `ARR × (potential − units) / units`; never negative,
//!   and zero when units or potential are unknown or units are zero (no price
//!   per unit to extrapolate from).
//! - Per account: potentials set per product take precedence — the account's
//!   figures are the sums over those products; the account-level potential is
//!   the fallback when no product has one, measured against all the account's
//!   units and ARR.
//! - Book totals: installed ARR (every account), whitespace, potential ARR =
//!   installed + whitespace, and absorption % = installed ARR / potential ARR
//!   over the accounts whose potential is known (a money-weighted share, since
//!   units of different products do not add up).

use super::Rate;
use crate::domain::Money;

/// Absorption at or above this share (in basis points) makes the product the
/// account's standard.
pub const STANDARD_BP: i64 = 5000;

pub use crate::domain::product_line::ProductLine;

/// `current / potential`, `None` when unknown or the potential is zero.
pub fn absorption(current_units: Option<i64>, potential_units: Option<i64>) -> Option<Rate> {
    Rate::new(current_units?, potential_units?)
}

/// Over 50%: the product is becoming the account's standard.
pub fn is_standard(absorption: Option<Rate>) -> bool {
    absorption.is_some_and(|rate| {
        rate.numerator() * 10_000 > rate.denominator() * i128::from(STANDARD_BP)
    })
}

/// `(potential − units) × arr / units`, exact to the cent, never negative.
pub fn whitespace(arr: Money, current_units: Option<i64>, potential_units: Option<i64>) -> Money {
    match (current_units, potential_units) {
        (Some(units), Some(potential)) if units > 0 && potential > units && arr.cents() > 0 => {
            arr.mul_ratio(potential - units, units)
        }
        _ => Money::ZERO,
    }
}

/// An account's absorption figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccountAbsorption {
    /// Units counted against the potential (all units, or those of the
    /// products that carry a potential).
    pub current_units: Option<i64>,
    pub potential_units: Option<i64>,
    pub whitespace: Money,
}

impl AccountAbsorption {
    pub fn rate(&self) -> Option<Rate> {
        absorption(self.current_units, self.potential_units)
    }

    pub fn is_standard(&self) -> bool {
        is_standard(self.rate())
    }

    pub fn potential_known(&self) -> bool {
        self.potential_units.is_some()
    }
}

/// The account's figures from its total ARR and units, its account-level
/// potential, and the products that carry a potential of their own.
pub fn account_absorption(
    arr: Money,
    units: i64,
    account_potential: Option<i64>,
    product_lines: &[ProductLine],
) -> AccountAbsorption {
    let with_potential: Vec<&ProductLine> =
        product_lines.iter().filter(|line| line.potential_units.is_some()).collect();
    if with_potential.is_empty() {
        return AccountAbsorption {
            current_units: Some(units),
            potential_units: account_potential,
            whitespace: whitespace(arr, Some(units), account_potential),
        };
    }
    let mut current = 0_i64;
    let mut potential = 0_i64;
    let mut space = Money::ZERO;
    for line in with_potential {
        current = current.saturating_add(line.units.unwrap_or(0));
        potential = potential.saturating_add(line.potential_units.unwrap_or(0));
        space += whitespace(line.arr, line.units, line.potential_units);
    }
    AccountAbsorption {
        current_units: Some(current),
        potential_units: Some(potential),
        whitespace: space,
    }
}

/// The book's totals (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BookAbsorption {
    pub installed_arr: Money,
    pub whitespace: Money,
    pub potential_arr: Money,
    /// Installed ARR of the accounts whose potential is known.
    pub measured_installed_arr: Money,
    pub measured_potential_arr: Money,
    pub accounts: usize,
    pub accounts_without_potential: usize,
    pub standard_accounts: usize,
}

impl BookAbsorption {
    /// Installed / potential ARR over the accounts with a known potential.
    pub fn absorption(&self) -> Option<Rate> {
        Rate::new(self.measured_installed_arr.cents(), self.measured_potential_arr.cents())
    }
}

/// Sums `(ARR, absorption)` pairs into the book's totals.
pub fn book_totals<'a>(
    accounts: impl IntoIterator<Item = (Money, &'a AccountAbsorption)>,
) -> BookAbsorption {
    let mut book = BookAbsorption::default();
    for (arr, absorption) in accounts {
        book.accounts += 1;
        book.installed_arr += arr;
        book.whitespace += absorption.whitespace;
        if absorption.potential_known() {
            book.measured_installed_arr += arr;
            book.measured_potential_arr += arr + absorption.whitespace;
        } else {
            book.accounts_without_potential += 1;
        }
        if absorption.is_standard() {
            book.standard_accounts += 1;
        }
    }
    book.potential_arr = book.installed_arr + book.whitespace;
    book
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(product: &str, arr: i64, units: Option<i64>, potential: Option<i64>) -> ProductLine {
        ProductLine {
            product: product.into(),
            arr: Money::from_units(arr),
            units,
            potential_units: potential,
        }
    }

    #[test]
    fn ten_seats_of_a_hundred() {
        // 10 seats at 12,000 ARR = 1,200 a seat; 90 more seats = 108,000.
        let rate = absorption(Some(10), Some(100)).expect("rate");
        assert_eq!(rate.to_percent(0), "10%");
        assert_eq!(
            whitespace(Money::from_units(12_000), Some(10), Some(100)),
            Money::from_units(108_000)
        );
        assert!(!is_standard(Some(rate)));
    }

    #[test]
    fn over_half_is_standard_and_whitespace_is_exact() {
        // 3 units for 1,000.00 → 333.333… a unit; 4 more units → 1,333.33.
        assert_eq!(whitespace(Money::from_units(1000), Some(3), Some(7)), Money(133_333));
        assert!(is_standard(absorption(Some(51), Some(100))));
        assert!(!is_standard(absorption(Some(50), Some(100))));
    }

    #[test]
    fn unknown_or_exhausted_potential_has_no_whitespace() {
        let arr = Money::from_units(5000);
        assert_eq!(whitespace(arr, None, Some(100)), Money::ZERO);
        assert_eq!(whitespace(arr, Some(10), None), Money::ZERO);
        assert_eq!(whitespace(arr, Some(0), Some(100)), Money::ZERO);
        assert_eq!(whitespace(arr, Some(120), Some(100)), Money::ZERO);
        assert_eq!(absorption(Some(10), Some(0)), None);
        assert_eq!(absorption(Some(120), Some(100)).map(|r| r.to_percent(0)), Some("120%".into()));
    }

    #[test]
    fn product_potentials_take_precedence_over_the_account_level() {
        let lines = [
            line("Core", 10_000, Some(20), Some(50)), // 30 × 500 = 15,000
            line("Add-on", 2_000, Some(10), Some(10)), // full
            line("Other", 1_000, Some(5), None),      // no potential: not counted
        ];
        let figures = account_absorption(Money::from_units(13_000), 35, Some(1000), &lines);
        assert_eq!(figures.current_units, Some(30));
        assert_eq!(figures.potential_units, Some(60));
        assert_eq!(figures.whitespace, Money::from_units(15_000));
        assert_eq!(figures.rate().map(|r| r.to_percent(0)), Some("50%".into()));
        // With no product potentials, the account-level one is the fallback.
        let fallback = account_absorption(Money::from_units(13_000), 35, Some(70), &lines[2..]);
        assert_eq!(fallback.whitespace, Money::from_units(13_000));
        assert_eq!(fallback.rate().map(|r| r.to_percent(0)), Some("50%".into()));
    }

    #[test]
    fn book_totals_weigh_money_over_measured_accounts() {
        let measured = account_absorption(Money::from_units(100), 10, Some(40), &[]);
        let unknown = account_absorption(Money::from_units(50), 5, None, &[]);
        let book =
            book_totals([(Money::from_units(100), &measured), (Money::from_units(50), &unknown)]);
        assert_eq!(book.installed_arr, Money::from_units(150));
        assert_eq!(book.whitespace, Money::from_units(300));
        assert_eq!(book.potential_arr, Money::from_units(450));
        assert_eq!(book.absorption().map(|r| r.to_percent(0)), Some("25%".into()));
        assert_eq!(book.accounts_without_potential, 1);
    }

    proptest! {
        #[test]
        fn installed_plus_whitespace_is_the_potential_at_the_same_price(
            units in 1_i64..10_000, extra in 0_i64..10_000, price in 0_i64..1_000_000
        ) {
            // When the ARR divides evenly per unit, whitespace is exact and never negative.
            let arr = Money(price * units);
            let space = whitespace(arr, Some(units), Some(units + extra));
            prop_assert_eq!(space, Money(price * extra));
            prop_assert!(whitespace(arr, Some(units + extra), Some(units)) == Money::ZERO);
        }
    }
}
