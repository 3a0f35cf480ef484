//! The only place with SQL. Opens the database in one way (the opening
//! rules of `open.rs`, then WAL, foreign keys, busy timeout, migrations in
//! order), notices damage (quick and full integrity checks) and offers typed methods
//! that return domain types. Each aggregate has its own file with an
//! `impl Store` block; nothing outside this module sees a `Connection`.

pub mod accounts;
mod amounts;
pub mod authored;
pub mod bulk;
mod changes;
pub mod churn;
pub mod contacts;
pub mod contracts;
pub mod cross_sell;
mod facts;
mod format;
pub mod health;
mod held;
pub mod lost_renewals;
mod many;
mod migrations;
pub mod moments;
pub mod note_key;
pub mod notes;
mod open;
pub mod opportunities;
pub mod playbooks;
pub mod potentials;
pub mod records;
pub mod renewals;
pub mod search;
mod series;
pub mod signals;
pub mod snapshots;
mod sound;
pub mod stages;
pub mod success_plans;
pub mod tasks;
pub mod team;
mod touches;
pub mod triage;
pub mod trials;
pub mod undo;
pub mod views;

use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use migrations::SCHEMA_VERSION;
pub use open::{OpenMode, sidecar};
pub use sound::SoundCheck;

/// The environment variable that caps the database's size in pages (tests
/// use it to simulate a full disk).
pub const MAX_PAGES_VAR: &str = "COCKPIT_MAX_PAGES";

/// How long a writer waits for another cockpit's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// What can go wrong opening or using the store, in words a CSM can act on.
/// Each message is one line and says what was done to the file (nothing).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path}: this database was written by a newer cockpit (schema {found}, this one knows {known}); upgrade cockpit to open it — the file was left untouched"
    )]
    TooNew { path: String, found: i64, known: i64 },
    #[error(
        "{path}: schema version {found} was never written by any cockpit (this one knows 1 to {}); the file was left untouched — restore it from a backup",
        SCHEMA_VERSION
    )]
    ImpossibleVersion { path: String, found: i64 },
    #[error("{path}: not a cockpit database: {what} — the file was left untouched")]
    NotADatabase { path: String, what: String },
    #[error(
        "no database at {path}; import a CSV into it first (cockpit --db {path} import accounts FILE), or check the path"
    )]
    Missing { path: String },
    /// An empty file (or an empty SQLite database) given to a command that
    /// does not create a book.
    #[error(
        "no database at {path}: {what}; import a CSV into it first (cockpit --db {path} import accounts FILE) — the file was left untouched"
    )]
    Empty { path: String, what: String },
    /// A cockpit book without one of its schema's tables.
    #[error(
        "{path}: the database is damaged: tables the cockpit needs are missing ({missing}); restore it from a backup (cockpit backup makes one; see README \"Data safety\") — the file was left untouched"
    )]
    Incomplete { path: String, missing: String },
    #[error("{path}: the folder {folder} does not exist; check the path (nothing was created)")]
    NoFolder { path: String, folder: String },
    #[error("{}", damaged_message(path))]
    Damaged { path: String },
    #[error("{path}: the disk is full; free some space and try again (the database is unchanged)")]
    DiskFull { path: String },
    #[error("{path}: cannot write here ({reason})")]
    ReadOnly { path: String, reason: String },
    /// The cause is said in the message, so it is not chained as a source
    /// (which would print it twice).
    #[error("{path}: cannot create the folder for the database ({cause})")]
    Folder { path: String, cause: std::io::Error },
    #[error("{0}")]
    Invalid(String),
    #[error("database: {0}")]
    Sql(rusqlite::Error),
}

/// The one line for a damaged database, with its path when known.
pub fn damaged_message(path: &str) -> String {
    let prefix = if path.is_empty() { String::new() } else { format!("{path}: ") };
    format!(
        "{prefix}the database is damaged (SQLite: database disk image is malformed); restore it from a backup (cockpit backup makes one; see README \"Data safety\")"
    )
}

impl From<rusqlite::Error> for StoreError {
    /// A query's error: damage and a full disk are named wherever they are
    /// met (the path is added by whoever reports it); the rest is SQLite's.
    fn from(error: rusqlite::Error) -> StoreError {
        match error.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => {
                StoreError::Damaged { path: String::new() }
            }
            Some(ErrorCode::DiskFull) => StoreError::DiskFull { path: "database".to_string() },
            _ => StoreError::Sql(error),
        }
    }
}

impl StoreError {
    /// Whether the database file is damaged.
    pub fn is_damage(&self) -> bool {
        matches!(self, StoreError::Damaged { .. } | StoreError::Incomplete { .. })
    }
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
    /// The playbooks whose triggers fire on this store's writes (none
    /// unless set: see `store/playbooks.rs`).
    playbooks: crate::domain::playbook::Playbooks,
    /// This process's hold on the file, declared after the connection so
    /// it is released after the connection closes (`held.rs`).
    _held: held::Held,
}

impl Store {
    /// The connection, for the test kit's writers only.
    #[cfg(any(test, feature = "testkit"))]
    pub(crate) fn connection_for_tests(&self) -> &Connection {
        &self.conn
    }

    /// Opens (creating it and its folder if needed) the database at `path`
    /// and brings its schema up to date: [`Store::open_with`] in
    /// [`OpenMode::CreateWithFolder`].
    pub fn open(path: &Path) -> StoreResult<Store> {
        Store::open_with(path, OpenMode::CreateWithFolder)
    }

    /// Opens the database at `path` as `mode` allows and brings its schema
    /// up to date. A missing file or folder the mode may not create, a file
    /// that is not a cockpit database, a database from a newer cockpit or
    /// with an impossible schema version, and a damaged one are refused,
    /// and left exactly as they were (see `open.rs`).
    pub fn open_with(path: &Path, mode: OpenMode) -> StoreResult<Store> {
        let display = path.display().to_string();
        let is_new = open::precheck(path, mode)?;
        crate::timing::mark("store: file checked");
        if !is_new && is_marked_read_only(path) {
            return Err(StoreError::ReadOnly {
                path: display,
                reason: "the file is marked read-only; make it writable (chmod u+w) or open a copy"
                    .to_string(),
            });
        }
        if is_new {
            build_new_book(path).map_err(|e| match e {
                StoreError::Sql(sql) => open::classify(&display, sql),
                other => other,
            })?;
        }
        let with_path = |e: StoreError| match e {
            StoreError::Sql(sql) => open::classify(&display, sql),
            StoreError::Damaged { .. } => StoreError::Damaged { path: display.clone() },
            StoreError::DiskFull { .. } => StoreError::DiskFull { path: display.clone() },
            other => other,
        };
        // Held before the connection opens, so no check of this process
        // reads the file with a plain descriptor once SQLite may lock it.
        let hold = held::Held::file(path);
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| open::classify(&display, e))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| open::classify(&display, e))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            playbooks: crate::domain::playbook::Playbooks::none(),
            _held: hold,
        };
        store.configure().map_err(with_path)?;
        migrations::migrate(&mut store.conn).map_err(with_path)?;
        team::capture_on_open(&store.conn).map_err(with_path)?;
        crate::timing::mark("store: opened");
        Ok(store)
    }

    /// Opens an existing book for reading only (a read-only copy or backup,
    /// for the reports): the same checks as [`Store::open_with`], then no WAL
    /// switch, no migration, no team capture and no write of any kind. A book
    /// whose schema is older than this cockpit's is refused, naming the
    /// upgrade: it cannot be read as it is and cannot be migrated here.
    pub fn open_read_only(path: &Path) -> StoreResult<Store> {
        let display = path.display().to_string();
        open::precheck(path, OpenMode::Existing)?;
        let hold = held::Held::file(path);
        // With no pending `-wal` beside it, the file is all of the book and
        // is opened immutable: SQLite then leaves no `-wal`/`-shm` files
        // beside a book nothing may write to.
        let wal_len = std::fs::metadata(open::sidecar(path, "-wal")).map_or(0, |m| m.len());
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = if wal_len == 0 {
            Connection::open_with_flags(
                format!("file:{}?immutable=1", uri_path(path)),
                flags | OpenFlags::SQLITE_OPEN_URI,
            )
        } else {
            Connection::open_with_flags(path, flags)
        }
        .map_err(|e| open::classify(&display, e))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| open::classify(&display, e))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| open::classify(&display, e))?;
        if version < SCHEMA_VERSION {
            return Err(StoreError::ReadOnly {
                path: display,
                reason: "it was made by an older cockpit and must be upgraded before it can be \
                         read; run `cockpit` on it once where it can be written (chmod u+w, or \
                         a copy)"
                    .to_string(),
            });
        }
        conn.pragma_update(None, "cache_size", -16 * 1024)
            .map_err(|e| open::classify(&display, e))?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            playbooks: crate::domain::playbook::Playbooks::none(),
            _held: hold,
        })
    }

    /// The book was opened for reading only ([`Store::open_read_only`]).
    pub fn is_read_only(&self) -> bool {
        self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false)
    }

    /// Whether the file at `path`, or the folder it is in (where SQLite
    /// would write its `-wal` and `-shm` files), is marked read-only: the
    /// reports then open it with [`Store::open_read_only`].
    pub fn file_is_read_only(path: &Path) -> bool {
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        is_marked_read_only(path)
            || (path.is_file() && is_marked_read_only(folder.unwrap_or(Path::new("."))))
    }

    /// Opens the database for a worker thread's reads: as [`Store::open`],
    /// but read page by page instead of memory-mapped. Scattered reads (one
    /// CSM's accounts across the book) make the operating system map far
    /// more of the file than they use, which counts in the process's
    /// resident size; read page by page they cost the same time.
    /// A book marked read-only ([`Store::file_is_read_only`]) is opened
    /// for reading only, as the cockpit opened it.
    pub fn open_aside(path: &Path) -> StoreResult<Store> {
        let store = if Store::file_is_read_only(path) {
            Store::open_read_only(path)?
        } else {
            Store::open_with(path, OpenMode::Existing)?
        };
        store.conn.pragma_update(None, "mmap_size", 0)?;
        store.conn.pragma_update(None, "cache_size", ASIDE_CACHE_KIB)?;
        Ok(store)
    }

    /// Reads page by page until [`Store::release_mapped_pages`] maps the
    /// file again: for a first screen's scattered reads, which mapped would
    /// keep tens of megabytes of the file resident for a few rows.
    pub fn read_page_by_page(&self) {
        let _ = self.conn.pragma_update(None, "mmap_size", 0);
    }

    /// Unmaps the pages of the file this connection has read so far (they
    /// stay in the operating system's file cache), so that the resident size
    /// does not keep every page any pane ever read. Call it between loads.
    /// The page cache is emptied too: what a page-by-page read (the first
    /// screen, the calendar's month) filled stayed allocated for the rest of
    /// the session (16 MB at 100,000 accounts), and mapped reads do not use it.
    pub fn release_mapped_pages(&self) {
        // A different limit unmaps the file; it is mapped again on demand.
        let _ = self.conn.pragma_update(None, "mmap_size", MMAP_BYTES - 4096);
        let _ = self.conn.pragma_update(None, "mmap_size", MMAP_BYTES);
        let _ = self.conn.execute_batch("PRAGMA shrink_memory");
    }

    /// A private in-memory store, for tests and the benchmark's scratch work.
    pub fn open_in_memory() -> StoreResult<Store> {
        let mut conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations::migrate(&mut conn)?;
        Ok(Store {
            conn,
            path: PathBuf::from(":memory:"),
            playbooks: crate::domain::playbook::Playbooks::none(),
            _held: held::Held::none(),
        })
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
        Ok(self.integrity_problems(1)?.is_empty())
    }

    /// SQLite's full integrity check: the first `limit` problems it finds,
    /// none when the file is sound. Reads every page (seconds on a large
    /// book).
    pub fn integrity_problems(&self, limit: u32) -> StoreResult<Vec<String>> {
        self.check_pragma("integrity_check", limit)
    }

    /// Refuses to go on with a damaged file: SQLite's quick check (every
    /// page and row, without matching indexes to tables), skipped on a
    /// book with no accounts yet, so that a first import stays fast.
    pub fn ensure_sound(&self) -> StoreResult<()> {
        if self.has_accounts()? && !self.check_pragma("quick_check", 1)?.is_empty() {
            return Err(StoreError::Damaged { path: self.path.display().to_string() });
        }
        Ok(())
    }

    /// The book holds at least one account.
    fn has_accounts(&self) -> StoreResult<bool> {
        self.conn
            .query_row("SELECT EXISTS (SELECT 1 FROM accounts)", [], |r| r.get(0))
            .map_err(|e| open::classify(&self.path.display().to_string(), e))
    }

    /// How many accounts, contracts, snapshots and notes the book holds, in
    /// that order (what `cockpit check` reports).
    pub fn book_counts(&self) -> StoreResult<[i64; 4]> {
        let count = |table: &str| -> StoreResult<i64> {
            Ok(self.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok([count("accounts")?, count("contracts")?, count("snapshots")?, count("notes")?])
    }

    /// The database file's size in bytes (0 for an in-memory store).
    pub fn file_bytes(&self) -> u64 {
        std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0)
    }

    fn check_pragma(&self, pragma: &str, limit: u32) -> StoreResult<Vec<String>> {
        let display = self.path.display().to_string();
        let run = || -> rusqlite::Result<Vec<String>> {
            let mut statement = self.conn.prepare(&format!("PRAGMA {pragma}({limit})"))?;
            let lines = statement.query_map([], |r| r.get::<_, String>(0))?;
            lines.collect()
        };
        let lines = run().map_err(|e| open::classify(&display, e))?;
        Ok(lines.into_iter().filter(|line| line != "ok").collect())
    }

    /// Writes a consistent copy of the database to `target`, even while other
    /// cockpits are writing (SQLite's online backup).
    pub fn backup_to(&self, target: &Path) -> StoreResult<()> {
        let display = target.display().to_string();
        let mut destination = Connection::open(target).map_err(|e| open::classify(&display, e))?;
        let backup = rusqlite::backup::Backup::new(&self.conn, &mut destination)?;
        backup.run_to_completion(256, Duration::from_millis(5), None)?;
        Ok(())
    }
}

/// The owner's write bit is off. Checked explicitly because a privileged user
/// could otherwise write to a file its owner marked read-only.
/// `path` for a `file:` URI: every byte but unreserved ones and `/`
/// percent-encoded (a `?` or `#` in a folder's name is not a parameter).
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for byte in path.as_os_str().as_encoded_bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(byte) {
            out.push(char::from(*byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn is_marked_read_only(path: &Path) -> bool {
    std::fs::metadata(path).map(|meta| meta.permissions().readonly()).unwrap_or(false)
}

/// Builds a new book beside `path` and links it into place once its schema
/// is committed, so that a crash or `kill -9` while the schema is written
/// leaves no file at `path` (only a `.building` file the next creation
/// clears), never an empty database. Linking refuses to replace a file: if
/// another process made the book first, that one is kept and opened.
fn build_new_book(path: &Path) -> StoreResult<()> {
    let display = path.display().to_string();
    let io =
        |e: std::io::Error| StoreError::ReadOnly { path: display.clone(), reason: e.to_string() };
    let mut building = path.as_os_str().to_owned();
    building.push(".building");
    let building = std::path::PathBuf::from(building);
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut leftover = building.as_os_str().to_owned();
        leftover.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(leftover));
    }
    create_private_file(&building).map_err(io)?;
    {
        let conn = Connection::open_with_flags(
            &building,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let mut store = Store {
            conn,
            path: building.clone(),
            playbooks: crate::domain::playbook::Playbooks::none(),
            // Private to this creation until it is linked into place.
            _held: held::Held::none(),
        };
        store.configure()?;
        migrations::migrate(&mut store.conn)?;
        // Everything in the main file before it is linked into place.
        store.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    let linked = std::fs::hard_link(&building, path);
    let _ = std::fs::remove_file(&building);
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(io(e)),
    }
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

#[cfg(test)]
mod tests;
