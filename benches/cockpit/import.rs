//! The import rows of the benchmark: `import all` of a book's folder into a
//! new database, each file timed beside the sqlite3 shell's `.import` of
//! the same CSV into a plain table, the total with the time on the CPU of
//! both, and the size of both databases, whole and per file.

use super::{Book, Figure, clock, fig_ms, format_ms, load_average, ms};
use cockpit::import::{ImportKind, ImportOptions, import_all};
use cockpit::store::Store;
use cockpit::store::bulk::steps;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Imports the book's folder with `import all` into a fresh database at
/// `db`, each file timed beside the sqlite3 shell's `.import` of it, and
/// records the sizes, whole and per file.
pub(crate) fn import_book(
    book: &Book,
    db: &Path,
    compare: bool,
    out: &mut BTreeMap<String, Figure>,
) -> anyhow::Result<()> {
    remove_db(db);
    let theirs_db = book.dir.join("sqlite3-plain.db");
    remove_db(&theirs_db);
    let sqlite3 = compare && Command::new("sqlite3").arg("-version").output().is_ok();
    if compare && !sqlite3 {
        eprintln!("sqlite3 is not installed: the comparison rows are skipped");
    }
    let t = Instant::now();
    let cpu = own_cpu();
    let ends = Arc::new(FileEnds::new(&book.dir));
    let _ = steps::take();
    let (opened, closed, reports) = {
        let at = Instant::now();
        let mut store = Store::open(db)?;
        let opened = at.elapsed();
        ends.start();
        let told = ends.clone();
        let options = ImportOptions {
            progress: Some(Arc::new(move |done, _| told.tell(done))),
            ..ImportOptions::default()
        };
        let reports = import_all(&mut store, &book.dir, "bench", &clock(), options)
            .map_err(|e| anyhow::anyhow!("import all: {e}"))?;
        let at = Instant::now();
        drop(store);
        (opened, at.elapsed(), reports)
    };
    let timed = steps::take();
    let ours_total = t.elapsed();
    let ours_cpu = own_cpu().saturating_sub(cpu);
    let file_cpu = ends.cpu_per_file();
    let (mut theirs_total, mut theirs_cpu) = (Duration::ZERO, Duration::ZERO);
    for kind in ImportKind::ALL {
        let Some(report) = reports.iter().find(|r| r.kind == kind.as_str()) else { continue };
        let ours = report.took;
        let rows = book.rows.get(kind.as_str()).copied().unwrap_or(0);
        let mut figure = fig_ms(ours);
        figure.text = format!("{} · {} rows/s", figure.text, per_second(rows, ours));
        if sqlite3 {
            let file = book.dir.join(format!("{kind}.csv"));
            let t = Instant::now();
            let cpu = children_cpu();
            let status = Command::new("sqlite3")
                .arg(&theirs_db)
                .arg(format!(".import --csv {} {}", file.display(), kind.as_str()))
                .status()?;
            let theirs = t.elapsed();
            anyhow::ensure!(status.success(), "sqlite3 .import {kind} failed");
            theirs_total += theirs;
            let their_cpu = children_cpu().saturating_sub(cpu);
            theirs_cpu += their_cpu;
            figure.note = format!(
                "sqlite3 {}, ours takes {:.2}× its time; on the CPU: ours {}, sqlite3 {}",
                format_ms(ms(theirs)),
                ms(ours) / ms(theirs),
                file_cpu.get(kind.as_str()).map_or("?".to_string(), |d| format_ms(ms(*d))),
                format_ms(ms(their_cpu)),
            );
        } else {
            figure.note = "sqlite3: not available".to_string();
        }
        eprintln!("import {kind}: {} ({})", figure.text, figure.note);
        out.insert(format!("import {kind}"), figure);
    }
    // Where the rest of the time goes: opening (a new book's schema), the
    // commit with the index builds deferred by the loads, the journal's
    // return to WAL and closing.
    let files: Duration = reports.iter().map(|r| r.took).sum();
    let rest = ours_total.saturating_sub(files);
    let mut phases = fig_ms(rest);
    let mut parts = vec![format!("open {}", format_ms(ms(opened)))];
    parts.extend(timed.iter().map(|step| {
        format!("{} {} (CPU {})", step.name, format_ms(ms(step.took)), format_ms(ms(step.cpu)))
    }));
    parts.push(format!("close {}", format_ms(ms(closed))));
    phases.note = format!(
        "of import all's {}: files {} (read, checked, written), then: {} (steps during a file are in its time)",
        format_ms(ms(ours_total)),
        format_ms(ms(files)),
        parts.join(", ")
    );
    eprintln!("import: open, commit and close: {} ({})", phases.text, phases.note);
    out.insert("import: open, commit and close".to_string(), phases);
    let all_rows: u64 = book.rows.values().sum();
    let mut total = fig_ms(ours_total);
    total.text = format!("{} · {} rows/s", total.text, per_second(all_rows, ours_total));
    total.note = if sqlite3 {
        format!(
            "sqlite3 {}, ours takes {:.2}× its time (ours: one transaction, the commit's index builds included); \
             on the CPU: ours {} on all its threads, sqlite3 {}; load average {}",
            format_ms(ms(theirs_total)),
            ms(ours_total) / ms(theirs_total),
            format_ms(ms(ours_cpu)),
            format_ms(ms(theirs_cpu)),
            load_average()
        )
    } else {
        "sqlite3: not available".to_string()
    };
    eprintln!("import all files: {} ({})", total.text, total.note);
    out.insert("import all files".to_string(), total);

    let size = file_size(db) as f64 / 1e6;
    let mut size_figure =
        Figure { value: size, text: format!("{size:.1} MB"), note: String::new() };
    if sqlite3 {
        let theirs = file_size(&theirs_db) as f64 / 1e6;
        size_figure.note = format!("sqlite3 {theirs:.1} MB, {:.2}× theirs", size / theirs);
    }
    eprintln!("database size: {} ({})", size_figure.text, size_figure.note);
    out.insert("database size".to_string(), size_figure);
    if sqlite3 {
        let (ours, theirs) = (sizes_by_file(db), sizes_by_file(&theirs_db));
        for name in ["accounts", "snapshots", "contracts", "notes", "other"] {
            let mine = ours.get(name).copied().unwrap_or(0) as f64 / 1e6;
            let plain = theirs.get(name).copied().unwrap_or(0) as f64 / 1e6;
            if mine == 0.0 && plain == 0.0 {
                continue;
            }
            let note = if plain > 0.0 {
                format!("sqlite3 {plain:.1} MB, {:.2}× theirs", mine / plain)
            } else {
                "derived and search tables, which sqlite3's plain tables lack".to_string()
            };
            eprintln!("size {name}: {mine:.1} MB ({note})");
            out.insert(
                format!("database size: {name}"),
                Figure { value: mine, text: format!("{mine:.1} MB"), note },
            );
        }
        super::four::four_files(book, out)?;
    }
    Ok(())
}

/// Bytes of a database by the book file its tables hold (each table with
/// its indexes and the search and derived tables kept from it), read with
/// the sqlite3 shell's `dbstat`; empty when the shell cannot read it.
fn sizes_by_file(db: &Path) -> BTreeMap<&'static str, u64> {
    let sql = "SELECT coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat AS d \
               LEFT JOIN sqlite_master AS m ON m.name = d.name GROUP BY 1";
    let mut sizes = BTreeMap::new();
    let Ok(output) = Command::new("sqlite3").arg("-readonly").arg(db).arg(sql).output() else {
        return sizes;
    };
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Some((table, bytes)) = line.rsplit_once('|') else { continue };
        let file = match table {
            t if t.starts_with("account") => "accounts",
            t if t.starts_with("snapshot") || t.starts_with("arr_series") => "snapshots",
            t if t.starts_with("contract") => "contracts",
            t if t.starts_with("note") => "notes",
            _ => "other",
        };
        *sizes.entry(file).or_insert(0) += bytes.parse::<u64>().unwrap_or(0);
    }
    sizes
}

pub(crate) fn per_second(rows: u64, took: Duration) -> String {
    let rate = rows as f64 / took.as_secs_f64().max(1e-9);
    if rate >= 1e6 { format!("{:.2}M", rate / 1e6) } else { format!("{:.0}k", rate / 1e3) }
}

/// A database's bytes with its journal files.
pub(crate) fn file_size(path: &Path) -> u64 {
    let mut total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    for suffix in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        total += std::fs::metadata(PathBuf::from(p)).map(|m| m.len()).unwrap_or(0);
    }
    total
}

pub(crate) fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Time this process has spent on a CPU, on all its threads (user and
/// system, from `/proc/self/stat`, in clock ticks of 10 ms).
pub(crate) fn own_cpu() -> Duration {
    proc_ticks(13, 14)
}

/// Time the finished child processes spent on a CPU (as [`own_cpu`]).
pub(crate) fn children_cpu() -> Duration {
    proc_ticks(15, 16)
}

/// The sum of two tick fields of `/proc/self/stat` (0-based, counted after
/// the process name), as a duration.
fn proc_ticks(user: usize, system: usize) -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return Duration::ZERO };
    // The name may hold spaces: fields are counted after its closing bracket.
    let Some((_, rest)) = stat.rsplit_once(')') else { return Duration::ZERO };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |at: usize| fields.get(at - 2).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    Duration::from_millis((field(user) + field(system)) * 10)
}

/// The time on the CPU at the end of each file of `import all`, from its
/// progress: it tells the bytes done, and the last time it tells the sum
/// of the files so far is when the file is done (read, checked, written).
struct FileEnds {
    /// Each file of the folder in import order, and where it ends in bytes.
    files: Vec<(&'static str, u64)>,
    /// The CPU time at the start, and as last told at each file's end.
    cpu: Mutex<(Duration, BTreeMap<&'static str, Duration>)>,
}

impl FileEnds {
    fn new(dir: &Path) -> FileEnds {
        let mut end = 0;
        let mut files = Vec::new();
        for kind in ImportKind::ALL {
            let Ok(meta) = std::fs::metadata(dir.join(format!("{kind}.csv"))) else { continue };
            end += meta.len();
            files.push((kind.as_str(), end));
        }
        FileEnds { files, cpu: Mutex::new((Duration::ZERO, BTreeMap::new())) }
    }

    fn start(&self) {
        if let Ok(mut cpu) = self.cpu.lock() {
            cpu.0 = own_cpu();
        }
    }

    fn tell(&self, done: u64) {
        // Most calls are reads within a file: compared, not timed.
        let Some((kind, _)) = self.files.iter().find(|(_, end)| *end == done) else { return };
        if let Ok(mut cpu) = self.cpu.lock() {
            cpu.1.insert(kind, own_cpu());
        }
    }

    /// Each file's time on the CPU (all threads), by kind.
    fn cpu_per_file(&self) -> BTreeMap<&'static str, Duration> {
        let Ok(cpu) = self.cpu.lock() else { return BTreeMap::new() };
        let mut before = cpu.0;
        let mut each = BTreeMap::new();
        for (kind, _) in &self.files {
            let Some(&at) = cpu.1.get(kind) else { continue };
            each.insert(*kind, at.saturating_sub(before));
            before = at;
        }
        each
    }
}
