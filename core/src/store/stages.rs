//! The 4A stage of each account: setting it (with a one-line reason, kept in
//! the timeline with who and when), its history, the stage suggestions' facts
//! and dismissals, and the board's load. SQL only; the rules are in
//! `metrics::stage_suggestions` and `metrics::board`.

use super::{Store, StoreError, StoreResult};
use crate::domain::{Config, Stage};
use crate::metrics::board::Board;
use crate::metrics::stage_suggestions::{RISING_LOOKBACK_MONTHS, StageFacts, StageSuggestion};
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
    let text = text.trim();
    NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d").ok()
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
        let tx = self.conn.unchecked_transaction()?;
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

    /// Accepts a suggestion: sets the suggested stage with its why as the reason.
    pub fn accept_stage_suggestion(
        &self,
        suggestion: &StageSuggestion,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let reason = format!("suggested: {}", suggestion.why);
        self.set_stage(&suggestion.account_id, suggestion.suggested, &reason, who, at)
    }

    /// Dismisses a suggestion until the signal behind it changes.
    pub fn dismiss_stage_suggestion(
        &self,
        suggestion: &StageSuggestion,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.account_name(&suggestion.account_id)?;
        self.conn.execute(
            "INSERT OR REPLACE INTO dismissed_suggestions (account_id, kind, signal, at, who)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![suggestion.account_id, STAGE_KIND, suggestion.signal(), time_text(at), who],
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

    /// What the stage rules read about every account (see
    /// `metrics::stage_suggestions`): open trials, products held at the
    /// latest month, won upsells, absorption and units then and now.
    pub fn stage_facts(&self, today: NaiveDate) -> StoreResult<Vec<StageFacts>> {
        let positions = self.account_positions(today)?;
        let latest = self.latest_month()?;
        let mut products: HashMap<String, Vec<String>> = HashMap::new();
        let mut units_before: HashMap<String, i64> = HashMap::new();
        if let Some(latest) = latest {
            let mut statement = self.conn.prepare(
                "SELECT account_id, product FROM snapshots WHERE month = ?1 AND arr_cents > 0
                 ORDER BY account_id, product",
            )?;
            let rows =
                statement.query_map([latest.0], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
            for row in rows {
                let (account, product) = row?;
                products.entry(account).or_default().push(product);
            }
            let mut statement = self.conn.prepare(
                "SELECT account_id, SUM(COALESCE(units, 0)) FROM snapshots WHERE month = ?1 GROUP BY account_id",
            )?;
            let rows = statement.query_map([latest.minus(RISING_LOOKBACK_MONTHS).0], |r| {
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
        Ok(positions
            .into_iter()
            .map(|position| {
                let held = products.remove(&position.id).unwrap_or_default();
                let won_new_products = won
                    .remove(&position.id)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|p| !held.contains(p))
                    .collect();
                StageFacts {
                    open_trial: trials.remove(&position.id),
                    units_now: units_now.get(&position.id).copied().unwrap_or(0),
                    units_before: units_before.get(&position.id).copied(),
                    absorption: position.absorption.rate(),
                    account_id: position.id,
                    name: position.name,
                    stage: position.stage,
                    arr: position.arr,
                    products: held,
                    won_new_products,
                }
            })
            .collect())
    }

    fn account_units(&self) -> StoreResult<HashMap<String, i64>> {
        let mut statement = self.conn.prepare("SELECT id, units FROM accounts")?;
        let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The 4A board for `today`: one pass over the accounts (see
    /// `account_positions`), grouped by stage. This is what the board pane
    /// opens with and what the benchmark times.
    pub fn board(&self, today: NaiveDate, config: &Config) -> StoreResult<Board> {
        Ok(Board::build(
            self.account_positions_with(today, config)?,
            today,
            config.stuck_stage_days,
        ))
    }

    /// Moves an account to another stage from the board: records the change
    /// and updates the board in place.
    pub fn move_on_board(
        &self,
        board: &mut Board,
        account_id: &str,
        stage: Stage,
        reason: &str,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.set_stage(account_id, stage, reason, who, at)?;
        board.move_account(account_id, stage, at.date_naive());
        Ok(())
    }
}

#[cfg(test)]
pub(super) mod fixture {
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

    #[test]
    fn fixture_months_are_what_they_say() {
        assert_eq!(crate::domain::Month(24301).to_string(), "2025-02");
        assert_eq!(crate::domain::Month(24298).to_string(), "2024-11");
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::*;
    use super::*;
    use crate::metrics::stage_suggestions::{StageRule, pending};

    #[test]
    fn setting_a_stage_needs_a_one_line_reason_and_is_kept_in_the_history() {
        let store = book();
        let at = noon(day(2025, 3, 1));
        assert!(store.set_stage("ACME", Stage::Adoption, " ", "fran", at).is_err());
        assert!(store.set_stage("ACME", Stage::Adoption, "two\nlines", "fran", at).is_err());
        assert!(store.set_stage("NOPE", Stage::Adoption, "why", "fran", at).is_err());
        store.set_stage("ACME", Stage::Adoption, "landed in finance", "fran", at).expect("set");
        let error =
            store.set_stage("ACME", Stage::Adoption, "again", "fran", at).expect_err("same stage");
        assert!(error.to_string().contains("already in adoption"));
        let history = store.stage_history("ACME").expect("history");
        assert_eq!(history.len(), 1);
        assert_eq!(
            (history[0].stage, history[0].who.as_str(), history[0].reason.as_str()),
            (Stage::Adoption, "fran", "landed in finance")
        );
        assert_eq!(history[0].at, at);
        let board = store.board(day(2025, 3, 11), &Config::default()).expect("board");
        let card = &board
            .column(Stage::Adoption)
            .cards
            .iter()
            .find(|c| board.id(c) == "ACME")
            .expect("card");
        assert_eq!(card.days_in_stage, Some(10));
    }

    #[test]
    fn suggestions_come_from_the_data_and_can_be_accepted_or_dismissed() {
        let store = book();
        let today = day(2025, 3, 1);
        let facts = store.stage_facts(today).expect("facts");
        let acme = facts.iter().find(|f| f.account_id == "ACME").expect("acme");
        assert_eq!((acme.units_now, acme.units_before), (10, Some(8)));
        assert_eq!(acme.products, ["Core"]);
        let list = pending(&facts, &store.dismissed_stage_signals().expect("dismissed"));
        // Acme: units rose 8 → 10 → absorption; Beta: two products → adaptation;
        // Zero: no paid ARR → addiction.
        let summary: Vec<(&str, Stage, StageRule)> =
            list.iter().map(|s| (s.account_id.as_str(), s.suggested, s.rule)).collect();
        assert_eq!(
            summary,
            vec![
                ("ACME", Stage::Absorption, StageRule::UnitsRising),
                ("BETA", Stage::Adaptation, StageRule::SecondProduct),
                ("ZERO", Stage::Addiction, StageRule::NoPaidArr),
            ]
        );
        let at = noon(today);
        store.accept_stage_suggestion(&list[0], "fran", at).expect("accept");
        store.dismiss_stage_suggestion(&list[1], "fran", at).expect("dismiss");
        let again = pending(
            &store.stage_facts(today).expect("facts"),
            &store.dismissed_stage_signals().expect("d"),
        );
        assert_eq!(again.iter().map(|s| s.account_id.as_str()).collect::<Vec<_>>(), ["ZERO"]);
        let history = store.stage_history("ACME").expect("history");
        assert_eq!(history[0].reason, "suggested: units up from 8 to 10 over 3 months");
    }
}
