//! Import profiles: how another tool's export maps onto one of the cockpit's
//! files without rewriting it. A profile renames the user's columns to the
//! cockpit's, maps values per column (a CRM's "At Risk" to `red`), says how
//! dates and numbers are written (`%m/%d/%Y`, `1.234,50`, `€`), fills a
//! column with a constant and ignores columns.
//!
//! A profile acts where cells are read (`input` and `cells`), so every kind
//! of file gets it: the rename and the ignoring at the header, the value
//! maps and constants in `Row::cell`, the formats where dates and amounts
//! are parsed. Errors still name the user's file, line, column and column
//! name. `file` reads a profile file; `builtin` holds the profiles that come
//! with the cockpit. No I/O besides reading the profile file, no SQL.

mod builtin;
mod file;
mod numbers;

pub use builtin::{BUILTIN, Builtin};
pub use numbers::NumberFormat;

use chrono::{NaiveDate, NaiveDateTime};
use std::path::Path;

/// A checked profile, ready to apply to files of its kind.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Profile {
    /// The profile's name (a built-in's, or the file's `name`, or the file's stem).
    pub name: String,
    /// The kind of file it reads (`accounts`, `notes`, …), as `ImportKind` spells it.
    pub kind: String,
    /// One line on what it is for.
    pub description: String,
    /// `(user's column, cockpit column)`, in the order written.
    pub(crate) columns: Vec<(String, String)>,
    /// `(cockpit column, [(user's value, cockpit value)])`; values compared
    /// trimmed and without regard to case.
    pub(crate) values: Vec<(String, Vec<(String, String)>)>,
    /// `(cockpit column, constant)`: fills a column the file does not have.
    pub(crate) constants: Vec<(String, String)>,
    /// The user's columns not read at all, without a warning.
    pub(crate) ignore: Vec<String>,
    /// How amounts and whole numbers are written.
    pub(crate) numbers: NumberFormat,
    /// How dates are written (chrono's `strftime` form), when not `YYYY-MM-DD`.
    pub(crate) date_format: Option<String>,
    /// How a note's time is written, when not RFC 3339; read as UTC.
    pub(crate) time_format: Option<String>,
    /// The byte between cells: `,` unless the profile says `;` or a tab.
    pub(crate) delimiter: u8,
}

/// Why a profile cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// Neither a built-in profile nor a file.
    #[error(
        "no built-in profile is called {name:?} (built-in: {known}); a profile file's name ends in .toml"
    )]
    Unknown { name: String, known: String },
    #[error("{file}: cannot be read: {source}")]
    Io { file: String, source: std::io::Error },
    /// The file is wrong; the message is `FILE:LINE:COLUMN: what`.
    #[error("{0}")]
    Invalid(String),
    /// The profile reads another kind of file.
    #[error("profile {name:?} reads {profile_kind} files, not {kind}")]
    WrongKind { name: String, profile_kind: String, kind: String },
}

impl Profile {
    /// No profile: the cockpit's own columns and formats.
    pub fn none() -> Profile {
        Profile { delimiter: b',', ..Profile::default() }
    }

    /// Whether this is [`Profile::none`] (nothing to map).
    pub fn is_none(&self) -> bool {
        self.kind.is_empty()
    }

    /// A built-in profile by name, or a profile file (a name ending in
    /// `.toml`, or any path that exists).
    pub fn find(name_or_path: &str) -> Result<Profile, ProfileError> {
        if let Some(builtin) = BUILTIN.iter().find(|b| b.name == name_or_path) {
            return builtin.profile();
        }
        let path = Path::new(name_or_path);
        if name_or_path.ends_with(".toml") || path.exists() {
            return Profile::read(path);
        }
        Err(ProfileError::Unknown {
            name: name_or_path.to_string(),
            known: BUILTIN.iter().map(|b| b.name).collect::<Vec<_>>().join(", "),
        })
    }

    /// Reads and checks a profile file.
    pub fn read(path: &Path) -> Result<Profile, ProfileError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|source| ProfileError::Io { file: file.clone(), source })?;
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("profile");
        Profile::parse(&text, &file, stem)
    }

    /// Checks a profile's text; errors name `file` with the line and column.
    /// `default_name` names a profile that does not name itself.
    pub fn parse(text: &str, file: &str, default_name: &str) -> Result<Profile, ProfileError> {
        file::parse(text, file, default_name).map_err(ProfileError::Invalid)
    }

    /// Refuses a profile made for another kind of file.
    pub fn check_kind(&self, kind: &str) -> Result<(), ProfileError> {
        if self.is_none() || self.kind == kind {
            return Ok(());
        }
        Err(ProfileError::WrongKind {
            name: self.name.clone(),
            profile_kind: self.kind.clone(),
            kind: kind.to_string(),
        })
    }

    /// The cockpit column a user's header cell names, when renamed.
    pub(crate) fn renamed(&self, header: &str) -> Option<&str> {
        let header = header.trim();
        self.columns
            .iter()
            .find(|(user, _)| user.trim().eq_ignore_ascii_case(header) || user.trim() == header)
            .map(|(_, cockpit)| cockpit.as_str())
    }

    /// The user's column a cockpit column is read from, when renamed.
    pub(crate) fn user_column(&self, cockpit: &str) -> Option<&str> {
        self.columns.iter().find(|(_, c)| c == cockpit).map(|(user, _)| user.as_str())
    }

    /// Whether the profile ignores a user's column.
    pub(crate) fn ignores(&self, header: &str) -> bool {
        let header = header.trim();
        self.ignore.iter().any(|name| name.trim().eq_ignore_ascii_case(header))
    }

    /// The value map of a cockpit column, if any.
    pub(crate) fn value_map(&self, column: &str) -> Option<&[(String, String)]> {
        self.values.iter().find(|(name, _)| name == column).map(|(_, map)| map.as_slice())
    }

    /// The constant a cockpit column is filled with, if any.
    pub(crate) fn constant(&self, column: &str) -> Option<&str> {
        self.constants.iter().find(|(name, _)| name == column).map(|(_, value)| value.as_str())
    }

    pub(crate) fn numbers(&self) -> &NumberFormat {
        &self.numbers
    }

    pub(crate) fn delimiter(&self) -> u8 {
        if self.delimiter == 0 { b',' } else { self.delimiter }
    }

    /// A date as the profile writes it: `Ok(None)` when the profile has no
    /// date format (the cockpit's own `YYYY-MM-DD` applies), `Err` with the
    /// format when the text is not a date in it. A `YYYY-MM-DD` date is read
    /// too: it cannot be mistaken for another order.
    pub(crate) fn date(&self, text: &str) -> Result<Option<NaiveDate>, String> {
        let Some(format) = &self.date_format else { return Ok(None) };
        let text = text.trim();
        if let Ok(date) = NaiveDate::parse_from_str(text, format) {
            return Ok(Some(date));
        }
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(Some(date));
        }
        Err(format!(
            "{text:?} is not a date written as the profile says ({format}, e.g. {})",
            example_date(format)
        ))
    }

    /// A note's time as the profile writes it (read as UTC), `Ok(None)`
    /// when the profile has no time format or the text is not in it.
    pub(crate) fn time(&self, text: &str) -> Option<NaiveDateTime> {
        let format = self.time_format.as_ref()?;
        NaiveDateTime::parse_from_str(text.trim(), format).ok()
    }

    /// The profile's date format, for messages.
    pub(crate) fn date_format(&self) -> Option<&str> {
        self.date_format.as_deref()
    }

    pub(crate) fn time_format(&self) -> Option<&str> {
        self.time_format.as_deref()
    }
}

/// 14 March 2025 in `format`, for messages (the format was checked when
/// the profile was read, so writing it cannot fail; if it did, the format
/// itself is shown).
fn example_date(format: &str) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    match NaiveDate::from_ymd_opt(2025, 3, 14).and_then(|d| d.and_hms_opt(9, 30, 0)) {
        Some(time) if write!(text, "{}", time.format(format)).is_ok() => text,
        _ => format.to_string(),
    }
}

#[cfg(test)]
mod tests;
