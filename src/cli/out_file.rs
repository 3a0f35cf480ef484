//! Every file a command writes goes through here (`export --out`,
//! `renewals --ics`, `gen --out`, `backup`). It owns three promises: a target
//! that is the open database or one of its `-wal`, `-shm`, `-journal` files
//! (by any name: a symlink, a hard link, a relative path) is refused before
//! anything is written; the file is written beside the target under a
//! private temporary name and renamed over it only once complete, so a
//! failure never leaves half a file where a good one was; and what it
//! creates is its owner's only (0600), like the database. It knows nothing of
//! what the files hold.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum OutFileError {
    #[error("{target} is the database {db} (or one of its files); choose another file")]
    IsTheDatabase { target: String, db: String },
    #[error("{target}: the folder {folder} does not exist; create it first or check the path")]
    NoFolder { target: String, folder: String },
    #[error("{target}: {what} ({cause})")]
    Io { target: String, what: &'static str, cause: std::io::Error },
}

/// The files SQLite keeps for a database: itself and its companions.
const DATABASE_SUFFIXES: [&str; 4] = ["", "-wal", "-shm", "-journal"];

/// How many symlinks are followed before a path is taken as it is.
const MAX_LINKS: usize = 40;

/// Refuses `target` if it is `db` or one of its companion files, however
/// it is named, or if its folder does not exist.
pub fn check(target: &Path, db: &Path) -> Result<(), OutFileError> {
    let shown = target.display().to_string();
    let resolved = resolve(target);
    let folder = resolved.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !folder.is_dir() {
        return Err(OutFileError::NoFolder { target: shown, folder: folder.display().to_string() });
    }
    let resolved = canonical_in_folder(&resolved);
    let target_id = file_id(target);
    let mut database_files = Vec::new();
    for base in [db.to_path_buf(), canonical_in_folder(&resolve(db))] {
        for suffix in DATABASE_SUFFIXES {
            database_files.push(crate::store::sidecar(&base, suffix));
        }
    }
    let is_the_database = database_files.iter().any(|file| {
        canonical_in_folder(&resolve(file)) == resolved
            || (target_id.is_some() && file_id(file) == target_id)
    });
    if is_the_database {
        return Err(OutFileError::IsTheDatabase { target: shown, db: db.display().to_string() });
    }
    Ok(())
}

/// Writes `target` whole with `write`, after [`check`]: into a private file
/// beside it, renamed over it once `write` succeeded.
pub fn write<T>(
    target: &Path,
    db: &Path,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    write_at(target, db, |partial| {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(partial)
            .map_err(|cause| io_error(target, "cannot create the file", cause))?;
        let mut out = std::io::BufWriter::new(file);
        let value = write(&mut out)?;
        out.flush().map_err(|cause| io_error(target, "cannot write the file", cause))?;
        let file = out
            .into_inner()
            .map_err(|e| io_error(target, "cannot write the file", e.into_error()))?;
        file.sync_all().map_err(|cause| io_error(target, "cannot write the file", cause))?;
        Ok(value)
    })
}

/// As [`write`], for writers that open the file themselves (SQLite's
/// backup): `write` gets the path of an empty private file beside `target`.
pub fn write_at<T>(
    target: &Path,
    db: &Path,
    write: impl FnOnce(&Path) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    check(target, db)?;
    let partial = partial_file(target)?;
    let value = write(partial.path())?;
    // Checked again: the target may have been made a link to the database
    // while the file was written.
    check(target, db)?;
    partial.persist(target).map_err(|e| io_error(target, "cannot replace the file", e.error))?;
    Ok(value)
}

/// Moves a finished file (written elsewhere, e.g. in a private folder) to
/// `target` after [`check`], making it its owner's only.
pub fn place(finished: &Path, target: &Path, db: &Path) -> anyhow::Result<()> {
    check(target, db)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(finished, std::fs::Permissions::from_mode(0o600))
            .map_err(|cause| io_error(target, "cannot write the file", cause))?;
    }
    std::fs::rename(finished, target)
        .map_err(|cause| io_error(target, "cannot replace the file", cause))?;
    Ok(())
}

/// An empty private file beside `target` with an unpredictable name
/// (`tempfile` creates it 0600 and removes it if it is never persisted).
fn partial_file(target: &Path) -> anyhow::Result<tempfile::NamedTempFile> {
    let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".partial")
        .tempfile_in(folder)
        .map_err(|cause| io_error(target, "cannot create the file", cause).into())
}

fn io_error(target: &Path, what: &'static str, cause: std::io::Error) -> OutFileError {
    OutFileError::Io { target: target.display().to_string(), what, cause }
}

/// Follows symlinks at the end of `path` (each relative to its own folder),
/// so that a link to the database or to a `-wal` that does not exist yet
/// is seen for what it names.
fn resolve(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::read_link(&current) {
            Ok(next) => {
                current = match current.parent() {
                    Some(folder) if next.is_relative() => folder.join(next),
                    _ => next,
                };
            }
            Err(_) => break,
        }
    }
    current
}

/// The path with its folder made canonical (the file itself may not exist).
fn canonical_in_folder(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent(), absolute.file_name()) {
        (Some(folder), Some(name)) => {
            folder.canonicalize().map(|f| f.join(name)).unwrap_or(absolute)
        }
        _ => absolute.canonicalize().unwrap_or(absolute),
    }
}

/// The device and inode of an existing file: equal for every hard link.
#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_path: &Path) -> Option<(u64, u64)> {
    None
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn book() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("book.db");
        std::fs::write(&db, b"the book").expect("db");
        (dir, db)
    }

    fn refused(target: &Path, db: &Path) -> bool {
        matches!(check(target, db), Err(OutFileError::IsTheDatabase { .. }))
    }

    #[test]
    fn the_database_is_refused_by_any_name() {
        let (dir, db) = book();
        let folder = dir.path();
        assert!(refused(&db, &db));
        std::fs::create_dir(folder.join("sub")).expect("sub");
        assert!(refused(&folder.join("sub/../book.db"), &db));
        std::os::unix::fs::symlink(&db, folder.join("link.csv")).expect("symlink");
        assert!(refused(&folder.join("link.csv"), &db));
        std::fs::hard_link(&db, folder.join("sub/hard.csv")).expect("hard link");
        assert!(refused(&folder.join("sub/hard.csv"), &db));
        // Its companions, even before SQLite made them.
        for suffix in ["-wal", "-shm", "-journal"] {
            assert!(refused(&folder.join(format!("book.db{suffix}")), &db), "{suffix}");
        }
        std::os::unix::fs::symlink("../book.db-wal", folder.join("sub/wal2.ics")).expect("link");
        assert!(refused(&folder.join("sub/wal2.ics"), &db));
        // The database reached through a link to its folder.
        std::os::unix::fs::symlink(folder, folder.join("sub/again")).expect("link");
        assert!(refused(&folder.join("sub/again/book.db"), &db));
        assert!(refused(&folder.join("book.db"), &folder.join("sub/again/book.db")));
        // Other names are fine.
        assert!(check(&folder.join("book.csv"), &db).is_ok());
        assert!(check(&folder.join("book.db-walrus"), &db).is_ok());
    }

    #[test]
    fn a_missing_folder_is_refused() {
        let (dir, db) = book();
        let error = check(&dir.path().join("nope/out.csv"), &db).expect_err("refused");
        assert!(error.to_string().contains("does not exist"), "{error}");
    }

    #[test]
    fn a_refused_write_writes_nothing() {
        let (dir, db) = book();
        let result = write(&db, &db, |out| Ok(out.write_all(b"a,b\n")?));
        let error = result.expect_err("refused");
        assert!(error.to_string().contains("is the database"), "{error}");
        assert!(error.to_string().contains("choose another file"), "{error}");
        assert_eq!(std::fs::read(&db).expect("db"), b"the book");
        let names: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
        assert_eq!(names.len(), 1, "no partial file left");
    }

    #[test]
    fn files_are_written_whole_and_private() {
        let (dir, db) = book();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, b"old").expect("old");
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let failed: anyhow::Result<()> = write(&target, &db, |out| {
            out.write_all(b"half")?;
            anyhow::bail!("stopped")
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&target).expect("read"), b"old", "kept until complete");
        write(&target, &db, |out| Ok(out.write_all(b"new")?)).expect("write");
        assert_eq!(std::fs::read(&target).expect("read"), b"new");
        let mode = std::fs::metadata(&target).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 2, "no partial left");
    }
}
