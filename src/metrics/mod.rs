//! Pure functions from plain data to numbers: retention, the ARR bridge,
//! renewal rates, Pareto tiers, forecasts. They know neither SQL nor the
//! terminal, so every formula is unit-tested on a hand-built book.

pub mod rate;

pub use rate::Rate;
