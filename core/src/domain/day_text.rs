//! Dates as a person types them into a form: `2026-12-11`, `today`,
//! `tomorrow`, `+7d`, `+2w`, `+1m`, `-3d`, `fri` (the next Friday),
//! `next month`, `end of month`. One pure parser, given today's date, used
//! by every date field of the cockpit; and the short echo a field shows
//! beside itself so the user sees the day they mean before saving. No
//! clock is read here: today is passed in.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

/// The largest distance a relative date may reach, in days (100 years).
const MAX_DAYS: u64 = 36_525;

/// Why typed text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DayTextError {
    #[error("no date given: type YYYY-MM-DD, today, +7d, fri or next month")]
    Empty,
    #[error(
        "{0:?} is not a date: type YYYY-MM-DD, today, tomorrow, +7d, +2w, +1m, a weekday (fri) or next month"
    )]
    Unknown(String),
    #[error("{0:?} is too far away: at most 100 years from today")]
    TooFar(String),
}

/// The date `text` means on `today`. Case and extra spaces don't matter;
/// a weekday is the next one after today (`fri` on a Friday is a week on).
pub fn parse(text: &str, today: NaiveDate) -> Result<NaiveDate, DayTextError> {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    let joined = words.join(" ");
    if joined.is_empty() {
        return Err(DayTextError::Empty);
    }
    let unknown = || DayTextError::Unknown(text.trim().to_string());
    let too_far = || DayTextError::TooFar(text.trim().to_string());
    if joined.len() == 10
        && let Some(day) = super::day::Day::from_stored(&joined)
    {
        return Ok(day.date());
    }
    match joined.as_str() {
        "today" | "tod" | "now" => return Ok(today),
        "tomorrow" | "tmr" | "tmrw" => return shift(today, 1, Unit::Day).ok_or_else(too_far),
        "yesterday" => return shift(today, -1, Unit::Day).ok_or_else(too_far),
        "next week" => return shift(today, 1, Unit::Week).ok_or_else(too_far),
        "next month" => return shift(today, 1, Unit::Month).ok_or_else(too_far),
        "next year" => return shift(today, 1, Unit::Year).ok_or_else(too_far),
        "eom" | "end of month" => return end_of_month(today).ok_or_else(too_far),
        _ => {}
    }
    let rest = joined.strip_prefix("next ").unwrap_or(&joined);
    if let Some(weekday) = weekday(rest) {
        let ahead =
            (7 + weekday.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
        let ahead = if ahead == 0 { 7 } else { ahead };
        return today.checked_add_days(Days::new(u64::from(ahead))).ok_or_else(too_far);
    }
    let (count, unit) = offset(&joined).ok_or_else(unknown)?;
    shift(today, count, unit).ok_or_else(too_far)
}

/// What a date field shows beside itself for `text` on `today`: the
/// weekday, the date when the text is not already it, and how far away it
/// is (`→ Fri 2026-12-11 · in 4 days`); `None` while the text is no date.
pub fn echo(text: &str, today: NaiveDate) -> Option<String> {
    let date = parse(text, today).ok()?;
    let weekday = date.format("%a");
    let distance = distance(date, today);
    if text.trim() == date.format("%Y-%m-%d").to_string() {
        Some(format!("{weekday} · {distance}"))
    } else {
        Some(format!("→ {weekday} {} · {distance}", date.format("%Y-%m-%d")))
    }
}

/// `today`, `tomorrow`, `in 12 days`, `3 days ago`.
pub fn distance(date: NaiveDate, today: NaiveDate) -> String {
    match (date - today).num_days() {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        -1 => "yesterday".to_string(),
        days if days > 0 => format!("in {days} days"),
        days => format!("{} days ago", -days),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
}

/// `+7d`, `-2w`, `+1m`, `+1y`, `+7` (days), `7d`, `in 3 weeks`, `+2 months`.
/// A bare number is refused: it says no unit and no direction.
fn offset(text: &str) -> Option<(i64, Unit)> {
    let (text, said_in) = match text.strip_prefix("in ") {
        Some(rest) => (rest.trim_start(), true),
        None => (text, false),
    };
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'+') => (Some(1), &text[1..]),
        Some(b'-') if !said_in => (Some(-1), &text[1..]),
        _ => (None, text),
    };
    let rest = rest.trim_start();
    let digits_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    if digits_end == 0 || digits_end > 6 {
        return None;
    }
    let count: i64 = rest[..digits_end].parse().ok()?;
    let unit = match rest[digits_end..].trim() {
        "" if sign.is_some() => Unit::Day,
        "d" | "day" | "days" => Unit::Day,
        "w" | "wk" | "wks" | "week" | "weeks" => Unit::Week,
        "m" | "mo" | "mon" | "month" | "months" => Unit::Month,
        "y" | "yr" | "yrs" | "year" | "years" => Unit::Year,
        _ => return None,
    };
    Some((sign.unwrap_or(1) * count, unit))
}

fn shift(today: NaiveDate, count: i64, unit: Unit) -> Option<NaiveDate> {
    let magnitude = count.unsigned_abs();
    let (days, months) = match unit {
        Unit::Day => (magnitude, 0),
        Unit::Week => (magnitude.checked_mul(7)?, 0),
        Unit::Month => (0, magnitude),
        Unit::Year => (0, magnitude.checked_mul(12)?),
    };
    if days > MAX_DAYS || months > 1_200 {
        return None;
    }
    let months = Months::new(u32::try_from(months).ok()?);
    if count >= 0 {
        today.checked_add_days(Days::new(days))?.checked_add_months(months)
    } else {
        today.checked_sub_days(Days::new(days))?.checked_sub_months(months)
    }
}

fn end_of_month(today: NaiveDate) -> Option<NaiveDate> {
    today.with_day(1)?.checked_add_months(Months::new(1))?.pred_opt()
}

/// A weekday by at least the first three letters of its English name
/// (`fri`, `thurs`, `friday`).
fn weekday(text: &str) -> Option<Weekday> {
    const NAMES: [(&str, Weekday); 7] = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    if text.len() < 3 {
        return None;
    }
    NAMES.iter().find(|(name, _)| name.starts_with(text)).map(|(_, day)| *day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Monday.
    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).expect("date")
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    fn means(text: &str) -> NaiveDate {
        parse(text, today()).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    #[test]
    fn iso_dates_and_words() {
        assert_eq!(means("2027-02-28"), day("2027-02-28"));
        assert_eq!(means("  2027-02-28 "), day("2027-02-28"));
        assert_eq!(means("today"), today());
        assert_eq!(means("Today"), today());
        assert_eq!(means("tomorrow"), day("2026-12-08"));
        assert_eq!(means("yesterday"), day("2026-12-06"));
        assert_eq!(means("end of month"), day("2026-12-31"));
        assert_eq!(means("eom"), day("2026-12-31"));
    }

    #[test]
    fn offsets_in_days_weeks_months_and_years() {
        assert_eq!(means("+7d"), day("2026-12-14"));
        assert_eq!(means("+7"), day("2026-12-14"));
        assert_eq!(means("7d"), day("2026-12-14"));
        assert_eq!(means("+2w"), day("2026-12-21"));
        assert_eq!(means("+1m"), day("2027-01-07"));
        assert_eq!(means("+1y"), day("2027-12-07"));
        assert_eq!(means("-3d"), day("2026-12-04"));
        assert_eq!(means("in 3 weeks"), day("2026-12-28"));
        assert_eq!(means("+2 months"), day("2027-02-07"));
        assert_eq!(means("+0d"), today());
    }

    #[test]
    fn a_month_on_lands_on_the_last_day_of_a_shorter_month() {
        let january_31 = day("2027-01-31");
        assert_eq!(parse("+1m", january_31), Ok(day("2027-02-28")));
        assert_eq!(parse("next month", january_31), Ok(day("2027-02-28")));
        assert_eq!(parse("+1y", day("2028-02-29")), Ok(day("2029-02-28")));
    }

    #[test]
    fn weekdays_are_the_next_one_after_today() {
        // Today is a Monday.
        assert_eq!(means("fri"), day("2026-12-11"));
        assert_eq!(means("Friday"), day("2026-12-11"));
        assert_eq!(means("next fri"), day("2026-12-11"));
        assert_eq!(means("tue"), day("2026-12-08"));
        assert_eq!(means("sun"), day("2026-12-13"));
        // The same weekday is a week on, never today.
        assert_eq!(means("mon"), day("2026-12-14"));
        assert_eq!(means("thurs"), day("2026-12-10"));
    }

    #[test]
    fn next_week_month_and_year() {
        assert_eq!(means("next week"), day("2026-12-14"));
        assert_eq!(means("next  month"), day("2027-01-07"));
        assert_eq!(means("next year"), day("2027-12-07"));
    }

    #[test]
    fn what_is_not_a_date_says_what_is() {
        for text in ["fr", "7", "2026-02-30", "2026-1-5x", "+7x", "next", "soon", "+", "+d"] {
            let error = parse(text, today()).expect_err(text);
            assert!(matches!(error, DayTextError::Unknown(_)), "{text}: {error:?}");
            assert!(error.to_string().contains("YYYY-MM-DD"), "{error}");
        }
        assert_eq!(parse("  ", today()), Err(DayTextError::Empty));
        assert!(matches!(parse("+9999999d", today()), Err(DayTextError::Unknown(_))));
        assert!(matches!(parse("+99999d", today()), Err(DayTextError::TooFar(_))));
        assert!(matches!(parse("+2000m", today()), Err(DayTextError::TooFar(_))));
        assert!(matches!(parse("+100000w", today()), Err(DayTextError::TooFar(_))));
    }

    #[test]
    fn the_echo_names_the_day_and_how_far_it_is() {
        assert_eq!(echo("fri", today()).as_deref(), Some("→ Fri 2026-12-11 · in 4 days"));
        assert_eq!(echo("2026-12-11", today()).as_deref(), Some("Fri · in 4 days"));
        assert_eq!(echo("today", today()).as_deref(), Some("→ Mon 2026-12-07 · today"));
        assert_eq!(echo("+1d", today()).as_deref(), Some("→ Tue 2026-12-08 · tomorrow"));
        assert_eq!(echo("-2d", today()).as_deref(), Some("→ Sat 2026-12-05 · 2 days ago"));
        assert_eq!(echo("fr", today()), None);
    }
}
