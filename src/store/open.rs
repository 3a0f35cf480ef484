//! The opening rules: which files the store may open, which it may create,
//! and how SQLite's codes become the few situations a user can act on. The
//! file is looked at before anything writes to it: a missing file or folder,
//! a file that is not SQLite, another program's database or a schema this
//! cockpit cannot read are refused here with the file left byte for byte as
//! it was (no WAL switch, no migration, no `-wal`/`-shm` files left behind).
//! It never migrates and never writes a book's rows.

use super::{SCHEMA_VERSION, StoreError, StoreResult};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::io::Read;
use std::path::Path;

/// Whether an open may create the database, and its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// The file must exist (reading commands, `--db` given to the cockpit).
    Existing,
    /// A missing file becomes a new, empty book; its folder must exist
    /// (`import` into a `--db` path).
    Create,
    /// A missing file becomes a new book and a missing folder is made (the
    /// default database in the platform's data folder, the demo).
    CreateWithFolder,
}

/// The first bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// How many of another program's tables a refusal names.
const TABLES_NAMED: usize = 3;

/// Checks the folder and the file before anything is opened for writing:
/// `Ok(true)` when the file is missing and may be created.
pub(super) fn precheck(path: &Path, mode: OpenMode) -> StoreResult<bool> {
    let display = path.display().to_string();
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(parent) = parent {
        if mode == OpenMode::CreateWithFolder {
            std::fs::create_dir_all(parent)
                .map_err(|cause| StoreError::Folder { path: display.clone(), cause })?;
        } else if !parent.is_dir() {
            return Err(StoreError::NoFolder {
                path: display,
                folder: parent.display().to_string(),
            });
        }
    }
    if std::fs::symlink_metadata(path).is_err() {
        return match mode {
            OpenMode::Existing => Err(StoreError::Missing { path: display }),
            OpenMode::Create | OpenMode::CreateWithFolder => Ok(true),
        };
    }
    inspect(path)?;
    Ok(false)
}

/// Refuses, untouched, a file that is not a cockpit database or one whose
/// schema this cockpit cannot read. An empty file, or a SQLite database with
/// no tables and no version, is a new book.
fn inspect(path: &Path) -> StoreResult<()> {
    let display = path.display().to_string();
    let mut header = Vec::with_capacity(100);
    std::fs::File::open(path)
        .and_then(|file| file.take(100).read_to_end(&mut header))
        .map_err(|e| StoreError::ReadOnly { path: display.clone(), reason: e.to_string() })?;
    if header.is_empty() {
        return Ok(());
    }
    if header.len() < 100 || !header.starts_with(SQLITE_MAGIC) {
        return Err(StoreError::NotADatabase {
            path: display,
            what: "it is not a SQLite file".to_string(),
        });
    }
    let conn = inspection_connection(path).map_err(|e| classify(&display, e))?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(|e| classify(&display, e))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew { path: display, found: version, known: SCHEMA_VERSION });
    }
    if version < 0 {
        return Err(StoreError::ImpossibleVersion { path: display, found: version });
    }
    let tables = table_names(&conn).map_err(|e| classify(&display, e))?;
    if tables.is_empty() && version == 0 {
        return Ok(());
    }
    if version == 0 || !tables.iter().any(|t| t == "accounts") {
        return Err(StoreError::NotADatabase { path: display, what: describe_foreign(&tables) });
    }
    Ok(())
}

/// A connection that only reads. With no `-wal` or `-journal` beside the
/// file, it is opened immutable: SQLite takes no lock and creates no file.
/// With one, another cockpit may be writing (or one crashed): a plain
/// connection sees the last committed state, and recovers it as any opener
/// would.
fn inspection_connection(path: &Path) -> rusqlite::Result<Connection> {
    let busy = ["-wal", "-journal"].iter().any(|suffix| sidecar(path, suffix).exists());
    let conn = if busy {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(super::BUSY_TIMEOUT)?;
        conn
    } else {
        Connection::open_with_flags(
            format!("file:{}?immutable=1", uri_path(path)),
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?
    };
    Ok(conn)
}

fn table_names(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let names = statement.query_map([], |row| row.get(0))?;
    names.collect()
}

/// "a SQLite database with 3 tables of another program (users, posts, tags)".
fn describe_foreign(tables: &[String]) -> String {
    if tables.is_empty() {
        return "it is a SQLite database of another program, with no tables".to_string();
    }
    let mut named: Vec<&str> = tables.iter().take(TABLES_NAMED).map(String::as_str).collect();
    if tables.len() > TABLES_NAMED {
        named.push("…");
    }
    let noun = if tables.len() == 1 { "table" } else { "tables" };
    format!(
        "it is a SQLite database with {} {noun} of another program ({})",
        tables.len(),
        named.join(", ")
    )
}

/// `book.db` → `book.db-wal` and the like: the files SQLite keeps beside it.
pub fn sidecar(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    name.into()
}

/// A path as the path part of a SQLite URI: every byte outside the plain
/// ones percent-encoded, so `?`, `#` and `%` in a name stay in the name.
fn uri_path(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let bytes = absolute.as_os_str().as_encoded_bytes().to_vec();
    let mut out = String::with_capacity(bytes.len());
    for byte in bytes {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Turns SQLite's codes into the few situations a user can act on.
pub(super) fn classify(path: &str, error: rusqlite::Error) -> StoreError {
    match error.sqlite_error_code() {
        // The header said SQLite (checked before opening): a file SQLite
        // then refuses is a damaged one.
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
            StoreError::Damaged { path: path.to_string() }
        }
        Some(ErrorCode::ReadOnly)
        | Some(ErrorCode::CannotOpen)
        | Some(ErrorCode::PermissionDenied) => {
            StoreError::ReadOnly { path: path.to_string(), reason: error.to_string() }
        }
        Some(ErrorCode::DiskFull) => StoreError::DiskFull { path: path.to_string() },
        Some(ErrorCode::SystemIoFailure) if disk_is_full(Path::new(path)) => {
            StoreError::DiskFull { path: path.to_string() }
        }
        _ => StoreError::Sql(error),
    }
}

/// Less than this much free space on the database's disk makes an I/O error
/// a full disk: SQLite reports a full disk met while growing the `-shm`
/// index or the `-wal` (which even a read may need) as a plain I/O error.
const NEARLY_FULL_BYTES: u64 = 1024 * 1024;

/// Whether the disk holding `path` (or its folder) has next to no space left.
pub(super) fn disk_is_full(path: &Path) -> bool {
    free_bytes(path).is_some_and(|free| free < NEARLY_FULL_BYTES)
}

#[cfg(unix)]
fn free_bytes(path: &Path) -> Option<u64> {
    let probe = if path.exists() {
        path.to_path_buf()
    } else {
        path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf()
    };
    let stats = rustix::fs::statvfs(&probe).ok()?;
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}

#[cfg(not(unix))]
fn free_bytes(_path: &Path) -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
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
        // An empty file is a new book.
        let empty = dir.path().join("empty.db");
        std::fs::write(&empty, b"").expect("empty");
        let store = Store::open_with(&empty, OpenMode::Existing).expect("a new book");
        assert!(store.integrity_ok().expect("check"));
    }

    #[test]
    fn a_full_disk_says_so() {
        let error = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        );
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
}
