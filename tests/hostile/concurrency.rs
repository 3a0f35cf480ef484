//! Two processes at once: two imports, an import racing itself, readers
//! and a backup during an import, two churn records, and an import killed
//! with SIGKILL in the middle (through the WAL, and through the rollback
//! journal of a first import). Each ends with a whole book holding exactly
//! what was committed: all of an import or none of it, never a torn one.

use crate::harness::{Case, Outcome, Tally, Verdict, all, cockpit_in};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

fn count(db: &Path, table: &str) -> Result<i64, String> {
    let conn = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .map_err(|e| e.to_string())
}

fn integrity(db: &Path) -> Verdict {
    let conn = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    let result: String =
        conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    if result == "ok" { Ok(()) } else { Err(format!("integrity check: {result}")) }
}

fn expect_count(db: &Path, table: &str, allowed: &[i64]) -> Verdict {
    let n = count(db, table)?;
    if allowed.contains(&n) {
        Ok(())
    } else {
        Err(format!("{n} {table}, expected one of {allowed:?}"))
    }
}

fn no_debris(case: &Case) -> Verdict {
    for suffix in ["-wal", "-shm", "-journal"] {
        if case.at(&format!("book.db{suffix}")).exists() {
            return Err(format!("book.db{suffix} left behind"));
        }
    }
    Ok(())
}

/// The dump of a copy of the case's book after `runs`, one after the other.
fn dump_after(case: &Case, runs: &[&[&std::ffi::OsStr]]) -> Result<String, String> {
    let side = Case::empty();
    if case.db.exists() {
        std::fs::copy(&case.db, &side.db).map_err(|e| e.to_string())?;
    }
    for args in runs {
        side.run(*args).ok().map_err(|e| format!("the sequential run: {e}"))?;
    }
    Ok(crate::db::dump(&side.db))
}

/// The book holds exactly what one of the sequential orders would give.
fn dump_is_one_of(db: &Path, expected: &[&String]) -> Verdict {
    let now = crate::db::dump(db);
    if expected.iter().any(|e| **e == now) {
        return Ok(());
    }
    let nearest = expected.first().map(|e| e.as_str()).unwrap_or("");
    let missing = nearest.lines().filter(|l| !now.lines().any(|n| n == *l)).count();
    let extra = now.lines().filter(|l| !nearest.lines().any(|n| n == *l)).count();
    Err(format!(
        "the book is not what the imports one after the other give ({missing} rows missing, {extra} extra)"
    ))
}

fn notes_file(case: &Case, name: &str, tag: &str, n: usize) -> PathBuf {
    let mut text = String::from("account_id,at,kind,text\n");
    for i in 0..n {
        text.push_str(&format!(
            "ACME-001,2025-03-01T10:{:02}:{:02}Z,call,{tag} {i}\n",
            i / 60 % 60,
            i % 60
        ));
    }
    let path = case.outside(name);
    std::fs::write(&path, text).expect("notes");
    path
}

fn start(case: &Case, args: &[&std::ffi::OsStr]) -> Child {
    cockpit_in(&case.w)
        .arg("--db")
        .arg(&case.db)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn")
}

fn wait(child: Child, limit: Duration) -> Outcome {
    let started = Instant::now();
    let mut child = child;
    loop {
        if child.try_wait().expect("wait").is_some() || started.elapsed() > limit {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let timed_out = child.try_wait().expect("wait").is_none();
    if timed_out {
        let _ = child.kill();
    }
    let output = child.wait_with_output().expect("output");
    use std::os::unix::process::ExitStatusExt;
    Outcome {
        code: output.status.code(),
        signal: output.status.signal(),
        limit,
        stdout: output.stdout,
        stderr: output.stderr,
        timed_out,
    }
}

/// A generated book (its CSV files), outside the watched folder.
fn generated(case: &Case, accounts: u32, months: u32) -> PathBuf {
    let dir = case.outside("generated");
    let out = case.raw([
        "gen",
        "--accounts",
        &accounts.to_string(),
        "--months",
        &months.to_string(),
        "--out",
        dir.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.code, Some(0), "gen: {}", out.err());
    dir
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Waits until the child is writing (its WAL or journal grows), then kills
/// it with SIGKILL; an error if it finished first.
fn kill_while_writing(case: &Case, mut child: Child) -> Verdict {
    let wal = case.at("book.db-wal");
    let journal = case.at("book.db-journal");
    let floor = size(&wal);
    let started = Instant::now();
    while size(&wal) <= floor + 64 * 1024 && size(&journal) == 0 {
        if child.try_wait().expect("wait").is_some() {
            return Err("the import finished before it could be killed".to_string());
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            return Err("the import never started writing".to_string());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().map_err(|e| e.to_string())?;
    child.wait().map_err(|e| e.to_string())?;
    Ok(())
}

pub fn cases() {
    let mut tally = Tally::new("concurrency");
    tally.case("two_imports_of_different_notes_at_once", || {
        let case = Case::book();
        let base = count(&case.db, "notes")?;
        let a = notes_file(&case, "a.csv", "first", 300);
        let b = notes_file(&case, "b.csv", "second", 300);
        let import_a: &[&std::ffi::OsStr] = &["import".as_ref(), "notes".as_ref(), a.as_os_str()];
        let import_b: &[&std::ffi::OsStr] = &["import".as_ref(), "notes".as_ref(), b.as_os_str()];
        let a_then_b = dump_after(&case, &[import_a, import_b])?;
        let b_then_a = dump_after(&case, &[import_b, import_a])?;
        let first = start(&case, import_a);
        let second = start(&case, import_b);
        let (first, second) =
            (wait(first, Duration::from_secs(30)), wait(second, Duration::from_secs(30)));
        all([
            first.ok(),
            second.ok(),
            integrity(&case.db),
            expect_count(&case.db, "notes", &[base + 600]),
            dump_is_one_of(&case.db, &[&a_then_b, &b_then_a]),
            no_debris(&case),
        ])
    });
    tally.case("one_file_imported_twice_at_once", || {
        let case = Case::book();
        let base = count(&case.db, "notes")?;
        let a = notes_file(&case, "a.csv", "same", 300);
        let import_a: &[&std::ffi::OsStr] = &["import".as_ref(), "notes".as_ref(), a.as_os_str()];
        let once = dump_after(&case, &[import_a])?;
        let first = start(&case, import_a);
        let second = start(&case, import_a);
        let (first, second) =
            (wait(first, Duration::from_secs(30)), wait(second, Duration::from_secs(30)));
        all([
            first.ok(),
            second.ok(),
            integrity(&case.db),
            expect_count(&case.db, "notes", &[base + 300]),
            dump_is_one_of(&case.db, &[&once]),
            no_debris(&case),
        ])
    });
    tally.case("two_churn_records_at_once", || {
        let case = Case::book();
        let base = count(&case.db, "churn_chains")?;
        let record = |account: &str| {
            let args = [
                "churn",
                "record",
                account,
                "--date",
                "2025-03-01",
                "--event",
                "contracted",
                "--arr-lost",
                "10",
                "--cause",
                "Budget cut",
            ];
            let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
            start(&case, &args)
        };
        let first = record("ACME-001");
        let second = record("BETA-002");
        let (first, second) =
            (wait(first, Duration::from_secs(30)), wait(second, Duration::from_secs(30)));
        all([
            first.ok(),
            second.ok(),
            integrity(&case.db),
            expect_count(&case.db, "churn_chains", &[base + 2]),
            no_debris(&case),
        ])
    });
    tally.case("readers_during_an_import", || {
        let case = Case::book();
        let book = generated(&case, 3000, 24);
        case.run(["import".as_ref(), "accounts".as_ref(), book.join("accounts.csv").as_os_str()])
            .ok()?;
        let before = count(&case.db, "snapshots")?;
        let rows = crate::harness::lossy(&std::fs::read(book.join("snapshots.csv")).expect("csv"))
            .lines()
            .count() as i64
            - 1;
        let mut import = start(
            &case,
            &["import".as_ref(), "snapshots".as_ref(), book.join("snapshots.csv").as_os_str()],
        );
        let mut reads = 0;
        let mut problems = Vec::new();
        while import.try_wait().expect("wait").is_none() && reads < 40 {
            for args in [&["metrics", "pareto", "--json"][..], &["targets", "--limit", "3"]] {
                let out = case.run(args);
                if let Err(e) = out.ok() {
                    problems.push(e);
                }
                reads += 1;
            }
        }
        let import = wait(import, Duration::from_secs(30));
        if !problems.is_empty() {
            return Err(format!("a reader failed during the import: {}", problems.join("; ")));
        }
        all([
            import.ok(),
            integrity(&case.db),
            expect_count(&case.db, "snapshots", &[before + rows]),
            no_debris(&case),
        ])
    });
    tally.case("backup_during_an_import", || {
        let case = Case::book();
        let book = generated(&case, 3000, 24);
        case.run(["import".as_ref(), "accounts".as_ref(), book.join("accounts.csv").as_os_str()])
            .ok()?;
        let before = count(&case.db, "snapshots")?;
        let rows = crate::harness::lossy(&std::fs::read(book.join("snapshots.csv")).expect("csv"))
            .lines()
            .count() as i64
            - 1;
        let import = start(
            &case,
            &["import".as_ref(), "snapshots".as_ref(), book.join("snapshots.csv").as_os_str()],
        );
        std::thread::sleep(Duration::from_millis(100));
        let copy = case.outside("copy.db");
        let backup = case.run(["backup".as_ref(), copy.as_os_str()]);
        let import = wait(import, Duration::from_secs(30));
        all([
            backup.ok(),
            import.ok(),
            integrity(&copy),
            expect_count(&copy, "snapshots", &[before, before + rows]),
        ])
    });
    tally.case("kill_9_mid_import_through_the_wal", || {
        let case = Case::book();
        let book = generated(&case, 3000, 24);
        case.run(["import".as_ref(), "accounts".as_ref(), book.join("accounts.csv").as_os_str()])
            .ok()?;
        let before = count(&case.db, "snapshots")?;
        let snapshots = book.join("snapshots.csv");
        let rows = crate::harness::lossy(&std::fs::read(&snapshots).expect("csv")).lines().count()
            as i64
            - 1;
        let import: &[&std::ffi::OsStr] =
            &["import".as_ref(), "snapshots".as_ref(), snapshots.as_os_str()];
        let untouched = crate::db::dump(&case.db);
        let imported = dump_after(&case, &[import])?;
        kill_while_writing(&case, start(&case, import))?;
        // The next command finds a whole book: all of the import or none of
        // it, exactly; then the import can be run again.
        let read = case.run(["targets", "--limit", "1"]);
        let after_kill = dump_is_one_of(&case.db, &[&untouched, &imported]);
        all([
            read.ok(),
            integrity(&case.db),
            expect_count(&case.db, "snapshots", &[before, before + rows]),
            after_kill,
            case.run(import).ok(),
            dump_is_one_of(&case.db, &[&imported]),
            no_debris(&case),
        ])
    });
    tally.case("kill_9_mid_first_import_through_the_journal", || {
        let case = Case::empty();
        let book = generated(&case, 20000, 2);
        let file = book.join("accounts.csv");
        let rows =
            crate::harness::lossy(&std::fs::read(&file).expect("csv")).lines().count() as i64 - 1;
        let import = start(&case, &["import".as_ref(), "accounts".as_ref(), file.as_os_str()]);
        let killed = kill_while_writing(&case, import);
        let read = case.run(["targets", "--limit", "1"]);
        all([
            killed,
            read.ok(),
            integrity(&case.db),
            expect_count(&case.db, "accounts", &[0, rows]),
            no_debris(&case),
        ])
    });
    tally.finish();
}
