//! The import's row writes: one account, health or stage change,
//! snapshot, contract or note at a time, through the import's cached
//! statements, each saying whether it changed anything.

use super::*;

impl BulkImport<'_> {
    /// Inserts a new account with the file's columns (absent ones default).
    pub fn insert_account(&mut self, account: &Account, today: NaiveDate) -> StoreResult<()> {
        let today = iso_date(today);
        let mut statement = self.conn.prepare_cached(
            "INSERT INTO accounts (id, name, csm, am, segment, industry, region, stage, stage_since,
                                   potential_units, health, health_since, flags)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?;
        statement.execute(params![
            account.id,
            account.name,
            account.csm,
            account.am,
            account.segment,
            account.industry,
            account.region,
            account.stage.as_str(),
            today,
            account.potential_units,
            account.health.map(Health::as_str),
            account.health.map(|_| today.clone()),
            account.flags.bits(),
        ])?;
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
        let today = iso_date(today);
        let mut statement = self.conn.prepare_cached(
            "UPDATE accounts SET name = ?2, csm = ?3, am = ?4, segment = ?5, industry = ?6,
                    region = ?7, stage = ?8, potential_units = ?9, health = ?10, flags = ?11,
                    stage_since = CASE WHEN ?12 THEN ?14 ELSE stage_since END,
                    health_since = CASE WHEN ?13 THEN ?14 ELSE health_since END
             WHERE id = ?1",
        )?;
        statement.execute(params![
            account.id,
            account.name,
            account.csm,
            account.am,
            account.segment,
            account.industry,
            account.region,
            account.stage.as_str(),
            account.potential_units,
            account.health.map(Health::as_str),
            account.flags.bits(),
            stage_moved,
            health_moved,
            today,
        ])?;
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
    pub fn upsert_note(&mut self, note: &Note, who_given: bool) -> StoreResult<bool> {
        let mut statement = self.conn.prepare_cached(NOTE_UPSERT)?;
        let written = statement.execute(params![
            note.account_id,
            rfc3339(note.at),
            note.kind.as_str(),
            note.text,
            who_given.then_some(note.who.as_str())
        ])?;
        Ok(written > 0)
    }
}
