//! The note popup: log a touch or a note on an account, its kind cycled
//! with Tab; the text is required. It may carry writes to apply after it.

use super::{Outcome, PopupCx, PopupKind, typed};
use crate::domain::NoteKind;
use crate::read::book::BookIndex;
use crate::tui::action::Action;
use crate::tui::forms::Drawn;
use crate::tui::keymap::{self, Keymap};
use crate::tui::paste::{self, Lines};
use crate::tui::theme::Theme;
use crate::tui::write::Write;
use ratatui::crossterm::event::KeyEvent;
use ratatui::text::{Line, Span};
use tui_input::Input;

/// The note popup's keymap scope.
pub const SCOPE: &str = "note";

/// Its keys; any other key types the text.
pub const KEYS: &[(&str, Action)] =
    &[("tab", Action::NextChoice), ("backtab", Action::PrevChoice), ("enter", Action::Save)];

/// The kinds the note form cycles through, touches first.
const NOTE_KINDS: [NoteKind; 7] = NoteKind::ALL;

/// Log a touch or note.
#[derive(Debug, Clone)]
pub struct NotePopup {
    pub account_id: String,
    pub name: String,
    pub kind: NoteKind,
    pub text: Input,
    pub then: Vec<Write>,
    pub error: Option<String>,
}

impl NotePopup {
    pub fn new(account_id: &str, name: &str, then: Vec<Write>) -> NotePopup {
        NotePopup {
            account_id: account_id.to_string(),
            name: name.to_string(),
            kind: NoteKind::Call,
            text: Input::default(),
            then,
            error: None,
        }
    }
}

impl PopupKind for NotePopup {
    fn scope(&self) -> &'static str {
        SCOPE
    }

    fn key(&mut self, key: KeyEvent, action: Option<Action>, _cx: &PopupCx<'_>) -> Outcome {
        let NotePopup { account_id, kind, text, then, error, .. } = self;
        match action {
            Some(step @ (Action::NextChoice | Action::PrevChoice)) => {
                let i = NOTE_KINDS.iter().position(|k| k == kind).unwrap_or(0);
                let n = NOTE_KINDS.len();
                *kind = NOTE_KINDS
                    [if step == Action::NextChoice { (i + 1) % n } else { (i + n - 1) % n }]
                .clone();
                Outcome::Stay
            }
            Some(Action::Save) => {
                let body = text.value().trim().to_string();
                if body.is_empty() {
                    *error = Some("write what happened first".to_string());
                    return Outcome::Stay;
                }
                let mut writes = vec![Write::Note {
                    account_id: account_id.clone(),
                    kind: kind.clone(),
                    text: body,
                }];
                writes.append(then);
                Outcome::Submit(writes)
            }
            _ => {
                typed(text, key);
                Outcome::Stay
            }
        }
    }

    fn paste(&mut self, text: &str, _book: &BookIndex) -> Result<(), String> {
        paste::paste(&mut self.text, text, Lines::Many)
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex, keymap: &Keymap) -> Drawn<'_> {
        let NotePopup { name, kind, text, error, .. } = self;
        let shown = paste::shown(text, 76, 9);
        let kinds: Vec<Span<'static>> = NOTE_KINDS
            .iter()
            .flat_map(|k| {
                let style = if k == kind { theme.active_tab() } else { theme.dim() };
                [Span::styled(k.as_str().to_string(), style), Span::raw(" ")]
            })
            .collect();
        let lines = vec![
            Line::from(vec![Span::raw("Account: "), Span::styled(name.clone(), theme.title())]),
            Line::from(kinds),
            Line::from(format!("Text:    {shown}")),
            Line::from(""),
            match error {
                Some(e) => Line::from(Span::styled(e.clone(), theme.error())),
                None => {
                    let mut footer = keymap.footer(
                        SCOPE,
                        &[
                            (Action::NextChoice, "kind"),
                            (Action::Save, "save"),
                            (Action::Cancel, "cancel"),
                        ],
                    );
                    if let Some(key) = keymap.first_key(keymap::SELECTION, Action::NoteInEditor) {
                        footer.push_str(&format!(" · {} writes in $EDITOR", key.label()));
                    }
                    Line::from(Span::styled(footer, theme.dim()))
                }
            },
        ];
        ("Log a touch or note".to_string(), lines, (76, 7), Some((9, 2, 9, text)))
    }
}
