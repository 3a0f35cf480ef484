//! Nothing lost, with real processes: an import killed with SIGKILL halfway
//! leaves all of it or none; an app killed in a burst of edits keeps every
//! edit it reported as saved; two writers at once both land; a backup taken
//! while another process writes is consistent; and the files that cannot be
//! used (read-only, not a database, from a newer cockpit, a folder that
//! cannot be made, a full disk) each give one clear message and are left as
//! they were. The database file is its owner's only.

#![cfg(unix)]

use crate::common;

use chrono::NaiveDate;
use cockpit::domain::Health;
use cockpit::generate::{Params, write_book};
use cockpit::store::Store;
use cockpit_core::testkit::Book;
use common::pty::Screen;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const TODAY: &str = "2026-11-23";

fn cockpit(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cockpit"));
    command.arg("--db").arg(db).env("COCKPIT_TODAY", TODAY).env("COCKPIT_USER", "ana");
    command
}

fn run(command: &mut Command) -> Output {
    command.output().expect("run cockpit")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A generated book of `accounts` accounts over `months` months.
fn book(dir: &Path, accounts: u32, months: u32, seed: u64) -> PathBuf {
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("today");
    let out = dir.join(format!("book-{accounts}-{seed}"));
    write_book(&Params::ending_before(today, accounts, months, seed), &out).expect("generate");
    out
}

fn import(db: &Path, kind: &str, file: &Path) -> Output {
    run(cockpit(db).arg("import").arg(kind).arg(file))
}

fn count(db: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).expect("count")
}

fn data_lines(file: &Path) -> i64 {
    let mut reader = csv::Reader::from_path(file).expect("csv");
    reader.records().count() as i64
}

fn wal_size(db: &Path) -> u64 {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(PathBuf::from(wal)).map(|m| m.len()).unwrap_or(0)
}

/// Waits until the child has written to the database (its WAL grows), so a
/// kill lands in the middle of the work; panics if it finished first.
fn wait_until_writing(child: &mut Child, db: &Path, floor: u64) {
    let start = Instant::now();
    while wal_size(db) <= floor {
        assert!(child.try_wait().expect("wait").is_none(), "the import finished before the kill");
        assert!(start.elapsed() < Duration::from_secs(60), "the import never started writing");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn kill(child: &mut Child) {
    assert!(child.try_wait().expect("wait").is_none(), "the import finished before the kill");
    let status = Command::new("kill").args(["-9", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let _ = child.wait();
}

fn integrity_ok(db: &Path) -> bool {
    Store::open(db).expect("reopen").integrity_ok().expect("integrity_check")
}

/// A prepared database: the accounts of a generated book imported.
fn prepared(dir: &Path, accounts: u32, months: u32) -> (PathBuf, PathBuf) {
    let files = book(dir, accounts, months, 5);
    let db = dir.join("book.db");
    let output = import(&db, "accounts", &files.join("accounts.csv"));
    assert!(output.status.success(), "{}", stderr(&output));
    (db, files)
}

#[test]
fn an_import_killed_halfway_leaves_all_of_it_or_none() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, files) = prepared(dir.path(), 6000, 60);
    let snapshots = files.join("snapshots.csv");
    let before = wal_size(&db);
    let mut child = cockpit(&db)
        .arg("import")
        .arg("snapshots")
        .arg(&snapshots)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Killed as soon as the transaction spills its first pages: well before
    // the end of the file, however fast the import has become.
    wait_until_writing(&mut child, &db, before);
    kill(&mut child);
    assert!(integrity_ok(&db));
    let stored = count(&db, "snapshots");
    assert!(
        stored == 0 || stored == data_lines(&snapshots),
        "{stored} snapshot rows: a partial import"
    );
    // And the book is still usable: the same import now lands whole.
    let output = import(&db, "snapshots", &snapshots);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(count(&db, "snapshots"), data_lines(&snapshots));
}

#[test]
fn two_imports_at_once_both_land() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, files) = prepared(dir.path(), 1500, 36);
    let spawn = |kind: &str| {
        cockpit(&db)
            .arg("import")
            .arg(kind)
            .arg(files.join(format!("{kind}.csv")))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    let first = spawn("snapshots");
    let second = spawn("contracts");
    let third = spawn("notes");
    for (kind, child) in [("snapshots", first), ("contracts", second), ("notes", third)] {
        let output = child.wait_with_output().expect("wait");
        let text = stderr(&output);
        assert!(output.status.success(), "{kind}: {text}");
        assert!(!text.contains("locked"), "{kind}: {text}");
        assert_eq!(count(&db, kind), data_lines(&files.join(format!("{kind}.csv"))), "{kind}");
    }
    assert!(integrity_ok(&db));
}

#[test]
fn an_import_while_another_process_edits_loses_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, files) = prepared(dir.path(), 3000, 36);
    let ids: Vec<String> = {
        let conn = rusqlite::Connection::open(&db).expect("open");
        let mut statement =
            conn.prepare("SELECT id FROM accounts ORDER BY id LIMIT 40").expect("ids");
        statement
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("ids")
    };
    let child = cockpit(&db)
        .arg("import")
        .arg("snapshots")
        .arg(files.join("snapshots.csv"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Edits from this process while the import runs, each committed on its own.
    let store = Store::open(&db).expect("open");
    let now = chrono::Utc::now();
    for (i, id) in ids.iter().enumerate() {
        store
            .set_health(id, Health::Orange, &format!("edit {i} during the import"), "ana", now)
            .expect("an edit during the import");
    }
    let output = child.wait_with_output().expect("wait");
    assert!(output.status.success(), "{}", stderr(&output));
    for (i, id) in ids.iter().enumerate() {
        let history = store.health_history(id).expect("history");
        assert!(history.iter().any(|h| h.reason == format!("edit {i} during the import")), "{id}");
    }
    assert_eq!(count(&db, "snapshots"), data_lines(&files.join("snapshots.csv")));
}

#[test]
fn a_backup_taken_during_an_import_is_consistent_and_private() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, files) = prepared(dir.path(), 4000, 60);
    let snapshots = files.join("snapshots.csv");
    let before = wal_size(&db);
    let mut child = cockpit(&db)
        .arg("import")
        .arg("snapshots")
        .arg(&snapshots)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    wait_until_writing(&mut child, &db, before);
    let copy = dir.path().join("copy.db");
    let output = run(cockpit(&db).arg("backup").arg(&copy));
    assert!(output.status.success(), "{}", stderr(&output));
    let imported = child.wait_with_output().expect("wait");
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(integrity_ok(&copy));
    let in_copy = count(&copy, "snapshots");
    assert!(in_copy == 0 || in_copy == data_lines(&snapshots), "{in_copy}: a torn backup");
    assert_eq!(count(&copy, "accounts"), count(&db, "accounts"));
    let mode = std::fs::metadata(&copy).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the backup holds the whole book");
}

#[test]
fn the_database_file_is_its_owners_only() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, _) = prepared(dir.path(), 20, 13);
    let mode = std::fs::metadata(&db).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

/// Runs a command that must fail with one clear line and leave `file` as it was.
fn refused(command: &mut Command, file: &Path, expect: &str) -> String {
    let before = std::fs::read(file).ok();
    let output = run(command);
    let text = stderr(&output);
    assert!(!output.status.success(), "accepted; stderr: {text}");
    assert_eq!(text.trim().lines().count(), 1, "one message, not: {text}");
    assert!(text.contains(expect), "{text}");
    assert!(!text.contains("panicked"), "{text}");
    assert_eq!(before, std::fs::read(file).ok(), "the file was changed");
    text
}

#[test]
fn unusable_files_give_one_clear_message_and_stay_as_they_were() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, files) = prepared(dir.path(), 30, 13);
    let accounts = files.join("accounts.csv");

    // Read-only.
    let read_only = dir.path().join("read-only.db");
    std::fs::copy(&db, &read_only).expect("copy");
    std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o400)).expect("chmod");
    refused(
        cockpit(&read_only).arg("import").arg("accounts").arg(&accounts),
        &read_only,
        "read-only",
    );

    // Not a SQLite database.
    let foreign = dir.path().join("notes.txt");
    std::fs::write(&foreign, "these are my meeting notes, not a database\n".repeat(200))
        .expect("write");
    refused(
        cockpit(&foreign).arg("import").arg("accounts").arg(&accounts),
        &foreign,
        "not a cockpit database",
    );

    // From a newer cockpit.
    let newer = dir.path().join("newer.db");
    std::fs::copy(&db, &newer).expect("copy");
    rusqlite::Connection::open(&newer)
        .expect("open")
        .pragma_update(None, "user_version", 9999)
        .expect("version");
    refused(
        cockpit(&newer).args(["metrics", "retention", "--as-of", "2026-10"]),
        &newer,
        "newer cockpit",
    );

    // A folder that does not exist (its parent is a file): only the default
    // data folder is ever made.
    let blocked = foreign.join("sub").join("book.db");
    refused(
        cockpit(&blocked).arg("import").arg("accounts").arg(&accounts),
        &foreign,
        "does not exist",
    );
    assert!(!blocked.exists());
}

#[test]
fn a_full_disk_refuses_the_import_and_keeps_the_book() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, files) = prepared(dir.path(), 2000, 36);
    let pages = {
        let conn = rusqlite::Connection::open(&db).expect("open");
        let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0)).expect("pages");
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").expect("checkpoint");
        pages
    };
    let accounts_before = count(&db, "accounts");
    let output = run(cockpit(&db)
        .env(cockpit::store::MAX_PAGES_VAR, (pages + 20).to_string())
        .arg("import")
        .arg("snapshots")
        .arg(files.join("snapshots.csv")));
    let text = stderr(&output);
    assert!(!output.status.success(), "{text}");
    assert_eq!(text.trim().lines().count(), 1, "{text}");
    assert!(text.contains("full"), "{text}");
    assert!(integrity_ok(&db));
    assert_eq!(count(&db, "snapshots"), 0, "nothing of the refused import");
    assert_eq!(count(&db, "accounts"), accounts_before);
}

fn small_book(dir: &Path) -> PathBuf {
    let db = dir.join("app.db");
    Book::new()
        .accounts(
            "id, name,      csm, stage,    health, health_since, arr,    units, last_touch
             A1, Acme Corp, ana, adoption, green,  2025-05-01,   120000, 10,    2025-05-20
             A2, Globex,    ana, adoption, green,  2025-05-01,   60000,  10,    2025-05-20",
        )
        .create(&db)
}

/// The burst: health edits on the top account, alternating colours, each
/// with its own reason.
fn burst(n: usize) -> (String, Vec<String>) {
    let mut keys = String::new();
    let mut reasons = Vec::new();
    for i in 0..n {
        let colour = if i % 2 == 0 { 'r' } else { 'o' };
        let reason = format!("burst edit {i}");
        keys.push('H');
        keys.push(colour);
        keys.push_str(&reason);
        keys.push('\r');
        reasons.push(reason);
    }
    (keys, reasons)
}

#[test]
fn an_app_killed_after_a_burst_keeps_every_saved_edit() {
    let dir = tempfile::tempdir().expect("dir");
    let db = small_book(dir.path());
    let mut screen = Screen::spawn(cockpit(&db));
    screen.wait_for("Today");
    screen.send("2");
    screen.wait_for("Book of business");
    let (keys, reasons) = burst(12);
    screen.send_now(&keys);
    // The last edit turns the account orange: once the app says it saved
    // that, it has reported all twelve.
    let start = Instant::now();
    loop {
        let text = screen.text();
        if text.contains("saved:") && text.contains("health [O]") {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{text}");
        std::thread::sleep(Duration::from_millis(10));
    }
    screen.kill();
    assert!(integrity_ok(&db));
    let store = Store::open(&db).expect("reopen");
    let history = store.health_history("A1").expect("history");
    let stored: Vec<&str> = history.iter().map(|h| h.reason.as_str()).collect();
    for reason in &reasons {
        assert!(stored.contains(&reason.as_str()), "{reason} lost; stored {stored:?}");
    }
}

#[test]
fn an_app_killed_mid_burst_keeps_a_whole_prefix_of_the_edits() {
    let dir = tempfile::tempdir().expect("dir");
    let db = small_book(dir.path());
    let mut screen = Screen::spawn(cockpit(&db));
    screen.wait_for("Today");
    screen.send("2");
    screen.wait_for("Book of business");
    let (keys, reasons) = burst(40);
    screen.send_now(&keys);
    // Kill as soon as the first save is on screen: the rest are in flight.
    screen.wait_for("saved:");
    screen.kill();
    assert!(integrity_ok(&db));
    let store = Store::open(&db).expect("reopen");
    let mut history = store.health_history("A1").expect("history");
    history.retain(|h| h.reason.starts_with("burst edit"));
    history.reverse();
    let stored: Vec<&str> = history.iter().map(|h| h.reason.as_str()).collect();
    assert!(!stored.is_empty(), "the edit reported as saved was lost");
    let expected: Vec<&str> = reasons.iter().take(stored.len()).map(String::as_str).collect();
    assert_eq!(stored, expected, "the edits kept must be the first ones, in order, none torn");
}
