//! Undo: what reverses a write the cockpit made, read before the write, and
//! applied later in one transaction. An undo never erases history: a health
//! or stage undo is a new entry in that history ("undo: …"), and every undo
//! is kept in the `undos` table with who, when and what. This file also owns
//! [`Step`], the savepoint that makes several writes one transaction (bulk
//! actions, an undo), nesting inside any other.
//!
//! Other writes join by a [`Reversal`] variant, or from outside the store by
//! [`Reversal::Other`] with a type that implements [`Reverse`].

use super::{Store, StoreError, StoreResult};
use crate::domain::{Health, Stage};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, params};

/// A savepoint over the store's connection: released by [`Step::commit`],
/// rolled back when dropped without it. Savepoints nest, so a write that
/// keeps itself whole with a step can also run inside a larger one.
pub struct Step<'a> {
    conn: &'a Connection,
    done: bool,
}

impl Step<'_> {
    pub fn commit(mut self) -> StoreResult<()> {
        self.conn.execute_batch("RELEASE step")?;
        self.done = true;
        Ok(())
    }
}

impl std::ops::Deref for Step<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Step<'_> {
    fn drop(&mut self) {
        if !self.done {
            // Nothing better to do with a failed rollback than leave it to
            // the outer transaction (or the connection's close) to end.
            let _ = self.conn.execute_batch("ROLLBACK TO step; RELEASE step");
        }
    }
}

/// A write reversed by a later write made from outside the store (a task's
/// status): it applies its reversal through the store's typed writes.
pub trait Reverse: std::fmt::Debug {
    fn reverse(&self, store: &Store, who: &str, at: DateTime<Utc>) -> StoreResult<()>;
}

/// What puts back the state one write changed.
#[derive(Debug)]
pub enum Reversal {
    /// The snooze of (account, reason key) goes back to `before` (none: gone).
    Snooze { account_id: String, key: String, before: Option<NaiveDate> },
    /// The dismissals of these signals are withdrawn.
    Dismiss { account_id: String, kind: String, signals: Vec<String> },
    /// The health goes back to `before`, as a new history entry (or is
    /// cleared when there was none).
    Health { account_id: String, before: Option<Health>, what: String },
    /// The stage goes back to `before`, as a new history entry.
    Stage { account_id: String, before: Stage, what: String },
    /// The moment is open again (the touch it logged stays: it happened).
    MomentDone { account_id: String, id: i64 },
    /// The owners go back.
    Owners { account_id: String, csm: String, am: String },
    /// A write from outside the store.
    Other(Box<dyn Reverse>),
}

/// One undoable step: what the user did, and what reverses each of its
/// writes (applied last first).
#[derive(Debug)]
pub struct UndoStep {
    pub what: String,
    pub reversals: Vec<Reversal>,
}

impl Store {
    /// Starts a savepoint: the writes until [`Step::commit`] are one.
    pub fn step(&self) -> StoreResult<Step<'_>> {
        self.conn.execute_batch("SAVEPOINT step")?;
        Ok(Step { conn: &self.conn, done: false })
    }

    /// The date (account, reason key) is snoozed until, if it is.
    pub fn snoozed_until(&self, account_id: &str, key: &str) -> StoreResult<Option<NaiveDate>> {
        let until: Option<String> = self
            .conn
            .query_row(
                "SELECT until FROM snoozes WHERE account_id = ?1 AND reason = ?2",
                params![account_id, key],
                |r| r.get(0),
            )
            .optional()?;
        Ok(until.and_then(|d| d.parse().ok()))
    }

    /// Brings a snoozed reason back.
    pub fn unsnooze(&self, account_id: &str, key: &str) -> StoreResult<()> {
        self.conn.execute(
            "DELETE FROM snoozes WHERE account_id = ?1 AND reason = ?2",
            params![account_id, key],
        )?;
        Ok(())
    }

    /// Whether a signal of `kind` is dismissed for the account.
    pub fn is_dismissed(&self, account_id: &str, kind: &str, signal: &str) -> StoreResult<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM dismissed_suggestions WHERE account_id = ?1 AND kind = ?2 AND signal = ?3",
                params![account_id, kind, signal],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// The account's health, stage, CSM and AM now.
    pub fn account_state(
        &self,
        account_id: &str,
    ) -> StoreResult<(Option<Health>, Stage, String, String)> {
        let row: Option<(Option<String>, String, String, String)> = self
            .conn
            .query_row(
                "SELECT health, stage, csm, am FROM accounts WHERE id = ?1",
                [account_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let (health, stage, csm, am) = row.ok_or_else(|| {
            StoreError::Invalid(format!("no account {account_id:?} in this book"))
        })?;
        let stage = Stage::parse(&stage).map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok((health.and_then(|h| Health::parse(&h).ok()), stage, csm, am))
    }

    /// Reverses one step in one transaction, last write first, and keeps the
    /// undo in the history.
    pub fn undo(&self, step: &UndoStep, who: &str, at: DateTime<Utc>) -> StoreResult<()> {
        let tx = self.step()?;
        for reversal in step.reversals.iter().rev() {
            self.reverse(reversal, who, at)?;
        }
        tx.execute(
            "INSERT INTO undos (at, who, what) VALUES (?1, ?2, ?3)",
            params![at.to_rfc3339_opts(SecondsFormat::Secs, true), who, step.what],
        )?;
        tx.commit()
    }

    fn reverse(&self, reversal: &Reversal, who: &str, at: DateTime<Utc>) -> StoreResult<()> {
        match reversal {
            Reversal::Snooze { account_id, key, before: Some(until) } => {
                self.snooze(account_id, key, *until)
            }
            Reversal::Snooze { account_id, key, before: None } => self.unsnooze(account_id, key),
            Reversal::Dismiss { account_id, kind, signals } => {
                for signal in signals {
                    self.conn.execute(
                        "DELETE FROM dismissed_suggestions WHERE account_id = ?1 AND kind = ?2 AND signal = ?3",
                        params![account_id, kind, signal],
                    )?;
                }
                Ok(())
            }
            Reversal::Health { account_id, before: Some(health), what } => {
                self.restore_health(account_id, *health, &format!("undo: {what}"), who, at)
            }
            Reversal::Health { account_id, before: None, .. } => {
                self.conn.execute(
                    "UPDATE accounts SET health = NULL, health_since = NULL WHERE id = ?1",
                    [account_id],
                )?;
                Ok(())
            }
            Reversal::Stage { account_id, before, what } => {
                let (_, now, _, _) = self.account_state(account_id)?;
                if now == *before {
                    return Ok(());
                }
                self.set_stage(account_id, *before, &format!("undo: {what}"), who, at)
            }
            Reversal::MomentDone { id, .. } => {
                self.conn.execute("UPDATE moments SET done_at = NULL WHERE id = ?1", [id])?;
                Ok(())
            }
            Reversal::Owners { account_id, csm, am } => self.set_owners(account_id, csm, am),
            Reversal::Other(other) => other.reverse(self, who, at),
        }
    }

    /// The undos kept, newest first: (when, who, what).
    pub fn undos(&self) -> StoreResult<Vec<(String, String, String)>> {
        let mut statement =
            self.conn.prepare("SELECT at, who, what FROM undos ORDER BY id DESC")?;
        let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noon(day: &str) -> DateTime<Utc> {
        format!("{day}T12:00:00Z").parse().expect("time")
    }

    #[test]
    fn an_undo_puts_back_health_stage_snooze_and_dismissal_and_is_kept() {
        let store = Store::open_in_memory().expect("store");
        crate::testkit::seed_two_accounts(&store);
        let day = |d: &str| d.parse::<NaiveDate>().expect("day");
        store.set_health("A1", Health::Green, "fine", "ana", noon("2025-05-01")).expect("h");
        // What the step did: red, a snooze, a dismissal, a stage move.
        let (before, stage, _, _) = store.account_state("A1").expect("state");
        let step = UndoStep {
            what: "A1 health red and more".into(),
            reversals: vec![
                Reversal::Health { account_id: "A1".into(), before, what: "red".into() },
                Reversal::Snooze { account_id: "A1".into(), key: "no_touch".into(), before: None },
                Reversal::Dismiss {
                    account_id: "A1".into(),
                    kind: "health".into(),
                    signals: vec!["no_touch:never".into()],
                },
                Reversal::Stage { account_id: "A1".into(), before: stage, what: "moved".into() },
            ],
        };
        let at = noon("2025-06-01");
        let next = if stage == Stage::Adaptation { Stage::Adoption } else { Stage::Adaptation };
        {
            // All of it in one step: a failure inside rolls everything back.
            let tx = store.step().expect("step");
            store.set_health("A1", Health::Red, "outage", "ana", at).expect("h");
            store.snooze("A1", "no_touch", day("2025-06-08")).expect("s");
            assert!(store.set_health("NOPE", Health::Red, "x", "ana", at).is_err());
            drop(tx);
        }
        assert_eq!(store.account_state("A1").expect("s").0, Some(Health::Green), "rolled back");
        assert_eq!(store.snoozed_until("A1", "no_touch").expect("s"), None);
        let tx = store.step().expect("step");
        store.set_health("A1", Health::Red, "outage", "ana", at).expect("h");
        store.snooze("A1", "no_touch", day("2025-06-08")).expect("s");
        store.dismiss_suggestion("A1", "health", "no_touch:never", "ana", at).expect("d");
        store.set_stage("A1", next, "moved by hand", "ana", at).expect("stage");
        tx.commit().expect("commit");
        store.undo(&step, "ana", noon("2025-06-02")).expect("undo");
        let (health, now, _, _) = store.account_state("A1").expect("state");
        assert_eq!((health, now), (Some(Health::Green), stage));
        assert_eq!(store.snoozed_until("A1", "no_touch").expect("s"), None);
        assert!(!store.is_dismissed("A1", "health", "no_touch:never").expect("d"));
        // Recorded, not erased: red stays in the history, the undo follows it.
        let history = store.health_history("A1").expect("history");
        assert_eq!(history[0].reason, "undo: red");
        assert_eq!(history[1].reason, "outage");
        assert_eq!(store.stage_history("A1").expect("stages")[0].reason, "undo: moved");
        let undos = store.undos().expect("undos");
        assert_eq!(undos.len(), 1);
        assert_eq!(undos[0].2, "A1 health red and more");
    }

    /// Undoing a change away from red puts red back without starting the
    /// save plan a fresh change to red would: undo creates no work.
    #[test]
    fn undoing_a_change_away_from_red_starts_no_playbook() {
        let mut store = Store::open_in_memory().expect("store");
        crate::testkit::seed_two_accounts(&store);
        store.set_health("A1", Health::Red, "outage", "ana", noon("2025-05-01")).expect("red");
        // The save plan of that first red, done, so only a new one would show.
        store.set_playbooks(crate::domain::playbook::Playbooks::default());
        let (before, _, _, _) = store.account_state("A1").expect("state");
        store.set_health("A1", Health::Green, "fixed", "ana", noon("2025-05-02")).expect("green");
        let step = UndoStep {
            what: "A1 health green".into(),
            reversals: vec![Reversal::Health {
                account_id: "A1".into(),
                before,
                what: "green".into(),
            }],
        };
        store.undo(&step, "ana", noon("2025-05-03")).expect("undo");
        assert_eq!(store.account_state("A1").expect("state").0, Some(Health::Red));
        assert!(store.account_tasks("A1").expect("tasks").is_empty(), "undo started a playbook");
        // A real change to red still starts one.
        store.set_health("A2", Health::Red, "outage", "ana", noon("2025-05-03")).expect("red");
        assert_eq!(store.account_tasks("A2").expect("tasks").len(), 1);
    }
}
