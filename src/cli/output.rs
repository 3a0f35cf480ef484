//! Shared printing for subcommands: exact money and rates in JSON (money as a
//! number in currency units, rates as fractions, `null` for an undefined
//! rate) and plain aligned tables for people. Everything a subcommand prints
//! for people goes through here and `text::inert`, so a name holding an
//! escape sequence is shown, never obeyed; JSON goes through `text::json`.
//!
//! Every printing function returns its write error instead of panicking as
//! `println!` does: a reader that goes away (`cockpit renewals | head -1`)
//! makes the next write fail with `BrokenPipe`, which each command passes up
//! with `?` (closing the book on the way out) and `cli::main` ends quietly
//! ([`is_broken_pipe`]).

use crate::domain::Money;
use crate::metrics::Rate;
use crate::text::inert;
use serde_json::{Number, Value};
use std::io::Write;
use std::str::FromStr;

/// Prints one line (or several) for people, with stored text made inert.
pub fn say(text: &str) -> std::io::Result<()> {
    writeln!(std::io::stdout().lock(), "{}", inert::lines(text))
}

/// Prints text as it is (already made inert or escaped by its format, as an
/// ICS calendar is), with no newline added.
pub fn print_raw(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Prints one line (or several) to standard error, with stored text made
/// inert. A standard error that cannot be written is not reported anywhere.
pub fn warn(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", inert::lines(text));
}

/// Whether an error comes from writing into a pipe whose reader has gone:
/// the end of the output was not wanted, so nothing went wrong. The cause
/// may be wrapped by the CSV or JSON writer of an export.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    error.chain().any(|cause| {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return io.kind() == BrokenPipe;
        }
        if let Some(json) = cause.downcast_ref::<serde_json::Error>() {
            return json.io_error_kind() == Some(BrokenPipe);
        }
        if let Some(csv) = cause.downcast_ref::<csv::Error>() {
            return matches!(csv.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe);
        }
        false
    })
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
pub fn print_table(headers: &[&str], rows: &[Vec<String>]) -> std::io::Result<()> {
    std::io::stdout().lock().write_all(format_table(headers, rows).as_bytes())
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
    let text = crate::text::json::to_string(value)?;
    writeln!(std::io::stdout().lock(), "{text}")?;
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
    fn a_closed_pipe_is_told_apart_wherever_it_is_wrapped() {
        let pipe = || std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        assert!(is_broken_pipe(&anyhow::Error::from(pipe())));
        assert!(is_broken_pipe(&anyhow::Error::from(pipe()).context("writing the table")));
        assert!(is_broken_pipe(&anyhow::Error::from(csv::Error::from(pipe()))));
        assert!(is_broken_pipe(&anyhow::Error::from(serde_json::Error::io(pipe()))));
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        assert!(!is_broken_pipe(&anyhow::Error::from(full)));
        assert!(!is_broken_pipe(&anyhow::anyhow!("Broken pipe")));
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
