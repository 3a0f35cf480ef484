//! A calendar day, `YYYY-MM-DD`: the one reading and writing of a date the
//! book stores, imports and exports. Typed text is read strictly (ten
//! characters, a real day, a year within [`YEARS`]); stored text is read by
//! its first ten characters (a time's date part counts), digit by digit,
//! because the book reads several dates per account. The SQL conversions
//! (`FromSql`, `ToSql`) only say how a day is written as text; no SQL is
//! run here. Relative dates a person types (`+7d`, `fri`) are `day_text`'s.

use super::month::YEARS;
use chrono::{Datelike, NaiveDate};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A calendar day. Wraps chrono's date, which the arithmetic uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub NaiveDate);

/// Why a text is not a day; the messages are those the import reports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DayError {
    #[error("{0:?} is not a date (expected YYYY-MM-DD)")]
    NotADate(String),
    #[error(
        "{0:?} is outside the years {start} to {end} a book's dates may fall in",
        start = YEARS.start(),
        end = YEARS.end()
    )]
    OutsideYears(String),
}

impl Day {
    pub fn date(self) -> NaiveDate {
        self.0
    }

    /// A day a person or a file gives: `YYYY-MM-DD` (spaces around it
    /// ignored) in the years [`YEARS`].
    pub fn parse(text: &str) -> Result<Day, DayError> {
        let trimmed = text.trim();
        let error = || DayError::NotADate(trimmed.to_string());
        if trimmed.len() != 10 {
            return Err(error());
        }
        let day = match digits(trimmed.as_bytes()) {
            Some(day) => day,
            // What the quick path does not read goes to chrono's parser, as
            // the import always did: it reads a few more spellings.
            None => NaiveDate::parse_from_str(trimmed, "%Y-%m-%d").map_err(|_| error())?,
        };
        Day::within_years(trimmed, day)
    }

    /// `day` when its year is within [`YEARS`], else the error naming `text`.
    pub fn within_years(text: &str, day: NaiveDate) -> Result<Day, DayError> {
        if YEARS.contains(&day.year()) {
            return Ok(Day(day));
        }
        Err(DayError::OutsideYears(text.trim().to_string()))
    }

    /// The day at the start of a stored `YYYY-MM-DD…` text (a date, or an
    /// RFC 3339 time's date part), read digit by digit; `None` when it is
    /// not one. Stored days were checked when written: no year rule here.
    pub fn from_stored(text: &str) -> Option<Day> {
        digits(text.as_bytes().get(..10)?).map(Day)
    }
}

/// `YYYY-MM-DD` in plain digits, without chrono's general parser.
fn digits(bytes: &[u8]) -> Option<NaiveDate> {
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes[range]
            .iter()
            .try_fold(0u32, |n, &b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
    };
    NaiveDate::from_ymd_opt(i32::try_from(number(0..4)?).ok()?, number(5..7)?, number(8..10)?)
}

/// `YYYY-MM-DD`, written by hand: chrono's general formatter costs more than
/// a row's insert when a file has hundreds of thousands of dates.
pub fn iso(date: NaiveDate) -> String {
    let (year, month, day) = (date.year(), date.month(), date.day());
    if !(0..=9999).contains(&year) {
        return date.format("%Y-%m-%d").to_string();
    }
    let year = year as u32;
    let digits = [
        year / 1000,
        year / 100 % 10,
        year / 10 % 10,
        year % 10,
        10,
        month / 10,
        month % 10,
        10,
        day / 10,
        day % 10,
    ];
    digits.iter().map(|&d| if d == 10 { '-' } else { char::from(b'0' + d as u8) }).collect()
}

impl From<NaiveDate> for Day {
    fn from(date: NaiveDate) -> Day {
        Day(date)
    }
}

impl From<Day> for NaiveDate {
    fn from(day: Day) -> NaiveDate {
        day.0
    }
}

impl FromStr for Day {
    type Err = DayError;

    fn from_str(text: &str) -> Result<Day, DayError> {
        Day::parse(text)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&iso(self.0))
    }
}

impl ToSql for Day {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(iso(self.0)))
    }
}

impl FromSql for Day {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Day> {
        let text = value.as_str()?;
        Day::from_stored(text)
            .ok_or_else(|| FromSqlError::Other(Box::new(DayError::NotADate(text.to_string()))))
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&iso(self.0))
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Day, D::Error> {
        let text = String::deserialize(deserializer)?;
        Day::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn a_typed_day_is_ten_characters_a_real_day_and_within_the_years() {
        assert_eq!(Day::parse(" 2025-03-09 "), Ok(Day(ymd(2025, 3, 9))));
        assert_eq!("1900-01-01".parse::<Day>(), Ok(Day(ymd(1900, 1, 1))));
        for bad in ["2025-02-30", "2025-3-09", "2025/03/09", "20250309", "", "2025-03-09T10"] {
            assert_eq!(
                Day::parse(bad).map_err(|e| e.to_string()),
                Err(format!("{:?} is not a date (expected YYYY-MM-DD)", bad.trim())),
            );
        }
        assert_eq!(
            Day::parse("0202-01-01").map_err(|e| e.to_string()),
            Err("\"0202-01-01\" is outside the years 1900 to 9999 a book's dates may fall in"
                .to_string())
        );
    }

    #[test]
    fn plain_dates_parse_like_chrono() {
        for text in
            ["2025-03-09", "2024-02-29", "2023-02-29", "2025-13-01", "2025-1x-01", "0000-01-01"]
        {
            let chrono = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
            let plain = digits(text.as_bytes());
            assert!(plain.is_none() || plain == chrono, "{text}");
            assert_eq!(plain.is_some(), chrono.is_some(), "{text}");
        }
    }

    #[test]
    fn stored_days_are_read_digit_by_digit() {
        let read = |text: &str| Day::from_stored(text).map(Day::date);
        assert_eq!(read("2025-06-30"), Some(ymd(2025, 6, 30)));
        assert_eq!(read("2025-01-05T10:00:00Z"), Some(ymd(2025, 1, 5)));
        assert_eq!(read("2025-02-30"), None);
        assert_eq!(read("2025/01/05"), None);
        assert_eq!(read("2025-0a-05"), None);
        assert_eq!(read("2025-01"), None);
    }

    #[test]
    fn a_day_goes_through_text_sql_and_json_unchanged() {
        let day = Day(ymd(2026, 12, 1));
        assert_eq!(day.to_string(), "2026-12-01");
        for (y, m, d) in [(2025, 3, 9), (1999, 12, 31), (2, 1, 1), (9999, 10, 20)] {
            let date = ymd(y, m, d);
            assert_eq!(iso(date), date.format("%Y-%m-%d").to_string());
        }
        let conn = rusqlite::Connection::open_in_memory().expect("conn");
        let (back, text): (Day, String) =
            conn.query_row("SELECT ?1, ?1", [day], |r| Ok((r.get(0)?, r.get(1)?))).expect("row");
        assert_eq!((back, text.as_str()), (day, "2026-12-01"));
        let bad: rusqlite::Result<Day> = conn.query_row("SELECT 'soon'", [], |r| r.get(0));
        assert!(bad.is_err());
        let json = serde_json::to_string(&day).expect("json");
        assert_eq!(json, "\"2026-12-01\"");
        assert_eq!(serde_json::from_str::<Day>(&json).expect("back"), day);
        assert!(serde_json::from_str::<Day>("\"1800-01-01\"").is_err());
    }
}
