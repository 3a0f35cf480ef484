//! The only place with SQL. Opens the database in one way (folder, WAL,
//! foreign keys, busy timeout, migrations in order) and offers typed methods
//! that return domain types. Each aggregate has its own file with an
//! `impl Store` block; nothing outside this module sees a `Connection`.

pub mod accounts;
mod amounts;
pub mod bulk;
pub mod churn;
pub mod contracts;
pub mod health;
pub mod lost_renewals;
mod migrations;
pub mod moments;
pub mod notes;
pub mod opportunities;
pub mod potentials;
pub mod renewals;
mod series;
pub mod snapshots;
pub mod stages;
pub mod success_plans;
pub mod triage;
pub mod trials;
pub mod views;

use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use migrations::SCHEMA_VERSION;

/// The environment variable that caps the database's size in pages (tests
/// use it to simulate a full disk).
pub const MAX_PAGES_VAR: &str = "COCKPIT_MAX_PAGES";

/// How long a writer waits for another cockpit's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// What can go wrong opening or using the store, in words a CSM can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path}: this database was written by a newer cockpit (schema {found}, this one knows {known}); upgrade cockpit to open it — the file was left untouched"
    )]
    TooNew { path: String, found: i64, known: i64 },
    #[error(
        "{path}: not a cockpit database (it is not a SQLite file, or it is damaged) — the file was left untouched"
    )]
    NotADatabase { path: String },
    #[error("{path}: cannot write here ({reason})")]
    ReadOnly { path: String, reason: String },
    #[error("{path}: cannot create the folder for the database: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error("{0}")]
    Invalid(String),
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// How much of the database file a connection maps into memory.
const MMAP_BYTES: i64 = 256 * 1024 * 1024;

/// The page cache of a worker's connection (`open_aside`), in KiB as SQLite
/// takes it (negative): the pages a worker reads stay in the operating
/// system's file cache, not in the process.
const ASIDE_CACHE_KIB: i64 = -2 * 1024;

/// An open cockpit database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema
    /// up to date. A database from a newer cockpit, or a file that is not a
    /// database, is refused and left exactly as it was.
    pub fn open(path: &Path) -> StoreResult<Store> {
        let display = path.display().to_string();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|source| StoreError::Folder { path: display.clone(), source })?;
        }
        let is_new = !path.exists();
        if !is_new && is_marked_read_only(path) {
            return Err(StoreError::ReadOnly {
                path: display,
                reason: "the file is marked read-only; make it writable (chmod u+w) or open a copy"
                    .to_string(),
            });
        }
        if is_new {
            create_private_file(path).map_err(|e| StoreError::ReadOnly {
                path: display.clone(),
                reason: e.to_string(),
            })?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| classify(&display, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Reading the version first touches nothing and tells a foreign file apart.
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| classify(&display, e))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: display,
                found: version,
                known: SCHEMA_VERSION,
            });
        }
        let mut store = Store { conn, path: path.to_path_buf() };
        store.configure().map_err(|e| match e {
            StoreError::Sql(sql) => classify(&display, sql),
            other => other,
        })?;
        migrations::migrate(&mut store.conn).map_err(|e| match e {
            StoreError::Sql(sql) => classify(&display, sql),
            other => other,
        })?;
        Ok(store)
    }

    /// Opens the database for a worker thread's reads: as [`Store::open`],
    /// but read page by page instead of memory-mapped. Scattered reads (one
    /// CSM's accounts across the book) make the operating system map far
    /// more of the file than they use, which counts in the process's
    /// resident size; read page by page they cost the same time.
    pub fn open_aside(path: &Path) -> StoreResult<Store> {
        let store = Store::open(path)?;
        store.conn.pragma_update(None, "mmap_size", 0)?;
        store.conn.pragma_update(None, "cache_size", ASIDE_CACHE_KIB)?;
        Ok(store)
    }

    /// Unmaps the pages of the file this connection has read so far (they
    /// stay in the operating system's file cache), so that the resident size
    /// does not keep every page any pane ever read. Call it between loads.
    pub fn release_mapped_pages(&self) {
        // A different limit unmaps the file; it is mapped again on demand.
        let _ = self.conn.pragma_update(None, "mmap_size", MMAP_BYTES - 4096);
        let _ = self.conn.pragma_update(None, "mmap_size", MMAP_BYTES);
    }

    /// A private in-memory store, for tests and the benchmark's scratch work.
    pub fn open_in_memory() -> StoreResult<Store> {
        let mut conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations::migrate(&mut conn)?;
        Ok(Store { conn, path: PathBuf::from(":memory:") })
    }

    fn configure(&mut self) -> StoreResult<()> {
        let mode = self.wal_mode()?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::ReadOnly {
                path: self.path.display().to_string(),
                reason: format!("journal mode {mode}"),
            });
        }
        // In WAL mode NORMAL is durable across application crashes; only a power
        // loss can drop the last commits, never corrupt the file.
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        // The file is memory-mapped (up to 256 MB) with a 16 MB page cache
        // per connection: on a 100,000-account book the 12-month forecast
        // takes ~200 ms and a calendar month ~65 ms mapped, against ~350 and
        // ~120 ms read page by page. Mapped pages are the operating system's
        // file cache, shared and reclaimable, but they count in the process's
        // resident size: the cockpit unmaps them between loads
        // (`release_mapped_pages`) and its workers read page by page
        // (`open_aside`).
        self.conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
        self.conn.pragma_update(None, "cache_size", -16 * 1024)?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        // A test hook: caps the file at this many pages, so that a full disk
        // can be simulated without filling one.
        if let Some(pages) = std::env::var(MAX_PAGES_VAR).ok().and_then(|v| v.parse::<u32>().ok()) {
            let _: i64 =
                self.conn
                    .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| r.get(0))?;
        }
        Ok(())
    }

    /// Switches the file to WAL mode (a no-op when it is already). The switch
    /// needs the file to itself: while a first import writes an empty book
    /// through a rollback journal (`bulk/journal.rs`), it is refused at once,
    /// so it is tried again until the import ends or the busy timeout passes,
    /// as any other write would wait.
    fn wal_mode(&self) -> StoreResult<String> {
        let started = std::time::Instant::now();
        loop {
            let mode: rusqlite::Result<String> =
                self.conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0));
            let busy = match &mode {
                Err(rusqlite::Error::SqliteFailure(e, _)) => {
                    matches!(e.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                }
                _ => false,
            };
            if !busy || started.elapsed() >= BUSY_TIMEOUT {
                return Ok(mode?);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `PRAGMA integrity_check` passes.
    pub fn integrity_ok(&self) -> StoreResult<bool> {
        let result: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(result == "ok")
    }

    /// Writes a consistent copy of the database to `target`, even while other
    /// cockpits are writing (SQLite's online backup).
    pub fn backup_to(&self, target: &Path) -> StoreResult<()> {
        let mut destination = Connection::open(target)?;
        let backup = rusqlite::backup::Backup::new(&self.conn, &mut destination)?;
        backup.run_to_completion(256, Duration::from_millis(5), None)?;
        Ok(())
    }
}

/// The owner's write bit is off. Checked explicitly because a privileged user
/// could otherwise write to a file its owner marked read-only.
fn is_marked_read_only(path: &Path) -> bool {
    std::fs::metadata(path).map(|meta| meta.permissions().readonly()).unwrap_or(false)
}

fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop)
}

/// Turns SQLite's codes into the few situations a user can act on.
fn classify(path: &str, error: rusqlite::Error) -> StoreError {
    match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotADatabase { path: path.to_string() },
        Some(ErrorCode::ReadOnly)
        | Some(ErrorCode::CannotOpen)
        | Some(ErrorCode::PermissionDenied) => {
            StoreError::ReadOnly { path: path.to_string(), reason: error.to_string() }
        }
        Some(ErrorCode::DiskFull) => {
            StoreError::ReadOnly { path: path.to_string(), reason: "the disk is full".to_string() }
        }
        _ => StoreError::Sql(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            .execute_batch(
                "BEGIN IMMEDIATE; INSERT INTO accounts (id, name) VALUES ('A1', 'Acme');",
            )
            .expect("write");
        let opener = {
            let path = path.clone();
            std::thread::spawn(move || Store::open(&path).map(|s| s.integrity_ok()))
        };
        std::thread::sleep(Duration::from_millis(300));
        import.execute_batch("COMMIT").expect("commit");
        let _: String =
            import.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).expect("wal");
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
        crate::store::accounts::tests::seed(&store);
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
}
