//! What every hostile case shares: the starting books (built once per run
//! through `cockpit import` of the fixture CSVs), a case folder holding a
//! copy, the real binary run with a fixed clock and an empty settings file
//! and a time limit, a picture of the folder's files to prove that nothing
//! changed, and a tally that runs every case of a category and reports all
//! the failing ones by name in one message.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const TODAY: &str = "2025-03-15";
pub const BIN: &str = env!("CARGO_BIN_EXE_cockpit");

/// How long any one run may take before it counts as a hang.
pub const LIMIT: Duration = Duration::from_secs(20);

pub type Verdict = Result<(), String>;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn scratch() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile")
}

/// The settings file every run uses: it exists and is empty (the defaults).
fn config() -> &'static Path {
    static CONFIG: OnceLock<PathBuf> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let dir = scratch();
        std::fs::create_dir_all(&dir).expect("scratch");
        let path = dir.join("config.toml");
        std::fs::write(&path, "").expect("config");
        path
    })
}

/// A command on the real binary, in `cwd`, with the fixed clock and user.
pub fn cockpit_in(cwd: &Path) -> Command {
    with_env(Command::new(BIN), cwd)
}

/// As [`cockpit_in`], with the process's memory capped at about 2 GB and
/// the files it writes at about 100 MB: for runs that might not refuse an
/// absurd size.
pub fn cockpit_capped(cwd: &Path) -> Command {
    let mut command = Command::new("sh");
    command.args(["-c", "ulimit -v 2000000; ulimit -f 200000; exec \"$0\" \"$@\"", BIN]);
    with_env(command, cwd)
}

fn with_env(mut command: Command, cwd: &Path) -> Command {
    command
        .current_dir(cwd)
        .env("COCKPIT_TODAY", TODAY)
        .env("COCKPIT_USER", "ana")
        .env("COCKPIT_CONFIG", config())
        .env_remove("COCKPIT_DB")
        .env_remove("COCKPIT_MAX_PAGES")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null());
    command
}

fn import_into(db: &Path, kind: &str, file: &Path) {
    let out = cockpit_in(db.parent().expect("parent"))
        .arg("--db")
        .arg(db)
        .arg("import")
        .arg(kind)
        .arg(file)
        .output()
        .expect("import");
    assert!(out.status.success(), "building the book: import {kind}: {}", lossy(&out.stderr));
}

/// The fixture book, imported once per test run.
pub fn base_book() -> &'static Path {
    static BOOK: OnceLock<PathBuf> = OnceLock::new();
    BOOK.get_or_init(|| {
        let dir = scratch().join("base");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("base dir");
        let db = dir.join("book.db");
        for kind in ["accounts", "snapshots", "contracts", "notes"] {
            import_into(&db, kind, &fixture(&format!("{kind}.csv")));
        }
        assert_no_debris(&dir);
        db
    })
}

/// The fixture book plus accounts, contracts, snapshots, notes and a churn
/// chain whose text holds terminal escapes, C1 controls and bidi overrides.
pub fn hostile_book() -> &'static Path {
    static BOOK: OnceLock<PathBuf> = OnceLock::new();
    BOOK.get_or_init(|| {
        let dir = scratch().join("hostile");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("hostile dir");
        let db = dir.join("book.db");
        std::fs::copy(base_book(), &db).expect("copy");
        for (kind, text) in crate::terminal::hostile_csvs() {
            let file = dir.join(format!("{kind}.csv"));
            std::fs::write(&file, text).expect("write csv");
            import_into(&db, kind, &file);
            std::fs::remove_file(&file).expect("remove csv");
        }
        for (account, cause) in crate::terminal::hostile_chains() {
            let out = cockpit_in(&dir)
                .arg("--db")
                .arg(&db)
                .args(["churn", "record", account, "--date", "2025-03-01", "--event"])
                .args(["contracted", "--arr-lost", "100", "--cause", cause])
                .output()
                .expect("churn record");
            assert!(
                out.status.success(),
                "building the book: churn record: {}",
                lossy(&out.stderr)
            );
        }
        assert_no_debris(&dir);
        db
    })
}

fn assert_no_debris(dir: &Path) {
    for suffix in ["-wal", "-shm", "-journal"] {
        assert!(!dir.join(format!("book.db{suffix}")).exists(), "the built book left {suffix}");
    }
}

pub fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One case's folder: `w` is watched (the database lives there and every run
/// starts there), `o` holds the runs' output and is not watched.
pub struct Case {
    _root: tempfile::TempDir,
    pub w: PathBuf,
    pub db: PathBuf,
    io: PathBuf,
    runs: std::cell::Cell<u32>,
}

impl Case {
    /// A case folder with no database in it.
    pub fn empty() -> Case {
        let root = tempfile::Builder::new().prefix("case").tempdir_in(scratch_dir()).expect("tmp");
        let w = root.path().join("w");
        let io = root.path().join("o");
        std::fs::create_dir_all(&w).expect("w");
        std::fs::create_dir_all(&io).expect("o");
        let db = w.join("book.db");
        Case { _root: root, w, db, io, runs: std::cell::Cell::new(0) }
    }

    /// A case folder holding a copy of the fixture book as `book.db`.
    pub fn book() -> Case {
        let case = Case::empty();
        std::fs::copy(base_book(), &case.db).expect("copy book");
        case
    }

    /// A case folder holding a copy of the book with hostile text.
    pub fn hostile() -> Case {
        let case = Case::empty();
        std::fs::copy(hostile_book(), &case.db).expect("copy book");
        case
    }

    /// A file in the watched folder.
    pub fn at(&self, name: &str) -> PathBuf {
        self.w.join(name)
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.at(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }

    /// The watched folder's files now.
    pub fn files(&self) -> Files {
        Files::of(&self.w)
    }

    /// Runs `cockpit --db <the book> ARGS` in the watched folder.
    pub fn run<I, S>(&self, args: I) -> Outcome
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut all: Vec<OsString> = vec!["--db".into(), self.db.clone().into()];
        all.extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self.raw(all)
    }

    /// Runs `cockpit ARGS` in the watched folder, as given.
    pub fn raw<I, S>(&self, args: I) -> Outcome
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = cockpit_in(&self.w);
        command.args(args);
        self.spawn(command)
    }

    /// Runs a prepared command with its output kept outside the watched folder.
    pub fn spawn(&self, command: Command) -> Outcome {
        self.spawn_limited(command, LIMIT)
    }

    /// As [`Case::spawn`], killed after `limit`.
    pub fn spawn_limited(&self, mut command: Command, limit: Duration) -> Outcome {
        let n = self.runs.get() + 1;
        self.runs.set(n);
        let out_path = self.io.join(format!("{n}.out"));
        let err_path = self.io.join(format!("{n}.err"));
        command.stdout(std::fs::File::create(&out_path).expect("out"));
        command.stderr(std::fs::File::create(&err_path).expect("err"));
        let child = command.spawn().expect("spawn cockpit");
        finish(child, &out_path, &err_path, limit)
    }

    /// Runs a prepared command with its standard output a pipe whose reader
    /// is already closed, as `cockpit … | head -0` would leave it.
    pub fn spawn_into_closed_pipe(&self, mut command: Command) -> Outcome {
        let n = self.runs.get() + 1;
        self.runs.set(n);
        let out_path = self.io.join(format!("{n}.out"));
        let err_path = self.io.join(format!("{n}.err"));
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        command.stdout(writer);
        command.stderr(std::fs::File::create(&err_path).expect("err"));
        std::fs::write(&out_path, "").expect("out");
        let child = command.spawn().expect("spawn cockpit");
        drop(command);
        finish(child, &out_path, &err_path, LIMIT)
    }

    /// A path for a run's output file outside the watched folder.
    pub fn outside(&self, name: &str) -> PathBuf {
        self.io.join(name)
    }
}

fn scratch_dir() -> PathBuf {
    let dir = scratch();
    std::fs::create_dir_all(&dir).expect("scratch");
    dir
}

fn finish(mut child: std::process::Child, out: &Path, err: &Path, limit: Duration) -> Outcome {
    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let read = |p: &Path| {
        let mut bytes = Vec::new();
        std::fs::File::open(p).expect("open").read_to_end(&mut bytes).expect("read");
        bytes
    };
    use std::os::unix::process::ExitStatusExt;
    Outcome {
        code: status.code(),
        signal: status.signal(),
        stdout: read(out),
        stderr: read(err),
        timed_out,
        limit,
    }
}

/// What a run did.
pub struct Outcome {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub limit: Duration,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub timed_out: bool,
}

impl Outcome {
    pub fn out(&self) -> String {
        lossy(&self.stdout)
    }

    pub fn err(&self) -> String {
        lossy(&self.stderr)
    }

    fn describe(&self) -> String {
        let mut err = self.err();
        if err.len() > 600 {
            err.truncate(err.floor_char_boundary(600));
            err.push('…');
        }
        let mut out = self.out();
        if out.len() > 300 {
            out.truncate(out.floor_char_boundary(300));
            out.push('…');
        }
        let signal = self.signal.map(|s| format!(" (signal {s})")).unwrap_or_default();
        format!("exit {:?}{signal}, stderr {err:?}, stdout {out:?}", self.code)
    }

    /// Ended by itself, without a panic.
    pub fn no_panic(&self) -> Verdict {
        if self.timed_out {
            return Err(format!("still running after {:?} ({})", self.limit, self.describe()));
        }
        if self.code == Some(101) || self.err().contains("panicked") {
            return Err(format!("panicked: {}", self.describe()));
        }
        if self.code.is_none() {
            return Err(format!("killed by a signal: {}", self.describe()));
        }
        Ok(())
    }

    /// Exit 0.
    pub fn ok(&self) -> Verdict {
        self.no_panic()?;
        if self.code != Some(0) {
            return Err(format!("expected success, got {}", self.describe()));
        }
        Ok(())
    }

    /// A non-zero exit whose standard error holds every phrase.
    pub fn refused(&self, phrases: &[&str]) -> Verdict {
        self.no_panic()?;
        if self.code == Some(0) {
            return Err(format!("expected a refusal, got {}", self.describe()));
        }
        self.says(phrases)
    }

    /// Exit `code`, standard error holding every phrase.
    pub fn exits(&self, code: i32, phrases: &[&str]) -> Verdict {
        self.no_panic()?;
        if self.code != Some(code) {
            return Err(format!("expected exit {code}, got {}", self.describe()));
        }
        self.says(phrases)
    }

    /// Standard error holds every phrase.
    pub fn says(&self, phrases: &[&str]) -> Verdict {
        let err = self.err();
        let missing: Vec<&&str> = phrases.iter().filter(|p| !err.contains(**p)).collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!("message lacks {missing:?}: {}", self.describe()))
        }
    }

    /// Standard error holds at least one of the phrases.
    pub fn says_one_of(&self, phrases: &[&str]) -> Verdict {
        let err = self.err();
        if phrases.iter().any(|p| err.contains(p)) {
            Ok(())
        } else {
            Err(format!("message holds none of {phrases:?}: {}", self.describe()))
        }
    }

    /// The message is one line and does not repeat itself.
    pub fn one_line(&self) -> Verdict {
        let err = self.err();
        let lines: Vec<&str> = err.trim_end().lines().collect();
        if lines.len() != 1 {
            return Err(format!("expected a one-line message, got {} lines: {err:?}", lines.len()));
        }
        self.no_repeat()
    }

    /// No part of the message (between `: `) says the same thing twice, as
    /// an error chain printing its source's text again would.
    pub fn no_repeat(&self) -> Verdict {
        let err = self.err();
        let parts: Vec<&str> =
            err.split([':', '\n']).map(str::trim).filter(|p| p.len() >= 12).collect();
        for (i, part) in parts.iter().enumerate() {
            if parts[i + 1..].contains(part) {
                return Err(format!("the message repeats {part:?}: {err:?}"));
            }
        }
        Ok(())
    }
}

/// Every entry under a folder, by relative path.
#[derive(PartialEq, Eq, Clone)]
pub struct Files(pub BTreeMap<PathBuf, Entry>);

#[derive(PartialEq, Eq, Clone, Debug)]
pub enum Entry {
    File(Vec<u8>, u32),
    Dir(u32),
    Link(PathBuf),
    Other,
}

impl Files {
    pub fn of(root: &Path) -> Files {
        use std::os::unix::fs::PermissionsExt;
        let mut map = BTreeMap::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries {
                let entry = entry.expect("entry");
                let path = entry.path();
                let rel = path.strip_prefix(root).expect("prefix").to_path_buf();
                let meta = std::fs::symlink_metadata(&path).expect("meta");
                let mode = meta.permissions().mode() & 0o7777;
                let kind = if meta.file_type().is_symlink() {
                    Entry::Link(std::fs::read_link(&path).expect("link"))
                } else if meta.is_dir() {
                    stack.push(path.clone());
                    Entry::Dir(mode)
                } else if meta.is_file() {
                    Entry::File(std::fs::read(&path).expect("read"), mode)
                } else {
                    Entry::Other
                };
                map.insert(rel, kind);
            }
        }
        Files(map)
    }

    /// Nothing changed, appeared or disappeared since `self`.
    pub fn unchanged(&self, now: &Files) -> Verdict {
        let mut problems = Vec::new();
        for (path, entry) in &self.0 {
            match now.0.get(path) {
                None => problems.push(format!("{} disappeared", path.display())),
                Some(e) if e != entry => problems.push(format!("{} changed", path.display())),
                Some(_) => {}
            }
        }
        for path in now.0.keys() {
            if !self.0.contains_key(path) {
                problems.push(format!("{} appeared", path.display()));
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems.join(", ")) }
    }
}

/// Runs every case of a category, then fails once naming every failing case.
pub struct Tally {
    category: &'static str,
    passed: usize,
    failures: Vec<String>,
}

impl Tally {
    pub fn new(category: &'static str) -> Tally {
        Tally { category, passed: 0, failures: Vec::new() }
    }

    pub fn case(&mut self, name: &str, body: impl FnOnce() -> Verdict) {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
        match result {
            Ok(Ok(())) => self.passed += 1,
            Ok(Err(why)) => self.failures.push(format!("{}/{name}: {why}", self.category)),
            Err(panic) => {
                let why = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                self.failures
                    .push(format!("{}/{name}: the case itself panicked: {why}", self.category));
            }
        }
    }

    pub fn finish(self) {
        let total = self.passed + self.failures.len();
        if !self.failures.is_empty() {
            panic!(
                "{} of {total} {} cases failed:\n{}",
                self.failures.len(),
                self.category,
                self.failures.join("\n")
            );
        }
        eprintln!("{}: {total} cases passed", self.category);
    }
}

/// Every check in turn; the first failure is the case's verdict.
pub fn all(checks: impl IntoIterator<Item = Verdict>) -> Verdict {
    for check in checks {
        check?;
    }
    Ok(())
}
