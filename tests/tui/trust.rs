//! What the cockpit lets in and what it notices, driven headless and as
//! the real binary in a pty: a paste is text in the focused field (whole,
//! line breaks kept in a note, refused by a one-line field, never read as
//! keys; a megabyte within a frame or two), and a cockpit shows what another
//! cockpit or an import committed without a key press.

use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::{Config, Health};
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use cockpit_core::testkit::Book;
use common::frame::text as screen;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;
use std::time::{Duration, Instant};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
}

fn app(path: &Path) -> App {
    let store = Store::open(path).expect("store");
    App::new(store, Clock::fixed(today()), Config::default(), "ana", Theme::plain())
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

fn paste(app: &mut App, text: &str) {
    app.handle_event(&Event::Paste(text.to_string()));
}

fn status(app: &App) -> String {
    app.status().map(|s| s.text.clone()).unwrap_or_default()
}

/// The book on the Book pane with Acme Corp (the largest) selected.
fn on_the_book(dir: &Path) -> App {
    let path = common::db::three_accounts(dir, Book::new());
    let mut app = app(&path);
    key(&mut app, KeyCode::Char('2'));
    assert_eq!(app.active_title(), "Book");
    assert_eq!(app.selected_account().as_deref(), Some("A1"));
    app
}

#[test]
fn a_pasted_note_keeps_its_lines_and_runs_no_keys() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = on_the_book(dir.path());
    key(&mut app, KeyCode::Char('n'));
    assert!(app.popup().is_some());
    paste(&mut app, "Call went well\r\nq\n2 more seats\n3\nq");
    assert!(!app.should_quit(), "a pasted q is text");
    assert!(app.popup().is_some(), "the popup stays open");
    assert_eq!(app.active_title(), "Book");
    let drawn = screen(&app, 100, 30);
    assert!(drawn.contains("Call went well⏎q⏎2 more seats⏎3⏎q"), "{drawn}");
    key(&mut app, KeyCode::Enter);
    assert!(app.popup().is_none());
    let notes = app.store().account_notes("A1").expect("notes");
    assert_eq!(notes[0].text, "Call went well\nq\n2 more seats\n3\nq");
}

#[test]
fn a_one_line_field_refuses_several_lines_and_keeps_its_text() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = on_the_book(dir.path());
    key(&mut app, KeyCode::Char('H'));
    paste(&mut app, "r");
    assert!(status(&app).contains("pick a colour first"), "{}", status(&app));
    key(&mut app, KeyCode::Char('r'));
    chars(&mut app, "champion ");
    paste(&mut app, "left\nq\n1");
    assert!(status(&app).contains("takes one line"), "{}", status(&app));
    assert!(app.status().is_some_and(|s| s.error));
    assert!(!app.should_quit());
    // A copied line with its line break is one line.
    paste(&mut app, "left\n");
    key(&mut app, KeyCode::Enter);
    assert!(app.popup().is_none());
    let history = app.store().health_history("A1").expect("history");
    assert_eq!((history[0].health, history[0].reason.as_str()), (Health::Red, "champion left"));
}

#[test]
fn the_search_the_jump_and_the_owners_take_a_paste() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = on_the_book(dir.path());
    key(&mut app, KeyCode::Char('/'));
    paste(&mut app, "glob");
    assert_eq!(app.book().visible().len(), 1);
    assert_eq!(app.selected_account().as_deref(), Some("A2"));
    key(&mut app, KeyCode::Enter);
    app.handle_key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL));
    paste(&mut app, "initech");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.selected_account().as_deref(), Some("A3"));
    key(&mut app, KeyCode::Char('o'));
    key(&mut app, KeyCode::Tab);
    paste(&mut app, "dee\nq");
    assert!(status(&app).contains("takes one line"), "{}", status(&app));
    paste(&mut app, "dee");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.book().by_id("A3").map(|r| r.am.as_str()), Some("dee"));
}

#[test]
fn a_growth_form_takes_a_line_and_a_choice_takes_none() {
    let dir = tempfile::tempdir().expect("dir");
    let path = common::db::three_accounts(
        dir.path(),
        Book::new()
            .contracts(
                "contract_id, account_id, product, start_date, end_date,   arr,    units, billing
                 C1,          A1,         Core,    2025-01-01, 2025-12-31, 120000, 10,    annual",
            )
            .snapshots(
                "account_id, month,   product, arr,    units
                 A1,         2025-01, Core,    120000, 10",
            ),
    );
    let mut app = app(&path);
    app.open_account("A1");
    key(&mut app, KeyCode::Char('U'));
    for _ in 0..4 {
        key(&mut app, KeyCode::Backspace);
    }
    paste(&mut app, "1\n2");
    assert!(status(&app).contains("takes one line"), "{}", status(&app));
    paste(&mut app, "120");
    key(&mut app, KeyCode::Enter);
    let lines = app.store().product_lines("A1").expect("lines");
    assert_eq!(lines[0].potential_units, Some(120));
}

#[test]
fn the_churn_chain_editor_takes_a_line_into_its_picker() {
    let dir = tempfile::tempdir().expect("dir");
    let path = common::db::three_accounts(dir.path(), Book::new());
    let mut app = app(&path);
    app.open_account("A1");
    key(&mut app, KeyCode::Char('c'));
    assert_eq!(app.active_title(), "Churn");
    paste(&mut app, "their CFO\nhated us");
    assert!(status(&app).contains("takes one line"), "{}", status(&app));
    paste(&mut app, "their CFO hated us q");
    app.handle_key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    assert!(!app.should_quit());
    let chains = app.store().churn_chains_for_account("A1").expect("chains");
    assert_eq!(chains[0].sentence(), "Churned, due to their CFO hated us q");
}

#[test]
fn a_paste_with_no_field_open_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let path = common::db::three_accounts(dir.path(), Book::new());
    let mut app = app(&path);
    let title = app.active_title();
    let before = common::db::dump(&path);
    paste(&mut app, "q2H\rr\n");
    assert!(!app.should_quit());
    assert_eq!(app.active_title(), title);
    assert!(app.popup().is_none());
    assert!(status(&app).contains("nothing pasted"), "{}", status(&app));
    // Help and a pending confirmation take no paste either: a pasted `y`
    // never confirms.
    key(&mut app, KeyCode::Char('?'));
    paste(&mut app, "y");
    assert!(app.popup().is_some(), "help stays open");
    assert_eq!(common::db::dump(&path), before);
}

#[test]
fn a_megabyte_paste_is_handled_within_a_frame_or_two() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = on_the_book(dir.path());
    key(&mut app, KeyCode::Char('n'));
    let line = format!("{}\n", "x".repeat(79));
    let text: String = line.repeat((1 << 20) / line.len());
    let started = Instant::now();
    paste(&mut app, &text);
    let first = screen(&app, 100, 30);
    let _second = screen(&app, 100, 30);
    let took = started.elapsed();
    eprintln!("1 MB paste and two frames: {took:?}");
    assert!(took < Duration::from_millis(250), "{took:?}");
    assert!(first.contains("xxx⏎"), "{first}");
    key(&mut app, KeyCode::Enter);
    let notes = app.store().account_notes("A1").expect("notes");
    assert_eq!(notes[0].text, text.trim());
    // A megabyte on one line, into a one-line field and into the search.
    let line = "y".repeat(1 << 20);
    key(&mut app, KeyCode::Char('H'));
    key(&mut app, KeyCode::Char('r'));
    let started = Instant::now();
    paste(&mut app, &line);
    let drawn = screen(&app, 100, 30);
    let _second = screen(&app, 100, 30);
    let took = started.elapsed();
    eprintln!("1 MB one-line paste and two frames: {took:?}");
    assert!(took < Duration::from_millis(250), "{took:?}");
    assert!(drawn.contains("yyyy"), "{drawn}");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('/'));
    let started = Instant::now();
    paste(&mut app, &line);
    let _drawn = screen(&app, 100, 30);
    let took = started.elapsed();
    eprintln!("1 MB search paste and a frame: {took:?}");
    assert!(took < Duration::from_millis(250), "{took:?}");
    assert_eq!(app.book().visible().len(), 0);
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 48, ..Default::default() })]

    /// Whatever is pasted into a note (keys' letters, digits, line breaks,
    /// controls, right to left) is kept as text, exactly, and runs no key.
    #[test]
    fn any_pasted_note_is_stored_exactly(text in "[a-zA-Z0-9 q?:/\\n\\r\\t\\x1b\\u{7f}\\u{85}\\u{202e}é中]{1,200}") {
        let dir = tempfile::tempdir().expect("dir");
        let mut app = on_the_book(dir.path());
        key(&mut app, KeyCode::Char('n'));
        paste(&mut app, &text);
        let _ = screen(&app, 80, 24);
        proptest::prop_assert!(!app.should_quit());
        proptest::prop_assert_eq!(app.active_title(), "Book");
        key(&mut app, KeyCode::Enter);
        let expected = text.replace("\r\n", "\n").replace('\r', "\n");
        let notes = app.store().account_notes("A1").expect("notes");
        if expected.trim().is_empty() {
            proptest::prop_assert!(notes.is_empty());
        } else {
            proptest::prop_assert_eq!(notes[0].text.as_str(), expected.trim());
        }
    }
}

/// Waits (as the event loop does, between keys) for the reload that an
/// outside change started.
fn take_in_reload(app: &mut App) {
    let started = Instant::now();
    while app.loading() {
        app.poll_background();
        assert!(started.elapsed() < Duration::from_secs(10), "the reload never came");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn another_cockpits_health_change_shows_whole_after_one_check() {
    let dir = tempfile::tempdir().expect("dir");
    let path = common::db::three_accounts(dir.path(), Book::new());
    let mut a = app(&path);
    take_in_reload(&mut a);
    a.open_account("A1");
    assert!(screen(&a, 100, 30).contains("[G] green"));
    assert!(!a.check_outside_changes(), "nothing changed yet");
    let b = Store::open(&path).expect("b");
    b.set_health("A1", Health::Red, "exec sponsor left", "bo", chrono::Utc::now()).expect("b");
    assert!(a.check_outside_changes(), "the commit is noticed");
    take_in_reload(&mut a);
    assert_eq!(a.book().by_id("A1").and_then(|r| r.health), Some(Health::Red));
    let drawn = screen(&a, 100, 30);
    assert!(drawn.contains("[R] red"), "the colour is the new one: {drawn}");
    assert!(!drawn.contains("[G] green"), "no old colour beside the new reason: {drawn}");
    assert!(drawn.contains("exec sponsor left"), "{drawn}");
    assert!(!a.check_outside_changes(), "seen once");
}

#[test]
fn a_cockpit_alone_never_sees_its_own_reads_or_writes_as_outside_changes() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = on_the_book(dir.path());
    // Every pane read (some on connections of their own), and a write.
    for pane in '1'..='8' {
        key(&mut app, KeyCode::Char(pane));
        app.settle_background();
    }
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('H'));
    chars(&mut app, "rchampion left");
    key(&mut app, KeyCode::Enter);
    assert!(status(&app).contains("saved:"), "{}", status(&app));
    assert!(!app.check_outside_changes(), "no reload for its own work");
    assert!(!app.loading());
}

#[test]
fn an_outside_change_waits_for_the_open_form() {
    let dir = tempfile::tempdir().expect("dir");
    let mut a = on_the_book(dir.path());
    key(&mut a, KeyCode::Char('n'));
    chars(&mut a, "half typed");
    let b = Store::open(a.store().path()).expect("b");
    b.set_health("A1", Health::Red, "exec sponsor left", "bo", chrono::Utc::now()).expect("b");
    assert!(a.check_outside_changes());
    take_in_reload(&mut a);
    assert_eq!(a.book().by_id("A1").and_then(|r| r.health), Some(Health::Red));
    assert!(screen(&a, 100, 30).contains("half typed"), "the form keeps its text");
    key(&mut a, KeyCode::Enter);
    let notes = a.store().account_notes("A1").expect("notes");
    assert_eq!(notes[0].text, "half typed");
}

#[cfg(unix)]
mod pty {
    use super::*;
    use crate::common::pty::{Screen, cockpit};

    #[test]
    fn a_bracketed_paste_of_a_note_is_saved_whole_and_runs_no_keys() {
        let dir = tempfile::tempdir().expect("dir");
        let db = common::db::three_accounts(dir.path(), Book::new());
        let mut screen = Screen::open(&db);
        screen.wait_for("Today");
        screen.send("2");
        screen.wait_for("Book of business");
        assert!(screen.bracketed_paste(), "the cockpit asks for pastes as text");
        screen.send("n");
        screen.wait_for("Log a touch or note");
        screen.send("\x1b[200~Renewal call\nq\n12 seats at 2 each\r\n3\x1b[201~");
        let text = screen.wait_for("Renewal call⏎q⏎12 seats at 2 each⏎3");
        assert!(text.contains("Log a touch or note"), "{text}");
        screen.send("\r");
        let text = screen.wait_for("saved:");
        assert!(text.contains("Book of business"), "still on the Book: {text}");
        screen.quit();
        assert!(!screen.bracketed_paste(), "and gives the terminal back as it was");
        let store = Store::open(&db).expect("reopen");
        let notes = store.account_notes("A1").expect("notes");
        assert_eq!(notes[0].text, "Renewal call\nq\n12 seats at 2 each\n3");
    }

    #[test]
    fn a_megabyte_pasted_into_the_real_terminal_is_one_edit() {
        let dir = tempfile::tempdir().expect("dir");
        let db = common::db::three_accounts(dir.path(), Book::new());
        let mut screen = Screen::open(&db);
        screen.wait_for("Today");
        screen.send("2");
        screen.wait_for("Book of business");
        screen.send("n");
        screen.wait_for("Log a touch or note");
        let line = format!("{}\n", "x".repeat(79));
        let body = line.repeat((1 << 20) / line.len());
        let started = Instant::now();
        let paste = format!("\x1b[200~{body}the end\x1b[201~");
        screen.send_now(&paste);
        screen.wait_for("xxx⏎the end");
        let took = started.elapsed();
        eprintln!("1 MB through the terminal, on screen after {took:?}");
        assert!(took < Duration::from_secs(3), "{took:?}");
        screen.send("\r");
        screen.wait_for("saved:");
        screen.quit();
        let store = Store::open(&db).expect("reopen");
        let notes = store.account_notes("A1").expect("notes");
        assert_eq!(notes[0].text, format!("{body}the end"));
    }

    /// Waits for `needle` on `screen` without a key press; how long it took.
    fn shows_within(screen: &mut Screen, needle: &str, limit: Duration) -> Duration {
        let started = Instant::now();
        loop {
            let text = screen.text();
            if text.contains(needle) {
                return started.elapsed();
            }
            assert!(started.elapsed() < limit, "waited for {needle:?}; screen:\n{text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn two_cockpits_see_each_others_health_and_an_import() {
        let dir = tempfile::tempdir().expect("dir");
        let db = common::db::three_accounts(dir.path(), Book::new());
        let mut a = Screen::open(&db);
        a.wait_for("Today");
        a.send("2");
        a.wait_for("Book of business");
        a.send("\r");
        let text = a.wait_for("Health history");
        assert!(text.contains("[G] green"), "{text}");

        let mut b = Screen::open(&db);
        b.wait_for("Today");
        b.send("2");
        b.wait_for("Book of business");
        b.send("H");
        b.wait_for("Pick a colour");
        b.send("r");
        b.send("exec sponsor left\r");
        b.wait_for("saved:");
        let took = shows_within(&mut a, "exec sponsor left", Duration::from_secs(5));
        eprintln!("the other cockpit's health showed after {took:?}");
        assert!(took < Duration::from_millis(2500), "{took:?}");
        let text = a.text();
        assert!(text.contains("[R] red"), "the new colour with the new reason: {text}");
        assert!(!text.contains("[G] green"), "{text}");
        b.quit();

        // An import from the command line shows up too.
        a.send("\x1b");
        a.send("2");
        a.wait_for("3 accounts");
        let csv = dir.path().join("accounts.csv");
        std::fs::write(
            &csv,
            "account_id,name,csm,am,segment,industry,region,stage,potential_units,health,flags\n\
             A9,Zorg Logistics,ana,,smb,logistics,EMEA,adoption,5,yellow,\n",
        )
        .expect("csv");
        let output = cockpit(&db).args(["import", "accounts"]).arg(&csv).output().expect("import");
        assert!(output.status.success(), "{output:?}");
        let took = shows_within(&mut a, "Zorg Logistics", Duration::from_secs(5));
        eprintln!("the import showed after {took:?}");
        assert!(took < Duration::from_millis(2500), "{took:?}");
        a.quit();
    }
}
