//! Everyone's Today counted, never worded: which accounts make a row for
//! which CSM, the kinds of reason on each row and the ARR at stake, read
//! set-based once for the whole book into flat vectors indexed by the
//! book's row. No reason is worded, no row ranked, no string built per
//! account: the rules are Today's (`read::today`, `metrics::triage`,
//! `metrics::health_signals`) decided on numbers. Where a rule reads a key
//! (a snooze, a dismissed signal) only the accounts holding one build it.
//! [`super::rollup_by_each`] is the long way it must equal.
//!
//! Whose row a reason lands on: a due task's on its owner's (whoever the
//! account's CSM is), every other reason on the account's CSM's, a health
//! drop only when someone other than that CSM made it.

use super::TodayCounts;
use crate::domain::{Config, Health, Money, NoteKind};
use crate::metrics::health_signals::{
    FLAGGED_NOTE_DAYS, RENEWAL_REVIEW_DAYS, SCORECARD_KEY, STALE_HEALTH_DAYS, Signal, SignalFacts,
};
use crate::metrics::triage::{self, ReasonKind};
use crate::read::book::BookIndex;
use crate::read::health::scorecard_signals;
use crate::read::tasks::{TaskQuery, task_list};
use crate::read::today::{DROP_DAYS, LOST_RENEWAL_DAYS, suggest};
use crate::store::signals::SignalScope;
use crate::store::triage::Scope;
use crate::store::{Store, StoreResult};
use chrono::{DateTime, Days, NaiveDate, Utc};
use std::collections::{HashMap, HashSet};

/// A set of [`ReasonKind`]s, a bit each in [`ReasonKind::ALL`]'s order.
type Kinds = u16;

fn bit(kind: ReasonKind) -> Kinds {
    ReasonKind::ALL.iter().position(|k| *k == kind).map_or(0, |i| 1 << i)
}

/// An account's last health change and the health before it.
#[derive(Clone, Copy)]
struct Change {
    health: Health,
    at: DateTime<Utc>,
    /// Made by the account's CSM (whose own drops are not shown them).
    by_csm: bool,
    before: Option<Health>,
}

/// What the store holds per account of the book, by the book's row.
struct Facts {
    changes: Vec<Option<Change>>,
    /// (ARR then, ARR now, units then, units now) over the trend's months.
    trends: Vec<Option<(Money, Money, i64, i64)>>,
    /// The account has a sponsor change or a severe case in the last
    /// [`FLAGGED_NOTE_DAYS`].
    flagged: Vec<bool>,
    /// The scorecard band where it differs from the colour, and whether
    /// its key is the scorecard's.
    bands: Vec<Option<(Health, bool)>>,
    /// The band's whole signal, for the accounts with a dismissed signal.
    band_signals: HashMap<u32, Signal>,
}

/// The Today counts of each CSM in `names`, in that order: each CSM's
/// own Today's, to the row.
pub(super) fn lines(
    store: &Store,
    book: &BookIndex,
    names: &[String],
    today: NaiveDate,
    config: &Config,
) -> StoreResult<Vec<TodayCounts>> {
    let at: HashMap<&str, u32> = names.iter().zip(0_u32..).map(|(n, i)| (n.as_str(), i)).collect();
    let rows = book.rows();
    // Each account's CSM by place in `names` (none: nobody's Today holds it).
    let owner: Vec<Option<u32>> = rows.iter().map(|r| at.get(r.csm.as_str()).copied()).collect();
    let snoozed = Snoozed::read(store, book, today)?;
    let dismissed = store.dismissed_signals("health")?;
    let dismissed_at: HashSet<u32> =
        dismissed.iter().filter_map(|(id, _)| book.index_of(id)).collect();
    let facts = Facts::read(store, book, names, &dismissed_at, today, config)?;
    let mut tallies = vec![Tally::default(); names.len()];
    // The reasons of each account's CSM's row, and a lost renewal's ARR.
    let mut kinds: Vec<Kinds> = vec![0; rows.len()];
    let mut lost_arr: Vec<Money> = vec![Money::ZERO; rows.len()];
    for (index, row) in (0_u32..).zip(rows) {
        let i = index as usize;
        if owner[i].is_none() || triage::is_lost(row.arr, row.next_renewal, row.stage) {
            continue;
        }
        let snoozes = snoozed.of(index);
        let shown = |key: &dyn Fn() -> String| snoozes.is_empty() || !snoozes.contains(&key());
        let mut here: Kinds = 0;
        if let Some(date) = row.next_renewal {
            let days = (date - today).num_days();
            if let Some(window) = triage::renewal_window(days, &config.renewal_windows_days)
                && shown(&|| format!("renewal:{date}:{window}"))
            {
                here |= bit(ReasonKind::Renewal);
            }
        }
        if let Some(change) = facts.changes[i]
            && change.before.is_some_and(|before| change.health < before)
            && !change.by_csm
            && (today - change.at.date_naive()).num_days() <= DROP_DAYS
            && shown(&|| format!("dropped:{}", change.at.to_rfc3339()))
        {
            here |= bit(ReasonKind::HealthDropped);
        }
        let tier = book.tier(index);
        let cadence = config.cadence_days(tier);
        let untouched = row.last_touch.map(|d| (today - d).num_days());
        let no_touch = untouched.is_none_or(|days| days > cadence);
        if no_touch && shown(&|| "no_touch".to_string()) {
            here |= bit(ReasonKind::NoTouch);
        }
        let confirmed = facts.changes[i].map(|c| c.at.date_naive()).or(row.health_since);
        let suggests = match dismissed_at.contains(&index) {
            // A dismissed signal is known by its key: this account's
            // suggestion is made the Account view's way.
            true => signal_facts(store, book, index, &facts, confirmed, today)?
                .and_then(|facts| suggest(&facts, today, config, &dismissed))
                .is_some(),
            false => {
                suggestion(row.health, confirmed, row.next_renewal, no_touch, i, &facts, today)
            }
        };
        if suggests && shown(&|| "suggestion".to_string()) {
            here |= bit(ReasonKind::Suggestion);
        }
        kinds[i] = here;
    }
    for overdue in store.overdue_moments(today, None)? {
        if let Some(&csm) = at.get(overdue.account.csm.as_str()) {
            tallies[csm as usize].counts.overdue_moments += 1;
        }
        let moment = overdue.moment;
        let Some(index) = book.index_of(&moment.account_id) else { continue };
        let i = index as usize;
        if owner[i].is_some()
            && !snoozed.of(index).contains(&format!(
                "moment:{}:{}",
                moment.kind.as_str(),
                moment.due_on
            ))
        {
            kinds[i] |= bit(ReasonKind::MomentOverdue);
        }
    }
    for overdue in store.overdue_trials(today)? {
        let trial = overdue.trial;
        let Some(index) = book.index_of(&trial.account_id) else { continue };
        let i = index as usize;
        if at.contains_key(overdue.csm.as_str())
            && owner[i].is_some()
            && !snoozed.of(index).contains(&format!("trial:{}:{}", trial.id, trial.end_date))
        {
            kinds[i] |= bit(ReasonKind::TrialOverdue);
        }
    }
    for behind in store.success_plans_behind(today)? {
        let plan = behind.plan;
        let Some(index) = book.index_of(&plan.account_id) else { continue };
        let i = index as usize;
        if at.contains_key(behind.csm.as_str())
            && owner[i].is_some()
            && !snoozed.of(index).contains(&format!("plan:{}:{}", plan.id, plan.fields.current))
        {
            kinds[i] |= bit(ReasonKind::PlanBehind);
        }
    }
    let lost_since = days_before(today, LOST_RENEWAL_DAYS);
    for csm in names {
        for (id, lost) in store.lost_renewals_of_csm(csm, lost_since, today)? {
            let Some(index) = book.index_of(&id) else { continue };
            let i = index as usize;
            let Some(row) = book.row(index) else { continue };
            if row.csm != *csm
                || !triage::is_lost(row.arr, row.next_renewal, row.stage)
                || lost.explained
                || (today - lost.ended_on).num_days() > LOST_RENEWAL_DAYS
                || snoozed.of(index).contains(&format!("lost:{}", lost.ended_on))
            {
                continue;
            }
            kinds[i] |= bit(ReasonKind::RenewalLost);
            lost_arr[i] = lost.arr;
        }
    }
    // Tasks due today or late: a row of their owner's, on the CSM's own
    // row when the owner is the account's CSM.
    let mut task_rows: HashSet<(u32, u32)> = HashSet::new();
    for task in task_list(store, TaskQuery { owner: None, due_within: Some(0), today })? {
        let Some(&viewer) = at.get(task.task.owner.as_str()) else { continue };
        if task.days_late > 0 {
            tallies[viewer as usize].counts.overdue_tasks += 1;
        }
        let Some(index) = book.index_of(&task.task.account_id) else { continue };
        if snoozed.of(index).contains(&format!("task:{}:{}", task.task.id, task.next_due)) {
            continue;
        }
        match owner[index as usize] == Some(viewer) {
            true => kinds[index as usize] |= bit(ReasonKind::Task),
            false => {
                task_rows.insert((index, viewer));
            }
        }
    }
    for (i, (row, here)) in rows.iter().zip(&kinds).enumerate() {
        let (Some(csm), true) = (owner[i], *here != 0) else { continue };
        let lost = bit(ReasonKind::RenewalLost);
        let arr = match (*here & lost != 0, *here & !lost != 0) {
            (true, true) => row.arr.max(lost_arr[i]),
            (true, false) => lost_arr[i],
            _ => row.arr,
        };
        tallies[csm as usize].add(*here, arr);
    }
    for (index, viewer) in task_rows {
        if let Some(row) = book.row(index) {
            tallies[viewer as usize].add(bit(ReasonKind::Task), row.arr);
        }
    }
    Ok(tallies.into_iter().map(Tally::counts).collect())
}

/// Whether the health suggestions make a suggestion for an account with
/// no dismissed signal: `health_signals::suggestion` on numbers.
fn suggestion(
    health: Option<Health>,
    confirmed: Option<NaiveDate>,
    next_renewal: Option<NaiveDate>,
    no_touch: bool,
    i: usize,
    facts: &Facts,
    today: NaiveDate,
) -> bool {
    let mut worst: Option<Health> = None;
    let mut signal = |suggests: Health| worst = Some(worst.map_or(suggests, |w| w.min(suggests)));
    if let Some((arr_then, arr_now, units_then, units_now)) = facts.trends[i] {
        if arr_now < arr_then && arr_then.cents() > 0 {
            let (then, now) = (i128::from(arr_then.cents()), i128::from(arr_now.cents()));
            let fall_bp = (then - now) * 10_000 / then;
            signal(if fall_bp >= 2000 { Health::Orange } else { Health::Yellow });
        }
        if units_now < units_then {
            signal(Health::Yellow);
        }
    }
    let band = facts.bands[i];
    if let Some((suggests, _)) = band {
        signal(suggests);
    }
    if no_touch {
        signal(Health::Yellow);
    }
    let mut review = false;
    if let Some(renewal) = next_renewal {
        let days = (renewal - today).num_days();
        let age = confirmed.map(|d| (today - d).num_days());
        if (0..=RENEWAL_REVIEW_DAYS).contains(&days) && age.is_none_or(|a| a > STALE_HEALTH_DAYS) {
            signal(health.unwrap_or(Health::Yellow));
            review = true;
        }
    }
    if facts.flagged[i] {
        signal(Health::Orange);
    }
    let Some(worst) = worst else { return false };
    let worse_than_now = health.is_none_or(|h| worst < h);
    let better = health.is_some_and(|h| worst > h) && band.is_some_and(|(_, card)| card);
    worse_than_now || review || better
}

/// The full signal facts of one account with a dismissed signal, for the
/// Account view's computation: its trend and flagged notes read again with
/// their months and words, its band as the book's pass gave it.
fn signal_facts(
    store: &Store,
    book: &BookIndex,
    index: u32,
    facts: &Facts,
    confirmed: Option<NaiveDate>,
    today: NaiveDate,
) -> StoreResult<Option<SignalFacts>> {
    let Some(row) = book.row(index) else { return Ok(None) };
    let since = days_before(today, FLAGGED_NOTE_DAYS);
    let notes = store.flagged_notes(Scope::Account(&row.id), since)?;
    let trend = store.snapshot_trends(Scope::Account(&row.id))?;
    Ok(Some(SignalFacts {
        account_id: row.id.clone(),
        tier: book.tier(index),
        health: row.health,
        health_confirmed: confirmed,
        last_touch: row.last_touch,
        next_renewal: row.next_renewal,
        trend: trend
            .first()
            .map(|t| (t.from_month, t.to_month, t.from_arr, t.to_arr, t.from_units, t.to_units)),
        flagged_notes: notes.into_iter().map(|n| (n.kind, n.at, n.text)).collect(),
        scorecard: facts.band_signals.get(&index).cloned(),
    }))
}

impl Facts {
    /// Everything the suggestions and the drops read, for the accounts of
    /// `names`.
    fn read(
        store: &Store,
        book: &BookIndex,
        names: &[String],
        dismissed_at: &HashSet<u32>,
        today: NaiveDate,
        config: &Config,
    ) -> StoreResult<Facts> {
        let n = book.rows().len();
        let mut facts = Facts {
            changes: vec![None; n],
            trends: vec![None; n],
            flagged: vec![false; n],
            bands: vec![None; n],
            band_signals: HashMap::new(),
        };
        let since = days_before(today, FLAGGED_NOTE_DAYS);
        for csm in names {
            let scope = Scope::Csm(csm);
            for change in store.health_changes_of_csm(csm)? {
                let Some(i) = book.index_of(&change.account_id) else { continue };
                let slot = &mut facts.changes[i as usize];
                *slot = Some(Change {
                    health: change.health,
                    at: change.at,
                    by_csm: change.who == *csm,
                    before: slot.map(|c| c.health),
                });
            }
            for trend in store.snapshot_trends(scope)? {
                let Some(i) = book.index_of(&trend.account_id) else { continue };
                facts.trends[i as usize] =
                    Some((trend.from_arr, trend.to_arr, trend.from_units, trend.to_units));
            }
            for note in store.flagged_notes(scope, since)? {
                let recent = (today - note.at.date_naive()).num_days() <= FLAGGED_NOTE_DAYS;
                let flagged = matches!(note.kind, NoteKind::SponsorChange | NoteKind::SevereCase);
                if let (true, true, Some(i)) = (recent, flagged, book.index_of(&note.account_id)) {
                    facts.flagged[i as usize] = true;
                }
            }
        }
        for (id, signal) in scorecard_signals(store, config, today, SignalScope::Book)? {
            let Some(i) = book.index_of(&id) else { continue };
            facts.bands[i as usize] =
                Some((signal.suggests, signal.key.starts_with(SCORECARD_KEY)));
            if dismissed_at.contains(&i) {
                facts.band_signals.insert(i, signal);
            }
        }
        Ok(facts)
    }
}

/// The snoozes running past today, by the book's row: most days none, and
/// then no key is ever built.
struct Snoozed {
    keys: HashMap<u32, HashSet<String>>,
    none: HashSet<String>,
}

impl Snoozed {
    fn read(store: &Store, book: &BookIndex, today: NaiveDate) -> StoreResult<Snoozed> {
        let mut keys: HashMap<u32, HashSet<String>> = HashMap::new();
        for (id, key) in store.snoozed(today)? {
            if let Some(i) = book.index_of(&id) {
                keys.entry(i).or_default().insert(key);
            }
        }
        Ok(Snoozed { keys, none: HashSet::new() })
    }

    fn of(&self, index: u32) -> &HashSet<String> {
        self.keys.get(&index).unwrap_or(&self.none)
    }
}

/// One CSM's Today as it adds up.
#[derive(Default, Clone)]
struct Tally {
    counts: TodayCounts,
    /// The ARR at stake of each row, added up once at the end (a sum that
    /// cannot overflow on the way).
    at_stake: Vec<Money>,
    kinds: [usize; ReasonKind::ALL.len()],
}

impl Tally {
    fn add(&mut self, kinds: Kinds, arr: Money) {
        self.counts.rows += 1;
        self.at_stake.push(arr);
        for (i, slot) in self.kinds.iter_mut().enumerate() {
            if kinds & (1 << i) != 0 {
                *slot += 1;
            }
        }
    }

    fn counts(self) -> TodayCounts {
        let mut counts = self.counts;
        counts.arr_at_stake = self.at_stake.iter().sum();
        counts.by_reason =
            ReasonKind::ALL.into_iter().zip(self.kinds).filter(|(_, n)| *n > 0).collect();
        counts
    }
}

/// The day `days` before `today` (today itself if out of the calendar).
fn days_before(today: NaiveDate, days: i64) -> NaiveDate {
    today.checked_sub_days(Days::new(days.unsigned_abs())).unwrap_or(today)
}
