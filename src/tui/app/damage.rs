//! The book's damage check, run behind the first screen: SQLite's quick
//! check on a worker's own read connection (about 2 s on a 265 MB book),
//! its answer taken in by the app like the whole book's load. A damaged book
//! keeps a warning in the status line and refuses the app's writes, so
//! nothing is written into it. No drawing and no SQL here.

use super::App;
use crate::store::{Store, StoreError, damaged_message};
use std::path::Path;
use std::sync::mpsc::{Receiver, channel};

/// The check under way, then what it found.
#[derive(Default)]
pub struct DamageCheck {
    answer: Option<Receiver<Option<String>>>,
    found: Option<String>,
}

impl DamageCheck {
    /// Starts checking the database file at `path` (once).
    pub fn start(&mut self, path: &Path) {
        if self.answer.is_some() || self.found.is_some() {
            return;
        }
        let (sender, answer) = channel();
        let path = path.to_path_buf();
        std::thread::spawn(move || {
            let shown = path.display().to_string();
            // Only damage is reported: a busy or vanished file is not.
            let damage = match Store::open_aside(&path).and_then(|store| store.ensure_sound()) {
                Err(StoreError::Damaged { .. }) => Some(damaged_message(&shown)),
                _ => None,
            };
            let _ = sender.send(damage);
        });
        self.answer = Some(answer);
    }

    /// Whether the check is still running.
    pub fn running(&self) -> bool {
        self.answer.is_some()
    }

    /// Takes the answer in if it has come: `true` when it says "damaged"
    /// for the first time.
    pub fn poll(&mut self) -> bool {
        let Some(answer) = &self.answer else {
            return false;
        };
        match answer.try_recv() {
            Ok(found) => {
                self.answer = None;
                self.found = found;
                self.found.is_some()
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => false,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.answer = None;
                false
            }
        }
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

    /// Takes the check's answer in; a damaged book is said at once.
    /// Takes the check's answer if it came; true when it found damage, so
    /// the loop draws the warning at once.
    pub(super) fn poll_damage_check(&mut self) -> bool {
        if self.damage.poll()
            && let Some(found) = self.damage.found()
        {
            self.error(found.to_string());
            return true;
        }
        false
    }
}
