//! The chain editor as a pure state machine: the pane draws what it exposes
//! and maps keys to [`EditorOp`]s; [`ChainEditor::apply`] changes the state
//! and returns what the caller must do ([`EditorEffect`]: save, or leave with
//! a draft). No terminal and no store here, so every path is tested by
//! driving operations.
//!
//! Designed for speed: a new chain opens with the picker ready; typing a few
//! letters ranks the live taxonomy, Enter takes the best match and opens the
//! picker for the next link, Enter on an empty query closes it, and Save
//! takes any half-typed pick before saving. A 4-link chain is about 30 keys.

mod modes;
mod ops;
mod picker;
#[cfg(test)]
mod tests;

pub use ops::{EditorEffect, EditorOp, Field, Level, Message, Mode, PickTarget, PickerRow};
pub use picker::Candidate;

use crate::domain::churn::chain::{ChainLink, ChainStatus, ChurnChain, ChurnEvent, LinkCause};
use crate::domain::churn::prefill::{EventProposal, Prefill};
use crate::domain::churn::taxonomy::{Reason, ReasonKind};
use crate::domain::{Money, day_text};
use chrono::NaiveDate;
use nucleo_matcher::{Config, Matcher};

/// The editor's whole state.
#[derive(Debug, Clone)]
pub struct ChainEditor {
    chain: ChurnChain,
    /// The live taxonomy in picker order: causes first, then terminal events.
    reasons: Vec<Reason>,
    date_text: String,
    arr_text: String,
    focus: Field,
    selected: usize,
    mode: Mode,
    message: Option<Message>,
    dirty: bool,
    /// Set when Esc was pressed once on unsaved edits of a saved chain.
    discard_armed: bool,
    /// Set when Discard was pressed once; the next Discard throws the draft away.
    drop_draft_armed: bool,
    matcher: Matcher,
    /// The day a relative date (`-3d`, `fri`) counts from; without it only
    /// `YYYY-MM-DD` is a date.
    today: Option<NaiveDate>,
}

impl ChainEditor {
    /// A new chain for an account, prefilled from the snapshot proposal when
    /// there is one (else churned today with nothing lost), picker open.
    pub fn new(
        account_id: impl Into<String>,
        taxonomy: &[Reason],
        proposal: Option<EventProposal>,
        today: NaiveDate,
    ) -> ChainEditor {
        ChainEditor::prefilled(account_id, taxonomy, proposal.map(Prefill::Drop), today)
    }

    /// A new chain for an account, prefilled with what the book says: the
    /// drop in its snapshots, or the renewal a customer just said no to.
    pub fn prefilled(
        account_id: impl Into<String>,
        taxonomy: &[Reason],
        prefill: Option<Prefill>,
        today: NaiveDate,
    ) -> ChainEditor {
        let chain = match prefill {
            Some(p) => ChurnChain::new(account_id, p.event(), p.date(), p.arr_lost()),
            None => ChurnChain::new(account_id, ChurnEvent::Churned, today, Money::ZERO),
        };
        let mut editor = ChainEditor::open(chain, taxonomy).counting_from(today);
        let text = match prefill {
            Some(Prefill::Drop(p)) => Some(format!(
                "From the snapshots: ARR {} → {} ({} lost); check the date and amount",
                p.arr_before, p.arr_after, p.arr_lost
            )),
            Some(Prefill::SaidNo { date, arr }) => Some(format!(
                "ARR still on the books: the renewal of {date} puts {arr} at stake; check the date and amount"
            )),
            None => None,
        };
        if let Some(text) = text {
            editor.message = Some(Message { level: Level::Info, text });
        }
        editor
    }

    /// Opens an existing draft or saved chain. A chain with no links opens
    /// with the picker ready.
    pub fn open(chain: ChurnChain, taxonomy: &[Reason]) -> ChainEditor {
        let mut editor = ChainEditor {
            date_text: chain.event_date.format("%Y-%m-%d").to_string(),
            arr_text: chain.arr_lost.to_plain(),
            chain,
            reasons: Vec::new(),
            focus: Field::Links,
            selected: 0,
            mode: Mode::Browse,
            message: None,
            dirty: false,
            discard_armed: false,
            drop_draft_armed: false,
            matcher: Matcher::new(Config::DEFAULT),
            today: None,
        };
        editor.set_taxonomy(taxonomy);
        if editor.chain.links.is_empty() {
            editor.open_picker(PickTarget::Append, String::new());
        }
        editor
    }

    /// Lets the date be typed relative to `today` (`yesterday`, `-2w`, `fri`).
    pub fn counting_from(mut self, today: NaiveDate) -> ChainEditor {
        self.today = Some(today);
        self
    }

    /// The day the typed date means, beside the field (`→ Fri 2026-12-11 ·
    /// 3 days ago`); `None` when the text is no date.
    pub fn date_echo(&self) -> Option<String> {
        let today = self.today?;
        day_text::echo(&self.date_text, today)
    }

    /// The date the typed text means.
    fn parse_date(&self, text: &str) -> Result<NaiveDate, day_text::DayTextError> {
        match self.today {
            Some(today) => day_text::parse(text, today),
            None => crate::domain::day::Day::parse(text)
                .map(|day| day.date())
                .map_err(|_| day_text::DayTextError::Unknown(text.trim().to_string())),
        }
    }

    /// Replaces the taxonomy the picker offers (retired entries are hidden;
    /// links already in the chain keep their labels).
    pub fn set_taxonomy(&mut self, taxonomy: &[Reason]) {
        let mut live: Vec<Reason> = taxonomy.iter().filter(|r| !r.retired).cloned().collect();
        live.sort_by_key(|r| r.kind == ReasonKind::Terminal);
        self.reasons = live;
        if let Mode::Picking { query, target, .. } = &self.mode {
            let (query, target) = (query.clone(), *target);
            self.open_picker(target, query);
        }
    }

    // ---- what the pane draws ----

    pub fn chain(&self) -> &ChurnChain {
        &self.chain
    }

    /// The whole chain as one sentence, always up to date.
    pub fn sentence(&self) -> String {
        self.chain.sentence()
    }

    pub fn focus(&self) -> Field {
        self.focus
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// The selected link's index (0 when there are none).
    pub fn selected(&self) -> usize {
        self.selected
    }

    pub fn date_text(&self) -> &str {
        &self.date_text
    }

    pub fn arr_text(&self) -> &str {
        &self.arr_text
    }

    pub fn message(&self) -> Option<&Message> {
        self.message.as_ref()
    }

    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// The picker's rows in order (empty when the picker is closed).
    pub fn picker_rows(&self) -> Vec<PickerRow> {
        let Mode::Picking { query, candidates, .. } = &self.mode else {
            return Vec::new();
        };
        candidates
            .iter()
            .filter_map(|candidate| match candidate {
                Candidate::Reason(index) => self.reasons.get(*index).map(|r| PickerRow {
                    label: r.label.clone(),
                    description: r.description.clone(),
                    kind: Some(r.kind),
                    free_text: false,
                }),
                Candidate::FreeText => Some(PickerRow {
                    label: query.clone(),
                    description: "free text (not in the taxonomy)".to_string(),
                    kind: None,
                    free_text: true,
                }),
            })
            .collect()
    }

    /// What stops a save right now, one line each: bad date, bad amount, the etiology rule.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(error) = self.parse_date(&self.date_text) {
            problems.push(format!("date: {error}"));
        }
        match Money::parse_non_negative(&self.arr_text) {
            Ok(_) => {}
            Err(error @ crate::domain::money::MoneyError::TooLarge(_)) => {
                problems.push(format!("ARR lost {error}"));
            }
            Err(_) => problems.push(format!(
                "ARR lost {:?} is not an amount: type e.g. 12000 or 12000.50 (0 if none)",
                self.arr_text
            )),
        }
        if let Err(error) = self.chain.check_etiology() {
            problems.push(error.to_string());
        }
        problems
    }

    /// The soft check's question, when the root cause is uncontrollable.
    pub fn deeper_question(&self) -> Option<String> {
        self.chain.deeper_question()
    }

    // ---- what the caller reports back ----

    /// The store kept the chain under `id`.
    pub fn mark_saved(&mut self, id: i64) {
        self.chain.id = Some(id);
        self.chain.status = ChainStatus::Saved;
        self.dirty = false;
        self.mode = Mode::Browse;
        self.say(Level::Info, format!("Saved: {}", self.chain.sentence()));
    }

    /// The store refused the chain; show why.
    pub fn show_error(&mut self, text: impl Into<String>) {
        self.mode = Mode::Browse;
        self.say(Level::Error, text.into());
    }

    // ---- operations ----

    /// Applies one operation. Never panics, whatever the sequence.
    pub fn apply(&mut self, op: EditorOp) -> EditorEffect {
        if op != EditorOp::Cancel {
            self.discard_armed = false;
        }
        if op != EditorOp::Discard {
            self.drop_draft_armed = false;
        }
        match self.mode.clone() {
            Mode::Picking { .. } => self.apply_picking(op),
            Mode::Note { index, text } => self.apply_note(op, index, text),
            Mode::AskDeeper => self.apply_ask_deeper(op),
            Mode::Browse => self.apply_browse(op),
        }
    }

    /// Pasted text, whole, into what is being typed: a link's note, the
    /// picker's query, or the date, ARR or product; `false` where nothing
    /// takes text (the event, the soft check). The caller passes one line.
    pub fn paste(&mut self, text: &str) -> bool {
        self.discard_armed = false;
        match &mut self.mode {
            Mode::Note { text: note, .. } => note.push_str(text),
            Mode::Picking { query, target, .. } => {
                let (target, mut query) = (*target, std::mem::take(query));
                query.push_str(text);
                self.open_picker(target, query);
            }
            Mode::AskDeeper => return false,
            Mode::Browse => match self.focus {
                Field::Links => self.open_picker(PickTarget::Append, text.to_string()),
                Field::Event => return false,
                _ => self.edit_field(|field| field.push_str(text)),
            },
        }
        true
    }

    // ---- the pieces ----

    fn say(&mut self, level: Level, text: String) {
        self.message = Some(Message { level, text });
    }

    fn changed(&mut self) {
        self.dirty = true;
        self.message = None;
    }

    fn toggle_event(&mut self) {
        self.chain.event = self.chain.event.other();
        self.changed();
    }

    fn type_in_browse(&mut self, ch: char) {
        match self.focus {
            Field::Links => self.open_picker(PickTarget::Append, ch.to_string()),
            Field::Event => {
                if ch == ' ' {
                    self.toggle_event();
                }
            }
            _ => self.edit_field(|text| text.push(ch)),
        }
    }

    /// Edits the focused header text and keeps the chain in step when it parses.
    fn edit_field(&mut self, edit: impl FnOnce(&mut String)) {
        match self.focus {
            Field::Date => {
                edit(&mut self.date_text);
                if let Ok(date) = self.parse_date(&self.date_text) {
                    self.chain.event_date = date;
                }
            }
            Field::ArrLost => {
                edit(&mut self.arr_text);
                if let Ok(amount) = Money::parse_non_negative(&self.arr_text) {
                    self.chain.arr_lost = amount;
                }
            }
            Field::Product => edit(&mut self.chain.product),
            Field::Links | Field::Event => return,
        }
        self.changed();
    }

    fn open_picker(&mut self, target: PickTarget, query: String) {
        self.focus = Field::Links;
        let candidates = picker::rank(&self.reasons, &query, &mut self.matcher);
        self.mode = Mode::Picking { query, candidates, highlighted: 0, target };
    }

    fn pick(&mut self, candidate: Candidate, query: &str, target: PickTarget) {
        let picked = match candidate {
            Candidate::Reason(index) => self.reasons.get(index).map(ChainLink::reason),
            Candidate::FreeText => None,
        };
        let mut link = picked.unwrap_or_else(|| ChainLink::free_text(query));
        let len = self.chain.links.len();
        match target {
            PickTarget::Append => {
                self.chain.links.push(link);
                self.selected = len;
            }
            PickTarget::Insert(at) => {
                let at = at.min(len);
                self.chain.links.insert(at, link);
                self.selected = at;
            }
            PickTarget::Replace(at) => match self.chain.links.get_mut(at) {
                Some(existing) => {
                    link.note = std::mem::take(&mut existing.note);
                    *existing = link;
                    self.selected = at;
                }
                None => {
                    self.chain.links.push(link);
                    self.selected = len;
                }
            },
        }
        self.changed();
        if let Some(link) = self.chain.links.get(self.selected).filter(|l| l.is_free_text()) {
            let text =
                format!("\"{}\" kept as free text (flagged; not in the taxonomy)", link.label());
            self.say(Level::Warning, text);
        }
        match target {
            PickTarget::Append => self.open_picker(PickTarget::Append, String::new()),
            _ => self.mode = Mode::Browse,
        }
    }

    fn change_selected(&mut self) {
        if let Some(link) = self.chain.links.get(self.selected) {
            let query = match &link.cause {
                LinkCause::FreeText(text) => text.clone(),
                LinkCause::Reason { .. } => String::new(),
            };
            self.open_picker(PickTarget::Replace(self.selected), query);
        }
    }

    fn remove_selected(&mut self) {
        if self.selected < self.chain.links.len() {
            self.chain.links.remove(self.selected);
            self.selected = self.selected.min(self.chain.links.len().saturating_sub(1));
            self.changed();
        }
    }

    fn move_selected(&mut self, deeper: bool) {
        let len = self.chain.links.len();
        let from = self.selected;
        let to = if deeper { from + 1 } else { from.wrapping_sub(1) };
        if from < len && to < len {
            self.chain.links.swap(from, to);
            self.selected = to;
            self.changed();
        }
    }

    fn commit_note(&mut self, index: usize, text: String) {
        if let Some(link) = self.chain.links.get_mut(index)
            && link.note != text
        {
            link.note = text;
            self.changed();
        }
        self.mode = Mode::Browse;
    }

    fn save(&mut self) -> EditorEffect {
        let problems = self.problems();
        if let Some(first) = problems.into_iter().next() {
            self.say(Level::Error, first);
            return EditorEffect::None;
        }
        if let Some(question) = self.chain.deeper_question() {
            self.mode = Mode::AskDeeper;
            self.say(Level::Warning, question);
            return EditorEffect::None;
        }
        self.finish_save()
    }

    fn finish_save(&mut self) -> EditorEffect {
        self.mode = Mode::Browse;
        let mut chain = self.chain.clone();
        chain.status = ChainStatus::Saved;
        EditorEffect::Save(chain)
    }

    /// A draft (or a chain never stored) can be thrown away, after one
    /// confirmation; a saved chain cannot.
    fn discard(&mut self) -> EditorEffect {
        if self.chain.status == ChainStatus::Saved && self.chain.id.is_some() {
            self.say(
                Level::Warning,
                "A saved chain is kept: Esc leaves it as it was saved".to_string(),
            );
            return EditorEffect::None;
        }
        if !self.drop_draft_armed {
            self.drop_draft_armed = true;
            let what = if self.chain.id.is_some() { "this draft" } else { "this new chain" };
            self.say(
                Level::Warning,
                format!("Discard {what}? Ctrl-X again throws it away; any other key keeps it"),
            );
            return EditorEffect::None;
        }
        self.drop_draft_armed = false;
        EditorEffect::Discard { draft_id: self.chain.id }
    }

    fn leave(&mut self) -> EditorEffect {
        if !self.dirty {
            return EditorEffect::Leave { draft: None };
        }
        if self.chain.status == ChainStatus::Saved && !self.discard_armed {
            // A saved chain is never overwritten by a draft: save the edit or drop it.
            self.discard_armed = true;
            self.say(
                Level::Warning,
                "Unsaved changes to a saved chain: Save to keep them, Esc again to discard"
                    .to_string(),
            );
            return EditorEffect::None;
        }
        if self.chain.status == ChainStatus::Saved {
            return EditorEffect::Leave { draft: None };
        }
        let mut draft = self.chain.clone();
        draft.status = ChainStatus::Draft;
        EditorEffect::Leave { draft: Some(draft) }
    }
}
