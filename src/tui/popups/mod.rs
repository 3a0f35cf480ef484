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
mod playbook;
mod rollup;
mod snooze;
mod snoozed;

pub use confirm::ConfirmPopup;
pub use flags::FlagsPopup;
pub use health::HealthPopup;
pub use help::HelpPopup;
pub use jump::JumpPopup;
pub use note::NotePopup;
pub use owners::OwnersPopup;
pub use playbook::PlaybookPopup;
pub use rollup::RollupPopup;
pub use snooze::SnoozePopup;
pub use snoozed::{SnoozedPopup, SnoozedRow};

use crate::domain::{Flags, Health};
use crate::read::book::BookIndex;
use crate::tui::action::Action;
use crate::tui::forms::four_a::{OpportunityForm, StageForm};
use crate::tui::forms::reason::ReasonForm;
use crate::tui::forms::{Drawn, FormOutcome, boxed, typed_over};
use crate::tui::keymap::{Key, Keymap, Table};
use crate::tui::paste;
use crate::tui::theme::Theme;
use crate::tui::write::Write;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::layout::Rect;
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

/// What a key did to the popup.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Keep the popup open.
    Stay,
    /// Close it, doing nothing.
    Close,
    /// Close it and apply these writes.
    Submit(Vec<Write>),
    /// Close it and open this account.
    Open(String),
}

/// A form shown as a popup: cancelling closes it, and its one write is
/// submitted alone.
impl From<FormOutcome> for Outcome {
    fn from(outcome: FormOutcome) -> Outcome {
        match outcome {
            FormOutcome::Stay => Outcome::Stay,
            FormOutcome::Cancel => Outcome::Close,
            FormOutcome::Submit(write) => Outcome::Submit(vec![write]),
        }
    }
}

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
        Table::popup(playbook::SCOPE, "Start a playbook", playbook::KEYS),
        Table::popup(snoozed::SCOPE, "Snoozed rows", snoozed::KEYS),
        Table::popup(rollup::SCOPE, "Team roll-up", rollup::KEYS),
        Table::popup(confirm::SCOPE, "Confirm", confirm::KEYS),
        Table::popup(help::SCOPE, "Help", help::KEYS),
    ]
    .into_iter()
    .chain(crate::tui::forms::key_tables())
    .collect()
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
    /// Edit the CSM and AM (boxed: it carries a bulk's accounts).
    Owners(Box<OwnersPopup>),
    /// Toggle the value flags.
    Flags(FlagsPopup),
    /// Snooze a Today row until a date (boxed: it carries a bulk's pairs).
    Snooze(Box<SnoozePopup>),
    /// What is snoozed, to bring rows back.
    Snoozed(SnoozedPopup),
    /// A pending write held until the user confirms.
    Confirm(ConfirmPopup),
    /// Move an account to another 4A stage; the reason is required.
    Stage(Box<StageForm>),
    /// Record an opportunity on an account.
    Opportunity(Box<OpportunityForm>),
    /// Add, rename or describe a churn taxonomy entry.
    Reason(Box<ReasonForm>),
    /// Start a playbook on an account.
    Playbook(Box<PlaybookPopup>),
    /// Add a task to an account.
    Task(Box<crate::tui::forms::task::TaskForm>),
    /// Mark an opportunity lost; the reason is required.
    Lost(Box<crate::tui::forms::lost::LostForm>),
    /// Add or edit a person at an account, or mark one as left.
    Contact(Box<crate::tui::forms::contact::ContactForm>),
    /// The manager's roll-up of every CSM.
    Rollup(Box<RollupPopup>),
}

fn typed(input: &mut Input, key: KeyEvent) {
    if let Some(request) = to_input_request(&Event::Key(key)) {
        input.handle(request);
    }
}

impl Popup {
    pub fn help(sections: Vec<(String, Vec<(String, &'static str)>)>) -> Popup {
        Popup::Help(HelpPopup::new(sections))
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
        Popup::Owners(Box::new(OwnersPopup::new(account_id, name, csm, am)))
    }

    pub fn flags(account_id: &str, name: &str, flags: Flags) -> Popup {
        Popup::Flags(FlagsPopup::new(account_id, name, flags))
    }

    pub fn snooze(account_id: &str, name: &str, key: &str, what: &str, today: NaiveDate) -> Popup {
        Popup::Snooze(Box::new(SnoozePopup::new(account_id, name, key, what, today)))
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
            Popup::Owners(popup) => popup.as_ref(),
            Popup::Flags(popup) => popup,
            Popup::Snooze(popup) => popup.as_ref(),
            Popup::Snoozed(popup) => popup,
            Popup::Confirm(popup) => popup,
            Popup::Stage(form) => form.as_ref(),
            Popup::Opportunity(form) => form.as_ref(),
            Popup::Reason(form) => form.as_ref(),
            Popup::Playbook(popup) => popup.as_ref(),
            Popup::Task(form) => form.as_ref(),
            Popup::Lost(form) => form.as_ref(),
            Popup::Contact(form) => form.as_ref(),
            Popup::Rollup(popup) => popup.as_ref(),
        }
    }

    fn kind_mut(&mut self) -> &mut dyn PopupKind {
        match self {
            Popup::Help(popup) => popup,
            Popup::Jump(popup) => popup,
            Popup::Health(popup) => popup,
            Popup::Note(popup) => popup,
            Popup::Owners(popup) => popup.as_mut(),
            Popup::Flags(popup) => popup,
            Popup::Snooze(popup) => popup.as_mut(),
            Popup::Snoozed(popup) => popup,
            Popup::Confirm(popup) => popup,
            Popup::Stage(form) => form.as_mut(),
            Popup::Opportunity(form) => form.as_mut(),
            Popup::Reason(form) => form.as_mut(),
            Popup::Playbook(popup) => popup.as_mut(),
            Popup::Task(form) => form.as_mut(),
            Popup::Lost(form) => form.as_mut(),
            Popup::Contact(form) => form.as_mut(),
            Popup::Rollup(popup) => popup.as_mut(),
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
        if let Popup::Help(help) = self {
            help.set_room(area.height);
        }
        if let Popup::Rollup(rollup) = self {
            rollup.set_room(area.width);
        }
        boxed(self.kind().drawn(theme, book, keymap), frame, area, theme);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Stage;
    use crate::tui::forms::four_a::StageForm;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    #[test]
    fn a_form_shown_as_a_popup_closes_on_cancel_and_submits_its_one_write() {
        assert!(matches!(Outcome::from(FormOutcome::Stay), Outcome::Stay));
        assert!(matches!(Outcome::from(FormOutcome::Cancel), Outcome::Close));
        let write = Write::Flags { account_id: "A1".into(), flags: Flags::default() };
        match Outcome::from(FormOutcome::Submit(write.clone())) {
            Outcome::Submit(writes) => assert_eq!(writes, vec![write]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_popup_hands_keys_to_the_form_and_keeps_esc_for_itself() {
        let book = BookIndex::default();
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("date");
        let keymap = Keymap::new(key_tables());
        let press = |popup: &mut Popup, code| {
            popup.key(KeyEvent::new(code, KeyModifiers::NONE), &keymap, &book, today)
        };
        let form = StageForm::new("A1", "Acme", Stage::Adoption, Stage::Absorption);
        let mut popup = Popup::Stage(Box::new(form));
        assert!(popup.takes_text());
        for c in "spreading".chars() {
            assert!(matches!(press(&mut popup, KeyCode::Char(c)), Outcome::Stay));
        }
        match press(&mut popup, KeyCode::Enter) {
            Outcome::Submit(writes) => assert_eq!(
                writes,
                vec![Write::Stage {
                    account_id: "A1".into(),
                    stage: Stage::Absorption,
                    reason: "spreading".into()
                }]
            ),
            other => panic!("{other:?}"),
        }
        let mut confirm = Popup::confirm("Sure?".into(), Vec::new());
        assert!(!confirm.takes_text());
        assert!(matches!(press(&mut confirm, KeyCode::Esc), Outcome::Close));
    }
}
