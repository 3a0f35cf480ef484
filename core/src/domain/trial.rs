//! Trials and proofs of value: how an account in Addiction earns its first
//! real deal. A trial is time-bounded, has success criteria agreed up front,
//! and ends with the takeaway test — would they care if it were switched off?
//! Plain data and rules only; the store keeps them.

use super::UnknownWord;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The result of the takeaway test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Takeaway {
    /// They would care: addiction is there.
    Passed,
    /// They could live without it: find out why before selling on.
    Failed,
    /// Not asked yet.
    NotYet,
}

impl Takeaway {
    pub const ALL: [Takeaway; 3] = [Takeaway::Passed, Takeaway::Failed, Takeaway::NotYet];

    pub fn as_str(self) -> &'static str {
        match self {
            Takeaway::Passed => "passed",
            Takeaway::Failed => "failed",
            Takeaway::NotYet => "not_yet",
        }
    }

    pub fn parse(text: &str) -> Result<Takeaway, UnknownWord> {
        match text.trim().to_ascii_lowercase().replace([' ', '-'], "_").as_str() {
            "passed" | "pass" => Ok(Takeaway::Passed),
            "failed" | "fail" => Ok(Takeaway::Failed),
            "not_yet" | "notyet" => Ok(Takeaway::NotYet),
            _ => Err(UnknownWord {
                value: text.trim().to_string(),
                expected: "passed, failed, not_yet",
            }),
        }
    }
}

/// A trial or proof of value as kept in the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trial {
    pub id: i64,
    pub account_id: String,
    /// The product on trial (may be empty for a trial of the whole platform).
    pub product: String,
    pub start_date: NaiveDate,
    /// The agreed last day: a trial that is not switched off is just free use.
    pub end_date: NaiveDate,
    pub success_criteria: String,
    pub takeaway: Takeaway,
    pub note: String,
}

/// The fields a CSM enters to record a trial, or to update one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrialFields {
    pub product: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub success_criteria: String,
    pub takeaway: Takeaway,
    pub note: String,
}

impl TrialFields {
    /// A trial must end on or after its start.
    pub fn validate(&self) -> Result<(), String> {
        if self.end_date < self.start_date {
            return Err(format!(
                "the trial ends ({}) before it starts ({})",
                self.end_date, self.start_date
            ));
        }
        Ok(())
    }
}

impl Trial {
    /// Still running or awaiting its result: the takeaway test is not done.
    pub fn is_open(&self) -> bool {
        self.takeaway == Takeaway::NotYet
    }

    /// Past its end date with no result: it belongs in Today.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && self.end_date < today
    }

    /// Days since the end date (positive once overdue).
    pub fn days_past_end(&self, today: NaiveDate) -> i64 {
        (today - self.end_date).num_days()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn trial(end: NaiveDate, takeaway: Takeaway) -> Trial {
        Trial {
            id: 1,
            account_id: "A1".into(),
            product: "Core".into(),
            start_date: date(2025, 1, 1),
            end_date: end,
            success_criteria: "10 sites live".into(),
            takeaway,
            note: String::new(),
        }
    }

    #[test]
    fn a_trial_is_overdue_only_after_its_end_with_no_result() {
        let today = date(2025, 3, 1);
        assert!(!trial(date(2025, 3, 1), Takeaway::NotYet).is_overdue(today));
        assert!(trial(date(2025, 2, 28), Takeaway::NotYet).is_overdue(today));
        assert!(!trial(date(2025, 2, 28), Takeaway::Passed).is_overdue(today));
        assert!(!trial(date(2025, 2, 28), Takeaway::Failed).is_overdue(today));
        assert_eq!(trial(date(2025, 2, 20), Takeaway::NotYet).days_past_end(today), 9);
    }

    #[test]
    fn words_round_trip_and_dates_are_checked() {
        for takeaway in Takeaway::ALL {
            assert_eq!(Takeaway::parse(takeaway.as_str()), Ok(takeaway));
        }
        assert_eq!(Takeaway::parse("not yet"), Ok(Takeaway::NotYet));
        assert!(Takeaway::parse("maybe").is_err());
        let fields = TrialFields {
            product: String::new(),
            start_date: date(2025, 2, 1),
            end_date: date(2025, 1, 1),
            success_criteria: String::new(),
            takeaway: Takeaway::NotYet,
            note: String::new(),
        };
        assert!(fields.validate().is_err());
    }
}
