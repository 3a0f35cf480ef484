//! A calendar month `YYYY-MM`, the grain of ARR snapshots.
//!
//! Stored as a single integer (`year × 12 + month − 1`) so that "twelve months
//! ago" is a subtraction and months sort and index cheaply.

use chrono::{Datelike, NaiveDate};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

/// The years a book's months and dates may fall in: imported months, contract
/// dates, `terminated_on` and notes' times all follow this one rule, so that
/// year 0 or a four-digit typo such as 0202 is refused everywhere alike.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// How many months before the book's latest snapshot month an account's
/// trend (its ARR and units then and now) starts.
pub const TREND_MONTHS: i32 = 3;

/// Why a text is not a month.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a month (expected YYYY-MM)")]
pub struct MonthError(pub String);

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        if !(1..=12).contains(&month) || !YEARS.contains(&year) {
            return None;
        }
        Some(Month(year * 12 + month as i32 - 1))
    }

    pub fn of(date: NaiveDate) -> Month {
        Month(date.year() * 12 + date.month0() as i32)
    }

    pub fn parse(text: &str) -> Result<Month, MonthError> {
        let trimmed = text.trim();
        let error = || MonthError(trimmed.to_string());
        let (year, month) = trimmed.split_once('-').ok_or_else(error)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(error());
        }
        let year: i32 = year.parse().map_err(|_| error())?;
        let month: u32 = month.parse().map_err(|_| error())?;
        Month::new(year, month).ok_or_else(error)
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// 1 to 12.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    pub fn plus(self, months: i32) -> Month {
        Month(self.0 + months)
    }

    pub fn minus(self, months: i32) -> Month {
        Month(self.0 - months)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year(), self.month(), 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        self.plus(1).first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    /// Every month from `self` to `last`, both included.
    pub fn through(self, last: Month) -> impl Iterator<Item = Month> {
        (self.0..=last.0).map(Month)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// Adds whole months to a date, clamping the day to the end of a shorter month
/// (Jan 31 + 1 month = Feb 28 or 29). Anniversaries and relative dates use this.
pub fn add_months(date: NaiveDate, months: i32) -> NaiveDate {
    let target = Month::of(date).plus(months);
    let last = target.last_day().day();
    NaiveDate::from_ymd_opt(target.year(), target.month(), date.day().min(last)).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn parses_and_prints() {
        let m = Month::parse("2025-03").expect("month");
        assert_eq!((m.year(), m.month()), (2025, 3));
        assert_eq!(m.to_string(), "2025-03");
        assert_eq!(m.minus(12).to_string(), "2024-03");
        assert_eq!(m.minus(3).to_string(), "2024-12");
        for bad in [
            "2025-13", "2025-00", "2025-3", "25-03", "2025/03", "", "abcd-ef", "0000-05", "1899-12",
        ] {
            assert!(Month::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn month_days_include_leap_years() {
        assert_eq!(Month::parse("2024-02").expect("m").last_day(), date(2024, 2, 29));
        assert_eq!(Month::parse("2025-02").expect("m").last_day(), date(2025, 2, 28));
        assert_eq!(Month::of(date(2025, 12, 31)).to_string(), "2025-12");
    }

    #[test]
    fn adding_months_clamps_to_month_end() {
        assert_eq!(add_months(date(2024, 1, 31), 1), date(2024, 2, 29));
        assert_eq!(add_months(date(2024, 2, 29), 12), date(2025, 2, 28));
        assert_eq!(add_months(date(2025, 3, 15), -3), date(2024, 12, 15));
    }
}
