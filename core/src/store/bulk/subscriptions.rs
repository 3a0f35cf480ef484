//! The store's side of subscriptions: their rows, and the snapshots and
//! contracts derived from them, replaced exactly inside an import.
//!
//! The snapshots of an (account, product) that has subscriptions are the
//! derived ones (the import refuses to mix the two sources on one product);
//! derived contracts carry the id of their subscription. Nothing here
//! derives: the rule lives in `domain::subscription`, the import applies it.

use super::*;
use crate::domain::subscription::{DerivedSnapshot, Interval, Subscription};
use crate::domain::{Billing, Day};
use std::collections::HashSet;

/// What replacing one set of derived rows did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DerivedWrites {
    pub inserted: u64,
    pub updated: u64,
    pub removed: u64,
}

impl DerivedWrites {
    pub fn add(&mut self, other: DerivedWrites) {
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.removed += other.removed;
    }

    pub fn is_empty(&self) -> bool {
        self.inserted == 0 && self.updated == 0 && self.removed == 0
    }
}

const SUBSCRIPTION_COLUMNS: &str =
    "id, account_id, product, start_date, amount_cents, interval, quantity, ended_on";

const SUBSCRIPTION_UPSERT: &str = "INSERT INTO subscriptions
     (id, account_id, product, start_date, amount_cents, interval, quantity, ended_on)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
     ON CONFLICT (id) DO UPDATE
     SET account_id = excluded.account_id, product = excluded.product,
         start_date = excluded.start_date, amount_cents = excluded.amount_cents,
         interval = excluded.interval, quantity = excluded.quantity,
         ended_on = excluded.ended_on";

const DERIVED_CONTRACT_UPSERT: &str = "INSERT INTO contracts
     (id, account_id, product, start_date, end_date, arr_cents, units, billing, terminated_on,
      subscription_id)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
     ON CONFLICT (id) DO UPDATE
     SET account_id = excluded.account_id, product = excluded.product,
         start_date = excluded.start_date, end_date = excluded.end_date,
         arr_cents = excluded.arr_cents, units = excluded.units,
         billing = excluded.billing, terminated_on = excluded.terminated_on,
         subscription_id = excluded.subscription_id";

fn subscription_from_row(row: &rusqlite::Row<'_>) -> StoreResult<Subscription> {
    let damaged = |what: &str, value: String| {
        super::super::StoreError::Invalid(format!("stored subscription {what} is damaged: {value}"))
    };
    let interval: String = row.get(5)?;
    Ok(Subscription {
        id: row.get(0)?,
        account_id: row.get(1)?,
        product: row.get(2)?,
        start_date: row.get::<_, Day>(3)?.date(),
        amount: Money(row.get(4)?),
        interval: Interval::parse(&interval).map_err(|e| damaged("interval", e.to_string()))?,
        quantity: row.get(6)?,
        ended_on: row.get::<_, Option<Day>>(7)?.map(Day::date),
    })
}

impl BulkImport<'_> {
    /// Every stored subscription by id.
    pub fn stored_subscriptions(&self) -> StoreResult<HashMap<String, Subscription>> {
        let mut statement =
            self.conn.prepare(&format!("SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions"))?;
        let mut rows = statement.query([])?;
        let mut subscriptions = HashMap::new();
        while let Some(row) = rows.next()? {
            let subscription = subscription_from_row(row)?;
            subscriptions.insert(subscription.id.clone(), subscription);
        }
        Ok(subscriptions)
    }

    /// Inserts or rewrites one subscription.
    pub fn upsert_subscription(&mut self, subscription: &Subscription) -> StoreResult<()> {
        self.conn.prepare_cached(SUBSCRIPTION_UPSERT)?.execute(params![
            subscription.id,
            subscription.account_id,
            subscription.product,
            iso_date(subscription.start_date),
            crate::store::amounts::stored_cents("amount", subscription.amount)?,
            subscription.interval.as_str(),
            subscription.quantity,
            subscription.ended_on.map(iso_date),
        ])?;
        Ok(())
    }

    /// The (account, product) pairs whose ARR comes from subscriptions.
    pub fn subscription_products(&self) -> StoreResult<HashSet<(String, String)>> {
        covered_products(self.conn)
    }

    /// The ids of the contracts derived from subscriptions.
    pub fn derived_contract_ids(&self) -> StoreResult<HashSet<String>> {
        derived_contracts(self.conn)
    }

    /// The snapshots stored for one account's product: how many, first and
    /// last month; `None` when there are none.
    pub fn snapshot_span(
        &self,
        account_id: &str,
        product: &str,
    ) -> StoreResult<Option<(u64, Month, Month)>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT count(*), min(month), max(month) FROM snapshots
             WHERE account_id = ?1 AND product = ?2",
        )?;
        let (count, first, last): (i64, Option<i32>, Option<i32>) = statement
            .query_row(params![account_id, product], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })?;
        Ok(match (first, last) {
            (Some(first), Some(last)) => Some((count.max(0) as u64, Month(first), Month(last))),
            _ => None,
        })
    }

    /// Whether a contract with this id is stored, and the subscription it
    /// was derived from (`Some(None)`: imported from a contracts file).
    pub fn contract_source(&self, id: &str) -> StoreResult<Option<Option<String>>> {
        let mut statement =
            self.conn.prepare_cached("SELECT subscription_id FROM contracts WHERE id = ?1")?;
        let mut rows = statement.query([id])?;
        Ok(match rows.next()? {
            Some(row) => Some(row.get(0)?),
            None => None,
        })
    }

    /// Makes one account's product's snapshots exactly `derived`: rows
    /// missing are inserted, different ones updated, others removed.
    pub fn replace_derived_snapshots(
        &mut self,
        account_id: &str,
        product: &str,
        derived: &[DerivedSnapshot],
    ) -> StoreResult<DerivedWrites> {
        let mut stored: HashMap<i32, (i64, Option<i64>)> = HashMap::new();
        {
            let mut statement = self.conn.prepare_cached(
                "SELECT month, arr_cents, units FROM snapshots WHERE account_id = ?1 AND product = ?2",
            )?;
            let mut rows = statement.query(params![account_id, product])?;
            while let Some(row) = rows.next()? {
                stored.insert(row.get(0)?, (row.get(1)?, row.get(2)?));
            }
        }
        let mut writes = DerivedWrites::default();
        for snapshot in derived {
            let before = stored.remove(&snapshot.month.0);
            if before == Some((snapshot.arr.cents(), Some(snapshot.units))) {
                continue;
            }
            self.upsert_snapshot(
                account_id,
                product,
                snapshot.month,
                snapshot.arr,
                Some(snapshot.units),
            )?;
            if before.is_some() {
                writes.updated += 1;
            } else {
                writes.inserted += 1;
            }
        }
        let mut delete = self.conn.prepare_cached(
            "DELETE FROM snapshots WHERE account_id = ?1 AND product = ?2 AND month = ?3",
        )?;
        for month in stored.keys() {
            writes.removed += delete.execute(params![account_id, product, month])? as u64;
        }
        Ok(writes)
    }

    /// Makes the contracts derived from subscription `id` exactly `derived`.
    pub fn replace_subscription_contracts(
        &mut self,
        id: &str,
        derived: &[Contract],
    ) -> StoreResult<DerivedWrites> {
        let mut stored: HashMap<String, Contract> = HashMap::new();
        {
            let mut statement = self.conn.prepare_cached(
                "SELECT id, account_id, product, start_date, end_date, arr_cents, units,
                        billing, terminated_on
                 FROM contracts WHERE subscription_id = ?1",
            )?;
            let mut rows = statement.query([id])?;
            while let Some(row) = rows.next()? {
                let billing: String = row.get(7)?;
                let contract = Contract {
                    id: row.get(0)?,
                    account_id: row.get(1)?,
                    product: row.get(2)?,
                    start_date: row.get::<_, Day>(3)?.date(),
                    end_date: row.get::<_, Day>(4)?.date(),
                    arr: Money(row.get(5)?),
                    units: row.get(6)?,
                    billing: Billing::parse(&billing).unwrap_or(Billing::Annual),
                    terminated_on: row.get::<_, Option<Day>>(8)?.map(Day::date),
                };
                stored.insert(contract.id.clone(), contract);
            }
        }
        let mut writes = DerivedWrites::default();
        for contract in derived {
            let before = stored.remove(&contract.id);
            if before.as_ref() == Some(contract) {
                continue;
            }
            self.conn.prepare_cached(DERIVED_CONTRACT_UPSERT)?.execute(params![
                contract.id,
                contract.account_id,
                contract.product,
                iso_date(contract.start_date),
                iso_date(contract.end_date),
                crate::store::amounts::stored_cents("ARR", contract.arr)?,
                contract.units,
                contract.billing.as_str(),
                contract.terminated_on.map(iso_date),
                id,
            ])?;
            if before.is_some() {
                writes.updated += 1;
            } else {
                writes.inserted += 1;
            }
        }
        let mut delete = self.conn.prepare_cached("DELETE FROM contracts WHERE id = ?1")?;
        for contract_id in stored.keys() {
            writes.removed += delete.execute([contract_id])? as u64;
        }
        Ok(writes)
    }
}

/// The (account, product) pairs whose ARR comes from subscriptions.
fn covered_products(conn: &Connection) -> StoreResult<HashSet<(String, String)>> {
    let mut statement = conn.prepare("SELECT DISTINCT account_id, product FROM subscriptions")?;
    let pairs = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<HashSet<_>, _>>()?;
    Ok(pairs)
}

/// The ids of the contracts derived from subscriptions.
fn derived_contracts(conn: &Connection) -> StoreResult<HashSet<String>> {
    let mut statement =
        conn.prepare("SELECT id FROM contracts WHERE subscription_id IS NOT NULL")?;
    let ids = statement.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
    Ok(ids)
}

impl Store {
    /// The (account, product) pairs whose snapshots are derived from
    /// subscriptions (every snapshot of such a pair is): what a full export
    /// leaves out of its snapshots when it writes the subscriptions.
    pub fn subscription_products(&self) -> StoreResult<HashSet<(String, String)>> {
        covered_products(&self.conn)
    }

    /// The ids of the contracts derived from subscriptions.
    pub fn derived_contract_ids(&self) -> StoreResult<HashSet<String>> {
        derived_contracts(&self.conn)
    }

    /// Calls `each` for every subscription, ordered by id.
    pub fn each_subscription(
        &self,
        mut each: impl FnMut(Subscription) -> StoreResult<()>,
    ) -> StoreResult<()> {
        let mut statement = self
            .conn
            .prepare(&format!("SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions ORDER BY id"))?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            each(subscription_from_row(row)?)?;
        }
        Ok(())
    }
}
