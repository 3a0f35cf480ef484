//! Contracts: reading them as `Contract`s for renewal rates, and inserting
//! them (tests, benchmarks; the CSV importer has its own validated path).

use super::{Store, StoreError, StoreResult};
use crate::domain::{Billing, Contract, Day, Money};
use chrono::NaiveDate;
use rusqlite::{Row, params};

pub(super) const COLUMNS: &str =
    "id, account_id, product, start_date, end_date, arr_cents, units, billing, terminated_on";

fn parse_date(text: &str, column: &str, id: &str) -> StoreResult<NaiveDate> {
    let day = (text.len() == 10).then(|| Day::from_stored(text)).flatten();
    day.map(Day::date).ok_or_else(|| {
        StoreError::Invalid(format!("contract {id}: {column} {text:?} is not a date (YYYY-MM-DD)"))
    })
}

/// The raw text of a contract row (columns in the order of `COLUMNS`), parsed
/// outside SQLite's callback so errors stay typed. Every store file that reads
/// contracts decodes them through this one type.
pub(super) struct RawContract {
    pub(super) id: String,
    account_id: String,
    product: String,
    start_date: String,
    end_date: String,
    arr_cents: i64,
    units: Option<i64>,
    billing: String,
    terminated_on: Option<String>,
}

impl RawContract {
    pub(super) fn read(row: &Row<'_>) -> rusqlite::Result<RawContract> {
        Ok(RawContract {
            id: row.get(0)?,
            account_id: row.get(1)?,
            product: row.get(2)?,
            start_date: row.get(3)?,
            end_date: row.get(4)?,
            arr_cents: row.get(5)?,
            units: row.get(6)?,
            billing: row.get(7)?,
            terminated_on: row.get(8)?,
        })
    }

    /// A row in `COLUMNS`' order decoded as [`Self::into_contract`] does,
    /// its texts read in place: three strings made a contract, not seven
    /// (the backtest reads every contract of a long book).
    pub(super) fn decode(row: &Row<'_>) -> StoreResult<Contract> {
        let text = |at: usize| -> StoreResult<&str> {
            Ok(row.get_ref(at)?.as_str().map_err(rusqlite::Error::from)?)
        };
        let id = text(0)?;
        let billing = Billing::parse(text(7)?)
            .map_err(|e| StoreError::Invalid(format!("contract {id}: billing {e}")))?;
        let terminated = row.get_ref(8)?.as_str_or_null().map_err(rusqlite::Error::from)?;
        let terminated_on = match terminated {
            Some(text) => Some(parse_date(text, "terminated_on", id)?),
            None => None,
        };
        Ok(Contract {
            start_date: parse_date(text(3)?, "start_date", id)?,
            end_date: parse_date(text(4)?, "end_date", id)?,
            id: id.to_string(),
            account_id: text(1)?.to_string(),
            product: text(2)?.to_string(),
            arr: Money(row.get(5)?),
            units: row.get(6)?,
            billing,
            terminated_on,
        })
    }

    pub(super) fn into_contract(self) -> StoreResult<Contract> {
        let billing = Billing::parse(&self.billing)
            .map_err(|e| StoreError::Invalid(format!("contract {}: billing {e}", self.id)))?;
        let terminated_on = match &self.terminated_on {
            Some(text) => Some(parse_date(text, "terminated_on", &self.id)?),
            None => None,
        };
        Ok(Contract {
            start_date: parse_date(&self.start_date, "start_date", &self.id)?,
            end_date: parse_date(&self.end_date, "end_date", &self.id)?,
            id: self.id,
            account_id: self.account_id,
            product: self.product,
            arr: Money(self.arr_cents),
            units: self.units,
            billing,
            terminated_on,
        })
    }
}

impl Store {
    /// Every contract that can matter to renewal rates over `from..=to`:
    /// those overlapping the period widened by the renewal gap on both
    /// sides (contracts ending in it, their possible renewals, and
    /// multi-year contracts with an anniversary in it).
    pub fn contracts_around(&self, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<Contract>> {
        let gap = chrono::Duration::days(crate::domain::contract::RENEWAL_GAP_DAYS);
        let widened_to = (to + gap).format("%Y-%m-%d").to_string();
        let widened_from = (from - gap).format("%Y-%m-%d").to_string();
        self.read_contracts(
            &format!(
                "SELECT {COLUMNS} FROM contracts WHERE start_date <= ?1 AND end_date >= ?2 ORDER BY id"
            ),
            params![widened_to, widened_from],
        )
    }

    /// Every contract of the book, by id.
    pub fn all_contracts(&self) -> StoreResult<Vec<Contract>> {
        self.read_contracts(&format!("SELECT {COLUMNS} FROM contracts ORDER BY id"), params![])
    }

    pub(super) fn read_contracts(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> StoreResult<Vec<Contract>> {
        let mut statement = self.conn.prepare(sql)?;
        let raw = statement.query_map(params, RawContract::read)?;
        let mut contracts = Vec::new();
        for row in raw {
            contracts.push(row?.into_contract()?);
        }
        Ok(contracts)
    }

    /// Inserts or replaces contracts in one transaction. The accounts must exist.
    pub fn insert_contracts(&self, contracts: &[Contract]) -> StoreResult<()> {
        let tx = self.step()?;
        {
            let mut statement = tx.prepare_cached(&format!(
                "INSERT OR REPLACE INTO contracts ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ))?;
            let date = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
            for c in contracts {
                statement.execute(params![
                    c.id,
                    c.account_id,
                    c.product,
                    date(c.start_date),
                    date(c.end_date),
                    super::amounts::stored_cents("ARR", c.arr)?,
                    c.units,
                    c.billing.as_str(),
                    c.terminated_on.map(date),
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    fn contract(id: &str, start: &str, end: &str) -> Contract {
        Contract {
            id: id.into(),
            account_id: "A".into(),
            product: "Core".into(),
            start_date: date(start),
            end_date: date(end),
            arr: Money(12_345),
            units: Some(10),
            billing: Billing::Prepaid,
            terminated_on: Some(date("2025-06-30")),
        }
    }

    #[test]
    fn contracts_round_trip_and_the_window_includes_renewals() {
        let store = Store::open_in_memory().expect("store");
        crate::testkit::Book::new().accounts("id, name\nA, Ay").write(&store);
        let old = contract("C0", "2022-01-01", "2022-12-31");
        let ending = contract("C1", "2024-01-01", "2024-12-31");
        let follower = contract("C2", "2025-01-20", "2026-01-19");
        let far = contract("C3", "2026-06-01", "2027-05-31");
        store
            .insert_contracts(&[old.clone(), ending.clone(), follower.clone(), far.clone()])
            .expect("insert");
        assert_eq!(
            store.all_contracts().expect("all"),
            vec![old, ending.clone(), follower.clone(), far]
        );
        let around =
            store.contracts_around(date("2024-12-01"), date("2024-12-31")).expect("around");
        assert_eq!(around, vec![ending, follower]);
    }

    #[test]
    fn a_bad_date_in_the_database_is_reported() {
        let store = Store::open_in_memory().expect("store");
        crate::testkit::Book::new().accounts("id, name\nA, Ay").write(&store);
        // Written raw: the date is one no typed write can hold.
        store
            .conn
            .execute_batch(
                "INSERT INTO contracts (id, account_id, product, start_date, end_date, arr_cents)
                 VALUES ('C9', 'A', 'Core', '2024-02-30', '2025-01-01', 100);",
            )
            .expect("insert");
        let error = store.all_contracts().expect_err("refused").to_string();
        assert!(error.contains("contract C9: start_date \"2024-02-30\""), "{error}");
    }
}
