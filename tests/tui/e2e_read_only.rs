//! A book marked read-only (a backup, an archived copy) in the real binary:
//! the cockpit opens it for reading, says so at the top, every pane reads,
//! and every change is refused with one status line; the file is left
//! byte for byte as it was, with nothing written beside it.

#![cfg(unix)]

use crate::common;

use cockpit_core::testkit::Book;
use common::pty::Screen;
use std::os::unix::fs::PermissionsExt;

#[test]
fn a_read_only_book_opens_read_only_and_refuses_every_change() {
    let dir = tempfile::tempdir().expect("dir");
    let db = common::db::three_accounts(dir.path(), Book::new());
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).expect("mode");
    let sidecars = |dir: &std::path::Path| {
        ["book.db-wal", "book.db-shm"].map(|name| std::fs::read(dir.join(name)).ok())
    };
    let before = (std::fs::read(&db).expect("read"), sidecars(dir.path()));
    let mut screen = Screen::open(&db);
    let text = screen.wait_for("Today");
    assert!(text.lines().next().is_some_and(|top| top.contains("read-only")), "{text}");
    assert!(text.contains("(read-only)"), "the status line names it: {text}");
    // The panes read as usual.
    screen.send("2");
    screen.wait_for("Book of business");
    screen.send("/glob");
    screen.wait_for("1 of 3 accounts");
    screen.send("\r");
    // Each change is refused before a form opens, with one line.
    for key in ["H", "n", "o", "F"] {
        screen.send(key);
        let text = screen.wait_for("read-only book: nothing can be changed here");
        assert!(!text.contains("Pick a colour"), "{key}: no form opens: {text}");
        assert!(!text.contains("✓"), "{key}: a refusal carries no tick: {text}");
    }
    screen.send("\r");
    let text = screen.wait_for("Health history");
    assert!(text.contains("Globex"), "{text}");
    screen.send("u");
    screen.wait_for("read-only book: nothing can be changed here");
    screen.quit();
    let after = (std::fs::read(&db).expect("read"), sidecars(dir.path()));
    assert!(after == before, "the book and the files beside it are unchanged");
}
