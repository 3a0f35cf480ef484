//! The real binary in a pseudo-terminal: a person added to Globex through
//! the People section's form (in the role since a day typed there), then
//! marked as left — a sponsor change: the
//! reason in Today and the sponsor-change playbook started — and after a
//! restart all of it is there.

#![cfg(unix)]

use crate::common;

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

/// Globex's Account view, from the first screen.
fn globex(screen: &mut Screen) {
    screen.wait_for("Today");
    screen.send("2");
    screen.wait_for("Book of business");
    screen.send("/glob");
    screen.wait_for("1 of 3 accounts");
    screen.send("\r\r");
    screen.wait_for("Overview");
}

#[test]
fn a_sponsor_added_then_left_raises_the_sponsor_change_and_outlives_a_restart() {
    let dir = tempfile::tempdir().expect("dir");
    let db = common::db::three_accounts(dir.path(), Book::new());
    let mut screen = open(dir.path(), &db);
    globex(&mut screen);
    screen.send("a");
    screen.wait_for("Add a person");
    screen.send("Dana Reyes\t");
    screen.send("e\t");
    screen.send("dana@globex.com\t");
    screen.send("COO\t");
    screen.send("2023-04-01\r");
    let text = screen.wait_for("Dana Reyes added as executive sponsor");
    assert!(text.contains("no champion") && text.contains("since 2023-04-01"), "{text}");
    screen.send("W");
    screen.wait_for("Dana Reyes left");
    screen.send("\r");
    let text = screen.wait_for("left 2025-06-01");
    assert!(text.contains("no executive sponsor"), "{text}");
    // Today says why; the Tasks section holds the started playbook.
    screen.send("1");
    screen.wait_for("sponsor change on 2025-06-01");
    screen.send("3");
    screen.wait_for("Dana Reyes");
    screen.send("hhh");
    let text = screen.wait_for("Sponsor change");
    assert!(text.contains("Reach out to the new contact"), "{text}");
    screen.quit();

    let mut screen = open(dir.path(), &db);
    screen.wait_for("sponsor change on 2025-06-01");
    globex(&mut screen);
    // The last section, one step back from the first.
    screen.send("h");
    let text = screen.wait_for("left 2025-06-01");
    assert!(text.contains("Dana Reyes") && text.contains("dana@globex.com"), "{text}");
    assert!(text.contains("since 2023-04-01"), "{text}");
    screen.quit();
    let store = Store::open(&db).expect("store");
    let people = store.account_contacts("A2").expect("contacts");
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].left_on.map(|d| d.to_string()).as_deref(), Some("2025-06-01"));
    assert_eq!(people[0].since.map(|d| d.to_string()).as_deref(), Some("2023-04-01"));
    let tasks = store.account_tasks("A2").expect("tasks");
    let titles: Vec<&str> = tasks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["Sponsor change"], "started once");
}
