//! Figures that need a process of their own: the pandas comparison, the real
//! binary's first frame in a pseudo-terminal, and peak memory.

use super::keys::walk_pane;
use super::{Figure, HEIGHT, WIDTH, clock, fig_ms, ms, today};
use cockpit::domain::Config;
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
/// Seconds the pandas script reports for the series, when python3 has pandas.
pub(crate) fn pandas_retention(snapshots: &Path) -> Option<f64> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/retention_pandas.py");
    let output = Command::new("python3").arg(script).arg(snapshots).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().rev().find(|l| l.starts_with("elapsed "))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// [`binary_first_frame`] measured from a process of its own, started for
/// it: the pty library forks the process that spawns the cockpit, and a
/// fork of this benchmark, hundreds of megabytes by then, cost the child
/// 15 ms on the CPU and tens of ms on the clock before the cockpit's `main`
/// (its copy of the address space, dropped again at `exec`) — time a shell
/// starting the cockpit does not spend.
pub(crate) fn binary_first_frame_apart(db: &Path, user: &str) -> Figure {
    let output = Command::new(std::env::current_exe().unwrap_or_default())
        .arg("--first-frame-child")
        .arg(db)
        .arg(user)
        .output();
    let text = output.map(|o| String::from_utf8_lossy(&o.stdout).to_string()).unwrap_or_default();
    let field = |name: &str| text.lines().find_map(|l| l.strip_prefix(name)).map(str::to_string);
    match (field("value "), field("text "), field("note ")) {
        (Some(value), Some(text), Some(note)) => {
            Figure { value: value.parse().unwrap_or(0.0), text, note }
        }
        _ => Figure { text: "n/a".to_string(), note: text, value: 0.0 },
    }
}

/// The child of [`binary_first_frame_apart`]: measures and prints the figure.
pub(crate) fn first_frame_child(db: &Path, user: &str) {
    let figure = binary_first_frame(db, user);
    println!("value {}\ntext {}\nnote {}", figure.value, figure.text, figure.note);
}

/// Spawns the real binary in a pseudo-terminal and waits for its first
/// screen. The note adds the median time its main thread spent on a CPU
/// until then (Linux): the work of the first frame, apart from what a busy
/// machine gave other processes meanwhile.
#[cfg(unix)]
pub(crate) fn binary_first_frame(db: &Path, user: &str) -> Figure {
    let mut runs = Vec::new();
    let mut on_cpu = Vec::new();
    let mut steps = Vec::new();
    for _ in 0..FIRST_FRAME_RUNS {
        match try_binary_first_frame(db, user) {
            Ok((took, cpu, timing)) => {
                runs.push(took);
                on_cpu.extend(cpu);
                steps.extend(timing);
            }
            Err(error) => {
                return Figure { text: "n/a".to_string(), note: format!("{error:#}"), value: 0.0 };
            }
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    let mut figure = median_figure(&runs);
    if !on_cpu.is_empty() {
        on_cpu.sort();
        let median = on_cpu[on_cpu.len() / 2];
        figure.note = format!(
            "{}; its main thread on the CPU: median {:.0} ms, load average {}",
            figure.note,
            ms(median),
            std::fs::read_to_string("/proc/loadavg")
                .ok()
                .and_then(|t| t.split_whitespace().next().map(str::to_string))
                .unwrap_or_else(|| "unknown".to_string())
        );
    }
    if !steps.is_empty() {
        figure.note = format!("{}; {}", figure.note, super::startup::phase_medians(&steps));
    }
    figure
}

/// The time the main thread of process `pid` has spent on a CPU (Linux's
/// `/proc/PID/schedstat`).
#[cfg(unix)]
fn process_on_cpu(pid: i32) -> Option<Duration> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/schedstat")).ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// How many times each first frame is measured.
pub(crate) const FIRST_FRAME_RUNS: usize = 5;

/// The median of `runs`, with the first run and the range in the note.
pub(crate) fn median_figure(runs: &[Duration]) -> Figure {
    let mut sorted = runs.to_vec();
    sorted.sort();
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or_default();
    let mut figure = fig_ms(median);
    figure.text = format!("median {}", figure.text);
    figure.note = format!(
        "{} runs: first {:.0} ms, range {:.0}–{:.0} ms",
        runs.len(),
        ms(runs.first().copied().unwrap_or_default()),
        ms(sorted.first().copied().unwrap_or_default()),
        ms(sorted.last().copied().unwrap_or_default())
    );
    figure
}

#[cfg(unix)]
fn try_binary_first_frame(
    db: &Path,
    user: &str,
) -> anyhow::Result<(Duration, Option<Duration>, Option<super::startup::Phases>)> {
    use expectrl::session::OsSession;
    use std::num::NonZeroU16;
    // The binary notes each step of its start here (`COCKPIT_TIMING`).
    let log = tempfile::NamedTempFile::new()?;
    let mut command = Command::new(env!("CARGO_BIN_EXE_cockpit"));
    command
        .arg("--db")
        .arg(db)
        .env(cockpit::timing::TIMING_VAR, log.path())
        .env("COCKPIT_TODAY", today().to_string())
        .env("COCKPIT_USER", user)
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1");
    let started = Instant::now();
    let spawned_ns = cockpit::timing::now_ns();
    let mut session = OsSession::spawn(command)?;
    session.get_process_mut().set_window_size(WIDTH, HEIGHT)?;
    let mut parser = vt100::Parser::new(
        NonZeroU16::new(HEIGHT).unwrap_or(NonZeroU16::MIN),
        NonZeroU16::new(WIDTH).unwrap_or(NonZeroU16::MIN),
        0,
    );
    let mut buffer = [0_u8; 65536];
    let took = loop {
        if let Ok(n) = session.try_read(&mut buffer) {
            parser.process(&buffer[..n]);
            let screen = parser.screen().contents();
            // The status line names the database: the last row drawn.
            if screen.contains("help") && screen.contains("accounts") {
                let pid = session.get_process().pid().as_raw();
                break (started.elapsed(), process_on_cpu(pid));
            }
        }
        anyhow::ensure!(started.elapsed() < Duration::from_secs(30), "no screen in 30 s");
        std::thread::sleep(Duration::from_micros(200));
    };
    // The frame is on the screen; its step is noted as the draw returns.
    let phases = super::startup::read_phases(log.path(), spawned_ns, Duration::from_millis(200));
    let _ = session.get_process_mut().kill(expectrl::process::unix::Signal::SIGKILL);
    Ok((took.0, took.1, phases))
}

#[cfg(not(unix))]
pub(crate) fn binary_first_frame(_db: &Path, _user: &str) -> Figure {
    Figure { text: "n/a".to_string(), note: "needs a Unix pty".to_string(), value: 0.0 }
}

/// Runs this benchmark again as a child that only opens the cockpit on `db`
/// and walks every pane's keys, and reads its peak resident memory.
pub(crate) fn peak_memory(db: &Path, user: &str) -> anyhow::Result<Figure> {
    let output =
        Command::new(std::env::current_exe()?).arg("--memory-child").arg(db).arg(user).output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let field = |name: &str| -> Option<f64> {
        text.lines().find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
    };
    Ok(match field("VmHWM_kB ") {
        Some(kb) => Figure {
            value: kb / 1024.0,
            text: format!("{:.0} MB", kb / 1024.0),
            note: format!(
                "VmHWM of a process that opens and walks; of it, mapped database file {:.0} MB, \
                 private memory {:.0} MB at the end",
                field("RssFile_kB ").unwrap_or(0.0) / 1024.0,
                field("RssAnon_kB ").unwrap_or(0.0) / 1024.0
            ),
        },
        None => Figure {
            text: "n/a".to_string(),
            note: format!(
                "no /proc/self/status here ({})",
                String::from_utf8_lossy(&output.stderr).trim()
            ),
            value: 0.0,
        },
    })
}

/// Prints the peak and the resident set now, after `what`.
fn memory_line(what: &str) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .map_or("?", |l| l.split_whitespace().nth(1).unwrap_or("?"))
            .to_string()
    };
    eprintln!(
        "after {what}: VmHWM {} kB, VmRSS {} kB (file {} kB, anon {} kB); heap {} kB, \
         at most {} kB since the last line; SQLite {} kB (at most {} kB)",
        kb("VmHWM:"),
        kb("VmRSS:"),
        kb("RssFile:"),
        kb("RssAnon:"),
        super::heap::live() / 1024,
        super::heap::peak() / 1024,
        // SAFETY: both only read SQLite's own counters.
        unsafe { rusqlite::ffi::sqlite3_memory_used() } / 1024,
        unsafe { rusqlite::ffi::sqlite3_memory_highwater(1) } / 1024
    );
    super::heap::reset_peak();
}

pub(crate) fn memory_child(db: &Path, user: &str) -> anyhow::Result<()> {
    // As the binary's `main` does first.
    cockpit::tui::memory::tune_allocator();
    super::heap::start();
    if std::env::var_os("COCKPIT_BENCH_MEMORY_PARTS").is_some() {
        return super::memory_parts::memory_parts(db);
    }
    let store = Store::open(db)?;
    let mut app = App::new(store, clock(), Config::default(), user, Theme::plain())?;
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT))?;
    app.resize(WIDTH, HEIGHT);
    terminal.draw(|frame| app.draw(frame))?;
    let by_pane = std::env::var_os("COCKPIT_BENCH_MEMORY_PANES").is_some();
    if by_pane {
        // The first screen alone, then with what loads behind it (the whole book).
        memory_line("the first frame");
        app.start_loading();
        app.settle_background();
        terminal.draw(|frame| app.draw(frame))?;
        memory_line("the first frame, the book loaded behind it");
    }
    for (index, (_, title)) in app.pane_scopes().into_iter().enumerate() {
        walk_pane(&mut app, &mut terminal, index, title, &mut Vec::new(), &mut Vec::new())?;
        if by_pane {
            // Which pane's load holds the memory: the peak and the resident set after each.
            memory_line(title);
        }
    }
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .ok_or_else(|| anyhow::anyhow!("no VmHWM"))?;
    let kb = line.split_whitespace().nth(1).unwrap_or("0");
    println!("VmHWM_kB {kb}");
    for name in ["RssFile", "RssAnon"] {
        if let Some(line) = status.lines().find(|l| l.starts_with(&format!("{name}:"))) {
            println!("{name}_kB {}", line.split_whitespace().nth(1).unwrap_or("0"));
        }
    }
    Ok(())
}
