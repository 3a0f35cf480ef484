//! Pareto tiers of the book at a month: accounts with ARR ranked descending
//! (ties by account id), cut by cumulative share of ARR with the one tier
//! rule in `domain::tier`, summarised per tier (count, ARR, share, floor) with
//! the ranked list a chart draws (bars, cumulative share line). Pure.

use super::retention::ArrGrid;
use crate::domain::config::BasisPoints;
use crate::domain::tier::{Tier, assign_tiers};
use crate::domain::{Money, Month};
use crate::metrics::Rate;

/// One account in rank order, by its index in the grid the tiers were cut
/// from (`ArrGrid::account_id` names it): a period move re-ranks the whole
/// book without copying an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankedAccount {
    pub account: usize,
    pub arr: Money,
    pub tier: Tier,
    /// ARR of this account and all ranked above it (the cumulative line).
    pub cumulative_arr: Money,
}

/// A tier's summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierSummary {
    pub tier: Tier,
    pub accounts: usize,
    pub arr: Money,
    /// The tier's ARR / total ARR (undefined for an empty book).
    pub arr_share: Option<Rate>,
    /// The smallest ARR in the tier; `None` for a tier with no account.
    pub arr_floor: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pareto {
    pub as_of: Month,
    pub cuts_bp: Vec<BasisPoints>,
    pub total_arr: Money,
    /// One row per tier, 1 to `cuts + 1`, including empty ones.
    pub tiers: Vec<TierSummary>,
    pub ranked: Vec<RankedAccount>,
}

impl Pareto {
    /// `Ok` when the total, every tier's and every cumulative ARR added up exactly.
    pub fn exact(&self) -> Result<(), crate::domain::money::SumOverflow> {
        let tiers = self.tiers.iter().map(|t| t.arr);
        let ranked = self.ranked.iter().flat_map(|r| [r.arr, r.cumulative_arr]);
        super::all_exact(std::iter::once(self.total_arr).chain(tiers).chain(ranked))
    }

    /// The accounts of one tier, in rank order (the drill-down from a tier row).
    pub fn accounts_in_tier(&self, tier: Tier) -> impl Iterator<Item = &RankedAccount> {
        self.ranked.iter().filter(move |a| a.tier == tier)
    }
}

/// Why a list of cuts cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CutsError {
    #[error("give at least one cut")]
    Empty,
    #[error("each cut must be above 0% and below 100% (got {0} basis points)")]
    OutOfRange(BasisPoints),
    #[error("cuts must increase (e.g. 0.45,0.75)")]
    NotIncreasing,
}

/// Checks that cuts are inside (0, 1) and strictly increasing.
pub fn validate_cuts(cuts_bp: &[BasisPoints]) -> Result<(), CutsError> {
    if cuts_bp.is_empty() {
        return Err(CutsError::Empty);
    }
    if let Some(bad) = cuts_bp.iter().find(|c| **c <= 0 || **c >= 10_000) {
        return Err(CutsError::OutOfRange(*bad));
    }
    if cuts_bp.windows(2).any(|pair| pair[0] >= pair[1]) {
        return Err(CutsError::NotIncreasing);
    }
    Ok(())
}

/// Tiers of the book at `as_of`, from its snapshots: the accounts with
/// ARR > 0 ranked by ARR, largest first, ties by account id.
pub fn pareto_at(grid: &ArrGrid, as_of: Month, cuts_bp: &[BasisPoints]) -> Pareto {
    let mut ranked: Vec<(Money, usize)> = (0..grid.account_count())
        .map(|account| (grid.arr(account, as_of), account))
        // An ARR that did not add up is kept, so the total refuses too.
        .filter(|(arr, _)| arr.cents() > 0 || arr.is_overflow())
        .collect();
    if grid.ids_in_order() {
        ranked.sort_unstable_by_key(|(arr, account)| (std::cmp::Reverse(*arr), *account));
    } else {
        ranked.sort_unstable_by(|a, b| {
            b.0.cmp(&a.0).then_with(|| grid.account_id(a.1).cmp(grid.account_id(b.1)))
        });
    }
    let amounts: Vec<Money> = ranked.iter().map(|(arr, _)| *arr).collect();
    let tiers = assign_tiers(&amounts, cuts_bp);
    let total_arr = amounts.iter().fold(Money::ZERO, |sum, arr| sum + *arr);
    let mut cumulative = Money::ZERO;
    let ranked: Vec<RankedAccount> = ranked
        .into_iter()
        .zip(tiers)
        .map(|((arr, account), tier)| {
            cumulative += arr;
            RankedAccount { account, arr, tier, cumulative_arr: cumulative }
        })
        .collect();
    let tier_count = Tier::try_from(cuts_bp.len() + 1).unwrap_or(Tier::MAX);
    let tiers = (1..=tier_count)
        .map(|tier| {
            let members = ranked.iter().filter(|a| a.tier == tier);
            let arr = members.clone().fold(Money::ZERO, |sum, a| sum + a.arr);
            TierSummary {
                tier,
                accounts: members.clone().count(),
                arr,
                arr_share: Rate::new(arr.cents(), total_arr.cents()),
                arr_floor: members.map(|a| a.arr).min(),
            }
        })
        .collect();
    Pareto { as_of, cuts_bp: cuts_bp.to_vec(), total_arr, tiers, ranked }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::retention::tests::{grid, month};

    #[test]
    fn tiers_with_count_share_and_floor() {
        // Total 100: shares above each account are 0, 40, 60, 75, 85, 95.
        let book = grid(&[
            ("F", "2025-06", 5),
            ("B", "2025-06", 20),
            ("A", "2025-06", 40),
            ("C", "2025-06", 15),
            ("E", "2025-06", 10),
            ("D", "2025-06", 10),
            ("Z", "2025-05", 99),
        ]);
        let p = pareto_at(&book, month("2025-06"), &[4500, 7500]);
        assert_eq!(p.total_arr, Money::from_units(100));
        let order: Vec<&str> = p.ranked.iter().map(|a| book.account_id(a.account)).collect();
        // D and E tie at 10: by id. Z has no ARR at the month: left out.
        assert_eq!(order, vec!["A", "B", "C", "D", "E", "F"]);
        assert_eq!(p.tiers.len(), 3);
        let t1 = &p.tiers[0];
        assert_eq!(
            (t1.accounts, t1.arr, t1.arr_floor),
            (2, Money::from_units(60), Some(Money::from_units(20)))
        );
        assert_eq!(t1.arr_share, Rate::new(60, 100));
        let t2 = &p.tiers[1];
        assert_eq!(
            (t2.accounts, t2.arr, t2.arr_floor),
            (1, Money::from_units(15), Some(Money::from_units(15)))
        );
        let t3 = &p.tiers[2];
        assert_eq!(
            (t3.accounts, t3.arr, t3.arr_floor),
            (3, Money::from_units(25), Some(Money::from_units(5)))
        );
        assert_eq!(p.ranked[5].cumulative_arr, Money::from_units(100));
        let tier3: Vec<&str> = p.accounts_in_tier(3).map(|a| book.account_id(a.account)).collect();
        assert_eq!(tier3, vec!["D", "E", "F"]);
    }

    #[test]
    fn ties_go_by_id_whatever_order_the_accounts_came_in() {
        let rows = [("B", "2025-06", 10), ("A", "2025-06", 10), ("C", "2025-06", 30)];
        let scattered = grid(&rows);
        let mut sorted_rows = rows.to_vec();
        sorted_rows.sort();
        let in_order = grid(&sorted_rows);
        assert!(in_order.ids_in_order() && !scattered.ids_in_order());
        for book in [scattered, in_order] {
            let p = pareto_at(&book, month("2025-06"), &[4500, 7500]);
            let order: Vec<&str> = p.ranked.iter().map(|a| book.account_id(a.account)).collect();
            assert_eq!(order, ["C", "A", "B"]);
        }
    }

    #[test]
    fn an_empty_book_has_empty_tiers() {
        let p = pareto_at(&grid(&[]), month("2025-01"), &[4500, 7500]);
        assert_eq!(p.tiers.len(), 3);
        assert!(
            p.tiers
                .iter()
                .all(|t| t.accounts == 0 && t.arr_share.is_none() && t.arr_floor.is_none())
        );
    }

    #[test]
    fn cuts_must_be_increasing_fractions() {
        assert_eq!(validate_cuts(&[4500, 7500]), Ok(()));
        assert_eq!(validate_cuts(&[]), Err(CutsError::Empty));
        assert_eq!(validate_cuts(&[7500, 4500]), Err(CutsError::NotIncreasing));
        assert_eq!(validate_cuts(&[4500, 10_000]), Err(CutsError::OutOfRange(10_000)));
        assert_eq!(validate_cuts(&[0]), Err(CutsError::OutOfRange(0)));
    }
}
