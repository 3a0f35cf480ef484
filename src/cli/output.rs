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
use crate::text::columns::{self, Want};
use crate::text::inert;
use serde_json::{Number, Value};
use std::io::Write;
use std::str::FromStr;
use unicode_width::UnicodeWidthStr;

/// Prints one line (or several) for people, with stored text made inert.
pub fn say(text: &str) -> std::io::Result<()> {
    writeln!(std::io::stdout().lock(), "{}", inert::lines(text))
}

/// Prints one paragraph for people, made inert and wrapped at the table
/// width (see [`table_width`]) between words, each following line indented
/// by `indent` spaces, so a long explanation reads like its table.
pub fn say_wrapped(text: &str, indent: usize) -> std::io::Result<()> {
    let shown = inert::line(text);
    let Some(width) = table_width() else { return say(&shown) };
    let hanging = " ".repeat(indent);
    let options = textwrap::Options::new(width.max(indent + TEXT_MIN)).subsequent_indent(&hanging);
    let mut out = std::io::stdout().lock();
    for line in textwrap::wrap(&shown, options) {
        writeln!(out, "{line}")?;
    }
    Ok(())
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

/// Prints rows as a table laid out to the terminal's width (see
/// [`table_width`]): text columns left-aligned, number columns right-aligned.
pub fn print_table(headers: &[&str], rows: &[Vec<String>]) -> std::io::Result<()> {
    std::io::stdout().lock().write_all(format_table(headers, rows, table_width()).as_bytes())
}

/// The width the command line asked for (`--width`), set once when it is
/// parsed, before anything is printed; `Some(0)` asks for no limit.
static WIDTH_ASKED: std::sync::OnceLock<Option<usize>> = std::sync::OnceLock::new();

/// Records `--width` for every table this run prints.
pub fn set_table_width(width: Option<usize>) {
    let _ = WIDTH_ASKED.set(width);
}

/// The width of a table piped into a file or another program when nothing
/// says otherwise: what a reader's pager or mail shows without wrapping.
const PIPED_WIDTH: usize = 80;

/// How wide tables may be: see [`width_for`], with this run's `--width`,
/// `COLUMNS` and standard output's terminal, if it is one.
pub fn table_width() -> Option<usize> {
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok());
    let terminal = terminal_size::terminal_size_of(std::io::stdout())
        .map(|(terminal_size::Width(width), _)| usize::from(width));
    width_for(WIDTH_ASKED.get().copied().flatten(), columns, terminal)
}

/// How wide tables may be: `--width` when given (`0`: no limit, every
/// character kept, for scripts), else `COLUMNS` when set to a number, else
/// the terminal's width when standard output is one, else 80 (a table piped
/// into `less` or a mail reads like one on a terminal; text cut says so
/// with `…`).
pub fn width_for(
    asked: Option<usize>,
    columns: Option<usize>,
    terminal: Option<usize>,
) -> Option<usize> {
    match asked {
        Some(0) => None,
        Some(width) => Some(width),
        None => columns.filter(|c| *c > 0).or(terminal).or(Some(PIPED_WIDTH)),
    }
}

/// Cells between columns, and the least when a table is tight.
const GAP: usize = 2;
const TIGHT_GAP: usize = 1;

/// A text column is cut (with `…`) no narrower than this: `Aldermoor…`
/// still says which account; `Ald…` does not.
const TEXT_MIN: usize = 10;

/// Rows as a table at most `width` cells wide (`None`: as wide as the
/// content). Each cell is shown inert on one line and measured in terminal
/// cells, so wide characters and marked controls stay aligned. Columns of
/// numbers are right-aligned and never cut; when the table is too wide, the
/// widest text columns are cut with `…` (see `text::columns`).
pub fn format_table(headers: &[&str], rows: &[Vec<String>], width: Option<usize>) -> String {
    let shown: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|cell| inert::line(cell).into_owned()).collect())
        .collect();
    let numeric: Vec<bool> = (0..headers.len())
        .map(|i| i > 0 && shown.iter().all(|row| row.get(i).is_none_or(|c| is_number(c))))
        .collect();
    let wants: Vec<Want> = headers
        .iter()
        .enumerate()
        .map(|(i, header)| {
            let header = inert::width(header);
            let content = shown.iter().filter_map(|row| row.get(i)).map(|c| c.width()).max();
            let ideal = header.max(content.unwrap_or(0));
            if numeric[i] { Want::fixed(ideal) } else { Want::text(TEXT_MIN, ideal) }
        })
        .collect();
    // Too many columns to show each readably: closer together, then the
    // last ones left out (and named below the table).
    let (mut gap, mut kept) = (GAP, headers.len());
    if let Some(width) = width {
        let need = |kept: usize, gap: usize| {
            wants[..kept].iter().map(|w| w.min).sum::<usize>() + gap * kept.saturating_sub(1)
        };
        if need(kept, gap) > width {
            gap = TIGHT_GAP;
        }
        while kept > 1 && need(kept, gap) > width {
            kept -= 1;
        }
    }
    let widths: Vec<usize> = match width {
        Some(width) => columns::layout(&wants[..kept], width, gap),
        None => wants.iter().map(|w| w.ideal).collect(),
    };
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, width) in widths.iter().enumerate() {
            if i > 0 {
                out.push_str(&" ".repeat(gap));
            }
            let cell = columns::cut(cells.get(i).map_or("", String::as_str), *width);
            let padding = " ".repeat(width.saturating_sub(cell.width()));
            if numeric[i] {
                out.push_str(&padding);
                out.push_str(&cell);
            } else {
                out.push_str(&cell);
                out.push_str(&padding);
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let headers: Vec<String> = headers.iter().map(|h| inert::line(h).into_owned()).collect();
    let mut out = line(&headers);
    out.push_str(&line(&widths.iter().map(|w| "─".repeat(*w)).collect::<Vec<_>>()));
    for row in &shown {
        out.push_str(&line(row));
    }
    if kept < headers.len() {
        let left_out = headers[kept..].join(", ");
        let note = format!("(not shown: {left_out}; a wider terminal or --width 0 shows them)");
        // The note keeps to the width it explains.
        let lines = match width {
            Some(width) => textwrap::wrap(&note, width.max(TEXT_MIN)),
            None => vec![note.as_str().into()],
        };
        for line in lines {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Whether a cell reads as a number, an amount, a rate or a date (and so is
/// right-aligned): digits with at most one trailing unit letter (`12.4k`,
/// `30d`), the currency symbol, or a dash for "none".
fn is_number(cell: &str) -> bool {
    let currency = crate::domain::money::installed_currency().symbol;
    let text = if currency.is_empty() { cell.trim() } else { &cell.replace(&currency, "") };
    let text = text.trim().trim_start_matches(['-', '+', '−']);
    if text.is_empty() || matches!(text, "–" | "—" | "too large") {
        return true;
    }
    let body = text.strip_suffix(['k', 'M', 'B', 'd', 'x', '%']).unwrap_or(text);
    body.starts_with(|c: char| c.is_ascii_digit())
        && body.chars().all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '%'))
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

    fn table(headers: &[&str], rows: &[&[&str]], width: Option<usize>) -> Vec<String> {
        let rows: Vec<Vec<String>> =
            rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        format_table(headers, &rows, width).lines().map(str::to_string).collect()
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
    fn a_piped_table_is_80_wide_unless_told_otherwise() {
        // Piped, nothing set: 80, as a terminal would be.
        assert_eq!(width_for(None, None, None), Some(80));
        assert_eq!(width_for(None, Some(120), None), Some(120));
        assert_eq!(width_for(None, Some(0), None), Some(80), "COLUMNS=0 is no width");
        assert_eq!(width_for(None, None, Some(100)), Some(100));
        assert_eq!(width_for(None, Some(120), Some(100)), Some(120));
        // --width wins over both; 0 keeps every character.
        assert_eq!(width_for(Some(60), Some(120), Some(100)), Some(60));
        assert_eq!(width_for(Some(0), Some(120), Some(100)), None);
    }

    #[test]
    fn tables_align() {
        let text = format_table(&["name", "arr"], &[vec!["Acme".into(), "1,000".into()]], None);
        assert_eq!(text, "name    arr\n────  ─────\nAcme  1,000\n");
    }

    #[test]
    fn text_columns_read_left_and_numbers_right() {
        let lines = table(
            &["account", "csm", "ARR", "renews"],
            &[&["Acme", "Jonas Lindqvist", "12.4k", "30d"], &["Beta Corp", "Ana", "950", "–"]],
            None,
        );
        assert_eq!(lines[0], "account    csm                ARR  renews");
        assert_eq!(lines[2], "Acme       Jonas Lindqvist  12.4k     30d");
        assert_eq!(lines[3], "Beta Corp  Ana                950       –");
    }

    #[test]
    fn wide_names_and_controls_align_in_cells() {
        let rows = vec![
            vec!["株式会社".to_string(), "1".to_string()],
            vec!["🚀ab".to_string(), "22".to_string()],
            vec!["a\u{1b}[2Jb".to_string(), "333".to_string()],
        ];
        let text = format_table(&["name", "n"], &rows, None);
        assert!(!text.contains('\u{1b}'));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[2], "株式会社    1");
        assert_eq!(lines[3], "🚀ab       22");
        assert_eq!(lines[4], "a␛[2Jb    333");
    }

    #[test]
    fn a_table_too_wide_to_read_leaves_out_its_last_columns_and_says_so() {
        let rows: &[&[&str]] = &[&[
            "2026-12-08",
            "renewal",
            "Aldermoor Health System",
            "Jonas Lindqvist",
            "Core",
            "7,609.00",
            "prepaid",
            "30-day window",
            "A0001-C1",
        ]];
        let headers =
            ["date", "kind", "account", "csm", "product", "ARR", "billing", "window", "contract"];
        let lines = table(&headers, rows, Some(60));
        assert_eq!(lines[0], "date       kind    account    csm           product      ARR");
        assert_eq!(lines[2], "2026-12-08 renewal Aldermoor… Jonas Lindqv… Core    7,609.00");
        assert_eq!(lines[3], "(not shown: billing, window, contract; a wider terminal or");
        assert_eq!(lines[4], "--width 0 shows them)");
        assert!(lines.iter().all(|l| l.width() <= 60));
        // Piped: everything.
        assert_eq!(table(&headers, rows, None).len(), 3);
    }

    #[test]
    fn a_table_fits_the_width_by_cutting_its_widest_text_column() {
        let rows: &[&[&str]] = &[
            &["Acme", "Jonas Lindqvist", "12.4k", "a very long description of why it churned"],
            &["山田商事株式会社", "Maya Okafor", "950", "short"],
        ];
        let headers = ["account", "csm", "ARR", "description"];
        let uncut = table(&headers, rows, None);
        assert_eq!(uncut[2].width(), 16 + 2 + 15 + 2 + 5 + 2 + 41);
        let lines = table(&headers, rows, Some(60));
        for line in &lines {
            assert!(line.width() <= 60, "{line:?} is {} cells", line.width());
        }
        // The names stay whole; the description gives way.
        assert_eq!(lines[2], "Acme              Jonas Lindqvist  12.4k  a very long descr…");
        assert_eq!(lines[3], "山田商事株式会社  Maya Okafor        950  short");
        // Narrower still: the next widest text column is cut too, each
        // wide character whole, and the columns stay aligned.
        let lines = table(&headers, rows, Some(44));
        assert_eq!(lines[2], "Acme        Jonas Lindqv…  12.4k  a very lo…");
        assert_eq!(lines[3], "山田商事…   Maya Okafor      950  short");
    }
}
