//! cockpit-core: everything the cockpit knows without a terminal.
//!
//! The flow runs one way: CSV files → `import` → `store` (SQLite) → `domain`
//! and `metrics` → read models → the command line and the terminal app.
//! Only `store` knows SQL; `domain` and `metrics` know neither SQL nor a
//! screen. This crate cannot depend on ratatui, crossterm or clap, so the
//! compiler keeps every screen and every flag out of it.

pub mod clock;
pub mod demo;
pub mod domain;
pub mod export;
pub mod generate;
pub mod import;
pub mod metrics;
pub mod paths;
pub mod read;
pub mod settings;
pub mod store;
pub mod team;
pub mod text;
pub mod timing;

#[cfg(any(test, feature = "testkit"))]
#[doc(hidden)]
pub mod testkit;
