//! The real binary in a pseudo-terminal: keys in, the screen parsed with
//! vt100. Open a book, search an account, set its health with a reason,
//! quit, reopen and see it; and a run killed with SIGKILL that leaves the
//! database whole with every committed change.

#![cfg(unix)]

use cockpit::domain::Health;
use cockpit::store::Store;
use expectrl::session::OsSession;
use std::io::Write;
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("book.db");
    drop(Store::open(&path).expect("open"));
    let conn = rusqlite::Connection::open(&path).expect("conn");
    conn.execute_batch(
        "INSERT INTO accounts (id, name, csm, am, stage, health, health_since, arr_cents, units, last_touch) VALUES
          ('A1', 'Acme Corp', 'ana', '', 'adoption', 'green', '2025-05-01', 12000000, 10, '2025-05-20'),
          ('A2', 'Globex', 'ana', '', 'adoption', 'green', '2025-05-01', 6000000, 10, '2025-05-20'),
          ('A3', 'Initech', 'bo', '', 'adoption', NULL, NULL, 2500000, 5, NULL);",
    )
    .expect("fixture");
    path
}

struct Screen {
    session: OsSession,
    parser: vt100::Parser,
}

impl Screen {
    fn open(db: &Path) -> Screen {
        Screen::spawn(&["--db".as_ref(), db.as_os_str()], &[], "2025-06-01")
    }

    fn spawn(args: &[&std::ffi::OsStr], envs: &[(&str, &std::ffi::OsStr)], today: &str) -> Screen {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cockpit"));
        command.args(args).envs(envs.iter().copied());
        command
            .env("COCKPIT_TODAY", today)
            .env("COCKPIT_USER", "ana")
            .env("TERM", "xterm-256color")
            .env("NO_COLOR", "1");
        let mut session = OsSession::spawn(command).expect("spawn");
        session.get_process_mut().set_window_size(100, 30).expect("size");
        Screen {
            session,
            parser: vt100::Parser::new(
                NonZeroU16::new(30).expect("rows"),
                NonZeroU16::new(100).expect("cols"),
                0,
            ),
        }
    }

    fn pump(&mut self) {
        let mut buffer = [0_u8; 8192];
        while let Ok(n) = self.session.try_read(&mut buffer) {
            if n == 0 {
                break;
            }
            self.parser.process(&buffer[..n]);
        }
    }

    fn text(&mut self) -> String {
        self.pump();
        self.parser.screen().contents()
    }

    fn wait_for(&mut self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let text = self.text();
            if text.contains(needle) {
                return text;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "waited for {needle:?}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    fn send(&mut self, keys: &str) {
        self.session.write_all(keys.as_bytes()).expect("send");
        self.session.flush().expect("flush");
        std::thread::sleep(Duration::from_millis(60));
    }

    fn wait_exit(&mut self) {
        let start = Instant::now();
        while self.session.get_process().is_alive().unwrap_or(false) {
            self.pump();
            assert!(start.elapsed() < Duration::from_secs(10), "the cockpit did not quit");
            std::thread::sleep(Duration::from_millis(30));
        }
    }
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
    screen.send("q");
    screen.wait_exit();

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
    screen.send("q");
    screen.wait_exit();
}

#[test]
fn a_killed_cockpit_leaves_the_database_whole() {
    let dir = tempfile::tempdir().expect("dir");
    let db = fixture(dir.path());
    let mut screen = Screen::open(&db);
    screen.wait_for("Today");
    screen.send("2");
    screen.wait_for("Book of business");
    screen.send("H");
    screen.send("r");
    screen.send("champion left\r");
    screen.wait_for("saved:");
    let pid = screen.session.get_process().pid().to_string();
    let status = Command::new("kill").args(["-9", &pid]).status().expect("kill");
    assert!(status.success());
    screen.wait_exit();
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
    let mut screen = Screen::spawn(&["--demo".as_ref()], &envs, "2026-11-23");
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
    screen.send("q");
    screen.wait_exit();

    // The demo's own database, reopened directly, still has the change.
    let mut screen = Screen::spawn(&["--db".as_ref(), demo.as_os_str()], &[], "2026-11-23");
    screen.wait_for("64 accounts");
    screen.send("2");
    screen.send("/aldermoor");
    screen.wait_for("1 of 64 accounts");
    screen.send("\r\r");
    let text = screen.wait_for("Health history");
    assert!(text.contains("[Y] yellow"), "{text}");
    assert!(text.contains("pilot ward asks for a second review"), "{text}");
    screen.send("q");
    screen.wait_exit();
}
