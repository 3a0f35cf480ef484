//! Turning bytes into checked CSV cells: encoding (UTF-8 with or without a
//! BOM; binary and UTF-16 files refused), the header row (required, order
//! free, duplicates refused, extra columns warned about), rows with the wrong
//! number of cells, quoted cells never closed, cells too large to be real,
//! what the parser would change silently (spotted by `watch`, reported here
//! on its row), and the spreadsheet-safety prefix that export adds. Knows
//! nothing about what the columns mean; `cells` does.
//!
//! A [`Profile`] applies here: its renamed and ignored columns at the
//! header, its value maps and constants when a cell is read, its delimiter
//! in the parser. Errors name the user's column as the file writes it.

use super::RowError;
use super::profile::Profile;
use super::watch::{QuoteWatch, Shared};
use std::io::{self, BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// A cell larger than this is refused: no CRM field is a megabyte long, and a
/// runaway quote or a pasted file is better reported than stored.
pub const MAX_CELL_BYTES: usize = 1 << 20;

/// How far into a file we look for signs that it is not text at all.
const SNIFF_BYTES: usize = 8 * 1024;

/// The columns one kind of file knows: the first `required` are required.
pub struct Columns {
    pub names: &'static [&'static str],
    pub required: usize,
}

/// An open CSV file whose header matched its kind.
pub struct CsvInput<R: Read> {
    reader: csv::Reader<QuoteWatch<R>>,
    /// Shared with the watch below the parser: what it spotted.
    watch: Arc<Shared>,
    file: String,
    /// For each known column, its 0-based index in the file, if present.
    positions: Vec<Option<usize>>,
    width: usize,
    record: csv::ByteRecord,
    last_line: u64,
    mapping: Mapping,
}

/// What a profile changes about reading cells, per known column; empty
/// without a profile.
#[derive(Default)]
pub struct Mapping {
    /// What errors call each known column (the user's name for it).
    labels: Vec<String>,
    /// Per known column, the profile's value map: (user's value in lower
    /// case, cockpit value).
    values: Vec<Option<Vec<(String, String)>>>,
    /// Per known column, the constant filling it.
    constants: Vec<Option<String>>,
    profile: Profile,
}

/// One data row, with the means to read its cells by known column.
pub struct Row<'a> {
    record: &'a csv::ByteRecord,
    positions: &'a [Option<usize>],
    names: &'static [&'static str],
    file: &'a str,
    mapping: &'a Mapping,
    pub line: u64,
}

/// The spreadsheet-safety prefix: export writes `'` before a cell starting
/// with one of these (or with `'` followed by one of these), and import
/// removes exactly that one `'`.
pub fn needs_text_prefix(cell: &str) -> bool {
    let mut chars = cell.chars();
    match chars.next() {
        Some('=' | '+' | '-' | '@') => true,
        Some('\'') => matches!(chars.next(), Some('=' | '+' | '-' | '@' | '\'')),
        _ => false,
    }
}

/// Removes the `'` that [`needs_text_prefix`] made export add.
pub fn strip_text_prefix(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_text_prefix(rest) => rest,
        _ => cell,
    }
}

/// The bytes behind an open file: what was sniffed, then the rest.
pub type Source<I> = io::Chain<io::Cursor<Vec<u8>>, BufReader<I>>;

impl<I: Read> CsvInput<Source<I>> {
    /// Reads the header and checks it against `columns`. Warnings (ignored
    /// columns) are pushed to `warnings`; a file that cannot be read as this
    /// kind of CSV is refused with every reason found.
    #[cfg(test)]
    pub fn open(
        file: &str,
        input: I,
        columns: &Columns,
        warnings: &mut Vec<String>,
    ) -> Result<CsvInput<Source<I>>, Vec<RowError>> {
        CsvInput::open_with(file, input, columns, &Profile::none(), warnings)
    }

    /// [`CsvInput::open`], reading the file as `profile` says.
    pub fn open_with(
        file: &str,
        input: I,
        columns: &Columns,
        profile: &Profile,
        warnings: &mut Vec<String>,
    ) -> Result<CsvInput<Source<I>>, Vec<RowError>> {
        let file_error = |message: String| vec![RowError::file(file, message)];
        let mut buffered = BufReader::with_capacity(256 * 1024, input);
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        (&mut buffered)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(|e| file_error(format!("cannot be read: {e}")))?;
        if head.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(file_error(format!(
                "the file is empty; expected a header row such as `{}`",
                columns.names[..columns.required].join(",")
            )));
        }
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return Err(file_error(
                "is UTF-16 text; save it as \"CSV UTF-8\" and import again".to_string(),
            ));
        }
        if let Some(at) = head.iter().position(|&b| b == 0) {
            return Err(vec![zero_byte_at(file, &head, at, profile.delimiter())]);
        }
        let bom = if head.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
        let mut rest = io::Cursor::new(head).chain(buffered);
        if bom > 0 {
            let mut skipped = [0u8; 3];
            rest.read_exact(&mut skipped)
                .map_err(|e| file_error(format!("cannot be read: {e}")))?;
        }
        let shared = Shared::new();
        let watch = QuoteWatch::with_delimiter(rest, shared.clone(), profile.delimiter());
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(profile.delimiter())
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(256 * 1024)
            .from_reader(watch);
        let mut header = csv::ByteRecord::new();
        let found = reader
            .read_byte_record(&mut header)
            .map_err(|e| file_error(format!("cannot be read: {e}")))?;
        if !found {
            return Err(file_error("the file is empty; expected a header row".to_string()));
        }
        if let Some(spotted) = shared.take_before(reader.position().byte()) {
            return Err(vec![RowError {
                file: file.to_string(),
                line: 1,
                column: Some(spotted.field + 1),
                column_name: None,
                message: spotted.oddity.message().to_string(),
            }]);
        }
        let (positions, mapping) = match_header(file, &header, columns, profile, warnings)?;
        Ok(CsvInput {
            reader,
            watch: shared,
            file: file.to_string(),
            positions,
            width: header.len(),
            record: csv::ByteRecord::new(),
            last_line: 1,
            mapping,
        })
    }
}

impl<R: Read> CsvInput<R> {
    /// The next data row, `Ok(None)` at the end. A row with the wrong number
    /// of cells is an error for that row; reading can go on after it.
    /// The next row that could be read, each unreadable one on the way
    /// reported to `problems`; `None` at the end of the file.
    pub(super) fn next_readable(
        &mut self,
        names: &'static [&'static str],
        problems: &mut super::Problems,
    ) -> Option<Row<'_>> {
        loop {
            match self.next_row(names) {
                Ok(Some(_)) => break,
                Ok(None) => return None,
                Err(error) => problems.push(error),
            }
        }
        Some(self.current_row(names))
    }

    pub fn next_row(
        &mut self,
        names: &'static [&'static str],
    ) -> Result<Option<Row<'_>>, RowError> {
        let found = match self.reader.read_byte_record(&mut self.record) {
            Ok(found) => found,
            Err(error) => {
                let line = error.position().map(|p| p.line()).unwrap_or(self.last_line);
                return Err(RowError::at(&self.file, line, format!("cannot be read: {error}")));
            }
        };
        if !found {
            if self.watch.open.load(Ordering::Relaxed) {
                let line = self.last_line;
                // Make sure the next call reports the end rather than this again.
                self.watch.open.store(false, Ordering::Relaxed);
                return Err(RowError::at(
                    &self.file,
                    line,
                    "a quoted cell opened on this row is never closed (a stray `\"`?)".to_string(),
                ));
            }
            return Ok(None);
        }
        let line = self.record.position().map(|p| p.line()).unwrap_or(self.last_line);
        self.last_line = line;
        if let Some(spotted) = self.watch.take_before(self.reader.position().byte()) {
            let name = self.positions.iter().position(|p| *p == Some(spotted.field));
            return Err(RowError {
                file: self.file.clone(),
                line,
                column: Some(spotted.field + 1),
                column_name: name.map(|known| label(&self.mapping, names, known)),
                message: spotted.oddity.message().to_string(),
            });
        }
        if self.record.len() != self.width {
            let hint = if self.record.iter().any(|cell| cell.contains(&b'\n')) {
                " (a stray `\"` may have joined rows)"
            } else {
                " (a missing or extra comma, a stray `\"`, or a row cut short?)"
            };
            return Err(RowError::at(
                &self.file,
                line,
                format!(
                    "the row has {} but the header has {}{hint}",
                    crate::domain::count::of(self.record.len(), "cell", "cells"),
                    self.width
                ),
            ));
        }
        Ok(Some(self.current_row(names)))
    }

    /// The row last read.
    fn current_row(&self, names: &'static [&'static str]) -> Row<'_> {
        Row {
            record: &self.record,
            positions: &self.positions,
            names,
            file: &self.file,
            mapping: &self.mapping,
            line: self.last_line,
        }
    }

    /// Makes errors about known column `column` of a row met earlier, given
    /// its line: the same as [`Row::error`] would have made.
    pub fn cell_error_maker(
        &self,
        names: &'static [&'static str],
        column: usize,
    ) -> impl Fn(u64, String) -> RowError + use<R> {
        let file = self.file.clone();
        let name = label(&self.mapping, names, column);
        let position = self.positions.get(column).copied().flatten().map(|i| i + 1);
        move |line, message| RowError {
            file: file.clone(),
            line,
            column: position,
            column_name: Some(name.clone()),
            message,
        }
    }

    /// The file's name as messages give it.
    pub fn file_name(&self) -> &str {
        &self.file
    }

    /// Whether the header names known column `known`.
    pub fn has_column(&self, known: usize) -> bool {
        self.positions.get(known).is_some_and(Option::is_some)
    }

    /// Whether every row gives known column `known`: the header names it or
    /// the profile fills it with a constant.
    pub fn carries(&self, known: usize) -> bool {
        self.has_column(known) || self.mapping.constants.get(known).is_some_and(Option::is_some)
    }
}

impl<'a> Row<'a> {
    /// The cell of known column `column`, `None` when the file lacks the column.
    /// Invalid UTF-8 and oversized cells are errors.
    pub fn cell(&self, column: usize) -> Result<Option<&'a str>, RowError> {
        let mapping: &'a Mapping = self.mapping;
        let Some(index) = self.positions.get(column).copied().flatten() else {
            return Ok(mapping.constants.get(column).and_then(|c| c.as_deref()));
        };
        let bytes = self.record.get(index).unwrap_or_default();
        if bytes.len() > MAX_CELL_BYTES {
            return Err(self.error(
                column,
                format!(
                    "the cell is {} bytes long; the most a cell may hold is {MAX_CELL_BYTES} \
                     (a quote left open?)",
                    bytes.len()
                ),
            ));
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                let text = strip_text_prefix(text);
                match mapping.values.get(column) {
                    Some(Some(map)) => Ok(Some(mapped(map, text))),
                    _ => Ok(Some(text)),
                }
            }
            Err(e) => Err(self.error(
                column,
                format!(
                    "is not UTF-8 text (invalid byte at position {}); save the file as CSV UTF-8",
                    e.valid_up_to() + 1
                ),
            )),
        }
    }

    /// A required cell: present and not blank.
    pub fn required(&self, column: usize) -> Result<&'a str, RowError> {
        match self.cell(column)? {
            Some(text) if !super::fast::trim(text).is_empty() => Ok(text),
            _ => Err(self.error(column, "is empty; a value is required".to_string())),
        }
    }

    /// An optional cell: `None` when absent or blank.
    pub fn optional(&self, column: usize) -> Result<Option<&'a str>, RowError> {
        Ok(self.cell(column)?.filter(|text| !super::fast::trim(text).is_empty()))
    }

    /// An error about known column `column` on this row.
    pub fn error(&self, column: usize, message: String) -> RowError {
        let position = self.positions.get(column).copied().flatten().map(|i| i + 1);
        RowError {
            file: self.file.to_string(),
            line: self.line,
            column: position,
            column_name: Some(label(self.mapping, self.names, column)),
            message,
        }
    }

    /// The profile the file is read with ([`Profile::none`] without one):
    /// how its dates and numbers are written.
    pub fn profile(&self) -> &'a Profile {
        &self.mapping.profile
    }

    /// An error about the row as a whole.
    pub fn row_error(&self, message: String) -> RowError {
        RowError::at(self.file, self.line, message)
    }
}

/// What errors call known column `column`: the user's name for it when a
/// profile renamed or filled it, else the cockpit's.
fn label(mapping: &Mapping, names: &[&str], column: usize) -> String {
    match mapping.labels.get(column) {
        Some(label) if !label.is_empty() => label.clone(),
        _ => names.get(column).copied().unwrap_or("?").to_string(),
    }
}

/// The cockpit value a profile maps `text` to, or `text` as written.
fn mapped<'a>(map: &'a [(String, String)], text: &'a str) -> &'a str {
    let key = text.trim().to_lowercase();
    map.iter().find(|(from, _)| *from == key).map_or(text, |(_, to)| to.as_str())
}

fn match_header(
    file: &str,
    header: &csv::ByteRecord,
    columns: &Columns,
    profile: &Profile,
    warnings: &mut Vec<String>,
) -> Result<(Vec<Option<usize>>, Mapping), Vec<RowError>> {
    let mut errors = Vec::new();
    let mut positions: Vec<Option<usize>> = vec![None; columns.names.len()];
    let mut labels: Vec<String> = Vec::new();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (index, raw) in header.iter().enumerate() {
        let Ok(text) = std::str::from_utf8(raw) else {
            errors.push(RowError {
                file: file.to_string(),
                line: 1,
                column: Some(index + 1),
                column_name: None,
                message: "the header is not UTF-8 text; save the file as CSV UTF-8".to_string(),
            });
            continue;
        };
        if profile.ignores(text) {
            continue;
        }
        let renamed = profile.renamed(text);
        let name = renamed.map_or_else(|| text.trim().to_ascii_lowercase(), str::to_string);
        if let Some((_, first)) = seen.iter().find(|(seen_name, _)| *seen_name == name) {
            let message = match renamed {
                Some(_) => format!("is read as {name}, as is column {}", first + 1),
                None => {
                    format!("the column appears twice in the header (also column {})", first + 1)
                }
            };
            errors.push(RowError {
                file: file.to_string(),
                line: 1,
                column: Some(index + 1),
                column_name: Some(if renamed.is_some() {
                    text.trim().to_string()
                } else {
                    name.clone()
                }),
                message,
            });
            continue;
        }
        seen.push((name.clone(), index));
        match columns.names.iter().position(|known| *known == name) {
            Some(known) => {
                positions[known] = Some(index);
                if renamed.is_some() {
                    labels.resize(columns.names.len(), String::new());
                    labels[known] = format!("{} ({name})", text.trim());
                }
            }
            None => warnings.push(format!(
                "{file}:1:{}: column {:?} is not one this import reads; it was ignored",
                index + 1,
                text.trim()
            )),
        }
    }
    let mut constants: Vec<Option<String>> = Vec::new();
    for (known, name) in columns.names.iter().enumerate() {
        let Some(constant) = profile.constant(name) else { continue };
        if let Some(index) = positions[known] {
            errors.push(RowError {
                file: file.to_string(),
                line: 1,
                column: Some(index + 1),
                column_name: Some(label_of(&labels, name, known)),
                message: format!(
                    "the profile fills {name} with {constant:?}, but the file has the column too; \
                     remove one of them"
                ),
            });
            continue;
        }
        constants.resize(columns.names.len(), None);
        constants[known] = Some(constant.to_string());
        labels.resize(columns.names.len(), String::new());
        labels[known] = format!("{name} (the profile's constant)");
    }
    for (known, name) in columns.names.iter().enumerate().take(columns.required) {
        let filled = constants.get(known).is_some_and(Option::is_some);
        if positions[known].is_none()
            && !filled
            && !seen.iter().any(|(seen_name, _)| seen_name == name)
        {
            let expected = columns.names[..columns.required]
                .iter()
                .map(|name| match profile.user_column(name) {
                    Some(user) => format!("{user:?}"),
                    None => (*name).to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ");
            let what = match profile.user_column(name) {
                Some(user) => format!("missing required column {user:?} (read as {name})"),
                None => format!("missing required column {name}"),
            };
            errors.push(RowError::at(
                file,
                1,
                format!("{what} (the header must name: {expected})"),
            ));
        }
    }
    let values = columns
        .names
        .iter()
        .map(|name| profile.value_map(name).map(<[_]>::to_vec))
        .collect::<Vec<_>>();
    let values = if values.iter().all(Option::is_none) { Vec::new() } else { values };
    let mapping = Mapping { labels, values, constants, profile: profile.clone() };
    if errors.is_empty() { Ok((positions, mapping)) } else { Err(errors) }
}

fn label_of(labels: &[String], name: &str, known: usize) -> String {
    labels.get(known).filter(|l| !l.is_empty()).cloned().unwrap_or_else(|| name.to_string())
}

/// The refusal of a file with a zero byte at `at` of its first bytes
/// `head`, named by line and column as every other refusal (the column
/// counted by delimiters on that line, quotes aside; named from the header
/// when the byte is past it).
fn zero_byte_at(file: &str, head: &[u8], at: usize, delimiter: u8) -> RowError {
    let before = &head[..at];
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let column = before[line_start..].iter().filter(|&&b| b == delimiter).count() + 1;
    let column_name = (line > 1)
        .then(|| {
            let header = head.split(|&b| b == b'\n').next().unwrap_or_default();
            // Only a header of text names the column (a binary file has none).
            let name =
                std::str::from_utf8(header.split(|&b| b == delimiter).nth(column - 1)?).ok()?;
            let name = name.trim().trim_start_matches('\u{feff}').trim_matches('"').trim();
            (!name.is_empty() && !name.chars().any(char::is_control)).then(|| name.to_string())
        })
        .flatten();
    RowError {
        file: file.to_string(),
        line,
        column: Some(column),
        column_name,
        message: "looks like a binary file, not CSV text (a zero byte, NUL); export the sheet \
                  as CSV UTF-8"
            .to_string(),
    }
}

#[cfg(test)]
mod tests;
