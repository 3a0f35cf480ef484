//! Whole-table readers for export, each row handed to a callback as a
//! domain value, in a stable order so that exports compare equal.

use super::SnapshotRecord;
use crate::domain::{Account, Billing, Contract, Day, Money, Month, Note, NoteKind};
use crate::store::records::{account_from_row, account_sql_columns};
use crate::store::{Store, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};

impl Store {
    /// Calls `each` for every account, ordered by id.
    pub fn each_account(
        &self,
        mut each: impl FnMut(Account) -> StoreResult<()>,
    ) -> StoreResult<()> {
        let sql = format!("SELECT {} FROM accounts ORDER BY id", account_sql_columns(""));
        let mut statement = self.conn.prepare(&sql)?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            each(account_from_row(row, 0)?)?;
        }
        Ok(())
    }

    /// Calls `each` for every snapshot, ordered by account, month and product.
    pub fn each_snapshot(
        &self,
        mut each: impl FnMut(SnapshotRecord) -> StoreResult<()>,
    ) -> StoreResult<()> {
        let mut statement = self.conn.prepare(
            "SELECT account_id, month, product, arr_cents, units FROM snapshots
             ORDER BY account_id, month, product",
        )?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            each(SnapshotRecord {
                account_id: row.get(0)?,
                month: Month(row.get(1)?),
                product: row.get(2)?,
                arr: Money(row.get(3)?),
                units: row.get(4)?,
            })?;
        }
        Ok(())
    }

    /// Calls `each` for every contract, ordered by id.
    pub fn each_contract(
        &self,
        mut each: impl FnMut(Contract) -> StoreResult<()>,
    ) -> StoreResult<()> {
        let mut statement = self.conn.prepare(
            "SELECT id, account_id, product, start_date, end_date, arr_cents, units, billing,
                    terminated_on
             FROM contracts ORDER BY id",
        )?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let billing: String = row.get(7)?;
            each(Contract {
                id: row.get(0)?,
                account_id: row.get(1)?,
                product: row.get(2)?,
                start_date: date_column(row, 3)?,
                end_date: date_column(row, 4)?,
                arr: Money(row.get(5)?),
                units: row.get(6)?,
                billing: Billing::parse(&billing).map_err(|e| invalid(7, e))?,
                terminated_on: optional_date_column(row, 8)?,
            })?;
        }
        Ok(())
    }

    /// Calls `each` for every note in the order they were written, so that
    /// an import of the export into an empty book gives each note its id again.
    pub fn each_note(&self, mut each: impl FnMut(Note) -> StoreResult<()>) -> StoreResult<()> {
        let mut statement =
            self.conn.prepare("SELECT account_id, at, kind, text, who FROM notes ORDER BY id")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let at: String = row.get(1)?;
            let kind: String = row.get(2)?;
            each(Note {
                account_id: row.get(0)?,
                at: DateTime::parse_from_rfc3339(&at)
                    .map_err(|e| invalid(1, e))?
                    .with_timezone(&Utc),
                kind: NoteKind::parse(&kind).map_err(|e| invalid(2, e))?,
                text: row.get(3)?,
                who: row.get(4)?,
            })?;
        }
        Ok(())
    }
}

fn date_column(row: &rusqlite::Row<'_>, index: usize) -> StoreResult<NaiveDate> {
    Ok(row.get::<_, Day>(index)?.date())
}

fn optional_date_column(row: &rusqlite::Row<'_>, index: usize) -> StoreResult<Option<NaiveDate>> {
    Ok(row.get::<_, Option<Day>>(index)?.map(Day::date))
}

fn invalid(index: usize, error: impl std::fmt::Display) -> crate::store::StoreError {
    crate::store::StoreError::Invalid(format!("stored value in column {index} is damaged: {error}"))
}
