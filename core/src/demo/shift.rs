//! Moves a CSV file's dates, months and times by whole months, so a book
//! written on its anchor date reads as if written today. Only the named
//! columns change; every other cell (and the quoting) is kept as it was.

use super::DemoError;
use crate::domain::Month;
use crate::domain::month::add_months;
use chrono::{DateTime, NaiveDate, SecondsFormat};

/// What a column holds, and so how it moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// `YYYY-MM-DD`; may be empty.
    Date,
    /// `YYYY-MM`.
    Month,
    /// An RFC 3339 time or a plain date, the time of day kept; may be empty.
    Time,
}

/// Whole months to move the anchor by so that it lands on today or in the
/// month before it, never after: what the book records as done by its
/// anchor date (a touch, a health change) is never in the future.
pub fn months_between(anchor: NaiveDate, today: NaiveDate) -> i32 {
    let months = Month::of(today).0 - Month::of(anchor).0;
    if shift_date(anchor, months) > today { months - 1 } else { months }
}

/// A date moved by whole months, the day clamped to the month's end
/// (Jan 31 + 1 month = Feb 28, or 29 in a leap year).
pub fn shift_date(date: NaiveDate, months: i32) -> NaiveDate {
    add_months(date, months)
}

/// One cell moved by `months`, or `None` when it is not what its column holds.
pub fn shift_cell(cell: &str, column: Column, months: i32) -> Option<String> {
    if cell.is_empty() {
        // An optional date or time (an open moment, a contract not terminated).
        return (column != Column::Month).then(String::new);
    }
    match column {
        Column::Date => crate::domain::Day::from_stored(cell)
            .filter(|_| cell.len() == 10)
            .map(|d| shift_date(d.date(), months).format("%Y-%m-%d").to_string()),
        Column::Month => Month::parse(cell).ok().map(|m| m.plus(months).to_string()),
        Column::Time => {
            if let Ok(day) = crate::domain::Day::parse(cell) {
                return Some(shift_date(day.date(), months).format("%Y-%m-%d").to_string());
            }
            let time = DateTime::parse_from_rfc3339(cell).ok()?;
            let local = time.naive_local();
            let moved = shift_date(local.date(), months).and_time(local.time());
            let moved = moved.and_local_timezone(*time.offset()).single()?;
            Some(moved.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        }
    }
}

/// The CSV `text` (from `file`, for messages) with `columns` moved by `months`.
pub fn shift_csv(
    file: &str,
    text: &str,
    columns: &[(&str, Column)],
    months: i32,
) -> Result<String, DemoError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| DemoError::csv(file, e))?.clone();
    let mut positions = Vec::new();
    for (name, column) in columns {
        let position = headers.iter().position(|h| h == *name).ok_or_else(|| {
            DemoError::Column { file: file.to_string(), column: name.to_string() }
        })?;
        positions.push((position, *column));
    }
    let mut writer = csv::Writer::from_writer(Vec::with_capacity(text.len() + 64));
    writer.write_record(&headers).map_err(|e| DemoError::csv(file, e))?;
    let mut cells: Vec<String> = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| DemoError::csv(file, e))?;
        cells.clear();
        cells.extend(record.iter().map(String::from));
        for (position, column) in &positions {
            let Some(cell) = cells.get_mut(*position) else { continue };
            *cell = shift_cell(cell, *column, months).ok_or_else(|| DemoError::Value {
                file: file.to_string(),
                line: row + 2,
                value: cell.clone(),
            })?;
        }
        writer.write_record(&cells).map_err(|e| DemoError::csv(file, e))?;
    }
    let bytes = writer.into_inner().map_err(|e| DemoError::csv(file, e.into_error().into()))?;
    String::from_utf8(bytes).map_err(|_| DemoError::Value {
        file: file.to_string(),
        line: 0,
        value: "(not UTF-8)".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn months_between_never_moves_the_anchor_past_today() {
        assert_eq!(months_between(d(2026, 11, 15), d(2026, 11, 15)), 0);
        assert_eq!(months_between(d(2026, 11, 15), d(2026, 11, 1)), -1);
        assert_eq!(months_between(d(2026, 11, 15), d(2026, 12, 4)), 0);
        assert_eq!(months_between(d(2026, 11, 15), d(2026, 12, 31)), 1);
        assert_eq!(months_between(d(2026, 11, 15), d(2028, 2, 29)), 15);
        assert_eq!(months_between(d(2026, 11, 15), d(2025, 1, 1)), -23);
        for today in [d(2026, 12, 4), d(2027, 3, 14), d(2027, 3, 15), d(2025, 1, 1)] {
            let moved = shift_date(d(2026, 11, 15), months_between(d(2026, 11, 15), today));
            assert!(moved <= today && (today - moved).num_days() < 31, "{today}: {moved}");
        }
    }

    #[test]
    fn month_ends_clamp_and_leap_days_fall_back() {
        assert_eq!(shift_date(d(2026, 1, 31), 1), d(2026, 2, 28));
        assert_eq!(shift_date(d(2027, 1, 31), 1), d(2027, 2, 28));
        assert_eq!(shift_date(d(2027, 12, 31), 2), d(2028, 2, 29));
        assert_eq!(shift_date(d(2028, 2, 29), 12), d(2029, 2, 28));
        assert_eq!(shift_date(d(2026, 3, 31), -1), d(2026, 2, 28));
        assert_eq!(shift_date(d(2026, 8, 31), 1), d(2026, 9, 30));
        assert_eq!(shift_date(d(2026, 11, 15), 0), d(2026, 11, 15));
    }

    #[test]
    fn cells_keep_their_shape_and_time_of_day() {
        assert_eq!(shift_cell("2026-10", Column::Month, 3).as_deref(), Some("2027-01"));
        assert_eq!(shift_cell("2026-01-31", Column::Date, 1).as_deref(), Some("2026-02-28"));
        assert_eq!(shift_cell("", Column::Date, 5).as_deref(), Some(""));
        assert_eq!(
            shift_cell("2026-01-31T16:45:00Z", Column::Time, 25).as_deref(),
            Some("2028-02-29T16:45:00Z")
        );
        assert_eq!(shift_cell("2026-03-02", Column::Time, -2).as_deref(), Some("2026-01-02"));
        assert_eq!(shift_cell("2026-13-01", Column::Date, 1), None);
        assert_eq!(shift_cell("", Column::Month, 1), None);
    }

    #[test]
    fn only_the_named_columns_move_and_quoting_survives() {
        let text =
            "id,at,text,month\nA1,2026-10-31T09:00:00Z,\"Said \"\"no\"\", then, yes\",2026-10\n";
        let moved =
            shift_csv("notes.csv", text, &[("at", Column::Time), ("month", Column::Month)], 4)
                .expect("shift");
        assert_eq!(
            moved,
            "id,at,text,month\nA1,2027-02-28T09:00:00Z,\"Said \"\"no\"\", then, yes\",2027-02\n"
        );
        let bad = shift_csv("x.csv", "id,at\nA1,soon\n", &[("at", Column::Time)], 1);
        assert!(matches!(bad, Err(DemoError::Value { line: 2, .. })));
        let missing = shift_csv("x.csv", "id\nA1\n", &[("at", Column::Time)], 1);
        assert!(matches!(missing, Err(DemoError::Column { .. })));
    }
}
