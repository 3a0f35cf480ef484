//! `cockpit tasks` as a user runs it: the day's playbooks start on the first
//! run and never twice, `--mine` and `--due-within` narrow the list, the
//! JSON carries each task's steps, and bad playbook settings say where.

use chrono::NaiveDate;
use cockpit::domain::Health;
use cockpit::domain::playbook::Playbooks;
use cockpit::domain::task::{NewTask, TaskStatus};
use cockpit::store::Store;
use cockpit_core::testkit::Book;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const TODAY: &str = "2025-03-03";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("day")
}

fn cockpit(dir: &Path, settings: &str, user: &str, args: &[&str]) -> Output {
    let config = dir.join("config.toml");
    std::fs::write(&config, settings).expect("settings");
    Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .arg("--db")
        .arg(dir.join("book.db"))
        .arg("tasks")
        .args(args)
        .env("COCKPIT_TODAY", TODAY)
        .env("COCKPIT_CONFIG", &config)
        .env("COCKPIT_USER", user)
        .env("COLUMNS", "160")
        .output()
        .expect("run cockpit")
}

fn json(output: &Output) -> Vec<Value> {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice::<Value>(&output.stdout).expect("json").as_array().expect("rows").clone()
}

/// Acme (ana) renews in 88 days, Globex (bo) in a year; ana has a save plan
/// on Globex from a red health change, and a hand-made task on Acme.
fn book(dir: &Path) {
    let mut store = Store::open(&dir.join("book.db")).expect("store");
    Book::new()
        .accounts(
            "id, name,   csm, stage,    arr,   units, health
             A1, Acme,   ana, adoption, 12000, 10,    green
             A2, Globex, bo,  adoption, 50000, 60,    green",
        )
        .contracts(
            "contract_id, account_id, product, start_date, end_date,   arr,   units
             C1,          A1,         Core,    2024-06-01, 2025-05-30, 12000, 10
             C2,          A2,         Core,    2025-03-01, 2026-02-28, 50000, 60",
        )
        .write(&store);
    store.set_playbooks(Playbooks::default());
    let at = day(2025, 2, 20).and_hms_opt(9, 0, 0).expect("t").and_utc();
    store.set_health("A2", Health::Red, "outage", "ana", at).expect("red");
    let deck = NewTask {
        account_id: "A1".into(),
        title: "Send the deck".into(),
        owner: "ana".into(),
        due_on: day(2025, 3, 10),
        steps: vec![],
        playbook: None,
    };
    store.add_task(&deck, "ana", at).expect("task");
}

#[test]
fn the_first_run_starts_the_days_playbooks_once_and_lists_nearest_first() {
    let dir = tempfile::tempdir().expect("dir");
    book(dir.path());
    let rows = json(&cockpit(dir.path(), "", "ana", &["--json"]));
    let titles: Vec<&str> = rows.iter().map(|r| r["title"].as_str().expect("title")).collect();
    // The save plan (Globex, bo) started on 20 Feb: its first step was due
    // 22 Feb (9 days late); Acme's renewal starts today (88 days out: the
    // −120 and −90 steps are due today); the deck is due 10 March.
    assert_eq!(titles, ["Save plan", "Renewal, 120 days", "Send the deck"]);
    assert_eq!(rows[0]["next_due"], "2025-02-22");
    assert_eq!(rows[0]["days_late"], 9);
    assert_eq!(
        (rows[0]["owner"].as_str(), rows[0]["account_id"].as_str()),
        (Some("bo"), Some("A2"))
    );
    assert_eq!(rows[1]["next"], "Confirm stakeholders");
    assert_eq!(rows[1]["steps"].as_array().map(Vec::len), Some(4));
    // −60 days from 30 May = 31 March, −30 = 30 April.
    assert_eq!(rows[1]["steps"][2]["due_on"], "2025-03-31");
    assert_eq!(rows[1]["steps"][3]["due_on"], "2025-04-30");
    assert_eq!(rows[1]["playbook"], "renewal");
    assert_eq!(rows[2]["steps"], Value::Array(vec![]));
    // Never twice for the same renewal.
    assert_eq!(json(&cockpit(dir.path(), "", "ana", &["--json"])).len(), 3);
    // Mine, and due today or late.
    let mine = json(&cockpit(dir.path(), "", "ana", &["--mine", "--json"]));
    assert_eq!(mine.len(), 2);
    let due = json(&cockpit(dir.path(), "", "ana", &["--mine", "--due-within", "0", "--json"]));
    assert_eq!(due.len(), 1);
    assert_eq!(due[0]["title"], "Renewal, 120 days");
    let bos = json(&cockpit(dir.path(), "", "ana", &["--user", "bo", "--json"]));
    assert_eq!(bos.len(), 1);
}

#[test]
fn the_table_says_what_is_next_and_when() {
    let dir = tempfile::tempdir().expect("dir");
    book(dir.path());
    let output = cockpit(dir.path(), "", "ana", &["--mine", "--due-within", "7"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Confirm stakeholders"), "{text}");
    assert!(text.contains("due today"), "{text}");
    assert!(text.contains("due in 7 days"), "{text}");
    assert!(text.contains("0/4 steps"), "{text}");
    assert!(text.contains("2 open tasks for ana due within 7 days on 2025-03-03"), "{text}");
    let none = cockpit(dir.path(), "", "cy", &["--mine"]);
    assert_eq!(String::from_utf8_lossy(&none.stdout).trim(), "No open tasks for cy.");
}

#[test]
fn closed_tasks_leave_the_list_and_playbooks_can_be_switched_off() {
    let dir = tempfile::tempdir().expect("dir");
    book(dir.path());
    let off = "[playbooks.renewal]\nenabled = false\n";
    let rows = json(&cockpit(dir.path(), off, "ana", &["--json"]));
    assert_eq!(rows.len(), 2, "no renewal playbook");
    let store = Store::open(&dir.path().join("book.db")).expect("store");
    let id = rows[0]["id"].as_i64().expect("id");
    let at = day(2025, 3, 3).and_hms_opt(9, 0, 0).expect("t").and_utc();
    store.set_task_status(id, TaskStatus::Done, "bo", at).expect("done");
    let rows = json(&cockpit(dir.path(), off, "ana", &["--json"]));
    assert_eq!(rows.len(), 1);
    assert_eq!(store.account_tasks("A2").expect("tasks")[0].status, TaskStatus::Done);
}

#[test]
fn bad_playbook_settings_say_where_and_change_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    book(dir.path());
    let bad = "mouse = true\n[playbooks.renewal]\nsteps = [{ title = \"Call\", due = \"soon\" }]\n";
    let output = cockpit(dir.path(), bad, "ana", &["--json"]);
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("config.toml:3:"), "{error}");
    assert!(error.contains("\"soon\" is not an offset"), "{error}");
    let store = Store::open(&dir.path().join("book.db")).expect("store");
    assert!(
        store.account_tasks("A1").expect("tasks").iter().all(|t| t.title != "Renewal, 120 days")
    );
}
