//! Potential absorption per account and product (the `potentials` table, with
//! `accounts.potential_units` as the fallback), and the rows of the one load
//! the 4A board and the targets list share: every account's position row in
//! a handful of queries over `accounts` and small tables, and the recent red
//! changes (`from_rows`: beside the book rows already in memory, which is
//! what the panes open with). SQL only; `read::positions` measures them.

use super::stages::{conversion, date_text, parse_date};
use super::{Store, StoreError, StoreResult};
use crate::domain::product_line::ProductLine;
use crate::domain::{Health, Money, Month, Stage};
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
            "SELECT product, account_id FROM snapshots_latest WHERE month = ?1 AND arr_cents > 0
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
            "SELECT account_id FROM snapshots_latest WHERE month = ?1 AND product = ?2 AND arr_cents > 0
             UNION SELECT account_id FROM potentials WHERE product = ?2",
        )?;
        let rows = statement.query_map(params![latest, product], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every account's position row, in id order: owners, stage and since
    /// when, health, ARR, units, the account-level potential, and the next
    /// renewal after `today`. One query over `accounts`, merged with the
    /// future contract ends.
    pub fn position_rows(&self, today: NaiveDate) -> StoreResult<Vec<PositionRow>> {
        // Accounts are read in id order, as the renewals come, and merged.
        let renewals = self.next_renewals_by_account(today)?;
        let mut next = renewals.into_iter().peekable();
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
            Ok(PositionRow {
                name: row.get(1)?,
                csm: row.get(2)?,
                am: row.get(3)?,
                stage,
                stage_since: since,
                health,
                arr: Money::from_cents(row.get(7)?),
                units: row.get(8)?,
                potential_units: row.get(9)?,
                next_renewal,
                id,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// One account's position as stored (see [`Store::position_rows`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionRow {
    pub id: String,
    pub name: String,
    pub csm: String,
    pub am: String,
    pub stage: Stage,
    /// Since when the account is in its stage, when known.
    pub stage_since: Option<NaiveDate>,
    pub health: Option<Health>,
    pub arr: Money,
    pub units: i64,
    /// The account-level potential, used when no product has one.
    pub potential_units: Option<i64>,
    /// The end of the next contract ending after today.
    pub next_renewal: Option<NaiveDate>,
}

/// The accounts with a change to red on or after `since`.
fn red_changes(conn: &Connection, since: NaiveDate) -> StoreResult<HashSet<String>> {
    let mut statement = conn.prepare_cached(RED_CHANGES)?;
    let rows = statement.query_map([date_text(since)], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The recent changes to red; the partial `health_changes_red` index (at,
/// account_id of the changes to red only) answers it alone, reading only
/// the window. No DISTINCT: it would walk the by-account index instead;
/// repeats are dropped by the caller.
const RED_CHANGES: &str = "SELECT account_id FROM health_changes WHERE health = 'red' AND at >= ?1";

impl Store {
    /// Product lines of the accounts that have product potentials.
    pub fn potential_lines(&self) -> StoreResult<HashMap<String, Vec<ProductLine>>> {
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

    /// Accounts with a change to red on or after `since`.
    pub fn red_changes_since(&self, since: NaiveDate) -> StoreResult<HashSet<String>> {
        red_changes(&self.conn, since)
    }

    /// One account's ARR, units and account-level potential (its absorption
    /// figures' input beside its product lines).
    pub fn absorption_input(&self, account_id: &str) -> StoreResult<(Money, i64, Option<i64>)> {
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
        Ok((Money::from_cents(arr), units, potential))
    }
}
