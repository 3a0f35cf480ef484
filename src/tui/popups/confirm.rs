//! The confirm popup: a pending write held until the user says yes
//! (`y` or Enter); any other key cancels it.

use super::{Outcome, PopupCx, PopupKind};
use crate::read::book::BookIndex;
use crate::tui::forms::Drawn;
use crate::tui::theme::Theme;
use crate::tui::write::Write;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};

/// A pending write held until the user confirms.
#[derive(Debug, Clone)]
pub struct ConfirmPopup {
    pub message: String,
    pub writes: Vec<Write>,
}

impl PopupKind for ConfirmPopup {
    fn key(&mut self, key: KeyEvent, _cx: &PopupCx<'_>) -> Outcome {
        let ConfirmPopup { writes, .. } = self;
        match key.code {
            KeyCode::Char('y') | KeyCode::Enter => Outcome::Submit(std::mem::take(writes)),
            _ => Outcome::Close,
        }
    }

    fn takes_text(&self) -> bool {
        false
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex) -> Drawn<'_> {
        let ConfirmPopup { message, .. } = self;
        let lines = vec![
            Line::from(message.clone()),
            Line::from(""),
            Line::from(Span::styled("y/Enter confirm · any other key cancels", theme.dim())),
        ];
        ("Confirm".to_string(), lines, (60, 6), None)
    }
}
