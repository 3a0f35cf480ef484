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
    let owners = Owners { at: &at, task_owner: &task_owner };
    for (viewer, dealt) in dealt_in_halves(store, book, names, &owners, today, config)? {
        let tally = &mut tallies[viewer];
        tally.counts.rows += dealt.counts.rows;
        tally.at_stake.extend(dealt.at_stake);
        for (slot, n) in tally.kinds.iter_mut().zip(dealt.kinds) {
            *slot += n;
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

/// Who sees what: each CSM's place in the roll-up, and each due task's
/// owner's.
struct Owners<'a> {
    at: &'a HashMap<&'a str, usize>,
    task_owner: &'a HashMap<i64, usize>,
}

/// From this many CSMs on, the accounts of the second half of them are
/// read and dealt on a second connection beside the first half's: the two
/// halves share no account and no task, so their tallies add up.
const HALVES_FROM: usize = 16;

/// The Today rows of `names`' accounts dealt to the CSMs who see them, by
/// place in `names` (only the CSMs given any): on this thread, or in two
/// halves side by side when the book is a file and the team large enough.
/// A second half that cannot be read aside is read here after the first.
fn dealt_in_halves(
    store: &Store,
    book: &BookIndex,
    names: &[String],
    owners: &Owners<'_>,
    today: NaiveDate,
    config: &Config,
) -> StoreResult<Vec<(usize, Tally)>> {
    let path = store.path();
    if names.len() < HALVES_FROM || !path.is_file() {
        return dealt(store, book, names, owners, today, config);
    }
    let (first, second) = names.split_at(names.len() / 2);
    let (mine, theirs) = std::thread::scope(|scope| {
        let theirs = scope.spawn(|| -> StoreResult<Vec<(usize, Tally)>> {
            let aside = Store::open_aside(path)?;
            // The whole book is read: mapped, as the first half is.
            aside.release_mapped_pages();
            let book = BookIndex::new(aside.book_rows(today)?, config, today, "");
            dealt(&aside, &book, second, owners, today, config)
        });
        let mine = dealt(store, book, first, owners, today, config);
        (mine, theirs.join())
    });
    let mut mine = mine?;
    match theirs {
        Ok(Ok(theirs)) => mine.extend(theirs),
        _ => mine.extend(dealt(store, book, second, owners, today, config)?),
    }
    Ok(mine)
}

/// Everyone's Today over the accounts of `csms` (and their due tasks),
/// each row's reasons dealt to the CSMs who would see them.
fn dealt(
    store: &Store,
    book: &BookIndex,
    csms: &[String],
    owners: &Owners<'_>,
    today: NaiveDate,
    config: &Config,
) -> StoreResult<Vec<(usize, Tally)>> {
    let facts = TodayFacts::read_for(store, NOBODY, csms.to_vec(), today, config)?;
    let mut tallies: HashMap<usize, Tally> = HashMap::new();
    // An account's row holds the reasons of a few viewers at most: its CSM
    // and the owners of its tasks.
    let mut seen: Vec<(usize, Money, u32)> = Vec::new();
    for row in today_rows_from(facts, book, config) {
        let csm = owners.at.get(row.csm.as_str()).copied();
        seen.clear();
        for reason in &row.triage.reasons {
            let viewer = match &reason.kind {
                FindingKind::TaskDue { id, .. } => owners.task_owner.get(id).copied(),
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
            let tally = tallies.entry(viewer).or_default();
            tally.counts.rows += 1;
            tally.at_stake.push(arr);
            for (i, slot) in tally.kinds.iter_mut().enumerate() {
                if bits & (1 << i) != 0 {
                    *slot += 1;
                }
            }
        }
    }
    Ok(tallies.into_iter().collect())
}
