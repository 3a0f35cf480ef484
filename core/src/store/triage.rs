//! The facts Today and the health suggestions are computed from, read for a
//! scope (one CSM's book, or one account): snapshot trends, flagged notes,
//! overdue moments, snoozes. Ranking and the suggestion rules live in
//! `metrics::triage` and `metrics::health_signals`; this file only reads and
//! writes rows.

use super::accounts::time_of;
use super::{Store, StoreResult};
use crate::domain::{Money, Month, Note, NoteKind};
use chrono::NaiveDate;
use rusqlite::params;
use std::collections::HashSet;

/// Which accounts a triage query covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// The accounts whose CSM is this person.
    Csm(&'a str),
    /// One account.
    Account(&'a str),
}

impl Scope<'_> {
    fn column(self) -> &'static str {
        match self {
            Scope::Csm(_) => "a.csm",
            Scope::Account(_) => "a.id",
        }
    }

    fn value(self) -> String {
        match self {
            Scope::Csm(v) | Scope::Account(v) => v.to_string(),
        }
    }
}

pub use crate::domain::month::TREND_MONTHS;

/// An account's total ARR and units at two snapshot months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotTrend {
    pub account_id: String,
    pub from_month: Month,
    pub to_month: Month,
    pub from_arr: Money,
    pub to_arr: Money,
    pub from_units: i64,
    pub to_units: i64,
}

impl Store {
    /// Each account's total ARR and units at the book's latest snapshot month
    /// and [`TREND_MONTHS`] before it, for the accounts with any of them: the
    /// derived columns the store keeps beside the account, so one read of
    /// the scope's accounts.
    pub fn snapshot_trends(&self, scope: Scope<'_>) -> StoreResult<Vec<SnapshotTrend>> {
        let latest: Option<i32> = super::series::latest_month(&self.conn)?.map(|m| m.0);
        let Some(latest) = latest else { return Ok(Vec::new()) };
        let earlier = latest - TREND_MONTHS;
        let sql = format!(
            "SELECT a.id, a.trend_arr_cents, a.arr_cents, a.trend_units, a.units FROM accounts a
             WHERE {} = ?1
               AND (a.trend_arr_cents <> 0 OR a.arr_cents <> 0 OR a.trend_units <> 0 OR a.units <> 0)
             ORDER BY a.id",
            scope.column()
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map(params![scope.value()], |row| {
            Ok(SnapshotTrend {
                account_id: row.get(0)?,
                from_month: Month(earlier),
                to_month: Month(latest),
                from_arr: Money::from_cents(row.get(1)?),
                to_arr: Money::from_cents(row.get(2)?),
                from_units: row.get(3)?,
                to_units: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Notes marked as a sponsor change or a severe case since `since`.
    pub fn flagged_notes(&self, scope: Scope<'_>, since: NaiveDate) -> StoreResult<Vec<Note>> {
        // From the scope's accounts, each account's flagged notes since
        // `since` (by `notes_flagged_by_account`, which holds only those):
        // the work grows with the CSM's accounts and their flagged notes,
        // not with the flagged notes of the whole book nor with every note.
        let sql = format!(
            "SELECT n.account_id, n.at, n.kind, n.text, n.who
             FROM accounts a CROSS JOIN notes n INDEXED BY notes_flagged_by_account
               ON n.account_id = a.id
             WHERE {} = ?1 AND n.at >= ?2 AND n.kind IN ('sponsor_change', 'severe_case')
             ORDER BY n.account_id, n.at",
            scope.column()
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map(params![scope.value(), since.to_string()], |row| {
            let at: String = row.get(1)?;
            let kind: String = row.get(2)?;
            Ok(Note {
                account_id: row.get(0)?,
                at: time_of(&at),
                kind: NoteKind::parse(&kind).unwrap_or(NoteKind::Note),
                text: row.get(3)?,
                who: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Snoozes a Today row (an account and the reason's key) until a date.
    pub fn snooze(&self, account_id: &str, reason: &str, until: NaiveDate) -> StoreResult<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO snoozes (account_id, reason, until) VALUES (?1, ?2, ?3)",
            params![account_id, reason, until.to_string()],
        )?;
        Ok(())
    }

    /// Every snooze running past `today`: (account, reason key, until), by
    /// date then account.
    pub fn snoozes(&self, today: NaiveDate) -> StoreResult<Vec<(String, String, NaiveDate)>> {
        let mut statement = self.conn.prepare(
            "SELECT account_id, reason, until FROM snoozes WHERE until > ?1
             ORDER BY until, account_id, reason",
        )?;
        let rows = statement.query_map(params![today.to_string()], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (account, reason, until) = row?;
            if let Ok(until) = until.parse() {
                out.push((account, reason, until));
            }
        }
        Ok(out)
    }

    /// The (account, reason key) pairs snoozed past `today`.
    pub fn snoozed(&self, today: NaiveDate) -> StoreResult<HashSet<(String, String)>> {
        let mut statement =
            self.conn.prepare("SELECT account_id, reason FROM snoozes WHERE until > ?1")?;
        let rows = statement
            .query_map(params![today.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<HashSet<_>, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trends_notes_moments_and_snoozes_read_for_a_scope() {
        let store = Store::open_in_memory().expect("store");
        crate::testkit::seed_two_accounts(&store);
        crate::testkit::Book::new()
            .snapshots(
                "account_id, product, month,   arr,   units
                 A1,         Core,    2024-10, 15000, 14
                 A1,         Extra,   2024-10, 1000,  1",
            )
            .notes(
                "account_id, at,                   kind,           text
                 A1,         2025-05-20T10:00:00Z, sponsor_change, new VP
                 A1,         2024-01-01T10:00:00Z, severe_case,    old
                 A2,         2025-05-21T10:00:00Z, severe_case,    outage",
            )
            .write(&store);
        // Written raw: moments without a title, which the store's own
        // write would give their kind's title.
        store
            .conn
            .execute_batch(
                "INSERT INTO moments (account_id, kind, due_on) VALUES
                   ('A1', 'qbr', '2025-05-15'), ('A1', 'kickoff', '2025-07-01');",
            )
            .expect("seed");
        // The trend is kept beside the account: refreshed for the accounts
        // written, and for the whole book, it is the same.
        let mut store = store;
        for accounts in [None, Some(&["A1".to_string()][..])] {
            store.refresh_derived_facts(accounts).expect("refresh");
            let trends = store.snapshot_trends(Scope::Csm("ana")).expect("trends");
            assert_eq!(trends.len(), 1);
            assert_eq!((trends[0].from_month, trends[0].to_month), (Month(24297), Month(24300)));
            // 15,000 + 1,000 then; 12,000 now.
            assert_eq!((trends[0].from_arr, trends[0].to_arr), (Money(1600000), Money(1200000)));
            assert_eq!((trends[0].from_units, trends[0].to_units), (15, 10));
        }
        // An account without snapshots has no trend.
        assert_eq!(store.snapshot_trends(Scope::Account("A2")).expect("trends"), []);
        let since = NaiveDate::from_ymd_opt(2025, 3, 1).expect("d");
        assert_eq!(store.flagged_notes(Scope::Csm("ana"), since).expect("n").len(), 2);
        assert_eq!(store.flagged_notes(Scope::Account("A1"), since).expect("n").len(), 1);
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("d");
        let overdue = store.overdue_moments(today, Some("ana")).expect("m");
        assert_eq!(overdue.len(), 1);
        assert_eq!(overdue[0].moment.kind.as_str(), "qbr");
        store
            .snooze("A1", "renewal:90", NaiveDate::from_ymd_opt(2025, 6, 8).expect("d"))
            .expect("s");
        assert!(store.snoozed(today).expect("s").contains(&("A1".into(), "renewal:90".into())));
        let until = NaiveDate::from_ymd_opt(2025, 6, 8).expect("d");
        assert_eq!(store.snoozes(today).expect("s"), [("A1".into(), "renewal:90".into(), until)]);
        assert!(
            store.snoozed(NaiveDate::from_ymd_opt(2025, 6, 8).expect("d")).expect("s").is_empty()
        );
    }
}
