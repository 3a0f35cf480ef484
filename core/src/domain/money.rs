//! Money as an exact count of minor units (cents). One currency per book.
//!
//! Parsing accepts plain decimals with at most two decimal places; a third
//! decimal is an error, never a rounding. Nothing here ever goes through `f64`.
//!
//! Money never wraps. A single amount is at most [`MAX_AMOUNT`]; sums add
//! exactly or become [`Money::OVERFLOW`], a marker that stays through any
//! further arithmetic and that reports refuse to show as a number (release
//! builds wrap on a plain `i64` overflow, which turned lost ARR negative).

mod display;

pub use display::{
    Currency, SymbolPosition, install as install_currency, installed as installed_currency,
};

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// An amount of money in cents. Signed so that bridges and deltas can be negative.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i64);

/// The largest single amount accepted anywhere (import, forms, `churn record`,
/// the store's writes): 10^12 cents, ten billion in currency units, far above
/// any one account's ARR. Why this bound: `i64` holds 9.2 × 10^18 cents, so
/// 9.2 million amounts at the bound still add up exactly; a report adds at
/// most one amount per account, contract, opportunity or chain (one per
/// account and product for a month's ARR), and a book of 100,000 accounts
/// with ten products each is a tenth of that. A sum that would still not fit
/// (whitespace from an absurd potential, years of history added together)
/// becomes [`Money::OVERFLOW`], never a wrapped number.
pub const MAX_AMOUNT: Money = Money(1_000_000_000_000);

/// The bound as the import and forms print it.
pub const MAX_AMOUNT_TEXT: &str = "10000000000";

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
    #[error("{0:?} is too large (at most {MAX_AMOUNT_TEXT})")]
    TooLarge(String),
}

/// A sum too large to add up exactly; reports refuse with this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "a total in this report is too large to add up exactly (each amount may be at most \
     {MAX_AMOUNT_TEXT}; check for an amount or a potential far beyond the rest of the book)"
)]
pub struct SumOverflow;

impl Money {
    pub const ZERO: Money = Money(0);

    /// The result of a sum that does not fit: it stays `OVERFLOW` through any
    /// further arithmetic, so a report can tell and refuse.
    pub const OVERFLOW: Money = Money(i64::MIN);

    /// Whether this is the result of a sum that did not fit.
    pub fn is_overflow(self) -> bool {
        self == Money::OVERFLOW
    }

    /// `self`, or [`SumOverflow`] when a sum on the way did not fit: for the
    /// edge of a report, which refuses rather than shows a wrong total.
    pub fn exact(self) -> Result<Money, SumOverflow> {
        if self.is_overflow() { Err(SumOverflow) } else { Ok(self) }
    }

    /// Whether a single amount is within [`MAX_AMOUNT`] either way.
    pub fn within_bound(self) -> bool {
        self.0.checked_abs().is_some_and(|abs| abs <= MAX_AMOUNT.0)
    }

    /// `self`, or [`MoneyError::TooLarge`] beyond [`MAX_AMOUNT`]: the check
    /// for amounts that reach a typed write without being parsed.
    pub fn bounded(self) -> Result<Money, MoneyError> {
        if self.within_bound() { Ok(self) } else { Err(MoneyError::TooLarge(self.to_plain())) }
    }

    /// The exact sum, `None` when it does not fit or either side is `OVERFLOW`.
    pub fn checked_add(self, rhs: Money) -> Option<Money> {
        if self.is_overflow() || rhs.is_overflow() {
            return None;
        }
        self.0.checked_add(rhs.0).map(Money).filter(|sum| !sum.is_overflow())
    }

    /// The exact difference, `None` when it does not fit or either side is `OVERFLOW`.
    pub fn checked_sub(self, rhs: Money) -> Option<Money> {
        if self.is_overflow() || rhs.is_overflow() {
            return None;
        }
        self.0.checked_sub(rhs.0).map(Money).filter(|sum| !sum.is_overflow())
    }

    /// Cents as an `i128` for wide accumulators, `None` for `OVERFLOW`.
    fn wide(self) -> Option<i128> {
        (!self.is_overflow()).then_some(i128::from(self.0))
    }

    /// A wide sum back to money: `OVERFLOW` when it does not fit.
    fn from_wide(cents: Option<i128>) -> Money {
        cents
            .and_then(|c| i64::try_from(c).ok())
            .map(Money)
            .filter(|m| !m.is_overflow())
            .unwrap_or(Money::OVERFLOW)
    }

    pub fn from_cents(cents: i64) -> Money {
        Money(cents)
    }

    pub fn from_units(units: i64) -> Money {
        Money::from_wide(Some(i128::from(units) * 100))
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

    /// The larger; `OVERFLOW` if either is (it is the smallest `i64`).
    pub fn max(self, other: Money) -> Money {
        if self.is_overflow() || other.is_overflow() {
            return Money::OVERFLOW;
        }
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
            .filter(|c| *c <= MAX_AMOUNT.0)
            .ok_or_else(too_large)?;
        Ok(Money(if negative { -cents } else { cents }))
    }

    /// The amount in currency units as a plain decimal, shortest exact form:
    /// `1234.5`, `1234`, `0.07`. This is what CSV and JSON carry.
    pub fn to_plain(self) -> String {
        if self.is_overflow() {
            return OVERFLOW_TEXT.to_string();
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, cents) = (abs / 100, abs % 100);
        match cents {
            0 => format!("{sign}{whole}"),
            c if c.is_multiple_of(10) => format!("{sign}{whole}.{}", c / 10),
            c => format!("{sign}{whole}.{c:02}"),
        }
    }

    /// Whole currency units with thousands separators and the currency
    /// symbol: `1,234,568`. Rounds half away from zero to the unit; use
    /// `Display` for the exact cents.
    pub fn to_whole_grouped(self) -> String {
        display::installed().whole(self)
    }

    /// The compact form for narrow columns, with the currency symbol: `950`,
    /// `12.4k`, `4.6M` (see [`Currency::short`] for the rule).
    pub fn to_short(self) -> String {
        display::installed().short(self)
    }

    /// `self × numerator / denominator`, rounded half away from zero to the cent.
    /// Used for whitespace (units × ARR per unit) and forecasts (ATR × p).
    pub fn mul_ratio(self, numerator: i64, denominator: i64) -> Money {
        if self.is_overflow() {
            return Money::OVERFLOW;
        }
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
        Money::from_wide(Some(rounded))
    }
}

/// How an `OVERFLOW` shows wherever an amount is drawn: never a number.
const OVERFLOW_TEXT: &str = "too large";

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
    /// Exact, grouped, always two decimals, with the currency symbol: `1,234.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&display::installed().exact(*self))
    }
}

// The operators never wrap: a result that does not fit, or an `OVERFLOW`
// on either side, is `OVERFLOW`.
impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        self.checked_add(rhs).unwrap_or(Money::OVERFLOW)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        self.checked_sub(rhs).unwrap_or(Money::OVERFLOW)
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        *self = *self - rhs;
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        // `OVERFLOW` is `i64::MIN`, the one value without a negation.
        self.0.checked_neg().map_or(Money::OVERFLOW, Money)
    }
}

/// Adds in `i128`, so that only the total has to fit, not every step.
fn wide_sum(amounts: impl Iterator<Item = Money>) -> Money {
    let total = amounts.map(Money::wide).try_fold(0i128, |sum, cents| Some(sum + cents?));
    Money::from_wide(total)
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        wide_sum(iter)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        wide_sum(iter.copied())
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
    fn a_single_amount_is_bounded() {
        assert_eq!(Money::parse("10000000000"), Ok(MAX_AMOUNT));
        assert_eq!(Money::parse("-10000000000.00"), Ok(-MAX_AMOUNT));
        assert_eq!(
            Money::parse("10000000000.01").map_err(|e| e.to_string()),
            Err("\"10000000000.01\" is too large (at most 10000000000)".to_string())
        );
        assert!(matches!(
            Money::parse_non_negative("92233720368547758"),
            Err(MoneyError::TooLarge(_))
        ));
        assert!(Money(MAX_AMOUNT.0 + 1).bounded().is_err());
        assert!(Money(-MAX_AMOUNT.0 - 1).bounded().is_err());
        assert_eq!(MAX_AMOUNT.bounded(), Ok(MAX_AMOUNT));
        assert!(!Money::OVERFLOW.within_bound());
    }

    #[test]
    fn arithmetic_never_wraps() {
        let big = Money(i64::MAX - 5);
        assert_eq!(big + Money(10), Money::OVERFLOW);
        assert_eq!(Money(i64::MIN + 1) - Money(10), Money::OVERFLOW);
        // The marker sticks: a later subtraction does not bring back a number.
        assert_eq!(big + Money(10) - Money(20), Money::OVERFLOW);
        assert_eq!(-Money::OVERFLOW, Money::OVERFLOW);
        assert_eq!(Money::OVERFLOW.max(Money(5)), Money::OVERFLOW);
        let mut total = Money::ZERO;
        for _ in 0..3 {
            total += Money(i64::MAX / 2);
        }
        assert!(total.is_overflow());
        assert_eq!(total.exact(), Err(SumOverflow));
        // A sum adds in i128: only the total has to fit.
        assert_eq!([big, Money(10), Money(-20)].iter().sum::<Money>(), Money(i64::MAX - 15));
        assert_eq!([big, Money(10)].into_iter().sum::<Money>(), Money::OVERFLOW);
        assert_eq!(
            [Money(1), Money::OVERFLOW, Money(-1)].into_iter().sum::<Money>(),
            Money::OVERFLOW
        );
        assert_eq!(Money(i64::MAX).mul_ratio(3, 2), Money::OVERFLOW);
        assert_eq!(Money::OVERFLOW.mul_ratio(1, 1), Money::OVERFLOW);
        assert_eq!(Money::from_units(i64::MAX), Money::OVERFLOW);
        assert_eq!(Money(i64::MAX).to_whole_grouped(), "92,233,720,368,547,758");
        for shown in
            [Money::OVERFLOW.to_string(), Money::OVERFLOW.to_plain(), Money::OVERFLOW.to_short()]
        {
            assert_eq!(shown, "too large");
        }
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
        assert_eq!(Money(456_000_000).to_short(), "4.6M");
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
