//! The real binary's start, noted step by step (`COCKPIT_TIMING`): the
//! steps the benchmark reads to name where the time before the first frame
//! goes are all noted, in order, on the main thread, and the first frame
//! comes before anything loads behind it.

#![cfg(unix)]

use crate::common;

use cockpit::timing::{TIMING_VAR, parse_line};
use cockpit_core::testkit::Book;
use common::pty::{Screen, cockpit};
use std::time::{Duration, Instant};

#[test]
fn the_start_is_noted_step_by_step_up_to_the_first_frame() {
    let dir = tempfile::tempdir().expect("dir");
    let db = common::db::three_accounts(dir.path(), Book::new());
    let log = dir.path().join("timing.log");
    let mut command = cockpit(&db);
    command.env(TIMING_VAR, &log);
    let mut screen = Screen::spawn(command);
    screen.wait_for("Today");
    let until = Instant::now() + Duration::from_secs(10);
    let text = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains(" main loading started") || Instant::now() > until {
            break text;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    screen.quit();
    let steps: Vec<_> =
        text.lines().filter_map(parse_line).filter(|s| s.thread == "main").collect();
    let names: Vec<&str> = steps.iter().map(|s| s.step).collect();
    // The steps the benchmark's phases end at, in the order they are met.
    let expected = [
        "main",
        "settings with keys read",
        "first book: tiers found",
        "first book: user's rows read",
        "first book: Today's facts read",
        "first pane shown",
        "input started",
        "first frame",
        "loading started",
    ];
    let mut at = 0;
    for step in expected {
        let found = names[at..].iter().position(|n| *n == step);
        assert!(found.is_some(), "{step} missing after {:?}: {names:?}", names.get(at));
        at += found.unwrap_or(0) + 1;
    }
    // The clock and the thread's CPU time only go forward.
    for pair in steps.windows(2) {
        assert!(pair[0].at_ns <= pair[1].at_ns && pair[0].cpu_ns <= pair[1].cpu_ns, "{pair:?}");
    }
}
