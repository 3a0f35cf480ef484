//! Tables laid out to the terminal's width with names in any script: the
//! Book at 80 and 160 columns holding Chinese and Japanese names, emoji and
//! long CSM names (snapshots, plus alignment checked cell by cell), and the
//! command line's tables fitting `COLUMNS` (80 when piped) or keeping everything with `--width 0`,
//! with the currency symbol from the settings.

use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::Config;
use cockpit::import::{ImportKind, import_path};
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use common::frame::text as screen;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};
use std::process::Command;
use unicode_width::UnicodeWidthStr;

const TODAY: &str = "2025-06-01";

const ACCOUNTS: &str = "account_id,name,csm,am,stage,health
A1,株式会社ヤマダ電機,Jonas Lindqvist,佐藤 花子,absorption,green
A2,🚀 Rocket Labs,Maya Okafor,,adoption,yellow
A3,Müller & Söhne GmbH,佐藤 花子,Jonas Lindqvist,adaptation,red
A4,北京数据科技有限公司 (Beijing Data),Jonas Lindqvist,,addiction,orange
A5,Acme,ana,,adoption,green
";

const CONTRACTS: &str = "contract_id,account_id,product,start_date,end_date,arr,units,billing
C1,A1,コア,2024-07-01,2025-06-30,123990,10,annual
C2,A2,Core,2024-08-15,2025-08-14,9999,5,annual
C3,A3,Core 🚀,2024-10-01,2025-09-30,999950,30,annual
C4,A4,数据平台,2024-09-01,2025-08-31,12350,8,annual
C5,A5,Core,2024-12-01,2025-11-30,950.5,1,annual
";

const SNAPSHOTS: &str = "account_id,month,product,arr,units
A1,2025-05,コア,123990,10
A2,2025-05,Core,9999,5
A3,2025-05,Core 🚀,999950,30
A4,2025-05,数据平台,12350,8
A5,2025-05,Core,950.5,1
";

/// A book imported from CSV files, as a user imports one.
fn book(dir: &Path) -> PathBuf {
    let path = dir.join("book.db");
    let mut store = Store::open(&path).expect("open");
    let clock = Clock::fixed(today());
    for (kind, text) in [
        (ImportKind::Accounts, ACCOUNTS),
        (ImportKind::Contracts, CONTRACTS),
        (ImportKind::Snapshots, SNAPSHOTS),
    ] {
        let file = dir.join(format!("{kind}.csv"));
        std::fs::write(&file, text).expect("csv");
        import_path(&mut store, kind, &file, "ana", &clock)
            .unwrap_or_else(|e| panic!("fixture {kind}: {e}"));
    }
    path
}

fn today() -> NaiveDate {
    NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("date")
}

fn book_pane(path: &Path, width: u16, height: u16) -> String {
    let store = Store::open(path).expect("store");
    let mut app =
        App::new(store, Clock::fixed(today()), Config::default(), "nobody", Theme::plain())
            .expect("app")
            .with_db_label("book.db");
    app.resize(width, height);
    app.handle_key(KeyEvent::new(KeyCode::Char('2'), KeyModifiers::NONE));
    screen(&app, width, height)
}

/// The cell where `needle` starts on `line`, counted in terminal cells.
fn cell_of(line: &str, needle: &str) -> Option<usize> {
    line.find(needle).map(|at| line[..at].width())
}

#[test]
fn the_book_aligns_wide_names_at_80_and_160_columns() {
    let dir = tempfile::tempdir().expect("dir");
    let path = book(dir.path());
    for (width, height) in [(80_u16, 24_u16), (160, 48)] {
        let text = book_pane(&path, width, height);
        insta::assert_snapshot!(format!("book_wide_names_{width}x{height}"), text);
        let lines: Vec<&str> = text.lines().collect();
        for line in &lines {
            assert_eq!(line.width(), usize::from(width), "{line:?}");
        }
        // Every row's ARR ends in the same cell as the header's, whatever
        // the script of the name before it.
        let header = lines.iter().find(|l| l.contains("Abs%")).expect("header");
        let arr_end = cell_of(header, "ARR").expect("ARR") + "ARR↓".width();
        for (name, arr) in [
            ("株式会社", "124.0k"),
            ("🚀", "10.0k"),
            ("Müller", "1.0M"),
            ("北京", "12.4k"),
            ("Acme", "951"),
        ] {
            let row = lines.iter().find(|l| l.contains(name)).expect(name);
            assert_eq!(cell_of(row, arr).map(|c| c + arr.width()), Some(arr_end), "{row:?}");
        }
    }
}

#[test]
fn at_160_columns_names_are_whole_and_at_80_the_account_name_gives_way_first() {
    let dir = tempfile::tempdir().expect("dir");
    let path = book(dir.path());
    let wide = book_pane(&path, 160, 48);
    for whole in ["Jonas Lindqvist", "北京数据科技有限公司 (Beijing Data)", "Müller & Söhne GmbH"]
    {
        assert!(wide.contains(whole), "{whole} cut at 160 columns:\n{wide}");
    }
    let narrow = book_pane(&path, 80, 24);
    // The CSM needs 15 cells and gets them; the longest account name is cut.
    assert!(narrow.contains("Jonas Lindqvist"), "{narrow}");
    assert!(narrow.contains("北京数据科技"), "{narrow}");
    assert!(!narrow.contains("(Beijing Data)"), "{narrow}");
}

fn cockpit(db: &Path, home: &Path, args: &[&str], columns: Option<&str>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cockpit"));
    command
        .arg("--db")
        .arg(db)
        .args(args)
        .env("COCKPIT_TODAY", TODAY)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("COCKPIT_CONFIG")
        .env_remove("COLUMNS");
    if let Some(columns) = columns {
        command.env("COLUMNS", columns);
    }
    let output = command.output().expect("run cockpit");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

/// The table lines (header, rule, rows) of `cockpit renewals`' output.
fn table(text: &str) -> Vec<&str> {
    text.lines().skip(1).take_while(|l| !l.contains(" renewals, ATR ")).collect()
}

#[test]
fn cli_tables_fit_columns_and_keep_everything_with_width_0() {
    let dir = tempfile::tempdir().expect("dir");
    let db = book(dir.path());
    let args = ["renewals", "--from", "2025-06-01", "--to", "2025-12-31"];
    // Piped with nothing set: 80 columns, what is cut says so.
    let piped = cockpit(&db, dir.path(), &args, None);
    assert!(piped.lines().all(|l| l.width() <= 80), "{piped}");
    assert!(piped.contains('…'), "{piped}");
    let everything = [&args[..], &["--width", "0"]].concat();
    let piped = cockpit(&db, dir.path(), &everything, None);
    let lines = table(&piped);
    assert_eq!(lines.len(), 2 + 5, "{piped}");
    assert!(piped.contains("北京数据科技有限公司 (Beijing Data)"), "{piped}");
    // Exact cents for a full amount; the columns line up cell for cell.
    let arr_end = cell_of(lines[0], "ARR").expect("ARR") + 3;
    for (name, arr) in [("株式会社", "123,990.00"), ("Acme", "950.50"), ("🚀", "9,999.00")] {
        let row = lines.iter().find(|l| l.contains(name)).expect(name);
        assert_eq!(cell_of(row, arr).map(|c| c + arr.width()), Some(arr_end), "{row:?}");
    }
    let fitted = cockpit(&db, dir.path(), &args, Some("100"));
    let lines = table(&fitted);
    assert!(lines.iter().all(|l| l.width() <= 100), "{fitted}");
    assert!(fitted.contains('…'), "{fitted}");
    // The amounts are never cut.
    for arr in ["123,990.00", "950.50", "999,950.00"] {
        assert!(fitted.contains(arr), "{arr} in {fitted}");
    }
}

#[test]
fn the_currency_setting_shows_with_every_amount_but_never_in_json() {
    let dir = tempfile::tempdir().expect("dir");
    let db = book(dir.path());
    let folder = dir.path().join("config/cockpit");
    std::fs::create_dir_all(&folder).expect("config folder");
    std::fs::write(folder.join("config.toml"), "currency = \"€\"\ncurrency_position = \"after\"\n")
        .expect("config");
    let args = ["renewals", "--from", "2025-06-01", "--to", "2025-12-31"];
    let text = cockpit(&db, dir.path(), &args, None);
    assert!(text.contains("123,990.00 €"), "{text}");
    assert!(text.contains("950.50 €"), "{text}");
    let json = cockpit(&db, dir.path(), &[&args[..], &["--json"]].concat(), None);
    assert!(!json.contains('€'), "{json}");
    assert!(json.contains("123990"), "{json}");
}

#[test]
fn today_aligns_wide_names_for_their_csm() {
    let dir = tempfile::tempdir().expect("dir");
    let path = book(dir.path());
    for (width, height) in [(80_u16, 24_u16), (160, 48)] {
        let store = Store::open(&path).expect("store");
        let mut app = App::new(
            store,
            Clock::fixed(today()),
            Config::default(),
            "Jonas Lindqvist",
            Theme::plain(),
        )
        .expect("app")
        .with_db_label("book.db");
        app.resize(width, height);
        assert_eq!(app.active_title(), "Today");
        let text = screen(&app, width, height);
        insta::assert_snapshot!(format!("today_wide_names_{width}x{height}"), text);
        let lines: Vec<&str> = text.lines().collect();
        let rows: Vec<&&str> =
            lines.iter().filter(|l| l.contains("124.0k") || l.contains("12.4k")).collect();
        // One row per account.
        assert_eq!(rows.len(), 2, "{text}");
        // The ARR column ends in the same cell on every row.
        let ends: Vec<Option<usize>> = rows
            .iter()
            .map(|l| {
                let arr = if l.contains("株式会社") { "124.0k" } else { "12.4k" };
                cell_of(l, arr).map(|c| c + arr.width())
            })
            .collect();
        assert!(ends[0].is_some() && ends.iter().all(|e| *e == ends[0]), "{text}");
    }
}

#[test]
fn the_cockpit_shows_the_currency_and_wide_names_in_a_terminal() {
    let dir = tempfile::tempdir().expect("dir");
    let db = book(dir.path());
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "currency = \"$\"\n").expect("config");
    let mut command = common::pty::cockpit(&db);
    command.env("COCKPIT_CONFIG", &config).env("COCKPIT_TODAY", TODAY);
    let mut screen = common::pty::Screen::spawn(command);
    screen.send("2");
    // The footer is drawn after the rows above it: once it shows, the
    // frame is whole (waiting for a row could read it half drawn).
    // Full amounts are exact, with the symbol: the Book's footer.
    let text = screen.wait_for("ARR $1,147,239.50 of $1,147,239.50");
    assert!(text.contains("$124.0k"), "{text}");
    assert!(text.contains("$10.0k"), "{text}");
    assert!(text.contains("株式会社ヤマダ電機"), "{text}");
    assert!(text.contains("Jonas Lindqvist"), "{text}");
    screen.quit();
}
