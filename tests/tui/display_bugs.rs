//! Display bugs of the account view, each pinned by the screen: the header's
//! absorption is the Growth section's (product potentials first), and a
//! prepaid multi-year contract shows no out-year payment.

use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::Config;
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

/// Acme: 60 Core seats, an account default potential of 150 and a Core
/// potential of 100; a prepaid and an annual 36-month contract.
fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("book.db");
    Book::new()
        .accounts(
            "id, name, csm, am, stage,      potential_units, health, arr,    units
             A1, Acme, ana, bo, absorption, 150,             green,  120000, 60",
        )
        .contracts(
            "contract_id, account_id, product,  start_date, end_date,   arr,    units, billing
             P1,          A1,         Core,     2024-01-01, 2026-12-31, 100000, 60,    prepaid
             N1,          A1,         Insights, 2024-03-01, 2027-02-28, 20000,  10,    annual",
        )
        .snapshots(
            "account_id, product,  month,   arr,    units
             A1,         Core,     2025-05, 120000, 60",
        )
        .create(&path);
    path
}

fn app(path: &Path) -> App {
    let store = Store::open(path).expect("store");
    App::new(store, Clock::fixed(today()), Config::default(), "ana", Theme::plain()).expect("app")
}

#[test]
fn the_header_shows_the_absorption_growth_shows_after_a_potential_changes() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    {
        let store = Store::open(&path).expect("store");
        store.set_potential("A1", "Core", Some(100)).expect("potential");
    }
    // Reopened, as after a restart: 60 of the product's 100, not of the
    // account default's 150 (40%).
    let mut app = app(&path);
    app.open_account("A1");
    let text = screen(&app, 160, 48);
    assert!(text.contains("absorption 60% (60 of 100 units)"), "{text}");
    // Changed in the app: the header follows at once.
    app.handle_key(KeyEvent::new(KeyCode::Char('U'), KeyModifiers::NONE));
    for _ in 0..3 {
        app.handle_key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
    }
    for c in "300".chars() {
        app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let text = screen(&app, 160, 48);
    assert!(text.contains("absorption 20% (60 of 300 units)"), "{text}");
}

#[test]
fn a_prepaid_multi_year_contract_shows_no_out_year_payment() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    app.open_account("A1");
    // The Contracts section.
    for _ in 0..2 {
        app.handle_key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::NONE));
    }
    let text = screen(&app, 160, 48);
    assert!(text.contains("prepaid"), "{text}");
    // The annual contract's two anniversaries are payments; the prepaid one has none.
    assert_eq!(text.matches("out-year payment").count(), 2, "{text}");
    assert!(text.contains("out-year payment 2025-03-01"), "{text}");
    assert!(!text.contains("out-year payment 2025-01-01"), "{text}");
}
