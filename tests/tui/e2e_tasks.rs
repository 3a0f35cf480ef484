//! The real binary in a pseudo-terminal: a red health change starts the
//! save plan, two of its steps are marked done from the account's Tasks
//! section, `u` undoes the second, and after a restart all of it is there.

#![cfg(unix)]

use crate::common;

use cockpit::domain::task::TaskStatus;
use cockpit::store::Store;
use cockpit_core::testkit::Book;
use common::pty::{Screen, cockpit};
use std::path::Path;

/// The cockpit on `db` with an empty settings file (the default playbooks).
fn open(dir: &Path, db: &Path) -> Screen {
    let settings = dir.join("config.toml");
    std::fs::write(&settings, "").expect("settings");
    let mut command = cockpit(db);
    command.env("COCKPIT_CONFIG", &settings);
    Screen::spawn(command)
}

/// Globex's Tasks section, from the first screen.
fn globex_tasks(screen: &mut Screen) {
    screen.wait_for("Today");
    screen.send("2");
    screen.wait_for("Book of business");
    screen.send("/glob");
    screen.wait_for("1 of 3 accounts");
    screen.send("\r\r");
    screen.wait_for("Overview");
}

#[test]
fn a_red_health_starts_the_save_plan_two_steps_done_one_undone_and_all_outlive_a_restart() {
    let dir = tempfile::tempdir().expect("dir");
    let db = common::db::three_accounts(dir.path(), Book::new());
    let mut screen = open(dir.path(), &db);
    globex_tasks(&mut screen);
    screen.send("H");
    screen.wait_for("Pick a colour");
    screen.send("r");
    screen.send("exec sponsor left\r");
    screen.wait_for("Globex health [R]");
    screen.send("lllll");
    let text = screen.wait_for("Save plan");
    assert!(text.contains("Find the root cause"), "{text}");
    screen.send("j");
    screen.send("d");
    screen.wait_for("Globex step 1 done");
    screen.send("j");
    screen.send("d");
    screen.wait_for("Globex step 2 done");
    // Undo (Today's u) walks the last step back.
    screen.send("1");
    screen.send("u");
    let text = screen.wait_for("undone:");
    assert!(text.contains("undone: Globex step 2 done"), "{text}");
    screen.quit();

    let mut screen = open(dir.path(), &db);
    globex_tasks(&mut screen);
    screen.send("lllll");
    let text = screen.wait_for("Save plan");
    assert!(text.contains("[x] 1. Find the root cause"), "{text}");
    assert!(text.contains("[ ] 2. Call the sponsor"), "{text}");
    assert!(text.contains("1/4 steps"), "{text}");
    screen.quit();
    let store = Store::open(&db).expect("store");
    let tasks = store.account_tasks("A2").expect("tasks");
    assert_eq!(tasks.len(), 1);
    let steps: Vec<TaskStatus> = tasks[0].steps.iter().map(|s| s.status).collect();
    assert_eq!(steps, [TaskStatus::Done, TaskStatus::Open, TaskStatus::Open, TaskStatus::Open]);
}
