//! The popups the app owns: help, the fuzzy jump, and the small forms that
//! write (health with its reason, a touch or note, owners, flags, a snooze)
//! plus a confirm that holds a pending write. A popup takes keys first; it
//! answers with an [`Outcome`] and never touches the store itself.
//!
//! One file per kind, each a type behind [`PopupKind`]; the [`Popup`] enum
//! only names the open one and hands keys, pastes and drawing to it. The
//! forms of the panes (a 4A stage, an opportunity, a churn reason) live in
//! `tui/forms/` and are shown here as popups (`forms.rs`).
//!
//! Each popup has a keymap scope (a table in its own file, listed in
//! [`key_tables`]): its control keys become actions first, `Esc` closes it,
//! and a key no table binds is typed into its field. Its footer is
//! generated from the same table.

mod confirm;
mod flags;
mod forms;
mod health;
mod help;
mod jump;
mod note;
mod owners;
mod snooze;

pub use crate::tui::forms::Outcome;
pub use confirm::ConfirmPopup;
pub use flags::FlagsPopup;
pub use health::HealthPopup;
pub use help::HelpPopup;
pub use jump::JumpPopup;
pub use note::NotePopup;
pub use owners::OwnersPopup;
pub use snooze::SnoozePopup;

use crate::domain::{Flags, Health};
use crate::tui::action::Action;
use crate::tui::book::BookIndex;
use crate::tui::forms::Drawn;
use crate::tui::forms::four_a::{self, OpportunityForm, StageForm};
use crate::tui::forms::reason::{self, ReasonForm};
use crate::tui::keymap::{Key, Keymap, Table};
use crate::tui::paste;
use crate::tui::theme::Theme;
use crate::tui::widgets::centered;
use crate::tui::write::Write;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

/// What a popup may read while it takes a key or a paste: the book (the
/// jump list matches names in it) and today (a snooze date counts from it).
pub struct PopupCx<'a> {
    pub book: &'a BookIndex,
    pub today: NaiveDate,
}

/// One kind of popup: it takes keys and pastes while open and says what it
/// draws; the frame, the centring and the text cursor are the same for all.
pub trait PopupKind {
    /// The keymap scope of the popup's keys now (a popup with modes
    /// changes scope, as the health popup does once a colour is picked).
    fn scope(&self) -> &'static str;
    /// Applies the action of a key in [`PopupKind::scope`], or, with
    /// `None`, a key no table binds (typed into the field). `Cancel` never
    /// arrives: it closes every popup.
    fn key(&mut self, key: KeyEvent, action: Option<Action>, cx: &PopupCx<'_>) -> Outcome;
    /// Pastes text into the focused field, or says why nothing was pasted.
    /// A paste never confirms, saves or closes.
    fn paste(&mut self, _text: &str, _book: &BookIndex) -> Result<(), String> {
        Err(paste::NO_FIELD.to_string())
    }
    /// Whether the popup takes typed text (so `q` types).
    fn takes_text(&self) -> bool {
        true
    }
    /// Title, lines, size and text cursor; the footer's keys come from
    /// `keymap`. Reads only.
    fn drawn(&self, theme: Theme, book: &BookIndex, keymap: &Keymap) -> Drawn<'_>;
}

/// The popups' and forms' key tables, for the keymap.
pub fn key_tables() -> Vec<Table> {
    vec![
        Table::popup(jump::SCOPE, "Jump to account", jump::KEYS),
        Table::popup(health::PICK_SCOPE, "Set health: the colour", health::PICK_KEYS),
        Table::popup(health::SCOPE, "Set health: the reason", health::KEYS),
        Table::popup(note::SCOPE, "Log a touch or note", note::KEYS),
        Table::popup(owners::SCOPE, "Owners", owners::KEYS),
        Table::popup(flags::SCOPE, "Value flags", flags::KEYS),
        Table::popup(snooze::SCOPE, "Snooze", snooze::KEYS),
        Table::popup(confirm::SCOPE, "Confirm", confirm::KEYS),
        // Esc closes these; the forms handle their other keys themselves.
        Table::popup("help", "Help", &[]),
        Table::popup(
            crate::tui::forms::growth::SCOPE,
            "Growth forms",
            crate::tui::forms::growth::KEYS,
        ),
        Table::popup(
            crate::tui::forms::moment::SCOPE,
            "Add a moment",
            crate::tui::forms::moment::KEYS,
        ),
        Table::popup(four_a::STAGE_SCOPE, "Move 4A stage", four_a::STAGE_KEYS),
        Table::popup(four_a::OPPORTUNITY_SCOPE, "Record an opportunity", four_a::OPPORTUNITY_KEYS),
        Table::popup(reason::ADD_SCOPE, "Churn taxonomy: add an entry", reason::ADD_KEYS),
        Table::popup(reason::EDIT_SCOPE, "Churn taxonomy: rename, describe", reason::EDIT_KEYS),
    ]
}

/// The open popup.
#[derive(Debug, Clone)]
pub enum Popup {
    /// The keys of a pane: (keys, what they do) by section.
    Help(HelpPopup),
    /// Jump to an account by fuzzy name.
    Jump(JumpPopup),
    /// Set the health; the reason is required.
    Health(HealthPopup),
    /// Log a touch or note.
    Note(NotePopup),
    /// Edit the CSM and AM.
    Owners(OwnersPopup),
    /// Toggle the value flags.
    Flags(FlagsPopup),
    /// Snooze a Today row until a date.
    Snooze(SnoozePopup),
    /// A pending write held until the user confirms.
    Confirm(ConfirmPopup),
    /// Move an account to another 4A stage; the reason is required.
    Stage(Box<StageForm>),
    /// Record an opportunity on an account.
    Opportunity(Box<OpportunityForm>),
    /// Add, rename or describe a churn taxonomy entry.
    Reason(Box<ReasonForm>),
}

fn typed(input: &mut Input, key: KeyEvent) {
    if let Some(request) = to_input_request(&Event::Key(key)) {
        input.handle(request);
    }
}

impl Popup {
    pub fn help(sections: Vec<(String, Vec<(String, &'static str)>)>) -> Popup {
        Popup::Help(HelpPopup { sections })
    }

    pub fn jump(book: &BookIndex) -> Popup {
        Popup::Jump(JumpPopup::new(book))
    }

    pub fn health(
        account_id: &str,
        name: &str,
        health: Option<Health>,
        reason: &str,
        then: Vec<Write>,
    ) -> Popup {
        Popup::Health(HealthPopup::new(account_id, name, health, reason, then))
    }

    pub fn note(account_id: &str, name: &str, then: Vec<Write>) -> Popup {
        Popup::Note(NotePopup::new(account_id, name, then))
    }

    pub fn owners(account_id: &str, name: &str, csm: &str, am: &str) -> Popup {
        Popup::Owners(OwnersPopup::new(account_id, name, csm, am))
    }

    pub fn flags(account_id: &str, name: &str, flags: Flags) -> Popup {
        Popup::Flags(FlagsPopup::new(account_id, name, flags))
    }

    pub fn snooze(account_id: &str, name: &str, key: &str, what: &str, today: NaiveDate) -> Popup {
        Popup::Snooze(SnoozePopup::new(account_id, name, key, what, today))
    }

    pub fn confirm(message: String, writes: Vec<Write>) -> Popup {
        Popup::Confirm(ConfirmPopup { message, writes })
    }

    fn kind(&self) -> &dyn PopupKind {
        match self {
            Popup::Help(popup) => popup,
            Popup::Jump(popup) => popup,
            Popup::Health(popup) => popup,
            Popup::Note(popup) => popup,
            Popup::Owners(popup) => popup,
            Popup::Flags(popup) => popup,
            Popup::Snooze(popup) => popup,
            Popup::Confirm(popup) => popup,
            Popup::Stage(form) => form.as_ref(),
            Popup::Opportunity(form) => form.as_ref(),
            Popup::Reason(form) => form.as_ref(),
        }
    }

    fn kind_mut(&mut self) -> &mut dyn PopupKind {
        match self {
            Popup::Help(popup) => popup,
            Popup::Jump(popup) => popup,
            Popup::Health(popup) => popup,
            Popup::Note(popup) => popup,
            Popup::Owners(popup) => popup,
            Popup::Flags(popup) => popup,
            Popup::Snooze(popup) => popup,
            Popup::Confirm(popup) => popup,
            Popup::Stage(form) => form.as_mut(),
            Popup::Opportunity(form) => form.as_mut(),
            Popup::Reason(form) => form.as_mut(),
        }
    }

    /// Whether the popup is a form that takes typed text (so `q` types).
    pub fn takes_text(&self) -> bool {
        self.kind().takes_text()
    }

    /// Applies a key: its action in the popup's scope first. `today`
    /// validates snooze dates.
    pub fn key(
        &mut self,
        key: KeyEvent,
        keymap: &Keymap,
        book: &BookIndex,
        today: NaiveDate,
    ) -> Outcome {
        let action = keymap.action(self.kind().scope(), Key::from_event(key));
        if action == Some(Action::Cancel) {
            return Outcome::Close;
        }
        self.kind_mut().key(key, action, &PopupCx { book, today })
    }

    /// Pastes text into the focused field: the reason, the note (line
    /// breaks kept), a name, a date, the jump query. An error says why
    /// nothing was pasted; a paste never confirms, saves or closes.
    pub fn paste(&mut self, text: &str, book: &BookIndex) -> Result<(), String> {
        self.kind_mut().paste(text, book)
    }

    /// Draws the popup over `area`. Reads only.
    pub fn draw(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        theme: Theme,
        book: &BookIndex,
        keymap: &Keymap,
    ) {
        let (title, lines, size, cursor): Drawn<'_> = self.kind().drawn(theme, book, keymap);
        let rect = centered(area, size.0, size.1);
        frame.render_widget(Clear, rect);
        let block = Block::bordered()
            .title(Span::styled(format!(" {title} "), theme.title()))
            .border_style(theme.border(true));
        let inner = block.inner(rect);
        frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), rect);
        if let Some((x, y, prefix, input)) = cursor {
            // The same window the field's line shows (`paste::shown`).
            let width = usize::from(inner.width).saturating_sub(prefix);
            let (_, column) = paste::window(input.value(), input.cursor(), width);
            let cx = inner.x + x + u16::try_from(column).unwrap_or(0);
            if y < inner.height && cx < inner.x + inner.width {
                frame.set_cursor_position((cx, inner.y + y));
            }
        }
    }
}
