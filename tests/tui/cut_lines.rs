//! Nothing on screen is cut without `…`, and names are cut only when the
//! room runs out: the status line (a long message wraps, whole), a refusal's mark, and the timeline's and
//! health history's authors at 80 and 160 columns.

use crate::app::{app, chars, fixture, key};
use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::Config;
use cockpit::store::Store;
use cockpit::tui::app::{App, Tone};
use cockpit::tui::theme::Theme;
use cockpit_core::testkit::Book;
use common::frame::text as screen;
use ratatui::crossterm::event::KeyCode;

/// The status line (the screen's last) of `app` drawn `width` wide.
fn status_line(app: &App, width: u16) -> String {
    screen(app, width, 24).lines().last().unwrap_or_default().trim_end().to_string()
}

#[test]
fn a_refusal_has_its_own_mark_and_a_long_message_ends_with_the_cut_mark() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.status().map(|s| s.tone), Some(Tone::Refused));
    let line = status_line(&app, 80);
    assert!(line.starts_with(" ! nothing to undo"), "{line}");
    // A note is not undone: the refusal says so first, the note shortened.
    key(&mut app, KeyCode::Char('n'));
    chars(
        &mut app,
        "Called the sponsor about the renewal, the budget and the new finance team's plans",
    );
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.status().map(|s| s.tone), Some(Tone::Done));
    assert!(status_line(&app, 80).starts_with(" ✓ saved:"));
    key(&mut app, KeyCode::Char('u'));
    // At 80 columns the message wraps over the hints, whole, at spaces.
    let screen80 = screen(&app, 80, 24);
    let lines: Vec<&str> = screen80.lines().map(str::trim_end).collect();
    let first = lines.iter().rposition(|l| l.starts_with(" ! ")).expect("the message");
    let block = &lines[first..];
    assert!(block.len() >= 2, "{screen80}");
    assert!(block[0].starts_with(" ! cannot be undone: “"), "{screen80}");
    assert!(block[1..].iter().all(|l| l.starts_with("   ")), "{screen80}");
    assert!(block.iter().all(|l| !l.ends_with('…') && !l.contains('✓')), "{screen80}");
    for line in block {
        assert!(unicode_width::UnicodeWidthStr::width(*line) <= 80, "{line}");
    }
    // Read back with one space where it broke, it is the message, whole.
    let joined = block
        .iter()
        .map(|l| l[l.char_indices().nth(3).map_or(0, |(i, _)| i)..].trim())
        .collect::<Vec<_>>()
        .join(" ");
    let whole = app.status().map(|s| s.text.clone()).unwrap_or_default();
    assert_eq!(joined, whole, "{screen80}");
    // Wide enough, the whole message shows on one line.
    let wide = status_line(&app, 200);
    assert!(wide.ends_with("u again undoes the action before it"), "{wide}");
    assert!(wide.starts_with(" ! cannot be undone: “"), "{wide}");
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
}

#[test]
fn authors_are_whole_where_there_is_room_and_cut_with_the_mark_where_not() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.db");
    Book::new()
        .accounts("id, name, csm, health\nA1, Acme, ana, green")
        .health_changes(
            "account_id, at,                   who,             health, reason
             A1,         2025-05-01T09:00:00Z, Jonas Lindqvist, green,  QBR went well",
        )
        .notes(
            "account_id, at,                   kind, text,              who
             A1,         2025-05-20T10:00:00Z, call, Renewal call done, Jonas Lindqvist",
        )
        .create(&path);
    for (width, height, whole) in [(160_u16, 48_u16, true), (80, 24, false)] {
        let store = Store::open(&path).expect("store");
        let mut app =
            App::new(store, Clock::fixed(today()), Config::default(), "ana", Theme::plain())
                .expect("app")
                .with_db_label("book.db");
        app.resize(width, height);
        key(&mut app, KeyCode::Char('2'));
        key(&mut app, KeyCode::Enter);
        // The overview's health history.
        let text = screen(&app, width, height);
        assert_eq!(text.contains("Jonas Lindqvist QBR went well"), whole, "{text}");
        if !whole {
            assert!(text.contains("Jonas Lin… QBR"), "{text}");
        }
        // The timeline.
        key(&mut app, KeyCode::Char('l'));
        let text = screen(&app, width, height);
        assert_eq!(text.contains("Jonas Lindqvist Renewal call done"), whole, "{text}");
        if !whole {
            assert!(text.contains("Jonas L…"), "{text}");
        }
    }
}

#[test]
fn a_form_error_is_shown_whole_however_long() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    key(&mut app, KeyCode::Char('5'));
    key(&mut app, KeyCode::Char('O'));
    assert!(app.popup().is_some(), "{}", screen(&app, 80, 24));
    chars(&mut app, "Insights");
    key(&mut app, KeyCode::Tab);
    chars(&mut app, "-5000");
    key(&mut app, KeyCode::Enter);
    let text = screen(&app, 80, 24);
    assert!(text.contains("negative"), "{text}");
    assert!(text.contains("24000.50)"), "the error's end is shown\n{text}");
}
