//! The measured signals a health scorecard reads: product usage (any measure,
//! per month, values kept exactly in thousandths), support tickets with a
//! severity, and survey answers (NPS 0–10, CSAT 1–5). Plain data and the
//! words and numbers they are written with; no I/O.

use super::UnknownWord;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A usage value held exactly, in thousandths (`12.5` is 12,500).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UsageValue(pub i64);

/// The largest usage value a cell may hold (a trillion, in thousandths well within i64).
pub const MAX_USAGE: i64 = 1_000_000_000_000_000;

impl UsageValue {
    /// Parses a non-negative whole or decimal number with at most three
    /// decimals (`42`, `0.5`, `1234.125`), exactly.
    pub fn parse(text: &str) -> Result<UsageValue, String> {
        let trimmed = text.trim();
        let (whole, fraction) = trimmed.split_once('.').unwrap_or((trimmed, ""));
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if trimmed.starts_with('-') {
            return Err(format!("{trimmed:?} is negative; usage is counted from 0"));
        }
        if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) {
            return Err(format!("{trimmed:?} is not a number (e.g. 42 or 12.5)"));
        }
        if fraction.len() > 3 {
            return Err(format!("{trimmed:?} has more than 3 decimals"));
        }
        let too_large = || format!("{trimmed:?} is too large (at most 1000000000000)");
        let whole: i64 =
            if whole.is_empty() { 0 } else { whole.parse().map_err(|_| too_large())? };
        let mut thousandths: i64 = 0;
        for (at, byte) in fraction.bytes().chain(std::iter::repeat(b'0')).take(3).enumerate() {
            let _ = at;
            thousandths = thousandths * 10 + i64::from(byte - b'0');
        }
        let value = whole.checked_mul(1000).and_then(|w| w.checked_add(thousandths));
        match value {
            Some(value) if value <= MAX_USAGE => Ok(UsageValue(value)),
            _ => Err(too_large()),
        }
    }

    pub fn thousandths(self) -> i64 {
        self.0
    }
}

impl fmt::Display for UsageValue {
    /// The shortest exact decimal: `12.5`, `42`, `0.125`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, fraction) = (self.0 / 1000, self.0 % 1000);
        if fraction == 0 {
            return write!(f, "{whole}");
        }
        let text = format!("{fraction:03}");
        write!(f, "{whole}.{}", text.trim_end_matches('0'))
    }
}

/// One usage figure: an account's measure for one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRecord {
    pub account_id: String,
    pub measure: String,
    pub month: super::Month,
    pub value: UsageValue,
}

/// How bad a support ticket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Normal,
    High,
    Urgent,
}

impl Severity {
    pub const ALL: [Severity; 4] =
        [Severity::Low, Severity::Normal, Severity::High, Severity::Urgent];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Normal => "normal",
            Severity::High => "high",
            Severity::Urgent => "urgent",
        }
    }

    pub fn parse(text: &str) -> Result<Severity, UnknownWord> {
        let word = text.trim().to_ascii_lowercase();
        Severity::ALL.into_iter().find(|s| s.as_str() == word).ok_or(UnknownWord {
            value: text.trim().to_string(),
            expected: "low, normal, high, urgent",
        })
    }

    /// High and urgent tickets are the ones a scorecard counts.
    pub fn is_high(self) -> bool {
        matches!(self, Severity::High | Severity::Urgent)
    }
}

/// A support ticket as the helpdesk exported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: String,
    pub account_id: String,
    pub opened_at: DateTime<Utc>,
    pub severity: Severity,
    pub closed_at: Option<DateTime<Utc>>,
    pub subject: String,
}

impl Ticket {
    /// Open at the end of `day`: opened on or before it, not closed by then.
    pub fn open_on(&self, day: NaiveDate) -> bool {
        self.opened_at.date_naive() <= day && self.closed_at.is_none_or(|c| c.date_naive() > day)
    }
}

/// Which survey an answer belongs to, and so its score range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyKind {
    /// Net promoter: 0–10, 9–10 promoters, 0–6 detractors.
    Nps,
    /// Customer satisfaction: 1–5.
    Csat,
}

impl SurveyKind {
    pub const ALL: [SurveyKind; 2] = [SurveyKind::Nps, SurveyKind::Csat];

    pub fn as_str(self) -> &'static str {
        match self {
            SurveyKind::Nps => "nps",
            SurveyKind::Csat => "csat",
        }
    }

    pub fn parse(text: &str) -> Result<SurveyKind, UnknownWord> {
        let word = text.trim().to_ascii_lowercase();
        SurveyKind::ALL
            .into_iter()
            .find(|k| k.as_str() == word)
            .ok_or(UnknownWord { value: text.trim().to_string(), expected: "nps, csat" })
    }

    /// The scores an answer of this kind may give.
    pub fn range(self) -> std::ops::RangeInclusive<i64> {
        match self {
            SurveyKind::Nps => 0..=10,
            SurveyKind::Csat => 1..=5,
        }
    }
}

/// One survey answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyAnswer {
    pub account_id: String,
    pub answered_at: DateTime<Utc>,
    pub kind: SurveyKind,
    pub score: i64,
    pub comment: String,
}

/// What one account's scores are computed from, each list in time order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountSignals {
    /// Total ARR and units (all products) per month with snapshots.
    pub months: Vec<(super::Month, super::Money, Option<i64>)>,
    /// The key usage measure per month, in thousandths.
    pub usage: Vec<(super::Month, i64)>,
    /// Days of touches (calls, emails, meetings, QBRs).
    pub touches: Vec<NaiveDate>,
    /// High and urgent tickets: opened, closed.
    pub high_tickets: Vec<(NaiveDate, Option<NaiveDate>)>,
    /// NPS answers: day, score 0–10.
    pub nps: Vec<(NaiveDate, i64)>,
    /// Success plans today: (on track or achieved, behind) counts.
    pub plans: Option<(u32, u32)>,
}

impl AccountSignals {
    /// The signals borrowed, as the scorecard reads them.
    pub fn view(&self) -> SignalsView<'_> {
        SignalsView {
            months: &self.months,
            usage: &self.usage,
            touches: &self.touches,
            high_tickets: &self.high_tickets,
            nps: &self.nps,
            plans: self.plans,
        }
    }
}

/// One account's signals borrowed ([`AccountSignals`]' lists as slices):
/// what the scorecard reads, whether the lists are an account's own or
/// ranges of a whole book's flat columns (`store::signals::SignalBook`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignalsView<'a> {
    pub months: &'a [(super::Month, super::Money, Option<i64>)],
    pub usage: &'a [(super::Month, i64)],
    pub touches: &'a [NaiveDate],
    pub high_tickets: &'a [(NaiveDate, Option<NaiveDate>)],
    pub nps: &'a [(NaiveDate, i64)],
    pub plans: Option<(u32, u32)>,
}

impl<'a> From<&'a AccountSignals> for SignalsView<'a> {
    fn from(signals: &'a AccountSignals) -> SignalsView<'a> {
        signals.view()
    }
}

impl<'a> From<&SignalsView<'a>> for SignalsView<'a> {
    fn from(view: &SignalsView<'a>) -> SignalsView<'a> {
        *view
    }
}

/// What the whole book knows, for measures that need it: the months that
/// have snapshots and usage (so an account without a row that month counts
/// 0 rather than missing), and whether tickets were ever imported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookSignals {
    pub snapshot_months: Vec<super::Month>,
    pub usage_months: Vec<super::Month>,
    pub has_tickets: bool,
}

impl BookSignals {
    /// The newest month of `months` that had ended by `at`.
    pub fn known_month(months: &[super::Month], at: NaiveDate) -> Option<super::Month> {
        let last_ended = if at == super::Month::of(at).last_day() {
            super::Month::of(at)
        } else {
            super::Month::of(at).minus(1)
        };
        let after = months.partition_point(|m| *m <= last_ended);
        after.checked_sub(1).and_then(|i| months.get(i)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_values_are_exact_thousandths() {
        assert_eq!(UsageValue::parse("42"), Ok(UsageValue(42_000)));
        assert_eq!(UsageValue::parse(" 12.5 "), Ok(UsageValue(12_500)));
        assert_eq!(UsageValue::parse("0.125"), Ok(UsageValue(125)));
        assert_eq!(UsageValue::parse(".5"), Ok(UsageValue(500)));
        assert!(UsageValue::parse("1.2345").is_err_and(|e| e.contains("3 decimals")));
        assert!(UsageValue::parse("-1").is_err_and(|e| e.contains("negative")));
        assert!(UsageValue::parse("1e3").is_err());
        assert!(UsageValue::parse(".").is_err());
        assert!(UsageValue::parse("99999999999999999999").is_err_and(|e| e.contains("too large")));
        assert_eq!(UsageValue(12_500).to_string(), "12.5");
        assert_eq!(UsageValue(42_000).to_string(), "42");
        assert_eq!(UsageValue(125).to_string(), "0.125");
    }

    #[test]
    fn words_and_ranges() {
        assert_eq!(Severity::parse("URGENT"), Ok(Severity::Urgent));
        assert!(Severity::parse("critical").is_err());
        assert!(Severity::High.is_high() && !Severity::Normal.is_high());
        assert_eq!(SurveyKind::parse("Nps"), Ok(SurveyKind::Nps));
        assert!(SurveyKind::Csat.range().contains(&5) && !SurveyKind::Csat.range().contains(&0));
    }
}
