//! The Metrics pane driven headless on a small book whose every number is
//! computed by hand below, with a fixed clock: keys in, screens checked for
//! the numbers, drill-downs opened, and each section snapshotted at 80×24
//! and 160×48.
//!
//! The book, ARR in thousands at month ends (snapshots 2023-11 … 2025-05):
//! - A1 Acme: 100 from 2024-01, 200 from 2025-03 (expansion +100).
//! - A2 Globex: 50 from 2024-01 to 2024-12, then gone (lost 50).
//! - A3 Initech: 40 from 2024-01, 30 from 2025-02 (contraction −10).
//! - A4 Umbrella: 10 from 2024-01, flat.
//! - A5 Hooli: new 20 in 2024-09, 25 from 2025-04 (new logo, expansion +5).
//! - A6 Wonka: 5 from 2023-11, flat (the 2023 cohort).
//! - A7 Stark: new 8 in 2025-02 (the 2025 cohort).
//!
//! Retention at 2025-05, cohort of 2024-05 = A1 A2 A3 A4 A6, 205 then;
//! now 200+0+30+10+5 = 245 → NRR 119.5%; kept 100+0+30+10+5 = 145 →
//! GRR 70.7%; 4 of 5 kept → CRR 80.0%; CRR−DRR gap 39.51 points.
//! Bridge 2024-05 → 2025-05: 205 + new 28 + expansion 105 − contraction 10
//! − lost 50 = 278 ✓; net new 73; expansion share 105/133 = 78.9%; net
//! expansion 45; churn rate 60/205 = 29.3%; lazy NRR 250/205 = 122.0%.
//! Pareto at 2025-05 (278): tier 1 A1 (71.9%), tier 2 A3 (10.8%), tier 3
//! A5 A4 A7 A6 (17.3%, floor 5).
//! Renewals 2024-06-01 … 2025-05-31: ATR 100 (C1, renewed by C2 at 200,
//! capped 100) + 50 (C3, not renewed) + 40 (C4, renewed by C5 at 30) = 190,
//! renewed 130 → 68.4%; out-year payments C6 2025-01-01 (10) and C7
//! 2024-11-01 (5), both collected → (130 + 15) / (190 + 15) = 70.7%.

use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::{Config, Month};
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use cockpit_core::testkit::Book;
use common::frame::text as screen;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
}

fn month(year: i32, month: i32) -> i32 {
    year * 12 + month - 1
}

/// A (year, month).
type Ym = (i32, i32);

/// (account, from, to, thousands): ARR held at every month end from..=to.
const ARR: &[(&str, Ym, Ym, i64)] = &[
    ("A1", (2024, 1), (2025, 2), 100),
    ("A1", (2025, 3), (2025, 5), 200),
    ("A2", (2024, 1), (2024, 12), 50),
    ("A3", (2024, 1), (2025, 1), 40),
    ("A3", (2025, 2), (2025, 5), 30),
    ("A4", (2024, 1), (2025, 5), 10),
    ("A5", (2024, 9), (2025, 3), 20),
    ("A5", (2025, 4), (2025, 5), 25),
    ("A6", (2023, 11), (2025, 5), 5),
    ("A7", (2025, 2), (2025, 5), 8),
];

fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("book.db");
    let mut snapshots = String::from("account_id, product, month, arr, units\n");
    for (account, from, to, thousands) in ARR {
        for m in month(from.0, from.1)..=month(to.0, to.1) {
            let arr = thousands * 1_000;
            writeln!(snapshots, "{account}, Core, {}, {arr}, 1", Month(m)).expect("row");
        }
    }
    let book = Book::new()
        .accounts(
            "id, name,      csm, stage,      health, arr
             A1, Acme Corp, ana, absorption, green,  200000
             A2, Globex,    ana, adoption,   red,    0
             A3, Initech,   bo,  adoption,   orange, 30000
             A4, Umbrella,  ana, absorption, green,  10000
             A5, Hooli,     cy,  adoption,   yellow, 25000
             A6, Wonka,     ana, absorption, green,  5000
             A7, Stark,     ana, addiction,  ,       8000",
        )
        .contracts(
            "contract_id, account_id, product, start_date, end_date,   arr,    units, billing
             C1,          A1,         Core,    2024-03-01, 2025-02-28, 100000, 10,    annual
             C2,          A1,         Core,    2025-03-01, 2026-02-28, 200000, 20,    annual
             C3,          A2,         Core,    2024-01-01, 2024-12-31, 50000,  5,     annual
             C4,          A3,         Core,    2024-02-01, 2025-01-31, 40000,  4,     annual
             C5,          A3,         Core,    2025-02-01, 2026-01-31, 30000,  3,     annual
             C6,          A4,         Core,    2023-01-01, 2025-12-31, 10000,  1,     annual
             C7,          A6,         Core,    2023-11-01, 2026-10-31, 5000,   1,     annual
             C8,          A5,         Core,    2024-09-01, 2025-08-31, 20000,  2,     annual
             C9,          A7,         Core,    2025-02-01, 2026-01-31, 8000,   1,     annual",
        )
        .snapshots(&snapshots);
    book.create(&path)
}

fn app(path: &Path) -> App {
    let store = Store::open(path).expect("store");
    App::new(store, Clock::fixed(today()), Config::default(), "ana", Theme::plain())
        .expect("app")
        .with_db_label("book.db")
}

/// A key at a typing pace: what it started behind the screen is done before
/// the next one.
fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
    app.settle_background();
}

fn chars(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Goes to the Metrics pane by its number in the tab bar.
fn open_metrics(app: &mut App) {
    let index = app.pane_scopes().iter().position(|(scope, _)| *scope == "metrics").expect("pane");
    let digit = char::from_digit(u32::try_from(index + 1).expect("index"), 10).expect("digit");
    chars(app, &digit.to_string());
    assert_eq!(app.active_title(), "Metrics");
}

/// The load time varies from run to run; snapshots must not.
fn stable(text: String) -> String {
    let mut out = String::new();
    for line in text.lines() {
        match line.find("computed in ") {
            Some(start) => {
                let end = line[start..].find(" ms").map_or(line.len(), |e| start + e + 3);
                let width = line[start..end].chars().count();
                out.push_str(&line[..start]);
                out.push_str(&format!("{:<width$}", "computed in … ms"));
                out.push_str(&line[end..]);
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

fn shown(app: &App, width: u16, height: u16) -> String {
    stable(screen(app, width, height))
}

#[test]
fn retention_numbers_match_the_hand_computed_book() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    open_metrics(&mut app);
    let text = shown(&app, 160, 48);
    assert!(text.contains("At 2025-05, cohort of 2024-05"), "{text}");
    assert!(text.contains("5 accounts · 205.0k then"), "{text}");
    assert!(text.contains("NRR  119.5%  245.0k now"), "{text}");
    assert!(text.contains("GRR   70.7%  kept 145.0k"), "{text}");
    assert!(text.contains("CRR   80.0%  4 of 5 kept"), "{text}");
    assert!(text.contains("DRR  119.5%"), "{text}");
    assert!(text.contains("CRR and DRR 39.51 pts apart"), "{text}");
    assert!(text.contains("the aggregate hides churn"), "{text}");
}

#[test]
fn the_bridge_foots_with_its_four_rows_and_lazy_nrr_labelled() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    open_metrics(&mut app);
    chars(&mut app, "l");
    let text = shown(&app, 160, 48);
    let bridge_row = |label: &str, value: &str| format!("{label:<24}{value:>16}");
    for expected in [
        "ARR bridge: end of 2024-05 → end of 2025-05".to_string(),
        bridge_row("Starting ARR", "205,000.00"),
        bridge_row("+ New logo", "28,000.00"),
        bridge_row("+ Expansion", "105,000.00"),
        bridge_row("− Contraction", "10,000.00"),
        bridge_row("− Lost", "50,000.00"),
        format!("{}  ✓ foots", bridge_row("= Ending ARR", "278,000.00")),
        bridge_row("Net new ARR", "73,000.00"),
        bridge_row("Expansion share of new", "78.9%"),
        bridge_row("Net expansion", "45,000.00"),
        bridge_row("Churn rate", "29.3%"),
        format!(
            "{}  contrast only; cohort NRR at 2025-05: 119.5%",
            bridge_row("\"Lazy NRR\" (not NRR)", "122.0%")
        ),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in\n{text}");
    }
    // Three months, 2025-02 → 2025-05: A7 arrived in 2025-02, so no new logo after it.
    chars(&mut app, "---------");
    let text = shown(&app, 160, 48);
    assert!(text.contains("end of 2025-02 → end of 2025-05"), "{text}");
    assert!(text.contains(&bridge_row("Starting ARR", "173,000.00")), "{text}");
    assert!(text.contains(&bridge_row("+ New logo", "0.00")), "{text}");
    assert!(text.contains(&bridge_row("+ Expansion", "105,000.00")), "{text}");
    // Moving the period earlier moves both ends.
    chars(&mut app, "<");
    assert!(shown(&app, 160, 48).contains("end of 2025-01 → end of 2025-04"));
}

#[test]
fn layer_cake_pareto_and_renewals_show_their_numbers() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    open_metrics(&mut app);
    chars(&mut app, "ll");
    let text = shown(&app, 160, 48);
    assert!(text.contains("2025          1       8.0k"), "{text}");
    assert!(text.contains("2024          5     265.0k"), "{text}");
    assert!(text.contains("2023          1       5.0k"), "{text}");
    chars(&mut app, "l");
    let text = shown(&app, 160, 48);
    assert!(text.contains("1           1   71.9%    200.0k"), "{text}");
    assert!(text.contains("2           1   10.8%     30.0k"), "{text}");
    assert!(text.contains("3           4   17.3%      5.0k"), "{text}");
    assert!(text.contains("All         6        ARR 278.0k"), "{text}");
    chars(&mut app, "l");
    let text = shown(&app, 160, 48);
    assert!(text.contains("Renewals: contracts ending 2024-06-01 … 2025-05-31"), "{text}");
    let row = |label: &str, atr: &str, arr: &str| format!("{label:<24}{atr:>15}{arr:>16}");
    for expected in [
        row("Up for renewal (ATR)", "190,000.00", "190,000.00"),
        row("Out-year payments due", "—", "15,000.00"),
        row("Renewed", "130,000.00", "130,000.00"),
        row("Payments collected", "—", "15,000.00"),
        row("Rate", "68.4%", "70.7%"),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in\n{text}");
    }
    assert!(text.contains("75.0% over 3 years ≈ 90.9% a year"), "{text}");
}

#[test]
fn drilling_down_lists_the_accounts_behind_a_number_and_opens_one() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    open_metrics(&mut app);
    // CRR: the members that churned.
    chars(&mut app, "jj");
    key(&mut app, KeyCode::Enter);
    let text = shown(&app, 100, 30);
    assert!(text.contains("Cohort members that churned: ARR at 2024-05 → 2025-05"), "{text}");
    assert!(text.contains("Globex"), "{text}");
    assert!(text.contains("50.0k          0     -50.0k  churned"), "{text}");
    assert!(!text.contains("Initech"), "{text}");
    assert_eq!(app.selected_account().as_deref(), Some("A2"));
    key(&mut app, KeyCode::Esc);
    // GRR: churned or contracted.
    chars(&mut app, "k");
    key(&mut app, KeyCode::Enter);
    let text = shown(&app, 100, 30);
    assert!(text.contains("Initech") && text.contains("contracted"), "{text}");
    key(&mut app, KeyCode::Esc);
    // Pareto tier 3, in rank order; Enter on an account opens it.
    chars(&mut app, "lll");
    chars(&mut app, "jj");
    key(&mut app, KeyCode::Enter);
    let text = shown(&app, 100, 30);
    assert!(text.contains("Tier 3 at 2025-05, in rank order"), "{text}");
    let order: Vec<usize> = ["Hooli", "Umbrella", "Stark", "Wonka"]
        .iter()
        .map(|name| text.find(name).expect(name))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.active_title(), "Account");
    assert_eq!(app.selected_account().as_deref(), Some("A5"));
    // Back on Metrics, the renewals' ATR contracts.
    open_metrics(&mut app);
    key(&mut app, KeyCode::Esc);
    chars(&mut app, "l");
    key(&mut app, KeyCode::Enter);
    let text = shown(&app, 100, 30);
    assert!(text.contains("Contracts ending 2024-06-01 to 2025-05-31 (ATR)"), "{text}");
    for row in [
        "C3           2024-12-31      50.0k          —",
        "C4           2025-01-31      40.0k      30.0k",
    ] {
        assert!(text.contains(row), "missing {row:?} in\n{text}");
    }
}

#[test]
fn the_explain_key_says_what_each_number_means() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    open_metrics(&mut app);
    chars(&mut app, "e");
    let text = shown(&app, 80, 24);
    assert!(text.contains("GRR: Gross revenue retention"), "{text}");
    key(&mut app, KeyCode::Esc);
    chars(&mut app, "l");
    chars(&mut app, "e");
    assert!(shown(&app, 160, 48).contains("Lazy NRR: (Starting ARR + net expansion)"));
}

#[test]
fn an_empty_book_says_what_to_import() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("empty.db");
    drop(Store::open(&path).expect("open"));
    let mut app = app(&path);
    open_metrics(&mut app);
    assert!(shown(&app, 80, 24).contains("No ARR snapshots yet."));
}

#[test]
fn snapshots_of_every_section() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    open_metrics(&mut app);
    let names = ["retention", "bridge", "layer_cake", "pareto", "renewals", "backtest"];
    for (index, name) in names.iter().enumerate() {
        for (width, height) in [(80, 24), (160, 48)] {
            app.resize(width, height);
            insta::assert_snapshot!(format!("{name}_{width}x{height}"), shown(&app, width, height));
        }
        if index + 1 < names.len() {
            chars(&mut app, "l");
        }
    }
    app.resize(80, 24);
    chars(&mut app, "l");
    key(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("drill_members_80x24", shown(&app, 80, 24));
    app.resize(160, 48);
    insta::assert_snapshot!("drill_members_160x48", shown(&app, 160, 48));
}

#[test]
fn a_long_name_shows_whole_in_a_drill_down_when_there_is_room() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let long = "Globex Hemispheric Logistics and Freight Forwarding Holdings AG";
    let conn = rusqlite::Connection::open(&path).expect("conn");
    conn.execute("UPDATE accounts SET name = ?1 WHERE id = 'A2'", [long]).expect("rename");
    drop(conn);
    let mut app = app(&path);
    open_metrics(&mut app);
    chars(&mut app, "llllll");
    key(&mut app, KeyCode::Enter);
    app.resize(160, 48);
    let text = shown(&app, 160, 48);
    assert!(text.contains(&format!("│{long} ")), "{text}");
    // At 80 columns the name gives way, the cells stay whole.
    app.resize(80, 24);
    let text = shown(&app, 80, 24);
    let row = text.lines().find(|line| line.contains("│Globex Hemispheric")).expect("row");
    assert!(row.contains('…') && row.contains("-50.0k  churned"), "{text}");
}

/// A key as it arrives, with nothing finished behind the screen yet.
fn key_now(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

#[test]
fn a_key_only_starts_the_metrics_a_drill_down_or_a_period_and_the_pause_after_shows_them() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    // The key only shows the pane, saying what it computes in the pause after.
    let index = app.pane_scopes().iter().position(|(scope, _)| *scope == "metrics").expect("pane");
    let digit = char::from_digit(u32::try_from(index + 1).expect("index"), 10).expect("digit");
    key_now(&mut app, KeyCode::Char(digit));
    assert!(shown(&app, 120, 30).contains("Computing the metrics of the whole book…"));
    app.settle_background();
    assert!(shown(&app, 120, 30).contains("NRR"));
    // Enter starts the list of every cohort member; the screen says so.
    key_now(&mut app, KeyCode::Enter);
    assert!(app.settling());
    let text = shown(&app, 120, 30);
    assert!(text.contains("listing the accounts…"), "{text}");
    app.settle_background();
    assert!(!app.settling());
    let text = shown(&app, 120, 30);
    assert!(text.contains("Every cohort member") && text.contains("5 listed"), "{text}");
    key(&mut app, KeyCode::Esc);
    // Esc before the list comes closes it for good.
    key_now(&mut app, KeyCode::Enter);
    key_now(&mut app, KeyCode::Esc);
    app.settle_background();
    let text = shown(&app, 120, 30);
    assert!(!text.contains("listed") && text.contains("NRR"), "{text}");
    // Three period keys in a row: the period the user stops on is computed.
    for _ in 0..3 {
        key_now(&mut app, KeyCode::Char('<'));
    }
    let text = shown(&app, 120, 30);
    assert!(text.contains("computing 2024-02 → 2025-02…"), "{text}");
    assert!(text.contains("2024-05 → 2025-05 (12 months)"), "{text}");
    app.settle_background();
    let text = shown(&app, 120, 30);
    assert!(text.contains("2024-02 → 2025-02 (12 months)"), "{text}");
    assert!(text.contains("At 2025-02, cohort of 2024-02"), "{text}");
}

/// The backtest on this book at 2025-06-01, lead 90 days: C1 renewed (by
/// C2, 200 ≥ 100), C3 churned, C4 contracted (30 < 40). No usage, tickets
/// or answers: the scorecard reads the ARR trend alone. C3 ends 2024-12-31,
/// lead date 2024-10-02: A2's ARR at 2024-09 equals 2024-06's, flat, 100
/// points, not flagged — a surprise; Enter on its "missed" lists A2.
#[test]
fn the_backtest_lists_the_surprise_one_key_from_its_number() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    open_metrics(&mut app);
    chars(&mut app, "h");
    let text = shown(&app, 160, 48);
    assert!(
        text.contains("Backtest: 3 outcomes, 1 renewed, 1 contracted, 1 churned, ending"),
        "{text}"
    );
    assert!(text.contains("1 renewed, 1 contracted, 1 churned"), "{text}");
    // The scorecard's missed count is the third selectable number, after
    // flagged and caught.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    let text = shown(&app, 160, 48);
    assert!(text.contains("scorecard · missed"), "{text}");
    assert!(text.contains("Globex") && text.contains("C3"), "{text}");
}
