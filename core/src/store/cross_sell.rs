//! The inputs of cross-sell whitespace (`read::cross_sell`): every account's
//! owners, segment and ARR, and the products each holds in the book's latest
//! snapshot month with their ARR. SQL only.
//! The latest month's rows are one range of the index `snapshots_by_month`.

use super::{Store, StoreResult};
use crate::domain::Money;

/// One account as cross-sell sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossSellAccount {
    pub id: String,
    pub name: String,
    pub csm: String,
    pub am: String,
    pub segment: String,
    pub arr: Money,
}

/// One product an account holds: its ARR in the latest month (above zero).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding {
    pub account_id: String,
    pub product: String,
    pub arr: Money,
}

impl Store {
    /// Every account, in id order, without its name and owners (left
    /// empty): what the adoption grid and the candidates need, read in
    /// fewer columns.
    pub fn cross_sell_accounts_unnamed(&self) -> StoreResult<Vec<CrossSellAccount>> {
        let mut statement =
            self.conn.prepare("SELECT id, segment, arr_cents FROM accounts ORDER BY id")?;
        let rows = statement.query_map([], |row| {
            Ok(CrossSellAccount {
                id: row.get(0)?,
                name: String::new(),
                csm: String::new(),
                am: String::new(),
                segment: row.get(1)?,
                arr: Money::from_cents(row.get(2)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every account, in id order.
    pub fn cross_sell_accounts(&self) -> StoreResult<Vec<CrossSellAccount>> {
        let mut statement = self
            .conn
            .prepare("SELECT id, name, csm, am, segment, arr_cents FROM accounts ORDER BY id")?;
        let rows = statement.query_map([], |row| {
            Ok(CrossSellAccount {
                id: row.get(0)?,
                name: row.get(1)?,
                csm: row.get(2)?,
                am: row.get(3)?,
                segment: row.get(4)?,
                arr: Money::from_cents(row.get(5)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Calls `each(account id, product, ARR)` for every product held in the
    /// latest snapshot month (ARR above zero), by account then product (in
    /// byte order): one range of the index by month, no string kept.
    pub fn each_holding(&self, mut each: impl FnMut(&str, &str, Money)) -> StoreResult<()> {
        let Some(latest) = self.latest_month()? else { return Ok(()) };
        let mut statement = self.conn.prepare_cached(
            "SELECT account_id, product, arr_cents FROM snapshots
             WHERE month = ?1 AND arr_cents > 0 ORDER BY account_id, product",
        )?;
        let mut rows = statement.query([latest.0])?;
        while let Some(row) = rows.next()? {
            let (account, product) = (text(row, 0)?, text(row, 1)?);
            each(account, product, Money::from_cents(row.get(2)?));
        }
        Ok(())
    }

    /// The products held in the latest snapshot month, one row per account
    /// and product (its ARR summed), by account then product.
    pub fn holdings(&self) -> StoreResult<Vec<Holding>> {
        let Some(latest) = self.latest_month()? else { return Ok(Vec::new()) };
        let mut statement = self.conn.prepare(
            "SELECT account_id, product, SUM(arr_cents) FROM snapshots WHERE month = ?1
             GROUP BY account_id, product HAVING SUM(arr_cents) > 0 ORDER BY account_id, product",
        )?;
        let rows = statement.query_map([latest.0], |row| {
            Ok(Holding {
                account_id: row.get(0)?,
                product: row.get(1)?,
                arr: Money::from_cents(row.get(2)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A text column as borrowed from the row (no copy).
fn text<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> rusqlite::Result<&'r str> {
    row.get_ref(index)?.as_str().map_err(|error| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            Box::new(error),
        )
    })
}
