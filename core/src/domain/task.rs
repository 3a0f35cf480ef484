//! Tasks: a piece of work on an account with a title, an owner, a due date
//! and a status (open, done, skipped), and optional ordered steps each with
//! its own due date and status; made by hand or by a playbook. Plain data and
//! the rules on it (when a task is next due, what closing a step does); the
//! store keeps them, `read::tasks` lists them.

use super::UnknownWord;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Open,
    Done,
    Skipped,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 3] = [TaskStatus::Open, TaskStatus::Done, TaskStatus::Skipped];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Done => "done",
            TaskStatus::Skipped => "skipped",
        }
    }

    pub fn parse(text: &str) -> Result<TaskStatus, UnknownWord> {
        let word = text.trim().to_ascii_lowercase();
        TaskStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == word)
            .ok_or(UnknownWord { value: text.trim().to_string(), expected: "open, done, skipped" })
    }

    /// The mark shown beside a task or step: `[ ]`, `[x]`, `[-]`.
    pub fn mark(self) -> &'static str {
        match self {
            TaskStatus::Open => "[ ]",
            TaskStatus::Done => "[x]",
            TaskStatus::Skipped => "[-]",
        }
    }

    pub fn is_open(self) -> bool {
        self == TaskStatus::Open
    }
}

/// One step of a task, in its order (1 first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskStep {
    pub position: u32,
    pub title: String,
    pub due_on: NaiveDate,
    pub status: TaskStatus,
    /// When it was marked done or skipped.
    pub closed_at: Option<DateTime<Utc>>,
}

/// A task as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: i64,
    pub account_id: String,
    pub title: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub status: TaskStatus,
    /// The playbook that made it (its key), if any.
    pub playbook: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub steps: Vec<TaskStep>,
}

impl Task {
    /// The open step to work on next (the first open one in order).
    pub fn next_step(&self) -> Option<&TaskStep> {
        self.steps.iter().find(|s| s.status.is_open())
    }

    /// When the task next needs attention: the earliest due date among its
    /// open steps, else its own due date; `None` once it is closed.
    pub fn next_due(&self) -> Option<NaiveDate> {
        if !self.status.is_open() {
            return None;
        }
        self.steps
            .iter()
            .filter(|s| s.status.is_open())
            .map(|s| s.due_on)
            .min()
            .or(Some(self.due_on))
    }

    /// Days late on `today` (positive), or days left (negative); `None`
    /// when closed.
    pub fn days_late(&self, today: NaiveDate) -> Option<i64> {
        self.next_due().map(|due| (today - due).num_days())
    }

    /// "2/4 steps" for a task with steps.
    pub fn progress(&self) -> Option<String> {
        (!self.steps.is_empty()).then(|| {
            let closed = self.steps.iter().filter(|s| !s.status.is_open()).count();
            format!("{closed}/{} steps", self.steps.len())
        })
    }
}

/// A task to create: by hand or from a playbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    pub account_id: String,
    pub title: String,
    pub owner: String,
    pub due_on: NaiveDate,
    /// Titles and due dates, in order.
    pub steps: Vec<(String, NaiveDate)>,
    pub playbook: Option<String>,
}

impl NewTask {
    /// What is wrong with it, in a sentence.
    pub fn validate(&self) -> Result<(), String> {
        let printable = |text: &str| !text.chars().any(char::is_control);
        if self.title.trim().is_empty() {
            return Err("a task needs a title".to_string());
        }
        if !printable(&self.title) || self.title.chars().count() > 120 {
            return Err("a task's title is at most 120 printable characters".to_string());
        }
        if !printable(&self.owner) {
            return Err("a task's owner is printable text".to_string());
        }
        if let Some((title, _)) =
            self.steps.iter().find(|(t, _)| t.trim().is_empty() || !printable(t))
        {
            return Err(format!("a step needs a printable title, not {title:?}"));
        }
        Ok(())
    }
}

/// A task's or a step's status change, as written: enough to put it back
/// (the inverse is the same change with `before` and `after` swapped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskChange {
    pub task_id: i64,
    pub account_id: String,
    /// The step changed (1-based), or `None` for the task itself.
    pub step: Option<u32>,
    pub before: TaskStatus,
    pub after: TaskStatus,
    /// The task's own status before and after (closing the last open step
    /// closes the task; reopening a step reopens it).
    pub task_before: TaskStatus,
    pub task_after: TaskStatus,
}

impl TaskChange {
    /// The change that undoes this one.
    pub fn inverse(&self) -> TaskChange {
        TaskChange {
            task_id: self.task_id,
            account_id: self.account_id.clone(),
            step: self.step,
            before: self.after,
            after: self.before,
            task_before: self.task_after,
            task_after: self.task_before,
        }
    }
}

/// What the task's status becomes when its steps are as `steps` say: done
/// once every step is closed and at least one is done, skipped when every
/// step was skipped, open while any step is open.
pub fn status_from_steps(steps: &[TaskStatus]) -> Option<TaskStatus> {
    if steps.is_empty() {
        return None;
    }
    if steps.iter().any(|s| s.is_open()) {
        Some(TaskStatus::Open)
    } else if steps.contains(&TaskStatus::Done) {
        Some(TaskStatus::Done)
    } else {
        Some(TaskStatus::Skipped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("day")
    }

    fn task(steps: &[(u32, TaskStatus)]) -> Task {
        Task {
            id: 1,
            account_id: "A".into(),
            title: "Renewal".into(),
            owner: "ana".into(),
            due_on: day(2025, 6, 30),
            status: TaskStatus::Open,
            playbook: None,
            created_at: DateTime::<Utc>::default(),
            created_by: "ana".into(),
            closed_at: None,
            steps: steps
                .iter()
                .map(|(d, status)| TaskStep {
                    position: *d,
                    title: format!("step {d}"),
                    due_on: day(2025, 6, *d),
                    status: *status,
                    closed_at: None,
                })
                .collect(),
        }
    }

    #[test]
    fn a_task_is_next_due_at_its_earliest_open_step() {
        use TaskStatus::*;
        let t = task(&[(1, Done), (10, Skipped), (20, Open), (25, Open)]);
        assert_eq!(t.next_due(), Some(day(2025, 6, 20)));
        assert_eq!(t.next_step().map(|s| s.position), Some(20));
        assert_eq!(t.days_late(day(2025, 6, 23)), Some(3));
        assert_eq!(t.days_late(day(2025, 6, 18)), Some(-2));
        assert_eq!(t.progress().as_deref(), Some("2/4 steps"));
        let all_closed = task(&[(1, Done), (2, Done)]);
        assert_eq!(all_closed.next_due(), Some(day(2025, 6, 30)), "its own date");
        let plain = Task { status: Done, ..task(&[]) };
        assert_eq!((plain.next_due(), plain.progress()), (None, None));
    }

    #[test]
    fn closing_the_last_step_closes_the_task_and_a_change_has_an_inverse() {
        use TaskStatus::*;
        assert_eq!(status_from_steps(&[Done, Open]), Some(Open));
        assert_eq!(status_from_steps(&[Done, Skipped]), Some(Done));
        assert_eq!(status_from_steps(&[Skipped, Skipped]), Some(Skipped));
        assert_eq!(status_from_steps(&[]), None);
        let change = TaskChange {
            task_id: 3,
            account_id: "A".into(),
            step: Some(2),
            before: Open,
            after: Done,
            task_before: Open,
            task_after: Done,
        };
        assert_eq!(change.inverse().inverse(), change);
        assert_eq!((change.inverse().after, change.inverse().task_after), (Open, Open));
        for status in TaskStatus::ALL {
            assert_eq!(TaskStatus::parse(status.as_str()), Ok(status));
        }
        assert!(TaskStatus::parse("later").is_err());
    }
}
