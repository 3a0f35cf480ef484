//! Contracts: an account buys a product for a term, billed annually or prepaid.

use super::{Money, UnknownWord};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Billing {
    /// Invoiced each year of the term; out-year invoices are payments, not renewals.
    Annual,
    /// The whole term paid up front.
    Prepaid,
}

impl Billing {
    pub fn as_str(self) -> &'static str {
        match self {
            Billing::Annual => "annual",
            Billing::Prepaid => "prepaid",
        }
    }

    pub fn parse(text: &str) -> Result<Billing, UnknownWord> {
        match text.trim().to_ascii_lowercase().as_str() {
            "annual" => Ok(Billing::Annual),
            "prepaid" => Ok(Billing::Prepaid),
            _ => Err(UnknownWord { value: text.trim().to_string(), expected: "annual, prepaid" }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub id: String,
    pub account_id: String,
    pub product: String,
    pub start_date: NaiveDate,
    /// The last day of the term.
    pub end_date: NaiveDate,
    pub arr: Money,
    pub units: Option<i64>,
    pub billing: Billing,
    /// Set when a multi-year contract was ended early.
    pub terminated_on: Option<NaiveDate>,
}

impl Contract {
    /// Whole months in the term, counting a term that ends the day before its
    /// start-day anniversary as full (2024-01-01 to 2026-12-31 is 36).
    pub fn term_months(&self) -> i32 {
        Contract::months_between(self.start_date, self.end_date)
    }

    /// Whole months in a term from `start` to `end` (see
    /// [`Contract::term_months`]).
    pub fn months_between(start: NaiveDate, end: NaiveDate) -> i32 {
        let next_day = end.succ_opt().unwrap_or(end);
        let months = super::Month::of(next_day).0 - super::Month::of(start).0;
        use chrono::Datelike;
        if next_day.day() < start.day() { months - 1 } else { months }
    }

    /// Out-year payment dates of a multi-year contract: each anniversary of the
    /// start date strictly inside the term (after the start, before the end). A 36-month contract has two; a 12-month contract has none. These
    /// are payments, never renewals, whatever the billing.
    pub fn out_year_payment_dates(&self) -> Vec<NaiveDate> {
        Contract::out_year_dates(self.start_date, self.end_date)
    }

    /// The out-year payments billed to the customer: those of an annual
    /// contract, an anniversary strictly before the end date. A prepaid
    /// contract paid its whole term up front, so it has none.
    pub fn billed_out_year_dates(&self) -> Vec<NaiveDate> {
        if self.billing != Billing::Annual {
            return Vec::new();
        }
        let mut dates = self.out_year_payment_dates();
        dates.retain(|due| *due < self.end_date);
        dates
    }

    /// The out-year payment dates of a term from `start` to `end` (see
    /// [`Contract::out_year_payment_dates`]).
    pub fn out_year_dates(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
        if Contract::months_between(start, end) <= 12 {
            return Vec::new();
        }
        (1..)
            .map(|year| super::month::add_months(start, 12 * year))
            .take_while(|date| *date < end)
            .filter(|date| *date > start)
            .collect()
    }

    /// Whether the out-year payment due on `due` is collected: yes unless the
    /// contract was terminated on or before that anniversary.
    pub fn payment_collected(&self, due: NaiveDate) -> bool {
        Contract::collected(self.terminated_on, due)
    }

    /// Whether a payment due on `due` is collected from a contract
    /// terminated on `terminated_on` (if it was).
    pub fn collected(terminated_on: Option<NaiveDate>, due: NaiveDate) -> bool {
        terminated_on.is_none_or(|terminated| terminated > due)
    }

    /// Whether `other` renews this contract: same account and product, a
    /// different contract, starting within 31 days of this one's end (before
    /// or after).
    pub fn is_renewed_by(&self, other: &Contract) -> bool {
        other.id != self.id
            && other.account_id == self.account_id
            && other.product == self.product
            && Contract::starts_within_renewal_gap(self.end_date, other.start_date)
    }

    /// Whether a contract starting on `start` is close enough to one ending
    /// on `end` (before or after) to be its renewal.
    pub fn starts_within_renewal_gap(end: NaiveDate, start: NaiveDate) -> bool {
        (start - end).num_days().abs() <= RENEWAL_GAP_DAYS
    }

    /// The renewal of this contract among `candidates`: the earliest-starting
    /// contract that renews it (ties broken by id, so the answer is stable).
    pub fn renewal_among<'a>(&self, candidates: &'a [Contract]) -> Option<&'a Contract> {
        candidates
            .iter()
            .filter(|c| self.is_renewed_by(c))
            .min_by(|a, b| a.start_date.cmp(&b.start_date).then_with(|| a.id.cmp(&b.id)))
    }
}

/// A following contract counts as a renewal when it starts within this many
/// days of the previous end (DOMAIN.md).
pub const RENEWAL_GAP_DAYS: i64 = 31;

#[cfg(test)]
mod tests {
    use super::*;

    fn contract(start: (i32, u32, u32), end: (i32, u32, u32)) -> Contract {
        let d = |(y, m, day): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        Contract {
            id: "C1".into(),
            account_id: "A1".into(),
            product: "Core".into(),
            start_date: d(start),
            end_date: d(end),
            arr: Money::from_units(1000),
            units: None,
            billing: Billing::Annual,
            terminated_on: None,
        }
    }

    #[test]
    fn term_months_counts_whole_terms() {
        assert_eq!(contract((2024, 1, 1), (2024, 12, 31)).term_months(), 12);
        assert_eq!(contract((2024, 1, 1), (2026, 12, 31)).term_months(), 36);
        assert_eq!(contract((2024, 3, 15), (2026, 3, 14)).term_months(), 24);
        assert_eq!(contract((2024, 3, 15), (2025, 3, 15)).term_months(), 12);
        assert_eq!(Billing::parse("Prepaid"), Ok(Billing::Prepaid));
        assert!(Billing::parse("monthly").is_err());
    }

    #[test]
    fn only_annual_contracts_bill_their_out_years() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let annual = contract((2024, 1, 1), (2026, 12, 31));
        assert_eq!(annual.billed_out_year_dates(), vec![d(2025, 1, 1), d(2026, 1, 1)]);
        let prepaid = Contract { billing: Billing::Prepaid, ..annual };
        assert_eq!(prepaid.out_year_payment_dates().len(), 2);
        assert!(prepaid.billed_out_year_dates().is_empty());
    }

    #[test]
    fn out_year_payments_fall_strictly_inside_the_term() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        assert!(contract((2024, 1, 1), (2024, 12, 31)).out_year_payment_dates().is_empty());
        assert_eq!(
            contract((2024, 1, 1), (2025, 12, 31)).out_year_payment_dates(),
            vec![d(2025, 1, 1)]
        );
        assert_eq!(
            contract((2024, 1, 1), (2026, 12, 31)).out_year_payment_dates(),
            vec![d(2025, 1, 1), d(2026, 1, 1)]
        );
        // An anniversary on the end date is the renewal, not a payment.
        assert_eq!(
            contract((2024, 2, 29), (2026, 2, 28)).out_year_payment_dates(),
            vec![d(2025, 2, 28)]
        );
        // A leap-day start pays on Feb 28 in common years.
        assert_eq!(
            contract((2024, 2, 29), (2027, 2, 27)).out_year_payment_dates(),
            vec![d(2025, 2, 28), d(2026, 2, 28)]
        );
    }

    #[test]
    fn termination_stops_collection_from_that_anniversary() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let mut c = contract((2024, 1, 1), (2026, 12, 31));
        c.terminated_on = Some(d(2025, 1, 1));
        assert!(!c.payment_collected(d(2025, 1, 1)));
        c.terminated_on = Some(d(2025, 6, 1));
        assert!(c.payment_collected(d(2025, 1, 1)));
        assert!(!c.payment_collected(d(2026, 1, 1)));
    }

    #[test]
    fn a_renewal_starts_within_31_days_of_the_end() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        let first = contract((2024, 1, 1), (2024, 12, 31));
        let mut late = contract((2025, 1, 31), (2026, 1, 30));
        late.id = "C2".into();
        assert!(late.start_date == d(2025, 1, 31) && first.is_renewed_by(&late));
        let mut too_late = late.clone();
        too_late.id = "C3".into();
        too_late.start_date = d(2025, 2, 1);
        assert!(!first.is_renewed_by(&too_late));
        let mut other_product = late.clone();
        other_product.product = "Add-on".into();
        assert!(!first.is_renewed_by(&other_product));
        let candidates = vec![too_late, other_product, late.clone(), first.clone()];
        assert_eq!(first.renewal_among(&candidates).map(|c| c.id.as_str()), Some("C2"));
    }
}
