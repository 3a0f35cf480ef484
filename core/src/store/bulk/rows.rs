//! The import's row writes: one account, health or stage change,
//! snapshot, contract or note at a time, through the import's cached
//! statements, each saying whether it changed anything.

use super::*;
use crate::store::records::{ACCOUNT_COLUMNS, Value, account_sql_columns};
use rusqlite::ToSql;
use std::sync::LazyLock;

/// A note whose key (account, time, text hash) is another text's: so rare
/// that it is said rather than handled (a second later, it is its own).
pub(crate) fn key_shared(note: &Note) -> String {
    format!(
        "the note of {} at {} has the same fingerprint as another note of that account with another time or text; move it by a second",
        note.account_id,
        rfc3339(note.at)
    )
}

impl BulkImport<'_> {
    /// Inserts a new account with the file's columns (absent ones default).
    pub fn insert_account(&mut self, account: &Account, today: NaiveDate) -> StoreResult<()> {
        static SQL: LazyLock<String> = LazyLock::new(|| {
            let width = ACCOUNT_COLUMNS.len();
            let places: Vec<String> = (1..=width + 2).map(|at| format!("?{at}")).collect();
            format!(
                "INSERT INTO accounts ({}, stage_since, health_since) VALUES ({})",
                account_sql_columns(""),
                places.join(", ")
            )
        });
        let today = iso_date(today);
        let health_since = account.health.map(|_| today.as_str());
        let values: Vec<Value> =
            ACCOUNT_COLUMNS.iter().map(|column| (column.get)(account)).collect();
        let mut bound: Vec<&dyn ToSql> = values.iter().map(|value| value as &dyn ToSql).collect();
        bound.push(&today);
        bound.push(&health_since);
        self.conn.prepare_cached(&SQL)?.execute(bound.as_slice())?;
        Ok(())
    }

    /// Rewrites a stored account's editable columns; `*_since` dates move only
    /// when the stage or health itself moves.
    pub fn update_account(
        &mut self,
        account: &Account,
        stage_moved: bool,
        health_moved: bool,
        today: NaiveDate,
    ) -> StoreResult<()> {
        // ?1 is the id; the other columns follow in record order, then the
        // two moves and today.
        static SQL: LazyLock<String> = LazyLock::new(|| {
            let width = ACCOUNT_COLUMNS.len();
            let set: Vec<String> = ACCOUNT_COLUMNS
                .iter()
                .enumerate()
                .skip(1)
                .map(|(at, column)| format!("{} = ?{}", column.sql, at + 1))
                .collect();
            let (stage, health, today) = (width + 1, width + 2, width + 3);
            format!(
                "UPDATE accounts SET {},
                    stage_since = CASE WHEN ?{stage} THEN ?{today} ELSE stage_since END,
                    health_since = CASE WHEN ?{health} THEN ?{today} ELSE health_since END
                 WHERE id = ?1",
                set.join(", ")
            )
        });
        let today = iso_date(today);
        let values: Vec<Value> =
            ACCOUNT_COLUMNS.iter().map(|column| (column.get)(account)).collect();
        let mut bound: Vec<&dyn ToSql> = values.iter().map(|value| value as &dyn ToSql).collect();
        bound.push(&stage_moved);
        bound.push(&health_moved);
        bound.push(&today);
        self.conn.prepare_cached(&SQL)?.execute(bound.as_slice())?;
        Ok(())
    }

    /// Hands the open tasks `from` owned on an account to `to`, when the
    /// account's CSM moved from one named CSM to another (as reassigning does).
    pub fn hand_on_open_tasks(
        &mut self,
        account_id: &str,
        from: &str,
        to: &str,
    ) -> StoreResult<()> {
        let (from, to) = (from.trim(), to.trim());
        if from.is_empty() || to.is_empty() || from == to {
            return Ok(());
        }
        self.conn
            .prepare_cached(
                "UPDATE tasks SET owner = ?3 WHERE account_id = ?1 AND owner = ?2 AND status = 'open'",
            )?
            .execute(params![account_id, from, to])?;
        Ok(())
    }

    /// Records a health change in the history.
    pub fn record_health_change(
        &mut self,
        account_id: &str,
        health: Health,
        at: DateTime<Utc>,
        who: &str,
        reason: &str,
    ) -> StoreResult<()> {
        if !self.history {
            return Ok(());
        }
        let mut statement = self.conn.prepare_cached(
            "INSERT INTO health_changes (account_id, at, who, health, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        statement.execute(params![account_id, rfc3339(at), who, health.as_str(), reason])?;
        Ok(())
    }

    /// Records a 4A stage change in the history.
    pub fn record_stage_change(
        &mut self,
        account_id: &str,
        stage: Stage,
        at: DateTime<Utc>,
        who: &str,
        reason: &str,
    ) -> StoreResult<()> {
        if !self.history {
            return Ok(());
        }
        let mut statement = self.conn.prepare_cached(
            "INSERT INTO stage_changes (account_id, at, who, stage, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        statement.execute(params![account_id, rfc3339(at), who, stage.as_str(), reason])?;
        Ok(())
    }

    /// Inserts or updates one snapshot (a load into an empty table goes
    /// through [`BulkImport::insert_snapshots`] instead, as do contracts and
    /// notes through their own batch writers).
    pub fn upsert_snapshot(
        &mut self,
        account_id: &str,
        product: &str,
        month: Month,
        arr: Money,
        units: Option<i64>,
    ) -> StoreResult<SnapshotWrite> {
        if self.snapshot_statement.is_none() {
            self.snapshot_statement = Some(self.conn.prepare(SNAPSHOT_UPSERT)?);
        }
        let Some(statement) = self.snapshot_statement.as_mut() else {
            return Ok(SnapshotWrite::Unchanged);
        };
        let arr = crate::store::amounts::stored_cents("ARR", arr)?;
        match statement.execute(params![account_id, product, month.0, arr, units]) {
            Ok(0) => Ok(SnapshotWrite::Unchanged),
            Ok(_) => Ok(SnapshotWrite::Written),
            Err(error)
                if error.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) =>
            {
                Ok(SnapshotWrite::DuplicateKey)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Inserts or updates one contract; true when the row was written.
    pub fn upsert_contract(&mut self, contract: &Contract) -> StoreResult<bool> {
        let mut statement = self.conn.prepare_cached(CONTRACT_UPSERT)?;
        let written = statement.execute(params![
            contract.id,
            contract.account_id,
            contract.product,
            iso_date(contract.start_date),
            iso_date(contract.end_date),
            crate::store::amounts::stored_cents("ARR", contract.arr)?,
            contract.units,
            contract.billing.as_str(),
            contract.terminated_on.map(iso_date),
        ])?;
        Ok(written > 0)
    }

    /// Inserts or updates one note (keyed by account, time and text); true
    /// when written. Without `who_given` a stored note keeps its author.
    /// `None` when another note of the account holds its key (`note_key`):
    /// nothing is written, and the caller says where.
    pub fn upsert_note(&mut self, note: &Note, who_given: bool) -> StoreResult<Option<bool>> {
        let mut statement = self.conn.prepare_cached(NOTE_UPSERT)?;
        let time = rfc3339(note.at);
        let key = crate::store::note_key::note_key(&time, &note.text);
        let written = statement.execute(params![
            note.account_id,
            time,
            note.kind.as_str(),
            note.text,
            who_given.then_some(note.who.as_str()),
            key
        ])?;
        if written == 0 && self.note_id(note)?.is_none() {
            return Ok(None);
        }
        Ok(Some(written > 0))
    }
}
