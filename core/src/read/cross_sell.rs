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
//!
//! **How it is computed.** The accounts come in id order and their holdings
//! in the same order, so the two are walked side by side (no id is hashed
//! or copied); products and segments are numbered once, each candidate
//! holds numbers, not names; each peer group's median is a selection, not
//! a sort; the candidates are put in order by counting (a value is one of
//! the few peer groups' medians). `oracle.rs` keeps the plain computation
//! the tests compare this one with.

use crate::domain::Money;
use crate::store::cross_sell::CrossSellAccount;
use crate::store::{Store, StoreResult};
use std::collections::HashMap;

#[cfg(test)]
mod oracle;
#[cfg(test)]
mod tests;

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

/// The median of `values` (reordered here); the lower middle for an even
/// count. A selection: the values are not sorted.
pub fn lower_median(values: &mut [Money]) -> Option<Money> {
    if values.is_empty() {
        return None;
    }
    let middle = (values.len() - 1) / 2;
    Some(*values.select_nth_unstable(middle).1)
}

/// The segment as compared: trimmed, lower case.
fn segment_key(segment: &str) -> String {
    segment.trim().to_lowercase()
}

/// One unheld product of one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrossSellRow {
    /// Index into [`CrossSell::accounts`].
    pub account: u32,
    /// Index into [`CrossSell::products`].
    pub product: u32,
    /// The peers' median ARR for the product; `None` under [`MIN_PEERS`] peers.
    pub peer_median_arr: Option<Money>,
    pub peers: u32,
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
    /// In id order.
    pub accounts: Vec<CrossSellAccount>,
    /// Every product held anywhere, by name.
    pub products: Vec<String>,
    /// Every segment as shown (the first spelling met), by its key.
    pub segments: Vec<String>,
    /// Valued rows first, highest value first; then by account and product.
    pub rows: Vec<CrossSellRow>,
    /// `grid[product][segment]`, in the order of `products` and `segments`.
    pub grid: Vec<Vec<Adoption>>,
    /// Account `a`'s rows are `by_account[starts[a]..starts[a + 1]]`.
    starts: Vec<u32>,
    /// Indices into `rows`, grouped by account, each group best first.
    by_account: Vec<u32>,
}

/// An account's best cross-sell candidate, as the targets list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Best<'a> {
    pub product: &'a str,
    pub row: &'a CrossSellRow,
    /// All of the account's candidates, this one included.
    pub candidates: usize,
}

/// Builds the picture from the accounts (in id order) and their holdings
/// handed over one at a time (see [`compute`]).
struct Builder {
    accounts: Vec<CrossSellAccount>,
    /// Products as met, numbered in that order until [`Builder::finish`].
    products: Vec<String>,
    product_of: HashMap<String, u32>,
    /// The account the holdings reached, and each holding as (account, product, ARR).
    at: usize,
    held: Vec<(u32, u32, Money)>,
}

impl Builder {
    fn new(accounts: Vec<CrossSellAccount>) -> Builder {
        Builder {
            accounts,
            products: Vec::new(),
            product_of: HashMap::new(),
            at: 0,
            held: Vec::new(),
        }
    }

    /// Takes one holding. Holdings in account id order are matched by
    /// walking the accounts; any other order by a search.
    fn hold(&mut self, account_id: &str, product: &str, arr: Money) {
        let product = match self.product_of.get(product) {
            Some(&p) => p,
            None => {
                let p = u32::try_from(self.products.len()).unwrap_or(u32::MAX);
                self.products.push(product.to_string());
                self.product_of.insert(product.to_string(), p);
                p
            }
        };
        let accounts = &self.accounts;
        while self.at < accounts.len() && accounts[self.at].id.as_str() < account_id {
            self.at += 1;
        }
        let found = if accounts.get(self.at).is_some_and(|a| a.id == account_id) {
            Some(self.at)
        } else {
            accounts.binary_search_by(|a| a.id.as_str().cmp(account_id)).ok()
        };
        let Some(account) = found.and_then(|a| u32::try_from(a).ok()) else { return };
        self.held.push((account, product, arr));
    }

    fn finish(self) -> CrossSell {
        let Builder { accounts, products: met, mut held, .. } = self;
        // Products by name: renumber the holdings.
        let mut order: Vec<u32> = (0..met.len()).filter_map(|p| u32::try_from(p).ok()).collect();
        order.sort_by(|&x, &y| met[x as usize].cmp(&met[y as usize]));
        let mut rank = vec![0u32; met.len()];
        for (position, &p) in order.iter().enumerate() {
            rank[p as usize] = u32::try_from(position).unwrap_or(u32::MAX);
        }
        let mut names: Vec<Option<String>> = met.into_iter().map(Some).collect();
        let products: Vec<String> =
            order.iter().filter_map(|&p| names[p as usize].take()).collect();
        for holding in &mut held {
            holding.1 = rank[holding.1 as usize];
        }
        // Stable: of a product listed twice for an account, the first counts.
        held.sort_by_key(|&(a, p, _)| (a, p));
        held.dedup_by_key(|&mut (a, p, _)| (a, p));
        let (segments, seg_of) = number_segments(&accounts);
        let band_of: Vec<usize> = accounts.iter().map(|a| band(a.arr)).collect();
        let (n_products, n_segments, n_bands) = (products.len(), segments.len(), BAND_FLOORS.len());
        let group = |a: usize, p: usize| (seg_of[a] * n_bands + band_of[a]) * n_products + p;
        // Each peer group's values, and the grid.
        let mut values: Vec<Vec<Money>> = vec![Vec::new(); n_segments * n_bands * n_products];
        let mut grid = vec![vec![Adoption::default(); n_segments]; n_products];
        for &(a, p, arr) in &held {
            let (a, p) = (a as usize, p as usize);
            values[group(a, p)].push(arr);
            if accounts[a].arr.cents() > 0 {
                grid[p][seg_of[a]].holders += 1;
            }
        }
        for (a, account) in accounts.iter().enumerate() {
            if account.arr.cents() > 0 {
                for column in &mut grid {
                    column[seg_of[a]].accounts += 1;
                }
            }
        }
        let medians: Vec<(Option<Money>, u32)> = values
            .iter_mut()
            .map(|v| {
                let peers = u32::try_from(v.len()).unwrap_or(u32::MAX);
                (if v.len() >= MIN_PEERS { lower_median(v) } else { None }, peers)
            })
            .collect();
        // The few distinct values, highest first: a row's place is its value's rank.
        let mut distinct: Vec<Money> = medians.iter().filter_map(|m| m.0).collect();
        distinct.sort_unstable_by(|x, y| y.cmp(x));
        distinct.dedup();
        let value_rank = |value: Option<Money>| match value {
            Some(v) => distinct.binary_search_by(|d| v.cmp(d)).unwrap_or(distinct.len()),
            None => distinct.len(),
        };
        let group_rank: Vec<usize> = medians.iter().map(|m| value_rank(m.0)).collect();
        // The candidates in (account, product) order, then placed by rank:
        // a stable counting sort keeps account and product order within a value.
        let mut candidates: Vec<(u32, CrossSellRow)> = Vec::new();
        let mut next = 0;
        for (a, account) in accounts.iter().enumerate() {
            let start = next;
            while next < held.len() && held[next].0 as usize == a {
                next += 1;
            }
            if account.arr.cents() <= 0 {
                continue;
            }
            let mine = &held[start..next];
            let mut k = 0;
            for p in 0..n_products {
                if mine.get(k).is_some_and(|h| h.1 as usize == p) {
                    k += 1;
                    continue;
                }
                let g = group(a, p);
                let (median, peers) = medians[g];
                let row = CrossSellRow {
                    account: u32::try_from(a).unwrap_or(u32::MAX),
                    product: u32::try_from(p).unwrap_or(u32::MAX),
                    peer_median_arr: median,
                    peers,
                };
                candidates.push((u32::try_from(group_rank[g]).unwrap_or(u32::MAX), row));
            }
        }
        let mut slots = vec![0usize; distinct.len() + 2];
        for (r, _) in &candidates {
            slots[*r as usize + 1] += 1;
        }
        for i in 1..slots.len() {
            slots[i] += slots[i - 1];
        }
        let mut rows = vec![
            CrossSellRow { account: 0, product: 0, peer_median_arr: None, peers: 0 };
            candidates.len()
        ];
        for (r, row) in candidates {
            rows[slots[r as usize]] = row;
            slots[r as usize] += 1;
        }
        let (starts, by_account) = group_by_account(&rows, accounts.len());
        CrossSell { accounts, products, segments, rows, grid, starts, by_account }
    }
}

/// The segments by key, each shown with the first spelling met, and each
/// account's segment number. A spelling is trimmed and lowered once.
fn number_segments(accounts: &[CrossSellAccount]) -> (Vec<String>, Vec<usize>) {
    let mut spellings: HashMap<&str, usize> = HashMap::new();
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut key_of: HashMap<String, usize> = HashMap::new();
    let mut first: Vec<usize> = Vec::with_capacity(accounts.len());
    for account in accounts {
        let raw = account.segment.as_str();
        let k = match spellings.get(raw) {
            Some(&k) => k,
            None => {
                let key = segment_key(raw);
                let k = *key_of.entry(key.clone()).or_insert_with(|| {
                    keys.push((key, raw.trim().to_string()));
                    keys.len() - 1
                });
                spellings.insert(raw, k);
                k
            }
        };
        first.push(k);
    }
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&x, &y| keys[x].0.cmp(&keys[y].0));
    let mut rank = vec![0; keys.len()];
    for (position, &k) in order.iter().enumerate() {
        rank[k] = position;
    }
    let shown = order.iter().map(|&k| std::mem::take(&mut keys[k].1)).collect();
    (shown, first.into_iter().map(|k| rank[k]).collect())
}

/// Each account's rows, in the rows' order: `(starts, indices)`.
fn group_by_account(rows: &[CrossSellRow], accounts: usize) -> (Vec<u32>, Vec<u32>) {
    let mut starts = vec![0u32; accounts + 1];
    for row in rows {
        starts[row.account as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut fill: Vec<u32> = starts.clone();
    let mut by_account = vec![0u32; rows.len()];
    for (index, row) in rows.iter().enumerate() {
        let slot = &mut fill[row.account as usize];
        by_account[*slot as usize] = u32::try_from(index).unwrap_or(u32::MAX);
        *slot += 1;
    }
    (starts, by_account)
}

/// Computes the rows and the grid from the accounts (in any order; sorted
/// by id here) and the holdings `(account id, product, ARR)` (pure).
pub fn compute<'a>(
    mut accounts: Vec<CrossSellAccount>,
    holdings: impl IntoIterator<Item = (&'a str, &'a str, Money)>,
) -> CrossSell {
    if !accounts.is_sorted_by(|a, b| a.id <= b.id) {
        accounts.sort_by(|a, b| a.id.cmp(&b.id));
    }
    let mut builder = Builder::new(accounts);
    for (account, product, arr) in holdings {
        builder.hold(account, product, arr);
    }
    builder.finish()
}

impl CrossSell {
    /// The product of a row, by name.
    pub fn product(&self, row: &CrossSellRow) -> &str {
        self.products.get(row.product as usize).map_or("", String::as_str)
    }

    /// The account of a row.
    pub fn account(&self, row: &CrossSellRow) -> Option<&CrossSellAccount> {
        self.accounts.get(row.account as usize)
    }

    /// One account's candidate rows, best first (found by a search of the
    /// accounts, which are in id order).
    pub fn candidates(&self, account_id: &str) -> impl Iterator<Item = &CrossSellRow> {
        let found = self.accounts.binary_search_by(|a| a.id.as_str().cmp(account_id)).ok();
        let range = found.map_or(0..0, |a| {
            let at = |i: usize| self.starts.get(i).map_or(0, |s| *s as usize);
            at(a)..at(a + 1)
        });
        self.by_account
            .get(range)
            .unwrap_or_default()
            .iter()
            .filter_map(|i| self.rows.get(*i as usize))
    }

    /// An account's best candidate (the highest valued, else the first by
    /// product) and how many candidates it has; `None` when it has none.
    pub fn best(&self, account_id: &str) -> Option<Best<'_>> {
        let mut candidates = self.candidates(account_id);
        let row = candidates.next()?;
        Some(Best { product: self.product(row), row, candidates: 1 + candidates.count() })
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

/// The book's cross-sell whitespace and adoption grid: the accounts, then
/// the latest month's holdings handed over as they are read. The accounts
/// carry their ids, segments and ARR only (names and owners are left
/// empty: a list that shows them has them); [`cross_sell_named`] reads them.
pub fn cross_sell(store: &Store) -> StoreResult<CrossSell> {
    build(store, store.cross_sell_accounts_unnamed()?)
}

/// As [`cross_sell`], each account with its name, CSM and AM.
pub fn cross_sell_named(store: &Store) -> StoreResult<CrossSell> {
    build(store, store.cross_sell_accounts()?)
}

fn build(store: &Store, accounts: Vec<CrossSellAccount>) -> StoreResult<CrossSell> {
    let mut builder = Builder::new(accounts);
    store.each_holding(|account, product, arr| builder.hold(account, product, arr))?;
    Ok(builder.finish())
}
