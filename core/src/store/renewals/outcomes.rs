//! The backtest's renewals read lean: the contracts that can matter (ending
//! from the period's start less the renewal gap) in one pass over the
//! contracts table, without the accounts' names, CSMs and colours joined
//! to every row nor SQLite's sort, grouped here by account and product;
//! and the colour histories of only the accounts the backtest's outcomes
//! name. The same groups and histories as [`Store::renewal_groups`], which
//! the tests hold them to.

use super::super::contracts::{COLUMNS, RawContract};
use super::{day, stored_date, stored_health};
use crate::domain::Contract;
use crate::domain::contract::RENEWAL_GAP_DAYS;
use crate::domain::health::{Health, HealthPoint};
use crate::store::{Store, StoreResult};
use chrono::{Duration, NaiveDate};
use std::collections::HashMap;

impl Store {
    /// [`Store::renewal_groups`]' groups, in the same order (by account,
    /// then product; each group in start order), handed to `group`; the
    /// accounts' histories are [`Store::health_histories_of`]'s.
    pub fn renewal_groups_lean(
        &self,
        since: NaiveDate,
        mut group: impl FnMut(&[Contract]),
    ) -> StoreResult<()> {
        // A follower starts within the renewal gap of its predecessor's
        // end, so every possible follower ends after `since` less the gap.
        let horizon = since - Duration::days(RENEWAL_GAP_DAYS);
        // `+end_date`: the table straight through, not a lookup per row
        // through the end-date index (most rows of a long book qualify).
        let sql = format!("SELECT {COLUMNS} FROM contracts WHERE +end_date >= ?1");
        let mut statement = self.conn.prepare_cached(&sql)?;
        statement.raw_bind_parameter(1, day(horizon))?;
        let mut rows = statement.raw_query();
        let mut contracts = Vec::new();
        while let Some(row) = rows.next()? {
            contracts.push(RawContract::decode(row)?);
        }
        // As `renewal_groups` orders them: account, product, start, id
        // (a stored date's text sorts as the date). The table lists a book
        // imported whole by account already: then each account's few
        // contracts are sorted alone.
        let order = |a: &Contract, b: &Contract| {
            (&a.account_id, &a.product, a.start_date, &a.id).cmp(&(
                &b.account_id,
                &b.product,
                b.start_date,
                &b.id,
            ))
        };
        if contracts.is_sorted_by(|a, b| a.account_id <= b.account_id) {
            for account in contracts.chunk_by_mut(|a, b| a.account_id == b.account_id) {
                account.sort_unstable_by(order);
            }
        } else {
            contracts.sort_unstable_by(order);
        }
        let same =
            |a: &Contract, b: &Contract| a.account_id == b.account_id && a.product == b.product;
        for one in contracts.chunk_by(same) {
            group(one);
        }
        Ok(())
    }

    /// The colour histories of the accounts `ids` (in id order, each once)
    /// as [`Store::renewal_groups`] returns them: the recorded changes in
    /// time order, then the current colour from its `health_since` when no
    /// change is as recent. Every account of `ids` that exists has an entry
    /// (empty without a colour); one that does not, none.
    pub fn health_histories_of(
        &self,
        ids: &[&str],
    ) -> StoreResult<HashMap<String, Vec<HealthPoint>>> {
        let find = |id: &str| ids.binary_search(&id).ok();
        let mut current: Vec<Option<Option<HealthPoint>>> = vec![None; ids.len()];
        let mut statement = self
            .conn
            .prepare_cached("SELECT id, health, health_since FROM accounts ORDER BY id")?;
        let mut rows = statement.raw_query();
        while let Some(row) = rows.next()? {
            let id = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let Some(at) = find(id) else { continue };
            let health = row.get_ref(1)?.as_str_or_null().map_err(rusqlite::Error::from)?;
            let since = row.get_ref(2)?.as_str_or_null().map_err(rusqlite::Error::from)?;
            let what = format!("account {id}");
            current[at] = Some(match (stored_health(health, &what)?, since) {
                (Some(health), Some(text)) => {
                    Some(HealthPoint { on: stored_date(text, &what)?, health })
                }
                _ => None,
            });
        }
        let mut histories: Vec<Vec<HealthPoint>> = vec![Vec::new(); ids.len()];
        let mut statement = self.conn.prepare_cached(
            "SELECT account_id, at, health FROM health_changes ORDER BY account_id, at, id",
        )?;
        let mut rows = statement.raw_query();
        while let Some(row) = rows.next()? {
            let id = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let Some(at) = find(id).filter(|&at| current[at].is_some()) else { continue };
            let on = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            let health = row.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
            let what = format!("health change of {id}");
            histories[at].push(HealthPoint {
                on: stored_date(on, &what)?,
                health: stored_health(Some(health), &what)?.unwrap_or(Health::Yellow),
            });
        }
        let mut out = HashMap::with_capacity(ids.len());
        for ((id, current), mut history) in ids.iter().zip(current).zip(histories) {
            let Some(current) = current else { continue };
            if let Some(current) = current
                && history.last().is_none_or(|last| last.on < current.on)
            {
                history.push(current);
            }
            out.insert((*id).to_string(), history);
        }
        Ok(out)
    }
}
