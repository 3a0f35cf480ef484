//! The small bugs a daily user trips on, each pinned on the demo book the
//! way a user meets it: the real binary for the command line, the app
//! drawn headless for the screens. The demo is built for a fixed day.

use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::Config;
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use common::frame::text as screen;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2026-12-07";
const MAYA: &str = "Maya Okafor";

fn today() -> NaiveDate {
    NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("date")
}

/// The demo book as its files are written (on its anchor date, unshifted),
/// read on [`TODAY`]: the bugs below were found on that book on that day.
fn demo(dir: &Path) -> PathBuf {
    let path = dir.join("demo.db");
    let written = Clock::fixed(cockpit::demo::anchor());
    drop(cockpit::demo::load::create_demo_database(&path, &written).expect("demo"));
    path
}

fn cockpit(db: &Path, user: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("COCKPIT_TODAY", TODAY)
        .env("COCKPIT_USER", user)
        .env("NO_COLOR", "1")
        .output()
        .expect("run")
}

fn out(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).to_string()
}

fn err(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

fn app(db: &Path) -> App {
    let store = Store::open(db).expect("store");
    App::new(store, Clock::fixed(today()), Config::default(), MAYA, Theme::plain())
        .expect("app")
        .with_db_label("demo.db")
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn at(app: &mut App, width: u16, height: u16) -> String {
    app.resize(width, height);
    screen(app, width, height)
}

#[test]
fn churn_record_refuses_a_second_chain_for_the_same_day_and_notes_arr_still_booked() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path());
    let args = [
        "churn",
        "record",
        "A000028",
        "--date",
        "2027-03-19",
        "--event",
        "churned",
        "--cause",
        "Price / value",
    ];
    let first = cockpit(&db, MAYA, &args);
    assert!(first.status.success(), "{}", err(&first));
    // Still on the books: recorded, but said on standard error.
    assert!(err(&first).contains("still has ARR"), "{}", err(&first));
    // The customer said no to the renewal: the ARR up for it is what is lost.
    assert!(out(&first).contains("the ARR up for renewal on 2027-03-19"), "{}", out(&first));
    let second = cockpit(&db, MAYA, &args);
    assert!(!second.status.success(), "a duplicate is refused");
    assert!(err(&second).contains("already has saved chain #"), "{}", err(&second));
    let list = cockpit(&db, MAYA, &["churn", "list", "A000028", "--json"]);
    let chains: serde_json::Value = serde_json::from_slice(&list.stdout).expect("json");
    assert_eq!(chains.as_array().map(Vec::len), Some(1), "{chains}");
}

#[test]
fn renewals_mine_for_a_user_who_owns_nothing_says_why_and_fails() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path());
    let nobody = cockpit(&db, "me", &["renewals", "--mine"]);
    assert!(!nobody.status.success());
    assert_eq!(out(&nobody), "", "no empty table that reads as nothing renewing");
    let said = err(&nobody);
    assert!(said.contains("no account has CSM \"me\""), "{said}");
    assert!(said.contains("COCKPIT_USER") && said.contains("Maya Okafor"), "{said}");
    let maya = cockpit(&db, MAYA, &["renewals", "--mine"]);
    assert!(maya.status.success(), "{}", err(&maya));
    assert!(out(&maya).contains("Maya Okafor"), "{}", out(&maya));
}

#[test]
fn counts_of_one_are_singular_on_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path());
    let text = out(&cockpit(&db, MAYA, &["renewals", "--mine"]));
    let summary = text.lines().last().unwrap_or_default();
    assert!(summary.contains("; 1 payment"), "{summary}");
    assert!(!summary.contains("1 payments"), "{summary}");
}

#[test]
fn calibration_reads_the_same_window_in_the_cockpit_and_the_cli() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path());
    let cli = out(&cockpit(&db, MAYA, &["renewals", "--forecast"]));
    let since = |text: &str| -> String {
        let at = text.find("since ").expect("a window");
        text[at + 6..at + 16].to_string()
    };
    let cli_since = since(&cli);
    let mut app = app(&db);
    key(&mut app, KeyCode::Char('6'));
    key(&mut app, KeyCode::Char('f'));
    let tui = at(&mut app, 160, 48);
    assert_eq!(since(&tui), cli_since, "{tui}\n{cli}");
    assert_eq!(cli_since, "2024-12-01");
}

#[test]
fn a_waterfall_month_that_renewed_nothing_shows_its_miss_not_a_dash() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path());
    let cli = out(&cockpit(&db, MAYA, &["renewals", "--forecast"]));
    let october = cli
        .lines()
        .find(|l| l.starts_with("2026-10 ") && l.contains(" 0.00"))
        .unwrap_or_else(|| panic!("October renewed nothing in the demo:\n{cli}"));
    assert!(october.contains("+4,428"), "{october}");
    let mut app = app(&db);
    key(&mut app, KeyCode::Char('6'));
    key(&mut app, KeyCode::Char('f'));
    let tui = at(&mut app, 160, 48);
    let row = tui.lines().find(|l| l.contains("2026-10     2")).expect("waterfall row");
    assert!(row.contains("+4428") || row.contains("+4.4k"), "{row}");
    assert!(!row.trim_end_matches(['│', ' ']).ends_with('—'), "{row}");
}

#[test]
fn the_forecast_says_whose_numbers_it_shows_and_labels_the_book_wide_panels() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path());
    let mut app = app(&db);
    key(&mut app, KeyCode::Char('6'));
    key(&mut app, KeyCode::Char('f'));
    let text = at(&mut app, 160, 48);
    let title = text.lines().nth(1).unwrap_or_default().to_string();
    assert!(title.contains("mine (Maya Okafor)"), "{title}");
    for panel in [
        "Calibration · whole book",
        "Waterfall · whole book",
        "Per CSM, next 12 months · whole book",
    ] {
        assert!(text.contains(panel), "{panel}:\n{text}");
    }
    // `C` steps through the CSMs (`c` records a churn on the selection).
    key(&mut app, KeyCode::Char('C'));
    let text = at(&mut app, 160, 48);
    let title = text.lines().nth(1).unwrap_or_default().to_string();
    assert!(!title.contains("mine"), "another CSM's numbers are not mine: {title}");
    assert!(title.contains("CSM Priya Raman"), "{title}");
}

#[test]
fn the_account_header_says_tomorrow_not_in_1_days() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path());
    let mut app = app(&db);
    // Lumen Credit Union renews the day after the demo's day.
    app.open_account("A000014");
    let text = at(&mut app, 120, 30);
    assert!(text.contains("Renews 2026-12-08 (tomorrow)"), "{text}");
    assert!(!text.contains(" 1 days"), "{text}");
}

#[test]
fn the_board_keeps_every_stuck_count_at_160_columns() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path());
    let mut app = app(&db);
    key(&mut app, KeyCode::Char('4'));
    for (width, height) in [(160, 48), (200, 50)] {
        let text = at(&mut app, width, height);
        let headings = text.lines().nth(2).unwrap_or_default().to_string();
        assert!(headings.contains("2 Adoption"), "{headings}");
        // Adoption (the largest column) and Absorption have stuck accounts;
        // adaptation is the cycle repeating, never stuck.
        assert_eq!(headings.matches('⚑').count(), 2, "{width} columns: {headings}");
    }
}

#[test]
fn the_churn_editor_prefills_the_renewal_a_customer_said_no_to() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path());
    let mut app = app(&db);
    app.open_account("A000028");
    key(&mut app, KeyCode::Char('c'));
    let text = at(&mut app, 80, 24);
    assert!(text.contains("Date 2027-03-19"), "the contract's end date:\n{text}");
    assert!(text.contains("ARR lost 6696"), "the ARR up for renewal:\n{text}");
}

#[test]
fn a_stuck_account_says_why_in_its_overview_and_a_resting_one_says_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path());
    let mut app = app(&db);
    // Ostara Cosmetics: in adoption since 2024-03-06 (1006 days on
    // 2026-12-07), 8 of 60 units, red.
    app.open_account("A000064");
    for (width, height) in [(80, 24), (160, 48)] {
        let text = at(&mut app, width, height);
        assert!(
            text.contains(
                "⚑ stuck: 1006 days in adoption (> 180), absorption 13% ≤ 50%, health red"
            ),
            "{width}×{height}:\n{text}"
        );
    }
    // Halvorsen Maritime: in adoption for years too, but yellow: resting.
    app.open_account("A000001");
    let text = at(&mut app, 80, 24);
    assert!(text.contains("Halvorsen Maritime") && !text.contains("stuck"), "{text}");
}
