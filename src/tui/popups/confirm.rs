//! The confirm popup: a pending write held until the user says yes
//! (`y` or Enter); any other key cancels it.

use super::{Outcome, PopupCx, PopupKind};
use crate::read::book::BookIndex;
use crate::tui::action::Action;
use crate::tui::forms::Drawn;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use crate::tui::write::Write;
use ratatui::crossterm::event::KeyEvent;
use ratatui::text::{Line, Span};

/// The confirm popup's keymap scope.
pub const SCOPE: &str = "confirm";

/// Its keys; any other key cancels.
pub const KEYS: &[(&str, Action)] = &[("y", Action::Confirm), ("enter", Action::Confirm)];

/// A pending write held until the user confirms.
#[derive(Debug, Clone)]
pub struct ConfirmPopup {
    pub message: String,
    pub writes: Vec<Write>,
}

impl PopupKind for ConfirmPopup {
    fn scope(&self) -> &'static str {
        SCOPE
    }

    fn key(&mut self, _key: KeyEvent, action: Option<Action>, _cx: &PopupCx<'_>) -> Outcome {
        let ConfirmPopup { writes, .. } = self;
        match action {
            Some(Action::Confirm) => Outcome::Submit(std::mem::take(writes)),
            _ => Outcome::Close,
        }
    }

    fn takes_text(&self) -> bool {
        false
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex, keymap: &Keymap) -> Drawn<'_> {
        let ConfirmPopup { message, .. } = self;
        let lines = vec![
            Line::from(message.clone()),
            Line::from(""),
            Line::from(Span::styled(
                format!(
                    "{} confirm · any other key cancels",
                    keymap.keys_label(SCOPE, Action::Confirm)
                ),
                theme.dim(),
            )),
        ];
        ("Confirm".to_string(), lines, (60, 6), None)
    }
}
