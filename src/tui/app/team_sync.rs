//! The team sync in the background: when the book joined a team and the
//! team's address is known (`COCKPIT_TEAM_URL`, `[team] url`, or the team
//! joined), a sync job starts on a tick every `[team] sync_seconds`, on a
//! connection of its own, and its answer becomes the last-sync text of the
//! status line. Pulled changes show through the live refresh (another
//! connection committed). A book without a team never starts one: nothing
//! touches the network. No drawing and no SQL here.

use super::App;
use crate::store::{OpenMode, Store};
use crate::tui::work::{Done, Ticket, Work};
use std::path::Path;
use std::time::{Duration, Instant};

/// The background sync's state.
#[derive(Default)]
pub struct TeamSync {
    /// The team's address, once looked up (`Some(None)`: no team).
    url: Option<Option<String>>,
    every: Duration,
    answer: Option<Ticket>,
    started: Option<Instant>,
    /// The last sync, as the status line says it.
    shown: Option<String>,
}

impl TeamSync {
    fn url(&mut self, store: &Store, config: &crate::domain::Config) -> Option<String> {
        if self.url.is_none() {
            let joined = store.team_membership().ok().flatten();
            let url = joined.map(|joined| {
                std::env::var(cockpit_team::TEAM_URL_VAR)
                    .ok()
                    .filter(|u| !u.trim().is_empty())
                    .or_else(|| Some(config.team.url.clone()).filter(|u| !u.trim().is_empty()))
                    .unwrap_or(joined.team)
            });
            self.every = Duration::from_secs(config.team.sync_seconds.max(5));
            self.url = Some(url);
        }
        self.url.clone().flatten()
    }

    /// Starts a sync when one is due.
    pub fn tick(&mut self, store: &Store, config: &crate::domain::Config, work: &mut Work) {
        let Some(url) = self.url(store, config) else { return };
        if self.answer.is_some() || self.started.is_some_and(|at| at.elapsed() < self.every) {
            return;
        }
        self.started = Some(Instant::now());
        let path = store.path().to_path_buf();
        let playbooks = config.playbooks.clone();
        self.answer =
            Some(work.spawn("team sync", move || Done::Synced(sync(&path, &url, playbooks))));
    }

    /// Takes the sync's answer in, if `ticket` is its job; other answers are
    /// handed back.
    pub fn receive(&mut self, ticket: Ticket, done: Done) -> Result<bool, Done> {
        if self.answer != Some(ticket) {
            return Err(done);
        }
        self.answer = None;
        let at = chrono::Local::now().format("%H:%M");
        self.shown = Some(match done {
            Done::Synced(Ok(received)) if received > 0 => {
                format!("team synced {at} ({received} new)")
            }
            Done::Synced(Ok(_)) => format!("team synced {at}"),
            Done::Synced(Err(why)) => format!("team sync failed {at}: {why}"),
            _ => format!("team sync stopped {at}"),
        });
        Ok(true)
    }

    pub fn shown(&self) -> Option<&str> {
        self.shown.as_deref()
    }
}

/// One sync on its own connection: the number of events received, or why
/// not. A departure the team's contacts bring starts the user's playbooks.
fn sync(
    path: &Path,
    url: &str,
    playbooks: crate::domain::playbook::Playbooks,
) -> Result<u64, String> {
    let mut store = Store::open_with(path, OpenMode::Existing).map_err(|e| e.to_string())?;
    store.set_playbooks(playbooks);
    cockpit_team::sync(&mut store, url).map(|report| report.applied).map_err(|e| e.to_string())
}

impl App {
    /// Starts the background team sync when one is due (on a tick).
    pub(super) fn tick_team_sync(&mut self) {
        // A sync writes what it pulls: not into a read-only book.
        if self.read_only() {
            return;
        }
        self.team_sync.tick(&self.store, &self.config, &mut self.work);
    }

    /// The last team sync, for the status line.
    pub fn team_sync_text(&self) -> Option<&str> {
        self.team_sync.shown()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_book_without_a_team_never_starts_a_sync() {
        let store = Store::open_in_memory().expect("store");
        let mut work = Work::default();
        let mut sync = TeamSync::default();
        sync.tick(&store, &crate::domain::Config::default(), &mut work);
        assert!(sync.answer.is_none() && sync.started.is_none());
        assert_eq!(sync.url, Some(None));
        assert!(sync.shown().is_none());
    }

    #[test]
    fn the_status_line_says_when_the_last_sync_ended_and_how() {
        let mut work = Work::default();
        let mut sync = TeamSync::default();
        let ticket = work.spawn("answer", || Done::Moments);
        sync.answer = Some(ticket);
        assert!(matches!(sync.receive(ticket, Done::Synced(Ok(3))), Ok(true)));
        let shown = sync.shown().expect("shown");
        assert!(shown.starts_with("team synced ") && shown.ends_with("(3 new)"), "{shown}");
        let other = work.spawn("other", || Done::Moments);
        assert!(sync.receive(other, Done::Moments).is_err(), "another job's answer goes back");
        sync.answer = Some(other);
        let _ = sync.receive(other, Done::Synced(Err("server away".to_string())));
        assert!(sync.shown().is_some_and(|s| s.contains("failed") && s.ends_with("server away")));
    }
}
