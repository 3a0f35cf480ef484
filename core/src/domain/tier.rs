//! Tiers from a Pareto cut of ARR. Accounts are ranked by ARR, descending
//! (ties by account id, done by the caller); an account goes to the first tier
//! whose cut is greater than the share of total ARR held by the accounts
//! ranked above it, so the account that crosses a cut belongs to the tier it
//! crosses. With cuts 45% and 75% there are three tiers.

use super::Money;

/// Cumulative shares of ARR in basis points (4500 = 45%), as
/// `config::BasisPoints` counts them; named here so that the tier rule
/// leans on no setting (the settings name the tiers, not the other way).
type BasisPoints = i64;

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

/// Where each cut falls in a ranking of ARR cents (sorted descending): per
/// cut, the rank of the first account whose ARR above reaches the cut, so
/// every account ranked before it is in that tier or a higher one; `None`
/// when no account reaches it. With the total ARR (negative counted as zero)
/// these decide every account's tier without the ranking itself.
pub fn cut_ranks(ranked_cents: &[i64], cuts_bp: &[BasisPoints]) -> (i128, Vec<Option<usize>>) {
    let total: i128 = ranked_cents.iter().map(|c| i128::from((*c).max(0))).sum();
    let mut ranks = vec![None; cuts_bp.len()];
    let mut above: i128 = 0;
    for (rank, cents) in ranked_cents.iter().enumerate() {
        for (cut, found) in cuts_bp.iter().zip(ranks.iter_mut()) {
            if found.is_none() && above * 10_000 >= i128::from(*cut) * total {
                *found = Some(rank);
            }
        }
        if ranks.iter().all(Option::is_some) {
            break;
        }
        above += i128::from((*cents).max(0));
    }
    (total, ranks)
}

/// The tier of an account with `cents` of ARR in a book of `total`, given
/// for each cut whether the account ranks before the first account at or
/// past it ([`cut_ranks`]; always before when no account is): the same tier
/// [`assign_tiers`] gives it.
pub fn tier_before_cuts(
    cents: i64,
    total: i128,
    before: impl IntoIterator<Item = bool>,
    tail: Tier,
) -> Tier {
    if total == 0 || cents <= 0 {
        return tail;
    }
    before
        .into_iter()
        .position(|before| before)
        .map_or(tail, |index| Tier::try_from(index + 1).unwrap_or(tail))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn tiers_from_the_cut_ranks_are_the_assigned_tiers(
            mut cents in proptest::collection::vec(-3i64..40, 0..60),
            mut cuts in proptest::collection::vec(1i64..10_000, 0..4),
        ) {
            cents.sort_unstable_by(|a, b| b.cmp(a));
            cuts.sort_unstable();
            let ranked: Vec<Money> = cents.iter().map(|c| Money::from_cents(*c)).collect();
            let assigned = assign_tiers(&ranked, &cuts);
            let (total, ranks) = cut_ranks(&cents, &cuts);
            let tail = Tier::try_from(cuts.len() + 1).unwrap_or(Tier::MAX);
            for (rank, cents) in cents.iter().enumerate() {
                let before = ranks.iter().map(|r| r.is_none_or(|first| rank < first));
                prop_assert_eq!(tier_before_cuts(*cents, total, before, tail), assigned[rank]);
            }
        }
    }

    #[test]
    fn the_cut_ranks_are_where_the_share_above_reaches_each_cut() {
        // Total 100: shares above are 0, 40, 60, 75, 85, 95.
        let (total, ranks) = cut_ranks(&[40, 20, 15, 10, 10, 5], &[4500, 7500, 9900]);
        assert_eq!((total, ranks), (100, vec![Some(2), Some(3), None]));
    }

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
