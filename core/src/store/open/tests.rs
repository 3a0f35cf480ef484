//! The opening rules on files made for each case: what is refused, what
//! is created, and that a refused file keeps every byte.

use super::*;

#[test]
fn another_programs_tables_are_named_a_few_at_a_time() {
    let tables: Vec<String> =
        ["posts", "tags", "users", "votes"].iter().map(|s| s.to_string()).collect();
    assert_eq!(
        describe_foreign(&tables),
        "it is a SQLite database with 4 tables of another program (posts, tags, users, …)"
    );
    assert_eq!(
        describe_foreign(&tables[..1]),
        "it is a SQLite database with 1 table of another program (posts)"
    );
}

#[test]
fn uri_paths_keep_question_marks_and_percents_in_the_name() {
    let encoded = uri_path(Path::new("/tmp/a?b#c%d e.db"));
    assert_eq!(encoded, "/tmp/a%3Fb%23c%25d%20e.db");
}

use crate::store::Store;

fn state(path: &Path) -> (Vec<u8>, std::time::SystemTime) {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).expect("mtime");
    (std::fs::read(path).expect("read"), modified)
}

#[test]
fn another_programs_database_is_refused_before_anything_writes() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("other.db");
    let conn = Connection::open(&path).expect("open");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; CREATE TABLE users (id INTEGER); CREATE TABLE posts (id INTEGER);",
    )
    .expect("foreign");
    drop(conn);
    let before = state(&path);
    for mode in [OpenMode::Existing, OpenMode::Create, OpenMode::CreateWithFolder] {
        let error = Store::open_with(&path, mode).err().expect("refused");
        assert!(matches!(error, StoreError::NotADatabase { .. }), "{error}");
        assert!(error.to_string().contains("2 tables of another program (posts, users)"));
    }
    assert_eq!(state(&path), before);
    assert!(!sidecar(&path, "-wal").exists() && !sidecar(&path, "-shm").exists());
}

#[test]
fn a_version_without_the_cockpits_tables_is_another_programs() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("other.db");
    let conn = Connection::open(&path).expect("open");
    conn.execute_batch("CREATE TABLE things (id INTEGER); PRAGMA user_version = 3;")
        .expect("foreign");
    drop(conn);
    let error = Store::open_with(&path, OpenMode::Create).err().expect("refused");
    assert!(error.to_string().contains("not a cockpit database"), "{error}");
}

#[test]
fn an_impossible_version_is_one_line() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.db");
    drop(Store::open(&path).expect("create"));
    Connection::open(&path)
        .and_then(|c| c.pragma_update(None, "user_version", -1))
        .expect("version");
    let before = state(&path);
    let error = Store::open_with(&path, OpenMode::Existing).err().expect("refused");
    let text = error.to_string();
    assert!(text.contains("schema version -1"), "{text}");
    assert_eq!(text.lines().count(), 1);
    assert_eq!(state(&path), before);
}

#[test]
fn what_each_mode_may_create() {
    let dir = tempfile::tempdir().expect("dir");
    let missing = dir.path().join("typo.db");
    let error = Store::open_with(&missing, OpenMode::Existing).err().expect("refused");
    assert!(error.to_string().starts_with("no database at"), "{error}");
    assert!(!missing.exists());
    let nested = dir.path().join("no/such/folder/book.db");
    for mode in [OpenMode::Existing, OpenMode::Create] {
        let error = Store::open_with(&nested, mode).err().expect("refused");
        assert!(error.to_string().contains("does not exist"), "{error}");
    }
    assert!(!dir.path().join("no").exists());
    Store::open_with(&missing, OpenMode::Create).expect("created");
    Store::open_with(&nested, OpenMode::CreateWithFolder).expect("created with its folder");
    // An empty file is a new book only where a book may be created.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").expect("empty");
    let error = Store::open_with(&empty, OpenMode::Existing).err().expect("refused");
    assert!(error.to_string().starts_with("no database at"), "{error}");
    assert!(error.to_string().contains("the file is empty"), "{error}");
    assert_eq!(std::fs::read(&empty).expect("read"), b"");
    let store = Store::open_with(&empty, OpenMode::Create).expect("a new book");
    assert!(store.integrity_ok().expect("check"));
}

#[test]
fn a_full_disk_says_so() {
    let error =
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL), None);
    assert!(classify("book.db", error).to_string().contains("disk is full"));
}

#[test]
fn the_header_of_a_damaged_book_is_damage_not_a_foreign_file() {
    let error = rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
        None,
    );
    let text = classify("book.db", error).to_string();
    assert!(text.contains("damaged") && text.contains("cockpit backup"), "{text}");
    assert_eq!(text.lines().count(), 1);
}

/// A whole book at `dir/book.db`, then `sql` run on it by another program.
fn altered_book(dir: &Path, sql: &str) -> std::path::PathBuf {
    let path = dir.join("book.db");
    drop(Store::open(&path).expect("create"));
    let conn = Connection::open(&path).expect("open");
    conn.execute_batch(sql).expect("alter");
    drop(conn);
    path
}

#[test]
fn a_book_missing_one_of_its_tables_is_damaged_and_left_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let path = altered_book(dir.path(), "DROP TABLE notes;");
    let before = state(&path);
    for mode in [OpenMode::Existing, OpenMode::Create] {
        let error = Store::open_with(&path, mode).err().expect("refused");
        let text = error.to_string();
        assert!(text.contains("damaged") && text.contains("cockpit backup"), "{text}");
        assert!(text.contains("(notes)"), "{text}");
        assert_eq!(text.lines().count(), 1);
    }
    assert_eq!(state(&path), before);
    assert!(!sidecar(&path, "-wal").exists() && !sidecar(&path, "-shm").exists());
}

#[test]
fn a_planted_trigger_or_view_is_refused_and_named() {
    let dir = tempfile::tempdir().expect("dir");
    let path = altered_book(
        dir.path(),
        "CREATE TRIGGER steal AFTER INSERT ON notes BEGIN DELETE FROM contracts; END;
         CREATE VIEW peek AS SELECT name FROM accounts;",
    );
    let before = state(&path);
    let error = Store::open_with(&path, OpenMode::Create).err().expect("refused");
    let text = error.to_string();
    assert!(text.contains("not a cockpit database") && text.contains("left untouched"), "{text}");
    assert!(
        text.contains("a trigger and a view the cockpit did not create (peek, steal)"),
        "{text}"
    );
    assert!(text.contains("altered outside the cockpit"), "{text}");
    assert_eq!(state(&path), before);
}

#[test]
fn a_cockpit_trigger_with_another_body_is_planted_too() {
    let dir = tempfile::tempdir().expect("dir");
    let path = altered_book(
        dir.path(),
        "DROP TRIGGER snapshots_derived_insert;
         CREATE TRIGGER snapshots_derived_insert AFTER INSERT ON snapshots BEGIN
           DELETE FROM notes;
         END;",
    );
    let error = Store::open_with(&path, OpenMode::Existing).err().expect("refused");
    assert!(error.to_string().contains("(snapshots_derived_insert)"), "{error}");
    // The cockpit's own triggers, as its migrations made them, are not.
    let whole = tempfile::tempdir().expect("dir");
    drop(Store::open(&whole.path().join("book.db")).expect("create"));
    Store::open_with(&whole.path().join("book.db"), OpenMode::Existing).expect("a whole book");
}

#[test]
fn every_schema_version_knows_its_tables() {
    assert!(expected_objects(0).expect("v0").is_empty());
    let first = expected_objects(1).expect("v1");
    assert!(first.iter().any(|o| o.kind == "table" && o.name == "accounts"));
    assert!(!first.iter().any(|o| o.name == "arr_series"), "added by migration 4");
    let now = expected_objects(SCHEMA_VERSION).expect("now");
    assert!(now.iter().any(|o| o.kind == "trigger" && o.name == "snapshots_derived_insert"));
}

#[cfg(unix)]
#[test]
fn only_a_regular_file_is_opened() {
    let dir = tempfile::tempdir().expect("dir");
    let fifo = dir.path().join("fifo.db");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let folder = dir.path().join("folder.db");
    std::fs::create_dir(&folder).expect("folder");
    for (path, what) in [(&fifo, "a named pipe (FIFO)"), (&folder, "a folder")] {
        for mode in [OpenMode::Existing, OpenMode::Create] {
            let text = Store::open_with(path, mode).err().expect("refused").to_string();
            assert!(text.contains("not a cockpit database"), "{text}");
            assert!(text.contains(&format!("it is {what}, not a file")), "{text}");
        }
    }
}

#[cfg(unix)]
#[test]
fn a_link_to_nowhere_is_no_database_and_nothing_is_made_through_it() {
    let dir = tempfile::tempdir().expect("dir");
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink("nowhere.db", &link).expect("symlink");
    let text = Store::open_with(&link, OpenMode::Existing).err().expect("refused").to_string();
    assert!(text.starts_with("no database at"), "{text}");
    let text = Store::open_with(&link, OpenMode::Create).err().expect("refused").to_string();
    assert!(text.contains("a link to nowhere.db, which does not exist"), "{text}");
    assert!(!dir.path().join("nowhere.db").exists());
}

#[test]
fn an_empty_sqlite_database_is_no_book_for_a_reader() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("blank.db");
    Connection::open(&path)
        .and_then(|c| c.execute_batch("CREATE TABLE t (x); DROP TABLE t;"))
        .expect("blank");
    let before = state(&path);
    let text = Store::open_with(&path, OpenMode::Existing).err().expect("refused").to_string();
    assert!(text.contains("no database at") && text.contains("empty SQLite database"), "{text}");
    assert_eq!(state(&path), before);
}

/// The shipped schema is what the migrations make today; with
/// `UPDATE_SCHEMA=1` the test writes it (after a new migration).
#[test]
fn the_shipped_schema_is_what_the_migrations_make() {
    let made = migrated_objects(VERSIONS - 1).expect("migrate");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        let text = serde_json::to_string_pretty(&made).expect("json") + "\n";
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/open/schema.json");
        std::fs::write(path, text).expect("write the shipped schema");
        return;
    }
    assert_eq!(
        shipped_schema().as_deref(),
        Some(made.as_slice()),
        "the migrations changed the schema: rewrite core/src/store/open/schema.json with \
         UPDATE_SCHEMA=1 cargo test -p cockpit-core --lib store::open"
    );
}
