//! cockpit: a keyboard-driven terminal cockpit for a customer success
//! manager's book of business.
//!
//! The flow runs one way: CSV files → `import` → `store` (SQLite) → `domain`
//! and `metrics` → `tui` state → panes draw; user actions come back as typed
//! writes through the store. Only `tui` knows the terminal; only `store`
//! knows SQL; `domain` and `metrics` know neither.

pub mod cli;
pub mod clock;
pub mod demo;
pub mod domain;
pub mod export;
pub mod generate;
pub mod import;
pub mod metrics;
pub mod paths;
pub mod settings;
pub mod store;
pub mod text;
pub mod tui;
