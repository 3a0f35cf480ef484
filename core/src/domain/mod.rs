//! The words of the domain as types and rules: money, months, health, stage,
//! accounts, contracts, churn chains. No I/O lives here: no SQL, no terminal,
//! no files. Everything is plain data that the store hands out and the
//! metrics and panes consume.

pub mod account;
pub mod appearance;
pub mod arr_grid;
pub mod calendar_rows;
pub mod churn;
pub mod config;
pub mod contact;
pub mod contract;
pub mod count;
pub mod day;
pub mod day_text;
pub mod health;
pub mod moment;
pub mod money;
pub mod month;
pub mod note;
pub mod opportunity;
pub mod playbook;
pub mod product_line;
pub mod scorecard_config;
pub mod signals;
pub mod stage;
pub mod subscription;
pub mod success_plan;
pub mod task;
pub mod tier;
pub mod trial;

pub use account::{Account, AccountId, Flags};
pub use config::Config;
pub use contract::{Billing, Contract};
pub use day::Day;
pub use health::Health;
pub use money::Money;
pub use month::Month;
pub use note::{Note, NoteKind};
pub use stage::Stage;

/// A value that was not one of the words a column accepts, e.g. a health of `purple`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not one of {expected}")]
pub struct UnknownWord {
    pub value: String,
    pub expected: &'static str,
}
