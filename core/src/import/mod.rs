//! CSV import: accounts, snapshots, contracts and notes from CRM and billing
//! exports, and subscriptions from which snapshots and contracts are derived
//! (`subscriptions`). A file is imported whole or not at all (one transaction); every
//! bad row is reported as `FILE:LINE:COLUMN: column: what is wrong`.
//!
//! `input` reads bytes into checked cells (`watch` spots what the CSV parser
//! would change silently), `cells` checks one row's cells into typed values
//! (amounts within `Money`'s bound, dates within the book's years), `kinds`
//! hands typed rows to the store's bulk writer, `all` fills a new book from
//! a folder `export all` wrote. A dry run is the real import rolled back;
//! progress is told as bytes read. No SQL here: writes go through
//! `store::bulk` and `store::authored`.

mod all;
mod cells;
mod contacts;
mod fast;
mod fresh;
mod input;
mod kinds;
pub mod profile;
mod records;
mod signals;
mod subscriptions;
mod usage;
mod watch;

pub use all::{FileReport, import_all};
pub use input::{MAX_CELL_BYTES, needs_text_prefix, strip_text_prefix};
pub use profile::{Profile, ProfileError};
pub use subscriptions::Derived;

use crate::clock::Clock;
use crate::store::bulk::ImportCounts;
use crate::store::{Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use std::fmt;
use std::path::Path;

/// Past this many errors, the rest of a file's errors are counted, not listed.
pub const MAX_REPORTED_ERRORS: usize = 200;

/// The kinds of file the cockpit imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportKind {
    Accounts,
    Snapshots,
    Contracts,
    Notes,
    /// A billing system's subscriptions, from which snapshots and contracts are derived.
    Subscriptions,
    Usage,
    Tickets,
    Surveys,
    /// The people at each account.
    Contacts,
}

impl ImportKind {
    /// The book's files, in the order they import: the four book files, then
    /// the signals (usage, tickets, surveys).
    pub const ALL: [ImportKind; 7] = [
        ImportKind::Accounts,
        ImportKind::Snapshots,
        ImportKind::Contracts,
        ImportKind::Notes,
        ImportKind::Usage,
        ImportKind::Tickets,
        ImportKind::Surveys,
    ];

    /// Every kind `import` and `export` take: the book's files, then the
    /// sources other records are derived from.
    pub const EVERY: [ImportKind; 9] = [
        ImportKind::Accounts,
        ImportKind::Snapshots,
        ImportKind::Contracts,
        ImportKind::Notes,
        ImportKind::Usage,
        ImportKind::Tickets,
        ImportKind::Surveys,
        ImportKind::Subscriptions,
        ImportKind::Contacts,
    ];

    /// The kinds `export all` writes and `import all` reads as book files:
    /// every kind but contacts, which travel with the tables a user authors.
    pub fn book_files() -> impl Iterator<Item = ImportKind> {
        ImportKind::EVERY.into_iter().filter(|kind| *kind != ImportKind::Contacts)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Accounts => "accounts",
            ImportKind::Snapshots => "snapshots",
            ImportKind::Contracts => "contracts",
            ImportKind::Notes => "notes",
            ImportKind::Subscriptions => "subscriptions",
            ImportKind::Usage => "usage",
            ImportKind::Tickets => "tickets",
            ImportKind::Surveys => "surveys",
            ImportKind::Contacts => "contacts",
        }
    }

    /// The columns this kind's CSV carries, required ones first, in export order.
    pub fn column_names(self) -> &'static [&'static str] {
        records::columns(self).names
    }
}

impl fmt::Display for ImportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing wrong with a file: where (file, line, column) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: String,
    /// 1-based line where the row starts; 0 for the file as a whole.
    pub line: u64,
    /// 1-based column position in the file, when known.
    pub column: Option<usize>,
    pub column_name: Option<String>,
    pub message: String,
}

impl RowError {
    pub fn file(file: &str, message: String) -> RowError {
        RowError { file: file.to_string(), line: 0, column: None, column_name: None, message }
    }

    pub fn at(file: &str, line: u64, message: String) -> RowError {
        RowError { file: file.to_string(), line, column: None, column_name: None, message }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(name) = &self.column_name {
            write!(f, "{name}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Why an import was refused. The database is unchanged in every case.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file has problems; one line each, in file order.
    #[error("{}", lines(.0))]
    Rejected(Vec<RowError>),
    #[error("{file}: cannot be read: {source}")]
    Io { file: String, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn lines(errors: &[RowError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub file: String,
    pub kind: ImportKind,
    pub counts: ImportCounts,
    /// Things that did not stop the import, e.g. ignored columns.
    pub warnings: Vec<String>,
    /// For subscriptions: the snapshots and contracts derived from them.
    pub derived: Option<subscriptions::Derived>,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.counts.inserted + self.counts.updated + self.counts.unchanged == 0 {
            // A header alone is an empty table, as `export` writes one.
            return write!(
                f,
                "{}: 0 {}: the file has a header row and no data rows; nothing changed",
                self.file, self.kind
            );
        }
        write!(
            f,
            "{}: {} {}: {} inserted, {} updated, {} unchanged",
            self.file,
            self.counts.inserted + self.counts.updated + self.counts.unchanged,
            self.kind,
            self.counts.inserted,
            self.counts.updated,
            self.counts.unchanged
        )?;
        match &self.derived {
            Some(derived) => write!(f, "; {derived}"),
            None => Ok(()),
        }
    }
}

/// Who is importing, when, and from which file: stamped on history rows.
pub(crate) struct Origin<'a> {
    pub file: &'a str,
    pub who: &'a str,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
}

/// Errors found so far in a file, the first [`MAX_REPORTED_ERRORS`] kept.
#[derive(Default)]
pub(crate) struct Problems {
    errors: Vec<RowError>,
    more: u64,
}

impl Problems {
    pub fn push(&mut self, error: RowError) {
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(error);
        } else {
            self.more += 1;
        }
    }

    /// The value, or `None` with the error recorded.
    pub fn take<T>(&mut self, result: Result<T, RowError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(error);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Adds the problems another part of the import found in the same file.
    pub fn absorb(&mut self, other: Problems) {
        for error in other.errors {
            self.push(error);
        }
        self.more += other.more;
    }

    pub(crate) fn into_errors(mut self, file: &str) -> Vec<RowError> {
        // Checks that gather rows before judging them (repeats within an
        // account's rows) report late; the list is still in file order.
        self.errors.sort_by_key(|error| error.line);
        if self.more > 0 {
            self.errors.push(RowError::file(
                file,
                format!(
                    "{} more problems not listed; fix the ones above and import again",
                    self.more
                ),
            ));
        }
        self.errors
    }
}

/// Told how far an import has read: bytes read so far, and the file's size
/// (0 when unknown, as for standard input).
pub type Progress = std::sync::Arc<dyn Fn(u64, u64) + Send + Sync>;

/// How an import runs: for real or as a dry run, and who hears of its progress.
#[derive(Clone, Default)]
pub struct ImportOptions {
    /// Check and count everything, then roll back: nothing is written.
    pub dry_run: bool,
    pub progress: Option<Progress>,
    /// How the file is read: another tool's export mapped (none by default).
    pub profile: Profile,
}

impl fmt::Debug for ImportOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImportOptions")
            .field("dry_run", &self.dry_run)
            .field("profile", &self.profile)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// A reader that tells [`Progress`] how far it has read.
pub(crate) struct Counted<R> {
    inner: R,
    /// Bytes read before this reader (of earlier files of the same import).
    read: u64,
    total: u64,
    progress: Option<Progress>,
}

impl<R> Counted<R> {
    pub(crate) fn new(inner: R, total: u64, progress: Option<Progress>) -> Counted<R> {
        Counted::after(0, inner, total, progress)
    }

    /// A reader whose bytes come after `before` bytes of the same import.
    pub(crate) fn after(
        before: u64,
        inner: R,
        total: u64,
        progress: Option<Progress>,
    ) -> Counted<R> {
        Counted { inner, read: before, total, progress }
    }
}

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read = self.read.saturating_add(n as u64);
        if let Some(progress) = &self.progress {
            progress(self.read, self.total);
        }
        Ok(n)
    }
}

/// Imports one CSV file of `kind` from `reader`, all or nothing. `file_name`
/// is used in messages, and its last part in the history's reason
/// ("imported from accounts.csv").
pub fn import_reader(
    store: &mut Store,
    kind: ImportKind,
    file_name: &str,
    reader: impl std::io::Read + Send,
    who: &str,
    clock: &Clock,
) -> Result<ImportReport, ImportError> {
    import_reader_with(store, kind, file_name, reader, who, clock, ImportOptions::default())
}

/// [`import_reader`] with options: a profile to read the file as (see
/// [`profile`]; one made for another kind is refused), a dry run that runs
/// the same import and rolls it back, so its counts and errors are the real
/// ones, and progress as the file is read.
pub fn import_reader_with(
    store: &mut Store,
    kind: ImportKind,
    file_name: &str,
    reader: impl std::io::Read + Send,
    who: &str,
    clock: &Clock,
    options: ImportOptions,
) -> Result<ImportReport, ImportError> {
    options
        .profile
        .check_kind(kind.as_str())
        .map_err(|e| ImportError::Rejected(vec![RowError::file(file_name, e.to_string())]))?;
    let mut warnings = Vec::new();
    let origin = Origin { file: file_name, who, now: clock.now(), today: clock.today() };
    // Nothing is committed into a damaged book: the whole book is checked
    // on a second connection while the file is read and written, and the
    // check is waited for at the end.
    let sound = store.start_sound_check()?;
    let mut bulk = store.begin_import()?;
    let (counts, derived, problems) =
        load(&mut bulk, kind, reader, &options.profile, &origin, &mut warnings)?;
    if !problems.is_empty() {
        // Dropping the open import rolls every write of this file back.
        drop(bulk);
        return Err(ImportError::Rejected(problems.into_errors(file_name)));
    }
    sound.wait()?;
    if options.dry_run {
        drop(bulk);
    } else {
        bulk.commit()?;
    }
    Ok(ImportReport { file: file_name.to_string(), kind, counts, warnings, derived })
}

/// Reads one file of `kind` into an open import: its counts, what it
/// derived (subscriptions), and the problems found (none written when there
/// are any).
pub(crate) fn load(
    bulk: &mut crate::store::bulk::BulkImport<'_>,
    kind: ImportKind,
    reader: impl std::io::Read + Send,
    profile: &Profile,
    origin: &Origin<'_>,
    warnings: &mut Vec<String>,
) -> Result<(ImportCounts, Option<Derived>, Problems), ImportError> {
    let columns = records::columns(kind);
    let mut input = input::CsvInput::open_with(origin.file, reader, columns, profile, warnings)
        .map_err(ImportError::Rejected)?;
    let mut problems = Problems::default();
    let mut derived = None;
    let counts = match kind {
        ImportKind::Accounts => kinds::accounts(bulk, &mut input, origin, &mut problems)?,
        ImportKind::Snapshots => kinds::snapshots(bulk, &mut input, &mut problems)?,
        ImportKind::Contracts => kinds::contracts(bulk, &mut input, &mut problems)?,
        ImportKind::Notes => kinds::notes(bulk, &mut input, &mut problems)?,
        ImportKind::Subscriptions => {
            let (counts, made) = subscriptions::import(bulk, &mut input, origin, &mut problems)?;
            derived = Some(made);
            counts
        }
        ImportKind::Usage => usage::usage(bulk, &mut input, &mut problems)?,
        ImportKind::Tickets => signals::tickets(bulk, &mut input, &mut problems)?,
        ImportKind::Surveys => signals::surveys(bulk, &mut input, &mut problems)?,
        ImportKind::Contacts => contacts::import(bulk, &mut input, origin, &mut problems)?,
    };
    Ok((counts, derived, problems))
}

/// Imports the file at `path`, or standard input when `path` is `-`.
pub fn import_path(
    store: &mut Store,
    kind: ImportKind,
    path: &Path,
    who: &str,
    clock: &Clock,
) -> Result<ImportReport, ImportError> {
    import_path_with(store, kind, path, who, clock, ImportOptions::default())
}

/// [`import_path`] with options (a profile, a dry run, progress as the file
/// is read).
pub fn import_path_with(
    store: &mut Store,
    kind: ImportKind,
    path: &Path,
    who: &str,
    clock: &Clock,
    options: ImportOptions,
) -> Result<ImportReport, ImportError> {
    if path.as_os_str() == "-" {
        let stdin = Counted::new(std::io::stdin(), 0, options.progress.clone());
        return import_reader_with(store, kind, "-", stdin, who, clock, options);
    }
    let name = path.display().to_string();
    let file = std::fs::File::open(path)
        .map_err(|source| ImportError::Io { file: name.clone(), source })?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(ImportError::Rejected(vec![RowError::file(
            &name,
            "is a folder, not a CSV file".to_string(),
        )]));
    }
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let file = Counted::new(file, size, options.progress.clone());
    import_reader_with(store, kind, &name, file, who, clock, options)
}
