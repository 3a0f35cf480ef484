//! The renewal calendar pane driven headless: a small fixed book with known
//! renewals, an out-year payment, prepaid contracts, moments and past
//! outcomes; a fixed clock; keys in, the screen and the store checked;
//! snapshots of the grid and the forecast at 80×24 and 160×48.

use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::Config;
use cockpit::domain::moment::MomentKind;
use cockpit::store::Store;
use cockpit::tui::action::Action;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use cockpit_core::testkit::Book;
use common::frame::resized as screen;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

/// Today is Sunday 2025-06-01. In June: Acme's Core renewal (30th, green,
/// annual), Acme Insights' year-2 payment (10th; a 3-year annual contract),
/// Umbrella's renewal (24th, yellow), Hooli's (15th, red, CSM cy), Globex's
/// executive review (12th). Globex's 3-year prepaid add-on has no payment on
/// its anniversary (20th). In August: Globex's prepaid renewal (orange).
/// History: Acme, Umbrella and Hooli renewed last year; Lost Co, green 90
/// days before its end in November 2024, did not: a surprise.
fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("book.db");
    let book = Book::new()
        .accounts(
            "id, name,             csm, health, health_since,         arr,    last_touch
             A1, Acme Corp,        ana, green,  2023-01-01T09:00:00Z, 120000, 2025-05-20
             A2, Globex,           ana, orange, 2023-01-01T09:00:00Z, 70000,  2025-02-01
             A3, Initech,          bo,  ,       ,                     25000,
             A4, Umbrella Health,  ana, yellow, 2023-01-01T09:00:00Z, 15000,  2025-05-30
             A5, Hooli,            cy,  red,    2023-01-01T09:00:00Z, 8000,   2025-04-15
             A6, Wonka Industries, ana, green,  2023-01-01T09:00:00Z, 2000,   2025-05-01
             A7, Lost Co,          bo,  red,    2024-10-15T09:00:00Z, 0,      2024-10-01",
        )
        .contracts(
            "contract_id, account_id, product,  start_date, end_date,   arr,    units, billing
             C1,          A1,         Core,     2023-07-01, 2024-06-30, 100000, 50,    annual
             C2,          A1,         Core,     2024-07-01, 2025-06-30, 100000, 50,    annual
             C3,          A1,         Insights, 2024-06-10, 2027-06-09, 20000,  10,    annual
             C4,          A2,         Core,     2024-08-15, 2025-08-14, 60000,  10,    prepaid
             C8,          A2,         Add-on,   2023-06-20, 2026-06-19, 10000,  5,     prepaid
             C5,          A3,         Core,     2025-01-01, 2025-12-31, 25000,  5,     annual
             P4,          A4,         Core,     2023-06-25, 2024-06-24, 15000,  30,    annual
             C6,          A4,         Core,     2024-06-25, 2025-06-24, 15000,  30,    annual
             P1,          A5,         Core,     2023-06-16, 2024-06-15, 8000,   4,     annual
             C9,          A5,         Core,     2024-06-16, 2025-06-15, 8000,   4,     annual
             C7,          A6,         Core,     2025-03-01, 2026-02-28, 2000,   8,     annual
             P3,          A7,         Core,     2023-12-01, 2024-11-30, 30000,  20,    annual",
        )
        .health_changes(
            "account_id, at,                   who, health, reason
             A7,         2023-12-01T09:00:00Z, bo,  green,  happy at kick-off
             A7,         2024-10-15T09:00:00Z, bo,  red,    sponsor left",
        )
        .moments(
            "account_id, kind,             title,                     due_on
             A6,         qbr,              Quarterly business review, 2025-05-15
             A2,         executive_review, Executive review,          2025-06-12",
        );
    book.create(&path)
}

fn app_on(path: &Path, user: &str, today: NaiveDate) -> App {
    let store = Store::open(path).expect("store");
    // What the cockpit does aside when it opens.
    store
        .schedule_moments(&Config::default(), today, cockpit::tui::MOMENT_HORIZON_DAYS)
        .expect("schedule");
    let mut app = App::new(store, Clock::fixed(today), Config::default(), user, Theme::plain())
        .expect("app")
        .with_db_label("book.db");
    let index = app
        .pane_scopes()
        .iter()
        .position(|(scope, _)| *scope == "calendar")
        .expect("the calendar pane is registered");
    app.update(Action::GoToPane(index));
    assert_eq!(app.active_title(), "Calendar");
    app
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn chars(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// The agenda's heading line, which names the selected day (span: day).
fn agenda_header(app: &mut App) -> String {
    let text = screen(app, 80, 24);
    text.lines()
        .find_map(|l| l.split("Agenda · ").nth(1))
        .map(|rest| rest.split(" · ").next().unwrap_or("").to_string())
        .unwrap_or_default()
}

/// The number of agenda rows the heading announces.
fn agenda_rows(app: &mut App) -> usize {
    let text = screen(app, 80, 24);
    text.lines()
        .find_map(|l| l.split("Agenda · ").nth(1))
        .and_then(|rest| rest.split(" · ").nth(1))
        .and_then(|n| n.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("agenda heading")
}

#[test]
fn moves_cross_month_ends_and_leap_days() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app_on(&path, "ana", d(2024, 1, 31));
    // Week → month → day span, so the heading names the selected day.
    chars(&mut app, "vv");
    assert_eq!(agenda_header(&mut app), "Wed 2024-01-31");
    chars(&mut app, "]");
    assert_eq!(
        agenda_header(&mut app),
        "Thu 2024-02-29",
        "Jan 31 + 1 month clamps to the leap day"
    );
    key(&mut app, KeyCode::Char('l'));
    assert_eq!(agenda_header(&mut app), "Fri 2024-03-01");
    key(&mut app, KeyCode::Left);
    assert_eq!(agenda_header(&mut app), "Thu 2024-02-29");
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(agenda_header(&mut app), "Thu 2024-03-07");
    key(&mut app, KeyCode::Up);
    assert_eq!(agenda_header(&mut app), "Thu 2024-02-29");
    key(&mut app, KeyCode::PageDown);
    key(&mut app, KeyCode::PageDown);
    assert_eq!(agenda_header(&mut app), "Mon 2024-04-29");
    chars(&mut app, "[");
    assert_eq!(agenda_header(&mut app), "Fri 2024-03-29");
    key(&mut app, KeyCode::PageUp);
    assert_eq!(agenda_header(&mut app), "Thu 2024-02-29");
    for _ in 0..12 {
        key(&mut app, KeyCode::Char(']'));
    }
    assert_eq!(agenda_header(&mut app), "Fri 2025-02-28", "2025 has no leap day");
    key(&mut app, KeyCode::Char('l'));
    assert_eq!(agenda_header(&mut app), "Sat 2025-03-01");
    // Across the year end, by day and by week.
    let mut app = app_on(&path, "ana", d(2024, 12, 31));
    chars(&mut app, "vv");
    key(&mut app, KeyCode::Right);
    assert_eq!(agenda_header(&mut app), "Wed 2025-01-01");
    chars(&mut app, "kk");
    assert_eq!(agenda_header(&mut app), "Wed 2024-12-18");
    chars(&mut app, "t");
    assert_eq!(agenda_header(&mut app), "Tue 2024-12-31");
    assert!(screen(&mut app, 80, 24).contains("Calendar · December 2024"));
}

#[test]
fn filters_keep_mine_at_risk_and_in_window() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    // bo owns Initech and Lost Co: no June event of theirs, so "whole book"
    // is where he starts (he owns accounts: mine is on).
    let mut app = app_on(&path, "ana", d(2025, 6, 1));
    // Month span.
    chars(&mut app, "v");
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("mine (ana)"), "a CSM starts on their own book:\n{text}");
    // June, ana's: Acme renewal (30th), Acme Insights payment (10th),
    // Umbrella renewal (24th), Globex executive review (12th), plus the
    // scheduled check-ins and reviews of ana's accounts.
    assert!(text.contains("payment, year 2 of 3"), "{text}");
    assert!(!text.contains("Hooli"), "Hooli is cy's:\n{text}");
    assert!(!text.contains("Add-on"), "a prepaid contract has no payment");
    let mine = agenda_rows(&mut app);
    chars(&mut app, "m");
    let everyone = agenda_rows(&mut app);
    assert!(screen(&mut app, 160, 48).contains("Hooli"));
    assert!(everyone > mine, "{everyone} > {mine}");
    // At risk (red, orange), everyone's: Hooli's renewal and Globex's review,
    // and Globex's scheduled moments.
    chars(&mut app, "r");
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("Hooli") && text.contains("Executive review"), "{text}");
    assert!(!text.contains("Acme") && !text.contains("Umbrella"), "{text}");
    // In a window as well: only renewals, Hooli's (15th, 14 days left).
    chars(&mut app, "w");
    assert_eq!(agenda_rows(&mut app), 1);
    assert!(screen(&mut app, 160, 48).contains("30-day · 14 d left"));
    // Only in a window: Hooli, Umbrella and Acme (30-day windows) in June.
    chars(&mut app, "r");
    assert_eq!(agenda_rows(&mut app), 3);
    let text = screen(&mut app, 160, 48);
    assert!(!text.contains("payment, year") && !text.contains("Executive"), "{text}");
    // In August, Globex's prepaid renewal is in its 90-day window.
    chars(&mut app, "]]");
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("Globex") && text.contains("prepaid"), "{text}");
    assert!(text.contains("90-day · 74 d left"), "{text}");
    chars(&mut app, "x");
    assert!(screen(&mut app, 160, 48).contains("whole book"));
}

/// Moves the cursor to 2025-06-12 and the agenda to that day.
fn on_the_twelfth(app: &mut App) {
    chars(app, "vv");
    for _ in 0..11 {
        key(app, KeyCode::Char('l'));
    }
    assert_eq!(agenda_header(app), "Thu 2025-06-12");
}

#[test]
fn marking_a_moment_done_logs_a_touch() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app_on(&path, "ana", d(2025, 6, 1));
    on_the_twelfth(&mut app);
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("Executive rev") && text.contains("due in 11 d"), "{text}");
    key(&mut app, KeyCode::Char('d'));
    let status = app.status().expect("status").clone();
    assert!(!status.error && status.text.contains("moment done on Globex"), "{status:?}");
    let review = app
        .store()
        .moments_of_account("A2")
        .expect("moments")
        .into_iter()
        .find(|m| m.kind == MomentKind::ExecutiveReview)
        .expect("review");
    assert!(review.done_at.is_some());
    let conn = rusqlite::Connection::open(&path).expect("conn");
    let (kind, text, who): (String, String, String) = conn
        .query_row("SELECT kind, text, who FROM notes WHERE account_id = 'A2'", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("the touch");
    assert_eq!(
        (kind.as_str(), text.as_str(), who.as_str()),
        ("meeting", "Executive review done (due 2025-06-12)", "ana")
    );
    let touch: String = conn
        .query_row("SELECT last_touch FROM accounts WHERE id = 'A2'", [], |r| r.get(0))
        .expect("last touch");
    assert_eq!(touch, "2025-06-01");
    // The row stays, now done; doing it again says so.
    assert!(screen(&mut app, 80, 24).contains("done 2025-06-01"));
    key(&mut app, KeyCode::Char('d'));
    assert!(app.status().expect("status").text.contains("already done"));
    // d on a renewal is not a moment.
    chars(&mut app, "vv");
    key(&mut app, KeyCode::Char('J'));
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Char('d'));
    let status = app.status().expect("status").text.clone();
    assert!(status.contains("select a moment") || status.contains("already done"), "{status}");
}

#[test]
fn adding_a_moment_and_opening_the_account() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app_on(&path, "ana", d(2025, 6, 1));
    on_the_twelfth(&mut app);
    key(&mut app, KeyCode::Char('a'));
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("Add a moment") && text.contains("Kick-off"), "{text}");
    // Onboarding checkpoint, on the 20th, with a title.
    key(&mut app, KeyCode::PageDown);
    for _ in 0..2 {
        key(&mut app, KeyCode::Backspace);
    }
    chars(&mut app, "20");
    key(&mut app, KeyCode::Tab);
    chars(&mut app, "Go-live check");
    key(&mut app, KeyCode::Enter);
    let status = app.status().expect("status").clone();
    assert!(!status.error, "{status:?}");
    let added = app
        .store()
        .moments_of_account("A2")
        .expect("moments")
        .into_iter()
        .find(|m| m.kind == MomentKind::OnboardingCheckpoint)
        .expect("added");
    assert_eq!((added.due_on, added.title.as_str()), (d(2025, 6, 20), "Go-live check"));
    // It shows on the 20th.
    for _ in 0..8 {
        key(&mut app, KeyCode::Char('l'));
    }
    assert!(screen(&mut app, 80, 24).contains("Go-live check"));
    // Esc cancels the form without writing.
    key(&mut app, KeyCode::Char('a'));
    key(&mut app, KeyCode::Esc);
    assert!(!screen(&mut app, 80, 24).contains("Add a moment"));
    // Enter opens the account of the selected row.
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.active_title(), "Account");
    assert_eq!(app.selected_account().as_deref(), Some("A2"));
}

#[test]
fn snapshots_of_the_grid() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app_on(&path, "ana", d(2025, 6, 1));
    // The whole book, cursor on Umbrella's renewal day.
    chars(&mut app, "m");
    chars(&mut app, "jjjh");
    insta::assert_snapshot!("calendar_80x24", screen(&mut app, 80, 24));
    insta::assert_snapshot!("calendar_160x48", screen(&mut app, 160, 48));
}

#[test]
fn a_long_name_shows_whole_in_the_agenda_when_there_is_room() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let long = "Globex Hemispheric Logistics AG";
    let conn = rusqlite::Connection::open(&path).expect("conn");
    conn.execute("UPDATE accounts SET name = ?1 WHERE id = 'A2'", [long]).expect("rename");
    drop(conn);
    let mut app = app_on(&path, "ana", d(2025, 6, 1));
    chars(&mut app, "m");
    chars(&mut app, "jjjh");
    let text = screen(&mut app, 160, 48);
    assert!(text.contains(&format!("Fri 20 • O    {long} ")), "{text}");
    // At 80 columns the name gives way.
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("Fri 20 • O    Globex Hemispheric") && text.contains('…'), "{text}");
}

#[test]
fn snapshots_of_the_forecast() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app_on(&path, "ana", d(2025, 6, 1));
    chars(&mut app, "mf");
    insta::assert_snapshot!("forecast_80x24", screen(&mut app, 80, 24));
    insta::assert_snapshot!("forecast_160x48", screen(&mut app, 160, 48));
    // Scrolling shows the history below the forward table on a narrow screen.
    for _ in 0..22 {
        key(&mut app, KeyCode::Char('j'));
    }
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("Calibration") || text.contains("Waterfall"), "{text}");
    // f goes back to the grid.
    chars(&mut app, "f");
    assert!(screen(&mut app, 80, 24).contains("Calendar · June 2025"));
}

/// On a large generated book (`COCKPIT_BENCH_DB`, as CSM `COCKPIT_BENCH_USER`,
/// on `COCKPIT_TODAY`): opening the calendar, and every month move once its
/// neighbours had the time a person takes between two keys to preload.
/// Run with `cargo test --profile ci --test tui calendar:: -- --ignored --nocapture`.
#[test]
#[ignore = "needs a generated book; a benchmark"]
fn month_moves_redraw_within_a_frame_on_a_large_book() {
    let Ok(db) = std::env::var("COCKPIT_BENCH_DB") else { return };
    let user = std::env::var("COCKPIT_BENCH_USER").unwrap_or_default();
    let today = std::env::var("COCKPIT_TODAY")
        .ok()
        .and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
        .unwrap_or(d(2026, 11, 23));
    let store = Store::open(Path::new(&db)).expect("store");
    let started = std::time::Instant::now();
    let report = store.schedule_moments(&Config::default(), today, 180).expect("schedule");
    eprintln!("moments scheduled ({report:?}) in {:?}", started.elapsed());
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let month = cockpit::domain::Month::of(today);
        let calendar = cockpit::read::renewals::calendar_month(
            &store,
            month,
            today,
            &Config::default(),
            &Default::default(),
        )
        .expect("month");
        eprintln!(
            "one whole-book month ({} events) in {:?}",
            calendar.event_count(),
            started.elapsed()
        );
    }
    let started = std::time::Instant::now();
    let mut app = App::new(store, Clock::fixed(today), Config::default(), &user, Theme::plain())
        .expect("app");
    eprintln!("app opened (book + moment schedule) in {:?}", started.elapsed());
    let index = app.pane_scopes().iter().position(|(s, _)| *s == "calendar").expect("pane");
    let started = std::time::Instant::now();
    app.update(Action::GoToPane(index));
    screen(&mut app, 160, 48);
    let opened = started.elapsed();
    eprintln!("calendar opened and drawn in {opened:?}");
    for filter in ["as opened", "toggled mine"] {
        if filter == "toggled mine" {
            key(&mut app, KeyCode::Char('m'));
        }
        let mut worst = std::time::Duration::ZERO;
        for step in [']', ']', ']', '[', '[', '[', '[', 'j', 'l'] {
            std::thread::sleep(std::time::Duration::from_millis(400));
            let started = std::time::Instant::now();
            key(&mut app, KeyCode::Char(step));
            screen(&mut app, 160, 48);
            let took = started.elapsed();
            eprintln!("{filter}: {step} redrawn in {took:?}");
            worst = worst.max(took);
        }
        eprintln!("{filter}: worst move {worst:?}");
        assert!(worst < std::time::Duration::from_millis(16), "{filter}: {worst:?}");
    }
    let started = std::time::Instant::now();
    key(&mut app, KeyCode::Char('f'));
    screen(&mut app, 160, 48);
    eprintln!("forecast view (forecast + calibration history) in {:?}", started.elapsed());
}
