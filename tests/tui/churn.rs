//! The churn chain editor and the churn report, driven headless: a small
//! fixed book with two saved chains, a fixed clock, keys in, the store
//! checked, and snapshots at 80×24 and 160×48.

use crate::common;

use chrono::{DateTime, NaiveDate, Utc};
use cockpit::clock::Clock;
use cockpit::domain::churn::{ChainLink, ChainStatus, ChurnChain, ChurnEvent};
use cockpit::domain::{Config, Money};
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

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

/// Four accounts; Globex shrank (its snapshots fall), Hooli and Initech
/// carry saved chains.
fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("book.db");
    Book::new()
        .accounts(
            "id, name,      csm, am, stage,    health, health_since, arr,    units, last_touch
         A1, Acme Corp, ana, ,   adoption, green,  2025-05-01,   120000, 10,    2025-05-20
         A2, Globex,    ana, ,   adoption, orange, 2025-05-01,   60000,  10,    2025-05-20
         A3, Initech,   bo,  ,   adoption, ,       ,             0,      0,
         A4, Hooli,     ana, ,   adoption, red,    2025-04-01,   0,      0,",
        )
        .snapshots(
            "account_id, product, month,   arr,    units
         A2,         Core,    2025-04, 80000,  14
         A2,         Core,    2025-05, 60000,  10
         A1,         Core,    2025-04, 120000, 10
         A1,         Core,    2025-05, 120000, 10",
        )
        .create(&path);
    let store = Store::open(&path).expect("store");
    let reasons = store.churn_reasons().expect("reasons");
    let reason =
        |label: &str| ChainLink::reason(reasons.iter().find(|r| r.label == label).expect("reason"));
    let at: DateTime<Utc> = "2025-05-30T10:00:00Z".parse().expect("at");
    let mut hooli =
        ChurnChain::new("A4", ChurnEvent::Churned, date("2025-04-30"), Money::from_units(8_000));
    hooli.links = vec![reason("New sponsor"), reason("Failed implementation")];
    hooli.product = "Core".to_string();
    store.save_churn_chain(&hooli, "ana", at).expect("save");
    let mut initech =
        ChurnChain::new("A3", ChurnEvent::Churned, date("2025-02-28"), Money::from_units(25_000));
    initech.links = vec![reason("Budget cut")];
    store.save_churn_chain(&initech, "bo", at).expect("save");
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
}

fn ctrl(app: &mut App, c: char) {
    app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

fn chars(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn at_80(app: &mut App) -> String {
    app.resize(80, 24);
    screen(app, 80, 24)
}

fn sentences(app: &App, account: &str) -> Vec<(String, ChainStatus)> {
    app.store()
        .churn_chains_for_account(account)
        .expect("chains")
        .into_iter()
        .map(|c| (c.sentence(), c.status))
        .collect()
}

#[test]
fn a_four_link_chain_is_recorded_from_the_account_with_the_keyboard() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    app.open_account("A2");
    key(&mut app, KeyCode::Char('c'));
    assert_eq!(app.active_title(), "Churn");
    let text = at_80(&mut app);
    assert!(text.contains("Event Contracted"), "prefilled from the snapshots:\n{text}");
    assert!(text.contains("ARR lost 20000 "), "ARR lost prefilled:\n{text}");
    for query in ["new sp", "failed imp", "partner tr", "sales tr"] {
        chars(&mut app, query);
        key(&mut app, KeyCode::Enter);
    }
    let text = at_80(&mut app);
    assert!(
        text.contains("Contracted, due to New sponsor, due to Failed implementation, due to"),
        "the sentence is always visible:\n{text}"
    );
    ctrl(&mut app, 's');
    assert_eq!(
        sentences(&app, "A2"),
        vec![(
            "Contracted, due to New sponsor, due to Failed implementation, due to Partner training, due to Sales training"
                .to_string(),
            ChainStatus::Saved
        )]
    );
    // Saving goes back to where the editor was opened from.
    assert_eq!(app.active_title(), "Account", "back where the chain was started");
    key(&mut app, KeyCode::Char('7'));
    let text = at_80(&mut app);
    assert!(text.contains("Churn report"), "the report has it:\n{text}");
    assert!(text.contains("Sales training"), "{text}");
    // The account view lists it.
    app.open_account("A2");
    let text = at_80(&mut app);
    assert!(text.contains("Churn chains"), "{text}");
    assert!(text.contains("Contracted, due to New sponsor"), "{text}");
}

#[test]
fn a_terminal_only_chain_is_refused_in_one_line() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    app.open_account("A1");
    key(&mut app, KeyCode::Char('c'));
    ctrl(&mut app, 's');
    let text = at_80(&mut app);
    assert!(text.contains("✗"), "{text}");
    assert!(sentences(&app, "A1").is_empty());
    // A terminal event picked as a link is still no cause.
    chars(&mut app, "sent churn");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    assert!(sentences(&app, "A1").is_empty());
    insta::assert_snapshot!("editor_refusal_80x24", at_80(&mut app));
}

#[test]
fn an_uncontrollable_root_asks_for_something_deeper_without_forcing() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    app.open_account("A1");
    key(&mut app, KeyCode::Char('c'));
    chars(&mut app, "budget");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    assert!(sentences(&app, "A1").is_empty(), "asked first");
    let text = at_80(&mut app);
    assert!(text.contains("Enter save as is"), "{text}");
    // Adding a deeper cause is one keystroke away: type it.
    chars(&mut app, "price");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    assert_eq!(sentences(&app, "A1")[0].0, "Churned, due to Budget cut, due to Price / value");
}

#[test]
fn leaving_keeps_a_draft_that_reopens_and_free_text_is_flagged() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    app.open_account("A1");
    key(&mut app, KeyCode::Char('c'));
    chars(&mut app, "their CFO hated us");
    ctrl(&mut app, 'f');
    let text = at_80(&mut app);
    assert!(text.contains("free text"), "{text}");
    key(&mut app, KeyCode::Esc); // stop picking
    key(&mut app, KeyCode::Esc); // leave
    assert_eq!(
        sentences(&app, "A1"),
        vec![("Churned, due to their CFO hated us".to_string(), ChainStatus::Draft)]
    );
    app.open_account("A1");
    key(&mut app, KeyCode::Char('c'));
    let text = at_80(&mut app);
    assert!(text.contains("draft #"), "{text}");
    assert!(text.contains("⚑ free text"), "{text}");
    // Note, reorder, insert, remove on links.
    chars(&mut app, "partner pr");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter); // empty query: done picking
    app.handle_key(KeyEvent::new(KeyCode::Up, KeyModifiers::ALT));
    ctrl(&mut app, 'n');
    chars(&mut app, "SI went bust");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    let chains = app.store().churn_chains_for_account("A1").expect("chains");
    assert_eq!(chains.len(), 1);
    assert_eq!(chains[0].status, ChainStatus::Saved);
    assert_eq!(chains[0].sentence(), "Churned, due to Partner problem, due to their CFO hated us");
    assert_eq!(chains[0].links[0].note, "SI went bust");
}

#[test]
fn the_report_opens_the_chains_behind_a_row_and_a_chain_in_the_editor() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    open_churn(&mut app);
    let text = at_80(&mut app);
    assert!(text.contains("ARR lost 33,000.00"), "{text}");
    assert!(text.contains("controllable 24.2% of lost ARR"), "{text}");
    insta::assert_snapshot!("report_80x24", text.clone());
    // The first row is Budget cut (25,000); the second Failed implementation.
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    app.resize(160, 48);
    insta::assert_snapshot!("report_drill_160x48", screen(&app, 160, 48));
    // CSM filter: ana only.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('C'));
    let text = at_80(&mut app);
    assert!(text.contains("CSM ana"), "{text}");
    assert!(text.contains("ARR lost 8,000.00"), "{text}");
    key(&mut app, KeyCode::Char('x'));
    // By any link: New sponsor appears too.
    key(&mut app, KeyCode::Char('b'));
    let text = at_80(&mut app);
    assert!(text.contains("Cause (any link)") && text.contains("New sponsor"), "{text}");
    key(&mut app, KeyCode::Char('b'));
    // Open Hooli's chain and edit it: history is kept.
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    let text = at_80(&mut app);
    assert!(text.contains("saved chain #1"), "{text}");
    chars(&mut app, "partner tr");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    assert_eq!(app.store().churn_chain_versions(1).expect("versions").len(), 1);
    assert!(sentences(&app, "A4")[0].0.ends_with("due to Partner training"));
}

#[test]
fn snapshots_of_the_editor() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    app.open_account("A2");
    key(&mut app, KeyCode::Char('c'));
    chars(&mut app, "new sp");
    key(&mut app, KeyCode::Enter);
    chars(&mut app, "impl");
    insta::assert_snapshot!("editor_picking_80x24", at_80(&mut app));
    app.resize(160, 48);
    insta::assert_snapshot!("editor_picking_160x48", screen(&app, 160, 48));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("editor_browse_80x24", at_80(&mut app));
}

#[test]
fn snapshots_of_the_account_with_its_chains() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    app.open_account("A4");
    insta::assert_snapshot!("account_chains_80x24", at_80(&mut app));
    open_churn(&mut app);
    app.resize(160, 48);
    insta::assert_snapshot!("report_160x48", screen(&app, 160, 48));
    // Any link, then the editor at 160×48 on a saved chain.
    key(&mut app, KeyCode::Char('b'));
    app.resize(80, 24);
    insta::assert_snapshot!("report_any_link_80x24", screen(&app, 80, 24));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    app.resize(160, 48);
    insta::assert_snapshot!("editor_saved_160x48", screen(&app, 160, 48));
}

/// Goes to the Churn pane by its number in the tab bar.
#[test]
fn a_long_cause_shows_whole_when_there_is_room() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let long = "the new procurement office moved every vendor onto a single framework";
    let store = Store::open(&path).expect("store");
    let mut acme =
        ChurnChain::new("A1", ChurnEvent::Churned, date("2025-05-01"), Money::from_units(1_000));
    acme.links = vec![ChainLink::free_text(long)];
    let at: DateTime<Utc> = "2025-05-30T10:00:00Z".parse().expect("at");
    store.save_churn_chain(&acme, "ana", at).expect("save");
    drop(store);
    let mut app = app(&path);
    open_churn(&mut app);
    app.resize(160, 48);
    let text = screen(&app, 160, 48);
    assert!(text.contains(&format!("│ {long} ⚑ free text")), "{text}");
    // At 80 columns the cause gives way, the numbers stay whole.
    let text = at_80(&mut app);
    let row = text.lines().find(|line| line.contains("│ the new procurement")).expect("row");
    assert!(row.contains('…') && row.contains("1,000.00"), "{text}");
}

fn open_churn(app: &mut App) {
    let index = app.pane_scopes().iter().position(|(scope, _)| *scope == "churn").expect("pane");
    let digit = char::from_digit(u32::try_from(index + 1).expect("index"), 10).expect("digit");
    key(app, KeyCode::Char(digit));
    assert_eq!(app.active_title(), "Churn");
}

#[test]
fn today_asks_why_a_renewal_was_lost_until_a_chain_says_it() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let store = Store::open(&path).expect("store");
    Book::new()
        .accounts(
            "id, name,             csm, am, stage,    health, health_since, arr, units, last_touch
         A5, Vandelay Imports, ana, ,   adoption, red,    2025-03-01,   0,   0,     2025-05-12",
        )
        .contracts(
            "contract_id, account_id, product, start_date, end_date,   arr,  units, billing
         V1,          A5,         Core,    2024-05-11, 2025-05-10, 9000, 5,     annual",
        )
        .snapshots(
            "account_id, product, month,   arr,  units
         A5,         Core,    2025-04, 9000, 5
         A5,         Core,    2025-05, 0,    0",
        )
        .write(&store);
    drop(store);
    let mut app = app(&path);
    assert_eq!(app.active_title(), "Today");
    let text = screen(&app, 160, 48);
    assert!(
        text.contains("ended 2025-05-10 (22 days ago), 9.0k lost: record why with c"),
        "{text}"
    );
    assert!(text.contains("renewal lost"), "{text}");
    for _ in 0..20 {
        if app.selected_account().as_deref() == Some("A5") {
            break;
        }
        key(&mut app, KeyCode::Char('j'));
    }
    assert_eq!(app.selected_account().as_deref(), Some("A5"));
    key(&mut app, KeyCode::Char('c'));
    assert_eq!(app.active_title(), "Churn");
    chars(&mut app, "budget c");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    // Budget cut is uncontrollable: the editor asks once; saved as is.
    key(&mut app, KeyCode::Enter);
    assert_eq!(sentences(&app, "A5")[0].0, "Churned, due to Budget cut");
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(app.active_title(), "Today");
    let text = screen(&app, 160, 48);
    assert!(!text.contains("record why with c"), "the row goes once the chain is saved:\n{text}");
}

/// Selects the taxonomy entry whose line contains `label`.
fn select_entry(app: &mut App, label: &str) {
    key(app, KeyCode::Char('g'));
    for _ in 0..40 {
        let text = screen(app, 160, 48);
        if text
            .lines()
            .any(|l| l.contains(&format!("│{label} ")) && text.contains(&format!("{label} · ")))
        {
            return;
        }
        key(app, KeyCode::Char('j'));
    }
    panic!("no entry {label}");
}

#[test]
fn the_taxonomy_is_edited_in_the_app() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    open_churn(&mut app);
    key(&mut app, KeyCode::Char('T'));
    let text = at_80(&mut app);
    assert!(text.contains("Churn taxonomy"), "{text}");
    insta::assert_snapshot!("taxonomy_80x24", text);
    insta::assert_snapshot!("taxonomy_160x48", screen(&app, 160, 48));
    // Add an entry: label, kind (↓: uncontrollable), description.
    key(&mut app, KeyCode::Char('a'));
    chars(&mut app, "Data migration");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Tab);
    chars(&mut app, "Their data never moved over");
    key(&mut app, KeyCode::Enter);
    let added = app.store().churn_reason_by_label("data migration").expect("read").expect("added");
    assert_eq!(added.kind, cockpit::domain::churn::ReasonKind::Uncontrollable);
    assert_eq!(added.description, "Their data never moved over");
    // Mark it controllable, rename it, retire it, then delete it.
    select_entry(&mut app, "Data migration");
    key(&mut app, KeyCode::Char('m'));
    key(&mut app, KeyCode::Char('r'));
    for _ in 0.."Data migration".len() {
        key(&mut app, KeyCode::Backspace);
    }
    chars(&mut app, "Data migration failed");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('d'));
    let entry =
        app.store().churn_reason_by_label("Data migration failed").expect("read").expect("renamed");
    assert_eq!(entry.kind, cockpit::domain::churn::ReasonKind::Controllable);
    assert!(entry.retired);
    assert!(screen(&app, 160, 48).contains("retired"), "the status line says what was done");
    key(&mut app, KeyCode::Char('X'));
    key(&mut app, KeyCode::Char('y'));
    assert!(app.store().churn_reason_by_label("Data migration failed").expect("read").is_none());
    // An entry in use cannot be deleted: the status line says why.
    select_entry(&mut app, "New sponsor");
    key(&mut app, KeyCode::Char('X'));
    let text = screen(&app, 160, 48);
    assert!(text.contains("\"New sponsor\" is used by 1 chain: retire it (d)"), "{text}");
    assert!(app.store().churn_reason_by_label("New sponsor").expect("read").is_some());
    // Esc goes back to the report.
    key(&mut app, KeyCode::Esc);
    assert!(at_80(&mut app).contains("Churn report"));
}

#[test]
fn a_draft_is_discarded_after_one_ask_and_the_editor_returns_to_its_caller() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    app.open_account("A1");
    key(&mut app, KeyCode::Char('c'));
    chars(&mut app, "budget");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Esc); // stop picking
    key(&mut app, KeyCode::Esc); // leave, keeping a draft
    assert_eq!(app.active_title(), "Account", "leaving goes back too");
    assert_eq!(sentences(&app, "A1").len(), 1);
    key(&mut app, KeyCode::Char('c'));
    let text = at_80(&mut app);
    assert!(text.contains("draft #"), "{text}");
    assert!(text.contains("Ctrl-X discard draft"), "the footer offers it:\n{text}");
    ctrl(&mut app, 'x');
    let text = at_80(&mut app);
    assert!(text.contains("Discard this draft?"), "asks first:\n{text}");
    assert_eq!(sentences(&app, "A1").len(), 1, "not yet");
    ctrl(&mut app, 'x');
    assert!(sentences(&app, "A1").is_empty(), "the draft is gone");
    assert_eq!(app.active_title(), "Account");
}

#[test]
fn a_question_mark_in_the_picker_opens_help_and_is_not_typed() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    app.open_account("A1");
    key(&mut app, KeyCode::Char('c'));
    chars(&mut app, "bud");
    key(&mut app, KeyCode::Char('?'));
    let text = at_80(&mut app);
    let Some(cockpit::tui::popups::Popup::Help(cockpit::tui::popups::HelpPopup {
        sections, ..
    })) = app.popup()
    else {
        panic!("help is open:\n{text}")
    };
    assert!(
        sections.iter().any(|(title, keys)| title == "Chain editor · picking a cause"
            && keys.iter().any(|(key, what)| key == "Ctrl-X" && what.contains("discard"))),
        "help lists the editor's keys:\n{text}"
    );
    assert_eq!(sections.len(), 1, "the report's keys do not apply while editing:\n{text}");
    key(&mut app, KeyCode::Esc); // closes help
    chars(&mut app, "get");
    key(&mut app, KeyCode::Enter);
    chars(&mut app, "price");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 's');
    assert_eq!(sentences(&app, "A1")[0].0, "Churned, due to Budget cut, due to Price / value");
}

#[test]
fn the_editor_footer_is_never_cut_at_80_columns() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    app.open_account("A1");
    key(&mut app, KeyCode::Char('c'));
    chars(&mut app, "budget");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter); // done picking: the chain's own keys
    let text = at_80(&mut app);
    for hint in
        ["Ctrl-S save", "Esc leave", "Ctrl-T churned/contracted", "Tab fields", "? all keys"]
    {
        assert!(text.contains(hint), "{hint:?} whole in the footer:\n{text}");
    }
    // No hint runs into the border or is broken over two lines.
    let footer: Vec<&str> = text.lines().rev().skip(3).take(2).collect();
    for line in footer {
        assert!(!line.trim_end_matches('│').trim_end().ends_with("Ctrl-"), "{text}");
    }
}
