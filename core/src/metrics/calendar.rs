//! Calendar arithmetic for the month grid and the agenda: the Monday-first
//! weeks of a month, the range a grid shows, and the cursor's moves by day,
//! week and month (month moves clamp to the month's last day, so Jan 31 → Feb
//! 29 in a leap year). Pure date math: it must not know events, SQL or the
//! terminal.

use crate::domain::Month;
use crate::domain::month::add_months;
use chrono::{Datelike, Duration, NaiveDate};

/// The Monday on or before `date`.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// The weeks (Monday to Sunday) that a grid of `month` shows: four to six
/// rows, the first holding the 1st, the last holding the last day. Days of
/// the neighbouring months fill the edges.
pub fn month_weeks(month: Month) -> Vec<[NaiveDate; 7]> {
    let (first, last) = grid_range(month);
    let mut weeks = Vec::with_capacity(6);
    let mut monday = first;
    while monday <= last {
        let mut week = [monday; 7];
        for (offset, day) in (0_i64..).zip(week.iter_mut()) {
            *day = monday + Duration::days(offset);
        }
        weeks.push(week);
        monday += Duration::days(7);
    }
    weeks
}

/// The first Monday and the last Sunday of `month`'s grid: the range to load.
pub fn grid_range(month: Month) -> (NaiveDate, NaiveDate) {
    let first = week_start(month.first_day());
    let last = week_start(month.last_day()) + Duration::days(6);
    (first, last)
}

/// A move of the calendar's cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalendarMove {
    PreviousDay,
    NextDay,
    PreviousWeek,
    NextWeek,
    PreviousMonth,
    NextMonth,
    Today,
}

/// Where the cursor lands after `step`. Month moves keep the day of month,
/// clamped to the target month's end.
pub fn move_cursor(cursor: NaiveDate, step: CalendarMove, today: NaiveDate) -> NaiveDate {
    match step {
        CalendarMove::PreviousDay => cursor.pred_opt().unwrap_or(cursor),
        CalendarMove::NextDay => cursor.succ_opt().unwrap_or(cursor),
        CalendarMove::PreviousWeek => cursor - Duration::days(7),
        CalendarMove::NextWeek => cursor + Duration::days(7),
        CalendarMove::PreviousMonth => add_months(cursor, -1),
        CalendarMove::NextMonth => add_months(cursor, 1),
        CalendarMove::Today => today,
    }
}

/// Whether moving the cursor to `date` leaves the loaded grid of `loaded`,
/// i.e. the caller must load the grid of `Month::of(date)`.
pub fn needs_reload(loaded: Month, date: NaiveDate) -> bool {
    Month::of(date) != loaded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn month(y: i32, m: u32) -> Month {
        Month::new(y, m).expect("month")
    }

    #[test]
    fn weeks_start_on_monday_and_cover_the_month() {
        // February 2021 starts on a Monday and has exactly four weeks.
        let weeks = month_weeks(month(2021, 2));
        assert_eq!(weeks.len(), 4);
        assert_eq!(weeks[0][0], d(2021, 2, 1));
        assert_eq!(weeks[3][6], d(2021, 2, 28));
        // March 2025: Saturday the 1st, Monday the 31st: six rows.
        let weeks = month_weeks(month(2025, 3));
        assert_eq!(weeks.len(), 6);
        assert_eq!(weeks[0][0], d(2025, 2, 24));
        assert_eq!(weeks[0][5], d(2025, 3, 1));
        assert_eq!(weeks[5][0], d(2025, 3, 31));
        assert_eq!(weeks[5][6], d(2025, 4, 6));
        // February 2024, leap: Thursday the 1st to Thursday the 29th.
        let weeks = month_weeks(month(2024, 2));
        assert_eq!(weeks.len(), 5);
        assert_eq!(weeks[4][3], d(2024, 2, 29));
        assert_eq!(grid_range(month(2024, 2)), (d(2024, 1, 29), d(2024, 3, 3)));
        for week in month_weeks(month(2024, 12)) {
            assert_eq!(week[0].weekday(), chrono::Weekday::Mon);
            assert_eq!((week[6] - week[0]).num_days(), 6);
        }
    }

    #[test]
    fn moves_are_right_at_month_ends_and_leap_days() {
        let today = d(2025, 6, 15);
        let step = |from, m| move_cursor(from, m, today);
        assert_eq!(step(d(2024, 1, 31), CalendarMove::NextMonth), d(2024, 2, 29));
        assert_eq!(step(d(2025, 1, 31), CalendarMove::NextMonth), d(2025, 2, 28));
        assert_eq!(step(d(2024, 3, 31), CalendarMove::PreviousMonth), d(2024, 2, 29));
        assert_eq!(step(d(2024, 12, 31), CalendarMove::NextDay), d(2025, 1, 1));
        assert_eq!(step(d(2024, 3, 1), CalendarMove::PreviousDay), d(2024, 2, 29));
        assert_eq!(step(d(2024, 2, 26), CalendarMove::NextWeek), d(2024, 3, 4));
        assert_eq!(step(d(2025, 3, 3), CalendarMove::PreviousWeek), d(2025, 2, 24));
        assert_eq!(step(d(2024, 2, 29), CalendarMove::Today), today);
        assert!(needs_reload(month(2024, 2), d(2024, 3, 1)));
        assert!(!needs_reload(month(2024, 2), d(2024, 2, 29)));
    }
}
