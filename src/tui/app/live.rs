//! Live refresh: noticing what another cockpit or an import committed
//! (the store's `data_version`, one pragma a second while idle) and reading
//! the whole book again behind the screen, as on opening, then the panes.
//! The book index is the cache every pane draws health from, so it is read
//! again whole, never patched row by row from outside. A form or popup
//! being typed in is never refreshed under the user.

use super::*;

impl App {
    /// Looks (one pragma) for commits by another cockpit or an import since
    /// the book was read; if there are, reads the whole book again behind
    /// the screen, as on opening, and every pane after it. `true` when a
    /// reload started (the loop then takes it in and draws). Call it while
    /// idle, at most once a second.
    pub fn check_outside_changes(&mut self) -> bool {
        let Some(seen) = self.seen_version else { return false };
        // A load under way is taken in first; its changes are looked for
        // on the next call.
        if self.loading() {
            return false;
        }
        let Ok(version) = self.store.data_version() else { return false };
        if version == seen {
            return false;
        }
        self.seen_version = Some(version);
        self.outside_reload = true;
        self.loader_due = true;
        self.start_loading();
        true
    }

    /// Reads the focused pane again after an outside change, unless a
    /// popup or a form is open on it (reading again would drop what is
    /// being typed): then once it closes.
    pub(super) fn refresh_when_free(&mut self) {
        if !self.refresh_due || self.popup.is_some() || self.panes[self.active].typing() {
            return;
        }
        self.refresh_due = false;
        let active = self.active;
        self.stale[active] = false;
        let (pane, mut cx) = self.cx_parts();
        if let Err(error) = pane.refresh(&mut cx) {
            self.error(format!("{error:#}"));
        }
    }

    /// The book read again after an outside change is in: every pane reads
    /// again, the focused one now (or once its form closes).
    pub(super) fn after_outside_reload(&mut self) {
        for stale in &mut self.stale {
            *stale = true;
        }
        for written in &mut self.stale_accounts {
            *written = None;
        }
        self.refresh_due = true;
        self.refresh_when_free();
    }
}
