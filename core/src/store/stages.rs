//! The 4A stage of each account: setting it (with a one-line reason, kept in
//! the timeline with who and when), its history, the stage suggestions' facts
//! and dismissals, and the board's load. SQL only; the rules are in
//! `metrics::stage_suggestions` and `metrics::board`.

use super::{Store, StoreError, StoreResult};
use crate::domain::Stage;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, params};
use std::collections::{HashMap, HashSet};

/// One stage change, as the timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageChange {
    pub id: i64,
    pub account_id: String,
    pub at: DateTime<Utc>,
    pub who: String,
    pub stage: Stage,
    pub reason: String,
}

/// The dismissal kind for stage suggestions in `dismissed_suggestions`.
const STAGE_KIND: &str = "stage";

pub(super) fn time_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(super) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .or_else(|| parse_date(text).map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc()))
}

/// A date from `YYYY-MM-DD` text, or from the date part of an RFC 3339 time.
pub(super) fn parse_date(text: &str) -> Option<NaiveDate> {
    crate::domain::day::Day::from_stored(text.trim()).map(|day| day.date())
}

pub(super) fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A stored word that no longer parses: reported as a conversion failure.
pub(super) fn conversion<T, E>(index: usize, result: Result<T, E>) -> rusqlite::Result<T>
where
    E: std::error::Error + Send + Sync + 'static,
{
    result.map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// A reason is required and fits on one line.
pub(super) fn one_line(reason: &str, what: &str) -> StoreResult<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(StoreError::Invalid(format!("{what} needs a reason (one line)")));
    }
    if reason.contains(['\n', '\r']) {
        return Err(StoreError::Invalid(format!("the reason for {what} must fit on one line")));
    }
    Ok(reason.to_string())
}

impl Store {
    /// The account's name, or an error a CSM can act on when it is unknown.
    pub(super) fn account_name(&self, account_id: &str) -> StoreResult<String> {
        self.conn
            .query_row("SELECT name FROM accounts WHERE id = ?1", [account_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::Invalid(format!("no account {account_id:?} in this book")))
    }

    /// Sets the account's 4A stage with a one-line reason, recording who and
    /// when in the stage history; `stage_since` becomes the day of `at`.
    pub fn set_stage(
        &self,
        account_id: &str,
        stage: Stage,
        reason: &str,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let reason = one_line(reason, "a stage change")?;
        let current: Option<String> = self
            .conn
            .query_row("SELECT stage FROM accounts WHERE id = ?1", [account_id], |r| r.get(0))
            .optional()?;
        let current = current.ok_or_else(|| {
            StoreError::Invalid(format!("no account {account_id:?} in this book"))
        })?;
        if current == stage.as_str() {
            return Err(StoreError::Invalid(format!("{account_id} is already in {stage}")));
        }
        self.write_stage_change(account_id, stage, &reason, who, at)
    }

    /// Records a stage change from an earlier history (a CRM's, the demo's)
    /// as it happened, the first entry included: unlike [`Store::set_stage`]
    /// it accepts the stage the account is already in, so that the account's
    /// *since* date becomes the history's.
    pub fn replay_stage_change(
        &self,
        account_id: &str,
        stage: Stage,
        reason: &str,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let reason = one_line(reason, "a stage change")?;
        self.write_stage_change(account_id, stage, &reason, who, at)
    }

    /// Removes the history rows `who` wrote with `reason`, for a book whose
    /// dated stage history is replayed after its accounts were imported:
    /// the import's own "imported" entries are then not history (the demo).
    pub fn forget_stage_changes(&self, who: &str, reason: &str) -> StoreResult<usize> {
        Ok(self.conn.execute(
            "DELETE FROM stage_changes WHERE who = ?1 AND reason = ?2",
            params![who, reason],
        )?)
    }

    /// One stage change: the history row and the account's stage and *since*
    /// date, in one transaction.
    fn write_stage_change(
        &self,
        account_id: &str,
        stage: Stage,
        reason: &str,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let tx = self.step()?;
        let changed = tx.execute(
            "UPDATE accounts SET stage = ?2, stage_since = ?3 WHERE id = ?1",
            params![account_id, stage.as_str(), date_text(at.date_naive())],
        )?;
        if changed == 0 {
            return Err(StoreError::Invalid(format!("no account {account_id:?} in this book")));
        }
        tx.execute(
            "INSERT INTO stage_changes (account_id, at, who, stage, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![account_id, time_text(at), who, stage.as_str(), reason],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The account's stage changes, newest first.
    pub fn stage_history(&self, account_id: &str) -> StoreResult<Vec<StageChange>> {
        let mut statement = self.conn.prepare(
            "SELECT id, account_id, at, who, stage, reason FROM stage_changes
             WHERE account_id = ?1 ORDER BY at DESC, id DESC",
        )?;
        let rows = statement.query_map([account_id], |row| {
            let at: String = row.get(2)?;
            let stage: String = row.get(4)?;
            Ok(StageChange {
                id: row.get(0)?,
                account_id: row.get(1)?,
                at: parse_time(&at).unwrap_or_default(),
                who: row.get(3)?,
                stage: conversion(4, Stage::parse(&stage))?,
                reason: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Dismisses the stage suggestion an account's `signal` gave, until the
    /// signal changes.
    pub fn dismiss_stage_signal(
        &self,
        account_id: &str,
        signal: &str,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.account_name(account_id)?;
        self.conn.execute(
            "INSERT OR REPLACE INTO dismissed_suggestions (account_id, kind, signal, at, who)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![account_id, STAGE_KIND, signal, time_text(at), who],
        )?;
        Ok(())
    }

    /// `(account_id, signal)` of every dismissed stage suggestion.
    pub fn dismissed_stage_signals(&self) -> StoreResult<HashSet<(String, String)>> {
        let mut statement = self
            .conn
            .prepare("SELECT account_id, signal FROM dismissed_suggestions WHERE kind = ?1")?;
        let rows = statement.query_map([STAGE_KIND], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// What the stage rules read about the accounts beside their positions
    /// (see `metrics::stage_suggestions`): products held at the latest month,
    /// units `lookback_months` before it and now, open trials and won
    /// upsells.
    pub fn stage_rows(&self, lookback_months: i32) -> StoreResult<StageRows> {
        let latest = self.latest_month()?;
        let mut products: HashMap<String, Vec<String>> = HashMap::new();
        let mut units_before: HashMap<String, i64> = HashMap::new();
        if let Some(latest) = latest {
            let mut statement = self.conn.prepare(
                "SELECT account_id, product FROM snapshots_latest WHERE month = ?1 AND arr_cents > 0
                 ORDER BY account_id, product",
            )?;
            let rows =
                statement.query_map([latest.0], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
            for row in rows {
                let (account, product) = row?;
                products.entry(account).or_default().push(product);
            }
            // Every account and product with a snapshot has its kept latest
            // row: one key lookup each finds that month's row, if any.
            let mut statement = self.conn.prepare(
                "SELECT s.account_id, SUM(COALESCE(s.units, 0)) FROM snapshots_latest l
                 JOIN snapshots s ON s.account_id = l.account_id AND s.product = l.product
                                 AND s.month = ?1
                 GROUP BY s.account_id",
            )?;
            let rows = statement.query_map([latest.minus(lookback_months).0], |r| {
                Ok((r.get::<_, String>(0)?, r.get(1)?))
            })?;
            for row in rows {
                let (account, units) = row?;
                units_before.insert(account, units);
            }
        }
        let mut trials: HashMap<String, String> = HashMap::new();
        let mut statement = self.conn.prepare(
            "SELECT account_id, product, end_date FROM trials WHERE takeaway = 'not_yet' ORDER BY end_date DESC",
        )?;
        let rows = statement.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?;
        for row in rows {
            let (account, product, end) = row?;
            let what = if product.is_empty() { "trial".to_string() } else { product };
            trials.insert(account, format!("{what} until {end}"));
        }
        let mut won: HashMap<String, Vec<String>> = HashMap::new();
        let mut statement = self.conn.prepare(
            "SELECT DISTINCT account_id, product FROM opportunities WHERE stage = 'won' ORDER BY account_id, product",
        )?;
        let rows =
            statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (account, product) = row?;
            won.entry(account).or_default().push(product);
        }
        let units_now = self.account_units()?;
        Ok(StageRows { products, units_before, trials, won, units_now })
    }

    /// Each account's last stage change since `since` when a person made
    /// it (not the first entry, which only starts the history), as (from,
    /// to).
    pub fn hand_moves_since(
        &self,
        since: NaiveDate,
    ) -> StoreResult<HashMap<String, (Stage, Stage)>> {
        let mut statement = self.conn.prepare(
            "SELECT account_id, previous, stage FROM (
                 SELECT account_id, stage, at,
                        LAG(stage) OVER (PARTITION BY account_id ORDER BY at, id) AS previous,
                        ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY at DESC, id DESC) AS n
                 FROM stage_changes
                 WHERE account_id IN (SELECT account_id FROM stage_changes WHERE at >= ?1))
             WHERE n = 1 AND previous IS NOT NULL AND at >= ?1",
        )?;
        let rows = statement.query_map([date_text(since)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?;
        let mut moves = HashMap::new();
        for row in rows {
            let (account, from, to) = row?;
            if let (Ok(from), Ok(to)) = (Stage::parse(&from), Stage::parse(&to)) {
                moves.insert(account, (from, to));
            }
        }
        Ok(moves)
    }

    /// The accounts that had ARR (a contract, or ARR three months before the
    /// latest month) and have none now.
    pub fn churned_accounts(&self) -> StoreResult<std::collections::HashSet<String>> {
        let mut statement = self.conn.prepare(
            "SELECT a.id FROM accounts a WHERE a.arr_cents = 0
               AND (a.trend_arr_cents > 0
                    OR EXISTS (SELECT 1 FROM contracts c WHERE c.account_id = a.id))",
        )?;
        let rows = statement.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn account_units(&self) -> StoreResult<HashMap<String, i64>> {
        let mut statement = self.conn.prepare("SELECT id, units FROM accounts")?;
        let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// The rows behind the stage suggestions' facts, by account id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageRows {
    /// Products with ARR at the latest month, in name order.
    pub products: HashMap<String, Vec<String>>,
    /// Units at the lookback month.
    pub units_before: HashMap<String, i64>,
    /// The latest open trial, as `Product until YYYY-MM-DD`.
    pub trials: HashMap<String, String>,
    /// Products of won opportunities, in name order.
    pub won: HashMap<String, Vec<String>>,
    pub units_now: HashMap<String, i64>,
}

#[cfg(test)]
pub(crate) mod fixture {
    use super::*;

    pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    pub fn noon(date: NaiveDate) -> DateTime<Utc> {
        date.and_hms_opt(12, 0, 0).expect("time").and_utc()
    }

    /// A small book: Acme (one product, 10 of 100 seats, green), Beta (two
    /// products, yellow), Zero (no ARR). Latest month 2025-02, 2024-11 before.
    pub fn book() -> Store {
        let store = Store::open_in_memory().expect("store");
        crate::testkit::Book::new()
            .accounts(
                "id,   name, csm,  am,   stage,      stage_since, potential_units, health, arr,   units
                 ACME, Acme, fran, hugo, addiction,  2024-01-01,  100,             green,  12000, 10
                 BETA, Beta, fran, dana, absorption, ,            ,                yellow, 5000,  30
                 ZERO, Zero, sam,  ,     adoption,   2025-02-01,  ,                ,       0,     0",
            )
            .snapshots(
                "account_id, product,   month,   arr,   units
                 ACME,       Core,      2024-12, 12000, 10
                 ACME,       Core,      2024-11, 10000, 8
                 BETA,       Core,      2025-02, 3000,  20
                 BETA,       Analytics, 2025-02, 2000,  10
                 ACME,       Core,      2025-02, 12000, 10",
            )
            .contracts(
                "contract_id, account_id, product,   start_date, end_date,   arr,   units
                 C1,          ACME,       Core,      2024-06-01, 2025-05-31, 12000, 10
                 C2,          BETA,       Core,      2024-04-01, 2025-03-31, 3000,  20
                 C3,          BETA,       Analytics, 2024-09-01, 2026-08-31, 2000,  10",
            )
            .write(&store);
        store
    }

    /// A book of 60 accounts in a database file: ARR ties, product and
    /// account potentials, red spells recovered inside the window, one
    /// outside it, accounts red now, all four stages.
    pub fn larger_book(dir: &std::path::Path) -> Store {
        let store = book();
        for i in 0..60_i64 {
            let stage = ["addiction", "adoption", "absorption", "adaptation"][(i % 4) as usize];
            let health = ["green", "yellow", "orange", "red"][(i % 5).min(3) as usize];
            // Every ARR three times over: ties broken by id.
            let arr = (i / 3 + 1) * 100_000;
            let am = if i % 7 == 0 { String::new() } else { format!("am{}", i % 4) };
            let since =
                if i % 6 == 0 { String::new() } else { format!("2024-{:02}-01", i % 12 + 1) };
            let potential = if i % 5 == 4 { String::new() } else { (i * 3 + 12).to_string() };
            crate::testkit::Book::new()
                .accounts(&format!(
                    "id, name, csm, am, stage, stage_since, potential_units, health, arr, units\n\
                     G{:03}, Generated {i}, csm{}, {am}, {stage}, {since}, {potential}, {health}, {}, {}",
                    59 - i,
                    i % 3,
                    arr / 100,
                    i + 1,
                ))
                .write(&store);
            if i % 9 == 0 {
                store.set_potential(&format!("G{:03}", 59 - i), "Core", Some(i + 40)).expect("pot");
            }
        }
        for (id, red_on, green_on) in [
            ("G011", day(2025, 1, 10), day(2025, 2, 1)),
            ("G021", day(2024, 10, 1), day(2024, 10, 20)),
        ] {
            store
                .set_health(id, crate::domain::Health::Red, "outage", "kim", noon(red_on))
                .expect("red");
            store
                .set_health(id, crate::domain::Health::Green, "fixed", "kim", noon(green_on))
                .expect("green");
        }
        let path = dir.join("larger.db");
        store.backup_to(&path).expect("backup");
        Store::open(&path).expect("open")
    }

    #[test]
    fn fixture_months_are_what_they_say() {
        assert_eq!(crate::domain::Month(24301).to_string(), "2025-02");
        assert_eq!(crate::domain::Month(24298).to_string(), "2024-11");
    }
}
