//! The real binary in a pseudo-terminal: `Ctrl-R` over Today opens the
//! manager's roll-up, each CSM's line reads their Today and ARR at stake,
//! `j` shows the next CSM's reasons, and `Esc` closes it back to Today;
//! after another cockpit's commit the next `Ctrl-R` reads the book again.

#![cfg(unix)]

use crate::common;

use cockpit_core::testkit::Book;
use common::pty::Screen;

/// The line of the screen that starts (inside the frames) with `first`.
fn line_of(text: &str, first: &str) -> String {
    text.lines()
        .find(|line| line.trim_start_matches(['│', ' ']).starts_with(&format!("{first} ")))
        .unwrap_or_else(|| panic!("no line for {first}:\n{text}"))
        .to_string()
}

#[test]
fn ctrl_r_opens_the_roll_up_reads_each_csm_and_esc_closes_it() {
    let dir = tempfile::tempdir().expect("dir");
    let db = common::db::three_accounts(dir.path(), Book::new());
    let mut screen = Screen::open(&db);
    screen.wait_for("Today");
    screen.send("\x12");
    let text = screen.wait_for("Team roll-up");
    assert!(text.contains("2 CSMs"), "{text}");
    let words = |line: String| -> Vec<String> {
        line.trim_matches(['│', ' ']).split_whitespace().map(str::to_string).collect()
    };
    // ana's two accounts are green and touched a fortnight ago: nothing
    // today. bo's Initech (25,000 ARR) was never touched: one row, its ARR
    // at stake. No contracts, so nothing renews within 12 months.
    assert_eq!(words(line_of(&text, "ana")), ["ana", "0", "0.00", "0/0", "0.00", "0.00"]);
    assert_eq!(words(line_of(&text, "bo")), ["bo", "1", "25,000.00", "0/0", "0.00", "0.00"]);
    assert_eq!(words(line_of(&text, "team")), ["team", "1", "25,000.00", "0/0", "0.00", "0.00"]);
    assert!(text.contains("ana: nothing on Today"), "{text}");
    // j reads the next CSM's reasons.
    screen.send("j");
    let text = screen.wait_for("bo:");
    assert!(text.contains("bo: suggestion 1, no touch 1"), "{text}");
    screen.send("\x1b");
    let start = std::time::Instant::now();
    while screen.text().contains("Team roll-up") {
        assert!(start.elapsed().as_secs() < 10, "the roll-up stays open");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let text = screen.wait_for("Nothing needs you today");
    assert!(text.contains("0 rows for ana"), "{text}");
    screen.quit();
}

/// A second look shows the kept roll-up, but never one the book moved past:
/// another cockpit gives bo's only account to ana, and the next `Ctrl-R`
/// reads the book again and finds no team left to roll up.
#[test]
fn ctrl_r_after_another_cockpit_committed_reads_the_book_again() {
    let dir = tempfile::tempdir().expect("dir");
    let db = common::db::three_accounts(dir.path(), Book::new());
    let mut screen = Screen::open(&db);
    screen.wait_for("Today");
    screen.send("\x12");
    let text = screen.wait_for("Team roll-up");
    assert!(text.contains("2 CSMs"), "{text}");
    screen.send("\x1b");
    screen.wait_for("Nothing needs you today");
    let other = cockpit::store::Store::open(&db).expect("store");
    other.set_owners("A3", "ana", "").expect("owners");
    screen.send("\x12");
    let text = screen.wait_for("no team to roll up");
    assert!(!text.contains("Team roll-up"), "{text}");
    screen.quit();
}
