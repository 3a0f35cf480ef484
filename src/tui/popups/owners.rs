//! The owners popup: edit an account's CSM and AM, Tab switching between
//! the two lines.

use super::{Outcome, PopupCx, PopupKind, typed};
use crate::read::book::BookIndex;
use crate::tui::action::Action;
use crate::tui::forms::Drawn;
use crate::tui::keymap::Keymap;
use crate::tui::paste::{self, Lines};
use crate::tui::theme::Theme;
use crate::tui::write::Write;
use ratatui::crossterm::event::KeyEvent;
use ratatui::text::{Line, Span};
use tui_input::Input;

/// The owners popup's keymap scope.
pub const SCOPE: &str = "owners";

/// Its keys; any other key types the name.
pub const KEYS: &[(&str, Action)] = &[
    ("tab", Action::NextField),
    ("backtab", Action::NextField),
    ("up", Action::NextField),
    ("down", Action::NextField),
    ("enter", Action::Save),
];

/// Edit the CSM and AM.
#[derive(Debug, Clone)]
pub struct OwnersPopup {
    pub account_id: String,
    pub name: String,
    pub csm: Input,
    pub am: Input,
    pub on_am: bool,
    /// A bulk reassignment: every (account, its AM) given the typed CSM,
    /// each keeping its AM (the AM field is not shown).
    pub many: Vec<(String, String)>,
}

impl OwnersPopup {
    pub fn new(account_id: &str, name: &str, csm: &str, am: &str) -> OwnersPopup {
        OwnersPopup {
            account_id: account_id.to_string(),
            name: name.to_string(),
            csm: Input::new(csm.to_string()),
            am: Input::new(am.to_string()),
            on_am: false,
            many: Vec::new(),
        }
    }
}

impl PopupKind for OwnersPopup {
    fn scope(&self) -> &'static str {
        SCOPE
    }

    fn key(&mut self, key: KeyEvent, action: Option<Action>, _cx: &PopupCx<'_>) -> Outcome {
        let OwnersPopup { account_id, csm, am, on_am, many, .. } = self;
        match action {
            Some(Action::NextField) if !many.is_empty() => Outcome::Stay,
            Some(Action::NextField) => {
                *on_am = !*on_am;
                Outcome::Stay
            }
            Some(Action::Save) if !many.is_empty() => Outcome::Submit(
                many.iter()
                    .map(|(account_id, am)| Write::Owners {
                        account_id: account_id.clone(),
                        csm: csm.value().trim().to_string(),
                        am: am.clone(),
                    })
                    .collect(),
            ),
            Some(Action::Save) => Outcome::Submit(vec![Write::Owners {
                account_id: account_id.clone(),
                csm: csm.value().trim().to_string(),
                am: am.value().trim().to_string(),
            }]),
            _ => {
                typed(if *on_am { am } else { csm }, key);
                Outcome::Stay
            }
        }
    }

    fn paste(&mut self, text: &str, _book: &BookIndex) -> Result<(), String> {
        let OwnersPopup { csm, am, on_am, .. } = self;
        paste::paste(if *on_am { am } else { csm }, text, Lines::One)
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex, keymap: &Keymap) -> Drawn<'_> {
        let OwnersPopup { name, csm, am, on_am, many, .. } = self;
        let am_line = match many.is_empty() {
            true => format!("AM:      {}", paste::shown(am, 56, 9)),
            false => "AM:      each keeps its own".to_string(),
        };
        let lines = vec![
            Line::from(vec![Span::raw("Account: "), Span::styled(name.clone(), theme.title())]),
            Line::from(format!("CSM:     {}", paste::shown(csm, 56, 9))),
            Line::from(am_line),
            Line::from(""),
            Line::from(Span::styled(
                keymap.footer(
                    SCOPE,
                    &[
                        (Action::NextField, "switch"),
                        (Action::Save, "save"),
                        (Action::Cancel, "cancel"),
                    ],
                ),
                theme.dim(),
            )),
        ];
        let cursor = if *on_am { (9, 2, 9, am) } else { (9, 1, 9, csm) };
        ("Owners".to_string(), lines, (56, 7), Some(cursor))
    }
}
