//! The account view's Signals section: usage sparklines with the latest
//! value, tickets and survey answers read in full, on the demo (snapshots
//! at 80×24 and 160×48) and on a small book whose imported text carries
//! control characters (shown as visible marks, never sent raw).

use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::demo::load::create_demo_database;
use cockpit::domain::Config;
use cockpit::import::{ImportKind, import_reader};
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use cockpit_core::testkit::Book;
use common::frame::text as screen;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;

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
    app.settle_background();
}

/// Jumps to an account by name and opens its Signals section.
fn open_signals(app: &mut App, name: &str) {
    app.handle_key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL));
    for c in name.chars() {
        key(app, KeyCode::Char(c));
    }
    key(app, KeyCode::Enter);
    // Signals is the seventh section, whatever follows it.
    for _ in 0..6 {
        key(app, KeyCode::Char('l'));
    }
    assert_eq!(app.active_title(), "Account");
}

#[test]
fn the_demo_account_with_the_most_tickets_shows_its_usage_tickets_and_answers() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("demo.db");
    drop(create_demo_database(&path, &Clock::fixed(today())).expect("demo"));
    let connection = rusqlite::Connection::open(&path).expect("open");
    let (id, name): (String, String) = connection
        .query_row(
            "SELECT a.id, a.name FROM accounts a JOIN tickets t ON t.account_id = a.id
             WHERE a.id IN (SELECT account_id FROM usage)
               AND a.id IN (SELECT account_id FROM surveys)
             GROUP BY a.id ORDER BY count(*) DESC, a.id LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("an account with every signal");
    let store = Store::open(&path).expect("store");
    let tickets = store.account_tickets(&id).expect("tickets");
    let usage = store.account_usage(&id).expect("usage");
    for (width, height) in [(80_u16, 24_u16), (160, 48)] {
        let mut app = app(&path);
        app.resize(width, height);
        open_signals(&mut app, &name);
        let text = screen(&app, width, height);
        assert!(text.contains("Usage") && text.contains(&usage[0].measure), "{text}");
        let latest = usage.iter().rfind(|u| u.measure == usage[0].measure).expect("one");
        assert!(text.contains(&format!("{} ({})", latest.value, latest.month)), "{text}");
        if height == 48 {
            assert!(text.contains(&format!("Tickets  ({}", tickets.len())), "{text}");
            let first = &tickets[0];
            assert!(text.contains(first.opened_at.format("%Y-%m-%d").to_string().as_str()));
        }
        insta::assert_snapshot!(format!("account_signals_{width}x{height}"), text);
    }
}

#[test]
fn imported_text_is_shown_whole_and_inert() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.db");
    Book::new()
        .accounts(
            "id, name,      csm, health
             A1, Acme Corp, ana, green",
        )
        .create(&path);
    let mut store = Store::open(&path).expect("store");
    let clock = Clock::fixed(today());
    let subject = "Export\u{1b}[31m fails for every report with more than ten thousand rows \
                   since the April release, blocking the finance team's month end close";
    let files = [
        (
            ImportKind::Usage,
            "account_id,month,measure,value\n\
             A1,2025-03,active_users,40\nA1,2025-04,active_users,20\nA1,2025-05,active_users,12.5\n"
                .to_string(),
        ),
        (
            ImportKind::Tickets,
            format!(
                "ticket_id,account_id,opened_at,severity,closed_at,subject\n\
                 T1,A1,2025-05-20,urgent,,\"{subject}\"\n\
                 T2,A1,2025-03-01,low,2025-03-02,Typo\n"
            ),
        ),
        (
            ImportKind::Surveys,
            "account_id,answered_at,kind,score,comment\n\
             A1,2025-05-01,nps,3,\"Support is slow.\nWe may leave\u{202e}.\"\n"
                .to_string(),
        ),
    ];
    for (kind, text) in files {
        import_reader(&mut store, kind, "f.csv", text.as_bytes(), "ana", &clock).expect("import");
    }
    let mut app = app(&path);
    app.resize(80, 24);
    open_signals(&mut app, "acme");
    let text = screen(&app, 80, 24);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'), "{text}");
    // 40, 20, 12.5 of 40: █ ▄ ▃ (12.5 × 7 / 40 = 2.19), the latest exact.
    assert!(text.contains("█▄▃ "), "{text}");
    assert!(text.contains("12.5 (2025-05)"), "{text}");
    assert!(text.contains("Tickets  (2 · 1 open)"), "{text}");
    assert!(text.contains("urgent open"), "{text}");
    assert!(text.contains("closed 2025-03-02"), "{text}");
    assert!(text.contains("Export␛[31m fails"), "{text}");
    assert!(text.contains("month end close"), "the subject whole\n{text}");
    assert!(text.contains("NPS   3 of 10"), "{text}");
    assert!(text.contains("Support is slow."), "{text}");
    assert!(text.contains("We may leave⟨U+202E⟩."), "{text}");
}

#[test]
fn an_account_without_signals_says_so_apart_from_a_book_without_them() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.db");
    Book::new().accounts("id, name, csm\nA1, Acme Corp, ana\nA2, Globex, ana").create(&path);
    let mut app = app(&path);
    app.resize(80, 24);
    open_signals(&mut app, "globex");
    let text = screen(&app, 80, 24);
    assert!(text.contains("no tickets imported"), "nothing in the book yet\n{text}");
    let mut store = Store::open(&path).expect("store");
    let tickets =
        "ticket_id,account_id,opened_at,severity,closed_at,subject\nT1,A1,2025-05-20,low,,Typo\n";
    import_reader(
        &mut store,
        ImportKind::Tickets,
        "t.csv",
        tickets.as_bytes(),
        "ana",
        &Clock::fixed(today()),
    )
    .expect("import");
    let mut app = self::app(&path);
    app.resize(80, 24);
    open_signals(&mut app, "globex");
    let text = screen(&app, 80, 24);
    assert!(text.contains("no tickets for this account"), "{text}");
    assert!(text.contains("no usage imported"), "{text}");
}
