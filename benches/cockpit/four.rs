//! The comparison issue 17 names: the four book files alone (accounts,
//! snapshots, contracts, notes) through `import all` into a new database,
//! beside the sqlite3 shell's `.import` of the same four CSVs into plain
//! tables, in total time (ours with its commit and index builds) and in
//! size, with both sides' time on the CPU and the load average (on a busy
//! machine the wall times say little). The seven-file rows let the usage file's lead hide what the four
//! cost, so they are timed apart here. The folder of links lives beside
//! the book (`…-four-files/`) and its databases are removed when done.

use super::{Book, Figure, clock, fig_ms, format_ms, load_average, ms};
use crate::import::{children_cpu, file_size, own_cpu, remove_db};
use cockpit::import::{ImportOptions, import_all};
use cockpit::store::Store;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// The book files the comparison counts.
const FOUR: [&str; 4] = ["accounts", "snapshots", "contracts", "notes"];

/// Times both imports of the four files and records the two rows.
pub(crate) fn four_files(book: &Book, out: &mut BTreeMap<String, Figure>) -> anyhow::Result<()> {
    let dir = linked_folder(book)?;
    let (ours_db, theirs_db) = (dir.join("cockpit.db"), dir.join("sqlite3-plain.db"));
    remove_db(&ours_db);
    remove_db(&theirs_db);
    let (t, cpu) = (Instant::now(), own_cpu());
    {
        let mut store = Store::open(&ours_db)?;
        import_all(&mut store, &dir, "bench", &clock(), ImportOptions::default())
            .map_err(|e| anyhow::anyhow!("import all (four files): {e}"))?;
    }
    let (ours, ours_cpu) = (t.elapsed(), own_cpu().saturating_sub(cpu));
    let (t, cpu) = (Instant::now(), children_cpu());
    let mut sqlite3 = Command::new("sqlite3");
    sqlite3.arg(&theirs_db);
    for name in FOUR {
        sqlite3.arg(format!(".import --csv {} {name}", dir.join(format!("{name}.csv")).display()));
    }
    anyhow::ensure!(sqlite3.status()?.success(), "sqlite3 .import of the four files failed");
    let (theirs, theirs_cpu) = (t.elapsed(), children_cpu().saturating_sub(cpu));
    let mut time = fig_ms(ours);
    time.note = format!(
        "sqlite3 {}, ours takes {:.2}× its time (ours: one transaction, the commit's index builds included); \
         on the CPU: ours {} on all its threads, sqlite3 {}; load average {}",
        format_ms(ms(theirs)),
        ms(ours) / ms(theirs),
        format_ms(ms(ours_cpu)),
        format_ms(ms(theirs_cpu)),
        load_average()
    );
    let (mine, plain) = (file_size(&ours_db) as f64 / 1e6, file_size(&theirs_db) as f64 / 1e6);
    let size = Figure {
        value: mine,
        text: format!("{mine:.1} MB"),
        note: format!("sqlite3 {plain:.1} MB, {:.2}× theirs", mine / plain),
    };
    eprintln!("import all, the four book files: {} ({})", time.text, time.note);
    eprintln!("database size, the four book files: {} ({})", size.text, size.note);
    out.insert("import all, the four book files".to_string(), time);
    out.insert("database size, the four book files".to_string(), size);
    remove_db(&ours_db);
    remove_db(&theirs_db);
    Ok(())
}

/// A folder beside the book holding links to its four book files only.
fn linked_folder(book: &Book) -> anyhow::Result<PathBuf> {
    let name = book.dir.file_name().and_then(|n| n.to_str()).unwrap_or("book");
    let dir = book.dir.with_file_name(format!("{name}-four-files"));
    std::fs::create_dir_all(&dir)?;
    for name in FOUR {
        let link = dir.join(format!("{name}.csv"));
        if !link.exists() {
            let target = std::fs::canonicalize(book.dir.join(format!("{name}.csv")))?;
            std::os::unix::fs::symlink(target, link)?;
        }
    }
    Ok(dir)
}
