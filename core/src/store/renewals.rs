//! Reading renewals: the rows of one visible calendar range, the ATR of the
//! months ahead for the forecast, and the ended renewals with their health
//! history for calibration. Read-only and plain rows; `read::renewals` hands
//! them to `metrics::{windows, forecast, calibration}`.
//!
//! The calendar query loads only what the visible range can show: contracts
//! ending in it (the end-date index), contracts whose start-date anniversary
//! falls in it (the start-date index, one short range per year of history),
//! and moments due in it. With "mine" it walks the CSM's accounts instead.

use super::contracts::{COLUMNS, RawContract};
use super::{Store, StoreError, StoreResult};
use crate::domain::calendar_rows::{AccountBrief, CalendarFilter, CalendarSource, ContractRow};
use crate::domain::health::HealthPoint;
use crate::domain::month::add_months;
use crate::domain::{Contract, Health, Money, Month};
use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{Row, params_from_iter};
use std::collections::{HashMap, HashSet};

/// Parses a stored `YYYY-MM-DD` (or the date part of an RFC 3339 time).
pub(super) fn stored_date(text: &str, what: &str) -> StoreResult<NaiveDate> {
    crate::domain::day::Day::from_stored(text)
        .map(|day| day.date())
        .ok_or_else(|| StoreError::Invalid(format!("{what}: {text:?} is not a date")))
}

pub(super) fn stored_health(text: Option<&str>, what: &str) -> StoreResult<Option<Health>> {
    text.map(|t| Health::parse(t).map_err(|e| StoreError::Invalid(format!("{what}: {e}"))))
        .transpose()
}

pub(super) fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The account columns every calendar query selects, in this order.
pub(super) const ACCOUNT_COLUMNS: &str = "a.id, a.name, a.csm, a.health, a.arr_cents";

/// Reads the five account columns starting at `first`.
pub(super) fn account_brief(row: &Row<'_>, first: usize) -> rusqlite::Result<RawAccount> {
    Ok(RawAccount {
        id: row.get(first)?,
        name: row.get(first + 1)?,
        csm: row.get(first + 2)?,
        health: row.get(first + 3)?,
        arr_cents: row.get(first + 4)?,
    })
}

pub(super) struct RawAccount {
    id: String,
    name: String,
    csm: String,
    health: Option<String>,
    arr_cents: i64,
}

impl RawAccount {
    pub(super) fn into_brief(self) -> StoreResult<AccountBrief> {
        let health = stored_health(self.health.as_deref(), &format!("account {}", self.id))?;
        Ok(AccountBrief {
            id: self.id,
            name: self.name,
            csm: self.csm,
            health,
            arr: Money(self.arr_cents),
        })
    }
}

const CONTRACT_COLUMNS: &str = "c.id, c.account_id, c.product, c.start_date, c.end_date, \
     c.arr_cents, c.units, c.billing, c.terminated_on";

/// The SQL conditions on the account that a filter pushes down.
fn account_conditions(filter: &CalendarFilter, params: &mut Vec<Value>) -> String {
    let mut sql = String::new();
    if let Some(csm) = &filter.csm {
        params.push(Value::Text(csm.clone()));
        sql.push_str(&format!(" AND a.csm = ?{}", params.len()));
    }
    if filter.at_risk_only {
        sql.push_str(" AND a.health IN ('red', 'orange')");
    }
    sql
}

/// The ATR of the contracts ending in one month, for one CSM and one
/// health, and how many contracts it sums.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtrBucket {
    pub month: Month,
    pub csm: String,
    pub health: Option<Health>,
    pub atr: Money,
    pub contracts: u64,
}

/// What the calibration reads: contracts in (account, product, start)
/// order, each account's name and CSM, and each account's health history
/// in time order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenewalHistory {
    pub contracts: Vec<Contract>,
    pub accounts: HashMap<String, (String, String)>,
    pub histories: HashMap<String, Vec<HealthPoint>>,
}

impl Store {
    /// How many contracts the book holds.
    pub fn contract_count(&self) -> StoreResult<usize> {
        let count: i64 = self.conn.query_row("SELECT count(*) FROM contracts", [], |r| r.get(0))?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// Hands every contract to `visit`, one at a time, rather than all held
    /// at once (the renewal book is built this way on a large book).
    pub fn for_each_contract(&self, mut visit: impl FnMut(&Contract)) -> StoreResult<()> {
        let mut statement = self.conn.prepare(&format!("SELECT {COLUMNS} FROM contracts"))?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            visit(&RawContract::read(row)?.into_contract()?);
        }
        Ok(())
    }

    /// The rows the calendar of `from..=to` needs, and no others.
    pub fn calendar_source(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        filter: &CalendarFilter,
    ) -> StoreResult<CalendarSource> {
        let mut source = CalendarSource::default();
        if to < from {
            return Ok(source);
        }
        let mut contracts = Vec::new();
        if filter.csm.is_some() {
            // One CSM's accounts are few: take every contract overlapping the range.
            let mut params = vec![Value::Text(day(from)), Value::Text(day(to))];
            let conditions = account_conditions(filter, &mut params);
            let sql = format!(
                "SELECT {CONTRACT_COLUMNS}, {ACCOUNT_COLUMNS} FROM accounts a \
                 CROSS JOIN contracts c ON c.account_id = a.id \
                 WHERE c.end_date >= ?1 AND c.start_date <= ?2{conditions}"
            );
            self.contract_rows(&sql, &params, &mut contracts)?;
        } else {
            let mut params = vec![Value::Text(day(from)), Value::Text(day(to))];
            let conditions = account_conditions(filter, &mut params);
            let ending = format!(
                "SELECT {CONTRACT_COLUMNS}, {ACCOUNT_COLUMNS} FROM contracts c \
                 JOIN accounts a ON a.id = c.account_id \
                 WHERE c.end_date BETWEEN ?1 AND ?2{conditions}"
            );
            self.contract_rows(&ending, &params, &mut contracts)?;
            if !filter.in_window_only {
                self.anniversary_rows(from, to, filter, &mut contracts)?;
            }
        }
        let mut seen = HashSet::new();
        for (raw, account) in contracts {
            if seen.insert(raw.id.clone()) {
                source.contracts.push(ContractRow {
                    contract: raw.into_contract()?,
                    account: account.into_brief()?,
                });
            }
        }
        if !filter.in_window_only {
            source.moments = self.moment_rows_between(from, to, filter)?;
        }
        Ok(source)
    }

    /// Annual contracts whose start-date anniversary may fall in the range:
    /// for each year `k` back to the oldest contract, the starts from
    /// `from − k years` to `to − k years`, a day wider each side so that a
    /// leap-day start is never missed; the exact dates are settled in
    /// `build_calendar`.
    fn anniversary_rows(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        filter: &CalendarFilter,
        out: &mut Vec<(RawContract, RawAccount)>,
    ) -> StoreResult<()> {
        let oldest: Option<String> =
            self.conn.query_row("SELECT min(start_date) FROM contracts", [], |r| r.get(0))?;
        let Some(oldest) = oldest else { return Ok(()) };
        let oldest = stored_date(&oldest, "oldest contract start")?;
        let years = (to.year() - oldest.year()).max(0) + 1;
        let mut params = vec![Value::Null, Value::Null, Value::Text(day(from)), Value::Null];
        let conditions = account_conditions(filter, &mut params);
        // The k-th anniversary must fall before the end, which leaves out
        // the 12-month contracts (their renewals come from the end-date query).
        let sql = format!(
            "SELECT {CONTRACT_COLUMNS}, {ACCOUNT_COLUMNS} FROM contracts c \
             JOIN accounts a ON a.id = c.account_id \
             WHERE c.start_date BETWEEN ?1 AND ?2 AND c.end_date > ?3 \
             AND c.end_date > date(c.start_date, ?4) \
             AND c.billing = 'annual'{conditions}"
        );
        for k in 1..=years {
            let low = add_months(from, -12 * k) - Duration::days(1);
            let high = add_months(to, -12 * k) + Duration::days(1);
            params[0] = Value::Text(day(low));
            params[1] = Value::Text(day(high));
            params[3] = Value::Text(format!("+{k} years"));
            self.contract_rows(&sql, &params, out)?;
        }
        Ok(())
    }

    fn contract_rows(
        &self,
        sql: &str,
        params: &[Value],
        out: &mut Vec<(RawContract, RawAccount)>,
    ) -> StoreResult<()> {
        let mut statement = self.conn.prepare_cached(sql)?;
        let rows = statement.query_map(params_from_iter(params.iter()), |row| {
            Ok((RawContract::read(row)?, account_brief(row, 9)?))
        })?;
        for row in rows {
            out.push(row?);
        }
        Ok(())
    }

    /// ATR of the contracts ending in each of `months` months from `first`,
    /// summed per month, CSM and health (terminated contracts are not
    /// available to renew). Rows are summed as they stream, without copying
    /// a string per contract.
    pub fn atr_buckets(&self, first: Month, months: u32) -> StoreResult<Vec<AtrBucket>> {
        let last = first.plus(i32::try_from(months).unwrap_or(i32::MAX).saturating_sub(1));
        // The accounts are read once in key order, then the contracts ending
        // in the range through their end-date index: a join would look each
        // contract's account up at random.
        let mut csms: HashMap<String, usize> = HashMap::new();
        let mut accounts: HashMap<String, (usize, Option<Health>)> = HashMap::new();
        let mut statement = self.conn.prepare_cached("SELECT id, csm, health FROM accounts")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let csm = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            let csm_index = match csms.get(csm) {
                Some(index) => *index,
                None => {
                    let index = csms.len();
                    csms.insert(csm.to_string(), index);
                    index
                }
            };
            let health = row.get_ref(2)?.as_str_or_null().map_err(rusqlite::Error::from)?;
            let health = stored_health(health, "an account's health")?;
            accounts.insert(row.get(0)?, (csm_index, health));
        }
        let mut statement = self.conn.prepare_cached(
            "SELECT c.end_date, c.arr_cents, c.account_id FROM contracts c \
             WHERE c.end_date BETWEEN ?1 AND ?2 \
             AND (c.terminated_on IS NULL OR c.terminated_on > c.end_date)",
        )?;
        let mut rows = statement.query([day(first.first_day()), day(last.last_day())])?;
        let mut buckets: HashMap<(usize, Month, Option<Health>), (i64, u64)> = HashMap::new();
        while let Some(row) = rows.next()? {
            let end = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let month = end.get(..7).and_then(|m| Month::parse(m).ok()).ok_or_else(|| {
                StoreError::Invalid(format!("contract end {end:?} is not a date"))
            })?;
            let cents: i64 = row.get(1)?;
            let account = row.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
            let Some(&(csm_index, health)) = accounts.get(account) else { continue };
            let bucket = buckets.entry((csm_index, month, health)).or_default();
            bucket.0 = (Money(bucket.0) + Money(cents)).cents();
            bucket.1 += 1;
        }
        let mut names = vec![String::new(); csms.len()];
        for (name, index) in csms {
            if let Some(slot) = names.get_mut(index) {
                *slot = name;
            }
        }
        Ok(buckets
            .into_iter()
            .map(|((csm, month, health), (cents, contracts))| AtrBucket {
                month,
                csm: names.get(csm).cloned().unwrap_or_default(),
                health,
                atr: Money(cents),
                contracts,
            })
            .collect())
    }

    /// The contracts that may have ended from `since` on, or followed one
    /// that did, in (account, product, start) order, with their accounts'
    /// names, CSMs and health histories: what the calibration reads.
    pub fn renewal_history(&self, since: NaiveDate) -> StoreResult<RenewalHistory> {
        let mut contracts: Vec<Contract> = Vec::new();
        let accounts = self.each_renewal(since, |contract| contracts.push(contract))?;
        let histories = self.health_histories(&accounts)?;
        let accounts = accounts.into_iter().map(|(id, (name, csm, _))| (id, (name, csm))).collect();
        Ok(RenewalHistory { contracts, accounts, histories })
    }

    /// [`Self::renewal_history`]'s contracts one account's product at a
    /// time, handed to `group` as they are read (in start order) and not
    /// kept; returns the accounts' health histories. The backtest needs
    /// each group once: all of them held at once were most of its memory.
    pub fn renewal_groups(
        &self,
        since: NaiveDate,
        mut group: impl FnMut(&[Contract]),
    ) -> StoreResult<HashMap<String, Vec<HealthPoint>>> {
        let mut open: Vec<Contract> = Vec::new();
        let accounts = self.each_renewal(since, |contract| {
            let same = open.last().is_some_and(|last| {
                last.account_id == contract.account_id && last.product == contract.product
            });
            if !same && !open.is_empty() {
                group(&open);
                open.clear();
            }
            open.push(contract);
        })?;
        if !open.is_empty() {
            group(&open);
        }
        self.health_histories(&accounts)
    }

    /// Reads [`Self::renewal_history`]'s contracts in order, each handed to
    /// `each`, and returns their accounts' names, CSMs and current health.
    #[allow(clippy::type_complexity)]
    fn each_renewal(
        &self,
        since: NaiveDate,
        mut each: impl FnMut(Contract),
    ) -> StoreResult<HashMap<String, (String, String, Option<HealthPoint>)>> {
        // A follower starts within 31 days of its predecessor's end, so every
        // possible follower ends after `since − 31 days`.
        let horizon = since - Duration::days(crate::domain::contract::RENEWAL_GAP_DAYS);
        let sql = format!(
            "SELECT {CONTRACT_COLUMNS}, a.name, a.csm, a.health, a.health_since \
             FROM contracts c JOIN accounts a ON a.id = c.account_id \
             WHERE c.end_date >= ?1 ORDER BY c.account_id, c.product, c.start_date, c.id"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map([day(horizon)], |row| {
            Ok((
                RawContract::read(row)?,
                row.get::<_, String>(9)?,
                row.get::<_, String>(10)?,
                row.get::<_, Option<String>>(11)?,
                row.get::<_, Option<String>>(12)?,
            ))
        })?;
        let mut accounts: HashMap<String, (String, String, Option<HealthPoint>)> = HashMap::new();
        for row in rows {
            let (raw, name, csm, health, since_text) = row?;
            let contract = raw.into_contract()?;
            if !accounts.contains_key(&contract.account_id) {
                let what = format!("account {}", contract.account_id);
                let current = match (stored_health(health.as_deref(), &what)?, since_text) {
                    (Some(health), Some(text)) => {
                        Some(HealthPoint { on: stored_date(&text, &what)?, health })
                    }
                    _ => None,
                };
                accounts.insert(contract.account_id.clone(), (name, csm, current));
            }
            each(contract);
        }
        Ok(accounts)
    }

    /// Each account's health history in time order. The account's current
    /// health counts from its `health_since` when no recorded change is as
    /// recent (a book imported with a health but no history).
    fn health_histories(
        &self,
        accounts: &HashMap<String, (String, String, Option<HealthPoint>)>,
    ) -> StoreResult<HashMap<String, Vec<HealthPoint>>> {
        let mut histories: HashMap<String, Vec<HealthPoint>> = HashMap::new();
        let mut statement = self.conn.prepare_cached(
            "SELECT account_id, at, health FROM health_changes ORDER BY account_id, at, id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
        })?;
        for row in rows {
            let (account_id, at, health) = row?;
            if !accounts.contains_key(&account_id) {
                continue;
            }
            let what = format!("health change of {account_id}");
            let point = HealthPoint {
                on: stored_date(&at, &what)?,
                health: stored_health(Some(&health), &what)?.unwrap_or(Health::Yellow),
            };
            histories.entry(account_id).or_default().push(point);
        }
        for (account_id, (_, _, current)) in accounts {
            if let Some(current) = current {
                let history = histories.entry(account_id.clone()).or_default();
                if history.last().is_none_or(|last| last.on < current.on) {
                    history.push(*current);
                }
            }
        }
        Ok(histories)
    }
}

mod outcomes;
