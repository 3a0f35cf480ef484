//! The conventions of a well-kept command-line tool: completions and a man
//! page generated from the parser, `--version` and help on every command and
//! flag, and (in the cockpit) copying and mouse settings.

use crate::common;

use clap::CommandFactory;
use cockpit::cli::Cli;
use std::process::{Command, Output};

fn cockpit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .args(args)
        .env_remove("COCKPIT_DB")
        .env_remove("COCKPIT_CONFIG")
        .output()
        .expect("run cockpit")
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).expect("utf-8")
}

/// Every subcommand's full name ("metrics retention"), depth first.
fn subcommand_paths() -> Vec<Vec<String>> {
    fn walk(command: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
        for sub in command.get_subcommands() {
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_string());
            out.push(path.clone());
            walk(sub, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), &[], &mut out);
    out
}

#[test]
fn every_argument_of_every_command_says_what_it_is_for() {
    fn walk(command: &clap::Command, name: &str, missing: &mut Vec<String>) {
        if command.get_about().is_none() && command.get_long_about().is_none() {
            missing.push(format!("{name} (the command itself)"));
        }
        for arg in command.get_arguments() {
            if arg.is_hide_set() || ["help", "version"].contains(&arg.get_id().as_str()) {
                continue;
            }
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("{name} {}", arg.get_id()));
            }
        }
        for sub in command.get_subcommands() {
            walk(sub, &format!("{name} {}", sub.get_name()), missing);
        }
    }
    let mut command = Cli::command();
    command.build();
    let mut missing = Vec::new();
    walk(&command, "cockpit", &mut missing);
    assert!(missing.is_empty(), "arguments without help: {missing:#?}");
}

#[test]
fn every_subcommand_answers_version() {
    let version = format!("cockpit {}\n", env!("CARGO_PKG_VERSION"));
    assert_eq!(stdout(&cockpit(&["--version"])), version);
    for path in subcommand_paths() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--version");
        let output = cockpit(&args);
        let text = stdout(&output);
        assert!(text.starts_with("cockpit"), "{path:?}: {text}");
        assert!(text.trim_end().ends_with(env!("CARGO_PKG_VERSION")), "{path:?}: {text}");
    }
}

fn shell_script(shell: &str) -> String {
    let text = stdout(&cockpit(&["completions", shell]));
    for top in Cli::command().get_subcommands() {
        assert!(text.contains(top.get_name()), "{shell}: no {}", top.get_name());
    }
    text
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `program args… FILE` on `text` written to a temporary file.
fn check_with(program: &str, args: &[&str], text: &str, name: &str) -> Output {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    Command::new(program).args(args).arg(&path).output().expect("run checker")
}

#[test]
fn bash_completions_parse_and_complete_subcommands() {
    let text = shell_script("bash");
    assert!(text.contains("complete -F"), "{text}");
    if have("bash") {
        let checked = check_with("bash", &["-n"], &text, "cockpit.bash");
        assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
        // Sourced for real: asking for completions of `cockpit ren` offers `renewals`.
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("cockpit.bash");
        std::fs::write(&path, &text).expect("write");
        let probe = format!(
            "source '{}'; COMP_WORDS=(cockpit ren); COMP_CWORD=1; COMP_LINE='cockpit ren'; \
             COMP_POINT=${{#COMP_LINE}}; _cockpit cockpit ren cockpit; echo \"${{COMPREPLY[@]}}\"",
            path.display()
        );
        let run = Command::new("bash").args(["-c", &probe]).output().expect("bash");
        let offered = String::from_utf8_lossy(&run.stdout);
        assert!(offered.split_whitespace().any(|w| w == "renewals"), "{offered:?} {run:?}");
    }
}

#[test]
fn zsh_fish_and_powershell_completions_name_every_subcommand() {
    let zsh = shell_script("zsh");
    assert!(zsh.starts_with("#compdef cockpit"), "{}", &zsh[..80]);
    if have("zsh") {
        let checked = check_with("zsh", &["-n"], &zsh, "_cockpit");
        assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    }
    let fish = shell_script("fish");
    assert!(fish.contains("complete -c cockpit"), "{fish}");
    if have("fish") {
        let checked = check_with("fish", &["--no-execute"], &fish, "cockpit.fish");
        assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    }
    let powershell = shell_script("powershell");
    assert!(powershell.contains("Register-ArgumentCompleter"), "{powershell}");
}

#[test]
fn an_unknown_shell_is_refused_with_the_choices() {
    let output = cockpit(&["completions", "tcsh"]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("bash") && error.contains("powershell"), "{error}");
}

#[test]
fn the_man_page_covers_every_subcommand_and_renders() {
    let page = stdout(&cockpit(&["man"]));
    assert!(page.contains(".TH cockpit 1"), "{}", &page[..200]);
    for path in subcommand_paths() {
        let title = format!(".TH cockpit-{} 1", path.join("-"));
        assert!(page.contains(&title), "no page {title}");
    }
    if have("man") {
        let rendered = check_with("man", &["-l", "-P", "cat"], &page, "cockpit.1");
        let text = String::from_utf8_lossy(&rendered.stdout);
        assert!(rendered.status.success(), "{}", String::from_utf8_lossy(&rendered.stderr));
        for path in subcommand_paths() {
            assert!(text.contains(&format!("cockpit-{}", path.join("-"))), "{path:?} not rendered");
        }
        assert!(text.contains("COCKPIT_DB"), "{text}");
    }
}

mod copy_and_mouse {
    use super::common;
    use chrono::NaiveDate;
    use cockpit::clock::Clock;
    use cockpit::domain::Config;
    use cockpit::store::Store;
    use cockpit::tui::app::App;
    use cockpit::tui::theme::Theme;
    use cockpit_core::testkit::Book;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use std::path::Path;

    fn app(path: &Path, config: Config) -> App {
        let store = Store::open(path).expect("store");
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("date");
        App::new(store, Clock::fixed(today), config, "ana", Theme::plain()).expect("app")
    }

    fn key(app: &mut App, code: KeyCode) {
        app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
    }

    /// Acme (overdue for a touch, renewing soon) and Globex for ana; an
    /// opportunity gap on Acme so the Targets list has rows.
    fn book(dir: &Path) -> std::path::PathBuf {
        let book = Book::new()
            .accounts(
                "id, name,      csm, stage,    potential_units, health, health_since, arr,    units, last_touch
                 A1, Acme Corp, ana, adoption, 100,             green,  2025-05-01,   120000, 10,    2024-01-01
                 A2, Globex,    ana, adoption, ,                green,  2025-05-01,   60000,  10,    2025-05-20
                 A3, Initech,   bo,  adoption, ,                ,       ,             25000,  5,     ",
            )
            .contracts(
                "contract_id, account_id, product, start_date, end_date,   arr,    units, billing
                 C1,          A1,         Core,    2024-07-01, 2025-06-30, 120000, 10,    annual",
            );
        common::db::create(dir, &book)
    }

    #[test]
    fn y_copies_the_selected_accounts_name_and_id_in_every_pane_that_has_one() {
        let dir = tempfile::tempdir().expect("dir");
        let path = book(dir.path());
        let mut app = app(&path, Config::default());
        let mut copied_in = Vec::new();
        for (index, (_, title)) in app.pane_scopes().into_iter().enumerate() {
            let Some(digit) = char::from_digit(u32::try_from(index + 1).expect("index"), 10) else {
                continue;
            };
            key(&mut app, KeyCode::Char(digit));
            if title == "Account" {
                // The account view shows the account last opened.
                key(&mut app, KeyCode::Char('2'));
                key(&mut app, KeyCode::Enter);
            }
            let Some(id) = app.selected_account() else { continue };
            let name = app.book().by_id(&id).map(|row| row.name.clone()).expect("row");
            key(&mut app, KeyCode::Char('y'));
            let expected = format!("{name} ({id})");
            assert_eq!(app.take_clipboard().as_deref(), Some(expected.as_str()), "{title}");
            let status = app.status().map(|s| s.text.clone()).unwrap_or_default();
            assert_eq!(status, format!("copied to the clipboard: {expected}"), "{title}");
            copied_in.push(app.active_title());
        }
        for title in ["Today", "Book", "Account", "Targets"] {
            assert!(copied_in.contains(&title), "nothing copied in {title}: {copied_in:?}");
        }
    }

    #[test]
    fn with_clipboard_off_nothing_is_copied_and_the_status_says_why() {
        let dir = tempfile::tempdir().expect("dir");
        let path = book(dir.path());
        let mut app = app(&path, Config { clipboard: false, ..Config::default() });
        key(&mut app, KeyCode::Char('2'));
        key(&mut app, KeyCode::Char('y'));
        assert_eq!(app.take_clipboard(), None);
        let status = app.status().map(|s| s.text.clone()).unwrap_or_default();
        assert!(status.contains("clipboard = true"), "{status}");
    }

    #[test]
    fn y_is_listed_in_the_help() {
        let dir = tempfile::tempdir().expect("dir");
        let path = book(dir.path());
        let mut app = app(&path, Config::default());
        key(&mut app, KeyCode::Char('2'));
        key(&mut app, KeyCode::Char('?'));
        let help = common::frame::text(&app, 100, 50);
        assert!(help.contains("copy name and id"), "{help}");
    }
}

/// The real binary in a pseudo-terminal, its raw output kept: what it asks
/// of the terminal (mouse capture, the clipboard) is in the bytes, not on
/// the screen.
mod raw_terminal {
    use cockpit_core::testkit::Book;
    use expectrl::session::OsSession;
    use std::io::{Read, Write};
    use std::path::Path;
    use std::time::{Duration, Instant};

    const MOUSE_ON: &str = "\x1b[?1000h";

    struct Raw {
        session: OsSession,
        bytes: Vec<u8>,
        screen: vt100::Parser,
    }

    impl Raw {
        fn open(db: &Path, config: &Path) -> Raw {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cockpit"));
            command
                .arg("--db")
                .arg(db)
                .env("COCKPIT_TODAY", "2025-06-01")
                .env("COCKPIT_USER", "ana")
                .env("COCKPIT_CONFIG", config)
                .env("TERM", "xterm-256color")
                .env("NO_COLOR", "1");
            let mut session = OsSession::spawn(command).expect("spawn");
            session.get_process_mut().set_window_size(100, 30).expect("size");
            let screen = vt100::Parser::new(
                std::num::NonZeroU16::new(30).expect("rows"),
                std::num::NonZeroU16::new(100).expect("columns"),
                0,
            );
            Raw { session, bytes: Vec::new(), screen }
        }

        fn text(&mut self) -> String {
            let mut buffer = [0_u8; 8192];
            while let Ok(n) = self.session.try_read(&mut buffer) {
                if n == 0 {
                    break;
                }
                self.bytes.extend_from_slice(&buffer[..n]);
                self.screen.process(&buffer[..n]);
            }
            String::from_utf8_lossy(&self.bytes).into_owned()
        }

        /// Waits until the raw output holds `needle`, or the screen shows
        /// it; returns the raw output.
        fn wait_for(&mut self, needle: &str) -> String {
            let start = Instant::now();
            loop {
                let text = self.text();
                if text.contains(needle) || self.screen.screen().contents().contains(needle) {
                    return text;
                }
                assert!(
                    start.elapsed() < Duration::from_secs(20),
                    "waited for {needle:?}; screen:\n{}\nraw: {text:?}",
                    self.screen.screen().contents()
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }

        fn send(&mut self, keys: &str) {
            self.session.write_all(keys.as_bytes()).expect("send");
            self.session.flush().expect("flush");
        }

        fn quit(&mut self) {
            self.send("q");
            let start = Instant::now();
            while self.session.get_process().is_alive().unwrap_or(false) {
                let _ = self.text();
                assert!(start.elapsed() < Duration::from_secs(20), "did not quit");
                std::thread::sleep(Duration::from_millis(20));
            }
            let mut rest = Vec::new();
            let _ = self.session.read_to_end(&mut rest);
            self.bytes.extend_from_slice(&rest);
        }
    }

    fn setup(settings: &str) -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("dir");
        let db = super::common::db::three_accounts(dir.path(), Book::new());
        let config = dir.path().join("config.toml");
        std::fs::write(&config, settings).expect("config");
        (dir, db, config)
    }

    #[test]
    fn y_sends_the_account_to_the_clipboard_through_the_terminal() {
        let (_dir, db, config) = setup("");
        let mut raw = Raw::open(&db, &config);
        raw.wait_for("rows for ana");
        raw.send("2");
        raw.wait_for("Initech");
        raw.send("y");
        // "Acme Corp (A1)" in base64.
        let text = raw.wait_for("\x1b]52;c;QWNtZSBDb3JwIChBMSk=\x07");
        assert!(text.contains(MOUSE_ON), "mouse capture is on by default");
        raw.wait_for("copied to the clipboard: Acme Corp (A1)");
        raw.quit();
    }

    #[test]
    fn mouse_false_leaves_the_mouse_to_the_terminal_and_clipboard_false_sends_nothing() {
        let (_dir, db, config) = setup("mouse = false\nclipboard = false\n");
        let mut raw = Raw::open(&db, &config);
        raw.wait_for("rows for ana");
        raw.send("2");
        raw.wait_for("Initech");
        raw.send("y");
        raw.wait_for("copying is off");
        raw.quit();
        let text = raw.text();
        assert!(!text.contains(MOUSE_ON) && !text.contains("\x1b[?1003h"), "mouse captured");
        assert!(!text.contains("\x1b]52;"), "copied although clipboard = false");
        assert!(text.contains("\x1b[?2004h"), "bracketed paste stays on");
    }
}
