//! The facts of a scope (my book, or one account) that the health
//! suggestions and Today read: health changes, snapshot trends and flagged
//! notes from the store, joined to the book's rows, and the scorecard's
//! band where it differs from the CSM's colour; and the one health
//! suggestion computation Today, the Account view and the Health view
//! share ([`suggest`], [`suggestion_for`]).

use super::DROP_DAYS;
use crate::domain::{Config, NoteKind};
use crate::metrics::health_signals::{self, FLAGGED_NOTE_DAYS, Signal, SignalFacts, Suggestion};
use crate::read::book::BookIndex;
use crate::read::health::scorecard_signals;
use crate::store::health::HealthChange;
use crate::store::signals::SignalScope;
use crate::store::triage::{Scope, SnapshotTrend};
use crate::store::views::LastHealthChange;
use crate::store::{Store, StoreResult};
use chrono::{DateTime, Days, NaiveDate, Utc};
use std::collections::{HashMap, HashSet};

/// Whether the scorecard bands are read with the other facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bands {
    /// Read now: the rows are whole.
    Now,
    /// Left out: the rows lack the bands' suggestions until a whole read
    /// replaces them ([`TodayFacts::bands_pending`]).
    Later,
}

impl Bands {
    /// The first screen's choice for a user holding `accounts` accounts.
    pub fn for_first_screen(accounts: usize, behind_from: usize) -> Bands {
        match accounts >= behind_from {
            true => Bands::Later,
            false => Bands::Now,
        }
    }
}

/// From this many CSMs on, their accounts' scorecard bands are read in one
/// pass over the whole book ([`ScopeReads::of_owners`]).
const BOOK_PASS_OWNERS: usize = 8;

/// Facts per account of the scope, and each account's health changes (oldest first).
pub struct Gathered {
    pub facts: Vec<SignalFacts>,
    pub changes: HashMap<String, Vec<HealthChange>>,
}

/// A flagged note as the suggestions read it: kind, time, text.
type FlaggedNote = (NoteKind, DateTime<Utc>, String);

/// What the store holds for the accounts of a scope, before the book says
/// which of them to look at.
#[derive(Default)]
pub(super) struct ScopeReads {
    /// Health changes, oldest first: every account's, or (on the first
    /// screen) only those of the accounts changed in the last [`DROP_DAYS`].
    pub(super) changes: HashMap<String, Vec<HealthChange>>,
    /// The day of the last health change of the accounts `changes` leaves out.
    confirmed: HashMap<String, NaiveDate>,
    trends: HashMap<String, SnapshotTrend>,
    flagged: HashMap<String, Vec<FlaggedNote>>,
    /// The scorecard's band, by account, where it differs from the colour.
    scorecards: HashMap<String, Signal>,
    /// The bands were left out (`scorecards` is empty): read behind the
    /// first screen.
    pub(super) bands_later: bool,
}

impl ScopeReads {
    pub(super) fn read(
        store: &Store,
        scope: Scope<'_>,
        today: NaiveDate,
        config: &Config,
    ) -> StoreResult<ScopeReads> {
        let mut reads = ScopeReads::changes_and_notes(store, scope, today)?;
        reads.trends = trends_by_account(store.snapshot_trends(scope)?);
        reads.scorecards = scorecards(store, scope, today, config)?;
        Ok(reads)
    }

    /// What the store holds for the accounts of every CSM in `owners`. The
    /// scorecard bands of many owners are read in one pass over the whole
    /// book: a pass costs about the same for every account, and one over
    /// 100,000 accounts costs far less than fifty over 2,000 each (the
    /// loading of each pass's kept series dominates).
    pub(super) fn of_owners(
        store: &Store,
        owners: &[String],
        today: NaiveDate,
        config: &Config,
    ) -> StoreResult<ScopeReads> {
        let book_pass = owners.len() >= BOOK_PASS_OWNERS;
        let mut reads = ScopeReads::default();
        for owner in owners {
            let scope = Scope::Csm(owner);
            let mut read = ScopeReads::changes_and_notes(store, scope, today)?;
            read.trends = trends_by_account(store.snapshot_trends(scope)?);
            if !book_pass {
                read.scorecards = scorecards(store, scope, today, config)?;
            }
            reads.merge(read);
        }
        if book_pass {
            reads.scorecards = scorecard_signals(store, config, today, SignalScope::Book)?;
        }
        Ok(reads)
    }

    /// Adds what was read for another scope (another CSM's accounts).
    pub(super) fn merge(&mut self, other: ScopeReads) {
        self.changes.extend(other.changes);
        self.confirmed.extend(other.confirmed);
        self.trends.extend(other.trends);
        self.flagged.extend(other.flagged);
        self.scorecards.extend(other.scorecards);
        self.bands_later |= other.bands_later;
    }

    /// Everything but the snapshot trends.
    fn changes_and_notes(
        store: &Store,
        scope: Scope<'_>,
        today: NaiveDate,
    ) -> StoreResult<ScopeReads> {
        let changes = ScopeReads::changes(store, scope)?;
        let flagged = ScopeReads::flagged(store, scope, today)?;
        Ok(ScopeReads { changes, flagged, ..ScopeReads::default() })
    }

    /// For the first screen: from what was read with the CSM's rows, with
    /// the full history of only the accounts whose health changed lately
    /// from an earlier health (all a drop needs) and the flagged notes.
    pub(super) fn beside_rows(
        store: &Store,
        csm: &str,
        today: NaiveDate,
        trends: Vec<SnapshotTrend>,
        last_health_change: Vec<(String, LastHealthChange)>,
        config: &Config,
        bands: Bands,
    ) -> StoreResult<ScopeReads> {
        let lately = days_before(today, DROP_DAYS);
        let mut reads = ScopeReads {
            trends: trends_by_account(trends),
            flagged: ScopeReads::flagged(store, Scope::Csm(csm), today)?,
            scorecards: match bands {
                Bands::Now => scorecards(store, Scope::Csm(csm), today, config)?,
                Bands::Later => HashMap::new(),
            },
            bands_later: bands == Bands::Later,
            ..ScopeReads::default()
        };
        for (id, change) in last_health_change {
            let day = change.at.date_naive();
            if day >= lately && !change.first {
                let mut history = store.health_history(&id)?;
                history.reverse();
                reads.changes.insert(id, history);
            } else {
                reads.confirmed.insert(id, day);
            }
        }
        Ok(reads)
    }

    fn flagged(
        store: &Store,
        scope: Scope<'_>,
        today: NaiveDate,
    ) -> StoreResult<HashMap<String, Vec<FlaggedNote>>> {
        let mut flagged: HashMap<String, Vec<FlaggedNote>> = HashMap::new();
        for note in store.flagged_notes(scope, days_before(today, FLAGGED_NOTE_DAYS))? {
            flagged
                .entry(note.account_id.clone())
                .or_default()
                .push((note.kind, note.at, note.text));
        }
        Ok(flagged)
    }

    fn changes(store: &Store, scope: Scope<'_>) -> StoreResult<HashMap<String, Vec<HealthChange>>> {
        let mut changes: HashMap<String, Vec<HealthChange>> = HashMap::new();
        match scope {
            Scope::Csm(csm) => {
                for change in store.health_changes_of_csm(csm)? {
                    changes.entry(change.account_id.clone()).or_default().push(change);
                }
            }
            Scope::Account(id) => {
                let mut history = store.health_history(id)?;
                history.reverse();
                changes.insert(id.to_string(), history);
            }
        }
        Ok(changes)
    }
}

/// The scorecard suggestions of a scope's accounts (each account's band
/// where it differs from its colour, with the measures that moved it).
fn scorecards(
    store: &Store,
    scope: Scope<'_>,
    today: NaiveDate,
    config: &Config,
) -> StoreResult<HashMap<String, Signal>> {
    let scope = match scope {
        Scope::Csm(csm) => SignalScope::Csm(csm),
        Scope::Account(id) => SignalScope::Account(id),
    };
    scorecard_signals(store, config, today, scope)
}

fn trends_by_account(trends: Vec<SnapshotTrend>) -> HashMap<String, SnapshotTrend> {
    trends.into_iter().map(|t| (t.account_id.clone(), t)).collect()
}

/// The day `days` before `today` (today itself if out of the calendar).
pub(super) fn days_before(today: NaiveDate, days: i64) -> NaiveDate {
    today.checked_sub_days(Days::new(days.unsigned_abs())).unwrap_or(today)
}

/// Reads the facts for every account of `scope` that is in the book.
pub fn gather(
    store: &Store,
    book: &BookIndex,
    scope: Scope<'_>,
    today: NaiveDate,
    config: &Config,
) -> StoreResult<Gathered> {
    let rows: Vec<u32> = match scope {
        Scope::Csm(csm) => book
            .rows()
            .iter()
            .enumerate()
            .filter(|(_, r)| r.csm == csm)
            .filter_map(|(i, _)| u32::try_from(i).ok())
            .collect(),
        Scope::Account(id) => book.index_of(id).into_iter().collect(),
    };
    Ok(facts_of(ScopeReads::read(store, scope, today, config)?, book, rows))
}

/// Joins what the store holds to the book's `rows` (by index).
pub(super) fn facts_of(reads: ScopeReads, book: &BookIndex, rows: Vec<u32>) -> Gathered {
    let ScopeReads { changes, confirmed, trends, mut flagged, mut scorecards, .. } = reads;
    let facts = rows
        .into_iter()
        .filter_map(|index| {
            let row = book.row(index)?;
            let confirmed = changes
                .get(&row.id)
                .and_then(|c| c.last())
                .map(|c| c.at.date_naive())
                .or_else(|| confirmed.get(&row.id).copied())
                .or(row.health_since);
            Some(SignalFacts {
                account_id: row.id.clone(),
                tier: book.tier(index),
                health: row.health,
                health_confirmed: confirmed,
                last_touch: row.last_touch,
                next_renewal: row.next_renewal,
                trend: trends.get(&row.id).map(|t| {
                    (t.from_month, t.to_month, t.from_arr, t.to_arr, t.from_units, t.to_units)
                }),
                flagged_notes: flagged.remove(&row.id).unwrap_or_default(),
                scorecard: scorecards.remove(&row.id),
            })
        })
        .collect();
    Gathered { facts, changes }
}

/// The suggestion for one account, leaving out dismissed signals: what the
/// Account view shows and the Health view's `A` offers, the same as the
/// account's row on Today.
pub fn suggestion_for(
    store: &Store,
    book: &BookIndex,
    id: &str,
    today: NaiveDate,
    config: &Config,
) -> StoreResult<Option<Suggestion>> {
    let gathered = gather(store, book, Scope::Account(id), today, config)?;
    let dismissed = store.dismissed_signals("health")?;
    Ok(gathered.facts.first().and_then(|facts| suggest(facts, today, config, &dismissed)))
}

/// The health suggestion for one account's facts, leaving out the signals
/// dismissed (`(account_id, signal key)` pairs): the one computation Today
/// and the Account view both show, every signal in.
pub fn suggest(
    facts: &SignalFacts,
    today: NaiveDate,
    config: &Config,
    dismissed: &HashSet<(String, String)>,
) -> Option<Suggestion> {
    health_signals::suggestion(facts, today, config, |key| {
        !dismissed.is_empty() && dismissed.contains(&(facts.account_id.clone(), key.to_string()))
    })
}
