//! The 4A board and the upsell targets, driven headless on a small fixed book
//! with a fixed clock: keys in, the store checked, snapshots at 80×24 and
//! 160×48; and the real binary in a pty that moves a stage and records an
//! opportunity, quits, reopens and finds both.

use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::opportunity::OpportunityStage;
use cockpit::domain::success_plan::{PlanValue, SuccessPlanFields};
use cockpit::domain::trial::{Takeaway, TrialFields};
use cockpit::domain::{Config, Money, Stage};
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use cockpit_core::testkit::{Book, d as day};
use common::frame::resized as screen;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
}

/// Seven accounts over the four stages, with potentials (so whitespace), a
/// long-settled yellow account (resting, not stuck), a trial past its end
/// and a success plan behind.
fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("book.db");
    let book = Book::new()
        .accounts(
            "id, name,             csm, am, stage,      stage_since, potential_units, health, health_since,         flags, arr,    units, last_touch
             A1, Acme Corp,        ana, bo, absorption, 2025-03-01,  100,             green,  2025-01-10T09:00:00Z, 0,     120000, 60,    2025-05-20
             A2, Globex,           ana, bo, adoption,   2024-06-01,  50,              yellow, 2025-05-25T09:00:00Z, 0,     60000,  10,    2025-05-20
             A3, Initech,          ana, cy, addiction,  2025-05-01,  20,              ,       ,                     0,     25000,  5,     2025-05-20
             A4, Umbrella Health,  ana, cy, adaptation, 2025-01-15,  40,              green,  2024-12-01T09:00:00Z, 0,     15000,  30,    2025-05-30
             A5, Hooli,            ana, bo, adoption,   2025-04-01,  20,              red,    2025-04-01T09:00:00Z, 0,     8000,   4,     2025-05-15
             A6, Wonka Industries, ana, ,   absorption, 2025-02-01,  10,              orange, 2025-03-01T09:00:00Z, 0,     2000,   8,     2025-05-01
             A7, Stark Logistics,  ana, bo, adoption,   2025-05-20,  300,             green,  2025-05-01T09:00:00Z, 0,     9000,   30,    2025-05-28",
        )
        .contracts(
            "contract_id, account_id, product, start_date, end_date,   arr,    units, billing
             C1,          A1,         Core,    2024-07-01, 2025-06-30, 120000, 60,    annual
             C2,          A2,         Core,    2024-08-15, 2025-08-14, 60000,  10,    prepaid
             C3,          A3,         Core,    2025-01-01, 2025-12-31, 25000,  5,     annual
             C4,          A4,         Core,    2024-10-01, 2025-09-30, 15000,  30,    annual
             C5,          A6,         Core,    2025-03-01, 2026-02-28, 2000,   8,     annual
             C6,          A7,         Core,    2025-05-01, 2026-04-30, 9000,   30,    annual",
        )
        .snapshots(
            "account_id, product,  month,   arr,    units
             A1,         Core,     2025-05, 120000, 60
             A2,         Core,     2025-05, 60000,  10
             A3,         Core,     2025-05, 25000,  5
             A4,         Core,     2025-05, 10000,  20
             A4,         Insights, 2025-05, 5000,   10
             A6,         Core,     2025-05, 2000,   8
             A7,         Core,     2025-05, 9000,   30",
        );
    let path = book.create(&path);
    let store = Store::open(&path).expect("store");
    store
        .add_trial(
            "A3",
            &TrialFields {
                product: "Core".into(),
                start_date: day(2025, 4, 1),
                end_date: day(2025, 5, 20),
                success_criteria: "ten teams onboarded".into(),
                takeaway: Takeaway::NotYet,
                note: String::new(),
            },
        )
        .expect("trial");
    store
        .add_success_plan(
            "A4",
            &SuccessPlanFields {
                measure: "hours saved per week".into(),
                unit: "hours".into(),
                baseline: PlanValue(1000),
                target: PlanValue(3000),
                current: PlanValue(1100),
                start_date: day(2025, 1, 1),
                target_date: day(2025, 7, 1),
            },
            "2025-05-01T09:00:00Z".parse().expect("time"),
        )
        .expect("success plan");
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

fn open_board(app: &mut App) {
    key(app, KeyCode::Char('4'));
    assert_eq!(app.active_title(), "4A board");
}

fn open_targets(app: &mut App) {
    key(app, KeyCode::Char('5'));
    assert_eq!(app.active_title(), "Targets");
}

#[test]
fn the_board_moves_across_columns_and_cards() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path);
    open_board(&mut app);
    // Addiction first: Initech alone.
    assert_eq!(app.selected_account().as_deref(), Some("A3"));
    key(&mut app, KeyCode::Char('l'));
    // Adoption by ARR: Globex 60k, Stark 9k, Hooli 8k.
    assert_eq!(app.selected_account().as_deref(), Some("A2"));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.selected_account().as_deref(), Some("A7"));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.selected_account().as_deref(), Some("A5"));
    key(&mut app, KeyCode::Char('h'));
    key(&mut app, KeyCode::Char('h'));
    // Wraps to Adaptation.
    assert_eq!(app.selected_account().as_deref(), Some("A4"));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.active_title(), "Account");
    assert_eq!(app.selected_account().as_deref(), Some("A4"));
}

#[test]
fn moving_a_stage_needs_a_reason_and_is_written_at_once() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path);
    open_board(&mut app);
    key(&mut app, KeyCode::Char('l'));
    assert_eq!(app.selected_account().as_deref(), Some("A2"));
    // > proposes the next stage; Enter without a reason is refused.
    key(&mut app, KeyCode::Char('>'));
    assert!(app.popup().is_some());
    key(&mut app, KeyCode::Enter);
    assert!(app.popup().is_some(), "a move without a reason must not close the form");
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("a reason is required"), "{text}");
    assert!(app.store().stage_history("A2").expect("history").is_empty());
    assert_eq!(app.book().by_id("A2").map(|r| r.stage), Some(Stage::Adoption));
    // Esc cancels: nothing written.
    key(&mut app, KeyCode::Esc);
    assert!(app.popup().is_none());
    assert!(app.store().stage_history("A2").expect("history").is_empty());
    // m, Tab to pick, a reason, Enter: written.
    key(&mut app, KeyCode::Char('m'));
    chars(&mut app, "rolled out to finance");
    key(&mut app, KeyCode::Enter);
    assert!(app.popup().is_none());
    let history = app.store().stage_history("A2").expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].stage, Stage::Absorption);
    assert_eq!(history[0].reason, "rolled out to finance");
    assert_eq!(history[0].who, "ana");
    assert_eq!(app.status().map(|s| s.error), Some(false));
    // The card moved in place and stays selected, in the absorption column.
    assert_eq!(app.selected_account().as_deref(), Some("A2"));
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("3 Absorption · 3 · 182.0k"), "{text}");
    assert!(text.contains("2 Adoption · 2 · 17.0k"), "{text}");
    // < from Addiction: there is no earlier stage.
    key(&mut app, KeyCode::Char('h'));
    key(&mut app, KeyCode::Char('h'));
    assert_eq!(app.selected_account().as_deref(), Some("A3"));
    key(&mut app, KeyCode::Char('<'));
    assert!(app.popup().is_none());
    assert!(app.status().is_some_and(|s| s.text.contains("first stage")));
}

#[test]
fn stage_suggestions_are_listed_and_accepted_or_dismissed() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path);
    open_board(&mut app);
    key(&mut app, KeyCode::Char('s'));
    let text = screen(&mut app, 160, 48);
    // Stark: one product, 30 of 300 seats (10%), set to adoption: agrees.
    assert!(!text.contains("Stark Logistics"), "{text}");
    // Acme has 60 of 100 (60%): absorption agrees. Globex 10 of 50 = 20%: absorption.
    assert!(text.contains("Globex"), "{text}");
    assert!(text.contains("absorption 20% (20% or more)"), "{text}");
    let before = text.matches(" → ").count();
    // Dismiss the first listed, accept the next.
    let first = app.selected_account().expect("a suggestion");
    key(&mut app, KeyCode::Char('D'));
    let text = screen(&mut app, 160, 48);
    assert_eq!(text.matches(" → ").count(), before - 1, "{text}");
    let second = app.selected_account().expect("another suggestion");
    assert_ne!(first, second);
    key(&mut app, KeyCode::Char('A'));
    let history = app.store().stage_history(&second).expect("history");
    assert_eq!(history.len(), 1);
    assert!(history[0].reason.starts_with("suggested: "), "{:?}", history[0]);
    let text = screen(&mut app, 160, 48);
    assert_eq!(text.matches(" → ").count(), before - 2, "{text}");
}

#[test]
fn targets_rank_filter_and_explain() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path);
    open_targets(&mut app);
    // Whitespace: Globex 240k × yellow 80% × adoption 50% = 96k; Stark 81k ×
    // green × adoption 50% = 40.5k; Acme 80k × green × absorption × renews in
    // 29 days 20% = 16k; Initech 75k × unset 50% × addiction 20% = 7.5k;
    // Umbrella 5k; Wonka 500 × orange 30% = 150. Hooli is red: out.
    let text = screen(&mut app, 160, 48);
    let order: Vec<usize> = ["Globex", "Stark", "Acme", "Initech", "Umbrella", "Wonka"]
        .iter()
        .map(|name| text.find(name).unwrap_or(usize::MAX))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(!text.contains("Hooli"), "{text}");
    assert!(text.contains("6 of 6 targets"), "{text}");
    assert!(text.contains("priority 96,000.00 = 240,000.00 unsold × health yellow 80%"), "{text}");
    // AM: bo, then cy.
    key(&mut app, KeyCode::Char('a'));
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("3 of 6 targets"), "{text}");
    assert!(text.contains("filter: AM bo"), "{text}");
    key(&mut app, KeyCode::Char('a'));
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("2 of 6 targets"), "{text}");
    assert_eq!(app.selected_account().as_deref(), Some("A3"));
    key(&mut app, KeyCode::Char('x'));
    // Product Insights: only Umbrella holds it.
    key(&mut app, KeyCode::Char('p'));
    key(&mut app, KeyCode::Char('p'));
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("1 of 6 targets"), "{text}");
    assert_eq!(app.selected_account().as_deref(), Some("A4"));
    key(&mut app, KeyCode::Char('x'));
    // Stage: addiction → Initech; health green → 3; tier 1.
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.selected_account().as_deref(), Some("A3"));
    key(&mut app, KeyCode::Char('x'));
    key(&mut app, KeyCode::Char('h'));
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("3 of 6 targets"), "{text}");
    key(&mut app, KeyCode::Char('x'));
    key(&mut app, KeyCode::Char('t'));
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("filter: tier 1"), "{text}");
    // The rule is in ? help.
    key(&mut app, KeyCode::Char('?'));
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("whitespace × the four weights below"), "{text}");
}

#[test]
fn recording_and_advancing_an_opportunity() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path);
    open_targets(&mut app);
    assert_eq!(app.selected_account().as_deref(), Some("A2"));
    // `O` records an opportunity (`o` edits the owners, as in every pane).
    key(&mut app, KeyCode::Char('O'));
    assert!(app.popup().is_some());
    // Without a product it is refused.
    key(&mut app, KeyCode::Enter);
    assert!(app.popup().is_some());
    chars(&mut app, "Insights");
    key(&mut app, KeyCode::Tab);
    chars(&mut app, "24000");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    chars(&mut app, "2025-09-30");
    key(&mut app, KeyCode::Enter);
    assert!(app.popup().is_none(), "{:?}", app.popup());
    let opportunities = app.store().opportunities("A2").expect("opportunities");
    assert_eq!(opportunities.len(), 1);
    let fields = &opportunities[0].fields;
    assert_eq!(fields.product, "Insights");
    assert_eq!(fields.arr, Money::from_units(24_000));
    assert_eq!(fields.stage, OpportunityStage::Qualified);
    assert_eq!(fields.owner, "bo");
    assert_eq!(fields.close_date, NaiveDate::from_ymd_opt(2025, 9, 30));
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("qualified 24.0k Insights"), "{text}");
    assert!(text.contains("Insights 24.0k qualified (bo, 2025-09-30)"), "{text}");
    // + advances after a confirm.
    key(&mut app, KeyCode::Char('+'));
    key(&mut app, KeyCode::Char('y'));
    let opportunity = app.store().opportunities("A2").expect("opportunities").remove(0);
    assert_eq!(opportunity.fields.stage, OpportunityStage::Proposal);
    key(&mut app, KeyCode::Char('L'));
    key(&mut app, KeyCode::Char('n'));
    let opportunity = app.store().opportunities("A2").expect("opportunities").remove(0);
    assert_eq!(opportunity.fields.stage, OpportunityStage::Proposal);
}

#[test]
fn today_lists_overdue_trials_and_plans_behind() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path);
    assert_eq!(app.active_title(), "Today");
    let text = screen(&mut app, 160, 48);
    assert!(text.contains("trial overdue"), "{text}");
    assert!(text.contains("Core trial ended 2025-05-20 (12 days ago)"), "{text}");
    assert!(text.contains("plan behind"), "{text}");
    assert!(text.contains("plan \"hours saved per week\" at 11 hours of 30"), "{text}");
}

#[test]
fn snapshots_of_the_board_and_the_targets() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path);
    open_board(&mut app);
    insta::assert_snapshot!("board_80x24", screen(&mut app, 80, 24));
    insta::assert_snapshot!("board_160x48", screen(&mut app, 160, 48));
    key(&mut app, KeyCode::Char('s'));
    insta::assert_snapshot!("board_suggestions_80x24", screen(&mut app, 80, 24));
    open_targets(&mut app);
    // The cross-sell candidates are read behind the screen.
    app.settle_background();
    insta::assert_snapshot!("targets_80x24", screen(&mut app, 80, 24));
    insta::assert_snapshot!("targets_160x48", screen(&mut app, 160, 48));
}

#[test]
fn a_long_target_name_shows_whole_when_there_is_room() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let long = "Stark Logistics and Freight Forwarding of the Northern Hemisphere Ltd";
    let conn = rusqlite::Connection::open(&path).expect("conn");
    conn.execute("UPDATE accounts SET name = ?1 WHERE id = 'A7'", [long]).expect("rename");
    drop(conn);
    let mut app = app(&path);
    open_targets(&mut app);
    // Rank 2 is not selected, so the name shows only in its row.
    let text = screen(&mut app, 160, 48);
    assert!(text.contains(&format!("   2 G {long} ")), "{text}");
    // At 80 columns the name gives way, the numbers stay whole.
    let text = screen(&mut app, 80, 24);
    let row = text.lines().find(|line| line.contains("   2 G Stark")).expect("row");
    assert!(row.contains('…') && row.contains("81.0k") && row.contains("40.5k"), "{text}");
}

/// The real binary in a pseudo-terminal, the screen parsed with vt100.
#[cfg(unix)]
mod pty {
    use crate::common::pty::Screen;

    #[test]
    fn move_a_stage_record_an_opportunity_quit_reopen_and_find_both() {
        let dir = tempfile::tempdir().expect("dir");
        let db = super::fixture(dir.path());
        let mut screen = Screen::open(&db);
        screen.wait_for("Today");
        screen.send("4");
        screen.wait_for("2 Adoption · 3 · 77.0k");
        // Globex, first card of Adoption, to the next stage with a reason.
        screen.send("l");
        screen.send(">");
        screen.wait_for("Move 4A stage");
        screen.send("\r");
        screen.wait_for("a reason is required");
        screen.send("pilot spread to finance\r");
        let text = screen.wait_for("saved:");
        assert!(text.contains("Globex moved to absorption"), "{text}");
        screen.send("5");
        screen.wait_for("Upsell targets");
        screen.send("O");
        screen.wait_for("Record an opportunity");
        screen.send("Insights\t24000\r");
        let text = screen.wait_for("saved:");
        assert!(text.contains("opportunity Insights 24.0k (identified) on Globex"), "{text}");
        screen.quit();

        let mut screen = Screen::open(&db);
        screen.wait_for("Today");
        screen.send("4");
        let text = screen.wait_for("3 Absorption · 3 · 182.0k");
        assert!(text.contains("2 Adoption · 2 · 17.0k"), "{text}");
        screen.send("5");
        let text = screen.wait_for("Opportunities: Insights 24.0k identified (bo)");
        assert!(text.contains("Globex"), "{text}");
        screen.quit();
    }
}

/// Times the two panes on a large book: `COCKPIT_BENCH_DB=<db> cargo test
/// --profile ci --test tui board:: -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_the_panes_on_a_large_book() {
    let Some(path) = std::env::var_os("COCKPIT_BENCH_DB") else { return };
    let store = Store::open(Path::new(&path)).expect("store");
    let clock = Clock::fixed(NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"));
    let today = clock.today();
    let config = Config::default();
    let start = std::time::Instant::now();
    let board = cockpit::read::board::board(&store, today, &config).expect("board");
    println!("store.board {:?} ({} accounts)", start.elapsed(), board.total_accounts());
    let start = std::time::Instant::now();
    let facts = cockpit::read::board::stage_facts(&store, today).expect("facts");
    println!("store.stage_facts {:?} ({})", start.elapsed(), facts.len());
    let rows = store.book_rows(today).expect("rows");
    let start = std::time::Instant::now();
    let positions =
        cockpit::read::positions::account_positions_from_rows(&store, &rows, today, &config)
            .expect("positions");
    println!("positions from book rows {:?}", start.elapsed());
    let start = std::time::Instant::now();
    let board = cockpit::metrics::board::Board::build(positions, today, config.stuck_stage_days);
    println!("Board::build {:?}", start.elapsed());
    drop(board);
    let start = std::time::Instant::now();
    let list = cockpit::read::positions::target_list(&store, today, &config).expect("targets");
    println!("store.target_list {:?} ({} targets)", start.elapsed(), list.len());
    let start = std::time::Instant::now();
    let products = store.snapshot_products().expect("products");
    let holders = store.product_holders(&products[0]).expect("holders");
    println!("products + holders {:?} ({})", start.elapsed(), holders.len());
    let mut app = App::new(store, clock, config, "nobody", Theme::plain()).expect("app");
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 48)).expect("terminal");
    app.resize(160, 48);
    for (pane, keys) in [('4', "jjjlljkkhG"), ('5', "jjjapstxhG")] {
        let start = std::time::Instant::now();
        key(&mut app, KeyCode::Char(pane));
        terminal.draw(|frame| app.draw(frame)).expect("draw");
        let open = start.elapsed();
        let mut worst = std::time::Duration::ZERO;
        for c in keys.chars() {
            let start = std::time::Instant::now();
            key(&mut app, KeyCode::Char(c));
            terminal.draw(|frame| app.draw(frame)).expect("draw");
            worst = worst.max(start.elapsed());
        }
        println!("{}: open {open:?}, worst key + redraw {worst:?}", app.active_title());
    }
}
