//! Shared printing for subcommands: exact money and rates in JSON (money as a
//! number in currency units, rates as fractions, `null` for an undefined
//! rate) and plain aligned tables for people. Everything a subcommand prints
//! for people goes through here and `text::inert`, so a name holding an
//! escape sequence is shown, never obeyed; JSON goes through `text::json`.

use crate::domain::Money;
use crate::metrics::Rate;
use crate::text::inert;
use serde_json::{Number, Value};
use std::str::FromStr;

/// Prints one line (or several) for people, with stored text made inert.
pub fn say(text: &str) {
    println!("{}", inert::lines(text));
}

/// Prints one line (or several) to standard error, with stored text made inert.
pub fn warn(text: &str) {
    eprintln!("{}", inert::lines(text));
}

/// Money as a JSON number in currency units, exact: `1234.5`.
pub fn money(amount: Money) -> Value {
    Number::from_str(&amount.to_plain()).map(Value::Number).unwrap_or(Value::Null)
}

/// A rate as a JSON fraction with up to 12 decimals, or `null` when its
/// denominator is zero.
pub fn rate(rate: Option<Rate>) -> Value {
    rate.and_then(|r| Number::from_str(&r.to_decimal(12)).ok())
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// A rate as a percentage for people: `83.3%`, or `–` when undefined.
pub fn percent(rate: Option<Rate>) -> String {
    rate.map(|r| r.to_percent(1)).unwrap_or_else(|| "–".to_string())
}

/// Prints rows as a table: the first column left-aligned, the others right-aligned.
pub fn print_table(headers: &[&str], rows: &[Vec<String>]) {
    print!("{}", format_table(headers, rows));
}

/// Rows as a table, each cell shown inert on one line and measured in
/// terminal cells, so wide characters and marked controls stay aligned.
pub fn format_table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| inert::width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(width) = widths.get_mut(i) {
                *width = (*width).max(inert::width(cell));
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let width = widths.get(i).copied().unwrap_or(0);
            if i > 0 {
                out.push_str("  ");
            }
            let shown = inert::line(cell);
            let padding = " ".repeat(width.saturating_sub(inert::width(cell)));
            if i == 0 {
                out.push_str(&shown);
                out.push_str(&padding);
            } else {
                out.push_str(&padding);
                out.push_str(&shown);
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(headers.to_vec());
    out.push_str(&line(
        widths
            .iter()
            .map(|w| "─".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
    ));
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// Prints a JSON value on one line followed by a newline, with C1 and bidi
/// controls escaped as `\uXXXX`.
pub fn print_json(value: &Value) -> anyhow::Result<()> {
    println!("{}", crate::text::json::to_string(value)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_rates_are_exact_in_json() {
        assert_eq!(money(Money(123_450)).to_string(), "1234.5");
        assert_eq!(rate(Rate::new(5, 6)).to_string(), "0.833333333333");
        assert_eq!(rate(Rate::new(1, 0)), Value::Null);
        assert_eq!(percent(Rate::new(5, 6)), "83.3%");
    }

    #[test]
    fn tables_align() {
        let text = format_table(&["name", "arr"], &[vec!["Acme".into(), "1,000".into()]]);
        assert_eq!(text, "name    arr\n────  ─────\nAcme  1,000\n");
    }

    #[test]
    fn wide_names_and_controls_align_in_cells() {
        let rows = vec![
            vec!["株式会社".to_string(), "1".to_string()],
            vec!["🚀ab".to_string(), "22".to_string()],
            vec!["a\u{1b}[2Jb".to_string(), "333".to_string()],
        ];
        let text = format_table(&["name", "n"], &rows);
        assert!(!text.contains('\u{1b}'));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[2], "株式会社    1");
        assert_eq!(lines[3], "🚀ab       22");
        assert_eq!(lines[4], "a␛[2Jb    333");
    }
}
