//! Every thing a user can ask the cockpit to do, as one named enum. Keys are
//! turned into actions by the keymap (`keymap/`) first; then the app's
//! `update` applies them, routing pane actions to the focused pane only.
//! Each action has a `snake_case` name (serde's), which `[keys]` in
//! `config.toml` uses to rebind it; actions no key produces (a click on a
//! column) are skipped.

use crate::metrics::calendar::CalendarMove;
use crate::read::book::Column;
use serde::{Deserialize, Serialize};

/// A user's intent, independent of the key that produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Leave the cockpit (everything is already saved).
    Quit,
    /// Show or hide the keys of the current pane.
    Help,
    /// Go to the next pane.
    NextPane,
    /// Go to the previous pane.
    PrevPane,
    /// Go to the pane at this position in the tab bar (named
    /// `go_to_pane_1` … `go_to_pane_9`, see [`Action::name`]).
    #[serde(skip)]
    GoToPane(usize),
    /// Jump to any account by fuzzy name.
    Jump,
    /// Move the selection up one row.
    Up,
    /// Move the selection down one row.
    Down,
    /// Move the selection up one page.
    PageUp,
    /// Move the selection down one page.
    PageDown,
    /// Go to the first row.
    Top,
    /// Go to the last row.
    Bottom,
    /// Open the selected row (an account, a section).
    Open,
    /// Go back: close the account, clear the search.
    Back,
    /// Type to search the list.
    Search,
    /// Search notes, account names and churn chains across the whole book.
    SearchBook,
    /// Sort by the next column.
    SortNext,
    /// Sort by the previous column.
    SortPrev,
    /// Reverse the sort direction.
    SortReverse,
    /// Sort by this column (a click on its header; no key).
    #[serde(skip)]
    SortBy(Column),
    /// Show only my book (I am CSM or AM).
    FilterMine,
    /// Show only accounts without an AM.
    FilterNoAm,
    /// Cycle the health filter: R, O, Y, G, unset, any.
    FilterHealth,
    /// Cycle the tier filter.
    FilterTier,
    /// Cycle the 4A stage filter.
    FilterStage,
    /// Cycle the renewal-within filter: 30, 60, 90, 120, 180 days, off.
    FilterRenewal,
    /// Show only accounts with a value flag.
    FilterFlagged,
    /// Clear every filter and the search.
    ClearFilters,
    /// Log a touch or note inline.
    LogTouch,
    /// Write a long note in $EDITOR.
    NoteInEditor,
    /// Set the health, with a reason.
    SetHealth,
    /// Edit the CSM and AM.
    EditOwners,
    /// Edit the value flags.
    EditFlags,
    /// Snooze the selected Today row until a date.
    Snooze,
    /// Accept the health suggestion (reason prefilled).
    AcceptSuggestion,
    /// Dismiss the health suggestion.
    DismissSuggestion,
    /// Show the next section of the account.
    NextSection,
    /// Show the previous section of the account.
    PrevSection,
    /// Record (or resume) a churn chain for the selected account.
    RecordChurn,
    /// Copy the selected account's name and id to the clipboard (OSC 52).
    CopyAccount,
    /// Churn report: cycle the period.
    ChurnPeriod,
    /// Churn report: cycle the CSM filter.
    ChurnCsm,
    /// Churn report: cycle the product filter.
    ChurnProduct,
    /// Churn report: by root cause, or by any link.
    ChurnBreakdown,
    /// Churn: show the taxonomy to edit it.
    ChurnTaxonomy,
    /// Explain what each number of the section means and how it is computed.
    Explain,
    /// Move the metrics period one month earlier.
    PeriodEarlier,
    /// Move the metrics period one month later.
    PeriodLater,
    /// Start the metrics period one month earlier (a longer period).
    PeriodLonger,
    /// Start the metrics period one month later (a shorter period).
    PeriodShorter,
    /// Move to the column on the left (the 4A board).
    Left,
    /// Move to the column on the right (the 4A board).
    Right,
    /// Move the selected account to another 4A stage, with a reason.
    MoveStage,
    /// Move the selected account to the previous 4A stage, with a reason.
    StagePrev,
    /// Move the selected account to the next 4A stage, with a reason.
    StageNext,
    /// Show or hide the stage suggestions that differ from the set stage.
    ToggleSuggestions,
    /// Cycle the AM (hunter) filter.
    FilterAm,
    /// Cycle the product filter.
    FilterProduct,
    /// Record an opportunity (upsell or cross-sell) on the selected account.
    RecordOpportunity,
    /// Advance the selected account's open opportunity to its next stage.
    AdvanceOpportunity,
    /// Mark the selected account's open opportunity lost.
    LoseOpportunity,
    /// Move the selected opportunity a stage back (a closed one reopens at commit).
    RegressOpportunity,
    /// Edit the selected opportunity (amount, close date, owner, next step).
    EditOpportunity,
    /// Targets: show the pipeline (every opportunity by stage), or the targets again.
    ShowPipeline,
    /// Targets: show the cross-sell adoption grid (product × segment), or hide it.
    ShowCrossSell,
    /// Cycle the opportunity owner filter.
    FilterOwner,
    /// Calendar: move the cursor a day back.
    PreviousDay,
    /// Calendar: move the cursor a day on.
    NextDay,
    /// Calendar: move the cursor a week back.
    PreviousWeek,
    /// Calendar: move the cursor a week on.
    NextWeek,
    /// Calendar: move the cursor a month back.
    PreviousMonth,
    /// Calendar: move the cursor a month on.
    NextMonth,
    /// Calendar: move the cursor to today.
    GoToToday,
    /// Switch the calendar between the month grid and the forecast.
    ToggleForecast,
    /// Show only renewals inside a renewal window.
    FilterInWindow,
    /// Show only at-risk (red and orange) accounts.
    FilterAtRisk,
    /// Cycle the agenda between the selected day, its week and its month.
    AgendaSpan,
    /// Mark the selected moment done (logs a touch).
    MomentDone,
    /// Add a one-off moment for the selected account.
    AddMoment,
    /// Show the forecast of the next CSM (then the book).
    NextCsm,
    /// Set the potential units of the selected product (or the account's default).
    SetPotential,
    /// Record a trial or proof of value on the account.
    AddTrial,
    /// Record the selected trial's takeaway test (passed, failed, not yet) with a note.
    RecordTakeaway,
    /// Create a success plan on the account.
    AddSuccessPlan,
    /// Record the selected success plan's current value.
    UpdatePlanValue,
    /// Add a task to the account by hand.
    AddTask,
    /// Start a playbook on the account (the picker).
    StartPlaybook,
    /// Mark the selected task or step done.
    TaskDone,
    /// Mark the selected task or step skipped.
    TaskSkip,
    /// Open the selected task or step again.
    TaskReopen,
    /// Add a person to the account (the People section).
    AddContact,
    /// Edit the selected person.
    EditContact,
    /// Mark the selected person as left, on a day (today unless changed).
    ContactLeft,
    /// Take the selected person off the account's list (asks first).
    RemoveContact,
    /// A form or popup: save what was entered.
    Save,
    /// A form or popup: close it, saving nothing.
    Cancel,
    /// A form: go to the next field.
    NextField,
    /// A form: go to the previous field.
    PrevField,
    /// A form: the field's next choice (a health, a kind of note).
    NextChoice,
    /// A form: the field's previous choice.
    PrevChoice,
    /// A form: switch the selected item on or off (a value flag).
    Toggle,
    /// A confirmation: go ahead with the held change.
    Confirm,
    /// The health form: red.
    PickRed,
    /// The health form: orange.
    PickOrange,
    /// The health form: yellow.
    PickYellow,
    /// The health form: green.
    PickGreen,
    /// The chain editor: keep the typed words as free text.
    KeepFreeText,
    /// The chain editor: clear the text being typed.
    ClearText,
    /// The chain editor: add a link at the end of the chain.
    AddLink,
    /// The chain editor: insert a link above the selected one (nearer).
    InsertLinkAbove,
    /// The chain editor: insert a link below the selected one (deeper).
    InsertLinkBelow,
    /// The chain editor: change the selected link.
    ChangeLink,
    /// The chain editor: remove the selected link.
    RemoveLink,
    /// The chain editor: move the selected link nearer the event.
    MoveLinkUp,
    /// The chain editor: move the selected link deeper.
    MoveLinkDown,
    /// The chain editor: write the selected link's note.
    EditNote,
    /// The chain editor: churned or contracted.
    ToggleEvent,
    /// The chain editor: discard the draft (asks once).
    Discard,
    /// The churn taxonomy: add an entry.
    AddReason,
    /// The churn taxonomy: rename the selected entry.
    RenameReason,
    /// The churn taxonomy: change the selected entry's description.
    DescribeReason,
    /// The churn taxonomy: mark the selected cause controllable or not.
    ToggleReasonKind,
    /// The churn taxonomy: retire or restore the selected entry.
    RetireReason,
    /// The churn taxonomy: delete the selected entry (no chain uses it).
    DeleteReason,
    /// Undo the last action taken since the cockpit opened (again: the one before).
    Undo,
    /// Mark or unmark the selected row for a bulk action.
    MarkRow,
    /// Show only the rows with a reason of the next kind.
    FilterReason,
    /// Cover my accounts, my team's, or everyone's.
    ToggleReach,
    /// List what is snoozed, to bring rows back.
    ShowSnoozed,
    /// Bring the selected snoozed row back.
    Unsnooze,
    /// Today: mark the row's overdue moment (logs a touch) or due task (its
    /// step due soonest) done; with rows marked, those of every marked row.
    RowDone,
    /// The manager's roll-up: every CSM's Today, forecast and the team's churn.
    TeamRollup,
}

impl Action {
    /// The name `[keys]` uses: serde's `snake_case` name, or
    /// `go_to_pane_N` for the pane keys.
    pub fn name(self) -> String {
        match self {
            Action::GoToPane(index) => format!("go_to_pane_{}", index + 1),
            other => match serde_json::to_value(other) {
                Ok(serde_json::Value::String(name)) => name,
                _ => format!("{other:?}"),
            },
        }
    }

    /// The action named `name` (see [`Action::name`]).
    pub fn from_name(name: &str) -> Option<Action> {
        if let Some(number) = name.strip_prefix("go_to_pane_") {
            return match number.parse::<usize>() {
                Ok(n @ 1..=9) => Some(Action::GoToPane(n - 1)),
                _ => None,
            };
        }
        use serde::de::value::{Error, StrDeserializer};
        Action::deserialize(StrDeserializer::<Error>::new(name)).ok()
    }

    /// The calendar move this action makes, if it is one.
    pub fn calendar_move(self) -> Option<CalendarMove> {
        Some(match self {
            Action::PreviousDay => CalendarMove::PreviousDay,
            Action::NextDay => CalendarMove::NextDay,
            Action::PreviousWeek => CalendarMove::PreviousWeek,
            Action::NextWeek => CalendarMove::NextWeek,
            Action::PreviousMonth => CalendarMove::PreviousMonth,
            Action::NextMonth => CalendarMove::NextMonth,
            Action::GoToToday => CalendarMove::Today,
            _ => return None,
        })
    }

    /// A short description for the help and the footer.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::NextPane => "next pane",
            Action::PrevPane => "previous pane",
            Action::GoToPane(_) => "go to pane",
            Action::Jump => "jump to account",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "first row",
            Action::Bottom => "last row",
            Action::Open => "open",
            Action::Back => "back",
            Action::Search => "search",
            Action::SearchBook => "search notes, names and chains in the whole book",
            Action::SortNext => "sort: next column",
            Action::SortPrev => "sort: previous column",
            Action::SortReverse => "sort: reverse",
            Action::SortBy(_) => "sort by column",
            Action::FilterMine => "filter: my book",
            Action::FilterNoAm => "filter: no AM",
            Action::FilterHealth => "filter: health",
            Action::FilterTier => "filter: tier",
            Action::FilterStage => "filter: 4A stage",
            Action::FilterRenewal => "filter: renews within",
            Action::FilterFlagged => "filter: value flags",
            Action::ClearFilters => "clear filters",
            Action::LogTouch => "log touch/note",
            Action::NoteInEditor => "note in $EDITOR",
            Action::SetHealth => "set health",
            Action::EditOwners => "edit owners",
            Action::EditFlags => "edit flags",
            Action::Snooze => "snooze",
            Action::AcceptSuggestion => "accept suggestion",
            Action::DismissSuggestion => "dismiss suggestion",
            Action::NextSection => "next section",
            Action::PrevSection => "previous section",
            Action::RecordChurn => "record churn chain",
            Action::CopyAccount => "copy name and id",
            Action::ChurnPeriod => "churn: period",
            Action::ChurnCsm => "churn: CSM",
            Action::ChurnProduct => "churn: product",
            Action::ChurnBreakdown => "churn: root cause / any link",
            Action::ChurnTaxonomy => "churn: edit the taxonomy of causes",
            Action::Explain => "explain the numbers",
            Action::PeriodEarlier => "period: one month earlier",
            Action::PeriodLater => "period: one month later",
            Action::PeriodLonger => "period: start a month earlier",
            Action::PeriodShorter => "period: start a month later",
            Action::Left => "previous column",
            Action::Right => "next column",
            Action::MoveStage => "move to stage… (reason)",
            Action::StagePrev => "move to previous stage",
            Action::StageNext => "move to next stage",
            Action::ToggleSuggestions => "stage suggestions",
            Action::FilterAm => "filter: AM",
            Action::FilterProduct => "filter: product",
            Action::RecordOpportunity => "record opportunity",
            Action::AdvanceOpportunity => "advance opportunity",
            Action::LoseOpportunity => "mark opportunity lost",
            Action::RegressOpportunity => "move opportunity a stage back",
            Action::EditOpportunity => "edit opportunity (amount, close, owner, next step)",
            Action::ShowPipeline => "pipeline ⇄ targets",
            Action::ShowCrossSell => "cross-sell adoption grid",
            Action::FilterOwner => "filter: opportunity owner",
            Action::PreviousDay => "previous day",
            Action::NextDay => "next day",
            Action::PreviousWeek => "previous week",
            Action::NextWeek => "next week",
            Action::PreviousMonth => "previous month",
            Action::NextMonth => "next month",
            Action::GoToToday => "today",
            Action::ToggleForecast => "calendar / forecast",
            Action::FilterInWindow => "filter: in a renewal window",
            Action::FilterAtRisk => "filter: at risk (red, orange)",
            Action::AgendaSpan => "agenda: day, week, month",
            Action::MomentDone => "mark moment done (logs a touch)",
            Action::AddMoment => "add a moment",
            Action::NextCsm => "forecast: next CSM",
            Action::SetPotential => "set potential units (product or account)",
            Action::AddTrial => "add a trial",
            Action::RecordTakeaway => "record a trial's takeaway test",
            Action::AddSuccessPlan => "add a success plan",
            Action::UpdatePlanValue => "update a success plan's current value",
            Action::AddTask => "add a task",
            Action::StartPlaybook => "start a playbook",
            Action::TaskDone => "mark task or step done",
            Action::TaskSkip => "mark task or step skipped",
            Action::TaskReopen => "reopen task or step",
            Action::AddContact => "add a person",
            Action::EditContact => "edit the selected person",
            Action::ContactLeft => "mark the selected person as left (or back)",
            Action::RemoveContact => "remove the selected person",
            Action::Save => "save",
            Action::Cancel => "cancel",
            Action::NextField => "next field",
            Action::PrevField => "previous field",
            Action::NextChoice => "next choice",
            Action::PrevChoice => "previous choice",
            Action::Toggle => "toggle",
            Action::Confirm => "confirm",
            Action::PickRed => "red",
            Action::PickOrange => "orange",
            Action::PickYellow => "yellow",
            Action::PickGreen => "green",
            Action::KeepFreeText => "keep the typed words as free text",
            Action::ClearText => "clear the text being typed",
            Action::AddLink => "add a link at the end",
            Action::InsertLinkAbove => "insert a link above (nearer)",
            Action::InsertLinkBelow => "insert a link below (deeper)",
            Action::ChangeLink => "change the selected link",
            Action::RemoveLink => "remove the selected link",
            Action::MoveLinkUp => "move the link nearer",
            Action::MoveLinkDown => "move the link deeper",
            Action::EditNote => "write the selected link's note",
            Action::ToggleEvent => "churned or contracted",
            Action::Discard => "discard the draft (asks once)",
            Action::AddReason => "add an entry",
            Action::RenameReason => "rename the entry",
            Action::DescribeReason => "describe the entry",
            Action::ToggleReasonKind => "controllable or uncontrollable",
            Action::RetireReason => "retire or restore the entry",
            Action::DeleteReason => "delete the entry (no chain uses it)",
            Action::Undo => "undo the last action (again: the one before)",
            Action::MarkRow => "mark the row (bulk: z H o d act on all marked)",
            Action::FilterReason => "filter: reason kind",
            Action::ToggleReach => "mine / my team / all",
            Action::ShowSnoozed => "snoozed rows (bring back)",
            Action::Unsnooze => "bring the row back",
            Action::RowDone => "mark done: the row's overdue moment (logs a touch) or due task",
            Action::TeamRollup => "team roll-up (every CSM's Today, forecast, churn)",
        }
    }

    /// A one-word hint for the footer.
    pub fn hint(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Jump => "jump",
            Action::Open => "open",
            Action::Back => "back",
            Action::Search => "search",
            Action::SearchBook => "search all",
            Action::SortNext => "sort",
            Action::SortReverse => "reverse",
            Action::FilterMine => "mine",
            Action::FilterNoAm => "no AM",
            Action::LogTouch => "touch",
            Action::SetHealth => "health",
            Action::Snooze => "snooze",
            Action::AcceptSuggestion => "accept",
            Action::DismissSuggestion => "dismiss",
            Action::NextSection => "section",
            Action::RecordChurn => "churn",
            Action::CopyAccount => "copy",
            Action::ChurnPeriod => "period",
            Action::ChurnCsm => "CSM",
            Action::ChurnProduct => "product",
            Action::ChurnBreakdown => "root/any",
            Action::ChurnTaxonomy => "taxonomy",
            Action::Explain => "explain",
            Action::PeriodEarlier => "period",
            Action::PeriodLonger => "longer",
            Action::MoveStage => "move",
            Action::ToggleSuggestions => "suggestions",
            Action::RecordOpportunity => "opportunity",
            Action::AdvanceOpportunity => "advance",
            Action::RegressOpportunity => "back",
            Action::LoseOpportunity => "lost",
            Action::EditOpportunity => "edit",
            Action::ShowPipeline => "pipeline",
            Action::ShowCrossSell => "cross-sell",
            Action::FilterOwner => "owner",
            Action::ToggleForecast => "forecast",
            Action::FilterInWindow => "in window",
            Action::FilterAtRisk => "at risk",
            Action::AgendaSpan => "span",
            Action::MomentDone => "done",
            Action::RowDone => "done",
            Action::AddMoment => "add moment",
            Action::NextCsm => "CSM",
            Action::SetPotential => "potential",
            Action::AddTrial => "trial",
            Action::RecordTakeaway => "takeaway",
            Action::AddSuccessPlan => "plan",
            Action::UpdatePlanValue => "plan value",
            Action::AddTask => "task",
            Action::StartPlaybook => "playbook",
            Action::TaskDone => "done",
            Action::TaskSkip => "skip",
            Action::AddContact => "add person",
            Action::EditContact => "edit",
            Action::ContactLeft => "left",
            Action::RemoveContact => "remove",
            Action::Undo => "undo",
            Action::MarkRow => "mark",
            Action::FilterReason => "reason",
            Action::ToggleReach => "mine/team/all",
            Action::ShowSnoozed => "snoozed",
            Action::Unsnooze => "bring back",
            Action::TeamRollup => "roll-up",
            other => other.describe(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_snake_case_and_read_back() {
        for action in [
            Action::Quit,
            Action::RecordOpportunity,
            Action::GoToPane(2),
            Action::GoToToday,
            Action::NoteInEditor,
        ] {
            assert_eq!(Action::from_name(&action.name()), Some(action), "{action:?}");
        }
        assert_eq!(Action::RecordOpportunity.name(), "record_opportunity");
        assert_eq!(Action::GoToPane(2).name(), "go_to_pane_3");
        assert_eq!(Action::from_name("go_to_pane_0"), None);
        assert_eq!(Action::from_name("sort_by"), None, "a click's action has no name");
        assert_eq!(Action::from_name("RecordOpportunity"), None);
    }
}
