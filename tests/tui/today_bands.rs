//! Today's first screen on a large book: drawn before the scorecard bands
//! are read, saying so, with the bands' suggestions landing in their rows
//! once read behind it — the rows then those of a whole read.

use crate::app::key;
use crate::common;
use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::demo::DEMO_CSM;
use cockpit::demo::load::create_demo_database;
use cockpit::domain::Config;
use cockpit::read::today::{Bands, TodayFacts, TodayRow, today_list, today_rows_from, user_book};
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use common::frame::text as screen;
use ratatui::crossterm::event::KeyCode;
use std::path::Path;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).expect("day")
}

/// The demo CSM's cockpit, with the bands read behind the first frame
/// from `bands_behind_from` accounts on.
fn open(path: &Path, bands_behind_from: usize) -> App {
    let store = Store::open(path).expect("store");
    let theme = Theme::plain();
    App::open(store, Clock::fixed(today()), Config::default(), DEMO_CSM, theme, bands_behind_from)
        .expect("app")
        .with_db_label("book.db")
}

fn banded(row: &TodayRow) -> bool {
    row.suggestion
        .as_ref()
        .is_some_and(|s| s.signals.iter().any(|g| g.key.starts_with("scorecard:")))
}

/// An account whose row has a band in the whole read and is there before
/// the bands too (it has other reasons).
fn banded_row_shown_early(store: &Store) -> String {
    let config = Config::default();
    let whole = today_list(store, DEMO_CSM, today(), &config).expect("today").rows;
    let (book, _) = user_book(store, DEMO_CSM, today(), &config).expect("book");
    let read = store.csm_rows(DEMO_CSM, today()).expect("rows").facts;
    let tasks = cockpit::read::tasks::due_tasks(store, DEMO_CSM, today()).expect("tasks");
    let facts =
        TodayFacts::beside_rows_with(store, DEMO_CSM, today(), read, tasks, &config, Bands::Later)
            .expect("facts");
    let early = today_rows_from(facts, &book, &config);
    let id = whole
        .iter()
        .filter(|r| banded(r))
        .map(TodayRow::account_id)
        .find(|id| early.iter().any(|r| r.account_id() == *id))
        .expect("a banded row with other reasons");
    id.to_string()
}

/// Moves the cursor to the account `id` with `j`.
fn select(app: &mut App, id: &str) {
    key(app, KeyCode::Char('g'));
    for _ in 0..500 {
        if app.selected_account().as_deref() == Some(id) {
            return;
        }
        key(app, KeyCode::Char('j'));
    }
    panic!("{id} is not in the list");
}

#[test]
fn the_bands_arrive_behind_the_first_frame_and_land_in_their_rows() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("demo.db");
    drop(create_demo_database(&path, &Clock::fixed(today())).expect("demo"));
    // Read at once (the demo CSM holds fewer accounts than the default
    // threshold): the reference.
    let mut whole = open(&path, usize::MAX);
    assert!(!screen(&whole, 160, 48).contains("bands"));
    whole.start_loading();
    whole.settle_background();
    // Read behind the first frame.
    let mut late = open(&path, 0);
    let first = screen(&late, 160, 48);
    assert!(first.contains("· mine (bands coming…)"), "{first}");
    assert!(!first.contains("scorecard"), "no band before they are read: {first}");
    insta::assert_snapshot!("today_bands_coming_80x24", screen(&late, 80, 24));
    // The first frame is drawn: the bands are read behind it.
    late.start_loading();
    late.settle_background();
    let after = screen(&late, 200, 150);
    assert!(after.contains("· mine ") && !after.contains("bands"), "{after}");
    assert!(after.contains("scorecard"), "the bands landed: {after}");
    assert_eq!(after, screen(&whole, 200, 150), "the rows of a whole read, in their places");
    insta::assert_snapshot!("today_bands_landed_80x24", screen(&late, 80, 24));
}

#[test]
fn accepting_a_suggestion_before_the_bands_arrive_waits_for_them() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("demo.db");
    drop(create_demo_database(&path, &Clock::fixed(today())).expect("demo"));
    let id = banded_row_shown_early(&Store::open(&path).expect("store"));
    let mut whole = open(&path, usize::MAX);
    select(&mut whole, &id);
    key(&mut whole, KeyCode::Char('A'));
    let expected = screen(&whole, 160, 48);
    assert!(expected.contains("scorecard"), "the band is in the reason: {expected}");
    let mut late = open(&path, 0);
    select(&mut late, &id);
    key(&mut late, KeyCode::Char('A'));
    assert_eq!(screen(&late, 160, 48), expected, "A took the suggestion with its band");
}
