//! Today as a CSM works it: one row per account, the counts and filters,
//! mine / my team / all, acting on several rows at once, and `u` walking
//! back what was done — each write committed when made.

use crate::app::{app, chars, fixture, key, select};
use crate::common;
use cockpit::domain::Health;
use common::frame::text as screen;
use ratatui::crossterm::event::KeyCode;

#[test]
fn the_header_counts_rows_by_reason_and_f_shows_one_kind() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    let text = screen(&app, 160, 48);
    assert!(
        text.contains(
            "renewal 3 · health dropped 1 · suggestion 2 · moment overdue 1 · no touch 1"
        ),
        "{text}"
    );
    assert!(text.contains("4 rows for ana · mine"), "{text}");
    // f: renewals only (Acme, Globex, Umbrella), then health dropped (Globex).
    key(&mut app, KeyCode::Char('f'));
    let text = screen(&app, 160, 48);
    assert!(text.contains("[only renewal]") && text.contains("3 rows for ana"), "{text}");
    insta::assert_snapshot!("today_filtered_160x48", text.clone());
    insta::assert_snapshot!("today_filtered_80x24", screen(&app, 80, 24));
    assert!(!text.contains("Wonka"), "{text}");
    key(&mut app, KeyCode::Char('f'));
    assert!(screen(&app, 160, 48).contains("1 row for ana"));
    assert_eq!(app.selected_account().as_deref(), Some("A2"));
    // x clears it.
    key(&mut app, KeyCode::Char('x'));
    assert!(screen(&app, 160, 48).contains("4 rows for ana"));
}

#[test]
fn m_widens_today_to_every_csm_and_back() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    // No team in the settings: mine → all → mine.
    key(&mut app, KeyCode::Char('m'));
    // Everyone's rows are read behind the screen: the key does not wait,
    // mine stay shown until they arrive.
    let text = screen(&app, 160, 48);
    assert!(text.contains("· all (reading…)") && !text.contains("Initech"), "{text}");
    app.settle_background();
    let text = screen(&app, 160, 48);
    assert!(text.contains("· all") && !text.contains("reading"), "{text}");
    // Initech is bo's, never touched; Hooli (cy's) has nothing due today.
    assert!(text.contains("Initech") && !text.contains("Hooli"), "{text}");
    // Mine again: the rows shown before were kept, nothing is read.
    key(&mut app, KeyCode::Char('m'));
    let text = screen(&app, 160, 48);
    assert!(text.contains("· mine") && !text.contains("Initech"), "{text}");
    assert!(!text.contains("reading"), "{text}");
}

#[test]
fn marked_rows_are_snoozed_in_one_step_and_one_u_brings_them_back() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    select(&mut app, "A2");
    key(&mut app, KeyCode::Char(' '));
    select(&mut app, "A6");
    key(&mut app, KeyCode::Char(' '));
    assert!(screen(&app, 160, 48).contains("2 marked"));
    key(&mut app, KeyCode::Char('z'));
    insta::assert_snapshot!("today_bulk_snooze_80x24", screen(&app, 80, 24));
    key(&mut app, KeyCode::Enter);
    let text = screen(&app, 160, 48);
    assert!(!text.contains("health dropped") && !text.contains("moment overdue"), "{text}");
    assert!(text.contains("2 rows for ana"), "{text}");
    // Every reason of both rows: Globex's drop, renewal and no touch; Wonka's QBR.
    let today = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("d");
    assert_eq!(app.store().snoozes(today).expect("snoozes").len(), 4);
    // The snoozed list shows them; Enter brings one back.
    key(&mut app, KeyCode::Char('Z'));
    let list = screen(&app, 80, 24);
    insta::assert_snapshot!("today_snoozed_80x24", list);
    insta::assert_snapshot!("today_snoozed_160x48", screen(&app, 160, 48));
    assert!(list.contains("Snoozed (4)") && list.contains("Wonka"), "{list}");
    key(&mut app, KeyCode::Enter);
    assert!(screen(&app, 160, 48).contains("health dropped"), "brought back");
    assert_eq!(app.store().snoozes(today).expect("snoozes").len(), 3);
    // u puts the snooze back; u again undoes the whole bulk snooze.
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.store().snoozes(today).expect("snoozes").len(), 4);
    key(&mut app, KeyCode::Char('u'));
    let text = screen(&app, 160, 48);
    assert!(text.contains("undone: ") && text.contains("moment overdue"), "{text}");
    assert!(app.store().snoozes(today).expect("snoozes").is_empty());
    key(&mut app, KeyCode::Char('u'));
    assert!(screen(&app, 160, 48).contains("nothing to undo"));
}

#[test]
fn bulk_health_with_one_reason_and_undo_kept_in_the_history() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    for id in ["A1", "A4"] {
        select(&mut app, id);
        key(&mut app, KeyCode::Char(' '));
    }
    key(&mut app, KeyCode::Char('H'));
    chars(&mut app, "r");
    chars(&mut app, "exec sponsor left both");
    key(&mut app, KeyCode::Enter);
    for id in ["A1", "A4"] {
        let history = app.store().health_history(id).expect("history");
        assert_eq!(
            (history[0].health, history[0].reason.as_str()),
            (Health::Red, "exec sponsor left both")
        );
    }
    assert_eq!(app.undo_depth(), 1, "one step");
    key(&mut app, KeyCode::Char('u'));
    let acme = app.store().health_history("A1").expect("history");
    assert_eq!(acme[0].health, Health::Green);
    assert!(acme[0].reason.starts_with("undo: "), "{:?}", acme[0]);
    assert_eq!(acme[1].reason, "exec sponsor left both", "recorded, not erased");
    let umbrella = app.store().health_history("A4").expect("history");
    assert_eq!(umbrella[0].health, Health::Yellow);
    assert_eq!(app.book().by_id("A4").and_then(|r| r.health), Some(Health::Yellow));
    assert_eq!(app.store().undos().expect("undos").len(), 1);
}

#[test]
fn d_marks_the_overdue_moment_done_and_u_opens_it_again() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    select(&mut app, "A1");
    key(&mut app, KeyCode::Char('d'));
    assert!(screen(&app, 160, 48).contains("this row has no overdue moment"));
    select(&mut app, "A6");
    key(&mut app, KeyCode::Char('d'));
    let text = screen(&app, 160, 48);
    assert!(!text.contains("Quarterly business review was due"), "{text}");
    assert!(text.contains("moment done on Wonka Industries"), "{text}");
    key(&mut app, KeyCode::Char('u'));
    let text = screen(&app, 160, 48);
    assert!(text.contains("Quarterly business review was due 2025-05-15"), "{text}");
}

#[test]
fn d_marks_a_due_task_or_its_step_done_and_u_opens_it_again() {
    use cockpit::domain::task::{NewTask, TaskStatus};
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2025, m, d).expect("day");
    let task = |account: &str, title: &str, steps: Vec<(String, chrono::NaiveDate)>| NewTask {
        account_id: account.to_string(),
        title: title.to_string(),
        owner: "ana".to_string(),
        due_on: day(5, 30),
        steps,
        playbook: None,
    };
    let (stepped, plain) = {
        let store = cockpit::store::Store::open(&path).expect("store");
        let at = day(5, 1).and_hms_opt(9, 0, 0).expect("t").and_utc();
        let steps = vec![("Call".to_string(), day(6, 20)), ("Agenda".to_string(), day(5, 28))];
        let stepped = store.add_task(&task("A1", "Prepare the QBR", steps), "ana", at);
        let plain = store.add_task(&task("A2", "Send the deck", Vec::new()), "ana", at);
        (stepped.expect("add"), plain.expect("add"))
    };
    let status = |app: &cockpit::tui::app::App, id: i64| {
        let task = app.store().task(id).expect("read").expect("task");
        (task.status, task.steps.iter().map(|s| s.status).collect::<Vec<_>>())
    };
    let mut app = app(&path, "ana");
    // Acme's row is about the step due 2025-05-28 (the second): that one is done.
    select(&mut app, "A1");
    key(&mut app, KeyCode::Char('d'));
    assert_eq!(status(&app, stepped), (TaskStatus::Open, vec![TaskStatus::Open, TaskStatus::Done]));
    // Globex's task has no steps: the task itself is done.
    select(&mut app, "A2");
    key(&mut app, KeyCode::Char('d'));
    assert_eq!(status(&app, plain).0, TaskStatus::Done);
    // u walks both back, last first.
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(status(&app, plain).0, TaskStatus::Open);
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(status(&app, stepped), (TaskStatus::Open, vec![TaskStatus::Open; 2]));
}

#[test]
fn marked_rows_move_to_another_csm_each_keeping_its_am() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    for id in ["A1", "A4"] {
        select(&mut app, id);
        key(&mut app, KeyCode::Char(' '));
    }
    key(&mut app, KeyCode::Char('o'));
    chars(&mut app, "dee");
    key(&mut app, KeyCode::Enter);
    let owners = |app: &cockpit::tui::app::App, id: &str| {
        let row = app.book().by_id(id).expect("row").clone();
        (row.csm, row.am)
    };
    assert_eq!(owners(&app, "A1"), ("dee".to_string(), "bo".to_string()));
    assert_eq!(owners(&app, "A4"), ("dee".to_string(), "cy".to_string()));
    assert!(screen(&app, 160, 48).contains("2 rows for ana"));
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(owners(&app, "A1"), ("ana".to_string(), "bo".to_string()));
    assert!(screen(&app, 160, 48).contains("4 rows for ana"));
}

/// The real binary in a pseudo-terminal: a snooze, a bulk health change
/// undone, then a restart finds all of it as it was left.
#[cfg(unix)]
mod pty {
    use crate::common::pty::Screen;
    use cockpit::domain::Health;
    use cockpit::store::Store;

    #[test]
    fn snooze_bulk_undo_restart_and_find_it_all() {
        let dir = tempfile::tempdir().expect("dir");
        let db = crate::app::fixture(dir.path());
        // The renewal playbook would add a task to Globex in the background
        // after the first screen, racing the snooze below: it is off here
        // (its own flow is `e2e_tasks`).
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "[playbooks.renewal]\nenabled = false\n").expect("config");
        let open = || {
            let mut command = crate::common::pty::cockpit(&db);
            command.env("COCKPIT_CONFIG", &config);
            Screen::spawn(command)
        };
        let mut screen = open();
        screen.wait_for("4 rows for ana");
        // Globex (second row) snoozed for a week.
        screen.send("j");
        screen.send("z");
        screen.wait_for("Until:");
        screen.send("\r");
        let text = screen.wait_for("3 rows for ana");
        assert!(text.contains("Globex snoozed until 2025-06-08"), "{text}");
        // Acme and Umbrella marked, set red with one reason.
        screen.send("g ");
        screen.send(" ");
        screen.wait_for("2 marked");
        screen.send("H");
        screen.send("r");
        screen.send("exec sponsor left\r");
        let text = screen.wait_for("saved:");
        assert!(text.contains("Acme Corp health [R] red"), "{text}");
        // u takes the bulk step back; the snooze stays.
        screen.send("u");
        let text = screen.wait_for("undone:");
        assert!(text.contains("3 rows for ana"), "{text}");
        screen.quit();

        let mut screen = open();
        screen.wait_for("3 rows for ana");
        screen.send("Z");
        let text = screen.wait_for("Snoozed (3)");
        assert!(text.contains("Globex"), "{text}");
        screen.send("\x1b");
        // Closed: the Book's key works again (Hooli is not ana's).
        screen.send("2");
        screen.wait_for("Hooli");
        screen.quit();
        let store = Store::open(&db).expect("store");
        for (id, before) in [("A1", Health::Green), ("A4", Health::Yellow)] {
            let history = store.health_history(id).expect("history");
            assert_eq!(history[0].health, before, "{id}");
            assert!(history[0].reason.starts_with("undo: "), "{:?}", history[0]);
            assert_eq!(history[1].reason, "exec sponsor left");
        }
        assert_eq!(store.undos().expect("undos").len(), 1);
    }
}

/// Sixty accounts of one CSM, none ever touched, ranked by ARR (B59 the
/// largest first, B00 last). After a long scroll the drawn window holds
/// the rows around the cursor, and a snooze made there leaves the rows a
/// fresh start reads (only the snoozed account is read again).
#[test]
fn a_long_list_draws_the_window_at_the_cursor_and_a_write_reads_as_a_fresh_start() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.db");
    {
        let store = cockpit::store::Store::open(&path).expect("store");
        for i in 0..60 {
            cockpit_core::testkit::account(
                &store,
                &format!("B{i:02}"),
                "ana",
                None,
                1_000 + i * 10,
            );
        }
    }
    let mut app = app(&path, "ana");
    let text = screen(&app, 80, 24);
    assert!(text.contains("60 rows for ana") && text.contains("B59 Inc"), "{text}");
    assert!(!text.contains("B00 Inc"), "only the first rows are drawn:\n{text}");
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(app.selected_account().as_deref(), Some("B00"));
    let text = screen(&app, 80, 24);
    for shown in ["B00 Inc", "B01 Inc", "B05 Inc"] {
        assert!(text.contains(shown), "{shown} in the last window:\n{text}");
    }
    assert!(!text.contains("B59 Inc") && !text.contains("B30 Inc"), "{text}");
    // Up three: the window stays, the cursor moves within it.
    chars(&mut app, "kkk");
    assert_eq!(app.selected_account().as_deref(), Some("B03"));
    assert!(screen(&app, 80, 24).contains("B00 Inc"));
    // Two pages up: the window follows the cursor.
    key(&mut app, KeyCode::PageUp);
    key(&mut app, KeyCode::PageUp);
    let selected = app.selected_account().expect("a row");
    let text = screen(&app, 80, 24);
    assert!(text.contains(&format!("{selected} Inc")) && !text.contains("B00 Inc"), "{text}");
    // Snoozed there: the row goes, and the rows are those of a fresh start.
    key(&mut app, KeyCode::Char('z'));
    key(&mut app, KeyCode::Enter);
    assert!(app.status().is_some_and(|s| s.text.starts_with("saved")), "{:?}", app.status());
    key(&mut app, KeyCode::Char('g'));
    let fresh = crate::app::app(&path, "ana");
    let lines = |text: String| -> Vec<String> {
        // Every line but the status line (what was saved).
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines.pop();
        lines
    };
    let after = lines(screen(&app, 160, 48));
    assert!(after.iter().any(|l| l.contains("59 rows for ana")), "{after:#?}");
    assert!(!after.iter().any(|l| l.contains(&format!("{selected} Inc"))), "{after:#?}");
    assert_eq!(after, lines(screen(&fresh, 160, 48)));
}
