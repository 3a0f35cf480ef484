//! The churn chain editor with the real binary in a pseudo-terminal: record
//! a 4-link chain with the keyboard only, quit, reopen, find it in the
//! account and in the report; and see the refusal of a chain with nothing
//! beyond its terminal event.

#![cfg(unix)]

use crate::common;

use cockpit::store::Store;
use cockpit_core::testkit::Book;
use common::pty::Screen;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fixture(dir: &Path) -> PathBuf {
    common::db::three_accounts(
        dir,
        Book::new().snapshots(
            "account_id, month,   product, arr,   units
             A2,         2025-04, Core,    80000, 14
             A2,         2025-05, Core,    60000, 10",
        ),
    )
}

fn flat(text: &str) -> String {
    text.replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

const CTRL_S: &str = "\x13";
const ESC: &str = "\x1b";

#[test]
fn record_a_four_link_chain_quit_reopen_and_find_it() {
    let dir = tempfile::tempdir().expect("dir");
    let db = fixture(dir.path());
    let mut screen = Screen::open(&db);
    screen.wait_for("Today");
    screen.send("2");
    screen.wait_for("Book of business");
    screen.send("/glob");
    screen.wait_for("1 of 3 accounts");
    screen.send("\r");
    let started = Instant::now();
    screen.send("c");
    screen.wait_for("Churn chain · Globex");
    for query in ["new sp", "failed imp", "partner tr", "sales tr"] {
        screen.send(query);
        screen.send("\r");
    }
    screen.wait_for("due to Sales training");
    screen.send(CTRL_S);
    let text = screen.wait_for("saved:");
    assert!(started.elapsed() < Duration::from_secs(60));
    // Saved, the editor hands back to where it was opened: the Book.
    assert!(text.contains("Book of business"), "{text}");
    screen.quit();

    let mut screen = Screen::open(&db);
    screen.wait_for("Today");
    screen.send("2");
    screen.send("/glob");
    screen.wait_for("1 of 3 accounts");
    screen.send("\r\r");
    let text = flat(&screen.wait_for("Churn chains"));
    assert!(
        text.contains(
            "Contracted, due to New sponsor, due to Failed implementation, due to Partner training, due to Sales training"
        ),
        "{text}"
    );
    screen.send("7");
    let text = screen.wait_for("Churn report");
    assert!(text.contains("Sales training"), "{text}");
    assert!(text.contains("ARR lost 20,000.00"), "{text}");
    assert!(text.contains("controllable 100.0% of lost ARR"), "{text}");
    screen.send("\r");
    let text = screen.wait_for("Chains behind");
    assert!(text.contains("Globex"), "{text}");
    screen.quit();
}

#[test]
fn a_terminal_only_chain_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let db = fixture(dir.path());
    let mut screen = Screen::open(&db);
    screen.wait_for("Today");
    screen.send("2");
    screen.wait_for("Book of business");
    screen.send("c");
    screen.wait_for("Churn chain · Acme Corp");
    screen.send(CTRL_S);
    let text = screen.wait_for("✗");
    assert!(text.contains("names only what happened"), "{text}");
    screen.send(ESC);
    screen.wait_for("Book of business");
    screen.quit();
    let store = Store::open(&db).expect("reopen");
    assert!(store.churn_chains_for_account("A1").expect("chains").is_empty());
}
