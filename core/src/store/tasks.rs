//! Tasks (the `tasks`, `task_steps` and `task_changes` tables): create,
//! remove, close or reopen a task or one of its steps, and read them back.
//! Each write is small, named and committed at once, and has its inverse
//! (`add_task` / `remove_task`, `set_task_status` / `revert_task_change`)
//! so that an undo can call it. Every status change is kept in
//! `task_changes`, an undo as a change of its own. The rules (when a task is
//! next due, what closing its last step does) are `domain::task`'s.

use super::stages::{date_text, parse_date, parse_time, time_text};
use super::{Store, StoreError, StoreResult};
use crate::domain::task::{NewTask, Task, TaskChange, TaskStatus, TaskStep, status_from_steps};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;

/// A task with its account's name, for lists across accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskOfAccount {
    pub task: Task,
    pub account_name: String,
}

const COLUMNS: &str = "t.id, t.account_id, t.title, t.owner, t.due_on, t.status, t.playbook, t.created_at, t.created_by, t.closed_at";

fn bad<T>(index: usize, what: &str, text: &str) -> rusqlite::Result<T> {
    Err(rusqlite::Error::FromSqlConversionFailure(
        index,
        rusqlite::types::Type::Text,
        format!("{text:?} is not {what}").into(),
    ))
}

fn date_at(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<NaiveDate> {
    let text: String = row.get(index)?;
    match parse_date(&text) {
        Some(date) => Ok(date),
        None => bad(index, "a date", &text),
    }
}

fn status_at(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<TaskStatus> {
    let text: String = row.get(index)?;
    match TaskStatus::parse(&text) {
        Ok(status) => Ok(status),
        Err(_) => bad(index, "a task status", &text),
    }
}

fn time_at(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    let text: Option<String> = row.get(index)?;
    Ok(text.as_deref().and_then(parse_time))
}

fn task_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<Task> {
    Ok(Task {
        id: row.get(0)?,
        account_id: row.get(1)?,
        title: row.get(2)?,
        owner: row.get(3)?,
        due_on: date_at(row, 4)?,
        status: status_at(row, 5)?,
        playbook: row.get(6)?,
        created_at: time_at(row, 7)?.unwrap_or_default(),
        created_by: row.get(8)?,
        closed_at: time_at(row, 9)?,
        steps: Vec::new(),
    })
}

impl Store {
    /// Creates a task (and its steps, in order); returns its id. Its inverse
    /// is [`Store::remove_task`].
    pub fn add_task(&self, task: &NewTask, who: &str, at: DateTime<Utc>) -> StoreResult<i64> {
        task.validate().map_err(StoreError::Invalid)?;
        self.account_name(&task.account_id)?;
        let tx = self.step()?;
        let id = self.insert_task(task, who, at)?;
        tx.commit()?;
        Ok(id)
    }

    /// Writes a task inside the caller's transaction.
    pub(super) fn insert_task(
        &self,
        task: &NewTask,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        self.conn.execute(
            "INSERT INTO tasks (account_id, title, owner, due_on, status, playbook, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?6, ?7)",
            params![
                task.account_id,
                task.title.trim(),
                task.owner.trim(),
                date_text(task.due_on),
                task.playbook,
                time_text(at),
                who,
            ],
        )?;
        let id = self.conn.last_insert_rowid();
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO task_steps (task_id, position, title, due_on) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (position, (title, due_on)) in (1_i64..).zip(&task.steps) {
            insert.execute(params![id, position, title.trim(), date_text(*due_on)])?;
        }
        Ok(id)
    }

    /// Removes a task and its steps (the inverse of [`Store::add_task`]);
    /// the playbook occurrence that made it stays recorded, so its trigger
    /// does not fire again.
    pub fn remove_task(&self, id: i64) -> StoreResult<()> {
        let removed = self.conn.execute("DELETE FROM tasks WHERE id = ?1", [id])?;
        if removed == 0 {
            return Err(StoreError::Invalid(format!("no task {id}")));
        }
        Ok(())
    }

    /// Marks a task done, skipped or open again; its open steps are left as
    /// they are (a task closed by hand keeps its history of steps). Returns
    /// the change, whose inverse undoes it.
    pub fn set_task_status(
        &self,
        id: i64,
        status: TaskStatus,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<TaskChange> {
        let (account_id, before) = self.task_head(id)?;
        let change = TaskChange {
            task_id: id,
            account_id,
            step: None,
            before,
            after: status,
            task_before: before,
            task_after: status,
        };
        let tx = self.step()?;
        self.write_change(&change, who, at, false)?;
        tx.commit()?;
        Ok(change)
    }

    /// Marks step `position` (1-based) of a task done, skipped or open again;
    /// closing its last open step closes the task, reopening a step reopens
    /// it (`domain::task::status_from_steps`). Returns the change.
    pub fn set_step_status(
        &self,
        id: i64,
        position: u32,
        status: TaskStatus,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<TaskChange> {
        let (account_id, task_before) = self.task_head(id)?;
        let mut steps = self.step_statuses(id)?;
        let Some(slot) = steps.iter_mut().find(|(p, _)| *p == position) else {
            return Err(StoreError::Invalid(format!("task {id} has no step {position}")));
        };
        let before = slot.1;
        slot.1 = status;
        let statuses: Vec<TaskStatus> = steps.iter().map(|(_, s)| *s).collect();
        let task_after = status_from_steps(&statuses).unwrap_or(task_before);
        let change = TaskChange {
            task_id: id,
            account_id,
            step: Some(position),
            before,
            after: status,
            task_before,
            task_after,
        };
        let tx = self.step()?;
        self.write_change(&change, who, at, false)?;
        tx.commit()?;
        Ok(change)
    }

    /// Puts back what `change` did (an undo), recorded as a change of its
    /// own marked as an undo.
    pub fn revert_task_change(
        &self,
        change: &TaskChange,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<TaskChange> {
        let inverse = change.inverse();
        let tx = self.step()?;
        self.write_change(&inverse, who, at, true)?;
        tx.commit()?;
        Ok(inverse)
    }

    fn write_change(
        &self,
        change: &TaskChange,
        who: &str,
        at: DateTime<Utc>,
        undo: bool,
    ) -> StoreResult<()> {
        let stamp = time_text(at);
        let closed = |status: TaskStatus| (!status.is_open()).then_some(stamp.as_str());
        if let Some(position) = change.step {
            self.conn.execute(
                "UPDATE task_steps SET status = ?3, closed_at = ?4 WHERE task_id = ?1 AND position = ?2",
                params![change.task_id, position, change.after.as_str(), closed(change.after)],
            )?;
        }
        if change.task_before != change.task_after || change.step.is_none() {
            self.conn.execute(
                "UPDATE tasks SET status = ?2, closed_at = ?3 WHERE id = ?1",
                params![change.task_id, change.task_after.as_str(), closed(change.task_after)],
            )?;
        }
        self.conn.execute(
            "INSERT INTO task_changes (task_id, step, at, who, status, undo) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![change.task_id, change.step, stamp, who, change.after.as_str(), undo],
        )?;
        Ok(())
    }

    fn task_head(&self, id: i64) -> StoreResult<(String, TaskStatus)> {
        self.conn
            .query_row("SELECT account_id, status FROM tasks WHERE id = ?1", [id], |row| {
                Ok((row.get(0)?, status_at(row, 1)?))
            })
            .optional()?
            .ok_or_else(|| StoreError::Invalid(format!("no task {id}")))
    }

    fn step_statuses(&self, id: i64) -> StoreResult<Vec<(u32, TaskStatus)>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT position, status FROM task_steps WHERE task_id = ?1 ORDER BY position",
        )?;
        let rows = statement.query_map([id], |row| Ok((row.get(0)?, status_at(row, 1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One task with its steps, or `None`.
    pub fn task(&self, id: i64) -> StoreResult<Option<Task>> {
        let sql = format!("SELECT {COLUMNS} FROM tasks t WHERE t.id = ?1");
        let task = self.conn.query_row(&sql, [id], task_from).optional()?;
        Ok(match task {
            Some(task) => self.with_steps(vec![task], None)?.into_iter().next(),
            None => None,
        })
    }

    /// An account's tasks, open ones first, then the closed ones (newest
    /// closed first), each with its steps.
    pub fn account_tasks(&self, account_id: &str) -> StoreResult<Vec<Task>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM tasks t WHERE t.account_id = ?1
             ORDER BY t.status <> 'open', CASE WHEN t.status = 'open' THEN t.due_on END,
                      t.closed_at DESC, t.id"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map([account_id], task_from)?;
        self.with_steps(rows.collect::<Result<_, _>>()?, None)
    }

    /// Open tasks (of one owner, or everyone's), each with its steps and its
    /// account's name, in no particular order.
    pub fn open_tasks(&self, owner: Option<&str>) -> StoreResult<Vec<TaskOfAccount>> {
        // One owner's through `tasks_open_by_owner`, not a walk of every open task.
        let sql = format!(
            "SELECT {COLUMNS}, a.name FROM tasks t JOIN accounts a ON a.id = t.account_id
             WHERE t.status = 'open'{}",
            if owner.is_some() { " AND t.owner = ?1" } else { "" }
        );
        let mut statement = self.conn.prepare(&sql)?;
        let named = |row: &rusqlite::Row<'_>| -> rusqlite::Result<(Task, String)> {
            Ok((task_from(row)?, row.get(10)?))
        };
        let rows = match owner {
            Some(owner) => statement.query_map([owner], named)?,
            None => statement.query_map([], named)?,
        };
        let (tasks, names): (Vec<Task>, Vec<String>) =
            rows.collect::<Result<Vec<_>, _>>()?.into_iter().unzip();
        let tasks = self.with_steps(tasks, owner)?;
        Ok(tasks
            .into_iter()
            .zip(names)
            .map(|(task, account_name)| TaskOfAccount { task, account_name })
            .collect())
    }

    /// Fills each task's steps: one query for a few tasks, one pass over the
    /// steps of open tasks for many — of `owner`'s open tasks when the tasks
    /// are all theirs, so one CSM's tasks cost what they hold, not what the
    /// whole book holds.
    fn with_steps(&self, mut tasks: Vec<Task>, owner: Option<&str>) -> StoreResult<Vec<Task>> {
        if tasks.is_empty() {
            return Ok(tasks);
        }
        let mut by_id: HashMap<i64, usize> = HashMap::with_capacity(tasks.len());
        for (at, task) in tasks.iter().enumerate() {
            by_id.insert(task.id, at);
        }
        let step_from = |row: &rusqlite::Row<'_>| -> rusqlite::Result<(i64, TaskStep)> {
            Ok((
                row.get(0)?,
                TaskStep {
                    position: row.get(1)?,
                    title: row.get(2)?,
                    due_on: date_at(row, 3)?,
                    status: status_at(row, 4)?,
                    closed_at: time_at(row, 5)?,
                },
            ))
        };
        let closed: Vec<i64> = tasks.iter().filter(|t| !t.status.is_open()).map(|t| t.id).collect();
        let mut push = |(id, step): (i64, TaskStep)| {
            if let Some(task) = by_id.get(&id).and_then(|at| tasks.get_mut(*at)) {
                task.steps.push(step);
            }
        };
        const STEP_COLUMNS: &str =
            "s.task_id, s.position, s.title, s.due_on, s.status, s.closed_at";
        if by_id.len() <= 64 {
            let mut statement = self.conn.prepare_cached(&format!(
                "SELECT {STEP_COLUMNS} FROM task_steps s WHERE s.task_id = ?1 ORDER BY s.position"
            ))?;
            let ids: Vec<i64> = by_id.keys().copied().collect();
            for id in ids {
                for step in statement.query_map([id], step_from)? {
                    push(step?);
                }
            }
        } else {
            let mut statement = self.conn.prepare(&format!(
                "SELECT {STEP_COLUMNS} FROM task_steps s JOIN tasks t ON t.id = s.task_id
                 WHERE t.status = 'open'{} ORDER BY s.task_id, s.position",
                if owner.is_some() { " AND t.owner = ?1" } else { "" }
            ))?;
            let steps = match owner {
                Some(owner) => statement.query_map([owner], step_from)?,
                None => statement.query_map([], step_from)?,
            };
            for step in steps {
                push(step?);
            }
            // Closed tasks among many are few: read theirs one by one.
            let mut one = self.conn.prepare_cached(&format!(
                "SELECT {STEP_COLUMNS} FROM task_steps s WHERE s.task_id = ?1 ORDER BY s.position"
            ))?;
            for id in closed {
                for step in one.query_map([id], step_from)? {
                    push(step?);
                }
            }
        }
        Ok(tasks)
    }
}

/// What puts a task (or one of its steps) back as it was before a status
/// change: read before the change, applied by an undo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskStatusBack {
    pub id: i64,
    /// The step and its status before, when the change was a step's.
    pub step: Option<(u32, TaskStatus)>,
    /// The task's own status before.
    pub task: TaskStatus,
}

/// What removes the tasks a write is about to start on an account (a task
/// by hand, a playbook): those made after the newest task it had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TasksAddedBack {
    pub account_id: String,
    pub after_id: i64,
}

impl Store {
    /// How task `id` (and its step `position`) is now, for an undo.
    pub fn task_status_back(&self, id: i64, position: Option<u32>) -> StoreResult<TaskStatusBack> {
        let (_, task) = self.task_head(id)?;
        let step = match position {
            Some(position) => {
                let steps = self.step_statuses(id)?;
                let status = steps.iter().find(|(p, _)| *p == position).map(|(_, s)| *s);
                let status = status.ok_or_else(|| {
                    StoreError::Invalid(format!("task {id} has no step {position}"))
                })?;
                Some((position, status))
            }
            None => None,
        };
        Ok(TaskStatusBack { id, step, task })
    }

    /// The newest task of an account now, for an undo of what is added next.
    pub fn tasks_added_back(&self, account_id: &str) -> StoreResult<TasksAddedBack> {
        let after_id: i64 = self.conn.query_row(
            "SELECT coalesce(max(id), 0) FROM tasks WHERE account_id = ?1",
            [account_id],
            |r| r.get(0),
        )?;
        Ok(TasksAddedBack { account_id: account_id.to_string(), after_id })
    }

    /// Puts a task and its step back as `back` says, kept as an undo in the
    /// task's changes.
    pub fn restore_task_status(
        &self,
        back: &TaskStatusBack,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (account_id, now) = self.task_head(back.id)?;
        let step_now = match back.step {
            Some((position, _)) => self.task_status_back(back.id, Some(position))?.step,
            None => None,
        };
        let change = TaskChange {
            task_id: back.id,
            account_id,
            step: back.step.map(|(position, _)| position),
            before: step_now.map_or(now, |(_, s)| s),
            after: back.step.map_or(back.task, |(_, s)| s),
            task_before: now,
            task_after: back.task,
        };
        let step = self.step()?;
        self.write_change(&change, who, at, true)?;
        // The task's own status goes back even when a step's change left it.
        self.conn.execute(
            "UPDATE tasks SET status = ?2, closed_at = CASE WHEN ?2 = 'open' THEN NULL ELSE closed_at END
             WHERE id = ?1",
            params![back.id, back.task.as_str()],
        )?;
        step.commit()
    }

    /// Removes the tasks `back` names (an undo of a task added or a
    /// playbook started).
    pub fn remove_tasks_added(&self, back: &TasksAddedBack) -> StoreResult<()> {
        self.conn.execute(
            "DELETE FROM tasks WHERE account_id = ?1 AND id > ?2",
            params![back.account_id, back.after_id],
        )?;
        Ok(())
    }
}

/// What removes the save plans a health change is about to start on an
/// account (the playbooks triggered by red or orange): those made after the
/// newest task it had, while nobody has touched them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavePlansBack {
    pub account_id: String,
    pub after_id: i64,
}

impl Store {
    /// The newest task of an account now, for an undo of the health change
    /// about to be made.
    pub fn save_plans_back(&self, account_id: &str) -> StoreResult<SavePlansBack> {
        let TasksAddedBack { account_id, after_id } = self.tasks_added_back(account_id)?;
        Ok(SavePlansBack { account_id, after_id })
    }

    /// Removes the tasks of the health-triggered playbooks made after
    /// `back.after_id` that are still untouched: open, every step open, no
    /// status change ever recorded. A plan someone worked on stays.
    pub fn remove_untouched_save_plans(&self, back: &SavePlansBack) -> StoreResult<()> {
        let keys: Vec<&str> = self
            .playbooks
            .triggered_by(crate::domain::playbook::Trigger::HealthRedOrOrange)
            .map(|p| p.key.as_str())
            .collect();
        for key in keys {
            self.conn.execute(
                "DELETE FROM tasks WHERE account_id = ?1 AND id > ?2 AND playbook = ?3
                   AND status = 'open'
                   AND NOT EXISTS (SELECT 1 FROM task_steps s
                                   WHERE s.task_id = tasks.id AND s.status <> 'open')
                   AND NOT EXISTS (SELECT 1 FROM task_changes c WHERE c.task_id = tasks.id)",
                params![back.account_id, back.after_id, key],
            )?;
        }
        Ok(())
    }
}

impl super::undo::Reverse for SavePlansBack {
    fn reverse(&self, store: &Store, _who: &str, _at: DateTime<Utc>) -> StoreResult<()> {
        store.remove_untouched_save_plans(self)
    }
}

impl super::undo::Reverse for TaskStatusBack {
    fn reverse(&self, store: &Store, who: &str, at: DateTime<Utc>) -> StoreResult<()> {
        store.restore_task_status(self, who, at)
    }
}

impl super::undo::Reverse for TasksAddedBack {
    fn reverse(&self, store: &Store, _who: &str, _at: DateTime<Utc>) -> StoreResult<()> {
        store.remove_tasks_added(self)
    }
}

#[cfg(test)]
mod tests;
