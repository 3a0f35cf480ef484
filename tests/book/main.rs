//! The book's data end to end: import (the fixtures under `tests/data/`),
//! export, the generator and the demo, money at its bounds, fuzzing, and
//! nothing lost when real processes are killed. One test binary so the
//! suite links once; `cargo test --profile ci --test book fuzz::` runs one
//! file's tests.

#[path = "../common/mod.rs"]
mod common;

mod export;
mod export_all;
mod fuzz;
mod generate;
mod import;
mod import_fresh;
mod money_sums;
mod resilience;
mod setup;
