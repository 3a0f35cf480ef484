//! The real binary's start step by step: the binary notes each step on the
//! way to its first frame (`COCKPIT_TIMING`, see `cockpit::timing`), and
//! this reads the notes back as phases of its main thread, on the clock and
//! on the CPU, so the time between the spawn and the first frame is named
//! part by part (the process start before `main` included).

use super::ms;
use cockpit::timing::parse_line;
use std::path::Path;
use std::time::{Duration, Instant};

/// The phases of the main thread, each ending at a step the binary notes:
/// (label, the step that ends it).
const PHASES: [(&str, &str); 8] = [
    ("process start", "main"),
    ("settings and store open", "settings with keys read"),
    ("tiers", "first book: tiers found"),
    ("user's rows", "first book: user's rows read"),
    ("Today's facts", "first book: Today's facts read"),
    ("panes", "first pane shown"),
    ("terminal set-up", "input started"),
    ("draw", "first frame"),
];

/// One start's phases: per phase of [`PHASES`], (on the clock, on the CPU).
pub(crate) type Phases = Vec<(Duration, Duration)>;

/// Reads the steps the binary noted in `log` (waiting up to `wait` for the
/// first frame's), with the monotonic clock at the spawn.
pub(crate) fn read_phases(log: &Path, spawned_ns: u128, wait: Duration) -> Option<Phases> {
    let until = Instant::now() + wait;
    let text = loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if text.lines().any(|l| l.ends_with(" main first frame")) || Instant::now() > until {
            break text;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    phases_of(&text, spawned_ns)
}

/// The main thread's phases in a timing file's `text`.
fn phases_of(text: &str, spawned_ns: u128) -> Option<Phases> {
    let steps: Vec<_> =
        text.lines().filter_map(parse_line).filter(|s| s.thread == "main").collect();
    let nanos = |n: u128| Duration::from_nanos(u64::try_from(n).unwrap_or(u64::MAX));
    let (mut at, mut cpu) = (spawned_ns, 0);
    let mut phases = Vec::new();
    for (_, step) in PHASES {
        let reached = steps.iter().find(|s| s.step == step)?;
        phases.push((
            nanos(reached.at_ns.saturating_sub(at)),
            nanos(reached.cpu_ns.saturating_sub(cpu)),
        ));
        (at, cpu) = (reached.at_ns, reached.cpu_ns);
    }
    Some(phases)
}

/// "in the binary, median ms on the clock/on the CPU: process start 4/3, …".
pub(crate) fn phase_medians(runs: &[Phases]) -> String {
    let median = |mut times: Vec<Duration>| {
        times.sort();
        ms(times.get(times.len() / 2).copied().unwrap_or_default())
    };
    let parts: Vec<String> = PHASES
        .iter()
        .enumerate()
        .map(|(at, (label, _))| {
            let clock = median(runs.iter().filter_map(|r| r.get(at)).map(|p| p.0).collect());
            let cpu = median(runs.iter().filter_map(|r| r.get(at)).map(|p| p.1).collect());
            format!("{label} {clock:.1}/{cpu:.1}")
        })
        .collect();
    format!(
        "its main thread step by step, median ms on the clock/on the CPU over {} runs: {}",
        runs.len(),
        parts.join(", ")
    )
}
