//! Fuzzing with proptest: whatever arrives, nothing panics, nothing hangs and
//! nothing half-written is kept.
//!
//! - arbitrary bytes and near-valid CSV into the import: accepted, or refused
//!   with the database exactly as it was;
//! - arbitrary operation sequences and text into the churn-chain editor;
//! - arbitrary keys and search text into the cockpit, headless;
//! - text typed in a field (very long, control characters, emoji, right to
//!   left) is stored exactly and drawn without breaking the frame.
//!
//! The number of cases comes from `PROPTEST_CASES` (default 256 here); a long
//! run is `PROPTEST_CASES=20000 cargo test --profile ci --test book fuzz::`.

use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::Config;
use cockpit::import::{ImportKind, import_path, import_reader};
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::churn_editor::state::{ChainEditor, EditorEffect, EditorOp, Field};
use cockpit::tui::theme::Theme;
use common::db::dump;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::text::Span;
use std::path::{Path, PathBuf};

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: cases(), max_shrink_iters: 2000, ..ProptestConfig::default() }
}

fn clock() -> Clock {
    Clock::fixed(NaiveDate::from_ymd_opt(2025, 3, 15).expect("date"))
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn load_fixture(store: &mut Store) {
    for kind in ImportKind::ALL {
        import_path(store, kind, &data(&format!("{kind}.csv")), "ana", &clock())
            .unwrap_or_else(|e| panic!("fixture {kind}: {e}"));
    }
}

fn kind_strategy() -> impl Strategy<Value = ImportKind> {
    prop::sample::select(ImportKind::ALL.to_vec())
}

/// A field that is often valid for some column and often not.
fn field_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "ACME-001",
            "BETA-002",
            "NEW-9",
            "Core",
            "Analytics",
            "2025-01",
            "2024-13",
            "2025-02-10",
            "2025-02-30",
            "2025-02-20T14:30:00Z",
            "120000",
            "30000.5",
            "0.001",
            "-5",
            "1e9",
            "=SUM(A1)",
            "+1",
            "@x",
            "green",
            "purple",
            "adoption",
            "absorption",
            "annual",
            "prepaid",
            "call",
            "note",
            "reference;advocate",
            "",
            " ",
            "\"",
            "\"\"",
            "ana",
        ])
        .prop_map(str::to_string),
        "[ -~]{0,12}",
        any::<String>(),
    ]
}

/// A CSV that is close to valid: the kind's real header (sometimes mangled)
/// then rows of plausible fields, sometimes quoted, sometimes cut short.
fn near_valid_csv() -> impl Strategy<Value = (ImportKind, Vec<u8>)> {
    kind_strategy().prop_flat_map(|kind| {
        let names: Vec<String> = kind.column_names().iter().map(|s| s.to_string()).collect();
        let width = names.len();
        (
            Just(kind),
            Just(names),
            prop::collection::vec(prop::collection::vec(field_strategy(), 0..=width + 1), 0..12),
            any::<bool>(),
            0usize..4,
            prop::option::of(0usize..2000),
            any::<bool>(),
        )
            .prop_map(|(kind, names, rows, quote, header_mangle, cut, crlf)| {
                let mut header = names.clone();
                match header_mangle {
                    1 => header.truncate(header.len().saturating_sub(1)),
                    2 => header.push(names[0].clone()),
                    3 => header.reverse(),
                    _ => {}
                }
                let eol = if crlf { "\r\n" } else { "\n" };
                let mut text = header.join(",");
                text.push_str(eol);
                for row in rows {
                    let cells: Vec<String> = row
                        .into_iter()
                        .map(|f| if quote { format!("\"{}\"", f.replace('"', "\"\"")) } else { f })
                        .collect();
                    text.push_str(&cells.join(","));
                    text.push_str(eol);
                }
                let mut bytes = text.into_bytes();
                if let Some(cut) = cut {
                    bytes.truncate(cut);
                }
                (kind, bytes)
            })
    })
}

/// One database for a whole property: cases run one after the other on it,
/// and each refused import must leave it exactly as it was.
struct ImportBench {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: Store,
}

impl ImportBench {
    fn new() -> ImportBench {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("fuzz.db");
        let mut store = Store::open(&path).expect("open");
        load_fixture(&mut store);
        ImportBench { _dir: dir, path, store }
    }

    fn check(&mut self, kind: ImportKind, bytes: &[u8]) -> Result<(), TestCaseError> {
        let before = dump(&self.path);
        let result = import_reader(&mut self.store, kind, "fuzz.csv", bytes, "ana", &clock());
        if let Err(error) = result {
            let message = error.to_string();
            prop_assert!(!message.trim().is_empty(), "a refusal must say why");
            prop_assert_eq!(before, dump(&self.path), "refused ({}) but changed", message);
        }
        Ok(())
    }
}

#[test]
fn arbitrary_bytes_are_imported_or_refused_whole() {
    let bench = std::cell::RefCell::new(ImportBench::new());
    proptest!(config(), |(kind in kind_strategy(), bytes in prop::collection::vec(any::<u8>(), 0..600))| {
        bench.borrow_mut().check(kind, &bytes)?;
    });
}

#[test]
fn near_valid_csv_is_imported_or_refused_whole() {
    let bench = std::cell::RefCell::new(ImportBench::new());
    proptest!(config(), |((kind, bytes) in near_valid_csv())| {
        bench.borrow_mut().check(kind, &bytes)?;
    });
}

fn editor_op() -> impl Strategy<Value = EditorOp> {
    prop_oneof![
        1 => Just(EditorOp::FocusNext),
        1 => Just(EditorOp::FocusPrev),
        1 => prop::sample::select(vec![
            Field::Links,
            Field::Event,
            Field::Date,
            Field::ArrLost,
            Field::Product
        ])
        .prop_map(EditorOp::Focus),
        1 => Just(EditorOp::ToggleEvent),
        4 => any::<char>().prop_map(EditorOp::Type),
        4 => prop::sample::select(vec!['a', 'e', 'p', 'r', 'i', 'c', ' ', '1', '-', '.'])
            .prop_map(EditorOp::Type),
        1 => Just(EditorOp::Backspace),
        1 => Just(EditorOp::ClearText),
        1 => Just(EditorOp::Up),
        1 => Just(EditorOp::Down),
        1 => Just(EditorOp::AddLink),
        1 => Just(EditorOp::InsertAbove),
        1 => Just(EditorOp::InsertBelow),
        1 => Just(EditorOp::ChangeLink),
        1 => Just(EditorOp::RemoveLink),
        1 => Just(EditorOp::MoveUp),
        1 => Just(EditorOp::MoveDown),
        1 => Just(EditorOp::EditNote),
        2 => Just(EditorOp::Confirm),
        1 => Just(EditorOp::ConfirmFreeText),
        1 => Just(EditorOp::Cancel),
        1 => Just(EditorOp::Save),
    ]
}

#[test]
fn the_churn_editor_takes_any_sequence() {
    let store = Store::open_in_memory().expect("store");
    store.seed_churn_taxonomy().expect("seed");
    let taxonomy = store.churn_reasons().expect("reasons");
    let today = NaiveDate::from_ymd_opt(2025, 3, 15).expect("date");
    proptest!(config(), |(ops in prop::collection::vec(editor_op(), 0..120))| {
        let mut editor = ChainEditor::new("ACME-001", &taxonomy, None, today);
        for op in ops {
            // Every view the pane reads must be available after every op.
            match editor.apply(op) {
                EditorEffect::Save(chain) => {
                    prop_assert!(chain.check_etiology().is_ok(), "saved a chain that breaks the rule");
                    editor.mark_saved(1);
                }
                EditorEffect::Leave { .. } | EditorEffect::Discard { .. } | EditorEffect::None => {}
            }
            let _ = editor.sentence();
            let _ = editor.picker_rows();
            let _ = editor.problems();
            let _ = editor.deeper_question();
            prop_assert!(editor.chain().links.len() < 200);
        }
    });
}

fn key_strategy() -> impl Strategy<Value = KeyEvent> {
    let code = prop_oneof![
        6 => prop::sample::select(
            "jkgGsSmhtarfx/nHoF?:123456789 \u{1b}".chars().collect::<Vec<_>>()
        )
        .prop_map(KeyCode::Char),
        3 => any::<char>().prop_map(KeyCode::Char),
        1 => prop::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::Backspace,
            KeyCode::Delete,
        ]),
    ];
    let modifiers = prop_oneof![
        8 => Just(KeyModifiers::NONE),
        1 => Just(KeyModifiers::SHIFT),
        1 => Just(KeyModifiers::CONTROL),
        1 => Just(KeyModifiers::ALT),
    ];
    (code, modifiers).prop_map(|(code, modifiers)| KeyEvent::new(code, modifiers))
}

fn fixture_app() -> App {
    let mut store = Store::open_in_memory().expect("store");
    load_fixture(&mut store);
    App::new(store, clock(), Config::default(), "ana", Theme::plain()).expect("app")
}

/// Every row of the drawn buffer spans exactly the frame's width, and no cell
/// holds a control character a terminal would act on.
fn assert_frame_whole(terminal: &Terminal<TestBackend>) -> Result<(), TestCaseError> {
    let buffer = terminal.backend().buffer();
    let width = usize::from(buffer.area.width);
    for y in 0..buffer.area.height {
        let mut used = 0;
        let mut x = 0;
        while x < buffer.area.width {
            let symbol = buffer[(x, y)].symbol();
            prop_assert!(
                !symbol.chars().any(char::is_control),
                "control character drawn at ({}, {}): {:?}",
                x,
                y,
                symbol
            );
            let w = Span::raw(symbol).width().max(1);
            used += w;
            x += w as u16;
        }
        prop_assert_eq!(used, width, "row {} is {} wide, not {}", y, used, width);
    }
    Ok(())
}

#[test]
fn any_keys_and_search_text_leave_the_cockpit_standing() {
    let size = prop_oneof![Just((80u16, 24u16)), Just((160, 48)), (20u16..200, 5u16..60)];
    proptest!(config(), |(keys in prop::collection::vec(key_strategy(), 0..150), (w, h) in size)| {
        let mut app = fixture_app();
        app.resize(w, h);
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        for (index, key) in keys.into_iter().enumerate() {
            app.handle_key(key);
            // Every other key comes after a pause: what a key only asked for
            // (a Metrics list or period, the Book's count) is done by then.
            if index % 2 == 1 {
                app.settle_background();
            }
            terminal.draw(|frame| app.draw(frame)).expect("draw");
            assert_frame_whole(&terminal)?;
            if app.should_quit() {
                break;
            }
            // Editor requests are answered as the terminal loop would when the editor fails.
            if let Some(request) = app.take_editor_request() {
                app.finish_editor(request, Err(anyhow::anyhow!("no editor in the fuzz")));
            }
        }
    });
}

/// Text people paste: long, emoji, right to left, combining marks, controls.
fn field_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\u{0}-\u{1f}\u{7f}a-z ]{1,40}",
        "[\u{1F600}-\u{1F64F}\u{05D0}-\u{05EA}\u{0627}-\u{064A}\u{0301}\u{200F}\u{202E} a]{1,60}",
        "[a-zA-Z ]{300,2000}",
    ]
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

#[test]
fn typed_text_is_stored_exactly_and_drawn_in_the_frame() {
    proptest!(config(), |(text in field_text(), (w, h) in prop_oneof![Just((80u16, 24u16)), Just((160, 48)), Just((40, 12))])| {
        let mut app = fixture_app();
        app.resize(w, h);
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        press(&mut app, KeyCode::Char('2'));
        prop_assert_eq!(app.active_title(), "Book");
        let Some(account) = app.selected_account() else {
            return Err(TestCaseError::fail("no account selected"));
        };
        // A note, typed key by key as a terminal delivers it (line breaks and
        // tabs are keys of their own in a terminal, not characters).
        press(&mut app, KeyCode::Char('n'));
        prop_assert!(app.popup().is_some(), "n opens the note form");
        let typed: String = text.chars().filter(|c| !matches!(c, '\n' | '\r' | '\t')).collect();
        for c in typed.chars() {
            press(&mut app, KeyCode::Char(c));
        }
        terminal.draw(|frame| app.draw(frame)).expect("draw");
        assert_frame_whole(&terminal)?;
        press(&mut app, KeyCode::Enter);
        let expected = typed.trim();
        if expected.is_empty() {
            prop_assert!(app.popup().is_some(), "an empty note is not submitted");
            return Ok(());
        }
        prop_assert!(app.popup().is_none(), "status: {:?}", app.status());
        let notes = app.store().account_notes(&account).expect("notes");
        prop_assert!(
            notes.iter().any(|n| n.text == expected),
            "typed {:?}, stored {:?}",
            expected,
            notes.iter().map(|n| &n.text).collect::<Vec<_>>()
        );
        // Drawn in the account view, where the note is shown.
        press(&mut app, KeyCode::Enter);
        terminal.draw(|frame| app.draw(frame)).expect("draw");
        assert_frame_whole(&terminal)?;
    });
}
