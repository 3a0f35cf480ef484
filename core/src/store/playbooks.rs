//! Playbooks as the store runs them: starting one on an account (by hand
//! or by a trigger), and the triggers themselves. A trigger starts its
//! playbook once per occurrence (`playbook_occurrences`), and not while the
//! same playbook is still open on the account.
//!
//! **When triggers run.** Health set to red or orange (from another colour)
//! and a sponsor-change or severe-case note fire on the write that causes
//! them, in the same transaction: the health change and its save plan are
//! committed together or not at all. The renewal window and the new account
//! depend on the day, not on a write: [`Store::run_playbook_sweep`] checks
//! them for a day, and the cockpit calls it when it opens, when the day
//! changes, and in `cockpit tasks`. A store fires nothing until it is given
//! playbooks ([`Store::set_playbooks`]).

use super::stages::{date_text, time_text};
use super::{Store, StoreError, StoreResult};
use crate::domain::month::Month;
use crate::domain::playbook::{Playbook, Playbooks, Trigger};
use crate::domain::task::NewTask;
use crate::domain::{Health, NoteKind};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use std::collections::HashSet;

impl Store {
    /// The playbooks whose triggers fire on this store's writes.
    pub fn set_playbooks(&mut self, playbooks: Playbooks) {
        self.playbooks = playbooks;
    }

    pub fn playbooks(&self) -> &Playbooks {
        &self.playbooks
    }

    /// Starts `playbook` on an account by hand on `start` (a renewal
    /// playbook counts from the account's next renewal); the task is owned
    /// by `owner`. Returns the task's id.
    pub fn start_playbook(
        &self,
        account_id: &str,
        playbook: &Playbook,
        start: NaiveDate,
        owner: &str,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let name = self.account_name(account_id)?;
        if self.open_playbook_task(account_id, &playbook.key)?.is_some() {
            return Err(StoreError::Invalid(format!(
                "“{}” is already open on {name}: mark it done or skipped before starting it again",
                playbook.name
            )));
        }
        let renewal = self.next_renewal_of(account_id, start)?;
        let task = playbook_task(account_id, playbook, start, renewal, owner);
        self.add_task(&task, who, at)
    }

    /// The account's open task of the playbook `key`, if there is one.
    fn open_playbook_task(&self, account_id: &str, key: &str) -> StoreResult<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id FROM tasks WHERE account_id = ?1 AND playbook = ?2 AND status = 'open' LIMIT 1",
            )?
            .query_row(params![account_id, key], |r| r.get(0))
            .optional()?)
    }

    /// Starts `playbook` for one occurrence inside the caller's transaction,
    /// unless that occurrence already fired or the playbook is open on the
    /// account. Returns the new task's id when one was made.
    fn fire(
        &self,
        account_id: &str,
        playbook: &Playbook,
        occasion: Occasion<'_>,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        let Occasion { occurrence, start, renewal } = occasion;
        let recorded = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO playbook_occurrences (account_id, playbook, occurrence, at)
             VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![account_id, playbook.key, occurrence, time_text(at)])?;
        if recorded == 0 {
            return Ok(None);
        }
        let open = self.open_playbook_task(account_id, &playbook.key)?;
        if open.is_some() {
            return Ok(None);
        }
        let csm: String = self
            .conn
            .prepare_cached("SELECT csm FROM accounts WHERE id = ?1")?
            .query_row([account_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| {
                StoreError::Invalid(format!("no account {account_id:?} in this book"))
            })?;
        let owner = if csm.trim().is_empty() { who } else { csm.as_str() };
        let task = playbook_task(account_id, playbook, start, renewal, owner);
        self.insert_task(&task, who, at).map(Some)
    }

    /// The health trigger, called by `set_health` inside its transaction
    /// before the colour is written: fires when the colour moves into red or
    /// orange from another (or none).
    pub(super) fn playbooks_on_health(
        &self,
        account_id: &str,
        health: Health,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let bad = |h: Option<Health>| matches!(h, Some(Health::Red | Health::Orange));
        if !bad(Some(health))
            || self.playbooks.triggered_by(Trigger::HealthRedOrOrange).next().is_none()
        {
            return Ok(());
        }
        let before: Option<Option<String>> = self
            .conn
            .query_row("SELECT health FROM accounts WHERE id = ?1", [account_id], |r| r.get(0))
            .optional()?;
        let Some(before) = before else { return Ok(()) };
        if bad(before.as_deref().and_then(|h| Health::parse(h).ok())) {
            return Ok(());
        }
        let occurrence = format!("health:{}", time_text(at));
        for playbook in self.playbooks.triggered_by(Trigger::HealthRedOrOrange) {
            let occasion =
                Occasion { occurrence: &occurrence, start: at.date_naive(), renewal: None };
            self.fire(account_id, playbook, occasion, who, at)?;
        }
        Ok(())
    }

    /// The note trigger, called by `add_note` inside its transaction after
    /// the note (row `note_id`) is written.
    pub(super) fn playbooks_on_note(
        &self,
        account_id: &str,
        kind: NoteKind,
        note_id: i64,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        if !matches!(kind, NoteKind::SponsorChange | NoteKind::SevereCase) {
            return Ok(());
        }
        let occurrence = format!("note:{note_id}");
        for playbook in self.playbooks.triggered_by(Trigger::SponsorChangeOrSevereCase) {
            let occasion =
                Occasion { occurrence: &occurrence, start: at.date_naive(), renewal: None };
            self.fire(account_id, playbook, occasion, who, at)?;
        }
        Ok(())
    }

    /// The departure trigger, called by `change_contact` inside its
    /// transaction when a key person is marked as left: the sponsor-change
    /// playbooks start on `today`, once for `occurrence` (one departure).
    pub(super) fn playbooks_on_departure(
        &self,
        account_id: &str,
        occurrence: &str,
        today: NaiveDate,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        for playbook in self.playbooks.triggered_by(Trigger::SponsorChangeOrSevereCase) {
            let occasion = Occasion { occurrence, start: today, renewal: None };
            self.fire(account_id, playbook, occasion, who, at)?;
        }
        Ok(())
    }

    /// Undoes a departure's playbooks: their tasks made after `after_id`
    /// that no one has worked on go, and with them the occurrence (a task
    /// someone worked on stays, and keeps the occurrence fired).
    pub(super) fn remove_untouched_departure_plans(
        &self,
        account_id: &str,
        occurrence: &str,
        after_id: i64,
    ) -> StoreResult<()> {
        for playbook in self.playbooks.triggered_by(Trigger::SponsorChangeOrSevereCase) {
            self.conn.execute(
                "DELETE FROM tasks WHERE account_id = ?1 AND id > ?2 AND playbook = ?3
                   AND status = 'open'
                   AND NOT EXISTS (SELECT 1 FROM task_steps s
                                   WHERE s.task_id = tasks.id AND s.status <> 'open')
                   AND NOT EXISTS (SELECT 1 FROM task_changes c WHERE c.task_id = tasks.id)",
                params![account_id, after_id, playbook.key],
            )?;
            let kept: bool = self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM tasks WHERE account_id = ?1 AND id > ?2 AND playbook = ?3)",
                params![account_id, after_id, playbook.key],
                |r| r.get(0),
            )?;
            if !kept {
                self.conn.execute(
                    "DELETE FROM playbook_occurrences
                     WHERE account_id = ?1 AND playbook = ?2 AND occurrence = ?3",
                    params![account_id, playbook.key, occurrence],
                )?;
            }
        }
        Ok(())
    }

    /// The day's triggers for the whole book, in one transaction: every
    /// account whose next renewal is within a renewal playbook's window
    /// (once per renewal date), and every account whose first ARR month
    /// started within a new-account playbook's window (once per account).
    /// Returns how many tasks it started.
    pub fn run_playbook_sweep(&self, today: NaiveDate, at: DateTime<Utc>) -> StoreResult<usize> {
        let renewal: Vec<&Playbook> = self.playbooks.triggered_by(Trigger::RenewalWindow).collect();
        let new: Vec<&Playbook> = self.playbooks.triggered_by(Trigger::NewAccount).collect();
        if renewal.is_empty() && new.is_empty() {
            return Ok(0);
        }
        let tx = self.step()?;
        let mut started = 0;
        for playbook in renewal {
            let fired = self.fired(playbook)?;
            let horizon = today + Duration::days(playbook.window_days);
            let due: Vec<(String, NaiveDate)> = self
                .next_renewals_by_account(today)?
                .into_iter()
                .filter(|(account, day)| {
                    *day <= horizon && !fired.contains(&(account.clone(), renewal_key(*day)))
                })
                .collect();
            for (account, day) in due {
                let key = renewal_key(day);
                started += usize::from(
                    self.fire(
                        &account,
                        playbook,
                        Occasion { occurrence: &key, start: today, renewal: Some(day) },
                        "",
                        at,
                    )?
                    .is_some(),
                );
            }
        }
        for playbook in new {
            let fired = self.fired(playbook)?;
            let since = Month::of(today - Duration::days(playbook.window_days));
            let mut statement = self.conn.prepare(
                "SELECT id, first_month FROM accounts WHERE first_month >= ?1 AND first_month <= ?2",
            )?;
            let rows = statement.query_map(params![since.0, Month::of(today).0], |r| {
                Ok((r.get::<_, String>(0)?, Month(r.get(1)?)))
            })?;
            let earliest = today - Duration::days(playbook.window_days);
            let mut due = Vec::new();
            for row in rows {
                let (account, first) = row?;
                if first.first_day() >= earliest
                    && !fired.contains(&(account.clone(), NEW.to_string()))
                {
                    due.push(account);
                }
            }
            for account in due {
                started += usize::from(
                    self.fire(
                        &account,
                        playbook,
                        Occasion { occurrence: NEW, start: today, renewal: None },
                        "",
                        at,
                    )?
                    .is_some(),
                );
            }
        }
        tx.commit()?;
        Ok(started)
    }

    /// The (account, occurrence) pairs a playbook already fired for.
    fn fired(&self, playbook: &Playbook) -> StoreResult<HashSet<(String, String)>> {
        let mut statement = self.conn.prepare(
            "SELECT account_id, occurrence FROM playbook_occurrences WHERE playbook = ?1",
        )?;
        let rows = statement.query_map([&playbook.key], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The account's earliest contract end on or after `today`, if any.
    pub fn next_renewal_of(
        &self,
        account_id: &str,
        today: NaiveDate,
    ) -> StoreResult<Option<NaiveDate>> {
        let text: Option<String> = self.conn.query_row(
            "SELECT MIN(end_date) FROM contracts
             WHERE account_id = ?1 AND end_date >= ?2 AND terminated_on IS NULL",
            params![account_id, date_text(today)],
            |r| r.get(0),
        )?;
        Ok(text.as_deref().and_then(super::stages::parse_date))
    }
}

/// What a trigger fired for: its occurrence key, the day the playbook
/// starts, and the renewal it counts from (renewal playbooks).
#[derive(Debug, Clone, Copy)]
struct Occasion<'a> {
    occurrence: &'a str,
    start: NaiveDate,
    renewal: Option<NaiveDate>,
}

/// The occurrence of a new account (once per account).
const NEW: &str = "new_account";

fn renewal_key(day: NaiveDate) -> String {
    format!("renewal:{}", date_text(day))
}

/// The task a playbook makes: its name, its steps on their dates, due on
/// its last step.
fn playbook_task(
    account_id: &str,
    playbook: &Playbook,
    start: NaiveDate,
    renewal: Option<NaiveDate>,
    owner: &str,
) -> NewTask {
    let steps = playbook.schedule(start, playbook.anchor(start, renewal));
    let due_on = steps.iter().map(|s| s.1).max().unwrap_or(start);
    NewTask {
        account_id: account_id.to_string(),
        title: playbook.name.clone(),
        owner: owner.to_string(),
        due_on,
        steps,
        playbook: Some(playbook.key.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::stages::fixture::*;
    use super::*;
    use crate::domain::task::TaskStatus;

    fn with_defaults() -> Store {
        let mut store = book();
        store.set_playbooks(Playbooks::default());
        store
    }

    fn titles(store: &Store, account: &str) -> Vec<String> {
        store.account_tasks(account).expect("tasks").into_iter().map(|t| t.title).collect()
    }

    #[test]
    fn the_renewal_window_fires_once_per_renewal() {
        let store = with_defaults();
        // ACME renews 2025-05-31, BETA 2025-03-31 (C2). On 2025-01-10 BETA
        // is 80 days out (21 + 28 + 31), ACME 141: only BETA is within 120.
        let today = day(2025, 1, 10);
        assert_eq!(store.run_playbook_sweep(today, noon(today)).expect("sweep"), 1);
        assert_eq!(titles(&store, "BETA"), ["Renewal, 120 days"]);
        assert!(titles(&store, "ACME").is_empty());
        let beta = &store.account_tasks("BETA").expect("tasks")[0];
        // 80 days out: −120 and −90 fall before today and are due today;
        // −60 = 2025-01-30, −30 = 2025-03-01 (February has 28 days).
        let dates: Vec<NaiveDate> = beta.steps.iter().map(|s| s.due_on).collect();
        assert_eq!(dates, [today, today, day(2025, 1, 30), day(2025, 3, 1)]);
        assert_eq!((beta.owner.as_str(), beta.due_on), ("fran", day(2025, 3, 1)));
        // Again the same day, and the next day after the task was closed
        // and removed: never twice for the same renewal.
        assert_eq!(store.run_playbook_sweep(today, noon(today)).expect("sweep"), 0);
        store.set_task_status(beta.id, TaskStatus::Done, "fran", noon(today)).expect("done");
        store.remove_task(beta.id).expect("remove");
        let later = day(2025, 2, 1);
        assert_eq!(store.run_playbook_sweep(later, noon(later)).expect("sweep"), 1, "ACME only");
        assert_eq!(titles(&store, "ACME"), ["Renewal, 120 days"]);
        assert!(titles(&store, "BETA").is_empty());
    }

    #[test]
    fn red_health_starts_a_save_plan_once_per_spell_in_the_same_write() {
        let store = with_defaults();
        let at = noon(day(2025, 3, 3));
        store.set_health("ACME", Health::Orange, "sponsor quiet", "fran", at).expect("orange");
        assert_eq!(titles(&store, "ACME"), ["Save plan"]);
        // Orange → red is the same spell; red again with the plan open too.
        store.set_health("ACME", Health::Red, "outage", "fran", at).expect("red");
        assert_eq!(titles(&store, "ACME").len(), 1);
        let task = &store.account_tasks("ACME").expect("tasks")[0];
        // Worked dates from 2025-03-03: +2, +5, +14, +30 days.
        let dates: Vec<NaiveDate> = task.steps.iter().map(|s| s.due_on).collect();
        assert_eq!(dates, [day(2025, 3, 5), day(2025, 3, 8), day(2025, 3, 17), day(2025, 4, 2)]);
        // Green, the plan closed, then red again: a new spell, a new plan.
        store.set_health("ACME", Health::Green, "fixed", "fran", at).expect("green");
        store.set_task_status(task.id, TaskStatus::Done, "fran", at).expect("done");
        let later = noon(day(2025, 5, 1));
        store.set_health("ACME", Health::Red, "again", "fran", later).expect("red");
        assert_eq!(titles(&store, "ACME"), ["Save plan", "Save plan"]);
        // A refused health change starts nothing.
        assert!(store.set_health("BETA", Health::Red, " ", "fran", later).is_err());
        assert!(titles(&store, "BETA").is_empty());
    }

    #[test]
    fn sponsor_change_notes_and_new_accounts_start_their_playbooks() {
        let store = with_defaults();
        let at = noon(day(2025, 3, 3));
        store.add_note("BETA", NoteKind::Call, "all fine", "fran", at).expect("call");
        assert!(titles(&store, "BETA").is_empty());
        store.add_note("BETA", NoteKind::SponsorChange, "Dana left", "fran", at).expect("note");
        assert_eq!(titles(&store, "BETA"), ["Sponsor change"]);
        // BETA's first ARR month is 2025-02 (from 1 February): within 60
        // days of 2025-03-15 (from 2025-01-14), not of 2025-04-15 (from
        // 2025-02-14).
        let store = with_defaults();
        // The test book's writer leaves the derived first months to the
        // import's refresh.
        super::super::bulk::refresh_snapshot_facts(&store.conn).expect("facts");
        let late = day(2025, 4, 15);
        store.run_playbook_sweep(late, noon(late)).expect("sweep");
        assert!(!titles(&store, "BETA").contains(&"Onboarding".to_string()));
        let early = day(2025, 3, 15);
        store.run_playbook_sweep(early, noon(early)).expect("sweep");
        assert!(titles(&store, "BETA").contains(&"Onboarding".to_string()));
        store.run_playbook_sweep(early, noon(early)).expect("again");
        let onboarding = titles(&store, "BETA").iter().filter(|t| *t == "Onboarding").count();
        assert_eq!(onboarding, 1);
    }

    #[test]
    fn a_store_without_playbooks_fires_nothing_and_a_start_by_hand_counts_from_the_renewal() {
        let store = book();
        let at = noon(day(2025, 3, 3));
        store.set_health("ACME", Health::Red, "outage", "fran", at).expect("red");
        assert_eq!(store.run_playbook_sweep(day(2025, 3, 3), at).expect("sweep"), 0);
        assert!(titles(&store, "ACME").is_empty());
        let renewal = Playbooks::default().get("renewal").cloned().expect("renewal");
        let id = store
            .start_playbook("ACME", &renewal, day(2025, 3, 3), "hugo", "hugo", at)
            .expect("start");
        let task = store.task(id).expect("read").expect("task");
        // ACME renews 2025-05-31: −60 days = 2025-04-01, −30 = 2025-05-01.
        let dates: Vec<NaiveDate> = task.steps.iter().map(|s| s.due_on).collect();
        let start = day(2025, 3, 3);
        assert_eq!(dates, [start, start, day(2025, 4, 1), day(2025, 5, 1)]);
        assert_eq!(task.owner, "hugo");
        // Started again while open: refused, saying why; nothing is added.
        let again = store.start_playbook("ACME", &renewal, day(2025, 3, 4), "hugo", "hugo", at);
        let message = again.expect_err("a second open copy").to_string();
        assert!(message.contains("already open"), "{message}");
        assert_eq!(titles(&store, "ACME").len(), 1);
    }
}
