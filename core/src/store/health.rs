//! Health as the cockpit writes it: every change is kept with who, when and
//! why (the reason is required), `accounts.health` is the latest, and
//! `health_since` moves only when the colour changes. Also the dismissed
//! suggestions, so a dismissed signal is not shown again until it changes.

use super::accounts::time_of;
use super::{Store, StoreError, StoreResult};
use crate::domain::Health;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::params;
use std::collections::HashSet;

/// One recorded health change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthChange {
    pub account_id: String,
    pub at: DateTime<Utc>,
    pub who: String,
    pub health: Health,
    pub reason: String,
}

fn health_change(row: &rusqlite::Row<'_>) -> rusqlite::Result<HealthChange> {
    let at: String = row.get(1)?;
    let health: String = row.get(3)?;
    Ok(HealthChange {
        account_id: row.get(0)?,
        at: time_of(&at),
        who: row.get(2)?,
        health: Health::parse(&health).unwrap_or(Health::Yellow),
        reason: row.get(4)?,
    })
}

/// Whether a health write starts the playbooks its colour triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Triggers {
    Fire,
    Quiet,
}

impl Store {
    /// Sets an account's health with a reason (required), kept in its history.
    pub fn set_health(
        &self,
        account_id: &str,
        health: Health,
        reason: &str,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.record_health(account_id, health, reason, who, at, Triggers::Fire)
    }

    /// Puts a health back as an undo does: kept in the history as any change,
    /// but a change back to red starts no playbook (the undone change did
    /// not start one for the colour it left).
    pub(super) fn restore_health(
        &self,
        account_id: &str,
        health: Health,
        reason: &str,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.record_health(account_id, health, reason, who, at, Triggers::Quiet)
    }

    fn record_health(
        &self,
        account_id: &str,
        health: Health,
        reason: &str,
        who: &str,
        at: DateTime<Utc>,
        triggers: Triggers,
    ) -> StoreResult<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Invalid("a health change needs a reason".to_string()));
        }
        let stamp = at.to_rfc3339_opts(SecondsFormat::Secs, true);
        let tx = self.step()?;
        if triggers == Triggers::Fire {
            self.playbooks_on_health(account_id, health, who, at)?;
        }
        let changed = tx.execute(
            "UPDATE accounts SET
                 health_since = CASE WHEN health IS ?2 THEN COALESCE(health_since, ?3) ELSE ?3 END,
                 health = ?2
             WHERE id = ?1",
            params![account_id, health.as_str(), stamp],
        )?;
        if changed == 0 {
            return Err(StoreError::Invalid(format!("account {account_id} does not exist")));
        }
        tx.execute(
            "INSERT INTO health_changes (account_id, at, who, health, reason)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![account_id, stamp, who, health.as_str(), reason],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// An account's health changes, newest first.
    pub fn health_history(&self, account_id: &str) -> StoreResult<Vec<HealthChange>> {
        // Cached: Today's first screen reads the history of every account
        // changed lately, one after another.
        let mut statement = self.conn.prepare_cached(
            "SELECT account_id, at, who, health, reason FROM health_changes
             WHERE account_id = ?1 ORDER BY at DESC, id DESC",
        )?;
        let rows = statement.query_map(params![account_id], health_change)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The health changes of the accounts a CSM owns, oldest first (for
    /// drops and for how fresh each account's health is).
    pub fn health_changes_of_csm(&self, csm: &str) -> StoreResult<Vec<HealthChange>> {
        let mut statement = self.conn.prepare(
            "SELECT h.account_id, h.at, h.who, h.health, h.reason FROM health_changes h
             JOIN accounts a ON a.id = h.account_id
             WHERE a.csm = ?1 ORDER BY h.account_id, h.at, h.id",
        )?;
        let rows = statement.query_map(params![csm], health_change)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Remembers that the CSM dismissed a suggestion driven by `signal`.
    pub fn dismiss_suggestion(
        &self,
        account_id: &str,
        kind: &str,
        signal: &str,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO dismissed_suggestions (account_id, kind, signal, at, who)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![account_id, kind, signal, at.to_rfc3339_opts(SecondsFormat::Secs, true), who],
        )?;
        Ok(())
    }

    /// The (account, signal) pairs dismissed for suggestions of `kind`.
    pub fn dismissed_signals(&self, kind: &str) -> StoreResult<HashSet<(String, String)>> {
        let mut statement = self
            .conn
            .prepare("SELECT account_id, signal FROM dismissed_suggestions WHERE kind = ?1")?;
        let rows = statement.query_map(params![kind], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<HashSet<_>, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn health_needs_a_reason_and_keeps_its_history() {
        let store = Store::open_in_memory().expect("store");
        crate::testkit::seed_two_accounts(&store);
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("date");
        let at = |h: u32| today.and_hms_opt(h, 0, 0).expect("t").and_utc();
        assert!(store.set_health("A1", Health::Red, " ", "ana", at(9)).is_err());
        store.set_health("A1", Health::Orange, "sponsor left", "ana", at(9)).expect("set");
        store.set_health("A1", Health::Orange, "still shaky", "bo", at(10)).expect("set");
        let row = store.book_row("A1", today).expect("row").expect("exists");
        assert_eq!(row.health, Some(Health::Orange));
        // Re-confirming the same colour keeps "since".
        assert_eq!(row.health_since, Some(today));
        let history = store.health_history("A1").expect("history");
        assert_eq!(history.len(), 2);
        assert_eq!((history[0].who.as_str(), history[0].reason.as_str()), ("bo", "still shaky"));
        assert_eq!(store.health_changes_of_csm("ana").expect("csm").len(), 2);
        assert!(store.set_health("zz", Health::Red, "x", "ana", at(9)).is_err());
    }

    #[test]
    fn dismissed_signals_are_remembered() {
        let store = Store::open_in_memory().expect("store");
        crate::testkit::seed_two_accounts(&store);
        let at = NaiveDate::from_ymd_opt(2025, 6, 1).expect("d").and_hms_opt(9, 0, 0).expect("t");
        store
            .dismiss_suggestion("A1", "health", "no_touch:2025-05-01", "ana", at.and_utc())
            .expect("d");
        store
            .dismiss_suggestion("A1", "health", "no_touch:2025-05-01", "ana", at.and_utc())
            .expect("d");
        let set = store.dismissed_signals("health").expect("set");
        assert!(set.contains(&("A1".to_string(), "no_touch:2025-05-01".to_string())));
        assert_eq!(set.len(), 1);
    }
}
