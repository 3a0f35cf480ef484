//! How a profile's amounts and counts are written: the decimal separator,
//! the thousands separator and the currency symbols or codes to strip.
//! Turns such a cell into the plain decimal `Money` and the whole-number
//! readers take (`1.234,50 €` into `1234.50`), refusing what the profile's
//! form cannot explain rather than guessing (`1.5` with `.` for thousands is
//! not 15).

use std::borrow::Cow;

/// How numbers are written; the default is the cockpit's own plain form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFormat {
    pub decimal: char,
    pub thousands: Option<char>,
    /// Symbols or codes stripped from either end of an amount, longest first.
    pub currency: Vec<String>,
}

impl Default for NumberFormat {
    fn default() -> NumberFormat {
        NumberFormat { decimal: '.', thousands: None, currency: Vec::new() }
    }
}

/// The separators a profile may name for thousands.
pub(super) const THOUSANDS: [char; 6] = [',', '.', ' ', '\'', '\u{a0}', '\u{202f}'];

impl NumberFormat {
    fn is_plain(&self) -> bool {
        self.decimal == '.' && self.thousands.is_none() && self.currency.is_empty()
    }

    /// The cell as a plain decimal (`-` sign, digits, at most one `.`), or
    /// why it is not a number in this form. A plain profile passes the
    /// text on untouched, for the reader's own message.
    pub fn plain<'t>(&self, text: &'t str) -> Result<Cow<'t, str>, String> {
        if self.is_plain() {
            return Ok(Cow::Borrowed(text));
        }
        let original = text.trim();
        let mut rest = original;
        let negative = rest.starts_with('-');
        if negative {
            rest = rest[1..].trim_start();
        }
        for symbol in &self.currency {
            if let Some(stripped) = rest.strip_prefix(symbol.as_str()) {
                rest = stripped.trim();
                break;
            }
            if let Some(stripped) = rest.strip_suffix(symbol.as_str()) {
                rest = stripped.trim();
                break;
            }
        }
        if !negative && rest.starts_with('-') {
            // `€ -5` or `$-5`: the sign after the symbol.
            return self.plain(&format!("-{}", &rest[1..])).map(|c| Cow::Owned(c.into_owned()));
        }
        let wrong = || {
            format!(
                "{original:?} is not a number written as the profile says ({})",
                self.describe()
            )
        };
        let (whole, fraction) = match rest.split_once(self.decimal) {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (rest, None),
        };
        if let Some(fraction) = fraction
            && (fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(wrong());
        }
        let digits: String = match self.thousands {
            Some(separator) if whole.contains(separator) => {
                let groups: Vec<&str> = whole.split(separator).collect();
                let first = groups.first().map_or(0, |g| g.len());
                let grouped = (1..=3).contains(&first)
                    && groups.iter().skip(1).all(|g| g.len() == 3)
                    && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
                if !grouped {
                    return Err(format!(
                        "{original:?} is not a number written as the profile says ({}): \
                         thousands separators group three digits",
                        self.describe()
                    ));
                }
                groups.concat()
            }
            _ => whole.to_string(),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(wrong());
        }
        let sign = if negative { "-" } else { "" };
        Ok(Cow::Owned(match fraction {
            Some(fraction) => format!("{sign}{digits}.{fraction}"),
            None => format!("{sign}{digits}"),
        }))
    }

    /// The form in words, for messages: `decimal ",", thousands ".", e.g. 1.234,50`.
    pub fn describe(&self) -> String {
        let mut example = String::from("1");
        if let Some(separator) = self.thousands {
            example.push(separator);
        }
        example.push_str("234");
        example.push(self.decimal);
        example.push_str("50");
        let thousands = match self.thousands {
            Some(separator) => format!("thousands {separator:?}"),
            None => "no thousands separator".to_string(),
        };
        let currency = match self.currency.first() {
            Some(symbol) => format!(", {symbol} allowed"),
            None => String::new(),
        };
        format!("decimal {:?}, {thousands}{currency}, e.g. {example}", self.decimal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn european() -> NumberFormat {
        NumberFormat {
            decimal: ',',
            thousands: Some('.'),
            currency: vec!["EUR".into(), "€".into()],
        }
    }

    fn us() -> NumberFormat {
        NumberFormat {
            decimal: '.',
            thousands: Some(','),
            currency: vec!["USD".into(), "$".into()],
        }
    }

    #[test]
    fn european_and_us_forms_become_plain_decimals() {
        let eu = european();
        assert_eq!(eu.plain("1.234,50").as_deref(), Ok("1234.50"));
        assert_eq!(eu.plain(" 1.234.567,5 € ").as_deref(), Ok("1234567.5"));
        assert_eq!(eu.plain("EUR 12").as_deref(), Ok("12"));
        assert_eq!(eu.plain("999,99").as_deref(), Ok("999.99"));
        assert_eq!(eu.plain("-5,10 €").as_deref(), Ok("-5.10"));
        let us = us();
        assert_eq!(us.plain("$1,234.50").as_deref(), Ok("1234.50"));
        assert_eq!(us.plain("USD 1,000,000").as_deref(), Ok("1000000"));
        assert_eq!(us.plain("$-7.25").as_deref(), Ok("-7.25"));
        assert_eq!(us.plain("1234.5").as_deref(), Ok("1234.5"));
    }

    #[test]
    fn what_the_form_cannot_explain_is_refused() {
        let eu = european();
        // A US amount under the European form is not silently 1.2345.
        let error = eu.plain("1,234.50").expect_err("us under eu");
        assert!(error.contains("decimal ','"), "{error}");
        assert!(eu.plain("1.5").expect_err("short group").contains("group three digits"));
        assert!(eu.plain("12.34.567").is_err());
        assert!(eu.plain("£5").is_err());
        assert!(eu.plain("5,").is_err());
        assert!(eu.plain("").is_err());
        assert!(us().plain("1,23").is_err());
    }

    #[test]
    fn the_plain_form_passes_text_on() {
        let plain = NumberFormat::default();
        assert_eq!(plain.plain("1,5"), Ok(Cow::Borrowed("1,5")));
    }
}
