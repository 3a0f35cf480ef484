//! The manager's roll-up behind `ctrl-r`: read on a connection of its own
//! (every CSM's Today, the forecast, the churn report), then shown as a
//! popup — or, when fewer than two CSMs own accounts, a line saying there is
//! no team to roll up. No drawing and no SQL here.

use super::App;
use crate::read::rollup::{Rollup, rollup};
use crate::store::Store;
use crate::tui::popups::{Popup, RollupPopup};
use crate::tui::work::{Done, Ticket};

/// The roll-up being read, if it is.
#[derive(Default)]
pub struct RollupJob {
    answer: Option<Ticket>,
}

impl App {
    /// Starts reading the roll-up (once at a time).
    pub(super) fn open_rollup(&mut self) {
        if self.rollup.answer.is_some() {
            return;
        }
        let path = self.store.path().to_path_buf();
        let (today, config) = (self.clock.today(), self.config.clone());
        let read = move || -> Result<Rollup, String> {
            let store = Store::open_aside(&path).map_err(|e| e.to_string())?;
            // The read walks the whole book, not a few scattered rows: mapped,
            // it costs a third of the time on a CPU that reading page by page
            // does, and the pages go with the connection when it closes.
            store.release_mapped_pages();
            rollup(&store, today, &config).map_err(|e| e.to_string())
        };
        self.rollup.answer =
            Some(self.work.spawn("team roll-up", move || Done::Rollup(Box::new(read()))));
        self.inform("reading the team roll-up…".to_string());
    }

    /// Shows the roll-up when `ticket` is its job; other answers go back.
    pub(super) fn receive_rollup(&mut self, ticket: Ticket, done: Done) -> Result<bool, Done> {
        if self.rollup.answer != Some(ticket) {
            return Err(done);
        }
        self.rollup.answer = None;
        self.status = None;
        match done {
            Done::Rollup(answer) => match *answer {
                Ok(rollup) if rollup.has_team() => {
                    self.popup = Some(Popup::Rollup(Box::new(RollupPopup::new(rollup))));
                }
                Ok(_) => self.refuse(
                    "no team to roll up: one CSM owns every account (cockpit team import brings the team's book)"
                        .to_string(),
                ),
                Err(why) => self.error(format!("the team roll-up could not be read: {why}")),
            },
            _ => self.error("the team roll-up stopped".to_string()),
        }
        Ok(true)
    }
}
