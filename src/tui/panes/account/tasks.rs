//! The account view's Tasks section: the account's open tasks (nearest due
//! first) with their steps beneath them, then the done and skipped ones.
//! One line per task or step; the selected one is marked done, skipped or
//! open again with a key, and `t` adds a task, `p` starts a playbook from
//! any section. Reads the pane's state only; writes go out as requests.

use crate::domain::task::{Task, TaskStatus};
use crate::read::tasks::when;
use crate::tui::action::Action;
use crate::tui::forms::task::TaskForm;
use crate::tui::panes::{Request, View, Write};
use crate::tui::popups::{PlaybookPopup, Popup};
use crate::tui::widgets::{fit, pad};
use crate::tui::write::TaskWrite;
use chrono::NaiveDate;
use ratatui::text::{Line, Span};

/// One line of the list: a task, or one of its steps (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    Task(usize),
    Step(usize, usize),
}

/// The Tasks section's state: the account's tasks and the selected line.
#[derive(Debug, Clone, Default)]
pub struct TaskList {
    tasks: Vec<Task>,
    rows: Vec<Row>,
    selected: usize,
}

/// The lines above the first row (the summary and a blank line).
pub const HEAD: usize = 2;

impl TaskList {
    /// The account's tasks as the store lists them (open first); the
    /// selection stays on the same line number.
    pub fn set(&mut self, tasks: Vec<Task>) {
        self.rows = Vec::new();
        for (at, task) in tasks.iter().enumerate() {
            self.rows.push(Row::Task(at));
            self.rows.extend((0..task.steps.len()).map(|step| Row::Step(at, step)));
        }
        self.tasks = tasks;
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    /// The selected line's number among the section's lines.
    pub fn selected_line(&self) -> usize {
        HEAD + self.selected
    }

    /// Moves the selection or changes the selected task or step; `None`
    /// for an action the list leaves to the pane.
    pub fn update(&mut self, action: Action, account_id: &str, page: usize) -> Option<Request> {
        let last = self.rows.len().saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(page.max(1)),
            Action::PageDown => self.selected = (self.selected + page.max(1)).min(last),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = last,
            Action::TaskDone => return Some(self.status(account_id, TaskStatus::Done)),
            Action::TaskSkip => return Some(self.status(account_id, TaskStatus::Skipped)),
            Action::TaskReopen => return Some(self.status(account_id, TaskStatus::Open)),
            _ => return None,
        }
        Some(Request::None)
    }

    fn status(&self, account_id: &str, status: TaskStatus) -> Request {
        let Some(row) = self.rows.get(self.selected) else {
            return Request::Message("no task here: t adds one, p starts a playbook".to_string());
        };
        let (task, step) = match *row {
            Row::Task(at) => (&self.tasks[at], None),
            Row::Step(at, step) => (&self.tasks[at], Some(&self.tasks[at].steps[step])),
        };
        let current = step.map_or(task.status, |s| s.status);
        if current == status {
            let what = step.map_or("task", |_| "step");
            return Request::Message(format!("this {what} is already {}", status.as_str()));
        }
        Request::Write(vec![Write::Task {
            account_id: account_id.to_string(),
            write: TaskWrite::Status { id: task.id, step: step.map(|s| s.position), status },
        }])
    }

    /// The section's lines for a body `width` cells wide.
    pub fn lines(&self, view: &View<'_>, width: usize) -> Vec<Line<'static>> {
        let theme = view.theme;
        let open = self.tasks.iter().filter(|t| t.status.is_open()).count();
        let closed = self.tasks.len() - open;
        let mut lines = vec![
            Line::from(vec![
                Span::styled(format!("Open tasks {open}"), theme.header()),
                Span::styled(format!("   done or skipped {closed}"), theme.dim()),
            ]),
            Line::from(""),
        ];
        if self.rows.is_empty() {
            lines.push(Line::from(Span::styled(
                format!(
                    "  No tasks yet: {} adds one, {} starts a playbook.",
                    view.keymap.label("account", Action::AddTask),
                    view.keymap.label("account", Action::StartPlaybook)
                ),
                theme.dim(),
            )));
            return lines;
        }
        for (index, row) in self.rows.iter().enumerate() {
            let line = match *row {
                Row::Task(at) => task_line(&self.tasks[at], view, width),
                Row::Step(at, step) => step_line(&self.tasks[at], step, view, width),
            };
            lines.push(if index == self.selected { theme.select(line) } else { line });
        }
        lines
    }
}

/// A task: mark, title, owner, progress, and when (or when it closed).
fn task_line(task: &Task, view: &View<'_>, width: usize) -> Line<'static> {
    let theme = view.theme;
    let progress = task.progress().map(|p| format!(" · {p}")).unwrap_or_default();
    let owner = if task.owner.is_empty() { String::new() } else { format!(" · {}", task.owner) };
    let (tail, style) = match (task.status, task.days_late(view.today)) {
        (TaskStatus::Open, Some(late)) if late > 0 => (when(late), theme.error()),
        (TaskStatus::Open, Some(late)) => (when(late), theme.dim()),
        (status, _) => (
            format!(
                "{} {}",
                status.as_str(),
                task.closed_at.map_or(String::new(), |t| t.date_naive().to_string())
            ),
            theme.dim(),
        ),
    };
    let tail = format!("{progress}{owner} · {tail}");
    let title_width = width.saturating_sub(6 + tail.chars().count()).max(8);
    Line::from(vec![
        Span::raw(format!("  {} ", task.status.mark())),
        Span::styled(fit(&task.title, title_width), theme.title()),
        Span::styled(tail, style),
    ])
}

/// A step: indented, numbered, with its due date (or when it closed).
fn step_line(task: &Task, step: usize, view: &View<'_>, width: usize) -> Line<'static> {
    let theme = view.theme;
    let step = &task.steps[step];
    let late = step.status.is_open() && task.status.is_open() && step.due_on < view.today;
    let due = match step.closed_at {
        Some(at) if !step.status.is_open() => {
            format!("{} {}", step.status.as_str(), at.date_naive())
        }
        _ => format!("due {}", day(step.due_on)),
    };
    let lead = format!("      {} {}. ", step.status.mark(), step.position);
    let room = width.saturating_sub(lead.chars().count() + 1 + due.chars().count());
    let title_width = room.clamp(8, 48);
    Line::from(vec![
        Span::raw(lead),
        Span::raw(pad(&fit(&step.title, title_width), title_width, false)),
        Span::styled(format!(" {due}"), if late { theme.error() } else { theme.dim() }),
    ])
}

fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

impl super::AccountPane {
    /// The task keys: adding a task or starting a playbook from any
    /// section (the Tasks section opens), and the list's own keys there.
    pub(super) fn tasks_update(
        &mut self,
        action: Action,
        cx: &mut crate::tui::panes::Cx<'_>,
    ) -> Option<Request> {
        let row = self.loaded.row.as_ref()?;
        let (id, name) = (row.id.clone(), row.name.clone());
        let today = cx.clock.today();
        match action {
            Action::AddTask => {
                self.section = super::TASKS;
                let form = TaskForm::new(&id, &name, cx.user, today);
                return Some(Request::Popup(Popup::Task(Box::new(form))));
            }
            Action::StartPlaybook => {
                self.section = super::TASKS;
                let playbooks = cx.config.playbooks.iter().cloned().collect();
                let renewal = row.next_renewal;
                let picker = PlaybookPopup::new(&id, &name, playbooks, today, renewal);
                return Some(Request::Popup(Popup::Playbook(Box::new(picker))));
            }
            _ => {}
        }
        if self.section != super::TASKS {
            return None;
        }
        let request = self.tasks.update(action, &id, self.height.saturating_sub(HEAD))?;
        // Keep the selected line in view.
        let line = self.tasks.selected_line();
        let height = self.height.max(1);
        if line <= HEAD {
            self.scroll = 0;
        } else if line < self.scroll {
            self.scroll = line;
        } else if line >= self.scroll + height {
            self.scroll = line + 1 - height;
        }
        Some(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::task::TaskStep;
    use chrono::{DateTime, Utc};

    fn task(id: i64, statuses: &[TaskStatus]) -> Task {
        let due = NaiveDate::from_ymd_opt(2025, 6, 1).expect("day");
        Task {
            id,
            account_id: "A1".into(),
            title: format!("task {id}"),
            owner: "ana".into(),
            due_on: due,
            status: TaskStatus::Open,
            playbook: None,
            created_at: DateTime::<Utc>::default(),
            created_by: "ana".into(),
            closed_at: None,
            steps: statuses
                .iter()
                .zip(1..)
                .map(|(status, position)| TaskStep {
                    position,
                    title: format!("step {position}"),
                    due_on: due,
                    status: *status,
                    closed_at: None,
                })
                .collect(),
        }
    }

    #[test]
    fn keys_move_over_tasks_and_steps_and_mark_the_selected_one() {
        let mut list = TaskList::default();
        list.set(vec![task(7, &[TaskStatus::Done, TaskStatus::Open]), task(8, &[])]);
        // Rows: task 7, its steps 1 and 2, task 8.
        assert!(matches!(list.update(Action::Down, "A1", 10), Some(Request::None)));
        match list.update(Action::TaskDone, "A1", 10) {
            Some(Request::Message(text)) => assert_eq!(text, "this step is already done"),
            other => panic!("{other:?}"),
        }
        list.update(Action::Down, "A1", 10);
        match list.update(Action::TaskDone, "A1", 10) {
            Some(Request::Write(writes)) => assert_eq!(
                writes,
                vec![Write::Task {
                    account_id: "A1".into(),
                    write: TaskWrite::Status { id: 7, step: Some(2), status: TaskStatus::Done },
                }]
            ),
            other => panic!("{other:?}"),
        }
        list.update(Action::Bottom, "A1", 10);
        assert_eq!(list.selected_line(), HEAD + 3);
        match list.update(Action::TaskSkip, "A1", 10) {
            Some(Request::Write(writes)) => assert!(matches!(
                &writes[0],
                Write::Task {
                    write: TaskWrite::Status { id: 8, step: None, status: TaskStatus::Skipped },
                    ..
                }
            )),
            other => panic!("{other:?}"),
        }
        assert!(list.update(Action::SetHealth, "A1", 10).is_none());
        list.set(Vec::new());
        assert!(matches!(list.update(Action::TaskDone, "A1", 10), Some(Request::Message(_))));
    }
}
