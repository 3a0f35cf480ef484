//! `export all`: the book's four files and one file per authored table
//! (`store::authored`), in the same CSV or JSON forms as the single kinds,
//! named `<file>.csv` or `<file>.json`. What `import all` reads back.

use super::{Cell, ExportError, ExportFormat, Sink, export, export_imported};
use crate::import::ImportKind;
use crate::store::Store;
use crate::store::authored::{AUTHORED_TABLES, AuthoredTable, Field, Travel};
use std::io::Write;

/// One file of `export all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFile {
    /// One of the book's four files.
    Book(ImportKind),
    /// An authored table that travels in a file of its own.
    Authored(&'static AuthoredTable),
}

impl ExportFile {
    /// The file's name without extension.
    pub fn stem(&self) -> &'static str {
        match self {
            ExportFile::Book(kind) => kind.as_str(),
            ExportFile::Authored(table) => table.file,
        }
    }

    /// The file's name in `format`.
    pub fn file_name(&self, format: ExportFormat) -> String {
        format!("{}.{}", self.stem(), format.as_str())
    }
}

/// Every file `export all` writes, in the order `import all` reads them
/// (each after every file it refers to).
pub fn all_files() -> Vec<ExportFile> {
    let mut files: Vec<ExportFile> = ImportKind::book_files().map(ExportFile::Book).collect();
    files.extend(
        AUTHORED_TABLES
            .iter()
            .filter(|table| table.travel != Travel::BookFile)
            .map(ExportFile::Authored),
    );
    files
}

/// Writes one file as `cockpit export KIND` does: every row, the snapshots
/// and contracts derived from subscriptions included.
pub fn export_one(
    store: &Store,
    file: ExportFile,
    format: ExportFormat,
    out: impl Write,
) -> Result<u64, ExportError> {
    match file {
        ExportFile::Book(kind) => export(store, kind, format, out),
        ExportFile::Authored(table) => export_authored(store, table, format, out),
    }
}

/// Writes one file of `export all` to `out`; returns how many rows it holds.
/// The snapshots and contracts files leave out the rows derived from
/// subscriptions: the subscriptions file gives them back on import.
pub fn export_file(
    store: &Store,
    file: ExportFile,
    format: ExportFormat,
    out: impl Write,
) -> Result<u64, ExportError> {
    match file {
        ExportFile::Book(kind) => export_imported(store, kind, format, out),
        ExportFile::Authored(table) => export_authored(store, table, format, out),
    }
}

/// Writes every row of an authored table, in key order, with a header (CSV)
/// or as an array of objects (JSON, numbers as numbers, empty as null).
pub fn export_authored(
    store: &Store,
    table: &AuthoredTable,
    format: ExportFormat,
    out: impl Write,
) -> Result<u64, ExportError> {
    let names = table.column_names();
    let mut sink = Sink::new(format, out);
    sink.start(&names)?;
    let mut count = 0u64;
    let mut failure: Option<ExportError> = None;
    let read = store.each_authored_row(table, |fields| {
        count += 1;
        let cells = fields
            .into_iter()
            .map(|field| match field {
                Field::Null => Cell::Empty,
                Field::Integer(number) => Cell::Number(number),
                Field::Text(text) => Cell::Text(text),
            })
            .collect();
        sink.row(&names, cells).map_err(|error| {
            failure = Some(error);
            crate::store::StoreError::Invalid("the export stopped".to_string())
        })
    });
    if let Some(error) = failure {
        return Err(error);
    }
    read?;
    sink.finish()?;
    Ok(count)
}
