//! Tiers from a Pareto cut of ARR. Accounts are ranked by ARR, descending
//! (ties by account id, done by the caller); an account goes to the first tier
//! whose cut is greater than the share of total ARR held by the accounts
//! ranked above it, so the account that crosses a cut belongs to the tier it
//! crosses. With cuts 45% and 75% there are three tiers.

use super::Money;
use super::config::BasisPoints;

/// A tier number: 1 is the top, `cuts.len() + 1` the long tail.
pub type Tier = u8;

/// Assigns a tier to each ARR in `ranked` (already sorted descending). Accounts
/// with no ARR are in the long tail. Cuts are cumulative shares in basis points.
pub fn assign_tiers(ranked: &[Money], cuts_bp: &[BasisPoints]) -> Vec<Tier> {
    let total: i128 = ranked.iter().map(|m| i128::from(m.cents().max(0))).sum();
    let tail = Tier::try_from(cuts_bp.len() + 1).unwrap_or(Tier::MAX);
    let mut above: i128 = 0;
    ranked
        .iter()
        .map(|arr| {
            let tier = if total == 0 || arr.cents() <= 0 {
                tail
            } else {
                // share_above < cut  ⇔  above × 10,000 < cut × total
                cuts_bp
                    .iter()
                    .position(|cut| above * 10_000 < i128::from(*cut) * total)
                    .map_or(tail, |index| Tier::try_from(index + 1).unwrap_or(tail))
            };
            above += i128::from(arr.cents().max(0));
            tier
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arr(units: &[i64]) -> Vec<Money> {
        units.iter().map(|u| Money::from_units(*u)).collect()
    }

    #[test]
    fn the_account_that_crosses_a_cut_belongs_to_it() {
        // Total 100: shares above each account are 0, 40, 60, 75, 85, 95.
        let tiers = assign_tiers(&arr(&[40, 20, 15, 10, 10, 5]), &[4500, 7500]);
        // 0 < 45 → 1; 40 < 45 → 1 (crosses 45); 60 → 2; 75 is not < 75 → 3.
        assert_eq!(tiers, vec![1, 1, 2, 3, 3, 3]);
    }

    #[test]
    fn zero_arr_and_empty_books_are_the_tail() {
        assert_eq!(assign_tiers(&arr(&[10, 0]), &[4500, 7500]), vec![1, 3]);
        assert_eq!(assign_tiers(&arr(&[0, 0]), &[4500]), vec![2, 2]);
        assert!(assign_tiers(&[], &[4500]).is_empty());
    }
}
