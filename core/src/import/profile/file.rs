//! Reading a profile file (TOML) into a checked [`Profile`]: every mistake
//! reported as `FILE:LINE:COLUMN: what is wrong`, the form `config.toml`'s
//! errors take. Checks what can be checked before a CSV is read: the kind,
//! that mapped and filled columns are the kind's, that separators and date
//! formats are usable.

use super::Profile;
use super::numbers::{NumberFormat, THOUSANDS};
use crate::import::ImportKind;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use toml::Spanned;

type Text = Spanned<String>;
type Table = BTreeMap<Text, Text>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    name: Option<Text>,
    kind: Text,
    description: Option<Text>,
    date_format: Option<Text>,
    time_format: Option<Text>,
    decimal: Option<Text>,
    thousands: Option<Text>,
    currency: Option<Spanned<OneOrMany>>,
    delimiter: Option<Text>,
    #[serde(default)]
    ignore: Vec<Text>,
    #[serde(default)]
    columns: Table,
    #[serde(default)]
    values: BTreeMap<Text, Table>,
    #[serde(default)]
    constants: Table,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// A problem at a byte offset of the file.
type Placed<T> = Result<T, (usize, String)>;

pub(super) fn parse(text: &str, file: &str, default_name: &str) -> Result<Profile, String> {
    let at = |offset: usize, message: &str| {
        let (line, column) = place(text, offset);
        format!("{file}:{line}:{column}: {message}")
    };
    let read: ProfileFile = toml::from_str(text).map_err(|error| match error.span() {
        Some(span) => at(span.start, error.message().trim_end()),
        None => format!("{file}: {}", error.message().trim_end()),
    })?;
    check(read, default_name).map_err(|(offset, message)| at(offset, &message))
}

fn check(read: ProfileFile, default_name: &str) -> Placed<Profile> {
    let kind_name = read.kind.get_ref().trim().to_ascii_lowercase();
    let Some(kind) = ImportKind::EVERY.iter().copied().find(|k| k.as_str() == kind_name) else {
        let known: Vec<&str> = ImportKind::EVERY.iter().map(|k| k.as_str()).collect();
        return Err((
            read.kind.span().start,
            format!(
                "kind {:?} is not a kind of file cockpit imports ({})",
                read.kind.get_ref(),
                known.join(", ")
            ),
        ));
    };
    let names = kind.column_names();
    let cockpit_column = |text: &Text, what: &str| -> Placed<String> {
        let name = text.get_ref().trim().to_ascii_lowercase();
        if names.contains(&name.as_str()) {
            Ok(name)
        } else {
            Err((
                text.span().start,
                format!(
                    "{what} {:?} is not a column of {kind} files ({})",
                    text.get_ref(),
                    names.join(", ")
                ),
            ))
        }
    };
    let mut columns: Vec<(String, String)> = Vec::new();
    for (user, cockpit) in &read.columns {
        let name = cockpit_column(cockpit, "column")?;
        if user.get_ref().trim().is_empty() {
            return Err((user.span().start, "a column name may not be empty".to_string()));
        }
        if let Some((other, _)) = columns.iter().find(|(_, c)| *c == name) {
            return Err((
                cockpit.span().start,
                format!("both {other:?} and {:?} are mapped to {name}", user.get_ref()),
            ));
        }
        columns.push((user.get_ref().trim().to_string(), name));
    }
    let mut values = Vec::new();
    for (column, map) in &read.values {
        // A value map may name the cockpit column or the user's.
        let by_user = columns
            .iter()
            .find(|(user, _)| user.eq_ignore_ascii_case(column.get_ref().trim()))
            .map(|(_, cockpit)| cockpit.clone());
        let name = match by_user {
            Some(name) => name,
            None => cockpit_column(column, "[values] column")?,
        };
        let map = map
            .iter()
            .map(|(from, to)| (from.get_ref().trim().to_lowercase(), to.get_ref().to_string()))
            .collect();
        values.push((name, map));
    }
    let mut constants = Vec::new();
    for (column, value) in &read.constants {
        let name = cockpit_column(column, "[constants] column")?;
        if let Some((user, _)) = columns.iter().find(|(_, c)| *c == name) {
            return Err((
                column.span().start,
                format!("{name} is both read from {user:?} and filled with a constant; keep one"),
            ));
        }
        constants.push((name, value.get_ref().to_string()));
    }
    Ok(Profile {
        name: read
            .name
            .map_or_else(|| default_name.to_string(), |n| n.get_ref().trim().to_string()),
        kind: kind.as_str().to_string(),
        description: read.description.map(|d| d.get_ref().trim().to_string()).unwrap_or_default(),
        columns,
        values,
        constants,
        ignore: read.ignore.iter().map(|name| name.get_ref().trim().to_string()).collect(),
        numbers: numbers(read.decimal.as_ref(), read.thousands.as_ref(), read.currency.as_ref())?,
        date_format: read.date_format.map(|f| date_format(&f)).transpose()?,
        time_format: read.time_format.map(|f| time_format(&f)).transpose()?,
        delimiter: delimiter(read.delimiter.as_ref())?,
    })
}

fn numbers(
    decimal: Option<&Text>,
    thousands: Option<&Text>,
    currency: Option<&Spanned<OneOrMany>>,
) -> Placed<NumberFormat> {
    let mut format = NumberFormat::default();
    if let Some(text) = decimal {
        format.decimal = match text.get_ref().as_str() {
            "." => '.',
            "," => ',',
            other => {
                return Err((
                    text.span().start,
                    format!("decimal {other:?}: \".\" or \",\" expected"),
                ));
            }
        };
    }
    if let Some(text) = thousands {
        let mut chars = text.get_ref().chars();
        format.thousands = match (chars.next(), chars.next()) {
            (None, _) => None,
            (Some(c), None) if THOUSANDS.contains(&c) && c != format.decimal => Some(c),
            _ => {
                return Err((
                    text.span().start,
                    format!(
                        "thousands {:?}: one of \",\", \".\", \" \", \"'\" (not the decimal \
                         separator) or \"\" for none expected",
                        text.get_ref()
                    ),
                ));
            }
        };
    }
    if let Some(spanned) = currency {
        let mut symbols = match spanned.get_ref() {
            OneOrMany::One(symbol) => vec![symbol.trim().to_string()],
            OneOrMany::Many(symbols) => symbols.iter().map(|s| s.trim().to_string()).collect(),
        };
        if let Some(bad) = symbols.iter().find(|s| {
            s.is_empty() || s.chars().any(|c| c.is_ascii_digit() || c.is_control() || c == '-')
        }) {
            return Err((
                spanned.span().start,
                format!(
                    "currency {bad:?}: a symbol or code without digits expected (\"€\", \"USD\")"
                ),
            ));
        }
        // `US$` before `$`: the longest symbol is stripped first.
        symbols.sort_by_key(|s| std::cmp::Reverse(s.len()));
        format.currency = symbols;
    }
    Ok(format)
}

/// A date format that writes 14 March 2025 and reads it back.
fn date_format(format: &Text) -> Placed<String> {
    let written = format.get_ref().trim().to_string();
    // Written from a time: a format may carry one (`%Y-%m-%d %H:%M`), which
    // reading a date then passes over.
    let sample = NaiveDate::from_ymd_opt(2025, 3, 14).and_then(|d| d.and_hms_opt(9, 30, 0));
    let mut text = String::new();
    let round_trips = sample.is_some_and(|time| {
        write!(text, "{}", time.format(&written)).is_ok()
            && NaiveDate::parse_from_str(&text, &written).ok() == Some(time.date())
    });
    if round_trips {
        Ok(written)
    } else {
        Err((
            format.span().start,
            format!(
                "date_format {written:?} does not read a day back (it needs the year, month \
                 and day, e.g. \"%m/%d/%Y\" or \"%d.%m.%Y\")"
            ),
        ))
    }
}

/// A time format that writes 14 March 2025 09:30 and reads it back.
fn time_format(format: &Text) -> Placed<String> {
    let written = format.get_ref().trim().to_string();
    let sample = NaiveDate::from_ymd_opt(2025, 3, 14).and_then(|d| d.and_hms_opt(9, 30, 0));
    let mut text = String::new();
    let round_trips = sample.is_some_and(|time| {
        write!(text, "{}", time.format(&written)).is_ok()
            && NaiveDateTime::parse_from_str(&text, &written).ok() == Some(time)
    });
    if round_trips {
        Ok(written)
    } else {
        Err((
            format.span().start,
            format!(
                "time_format {written:?} does not read a time back (it needs the day, hour \
                 and minute, e.g. \"%m/%d/%Y %H:%M\")"
            ),
        ))
    }
}

fn delimiter(text: Option<&Text>) -> Placed<u8> {
    match text.map(|t| (t, t.get_ref().as_str())) {
        None | Some((_, ",")) => Ok(b','),
        Some((_, ";")) => Ok(b';'),
        Some((_, "\t")) => Ok(b'\t'),
        Some((_, "|")) => Ok(b'|'),
        Some((text, other)) => Err((
            text.span().start,
            format!("delimiter {other:?}: \",\", \";\", \"|\" or \"\\t\" expected"),
        )),
    }
}

/// The line and column (from 1, in characters) of a byte offset.
fn place(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
