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
        let next_day = self.end_date.succ_opt().unwrap_or(self.end_date);
        let months = super::Month::of(next_day).0 - super::Month::of(self.start_date).0;
        use chrono::Datelike;
        if next_day.day() < self.start_date.day() { months - 1 } else { months }
    }
}

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
}
