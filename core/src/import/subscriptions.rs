//! The import of a billing system's subscriptions: the rows are stored as
//! given, and the snapshots and yearly contracts they give (the rule is
//! `domain::subscription`) are derived in the same transaction.
//!
//! A re-import derives again every (account, product) the file names, so
//! the same file on the same day changes nothing, a newer export updates in
//! place (an ended_on terminates and shortens what it derived), and a later
//! day adds the months completed since. A subscription missing from a newer
//! file is kept: a file may be a part of the book (one product line, one
//! region). An account's product takes its ARR from its subscriptions or
//! from imported snapshots, not both; a file that would mix them is refused.
//! No SQL here: writes go through `store::bulk`.

use super::cells::{account_index, date, known_account, money, optional_parsed, whole_number};
use super::fast::trim;
use super::input::{CsvInput, Row};
use super::kinds::refresh;
use super::records::SUBSCRIPTIONS;
use super::{Origin, Problems};
use crate::domain::money::MAX_AMOUNT_TEXT;
use crate::domain::subscription::{Interval, Subscription, derive_snapshots, last_complete_month};
use crate::store::StoreResult;
use crate::store::bulk::{BulkImport, DerivedScope, DerivedWrites, ImportCounts};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::io::Read;

/// The snapshots and contracts an import of subscriptions wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Derived {
    pub snapshots: DerivedWrites,
    pub contracts: DerivedWrites,
}

impl fmt::Display for Derived {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.snapshots.is_empty() && self.contracts.is_empty() {
            return f.write_str("the snapshots and contracts they give were already in the book");
        }
        let part = |writes: &DerivedWrites| {
            format!(
                "{} inserted, {} updated, {} removed",
                writes.inserted, writes.updated, writes.removed
            )
        };
        write!(
            f,
            "derived snapshots: {}; derived contracts: {}",
            part(&self.snapshots),
            part(&self.contracts)
        )
    }
}

/// Checks one subscription row; `None` with every problem recorded.
fn parse(
    row: &Row<'_>,
    index: &super::cells::AccountIndex,
    problems: &mut Problems,
) -> Option<Subscription> {
    let id = problems.take(row.required(0)).map(trim);
    let account = problems
        .take(row.required(1))
        .map(trim)
        .filter(|id| problems.take(known_account(row, 1, id, index)).is_some());
    let product = problems.take(row.required(2)).map(trim);
    let start = problems.take(row.required(3)).and_then(|t| problems.take(date(row, 3, t)));
    let amount = problems.take(row.required(4)).and_then(|t| problems.take(money(row, 4, t)));
    let interval = problems
        .take(row.required(5))
        .and_then(|t| problems.take(Interval::parse(t).map_err(|e| row.error(5, e.to_string()))));
    let quantity = optional_parsed(row, 6, problems, whole_number);
    let ended_on = optional_parsed(row, 7, problems, date);
    let (id, account, product, start, amount, interval) =
        (id?, account?, product?, start?, amount?, interval?);
    let (quantity, ended_on) = (quantity?, ended_on?);
    if let Some(ended) = ended_on.filter(|ended| *ended < start) {
        problems.push(row.error(7, format!("{ended} is before start_date {start}")));
        return None;
    }
    let subscription = Subscription {
        id: id.to_string(),
        account_id: account.to_string(),
        product: product.to_string(),
        start_date: start,
        amount,
        interval,
        quantity: quantity.unwrap_or(1),
        ended_on,
    };
    if subscription.arr().is_err() {
        let times = match interval {
            Interval::Month => "amount × quantity × 12",
            Interval::Year => "amount × quantity",
        };
        problems.push(row.error(
            4,
            format!(
                "the ARR it gives ({times}) is more than {MAX_AMOUNT_TEXT}, the most one ARR may be"
            ),
        ));
        return None;
    }
    Some(subscription)
}

pub(super) fn import<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    origin: &Origin<'_>,
    problems: &mut Problems,
) -> StoreResult<(ImportCounts, Derived)> {
    let names = SUBSCRIPTIONS.names;
    // An import that loaded contracts or snapshots into empty tables earlier
    // in this transaction (`import all`) dropped their secondary indexes
    // until commit; the per-subscription lookups below need them (without
    // `contracts_by_subscription` each subscription scanned every contract).
    // Building them now costs what commit would have.
    bulk.rebuild_indexes()?;
    let (ids, index) = account_index(bulk)?;
    let mut stored = bulk.stored_subscriptions()?;
    let mut rows: Vec<(Subscription, u64)> = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    while let Some(row) = input.next_readable(names, problems) {
        let Some(subscription) = parse(&row, &index, problems) else { continue };
        if let Some(first) = first_line.get(&subscription.id) {
            problems.push(row.error(
                0,
                format!("{:?} appears twice in this file (first on line {first})", subscription.id),
            ));
            continue;
        }
        first_line.insert(subscription.id.clone(), row.line);
        rows.push((subscription, row.line));
    }
    let nothing = (ImportCounts::default(), Derived::default());
    if !problems.is_empty() {
        return Ok(nothing);
    }
    let id_error = input.cell_error_maker(names, 0);
    let product_error = input.cell_error_maker(names, 2);
    let amount_error = input.cell_error_maker(names, 4);
    let today = origin.today;

    // Every (account, product) the file touches, blamed on its first line;
    // a subscription moved to another account or product re-derives the old
    // one too.
    let covered: HashSet<(&str, &str)> =
        stored.values().map(|s| (s.account_id.as_str(), s.product.as_str())).collect();
    let mut pairs: BTreeMap<(String, String), u64> = BTreeMap::new();
    for (subscription, line) in &rows {
        let pair = (subscription.account_id.clone(), subscription.product.clone());
        pairs.entry(pair).or_insert(*line);
        if let Some(old) = stored.get(&subscription.id) {
            pairs.entry((old.account_id.clone(), old.product.clone())).or_insert(*line);
        }
    }
    for ((account, product), line) in &pairs {
        if covered.contains(&(account.as_str(), product.as_str())) {
            continue;
        }
        if let Some((count, first, last)) = bulk.snapshot_span(account, product)? {
            problems.push(product_error(
                *line,
                format!(
                    "account {account} already has {} of {product} from a snapshots import \
                     ({first} to {last}); a product's ARR comes from its subscriptions or from \
                     imported snapshots, not both (use another product name, or remove those \
                     snapshots first)",
                    crate::domain::count::of(count, "snapshot", "snapshots")
                ),
            ));
        }
    }
    for (subscription, line) in &rows {
        let contracts = subscription.contracts(today).unwrap_or_default();
        for contract in contracts {
            if let Some(None) = bulk.contract_source(&contract.id)? {
                problems.push(id_error(
                    *line,
                    format!(
                        "its contract {:?} (year {} of the subscription) is already in the book \
                         from a contracts import; a subscription's contracts are derived from it",
                        contract.id,
                        contract.id.rsplit('/').next().unwrap_or("?")
                    ),
                ));
                break;
            }
        }
    }
    if !problems.is_empty() {
        return Ok(nothing);
    }

    let mut counts = ImportCounts::default();
    for (subscription, _) in &rows {
        match stored.get(&subscription.id) {
            Some(old) if old == subscription => counts.unchanged += 1,
            before => {
                if before.is_some() {
                    counts.updated += 1;
                } else {
                    counts.inserted += 1;
                }
                bulk.upsert_subscription(subscription)?;
                stored.insert(subscription.id.clone(), subscription.clone());
            }
        }
    }

    let mut derived = Derived::default();
    let latest_before = bulk.latest_month()?;
    let mut by_pair: HashMap<(&str, &str), Vec<&Subscription>> = HashMap::new();
    for subscription in stored.values() {
        let pair = (subscription.account_id.as_str(), subscription.product.as_str());
        by_pair.entry(pair).or_default().push(subscription);
    }
    let through = last_complete_month(today);
    let mut touched = vec![false; ids.len()];
    for ((account, product), line) in &pairs {
        let subscriptions =
            by_pair.get(&(account.as_str(), product.as_str())).cloned().unwrap_or_default();
        let snapshots = match derive_snapshots(&subscriptions, through) {
            Ok(snapshots) => snapshots,
            Err((month, _)) => {
                problems.push(amount_error(
                    *line,
                    format!(
                        "account {account}'s ARR of {product} in {month} adds up to more than \
                         {MAX_AMOUNT_TEXT}, the most one ARR may be"
                    ),
                ));
                continue;
            }
        };
        if !problems.is_empty() {
            continue;
        }
        let writes = bulk.replace_derived_snapshots(account, product, &snapshots)?;
        if !writes.is_empty()
            && let Some(&position) = index.get(account.as_str())
        {
            touched[position as usize] = true;
        }
        derived.snapshots.add(writes);
    }
    if !problems.is_empty() {
        return Ok(nothing);
    }
    for (subscription, _) in &rows {
        let contracts = subscription.contracts(today).unwrap_or_default();
        derived.contracts.add(bulk.replace_subscription_contracts(&subscription.id, &contracts)?);
    }
    if !derived.snapshots.is_empty() {
        let moved = bulk.latest_month()? != latest_before;
        refresh(bulk, &ids, &touched, moved, DerivedScope::Snapshots)?;
    }
    Ok((counts, derived))
}

#[cfg(test)]
mod tests;
