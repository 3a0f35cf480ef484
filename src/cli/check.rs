//! `cockpit check`: runs SQLite's full integrity check on the database and
//! says what it found: "ok" with the book's size, or the first problems and
//! how to restore (exit 1). It only reads.

use super::{Context, output};
use crate::store::damaged_message;
use std::process::ExitCode;

/// How many of SQLite's problem lines are shown.
const PROBLEMS_SHOWN: u32 = 5;

pub fn run(context: &Context) -> anyhow::Result<ExitCode> {
    // A read-only book (a backup, an archived copy) is checked read-only.
    let store = if crate::store::Store::file_is_read_only(&context.db) {
        crate::store::Store::open_read_only(&context.db)?
    } else {
        context.open_existing()?
    };
    let problems = store.integrity_problems(PROBLEMS_SHOWN)?;
    let db = context.db.display().to_string();
    if problems.is_empty() {
        let [accounts, contracts, snapshots, notes] = store.book_counts()?;
        output::say(&format!(
            "ok: {}, {}, {}, {} in {db}; no damage found",
            crate::domain::count::of(accounts, "account", "accounts"),
            crate::domain::count::of(contracts, "contract", "contracts"),
            crate::domain::count::of(snapshots, "snapshot", "snapshots"),
            crate::domain::count::of(notes, "note", "notes")
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    output::say(&format!("{db}: damaged; SQLite's integrity check found:"))?;
    // SQLite may put several problems in one row, a line each.
    for problem in problems.iter().flat_map(|p| p.lines()).take(PROBLEMS_SHOWN as usize) {
        output::say(&format!("  {}", problem.trim()))?;
    }
    output::warn(&format!("cockpit: {}", damaged_message(&db)));
    Ok(ExitCode::FAILURE)
}
