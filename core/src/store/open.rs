//! The opening rules: which files the store may open, which it may create,
//! and how SQLite's codes become the few situations a user can act on. The
//! file is looked at before anything writes to it: a missing file or folder,
//! a file that is not SQLite, another program's database or a schema this
//! cockpit cannot read are refused here with the file left byte for byte as
//! it was (no WAL switch, no migration, no `-wal`/`-shm` files left behind).
//! Only a regular file is opened (a named pipe would hang the open), an
//! empty file is a new book only for a command that may create one, and a
//! cockpit book is opened only whole and as the cockpit made it: every
//! table of its schema version present, no trigger or view the migrations
//! did not create (a planted trigger would run inside the cockpit's own
//! writes). It never migrates and never writes a book's rows.

use super::{SCHEMA_VERSION, StoreError, StoreResult};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::Path;
use std::sync::OnceLock;

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
    // The link itself exists; what it points to may not.
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(cause) if cause.kind() == std::io::ErrorKind::NotFound => {
            return Err(match mode {
                OpenMode::Existing => StoreError::Missing { path: display },
                OpenMode::Create | OpenMode::CreateWithFolder => StoreError::ReadOnly {
                    reason: format!("it is a link to {}, which does not exist", link_target(path)),
                    path: display,
                },
            });
        }
        Err(cause) => {
            return Err(StoreError::ReadOnly { path: display, reason: cause.to_string() });
        }
    };
    if !metadata.is_file() {
        return Err(StoreError::NotADatabase { path: display, what: not_a_file(&metadata) });
    }
    inspect(path, mode)?;
    Ok(false)
}

/// Where a symbolic link points, as it is written.
fn link_target(path: &Path) -> String {
    std::fs::read_link(path)
        .map(|target| target.display().to_string())
        .unwrap_or_else(|_| "a missing file".to_string())
}

/// "it is a named pipe (FIFO), not a file": what a path that is not a
/// regular file is, said before anything opens it.
fn not_a_file(metadata: &std::fs::Metadata) -> String {
    let kind = metadata.file_type();
    let what = if kind.is_dir() {
        "a folder"
    } else {
        special_file(&kind).unwrap_or("not a regular file")
    };
    format!("it is {what}, not a file")
}

#[cfg(unix)]
fn special_file(kind: &std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        Some("a named pipe (FIFO)")
    } else if kind.is_socket() {
        Some("a socket")
    } else if kind.is_block_device() || kind.is_char_device() {
        Some("a device")
    } else {
        None
    }
}

#[cfg(not(unix))]
fn special_file(_kind: &std::fs::FileType) -> Option<&'static str> {
    None
}

/// Refuses, untouched, a file that is not a cockpit database, one whose
/// schema this cockpit cannot read, one missing a table of its schema and
/// one holding triggers or views the cockpit did not create. An empty file,
/// or a SQLite database with no tables and no version, is a new book for a
/// mode that may create one; for [`OpenMode::Existing`] it is no book yet.
fn inspect(path: &Path, mode: OpenMode) -> StoreResult<()> {
    let display = path.display().to_string();
    // A file a store of this process holds open passed these checks when
    // that store opened it; its first bytes are not read again with a plain
    // descriptor, whose closing would drop the store's locks (`held.rs`).
    let header = match super::held::first_bytes(path, 100) {
        Some(read) => {
            read.map_err(|e| StoreError::ReadOnly { path: display.clone(), reason: e.to_string() })?
        }
        None => SQLITE_MAGIC.iter().copied().chain(std::iter::repeat_n(0, 84)).collect(),
    };
    // A rollback journal beside an empty book is a first import making it
    // (`bulk/journal.rs`), or the remains of one that was stopped: a book
    // being created, opened as before (the open waits for the import, or
    // SQLite recovers the file as any opener would).
    let being_made = sidecar(path, "-journal").exists();
    let no_book = |what: &str| match mode {
        OpenMode::Existing if !being_made => {
            Err(StoreError::Empty { path: display.clone(), what: what.into() })
        }
        _ => Ok(()),
    };
    if header.is_empty() {
        return no_book("the file is empty");
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
    let found = schema_objects(&conn).map_err(|e| classify(&display, e))?;
    let tables: Vec<String> =
        found.iter().filter(|o| o.kind == "table").map(|o| o.name.clone()).collect();
    if found.is_empty() && version == 0 {
        return no_book("it is an empty SQLite database");
    }
    if version == 0 || !tables.iter().any(|t| t == "accounts") {
        return Err(StoreError::NotADatabase { path: display, what: describe_foreign(&tables) });
    }
    let expected = expected_objects(version)?;
    let planted: Vec<&SchemaObject> = found
        .iter()
        .filter(|o| o.kind != "table" && !expected.iter().any(|e| e.same_as(o)))
        .collect();
    if !planted.is_empty() {
        return Err(StoreError::NotADatabase { path: display, what: describe_planted(&planted) });
    }
    let missing: Vec<&str> = expected
        .iter()
        .filter(|e| e.kind == "table" && !tables.contains(&e.name))
        .map(|e| e.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(StoreError::Incomplete { path: display, missing: name_a_few(&missing) });
    }
    Ok(())
}

/// A table, trigger or view in a database's schema, with the SQL that made it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct SchemaObject {
    kind: String,
    name: String,
    sql: String,
}

impl SchemaObject {
    /// The same kind and name, made by the same SQL (spacing aside).
    fn same_as(&self, other: &SchemaObject) -> bool {
        let words = |sql: &str| sql.split_whitespace().collect::<Vec<_>>().join(" ");
        self.kind == other.kind && self.name == other.name && words(&self.sql) == words(&other.sql)
    }
}

/// The tables, triggers and views of a schema: one query of `sqlite_master`.
fn schema_objects(conn: &Connection) -> rusqlite::Result<Vec<SchemaObject>> {
    let mut statement = conn.prepare(
        "SELECT type, name, coalesce(sql, '') FROM sqlite_master
         WHERE type IN ('table', 'trigger', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let objects = statement.query_map([], |row| {
        Ok(SchemaObject { kind: row.get(0)?, name: row.get(1)?, sql: row.get(2)? })
    })?;
    objects.collect()
}

/// The most versions a schema can have: one per migration and an empty database.
const VERSIONS: usize = SCHEMA_VERSION as usize + 1;

/// The schema the migrations make at [`SCHEMA_VERSION`], kept beside this
/// file so that opening a current book, the common case, runs no migration
/// in memory (about 10 ms before every first screen). A test rewrites it
/// when the migrations change and fails until it is committed.
const SHIPPED_SCHEMA: &str = include_str!("open/schema.json");

/// The shipped schema read back; `None` if it does not parse (a test
/// keeps it parsing), and then the migrations are run instead.
fn shipped_schema() -> Option<Vec<SchemaObject>> {
    serde_json::from_str(SHIPPED_SCHEMA).ok()
}

/// What the migrations make at a schema version (0 is an empty database):
/// the shipped schema for the current version, otherwise learnt once per
/// process and version by migrating an empty database in memory to it, so
/// the list cannot fall behind the migrations. Only the version of the book
/// being opened is made: the cockpit opens books of its own version, and an
/// older book is upgraded right after.
fn expected_objects(version: i64) -> StoreResult<&'static [SchemaObject]> {
    static SHAPES: [OnceLock<Vec<SchemaObject>>; VERSIONS] = [const { OnceLock::new() }; VERSIONS];
    let index = usize::try_from(version).unwrap_or(0).min(VERSIONS - 1);
    let Some(slot) = SHAPES.get(index) else { return Ok(&[]) };
    if let Some(shape) = slot.get() {
        return Ok(shape);
    }
    if index == VERSIONS - 1
        && let Some(shape) = shipped_schema()
    {
        return Ok(slot.get_or_init(|| shape));
    }
    let shape = migrated_objects(index)?;
    Ok(slot.get_or_init(|| shape))
}

/// What migrating an empty database in memory to version `index` makes.
fn migrated_objects(index: usize) -> StoreResult<Vec<SchemaObject>> {
    let mut conn = Connection::open_in_memory()?;
    super::migrations::migrate_to(&mut conn, i64::try_from(index).unwrap_or(SCHEMA_VERSION))?;
    Ok(schema_objects(&conn)?)
}

/// "a trigger the cockpit did not create (steal), so it was altered
/// outside the cockpit": what was planted, a few names shown.
fn describe_planted(planted: &[&SchemaObject]) -> String {
    let of_kind =
        |kind: &str, one: &str, many: &str| match planted.iter().filter(|o| o.kind == kind).count()
        {
            0 => None,
            1 => Some(format!("a {one}")),
            n => Some(format!("{n} {many}")),
        };
    let what: Vec<String> =
        [of_kind("trigger", "trigger", "triggers"), of_kind("view", "view", "views")]
            .into_iter()
            .flatten()
            .collect();
    let names: Vec<&str> = planted.iter().map(|o| o.name.as_str()).collect();
    format!(
        "it holds {} the cockpit did not create ({}), so it was altered outside the cockpit",
        what.join(" and "),
        name_a_few(&names)
    )
}

/// "a, b, c, …": the first few names of a list.
fn name_a_few(names: &[&str]) -> String {
    let mut named: Vec<&str> = names.iter().take(TABLES_NAMED).copied().collect();
    if names.len() > TABLES_NAMED {
        named.push("…");
    }
    named.join(", ")
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

/// "a SQLite database with 3 tables of another program (users, posts, tags)".
fn describe_foreign(tables: &[String]) -> String {
    if tables.is_empty() {
        return "it is a SQLite database of another program, with no tables".to_string();
    }
    let names: Vec<&str> = tables.iter().map(String::as_str).collect();
    let noun = if tables.len() == 1 { "table" } else { "tables" };
    format!(
        "it is a SQLite database with {} {noun} of another program ({})",
        tables.len(),
        name_a_few(&names)
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
mod tests;
