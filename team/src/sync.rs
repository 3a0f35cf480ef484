//! One sync: push the outbox, then pull everyone else's events, batch by
//! batch. Each pushed batch is one server transaction and is forgotten by
//! the book only after it committed; each pulled batch is applied with the
//! cursor moved in one book transaction. Cut short anywhere (a kill, the
//! server going away), the next sync sends again what the team may not
//! have (stored once) and pulls again what the book had not applied.
//! The team's book data (files CS operations imported) is pulled before the
//! events, and lands with the book's place in it in one transaction, so the
//! events about its accounts find them.

use crate::connect::Team;
use crate::{BATCH, TeamError, TeamResult};
use chrono::Utc;
use cockpit_core::store::Store;
use cockpit_core::team::load_team_files;

/// What a sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Events sent that the team did not hold yet.
    pub pushed: u64,
    /// Other members' events received.
    pub pulled: u64,
    /// Of those, the ones that changed the book.
    pub applied: u64,
    /// Received events waiting for their account to reach this book.
    pub parked: u64,
    /// Files of the team's book data received (and landed in the book).
    pub imported: u64,
}

/// Syncs `store` (a member of a team) with the team's database at `url`.
pub fn sync(store: &mut Store, url: &str) -> TeamResult<SyncReport> {
    let Some(membership) = store.team_membership()? else {
        return Err(TeamError::Address {
            team: crate::redact(url),
            what: "this book has not joined a team; join it first: cockpit team join URL --as NAME"
                .to_string(),
        });
    };
    store.refresh_team_capture()?;
    let mut team = Team::connect(url)?;
    team.check_schema()?;
    let interrupted = |error: TeamError, store: &Store| match error {
        TeamError::Server { team, cause } => {
            TeamError::Interrupted { team, cause, waiting: store.outbox_len().unwrap_or(0) }
        }
        other => other,
    };
    let mut report = SyncReport::default();
    loop {
        let batch = store.outbox(BATCH)?;
        let Some(last) = batch.last().map(|o| o.seq) else { break };
        let events: Vec<_> = batch.into_iter().map(|o| o.event).collect();
        report.pushed += team.push(&events).map_err(|e| interrupted(e, store))?;
        store.acknowledge_outbox(last)?;
    }
    let files =
        team.imports_after(store.team_imports_cursor()?).map_err(|e| interrupted(e, store))?;
    if let Some(last) = files.last().map(|f| f.seq) {
        let shown = team.shown.clone();
        load_team_files(store, &files, Some(last), &mut team)
            .map_err(|error| TeamError::Import { team: shown, cause: error.to_string() })?;
        report.imported = files.len() as u64;
        // Events that waited for these accounts find them now.
        let cursor = store.team_cursor()?;
        let retried = store.apply_team_events(&[], cursor)?;
        report.applied += retried.applied as u64;
        report.parked = retried.parked as u64;
    }
    loop {
        let cursor = store.team_cursor()?;
        let batch = team.pull(cursor, BATCH).map_err(|e| interrupted(e, store))?;
        let Some(last) = batch.last().map(|(seq, _)| *seq) else { break };
        let theirs: Vec<_> =
            batch.into_iter().map(|(_, e)| e).filter(|e| e.member != membership.member).collect();
        report.pulled += theirs.len() as u64;
        let applied = store.apply_team_events(&theirs, last)?;
        report.applied += applied.applied as u64;
        report.parked = applied.parked as u64;
    }
    store.record_team_sync(Utc::now())?;
    // The member's last sync, for the team's view of who is current.
    let _ = team.client.execute(
        "UPDATE cockpit.members SET last_sync = now() WHERE name = $1",
        &[&membership.member],
    );
    Ok(report)
}
