//! Today after a write: only the accounts written are read again (their
//! health history, notes, trend, lost renewal, moments and tasks), their rows
//! replaced, and every row ranked anew, so a snooze, a health change or an
//! undo on a CSM with thousands of accounts costs a few of them, not the
//! whole book. The rows are those a whole read would give: the others'
//! rows are kept as they were and the new ones put in their places by the
//! ranking's order; only when the largest ARR among the rows changed (every
//! score depends on it) are all ranked again.

use super::{LOST_RENEWAL_DAYS, ScopeReads, TodayFacts, TodayRow, days_before, findings, ranked};
use crate::domain::Config;
use crate::metrics::triage::rank_order;
use crate::read::book::BookIndex;
use crate::read::tasks::due_tasks;
use crate::store::triage::Scope;
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;
use std::collections::HashSet;

impl TodayFacts {
    /// The facts of the accounts `ids` alone, for the Today of the CSMs
    /// `owners` seen by `user`: what [`TodayFacts::read_for`] reads, for
    /// these accounts only.
    pub fn read_accounts(
        store: &Store,
        user: &str,
        owners: Vec<String>,
        ids: &HashSet<String>,
        today: NaiveDate,
        config: &Config,
    ) -> StoreResult<TodayFacts> {
        let mut reads = ScopeReads::default();
        for id in ids {
            reads.merge(ScopeReads::read(store, Scope::Account(id), today, config)?);
        }
        // As `lost_renewals_of_csm` reads them: ended from `since` on.
        let since = days_before(today, LOST_RENEWAL_DAYS);
        let mut lost = store.lost_renewals_of(ids.iter().cloned(), today)?;
        lost.retain(|_, renewal| renewal.ended_on >= since);
        let mut overdue = Vec::new();
        let mut tasks = Vec::new();
        for owner in &owners {
            let moments = store.overdue_moments(today, Some(owner))?;
            overdue.extend(moments.into_iter().filter(|m| ids.contains(&m.moment.account_id)));
            let due = due_tasks(store, owner, today)?;
            tasks.extend(due.into_iter().filter(|t| ids.contains(&t.task.account_id)));
        }
        let mut facts = TodayFacts::read_rest(store, user, today, reads, lost, overdue, tasks)?;
        facts.owners = owners;
        facts.only = Some(ids.clone());
        Ok(facts)
    }
}

/// Today's rows after writes to some accounts: `rows` (the rows before),
/// with the rows of the accounts `facts` were read for
/// ([`TodayFacts::read_accounts`]) replaced by what those facts give, all
/// ranked anew.
pub fn today_rows_after(
    rows: Vec<TodayRow>,
    facts: TodayFacts,
    book: &BookIndex,
    config: &Config,
) -> Vec<TodayRow> {
    let written = facts.only.clone().unwrap_or_default();
    let (mut reasons, mut suggestions) = findings(facts, book, config);
    let largest_before = rows.iter().map(|r| r.triage.arr.cents()).max().unwrap_or(0);
    let mut kept: Vec<TodayRow> =
        rows.into_iter().filter(|r| !written.contains(r.account_id())).collect();
    // A row's ARR is the largest of its reasons'.
    let largest = kept
        .iter()
        .map(|r| r.triage.arr.cents())
        .chain(reasons.iter().map(|f| f.arr.cents()))
        .max()
        .unwrap_or(0);
    if largest != largest_before {
        for row in kept {
            if let Some(suggestion) = row.suggestion {
                suggestions.insert(row.triage.account_id.clone(), suggestion);
            }
            reasons.extend(row.triage.reasons);
        }
        return ranked(reasons, suggestions, book, None);
    }
    for row in ranked(reasons, suggestions, book, Some(largest)) {
        let at = kept.partition_point(|k| rank_order(&k.triage, &row.triage).is_lt());
        kept.insert(at, row);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::domain::Health;
    use crate::read::today::{Reach, today_rows_in};

    /// After a snooze, a health change, a done moment and a reassignment,
    /// the rows updated from the written accounts alone are the rows a
    /// whole read gives, row for row, in every reach.
    #[test]
    fn rows_updated_after_writes_are_the_rows_read_whole() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("demo.db");
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("day");
        let store =
            crate::demo::load::create_demo_database(&path, &Clock::fixed(today)).expect("demo");
        let user = crate::demo::DEMO_CSM;
        let config = Config::default();
        let at = today.and_hms_opt(9, 0, 0).expect("time").and_utc();
        let book_of = |store: &Store| {
            BookIndex::new(store.book_rows(today).expect("rows"), &config, today, user)
        };
        for reach in [Reach::Mine, Reach::All] {
            let book = book_of(&store);
            let before = today_rows_in(&store, &book, user, reach, today, &config).expect("rows");
            assert!(before.len() > 5, "the demo CSM has a morning: {}", before.len());
            // The top row snoozed, the second set red, the third's moments
            // done, the fourth given to another CSM.
            let ids: Vec<String> = before.iter().map(|r| r.account_id().to_string()).collect();
            let id = |n: usize| ids[n].clone();
            for reason in &before[0].triage.reasons {
                let until = today.succ_opt().expect("day");
                store.snooze(&reason.account_id, &reason.key, until).expect("snooze");
            }
            store.set_health(&id(1), Health::Red, "outage", user, at).expect("health");
            let moments = store.overdue_moments(today, None).expect("moments");
            let third: Vec<_> = moments.iter().filter(|m| m.moment.account_id == id(2)).collect();
            for moment in third {
                store.complete_moment(moment.moment.id, at, user).expect("done");
            }
            store.set_owners(&id(3), "someone else", "").expect("owners");
            let written: HashSet<String> = (0..4).map(id).collect();
            let book = book_of(&store);
            let owners = reach.owners(&store, user, &config).expect("owners");
            let facts = TodayFacts::read_accounts(&store, user, owners, &written, today, &config)
                .expect("facts");
            let updated = today_rows_after(before, facts, &book, &config);
            let whole = today_rows_in(&store, &book, user, reach, today, &config).expect("rows");
            assert_eq!(format!("{updated:?}"), format!("{whole:?}"), "{reach:?}");
            assert!(updated.iter().all(|r| r.account_id() != id(0)), "the snoozed row left");
            // The smallest row touched (the largest ARR stays): it moves
            // to its place among rows that keep theirs.
            let last = updated.last().expect("rows").account_id().to_string();
            store
                .add_note(&last, crate::domain::NoteKind::Call, "went well", user, at)
                .expect("note");
            let one: HashSet<String> = [last].into_iter().collect();
            let owners = reach.owners(&store, user, &config).expect("owners");
            let book = book_of(&store);
            let facts = TodayFacts::read_accounts(&store, user, owners, &one, today, &config)
                .expect("facts");
            let updated = today_rows_after(updated, facts, &book, &config);
            let whole = today_rows_in(&store, &book, user, reach, today, &config).expect("rows");
            assert_eq!(format!("{updated:?}"), format!("{whole:?}"), "{reach:?} after a touch");
        }
    }
}
