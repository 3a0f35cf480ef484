//! The first, plain computation of cross-sell whitespace, kept as the
//! oracle the fast one (`super::compute`) is tested against: the same rule,
//! written the obvious way.

use super::{Adoption, MIN_PEERS, band, lower_median, segment_key};
use crate::domain::Money;
use crate::store::cross_sell::{CrossSellAccount, Holding};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One unheld product of one account, named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OldRow {
    pub account: usize,
    pub product: String,
    pub peer_median_arr: Option<Money>,
    pub peers: usize,
}

/// The whole picture, as the first computation built it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Old {
    pub accounts: Vec<CrossSellAccount>,
    pub products: Vec<String>,
    pub segments: Vec<String>,
    pub rows: Vec<OldRow>,
    pub grid: Vec<Vec<Adoption>>,
}

/// The first computation: hashed string keys, a sort per median, one
/// copied product name per candidate, and every row sorted at the end.
pub fn compute(accounts: Vec<CrossSellAccount>, holdings: &[Holding]) -> Old {
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
            rows.push(OldRow {
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
    Old { accounts, products, segments: segment_names.into_values().collect(), rows, grid }
}
