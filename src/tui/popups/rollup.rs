//! The manager's roll-up, over whatever pane is open (`ctrl-r`): every
//! CSM's Today (rows, ARR at stake), their late tasks and moments and the
//! renewal forecast of the year ahead, the team's line, the selected CSM's
//! reasons, and the churn report by root cause for the whole team. The
//! numbers are `read::rollup`'s, read behind the screen when the key is
//! pressed; drawing only formats them. Opened only when two CSMs or more
//! own accounts (a book of one is its Today).

use super::{Outcome, PopupCx, PopupKind};
use crate::read::book::BookIndex;
use crate::read::rollup::{CsmRollup, Rollup};
use crate::text::inert;
use crate::tui::action::Action;
use crate::tui::forms::Drawn;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use crate::tui::widgets::{fit, pad};
use ratatui::crossterm::event::KeyEvent;
use ratatui::text::{Line, Span};
use std::cell::Cell;
use unicode_width::UnicodeWidthStr;

/// The roll-up's keymap scope.
pub const SCOPE: &str = "rollup";

/// Its keys.
pub const KEYS: &[(&str, Action)] =
    &[("j", Action::Down), ("down", Action::Down), ("k", Action::Up), ("up", Action::Up)];

/// CSM rows shown at once (the list scrolls past them).
const SHOWN: usize = 8;
/// Root causes shown.
const CAUSES: usize = 4;
/// The popup's width inside its border: fits an 80-column terminal.
const WIDTH: usize = 74;
/// The CSM column's width at that size; a wider terminal gives names what
/// their longest needs.
const NAME: usize = 14;
/// Cells left to the pane on either side of a widened popup.
const MARGIN: usize = 2;
/// The widest the name column grows.
const NAME_MAX: usize = 60;

/// The roll-up and the selected CSM.
#[derive(Debug, Clone)]
pub struct RollupPopup {
    pub rollup: Rollup,
    pub selected: usize,
    /// The terminal's width when last drawn.
    room: Cell<u16>,
}

impl RollupPopup {
    pub fn new(rollup: Rollup) -> RollupPopup {
        RollupPopup { rollup, selected: 0, room: Cell::new(0) }
    }

    /// Remembers the columns the popup is drawn in, so names take the spare width.
    pub fn set_room(&self, columns: u16) {
        self.room.set(columns);
    }

    /// The CSM column's width: what the longest name needs, as far as the
    /// terminal has room beyond the 80-column layout.
    fn name_width(&self) -> usize {
        let longest = self
            .rollup
            .csms
            .iter()
            .map(|c| inert::line(&c.csm).width())
            .max()
            .unwrap_or(0)
            .min(NAME_MAX);
        let spare = usize::from(self.room.get()).saturating_sub(WIDTH + 2 + 2 * MARGIN);
        NAME + longest.saturating_sub(NAME).min(spare)
    }
}

fn line_text(line: &CsmRollup, name: usize) -> String {
    format!(
        "{} {:>5} {:>14} {:>3}/{:<3} {:>14} {:>14}",
        pad(&inert::line(&line.csm), name, false),
        line.today_rows,
        line.arr_at_stake.to_string(),
        line.overdue_tasks,
        line.overdue_moments,
        line.forecast.atr.to_string(),
        line.forecast.expected.to_string(),
    )
}

impl PopupKind for RollupPopup {
    fn scope(&self) -> &'static str {
        SCOPE
    }

    fn key(&mut self, _key: KeyEvent, action: Option<Action>, _cx: &PopupCx<'_>) -> Outcome {
        let len = self.rollup.csms.len();
        match action {
            Some(Action::Down) if self.selected + 1 < len => self.selected += 1,
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            _ => {}
        }
        Outcome::Stay
    }

    fn takes_text(&self) -> bool {
        false
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex, keymap: &Keymap) -> Drawn<'_> {
        let rollup = &self.rollup;
        let name = self.name_width();
        let width = WIDTH + (name - NAME);
        let mut lines = vec![Line::from(Span::styled(
            fit(
                &format!(
                    "{} {:>5} {:>14} {:>7} {:>14} {:>14}",
                    pad("CSM", name, false),
                    "Today",
                    "ARR at stake",
                    "late t/m",
                    format!("ATR {} mo", rollup.months),
                    "expected"
                ),
                width,
            ),
            theme.header(),
        ))];
        let first = self.selected.saturating_sub(SHOWN - 1);
        for (index, line) in rollup.csms.iter().enumerate().skip(first).take(SHOWN) {
            let text = Line::from(fit(&line_text(line, name), width));
            lines.push(if index == self.selected { theme.select(text) } else { text });
        }
        lines.push(Line::from(Span::styled(
            fit(&line_text(&rollup.total, name), width),
            theme.title(),
        )));
        if let Some(line) = rollup.csms.get(self.selected) {
            let reasons: Vec<String> =
                line.by_reason.iter().map(|(kind, n)| format!("{} {n}", kind.label())).collect();
            let said = match reasons.is_empty() {
                true => format!("{}: nothing on Today", inert::line(&line.csm)),
                false => format!("{}: {}", inert::line(&line.csm), reasons.join(", ")),
            };
            lines.push(Line::from(Span::styled(fit(&said, width), theme.dim())));
        }
        lines.push(Line::from(""));
        let churn = &rollup.churn;
        if churn.chains == 0 {
            lines.push(Line::from("No churn chains recorded yet."));
        } else {
            let share = churn.controllable_share.map_or("–".to_string(), |r| r.to_percent(0));
            lines.push(Line::from(Span::styled(
                fit(
                    &format!(
                        "Churn by root cause, whole team: {} lost, {share} controllable",
                        churn.arr_lost
                    ),
                    width,
                ),
                theme.header(),
            )));
            for cause in churn.by_root_cause.iter().take(CAUSES) {
                let accounts = crate::domain::count::of(cause.accounts, "account", "accounts");
                lines.push(Line::from(fit(
                    &format!(
                        "{} {:>14} {accounts}",
                        pad(&inert::line(&cause.label), 40, false),
                        cause.arr_lost.to_string()
                    ),
                    width,
                )));
            }
            if churn.by_root_cause.len() > CAUSES {
                lines.push(Line::from(Span::styled(
                    format!(
                        "… {} more causes: cockpit team rollup",
                        churn.by_root_cause.len() - CAUSES
                    ),
                    theme.dim(),
                )));
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            keymap.footer(SCOPE, &[(Action::Down, "next CSM"), (Action::Cancel, "close")]),
            theme.dim(),
        )));
        let height = u16::try_from(lines.len() + 2).unwrap_or(24);
        let title = format!(
            "Team roll-up · {} · {}",
            rollup.today,
            crate::domain::count::of(rollup.csms.len(), "CSM", "CSMs")
        );
        (title, lines, (u16::try_from(width + 4).unwrap_or(78), height), None)
    }
}
