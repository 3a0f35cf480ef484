//! CSV import: accounts, snapshots, contracts and notes from CRM and billing
//! exports. A file is imported whole or not at all (one transaction); every
//! bad row is reported as `FILE:LINE:COLUMN: column: what is wrong`.
//!
//! `input` reads bytes into checked cells (`watch` spots what the CSV parser
//! would change silently), `cells` checks one row's cells into typed values
//! (amounts within `Money`'s bound, dates within the book's years), `kinds`
//! hands typed rows to the store's bulk writer. No SQL here: writes go
//! through `store::bulk`.

mod cells;
mod fast;
mod fresh;
mod input;
mod kinds;
mod records;
mod signals;
mod watch;

pub use input::{MAX_CELL_BYTES, needs_text_prefix, strip_text_prefix};

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
    Usage,
    Tickets,
    Surveys,
}

impl ImportKind {
    pub const ALL: [ImportKind; 7] = [
        ImportKind::Accounts,
        ImportKind::Snapshots,
        ImportKind::Contracts,
        ImportKind::Notes,
        ImportKind::Usage,
        ImportKind::Tickets,
        ImportKind::Surveys,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Accounts => "accounts",
            ImportKind::Snapshots => "snapshots",
            ImportKind::Contracts => "contracts",
            ImportKind::Notes => "notes",
            ImportKind::Usage => "usage",
            ImportKind::Tickets => "tickets",
            ImportKind::Surveys => "surveys",
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
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} {}: {} inserted, {} updated, {} unchanged",
            self.file,
            self.counts.inserted + self.counts.updated + self.counts.unchanged,
            self.kind,
            self.counts.inserted,
            self.counts.updated,
            self.counts.unchanged
        )
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

    fn into_errors(mut self, file: &str) -> Vec<RowError> {
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
    let mut warnings = Vec::new();
    let columns = records::columns(kind);
    let mut input = input::CsvInput::open(file_name, reader, columns, &mut warnings)
        .map_err(ImportError::Rejected)?;
    let origin = Origin { file: file_name, who, now: clock.now(), today: clock.today() };
    // Nothing is committed into a damaged book; the check reads the book
    // while this file is read and written, and is waited for at the end.
    let sound = store.start_sound_check()?;
    let mut bulk = store.begin_import()?;
    let mut problems = Problems::default();
    let counts = match kind {
        ImportKind::Accounts => kinds::accounts(&mut bulk, &mut input, &origin, &mut problems)?,
        ImportKind::Snapshots => kinds::snapshots(&mut bulk, &mut input, &mut problems)?,
        ImportKind::Contracts => kinds::contracts(&mut bulk, &mut input, &mut problems)?,
        ImportKind::Notes => kinds::notes(&mut bulk, &mut input, &mut problems)?,
        ImportKind::Usage => signals::usage(&mut bulk, &mut input, &mut problems)?,
        ImportKind::Tickets => signals::tickets(&mut bulk, &mut input, &mut problems)?,
        ImportKind::Surveys => signals::surveys(&mut bulk, &mut input, &mut problems)?,
    };
    if input.rows_read() == 0 && problems.is_empty() {
        problems.push(RowError::file(
            file_name,
            "has a header row but no data rows; nothing was imported".to_string(),
        ));
    }
    if !problems.is_empty() {
        // Dropping the open import rolls every write of this file back.
        drop(bulk);
        return Err(ImportError::Rejected(problems.into_errors(file_name)));
    }
    sound.wait()?;
    bulk.commit()?;
    Ok(ImportReport { file: file_name.to_string(), kind, counts, warnings })
}

/// Imports the file at `path`, or standard input when `path` is `-`.
pub fn import_path(
    store: &mut Store,
    kind: ImportKind,
    path: &Path,
    who: &str,
    clock: &Clock,
) -> Result<ImportReport, ImportError> {
    if path.as_os_str() == "-" {
        return import_reader(store, kind, "-", std::io::stdin(), who, clock);
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
    import_reader(store, kind, &name, file, who, clock)
}
