//! How long each step of an import's writing took outside its files' rows
//! (each deferred index build, each search index fill, the kept series,
//! the commit itself), on the clock and on the CPU, kept for the benchmark
//! to print. Decides nothing.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One timed step: its name, its time on the clock, and the process's
/// time on the CPU meanwhile (every thread: SQLite sorts on helpers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub name: String,
    pub took: Duration,
    pub cpu: Duration,
}

/// At most this many steps are kept: a session that imports again and
/// again without anyone taking them keeps only the latest.
const KEPT: usize = 256;

/// The steps timed since the last [`take`], in order.
static STEPS: Mutex<Vec<Step>> = Mutex::new(Vec::new());

/// The process's time on the CPU so far.
fn process_cpu() -> Duration {
    let at = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    Duration::new(u64::try_from(at.tv_sec).unwrap_or(0), u32::try_from(at.tv_nsec).unwrap_or(0))
}

/// Runs `step` and keeps how long it took under `name`.
pub(super) fn timed<T>(name: impl FnOnce() -> String, step: impl FnOnce() -> T) -> T {
    let (started, cpu) = (Instant::now(), process_cpu());
    let out = step();
    let step =
        Step { name: name(), took: started.elapsed(), cpu: process_cpu().saturating_sub(cpu) };
    if let Ok(mut steps) = STEPS.lock() {
        if steps.len() >= KEPT {
            steps.remove(0);
        }
        steps.push(step);
    }
    out
}

/// The steps timed since the last call, in order, and forgets them.
pub fn take() -> Vec<Step> {
    STEPS.lock().map(|mut steps| std::mem::take(&mut *steps)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_is_kept_with_its_name_and_result() {
        let _ = take();
        let out = timed(|| "sum".to_string(), || (1..=1_000u64).sum::<u64>());
        assert_eq!(out, 500_500);
        let steps = take();
        assert!(steps.iter().any(|step| step.name == "sum"), "{steps:?}");
        assert!(take().iter().all(|step| step.name != "sum"));
    }
}
