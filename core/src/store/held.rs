//! Which database files this process holds open through a store, by the
//! file's identity (device and inode), so that nothing in the process opens
//! and closes such a file behind SQLite's back.
//!
//! POSIX record locks belong to the process and the file, not to the
//! descriptor: closing *any* descriptor of a file drops every lock the
//! process holds on it, the shared locks of its open SQLite connections
//! included. Another program's SQLite (the `sqlite3` shell, a report script)
//! then believes it is the file's last user, checkpoints and deletes the
//! `-wal` under the running cockpit, and the cockpit's later commits go to a
//! deleted file. SQLite's own descriptors guard against this; a plain
//! `File::open` of the database does not, so the opening checks read the
//! file's first bytes only while no store of this process holds it.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

/// A file's identity: device and inode (none where the platform has no
/// such locks to lose).
type FileKey = (u64, u64);

/// How many stores of this process hold each file open.
static HELD: Mutex<BTreeMap<FileKey, usize>> = Mutex::new(BTreeMap::new());

#[cfg(unix)]
fn key_of(path: &Path) -> Option<FileKey> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|meta| (meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn key_of(_path: &Path) -> Option<FileKey> {
    None
}

/// Whether a store of this process holds the file at `path` open.
#[cfg(test)]
fn is_held(path: &Path) -> bool {
    let Some(key) = key_of(path) else { return false };
    HELD.lock().unwrap_or_else(PoisonError::into_inner).contains_key(&key)
}

/// The first `count` bytes of the file at `path`, read with a plain
/// descriptor, or `None` when a store of this process holds the file (it
/// was looked at when that store opened it, and closing a descriptor now
/// would drop the store's locks). Done under the same lock a store takes
/// to hold a file, so no store starts on the file while it is read.
pub(super) fn first_bytes(path: &Path, count: u64) -> Option<std::io::Result<Vec<u8>>> {
    use std::io::Read;
    let held = HELD.lock().unwrap_or_else(PoisonError::into_inner);
    if key_of(path).is_some_and(|key| held.contains_key(&key)) {
        return None;
    }
    let mut bytes = Vec::new();
    Some(
        std::fs::File::open(path)
            .and_then(|file| file.take(count).read_to_end(&mut bytes))
            .map(|_| bytes),
    )
}

/// A store's hold on its file, released when the store is dropped.
#[derive(Debug)]
pub(super) struct Held {
    key: Option<FileKey>,
}

impl Held {
    /// Holds the file at `path` for as long as the returned value lives.
    /// Taken before the store's connection opens and released after it
    /// closes (the store's field order), so the hold covers every lock.
    pub(super) fn file(path: &Path) -> Held {
        let key = key_of(path);
        if let Some(key) = key {
            *HELD.lock().unwrap_or_else(PoisonError::into_inner).entry(key).or_insert(0) += 1;
        }
        Held { key }
    }

    /// No file (an in-memory store).
    pub(super) fn none() -> Held {
        Held { key: None }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let Some(key) = self.key else { return };
        let mut held = HELD.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = held.get_mut(&key) {
            *count -= 1;
            if *count == 0 {
                held.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_held_while_any_hold_on_it_lives() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("book.db");
        std::fs::write(&path, b"x").expect("write");
        assert!(!is_held(&path));
        let first = Held::file(&path);
        let second = Held::file(&path);
        assert!(is_held(&path));
        drop(first);
        assert!(is_held(&path));
        drop(second);
        assert!(!is_held(&path));
        assert!(!is_held(&dir.path().join("missing.db")));
    }

    #[test]
    fn a_held_file_is_not_read_behind_its_store() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("book.db");
        std::fs::write(&path, b"SQLite format 3").expect("write");
        assert_eq!(first_bytes(&path, 6).expect("not held").expect("read"), b"SQLite");
        let hold = Held::file(&path);
        assert!(first_bytes(&path, 6).is_none());
        drop(hold);
        assert!(first_bytes(&path, 6).is_some());
    }

    /// Another program's view of a book's locks: exits with success when
    /// some process holds a shared lock on the book named by
    /// `COCKPIT_OTHER_PROGRAM` (SQLite's shared range, where every open
    /// connection in WAL mode keeps one and the last to close looks for
    /// none before it checkpoints and deletes the `-wal`). Run only as the
    /// child of the test below; POSIX locks of the test's own process are
    /// invisible to that process.
    #[cfg(unix)]
    #[test]
    #[ignore = "run by a_store_keeps_its_locks_when_another_store_opens"]
    fn other_program() {
        use std::os::fd::AsRawFd;
        let path = std::env::var("COCKPIT_OTHER_PROGRAM").expect("run by the test below");
        let file = std::fs::File::open(path).expect("open");
        // SQLite's PENDING_BYTE + 2 and SHARED_SIZE.
        // SAFETY: a zeroed flock is a valid value of that plain C struct.
        let mut lock: libc::flock = unsafe { std::mem::zeroed() };
        lock.l_type = libc::F_WRLCK as libc::c_short;
        lock.l_whence = libc::SEEK_SET as libc::c_short;
        lock.l_start = 0x4000_0002;
        lock.l_len = 510;
        // SAFETY: F_GETLK reads and writes the flock passed by pointer.
        let asked = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETLK, &mut lock) };
        assert_eq!(asked, 0, "F_GETLK");
        assert_ne!(lock.l_type, libc::F_UNLCK as libc::c_short, "no process holds the book");
    }

    /// The data loss this module prevents: a second store opening the same
    /// book (as the cockpit's loaders do) must not drop the first one's
    /// locks; without them another program's SQLite (the `sqlite3` shell, a
    /// script) believes it is the last user, deletes the `-wal` under the
    /// cockpit, and the cockpit's later commits go to a deleted file.
    #[cfg(unix)]
    #[test]
    fn a_store_keeps_its_locks_when_another_store_opens() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("book.db");
        let first = crate::store::Store::open(&path).expect("open");
        first
            .conn
            .execute("INSERT INTO accounts (id, name) VALUES ('A1', 'A1')", [])
            .expect("insert");
        let locked = || {
            std::process::Command::new(std::env::current_exe().expect("test binary"))
                .args(["--ignored", "--exact", "store::held::tests::other_program", "--quiet"])
                .env("COCKPIT_OTHER_PROGRAM", &path)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .expect("run the other program")
                .success()
        };
        assert!(locked(), "the store holds its book");
        drop(crate::store::Store::open(&path).expect("open a second time"));
        assert!(locked(), "a second store opening the book dropped the first one's lock");
    }
}
