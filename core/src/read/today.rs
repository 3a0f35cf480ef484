//! Today, and the health suggestions: gathers, for a reach (my book, my
//! team's, everyone's) or one account, the facts the health suggestions and
//! Today's triage read, and builds Today's rows from them — one row per
//! account holding all its reasons. The Today pane (on refresh, after an
//! action, never while drawing) and `cockpit today` read the same rows. The
//! rules themselves are pure and live in `metrics::health_signals` and
//! `metrics::triage`; the one suggestion computation both Today and the
//! Account view use is [`suggest`].

use super::book::BookIndex;
use crate::domain::calendar_rows::MomentRow;
use crate::domain::{Config, Health, count};
use crate::metrics::health_signals::Suggestion;
use crate::metrics::triage::{self, AccountTriage, Finding, FindingKind, ReasonKind};
use crate::read::tasks::{TaskRow, due_tasks};
use crate::store::lost_renewals::LostRenewal;
use crate::store::success_plans::PlanBehind;
use crate::store::trials::OverdueTrial;
use crate::store::views::CsmFacts;
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// A drop made by someone else this recently shows in Today.
pub const DROP_DAYS: i64 = 14;

mod each;
mod first;
mod list;
mod reach;
mod scope;
mod update;

pub use each::OwnFacts;
pub use first::BANDS_BEHIND_FROM;
pub use list::{TodayList, today_list, user_book};
pub use reach::{Reach, reason_counts, renewal_comes_back, snoozed_kind};
pub use scope::{Bands, Gathered, gather, suggest, suggestion_for};
use scope::{ScopeReads, days_before, facts_of};
pub use update::today_rows_after;

/// A Today row: one account, all its reasons (strongest first), its score,
/// and what acting on it needs.
#[derive(Debug, Clone)]
pub struct TodayRow {
    pub triage: AccountTriage,
    pub csm: String,
    pub suggestion: Option<Suggestion>,
    pub health: Option<Health>,
}

impl TodayRow {
    pub fn account_id(&self) -> &str {
        &self.triage.account_id
    }

    pub fn name(&self) -> &str {
        &self.triage.name
    }

    /// The strongest reason.
    pub fn first(&self) -> &Finding {
        self.triage.first()
    }

    pub fn has(&self, kind: ReasonKind) -> bool {
        self.triage.has(kind)
    }
}

/// Everything Today reads from the store for one CSM on one day, apart from
/// the book's rows. It needs no book, so the first screen reads it on a
/// second connection while the book's rows load.
pub struct TodayFacts {
    user: String,
    /// The CSMs whose accounts these facts cover.
    owners: Vec<String>,
    today: NaiveDate,
    reads: ScopeReads,
    snoozed: HashSet<(String, String)>,
    dismissed: HashSet<(String, String)>,
    overdue_moments: Vec<MomentRow>,
    overdue_trials: Vec<OverdueTrial>,
    plans_behind: Vec<PlanBehind>,
    lost: HashMap<String, LostRenewal>,
    /// Reasons other sources add, already keyed and worded.
    extra: Vec<Finding>,
    /// The owners' tasks due today or late.
    tasks: Vec<TaskRow>,
    /// The accounts these facts were read for, when not all the owners'
    /// (after a write, [`TodayFacts::read_accounts`]).
    only: Option<HashSet<String>>,
}

impl std::fmt::Debug for TodayFacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TodayFacts({}, {})", self.user, self.today)
    }
}

impl TodayFacts {
    pub fn read(
        store: &Store,
        user: &str,
        today: NaiveDate,
        config: &Config,
    ) -> StoreResult<TodayFacts> {
        TodayFacts::read_for(store, user, vec![user.to_string()], today, config)
    }

    /// The facts of the accounts of every CSM in `owners`, seen by `user`.
    pub fn read_for(
        store: &Store,
        user: &str,
        owners: Vec<String>,
        today: NaiveDate,
        config: &Config,
    ) -> StoreResult<TodayFacts> {
        let lost_since = days_before(today, LOST_RENEWAL_DAYS);
        let reads = ScopeReads::of_owners(store, &owners, today, config)?;
        let mut lost = HashMap::new();
        let mut overdue = Vec::new();
        let mut tasks = Vec::new();
        for owner in &owners {
            lost.extend(store.lost_renewals_of_csm(owner, lost_since, today)?);
            overdue.extend(store.overdue_moments(today, Some(owner))?);
            tasks.extend(due_tasks(store, owner, today)?);
        }
        let mut facts = TodayFacts::read_rest(store, user, today, reads, lost, overdue, tasks)?;
        facts.owners = owners;
        Ok(facts)
    }

    /// Adds reasons from another source (tasks due or overdue): they are
    /// snoozed, grouped and ranked with the rest.
    pub fn add_reasons(&mut self, reasons: impl IntoIterator<Item = Finding>) {
        self.extra.extend(reasons);
    }

    /// The facts for the first screen, from what was read with the user's
    /// rows ([`Store::csm_rows`]), the user's due tasks ([`due_tasks`], read
    /// once by the caller) and a few small reads, the scorecard bands
    /// included (see [`TodayFacts::beside_rows_with`]).
    pub fn beside_rows(
        store: &Store,
        user: &str,
        today: NaiveDate,
        read: CsmFacts,
        tasks: Vec<TaskRow>,
        config: &Config,
    ) -> StoreResult<TodayFacts> {
        TodayFacts::beside_rows_with(store, user, today, read, tasks, config, Bands::Now)
    }

    /// The facts from what the caller read, with the reads every scope
    /// shares; `tasks` are the due tasks of the accounts read.
    fn read_rest(
        store: &Store,
        user: &str,
        today: NaiveDate,
        reads: ScopeReads,
        lost: HashMap<String, LostRenewal>,
        overdue_moments: Vec<MomentRow>,
        tasks: Vec<TaskRow>,
    ) -> StoreResult<TodayFacts> {
        let snoozed = store.snoozed(today)?;
        let dismissed = store.dismissed_signals("health")?;
        let overdue_trials = store.overdue_trials(today)?;
        let plans_behind = store.success_plans_behind(today)?;
        Ok(TodayFacts {
            user: user.to_string(),
            owners: vec![user.to_string()],
            today,
            reads,
            snoozed,
            dismissed,
            overdue_moments,
            overdue_trials,
            plans_behind,
            lost,
            extra: Vec::new(),
            tasks,
            only: None,
        })
    }

    /// Whether these facts were read for `user`'s own accounts on `today`.
    pub fn is_for(&self, user: &str, today: NaiveDate) -> bool {
        self.user == user && self.today == today && self.owners == [user]
    }
}

/// Today's ranked rows for the CSM `user`'s own accounts, snoozes left out.
pub fn today_rows(
    store: &Store,
    book: &BookIndex,
    user: &str,
    today: NaiveDate,
    config: &Config,
) -> StoreResult<Vec<TodayRow>> {
    Ok(today_rows_from(TodayFacts::read(store, user, today, config)?, book, config))
}

/// Today's ranked rows for `user` over `reach`.
pub fn today_rows_in(
    store: &Store,
    book: &BookIndex,
    user: &str,
    reach: Reach,
    today: NaiveDate,
    config: &Config,
) -> StoreResult<Vec<TodayRow>> {
    let owners = reach.owners(store, user, config)?;
    Ok(today_rows_from(TodayFacts::read_for(store, user, owners, today, config)?, book, config))
}

/// Today's ranked rows from facts already read.
pub fn today_rows_from(facts: TodayFacts, book: &BookIndex, config: &Config) -> Vec<TodayRow> {
    let (findings, suggestions) = findings(facts, book, config);
    ranked(findings, suggestions, book, None)
}

/// A suggestion waiting, by account.
type Suggestions = HashMap<String, Suggestion>;

/// The reasons the facts give, unranked, and the suggestions behind them.
fn findings(facts: TodayFacts, book: &BookIndex, config: &Config) -> (Vec<Finding>, Suggestions) {
    let TodayFacts {
        user,
        owners,
        today,
        reads,
        snoozed,
        dismissed,
        overdue_moments,
        overdue_trials,
        plans_behind,
        lost,
        extra,
        tasks,
        only,
    } = facts;
    let user = user.as_str();
    let owners: HashSet<&str> = owners.iter().map(String::as_str).collect();
    let owned: Vec<u32> = match &only {
        // A few accounts after a write: looked up, not searched for.
        Some(ids) => {
            let mut owned: Vec<u32> = ids
                .iter()
                .filter_map(|id| book.index_of(id))
                .filter(|i| book.row(*i).is_some_and(|r| owners.contains(r.csm.as_str())))
                .collect();
            owned.sort_unstable();
            owned
        }
        None => book
            .rows()
            .iter()
            .enumerate()
            .filter(|(_, r)| owners.contains(r.csm.as_str()))
            .filter_map(|(i, _)| u32::try_from(i).ok())
            .collect(),
    };
    let gathered = facts_of(reads, book, owned);
    let mut rows = extra;
    let mut suggestions: HashMap<String, Suggestion> = HashMap::new();
    for facts in &gathered.facts {
        let Some(row) = book.by_id(&facts.account_id) else { continue };
        if triage::is_lost(row.arr, row.next_renewal, row.stage) {
            continue;
        }
        let base = |kind: FindingKind, key: String, why: String| Finding {
            account_id: row.id.clone(),
            name: row.name.clone(),
            kind,
            key,
            why,
            arr: row.arr,
            tier: facts.tier,
            flags: row.flags,
            score: 0,
        };
        // Renewal windows.
        if let Some(date) = row.next_renewal {
            let days = (date - today).num_days();
            if let Some(window) = triage::renewal_window(days, &config.renewal_windows_days) {
                rows.push(base(
                    FindingKind::Renewal { window, days, date },
                    format!("renewal:{date}:{window}"),
                    format!("renews {date} (in {}, {window}-day window)", count::days(days)),
                ));
            }
        }
        // Health dropped by someone else, recently.
        if let Some(history) = gathered.changes.get(&row.id)
            && let [.., before, last] = history.as_slice()
            && last.health < before.health
            && last.who != user
            && (today - last.at.date_naive()).num_days() <= DROP_DAYS
        {
            rows.push(base(
                FindingKind::HealthDropped {
                    from: before.health,
                    to: last.health,
                    on: last.at.date_naive(),
                    who: last.who.clone(),
                },
                format!("dropped:{}", last.at.to_rfc3339()),
                format!(
                    "{} set [{}]→[{}] on {}: {}",
                    last.who,
                    before.health.letter(),
                    last.health.letter(),
                    last.at.date_naive(),
                    last.reason
                ),
            ));
        }
        // No touch past the tier's cadence.
        let cadence = config.cadence_days(facts.tier);
        let untouched = facts.last_touch.map(|d| (today - d).num_days());
        if untouched.is_none_or(|days| days > cadence) {
            let days = untouched.unwrap_or(cadence * 2);
            rows.push(base(
                FindingKind::NoTouch { days, cadence },
                "no_touch".to_string(),
                match untouched {
                    Some(days) => {
                        format!(
                            "no touch for {} (tier {} cadence {cadence})",
                            count::days(days),
                            facts.tier
                        )
                    }
                    None => format!("never touched (tier {} cadence {cadence})", facts.tier),
                },
            ));
        }
        // Suggestions waiting: the Account view's computation, every signal in.
        if let Some(suggestion) = suggest(facts, today, config, &dismissed) {
            let review = suggestion.is_review(row.health);
            rows.push(base(
                FindingKind::Suggestion { health: suggestion.health, review },
                "suggestion".to_string(),
                format!("suggest [{}]: {}", suggestion.health.letter(), suggestion.reason()),
            ));
            suggestions.insert(row.id.clone(), suggestion);
        }
    }
    // Overdue moments.
    for overdue in overdue_moments {
        let moment = overdue.moment;
        let Some(index) = book.index_of(&moment.account_id) else { continue };
        let Some(row) = book.row(index) else { continue };
        let days_late = (today - moment.due_on).num_days();
        let kind = moment.kind.as_str().to_string();
        let title = if moment.title.is_empty() {
            moment.kind.title().to_string()
        } else {
            moment.title.clone()
        };
        rows.push(Finding {
            account_id: row.id.clone(),
            name: row.name.clone(),
            key: format!("moment:{}:{}", kind, moment.due_on),
            why: format!("{title} was due {} ({} late)", moment.due_on, count::days(days_late)),
            kind: FindingKind::MomentOverdue {
                id: moment.id,
                kind,
                title,
                due_on: moment.due_on,
                days_late,
            },
            arr: row.arr,
            tier: book.tier(index),
            flags: row.flags,
            score: 0,
        });
    }
    rows.extend(task_findings(tasks, book));
    rows.extend(four_a_findings(overdue_trials, plans_behind, book, &owners, today));
    rows.extend(lost_renewal_findings(&lost, book, &owners, today));
    // Most days nothing is snoozed: no pair is built for the lookup then.
    if let Some(ids) = &only {
        rows.retain(|f| ids.contains(&f.account_id));
    }
    if !snoozed.is_empty() {
        rows.retain(|f| !snoozed.contains(&(f.account_id.clone(), f.key.clone())));
    }
    (rows, suggestions)
}

/// One row per account from the reasons, ranked (a row's score depends on
/// the largest ARR among the rows ranked together: `largest`, in cents, when
/// these are some of them, else theirs).
fn ranked(
    findings: Vec<Finding>,
    mut suggestions: Suggestions,
    book: &BookIndex,
    largest: Option<i64>,
) -> Vec<TodayRow> {
    let ranked = match largest {
        Some(largest) => triage::rank_accounts_against(findings, largest),
        None => triage::rank_accounts(findings),
    };
    ranked
        .into_iter()
        .map(|triage| {
            let row = book.by_id(&triage.account_id);
            TodayRow {
                suggestion: match triage.has(ReasonKind::Suggestion) {
                    true => suggestions.remove(&triage.account_id),
                    false => None,
                },
                health: row.and_then(|r| r.health),
                csm: row.map(|r| r.csm.clone()).unwrap_or_default(),
                triage,
            }
        })
        .collect()
}

/// The tasks due today or late, each a reason on its account's row (the
/// task's owner sees it, whoever the account's CSM is).
fn task_findings(tasks: Vec<TaskRow>, book: &BookIndex) -> Vec<Finding> {
    tasks
        .into_iter()
        .filter_map(|row| {
            let index = book.index_of(&row.task.account_id)?;
            let account = book.row(index)?;
            Some(Finding {
                account_id: account.id.clone(),
                name: account.name.clone(),
                key: format!("task:{}:{}", row.task.id, row.next_due),
                why: row.reason(),
                kind: FindingKind::TaskDue {
                    id: row.task.id,
                    title: row.task.title.clone(),
                    due_on: row.next_due,
                    days_late: row.days_late.max(0),
                },
                arr: account.arr,
                tier: book.tier(index),
                flags: account.flags,
                score: 0,
            })
        })
        .collect()
}

/// How long after a loss Today keeps asking for its churn chain.
pub const LOST_RENEWAL_DAYS: i64 = 90;

/// The owners' accounts whose last contracts ended in the last
/// [`LOST_RENEWAL_DAYS`] days with nothing after them and no churn chain yet:
/// record why while the call is fresh (`c` opens the chain editor). `lost`
/// holds the user's lost renewals of those days, by account.
fn lost_renewal_findings(
    lost: &HashMap<String, LostRenewal>,
    book: &BookIndex,
    owners: &HashSet<&str>,
    today: NaiveDate,
) -> Vec<Finding> {
    let mut rows = Vec::new();
    // The few lost renewals looked up in the book, not the book walked.
    for (id, lost) in lost {
        let Some(index) = book.index_of(id) else { continue };
        let Some(row) = book.row(index) else { continue };
        if !owners.contains(row.csm.as_str())
            || !triage::is_lost(row.arr, row.next_renewal, row.stage)
        {
            continue;
        }
        let days_ago = (today - lost.ended_on).num_days();
        if lost.explained || days_ago > LOST_RENEWAL_DAYS {
            continue;
        }
        rows.push(Finding {
            account_id: row.id.clone(),
            name: row.name.clone(),
            kind: FindingKind::RenewalLost { ended_on: lost.ended_on, days_ago },
            key: format!("lost:{}", lost.ended_on),
            why: format!(
                "ended {} ({days_ago} days ago), {} lost: record why with c",
                lost.ended_on,
                lost.arr.to_short()
            ),
            arr: lost.arr,
            tier: book.tier(index),
            flags: row.flags,
            score: 0,
        });
    }
    rows
}

/// The 4A rows of Today for the `owners`' accounts: trials past their end date with
/// no takeaway result, and success plans that fell behind, each saying why.
fn four_a_findings(
    overdue_trials: Vec<OverdueTrial>,
    plans_behind: Vec<PlanBehind>,
    book: &BookIndex,
    owners: &HashSet<&str>,
    today: NaiveDate,
) -> Vec<Finding> {
    let mut rows = Vec::new();
    let finding = |account_id: &str, kind: FindingKind, key: String, why: String| {
        let index = book.index_of(account_id)?;
        let row = book.row(index)?;
        Some(Finding {
            account_id: row.id.clone(),
            name: row.name.clone(),
            kind,
            key,
            why,
            arr: row.arr,
            tier: book.tier(index),
            flags: row.flags,
            score: 0,
        })
    };
    for overdue in overdue_trials {
        if !owners.contains(overdue.csm.as_str()) {
            continue;
        }
        let trial = overdue.trial;
        let what =
            if trial.product.is_empty() { "trial".to_string() } else { trial.product.clone() };
        let criteria = if trial.success_criteria.is_empty() {
            String::new()
        } else {
            format!("; criteria: {}", trial.success_criteria)
        };
        rows.extend(finding(
            &trial.account_id,
            FindingKind::TrialOverdue {
                product: trial.product.clone(),
                end_date: trial.end_date,
                days_past_end: overdue.days_past_end,
            },
            format!("trial:{}:{}", trial.id, trial.end_date),
            format!(
                "{what} trial ended {} ({} days ago), takeaway test not recorded{criteria}",
                trial.end_date, overdue.days_past_end
            ),
        ));
    }
    for behind in plans_behind {
        if !owners.contains(behind.csm.as_str()) {
            continue;
        }
        let plan = behind.plan;
        let fields = &plan.fields;
        let unit = if fields.unit.is_empty() { String::new() } else { format!(" {}", fields.unit) };
        let when = if today > fields.target_date {
            format!("target date {} passed", fields.target_date)
        } else {
            format!("behind pace for {}", fields.target_date)
        };
        rows.extend(finding(
            &plan.account_id,
            FindingKind::PlanBehind {
                measure: fields.measure.clone(),
                target_date: fields.target_date,
            },
            format!("plan:{}:{}", plan.id, fields.current),
            format!(
                "plan \"{}\" at {}{unit} of {} (from {}), {when}",
                fields.measure, fields.current, fields.target, fields.baseline
            ),
        ));
    }
    rows
}

#[cfg(test)]
mod tests;
