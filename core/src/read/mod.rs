//! Where rows meet metrics: what the command line and the panes show,
//! computed once.
//!
//! Each read model asks the store for plain rows and hands them to `domain`
//! and `metrics`; the store never computes, and the two faces (the command
//! line and the terminal app) call a read model rather than compose rows
//! with metrics themselves, so `cockpit today --json` and the Today pane are
//! one computation. Nothing here writes SQL or draws.

pub mod board;
pub mod book;
pub mod cross_sell;
pub mod forecast;
pub mod health;
pub mod iru;
pub mod metrics;
pub mod pipeline;
pub mod positions;
pub mod renewals;
pub mod rollup;
pub mod tasks;
pub mod today;
