//! Opening, creating and refusing books: the store's own tests.

use super::*;

/// A new book is built aside and linked into place: what a crash left
/// of an earlier build is cleared, and nothing but the book remains.
#[test]
fn a_new_book_is_built_aside_and_linked_into_place() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.db");
    std::fs::write(dir.path().join("book.db.building"), b"half a schema").expect("leftover");
    let store = Store::open(&path).expect("store");
    assert!(store.is_empty_book().expect("empty"));
    drop(store);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| !name.ends_with("-wal") && !name.ends_with("-shm"))
        .collect();
    assert_eq!(names, ["book.db"]);
}

#[test]
fn opening_while_a_first_import_writes_without_the_wal_waits_for_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("book.db");
    drop(Store::open(&path).expect("create"));
    // What a first import does: a rollback journal and a long write.
    let import = Connection::open(&path).expect("import");
    let mode: String =
        import.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0)).expect("mode");
    assert_eq!(mode, "delete");
    import
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO accounts (id, name) VALUES ('A1', 'Acme');")
        .expect("write");
    let opener = {
        let path = path.clone();
        std::thread::spawn(move || Store::open(&path).map(|s| s.integrity_ok()))
    };
    std::thread::sleep(Duration::from_millis(300));
    import.execute_batch("COMMIT").expect("commit");
    let _: String = import.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).expect("wal");
    drop(import);
    let opened = opener.join().expect("thread");
    assert!(matches!(opened, Ok(Ok(true))), "{opened:?}");
}

#[test]
fn a_new_database_is_private_and_current() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nested/book.db");
    let store = Store::open(&path).expect("open");
    assert!(store.integrity_ok().expect("check"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    drop(store);
    // Reopening is a no-op for the schema.
    Store::open(&path).expect("reopen");
}

#[test]
fn workers_read_page_by_page_and_the_map_is_given_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("book.db");
    let mapped = |store: &Store| -> i64 {
        store.conn.query_row("PRAGMA mmap_size", [], |r| r.get(0)).expect("pragma")
    };
    let store = Store::open(&path).expect("open");
    crate::testkit::seed_two_accounts(&store);
    assert_eq!(mapped(&store), MMAP_BYTES);
    let aside = Store::open_aside(&path).expect("aside");
    assert_eq!(mapped(&aside), 0);
    let today = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("day");
    let rows = store.book_rows(today).expect("rows");
    assert_eq!(aside.book_rows(today).expect("rows"), rows);
    // Released, the file is mapped again on the next read.
    store.release_mapped_pages();
    assert_eq!(mapped(&store), MMAP_BYTES);
    assert_eq!(store.book_rows(today).expect("rows"), rows);
}

/// The heap the connection's page cache holds, in bytes.
fn page_cache_bytes(store: &Store) -> i32 {
    let (mut now, mut most) = (0, 0);
    // SAFETY: the handle is the store's open connection; the call only
    // reads its counters.
    let rc = unsafe {
        rusqlite::ffi::sqlite3_db_status(
            store.conn.handle(),
            rusqlite::ffi::SQLITE_DBSTATUS_CACHE_USED,
            &mut now,
            &mut most,
            0,
        )
    };
    assert_eq!(rc, rusqlite::ffi::SQLITE_OK);
    now
}

#[test]
fn releasing_the_map_empties_the_page_cache_a_page_by_page_read_filled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("book.db");
    let store = Store::open(&path).expect("open");
    crate::testkit::seed_two_accounts(&store);
    store.release_mapped_pages();
    let empty = page_cache_bytes(&store);
    store.read_page_by_page();
    let today = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("day");
    let rows = store.book_rows(today).expect("rows");
    let filled = page_cache_bytes(&store);
    assert!(filled > empty, "the read filled the cache: {empty} → {filled}");
    store.release_mapped_pages();
    assert_eq!(page_cache_bytes(&store), empty, "and it is let go");
    assert_eq!(store.book_rows(today).expect("rows"), rows, "reads go on, mapped");
}

#[test]
fn a_newer_database_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("book.db");
    {
        let conn = Connection::open(&path).expect("conn");
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).expect("pragma");
    }
    let before = std::fs::read(&path).expect("read");
    let error = Store::open(&path).err().expect("refused");
    assert!(matches!(error, StoreError::TooNew { .. }), "{error}");
    assert!(error.to_string().contains("newer cockpit"));
    assert_eq!(std::fs::read(&path).expect("read"), before);
}

#[test]
fn a_read_only_database_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("book.db");
    drop(Store::open(&path).expect("create"));
    let before = std::fs::read(&path).expect("read");
    let mut permissions = std::fs::metadata(&path).expect("meta").permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&path, permissions).expect("chmod");
    let error = Store::open(&path).err().expect("refused");
    assert!(matches!(error, StoreError::ReadOnly { .. }), "{error}");
    assert!(error.to_string().contains("read-only"), "{error}");
    assert_eq!(std::fs::read(&path).expect("read"), before);
}

#[test]
fn a_folder_that_cannot_be_made_is_explained() {
    let dir = tempfile::tempdir().expect("tempdir");
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, b"x").expect("write");
    let error = Store::open(&blocker.join("book.db")).err().expect("refused");
    assert!(matches!(error, StoreError::Folder { .. }), "{error}");
    assert!(error.to_string().contains("cannot create the folder"), "{error}");
}

#[test]
fn a_file_that_is_not_a_database_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("notes.db");
    let junk = b"account_id,name\nA1,Acme\n".repeat(200);
    std::fs::write(&path, &junk).expect("write");
    let error = Store::open(&path).err().expect("refused");
    assert!(matches!(error, StoreError::NotADatabase { .. }), "{error}");
    assert_eq!(std::fs::read(&path).expect("read"), junk);
}
