//! Where a start's time goes. With `COCKPIT_TIMING` naming a file, each
//! step on the way to the first frame appends one line to it: the time on
//! the system's monotonic clock (which the process that started the
//! cockpit shares, so it can tell how long the start took before the first
//! step), the CPU time of the thread that reached the step, and the step.
//! Without the variable nothing is measured and nothing is written.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::sync::{Mutex, OnceLock};

/// The variable that names the file the steps are appended to.
pub const TIMING_VAR: &str = "COCKPIT_TIMING";

static LOG: OnceLock<Option<Mutex<File>>> = OnceLock::new();

fn log() -> Option<&'static Mutex<File>> {
    LOG.get_or_init(|| {
        let path = std::env::var_os(TIMING_VAR).filter(|p| !p.is_empty())?;
        OpenOptions::new().create(true).append(true).open(path).ok().map(Mutex::new)
    })
    .as_ref()
}

/// Notes that `step` was reached (a no-op unless `COCKPIT_TIMING` is set).
pub fn mark(step: &str) {
    let Some(file) = log() else { return };
    let (now, cpu) = clocks();
    let thread = std::thread::current();
    let name = thread.name().unwrap_or("thread").replace(' ', "-");
    if let Ok(mut file) = file.lock() {
        let _ = writeln!(file, "{now} {cpu} {name} {step}");
    }
}

/// The monotonic clock now, in nanoseconds: what a process that starts the
/// cockpit notes to tell how long it took to reach its first step.
pub fn now_ns() -> u128 {
    clocks().0
}

/// The monotonic clock and this thread's CPU time, in nanoseconds.
#[cfg(unix)]
fn clocks() -> (u128, u128) {
    use rustix::time::{ClockId, clock_gettime};
    let nanos = |t: rustix::time::Timespec| {
        u128::try_from(t.tv_sec).unwrap_or(0) * 1_000_000_000
            + u128::try_from(t.tv_nsec).unwrap_or(0)
    };
    (nanos(clock_gettime(ClockId::Monotonic)), nanos(clock_gettime(ClockId::ThreadCPUTime)))
}

#[cfg(not(unix))]
fn clocks() -> (u128, u128) {
    (0, 0)
}

/// One line of a timing file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step<'a> {
    /// The monotonic clock when the step was reached, in nanoseconds.
    pub at_ns: u128,
    /// The CPU time of the thread that reached it, in nanoseconds.
    pub cpu_ns: u128,
    /// The thread's name (`main` for the main thread).
    pub thread: &'a str,
    pub step: &'a str,
}

/// Reads one line of a timing file back.
pub fn parse_line(line: &str) -> Option<Step<'_>> {
    let mut parts = line.splitn(4, ' ');
    let at_ns = parts.next()?.parse().ok()?;
    let cpu_ns = parts.next()?.parse().ok()?;
    let thread = parts.next()?;
    Some(Step { at_ns, cpu_ns, thread, step: parts.next()? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_reads_back_as_written() {
        let step = Step { at_ns: 12, cpu_ns: 3, thread: "main", step: "first frame" };
        assert_eq!(parse_line("12 3 main first frame"), Some(step));
        assert_eq!(parse_line("x 3 main step"), None);
        assert_eq!(parse_line("12 3 main"), None);
    }
}
