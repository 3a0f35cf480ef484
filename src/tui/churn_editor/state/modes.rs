//! How the chain editor answers an operation in each of its modes:
//! browsing the chain, picking a cause, writing a link's note, and asking
//! for a deeper cause. The state and the pieces these use are in the
//! parent module.

use super::*;

impl ChainEditor {
    pub(super) fn apply_browse(&mut self, op: EditorOp) -> EditorEffect {
        match op {
            EditorOp::FocusNext => self.focus = self.focus.step(true),
            EditorOp::FocusPrev => self.focus = self.focus.step(false),
            EditorOp::Focus(field) => self.focus = field,
            EditorOp::ToggleEvent => self.toggle_event(),
            EditorOp::Type(ch) => self.type_in_browse(ch),
            EditorOp::Backspace => self.edit_field(|text| {
                text.pop();
            }),
            EditorOp::ClearText => self.edit_field(String::clear),
            EditorOp::Up => match self.focus {
                Field::Links if self.selected > 0 => self.selected -= 1,
                Field::Links => {}
                _ => self.focus = self.focus.step(false),
            },
            EditorOp::Down => match self.focus {
                Field::Links if self.selected + 1 < self.chain.links.len() => self.selected += 1,
                Field::Links => {}
                _ => self.focus = self.focus.step(true),
            },
            EditorOp::AddLink => self.open_picker(PickTarget::Append, String::new()),
            EditorOp::InsertAbove => {
                let at = self.selected.min(self.chain.links.len());
                self.open_picker(PickTarget::Insert(at), String::new());
            }
            EditorOp::InsertBelow => {
                let at = if self.chain.links.is_empty() { 0 } else { self.selected + 1 };
                self.open_picker(PickTarget::Insert(at), String::new());
            }
            EditorOp::ChangeLink => self.change_selected(),
            EditorOp::RemoveLink => self.remove_selected(),
            EditorOp::MoveUp => self.move_selected(false),
            EditorOp::MoveDown => self.move_selected(true),
            EditorOp::EditNote => {
                if let Some(link) = self.chain.links.get(self.selected) {
                    self.focus = Field::Links;
                    self.mode = Mode::Note { index: self.selected, text: link.note.clone() };
                }
            }
            EditorOp::Confirm | EditorOp::ConfirmFreeText => match self.focus {
                Field::Links if self.chain.links.is_empty() => {
                    self.open_picker(PickTarget::Append, String::new())
                }
                Field::Links => self.change_selected(),
                Field::Event => self.toggle_event(),
                _ => self.focus = self.focus.step(true),
            },
            EditorOp::Cancel => return self.leave(),
            EditorOp::Save => return self.save(),
            EditorOp::Discard => return self.discard(),
        }
        EditorEffect::None
    }

    pub(super) fn apply_picking(&mut self, op: EditorOp) -> EditorEffect {
        let Mode::Picking { mut query, candidates, mut highlighted, target } = self.mode.clone()
        else {
            return EditorEffect::None;
        };
        match op {
            EditorOp::Type(ch) => {
                query.push(ch);
                self.open_picker(target, query);
            }
            EditorOp::Backspace => {
                query.pop();
                self.open_picker(target, query);
            }
            EditorOp::ClearText => self.open_picker(target, String::new()),
            EditorOp::Up | EditorOp::FocusPrev => {
                highlighted = highlighted.saturating_sub(1);
                self.mode = Mode::Picking { query, candidates, highlighted, target };
            }
            EditorOp::Down | EditorOp::FocusNext => {
                if highlighted + 1 < candidates.len() {
                    highlighted += 1;
                }
                self.mode = Mode::Picking { query, candidates, highlighted, target };
            }
            EditorOp::Confirm => {
                if query.trim().is_empty() {
                    self.mode = Mode::Browse;
                } else {
                    let candidate =
                        candidates.get(highlighted).copied().unwrap_or(Candidate::FreeText);
                    self.pick(candidate, &query, target);
                }
            }
            EditorOp::ConfirmFreeText => {
                if query.trim().is_empty() {
                    self.mode = Mode::Browse;
                } else {
                    self.pick(Candidate::FreeText, &query, target);
                }
            }
            EditorOp::Cancel => self.mode = Mode::Browse,
            EditorOp::Save => {
                if !query.trim().is_empty() {
                    let candidate =
                        candidates.get(highlighted).copied().unwrap_or(Candidate::FreeText);
                    self.pick(candidate, &query, target);
                }
                self.mode = Mode::Browse;
                return self.save();
            }
            // Link and field operations close the picker first, then act.
            other => {
                self.mode = Mode::Browse;
                return self.apply_browse(other);
            }
        }
        EditorEffect::None
    }

    pub(super) fn apply_note(
        &mut self,
        op: EditorOp,
        index: usize,
        mut text: String,
    ) -> EditorEffect {
        match op {
            EditorOp::Type(ch) => {
                text.push(ch);
                self.mode = Mode::Note { index, text };
            }
            EditorOp::Backspace => {
                text.pop();
                self.mode = Mode::Note { index, text };
            }
            EditorOp::ClearText => self.mode = Mode::Note { index, text: String::new() },
            EditorOp::Confirm | EditorOp::ConfirmFreeText => self.commit_note(index, text),
            EditorOp::Cancel => self.mode = Mode::Browse,
            EditorOp::Save => {
                self.commit_note(index, text);
                return self.save();
            }
            _ => {}
        }
        EditorEffect::None
    }

    pub(super) fn apply_ask_deeper(&mut self, op: EditorOp) -> EditorEffect {
        match op {
            EditorOp::Confirm | EditorOp::Save => self.finish_save(),
            EditorOp::Cancel => {
                self.mode = Mode::Browse;
                self.message = None;
                EditorEffect::None
            }
            other => {
                self.mode = Mode::Browse;
                self.message = None;
                self.apply_browse(other)
            }
        }
    }
}
