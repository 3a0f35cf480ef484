//! The hunter's pipeline in the cockpit: the pipeline view of Targets (`P`)
//! worked in place (stages both ways, won stamped today, lost with a
//! reason, edits, undo, filters, a red account's deal reachable), the
//! Deals section of the account view, the cross-sell candidates of a
//! target and the adoption grid (`X`). Headless on a small fixed book with
//! a fixed clock, snapshots at 80×24 and 160×48; and the real binary in a
//! pty moving a deal to won, editing its close date and finding it as
//! upsell in the account's I/R/U after a restart.

use crate::common;

use chrono::{NaiveDate, TimeZone, Utc};
use cockpit::clock::Clock;
use cockpit::domain::opportunity::{OpportunityFields, OpportunityKind, OpportunityStage};
use cockpit::domain::{Config, Money};
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use cockpit_core::testkit::Book;
use common::frame::resized as screen;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
}

/// Eight mid-market accounts in one ARR band (10k–50k): six hold Core and
/// Analytics (Analytics at 1,000 … 6,000), Acme and Red Co hold Core only,
/// so Acme's Analytics is valued from six peers (lower median 3,000).
/// Red Co is red. Three deals: Acme's in commit, Red Co's in proposal,
/// Peer 1's won.
fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("book.db");
    let mut accounts = String::from(
        "id, name,    csm, am, segment,    stage,      potential_units, health, arr,   units
         A1, Acme,    ana, bo, Mid-Market, absorption, 100,             green,  20000, 20
         R1, Red Co,  ana, bo, Mid-Market, adoption,   50,              red,    15000, 10",
    );
    let mut snapshots = String::from(
        "account_id, product,   month,   arr,   units
         A1,         Core,      2025-05, 20000, 20
         R1,         Core,      2025-05, 15000, 10",
    );
    let mut contracts = String::from(
        "contract_id, account_id, product, start_date, end_date,   arr,   units
         C1,          A1,         Core,    2024-07-01, 2025-06-30, 20000, 20
         C2,          R1,         Core,    2024-09-01, 2025-08-31, 15000, 10",
    );
    for i in 1..=6 {
        let am = if i % 2 == 0 { "cy" } else { "bo" };
        accounts.push_str(&format!(
            "\n P{i}, Peer {i}, ana, {am}, Mid-Market, absorption, 40, green, 30000, 20"
        ));
        snapshots.push_str(&format!(
            "\n P{i}, Core, 2025-05, {}, 10\n P{i}, Analytics, 2025-05, {}, 10",
            30000 - i * 1000,
            i * 1000
        ));
        contracts.push_str(&format!(
            "\n CP{i}, P{i}, Core, 2024-10-01, 2025-09-30, {}, 10",
            30000 - i * 1000
        ));
    }
    let path =
        Book::new().accounts(&accounts).snapshots(&snapshots).contracts(&contracts).create(&path);
    let store = Store::open(&path).expect("store");
    let at = Utc.with_ymd_and_hms(2025, 5, 1, 9, 0, 0).single().expect("time");
    let deal =
        |product: &str, arr: i64, stage, owner: &str, close: Option<(i32, u32, u32)>, next| {
            OpportunityFields {
                product: product.into(),
                kind: OpportunityKind::CrossSell,
                arr: Money::from_units(arr),
                stage,
                owner: owner.into(),
                close_date: close.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
                next_step: String::from(next),
            }
        };
    store
        .add_opportunity(
            "A1",
            &deal(
                "Analytics",
                3000,
                OpportunityStage::Commit,
                "bo",
                Some((2025, 9, 30)),
                "send order form",
            ),
            at,
        )
        .expect("acme");
    store
        .add_opportunity(
            "R1",
            &deal(
                "Analytics",
                2500,
                OpportunityStage::Proposal,
                "cy",
                Some((2025, 7, 15)),
                "rescue call",
            ),
            at,
        )
        .expect("red");
    store
        .add_opportunity(
            "P1",
            &deal("Mobile", 1200, OpportunityStage::Won, "bo", Some((2025, 4, 2)), ""),
            at,
        )
        .expect("won");
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

fn chars(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn open_pipeline(app: &mut App) {
    key(app, KeyCode::Char('5'));
    assert_eq!(app.active_title(), "Targets");
    app.settle_background();
    key(app, KeyCode::Char('P'));
}

fn stage_of(app: &App, account: &str) -> OpportunityStage {
    app.store().opportunities(account).expect("deals")[0].fields.stage
}

#[test]
fn the_pipeline_lists_by_stage_with_totals_and_is_worked_in_place() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path);
    open_pipeline(&mut app);
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("Pipeline"), "{text}");
    // By stage: proposal (Red Co, a red account's deal) before commit, then won.
    let red = text.find("Red Co").expect("red");
    let acme = text.find("Acme").expect("acme");
    let peer = text.find("Peer 1").expect("peer");
    assert!(red < acme && acme < peer, "{text}");
    // Totals by hand: open 2,500 + 3,000 = 5,500 in two deals.
    assert!(text.contains("2 open, 5.5k"), "{text}");
    assert!(text.contains("proposal 1 · 2.5k"), "{text}");
    assert!(text.contains("commit 1 · 3.0k"), "{text}");
    assert!(text.contains("won 1 · 1.2k"), "{text}");
    assert!(text.contains("bo 1 open 3.0k / 1 won 1.2k"), "{text}");
    assert!(text.contains("cy 1 open 2.5k / 0 won"), "{text}");
    // Red Co's deal is selected first; - moves it back, + forward again, u undoes.
    assert_eq!(app.selected_account().as_deref(), Some("R1"));
    key(&mut app, KeyCode::Char('-'));
    assert_eq!(stage_of(&app, "R1"), OpportunityStage::Qualified);
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(stage_of(&app, "R1"), OpportunityStage::Proposal);
    // Acme's commit deal: + wins it, today stamped as its close date.
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.selected_account().as_deref(), Some("A1"));
    key(&mut app, KeyCode::Char('+'));
    let won = app.store().opportunities("A1").expect("deals").remove(0);
    assert_eq!(won.fields.stage, OpportunityStage::Won);
    assert_eq!(won.fields.close_date, Some(today()));
    // The cursor stays on the deal; E edits its close date (a won deal's may be past).
    assert_eq!(app.selected_account().as_deref(), Some("A1"));
    key(&mut app, KeyCode::Char('E'));
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("Edit the opportunity"), "{text}");
    // From ARR: Kind, Owner, Close.
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    for _ in 0..10 {
        key(&mut app, KeyCode::Backspace);
    }
    chars(&mut app, "2025-05-28");
    key(&mut app, KeyCode::Enter);
    assert!(app.popup().is_none(), "{:?}", app.popup());
    let won = app.store().opportunities("A1").expect("deals").remove(0);
    assert_eq!(won.fields.close_date, NaiveDate::from_ymd_opt(2025, 5, 28));
    assert_eq!(won.fields.stage, OpportunityStage::Won);
    // u puts the close date back (today), again puts the stage back.
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.store().opportunities("A1").expect("d")[0].fields.close_date, Some(today()));
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(stage_of(&app, "A1"), OpportunityStage::Commit);
    // L asks why; the reason is kept.
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('L'));
    chars(&mut app, "no budget this year");
    key(&mut app, KeyCode::Enter);
    let lost = app.store().opportunities("R1").expect("deals").remove(0);
    assert_eq!(lost.fields.stage, OpportunityStage::Lost);
    assert_eq!(lost.lost.map(|l| l.reason).as_deref(), Some("no budget this year"));
    // Filters: stage, owner, mine; x clears.
    key(&mut app, KeyCode::Char('s'));
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("filter: stage identified"), "{text}");
    assert!(text.contains("No opportunity matches"), "{text}");
    key(&mut app, KeyCode::Char('x'));
    key(&mut app, KeyCode::Char('a'));
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("filter: owner bo") && !text.contains("Red Co"), "{text}");
    key(&mut app, KeyCode::Char('x'));
    key(&mut app, KeyCode::Char('m'));
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("3 of 3 opportunities"), "ana is every account's CSM: {text}");
    // Enter opens the deal's account; P goes back to the targets.
    key(&mut app, KeyCode::Char('x'));
    key(&mut app, KeyCode::Char('P'));
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("Upsell targets"), "{text}");
}

#[test]
fn the_deals_section_lists_an_accounts_deals_and_adds_one() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path);
    open_pipeline(&mut app);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.active_title(), "Account");
    // A deal key shows the Deals section.
    key(&mut app, KeyCode::Char('E'));
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("1 open of 1"), "{text}");
    assert!(text.contains("send order form"), "{text}");
    key(&mut app, KeyCode::Char('O'));
    chars(&mut app, "Mobile");
    key(&mut app, KeyCode::Tab);
    chars(&mut app, "1500");
    key(&mut app, KeyCode::Enter);
    assert!(app.popup().is_none(), "{:?}", app.popup());
    assert_eq!(app.store().opportunities("A1").expect("deals").len(), 2);
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("2 open of 2"), "{text}");
    // u (in the pipeline, still shown in Targets) removes the deal just recorded.
    key(&mut app, KeyCode::Char('5'));
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.store().opportunities("A1").expect("deals").len(), 1);
}

#[test]
fn a_target_shows_its_cross_sell_candidates_and_the_grid_its_adoption() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path);
    key(&mut app, KeyCode::Char('5'));
    // Any key starts the background reads; the grid waits for its picture.
    key(&mut app, KeyCode::Char('X'));
    let text = screen(&mut app, 160, 48);
    // Analytics: six of eight mid-market accounts hold it.
    assert!(text.contains("6/8  75%"), "{text}");
    assert!(text.contains("8/8 100%"), "{text}");
    key(&mut app, KeyCode::Char('X'));
    // Acme (selected when first) lacks Analytics: 1,000 … 6,000 → 3,000 from 6 peers.
    for _ in 0..8 {
        if app.selected_account().as_deref() == Some("A1") {
            break;
        }
        key(&mut app, KeyCode::Char('j'));
    }
    assert_eq!(app.selected_account().as_deref(), Some("A1"));
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("Cross-sell: Analytics 3.0k (6 peers)"), "{text}");
}

#[test]
fn snapshots_of_the_pipeline_the_deals_and_the_grid() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path);
    open_pipeline(&mut app);
    insta::assert_snapshot!("pipeline_80x24", screen(&mut app, 80, 24));
    insta::assert_snapshot!("pipeline_160x48", screen(&mut app, 160, 48));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('E'));
    insta::assert_snapshot!("deals_80x24", screen(&mut app, 80, 24));
    insta::assert_snapshot!("deals_160x48", screen(&mut app, 160, 48));
    key(&mut app, KeyCode::Char('5'));
    key(&mut app, KeyCode::Char('P'));
    key(&mut app, KeyCode::Char('X'));
    insta::assert_snapshot!("cross_sell_grid_80x24", screen(&mut app, 80, 24));
    insta::assert_snapshot!("cross_sell_grid_160x48", screen(&mut app, 160, 48));
}

/// The real binary in a pseudo-terminal, the screen parsed with vt100.
#[cfg(unix)]
mod pty {
    use crate::common::pty::Screen;

    #[test]
    fn a_deal_moved_to_won_and_redated_is_upsell_in_the_iru_after_a_restart() {
        let dir = tempfile::tempdir().expect("dir");
        let db = super::fixture(dir.path());
        let mut screen = Screen::open(&db);
        screen.wait_for("Today");
        screen.send("5");
        screen.wait_for("Upsell targets");
        screen.send("P");
        screen.wait_for("2 open, 5.5k");
        // Red Co's proposal is first: to commit, then won.
        screen.send("+");
        screen.wait_for("commit 2 · 5.5k");
        screen.send("+");
        let text = screen.wait_for("won 2 · 3.7k");
        assert!(text.contains("2025-06-01"), "won today: {text}");
        // Its close date, edited: the day it was really won.
        screen.send("E");
        screen.wait_for("Edit the opportunity");
        screen.send("\t\t\t");
        screen.send(&"\u{7f}".repeat(10));
        screen.send("2025-05-30\r");
        let text = screen.wait_for("saved:");
        assert!(text.contains("edited"), "{text}");
        screen.wait_for("2025-05-30");
        screen.quit();

        let mut screen = Screen::open(&db);
        screen.wait_for("Today");
        screen.send("5");
        screen.wait_for("Upsell targets");
        screen.send("P");
        screen.wait_for("won 2 · 3.7k");
        // Won first among the won (by close date): Red Co's on 2025-05-30 after Peer 1's.
        screen.send("G");
        screen.send("\r");
        screen.wait_for("Red Co");
        // The ARR & I/R/U section: 2025 shows the deal as upsell.
        screen.send("lll");
        let text = screen.wait_for("Bookings per year");
        assert!(text.contains("U 2.5k"), "{text}");
        screen.quit();
    }
}
