//! The People section driven headless on the fixed book of `app.rs`: two
//! people added through the form, the sponsor marked as left (a sponsor
//! change: Today's reason, the note and the started playbook), undone from
//! Today and marked again; the section rendered at 80×24 and 160×48, and the
//! Calendar's agenda with each renewal's champion and sponsor markers.

use crate::app::fixture;
use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::Config;
use cockpit::domain::contact::{Contact, ContactChange, ContactRole};
use cockpit::store::Store;
use cockpit::tui::action::Action;
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
fn app(path: &Path) -> App {
    let mut store = Store::open(path).expect("store");
    let config = Config::default();
    store.set_playbooks(config.playbooks.clone());
    App::new(store, Clock::fixed(today()), config, "ana", Theme::plain())
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

/// Jumps to an account by name (the Account view opens on Overview).
fn open(app: &mut App, name: &str) {
    app.handle_key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL));
    chars(app, name);
    key(app, KeyCode::Enter);
}

fn people(path: &Path, account: &str) -> Vec<Contact> {
    Store::open(path).expect("store").account_contacts(account).expect("contacts")
}

fn task_titles(path: &Path, account: &str) -> Vec<String> {
    let store = Store::open(path).expect("store");
    store.account_tasks(account).expect("tasks").into_iter().map(|t| t.title).collect()
}

/// Adds a person through the form: name, role by its first letter, email, title.
fn add(app: &mut App, name: &str, role: char, email: &str, title: &str) {
    chars(app, "a");
    chars(app, name);
    key(app, KeyCode::Tab);
    chars(app, &role.to_string());
    key(app, KeyCode::Tab);
    chars(app, email);
    key(app, KeyCode::Tab);
    chars(app, title);
    key(app, KeyCode::Enter);
}

#[test]
fn people_added_and_a_sponsor_leaving_is_a_sponsor_change_that_undo_takes_back() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path);
    open(&mut app, "umbrella");
    add(&mut app, "Dana Reyes", 'e', "dana@umbrella.com", "COO");
    add(&mut app, "Ana Diaz", 'c', "ana@umbrella", "VP Ops");
    // A bad email keeps the form open and says why.
    let text = screen(&app, 120, 30);
    assert!(text.contains("email: \"ana@umbrella\" is not an email address"), "{text}");
    chars(&mut app, ".com");
    key(&mut app, KeyCode::Enter);
    let names: Vec<String> = people(&path, "A4").into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["Ana Diaz", "Dana Reyes"]);
    let text = screen(&app, 120, 30);
    assert!(text.contains("People 2") && text.contains("no decision maker"), "{text}");
    // The sponsor is second (champion first); L, Enter: left today.
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('W'));
    key(&mut app, KeyCode::Enter);
    let dana = people(&path, "A4").into_iter().find(|c| c.name == "Dana Reyes").expect("Dana");
    assert_eq!(dana.left_on, Some(today()));
    assert_eq!(task_titles(&path, "A4"), ["Sponsor change"]);
    let text = screen(&app, 120, 30);
    assert!(text.contains("left 2025-06-01") && text.contains("no executive sponsor"), "{text}");
    // Today says why: the sponsor change suggests orange.
    key(&mut app, KeyCode::Char('1'));
    let today_screen = screen(&app, 320, 40);
    let said =
        "sponsor change on 2025-06-01: Dana Reyes (executive sponsor, COO) left on 2025-06-01";
    assert!(today_screen.contains(said), "{today_screen}");
    // Undo: Dana is back, the note and the untouched playbook go.
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(people(&path, "A4").iter().filter(|c| c.left_on.is_some()).count(), 0);
    assert!(task_titles(&path, "A4").is_empty());
    assert!(!screen(&app, 320, 40).contains(said));
}

#[test]
fn snapshots_of_the_people_section() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    {
        let store = Store::open(&path).expect("store");
        let at = today().and_hms_opt(9, 0, 0).expect("t").and_utc();
        let person = |name: &str, role, email: &str, title: &str| Contact {
            account_id: "A4".into(),
            name: name.into(),
            email: email.into(),
            role,
            title: title.into(),
            left_on: None,
            since: None,
        };
        // Ana has been the champion since April 2023: People shows the day.
        let ana = Contact {
            since: chrono::NaiveDate::from_ymd_opt(2023, 4, 1),
            ..person("Ana Diaz", ContactRole::Champion, "ana@umbrella.com", "VP Operations")
        };
        for contact in [
            ana,
            person("Dana Reyes", ContactRole::ExecutiveSponsor, "dana@umbrella.com", "COO"),
            person("Eli Park", ContactRole::ExecutiveSponsor, "", "CFO"),
            person("Bo Li", ContactRole::Billing, "ap@umbrella.com", "Accounts payable"),
        ] {
            store
                .change_contact("A4", &ContactChange::Add(contact), today(), "ana", at)
                .expect("add");
        }
        let left = ContactChange::Left { name: "Eli Park".into(), on: today() };
        store.change_contact("A4", &left, today(), "ana", at).expect("left");
    }
    for (width, height) in [(80_u16, 24_u16), (160, 48)] {
        let mut app = app(&path);
        app.resize(width, height);
        open(&mut app, "umbrella");
        // Section by section to People, however many the width shows.
        for _ in 0..12 {
            if screen(&app, width, height).contains("Ana Diaz") {
                break;
            }
            key(&mut app, KeyCode::Char('l'));
        }
        let text = screen(&app, width, height);
        assert!(text.contains("Ana Diaz"), "People is shown at {width}x{height}:\n{text}");
        insta::assert_snapshot!(format!("people_{width}x{height}"), text);
        key(&mut app, KeyCode::Char('a'));
        insta::assert_snapshot!(
            format!("people_form_{width}x{height}"),
            screen(&app, width, height)
        );
    }
}

#[test]
fn the_calendar_marks_each_renewal_with_its_champion_and_sponsor() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    {
        let store = Store::open(&path).expect("store");
        let at = today().and_hms_opt(9, 0, 0).expect("t").and_utc();
        let add = |account: &str, name: &str, role| {
            let contact = Contact {
                account_id: account.into(),
                name: name.into(),
                email: String::new(),
                role,
                title: String::new(),
                left_on: None,
                since: None,
            };
            store.change_contact(account, &ContactChange::Add(contact), today(), "ana", at)
        };
        // Acme: both; Globex: a champion only.
        add("A1", "Ana", ContactRole::Champion).expect("add");
        add("A1", "Bo", ContactRole::ExecutiveSponsor).expect("add");
        add("A2", "Cy", ContactRole::Champion).expect("add");
    }
    for (width, height) in [(80_u16, 24_u16), (160, 48)] {
        let mut app = app(&path);
        app.resize(width, height);
        let index = app
            .pane_scopes()
            .iter()
            .position(|(scope, _)| *scope == "calendar")
            .expect("the calendar pane");
        app.update(Action::GoToPane(index));
        // The whole book, June's agenda (span: month); then August's.
        chars(&mut app, "mv");
        let june = screen(&app, width, height);
        assert!(june.contains("CS Acme Corp"), "{june}");
        insta::assert_snapshot!(format!("calendar_people_{width}x{height}"), june);
        chars(&mut app, "]]");
        let august = screen(&app, width, height);
        assert!(august.contains("C· Globex"), "{august}");
    }
}
