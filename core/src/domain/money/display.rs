//! How amounts read for people: the one formatter every table, pane, footer
//! and message goes through. Three forms:
//! - compact (`950`, `12.4k`, `1.0M`, `2.3B`) for narrow columns, rounded
//!   half away from zero to what is shown;
//! - exact (`12,399.50`), grouped, always two decimals, wherever a full
//!   number is shown;
//! - plain (`12399.5`) for CSV and JSON, never with a symbol (that is
//!   `Money::to_plain`, not here).
//!
//! The currency symbol is a setting (`currency`, `currency_position` in
//! `config.toml`). It is a display preference read once when the settings
//! load and installed here, so that code far from the settings (a signal's
//! "why", a footer) shows the same symbol without each caller carrying it;
//! nothing here changes an amount, and the pure [`Currency`] methods are what
//! the tests check.

use super::{Money, OVERFLOW_TEXT, group_thousands};
use serde::{Deserialize, Serialize};
use std::sync::RwLock;

/// Where the currency symbol goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SymbolPosition {
    /// `$12.4k`, `-$12.4k`.
    #[default]
    Before,
    /// `12.4k €`, `-12.4k €`.
    After,
}

/// The currency as shown: a symbol (empty by default: plain numbers) and
/// its place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Currency {
    pub symbol: String,
    pub position: SymbolPosition,
}

impl Currency {
    pub fn new(symbol: &str, position: SymbolPosition) -> Currency {
        Currency { symbol: symbol.to_string(), position }
    }

    /// Compact: below 1,000 whole units; then `1.0k`…`999.9k`, `1.0M`…
    /// `999.9M`, `1.0B`…, each rounded half away from zero to the tenth
    /// shown, and an amount that rounds up to the next unit takes it
    /// (`9,999` → `10.0k`, `999,950` → `1.0M`, `999.50` → `1.0k`).
    pub fn short(&self, amount: Money) -> String {
        if amount.is_overflow() {
            return OVERFLOW_TEXT.to_string();
        }
        self.dress(amount.0 < 0, &compact(amount.0.unsigned_abs()))
    }

    /// Exact, grouped, always two decimals: `12,399.50`.
    pub fn exact(&self, amount: Money) -> String {
        if amount.is_overflow() {
            return OVERFLOW_TEXT.to_string();
        }
        let abs = amount.0.unsigned_abs();
        let whole = group_thousands(i64::try_from(abs / 100).unwrap_or(i64::MAX));
        self.dress(amount.0 < 0, &format!("{whole}.{:02}", abs % 100))
    }

    /// Whole units, grouped, rounded half away from zero: `12,400`. For
    /// columns of large figures where cents are noise; a full single amount
    /// is shown with [`Currency::exact`].
    pub fn whole(&self, amount: Money) -> String {
        if amount.is_overflow() {
            return OVERFLOW_TEXT.to_string();
        }
        let abs = u128::from(amount.0.unsigned_abs());
        let units = (abs + 50) / 100;
        let text = group_thousands(i64::try_from(units).unwrap_or(i64::MAX));
        self.dress(amount.0 < 0 && units > 0, &text)
    }

    /// Sign, symbol and number in the order the setting asks for. A symbol
    /// of letters (`CHF`) is set apart by a space; a sign (`$`) is not.
    fn dress(&self, negative: bool, number: &str) -> String {
        let sign = if negative { "-" } else { "" };
        let symbol = self.symbol.as_str();
        if symbol.is_empty() {
            return format!("{sign}{number}");
        }
        match self.position {
            SymbolPosition::Before => {
                let gap =
                    if symbol.chars().last().is_some_and(char::is_alphabetic) { " " } else { "" };
                format!("{sign}{symbol}{gap}{number}")
            }
            SymbolPosition::After => format!("{sign}{number} {symbol}"),
        }
    }
}

/// `cents` (not negative) in the compact form, without sign or symbol.
fn compact(cents: u64) -> String {
    let cents = u128::from(cents);
    let rounded = |unit: u128| (cents + unit / 2) / unit;
    let units = rounded(100);
    if units < 1_000 {
        return units.to_string();
    }
    // Tenths of a thousand, a million, a billion: 10^4, 10^7, 10^10 cents.
    for (unit, letter) in [(10_000, "k"), (10_000_000, "M")] {
        let tenths = rounded(unit);
        if tenths < 10_000 {
            return format!("{}.{}{letter}", tenths / 10, tenths % 10);
        }
    }
    let tenths = rounded(10_000_000_000);
    format!("{}.{}B", tenths / 10, tenths % 10)
}

static INSTALLED: RwLock<Option<Currency>> = RwLock::new(None);

/// Makes `currency` the one every amount shows with from now on. Called when
/// the settings load.
pub fn install(currency: Currency) {
    if let Ok(mut slot) = INSTALLED.write() {
        *slot = Some(currency);
    }
}

/// The currency the settings asked for (plain numbers until they load).
pub fn installed() -> Currency {
    INSTALLED.read().ok().and_then(|slot| slot.clone()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short(units: i64, cents: i64) -> String {
        Currency::default().short(Money(units * 100 + cents))
    }

    #[test]
    fn compact_rounds_half_away_from_zero() {
        assert_eq!(short(12_399, 0), "12.4k");
        assert_eq!(short(12_350, 0), "12.4k");
        assert_eq!(short(12_349, 0), "12.3k");
        assert_eq!(short(12_349, 99), "12.3k");
        assert_eq!(short(-12_350, 0), "-12.4k");
        assert_eq!(short(-12_349, 0), "-12.3k");
        assert_eq!(short(4_560_000, 0), "4.6M");
        assert_eq!(short(4_549_999, 0), "4.5M");
        assert_eq!(short(950, 0), "950");
        assert_eq!(short(950, 49), "950");
        assert_eq!(short(950, 50), "951");
        assert_eq!(short(0, 49), "0");
        assert_eq!(short(-3, -50), "-4");
    }

    #[test]
    fn compact_thresholds_are_the_same_either_way_of_rounding() {
        assert_eq!(short(999, 0), "999");
        assert_eq!(short(999, 49), "999");
        assert_eq!(short(999, 50), "1.0k");
        assert_eq!(short(1_000, 0), "1.0k");
        assert_eq!(short(9_999, 0), "10.0k");
        assert_eq!(short(10_000, 0), "10.0k");
        assert_eq!(short(-9_999, 0), "-10.0k");
        assert_eq!(short(999_949, 0), "999.9k");
        assert_eq!(short(999_950, 0), "1.0M");
        assert_eq!(short(1_000_000, 0), "1.0M");
        assert_eq!(short(999_949_999, 0), "999.9M");
        assert_eq!(short(999_950_000, 0), "1.0B");
        assert_eq!(short(10_000_000_000, 0), "10.0B");
        assert_eq!(Currency::default().short(Money(i64::MAX)), "92233720.4B");
        assert_eq!(Currency::default().short(Money(i64::MIN + 1)), "-92233720.4B");
    }

    #[test]
    fn exact_and_whole_forms() {
        let plain = Currency::default();
        assert_eq!(plain.exact(Money(1_239_950)), "12,399.50");
        assert_eq!(plain.exact(Money(-5)), "-0.05");
        assert_eq!(plain.whole(Money(1_239_950)), "12,400");
        assert_eq!(plain.whole(Money(-1_239_949)), "-12,399");
        assert_eq!(plain.whole(Money(-49)), "0");
        for shown in [plain.exact(Money::OVERFLOW), plain.short(Money::OVERFLOW)] {
            assert_eq!(shown, "too large");
        }
    }

    #[test]
    fn the_symbol_goes_where_the_setting_says() {
        let dollar = Currency::new("$", SymbolPosition::Before);
        assert_eq!(dollar.short(Money(1_239_900)), "$12.4k");
        assert_eq!(dollar.short(Money(-1_239_900)), "-$12.4k");
        assert_eq!(dollar.exact(Money(1_239_950)), "$12,399.50");
        let euro = Currency::new("€", SymbolPosition::After);
        assert_eq!(euro.short(Money(-1_239_900)), "-12.4k €");
        assert_eq!(euro.exact(Money(50)), "0.50 €");
        let franc = Currency::new("CHF", SymbolPosition::Before);
        assert_eq!(franc.whole(Money(100_000)), "CHF 1,000");
        assert_eq!(Currency::default().short(Money(1_239_900)), "12.4k");
    }
}
