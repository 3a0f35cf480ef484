//! cockpit: a keyboard-driven terminal cockpit for a customer success
//! manager's book of business.
//!
//! This crate holds the two faces: the command line (`cli`) and the terminal
//! app (`tui`). Everything they show comes from `cockpit-core` (the domain,
//! the metrics, the store, imports and exports), re-exported here under the
//! same names so `crate::store` reads the same on both sides.

pub use cockpit_core::{
    clock, demo, domain, export, generate, import, metrics, paths, read, settings, store, team,
    text, timing,
};

#[cfg(test)]
use cockpit_core::testkit;

pub mod cli;
pub mod tui;
