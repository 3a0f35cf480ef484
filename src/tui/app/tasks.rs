//! The task writes as the app applies them: a task by hand, a playbook
//! started from the picker, a task's or a step's status. Each is one named
//! store write, committed with the others of its action (the store keeps
//! what reverses each, for `u`).

use crate::domain::playbook::Playbooks;
use crate::domain::task::TaskStatus;
use crate::store::{Store, StoreError, StoreResult};
use crate::tui::write::TaskWrite;
use chrono::{DateTime, NaiveDate, Utc};

/// Applies one task write on `account_id` for `user`; a playbook starts on
/// `today`.
pub(super) fn apply_task(
    store: &Store,
    playbooks: &Playbooks,
    today: NaiveDate,
    user: &str,
    now: DateTime<Utc>,
    account_id: &str,
    write: &TaskWrite,
) -> StoreResult<()> {
    match write {
        TaskWrite::Add(task) => store.add_task(task, user, now).map(|_| ()),
        TaskWrite::Playbook(key) => {
            let Some(playbook) = playbooks.get(key) else {
                return Err(StoreError::Invalid(format!("no playbook {key:?} in config.toml")));
            };
            store.start_playbook(account_id, playbook, today, user, user, now).map(|_| ())
        }
        TaskWrite::Status { id, step: None, status } => {
            store.set_task_status(*id, *status, user, now).map(|_| ())
        }
        TaskWrite::Status { id, step: Some(step), status } => {
            store.set_step_status(*id, *step, *status, user, now).map(|_| ())
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
