//! An exact ratio of two integers (money in cents, or counts). Rates are kept
//! as fractions so that comparisons (GRR ≤ NRR) are exact; decimal text is
//! produced only for output, and `f64` only for chart geometry.

use std::cmp::Ordering;

#[derive(Debug, Clone, Copy)]
pub struct Rate {
    numerator: i128,
    denominator: i128,
}

impl Rate {
    /// `None` when the denominator is zero: the rate is undefined, not 0.
    pub fn new(numerator: impl Into<i128>, denominator: impl Into<i128>) -> Option<Rate> {
        let (numerator, denominator) = (numerator.into(), denominator.into());
        if denominator == 0 {
            return None;
        }
        let sign = if denominator < 0 { -1 } else { 1 };
        Some(Rate { numerator: numerator * sign, denominator: denominator * sign })
    }

    pub fn numerator(&self) -> i128 {
        self.numerator
    }

    pub fn denominator(&self) -> i128 {
        self.denominator
    }

    /// The fraction as a decimal with at most `places` decimals, rounded half
    /// away from zero, trailing zeros removed: 5/6 → `0.833333333333`.
    pub fn to_decimal(&self, places: u32) -> String {
        let scale = 10_i128.pow(places);
        let negative = self.numerator < 0;
        let abs = self.numerator.abs();
        let scaled = (abs * scale * 2 + self.denominator) / (self.denominator * 2);
        let (whole, fraction) = (scaled / scale, scaled % scale);
        let mut text = format!("{}{whole}", if negative && scaled != 0 { "-" } else { "" });
        if fraction != 0 {
            let digits = format!("{fraction:0width$}", width = places as usize);
            text.push('.');
            text.push_str(digits.trim_end_matches('0'));
        }
        text
    }

    /// As a percentage with `places` decimals: 5/6 → `83.3%`.
    pub fn to_percent(&self, places: u32) -> String {
        let scale = 10_i128.pow(places);
        let negative = self.numerator < 0;
        let abs = self.numerator.abs();
        let scaled = (abs * 100 * scale * 2 + self.denominator) / (self.denominator * 2);
        let whole = scaled / scale;
        let sign = if negative && scaled != 0 { "-" } else { "" };
        if places == 0 {
            format!("{sign}{whole}%")
        } else {
            format!("{sign}{whole}.{:0width$}%", scaled % scale, width = places as usize)
        }
    }

    /// For drawing only (chart heights); never for arithmetic that is reported.
    pub fn to_f64(&self) -> f64 {
        self.numerator as f64 / self.denominator as f64
    }

    /// Basis points (1/10,000), rounded half away from zero.
    pub fn to_basis_points(&self) -> i64 {
        let abs = (self.numerator.abs() * 10_000 * 2 + self.denominator) / (self.denominator * 2);
        let signed = if self.numerator < 0 { -abs } else { abs };
        i64::try_from(signed).unwrap_or(i64::MAX)
    }
}

impl PartialEq for Rate {
    fn eq(&self, other: &Rate) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Rate {}

impl PartialOrd for Rate {
    fn partial_cmp(&self, other: &Rate) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rate {
    /// Exact: a/b vs c/d by cross-multiplication (denominators are positive).
    fn cmp(&self, other: &Rate) -> Ordering {
        (self.numerator * other.denominator).cmp(&(other.numerator * self.denominator))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_and_percents() {
        let r = Rate::new(5, 6).expect("rate");
        assert_eq!(r.to_decimal(4), "0.8333");
        assert_eq!(r.to_percent(1), "83.3%");
        assert_eq!(Rate::new(1, 1).expect("r").to_decimal(12), "1");
        assert_eq!(Rate::new(19, 20).expect("r").to_percent(0), "95%");
        assert_eq!(Rate::new(2, 3).expect("r").to_decimal(2), "0.67");
        assert_eq!(Rate::new(-1, 4).expect("r").to_decimal(2), "-0.25");
        assert_eq!(Rate::new(2, 3).expect("r").to_basis_points(), 6667);
        assert!(Rate::new(1, 0).is_none());
    }

    #[test]
    fn comparison_is_exact() {
        let a = Rate::new(1, 3).expect("r");
        let b = Rate::new(333_333_333, 1_000_000_000).expect("r");
        assert!(a > b);
        assert_eq!(Rate::new(2, 4), Rate::new(1, 2));
        assert_eq!(Rate::new(1, -2).expect("r").to_decimal(1), "-0.5");
    }
}
