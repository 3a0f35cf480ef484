//! A book opened for reading only (the file or its folder is marked
//! read-only: a backup, an archived copy): every pane reads as usual, and
//! every action that would change the book is refused before a form opens,
//! with one status line saying why. `apply` and `u` refuse too, so nothing
//! reaches the store whatever opened the form.

use super::*;

/// The status line for a refused change.
pub(super) const REFUSAL: &str = "read-only book: nothing can be changed here (make the file writable, chmod u+w, or open a copy)";

/// The actions that change the book, directly or through the form they open.
pub(super) fn changes_the_book(action: Action) -> bool {
    matches!(
        action,
        Action::LogTouch
            | Action::NoteInEditor
            | Action::SetHealth
            | Action::EditOwners
            | Action::EditFlags
            | Action::Snooze
            | Action::AcceptSuggestion
            | Action::DismissSuggestion
            | Action::RecordChurn
            | Action::MoveStage
            | Action::StagePrev
            | Action::StageNext
            | Action::RecordOpportunity
            | Action::AdvanceOpportunity
            | Action::LoseOpportunity
            | Action::RegressOpportunity
            | Action::EditOpportunity
            | Action::MomentDone
            | Action::AddMoment
            | Action::SetPotential
            | Action::AddTrial
            | Action::RecordTakeaway
            | Action::AddSuccessPlan
            | Action::UpdatePlanValue
            | Action::AddTask
            | Action::StartPlaybook
            | Action::TaskDone
            | Action::TaskSkip
            | Action::TaskReopen
            | Action::AddContact
            | Action::EditContact
            | Action::ContactLeft
            | Action::RemoveContact
            | Action::AddReason
            | Action::RenameReason
            | Action::DescribeReason
            | Action::ToggleReasonKind
            | Action::RetireReason
            | Action::DeleteReason
            | Action::Undo
            | Action::Unsnooze
            | Action::RowDone
    )
}

impl App {
    /// The book was opened for reading only: nothing is written into it.
    pub fn read_only(&self) -> bool {
        self.store.is_read_only()
    }

    /// Refuses `action` when it would change a read-only book (true: refused).
    pub(super) fn refused_read_only(&mut self, action: Action) -> bool {
        if self.read_only() && changes_the_book(action) {
            self.refuse(REFUSAL.to_string());
            return true;
        }
        false
    }
}
