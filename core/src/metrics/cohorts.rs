//! The cohort layer cake: the book's ARR month by month, stacked by the year
//! each account started (its first month with ARR in the snapshots). Old
//! cohorts shrinking under new ones cannot be hidden here, which is why the
//! chart is trusted. Pure: the grid comes from the caller.

use super::retention::ArrGrid;
use crate::domain::{Money, Month};
use std::collections::BTreeMap;

/// One layer: the accounts that started in `start_year`, their ARR per month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortLayer {
    pub start_year: i32,
    pub accounts: usize,
    /// Aligned with `LayerCake::months`; 0 before the cohort started.
    pub arr_by_month: Vec<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerCake {
    pub months: Vec<Month>,
    /// Oldest cohort first (the bottom layer).
    pub layers: Vec<CohortLayer>,
}

impl LayerCake {
    /// The book's total ARR per month: the height of the cake.
    pub fn totals(&self) -> Vec<Money> {
        (0..self.months.len())
            .map(|i| self.layers.iter().fold(Money::ZERO, |sum, layer| sum + layer.arr_by_month[i]))
            .collect()
    }
}

/// The layer cake over the months `from..=to`. An account's start year is
/// taken over the whole book, so a cohort keeps its accounts even before the
/// chosen months.
pub fn layer_cake(grid: &ArrGrid, from: Month, to: Month) -> LayerCake {
    let months: Vec<Month> = from.through(to).collect();
    let mut layers: BTreeMap<i32, CohortLayer> = BTreeMap::new();
    for account in 0..grid.account_count() {
        let Some(start) = grid.start_month(account) else {
            continue;
        };
        let layer = layers.entry(start.year()).or_insert_with(|| CohortLayer {
            start_year: start.year(),
            accounts: 0,
            arr_by_month: vec![Money::ZERO; months.len()],
        });
        layer.accounts += 1;
        for (slot, month) in layer.arr_by_month.iter_mut().zip(&months) {
            *slot += grid.arr(account, *month);
        }
    }
    LayerCake { months, layers: layers.into_values().collect() }
}

/// The layer cake over every month of the book.
pub fn whole_layer_cake(grid: &ArrGrid) -> LayerCake {
    match (grid.first_month(), grid.last_month()) {
        (Some(first), Some(last)) => layer_cake(grid, first, last),
        _ => LayerCake { months: Vec::new(), layers: Vec::new() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::retention::tests::{grid, month};

    #[test]
    fn layers_stack_by_start_year() {
        let book = grid(&[
            ("A", "2023-11", 100),
            ("A", "2024-01", 120),
            ("B", "2024-01", 50),
            ("C", "2023-12", 30),
            // C churned before 2024-01.
            ("D", "2024-02", 10),
        ]);
        let cake = whole_layer_cake(&book);
        assert_eq!(cake.months.len(), 4);
        assert_eq!(cake.layers.len(), 2);
        let (l2023, l2024) = (&cake.layers[0], &cake.layers[1]);
        assert_eq!((l2023.start_year, l2023.accounts), (2023, 2));
        let units = |v: &[Money]| v.iter().map(|m| m.cents() / 100).collect::<Vec<_>>();
        assert_eq!(units(&l2023.arr_by_month), vec![100, 30, 120, 0]);
        assert_eq!((l2024.start_year, l2024.accounts), (2024, 2));
        assert_eq!(units(&l2024.arr_by_month), vec![0, 0, 50, 10]);
        assert_eq!(units(&cake.totals()), vec![100, 30, 170, 10]);
        let window = layer_cake(&book, month("2024-01"), month("2024-01"));
        assert_eq!(window.layers[0].start_year, 2023);
    }
}
