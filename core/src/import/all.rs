//! `import all DIR`: a folder written by `export all` back into an empty
//! book, in one transaction (all or nothing). The book's four files go
//! through the same checks as `import KIND`; each authored table's file
//! (`store::authored`) is checked cell by cell against its column's kind,
//! its rows must name rows that exist, and the table's own rules hold.
//! Each file may be CSV or JSON (by its extension); every error names the
//! file, line and column (for JSON, the line where the row's object starts).

use super::Profile;
use super::{
    ImportError, ImportKind, ImportOptions, Origin, Problems, RowError, load, strip_text_prefix,
};
use crate::clock::Clock;
use crate::store::Store;
use crate::store::authored::{AUTHORED_TABLES, AuthoredTable, ColumnKind, Field, Travel};
use crate::store::bulk::ImportCounts;
use serde_json::Value;
use std::path::{Path, PathBuf};

mod json;

#[cfg(test)]
use json::object_lines;
use json::{json_as_csv, json_lines, json_rows, relocate};

/// What one file of `import all` did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The kind (`accounts`, …) or the authored table's file name (`trials`, …).
    pub kind: &'static str,
    pub file: String,
    pub counts: ImportCounts,
    pub warnings: Vec<String>,
    /// How long reading and writing the file took (the commit at the end,
    /// with its index builds, is not in any file's time).
    pub took: std::time::Duration,
    /// For subscriptions: the snapshots and contracts derived from them.
    pub derived: Option<super::Derived>,
}

/// A file of the folder, and which form it is in.
struct Found {
    path: PathBuf,
    json: bool,
}

/// The file `stem` in `dir` as CSV or JSON, if there; both is an error.
fn find(dir: &Path, stem: &str) -> Result<Option<Found>, RowError> {
    let csv = dir.join(format!("{stem}.csv"));
    let json = dir.join(format!("{stem}.json"));
    match (csv.is_file(), json.is_file()) {
        (true, true) => Err(RowError::file(
            &dir.display().to_string(),
            format!("holds both {stem}.csv and {stem}.json; keep one"),
        )),
        (true, false) => Ok(Some(Found { path: csv, json: false })),
        (false, true) => Ok(Some(Found { path: json, json: true })),
        (false, false) => Ok(None),
    }
}

/// Imports the folder `dir` into an empty book, all or nothing.
pub fn import_all(
    store: &mut Store,
    dir: &Path,
    who: &str,
    clock: &Clock,
    options: ImportOptions,
) -> Result<Vec<FileReport>, ImportError> {
    let shown = dir.display().to_string();
    if !dir.is_dir() {
        return Err(ImportError::Rejected(vec![RowError::file(
            &shown,
            "is not a folder; give the folder `cockpit export all --out DIR` wrote".to_string(),
        )]));
    }
    let stems: Vec<&'static str> = ImportKind::book_files()
        .map(|kind| kind.as_str())
        .chain(AUTHORED_TABLES.iter().filter(|t| t.travel != Travel::BookFile).map(|t| t.file))
        .collect();
    let mut found = Vec::new();
    for stem in &stems {
        let file = find(dir, stem).map_err(|error| ImportError::Rejected(vec![error]))?;
        found.push(file);
    }
    if found.iter().all(Option::is_none) {
        return Err(ImportError::Rejected(vec![RowError::file(
            &shown,
            format!(
                "holds none of the files `export all` writes ({}.csv or .json, …); nothing was imported",
                stems[..4].join(".csv, ")
            ),
        )]));
    }
    if !store.is_empty_book()? {
        return Err(ImportError::Rejected(vec![RowError::file(
            &shown,
            "the book is not empty; `import all` fills a new book only (use --db with a new file, \
             or import single files with `cockpit import KIND FILE`)"
                .to_string(),
        )]));
    }
    let total: u64 = found
        .iter()
        .flatten()
        .filter_map(|file| std::fs::metadata(&file.path).ok())
        .map(|meta| meta.len())
        .sum();
    let mut done = 0u64;
    let tell = |done: u64| {
        if let Some(progress) = &options.progress {
            progress(done, total);
        }
    };
    let mut bulk = store.begin_import()?;
    // The accounts' history comes from its own files, ids and all; the
    // import's "imported from" entries would be extra rows.
    bulk.without_history();
    let mut reports = Vec::new();
    let mut found = found.into_iter();
    for kind in ImportKind::book_files() {
        let Some(file) = found.next().flatten() else { continue };
        let started = std::time::Instant::now();
        let name = file.path.display().to_string();
        let origin = Origin { file: &name, who, now: clock.now(), today: clock.today() };
        let mut warnings = Vec::new();
        let (counts, derived, problems) = if file.json {
            let (csv, lines) = json_as_csv(&file.path, kind.column_names(), &mut warnings)?;
            let (counts, derived, problems) =
                load(&mut bulk, kind, csv.as_slice(), &Profile::none(), &origin, &mut warnings)
                    .map_err(|error| json_lines(error, &lines))?;
            let mut problems = problems;
            problems.errors.iter_mut().for_each(|error| relocate(error, &lines));
            (counts, derived, problems)
        } else {
            let reader = open(&file.path)?;
            let reader = super::Counted::after(done, reader, total, options.progress.clone());
            let (counts, derived, problems) =
                load(&mut bulk, kind, reader, &Profile::none(), &origin, &mut warnings)?;
            (counts, derived, problems)
        };
        if !problems.is_empty() {
            return Err(ImportError::Rejected(problems.into_errors(&name)));
        }
        let took = started.elapsed();
        reports.push(FileReport {
            kind: kind.as_str(),
            file: name,
            counts,
            warnings,
            took,
            derived,
        });
        done += std::fs::metadata(&file.path).map(|meta| meta.len()).unwrap_or(0);
        tell(done);
    }
    for table in AUTHORED_TABLES.iter().filter(|t| t.travel != Travel::BookFile) {
        let Some(file) = found.next().flatten() else { continue };
        let started = std::time::Instant::now();
        let name = file.path.display().to_string();
        let mut warnings = Vec::new();
        let rows = if file.json {
            json_rows(&file.path, &table.column_names(), &mut warnings)?
        } else {
            csv_rows(&file.path, &table.column_names(), &mut warnings)?
        };
        let mut problems = Problems::default();
        let mut counts = ImportCounts::default();
        for row in rows {
            let Some(fields) = check_row(table, &name, &row, &mut problems) else { continue };
            if !problems.is_empty() {
                continue;
            }
            match bulk.insert_authored(table, &fields)? {
                Ok(()) => match table.travel {
                    Travel::Update => counts.updated += 1,
                    _ => counts.inserted += 1,
                },
                Err(refused) => {
                    let at = refused.column.and_then(|c| row.column_of(c));
                    problems.push(RowError {
                        file: name.clone(),
                        line: row.line,
                        column: at.map(|at| at + 1),
                        column_name: refused.column.map(str::to_string),
                        message: refused.message,
                    });
                }
            }
        }
        if !problems.is_empty() {
            return Err(ImportError::Rejected(problems.into_errors(&name)));
        }
        let took = started.elapsed();
        reports.push(FileReport {
            kind: table.file,
            file: name,
            counts,
            warnings,
            took,
            derived: None,
        });
        done += std::fs::metadata(&file.path).map(|meta| meta.len()).unwrap_or(0);
        tell(done);
    }
    if options.dry_run {
        drop(bulk);
    } else {
        bulk.commit()?;
    }
    Ok(reports)
}

fn open(path: &Path) -> Result<std::fs::File, ImportError> {
    std::fs::File::open(path)
        .map_err(|source| ImportError::Io { file: path.display().to_string(), source })
}

/// One row of an authored table's file: where it starts, each column's
/// cell (`None` when empty or null), and where each column sits in the file.
struct RawRow {
    line: u64,
    cells: Vec<Option<String>>,
    /// For each of the table's columns, its 0-based position in the file.
    positions: std::rc::Rc<Vec<Option<usize>>>,
    names: Vec<&'static str>,
}

impl RawRow {
    fn column_of(&self, name: &str) -> Option<usize> {
        let at = self.names.iter().position(|n| *n == name)?;
        self.positions.get(at).copied().flatten()
    }
}

/// The rows of a CSV file of `names`, the header checked: every column
/// required, others warned about and ignored.
fn csv_rows(
    path: &Path,
    names: &[&'static str],
    warnings: &mut Vec<String>,
) -> Result<Vec<RawRow>, ImportError> {
    let file = path.display().to_string();
    let rejected = |line: u64, message: String| {
        ImportError::Rejected(vec![RowError::at(&file, line, message)])
    };
    let text =
        std::fs::read(path).map_err(|source| ImportError::Io { file: file.clone(), source })?;
    let text = text.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text);
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(error)) => return Err(rejected(1, format!("cannot be read: {error}"))),
        None => {
            return Err(ImportError::Rejected(vec![RowError::file(
                &file,
                format!("the file is empty; expected a header row `{}`", names.join(",")),
            )]));
        }
    };
    let header: Vec<String> = header.iter().map(|cell| cell.trim().to_string()).collect();
    let positions = positions(&file, &header, names, warnings)?;
    let mut rows = Vec::new();
    let mut problems = Problems::default();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map(|p| p.line()).unwrap_or(0);
                problems.push(RowError::at(&file, line, format!("cannot be read: {error}")));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.len() != header.len() {
            problems.push(RowError::at(
                &file,
                line,
                format!("the row has {} cells but the header has {}", record.len(), header.len()),
            ));
            continue;
        }
        let cells = positions
            .iter()
            .map(|at| {
                at.and_then(|at| record.get(at))
                    .filter(|cell| !cell.is_empty())
                    .map(|cell| strip_text_prefix(cell).to_string())
            })
            .collect();
        rows.push(RawRow { line, cells, positions: positions.clone(), names: names.to_vec() });
    }
    if !problems.is_empty() {
        return Err(ImportError::Rejected(problems.into_errors(&file)));
    }
    Ok(rows)
}

/// Where each of `names` sits in `header`; a missing column is refused,
/// a repeated one too, an unknown one warned about.
fn positions(
    file: &str,
    header: &[String],
    names: &[&'static str],
    warnings: &mut Vec<String>,
) -> Result<std::rc::Rc<Vec<Option<usize>>>, ImportError> {
    let mut errors = Vec::new();
    for (at, name) in header.iter().enumerate() {
        if let Some(first) = header[..at].iter().position(|n| n == name) {
            errors.push(RowError {
                file: file.to_string(),
                line: 1,
                column: Some(at + 1),
                column_name: Some(name.clone()),
                message: format!(
                    "the column appears twice in the header (also column {})",
                    first + 1
                ),
            });
        } else if !names.contains(&name.as_str()) {
            warnings.push(format!(
                "{file}: column {name:?} is not one of {}; ignored",
                names.join(", ")
            ));
        }
    }
    let missing: Vec<&str> =
        names.iter().filter(|n| !header.iter().any(|h| h == *n)).copied().collect();
    if !missing.is_empty() {
        errors.push(RowError::at(file, 1, format!("the header lacks {}", missing.join(", "))));
    }
    if !errors.is_empty() {
        return Err(ImportError::Rejected(errors));
    }
    Ok(std::rc::Rc::new(names.iter().map(|n| header.iter().position(|h| h == n)).collect()))
}

/// One row's cells checked against the table's columns.
fn check_row(
    table: &AuthoredTable,
    file: &str,
    row: &RawRow,
    problems: &mut Problems,
) -> Option<Vec<Field>> {
    let mut fields = Vec::with_capacity(table.columns.len());
    let mut good = true;
    for (at, (column, cell)) in table.columns.iter().zip(&row.cells).enumerate() {
        let error = |message: String| RowError {
            file: file.to_string(),
            line: row.line,
            column: row.positions.get(at).copied().flatten().map(|p| p + 1),
            column_name: Some(column.name.to_string()),
            message,
        };
        match check_cell(column.kind, column.optional, cell.as_deref()) {
            Ok(field) => fields.push(field),
            Err(message) => {
                problems.push(error(message));
                good = false;
            }
        }
    }
    good.then_some(fields)
}

/// One cell checked against its column's kind.
fn check_cell(kind: ColumnKind, optional: bool, cell: Option<&str>) -> Result<Field, String> {
    let Some(cell) = cell else {
        return match (optional, kind) {
            (true, _) => Ok(Field::Null),
            (false, ColumnKind::Text) => Ok(Field::Text(String::new())),
            (false, _) => Err("is empty; a value is required".to_string()),
        };
    };
    let whole = |text: &str| {
        text.trim().parse::<i64>().map_err(|_| format!("{text:?} is not a whole number"))
    };
    match kind {
        ColumnKind::Text => Ok(Field::Text(cell.to_string())),
        ColumnKind::Integer => whole(cell).map(Field::Integer),
        ColumnKind::Refers("accounts") => Ok(Field::Text(cell.trim().to_string())),
        ColumnKind::Refers(_) => whole(cell).map(Field::Integer),
        ColumnKind::Date => chrono::NaiveDate::parse_from_str(cell.trim(), "%Y-%m-%d")
            .map(|_| Field::Text(cell.trim().to_string()))
            .map_err(|_| format!("{cell:?} is not a date (YYYY-MM-DD)")),
        ColumnKind::Time => chrono::DateTime::parse_from_rfc3339(cell.trim())
            .map(|_| Field::Text(cell.trim().to_string()))
            .map_err(|_| format!("{cell:?} is not a time (RFC 3339, e.g. 2025-03-09T09:30:00Z)")),
        ColumnKind::DayOrTime => check_cell(ColumnKind::Date, optional, Some(cell))
            .or_else(|_| check_cell(ColumnKind::Time, optional, Some(cell)))
            .map_err(|_| format!("{cell:?} is not a date (YYYY-MM-DD) or a time (RFC 3339)")),
        ColumnKind::Choice(words) => {
            let word = cell.trim();
            if words.contains(&word) {
                Ok(Field::Text(word.to_string()))
            } else {
                Err(format!("{cell:?} is not one of {}", words.join(", ")))
            }
        }
    }
}

#[cfg(test)]
mod tests;
