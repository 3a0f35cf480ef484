//! `cockpit tasks`: the open tasks, nearest due first, each with its next
//! step and when it is due — the list the Account view and Today read
//! (`read::tasks`), as a table fitted to the terminal or as JSON. It first
//! runs the day's playbook triggers (renewal windows, new accounts), as the
//! cockpit does when it opens, so a morning script sees what they started.

use super::Context;
use super::output;
use crate::domain::count;
use crate::domain::task::Task;
use crate::read::tasks::{TaskQuery, TaskRow, task_list};
use serde_json::{Value, json};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the tasks I own (COCKPIT_USER, else the login name; or --user).
    #[arg(long)]
    pub mine: bool,
    /// Whose tasks --mine lists.
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    /// Only tasks due within this many days (0 = due today or late).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u16))]
    pub due_within: Option<u16>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let config = context.config()?;
    let mut store = context.open_store()?;
    store.set_playbooks(config.playbooks.clone());
    let today = context.clock.today();
    // A read-only book is listed as it was last written.
    if !store.is_read_only() {
        store.run_playbook_sweep(today, context.clock.now())?;
    }
    let user = args.user.as_deref().map_or(context.user.as_str(), str::trim);
    let owner = (args.mine || args.user.is_some()).then_some(user);
    let query = TaskQuery { owner, due_within: args.due_within.map(i64::from), today };
    let rows = task_list(&store, query)?;
    if args.json {
        output::print_json(&Value::Array(rows.iter().map(row_json).collect()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let whose = owner.map_or(String::new(), |o| format!(" for {o}"));
    let within = args.due_within.map_or(String::new(), |d| match d {
        0 => " due today or late".to_string(),
        d => format!(" due within {}", count::of(usize::from(d), "day", "days")),
    });
    if rows.is_empty() {
        output::say(&format!("No open tasks{whose}{within}."))?;
        return Ok(ExitCode::SUCCESS);
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            vec![
                row.next_due.to_string(),
                row.when(),
                row.account_name.clone(),
                row.task.title.clone(),
                row.next_action().to_string(),
                row.task.progress().unwrap_or_default(),
                row.task.owner.clone(),
            ]
        })
        .collect();
    output::print_table(&["due", "when", "account", "task", "next", "steps", "owner"], &table)?;
    output::say(&format!(
        "{}{whose}{within} on {today}",
        count::of(rows.len(), "open task", "open tasks")
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// One task as JSON: the row's dates and the whole task with its steps.
fn row_json(row: &TaskRow) -> Value {
    let task: &Task = &row.task;
    json!({
        "id": task.id,
        "account_id": task.account_id,
        "account": row.account_name,
        "title": task.title,
        "owner": task.owner,
        "status": task.status.as_str(),
        "due_on": task.due_on,
        "next_due": row.next_due,
        "days_late": row.days_late,
        "next": row.next_action(),
        "playbook": task.playbook,
        "steps": task.steps.iter().map(|step| json!({
            "position": step.position,
            "title": step.title,
            "due_on": step.due_on,
            "status": step.status.as_str(),
        })).collect::<Vec<_>>(),
    })
}
