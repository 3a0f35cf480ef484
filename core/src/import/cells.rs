//! Checking the cells of one row of each kind into typed values, every
//! problem recorded with its line and column. Shared by the import into a
//! stored book and the first import into empty tables.
//!
//! Dates, times, months, amounts and whole numbers are read here, and only
//! here, so a profile's formats (`%d.%m.%Y`, `1.234,50 €`) apply to every
//! kind that reads its cells through these functions.

use super::fast::{Quick, trim};
use super::input::Row;
use super::{Problems, RowError};
use crate::domain::day::{Day, DayError};
use crate::domain::month::YEARS;
use crate::domain::{Billing, Contract, Money, Month, Note, NoteKind};
use crate::store::StoreResult;
use crate::store::bulk::BulkImport;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

/// One snapshot row's checked cells.
pub(super) struct SnapshotCells<'r> {
    pub account_id: &'r str,
    pub account: u32,
    pub month: Month,
    pub product: &'r str,
    pub arr: Money,
    pub units: Option<i64>,
}

/// Checks one snapshot row; `None` with every problem recorded.
pub(super) fn parse_snapshot<'r>(
    row: &Row<'r>,
    index: &AccountIndex,
    problems: &mut Problems,
) -> Option<SnapshotCells<'r>> {
    let account = problems.take(row.required(0)).and_then(|id| {
        problems.take(known_account(row, 0, trim(id), index).map(|i| (trim(id), i)))
    });
    let month = problems.take(row.required(1)).and_then(|text| problems.take(month(row, 1, text)));
    let product = problems.take(row.required(2)).map(trim);
    let arr = problems.take(row.required(3)).and_then(|text| problems.take(money(row, 3, text)));
    let units = match problems.take(row.optional(4))? {
        Some(text) => Some(problems.take(whole_number(row, 4, text))?),
        None => None,
    };
    let ((account_id, account), month, product, arr) = (account?, month?, product?, arr?);
    Some(SnapshotCells { account_id, account, month, product, arr, units })
}

/// Checks one contract row (end not before start); `None` with every
/// problem recorded.
pub(super) fn parse_contract(
    row: &Row<'_>,
    index: &AccountIndex,
    problems: &mut Problems,
) -> Option<Contract> {
    let id = problems.take(row.required(0)).map(trim);
    let account = problems
        .take(row.required(1))
        .map(trim)
        .filter(|id| problems.take(known_account(row, 1, id, index)).is_some());
    let product = problems.take(row.required(2)).map(trim);
    let start = problems.take(row.required(3)).and_then(|t| problems.take(date(row, 3, t)));
    let end = problems.take(row.required(4)).and_then(|t| problems.take(date(row, 4, t)));
    let arr = problems.take(row.required(5)).and_then(|t| problems.take(money(row, 5, t)));
    let units = optional_parsed(row, 6, problems, whole_number);
    let billing = optional_parsed(row, 7, problems, |row, column, text| {
        Billing::parse(text).map_err(|e| row.error(column, e.to_string()))
    });
    let terminated = optional_parsed(row, 8, problems, date);
    let (id, account, product, start, end, arr) = (id?, account?, product?, start?, end?, arr?);
    let (units, billing, terminated_on) = (units?, billing?, terminated?);
    if end < start {
        problems.push(row.error(4, format!("{end} is before start_date {start}")));
        return None;
    }
    // A termination ends the contract between its dates; one outside them
    // would move the lost renewal before the contract began or after it ended.
    match terminated_on {
        Some(day) if day < start => {
            problems.push(row.error(8, format!("{day} is before start_date {start}")));
            return None;
        }
        Some(day) if day > end => {
            problems.push(row.error(8, format!("{day} is after end_date {end}")));
            return None;
        }
        _ => {}
    }
    Some(Contract {
        id: id.to_string(),
        account_id: account.to_string(),
        product: product.to_string(),
        start_date: start,
        end_date: end,
        arr,
        units,
        billing: billing.unwrap_or(Billing::Annual),
        terminated_on,
    })
}

/// The message for a contract id given twice, `first` being the line of the first.
pub(super) fn twice_contract(id: &str, first: u64) -> String {
    format!("{id:?} appears twice in this file (first on line {first})")
}

/// One note row's checked cells.
pub(super) struct NoteCells {
    pub account: u32,
    pub note: Note,
    /// Whether the file names the author (without it a stored author is kept).
    pub who_given: bool,
}

/// Checks one note row; `None` with every problem recorded.
pub(super) fn parse_note(
    row: &Row<'_>,
    index: &AccountIndex,
    problems: &mut Problems,
) -> Option<NoteCells> {
    let account = problems.take(row.required(0)).and_then(|id| {
        problems.take(known_account(row, 0, trim(id), index).map(|i| (trim(id), i)))
    });
    let at = problems.take(row.required(1)).and_then(|t| problems.take(note_time(row, 1, t)));
    let kind = problems
        .take(row.required(2))
        .and_then(|t| problems.take(NoteKind::parse(t).map_err(|e| row.error(2, e.to_string()))));
    let text = problems.take(row.required(3));
    let who = problems.take(row.cell(4));
    let ((account_id, account), at, kind, text, who) = (account?, at?, kind?, text?, who?);
    let note = Note {
        account_id: account_id.to_string(),
        at,
        kind,
        text: text.to_string(),
        who: who.unwrap_or_default().to_string(),
    };
    Some(NoteCells { account, note, who_given: who.is_some() })
}

/// The message for a note given twice, `first` being the line of the first.
pub(super) fn twice_note(note: &Note, first: u64) -> String {
    format!(
        "the note for {} at {} with this text appears twice in this file (first on line {first})",
        note.account_id,
        crate::store::bulk::rfc3339(note.at)
    )
}

/// Account ids to their positions, hashed quickly (ids are not adversarial
/// input to a long-lived map: the map lives for one import).
pub(super) type AccountIndex = HashMap<String, u32, Quick>;

/// Every stored account id, and each id's position in that list.
pub(super) fn account_index(bulk: &BulkImport<'_>) -> StoreResult<(Vec<String>, AccountIndex)> {
    let ids = bulk.account_ids()?;
    let index = ids.iter().enumerate().map(|(i, id)| (id.clone(), i as u32)).collect();
    Ok((ids, index))
}

pub(super) fn known_account(
    row: &Row<'_>,
    column: usize,
    id: &str,
    index: &AccountIndex,
) -> Result<u32, RowError> {
    index.get(id).copied().ok_or_else(|| {
        row.error(column, format!("{id:?} is not a known account (import accounts first)"))
    })
}

pub(super) fn money(row: &Row<'_>, column: usize, text: &str) -> Result<Money, RowError> {
    let plain = plain_number(row, column, text)?;
    Money::parse_non_negative(&plain).map_err(|e| row.error(column, read_as(e, text, &plain)))
}

/// The cell as a plain decimal by the profile's number form (the text
/// itself without a profile).
fn plain_number<'t>(
    row: &Row<'_>,
    column: usize,
    text: &'t str,
) -> Result<std::borrow::Cow<'t, str>, RowError> {
    row.profile().numbers().plain(text).map_err(|e| row.error(column, e))
}

/// A reader's message, saying what the profile made of the cell when that
/// differs from what the file holds.
fn read_as(error: impl ToString, text: &str, plain: &str) -> String {
    if trim(text) == plain {
        error.to_string()
    } else {
        format!("{} (the cell {:?}, read by the profile)", error.to_string(), trim(text))
    }
}

pub use crate::store::records::MAX_UNITS;

pub(super) fn whole_number(row: &Row<'_>, column: usize, text: &str) -> Result<i64, RowError> {
    whole_in(row, column, text, 0, MAX_UNITS)
}

/// A whole number within `min..=max`.
pub(super) fn whole_in(
    row: &Row<'_>,
    column: usize,
    text: &str,
    min: i64,
    max: i64,
) -> Result<i64, RowError> {
    let plain = plain_number(row, column, text)?;
    let trimmed = trim(&plain);
    let too_large = || row.error(column, format!("{trimmed:?} is too large (at most {max})"));
    match trimmed.parse::<i64>() {
        Ok(value) if value > max => Err(too_large()),
        Ok(value) if value >= min => Ok(value),
        Ok(_) if min == 0 => Err(row.error(column, format!("{trimmed:?} is negative"))),
        Ok(_) => Err(row.error(column, format!("{trimmed:?} is too small (at least {min})"))),
        Err(_) if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) => {
            Err(too_large())
        }
        Err(_) => Err(row.error(column, format!("{trimmed:?} is not a whole number"))),
    }
}

/// A `YYYY-MM` month; one in a year outside [`YEARS`] is refused as dates are.
pub(super) fn month(row: &Row<'_>, column: usize, text: &str) -> Result<Month, RowError> {
    // A profile's date stands for its month (`03/31/2025` for 2025-03).
    if row.profile().date_format().is_some()
        && Month::parse(text).is_err()
        && let Ok(Some(date)) = row.profile().date(text)
    {
        let day = Day::within_years(text, date).map_err(|e| row.error(column, e.to_string()))?;
        return Ok(Month::of(day.date()));
    }
    Month::parse(text).map_err(|e| {
        let trimmed = trim(text);
        let year = trimmed.get(..4).filter(|_| trimmed.len() == 7).and_then(|y| y.parse().ok());
        match year {
            Some(year) if !YEARS.contains(&year) => {
                row.error(column, DayError::OutsideYears(trimmed.to_string()).to_string())
            }
            _ => row.error(column, e.to_string()),
        }
    })
}

pub(super) fn date(row: &Row<'_>, column: usize, text: &str) -> Result<NaiveDate, RowError> {
    match row.profile().date(text) {
        Ok(Some(date)) => Day::within_years(text, date)
            .map(Day::date)
            .map_err(|e| row.error(column, e.to_string())),
        Ok(None) => {
            Day::parse(trim(text)).map(Day::date).map_err(|e| row.error(column, e.to_string()))
        }
        Err(message) => Err(row.error(column, message)),
    }
}

pub(super) fn note_time(
    row: &Row<'_>,
    column: usize,
    text: &str,
) -> Result<DateTime<Utc>, RowError> {
    let trimmed = trim(text);
    let profile = row.profile();
    if let Some(time) = profile.time(trimmed) {
        Day::within_years(trimmed, time.date()).map_err(|e| row.error(column, e.to_string()))?;
        return Ok(time.and_utc());
    }
    if let Ok(Some(date)) = profile.date(trimmed) {
        let day = Day::within_years(trimmed, date).map_err(|e| row.error(column, e.to_string()))?;
        return Ok(day.date().and_time(chrono::NaiveTime::MIN).and_utc());
    }
    if let Some(time) = super::fast::utc_time(trimmed) {
        Day::within_years(trimmed, time.date_naive())
            .map_err(|e| row.error(column, e.to_string()))?;
        return Ok(time);
    }
    match Day::parse(trimmed) {
        Ok(day) => return Ok(day.date().and_time(chrono::NaiveTime::MIN).and_utc()),
        Err(error @ DayError::OutsideYears(_)) => return Err(row.error(column, error.to_string())),
        // Not a day: perhaps a time.
        Err(DayError::NotADate(_)) => {}
    }
    let time = DateTime::parse_from_rfc3339(trimmed).map(|t| t.with_timezone(&Utc)).map_err(|_| {
        let formats = [profile.time_format(), profile.date_format()]
            .into_iter()
            .flatten()
            .map(|format| format!(", or {format} as the profile says"))
            .collect::<String>();
        row.error(
            column,
            format!(
                "{trimmed:?} is not a date (YYYY-MM-DD) or a time (RFC 3339, e.g. 2025-03-14T09:30:00Z){formats}"
            ),
        )
    })?;
    Day::within_years(trimmed, time.date_naive()).map_err(|e| row.error(column, e.to_string()))?;
    Ok(time)
}

/// An optional cell parsed by `parse`: `Some(None)` when blank or absent,
/// `None` when it was bad (the problem recorded).
pub(super) fn optional_parsed<T>(
    row: &Row<'_>,
    column: usize,
    problems: &mut Problems,
    parse: impl Fn(&Row<'_>, usize, &str) -> Result<T, RowError>,
) -> Option<Option<T>> {
    match problems.take(row.optional(column))? {
        Some(text) => problems.take(parse(row, column, text)).map(Some),
        None => Some(None),
    }
}
