//! The editor's vocabulary: its fields, modes, operations, effects and
//! messages — what the pane reads and what it sends. No behaviour beyond
//! field order lives here; `ChainEditor::apply` owns the transitions.

use super::picker::Candidate;
use crate::domain::churn::chain::ChurnChain;
use crate::domain::churn::taxonomy::ReasonKind;

/// The header fields and the chain, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Links,
    Event,
    Date,
    ArrLost,
    Product,
}

impl Field {
    const ORDER: [Field; 5] =
        [Field::Links, Field::Event, Field::Date, Field::ArrLost, Field::Product];

    pub(super) fn step(self, forward: bool) -> Field {
        let index = Self::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        let len = Self::ORDER.len();
        let next = if forward { (index + 1) % len } else { (index + len - 1) % len };
        Self::ORDER[next]
    }
}

/// Where a picked reason goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickTarget {
    /// After the last link; the picker reopens for the next one.
    Append,
    /// A new link at this index.
    Insert(usize),
    /// Replaces the link at this index.
    Replace(usize),
}

/// What the editor is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Moving around the fields and links.
    Browse,
    /// Choosing a link: the query typed so far, the ranked rows, the highlighted row.
    Picking { query: String, candidates: Vec<Candidate>, highlighted: usize, target: PickTarget },
    /// Writing the note of the link at `index`.
    Note { index: usize, text: String },
    /// The soft check: the root cause is uncontrollable; save as is, or add a deeper cause.
    AskDeeper,
}

/// Every operation the pane can ask for. Keys map to these; nothing else changes the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorOp {
    /// Next field (Tab).
    FocusNext,
    /// Previous field (Shift-Tab).
    FocusPrev,
    /// Jump to a field.
    Focus(Field),
    /// Switch between churned and contracted.
    ToggleEvent,
    /// A typed character: into the focused text, the picker query or the note.
    /// On the chain, it opens the picker for a new last link.
    Type(char),
    /// Deletes the last character of the text being typed.
    Backspace,
    /// Empties the text being typed.
    ClearText,
    /// Previous picker row, previous link, or previous field.
    Up,
    /// Next picker row, next link, or next field.
    Down,
    /// Opens the picker for a new last link.
    AddLink,
    /// Opens the picker for a new link just before the selected one (nearer the event).
    InsertAbove,
    /// Opens the picker for a new link just after the selected one (deeper).
    InsertBelow,
    /// Opens the picker to replace the selected link.
    ChangeLink,
    /// Removes the selected link.
    RemoveLink,
    /// Moves the selected link nearer the event.
    MoveUp,
    /// Moves the selected link deeper.
    MoveDown,
    /// Writes the selected link's note.
    EditNote,
    /// Enter: take the highlighted row, keep the note, answer the soft check, or move on.
    Confirm,
    /// Take the typed words as free text even when a reason matches.
    ConfirmFreeText,
    /// Esc: close the picker or note, else leave the editor (keeping a draft).
    Cancel,
    /// Save the chain (the etiology rule applies; the soft check asks once).
    Save,
    /// Throw the draft (or the new chain) away; asks once, the second press does it.
    Discard,
}

/// What the caller must do after an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorEffect {
    None,
    /// Store this chain as saved, then call [`ChainEditor::mark_saved`].
    Save(ChurnChain),
    /// Close the editor; keep this draft if there is one.
    Leave {
        draft: Option<ChurnChain>,
    },
    /// Close the editor and delete the stored draft with this id, if any.
    Discard {
        draft_id: Option<i64>,
    },
}

/// How a message should read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// The one-line message under the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub level: Level,
    pub text: String,
}

/// A picker row as the pane shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickerRow {
    pub label: String,
    pub description: String,
    /// `None` for the free-text row.
    pub kind: Option<ReasonKind>,
    pub free_text: bool,
}
