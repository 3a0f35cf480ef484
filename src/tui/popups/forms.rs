//! The forms of the panes shown as popups: moving an account to another 4A
//! stage, recording an opportunity, and a churn taxonomy entry. The forms
//! live in `tui/forms/`; this only hands them the popup's keys, pastes and
//! frame.

use super::{Outcome, PopupCx, PopupKind};
use crate::read::book::BookIndex;
use crate::tui::forms::four_a::{OpportunityForm, StageForm};
use crate::tui::forms::reason::ReasonForm;
use crate::tui::forms::{Drawn, Form};
use crate::tui::theme::Theme;
use ratatui::crossterm::event::KeyEvent;

impl PopupKind for StageForm {
    fn key(&mut self, key: KeyEvent, cx: &PopupCx<'_>) -> Outcome {
        Form::key(self, key, cx.today).into()
    }

    fn paste(&mut self, text: &str, _book: &BookIndex) -> Result<(), String> {
        Form::paste(self, text)
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex) -> Drawn<'_> {
        StageForm::drawn(self, theme)
    }
}

impl PopupKind for OpportunityForm {
    fn key(&mut self, key: KeyEvent, cx: &PopupCx<'_>) -> Outcome {
        Form::key(self, key, cx.today).into()
    }

    fn paste(&mut self, text: &str, _book: &BookIndex) -> Result<(), String> {
        Form::paste(self, text)
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex) -> Drawn<'_> {
        OpportunityForm::drawn(self, theme)
    }
}

impl PopupKind for ReasonForm {
    fn key(&mut self, key: KeyEvent, cx: &PopupCx<'_>) -> Outcome {
        Form::key(self, key, cx.today).into()
    }

    fn paste(&mut self, text: &str, _book: &BookIndex) -> Result<(), String> {
        Form::paste(self, text)
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex) -> Drawn<'_> {
        ReasonForm::drawn(self, theme)
    }
}
