//! The Health pane on a small book with usage, tickets and answers, at a
//! fixed day: the book listed by score, the breakdown of the selected
//! account, and `A` offering the band as the health. Snapshots at 80×24
//! and 160×48.
//!
//! Scores on 2025-06-01 (May is the latest month known):
//! - A1 Acme: 20 of 40 licences in May (50% → 50 × 20), 40 in February
//!   (−50% → 0 × 25), an urgent ticket open (1 → 50 × 15), ARR flat
//!   (100 × 15): (1000 + 0 + 750 + 1500) / 75 = 43.3 → 43, orange; the
//!   CSM says green: a suggestion.
//! - A2 Globex: 36 of 40 (90% → 100), flat (100), no open ticket (100),
//!   NPS answers 10 and 9 (100 × 10), ARR flat (100): 100, green.

use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::Config;
use cockpit::import::{ImportKind, import_reader};
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

fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("book.db");
    let mut snapshots = String::from("account_id, product, month, arr, units\n");
    for account in ["A1", "A2"] {
        for month in 1..=5 {
            snapshots.push_str(&format!("{account}, Core, 2025-{month:02}, 40000, 40\n"));
        }
    }
    Book::new()
        .accounts(
            "id, name,      csm, health
             A1, Acme Corp, ana, green
             A2, Globex,    ana, green",
        )
        .snapshots(&snapshots)
        .create(&path);
    let mut store = Store::open(&path).expect("store");
    let clock = Clock::fixed(today());
    let files = [
        (
            ImportKind::Usage,
            "account_id,month,measure,value\n\
             A1,2025-02,active_users,40\nA1,2025-05,active_users,20\n\
             A2,2025-02,active_users,36\nA2,2025-05,active_users,36\n",
        ),
        (
            ImportKind::Tickets,
            "ticket_id,account_id,opened_at,severity,closed_at,subject\n\
             T1,A1,2025-05-20,urgent,,Nobody can log in\n\
             T2,A2,2025-03-01,high,2025-03-02,Slow export\n",
        ),
        (
            ImportKind::Surveys,
            "account_id,answered_at,kind,score,comment\n\
             A2,2025-04-01,nps,10,Great support\nA2,2025-05-01,nps,9,\n",
        ),
    ];
    for (kind, text) in files {
        import_reader(&mut store, kind, "f.csv", text.as_bytes(), "ana", &clock).expect("import");
    }
    path
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

fn open_health(app: &mut App) {
    let index =
        app.pane_scopes().iter().position(|(scope, _)| *scope == "scorecard").expect("pane");
    let digit = char::from_digit(u32::try_from(index + 1).expect("index"), 10).expect("digit");
    key(app, KeyCode::Char(digit));
    assert_eq!(app.active_title(), "Health");
}

#[test]
fn the_book_by_score_with_the_breakdown_and_the_band_as_a_suggestion() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    open_health(&mut app);
    let text = screen(&app, 160, 48);
    let acme = text.lines().position(|l| l.contains("Acme Corp")).expect("Acme");
    let globex = text.lines().position(|l| l.contains("Globex")).expect("Globex");
    assert!(acme < globex, "the lowest score first\n{text}");
    assert!(text.contains("   43 O"), "{text}");
    assert!(text.contains("  100 G"), "{text}");
    assert!(text.contains("usage per licence fell 50% in 3 months: 0 of 25 points"), "{text}");
    assert!(text.contains("1 high-severity ticket open: 8 of 15 points"), "{text}");
    assert!(text.contains("NPS: missing, not counted"), "{text}");
    insta::assert_snapshot!("health_160x48", text);
    app.resize(80, 24);
    insta::assert_snapshot!("health_80x24", screen(&app, 80, 24));
    key(&mut app, KeyCode::Char('A'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Set health") && text.contains("[O] orange"), "{text}");
}

/// The band is the same suggestion on Today, the Account view and the
/// Health pane's `A`: Acme's orange band (43) and its never-touched
/// (yellow) make one orange suggestion whose reason says both.
#[test]
fn the_band_is_suggested_on_today_the_account_and_the_health_pane_alike() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    assert_eq!(app.active_title(), "Today");
    let text = screen(&app, 160, 48);
    let acme = text.lines().find(|l| l.contains("Acme Corp")).expect("Acme on Today");
    assert!(acme.contains("+suggest [O]"), "{text}");
    open_health(&mut app);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.active_title(), "Account");
    let text = screen(&app, 160, 48);
    assert!(text.contains("suggested orange") || text.contains("suggested [O]"), "{text}");
    assert!(
        text.contains("scorecard 43 (orange): usage per licence fell 50% in 3 months"),
        "{text}"
    );
    assert!(text.contains("never touched"), "{text}");
    open_health(&mut app);
    key(&mut app, KeyCode::Char('A'));
    let text = screen(&app, 160, 48);
    // The long prefilled reason shows from its start.
    assert!(
        text.contains("[O] orange") && text.contains("Reason:  scorecard 43 (orange)"),
        "{text}"
    );
    // Saved, the history keeps the whole reason: every signal's words.
    key(&mut app, KeyCode::Enter);
    let path = dir.path().join("book.db");
    let history = Store::open(&path).expect("store").health_history("A1").expect("history");
    let saved = history.first().expect("a change");
    assert_eq!(saved.health, cockpit::domain::Health::Orange);
    assert!(
        saved.reason.starts_with(
            "scorecard 43 (orange): usage per licence fell 50% in 3 months: 0 of 25 points; "
        ) && saved.reason.ends_with("never touched (tier 3 cadence 180 days)"),
        "{}",
        saved.reason
    );
}
