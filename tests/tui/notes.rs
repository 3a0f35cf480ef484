//! Notes read back: the account timeline wraps them, Enter opens one whole
//! in the reader, and Ctrl-F searches notes, names and churn chains across
//! the whole book — headless with snapshots at 80×24 and 160×48, and the
//! real binary in a terminal.

use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::churn::{ChainLink, ChurnChain, ChurnEvent};
use cockpit::domain::{Config, Money, NoteKind};
use cockpit::import::{ImportKind, import_reader};
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use common::frame::text as screen;
use common::pty::Screen;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
}

/// The meeting notes a CSM really writes: long, in paragraphs.
const LONG_NOTE: &str = "QBR with the whole leadership team. Usage is up 30% since the \
    Insights rollout and the regional managers now open the dashboards every morning.\n\n\
    Risks: procurement wants a discount on the renewal because a competitor quoted lower; \
    the sponsor said the price is not the issue but the onboarding of the new Berlin office \
    is. Two support tickets are still open from March.\n\n\
    Next steps: send the revised order form by Friday, book the Berlin onboarding for July, \
    and ask the sponsor for a reference call with Globex. Last line: zebracrossing.";

/// Three accounts for CSM ana with notes (one long), loaded as an import
/// would, a touch logged by hand and a churn draft.
fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("book.db");
    let mut store = Store::open(&path).expect("open");
    let clock = Clock::fixed(today());
    let import = |store: &mut Store, kind, csv: &str| {
        import_reader(store, kind, "file.csv", csv.as_bytes(), "ana", &clock).expect("import");
    };
    import(
        &mut store,
        ImportKind::Accounts,
        "account_id,name,csm\nA1,Acme Corp,ana\nA2,Globex,ana\nA3,Initech,bo\n",
    );
    let long = LONG_NOTE.replace('"', "\"\"");
    import(
        &mut store,
        ImportKind::Notes,
        &format!(
            "account_id,at,kind,text,who\n\
             A1,2025-05-20T10:00:00Z,qbr,\"{long}\",ana\n\
             A1,2025-05-02T09:00:00Z,call,Renewal call: happy with the price,ana\n\
             A2,2025-04-11T15:00:00Z,email,Asked Acme for a reference on the renewal,bo\n\
             A3,2025-01-07T08:00:00Z,note,Initech renewal is at risk: budget freeze,bo\n"
        ),
    );
    let at = |day| today().and_hms_opt(9, 0, 0).expect("time").and_utc() - chrono::Days::new(day);
    store
        .add_note(
            "A2",
            NoteKind::Call,
            "Discussed the renewal price with Acme's reseller",
            "ana",
            at(3),
        )
        .expect("note");
    let mut chain = ChurnChain::new(
        "A3",
        ChurnEvent::Contracted,
        NaiveDate::from_ymd_opt(2025, 3, 1).expect("date"),
        Money::from_units(4_000),
    );
    let mut link = ChainLink::free_text("Renewal price too high after the budget freeze");
    link.note = "CFO cut every tool above 10k".to_string();
    chain.links = vec![link];
    store.save_churn_draft(&chain, "ana", at(60)).expect("draft");
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

/// Opens Acme's timeline from the Book.
fn acme_timeline(app: &mut App) {
    ctrl(app, 'k');
    chars(app, "acme");
    key(app, KeyCode::Enter);
    key(app, KeyCode::Char('l'));
}

#[test]
fn the_timeline_wraps_notes_and_enter_reads_one_whole() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    for (width, height) in [(80_u16, 24_u16), (160, 48)] {
        let mut app = app(&path);
        app.resize(width, height);
        acme_timeline(&mut app);
        // The import's stage entry is the newest; the QBR is the next.
        key(&mut app, KeyCode::Char('j'));
        let timeline = screen(&app, width, height);
        // The note's words are on screen past the first line's edge.
        assert!(timeline.contains("Insights"), "{timeline}");
        assert!(timeline.contains("rollout"), "{timeline}");
        insta::assert_snapshot!(format!("timeline_{width}x{height}"), timeline);
        key(&mut app, KeyCode::Enter);
        let reader = screen(&app, width, height);
        assert!(reader.contains("qbr") && reader.contains("Acme Corp (A1)"), "{reader}");
        assert!(reader.contains("2025-05-20 10:00 · ana"), "{reader}");
        insta::assert_snapshot!(format!("reader_{width}x{height}"), reader);
        key(&mut app, KeyCode::End);
        let end = screen(&app, width, height);
        assert!(end.contains("zebracrossing."), "the reader scrolls to the last line:\n{end}");
        key(&mut app, KeyCode::Home);
        key(&mut app, KeyCode::Esc);
        let back = screen(&app, width, height);
        assert!(!back.contains("Esc close"), "Esc closes the reader:\n{back}");
        assert_eq!(app.active_title(), "Account", "and stays on the account");
        // The next entry is one key down, however many lines the first took.
        key(&mut app, KeyCode::Char('j'));
        key(&mut app, KeyCode::Enter);
        let second = screen(&app, width, height);
        assert!(second.contains("Renewal call: happy with the price"), "{second}");
        assert!(!second.contains("Usage is up"), "{second}");
    }
}

#[test]
fn search_from_anywhere_groups_highlights_and_opens_the_note() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    for (width, height) in [(80_u16, 24_u16), (160, 48)] {
        let mut app = app(&path);
        app.resize(width, height);
        assert_eq!(app.active_title(), "Today");
        ctrl(&mut app, 'f');
        assert!(app.searching());
        let empty = screen(&app, width, height);
        assert!(empty.contains("Type words to find"), "{empty}");
        chars(&mut app, "renewal pric");
        let found = screen(&app, width, height);
        insta::assert_snapshot!(format!("search_{width}x{height}"), found);
        // Grouped by account, newest first: Globex's call (3 days ago),
        // Acme's (a month ago), then Initech's chain.
        let order: Vec<usize> = ["Globex (A2)", "Acme Corp (A1)", "Initech (A3)"]
            .iter()
            .map(|name| found.find(name).unwrap_or_else(|| panic!("{name} in\n{found}")))
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{found}");
        assert!(found.contains("contracted") && found.contains("draft"), "{found}");
        assert!(found.contains("3 notes match · 3 accounts"), "{found}");
        // The first match is selected; three rows down is Acme's note.
        for _ in 0..3 {
            key(&mut app, KeyCode::Down);
        }
        key(&mut app, KeyCode::Enter);
        assert!(!app.searching());
        assert_eq!(app.active_title(), "Account");
        let reader = screen(&app, width, height);
        assert!(reader.contains("Renewal call: happy with the price"), "{reader}");
        assert!(reader.contains("Esc close"), "{reader}");
        // Ctrl-F again finds the box as it was left.
        ctrl(&mut app, 'f');
        assert!(screen(&app, width, height).contains("/ renewal pric"));
        key(&mut app, KeyCode::Esc);
        assert!(!app.searching());
    }
}

#[test]
fn search_then_enter_opens_the_matched_note_in_the_reader_and_selects_it() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path);
    ctrl(&mut app, 'f');
    // Acme's long QBR note is not its newest timeline entry.
    chars(&mut app, "berlin onboard");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.active_title(), "Account");
    assert_eq!(app.selected_account().as_deref(), Some("A1"));
    let reader = screen(&app, 80, 24);
    assert!(reader.contains("QBR with the whole leadership team."), "{reader}");
    assert!(reader.contains("Esc close"), "{reader}");
    // Closed, the Timeline has that note selected: Enter opens it again.
    key(&mut app, KeyCode::Esc);
    let timeline = screen(&app, 80, 24);
    assert!(!timeline.contains("Esc close"), "{timeline}");
    key(&mut app, KeyCode::Enter);
    let again = screen(&app, 80, 24);
    assert!(again.contains("QBR with the whole leadership team."), "{again}");
}

#[test]
fn search_finds_names_and_ids_and_says_when_nothing_matches() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path);
    key(&mut app, KeyCode::Char('/'));
    assert!(app.searching(), "/ searches the book where the pane has no search");
    chars(&mut app, "a3");
    let found = screen(&app, 80, 24);
    assert!(found.contains("Initech (A3)  matches by name or id"), "{found}");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.active_title(), "Account");
    assert_eq!(app.selected_account().as_deref(), Some("A3"));
    ctrl(&mut app, 'f');
    for _ in 0..2 {
        key(&mut app, KeyCode::Backspace);
    }
    chars(&mut app, "zzzz");
    assert!(screen(&app, 80, 24).contains("Nothing matches all of these words."));
    // q types into the box; it does not quit.
    chars(&mut app, "q");
    assert!(!app.should_quit());
    // In the Book, / still filters the list and Ctrl-F searches everything.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('/'));
    assert!(!app.searching());
}

#[test]
fn search_open_and_read_in_the_real_terminal() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut screen = Screen::open(&path);
    screen.wait_for("Today");
    screen.send("\x06"); // Ctrl-F
    screen.wait_for("Search the book");
    screen.send("berlin onboard");
    let found = screen.wait_for("1 note matches");
    assert!(found.contains("Acme Corp (A1)"), "{found}");
    screen.send("\x1b[B"); // Down to the note
    screen.send("\r");
    let reader = screen.wait_for("Esc close");
    assert!(reader.contains("QBR with the whole leadership team."), "{reader}");
    screen.send("G"); // the reader's end
    screen.wait_for("zebracrossing.");
    screen.send("\x1b");
    screen.wait_for("Timeline");
    screen.quit();
}

/// The first screen of a search on a large book: set `COCKPIT_SEARCH_DB` to
/// an imported book and run with `--ignored --nocapture`.
#[test]
#[ignore = "needs a large imported book"]
fn search_first_screen_timing() {
    let Ok(path) = std::env::var("COCKPIT_SEARCH_DB") else { return };
    let store = Store::open(Path::new(&path)).expect("open");
    for query in
        ["renewal", "the", "r", "escalated customer", "dashboards regional", "A0000", "zzz"]
    {
        let _ = store.search_book(query, 200).expect("warm");
        let start = std::time::Instant::now();
        let results = store.search_book(query, 200).expect("search");
        println!(
            "{query:>22}: {:>6.1} ms, {} notes match, {} shown in {} accounts",
            start.elapsed().as_secs_f64() * 1000.0,
            results.notes_matched,
            results.notes_shown,
            results.groups.len()
        );
    }
}

#[test]
fn kinds_another_tool_named_show_as_written_in_the_timeline_and_reader() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.db");
    let mut store = Store::open(&path).expect("open");
    let clock = Clock::fixed(today());
    let import = |store: &mut Store, kind, csv: &str| {
        import_reader(store, kind, "file.csv", csv.as_bytes(), "ana", &clock).expect("import");
    };
    import(&mut store, ImportKind::Accounts, "account_id,name,csm\nA1,Acme Corp,ana\n");
    import(
        &mut store,
        ImportKind::Notes,
        "account_id,at,kind,text,who\n\
         A1,2025-05-20T10:00:00Z,LinkedIn,Liked the launch post,ana\n\
         A1,2025-05-10T10:00:00Z,Customer Success Review Call,Went through the plan,ana\n",
    );
    drop(store);
    for (width, height) in [(80_u16, 24_u16), (160, 48)] {
        let mut app = app(&path);
        app.resize(width, height);
        acme_timeline(&mut app);
        let timeline = screen(&app, width, height);
        assert!(
            timeline.contains("LinkedIn") && timeline.contains("Liked the launch"),
            "{timeline}"
        );
        // A long kind is cut to its column; the note's text keeps its place.
        assert!(timeline.contains("Customer Succ"), "{timeline}");
        assert!(!timeline.contains("Customer Success Review Call"), "{timeline}");
        assert!(timeline.contains("Went through the plan"), "{timeline}");
        key(&mut app, KeyCode::Char('j'));
        key(&mut app, KeyCode::Enter);
        let reader = screen(&app, width, height);
        assert!(reader.contains(" LinkedIn "), "the reader is titled with the kind:\n{reader}");
    }
}
