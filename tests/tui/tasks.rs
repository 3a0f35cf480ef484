//! Tasks and playbooks driven headless on the fixed book of `app.rs`: a red
//! health change starts the save plan in the same write, two of its steps
//! are marked done from the account's Tasks section, and all of it is there
//! after a restart; a task added by hand; the task list and the playbook
//! picker rendered at 80×24 and 160×48 for snapshots.

use crate::app::fixture;
use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::Config;
use cockpit::domain::task::TaskStatus;
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use common::frame::text as screen;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
}

/// The cockpit as `tui::run` opens it: the store fires the playbooks of
/// the settings.
fn app(path: &Path, user: &str) -> App {
    let mut store = Store::open(path).expect("store");
    let config = Config::default();
    store.set_playbooks(config.playbooks.clone());
    App::new(store, Clock::fixed(today()), config, user, Theme::plain())
        .expect("app")
        .with_db_label("book.db")
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn chars(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Jumps to an account by name and opens its Tasks section.
fn open_tasks(app: &mut App, name: &str) {
    app.handle_key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL));
    chars(app, name);
    key(app, KeyCode::Enter);
    for _ in 0..5 {
        key(app, KeyCode::Char('l'));
    }
}

fn tasks_of(path: &Path, account: &str) -> Vec<cockpit::domain::task::Task> {
    Store::open(path).expect("store").account_tasks(account).expect("tasks")
}

#[test]
fn a_red_health_change_starts_the_save_plan_and_its_steps_are_worked_from_the_account() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    open_tasks(&mut app, "wonka");
    let empty = screen(&app, 80, 24);
    assert!(empty.contains("No tasks yet: t adds one, p starts a playbook."), "{empty}");
    key(&mut app, KeyCode::Char('H'));
    key(&mut app, KeyCode::Char('r'));
    chars(&mut app, "sponsor gone quiet");
    key(&mut app, KeyCode::Enter);
    let tasks = tasks_of(&path, "A6");
    assert_eq!(tasks.len(), 1);
    assert_eq!((tasks[0].title.as_str(), tasks[0].owner.as_str()), ("Save plan", "ana"));
    // The list: the task, then its four steps; the first step is selected
    // after the task line.
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('d'));
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("[x] 1. Find the root cause"), "{shown}");
    assert!(shown.contains("[x] 2. Call the sponsor"), "{shown}");
    assert!(shown.contains("2/4 steps"), "{shown}");
    // Reopen the second step (until undo exists, `r` puts it back).
    key(&mut app, KeyCode::Char('r'));
    key(&mut app, KeyCode::Char('d'));
    drop(app);
    // After a restart: the task, its two done steps and the red health.
    let mut again = self::app(&path, "ana");
    open_tasks(&mut again, "wonka");
    let shown = screen(&again, 80, 24);
    assert!(shown.contains("[x] 2. Call the sponsor"), "{shown}");
    assert!(shown.contains("[ ] 3. Agree a recovery plan"), "{shown}");
    let steps: Vec<TaskStatus> = tasks_of(&path, "A6")[0].steps.iter().map(|s| s.status).collect();
    assert_eq!(steps, [TaskStatus::Done, TaskStatus::Done, TaskStatus::Open, TaskStatus::Open]);
    // Red again the same day changes nothing: the spell already has its plan.
    key(&mut again, KeyCode::Char('H'));
    key(&mut again, KeyCode::Char('r'));
    chars(&mut again, "still quiet");
    key(&mut again, KeyCode::Enter);
    assert_eq!(tasks_of(&path, "A6").len(), 1);
}

#[test]
fn undoing_a_red_health_change_removes_the_save_plan_it_started() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    open_tasks(&mut app, "wonka");
    key(&mut app, KeyCode::Char('H'));
    key(&mut app, KeyCode::Char('r'));
    chars(&mut app, "sponsor gone quiet");
    key(&mut app, KeyCode::Enter);
    assert_eq!(tasks_of(&path, "A6").len(), 1);
    // Undo from Today.
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('u'));
    assert!(tasks_of(&path, "A6").is_empty(), "the untouched save plan goes with the red");
    let store = Store::open(&path).expect("store");
    assert_eq!(store.account_state("A6").expect("state").0, Some(cockpit::domain::Health::Green));
}

#[test]
fn a_task_by_hand_and_a_playbook_from_the_picker() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    open_tasks(&mut app, "globex");
    key(&mut app, KeyCode::Char('t'));
    chars(&mut app, "Send the renewal deck");
    key(&mut app, KeyCode::Tab);
    for _ in 0..10 {
        key(&mut app, KeyCode::Backspace);
    }
    chars(&mut app, "2025-06-03");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('p'));
    key(&mut app, KeyCode::Enter);
    let tasks = tasks_of(&path, "A2");
    let titles: Vec<&str> = tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["Send the renewal deck", "Renewal, 120 days"]);
    // Globex renews 2025-08-14: −60 days = 2025-06-15, −30 = 2025-07-15;
    // the −120 and −90 steps fall before today and are due today.
    let dates: Vec<NaiveDate> = tasks[1].steps.iter().map(|s| s.due_on).collect();
    let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).expect("d");
    assert_eq!(dates, [today(), today(), day(6, 15), day(7, 15)]);
    // Skip the hand-made task: it leaves the open list for the timeline.
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(tasks_of(&path, "A2")[1].status, TaskStatus::Skipped);
    key(&mut app, KeyCode::Char('h'));
    for _ in 0..3 {
        key(&mut app, KeyCode::Char('h'));
    }
    let timeline = screen(&app, 120, 30);
    assert!(timeline.contains("skipped — Send the renewal deck"), "{timeline}");
}

#[test]
fn snapshots_of_the_task_list_and_the_playbook_picker() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    for (width, height) in [(80_u16, 24_u16), (160, 48)] {
        let mut app = app(&path, "ana");
        app.resize(width, height);
        open_tasks(&mut app, "umbrella");
        key(&mut app, KeyCode::Char('p'));
        insta::assert_snapshot!(
            format!("playbook_picker_{width}x{height}"),
            screen(&app, width, height)
        );
        key(&mut app, KeyCode::Esc);
    }
    // One task list on the book after both starts: Umbrella's renewal
    // started by hand, a save plan from orange, one step done.
    let mut app = app(&path, "ana");
    open_tasks(&mut app, "umbrella");
    key(&mut app, KeyCode::Char('p'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('H'));
    key(&mut app, KeyCode::Char('o'));
    chars(&mut app, "usage down a third");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('d'));
    for (width, height) in [(80_u16, 24_u16), (160, 48)] {
        app.resize(width, height);
        insta::assert_snapshot!(format!("task_list_{width}x{height}"), screen(&app, width, height));
    }
}

#[test]
fn a_task_or_a_playbook_from_a_today_row() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    let account = app.selected_account().expect("a Today row is selected");
    key(&mut app, KeyCode::Char('t'));
    chars(&mut app, "Call back about seats");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('p'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    let tasks = tasks_of(&path, &account);
    let titles: Vec<&str> = tasks.iter().map(|t| t.title.as_str()).collect();
    assert!(titles.contains(&"Call back about seats"), "{titles:?}");
    assert!(titles.contains(&"Save plan"), "{titles:?}");
    // Due in a week, owned by the user.
    let by_hand = tasks.iter().find(|t| t.title == "Call back about seats").expect("task");
    assert_eq!(
        (by_hand.due_on, by_hand.owner.as_str()),
        (NaiveDate::from_ymd_opt(2025, 6, 8).expect("d"), "ana")
    );
}
