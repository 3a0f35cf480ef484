//! The rules for the files the cockpit opens and writes, with the real
//! binary: no output path can be the book (by symlink, hard link, relative
//! path or companion file) and what is written is its owner's only; only a
//! cockpit database is opened (another program's SQLite file, a non-SQLite
//! file and an impossible schema version are refused untouched); a missing
//! book is created only by `import`; a damaged book is noticed by `check`,
//! the reports, an import and the cockpit itself; and no error repeats
//! itself.

#![cfg(unix)]

use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::Config;
use cockpit::generate::{Params, write_book};
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
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

/// A book of `accounts` generated accounts over 13 months, imported whole.
fn book(dir: &Path, accounts: u32) -> (PathBuf, PathBuf) {
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("today");
    let files = dir.join("csv");
    write_book(&Params::ending_before(today, accounts, 13, 7), &files).expect("generate");
    let db = dir.join("book.db");
    for kind in ["accounts", "snapshots", "contracts", "notes"] {
        let output =
            run(cockpit(&db).arg("import").arg(kind).arg(files.join(format!("{kind}.csv"))));
        assert!(output.status.success(), "{}", stderr(&output));
    }
    (db, files)
}

/// The file's bytes and modification time.
fn state(path: &Path) -> (Vec<u8>, std::time::SystemTime) {
    let bytes = std::fs::read(path).expect("read");
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).expect("mtime");
    (bytes, modified)
}

/// Runs a command that must fail with one line holding every `expect`.
fn refused(command: &mut Command, expect: &[&str]) -> String {
    let output = run(command);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_eq!(text.trim().lines().count(), 1, "one line, not: {text}");
    for phrase in expect {
        assert!(text.contains(phrase), "{phrase:?} missing from: {text}");
    }
    text
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("meta").permissions().mode() & 0o777
}

#[test]
fn no_output_path_can_be_the_book() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, _) = book(dir.path(), 20);
    let folder = dir.path();
    std::fs::create_dir(folder.join("sub")).expect("sub");
    std::os::unix::fs::symlink(&db, folder.join("sub/link.csv")).expect("symlink");
    std::os::unix::fs::symlink("../book.db-wal", folder.join("sub/wal.ics")).expect("symlink");
    std::fs::hard_link(&db, folder.join("sub/hard.csv")).expect("hard link");
    let before = state(&db);
    let is_the_book = ["is the database", "choose another file"];
    for target in ["book.db", "sub/../book.db", "sub/link.csv", "sub/hard.csv", "book.db-wal"] {
        refused(
            cockpit(&db).current_dir(folder).args(["export", "accounts", "--out", target]),
            &is_the_book,
        );
    }
    for target in ["book.db", "sub/wal.ics", "book.db-shm", "book.db-journal"] {
        refused(cockpit(&db).current_dir(folder).args(["renewals", "--ics", target]), &is_the_book);
    }
    refused(
        cockpit(&db).current_dir(folder).args(["backup", "--force", "./book.db"]),
        &is_the_book,
    );
    refused(cockpit(&db).current_dir(folder).args(["backup", "sub/hard.csv"]), &is_the_book);
    // `gen` into a folder where one of its files is the book.
    std::fs::hard_link(&db, folder.join("sub/notes.csv")).expect("hard link");
    refused(
        cockpit(&db).args(["gen", "--accounts", "3", "--out"]).arg(folder.join("sub")),
        &is_the_book,
    );
    assert!(!folder.join("sub/accounts.csv").exists(), "nothing of gen was written");
    assert_eq!(state(&db), before, "the book was changed");
    assert!(!Path::new(&format!("{}-wal", db.display())).exists());
}

#[test]
fn written_files_are_whole_and_their_owners_only() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, _) = book(dir.path(), 20);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("out");
    let export = out.join("accounts.csv");
    std::fs::write(&export, "old").expect("old");
    std::fs::set_permissions(&export, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let ics = out.join("renewals.ics");
    let backup = out.join("copy.db");
    for command in [
        cockpit(&db).args(["export", "accounts", "--out"]).arg(&export),
        cockpit(&db).args(["renewals", "--within", "365", "--ics"]).arg(&ics),
        cockpit(&db).arg("backup").arg(&backup),
        cockpit(&db).args(["gen", "--accounts", "5", "--out"]).arg(out.join("gen")),
    ] {
        let output = run(command);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    assert!(std::fs::read_to_string(&export).expect("read").starts_with("account_id,"));
    assert!(std::fs::read_to_string(&ics).expect("read").starts_with("BEGIN:VCALENDAR"));
    let mut written = vec![export, ics, backup];
    for name in ["accounts.csv", "snapshots.csv", "contracts.csv", "notes.csv"] {
        written.push(out.join("gen").join(name));
    }
    for file in &written {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    // No partial or scratch file is left beside them.
    let left: Vec<String> = std::fs::read_dir(&out)
        .expect("dir")
        .chain(std::fs::read_dir(out.join("gen")).expect("dir"))
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Another program's database, in WAL mode, with four tables and a row.
fn foreign(path: &Path) {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
         CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT);
         CREATE TABLE tags (name TEXT);
         CREATE TABLE votes (post INTEGER);
         INSERT INTO users (name) VALUES ('someone');",
    )
    .expect("foreign");
}

#[test]
fn only_cockpit_databases_are_opened() {
    let dir = tempfile::tempdir().expect("dir");
    let files = dir.path().join("csv");
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("today");
    write_book(&Params::ending_before(today, 5, 3, 1), &files).expect("generate");
    let other = dir.path().join("other.db");
    foreign(&other);
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "meeting notes, not a database\n".repeat(100)).expect("write");
    for file in [&other, &text] {
        let before = state(file);
        for args in [
            vec!["targets"],
            vec!["metrics", "retention", "--as-of", "2026-10"],
            vec!["import", "accounts", files.join("accounts.csv").to_str().expect("utf-8")],
            vec!["check"],
        ] {
            let message =
                refused(cockpit(file).args(&args), &["not a cockpit database", "left untouched"]);
            if file == &other {
                assert!(
                    message.contains("4 tables of another program (posts, tags, users, …)"),
                    "{message}"
                );
            } else {
                assert!(message.contains("not a SQLite file"), "{message}");
            }
        }
        assert_eq!(state(file), before, "{} was changed", file.display());
        for suffix in ["-wal", "-shm", "-journal"] {
            assert!(!Path::new(&format!("{}{suffix}", file.display())).exists(), "{suffix} left");
        }
    }
    // An empty file is a new book.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, "").expect("empty");
    let output = run(cockpit(&empty).arg("import").arg("accounts").arg(files.join("accounts.csv")));
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn an_impossible_schema_version_is_one_line_and_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, _) = book(dir.path(), 5);
    rusqlite::Connection::open(&db)
        .expect("open")
        .pragma_update(None, "user_version", -1)
        .expect("version");
    let before = state(&db);
    let message = refused(
        cockpit(&db).args(["metrics", "retention", "--as-of", "2026-10"]),
        &["schema version"],
    );
    assert!(!message.contains("CREATE"), "{message}");
    assert_eq!(state(&db), before);
}

#[test]
fn only_import_creates_a_missing_book() {
    let dir = tempfile::tempdir().expect("dir");
    let (_, files) = book(dir.path(), 5);
    let typo = dir.path().join("typo.db");
    for args in [
        vec!["export", "accounts"],
        vec!["metrics", "retention", "--as-of", "2026-10"],
        vec!["renewals"],
        vec!["targets"],
        vec!["churn", "report"],
        vec!["churn", "list", "A1"],
        vec!["churn", "reasons"],
        vec!["backup", "copy.db"],
        vec!["check"],
        // The cockpit itself on a path given with --db.
        vec![],
    ] {
        refused(cockpit(&typo).current_dir(dir.path()).args(&args), &["no database at", "typo.db"]);
        assert!(!typo.exists(), "{args:?} created it");
    }
    assert!(!dir.path().join("copy.db").exists());
    // Any path in a missing folder, even for import.
    let nowhere = dir.path().join("no-such-folder").join("book.db");
    refused(
        cockpit(&nowhere).arg("import").arg("accounts").arg(files.join("accounts.csv")),
        &["does not exist"],
    );
    refused(cockpit(&nowhere).arg("targets"), &["does not exist"]);
    assert!(!dir.path().join("no-such-folder").exists());
    let db = dir.path().join("book.db");
    refused(
        cockpit(&db).args(["export", "accounts", "--out"]).arg(dir.path().join("nope/a.csv")),
        &["does not exist"],
    );
    // import makes a new book.
    let fresh = dir.path().join("fresh.db");
    let output = run(cockpit(&fresh).arg("import").arg("accounts").arg(files.join("accounts.csv")));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(mode(&fresh), 0o600);
}

#[test]
fn import_on_the_default_path_makes_its_data_folder() {
    let dir = tempfile::tempdir().expect("dir");
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("today");
    let files = dir.path().join("csv");
    write_book(&Params::ending_before(today, 5, 3, 1), &files).expect("generate");
    let data_home = dir.path().join("data");
    let default_db = data_home.join("cockpit").join("cockpit.db");
    // A reading command on the missing default book creates nothing.
    let output = run(default_book(&data_home).arg("targets"));
    assert!(stderr(&output).contains("no database at"), "{}", stderr(&output));
    assert!(!data_home.exists());
    let output =
        run(default_book(&data_home).args(["import", "accounts"]).arg(files.join("accounts.csv")));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(default_db.exists());
    assert_eq!(mode(&default_db), 0o600);
}

/// Overwrites the notes table's root page and two pages in the middle of
/// its rows with junk, as a failing disk or a stray write would (the
/// table's own pages, found through `dbstat`: the file's middle page
/// belongs to whatever the layout puts there, the accounts included).
fn damage(db: &Path) {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").expect("checkpoint");
    let root: i64 = conn
        .query_row("SELECT rootpage FROM sqlite_master WHERE name = 'notes'", [], |r| r.get(0))
        .expect("root");
    let pages: Vec<i64> = conn
        .prepare("SELECT pageno FROM dbstat WHERE name = 'notes' ORDER BY pageno")
        .expect("dbstat")
        .query_map([], |r| r.get(0))
        .expect("pages")
        .collect::<Result<_, _>>()
        .expect("pages");
    assert!(pages.len() >= 4, "the notes fill pages: {pages:?}");
    let middle = pages[pages.len() / 2];
    let next = pages[pages.len() / 2 + 1];
    let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).expect("size");
    drop(conn);
    let mut bytes = std::fs::read(db).expect("read");
    for page in [root, middle, next] {
        let start = ((page - 1) * size + 8) as usize;
        for (i, byte) in bytes[start..start + 1000].iter_mut().enumerate() {
            *byte = [0xde, 0xad, 0xbe, 0xef][i % 4];
        }
    }
    std::fs::write(db, bytes).expect("write");
}

#[test]
fn a_damaged_book_is_noticed_and_never_written() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, files) = book(dir.path(), 200);
    damage(&db);
    let before = state(&db);
    let damaged = ["damaged", "cockpit backup"];
    // `check` says what it found, and fails.
    let output = run(cockpit(&db).arg("check"));
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("damaged"));
    assert!(stderr(&output).contains("cockpit backup"), "{}", stderr(&output));
    // Reports refuse rather than give plausible numbers.
    refused(cockpit(&db).args(["metrics", "retention", "--as-of", "2026-10"]), &damaged);
    refused(cockpit(&db).args(["targets"]), &damaged);
    refused(cockpit(&db).args(["renewals", "--within", "365"]), &damaged);
    // Imports write nothing into it.
    refused(cockpit(&db).arg("import").arg("accounts").arg(files.join("accounts.csv")), &damaged);
    refused(cockpit(&db).arg("import").arg("notes").arg(files.join("notes.csv")), &damaged);
    assert_eq!(state(&db), before, "the damaged book was written");

    // The cockpit checks behind its first screen and keeps a warning.
    let store = Store::open(&db).expect("opens: the damage is in the middle");
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("today");
    let mut app = App::new(store, Clock::fixed(today), Config::default(), "ana", Theme::plain())
        .expect("app")
        .with_db_label("book.db");
    app.start_loading();
    let started = Instant::now();
    while (app.loading() || app.checking()) && started.elapsed() < Duration::from_secs(30) {
        app.poll_background();
        std::thread::sleep(Duration::from_millis(10));
    }
    app.poll_background();
    assert!(app.damage().is_some());
    let screen = common::frame::text(&app, 200, 30);
    assert!(screen.contains("the database is damaged"), "{screen}");
    assert!(screen.contains("cockpit backup"), "{screen}");
}

#[test]
fn a_sound_book_passes_the_check() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, _) = book(dir.path(), 20);
    let output = run(cockpit(&db).arg("check"));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(text.starts_with("ok: 20 accounts,"), "{text}");
    assert!(text.contains("no damage found"), "{text}");
    // And the cockpit finds nothing to warn about.
    let store = Store::open(&db).expect("open");
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("today");
    let mut app = App::new(store, Clock::fixed(today), Config::default(), "ana", Theme::plain())
        .expect("app");
    app.start_loading();
    while app.loading() || app.checking() {
        app.poll_background();
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(app.damage(), None);
}

/// The cockpit on its default database, in a data folder under `data_home`.
fn default_book(data_home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cockpit"));
    command
        .env_remove("COCKPIT_DB")
        .env("XDG_DATA_HOME", data_home)
        .env("HOME", data_home)
        .env("COCKPIT_TODAY", TODAY);
    command
}

/// The `: `-separated pieces of a message, none said twice.
fn assert_no_repeat(text: &str) {
    let pieces: Vec<&str> =
        text.trim().split(": ").map(str::trim).filter(|p| p.len() > 3).collect();
    for (i, piece) in pieces.iter().enumerate() {
        assert!(!pieces[i + 1..].contains(piece), "{piece:?} repeated in: {text}");
    }
}

#[test]
fn errors_never_repeat_themselves() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, _) = book(dir.path(), 5);
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").expect("write");
    let folder_db = dir.path().join("folder.db");
    std::fs::create_dir(&folder_db).expect("dir");
    for command in [
        cockpit(&db).args(["export", "accounts", "--out"]).arg(dir.path()),
        cockpit(&db).arg("backup").arg(blocker.join("copy.db")),
        cockpit(&folder_db).arg("targets"),
        cockpit(&blocker.join("sub.db")).arg("targets"),
        cockpit(&db).args(["import", "accounts"]).arg(dir.path().join("missing.csv")),
        cockpit(&db).args(["churn", "list", "NOPE"]),
        default_book(&blocker)
            .args(["import", "accounts"])
            .arg(dir.path().join("csv/accounts.csv")),
    ] {
        let output = run(command);
        let text = stderr(&output);
        assert!(!output.status.success(), "{command:?} succeeded");
        assert!(!text.contains("panicked"), "{text}");
        assert_no_repeat(&text);
    }
}

#[test]
fn a_read_only_book_can_be_reported_on_and_is_left_as_it_was() {
    let dir = tempfile::tempdir().expect("dir");
    let (db, files) = book(dir.path(), 20);
    let read_only = dir.path().join("ro.db");
    std::fs::copy(&db, &read_only).expect("copy");
    std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    // As root the file could still be written; the cockpit goes by the
    // file's mode and opens it with SQLite's read-only flag, so the bytes
    // must stay the same whoever runs this.
    let before = state(&read_only);
    for args in [
        &["today"][..],
        &["renewals", "--within", "365"],
        &["metrics", "retention", "--as-of", "2026-10"],
        &["export", "accounts"],
        &["tasks"],
        &["opportunities"],
        &["targets"],
        &["check"],
    ] {
        let output = run(cockpit(&read_only).args(args));
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        assert!(!output.stdout.is_empty(), "{args:?} said nothing");
    }
    assert_eq!(state(&read_only), before, "the read-only book was changed");
    for sidecar in ["ro.db-wal", "ro.db-shm"] {
        assert!(!dir.path().join(sidecar).exists(), "{sidecar} left beside the book");
    }
    // Writes keep refusing, and say why.
    refused(
        cockpit(&read_only).arg("import").arg("accounts").arg(files.join("accounts.csv")),
        &["ro.db", "read-only"],
    );
    assert_eq!(state(&read_only), before, "the read-only book was changed");

    // A writable book in a read-only folder (an archive) is read as well.
    let archive = dir.path().join("archive");
    std::fs::create_dir(&archive).expect("archive");
    let archived = archive.join("book.db");
    std::fs::copy(&db, &archived).expect("copy");
    std::fs::set_permissions(&archive, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let before = state(&archived);
    let output = run(cockpit(&archived).args(["renewals", "--within", "365"]));
    let listed = std::fs::read_dir(&archive).expect("list").count();
    std::fs::set_permissions(&archive, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(listed, 1, "files were left beside the archived book");
    assert_eq!(state(&archived), before, "the archived book was changed");

    // A book from an older cockpit cannot be read without its upgrade.
    let older = dir.path().join("older.db");
    std::fs::copy(&db, &older).expect("copy");
    let version: i64 = rusqlite::Connection::open(&older)
        .expect("open")
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    let conn = rusqlite::Connection::open(&older).expect("open");
    conn.pragma_update(None, "user_version", version - 1).expect("version");
    // Its triggers go too: one the last migration made would be one the
    // older version never had, and a planted trigger is refused first.
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("names");
    for name in triggers {
        conn.execute_batch(&format!("DROP TRIGGER \"{name}\"")).expect("drop");
    }
    drop(conn);
    std::fs::set_permissions(&older, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let before = state(&older);
    refused(cockpit(&older).arg("today"), &["older.db", "older cockpit", "`cockpit`"]);
    assert_eq!(state(&older), before, "the older book was changed");
}
