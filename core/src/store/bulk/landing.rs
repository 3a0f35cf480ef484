//! What an accounts file of the team's book data read while it lands in a
//! member's book: its version, the accounts it gave and the columns it
//! carries. The import notes them here ([`BulkImport::landing`]); the
//! store's team side makes the file a version of those accounts' shared
//! columns once it is read (`store::team`).

use super::BulkImport;
use crate::store::records::ACCOUNT_COLUMNS;
use std::collections::{BTreeSet, HashMap};

/// The version of a file of the team's book data: its time on the server
/// in milliseconds (a clock like the members' events carry) and a stable id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileVersion {
    pub hlc: i64,
    pub id: String,
    /// The time its history rows carry, as stored.
    pub at: String,
    /// Who its history rows name.
    pub who: String,
}

impl FileVersion {
    /// The version of the team's import at place `seq` made at `at` by `who`.
    pub fn of(seq: i64, at: chrono::DateTime<chrono::Utc>, who: &str) -> FileVersion {
        FileVersion {
            hlc: at.timestamp_millis(),
            // Sorts with the events' hexadecimal ids only between equal clocks.
            id: format!("import-{seq:012}"),
            at: crate::store::bulk::rfc3339(at),
            who: who.to_string(),
        }
    }
}

/// What an accounts file read while it lands in a member's book.
#[derive(Debug)]
pub struct Landing {
    pub(crate) version: FileVersion,
    /// The accounts the file gives, in the order read.
    pub(crate) ids: Vec<String>,
    /// Of those, the ones the book held before: their stage and health are
    /// taken from the merged history again.
    pub(crate) held: Vec<String>,
    /// The columns it carries (`ACCOUNT_COLUMNS` positions).
    pub(crate) carried: BTreeSet<usize>,
    /// The stage and health the team's previous accounts files gave, by
    /// account (`team_file_states`).
    pub(crate) previous: HashMap<String, (Option<String>, Option<String>)>,
}

impl Landing {
    pub(crate) fn new(version: FileVersion) -> Landing {
        Landing {
            version,
            ids: Vec::new(),
            held: Vec::new(),
            carried: BTreeSet::new(),
            previous: HashMap::new(),
        }
    }

    /// Whether the file's `stage` and `health` for account `id` are news:
    /// other than what the team's previous file gave (the same answer on
    /// every member, whose books land the team's files in one order).
    pub fn news(&self, id: &str, stage: &str, health: Option<&str>) -> (bool, bool) {
        let (was_stage, was_health) = match self.previous.get(id) {
            Some((stage, health)) => (stage.as_deref(), health.as_deref()),
            None => (None, None),
        };
        (was_stage != Some(stage), health.is_some() && was_health != health)
    }

    /// Notes one account of the file (`held` when the book had it before);
    /// `carries(column)` says whether its row gives known column `column`
    /// (present in the file or a profile's constant).
    pub fn note(&mut self, id: &str, held: bool, carries: impl Fn(usize) -> bool) {
        self.ids.push(id.to_string());
        if held {
            self.held.push(id.to_string());
        }
        for column in 0..ACCOUNT_COLUMNS.len() {
            if carries(column) {
                self.carried.insert(column);
            }
        }
    }
}

impl BulkImport<'_> {
    /// The landing under way, for the accounts import to note what it reads
    /// (`None` outside a team's landing).
    pub fn landing(&mut self) -> Option<&mut Landing> {
        self.landing.as_mut()
    }
}
