//! ARR snapshots: reading them for the retention metrics, and inserting them
//! (tests, benchmarks; the CSV importer has its own validated path).
//!
//! The whole book's ARR grid comes from the per-account series kept in
//! `store::series` (one row per account); a product's grid, or any grid while
//! some series are stale, streams snapshot rows in the table's key order
//! (account, product, month) in one scan with no sort.

use super::{Store, StoreResult};
use crate::domain::arr_grid::ArrGrid;
use crate::domain::{Money, Month};
use rusqlite::params;
use rusqlite::types::ValueRef;

/// One snapshot row as the schema holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRow {
    pub account_id: String,
    pub product: String,
    pub month: Month,
    pub arr: Money,
    pub units: Option<i64>,
}

impl Store {
    /// Every account's total ARR per month from the stored series (see
    /// [`Store::each_series_month`]); `None` when some series are stale.
    pub(crate) fn grid_from_series(
        &self,
        first: Month,
        last: Month,
    ) -> StoreResult<Option<ArrGrid>> {
        let mut builder = ArrGrid::builder(first, last);
        let fresh = self.each_series_month(|id, month, arr| builder.push(id, month, arr))?;
        Ok(fresh.then(|| builder.build()))
    }

    /// The first and last months with a snapshot, if any.
    pub fn snapshot_month_range(&self) -> StoreResult<Option<(Month, Month)>> {
        super::series::month_range(&self.conn)
    }

    /// The product names that have snapshots, sorted.
    pub fn snapshot_products(&self) -> StoreResult<Vec<String>> {
        let mut statement =
            self.conn.prepare("SELECT DISTINCT product FROM snapshots ORDER BY product")?;
        let rows = statement.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<Result<Vec<String>, _>>()?)
    }

    /// Each account's ARR per month over the whole book, products added up
    /// (or only `product`'s ARR). The grid spans every month of the book, so
    /// per-product grids line up with the whole one.
    pub fn arr_grid(&self, product: Option<&str>) -> StoreResult<ArrGrid> {
        // One read transaction, so that the range and the rows agree.
        let tx = self.conn.unchecked_transaction()?;
        let Some((first, last)) = self.snapshot_month_range()? else {
            return Ok(ArrGrid::builder(Month(0), Month(-1)).build());
        };
        if product.is_none()
            && let Some(grid) = self.grid_from_series(first, last)?
        {
            drop(tx);
            return Ok(grid);
        }
        let mut builder = ArrGrid::builder(first, last);
        let sql = match product {
            Some(_) => {
                "SELECT account_id, month, arr_cents FROM snapshots WHERE product = ?1 \
                 ORDER BY account_id, product, month"
            }
            None => {
                "SELECT account_id, month, arr_cents FROM snapshots \
                 ORDER BY account_id, product, month"
            }
        };
        let mut statement = tx.prepare(sql)?;
        let mut rows = match product {
            Some(name) => statement.query(params![name])?,
            None => statement.query([])?,
        };
        while let Some(row) = rows.next()? {
            let account_id = match row.get_ref(0)? {
                ValueRef::Text(bytes) => std::str::from_utf8(bytes).unwrap_or_default(),
                _ => continue,
            };
            let month: i32 = row.get(1)?;
            let cents: i64 = row.get(2)?;
            builder.push(account_id, Month(month), Money(cents));
        }
        drop(rows);
        drop(statement);
        tx.finish()?;
        Ok(builder.build())
    }

    /// Inserts or replaces snapshots in one transaction. The accounts must exist.
    pub fn insert_snapshots(&self, rows: &[SnapshotRow]) -> StoreResult<()> {
        let tx = self.step()?;
        {
            let mut statement = tx.prepare_cached(
                "INSERT INTO snapshots (account_id, product, month, arr_cents, units) \
                 VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (account_id, product, month) DO UPDATE \
                 SET arr_cents = excluded.arr_cents, units = excluded.units",
            )?;
            for row in rows {
                statement.execute(params![
                    row.account_id,
                    row.product,
                    row.month.0,
                    super::amounts::stored_cents("ARR", row.arr)?,
                    row.units
                ])?;
            }
        }
        super::series::rebuild_stale(&tx)?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(text: &str) -> Month {
        Month::parse(text).expect("month")
    }

    fn row(account: &str, product: &str, m: &str, units: i64) -> SnapshotRow {
        SnapshotRow {
            account_id: account.into(),
            product: product.into(),
            month: month(m),
            arr: Money::from_units(units),
            units: None,
        }
    }

    #[test]
    fn the_grid_adds_products_and_filters_one() {
        let store = Store::open_in_memory().expect("store");
        crate::testkit::Book::new().accounts("id, name\nB, Bee\nA, Ay").write(&store);
        assert!(store.arr_grid(None).expect("empty").first_month().is_none());
        store
            .insert_snapshots(&[
                row("B", "Core", "2024-01", 100),
                row("B", "Add-on", "2024-01", 20),
                row("A", "Core", "2025-01", 70),
                row("B", "Core", "2025-01", 110),
            ])
            .expect("insert");
        assert_eq!(
            store.snapshot_month_range().expect("range"),
            Some((month("2024-01"), month("2025-01")))
        );
        assert_eq!(store.snapshot_products().expect("products"), vec!["Add-on", "Core"]);
        let all = store.arr_grid(None).expect("grid");
        assert_eq!(all.account_count(), 2);
        assert_eq!(all.arr_of("B", month("2024-01")), Money::from_units(120));
        assert_eq!(all.total_arr(month("2025-01")), Money::from_units(180));
        let add_on = store.arr_grid(Some("Add-on")).expect("grid");
        assert_eq!(add_on.account_count(), 1);
        assert_eq!(add_on.last_month(), Some(month("2025-01")));
        assert_eq!(add_on.arr_of("B", month("2025-01")), Money::ZERO);
        let unknown = store.arr_grid(Some("Nothing")).expect("grid");
        assert_eq!(unknown.account_count(), 0);
        // The stored series were rebuilt by the write, and read as they are.
        let stale: i64 = store
            .conn
            .query_row("SELECT count(*) FROM arr_series_stale", [], |r| r.get(0))
            .expect("stale");
        assert_eq!(stale, 0);
        let (first, last) = (month("2024-01"), month("2025-01"));
        assert_eq!(store.grid_from_series(first, last).expect("series"), Some(all.clone()));
        // A write by plain SQL marks the account stale: the grid then comes
        // from the snapshots and still sees it.
        store
            .conn
            .execute("UPDATE snapshots SET arr_cents = 0 WHERE account_id = 'A'", [])
            .expect("raw");
        assert_eq!(store.grid_from_series(first, last).expect("series"), None);
        assert_eq!(store.arr_grid(None).expect("grid").arr_of("A", last), Money::ZERO);
        assert_eq!(store.arr_grid(None).expect("grid").account_count(), 2);
    }
}
