//! The manager's roll-up behind `ctrl-r`: read on a connection of its own
//! (every CSM's Today, the forecast, the churn report), then shown as a
//! popup — or, when fewer than two CSMs own accounts, a line saying there is
//! no team to roll up. Once asked for (or from the start, with `[team]
//! rollup_ahead`), it is kept read ahead: read again behind the screen
//! whenever anything was committed to the book, so that `ctrl-r` shows it
//! at once — and never a kept one the book has moved past
//! ([`KeptRollup::current`]). No drawing and no SQL here.

use super::App;
use crate::read::rollup::{KeptRollup, Rollup, RollupRead};
use crate::tui::popups::{Popup, RollupPopup};
use crate::tui::work::{Done, Ticket};

/// The roll-up being read, or kept.
#[derive(Default)]
pub struct RollupJob {
    answer: Option<Ticket>,
    /// The keeper between reads (a read under way has it).
    kept: Option<KeptRollup>,
    /// The user asked for it: show it once read.
    asked: bool,
    /// Keep it read ahead (once asked for, or by the settings).
    ahead: bool,
}

impl App {
    /// Shows the roll-up: at once when the kept one is still the book's,
    /// else once read behind the screen.
    pub(super) fn open_rollup(&mut self) {
        let today = self.clock.today();
        self.rollup.ahead = true;
        let kept = self.rollup.kept.as_ref().and_then(|k| k.current(today, &self.config));
        if let Some(rollup) = kept.cloned() {
            self.show_rollup(Ok(rollup));
            return;
        }
        self.rollup.asked = true;
        self.read_rollup();
        self.inform("reading the team roll-up…".to_string());
    }

    /// Starts reading the roll-up ahead, when it is kept ahead and the
    /// kept one is missing or out of date (one pragma): from the start with
    /// `[team] rollup_ahead`, and on the loop's idle ticks.
    pub(super) fn keep_rollup_ahead(&mut self) {
        self.rollup.ahead |= self.config.team.rollup_ahead;
        if !self.rollup.ahead || self.rollup.answer.is_some() {
            return;
        }
        let today = self.clock.today();
        let kept = self.rollup.kept.as_ref();
        if kept.is_some_and(|k| k.current(today, &self.config).is_some()) {
            return;
        }
        self.read_rollup();
    }

    /// Reads the roll-up behind the screen (once at a time).
    fn read_rollup(&mut self) {
        if self.rollup.answer.is_some() {
            return;
        }
        let path = self.store.path().to_path_buf();
        let (today, config) = (self.clock.today(), self.config.clone());
        let kept = self.rollup.kept.take();
        let read = move || Done::Rollup(Box::new(RollupRead::of(kept, &path, today, &config)));
        self.rollup.answer = Some(self.work.spawn("team roll-up", read));
    }

    /// Shows the roll-up when `ticket` is its read and it was asked for;
    /// other answers go back.
    pub(super) fn receive_rollup(&mut self, ticket: Ticket, done: Done) -> Result<bool, Done> {
        if self.rollup.answer != Some(ticket) {
            return Err(done);
        }
        self.rollup.answer = None;
        let Done::Rollup(read) = done else {
            self.rollup.asked = false;
            self.error("the team roll-up stopped".to_string());
            return Ok(true);
        };
        let RollupRead { kept, answer } = *read;
        self.rollup.kept = kept;
        if answer.is_err() && !self.rollup.asked {
            // Read ahead and failed: not tried again every second.
            self.rollup.ahead = false;
        }
        if !std::mem::take(&mut self.rollup.asked) {
            return Ok(self.refresh_open_rollup(answer));
        }
        // Something was committed while it was read: it is read again.
        let today = self.clock.today();
        let current =
            self.rollup.kept.as_ref().is_some_and(|k| k.current(today, &self.config).is_some());
        if answer.is_ok() && !current {
            self.rollup.asked = true;
            self.read_rollup();
            return Ok(false);
        }
        self.status = None;
        self.show_rollup(answer);
        Ok(true)
    }

    /// A roll-up read ahead replaces the one the open popup shows (the
    /// same CSM stays selected while there is one); `true` when it did.
    fn refresh_open_rollup(&mut self, answer: Result<Rollup, String>) -> bool {
        let (Some(Popup::Rollup(popup)), Ok(rollup)) = (self.popup.as_mut(), answer) else {
            return false;
        };
        if !rollup.has_team() {
            return false;
        }
        let selected = popup.rollup.csms.get(popup.selected).map(|c| c.csm.clone());
        let at = selected.and_then(|csm| rollup.csms.iter().position(|c| c.csm == csm));
        popup.selected = at.unwrap_or(0);
        popup.rollup = rollup;
        true
    }

    fn show_rollup(&mut self, answer: Result<Rollup, String>) {
        match answer {
            Ok(rollup) if rollup.has_team() => {
                self.popup = Some(Popup::Rollup(Box::new(RollupPopup::new(rollup))));
            }
            Ok(_) => self.refuse(
                "no team to roll up: one CSM owns every account (cockpit team import brings the team's book)"
                    .to_string(),
            ),
            Err(why) => self.error(format!("the team roll-up could not be read: {why}")),
        }
    }
}
