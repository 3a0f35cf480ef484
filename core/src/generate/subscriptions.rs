//! The generator's `subscriptions.csv` (`cockpit gen --subscriptions`): a
//! billing export of add-on products for about a third of the accounts,
//! monthly and yearly, some ended, with amounts in cents. The add-ons are
//! products the simulated contracts never sell, so the file imports beside
//! `snapshots.csv` and `contracts.csv` (a product takes its ARR from
//! subscriptions or snapshots, not both), or alone after `accounts.csv`.
//! Deterministic from the seed, one account at a time.

use super::Params;
use super::simulate::{account_id, splitmix};
use crate::domain::Money;
use crate::domain::subscription::Interval;
use crate::import::ImportKind;
use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// The add-ons: name, interval, and the price of one unit in cents (low, high).
pub const ADD_ONS: [(&str, Interval, i64, i64); 3] = [
    ("Premium Support", Interval::Month, 1_900, 9_900),
    ("Extra Storage", Interval::Month, 500, 2_500),
    ("Training Pass", Interval::Year, 40_000, 180_000),
];

/// Share of accounts with add-on subscriptions.
const SUBSCRIBED_SHARE: f64 = 0.35;

/// Writes `subscriptions.csv` into `dir` (which must exist); returns how
/// many subscriptions it holds.
pub fn write_subscriptions(
    params: &Params,
    dir: &Path,
) -> Result<u64, super::write::GenerateError> {
    let path = dir.join("subscriptions.csv");
    let error =
        |source: csv::Error| super::write::GenerateError::Write { path: path.clone(), source };
    let file = File::create(&path).map_err(|e| error(e.into()))?;
    let mut writer = csv::Writer::from_writer(BufWriter::with_capacity(1 << 18, file));
    writer.write_record(ImportKind::Subscriptions.column_names()).map_err(error)?;
    let earliest = params.first_month().minus(11).first_day();
    let horizon = params.horizon();
    let span = (horizon - earliest).num_days().max(1) as u64;
    let mut written = 0u64;
    for index in 0..params.accounts {
        let seed = splitmix(params.seed ^ splitmix(u64::from(index) ^ 0x5AB5_C0DE));
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        if !rng.random_bool(SUBSCRIBED_SHARE) {
            continue;
        }
        let account = account_id(index);
        let count = rng.random_range(1..=2usize);
        let first_add_on = rng.random_range(0..ADD_ONS.len());
        for n in 0..count {
            let (product, interval, low, high) = ADD_ONS[(first_add_on + n) % ADD_ONS.len()];
            let start = earliest + Days::new(rng.random_range(0..span));
            let amount = Money(rng.random_range(low..=high));
            let quantity = match interval {
                Interval::Month => rng.random_range(1..=25i64),
                Interval::Year => rng.random_range(1..=5i64),
            };
            let ended_on = if rng.random_bool(0.25) {
                let lasted = rng.random_range(20..=900u64);
                Some(start + Days::new(lasted)).filter(|end| *end <= horizon)
            } else {
                None
            };
            let id = format!("sub_{:06}_{}", u64::from(index) + 1, n + 1);
            writer
                .write_record([
                    id.as_str(),
                    account.as_str(),
                    product,
                    &iso(start),
                    &amount.to_plain(),
                    interval.as_str(),
                    &quantity.to_string(),
                    &ended_on.map(iso).unwrap_or_default(),
                ])
                .map_err(error)?;
            written += 1;
        }
    }
    writer.flush().map_err(|e| error(e.into()))?;
    Ok(written)
}

fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::import::{ImportKind, import_path};
    use crate::store::Store;

    #[test]
    fn the_file_imports_beside_the_rest_of_the_book_and_is_the_same_for_a_seed() {
        let dir = tempfile::tempdir().expect("dir");
        let today: NaiveDate = "2025-06-15".parse().expect("day");
        let params = Params::ending_before(today, 60, 24, 7);
        super::super::write_book(&params, dir.path()).expect("book");
        let count = write_subscriptions(&params, dir.path()).expect("subscriptions");
        assert!(count > 5, "{count}");
        let first = std::fs::read(dir.path().join("subscriptions.csv")).expect("read");
        write_subscriptions(&params, dir.path()).expect("again");
        assert_eq!(std::fs::read(dir.path().join("subscriptions.csv")).expect("read"), first);

        let clock = Clock::fixed(today);
        let mut store = Store::open_in_memory().expect("store");
        for kind in [
            ImportKind::Accounts,
            ImportKind::Snapshots,
            ImportKind::Contracts,
            ImportKind::Subscriptions,
        ] {
            let path = dir.path().join(format!("{kind}.csv"));
            import_path(&mut store, kind, &path, "kim", &clock).expect("imports");
        }
        // A fresh book takes the accounts and the subscriptions alone too.
        let mut fresh = Store::open_in_memory().expect("store");
        for kind in [ImportKind::Accounts, ImportKind::Subscriptions] {
            let path = dir.path().join(format!("{kind}.csv"));
            let report = import_path(&mut fresh, kind, &path, "kim", &clock).expect("imports");
            if kind == ImportKind::Subscriptions {
                assert_eq!(report.counts.inserted, count);
            }
        }
    }
}
