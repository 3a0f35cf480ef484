//! Money as an exact count of minor units (cents). One currency per book.
//!
//! Parsing accepts plain decimals with at most two decimal places; a third
//! decimal is an error, never a rounding. Nothing here ever goes through `f64`.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// An amount of money in cents. Signed so that bridges and deltas can be negative.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i64);

/// Why a text is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("is empty")]
    Empty,
    #[error("{0:?} is not a number")]
    NotANumber(String),
    #[error("{0:?} has more than two decimals")]
    TooManyDecimals(String),
    #[error("{0:?} is negative")]
    Negative(String),
    #[error("{0:?} is too large")]
    TooLarge(String),
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_cents(cents: i64) -> Money {
        Money(cents)
    }

    pub fn from_units(units: i64) -> Money {
        Money(units * 100)
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn min(self, other: Money) -> Money {
        Money(self.0.min(other.0))
    }

    pub fn max(self, other: Money) -> Money {
        Money(self.0.max(other.0))
    }

    /// Parses a non-negative plain decimal such as `1234`, `1234.5` or `0.07`.
    /// Thousands separators, currency signs and exponents are refused so that
    /// a mistyped cell is reported rather than guessed at.
    pub fn parse_non_negative(text: &str) -> Result<Money, MoneyError> {
        let money = Money::parse(text)?;
        if money.0 < 0 {
            return Err(MoneyError::Negative(text.trim().to_string()));
        }
        Ok(money)
    }

    /// Parses a plain decimal that may carry a leading minus sign.
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(MoneyError::Empty);
        }
        let not_a_number = || MoneyError::NotANumber(trimmed.to_string());
        let (negative, unsigned) = match trimmed.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
        };
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (unsigned, ""),
        };
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty())
            || !digits_only(whole)
            || !digits_only(fraction)
        {
            return Err(not_a_number());
        }
        if unsigned.ends_with('.') && fraction.is_empty() && whole.is_empty() {
            return Err(not_a_number());
        }
        if fraction.len() > 2 {
            return Err(MoneyError::TooManyDecimals(trimmed.to_string()));
        }
        let too_large = || MoneyError::TooLarge(trimmed.to_string());
        let whole_value: i64 =
            if whole.is_empty() { 0 } else { whole.parse().map_err(|_| too_large())? };
        let fraction_value: i64 = match fraction.len() {
            0 => 0,
            1 => i64::from(fraction.as_bytes()[0] - b'0') * 10,
            _ => fraction.parse().map_err(|_| not_a_number())?,
        };
        let cents = whole_value
            .checked_mul(100)
            .and_then(|c| c.checked_add(fraction_value))
            .ok_or_else(too_large)?;
        Ok(Money(if negative { -cents } else { cents }))
    }

    /// The amount in currency units as a plain decimal, shortest exact form:
    /// `1234.5`, `1234`, `0.07`. This is what CSV and JSON carry.
    pub fn to_plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, cents) = (abs / 100, abs % 100);
        match cents {
            0 => format!("{sign}{whole}"),
            c if c.is_multiple_of(10) => format!("{sign}{whole}.{}", c / 10),
            c => format!("{sign}{whole}.{c:02}"),
        }
    }

    /// Whole currency units with thousands separators, for tables: `1,234,568`.
    /// Rounds half away from zero to the unit; use `Display` for the exact cents.
    pub fn to_whole_grouped(self) -> String {
        let rounded = (self.0 + if self.0 < 0 { -50 } else { 50 }) / 100;
        group_thousands(rounded)
    }

    /// A short form for narrow columns: `950`, `12.3k`, `4.56M`.
    pub fn to_short(self) -> String {
        let units = self.0 / 100;
        let abs = units.unsigned_abs();
        let sign = if units < 0 { "-" } else { "" };
        if abs < 10_000 {
            format!("{sign}{abs}")
        } else if abs < 1_000_000 {
            format!("{sign}{}.{}k", abs / 1000, (abs % 1000) / 100)
        } else {
            format!("{sign}{}.{:02}M", abs / 1_000_000, (abs % 1_000_000) / 10_000)
        }
    }

    /// `self × numerator / denominator`, rounded half away from zero to the cent.
    /// Used for whitespace (units × ARR per unit) and forecasts (ATR × p).
    pub fn mul_ratio(self, numerator: i64, denominator: i64) -> Money {
        if denominator == 0 {
            return Money::ZERO;
        }
        let product = i128::from(self.0) * i128::from(numerator);
        let den = i128::from(denominator);
        let half = den.abs() / 2;
        let rounded = if (product >= 0) == (den > 0) {
            (product.abs() + half) / den.abs()
        } else {
            -((product.abs() + half) / den.abs())
        };
        Money(i64::try_from(rounded).unwrap_or(if rounded > 0 { i64::MAX } else { i64::MIN }))
    }
}

/// `1234567` → `1,234,567`.
pub fn group_thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

impl fmt::Display for Money {
    /// Exact, grouped, always two decimals: `1,234.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = group_thousands(i64::try_from(abs / 100).unwrap_or(i64::MAX));
        write!(f, "{sign}{whole}.{:02}", abs % 100)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_decimals_exactly() {
        assert_eq!(Money::parse("1234.5"), Ok(Money(123_450)));
        assert_eq!(Money::parse("1234"), Ok(Money(123_400)));
        assert_eq!(Money::parse("0.07"), Ok(Money(7)));
        assert_eq!(Money::parse(".5"), Ok(Money(50)));
        assert_eq!(Money::parse("12."), Ok(Money(1200)));
        assert_eq!(Money::parse(" 10 "), Ok(Money(1000)));
        assert_eq!(Money::parse("-3.25"), Ok(Money(-325)));
    }

    #[test]
    fn refuses_what_is_not_plain_money() {
        assert_eq!(Money::parse(""), Err(MoneyError::Empty));
        assert!(matches!(Money::parse("1,234"), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse("$5"), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse("1e5"), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse("."), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse("1.234"), Err(MoneyError::TooManyDecimals(_))));
        assert!(matches!(Money::parse_non_negative("-1"), Err(MoneyError::Negative(_))));
        assert!(matches!(Money::parse("99999999999999999999"), Err(MoneyError::TooLarge(_))));
    }

    #[test]
    fn prints_plain_and_grouped_forms() {
        assert_eq!(Money(123_450).to_plain(), "1234.5");
        assert_eq!(Money(123_400).to_plain(), "1234");
        assert_eq!(Money(7).to_plain(), "0.07");
        assert_eq!(Money(-325).to_plain(), "-3.25");
        assert_eq!(Money(123_456_789).to_string(), "1,234,567.89");
        assert_eq!(Money(123_456_789).to_whole_grouped(), "1,234,568");
        assert_eq!(Money(1_234_500).to_short(), "12.3k");
        assert_eq!(Money(456_000_000).to_short(), "4.56M");
    }

    #[test]
    fn ratio_rounds_half_away_from_zero() {
        assert_eq!(Money(1000).mul_ratio(1, 3), Money(333));
        assert_eq!(Money(1000).mul_ratio(2, 3), Money(667));
        assert_eq!(Money(-1000).mul_ratio(2, 3), Money(-667));
        assert_eq!(Money(100_000).mul_ratio(95, 100), Money(95_000));
        assert_eq!(Money(5).mul_ratio(1, 0), Money::ZERO);
    }
}
