//! The book's damage check, run behind the first screen: SQLite's quick
//! check on a job's own read connection (about 2 s on a 265 MB book), its
//! answer arriving as an event like the whole book's load. A damaged book
//! keeps a warning in the status line and refuses the app's writes, so
//! nothing is written into it. No drawing and no SQL here.

use super::App;
use crate::store::{Store, StoreError, damaged_message};
use crate::tui::work::{Done, Ticket, Work};
use std::path::Path;

/// The check under way (its job's ticket), then what it found.
#[derive(Default)]
pub struct DamageCheck {
    answer: Option<Ticket>,
    /// The check was started once: it is not started again.
    started: bool,
    found: Option<String>,
}

impl DamageCheck {
    /// Starts checking the database file at `path` (once).
    pub fn start(&mut self, path: &Path, work: &mut Work) {
        if self.started || self.found.is_some() {
            return;
        }
        self.started = true;
        let path = path.to_path_buf();
        self.answer = Some(work.spawn("damage check", move || {
            let shown = path.display().to_string();
            // Only damage is reported: a busy or vanished file is not.
            let damage = match Store::open_aside(&path).and_then(|store| store.ensure_sound()) {
                Err(StoreError::Damaged { .. }) => Some(damaged_message(&shown)),
                _ => None,
            };
            Done::Damage(damage)
        }));
    }

    /// Whether the check is still running.
    pub fn running(&self) -> bool {
        self.answer.is_some()
    }

    /// Takes the check's answer in, if `ticket` is its job: `Ok(true)` when
    /// it says "damaged" for the first time; an answer of another job is
    /// handed back.
    pub fn receive(&mut self, ticket: Ticket, done: Done) -> Result<bool, Done> {
        if self.answer != Some(ticket) {
            return Err(done);
        }
        self.answer = None;
        if let Done::Damage(Some(found)) = done
            && self.found.is_none()
        {
            self.found = Some(found);
            return Ok(true);
        }
        Ok(false)
    }

    /// Marks the book damaged from an error met elsewhere (a load, a write).
    pub fn note(&mut self, error: &anyhow::Error, path: &Path) {
        let damaged = error.chain().any(|cause| {
            matches!(cause.downcast_ref::<StoreError>(), Some(StoreError::Damaged { .. }))
        }) || format!("{error:#}").contains("malformed");
        if damaged && self.found.is_none() {
            self.found = Some(damaged_message(&path.display().to_string()));
        }
    }

    /// The warning, once the book is known to be damaged.
    pub fn found(&self) -> Option<&str> {
        self.found.as_deref()
    }
}

impl App {
    /// Whether the damage check started behind the first screen is still
    /// running.
    pub fn checking(&self) -> bool {
        self.damage.running()
    }

    /// The warning shown while the book is known to be damaged.
    pub fn damage(&self) -> Option<&str> {
        self.damage.found()
    }

    /// Takes the check's answer in if `ticket` is its job: `Ok(true)` when
    /// it found damage (said at once in the status line), so the loop draws
    /// the warning.
    pub(super) fn receive_damage_check(
        &mut self,
        ticket: Ticket,
        done: Done,
    ) -> Result<bool, Done> {
        let damaged = self.damage.receive(ticket, done)?;
        if damaged && let Some(found) = self.damage.found() {
            self.error(found.to_string());
        }
        Ok(damaged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_runs_once_however_often_it_is_started() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("book.db");
        drop(Store::open(&path).expect("store"));
        let mut work = Work::default();
        let mut check = DamageCheck::default();
        check.start(&path, &mut work);
        check.start(&path, &mut work);
        assert!(check.running());
        let (ticket, done) = work.wait_any().expect("the answer");
        assert!(matches!(check.receive(ticket, done), Ok(false)), "a sound book");
        assert!(!check.running());
        assert!(!work.under_way(), "one check only");
        // Every key starts the loading, and with it the check: not again.
        check.start(&path, &mut work);
        assert!(!check.running());
        assert!(!work.under_way());
        assert_eq!(check.found(), None);
    }
}
