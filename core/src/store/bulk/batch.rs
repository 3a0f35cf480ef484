//! The import's loads into empty tables: snapshots, accounts, contracts and
//! notes written many rows to a statement (see `store::many`), in key order.

use super::BulkImport;
use crate::domain::{Account, Contract, Money, Month, Note};
use crate::store::StoreResult;
use crate::store::format::{iso_date, rfc3339};
use crate::store::many::insert_many;
use crate::store::note_key::note_key;
use crate::store::records::{ACCOUNT_COLUMNS, account_sql_columns};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::OptionalExtension;

pub use crate::store::many::ROWS_PER_STATEMENT;

/// A snapshot for a load into an empty table; its account and product are
/// positions in the lists handed to [`BulkImport::insert_snapshots`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewSnapshot {
    pub account: u32,
    pub product: u32,
    pub month: Month,
    pub arr: Money,
    pub units: Option<i64>,
}

/// The text at `index` in `list`; a position out of range is a caller's bug.
fn text(list: &[String], index: u32) -> rusqlite::Result<&str> {
    list.get(index as usize).map(String::as_str).ok_or(rusqlite::Error::InvalidQuery)
}

impl BulkImport<'_> {
    /// Inserts snapshots into a table that was empty when the import began
    /// and holds none of these keys. Fastest when rows come in key order
    /// (account, product, month).
    pub fn insert_snapshots(
        &mut self,
        ids: &[String],
        products: &[String],
        rows: &[NewSnapshot],
    ) -> StoreResult<()> {
        insert_many(
            self.conn,
            "INSERT",
            "snapshots (account_id, product, month, arr_cents, units)",
            5,
            rows,
            |statement, at, row| {
                statement.raw_bind_parameter(at, text(ids, row.account)?)?;
                statement.raw_bind_parameter(at + 1, text(products, row.product)?)?;
                statement.raw_bind_parameter(at + 2, row.month.0)?;
                statement.raw_bind_parameter(at + 3, row.arr.0)?;
                statement.raw_bind_parameter(at + 4, row.units)
            },
        )?;
        Ok(())
    }

    /// The (product, month) keys stored for one account, to check a file
    /// that gives an account's rows in more than one place.
    pub fn snapshot_keys(&self, account_id: &str) -> StoreResult<Vec<(String, Month)>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT product, month FROM snapshots WHERE account_id = ?1")?;
        let keys = statement
            .query_map([account_id], |row| Ok((row.get(0)?, Month(row.get(1)?))))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(keys)
    }
}

impl BulkImport<'_> {
    /// Inserts new accounts into a table that was empty when the import
    /// began (so every account in it is one of these), with their first stage and
    /// (when given) health recorded in the history as `who` at `at` for
    /// `reason`, as [`BulkImport::insert_account`] and the history writers
    /// do one by one.
    pub fn insert_new_accounts(
        &mut self,
        accounts: &[Account],
        today: NaiveDate,
        at: DateTime<Utc>,
        who: &str,
        reason: &str,
    ) -> StoreResult<()> {
        self.insert_new_account_rows(accounts, today)?;
        self.start_new_accounts_history(at, who, reason)
    }

    /// Inserts new accounts into a table that was empty when the import
    /// began, without their history: the load writes them batch by batch
    /// as the file is read, then calls [`Self::start_new_accounts_history`]
    /// once. Fastest in id order (each lands at the end of the table).
    pub fn insert_new_account_rows(
        &mut self,
        accounts: &[Account],
        today: NaiveDate,
    ) -> StoreResult<()> {
        let today = iso_date(today);
        let width = ACCOUNT_COLUMNS.len();
        let head = format!("accounts ({}, stage_since, health_since)", account_sql_columns(""));
        insert_many(self.conn, "INSERT", &head, width + 2, accounts, |statement, at, account| {
            for (offset, column) in ACCOUNT_COLUMNS.iter().enumerate() {
                statement.raw_bind_parameter(at + offset, (column.get)(account))?;
            }
            statement.raw_bind_parameter(at + width, today.as_str())?;
            statement.raw_bind_parameter(at + width + 1, account.health.map(|_| today.as_str()))
        })?;
        Ok(())
    }

    /// Starts the stage and health history of every account of a table
    /// that was empty when the import began (all of them are new), unless
    /// the import brings its own history.
    pub fn start_new_accounts_history(
        &mut self,
        at: DateTime<Utc>,
        who: &str,
        reason: &str,
    ) -> StoreResult<()> {
        if !self.history {
            return Ok(());
        }
        // Every new account's stage, and its health when it has one, start
        // the history; read back in one pass rather than bound row by row.
        let at = rfc3339(at);
        self.conn.execute(
            "INSERT INTO stage_changes (account_id, at, who, stage, reason)
             SELECT id, ?1, ?2, stage, ?3 FROM accounts ORDER BY id",
            rusqlite::params![at, who, reason],
        )?;
        self.conn.execute(
            "INSERT INTO health_changes (account_id, at, who, health, reason)
             SELECT id, ?1, ?2, health, ?3 FROM accounts WHERE health IS NOT NULL ORDER BY id",
            rusqlite::params![at, who, reason],
        )?;
        Ok(())
    }

    /// Inserts contracts into a table that was empty when the import began,
    /// skipping any whose id is already stored; returns how many were
    /// written. Contracts get row ids in the order written, from 1.
    pub fn insert_new_contracts(&mut self, contracts: &[Contract]) -> StoreResult<usize> {
        insert_many(
            self.conn,
            "INSERT OR IGNORE",
            "contracts (id, account_id, product, start_date, end_date, arr_cents, units, billing,
                        terminated_on)",
            9,
            contracts,
            |statement, at, contract| {
                statement.raw_bind_parameter(at, contract.id.as_str())?;
                statement.raw_bind_parameter(at + 1, contract.account_id.as_str())?;
                statement.raw_bind_parameter(at + 2, contract.product.as_str())?;
                statement.raw_bind_parameter(at + 3, iso_date(contract.start_date))?;
                statement.raw_bind_parameter(at + 4, iso_date(contract.end_date))?;
                statement.raw_bind_parameter(at + 5, contract.arr.0)?;
                statement.raw_bind_parameter(at + 6, contract.units)?;
                statement.raw_bind_parameter(at + 7, contract.billing.as_str())?;
                statement.raw_bind_parameter(at + 8, contract.terminated_on.map(iso_date))
            },
        )
    }

    /// The row id of the stored contract with this id.
    pub fn contract_rowid(&self, id: &str) -> StoreResult<Option<i64>> {
        let mut statement =
            self.conn.prepare_cached("SELECT rowid FROM contracts WHERE id = ?1")?;
        Ok(statement.query_row([id], |row| row.get(0)).optional()?)
    }

    /// Inserts notes into a table that was empty when the import began,
    /// skipping any whose account, time and text are already stored; returns
    /// how many were written. Notes get ids in the order written, from 1.
    pub fn insert_new_notes(&mut self, notes: &[Note]) -> StoreResult<usize> {
        insert_many(
            self.conn,
            "INSERT OR IGNORE",
            "notes (account_id, at, kind, text, who, note_key)",
            6,
            notes,
            |statement, at, note| {
                let time = rfc3339(note.at);
                statement.raw_bind_parameter(at, note.account_id.as_str())?;
                statement.raw_bind_parameter(at + 2, note.kind.as_str())?;
                statement.raw_bind_parameter(at + 3, note.text.as_str())?;
                statement.raw_bind_parameter(at + 4, note.who.as_str())?;
                statement.raw_bind_parameter(at + 5, note_key(&time, &note.text))?;
                statement.raw_bind_parameter(at + 1, time)
            },
        )
    }

    /// The id of the stored note with this account, time and text (found by
    /// its key, then the time and text compared).
    pub fn note_id(&self, note: &Note) -> StoreResult<Option<i64>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT id FROM notes
             WHERE account_id = ?1 AND note_key = ?3 AND at = ?2 AND text = ?4",
        )?;
        let time = rfc3339(note.at);
        let key = note_key(&time, &note.text);
        let id = statement
            .query_row(rusqlite::params![note.account_id, time, key, note.text], |row| row.get(0))
            .optional()?;
        Ok(id)
    }

    /// Sets every account's last touch to the given day (`None`: no touch),
    /// for a load that read every note of the book.
    pub fn set_last_touches(&mut self, touches: &[(&str, NaiveDate)]) -> StoreResult<()> {
        let mut facts = super::AccountFacts::new(vec![super::Fact::Null], touches.len());
        for (id, day) in touches {
            facts.push(id, &[super::Fact::Date(*day)]);
        }
        super::set_account_columns(self.conn, &["last_touch"], facts)?;
        Ok(())
    }
}
