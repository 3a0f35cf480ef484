//! ATR-based and ARR-based renewal rates over a period of dates.
//!
//! ATR (available to renew) is the ARR of contracts whose end date falls in
//! the period; each is renewed by its follower (`Contract::renewal_among`),
//! counted up to the ARR it replaces. Out-year payments of multi-year
//! contracts are payments, not renewals: they never enter the ATR rate, only
//! the ARR-based one, (renewed + payments collected) / (ATR + payments due).
//! No I/O here; the caller hands in every contract that may matter, and
//! `renewal_book::renewal_rates` resolves the followers (the lines know
//! nothing of the book that resolves them).

use crate::domain::Money;
use crate::metrics::Rate;
use chrono::NaiveDate;

/// A contract up for renewal in the period and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtrLine {
    pub contract_id: String,
    pub account_id: String,
    pub product: String,
    pub end_date: NaiveDate,
    pub atr: Money,
    /// The contract that renews it, if any.
    pub renewal_id: Option<String>,
    /// The renewal's own ARR (may exceed the ATR: an expansion at renewal).
    pub renewal_arr: Money,
    /// What counts as renewed: the renewal's ARR capped at the ATR.
    pub renewed: Money,
}

/// An out-year payment of a multi-year contract falling in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentLine {
    pub contract_id: String,
    pub account_id: String,
    pub product: String,
    pub due_date: NaiveDate,
    pub amount: Money,
    pub collected: bool,
}

/// Both renewal rates for `from..=to`, with the contracts behind them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewalRates {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub atr: Money,
    pub renewed: Money,
    pub payments_due: Money,
    pub payments_collected: Money,
    /// How many contracts are up for renewal and how many out-year
    /// payments fall due (the lengths of the lines, when they are listed).
    pub contracts_up: usize,
    pub payments_count: usize,
    /// The contracts behind ATR, by end date then contract id.
    pub atr_lines: Vec<AtrLine>,
    /// The out-year payments behind payments due, by due date then contract id.
    pub payments: Vec<PaymentLine>,
}

impl RenewalRates {
    /// The rates of the period from its lines (ATR lines by end date, then
    /// contract id; payments by due date, then contract id).
    pub fn from_lines(
        from: NaiveDate,
        to: NaiveDate,
        atr_lines: Vec<AtrLine>,
        payments: Vec<PaymentLine>,
    ) -> RenewalRates {
        let sum = |values: &mut dyn Iterator<Item = Money>| values.fold(Money::ZERO, |a, b| a + b);
        RenewalRates {
            from,
            to,
            atr: sum(&mut atr_lines.iter().map(|l| l.atr)),
            renewed: sum(&mut atr_lines.iter().map(|l| l.renewed)),
            payments_due: sum(&mut payments.iter().map(|p| p.amount)),
            payments_collected: sum(&mut payments.iter().filter(|p| p.collected).map(|p| p.amount)),
            contracts_up: atr_lines.len(),
            payments_count: payments.len(),
            atr_lines,
            payments,
        }
    }

    /// Renewed / ATR: how often, given the chance, customers renewed.
    /// `Ok` when every amount and every total behind a rate added up exactly.
    pub fn exact(&self) -> Result<(), crate::domain::money::SumOverflow> {
        super::all_exact([
            self.atr,
            self.renewed,
            self.payments_due,
            self.payments_collected,
            self.renewed + self.payments_collected,
            self.atr + self.payments_due,
        ])
    }

    pub fn atr_rate(&self) -> Option<Rate> {
        Rate::new(self.renewed.cents(), self.atr.cents())
    }

    /// (Renewed + payments collected) / (ATR + payments due): what happened
    /// to the ARR pool.
    pub fn arr_rate(&self) -> Option<Rate> {
        Rate::new(
            (self.renewed + self.payments_collected).cents(),
            (self.atr + self.payments_due).cents(),
        )
    }
}

/// A multi-year rate made comparable with a yearly one by compounding: a
/// rate `r` over `years` years is a yearly `r^(1/years)` (75% over three
/// years ≈ 90.9% a year, better than 90% a year). For display only: the
/// result is an approximation, never used in reported arithmetic.
pub fn yearly_equivalent(rate: Rate, years: u32) -> Option<f64> {
    if years == 0 || rate.numerator() < 0 {
        return None;
    }
    Some(rate.to_f64().powf(1.0 / f64::from(years)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Billing;
    use crate::domain::Contract;
    use crate::metrics::renewal_book::renewal_rates;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    fn contract(id: &str, account: &str, start: &str, end: &str, units: i64) -> Contract {
        Contract {
            id: id.into(),
            account_id: account.into(),
            product: "Core".into(),
            start_date: date(start),
            end_date: date(end),
            arr: Money::from_units(units),
            units: None,
            billing: Billing::Annual,
            terminated_on: None,
        }
    }

    /// The ATR-versus-payments example: Alpha, Bravo and Charlie did one-year
    /// deals of 100 each and renewed 250 of the 300; Delta, Echo and Foxtrot
    /// did three-year deals of 250 each, whose out-year payments of 750 in
    /// all were invoiced. ATR basis 250/300 = 83%; with payments 1,000/1,050
    /// = 95%.
    fn six_customers() -> Vec<Contract> {
        vec![
            contract("A1", "Alpha", "2024-01-01", "2024-12-31", 100),
            contract("A2", "Alpha", "2025-01-01", "2025-12-31", 100),
            contract("B1", "Bravo", "2024-03-01", "2025-02-28", 100),
            contract("B2", "Bravo", "2025-03-10", "2026-03-09", 150),
            contract("C1", "Charlie", "2024-06-01", "2025-05-31", 100),
            contract("C2", "Charlie", "2025-06-01", "2026-05-31", 50),
            contract("D1", "Delta", "2023-02-01", "2026-01-31", 250),
            contract("E1", "Echo", "2024-04-15", "2027-04-14", 250),
            contract("F1", "Foxtrot", "2023-09-01", "2026-08-31", 250),
        ]
    }

    #[test]
    fn atr_versus_payments_83_and_95_percent() {
        let rates = renewal_rates(&six_customers(), date("2024-12-01"), date("2025-11-30"));
        assert_eq!(rates.atr, Money::from_units(300));
        // Alpha renews 100; Bravo's 150 renewal counts only the 100 it
        // replaces; Charlie renews 50.
        assert_eq!(rates.renewed, Money::from_units(250));
        let ids: Vec<&str> = rates.atr_lines.iter().map(|l| l.contract_id.as_str()).collect();
        assert_eq!(ids, vec!["A1", "B1", "C1"]);
        assert_eq!(rates.atr_lines[1].renewal_arr, Money::from_units(150));
        assert_eq!(rates.atr_lines[1].renewed, Money::from_units(100));
        // Payments: Delta 2025-02-01, Echo 2025-04-15, Foxtrot 2025-09-01.
        let due: Vec<&str> = rates.payments.iter().map(|p| p.contract_id.as_str()).collect();
        assert_eq!(due, vec!["D1", "E1", "F1"]);
        assert_eq!(rates.payments_due, Money::from_units(750));
        assert_eq!(rates.payments_collected, Money::from_units(750));
        // ATR basis: 250 / 300 = 5/6 ≈ 83%. ARR basis: 1,000 / 1,050 = 20/21 ≈ 95%.
        assert_eq!(rates.atr_rate(), Rate::new(5, 6));
        assert_eq!(rates.atr_rate().map(|r| r.to_percent(0)), Some("83%".to_string()));
        assert_eq!(rates.arr_rate(), Rate::new(20, 21));
        assert_eq!(rates.arr_rate().map(|r| r.to_percent(0)), Some("95%".to_string()));
    }

    #[test]
    fn payments_never_enter_the_atr_rate() {
        // Only the three-year deals: payments due, nothing up for renewal.
        let book: Vec<Contract> = six_customers().into_iter().skip(6).collect();
        let rates = renewal_rates(&book, date("2024-12-01"), date("2025-11-30"));
        assert_eq!(rates.atr, Money::ZERO);
        assert_eq!(rates.atr_rate(), None);
        assert_eq!(rates.arr_rate(), Rate::new(1, 1));
    }

    #[test]
    fn terminated_contracts_stop_paying_and_late_followers_do_not_renew() {
        let mut multi = contract("M1", "Mike", "2024-01-01", "2026-12-31", 300);
        multi.terminated_on = Some(date("2025-01-01"));
        let single = contract("S1", "Sierra", "2024-01-01", "2024-12-31", 100);
        let too_late = contract("S2", "Sierra", "2025-02-01", "2026-01-31", 100);
        let rates =
            renewal_rates(&[multi, single, too_late], date("2024-12-01"), date("2025-01-31"));
        assert_eq!(rates.payments_due, Money::from_units(300));
        assert_eq!(rates.payments_collected, Money::ZERO);
        assert_eq!((rates.atr, rates.renewed), (Money::from_units(100), Money::ZERO));
        assert_eq!(rates.atr_lines[0].renewal_id, None);
        assert_eq!(rates.atr_rate(), Rate::new(0, 1));
        assert_eq!(rates.arr_rate(), Rate::new(0, 400));
        let nothing = renewal_rates(&[], date("2025-01-01"), date("2025-12-31"));
        assert_eq!((nothing.atr_rate(), nothing.arr_rate()), (None, None));
    }

    #[test]
    fn multi_year_rates_compare_after_compounding() {
        let three_year = Rate::new(3, 4).expect("rate");
        let yearly = yearly_equivalent(three_year, 3).expect("yearly");
        assert!((yearly - 0.908_560).abs() < 1e-5, "{yearly}");
        assert!(yearly > 0.9);
        assert_eq!(yearly_equivalent(three_year, 1), Some(0.75));
        assert_eq!(yearly_equivalent(three_year, 0), None);
    }
}
