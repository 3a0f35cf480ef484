//! The team's book data: files CS operations imported into the team
//! (accounts, snapshots, contracts, subscriptions, signals, contacts), as
//! they travel, and their landing in a member's book. A team file is the
//! user's own bytes with the profile's text that reads them, who imported it
//! and when; every member reads it with the same import code, the same
//! profile and the same day, so every book gets the same rows. Several files
//! land in one transaction with the book's place in the team's imports, and
//! with capture off (the rows are the team's already, not this member's
//! authoring): cut short, nothing of them is in the book and they come again.
//! A file's bytes are never held whole: each is read as a stream from where
//! it lies ([`Bodies`]: a file on disk, or the team's database piece by
//! piece) straight into the import's streaming reader.
//! No SQL and no network here.

use crate::clock::Clock;
use crate::import::{
    ImportError, ImportKind, ImportReport, Origin, Problems, Profile, RowError, load,
};
use crate::store::Store;
use crate::store::team::FileVersion;
use chrono::{DateTime, Utc};
use std::io::Read;
use std::path::PathBuf;

/// Where a team file's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Held here (standard input, tests).
    Bytes(Vec<u8>),
    /// A file on this machine, read when the file is.
    Path(PathBuf),
    /// On the team's database, read piece by piece as the file is.
    Team,
}

/// Opens team files' bytes as streams, one file at a time.
pub trait Bodies {
    /// A reader of `file`'s bytes, from the first.
    fn open<'a>(&'a mut self, file: &'a TeamFile) -> std::io::Result<Box<dyn Read + Send + 'a>>;
}

/// The bodies this machine holds: bytes and files on disk.
#[derive(Debug, Clone, Copy, Default)]
pub struct Local;

impl Bodies for Local {
    fn open<'a>(&'a mut self, file: &'a TeamFile) -> std::io::Result<Box<dyn Read + Send + 'a>> {
        open_local(file)
    }
}

/// A reader of a file's bytes held here or on disk (a team's file is not).
pub fn open_local(file: &TeamFile) -> std::io::Result<Box<dyn Read + Send + '_>> {
    match &file.body {
        Body::Bytes(bytes) => Ok(Box::new(bytes.as_slice())),
        Body::Path(path) => Ok(Box::new(std::fs::File::open(path)?)),
        Body::Team => {
            Err(std::io::Error::other("is on the team's database; it is read from there on sync"))
        }
    }
}

/// One file of the team's book data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamFile {
    /// Its place in the team's imports (0 before it is uploaded).
    pub seq: i64,
    pub kind: ImportKind,
    /// The file's name as imported, for messages and the history's reason.
    pub file: String,
    /// The text of the profile that reads it, when one was used.
    pub profile: Option<String>,
    /// The profile's name (a built-in's, or the profile file's).
    pub profile_name: Option<String>,
    /// Where the file's bytes are.
    pub body: Body,
    /// The member who imported it.
    pub who: String,
    /// When it was imported: the time on the history it writes, and the day
    /// that counts as today while it is read (subscriptions' months).
    pub at: DateTime<Utc>,
}

impl TeamFile {
    /// The profile that reads this file (none when it was imported without one).
    pub fn read_profile(&self) -> Result<Profile, ImportError> {
        let Some(text) = &self.profile else { return Ok(Profile::none()) };
        let name = self.profile_name.as_deref().unwrap_or("profile");
        Profile::parse(text, name, name).map_err(|error| {
            ImportError::Rejected(vec![RowError::file(&self.file, error.to_string())])
        })
    }
}

/// The kind a team file names, as `ImportKind::as_str` spells it.
pub fn kind_named(name: &str) -> Option<ImportKind> {
    ImportKind::EVERY.into_iter().find(|kind| kind.as_str() == name)
}

/// Reads `files` in order into the book in one transaction, each streamed
/// from `bodies`. With `land` the transaction commits with the book's place
/// in the team's imports set to it and nothing captured for the outbox;
/// without, it is a check (the same import, rolled back): its counts and
/// errors are the real ones.
pub fn load_team_files(
    store: &mut Store,
    files: &[TeamFile],
    land: Option<i64>,
    bodies: &mut dyn Bodies,
) -> Result<Vec<ImportReport>, ImportError> {
    let profiles = files.iter().map(TeamFile::read_profile).collect::<Result<Vec<_>, _>>()?;
    for (file, profile) in files.iter().zip(&profiles) {
        profile
            .check_kind(file.kind.as_str())
            .map_err(|e| ImportError::Rejected(vec![RowError::file(&file.file, e.to_string())]))?;
    }
    let sound = store.start_sound_check()?;
    let mut bulk = store.begin_import()?;
    if land.is_some() {
        bulk.set_team_capture(false)?;
    }
    let mut reports = Vec::with_capacity(files.len());
    for (file, profile) in files.iter().zip(&profiles) {
        let clock = Clock::fixed(file.at.date_naive());
        let origin =
            Origin { file: &file.file, who: &file.who, now: file.at, today: clock.today() };
        let mut warnings = Vec::new();
        let landing = land.is_some() && file.kind == ImportKind::Accounts;
        if landing {
            bulk.begin_team_file(FileVersion::of(file.seq, file.at, &file.who))?;
        }
        let reader = bodies
            .open(file)
            .map_err(|source| ImportError::Io { file: file.file.clone(), source })?;
        let (counts, derived, problems): (_, _, Problems) =
            load(&mut bulk, file.kind, reader, profile, &origin, &mut warnings)?;
        if landing && problems.is_empty() {
            bulk.settle_team_file()?;
        }
        if !problems.is_empty() {
            drop(bulk);
            return Err(ImportError::Rejected(problems.into_errors(&file.file)));
        }
        reports.push(ImportReport {
            file: file.file.clone(),
            kind: file.kind,
            counts,
            warnings,
            derived,
        });
    }
    sound.wait()?;
    match land {
        Some(seq) => {
            bulk.set_team_imports_cursor(seq)?;
            bulk.set_team_capture(true)?;
            bulk.commit()?;
        }
        None => drop(bulk),
    }
    Ok(reports)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn file(seq: i64, kind: ImportKind, text: &str) -> TeamFile {
        TeamFile {
            seq,
            kind,
            file: format!("{kind}.csv"),
            profile: None,
            profile_name: None,
            body: Body::Bytes(text.as_bytes().to_vec()),
            who: "ops".to_string(),
            at: Utc.with_ymd_and_hms(2026, 4, 1, 9, 0, 0).single().expect("time"),
        }
    }

    fn member() -> Store {
        let store = crate::testkit::Book::new().open_in_memory();
        store.join_team("ann", "postgres://team.example/book").expect("join");
        store
    }

    fn absent(store: &Store, id: &str) -> bool {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 4, 15).expect("day");
        store.book_row(id, day).expect("read").is_none()
    }

    #[test]
    fn team_files_land_together_without_an_event_and_move_the_cursor() {
        let mut store = member();
        let files = [
            file(1, ImportKind::Accounts, "account_id,name,csm\nA1,Acme,ann\nB2,Globex,bob\n"),
            file(
                2,
                ImportKind::Snapshots,
                "account_id,month,product,arr\nA1,2026-03,Core,120000\nB2,2026-03,Core,5000.50\n",
            ),
        ];
        let reports = load_team_files(&mut store, &files, Some(2), &mut Local).expect("lands");
        assert_eq!(reports.len(), 2);
        assert_eq!(reports[1].counts.inserted, 2);
        assert_eq!(store.team_imports_cursor().expect("cursor"), 2);
        assert_eq!(store.outbox_len().expect("outbox"), 0, "the team's rows are not sent back");
        // Capture is on again for the member's own work.
        store
            .add_note(
                "A1",
                crate::domain::NoteKind::Call,
                "hello",
                "ann",
                Utc.with_ymd_and_hms(2026, 4, 2, 9, 0, 0).single().expect("time"),
            )
            .expect("note");
        assert_eq!(store.outbox_len().expect("outbox"), 1);
    }

    #[test]
    fn a_bad_file_among_team_files_lands_none_of_them() {
        let mut store = member();
        let files = [
            file(1, ImportKind::Accounts, "account_id,name,csm\nA1,Acme,ann\n"),
            file(2, ImportKind::Snapshots, "account_id,month,product,arr\nA1,2026-13,Core,1\n"),
        ];
        let Err(ImportError::Rejected(errors)) =
            load_team_files(&mut store, &files, Some(2), &mut Local)
        else {
            panic!("the bad month is refused");
        };
        assert!(errors[0].to_string().starts_with("snapshots.csv:2:"), "{}", errors[0]);
        assert_eq!(store.team_imports_cursor().expect("cursor"), 0);
        assert!(absent(&store, "A1"), "the accounts did not land either");
    }

    #[test]
    fn a_check_counts_and_writes_nothing() {
        let mut store = member();
        let files = [file(0, ImportKind::Accounts, "account_id,name,csm\nA1,Acme,ann\n")];
        let reports = load_team_files(&mut store, &files, None, &mut Local).expect("checks");
        assert_eq!(reports[0].counts.inserted, 1);
        assert!(absent(&store, "A1"));
    }
}
