//! The real `cockpit` binary in a 100×30 pseudo-terminal without colour:
//! keys in, the screen's text out (parsed with vt100).

use expectrl::session::OsSession;
use std::io::Write;
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const COLUMNS: u16 = 100;
const ROWS: u16 = 30;

/// How long a test waits for text to appear, or for the binary to exit.
const PATIENCE: Duration = Duration::from_secs(20);

/// `cockpit --db DB` on 2025-06-01 as CSM `ana`, the day and the user of
/// the tests' small books.
pub fn cockpit(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cockpit"));
    command.arg("--db").arg(db).env("COCKPIT_TODAY", "2025-06-01").env("COCKPIT_USER", "ana");
    command
}

pub struct Screen {
    session: OsSession,
    parser: vt100::Parser,
}

impl Screen {
    /// The cockpit on `db` (see [`cockpit`]).
    pub fn open(db: &Path) -> Screen {
        Screen::spawn(cockpit(db))
    }

    /// Runs `command` (with its arguments and environment) in the terminal;
    /// `TERM` and `NO_COLOR` keep the values the command sets.
    pub fn spawn(mut command: Command) -> Screen {
        for (name, value) in [("TERM", "xterm-256color"), ("NO_COLOR", "1")] {
            if !command.get_envs().any(|(set, _)| set == name) {
                command.env(name, value);
            }
        }
        let mut session = OsSession::spawn(command).expect("spawn");
        session.get_process_mut().set_window_size(COLUMNS, ROWS).expect("size");
        let parser = vt100::Parser::new(
            NonZeroU16::new(ROWS).expect("rows"),
            NonZeroU16::new(COLUMNS).expect("columns"),
            0,
        );
        Screen { session, parser }
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

    /// The screen as it is now.
    pub fn text(&mut self) -> String {
        self.pump();
        self.parser.screen().contents()
    }

    /// Whether the binary has switched the terminal's bracketed paste on
    /// (and not off again).
    pub fn bracketed_paste(&mut self) -> bool {
        self.pump();
        self.parser.screen().bracketed_paste()
    }

    /// The screen with its cells' colours, as it is now.
    pub fn screen(&mut self) -> &vt100::Screen {
        self.pump();
        self.parser.screen()
    }

    /// The screen once it shows `needle`; fails the test after a while.
    pub fn wait_for(&mut self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let text = self.text();
            if text.contains(needle) {
                return text;
            }
            assert!(start.elapsed() < PATIENCE, "waited for {needle:?}; screen:\n{text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `keys`, then leaves the app a moment to handle them.
    pub fn send(&mut self, keys: &str) {
        self.send_now(keys);
        std::thread::sleep(Duration::from_millis(60));
    }

    /// Types `keys` without waiting (a burst).
    pub fn send_now(&mut self, keys: &str) {
        self.session.write_all(keys.as_bytes()).expect("send");
        self.session.flush().expect("flush");
    }

    /// Waits for the binary to exit.
    pub fn wait_exit(&mut self) {
        let start = Instant::now();
        while self.session.get_process().is_alive().unwrap_or(false) {
            self.pump();
            assert!(start.elapsed() < PATIENCE, "the cockpit did not quit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Presses `q` and waits for the binary to exit.
    pub fn quit(&mut self) {
        self.send("q");
        self.wait_exit();
    }

    /// Kills the binary with SIGKILL and waits until it is gone.
    pub fn kill(&mut self) {
        let pid = self.session.get_process().pid().to_string();
        let status = Command::new("kill").args(["-9", &pid]).status().expect("kill");
        assert!(status.success());
        let start = Instant::now();
        while self.session.get_process().is_alive().unwrap_or(false) {
            assert!(start.elapsed() < PATIENCE, "still alive");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
