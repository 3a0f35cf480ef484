//! The cockpit drawn headless on a book whose names hold terminal escapes
//! (OSC 52 clipboard write, title change, screen clear) and bidi overrides:
//! the screen shows them as visible marks, and the row keeps its columns.

use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::Config;
use cockpit::import::{ImportKind, import_path};
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;

const HOSTILE: &str = "Evil\u{202e}\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}]0;t\u{7}\u{1b}[2J\u{9b}";
const SHOWN: &str = "Evil⟨U+202E⟩␛]52;c;ZXZpbA==␇␛]0;t␇␛[2J⟨U+009B⟩";

fn app(dir: &std::path::Path) -> App {
    let clock = Clock::fixed(NaiveDate::from_ymd_opt(2025, 3, 15).expect("date"));
    let path = dir.join("book.db");
    let mut store = Store::open(&path).expect("open");
    let accounts = dir.join("accounts.csv");
    std::fs::write(
        &accounts,
        format!(
            "account_id,name,csm,am,segment,industry,region,stage,potential_units,health,flags\n\
             ACME-001,Acme Plain,ana,ben,smb,retail,EMEA,adoption,50,green,\n\
             EVIL-1,\"{HOSTILE}\",ana,ben,smb,retail,EMEA,adoption,50,green,\n"
        ),
    )
    .expect("csv");
    import_path(&mut store, ImportKind::Accounts, &accounts, "ana", &clock).expect("import");
    App::new(store, clock, Config::default(), "nobody", Theme::plain()).expect("app")
}

#[test]
fn hostile_names_show_visibly_and_keep_their_row_aligned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app(dir.path());
    assert_eq!(app.active_title(), "Book");
    let screen = common::frame::text(&app, 160, 20);
    assert!(screen.contains(SHOWN), "{screen}");
    assert!(!screen.chars().any(|c| c.is_control() && c != '\n'), "{screen}");
    let row = |needle: &str| -> Vec<char> {
        screen.lines().find(|l| l.contains(needle)).expect("row").chars().collect()
    };
    let (plain, hostile) = (row("Acme Plain"), row("Evil"));
    assert_eq!(plain.len(), hostile.len());
    // Every column after the name starts at the same cell in both rows: the
    // CSM and the AM are in the same place.
    let at = |line: &[char], word: &str| {
        let text: String = line.iter().collect();
        text.find(word).map(|byte| text[..byte].chars().count())
    };
    assert!(at(&plain, " ana ").is_some() && at(&plain, " ben").is_some(), "{screen}");
    assert_eq!(at(&plain, " ana "), at(&hostile, " ana "), "{screen}");
    assert_eq!(at(&plain, " ben"), at(&hostile, " ben"), "{screen}");
}

#[test]
fn the_account_header_shows_a_hostile_name_as_pictures() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(dir.path());
    app.handle_key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::CONTROL));
    for c in "evil".chars() {
        app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    if app.active_title() != "Account" {
        app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    }
    let wide = common::frame::text(&app, 160, 30);
    let header = wide.lines().find(|l| l.contains("(EVIL-1)")).unwrap_or_default();
    assert!(header.contains(SHOWN), "the header keeps every character, as a picture:\n{wide}");
    assert!(!wide.chars().any(|c| c.is_control() && c != '\n'), "{wide}");
    // The header at 80x24 (the lines below hold the import's time and path).
    let narrow = common::frame::text(&app, 80, 24);
    let top: Vec<&str> = narrow.lines().take(5).collect();
    insta::assert_snapshot!("account_hostile_name_80x24", top.join("\n"));
}

#[test]
fn the_book_rounds_absorption_half_away_from_zero_as_every_pane() {
    let screen = book_screen(
        "account_id,name,csm,potential_units\nALD-1,Aldermoor,ana,867\n",
        "account_id,month,product,arr,units\nALD-1,2025-02,Core,1000,248\n",
    );
    // 248 / 867 = 28.60 %: shown as 29 %, not cut to 28 %.
    let row = screen.lines().find(|l| l.contains("Aldermoor")).unwrap_or_default();
    assert!(row.contains(" 29%") && !row.contains(" 28%"), "{screen}");
}

/// Tiers rank the accounts with ARR: one with none (churned or lapsed)
/// shows no tier in the Book, where it showed the last tier.
#[test]
fn the_book_shows_no_tier_for_an_account_without_arr() {
    let screen = book_screen(
        "account_id,name,csm\nPAY-1,Payingco,ana\nGONE-1,Goneco,ana\n",
        "account_id,month,product,arr,units\nPAY-1,2025-02,Core,1000,10\n",
    );
    let tier_after = |name: &str| {
        let row = screen.lines().find(|l| l.contains(name)).unwrap_or_default();
        let rest = row.split_once(name).map(|(_, rest)| rest).unwrap_or_default();
        rest.split_whitespace().next().unwrap_or_default().to_string()
    };
    assert_eq!(tier_after("Goneco"), "—", "{screen}");
    assert_ne!(tier_after("Payingco"), "—", "{screen}");
}

/// The Book at 160 columns of a book made of these accounts and snapshots.
fn book_screen(accounts_csv: &str, snapshots_csv: &str) -> String {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = Clock::fixed(NaiveDate::from_ymd_opt(2025, 3, 15).expect("date"));
    let mut store = Store::open(&dir.path().join("book.db")).expect("open");
    let accounts = dir.path().join("accounts.csv");
    std::fs::write(&accounts, accounts_csv).expect("csv");
    let snapshots = dir.path().join("snapshots.csv");
    std::fs::write(&snapshots, snapshots_csv).expect("csv");
    import_path(&mut store, ImportKind::Accounts, &accounts, "ana", &clock).expect("import");
    import_path(&mut store, ImportKind::Snapshots, &snapshots, "ana", &clock).expect("import");
    let mut app = App::new(store, clock, Config::default(), "nobody", Theme::plain()).expect("app");
    app.handle_key(KeyEvent::new(KeyCode::Char('2'), KeyModifiers::NONE));
    common::frame::text(&app, 160, 20)
}
