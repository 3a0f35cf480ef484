//! Keys as data: the README's key tables are the keymap's, no key is bound
//! twice where it applies, and `[keys]` in `config.toml` rebinds keys by
//! action name or stops the cockpit with the line and column of the
//! problem.

use crate::common;
use cockpit::clock::Clock;
use cockpit::domain::Config;
use cockpit::settings::{KeySettings, Place};
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::app::keys::default_keymap;
use cockpit::tui::keymap::readme;
use cockpit::tui::theme::Theme;
use cockpit_core::testkit::Book;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");

#[test]
fn the_readme_key_tables_are_generated_from_the_keymap() {
    let expected = readme::markdown(&default_keymap());
    let text = std::fs::read_to_string(README).expect("README");
    let Some(current) = readme::current_section(&text) else {
        panic!("README.md has no key section between\n{}\nand\n{}", readme::START, readme::END)
    };
    if current != expected {
        if std::env::var_os("UPDATE_README").is_some() {
            let updated = readme::replace_section(&text, &expected).expect("markers");
            std::fs::write(README, updated).expect("write README");
            return;
        }
        panic!(
            "README.md's key tables differ from the keymap. Paste this between the markers \
             (or run with UPDATE_README=1):\n\n{expected}"
        );
    }
}

#[test]
fn no_key_is_bound_twice_where_it_applies() {
    let keymap = default_keymap();
    let conflicts: Vec<String> = keymap.conflicts().iter().map(ToString::to_string).collect();
    assert!(conflicts.is_empty(), "{}", conflicts.join("\n"));
    // Every default key parses (a typo would drop it silently).
    for table in keymap.tables() {
        for (text, _) in table.keys {
            assert!(
                cockpit::tui::keymap::Key::parse(text).is_some(),
                "[keys.{}] {text:?}",
                table.name
            );
        }
    }
}

#[test]
fn help_shows_the_pane_meaning_of_o_and_c() {
    let keymap = default_keymap();
    let key = |text| cockpit::tui::keymap::Key::parse(text).expect("key");
    use cockpit::tui::action::Action;
    assert_eq!(keymap.action("targets", key("o")), Some(Action::EditOwners));
    assert_eq!(keymap.action("targets", key("O")), Some(Action::RecordOpportunity));
    assert_eq!(keymap.action("calendar", key("c")), Some(Action::RecordChurn));
    assert_eq!(keymap.action("calendar", key("C")), Some(Action::NextCsm));
    assert_eq!(keymap.action("book", key("/")), Some(Action::Search));
    assert_eq!(keymap.action("today", key("/")), Some(Action::SearchBook));
}

fn app(path: &Path) -> App {
    let store = Store::open(path).expect("store");
    let today = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("date");
    App::new(store, Clock::fixed(today), Config::default(), "ana", Theme::plain())
        .expect("app")
        .with_db_label("book.db")
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn settings(text: &str) -> KeySettings {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).expect("write");
    let mut settings = cockpit::settings::read_with_keys(&path).expect("settings").keys;
    settings.file = "config.toml".to_string();
    settings
}

fn refused(text: &str) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let path = common::db::three_accounts(dir.path(), Book::new());
    match app(&path).with_keys(&settings(text)) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn a_rebound_key_works_and_the_old_one_is_free() {
    let dir = tempfile::tempdir().expect("dir");
    let path = common::db::three_accounts(dir.path(), Book::new());
    let keys = settings(
        "[keys.global]\nquit = [\"Q\", \"ctrl-c\"]\n[keys.list]\ndown = [\"ctrl-n\", \"down\"]\n",
    );
    let mut app = app(&path).with_keys(&keys).expect("keys");
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.active_title(), "Book");
    let first = app.selected_account();
    app.handle_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL));
    assert_ne!(app.selected_account(), first, "ctrl-n moves down");
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.should_quit(), "q no longer quits");
    press(&mut app, KeyCode::Char('?'));
    let help = common::frame::text(&app, 100, 50);
    assert!(
        help.contains("Q Ctrl-C") && help.contains("Ctrl-N ↓"),
        "help shows the new keys:\n{help}"
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('Q'));
    assert!(app.should_quit());
}

#[test]
fn each_bad_entry_stops_the_cockpit_with_its_line_and_column() {
    let message = refused("mouse = true\n[keys.tragets]\nquit = \"Q\"\n");
    assert!(message.starts_with("config.toml:2:7: [keys.tragets]: no such scope"), "{message}");
    assert!(message.contains("targets"), "the scopes are listed: {message}");
    let message = refused("[keys.targets]\nopen_opportunity = \"O\"\n");
    assert!(
        message.starts_with("config.toml:2:1: [keys.targets]: no action `open_opportunity`"),
        "{message}"
    );
    assert!(message.contains("record_opportunity"), "the actions are listed: {message}");
    let message = refused("[keys.global]\nquit = [\"q\", \"ctrl+c\"]\n");
    assert!(
        message.starts_with("config.toml:2:14: [keys.global] quit: \"ctrl+c\" is not a key"),
        "{message}"
    );
    let message = refused("[keys.targets]\nrecord_opportunity = \"o\"\n");
    assert_eq!(
        message,
        "config.toml:2:22: o is bound twice where [keys.targets] applies: \
         record_opportunity in [keys.targets] and edit_owners in [keys.selection]"
    );
}

#[test]
fn the_settings_hand_the_places_of_keys_over() {
    let keys = settings("[keys.targets]\nrecord_opportunity = \"P\"\n");
    assert_eq!(keys.entries[0].keys[0].place, Place { line: 2, column: 22 });
}

#[test]
fn a_popup_key_is_rebound_and_its_footer_says_so() {
    let dir = tempfile::tempdir().expect("dir");
    let path = common::db::three_accounts(dir.path(), Book::new());
    let keys = settings("[keys.note]\nsave = \"ctrl-s\"\n");
    let mut app = app(&path).with_keys(&keys).expect("keys");
    press(&mut app, KeyCode::Char('2'));
    let id = app.selected_account().expect("a selected account");
    press(&mut app, KeyCode::Char('n'));
    for c in "renewal call".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let text = common::frame::text(&app, 100, 30);
    assert!(text.contains("Tab kind · Ctrl-S save · Esc cancel"), "{text}");
    press(&mut app, KeyCode::Enter);
    assert!(app.popup().is_some(), "Enter no longer saves");
    app.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(app.popup().is_none(), "Ctrl-s saves");
    let notes = app.store().account_notes(&id).expect("notes");
    assert!(notes.iter().any(|n| n.text == "renewal call"), "{notes:?}");
}

/// The real binary in a terminal: a `[keys]` entry it cannot use stops it
/// before the screen opens, with the place of the problem.
#[test]
fn the_cockpit_refuses_to_start_on_a_bad_key_and_says_where() {
    let dir = tempfile::tempdir().expect("dir");
    let db = common::db::three_accounts(dir.path(), Book::new());
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[keys.global]\nquit = \"ctrl+q\"\n").expect("config");
    let mut command = common::pty::cockpit(&db);
    command.env("COCKPIT_CONFIG", &config);
    let mut screen = common::pty::Screen::spawn(command);
    let text = screen.wait_for("is not a key");
    assert!(
        text.contains("config.toml:2:8: [keys.global] quit: \"ctrl+q\" is not a key"),
        "{text}"
    );
    screen.wait_exit();
}

#[test]
fn texts_that_name_a_key_name_the_rebound_one() {
    let dir = tempfile::tempdir().expect("dir");
    let path = common::db::three_accounts(dir.path(), Book::new());
    let keys = settings(
        "[keys.calendar]\ndown = \"ctrl-j\"\nup = \"ctrl-p\"\n[keys.global]\njump = \":\"\n",
    );
    let mut app = app(&path).with_keys(&keys).expect("keys");
    press(&mut app, KeyCode::Char('6'));
    assert_eq!(app.active_title(), "Calendar");
    let calendar = common::frame::text(&app, 120, 40);
    assert!(calendar.contains("Ctrl-J/Ctrl-P rows"), "the agenda names the new keys:\n{calendar}");
    press(&mut app, KeyCode::Char('3'));
    let account = common::frame::text(&app, 120, 40);
    assert!(account.contains("or : to jump"), "the account names the jump key:\n{account}");
    assert!(!account.contains("Ctrl-K"), "{account}");
}
