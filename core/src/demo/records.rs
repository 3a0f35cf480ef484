//! Typed records for the demo book's extra files (health history, churn
//! chains, opportunities, moments, success plans, trials): plain structs the
//! lead's loader hands to the stores. Parsing only; no I/O, no store.

use super::DemoError;
use crate::domain::{Health, Money, Stage};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoHealthChange {
    pub account_id: String,
    pub at: DateTime<Utc>,
    pub who: String,
    pub health: Health,
    pub reason: String,
}

/// One line of `stage_history.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoStageChange {
    pub account_id: String,
    pub at: DateTime<Utc>,
    pub who: String,
    pub stage: Stage,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DemoChurnEvent {
    Churned,
    Contracted,
}

impl DemoChurnEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            DemoChurnEvent::Churned => "churned",
            DemoChurnEvent::Contracted => "contracted",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoChurnChain {
    pub account_id: String,
    pub event: DemoChurnEvent,
    pub event_date: NaiveDate,
    pub arr_lost: Money,
    /// Nearest cause first, root cause last; labels of the default taxonomy.
    pub causes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DemoOpportunityKind {
    Upsell,
    CrossSell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DemoOpportunityStage {
    Idea,
    Qualified,
    Proposed,
    Won,
    Lost,
}

impl DemoOpportunityStage {
    pub fn as_str(self) -> &'static str {
        match self {
            DemoOpportunityStage::Idea => "idea",
            DemoOpportunityStage::Qualified => "qualified",
            DemoOpportunityStage::Proposed => "proposed",
            DemoOpportunityStage::Won => "won",
            DemoOpportunityStage::Lost => "lost",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOpportunity {
    pub account_id: String,
    pub product: String,
    pub kind: DemoOpportunityKind,
    pub arr: Money,
    pub stage: DemoOpportunityStage,
    pub owner: String,
    pub close_date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoMoment {
    pub account_id: String,
    /// kickoff, onboarding_checkpoint, monthly_review, qbr, annual_review,
    /// executive_review.
    pub kind: String,
    pub title: String,
    pub due_on: NaiveDate,
    pub done_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSuccessPlan {
    pub account_id: String,
    pub measure: String,
    pub unit: String,
    /// Values in hundredths, exact (as the schema keeps them).
    pub baseline_hundredths: i64,
    pub target_hundredths: i64,
    pub current_hundredths: i64,
    pub start_date: NaiveDate,
    pub target_date: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DemoTakeaway {
    Passed,
    Failed,
    NotYet,
}

impl DemoTakeaway {
    pub fn as_str(self) -> &'static str {
        match self {
            DemoTakeaway::Passed => "passed",
            DemoTakeaway::Failed => "failed",
            DemoTakeaway::NotYet => "not_yet",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoTrial {
    pub account_id: String,
    pub product: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub success_criteria: String,
    pub takeaway: DemoTakeaway,
    pub note: String,
}

/// One CSV row by column name, with the file and line for messages.
pub(super) struct Row<'a> {
    file: &'a str,
    line: usize,
    cells: HashMap<String, String>,
}

impl Row<'_> {
    fn bad(&self, value: &str) -> DemoError {
        DemoError::Value { file: self.file.to_string(), line: self.line, value: value.to_string() }
    }

    pub(super) fn text(&self, column: &str) -> Result<String, DemoError> {
        self.cells.get(column).cloned().ok_or_else(|| DemoError::Column {
            file: self.file.to_string(),
            column: column.to_string(),
        })
    }

    fn date(&self, column: &str) -> Result<NaiveDate, DemoError> {
        let text = self.text(column)?;
        crate::domain::Day::from_stored(&text)
            .filter(|_| text.len() == 10)
            .map(crate::domain::Day::date)
            .ok_or_else(|| self.bad(&text))
    }

    fn time(&self, column: &str) -> Result<DateTime<Utc>, DemoError> {
        let text = self.text(column)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| self.bad(&text))
    }

    fn money(&self, column: &str) -> Result<Money, DemoError> {
        let text = self.text(column)?;
        Money::parse_non_negative(&text).map_err(|_| self.bad(&text))
    }

    fn hundredths(&self, column: &str) -> Result<i64, DemoError> {
        let text = self.text(column)?;
        Money::parse(&text).map(Money::cents).map_err(|_| self.bad(&text))
    }

    fn word<T>(&self, column: &str, words: &[(&str, T)]) -> Result<T, DemoError>
    where
        T: Copy,
    {
        let text = self.text(column)?;
        words.iter().find(|(w, _)| *w == text).map(|(_, v)| *v).ok_or_else(|| self.bad(&text))
    }
}

/// Every row of a CSV text.
pub(super) fn rows<'a>(file: &'a str, text: &str) -> Result<Vec<Row<'a>>, DemoError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| DemoError::csv(file, e))?.clone();
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| DemoError::csv(file, e))?;
        let cells = headers.iter().map(String::from).zip(record.iter().map(String::from)).collect();
        rows.push(Row { file, line: index + 2, cells });
    }
    Ok(rows)
}

pub(super) fn health_history(text: &str) -> Result<Vec<DemoHealthChange>, DemoError> {
    rows("health_history.csv", text)?
        .iter()
        .map(|row| {
            let health_text = row.text("health")?;
            Ok(DemoHealthChange {
                account_id: row.text("account_id")?,
                at: row.time("at")?,
                who: row.text("who")?,
                health: Health::parse(&health_text).map_err(|_| row.bad(&health_text))?,
                reason: row.text("reason")?,
            })
        })
        .collect()
}

pub(super) fn stage_history(text: &str) -> Result<Vec<DemoStageChange>, DemoError> {
    rows("stage_history.csv", text)?
        .iter()
        .map(|row| {
            let stage_text = row.text("stage")?;
            Ok(DemoStageChange {
                account_id: row.text("account_id")?,
                at: row.time("at")?,
                who: row.text("who")?,
                stage: Stage::parse(&stage_text).map_err(|_| row.bad(&stage_text))?,
                reason: row.text("reason")?,
            })
        })
        .collect()
}

pub(super) fn churn_chains(text: &str) -> Result<Vec<DemoChurnChain>, DemoError> {
    rows("churn_chains.csv", text)?
        .iter()
        .map(|row| {
            let causes: Vec<String> = row
                .text("causes")?
                .split(" | ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(String::from)
                .collect();
            if causes.is_empty() {
                return Err(row.bad("(no cause beyond the event)"));
            }
            Ok(DemoChurnChain {
                account_id: row.text("account_id")?,
                event: row.word(
                    "event",
                    &[
                        ("churned", DemoChurnEvent::Churned),
                        ("contracted", DemoChurnEvent::Contracted),
                    ],
                )?,
                event_date: row.date("event_date")?,
                arr_lost: row.money("arr_lost")?,
                causes,
            })
        })
        .collect()
}

pub(super) fn opportunities(text: &str) -> Result<Vec<DemoOpportunity>, DemoError> {
    use DemoOpportunityStage as S;
    rows("opportunities.csv", text)?
        .iter()
        .map(|row| {
            Ok(DemoOpportunity {
                account_id: row.text("account_id")?,
                product: row.text("product")?,
                kind: row.word(
                    "kind",
                    &[
                        ("upsell", DemoOpportunityKind::Upsell),
                        ("cross_sell", DemoOpportunityKind::CrossSell),
                    ],
                )?,
                arr: row.money("arr")?,
                stage: row.word(
                    "stage",
                    &[
                        ("idea", S::Idea),
                        ("qualified", S::Qualified),
                        ("proposed", S::Proposed),
                        ("won", S::Won),
                        ("lost", S::Lost),
                    ],
                )?,
                owner: row.text("owner")?,
                close_date: row.date("close_date")?,
            })
        })
        .collect()
}

pub(super) fn moments(text: &str) -> Result<Vec<DemoMoment>, DemoError> {
    rows("moments.csv", text)?
        .iter()
        .map(|row| {
            let done = row.text("done_at")?;
            Ok(DemoMoment {
                account_id: row.text("account_id")?,
                kind: row.text("kind")?,
                title: row.text("title")?,
                due_on: row.date("due_on")?,
                done_at: if done.is_empty() { None } else { Some(row.time("done_at")?) },
            })
        })
        .collect()
}

pub(super) fn success_plans(text: &str) -> Result<Vec<DemoSuccessPlan>, DemoError> {
    rows("success_plans.csv", text)?
        .iter()
        .map(|row| {
            Ok(DemoSuccessPlan {
                account_id: row.text("account_id")?,
                measure: row.text("measure")?,
                unit: row.text("unit")?,
                baseline_hundredths: row.hundredths("baseline")?,
                target_hundredths: row.hundredths("target")?,
                current_hundredths: row.hundredths("current")?,
                start_date: row.date("start_date")?,
                target_date: row.date("target_date")?,
            })
        })
        .collect()
}

pub(super) fn trials(text: &str) -> Result<Vec<DemoTrial>, DemoError> {
    rows("trials.csv", text)?
        .iter()
        .map(|row| {
            Ok(DemoTrial {
                account_id: row.text("account_id")?,
                product: row.text("product")?,
                start_date: row.date("start_date")?,
                end_date: row.date("end_date")?,
                success_criteria: row.text("success_criteria")?,
                takeaway: row.word(
                    "takeaway",
                    &[
                        ("passed", DemoTakeaway::Passed),
                        ("failed", DemoTakeaway::Failed),
                        ("not_yet", DemoTakeaway::NotYet),
                    ],
                )?,
                note: row.text("note")?,
            })
        })
        .collect()
}
