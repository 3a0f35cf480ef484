//! The command line as a user runs it: the built `cockpit` binary on
//! temporary books, its tables, JSON, files and messages. One test binary
//! (rather than one per file) so the suite links once for all of them;
//! `cargo test --profile ci --test cli renewals::` runs one file's tests.

#[path = "../common/mod.rs"]
mod common;

mod churn;
mod contacts;
mod conventions;
mod daily_bugs;
mod health;
mod import_export;
mod metrics;
mod open_rules;
mod opportunities;
mod profiles;
mod renewals;
mod robust;
mod subscriptions;
mod targets;
mod tasks;
mod today;
