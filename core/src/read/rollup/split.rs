//! Everyone's Today dealt to the CSMs who would see it. The roll-up reads
//! the whole team's Today once — one pass over the book for the scorecard
//! bands, one grouping of the reasons — instead of each CSM's in turn, and
//! gives each reason to the one CSM whose own Today holds it: a task's to
//! the task's owner, every other reason to the account's CSM, a health drop
//! not to the CSM who made it. Each CSM's count is then the count of their
//! own Today, to the row ([`super::rollup_by_each`] is the long way).

use super::TodayCounts;
use crate::domain::{Config, Money};
use crate::metrics::triage::{FindingKind, ReasonKind};
use crate::read::book::BookIndex;
use crate::read::tasks::{TaskQuery, task_list};
use crate::read::today::{TodayFacts, today_rows_from};
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Who reads everyone's Today: nobody's name, so that every health drop
/// is read whoever made it (the CSM's own drops are left out below, as
/// their own Today leaves them out).
const NOBODY: &str = "\u{0}roll-up";

/// One CSM's Today as it adds up: rows, ARR at stake, rows by reason (a
/// bit per [`ReasonKind::ALL`]).
#[derive(Default, Clone)]
struct Tally {
    counts: TodayCounts,
    /// The ARR at stake of each row, added up once at the end (a sum that
    /// cannot overflow on the way).
    at_stake: Vec<Money>,
    kinds: [usize; ReasonKind::ALL.len()],
}

/// The Today counts of each CSM in `names`, in that order.
pub(super) fn lines(
    store: &Store,
    book: &BookIndex,
    names: &[String],
    today: NaiveDate,
    config: &Config,
) -> StoreResult<Vec<TodayCounts>> {
    let at: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();
    let mut tallies = vec![Tally::default(); names.len()];
    // The tasks due today or late, by owner: whose rows they make, and the late ones.
    let tasks = task_list(store, TaskQuery { owner: None, due_within: Some(0), today })?;
    let mut task_owner: HashMap<i64, usize> = HashMap::with_capacity(tasks.len());
    for row in &tasks {
        if let Some(&i) = at.get(row.task.owner.as_str()) {
            task_owner.insert(row.task.id, i);
            if row.days_late > 0 {
                tallies[i].counts.overdue_tasks += 1;
            }
        }
    }
    drop(tasks);
    for overdue in store.overdue_moments(today, None)? {
        if let Some(&i) = at.get(overdue.account.csm.as_str()) {
            tallies[i].counts.overdue_moments += 1;
        }
    }
    let facts = TodayFacts::read_for(store, NOBODY, names.to_vec(), today, config)?;
    // An account's row holds the reasons of a few viewers at most: its CSM
    // and the owners of its tasks.
    let mut seen: Vec<(usize, Money, u32)> = Vec::new();
    for row in today_rows_from(facts, book, config) {
        let csm = at.get(row.csm.as_str()).copied();
        seen.clear();
        for reason in &row.triage.reasons {
            let viewer = match &reason.kind {
                FindingKind::TaskDue { id, .. } => task_owner.get(id).copied(),
                FindingKind::HealthDropped { who, .. } if *who == row.csm => None,
                _ => csm,
            };
            let Some(viewer) = viewer else { continue };
            let kind = reason.kind.reason_kind();
            let bit = ReasonKind::ALL.iter().position(|k| *k == kind).map_or(0, |i| 1u32 << i);
            match seen.iter_mut().find(|s| s.0 == viewer) {
                Some(s) => {
                    s.1 = s.1.max(reason.arr);
                    s.2 |= bit;
                }
                None => seen.push((viewer, reason.arr, bit)),
            }
        }
        for &(viewer, arr, bits) in &seen {
            let tally = &mut tallies[viewer];
            tally.counts.rows += 1;
            tally.at_stake.push(arr);
            for (i, slot) in tally.kinds.iter_mut().enumerate() {
                if bits & (1 << i) != 0 {
                    *slot += 1;
                }
            }
        }
    }
    Ok(tallies
        .into_iter()
        .map(|tally| {
            let mut counts = tally.counts;
            counts.arr_at_stake = tally.at_stake.iter().sum();
            counts.by_reason =
                ReasonKind::ALL.into_iter().zip(tally.kinds).filter(|(_, n)| *n > 0).collect();
            counts
        })
        .collect())
}
