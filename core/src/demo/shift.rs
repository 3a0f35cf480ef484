//! Moves a CSV file's dates, months and times by whole months, so a book
//! written on its anchor date reads as if written today. Only the named
//! columns change; every other cell (and the quoting) is kept as it was.
//! What the book records as done (a touch, a health change) never lands
//! after today: it is held at today instead.

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
    /// A [`Column::Time`] of something done: moved, then held at today
    /// (its time of day kept) when the move would put it in the future.
    Done,
}

/// Whole months to move the anchor by so that it lands in today's month:
/// the book's last snapshot month (the month before the anchor's) is then
/// the last whole month before today. Whatever this would move past today
/// is a [`Column::Done`] and held at today.
pub fn months_between(anchor: NaiveDate, today: NaiveDate) -> i32 {
    Month::of(today).0 - Month::of(anchor).0
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
        Column::Time | Column::Done => {
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

/// A [`Column::Done`] cell, already moved, held at `today` when it is after
/// it: the day becomes today, the time of day and offset stay.
fn not_after(cell: String, today: NaiveDate) -> String {
    // A moved cell is `YYYY-MM-DD` or an RFC 3339 time, which starts with
    // its local day.
    let day = cell.get(..10).and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok());
    match day {
        Some(day) if day > today => {
            format!("{}{}", today.format("%Y-%m-%d"), cell.get(10..).unwrap_or(""))
        }
        _ => cell,
    }
}

/// The CSV `text` (from `file`, for messages) with `columns` moved by
/// `months`, its [`Column::Done`] cells never after `today`.
pub fn shift_csv(
    file: &str,
    text: &str,
    columns: &[(&str, Column)],
    months: i32,
    today: NaiveDate,
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
            let moved = shift_cell(cell, *column, months).ok_or_else(|| DemoError::Value {
                file: file.to_string(),
                line: row + 2,
                value: cell.clone(),
            })?;
            *cell = if *column == Column::Done { not_after(moved, today) } else { moved };
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
    fn months_between_moves_the_anchor_into_todays_month() {
        assert_eq!(months_between(d(2026, 11, 15), d(2026, 11, 15)), 0);
        assert_eq!(months_between(d(2026, 11, 15), d(2026, 11, 1)), 0);
        // On 7 December the last whole month is November: one month on,
        // though the 15th has not come yet.
        assert_eq!(months_between(d(2026, 11, 15), d(2026, 12, 7)), 1);
        assert_eq!(months_between(d(2026, 11, 15), d(2026, 12, 31)), 1);
        assert_eq!(months_between(d(2026, 11, 15), d(2028, 2, 29)), 15);
        assert_eq!(months_between(d(2026, 11, 15), d(2025, 1, 1)), -22);
    }

    #[test]
    fn what_was_done_is_held_at_today_never_after() {
        let text = "id,at,due\nA1,2026-11-12T10:30:00Z,2026-11-20\nA2,2026-11-02T11:00:00+01:00,\n\
                    A3,2026-11-10,2026-11-03\n";
        let columns = [("at", Column::Done), ("due", Column::Date)];
        let moved = shift_csv("x.csv", text, &columns, 1, d(2026, 12, 7)).expect("shift");
        assert_eq!(
            moved,
            "id,at,due\nA1,2026-12-07T10:30:00Z,2026-12-20\nA2,2026-12-02T11:00:00+01:00,\n\
             A3,2026-12-07,2026-12-03\n"
        );
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
        let moved = shift_csv(
            "notes.csv",
            text,
            &[("at", Column::Time), ("month", Column::Month)],
            4,
            d(2027, 3, 1),
        )
        .expect("shift");
        assert_eq!(
            moved,
            "id,at,text,month\nA1,2027-02-28T09:00:00Z,\"Said \"\"no\"\", then, yes\",2027-02\n"
        );
        let bad = shift_csv("x.csv", "id,at\nA1,soon\n", &[("at", Column::Time)], 1, d(2027, 1, 1));
        assert!(matches!(bad, Err(DemoError::Value { line: 2, .. })));
        let missing = shift_csv("x.csv", "id\nA1\n", &[("at", Column::Time)], 1, d(2027, 1, 1));
        assert!(matches!(missing, Err(DemoError::Column { .. })));
    }
}
