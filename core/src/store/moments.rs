//! Engagement moments: scheduling the tier cadences into rows (idempotent:
//! `UNIQUE(account_id, kind, due_on)`), adding one-off moments by hand,
//! marking one done (which logs a touch), and reading them back for the
//! calendar and for Today's overdue list. The scheduling rule itself lives in
//! `domain::moment`.

use super::renewals::{ACCOUNT_COLUMNS, RawAccount, account_brief, day, stored_date};
use super::{Store, StoreError, StoreResult};
use crate::domain::Money;
use crate::domain::calendar_rows::{CalendarFilter, MomentRow};
use crate::domain::config::Config;
use crate::domain::moment::{Moment, MomentKind, MomentSource, plan_moments};
use crate::domain::tier::assign_tiers;
use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params, params_from_iter};
use std::collections::{HashMap, HashSet};

/// What one scheduling run changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScheduleReport {
    /// Accounts whose tier has a cadence.
    pub accounts: usize,
    pub added: usize,
    /// Future, not-done scheduled moments the plan no longer has (the
    /// account changed tier, or the cadences changed).
    pub removed: usize,
}

/// A day far enough back to anchor accounts that have no contract: moments
/// then fall on the 1st of the month (quarters from January).
fn default_anchor() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN)
}

const MOMENT_COLUMNS: &str = "m.id, m.account_id, m.kind, m.title, m.due_on, m.done_at, m.source";

struct RawMoment {
    id: i64,
    account_id: String,
    kind: String,
    title: String,
    due_on: String,
    done_at: Option<String>,
    source: String,
}

fn raw_moment(row: &Row<'_>) -> rusqlite::Result<RawMoment> {
    Ok(RawMoment {
        id: row.get(0)?,
        account_id: row.get(1)?,
        kind: row.get(2)?,
        title: row.get(3)?,
        due_on: row.get(4)?,
        done_at: row.get(5)?,
        source: row.get(6)?,
    })
}

impl RawMoment {
    fn into_moment(self) -> StoreResult<Moment> {
        let what = format!("moment {} of {}", self.id, self.account_id);
        let invalid = |e: crate::domain::UnknownWord| StoreError::Invalid(format!("{what}: {e}"));
        let done_at = match self.done_at {
            Some(text) => Some(
                DateTime::parse_from_rfc3339(&text)
                    .map_err(|_| StoreError::Invalid(format!("{what}: {text:?} is not a time")))?
                    .with_timezone(&Utc),
            ),
            None => None,
        };
        Ok(Moment {
            id: self.id,
            kind: MomentKind::parse(&self.kind).map_err(invalid)?,
            title: self.title,
            due_on: stored_date(&self.due_on, &what)?,
            done_at,
            source: MomentSource::parse(&self.source).map_err(invalid)?,
            account_id: self.account_id,
        })
    }
}

impl Store {
    /// Writes the tier cadences' moments due from `today` to `today +
    /// horizon_days` for every account, in one transaction. Running it again
    /// adds nothing; moments already done, manual ones and past ones are
    /// never touched. Tiers come from the Pareto cut of current ARR; each
    /// account's moments recur from its first contract's start date.
    pub fn schedule_moments(
        &self,
        config: &Config,
        today: NaiveDate,
        horizon_days: i64,
    ) -> StoreResult<ScheduleReport> {
        let until = today + Duration::days(horizon_days.max(0));
        let ranked: Vec<(String, Money)> = {
            let mut statement = self
                .conn
                .prepare("SELECT id, arr_cents FROM accounts ORDER BY arr_cents DESC, id")?;
            let rows = statement.query_map([], |r| Ok((r.get(0)?, Money(r.get(1)?))))?;
            rows.collect::<Result<_, _>>()?
        };
        let arrs: Vec<Money> = ranked.iter().map(|(_, arr)| *arr).collect();
        let tiers = assign_tiers(&arrs, &config.tier_cuts_bp);
        let scheduled_tiers: HashSet<u8> = config.moment_cadences.iter().map(|c| c.tier).collect();
        let mut anchors: HashMap<String, String> = HashMap::new();
        {
            let mut statement = self
                .conn
                .prepare("SELECT account_id, min(start_date) FROM contracts GROUP BY account_id")?;
            let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            for row in rows {
                let (account, start): (String, String) = row?;
                anchors.insert(account, start);
            }
        }
        let mut planned: HashSet<(String, MomentKind, NaiveDate)> = HashSet::new();
        let mut report = ScheduleReport::default();
        for ((account_id, _), tier) in ranked.iter().zip(tiers) {
            if !scheduled_tiers.contains(&tier) {
                continue;
            }
            report.accounts += 1;
            let anchor = match anchors.get(account_id) {
                Some(start) => stored_date(start, &format!("first contract of {account_id}"))?,
                None => default_anchor(),
            };
            for (due, kind) in plan_moments(tier, anchor, &config.moment_cadences, today, until) {
                planned.insert((account_id.clone(), kind, due));
            }
        }
        let tx = self.step()?;
        {
            let mut existing = tx.prepare(
                "SELECT id, account_id, kind, due_on FROM moments \
                 WHERE source = 'schedule' AND done_at IS NULL AND due_on >= ?1",
            )?;
            let rows = existing.query_map([day(today)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?;
            let mut stale = Vec::new();
            for row in rows {
                let (id, account_id, kind, due) = row?;
                let kind = MomentKind::parse(&kind).ok();
                let due = stored_date(&due, "scheduled moment")?;
                match kind {
                    Some(kind) if planned.contains(&(account_id.clone(), kind, due)) => {}
                    _ => stale.push(id),
                }
            }
            let mut delete = tx.prepare("DELETE FROM moments WHERE id = ?1")?;
            for id in stale {
                report.removed += delete.execute([id])?;
            }
            let mut insert = tx.prepare(
                "INSERT OR IGNORE INTO moments (account_id, kind, title, due_on, source) \
                 VALUES (?1, ?2, ?3, ?4, 'schedule')",
            )?;
            for (account_id, kind, due) in &planned {
                report.added +=
                    insert.execute(params![account_id, kind.as_str(), kind.title(), day(*due)])?;
            }
        }
        tx.commit()?;
        Ok(report)
    }

    /// Adds a one-off moment (kick-off, onboarding checkpoint, executive
    /// review, …) and returns its id.
    pub fn add_moment(
        &self,
        account_id: &str,
        kind: MomentKind,
        title: &str,
        due_on: NaiveDate,
    ) -> StoreResult<i64> {
        let known: Option<i64> = self
            .conn
            .query_row("SELECT 1 FROM accounts WHERE id = ?1", [account_id], |r| r.get(0))
            .optional()?;
        if known.is_none() {
            return Err(StoreError::Invalid(format!("there is no account {account_id:?}")));
        }
        let title = if title.trim().is_empty() { kind.title() } else { title.trim() };
        let inserted = self.conn.execute(
            "INSERT OR IGNORE INTO moments (account_id, kind, title, due_on, source) \
             VALUES (?1, ?2, ?3, ?4, 'manual')",
            params![account_id, kind.as_str(), title, day(due_on)],
        )?;
        if inserted == 0 {
            return Err(StoreError::Invalid(format!(
                "{account_id} already has a {} on {due_on}",
                kind.title().to_lowercase()
            )));
        }
        Ok(self.conn.last_insert_rowid())
    }

    /// Marks a moment done at `at` and logs it as a touch: a note of the
    /// moment's touch kind (`qbr` for a business review, `meeting`
    /// otherwise) by `who`, and the account's last touch moves to that day.
    /// All in one transaction.
    pub fn complete_moment(&self, id: i64, at: DateTime<Utc>, who: &str) -> StoreResult<Moment> {
        let tx = self.step()?;
        let raw = tx
            .query_row(
                &format!("SELECT {MOMENT_COLUMNS} FROM moments m WHERE m.id = ?1"),
                [id],
                raw_moment,
            )
            .optional()?
            .ok_or_else(|| StoreError::Invalid(format!("there is no moment {id}")))?;
        let mut moment = raw.into_moment()?;
        if let Some(done) = moment.done_at {
            return Err(StoreError::Invalid(format!(
                "{} of {} due {} was already done on {}",
                moment.title,
                moment.account_id,
                moment.due_on,
                done.date_naive()
            )));
        }
        let stamp = at.to_rfc3339_opts(SecondsFormat::Secs, true);
        tx.execute("UPDATE moments SET done_at = ?2 WHERE id = ?1", params![id, stamp])?;
        let text = format!("{} done (due {})", moment.title, moment.due_on);
        tx.execute(
            "INSERT OR IGNORE INTO notes (account_id, at, kind, text, who, note_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                moment.account_id,
                stamp,
                moment.kind.touch_kind().as_str(),
                text,
                who,
                super::note_key::note_key(&stamp, &text)
            ],
        )?;
        if moment.kind.touch_kind().is_touch_in(&super::touches::stored(&tx)?) {
            tx.execute(
                "UPDATE accounts SET last_touch = ?2 WHERE id = ?1 AND (last_touch IS NULL OR last_touch < ?2)",
                params![moment.account_id, day(at.date_naive())],
            )?;
        }
        tx.commit()?;
        moment.done_at = Some(at);
        Ok(moment)
    }

    /// Moments not done and due before `today`, oldest first, with their
    /// account; only `csm`'s accounts when given. Today lists these.
    pub fn overdue_moments(
        &self,
        today: NaiveDate,
        csm: Option<&str>,
    ) -> StoreResult<Vec<MomentRow>> {
        let mut params = vec![Value::Text(day(today))];
        // Overdue moments are few beside a CSM's moments to come: walk the
        // due dates first, whoever's they are.
        let mut sql = format!(
            "SELECT {MOMENT_COLUMNS}, {ACCOUNT_COLUMNS} FROM moments m \
             CROSS JOIN accounts a ON a.id = m.account_id WHERE m.done_at IS NULL AND m.due_on < ?1"
        );
        if let Some(csm) = csm {
            params.push(Value::Text(csm.to_string()));
            sql.push_str(" AND a.csm = ?2");
        }
        sql.push_str(" ORDER BY m.due_on, a.name, m.id");
        self.moment_rows(&sql, &params)
    }

    /// Every moment of one account, by due date.
    pub fn moments_of_account(&self, account_id: &str) -> StoreResult<Vec<Moment>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {MOMENT_COLUMNS} FROM moments m WHERE m.account_id = ?1 ORDER BY m.due_on, m.id"
        ))?;
        let rows = statement.query_map([account_id], raw_moment)?;
        let mut moments = Vec::new();
        for row in rows {
            moments.push(row?.into_moment()?);
        }
        Ok(moments)
    }

    /// Moments due from `from` to `to`, for the calendar.
    pub(super) fn moment_rows_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        filter: &CalendarFilter,
    ) -> StoreResult<Vec<MomentRow>> {
        let mut params = vec![Value::Text(day(from)), Value::Text(day(to))];
        let mut sql = format!(
            "SELECT {MOMENT_COLUMNS}, {ACCOUNT_COLUMNS} FROM moments m \
             JOIN accounts a ON a.id = m.account_id WHERE m.due_on BETWEEN ?1 AND ?2"
        );
        if let Some(csm) = &filter.csm {
            params.push(Value::Text(csm.clone()));
            sql.push_str(" AND a.csm = ?3");
        }
        if filter.at_risk_only {
            sql.push_str(" AND a.health IN ('red', 'orange')");
        }
        self.moment_rows(&sql, &params)
    }

    fn moment_rows(&self, sql: &str, params: &[Value]) -> StoreResult<Vec<MomentRow>> {
        let mut statement = self.conn.prepare_cached(sql)?;
        let rows = statement.query_map(params_from_iter(params.iter()), |row| {
            Ok((raw_moment(row)?, account_brief(row, 7)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (moment, account): (RawMoment, RawAccount) = row?;
            out.push(MomentRow { moment: moment.into_moment()?, account: account.into_brief()? });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{account, contract};

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    /// Four accounts: BIG holds 50% of ARR (tier 1), MID 30% (tier 2),
    /// SMALL and TINY the tail (tier 3).
    fn book() -> Store {
        let store = Store::open_in_memory().expect("store");
        account(&store, "BIG", "ann", Some("green"), 5000);
        account(&store, "MID", "ann", Some("yellow"), 3000);
        account(&store, "SMALL", "bob", Some("red"), 1500);
        account(&store, "TINY", "bob", None, 500);
        contract(&store, "C1", "BIG", "2024-01-10", "2025-01-09", 5000, "annual");
        store
    }

    fn count(store: &Store, sql: &str) -> i64 {
        store.conn.query_row(sql, [], |r| r.get(0)).expect("count")
    }

    #[test]
    fn scheduling_follows_tiers_and_is_idempotent() {
        let store = book();
        let config = Config::default();
        let report = store.schedule_moments(&config, d("2025-01-01"), 180).expect("schedule");
        // BIG (tier 1, anchor 2024-01-10): check-ins Feb 10, Mar 10, May 10, Jun 10;
        // reviews Jan 10 and Apr 10. MID (tier 2, no contract: quarters from
        // January 1st): check-ins Jan 1 and Apr 1 (Jul 1 is past the horizon).
        assert_eq!(report, ScheduleReport { accounts: 2, added: 8, removed: 0 });
        let big = store.moments_of_account("BIG").expect("moments");
        let plan: Vec<(String, &str)> =
            big.iter().map(|m| (m.due_on.to_string(), m.kind.as_str())).collect();
        assert_eq!(
            plan,
            vec![
                ("2025-01-10".into(), "qbr"),
                ("2025-02-10".into(), "check_in"),
                ("2025-03-10".into(), "check_in"),
                ("2025-04-10".into(), "qbr"),
                ("2025-05-10".into(), "check_in"),
                ("2025-06-10".into(), "check_in"),
            ]
        );
        let mid = store.moments_of_account("MID").expect("moments");
        let mid: Vec<(NaiveDate, MomentKind)> = mid.iter().map(|m| (m.due_on, m.kind)).collect();
        assert_eq!(
            mid,
            vec![(d("2025-01-01"), MomentKind::CheckIn), (d("2025-04-01"), MomentKind::CheckIn)]
        );
        assert!(store.moments_of_account("SMALL").expect("m").is_empty());
        let again = store.schedule_moments(&config, d("2025-01-01"), 180).expect("again");
        assert_eq!(again, ScheduleReport { accounts: 2, added: 0, removed: 0 });
        assert_eq!(count(&store, "SELECT count(*) FROM moments"), 8);
    }

    #[test]
    fn a_tier_change_replaces_future_scheduled_moments_only() {
        let store = book();
        let config = Config::default();
        store.schedule_moments(&config, d("2025-01-01"), 180).expect("schedule");
        let manual = store
            .add_moment("MID", MomentKind::ExecutiveReview, "", d("2025-02-01"))
            .expect("manual");
        // MID grows past BIG: it becomes tier 1 and BIG tier 2.
        store
            .conn
            .execute("UPDATE accounts SET arr_cents = 900000 WHERE id = 'MID'", [])
            .expect("u");
        let report = store.schedule_moments(&config, d("2025-01-01"), 180).expect("again");
        assert!(report.removed > 0 && report.added > 0, "{report:?}");
        let big: Vec<&str> =
            store.moments_of_account("BIG").expect("m").iter().map(|m| m.kind.as_str()).collect();
        // Tier 2 now: quarterly check-ins from the anchor (Jan 10, Apr 10).
        assert_eq!(big, vec!["check_in", "check_in"]);
        let mid = store.moments_of_account("MID").expect("m");
        assert!(mid.iter().any(|m| m.id == manual && m.source == MomentSource::Manual));
        assert!(mid.iter().any(|m| m.kind == MomentKind::Qbr));
    }

    #[test]
    fn completing_a_moment_logs_a_touch() {
        let store = book();
        let id = store
            .add_moment("SMALL", MomentKind::KickOff, "Kick-off with the new team", d("2025-01-05"))
            .expect("add");
        let duplicate = store.add_moment("SMALL", MomentKind::KickOff, "", d("2025-01-05"));
        assert!(duplicate.expect_err("duplicate").to_string().contains("already has a kick-off"));
        assert!(store.add_moment("NOPE", MomentKind::KickOff, "", d("2025-01-05")).is_err());
        let at = d("2025-01-07").and_hms_opt(15, 30, 0).expect("t").and_utc();
        let done = store.complete_moment(id, at, "ann").expect("done");
        assert_eq!(done.done_at, Some(at));
        let note: (String, String, String) = store
            .conn
            .query_row("SELECT kind, text, who FROM notes WHERE account_id = 'SMALL'", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .expect("note");
        assert_eq!(
            note,
            (
                "meeting".into(),
                "Kick-off with the new team done (due 2025-01-05)".into(),
                "ann".into()
            )
        );
        let touch: String = store
            .conn
            .query_row("SELECT last_touch FROM accounts WHERE id = 'SMALL'", [], |r| r.get(0))
            .expect("touch");
        assert_eq!(touch, "2025-01-07");
        let again = store.complete_moment(id, at, "ann").expect_err("twice");
        assert!(again.to_string().contains("already done"), "{again}");
        assert!(store.complete_moment(999, at, "ann").is_err());
    }

    #[test]
    fn overdue_moments_are_listed_per_csm() {
        let store = book();
        store.schedule_moments(&Config::default(), d("2025-01-01"), 180).expect("schedule");
        store
            .add_moment("SMALL", MomentKind::OnboardingCheckpoint, "", d("2025-01-03"))
            .expect("a");
        let today = d("2025-02-15");
        let all = store.overdue_moments(today, None).expect("overdue");
        let seen: Vec<(&str, String)> =
            all.iter().map(|r| (r.account.id.as_str(), r.moment.due_on.to_string())).collect();
        assert_eq!(
            seen,
            vec![
                ("MID", "2025-01-01".to_string()),
                ("SMALL", "2025-01-03".to_string()),
                ("BIG", "2025-01-10".to_string()),
                ("BIG", "2025-02-10".to_string()),
            ]
        );
        let bob = store.overdue_moments(today, Some("bob")).expect("bob");
        assert_eq!(bob.len(), 1);
        let review = all[2].moment.id;
        store
            .complete_moment(review, today.and_hms_opt(9, 0, 0).expect("t").and_utc(), "ann")
            .expect("d");
        assert_eq!(store.overdue_moments(today, Some("ann")).expect("ann").len(), 2);
        // The QBR was logged as a qbr touch.
        assert_eq!(count(&store, "SELECT count(*) FROM notes WHERE kind = 'qbr'"), 1);
    }
}
