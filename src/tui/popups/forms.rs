//! The forms of the panes shown as popups: moving an account to another 4A
//! stage, recording an opportunity, and a churn taxonomy entry. The forms
//! live in `tui/forms/`; this only hands them the popup's keys, pastes and
//! frame.

use super::{Outcome, PopupCx, PopupKind};
use crate::tui::action::Action;
use crate::tui::book::BookIndex;
use crate::tui::forms::Drawn;
use crate::tui::forms::four_a::{self, OpportunityForm, StageForm};
use crate::tui::forms::reason::ReasonForm;
use crate::tui::keymap::Keymap;
use crate::tui::paste::{self, Lines};
use crate::tui::theme::Theme;
use ratatui::crossterm::event::KeyEvent;

impl PopupKind for StageForm {
    fn scope(&self) -> &'static str {
        four_a::STAGE_SCOPE
    }

    fn key(&mut self, key: KeyEvent, action: Option<Action>, _cx: &PopupCx<'_>) -> Outcome {
        StageForm::apply(self, key, action)
    }

    fn paste(&mut self, text: &str, _book: &BookIndex) -> Result<(), String> {
        paste::paste(&mut self.reason, text, Lines::One)
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex, keymap: &Keymap) -> Drawn<'_> {
        StageForm::drawn(self, theme, keymap)
    }
}

impl PopupKind for OpportunityForm {
    fn scope(&self) -> &'static str {
        four_a::OPPORTUNITY_SCOPE
    }

    fn key(&mut self, key: KeyEvent, action: Option<Action>, cx: &PopupCx<'_>) -> Outcome {
        OpportunityForm::apply(self, key, action, cx.today)
    }

    fn paste(&mut self, text: &str, _book: &BookIndex) -> Result<(), String> {
        OpportunityForm::paste(self, text)
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex, keymap: &Keymap) -> Drawn<'_> {
        OpportunityForm::drawn(self, theme, keymap)
    }
}

impl PopupKind for ReasonForm {
    fn scope(&self) -> &'static str {
        ReasonForm::scope(self)
    }

    fn key(&mut self, key: KeyEvent, action: Option<Action>, _cx: &PopupCx<'_>) -> Outcome {
        ReasonForm::apply(self, key, action)
    }

    fn paste(&mut self, text: &str, _book: &BookIndex) -> Result<(), String> {
        ReasonForm::paste(self, text)
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex, keymap: &Keymap) -> Drawn<'_> {
        ReasonForm::drawn(self, theme, keymap)
    }
}
