//! The cockpit driven headless: a small fixed book, a fixed clock, keys in,
//! state and the store checked, and every pane rendered to a `TestBackend`
//! at 80×24 and 160×48 for snapshots.

use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::{Config, Health};
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use cockpit_core::testkit::Book;
use common::frame::text as screen;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
}

/// Six accounts for CSM ana (and others), with contracts, snapshots, notes,
/// a health history, a moment and value flags.
pub fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("book.db");
    let book = Book::new()
        .accounts(
            "id, name,             csm, am,  stage,      potential_units, health, health_since,         flags, arr,    units, last_touch
             A1, Acme Corp,        ana, bo,  absorption, 100,             green,  2025-01-10T09:00:00Z, 1,     120000, 60,    2025-05-20
             A2, Globex,           ana, ,    adoption,   50,              orange, 2025-05-25T09:00:00Z, 0,     60000,  10,    2025-02-01
             A3, Initech,          bo,  ana, addiction,  ,                ,       ,                     0,     25000,  5,
             A4, Umbrella Health,  ana, cy,  adaptation, 40,              yellow, 2024-12-01T09:00:00Z, 6,     15000,  30,    2025-05-30
             A5, Hooli,            cy,  ,    adoption,   20,              red,    2025-04-01T09:00:00Z, 0,     8000,   4,     2025-04-15
             A6, Wonka Industries, ana, ,    absorption, 10,              green,  2025-03-01T09:00:00Z, 0,     2000,   8,     2025-05-01",
        )
        .contracts(
            "contract_id, account_id, product,  start_date, end_date,   arr,    units, billing
             C1,          A1,         Core,     2023-07-01, 2024-06-30, 100000, 50,    annual
             C2,          A1,         Core,     2024-07-01, 2025-06-30, 100000, 50,    annual
             C3,          A1,         Insights, 2024-09-01, 2027-08-31, 20000,  10,    annual
             C4,          A2,         Core,     2024-08-15, 2025-08-14, 60000,  10,    prepaid
             C5,          A3,         Core,     2025-01-01, 2025-12-31, 25000,  5,     annual
             C6,          A4,         Core,     2024-10-01, 2025-09-30, 15000,  30,    annual
             C7,          A6,         Core,     2025-03-01, 2026-02-28, 2000,   8,     annual",
        )
        .snapshots(
            "account_id, product,  month,   arr,    units
             A1,         Core,     2025-01, 100000, 50
             A1,         Core,     2025-04, 100000, 50
             A1,         Insights, 2025-01, 20000,  10
             A1,         Insights, 2025-04, 20000,  10
             A2,         Core,     2025-01, 80000,  14
             A2,         Core,     2025-04, 60000,  10",
        )
        .health_changes(
            "account_id, at,                   who, health, reason
             A1,         2025-01-10T09:00:00Z, ana, green,  QBR went well
             A2,         2025-03-01T09:00:00Z, ana, green,  steady usage
             A2,         2025-05-25T09:00:00Z, bo,  orange, budget freeze announced",
        )
        .notes(
            "account_id, at,                   kind,           text,                                          who
             A1,         2025-05-20T10:00:00Z, call,           \"Renewal call: happy, wants Insights seats\", ana
             A4,         2025-05-28T10:00:00Z, sponsor_change, Sponsor moved to another role,                 ana",
        )
        .moments(
            "account_id, kind, title,                     due_on
             A6,         qbr,  Quarterly business review, 2025-05-15",
        );
    book.create(&path)
}

pub fn app(path: &Path, user: &str) -> App {
    let store = Store::open(path).expect("store");
    App::new(store, Clock::fixed(today()), Config::default(), user, Theme::plain())
        .expect("app")
        .with_db_label("book.db")
}

pub fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

pub fn chars(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

#[test]
fn opens_on_today_for_a_csm_and_on_the_book_otherwise() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    assert_eq!(app(&path, "ana").active_title(), "Today");
    assert_eq!(app(&path, "nobody").active_title(), "Book");
}

#[test]
fn the_first_screen_has_the_csms_rows_and_the_rest_loads_after_it() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    // ana's four accounts; the whole book's six are still to be read, and
    // nothing reads them until the first screen is drawn.
    assert_eq!(app.book().rows().len(), 4);
    assert!(app.loading());
    // An account ana does not own, written now, must not be lost when the
    // whole book arrives (it is read again then).
    let writer = Store::open(&path).expect("writer");
    writer.set_health("A5", Health::Yellow, "recovered", "bo", chrono::Utc::now()).expect("write");
    drop(writer);
    app.start_loading();
    while !app.poll_background() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(!app.loading());
    assert_eq!(app.book().rows().len(), 6);
    assert_eq!(app.book().by_id("A5").and_then(|r| r.health), Some(Health::Yellow));
}

#[test]
fn book_keys_sort_filter_and_search() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    key(&mut app, KeyCode::Char('2'));
    assert_eq!(app.active_title(), "Book");
    assert_eq!(app.book().visible().len(), 6);
    // Largest first: Acme.
    assert_eq!(app.selected_account().as_deref(), Some("A1"));
    key(&mut app, KeyCode::Char('m'));
    // ana is CSM of A1, A2, A4, A6 and AM of A3.
    assert_eq!(app.book().visible().len(), 5);
    key(&mut app, KeyCode::Char('x'));
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "umb");
    assert_eq!(app.book().visible().len(), 1);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.selected_account().as_deref(), Some("A4"));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.book().visible().len(), 6);
    // s cycles the sort column from ARR to Absorption; S reverses.
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Char('S'));
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Char('h'));
    assert_eq!(app.book().visible().len(), 1, "red only: Hooli");
    assert_eq!(app.book().filter.describe(), "health R");
    key(&mut app, KeyCode::Char('x'));
    key(&mut app, KeyCode::Char('r'));
    // Renewing within 30 days: Acme's Core contract ends 2025-06-30.
    assert_eq!(app.book().visible().len(), 1);
    key(&mut app, KeyCode::Char('v'));
    assert_eq!(app.book().visible().len(), 1, "Acme is a reference");
}

#[test]
fn setting_health_needs_a_reason_and_is_kept_with_who() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('H'));
    chars(&mut app, "r");
    key(&mut app, KeyCode::Enter);
    assert!(app.popup().is_some(), "no reason: stays open");
    chars(&mut app, "champion left");
    key(&mut app, KeyCode::Enter);
    assert!(app.popup().is_none());
    let history = app.store().health_history("A1").expect("history");
    assert_eq!(history[0].health, Health::Red);
    assert_eq!((history[0].who.as_str(), history[0].reason.as_str()), ("ana", "champion left"));
    assert_eq!(app.book().by_id("A1").and_then(|r| r.health), Some(Health::Red));
    assert!(app.status().is_some_and(|s| !s.error && s.text.contains("Acme Corp health [R]")));
}

/// Moves Today's selection down to the account `id`.
pub fn select(app: &mut App, id: &str) {
    key(app, KeyCode::Char('g'));
    for _ in 0..40 {
        if app.selected_account().as_deref() == Some(id) {
            return;
        }
        key(app, KeyCode::Char('j'));
    }
    panic!("{id} is not in the list");
}

#[test]
fn today_rows_say_why_and_acting_moves_them() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    let text = screen(&app, 160, 48);
    // Globex dropped to orange by bo; Acme renews in 29 days; Wonka's QBR is late;
    // Globex untouched for 120 days; Umbrella's sponsor change suggests orange.
    assert!(text.contains("health dropped"), "{text}");
    assert!(text.contains("renews 2025-06-30 (in 29 days, 30-day window)"), "{text}");
    assert!(text.contains("Quarterly business review was due 2025-05-15 (17 days late)"), "{text}");
    assert!(text.contains("+renewal 74d · no touch 120d"), "{text}");
    assert!(text.contains("sponsor change on 2025-05-28"), "{text}");
    // One row per account.
    assert_eq!(text.matches("Globex ").count(), 1, "{text}");
    // Log a touch on Acme's renewal row: the row moves to its next window (none: after the date).
    select(&mut app, "A1");
    key(&mut app, KeyCode::Char('n'));
    chars(&mut app, "Called about the renewal");
    key(&mut app, KeyCode::Enter);
    let after = screen(&app, 160, 48);
    assert!(!after.contains("renews 2025-06-30"), "{after}");
    assert_eq!(app.store().account_notes("A1").expect("notes")[0].text, "Called about the renewal");
    // Snooze Wonka's late QBR for a week.
    select(&mut app, "A6");
    key(&mut app, KeyCode::Char('z'));
    key(&mut app, KeyCode::Enter);
    assert!(!screen(&app, 160, 48).contains("Quarterly business review"));
}

#[test]
fn suggestions_are_accepted_with_the_reason_or_dismissed() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    app.open_account("A4");
    assert_eq!(app.active_title(), "Account");
    let text = screen(&app, 160, 48);
    assert!(text.contains("suggested [O] orange"), "{text}");
    key(&mut app, KeyCode::Char('A'));
    // The prefilled reason, longer than its field, shows from its start.
    let text = screen(&app, 80, 24);
    assert!(text.contains("Reason:  sponsor change on 2025-05-28"), "{text}");
    key(&mut app, KeyCode::Enter);
    let history = app.store().health_history("A4").expect("history");
    assert_eq!(history[0].health, Health::Orange);
    assert_eq!(history[0].reason, "sponsor change on 2025-05-28: Sponsor moved to another role");
    // Acme renews in 29 days on a 142-day-old green: review it. Dismissed, it stays gone.
    app.open_account("A1");
    let text = screen(&app, 160, 48);
    assert!(text.contains("renews in 29 days and health is 142 days old"), "{text}");
    key(&mut app, KeyCode::Char('D'));
    key(&mut app, KeyCode::Char('y'));
    assert!(screen(&app, 160, 48).contains("no signal suggests a change"));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.active_title(), "Today");
}

#[test]
fn jump_owners_flags_and_help() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    app.handle_key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL));
    chars(&mut app, "wonka");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.selected_account().as_deref(), Some("A6"));
    key(&mut app, KeyCode::Char('o'));
    key(&mut app, KeyCode::Tab);
    chars(&mut app, "dee");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.book().by_id("A6").map(|r| r.am.as_str()), Some("dee"));
    key(&mut app, KeyCode::Char('F'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Enter);
    assert!(app.book().by_id("A6").is_some_and(|r| r.flags.advocate));
    key(&mut app, KeyCode::Char('?'));
    let help = screen(&app, 80, 48);
    assert!(help.contains("accept suggestion"), "{help}");
    // The keys that work everywhere come last: the help scrolls to them.
    key(&mut app, KeyCode::End);
    let help = screen(&app, 80, 48);
    assert!(help.contains("jump to account"), "{help}");
    key(&mut app, KeyCode::Char('q'));
    assert!(!app.should_quit(), "q closes the help first");
    key(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit());
}

#[test]
fn an_empty_book_says_how_to_start() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("empty.db");
    let mut app = app(&path, "ana");
    let text = screen(&app, 80, 24);
    assert!(text.contains("No accounts yet.") && text.contains("cockpit --demo"), "{text}");
    insta::assert_snapshot!("empty_book_80x24", text);
    key(&mut app, KeyCode::Char('1'));
    insta::assert_snapshot!("empty_today_80x24", screen(&app, 80, 24));
}

#[test]
fn snapshots_of_every_pane() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    for (width, height) in [(80_u16, 24_u16), (160, 48)] {
        let mut app = app(&path, "ana");
        app.resize(width, height);
        insta::assert_snapshot!(format!("today_{width}x{height}"), screen(&app, width, height));
        key(&mut app, KeyCode::Char('2'));
        insta::assert_snapshot!(format!("book_{width}x{height}"), screen(&app, width, height));
        key(&mut app, KeyCode::Enter);
        for section in ["overview", "timeline", "contracts", "arr", "growth"] {
            insta::assert_snapshot!(
                format!("account_{section}_{width}x{height}"),
                screen(&app, width, height)
            );
            key(&mut app, KeyCode::Char('l'));
        }
        key(&mut app, KeyCode::Char('H'));
        insta::assert_snapshot!(
            format!("health_popup_{width}x{height}"),
            screen(&app, width, height)
        );
    }
}

#[test]
fn the_book_shows_nps_where_there_is_room_and_a_row_has_one() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let before = {
        let mut app = app(&path, "ana");
        app.resize(160, 48);
        key(&mut app, KeyCode::Char('2'));
        screen(&app, 160, 48)
    };
    assert!(!before.contains("NPS"), "no scores, no column:\n{before}");
    let mut store = Store::open(&path).expect("store");
    let scores = "account_id,name,nps\nA1,Acme Corp,-20\nA2,Globex,65\n";
    cockpit::import::import_reader(
        &mut store,
        cockpit::import::ImportKind::Accounts,
        "nps.csv",
        scores.as_bytes(),
        "ana",
        &Clock::fixed(today()),
    )
    .expect("import");
    drop(store);
    let mut app = app(&path, "ana");
    app.resize(160, 48);
    key(&mut app, KeyCode::Char('2'));
    let text = screen(&app, 160, 48);
    let line = |needle: &str| {
        text.lines()
            .find(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("{needle}:\n{text}"))
    };
    let header = text
        .lines()
        .find(|line| line.contains("Account") && line.contains("CSM"))
        .unwrap_or_else(|| panic!("a header:\n{text}"));
    assert!(header.trim_end_matches(['│', ' ']).ends_with("NPS"), "{text}");
    // Right-aligned under its title; blank without a score.
    let at = header[..header.find("NPS").expect("NPS")].chars().count() + 3;
    let cell = |name: &str| line(name).chars().take(at).collect::<String>();
    assert!(cell("Acme Corp").ends_with(" -20"), "{text}");
    assert!(cell("Globex").ends_with("  65"), "{text}");
    assert!(cell("Initech").ends_with("    "), "{text}");
    // A narrow terminal leaves it out.
    app.resize(80, 24);
    let narrow = screen(&app, 80, 24);
    assert!(!narrow.contains("NPS"), "{narrow}");
}

#[test]
fn help_scrolls_at_80x24_and_no_key_that_closes_it_reaches_the_pane() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    let before = app.selected_account();
    key(&mut app, KeyCode::Char('?'));
    let first = screen(&app, 80, 24);
    assert!(first.contains("more below"), "{first}");
    insta::assert_snapshot!("help_more_below_80x24", first);
    // The list keys scroll the help, never the pane behind it.
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::PageDown);
    key(&mut app, KeyCode::Char('x'));
    assert!(app.popup().is_some(), "only Esc, ? and q close the help");
    key(&mut app, KeyCode::End);
    let last = screen(&app, 80, 24);
    assert!(last.contains("more above") && !last.contains("more below"), "{last}");
    assert!(last.contains("jump to account"), "the global keys are reachable:\n{last}");
    key(&mut app, KeyCode::Home);
    assert!(screen(&app, 80, 24).contains("more below"));
    key(&mut app, KeyCode::Char('?'));
    assert!(app.popup().is_none());
    assert_eq!(app.selected_account(), before, "no help key moved the selection");
    key(&mut app, KeyCode::Char('?'));
    key(&mut app, KeyCode::Char('q'));
    assert!(app.popup().is_none() && !app.should_quit());
    // Wide, everything fits and nothing says more.
    key(&mut app, KeyCode::Char('?'));
    let wide = screen(&app, 160, 60);
    assert!(!wide.contains("more below") && wide.contains("Esc, ? or q closes"), "{wide}");
}

#[test]
fn a_prefilled_date_is_replaced_by_what_is_typed_and_kept_by_an_arrow() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    let friday = NaiveDate::from_ymd_opt(2025, 6, 6).expect("date");
    select(&mut app, "A6");
    key(&mut app, KeyCode::Char('z'));
    chars(&mut app, "fri");
    key(&mut app, KeyCode::Enter);
    let snoozes = app.store().snoozes(today()).expect("snoozes");
    assert!(!snoozes.is_empty() && snoozes.iter().all(|s| s.2 == friday), "{snoozes:?}");
    // End keeps the default (2025-06-08) and edits it: the 8 becomes a 9.
    key(&mut app, KeyCode::Char('u'));
    select(&mut app, "A6");
    key(&mut app, KeyCode::Char('z'));
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Backspace);
    chars(&mut app, "9");
    key(&mut app, KeyCode::Enter);
    let snoozes = app.store().snoozes(today()).expect("snoozes");
    let ninth = NaiveDate::from_ymd_opt(2025, 6, 9).expect("date");
    assert!(!snoozes.is_empty() && snoozes.iter().all(|s| s.2 == ninth), "{snoozes:?}");
}
