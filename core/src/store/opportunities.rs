//! Opportunities (the `opportunities` table): record an upsell or cross-sell,
//! move it through identified → qualified → proposal → commit → won | lost
//! (a won deal closes on the day it is won, a lost one says why), list them
//! with who owns what; and the inputs of an account's I/R/U picture (its contracts
//! and won opportunities). SQL only; the split is `read::iru`. It also
//! reads what an undo of an opportunity write puts back (the whole row as
//! it was, or the opportunities added since), and which accounts an open
//! opportunity holds in the targets list.

use super::stages::{conversion, date_text, parse_date, parse_time, time_text};
use super::{Store, StoreError, StoreResult};
use crate::domain::opportunity::{
    LostReason, Opportunity, OpportunityFields, OpportunityKind, OpportunityStage,
};
use crate::domain::{Contract, Money};
use chrono::{DateTime, Utc};
use rusqlite::params;
use std::collections::HashSet;

/// An opportunity with its account's name and owners: who owns what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpportunityRow {
    pub opportunity: Opportunity,
    pub account_name: String,
    /// The farmer of the account.
    pub csm: String,
    /// The hunter of the account.
    pub am: String,
}

const COLUMNS: &str = "o.id, o.account_id, o.product, o.kind, o.arr_cents, o.stage, o.owner, o.close_date, o.created_at, o.updated_at, o.next_step, o.lost_reason, o.lost_controllable";

/// The columns after [`COLUMNS`] start here.
const AFTER: usize = 13;

fn opportunity_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<Opportunity> {
    let kind: String = row.get(3)?;
    let stage: String = row.get(5)?;
    let close: Option<String> = row.get(7)?;
    let created: String = row.get(8)?;
    let updated: String = row.get(9)?;
    let lost_reason: Option<String> = row.get(11)?;
    let controllable: Option<bool> = row.get(12)?;
    Ok(Opportunity {
        id: row.get(0)?,
        account_id: row.get(1)?,
        fields: OpportunityFields {
            product: row.get(2)?,
            kind: conversion(3, OpportunityKind::parse(&kind))?,
            arr: Money::from_cents(row.get(4)?),
            stage: conversion(5, OpportunityStage::parse(&stage))?,
            owner: row.get(6)?,
            close_date: close.as_deref().and_then(parse_date),
            next_step: row.get(10)?,
        },
        lost: lost_reason
            .map(|reason| LostReason { reason, controllable: controllable.unwrap_or(false) }),
        created_at: parse_time(&created).unwrap_or_default(),
        updated_at: parse_time(&updated).unwrap_or_default(),
    })
}

impl Store {
    /// Records an opportunity; returns its id.
    pub fn add_opportunity(
        &self,
        account_id: &str,
        fields: &OpportunityFields,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        self.account_name(account_id)?;
        fields.validate().map_err(StoreError::Invalid)?;
        self.conn.execute(
            "INSERT INTO opportunities (account_id, product, kind, arr_cents, stage, owner, close_date, created_at, updated_at, next_step)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
            params![
                account_id,
                fields.product.trim(),
                fields.kind.as_str(),
                super::amounts::stored_cents("ARR", fields.arr)?,
                fields.stage.as_str(),
                fields.owner.trim(),
                fields.close_date.map(date_text),
                time_text(at),
                fields.next_step.trim(),
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Replaces an opportunity's fields.
    pub fn update_opportunity(
        &self,
        id: i64,
        fields: &OpportunityFields,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        fields.validate().map_err(StoreError::Invalid)?;
        let changed = self.conn.execute(
            "UPDATE opportunities SET product = ?2, kind = ?3, arr_cents = ?4, stage = ?5, owner = ?6,
                    close_date = ?7, updated_at = ?8, next_step = ?9,
                    lost_reason = CASE WHEN ?5 = 'lost' THEN lost_reason END,
                    lost_controllable = CASE WHEN ?5 = 'lost' THEN lost_controllable END
             WHERE id = ?1",
            params![
                id,
                fields.product.trim(),
                fields.kind.as_str(),
                super::amounts::stored_cents("ARR", fields.arr)?,
                fields.stage.as_str(),
                fields.owner.trim(),
                fields.close_date.map(date_text),
                time_text(at),
                fields.next_step.trim(),
            ],
        )?;
        if changed == 0 {
            return Err(StoreError::Invalid(format!("no opportunity {id}")));
        }
        Ok(())
    }

    /// Moves an opportunity to another stage. Won closes it on the day of
    /// `at` (the forecast close date gives way to the day it was won; edit
    /// it afterwards if it was won on another day). Lost needs a reason:
    /// [`Store::lose_opportunity`]. Moving out of lost forgets the reason.
    pub fn set_opportunity_stage(
        &self,
        id: i64,
        stage: OpportunityStage,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        if stage == OpportunityStage::Lost {
            return Err(StoreError::Invalid(
                "a lost opportunity needs a reason: record it as lost with one".to_string(),
            ));
        }
        let current = self.opportunity(id)?;
        let close = if stage == OpportunityStage::Won && current.fields.stage != stage {
            Some(at.date_naive())
        } else {
            current.fields.close_date
        };
        self.conn.execute(
            "UPDATE opportunities SET stage = ?2, updated_at = ?3, close_date = ?4,
                    lost_reason = NULL, lost_controllable = NULL WHERE id = ?1",
            params![id, stage.as_str(), time_text(at), close.map(date_text)],
        )?;
        Ok(())
    }

    /// Marks an opportunity lost, with why and whether it was controllable.
    pub fn lose_opportunity(
        &self,
        id: i64,
        reason: &LostReason,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        reason.validate().map_err(StoreError::Invalid)?;
        let changed = self.conn.execute(
            "UPDATE opportunities SET stage = 'lost', updated_at = ?2, lost_reason = ?3,
                    lost_controllable = ?4, close_date = COALESCE(close_date, ?5) WHERE id = ?1",
            params![
                id,
                time_text(at),
                reason.reason.trim(),
                reason.controllable,
                date_text(at.date_naive())
            ],
        )?;
        if changed == 0 {
            return Err(StoreError::Invalid(format!("no opportunity {id}")));
        }
        Ok(())
    }

    pub fn opportunity(&self, id: i64) -> StoreResult<Opportunity> {
        let sql = format!("SELECT {COLUMNS} FROM opportunities o WHERE o.id = ?1");
        self.conn.query_row(&sql, [id], opportunity_from).map_err(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => {
                StoreError::Invalid(format!("no opportunity {id}"))
            }
            other => StoreError::Sql(other),
        })
    }

    /// The account's opportunities, newest first.
    pub fn opportunities(&self, account_id: &str) -> StoreResult<Vec<Opportunity>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM opportunities o WHERE o.account_id = ?1 ORDER BY o.created_at DESC, o.id DESC"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map([account_id], opportunity_from)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every opportunity with its account and owners, open ones first, then
    /// by close date; `open_only` leaves out won and lost.
    pub fn opportunity_rows(&self, open_only: bool) -> StoreResult<Vec<OpportunityRow>> {
        let sql = format!(
            "SELECT {COLUMNS}, a.name, a.csm, a.am FROM opportunities o JOIN accounts a ON a.id = o.account_id
             WHERE (?1 = 0 OR o.stage NOT IN ('won', 'lost'))
             ORDER BY o.stage IN ('won', 'lost'), o.close_date IS NULL, o.close_date, o.id"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map([i64::from(open_only)], |row| {
            Ok(OpportunityRow {
                opportunity: opportunity_from(row)?,
                account_name: row.get(AFTER)?,
                csm: row.get(AFTER + 1)?,
                am: row.get(AFTER + 2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The account's contracts, oldest first (the I/R/U input).
    pub fn account_contracts(&self, account_id: &str) -> StoreResult<Vec<Contract>> {
        self.read_contracts(
            &format!(
                "SELECT {} FROM contracts WHERE account_id = ?1 ORDER BY start_date, id",
                super::contracts::COLUMNS
            ),
            [account_id],
        )
    }

    /// The opportunity as it is now, for an undo of the write made next
    /// (a stage move, a loss, an edit).
    pub fn opportunity_back(&self, id: i64) -> StoreResult<OpportunityBack> {
        Ok(OpportunityBack { before: self.opportunity(id)? })
    }

    /// The newest opportunity of an account now, for an undo of what is
    /// recorded next.
    pub fn opportunities_added_back(
        &self,
        account_id: &str,
    ) -> StoreResult<OpportunitiesAddedBack> {
        let after_id: i64 = self.conn.query_row(
            "SELECT coalesce(max(id), 0) FROM opportunities WHERE account_id = ?1",
            [account_id],
            |r| r.get(0),
        )?;
        Ok(OpportunitiesAddedBack { account_id: account_id.to_string(), after_id })
    }

    /// Puts every column of an opportunity back as it was.
    fn restore_opportunity(&self, before: &Opportunity, at: DateTime<Utc>) -> StoreResult<()> {
        let fields = &before.fields;
        self.conn.execute(
            "UPDATE opportunities SET product = ?2, kind = ?3, arr_cents = ?4, stage = ?5, owner = ?6,
                    close_date = ?7, updated_at = ?8, next_step = ?9, lost_reason = ?10,
                    lost_controllable = ?11
             WHERE id = ?1",
            params![
                before.id,
                fields.product,
                fields.kind.as_str(),
                super::amounts::stored_cents("ARR", fields.arr)?,
                fields.stage.as_str(),
                fields.owner,
                fields.close_date.map(date_text),
                time_text(at),
                fields.next_step,
                before.lost.as_ref().map(|l| l.reason.as_str()),
                before.lost.as_ref().map(|l| l.controllable),
            ],
        )?;
        Ok(())
    }

    /// The accounts that leave the targets list although they have
    /// whitespace: lapsed (they have contracts, and none runs on `today`:
    /// every one ended before it or was terminated by it) or churned (a
    /// saved churn chain whose event is a churn), unless an open
    /// opportunity holds them.
    pub fn accounts_out_of_targets(
        &self,
        today: chrono::NaiveDate,
    ) -> StoreResult<HashSet<String>> {
        let mut statement = self.conn.prepare(
            "SELECT account_id FROM contracts GROUP BY account_id
             HAVING max(end_date >= ?1 AND (terminated_on IS NULL OR terminated_on > ?1)) = 0
             UNION
             SELECT account_id FROM churn_chains WHERE event = 'churned' AND status = 'saved'
             EXCEPT
             SELECT account_id FROM opportunities WHERE stage NOT IN ('won', 'lost')",
        )?;
        let rows = statement.query_map([date_text(today)], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// An opportunity as it was before a write, which an undo puts back whole
/// (its stage, amount, dates, owner, next step and lost reason).
#[derive(Debug, Clone)]
pub struct OpportunityBack {
    before: Opportunity,
}

impl super::undo::Reverse for OpportunityBack {
    fn reverse(&self, store: &Store, _who: &str, at: DateTime<Utc>) -> StoreResult<()> {
        store.restore_opportunity(&self.before, at)
    }
}

/// The opportunities recorded on an account after `after_id`, which an undo
/// removes.
#[derive(Debug, Clone)]
pub struct OpportunitiesAddedBack {
    account_id: String,
    after_id: i64,
}

impl super::undo::Reverse for OpportunitiesAddedBack {
    fn reverse(&self, store: &Store, _who: &str, _at: DateTime<Utc>) -> StoreResult<()> {
        store.conn.execute(
            "DELETE FROM opportunities WHERE account_id = ?1 AND id > ?2",
            params![self.account_id, self.after_id],
        )?;
        Ok(())
    }
}
