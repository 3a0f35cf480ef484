//! The book's side of a team: membership, the outbox of authored events,
//! the cursor in the team's stream and the application of pulled events.
//! Joining installs the capture triggers (`capture.rs`) and records what
//! the book already holds; a book that never joins keeps every table here
//! empty and its writes exactly as they were. No network here: the
//! `cockpit-team` crate moves the events.

mod apply;
mod capture;
mod dump;
mod landing;
mod shape;
pub mod tables;

use super::bulk::BulkImport;
use super::{Store, StoreError, StoreResult};
use crate::team::{Event, Op};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, params};

pub use crate::store::bulk::{FileVersion, Landing};
pub use apply::Applied;

/// This book's place in a team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The member's name, on every event they author.
    pub member: String,
    /// The team's address as joined, without its password.
    pub team: String,
}

/// One event waiting in the outbox, with its place in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub seq: i64,
    pub event: Event,
}

impl Store {
    fn team_value(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM team_state WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// The team this book belongs to, if it joined one.
    pub fn team_membership(&self) -> StoreResult<Option<Membership>> {
        let member = self.team_value("member")?;
        let team = self.team_value("team")?;
        Ok(member.zip(team).map(|(member, team)| Membership { member, team }))
    }

    /// Makes this book a member of a team as `member`: the capture triggers
    /// are installed and every authored row it already holds is recorded in
    /// the outbox, in one transaction. Joining again under the same name
    /// changes nothing; another name is refused (the events already
    /// authored carry the first).
    pub fn join_team(&self, member: &str, team: &str) -> StoreResult<usize> {
        let member = member.trim();
        if member.is_empty() || member.chars().any(char::is_control) {
            return Err(StoreError::Invalid("a member's name is one line of text".to_string()));
        }
        if let Some(joined) = self.team_membership()? {
            if joined.member == member {
                let tx = self.conn.unchecked_transaction()?;
                tx.execute("UPDATE team_state SET value = ?1 WHERE key = 'team'", [team])?;
                capture::install(&tx)?;
                tx.commit()?;
                return Ok(0);
            }
            return Err(StoreError::Invalid(format!(
                "this book already belongs to a team as {}; a book is one member",
                joined.member
            )));
        }
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO team_state (key, value) VALUES ('member', ?1), ('team', ?2), ('cursor', '0')",
            params![member, team],
        )?;
        let shapes = capture::install(&tx)?;
        let hlc = next_clock(&tx, Utc::now())?;
        capture::backfill(&tx, &shapes, member, hlc)?;
        tx.execute("UPDATE team_state SET value = '1' WHERE key = 'capture'", [])?;
        let recorded: i64 = tx.query_row("SELECT count(*) FROM team_outbox", [], |r| r.get(0))?;
        tx.commit()?;
        Ok(usize::try_from(recorded).unwrap_or(0))
    }

    /// Brings the capture triggers up to date with the shared tables' list
    /// and the schema (a table added to the list starts syncing here).
    pub fn refresh_team_capture(&self) -> StoreResult<()> {
        if self.team_membership()?.is_none() {
            return Ok(());
        }
        let tx = self.conn.unchecked_transaction()?;
        capture::install(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Leaves the team: capture stops and the outbox is dropped (events not
    /// pushed are lost, so the caller says how many first).
    pub fn leave_team(&self) -> StoreResult<()> {
        let tx = self.conn.unchecked_transaction()?;
        capture::uninstall(&tx)?;
        tx.execute_batch(
            "DELETE FROM team_outbox; DELETE FROM team_versions; DELETE FROM team_parked;
             DELETE FROM team_state WHERE key NOT IN ('capture', 'clock');
             UPDATE team_state SET value = '0' WHERE key = 'capture';",
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The oldest `limit` events of the outbox, in the order they were made.
    pub fn outbox(&self, limit: usize) -> StoreResult<Vec<Outgoing>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT seq, event_id, tbl, row_key, op, body, member, hlc FROM team_outbox
             ORDER BY seq LIMIT ?1",
        )?;
        let rows = statement.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            let op: String = r.get(4)?;
            Ok(Outgoing {
                seq: r.get(0)?,
                event: Event {
                    event_id: r.get(1)?,
                    table: r.get(2)?,
                    row_key: r.get(3)?,
                    op: Op::parse(&op).unwrap_or(Op::Upsert),
                    body: r.get(5)?,
                    member: r.get(6)?,
                    hlc: r.get(7)?,
                },
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// How many events wait to be pushed.
    pub fn outbox_len(&self) -> StoreResult<u64> {
        let count: i64 =
            self.conn.query_row("SELECT count(*) FROM team_outbox", [], |r| r.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Forgets the outbox's events up to `seq`, once the team holds them.
    pub fn acknowledge_outbox(&self, seq: i64) -> StoreResult<()> {
        self.conn.execute("DELETE FROM team_outbox WHERE seq <= ?1", [seq])?;
        Ok(())
    }

    /// The last position of the team's stream this book applied.
    pub fn team_cursor(&self) -> StoreResult<i64> {
        Ok(self.team_value("cursor")?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// Applies pulled events (in the team's order) and moves the cursor to
    /// `cursor`, in one transaction; see `apply.rs`.
    pub fn apply_team_events(&self, events: &[Event], cursor: i64) -> StoreResult<Applied> {
        let tx = self.conn.unchecked_transaction()?;
        let applied = apply::apply(&tx, events)?;
        tx.execute(
            "INSERT OR REPLACE INTO team_state (key, value) VALUES ('cursor', ?1)",
            [cursor.to_string()],
        )?;
        tx.commit()?;
        Ok(applied)
    }

    /// Remembers when the book last synced with its team.
    pub fn record_team_sync(&self, at: DateTime<Utc>) -> StoreResult<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO team_state (key, value) VALUES ('last_sync', ?1)",
            [at.to_rfc3339_opts(SecondsFormat::Secs, true)],
        )?;
        Ok(())
    }

    /// When the book last synced with its team.
    pub fn last_team_sync(&self) -> StoreResult<Option<DateTime<Utc>>> {
        Ok(self
            .team_value("last_sync")?
            .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
            .map(|t| t.with_timezone(&Utc)))
    }

    /// The last of the team's imports (its book data) this book holds.
    pub fn team_imports_cursor(&self) -> StoreResult<i64> {
        Ok(self.team_value("imports")?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// How many pulled events wait for their account to arrive.
    pub fn parked_len(&self) -> StoreResult<u64> {
        let count: i64 =
            self.conn.query_row("SELECT count(*) FROM team_parked", [], |r| r.get(0))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }
}

impl BulkImport<'_> {
    /// Switches capture off (or on again) inside an import: the team's own
    /// book data lands in a member's book without becoming its events.
    pub fn set_team_capture(&self, on: bool) -> StoreResult<()> {
        self.conn.execute(
            "UPDATE team_state SET value = ?1 WHERE key = 'capture'",
            [if on { "1" } else { "0" }],
        )?;
        Ok(())
    }

    /// Records, with the import, the last of the team's imports it holds.
    pub fn set_team_imports_cursor(&self, seq: i64) -> StoreResult<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO team_state (key, value) VALUES ('imports', ?1)",
            [seq.to_string()],
        )?;
        Ok(())
    }
}

/// Creates the capture triggers on a connection to a book that joined a
/// team (nothing for a book that did not: one read of `team_state`).
pub(super) fn capture_on_open(conn: &rusqlite::Connection) -> StoreResult<()> {
    let joined: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM team_state WHERE key = 'member')", [], |r| {
            r.get(0)
        })?;
    if joined {
        capture::install(conn)?;
    }
    Ok(())
}

/// Moves the hybrid clock past both `now` and every clock seen, and returns it.
fn next_clock(conn: &rusqlite::Connection, now: DateTime<Utc>) -> StoreResult<i64> {
    conn.execute(
        "UPDATE team_state SET value = CAST(max(CAST(value AS INTEGER) + 1, ?1) AS TEXT) WHERE key = 'clock'",
        [now.timestamp_millis()],
    )?;
    Ok(conn.query_row(
        "SELECT CAST(value AS INTEGER) FROM team_state WHERE key = 'clock'",
        [],
        |r| r.get(0),
    )?)
}

#[cfg(test)]
impl Store {
    /// An account's health, CSM and stage, as stored.
    fn account_row_for_tests(&self, id: &str) -> (Option<String>, String, String) {
        self.conn
            .query_row("SELECT health, csm, stage FROM accounts WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .expect("account")
    }
}

#[cfg(test)]
mod tests;
