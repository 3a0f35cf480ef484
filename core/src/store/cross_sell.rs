//! The inputs of cross-sell whitespace (`read::cross_sell`): every account's
//! owners, segment and ARR, and the products each holds in the book's latest
//! snapshot month with their ARR. SQL only.
//! The latest month's rows are read from `snapshots_latest`, each account's
//! latest row per product (kept by `store::series`): an account holds a
//! product in the book's latest month when that row is of that month.

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
    /// byte order): one pass over the kept latest rows, no string kept.
    pub fn each_holding(&self, mut each: impl FnMut(&str, &str, Money)) -> StoreResult<()> {
        let Some(latest) = self.latest_month()? else { return Ok(()) };
        let mut statement = self.conn.prepare_cached(
            "SELECT account_id, product, arr_cents FROM snapshots_latest
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
    /// and product (ARR above zero), by account then product.
    pub fn holdings(&self) -> StoreResult<Vec<Holding>> {
        let Some(latest) = self.latest_month()? else { return Ok(Vec::new()) };
        let mut statement = self.conn.prepare(
            "SELECT account_id, product, arr_cents FROM snapshots_latest
             WHERE month = ?1 AND arr_cents > 0 ORDER BY account_id, product",
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

#[cfg(test)]
mod tests {
    use super::super::Store;
    use proptest::prelude::*;

    /// One write to the snapshots, as any writer might make it.
    #[derive(Debug, Clone)]
    enum Write {
        Insert { account: u8, product: u8, month: u8, cents: u8 },
        Replace { account: u8, product: u8, month: u8, cents: u8 },
        Upsert { account: u8, product: u8, month: u8, cents: u8 },
        Delete { account: u8, product: u8, month: u8 },
        DeleteAccount { account: u8 },
        Move { account: u8, product: u8, month: u8, to_product: u8, to_month: u8, cents: u8 },
    }

    fn write() -> impl Strategy<Value = Write> {
        let key = (0u8..3, 0u8..3, 0u8..6);
        prop_oneof![
            4 => (key.clone(), 0u8..4).prop_map(|((account, product, month), cents)| {
                Write::Insert { account, product, month, cents }
            }),
            2 => (key.clone(), 0u8..4).prop_map(|((account, product, month), cents)| {
                Write::Replace { account, product, month, cents }
            }),
            3 => (key.clone(), 0u8..4).prop_map(|((account, product, month), cents)| {
                Write::Upsert { account, product, month, cents }
            }),
            2 => key.clone().prop_map(|(account, product, month)| Write::Delete {
                account,
                product,
                month
            }),
            1 => (0u8..3).prop_map(|account| Write::DeleteAccount { account }),
            2 => (key, 0u8..3, 0u8..6, 0u8..4).prop_map(
                |((account, product, month), to_product, to_month, cents)| Write::Move {
                    account,
                    product,
                    month,
                    to_product,
                    to_month,
                    cents,
                }
            ),
        ]
    }

    const ACCOUNTS: [&str; 3] = ["A", "B", "C"];
    const PRODUCTS: [&str; 3] = ["Core", "Extra", "Zeta"];

    fn apply(store: &Store, write: &Write) {
        let conn = &store.conn;
        let account = |a: &u8| ACCOUNTS[*a as usize];
        let product = |p: &u8| PRODUCTS[*p as usize];
        let month = |m: &u8| 24_300 + i64::from(*m);
        let result = match write {
            Write::Insert { account: a, product: p, month: m, cents } => conn.execute(
                "INSERT OR IGNORE INTO snapshots (account_id, product, month, arr_cents)
                 VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![account(a), product(p), month(m), i64::from(*cents) * 100],
            ),
            Write::Replace { account: a, product: p, month: m, cents } => conn.execute(
                "INSERT OR REPLACE INTO snapshots (account_id, product, month, arr_cents)
                 VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![account(a), product(p), month(m), i64::from(*cents) * 100],
            ),
            // As an import writes a row (the store's upsert).
            Write::Upsert { account: a, product: p, month: m, cents } => conn.execute(
                "INSERT INTO snapshots (account_id, product, month, arr_cents)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (account_id, product, month) DO UPDATE
                 SET arr_cents = excluded.arr_cents WHERE arr_cents IS NOT excluded.arr_cents",
                rusqlite::params![account(a), product(p), month(m), i64::from(*cents) * 100],
            ),
            Write::Delete { account: a, product: p, month: m } => conn.execute(
                "DELETE FROM snapshots WHERE account_id = ?1 AND product = ?2 AND month = ?3",
                rusqlite::params![account(a), product(p), month(m)],
            ),
            // Through the accounts' cascade, as deleting an account does.
            Write::DeleteAccount { account: a } => {
                conn.execute("DELETE FROM accounts WHERE id = ?1", [account(a)]).and_then(|_| {
                    conn.execute("INSERT INTO accounts (id, name) VALUES (?1, ?1)", [account(a)])
                })
            }
            Write::Move { account: a, product: p, month: m, to_product, to_month, cents } => conn
                .execute(
                    "UPDATE OR REPLACE snapshots SET product = ?4, month = ?5, arr_cents = ?6
                     WHERE account_id = ?1 AND product = ?2 AND month = ?3",
                    rusqlite::params![
                        account(a),
                        product(p),
                        month(m),
                        product(to_product),
                        month(to_month),
                        i64::from(*cents) * 100
                    ],
                ),
        };
        result.expect("write");
    }

    fn kept(store: &Store) -> Vec<(String, String, i64, i64)> {
        rows(store, "SELECT account_id, product, month, arr_cents FROM snapshots_latest")
    }

    fn recomputed(store: &Store) -> Vec<(String, String, i64, i64)> {
        rows(
            store,
            "SELECT account_id, product, max(month), arr_cents FROM snapshots
             GROUP BY account_id, product",
        )
    }

    fn rows(store: &Store, sql: &str) -> Vec<(String, String, i64, i64)> {
        let mut found: Vec<_> = store
            .conn
            .prepare(sql)
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("query")
            .map(|r| r.expect("row"))
            .collect();
        found.sort();
        found
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// The kept latest rows equal those computed from the snapshots
        /// after any sequence of inserts, replaces, upserts, deletes (one row
        /// or a whole account) and moves to another product or month.
        #[test]
        fn the_kept_latest_rows_are_what_the_snapshots_say(
            writes in proptest::collection::vec(write(), 0..40)
        ) {
            let store = Store::open_in_memory().expect("store");
            store
                .conn
                .execute_batch(
                    "PRAGMA foreign_keys = ON;
                     INSERT INTO accounts (id, name) VALUES ('A', 'A'), ('B', 'B'), ('C', 'C');",
                )
                .expect("accounts");
            for write in &writes {
                apply(&store, write);
                prop_assert_eq!(kept(&store), recomputed(&store), "after {:?}", write);
            }
        }
    }

    /// The holdings are the latest month's rows with ARR, whatever month
    /// each account's own latest row is of: C's latest row is older, and B
    /// holds Extra at zero.
    #[test]
    fn holdings_are_the_books_latest_month_rows_with_arr() {
        let store = Store::open_in_memory().expect("store");
        store
            .conn
            .execute_batch(
                "INSERT INTO accounts (id, name) VALUES ('A', 'A'), ('B', 'B'), ('C', 'C');
                 INSERT INTO snapshots (account_id, product, month, arr_cents) VALUES
                   ('A', 'Core', 24299, 100), ('A', 'Core', 24300, 250),
                   ('A', 'Extra', 24300, 75), ('B', 'Core', 24300, 400),
                   ('B', 'Extra', 24300, 0), ('C', 'Core', 24299, 900);",
            )
            .expect("snapshots");
        let holdings: Vec<(String, String, i64)> = store
            .holdings()
            .expect("holdings")
            .into_iter()
            .map(|h| (h.account_id, h.product, h.arr.0))
            .collect();
        let expected = [("A", "Core", 250), ("A", "Extra", 75), ("B", "Core", 400)];
        let expected: Vec<(String, String, i64)> =
            expected.iter().map(|(a, p, c)| (a.to_string(), p.to_string(), *c)).collect();
        assert_eq!(holdings, expected);
        let mut each = Vec::new();
        store.each_holding(|a, p, m| each.push((a.to_string(), p.to_string(), m.0))).expect("each");
        assert_eq!(each, expected);
    }
}
