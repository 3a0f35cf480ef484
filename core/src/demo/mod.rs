//! The bundled demo book: a believable 64-account book of business carried
//! inside the binary (`assets/demo/`), with its dates moved so that it always
//! reads as current: the files are written as of [`ANCHOR`], and
//! [`book`] shifts every date, time and month by the whole months between
//! the anchor's month and today's month (days clamped to the month's end,
//! times keep their time of day), so its last snapshot month is always the
//! last whole month before today; what it records as done is never after
//! today.
//!
//! This module only hands out text and plain records. It never writes to a
//! store; loading the book into a fresh database is the caller's job.

pub mod load;
pub mod records;
mod shift;

pub use records::{
    DemoChurnChain, DemoChurnEvent, DemoHealthChange, DemoMoment, DemoOpportunity,
    DemoOpportunityKind, DemoOpportunityStage, DemoStageChange, DemoSuccessPlan, DemoTakeaway,
    DemoTrial,
};
pub use shift::{Column, months_between, shift_cell, shift_csv, shift_date};

use chrono::NaiveDate;
use shift::Column::{Date, Done, Month};

/// The day the demo files were written as of. Their last snapshot month is
/// the month before it; on that day they need no shifting at all.
pub const ANCHOR: &str = "2026-11-15";

/// Who the cockpit opens the demo as, unless `COCKPIT_USER` says otherwise:
/// one of its CSMs, so that Today has her morning to show.
pub const DEMO_CSM: &str = "Maya Okafor";

/// The anchor as a date.
pub fn anchor() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 15).unwrap_or_default()
}

/// A demo file: its name, its text as written on the anchor date, and the
/// columns that move with today.
pub type DemoFile = (&'static str, &'static str, &'static [(&'static str, Column)]);

/// The raw files as written on the anchor date, with the columns that move.
pub const FILES: [DemoFile; 11] = [
    ("accounts.csv", include_str!("../../../assets/demo/accounts.csv"), &[]),
    ("snapshots.csv", include_str!("../../../assets/demo/snapshots.csv"), &[("month", Month)]),
    (
        "contracts.csv",
        include_str!("../../../assets/demo/contracts.csv"),
        &[("start_date", Date), ("end_date", Date), ("terminated_on", Date)],
    ),
    ("notes.csv", include_str!("../../../assets/demo/notes.csv"), &[("at", Done)]),
    (
        "health_history.csv",
        include_str!("../../../assets/demo/health_history.csv"),
        &[("at", Done)],
    ),
    ("stage_history.csv", include_str!("../../../assets/demo/stage_history.csv"), &[("at", Done)]),
    (
        "churn_chains.csv",
        include_str!("../../../assets/demo/churn_chains.csv"),
        &[("event_date", Date)],
    ),
    (
        "opportunities.csv",
        include_str!("../../../assets/demo/opportunities.csv"),
        &[("close_date", Date)],
    ),
    (
        "moments.csv",
        include_str!("../../../assets/demo/moments.csv"),
        &[("due_on", Date), ("done_at", Done)],
    ),
    (
        "success_plans.csv",
        include_str!("../../../assets/demo/success_plans.csv"),
        &[("start_date", Date), ("target_date", Date)],
    ),
    (
        "trials.csv",
        include_str!("../../../assets/demo/trials.csv"),
        &[("start_date", Date), ("end_date", Date)],
    ),
];

/// Why the bundled demo book could not be read. Only a broken build can cause
/// this (the files are compiled in and tested), so the messages name the file.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo {file}: {message}")]
    Csv { file: String, message: String },
    #[error("demo {file}: no column {column}")]
    Column { file: String, column: String },
    #[error("demo {file}:{line}: {value:?} is not valid here")]
    Value { file: String, line: usize, value: String },
}

impl DemoError {
    fn csv(file: &str, error: csv::Error) -> DemoError {
        DemoError::Csv { file: file.to_string(), message: error.to_string() }
    }
}

/// The demo book as of a day: the four import files as CSV text (ready for
/// the importer) and the extra files as typed records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoBook {
    /// `account_id,name,csm,am,segment,industry,region,stage,potential_units,health,flags`
    pub accounts: String,
    /// `account_id,month,product,arr,units`
    pub snapshots: String,
    /// `contract_id,account_id,product,start_date,end_date,arr,units,billing,terminated_on`
    pub contracts: String,
    /// `account_id,at,kind,text`
    pub notes: String,
    pub health_history: Vec<DemoHealthChange>,
    /// Every account's 4A stage changes, the last one being its stage.
    pub stage_history: Vec<DemoStageChange>,
    pub churn_chains: Vec<DemoChurnChain>,
    pub opportunities: Vec<DemoOpportunity>,
    pub moments: Vec<DemoMoment>,
    pub success_plans: Vec<DemoSuccessPlan>,
    pub trials: Vec<DemoTrial>,
}

/// Every demo file's CSV text as of `today`, keyed like [`FILES`].
pub fn shifted_files(today: NaiveDate) -> Result<Vec<(&'static str, String)>, DemoError> {
    let months = months_between(anchor(), today);
    FILES
        .iter()
        .map(|(name, text, columns)| Ok((*name, shift_csv(name, text, columns, months, today)?)))
        .collect()
}

/// The demo book with its dates moved so that the anchor's month is
/// `today`'s month: its snapshots run to the last whole month before today,
/// and renewals, windows, moments and trials stay current.
pub fn book(today: NaiveDate) -> Result<DemoBook, DemoError> {
    let mut files = shifted_files(today)?.into_iter().map(|(_, text)| text);
    let mut next = || files.next().unwrap_or_default();
    let (accounts, snapshots, contracts, notes) = (next(), next(), next(), next());
    Ok(DemoBook {
        accounts,
        snapshots,
        contracts,
        notes,
        health_history: records::health_history(&next())?,
        stage_history: records::stage_history(&next())?,
        churn_chains: records::churn_chains(&next())?,
        opportunities: records::opportunities(&next())?,
        moments: records::moments(&next())?,
        success_plans: records::success_plans(&next())?,
        trials: records::trials(&next())?,
    })
}
