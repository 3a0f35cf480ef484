//! Pure functions from plain data to numbers: retention, the ARR bridge,
//! renewal rates, Pareto tiers, forecasts. They know neither SQL nor the
//! terminal, so every formula is unit-tested on a hand-built book.

pub mod absorption;
pub mod backtest;
pub use crate::domain::arr_grid;
pub mod board;
pub mod bridge;
pub mod calendar;
pub mod calibration;
pub mod churn_report;
pub mod cohorts;
pub mod forecast;
pub mod health_signals;
pub mod iru;
pub mod pareto;
pub mod rate;
pub mod renewal_book;
pub mod renewal_rates;
pub mod retention;
pub mod scorecard;
pub mod stage_suggestions;
pub mod targets;
pub mod triage;
pub mod windows;

pub use rate::Rate;

use crate::domain::Money;
use crate::domain::money::SumOverflow;

/// `Ok` when every amount of a report added up exactly; a report checks this
/// before showing any of them, so that it is shown whole or refused.
pub fn all_exact(amounts: impl IntoIterator<Item = Money>) -> Result<(), SumOverflow> {
    amounts.into_iter().try_for_each(|amount| amount.exact().map(drop))
}
