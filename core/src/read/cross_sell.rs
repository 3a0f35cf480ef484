//! Cross-sell whitespace: for each account and each product it does not
//! hold, a value read from its peers, and the product × segment adoption
//! grid. Pure arithmetic over the store's rows ([`cross_sell`] reads them).
//!
//! **The rule.** An account *holds* a product when its ARR for the product
//! in the book's latest snapshot month is above zero. Its *peers* for a
//! product are the other accounts of the **same segment** (the account's
//! `segment`, compared without case or surrounding spaces; a blank segment
//! is a segment of its own) and the **same ARR band** that hold it. The
//! bands, by the account's total ARR: under 10,000; 10,000 to under 50,000;
//! 50,000 to under 250,000; 250,000 to under 1,000,000; 1,000,000 and more.
//! The value is the **median** of the peers' ARR for that product; with an
//! even number of peers, the lower of the two middle values (an amount a
//! peer really pays, exact to the cent, no rounding). Fewer than
//! [`MIN_PEERS`] peers: no value, the count still shown. An account without
//! ARR (lapsed or churned) is not a candidate.

use crate::domain::Money;
use crate::store::cross_sell::{CrossSellAccount, Holding};
use crate::store::{Store, StoreResult};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Fewer peers than this give no value.
pub const MIN_PEERS: usize = 5;

/// The ARR bands' lower bounds in whole currency units (band 0 starts at 0).
pub const BAND_FLOORS: [i64; 5] = [0, 10_000, 50_000, 250_000, 1_000_000];

/// The band of an account's ARR: the index of the highest floor it reaches.
pub fn band(arr: Money) -> usize {
    BAND_FLOORS.iter().rposition(|floor| arr.cents() >= floor.saturating_mul(100)).unwrap_or(0)
}

/// The band in words: `10k–50k`, `1M+`.
pub fn band_label(band: usize) -> String {
    let short = |units: i64| Money::from_units(units).to_short();
    match (BAND_FLOORS.get(band), BAND_FLOORS.get(band + 1)) {
        (Some(low), Some(high)) => format!("{}–{}", short(*low), short(*high)),
        (Some(low), None) => format!("{}+", short(*low)),
        _ => String::new(),
    }
}

/// The median of `values` (sorted here); the lower middle for an even count.
pub fn lower_median(values: &mut [Money]) -> Option<Money> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[(values.len() - 1) / 2])
}

/// The segment as compared: trimmed, lower case.
fn segment_key(segment: &str) -> String {
    segment.trim().to_lowercase()
}

/// One unheld product of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossSellRow {
    /// Index into [`CrossSell::accounts`].
    pub account: usize,
    pub product: String,
    /// The peers' median ARR for the product; `None` under [`MIN_PEERS`] peers.
    pub peer_median_arr: Option<Money>,
    pub peers: usize,
}

/// One cell of the adoption grid: of the segment's accounts with ARR, how
/// many hold the product.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Adoption {
    pub holders: usize,
    pub accounts: usize,
}

/// The whole picture.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrossSell {
    pub accounts: Vec<CrossSellAccount>,
    /// Every product held anywhere, by name.
    pub products: Vec<String>,
    /// Every segment as shown (the first spelling met), by its key.
    pub segments: Vec<String>,
    /// Valued rows first, highest value first; then by account and product.
    pub rows: Vec<CrossSellRow>,
    /// `grid[product][segment]`, in the order of `products` and `segments`.
    pub grid: Vec<Vec<Adoption>>,
}

/// Computes the rows and the grid from the store's rows (pure).
pub fn compute(accounts: Vec<CrossSellAccount>, holdings: &[Holding]) -> CrossSell {
    let index: HashMap<&str, usize> =
        accounts.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    let mut products: Vec<String> = holdings.iter().map(|h| h.product.clone()).collect();
    products.sort();
    products.dedup();
    let product_index: HashMap<&str, usize> =
        products.iter().enumerate().map(|(i, p)| (p.as_str(), i)).collect();
    // Segments in key order, shown with the first spelling met.
    let mut segment_names: BTreeMap<String, String> = BTreeMap::new();
    for account in &accounts {
        segment_names
            .entry(segment_key(&account.segment))
            .or_insert_with(|| account.segment.trim().to_string());
    }
    let segment_index: HashMap<String, usize> =
        segment_names.keys().enumerate().map(|(i, k)| (k.clone(), i)).collect();
    let seg_of: Vec<usize> =
        accounts.iter().map(|a| segment_index[&segment_key(&a.segment)]).collect();
    let band_of: Vec<usize> = accounts.iter().map(|a| band(a.arr)).collect();
    let mut held: Vec<HashSet<usize>> = vec![HashSet::new(); accounts.len()];
    // (segment, band, product) → the holders' ARR.
    let mut peer_arr: HashMap<(usize, usize, usize), Vec<Money>> = HashMap::new();
    let mut grid = vec![vec![Adoption::default(); segment_names.len()]; products.len()];
    for holding in holdings {
        let (Some(&a), Some(&p)) =
            (index.get(holding.account_id.as_str()), product_index.get(holding.product.as_str()))
        else {
            continue;
        };
        if held[a].insert(p) {
            peer_arr.entry((seg_of[a], band_of[a], p)).or_default().push(holding.arr);
            if accounts[a].arr.cents() > 0 {
                grid[p][seg_of[a]].holders += 1;
            }
        }
    }
    for (a, account) in accounts.iter().enumerate() {
        if account.arr.cents() > 0 {
            for column in grid.iter_mut() {
                column[seg_of[a]].accounts += 1;
            }
        }
    }
    let medians: HashMap<(usize, usize, usize), (Option<Money>, usize)> = peer_arr
        .into_iter()
        .map(|(key, mut values)| {
            let n = values.len();
            (key, (if n >= MIN_PEERS { lower_median(&mut values) } else { None }, n))
        })
        .collect();
    let mut rows = Vec::new();
    for (a, account) in accounts.iter().enumerate() {
        if account.arr.cents() <= 0 {
            continue;
        }
        for (p, product) in products.iter().enumerate() {
            if held[a].contains(&p) {
                continue;
            }
            let (median, peers) =
                medians.get(&(seg_of[a], band_of[a], p)).copied().unwrap_or((None, 0));
            rows.push(CrossSellRow {
                account: a,
                product: product.clone(),
                peer_median_arr: median,
                peers,
            });
        }
    }
    rows.sort_by(|x, y| {
        y.peer_median_arr
            .cmp(&x.peer_median_arr)
            .then_with(|| accounts[x.account].id.cmp(&accounts[y.account].id))
            .then_with(|| x.product.cmp(&y.product))
    });
    CrossSell { accounts, products, segments: segment_names.into_values().collect(), rows, grid }
}

impl CrossSell {
    /// Each account's candidate rows (indices into `rows`), best first, by
    /// account id: what a list showing one account at a time looks up.
    pub fn rows_by_account(&self) -> HashMap<String, Vec<u32>> {
        let mut by: HashMap<String, Vec<u32>> = HashMap::new();
        for (index, row) in self.rows.iter().enumerate() {
            if let (Some(account), Ok(index)) =
                (self.accounts.get(row.account), u32::try_from(index))
            {
                by.entry(account.id.clone()).or_default().push(index);
            }
        }
        by
    }

    /// How many rows are valued, their values' sum (exact, or overflowed),
    /// and how many are refused for too few peers.
    pub fn valued_totals(&self) -> (usize, Money, usize) {
        let mut valued = 0;
        let mut sum = Money::ZERO;
        for value in self.rows.iter().filter_map(|r| r.peer_median_arr) {
            valued += 1;
            sum = sum.checked_add(value).unwrap_or(Money::OVERFLOW);
        }
        (valued, sum, self.rows.len() - valued)
    }
}

/// The book's cross-sell whitespace and adoption grid.
pub fn cross_sell(store: &Store) -> StoreResult<CrossSell> {
    Ok(compute(store.cross_sell_accounts()?, &store.holdings()?))
}

#[cfg(test)]
// Cents are written units_cents (`250_50` is 250.50).
#[allow(clippy::inconsistent_digit_grouping)]
mod tests {
    use super::*;

    fn account(id: &str, segment: &str, arr: i64) -> CrossSellAccount {
        CrossSellAccount {
            id: id.into(),
            name: id.into(),
            csm: "fran".into(),
            am: String::new(),
            segment: segment.into(),
            arr: Money::from_units(arr),
        }
    }

    fn holding(id: &str, product: &str, cents: i64) -> Holding {
        Holding { account_id: id.into(), product: product.into(), arr: Money::from_cents(cents) }
    }

    #[test]
    fn bands_and_the_lower_median() {
        assert_eq!(band(Money::from_cents(999_999)), 0);
        assert_eq!(band(Money::from_units(10_000)), 1);
        assert_eq!(band(Money::from_units(249_999)), 2);
        assert_eq!(band(Money::from_units(5_000_000)), 4);
        assert_eq!(band_label(1), "10.0k–50.0k");
        assert_eq!(band_label(4), "1.0M+");
        let mut odd = [3, 1, 2].map(Money::from_cents);
        assert_eq!(lower_median(&mut odd), Some(Money::from_cents(2)));
        // Even: 100.01 and 200.00 are the middles; the lower one, not 150.005.
        let mut even = [50_00, 200_00, 100_01, 900_00].map(Money::from_cents);
        assert_eq!(lower_median(&mut even), Some(Money::from_cents(100_01)));
        assert_eq!(lower_median(&mut []), None);
    }

    /// Mid-market, band 10k–50k: six hold Analytics (so each non-holder has
    /// six peers) at 1,000.00 … 6,000.00 → the lower middle is 3,000.00.
    /// Enterprise has only four Analytics holders: no value, 4 peers shown.
    #[test]
    fn a_product_not_held_is_valued_from_five_or_more_peers() {
        let mut accounts = Vec::new();
        let mut holdings = Vec::new();
        for i in 1..=6 {
            let id = format!("M{i}");
            accounts.push(account(&id, "Mid-Market", 20_000));
            holdings.push(holding(&id, "Core", 19_000_00));
            holdings.push(holding(&id, "Analytics", i * 1_000_00));
        }
        accounts.push(account("M7", " mid-market ", 30_000));
        holdings.push(holding("M7", "Core", 30_000_00));
        // Same segment, another band: not a peer, and not valued (no peers).
        accounts.push(account("M8", "Mid-Market", 60_000));
        holdings.push(holding("M8", "Core", 60_000_00));
        for i in 1..=4 {
            let id = format!("E{i}");
            accounts.push(account(&id, "Enterprise", 20_000));
            holdings.push(holding(&id, "Analytics", 5_000_00));
        }
        accounts.push(account("E5", "Enterprise", 20_000));
        holdings.push(holding("E5", "Core", 20_000_00));
        // Churned: no ARR, not a candidate.
        accounts.push(account("X1", "Mid-Market", 0));
        let picture = compute(accounts, &holdings);
        let find = |id: &str, product: &str| {
            picture
                .rows
                .iter()
                .find(|r| picture.accounts[r.account].id == id && r.product == product)
                .cloned()
        };
        let m7 = find("M7", "Analytics").expect("M7");
        assert_eq!((m7.peer_median_arr, m7.peers), (Some(Money::from_units(3_000)), 6));
        let m8 = find("M8", "Analytics").expect("M8");
        assert_eq!((m8.peer_median_arr, m8.peers), (None, 0));
        let e5 = find("E5", "Analytics").expect("E5");
        assert_eq!((e5.peer_median_arr, e5.peers), (None, 4));
        // E1..E4 lack Core; Enterprise band 1 has one Core holder (E5).
        assert_eq!(find("E1", "Core").map(|r| r.peers), Some(1));
        assert!(find("X1", "Core").is_none());
        assert!(find("M1", "Core").is_none(), "held products are not whitespace");
        // Valued first.
        assert_eq!(picture.rows[0].product, "Analytics");
        assert_eq!(picture.accounts[picture.rows[0].account].id, "M7");
        // Grid: Analytics held by 4 of 5 Enterprise accounts, 6 of 8 Mid-Market ones.
        assert_eq!(picture.products, vec!["Analytics", "Core"]);
        assert_eq!(picture.segments, vec!["Enterprise", "Mid-Market"]);
        assert_eq!(picture.grid[0][0], Adoption { holders: 4, accounts: 5 });
        assert_eq!(picture.grid[0][1], Adoption { holders: 6, accounts: 8 });
        assert_eq!(picture.grid[1][1], Adoption { holders: 8, accounts: 8 });
        // One account's candidates, by id: E1 lacks Core only.
        let by = picture.rows_by_account();
        let e1: Vec<&str> =
            by["E1"].iter().map(|i| picture.rows[*i as usize].product.as_str()).collect();
        assert_eq!(e1, ["Core"]);
        assert!(!by.contains_key("X1"));
        // Valued: M7's Analytics (3,000.00) alone; the rest refused.
        let (valued, sum, refused) = picture.valued_totals();
        assert_eq!((valued, sum), (1, Money::from_units(3_000)));
        assert_eq!(refused, picture.rows.len() - 1);
    }

    proptest::proptest! {
        /// The lower median is a value of the list with at least half the
        /// values at or above it and more than half at or below it.
        #[test]
        fn the_lower_median_splits_the_values(values in proptest::collection::vec(0i64..1_000_000, 1..50)) {
            let mut money: Vec<Money> = values.iter().map(|c| Money::from_cents(*c)).collect();
            let median = lower_median(&mut money).expect("some");
            proptest::prop_assert!(money.contains(&median));
            let below = money.iter().filter(|m| **m <= median).count();
            let above = money.iter().filter(|m| **m >= median).count();
            proptest::prop_assert!(below * 2 >= money.len());
            proptest::prop_assert!(above * 2 > money.len() - 1);
            proptest::prop_assert!(above * 2 >= money.len());
        }
    }
}
