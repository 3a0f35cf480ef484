//! One product of one account: its ARR and units at the latest month and,
//! when set, its potential units. A plain row the store reads and
//! `metrics::absorption` measures.

use super::Money;

/// One product of one account at the latest month, with its potential if set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductLine {
    pub product: String,
    pub arr: Money,
    pub units: Option<i64>,
    pub potential_units: Option<i64>,
}
