//! The stored text forms of dates and times, written by hand for the
//! common case: chrono's general formatter costs more than a row's insert
//! when a file has hundreds of thousands of them. No SQL here.

use chrono::{DateTime, NaiveDate, Utc};

/// The canonical stored form of a time: RFC 3339 UTC, `Z`, fractions only when present.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    use chrono::Timelike;
    if at.nanosecond() != 0 {
        return at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    }
    // Whole seconds, the usual case: written by hand, as chrono's general
    // formatter costs more than the row's insert.
    let mut text = iso_date(at.date_naive());
    if text.len() != 10 {
        return at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    }
    for (separator, value) in [('T', at.hour()), (':', at.minute()), (':', at.second())] {
        text.push(separator);
        text.push(char::from(b'0' + (value / 10) as u8));
        text.push(char::from(b'0' + (value % 10) as u8));
    }
    text.push('Z');
    text
}

/// `YYYY-MM-DD`, written by hand (see [`crate::domain::day::iso`]).
pub(crate) fn iso_date(date: NaiveDate) -> String {
    crate::domain::day::iso(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_written_dates_and_times_match_chrono() {
        for (y, m, d) in [(2025, 3, 9), (1999, 12, 31), (2, 1, 1), (9999, 10, 20)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).expect("date");
            assert_eq!(iso_date(date), date.format("%Y-%m-%d").to_string());
            for (h, mi, s, nano) in [(0, 0, 0, 0), (9, 5, 7, 0), (23, 59, 59, 0), (1, 2, 3, 5_000)]
            {
                let at = date.and_hms_nano_opt(h, mi, s, nano).expect("time").and_utc();
                assert_eq!(rfc3339(at), at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
            }
        }
        assert_eq!(
            rfc3339(
                NaiveDate::from_ymd_opt(2025, 3, 9)
                    .expect("d")
                    .and_hms_opt(9, 30, 0)
                    .expect("t")
                    .and_utc()
            ),
            "2025-03-09T09:30:00Z"
        );
    }
}
