//! The task writes as the app applies them: a task by hand, a playbook
//! started from the picker, a task's or a step's status. Each is one named
//! store write committed at once (the store keeps their inverses).

use super::*;
use crate::domain::task::TaskStatus;
use crate::store::{StoreError, StoreResult};
use crate::tui::write::TaskWrite;
use chrono::{DateTime, Utc};

impl App {
    pub(super) fn apply_task(
        &mut self,
        account_id: &str,
        write: &TaskWrite,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        match write {
            TaskWrite::Add(task) => self.store.add_task(task, &self.user, now).map(|_| ()),
            TaskWrite::Playbook(key) => {
                let Some(playbook) = self.config.playbooks.get(key).cloned() else {
                    return Err(StoreError::Invalid(format!("no playbook {key:?} in config.toml")));
                };
                let today = self.clock.today();
                self.store
                    .start_playbook(account_id, &playbook, today, &self.user, &self.user, now)
                    .map(|_| ())
            }
            TaskWrite::Status { id, step: None, status } => {
                self.store.set_task_status(*id, *status, &self.user, now).map(|_| ())
            }
            TaskWrite::Status { id, step: Some(step), status } => {
                self.store.set_step_status(*id, *step, *status, &self.user, now).map(|_| ())
            }
        }
    }
}

/// The status line's words for a task write on account `name`.
pub(super) fn describe(write: &TaskWrite, name: &str) -> String {
    let word = |status: &TaskStatus| match status {
        TaskStatus::Open => "reopened",
        TaskStatus::Done => "done",
        TaskStatus::Skipped => "skipped",
    };
    match write {
        TaskWrite::Add(task) => format!("task on {name}: {} due {}", task.title, task.due_on),
        TaskWrite::Playbook(key) => format!("playbook {key} started on {name}"),
        TaskWrite::Status { step: None, status, .. } => format!("{name} task {}", word(status)),
        TaskWrite::Status { step: Some(step), status, .. } => {
            format!("{name} step {step} {}", word(status))
        }
    }
}
