//! The I/R/U picture of an account's 4A journey: bookings per year split into
//! Initial, Incremental, Renewal and Upsell (pure).
//!
//! Each contract of an account, in order of start date (then id), is one of:
//! - **Renewal** — it renews one or more earlier contracts of the product
//!   (`Contract::renewal_among`: same product, starting within 31 days of
//!   their end). It counts as renewal up to the ARR it replaces. When it
//!   carries more units than those it replaces, the added units' ARR
//!   (ARR × added units / units) is **incremental** and only the rest is
//!   renewal; anything above the ARR replaced is incremental as well.
//! - **Incremental** — more of a product the account already had: a later
//!   contract of the same product that renews nothing (a co-term add-on, or a
//!   product bought back after a gap).
//! - **Initial** — the first contract of a product, on the account's first
//!   start date (what it landed with).
//! - **Upsell** — the first contract of a product the account did not have,
//!   after it landed.
//!
//! Won opportunities are upsells booked on their close date, unless a
//! contract of the same account and product starts within
//! `OPPORTUNITY_MATCH_DAYS` of it — then that contract is the booking and the
//! opportunity is not counted twice. Out-year payments are never bookings.
//! A year is the calendar year of the start (or close) date.

use crate::domain::opportunity::{Opportunity, OpportunityStage};
use crate::domain::{Contract, Money};
use chrono::{Datelike, NaiveDate};

/// A won opportunity and a contract this close are the same deal.
pub const OPPORTUNITY_MATCH_DAYS: i64 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BookingKind {
    Initial,
    Incremental,
    Renewal,
    Upsell,
}

impl BookingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BookingKind::Initial => "initial",
            BookingKind::Incremental => "incremental",
            BookingKind::Renewal => "renewal",
            BookingKind::Upsell => "upsell",
        }
    }
}

/// One booking (a contract may give two: renewal and incremental).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub date: NaiveDate,
    pub product: String,
    pub kind: BookingKind,
    pub arr: Money,
    /// The contract id, or `opportunity N`.
    pub source: String,
}

/// One year of the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IruYear {
    pub year: i32,
    pub initial: Money,
    pub incremental: Money,
    pub renewal: Money,
    pub upsell: Money,
}

impl IruYear {
    /// Initial and incremental together: the "I" of I/R/U.
    pub fn initial_and_incremental(&self) -> Money {
        self.initial + self.incremental
    }

    pub fn total(&self) -> Money {
        self.initial + self.incremental + self.renewal + self.upsell
    }
}

/// Classifies one account's contracts (and won opportunities) into bookings.
pub fn bookings(contracts: &[Contract], opportunities: &[Opportunity]) -> Vec<Booking> {
    let mut ordered: Vec<&Contract> = contracts.iter().collect();
    ordered.sort_by(|a, b| a.start_date.cmp(&b.start_date).then_with(|| a.id.cmp(&b.id)));
    let first_start = ordered.first().map(|c| c.start_date);
    let mut out = Vec::new();
    for (index, contract) in ordered.iter().enumerate() {
        let replaced: Vec<&&Contract> = ordered[..index]
            .iter()
            .filter(|earlier| {
                earlier.start_date < contract.start_date
                    && earlier.renewal_among(contracts).is_some_and(|r| r.id == contract.id)
            })
            .collect();
        let booking = |kind, arr| Booking {
            date: contract.start_date,
            product: contract.product.clone(),
            kind,
            arr,
            source: contract.id.clone(),
        };
        if !replaced.is_empty() {
            let replaced_arr: Money = replaced.iter().map(|c| c.arr).sum();
            let replaced_units: Option<i64> = replaced.iter().map(|c| c.units).sum();
            let added_units_arr = match (contract.units, replaced_units) {
                (Some(units), Some(before)) if units > before => {
                    contract.arr.mul_ratio(units - before, units)
                }
                _ => Money::ZERO,
            };
            let renewal = (contract.arr - added_units_arr).min(replaced_arr).max(Money::ZERO);
            let incremental = contract.arr - renewal;
            if !renewal.is_zero() {
                out.push(booking(BookingKind::Renewal, renewal));
            }
            if !incremental.is_zero() {
                out.push(booking(BookingKind::Incremental, incremental));
            }
            continue;
        }
        let had_product = ordered[..index].iter().any(|c| c.product == contract.product);
        let kind = if had_product {
            BookingKind::Incremental
        } else if Some(contract.start_date) == first_start {
            BookingKind::Initial
        } else {
            BookingKind::Upsell
        };
        out.push(booking(kind, contract.arr));
    }
    for opportunity in opportunities.iter().filter(|o| o.fields.stage == OpportunityStage::Won) {
        let booked_on = opportunity.booked_on();
        let has_contract = contracts.iter().any(|c| {
            c.account_id == opportunity.account_id
                && c.product == opportunity.fields.product
                && (c.start_date - booked_on).num_days().abs() <= OPPORTUNITY_MATCH_DAYS
        });
        if !has_contract {
            out.push(Booking {
                date: booked_on,
                product: opportunity.fields.product.clone(),
                kind: BookingKind::Upsell,
                arr: opportunity.fields.arr,
                source: format!("opportunity {}", opportunity.id),
            });
        }
    }
    out.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.source.cmp(&b.source)));
    out
}

/// Sums bookings per calendar year, every year from the first to the last
/// (empty years included so a chart has no holes).
pub fn by_year(bookings: &[Booking]) -> Vec<IruYear> {
    let (Some(first), Some(last)) = (
        bookings.iter().map(|b| b.date.year()).min(),
        bookings.iter().map(|b| b.date.year()).max(),
    ) else {
        return Vec::new();
    };
    let mut years: Vec<IruYear> =
        (first..=last).map(|year| IruYear { year, ..IruYear::default() }).collect();
    for booking in bookings {
        let Some(year) =
            usize::try_from(booking.date.year() - first).ok().and_then(|i| years.get_mut(i))
        else {
            continue;
        };
        match booking.kind {
            BookingKind::Initial => year.initial += booking.arr,
            BookingKind::Incremental => year.incremental += booking.arr,
            BookingKind::Renewal => year.renewal += booking.arr,
            BookingKind::Upsell => year.upsell += booking.arr,
        }
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Billing;
    use crate::domain::opportunity::{OpportunityFields, OpportunityKind};
    use chrono::{TimeZone, Utc};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn contract(
        id: &str,
        product: &str,
        start: NaiveDate,
        end: NaiveDate,
        arr: i64,
        units: Option<i64>,
    ) -> Contract {
        Contract {
            id: id.into(),
            account_id: "A1".into(),
            product: product.into(),
            start_date: start,
            end_date: end,
            arr: Money::from_units(arr),
            units,
            billing: Billing::Annual,
            terminated_on: None,
        }
    }

    fn kinds(list: &[Booking]) -> Vec<(String, BookingKind, Money)> {
        list.iter().map(|b| (b.source.clone(), b.kind, b.arr)).collect()
    }

    #[test]
    fn the_first_contract_is_initial() {
        let list = bookings(
            &[contract("C1", "Core", d(2023, 1, 1), d(2023, 12, 31), 1000, Some(10))],
            &[],
        );
        assert_eq!(
            kinds(&list),
            vec![("C1".into(), BookingKind::Initial, Money::from_units(1000))]
        );
    }

    #[test]
    fn a_renewal_counts_up_to_the_arr_it_replaces() {
        // Renewed at a higher price with the same units: 1,000 renewal, 100 incremental.
        let list = bookings(
            &[
                contract("C1", "Core", d(2023, 1, 1), d(2023, 12, 31), 1000, Some(10)),
                contract("C2", "Core", d(2024, 1, 1), d(2024, 12, 31), 1100, Some(10)),
            ],
            &[],
        );
        assert_eq!(
            kinds(&list)[1..],
            [
                ("C2".into(), BookingKind::Renewal, Money::from_units(1000)),
                ("C2".into(), BookingKind::Incremental, Money::from_units(100)),
            ]
        );
        // Renewed smaller: all of it is renewal.
        let smaller = bookings(
            &[
                contract("C1", "Core", d(2023, 1, 1), d(2023, 12, 31), 1000, Some(10)),
                contract("C2", "Core", d(2024, 1, 15), d(2024, 12, 31), 800, Some(8)),
            ],
            &[],
        );
        assert_eq!(kinds(&smaller)[1], ("C2".into(), BookingKind::Renewal, Money::from_units(800)));
    }

    #[test]
    fn a_renewal_with_more_units_splits_the_added_units_out_as_incremental() {
        // 10 units for 1,000 renewed as 15 units for 1,200 (80 a unit):
        // the 5 added units are 1,200 × 5/15 = 400 incremental, 800 renewal.
        let list = bookings(
            &[
                contract("C1", "Core", d(2023, 1, 1), d(2023, 12, 31), 1000, Some(10)),
                contract("C2", "Core", d(2024, 1, 1), d(2024, 12, 31), 1200, Some(15)),
            ],
            &[],
        );
        assert_eq!(
            kinds(&list)[1..],
            [
                ("C2".into(), BookingKind::Renewal, Money::from_units(800)),
                ("C2".into(), BookingKind::Incremental, Money::from_units(400)),
            ]
        );
    }

    #[test]
    fn a_co_term_add_on_is_incremental_and_both_are_renewed_together() {
        let list = bookings(
            &[
                contract("C1", "Core", d(2023, 1, 1), d(2023, 12, 31), 1000, Some(10)),
                contract("C2", "Core", d(2023, 7, 1), d(2023, 12, 31), 500, Some(5)),
                contract("C3", "Core", d(2024, 1, 1), d(2024, 12, 31), 1500, Some(15)),
            ],
            &[],
        );
        assert_eq!(
            kinds(&list),
            vec![
                ("C1".into(), BookingKind::Initial, Money::from_units(1000)),
                ("C2".into(), BookingKind::Incremental, Money::from_units(500)),
                ("C3".into(), BookingKind::Renewal, Money::from_units(1500)),
            ]
        );
    }

    #[test]
    fn a_new_product_after_landing_is_an_upsell_and_a_won_opportunity_too() {
        let contracts = [
            contract("C1", "Core", d(2023, 1, 1), d(2023, 12, 31), 1000, None),
            contract("C2", "Analytics", d(2023, 6, 1), d(2024, 5, 31), 300, None),
        ];
        let won = |id, product: &str, close| Opportunity {
            id,
            account_id: "A1".into(),
            fields: OpportunityFields {
                product: product.into(),
                kind: OpportunityKind::Upsell,
                arr: Money::from_units(250),
                stage: OpportunityStage::Won,
                owner: "hunter".into(),
                close_date: Some(close),
                next_step: String::new(),
            },
            lost: None,
            created_at: Utc.with_ymd_and_hms(2023, 1, 1, 0, 0, 0).single().expect("t"),
            updated_at: Utc.with_ymd_and_hms(2023, 1, 1, 0, 0, 0).single().expect("t"),
        };
        // Opportunity 1 is the Analytics contract itself (closed 20 days before it starts).
        let opportunities =
            [won(1, "Analytics", d(2023, 5, 12)), won(2, "Security", d(2024, 2, 1))];
        let list = bookings(&contracts, &opportunities);
        assert_eq!(
            kinds(&list),
            vec![
                ("C1".into(), BookingKind::Initial, Money::from_units(1000)),
                ("C2".into(), BookingKind::Upsell, Money::from_units(300)),
                ("opportunity 2".into(), BookingKind::Upsell, Money::from_units(250)),
            ]
        );
        let years = by_year(&list);
        assert_eq!(years.len(), 2);
        assert_eq!(
            (years[0].year, years[0].initial, years[0].upsell),
            (2023, Money::from_units(1000), Money::from_units(300))
        );
        assert_eq!(
            (years[1].year, years[1].upsell, years[1].total()),
            (2024, Money::from_units(250), Money::from_units(250))
        );
    }

    #[test]
    fn products_landed_together_are_both_initial_and_empty_years_are_kept() {
        let list = bookings(
            &[
                contract("C1", "Core", d(2021, 3, 1), d(2022, 2, 28), 1000, None),
                contract("C2", "Add-on", d(2021, 3, 1), d(2022, 2, 28), 200, None),
                contract("C3", "Core", d(2023, 6, 1), d(2024, 5, 31), 900, None),
            ],
            &[],
        );
        assert!(list[..2].iter().all(|b| b.kind == BookingKind::Initial));
        // C3 starts long after C1 ended: more of a product it had, not a renewal.
        assert_eq!(list[2].kind, BookingKind::Incremental);
        let years = by_year(&list);
        assert_eq!(years.iter().map(|y| y.year).collect::<Vec<_>>(), [2021, 2022, 2023]);
        assert_eq!(years[1].total(), Money::ZERO);
    }
}
