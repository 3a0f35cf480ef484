//! Today's facts for every CSM of a book at once, as the manager's roll-up
//! reads them: what covers the whole book (snoozes, dismissed suggestions,
//! trials past their end, plans behind) is read once and shared, what
//! belongs to one CSM (their accounts' reads, lost renewals, overdue
//! moments, tasks due) once per CSM. Each CSM's facts are those
//! [`TodayFacts::read`] gives them.

use super::scope::{ScopeReads, days_before};
use super::{LOST_RENEWAL_DAYS, TodayFacts};
use crate::domain::Config;
use crate::read::tasks::due_tasks;
use crate::store::triage::Scope;
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;

/// One CSM's Today facts, with the overdue work the roll-up counts.
#[derive(Debug)]
pub struct OwnFacts {
    pub facts: TodayFacts,
    /// Tasks due before today and still open.
    pub overdue_tasks: usize,
    /// Engagement moments past their date and not held.
    pub overdue_moments: usize,
}

impl TodayFacts {
    /// The facts of each CSM in `csms`, each seen by themselves, in order.
    pub fn read_each(
        store: &Store,
        csms: &[String],
        today: NaiveDate,
        config: &Config,
    ) -> StoreResult<Vec<OwnFacts>> {
        let snoozed = store.snoozed(today)?;
        let dismissed = store.dismissed_signals("health")?;
        let overdue_trials = store.overdue_trials(today)?;
        let plans_behind = store.success_plans_behind(today)?;
        let lost_since = days_before(today, LOST_RENEWAL_DAYS);
        let mut each = Vec::with_capacity(csms.len());
        for csm in csms {
            let mut reads = ScopeReads::default();
            reads.merge(ScopeReads::read(store, Scope::Csm(csm), today, config)?);
            let lost = store.lost_renewals_of_csm(csm, lost_since, today)?;
            let overdue_moments = store.overdue_moments(today, Some(csm))?;
            let tasks = due_tasks(store, csm, today)?;
            each.push(OwnFacts {
                overdue_tasks: tasks.iter().filter(|t| t.days_late > 0).count(),
                overdue_moments: overdue_moments.len(),
                facts: TodayFacts {
                    user: csm.clone(),
                    owners: vec![csm.clone()],
                    today,
                    reads,
                    snoozed: snoozed.clone(),
                    dismissed: dismissed.clone(),
                    overdue_moments,
                    overdue_trials: overdue_trials.clone(),
                    plans_behind: plans_behind.clone(),
                    lost,
                    extra: Vec::new(),
                    tasks,
                    only: None,
                },
            });
        }
        Ok(each)
    }
}
