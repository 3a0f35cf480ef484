//! Potential absorption per account and product (the `potentials` table, with
//! `accounts.potential_units` as the fallback), and the one load the 4A board
//! and the targets list share: every account's position in a handful of
//! queries over `accounts` and small tables (`from_rows`: the same from the
//! book rows already in memory, which is what the panes open with). SQL
//! only; the arithmetic is in `metrics::absorption`.

use super::stages::{conversion, date_text, parse_date};
use super::{Store, StoreError, StoreResult};
use crate::domain::tier::assign_tiers;
use crate::domain::{Config, Health, Money, Month, Stage};
use crate::metrics::absorption::{
    AccountAbsorption, BookAbsorption, ProductLine, account_absorption, book_totals,
};
use crate::metrics::board::AccountPosition;
use crate::metrics::targets::{RED_SPELL_DAYS, TargetList};
use chrono::NaiveDate;
use rusqlite::{Connection, params};
use std::collections::{BTreeMap, HashMap, HashSet};

fn check_units(units: Option<i64>) -> StoreResult<()> {
    match units {
        Some(u) if u < 0 => Err(StoreError::Invalid(format!("potential units {u} is negative"))),
        _ => Ok(()),
    }
}

/// The stored words, matched without allocating (100,000 rows per open).
fn stage_word(word: &str) -> Option<Stage> {
    Stage::ALL.into_iter().find(|stage| stage.as_str() == word)
}

fn health_word(word: &str) -> Option<Health> {
    Health::ALL.into_iter().find(|health| health.as_str() == word)
}

mod from_rows;

pub use from_rows::RedSpells;

impl Store {
    /// The latest month the book has snapshots for.
    pub fn latest_month(&self) -> StoreResult<Option<Month>> {
        let month: Option<i32> = super::series::latest_month(&self.conn)?.map(|m| m.0);
        Ok(month.map(Month))
    }

    /// Sets (or with `None` clears) the potential units of one product.
    pub fn set_potential(
        &self,
        account_id: &str,
        product: &str,
        units: Option<i64>,
    ) -> StoreResult<()> {
        self.account_name(account_id)?;
        check_units(units)?;
        let product = product.trim();
        if product.is_empty() {
            return Err(StoreError::Invalid("a potential needs a product".to_string()));
        }
        match units {
            Some(units) => self.conn.execute(
                "INSERT INTO potentials (account_id, product, units) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account_id, product) DO UPDATE SET units = excluded.units",
                params![account_id, product, units],
            )?,
            None => self.conn.execute(
                "DELETE FROM potentials WHERE account_id = ?1 AND product = ?2",
                params![account_id, product],
            )?,
        };
        Ok(())
    }

    /// Sets (or clears) the account-level potential, used when no product has one.
    pub fn set_account_potential(&self, account_id: &str, units: Option<i64>) -> StoreResult<()> {
        check_units(units)?;
        let changed = self.conn.execute(
            "UPDATE accounts SET potential_units = ?2 WHERE id = ?1",
            params![account_id, units],
        )?;
        if changed == 0 {
            return Err(StoreError::Invalid(format!("no account {account_id:?} in this book")));
        }
        Ok(())
    }

    /// The account's product lines at the latest month, with potentials; a
    /// product with a potential but no ARR yet is listed with zero.
    pub fn product_lines(&self, account_id: &str) -> StoreResult<Vec<ProductLine>> {
        let mut lines: BTreeMap<String, ProductLine> = BTreeMap::new();
        if let Some(latest) = self.latest_month()? {
            let mut statement = self.conn.prepare(
                "SELECT product, arr_cents, units FROM snapshots WHERE account_id = ?1 AND month = ?2",
            )?;
            let rows = statement.query_map(params![account_id, latest.0], |r| {
                Ok(ProductLine {
                    product: r.get(0)?,
                    arr: Money::from_cents(r.get(1)?),
                    units: r.get(2)?,
                    potential_units: None,
                })
            })?;
            for row in rows {
                let line = row?;
                lines.insert(line.product.clone(), line);
            }
        }
        let mut statement =
            self.conn.prepare("SELECT product, units FROM potentials WHERE account_id = ?1")?;
        let rows = statement
            .query_map([account_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (product, units) = row?;
            lines
                .entry(product.clone())
                .or_insert(ProductLine {
                    product,
                    arr: Money::ZERO,
                    units: Some(0),
                    potential_units: None,
                })
                .potential_units = Some(units);
        }
        Ok(lines.into_values().collect())
    }

    /// For every product held at the latest month or with a potential set,
    /// the accounts that hold it or have that potential: one pass over the
    /// latest month, for the targets' product filter.
    pub fn product_holders_all(&self) -> StoreResult<BTreeMap<String, HashSet<String>>> {
        let latest = self.latest_month()?.map_or(i32::MIN, |m| m.0);
        let mut statement = self.conn.prepare(
            "SELECT product, account_id FROM snapshots WHERE month = ?1 AND arr_cents > 0
             UNION ALL SELECT product, account_id FROM potentials",
        )?;
        let mut rows = statement.query([latest])?;
        let mut holders: BTreeMap<String, HashSet<String>> = BTreeMap::new();
        while let Some(row) = rows.next()? {
            holders.entry(row.get(0)?).or_default().insert(row.get(1)?);
        }
        Ok(holders)
    }

    /// Every account manager named on an account, once each, in byte order
    /// (the targets list's AM filter cycles through them).
    pub fn account_managers(&self) -> StoreResult<Vec<String>> {
        let mut statement =
            self.conn.prepare("SELECT DISTINCT am FROM accounts WHERE am <> '' ORDER BY am")?;
        let rows = statement.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Accounts that hold `product` at the latest month or have a potential set for it.
    pub fn product_holders(&self, product: &str) -> StoreResult<HashSet<String>> {
        let latest = self.latest_month()?.map_or(i32::MIN, |m| m.0);
        let mut statement = self.conn.prepare(
            "SELECT account_id FROM snapshots WHERE month = ?1 AND product = ?2 AND arr_cents > 0
             UNION SELECT account_id FROM potentials WHERE product = ?2",
        )?;
        let rows = statement.query_map(params![latest, product], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every account's position for `today`: owners, stage and since when,
    /// health, ARR, Pareto tier, absorption and whitespace, next renewal, and
    /// whether it was red in the last `RED_SPELL_DAYS` days. One query over
    /// `accounts`, plus the future contract ends, the potentials table and the
    /// recent red health changes.
    pub fn account_positions(&self, today: NaiveDate) -> StoreResult<Vec<AccountPosition>> {
        let tiers_config = Config::default();
        self.account_positions_with(today, &tiers_config)
    }

    /// As `account_positions`, with the book's configured tier cuts.
    pub fn account_positions_with(
        &self,
        today: NaiveDate,
        config: &Config,
    ) -> StoreResult<Vec<AccountPosition>> {
        // Accounts are read in id order, as the renewals come, and merged.
        let renewals = self.next_renewals_by_account(today)?;
        let mut next = renewals.into_iter().peekable();
        let lines = self.potential_lines()?;
        let red = self.red_recently(today)?;
        let mut statement = self.conn.prepare(
            "SELECT a.id, a.name, a.csm, a.am, a.stage,
                    COALESCE(a.stage_since, (SELECT MAX(at) FROM stage_changes s WHERE s.account_id = a.id)),
                    a.health, a.arr_cents, a.units, a.potential_units
             FROM accounts a ORDER BY a.id",
        )?;
        let rows = statement.query_map([], |row| {
            let id: String = row.get(0)?;
            while next.next_if(|(account, _)| account.as_str() < id.as_str()).is_some() {}
            let next_renewal = next.next_if(|(account, _)| *account == id).map(|(_, day)| day);
            let stage = stage_word(row.get_ref(4)?.as_str()?)
                .map_or_else(|| conversion(4, Stage::parse(row.get_ref(4)?.as_str()?)), Ok)?;
            let since = row.get_ref(5)?.as_str_or_null()?.and_then(parse_date);
            let health = match row.get_ref(6)?.as_str_or_null()? {
                None => None,
                Some(word) => {
                    Some(health_word(word).map_or_else(|| conversion(6, Health::parse(word)), Ok)?)
                }
            };
            let arr = Money::from_cents(row.get(7)?);
            let units: i64 = row.get(8)?;
            let potential: Option<i64> = row.get(9)?;
            let product_lines = lines.get(&id).map(Vec::as_slice).unwrap_or(&[]);
            Ok(AccountPosition {
                name: row.get(1)?,
                csm: row.get(2)?,
                am: row.get(3)?,
                stage,
                stage_since: since,
                red_recently: health == Some(Health::Red) || red.contains(&id),
                health,
                arr,
                tier: 0,
                absorption: account_absorption(arr, units, potential, product_lines),
                next_renewal,
                id,
            })
        })?;
        let mut positions: Vec<AccountPosition> = rows.collect::<Result<_, _>>()?;
        assign_position_tiers(&mut positions, config);
        Ok(positions)
    }
}

/// The accounts with a change to red on or after `today` − `RED_SPELL_DAYS`.
fn red_changes(conn: &Connection, today: NaiveDate) -> StoreResult<HashSet<String>> {
    let mut statement = conn.prepare_cached(RED_CHANGES)?;
    let rows = statement.query_map([red_since(today)], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The recent changes to red; the partial `health_changes_red` index (at,
/// account_id of the changes to red only) answers it alone, reading only
/// the window. No DISTINCT: it would walk the by-account index instead;
/// repeats are dropped by the caller.
const RED_CHANGES: &str = "SELECT account_id FROM health_changes WHERE health = 'red' AND at >= ?1";

fn red_since(today: NaiveDate) -> String {
    date_text(today - chrono::Duration::days(RED_SPELL_DAYS))
}

/// Pareto tiers by ARR (ties by id), as everywhere else.
fn assign_position_tiers(positions: &mut [AccountPosition], config: &Config) {
    {
        let mut order: Vec<usize> = (0..positions.len()).collect();
        order.sort_by(|&a, &b| {
            positions[b]
                .arr
                .cmp(&positions[a].arr)
                .then_with(|| positions[a].id.cmp(&positions[b].id))
        });
        let ranked: Vec<Money> = order.iter().map(|&i| positions[i].arr).collect();
        for (index, tier) in order.into_iter().zip(assign_tiers(&ranked, &config.tier_cuts_bp)) {
            positions[index].tier = tier;
        }
    }
}

impl Store {
    /// Product lines of the accounts that have product potentials.
    fn potential_lines(&self) -> StoreResult<HashMap<String, Vec<ProductLine>>> {
        let latest = self.latest_month()?.map_or(i32::MIN, |m| m.0);
        let mut statement = self.conn.prepare(
            "SELECT p.account_id, p.product, p.units, COALESCE(s.arr_cents, 0), COALESCE(s.units, 0)
             FROM potentials p
             LEFT JOIN snapshots s ON s.account_id = p.account_id AND s.product = p.product AND s.month = ?1",
        )?;
        let rows = statement.query_map([latest], |r| {
            Ok((
                r.get::<_, String>(0)?,
                ProductLine {
                    product: r.get(1)?,
                    potential_units: Some(r.get(2)?),
                    arr: Money::from_cents(r.get(3)?),
                    units: Some(r.get(4)?),
                },
            ))
        })?;
        let mut out: HashMap<String, Vec<ProductLine>> = HashMap::new();
        for row in rows {
            let (account, line) = row?;
            out.entry(account).or_default().push(line);
        }
        Ok(out)
    }

    /// Accounts with a change to red in the last `RED_SPELL_DAYS` days.
    fn red_recently(&self, today: NaiveDate) -> StoreResult<HashSet<String>> {
        red_changes(&self.conn, today)
    }

    /// One account's absorption figures (the account view's header).
    pub fn account_absorption(&self, account_id: &str) -> StoreResult<AccountAbsorption> {
        let (arr, units, potential): (i64, i64, Option<i64>) = self
            .conn
            .query_row(
                "SELECT arr_cents, units, potential_units FROM accounts WHERE id = ?1",
                [account_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => {
                    StoreError::Invalid(format!("no account {account_id:?} in this book"))
                }
                other => StoreError::Sql(other),
            })?;
        let lines = self.product_lines(account_id)?;
        Ok(account_absorption(Money::from_cents(arr), units, potential, &lines))
    }

    /// The book's installed ARR, potential ARR, whitespace and absorption %.
    pub fn book_absorption(&self, today: NaiveDate) -> StoreResult<BookAbsorption> {
        let positions = self.account_positions(today)?;
        Ok(book_totals(positions.iter().map(|p| (p.arr, &p.absorption))))
    }

    /// The hunter's ranked list (see `metrics::targets` for the rule); what
    /// the targets pane opens with and `cockpit targets` prints.
    pub fn target_list(&self, today: NaiveDate, config: &Config) -> StoreResult<TargetList> {
        Ok(TargetList::rank(self.account_positions_with(today, config)?, today))
    }
}

#[cfg(test)]
mod tests {
    use super::super::stages::fixture::*;
    use crate::domain::Money;
    use crate::metrics::targets::TargetFilter;

    #[test]
    fn positions_carry_absorption_whitespace_tier_and_renewal() {
        let store = book();
        let positions = store.account_positions(day(2025, 3, 1)).expect("positions");
        let acme = positions.iter().find(|p| p.id == "ACME").expect("acme");
        // 10 of 100 seats at 12,000 → 1,200 a seat × 90 = 108,000 whitespace.
        assert_eq!(acme.absorption.whitespace, Money::from_units(108_000));
        assert_eq!(acme.absorption.rate().map(|r| r.to_percent(0)), Some("10%".into()));
        assert_eq!(acme.next_renewal, Some(day(2025, 5, 31)));
        // Acme holds 12,000 of 17,000: tier 1; 70.6% of the ARR is above Beta, under the 75% cut → tier 2.
        assert_eq!(acme.tier, 1);
        assert_eq!(positions.iter().find(|p| p.id == "BETA").map(|p| p.tier), Some(2));
        assert_eq!(positions.iter().find(|p| p.id == "BETA").map(|p| p.stage_since), Some(None));
    }

    #[test]
    fn positions_from_book_rows_are_the_positions_read_from_the_store() {
        let store = book();
        let today = day(2025, 3, 1);
        let config = crate::domain::Config::default();
        let mut read = store.account_positions_with(today, &config).expect("read");
        let rows = store.book_rows(today).expect("rows");
        let mut built = store.account_positions_from_rows(&rows, today, &config).expect("built");
        read.sort_by(|a, b| a.id.cmp(&b.id));
        built.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(read, built);
        // Rows in another order than the book's get the same tiers (sorted for them).
        let reversed: Vec<_> = rows.iter().rev().cloned().collect();
        let mut built =
            store.account_positions_from_rows(&reversed, today, &config).expect("reversed");
        built.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(read, built);
    }

    #[test]
    fn product_potentials_override_the_account_level_and_can_be_cleared() {
        let store = book();
        store.set_potential("BETA", "Analytics", Some(40)).expect("set");
        let figures = store.account_absorption("BETA").expect("figures");
        // Analytics: 10 of 40 at 2,000 → 200 a unit × 30 = 6,000.
        assert_eq!(figures.whitespace, Money::from_units(6_000));
        assert_eq!(figures.rate().map(|r| r.to_percent(0)), Some("25%".into()));
        assert!(store.product_holders("Analytics").expect("holders").contains("BETA"));
        assert!(!store.product_holders("Analytics").expect("holders").contains("ACME"));
        let all = store.product_holders_all().expect("all");
        for (product, holders) in &all {
            assert_eq!(holders, &store.product_holders(product).expect("holders"), "{product}");
        }
        assert!(all.contains_key("Analytics"));
        store.set_potential("BETA", "Analytics", None).expect("clear");
        assert_eq!(store.account_absorption("BETA").expect("f").whitespace, Money::ZERO);
        store.set_account_potential("BETA", Some(60)).expect("account level");
        // 30 of 60 units at 5,000 → 5,000 whitespace.
        assert_eq!(
            store.account_absorption("BETA").expect("f").whitespace,
            Money::from_units(5_000)
        );
        assert!(store.set_potential("BETA", "Core", Some(-1)).is_err());
        assert!(store.set_account_potential("NOPE", Some(1)).is_err());
        let lines = store.product_lines("BETA").expect("lines");
        assert_eq!(
            lines.iter().map(|l| l.product.as_str()).collect::<Vec<_>>(),
            ["Analytics", "Core"]
        );
    }

    #[test]
    fn book_totals_and_targets_come_from_the_same_positions() {
        let store = book();
        let today = day(2025, 3, 1);
        let book_totals = store.book_absorption(today).expect("book");
        assert_eq!(book_totals.installed_arr, Money::from_units(17_000));
        assert_eq!(book_totals.whitespace, Money::from_units(108_000));
        assert_eq!(book_totals.absorption().map(|r| r.to_percent(0)), Some("10%".into()));
        let list = store.target_list(today, &crate::domain::Config::default()).expect("targets");
        let filter = TargetFilter::default();
        let rows: Vec<_> = list.rows(&filter).collect();
        assert_eq!(rows.len(), 1);
        // Acme: green 100% × addiction 20% × renews in 91 days 100% = 21,600.
        assert_eq!(rows[0].0.priority, Money::from_units(21_600));
    }
}
