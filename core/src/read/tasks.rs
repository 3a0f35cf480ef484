//! The task list: open tasks (one owner's or everyone's), each with when it
//! is next due and what to do next, nearest first; and the due and overdue
//! tasks of a user on a day, for Today. `cockpit tasks` and the panes read
//! this one computation. Nothing here writes SQL or draws.

use crate::domain::count;
use crate::domain::task::Task;
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;

/// Which tasks to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskQuery<'a> {
    /// Only the tasks this person owns; `None` for everyone's.
    pub owner: Option<&'a str>,
    /// Only tasks next due on or before today + this many days (0 = due
    /// today or late); `None` for every open task.
    pub due_within: Option<i64>,
    pub today: NaiveDate,
}

/// One open task in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    pub task: Task,
    pub account_name: String,
    /// The earliest due date of its open steps, else its own.
    pub next_due: NaiveDate,
    /// Days late on the list's day (negative: days left).
    pub days_late: i64,
}

impl TaskRow {
    /// The next thing to do: the first open step, else the task itself.
    pub fn next_action(&self) -> &str {
        self.task.next_step().map_or(self.task.title.as_str(), |step| step.title.as_str())
    }

    /// When, in words: "3 days late", "due today", "due in 5 days".
    pub fn when(&self) -> String {
        when(self.days_late)
    }

    /// The Today reason: "Save plan: Call the sponsor (2/4 steps), 3 days late".
    pub fn reason(&self) -> String {
        let progress = self.task.progress().map(|p| format!(" ({p})")).unwrap_or_default();
        let next = self.task.next_step().map(|s| format!(": {}", s.title)).unwrap_or_default();
        format!("{}{next}{progress}, {}", self.task.title, self.when())
    }
}

/// "3 days late", "due today", "due in 5 days".
pub fn when(days_late: i64) -> String {
    match days_late {
        0 => "due today".to_string(),
        late if late > 0 => {
            format!("{} late", count::of(late.unsigned_abs() as usize, "day", "days"))
        }
        early => format!("due in {}", count::of(early.unsigned_abs() as usize, "day", "days")),
    }
}

/// The open tasks the query asks for, nearest due first (then by account
/// name and task).
pub fn task_list(store: &Store, query: TaskQuery<'_>) -> StoreResult<Vec<TaskRow>> {
    let horizon = query.due_within.map(|days| query.today + chrono::Duration::days(days.max(0)));
    let mut rows: Vec<TaskRow> = store
        .open_tasks(query.owner)?
        .into_iter()
        .filter_map(|open| {
            let next_due = open.task.next_due()?;
            if horizon.is_some_and(|h| next_due > h) {
                return None;
            }
            let days_late = (query.today - next_due).num_days();
            Some(TaskRow { task: open.task, account_name: open.account_name, next_due, days_late })
        })
        .collect();
    rows.sort_by(|a, b| {
        a.next_due
            .cmp(&b.next_due)
            .then_with(|| a.account_name.cmp(&b.account_name))
            .then_with(|| a.task.id.cmp(&b.task.id))
    });
    Ok(rows)
}

/// The tasks `user` owns that are due on `today` or late: Today's task rows.
pub fn due_tasks(store: &Store, user: &str, today: NaiveDate) -> StoreResult<Vec<TaskRow>> {
    task_list(store, TaskQuery { owner: Some(user), due_within: Some(0), today })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::task::{NewTask, TaskStatus};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("day")
    }

    #[test]
    fn tasks_are_listed_nearest_first_within_the_horizon() {
        let store = Store::open_in_memory().expect("store");
        crate::testkit::seed_two_accounts(&store);
        let at = day(2025, 6, 1).and_hms_opt(9, 0, 0).expect("t").and_utc();
        let today = day(2025, 6, 10);
        let task = |account: &str,
                    owner: &str,
                    title: &str,
                    due: NaiveDate,
                    steps: Vec<(String, NaiveDate)>| NewTask {
            account_id: account.to_string(),
            title: title.to_string(),
            owner: owner.to_string(),
            due_on: due,
            steps,
            playbook: None,
        };
        let plan = store
            .add_task(
                &task(
                    "A1",
                    "ana",
                    "Save plan",
                    day(2025, 7, 1),
                    vec![
                        ("Find the root cause".into(), day(2025, 6, 3)),
                        ("Call the sponsor".into(), day(2025, 6, 7)),
                        ("Review".into(), day(2025, 7, 1)),
                    ],
                ),
                "ana",
                at,
            )
            .expect("plan");
        store
            .add_task(&task("A2", "ana", "Send the deck", day(2025, 6, 10), vec![]), "ana", at)
            .expect("deck");
        store
            .add_task(&task("A2", "ana", "QBR", day(2025, 6, 20), vec![]), "ana", at)
            .expect("qbr");
        store.add_task(&task("A1", "bo", "Bo's", day(2025, 6, 1), vec![]), "bo", at).expect("bo");
        store.set_step_status(plan, 1, TaskStatus::Done, "ana", at).expect("step");
        // The plan is next due at its second step (7 June): 3 days late.
        let due = due_tasks(&store, "ana", today).expect("due");
        let titles: Vec<&str> = due.iter().map(|r| r.task.title.as_str()).collect();
        assert_eq!(titles, ["Save plan", "Send the deck"]);
        assert_eq!((due[0].next_due, due[0].days_late), (day(2025, 6, 7), 3));
        assert_eq!(due[0].reason(), "Save plan: Call the sponsor (1/3 steps), 3 days late");
        assert_eq!(due[1].reason(), "Send the deck, due today");
        let week = TaskQuery { owner: Some("ana"), due_within: Some(10), today };
        assert_eq!(task_list(&store, week).expect("week").len(), 3);
        assert_eq!(task_list(&store, week).expect("week")[2].when(), "due in 10 days");
        let everyone = TaskQuery { owner: None, due_within: None, today };
        let all = task_list(&store, everyone).expect("all");
        assert_eq!(all.len(), 4);
        assert_eq!(all[0].task.title, "Bo's", "9 days late comes first");
        assert_eq!(when(-1), "due in 1 day");
    }
}
