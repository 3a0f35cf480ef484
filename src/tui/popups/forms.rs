//! The forms of the panes shown as popups: moving an account to another 4A
//! stage, recording an opportunity, and a churn taxonomy entry. The forms
//! live in `tui/forms/`; this only hands them the popup's keys (with their
//! actions in the form's scope), pastes and frame.

use super::{Outcome, PopupCx, PopupKind};
use crate::read::book::BookIndex;
use crate::tui::action::Action;
use crate::tui::forms::four_a::{OpportunityForm, StageForm};
use crate::tui::forms::reason::ReasonForm;
use crate::tui::forms::{Drawn, Form};
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use ratatui::crossterm::event::KeyEvent;

/// A form shown as a popup: its scope, keys and pastes go to the form,
/// the popup draws the form's own lines in its frame.
macro_rules! form_popup {
    ($($form:ty),+) => {$(
        impl PopupKind for $form {
            fn scope(&self) -> &'static str {
                Form::scope(self)
            }

            fn key(&mut self, key: KeyEvent, action: Option<Action>, cx: &PopupCx<'_>) -> Outcome {
                Form::key(self, key, action, cx.today).into()
            }

            fn paste(&mut self, text: &str, _book: &BookIndex) -> Result<(), String> {
                Form::paste(self, text)
            }

            fn drawn(&self, theme: Theme, _book: &BookIndex, keymap: &Keymap) -> Drawn<'_> {
                <$form>::drawn(self, theme, keymap)
            }
        }
    )+};
}

form_popup!(
    StageForm,
    OpportunityForm,
    ReasonForm,
    crate::tui::forms::task::TaskForm,
    crate::tui::forms::lost::LostForm,
    crate::tui::forms::contact::ContactForm
);
