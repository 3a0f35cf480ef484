//! The real binary in a pseudo-terminal: keys in, the screen parsed with
//! vt100. Open a book, search an account, set its health with a reason,
//! quit, reopen and see it; and a run killed with SIGKILL that leaves the
//! database whole with every committed change.

#![cfg(unix)]

use crate::common;

use cockpit::domain::Health;
use cockpit::store::Store;
use cockpit_core::testkit::Book;
use common::pty::{Screen, cockpit};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(dir: &Path) -> PathBuf {
    common::db::three_accounts(dir, Book::new())
}

#[test]
fn search_set_health_quit_reopen_and_see_it() {
    let dir = tempfile::tempdir().expect("dir");
    let db = fixture(dir.path());
    let mut screen = Screen::open(&db);
    screen.wait_for("Today");
    screen.send("2");
    screen.wait_for("Book of business");
    screen.send("/glob");
    screen.wait_for("1 of 3 accounts");
    screen.send("\r");
    screen.send("H");
    screen.wait_for("Pick a colour");
    screen.send("o");
    screen.send("budget freeze announced\r");
    let text = screen.wait_for("saved:");
    assert!(text.contains("Globex health [O]"), "{text}");
    screen.quit();

    let mut screen = Screen::open(&db);
    screen.wait_for("Today");
    screen.send("2");
    screen.send("/glob");
    screen.wait_for("1 of 3 accounts");
    screen.send("\r\r");
    let text = screen.wait_for("Health history");
    assert!(text.contains("[O] orange"), "{text}");
    assert!(text.contains("budget freeze announced"), "{text}");
    assert!(text.contains("ana"), "{text}");
    screen.quit();
}

#[test]
fn every_key_typed_into_the_editor_reaches_it() {
    // The terminal reader stops reading while $EDITOR runs: a key it took
    // would be lost to the editor. The fake editor starts slowly (the keys
    // are typed meanwhile), then reads one line from the terminal and
    // writes it into the note.
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("dir");
    let db = fixture(dir.path());
    let editor = dir.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'EDITING NOW\\n'\nsleep 1\nline=$(timeout --foreground 5 head -n 1)\n\
         for f in \"$@\"; do :; done\nprintf '%s\\n' \"$line\" >> \"$f\"\n",
    )
    .expect("editor");
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).expect("mode");
    let mut command = cockpit(&db);
    command.env("VISUAL", &editor);
    let mut screen = Screen::spawn(command);
    screen.wait_for("Today");
    screen.send("2");
    // The rows, not only the title: `N` needs a selected account.
    screen.wait_for("Book of business");
    screen.wait_for("Initech");
    screen.send("N");
    screen.wait_for("EDITING NOW");
    screen.send_now("typed into the editor\r");
    // The note's own message: "not saved: …" would match a bare "saved:".
    screen.wait_for("✓ saved: note logged on");
    screen.quit();
    assert!(common::db::dump(&db).contains("typed into the editor"), "the note has every key");
}

#[test]
fn a_killed_cockpit_leaves_the_database_whole() {
    let dir = tempfile::tempdir().expect("dir");
    let db = fixture(dir.path());
    let mut screen = Screen::open(&db);
    screen.wait_for("Today");
    screen.send("2");
    screen.wait_for("Book of business");
    screen.wait_for("Initech");
    screen.send("H");
    screen.wait_for("Pick a colour");
    screen.send("r");
    screen.send("champion left\r");
    screen.wait_for("✓ saved:");
    screen.kill();
    let store = Store::open(&db).expect("reopen");
    assert!(store.integrity_ok().expect("check"));
    let history = store.health_history("A1").expect("history");
    assert_eq!(history[0].health, Health::Red);
    assert_eq!(history[0].reason, "champion left");
}

#[test]
fn the_demo_opens_and_keeps_a_health_change_after_reopening() {
    let dir = tempfile::tempdir().expect("dir");
    let demo = dir.path().join("demo.db");
    let envs = [("COCKPIT_DEMO_DB", demo.as_os_str())];
    let mut command = Command::new(env!("CARGO_BIN_EXE_cockpit"));
    command.arg("--demo").envs(envs).env("COCKPIT_TODAY", "2026-11-23").env("COCKPIT_USER", "ana");
    let mut screen = Screen::spawn(command);
    screen.wait_for("64 accounts");
    screen.send("2");
    screen.wait_for("Book of business");
    screen.send("/aldermoor");
    screen.wait_for("1 of 64 accounts");
    screen.send("\r");
    screen.send("H");
    screen.wait_for("Pick a colour");
    screen.send("y");
    screen.send("pilot ward asks for a second review\r");
    screen.wait_for("saved:");
    screen.quit();

    // The demo's own database, reopened directly, still has the change.
    let mut command = cockpit(&demo);
    command.env("COCKPIT_TODAY", "2026-11-23");
    let mut screen = Screen::spawn(command);
    screen.wait_for("64 accounts");
    screen.send("2");
    screen.send("/aldermoor");
    screen.wait_for("1 of 64 accounts");
    screen.send("\r\r");
    let text = screen.wait_for("Health history");
    assert!(text.contains("[Y] yellow"), "{text}");
    assert!(text.contains("pilot ward asks for a second review"), "{text}");
    screen.quit();
}

#[test]
fn the_demo_opens_on_todays_triage_of_one_of_its_csms() {
    let dir = tempfile::tempdir().expect("dir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_cockpit"));
    command
        .arg("--demo")
        .env("COCKPIT_DEMO_DB", dir.path().join("demo.db"))
        .env("COCKPIT_TODAY", "2026-11-23")
        .env_remove("COCKPIT_USER");
    let mut screen = Screen::spawn(command);
    let text = screen.wait_for("rows for Maya Okafor");
    assert!(text.contains("Today · 2026-11-23"), "{text}");
    screen.quit();
}

#[test]
fn a_dumb_terminal_gets_the_report_commands_not_a_full_screen() {
    let dir = tempfile::tempdir().expect("dir");
    let db = fixture(dir.path());
    let mut command = cockpit(&db);
    command.env("TERM", "dumb");
    let mut screen = Screen::spawn(command);
    let text = screen.wait_for("needs a terminal");
    assert!(text.contains("cockpit renewals"), "{text}");
    screen.wait_exit();
}
