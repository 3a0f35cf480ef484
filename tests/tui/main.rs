//! The terminal app: driven headless on fixed books with a fixed clock
//! (keys in, the store and the screen checked, snapshots at 80×24 and
//! 160×48 under `snapshots/`), and the real binary in a pseudo-terminal.
//! One test binary so the suite links once; `cargo test --profile ci
//! --test tui calendar::` runs one file's tests.

#[path = "../common/mod.rs"]
mod common;

mod app;
mod board;
mod calendar;
mod churn;
mod cut_lines;
mod display_bugs;
mod e2e;
mod e2e_churn;
mod e2e_people;
mod e2e_read_only;
mod e2e_rollup;
mod e2e_start;
mod e2e_tasks;
mod growth;
mod health;
mod inert;
mod keys;
mod metrics;
mod notes;
mod people;
mod pipeline;
mod rollup;
mod signals;
mod tasks;
mod theme;
mod today;
mod today_bands;
mod trust;
mod width;
