//! The two small forms of the 4A panes, shown as popups: moving an account
//! to another stage (the one-line reason is required) and recording an
//! opportunity (product, ARR, stage, kind, owner, close date, next step),
//! or editing one (its stage moves by keys, not here). A form checks
//! what was typed and answers with the typed [`Write`]; it never touches the
//! store. Their control keys are tables ([`STAGE_KEYS`], [`OPPORTUNITY_KEYS`]);
//! any other key is typed into the focused field.

use crate::domain::day_text;
use crate::domain::opportunity::{
    Opportunity, OpportunityFields, OpportunityKind, OpportunityStage,
};
use crate::domain::{Money, Stage};
use crate::tui::action::Action;
use crate::tui::forms::{Drawn, Form, FormOutcome, boxed};
use crate::tui::keymap::Keymap;
use crate::tui::paste::shown;
use crate::tui::theme::Theme;
use crate::tui::write::Write;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;

/// The stage form's keymap scope.
pub const STAGE_SCOPE: &str = "stage_form";

/// Its keys; any other key types the reason.
pub const STAGE_KEYS: &[(&str, Action)] = &[
    ("tab", Action::NextChoice),
    ("down", Action::NextChoice),
    ("backtab", Action::PrevChoice),
    ("up", Action::PrevChoice),
    ("enter", Action::Save),
];

/// The opportunity form's keymap scope.
pub const OPPORTUNITY_SCOPE: &str = "opportunity_form";

/// Its keys; on a text field a choice key is typed (← → move the cursor,
/// Space is a space), and any other key is typed.
pub const OPPORTUNITY_KEYS: &[(&str, Action)] = &[
    ("tab", Action::NextField),
    ("down", Action::NextField),
    ("backtab", Action::PrevField),
    ("up", Action::PrevField),
    ("right", Action::NextChoice),
    ("space", Action::NextChoice),
    ("left", Action::PrevChoice),
    ("enter", Action::Save),
];

fn typed(input: &mut Input, key: KeyEvent) {
    if let Some(request) = to_input_request(&Event::Key(key)) {
        input.handle(request);
    }
}

fn cycle<T: Copy + PartialEq>(all: &[T], current: T, forward: bool) -> T {
    let n = all.len();
    let i = all.iter().position(|x| *x == current).unwrap_or(0);
    all[if forward { (i + 1) % n } else { (i + n - 1) % n }]
}

fn account_line(name: &str, theme: Theme) -> Line<'static> {
    Line::from(vec![Span::raw("Account: "), Span::styled(name.to_string(), theme.title())])
}

/// Move an account to another 4A stage, with a required one-line reason.
#[derive(Debug, Clone)]
pub struct StageForm {
    pub account_id: String,
    pub name: String,
    pub from: Stage,
    pub to: Stage,
    pub reason: Input,
    pub error: Option<String>,
}

impl StageForm {
    pub fn new(account_id: &str, name: &str, from: Stage, to: Stage) -> StageForm {
        StageForm {
            account_id: account_id.to_string(),
            name: name.to_string(),
            from,
            to,
            reason: Input::default(),
            error: None,
        }
    }
}

impl Form for StageForm {
    fn scope(&self) -> &'static str {
        STAGE_SCOPE
    }

    /// Applies a key's action in [`STAGE_SCOPE`], or types the key.
    fn key(&mut self, key: KeyEvent, action: Option<Action>, _today: NaiveDate) -> FormOutcome {
        match action {
            Some(Action::NextChoice) => {
                self.to = cycle(&Stage::ALL, self.to, true);
                FormOutcome::Stay
            }
            Some(Action::PrevChoice) => {
                self.to = cycle(&Stage::ALL, self.to, false);
                FormOutcome::Stay
            }
            Some(Action::Save) => {
                let reason = self.reason.value().trim().to_string();
                if self.to == self.from {
                    self.error = Some(format!("already in {}: pick another stage", self.from));
                    FormOutcome::Stay
                } else if reason.is_empty() {
                    self.error = Some("a reason is required (one line)".to_string());
                    FormOutcome::Stay
                } else {
                    FormOutcome::Submit(Write::Stage {
                        account_id: self.account_id.clone(),
                        stage: self.to,
                        reason,
                    })
                }
            }
            _ => {
                typed(&mut self.reason, key);
                self.error = None;
                FormOutcome::Stay
            }
        }
    }

    fn paste(&mut self, text: &str) -> Result<(), String> {
        crate::tui::paste::paste(&mut self.reason, text, crate::tui::paste::Lines::One)
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme, keymap: &Keymap) {
        boxed(self.drawn(theme, keymap), frame, area, theme);
    }
}

impl StageForm {
    pub fn drawn(&self, theme: Theme, keymap: &Keymap) -> Drawn<'_> {
        let mut stages = vec![Span::raw("To:      ")];
        for stage in Stage::ALL {
            let style = if stage == self.to { theme.active_tab() } else { theme.dim() };
            stages.push(Span::styled(stage.title().to_string(), style));
            stages.push(Span::raw(" "));
        }
        let lines = vec![
            account_line(&self.name, theme),
            Line::from(format!("From:    {}", self.from.title())),
            Line::from(stages),
            Line::from(format!("Reason:  {}", shown(&self.reason, 66, 9))),
            Line::from(""),
            match &self.error {
                Some(e) => Line::from(Span::styled(e.clone(), theme.error())),
                None => Line::from(Span::styled(
                    format!(
                        "{} · reason required",
                        keymap.footer(
                            STAGE_SCOPE,
                            &[
                                (Action::NextChoice, "stage"),
                                (Action::Save, "save"),
                                (Action::Cancel, "cancel")
                            ]
                        )
                    ),
                    theme.dim(),
                )),
            },
        ];
        ("Move 4A stage".to_string(), lines, (66, 8), Some((9, 3, 9, &self.reason)))
    }
}

/// The fields of the opportunity form, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpportunityField {
    Product,
    Arr,
    Stage,
    Kind,
    Owner,
    Close,
    NextStep,
}

const FIELDS: [OpportunityField; 7] = [
    OpportunityField::Product,
    OpportunityField::Arr,
    OpportunityField::Stage,
    OpportunityField::Kind,
    OpportunityField::Owner,
    OpportunityField::Close,
    OpportunityField::NextStep,
];

/// The fields of an edit: the stage moves by the list's keys (a lost one
/// needs its reason form), so the form leaves it out.
const EDIT_FIELDS: [OpportunityField; 6] = [
    OpportunityField::Product,
    OpportunityField::Arr,
    OpportunityField::Kind,
    OpportunityField::Owner,
    OpportunityField::Close,
    OpportunityField::NextStep,
];

/// Record an opportunity on an account.
#[derive(Debug, Clone)]
pub struct OpportunityForm {
    pub account_id: String,
    pub name: String,
    pub product: Input,
    pub arr: Input,
    pub stage: OpportunityStage,
    pub kind: OpportunityKind,
    pub owner: Input,
    pub close: Input,
    pub next_step: Input,
    pub field: OpportunityField,
    pub error: Option<String>,
    /// The day a relative close date (`+1m`, `fri`) counts from.
    pub today: NaiveDate,
    /// The opportunity being edited; `None` records a new one.
    pub editing: Option<i64>,
}

impl OpportunityForm {
    /// A form for `account_id`, the owner prefilled (usually the account's AM).
    pub fn new(account_id: &str, name: &str, owner: &str, today: NaiveDate) -> OpportunityForm {
        OpportunityForm {
            account_id: account_id.to_string(),
            name: name.to_string(),
            product: Input::default(),
            arr: Input::default(),
            stage: OpportunityStage::Identified,
            kind: OpportunityKind::Upsell,
            owner: Input::new(owner.to_string()),
            close: Input::default(),
            next_step: Input::default(),
            field: OpportunityField::Product,
            error: None,
            today,
            editing: None,
        }
    }

    /// A form editing `opportunity` of the account named `name`, its
    /// fields filled in, the cursor on `field`.
    pub fn edit(
        opportunity: &Opportunity,
        name: &str,
        field: OpportunityField,
        today: NaiveDate,
    ) -> OpportunityForm {
        let fields = &opportunity.fields;
        OpportunityForm {
            account_id: opportunity.account_id.clone(),
            name: name.to_string(),
            product: Input::new(fields.product.clone()),
            arr: Input::new(fields.arr.to_plain()),
            stage: fields.stage,
            kind: fields.kind,
            owner: Input::new(fields.owner.clone()),
            close: Input::new(fields.close_date.map(|d| d.to_string()).unwrap_or_default()),
            next_step: Input::new(fields.next_step.clone()),
            field,
            error: None,
            today,
            editing: Some(opportunity.id),
        }
    }

    fn fields_in_order(&self) -> &'static [OpportunityField] {
        if self.editing.is_some() { &EDIT_FIELDS } else { &FIELDS }
    }

    fn fields(&self, today: NaiveDate) -> Result<OpportunityFields, String> {
        let product = self.product.value().trim().to_string();
        if product.is_empty() {
            return Err("write the product first".to_string());
        }
        let arr_text = self.arr.value().trim().replace(',', "");
        // An empty amount is a question, not a deal worth nothing: 0 is
        // written when that is meant.
        if arr_text.is_empty() {
            return Err("the amount is needed: write the ARR, like 24000 (0 when not known yet)"
                .to_string());
        }
        let arr = Money::parse_non_negative(&arr_text)
            .map_err(|e| format!("ARR {arr_text:?}: {e} (write it like 24000 or 24000.50)"))?;
        let close = self.close.value().trim();
        let close_date = if close.is_empty() {
            None
        } else {
            let date =
                day_text::parse(close, today).map_err(|error| format!("close date: {error}"))?;
            if self.stage.is_open() && date < today {
                return Err(format!("close date {date} is in the past for an open opportunity"));
            }
            Some(date)
        };
        let fields = OpportunityFields {
            product,
            kind: self.kind,
            arr,
            stage: self.stage,
            owner: self.owner.value().trim().to_string(),
            close_date,
            next_step: self.next_step.value().trim().to_string(),
        };
        fields.validate()?;
        Ok(fields)
    }
}

impl Form for OpportunityForm {
    /// Pastes one line into the focused text field; the stage and kind
    /// are choices and take no paste.
    fn paste(&mut self, text: &str) -> Result<(), String> {
        let input = match self.field {
            OpportunityField::Product => &mut self.product,
            OpportunityField::Arr => &mut self.arr,
            OpportunityField::Owner => &mut self.owner,
            OpportunityField::Close => &mut self.close,
            OpportunityField::NextStep => &mut self.next_step,
            OpportunityField::Stage | OpportunityField::Kind => {
                return Err("nothing pasted: this field is a choice, not text".to_string());
            }
        };
        crate::tui::paste::paste(input, text, crate::tui::paste::Lines::One)?;
        self.error = None;
        Ok(())
    }

    fn scope(&self) -> &'static str {
        OPPORTUNITY_SCOPE
    }

    /// Applies a key's action in [`OPPORTUNITY_SCOPE`], or types the key.
    fn key(&mut self, key: KeyEvent, action: Option<Action>, today: NaiveDate) -> FormOutcome {
        match action {
            Some(Action::NextField) => {
                self.field = cycle(self.fields_in_order(), self.field, true);
                FormOutcome::Stay
            }
            Some(Action::PrevField) => {
                self.field = cycle(self.fields_in_order(), self.field, false);
                FormOutcome::Stay
            }
            Some(Action::Save) => match self.fields(today) {
                Ok(fields) => FormOutcome::Submit(match self.editing {
                    Some(id) => {
                        Write::OpportunityEdit { account_id: self.account_id.clone(), id, fields }
                    }
                    None => Write::Opportunity { account_id: self.account_id.clone(), fields },
                }),
                Err(error) => {
                    self.error = Some(error);
                    FormOutcome::Stay
                }
            },
            action => {
                self.error = None;
                let forward = action != Some(Action::PrevChoice);
                let choice = matches!(action, Some(Action::NextChoice | Action::PrevChoice));
                match self.field {
                    OpportunityField::Stage if choice => {
                        self.stage = cycle(&OpportunityStage::ALL, self.stage, forward);
                    }
                    OpportunityField::Kind if choice => {
                        self.kind = cycle(
                            &[OpportunityKind::Upsell, OpportunityKind::CrossSell],
                            self.kind,
                            forward,
                        );
                    }
                    OpportunityField::Stage | OpportunityField::Kind => {}
                    OpportunityField::Product => typed(&mut self.product, key),
                    OpportunityField::Arr => typed(&mut self.arr, key),
                    OpportunityField::Owner => typed(&mut self.owner, key),
                    OpportunityField::Close => typed(&mut self.close, key),
                    OpportunityField::NextStep => typed(&mut self.next_step, key),
                }
                FormOutcome::Stay
            }
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme, keymap: &Keymap) {
        boxed(self.drawn(theme, keymap), frame, area, theme);
    }
}

impl OpportunityForm {
    pub fn drawn(&self, theme: Theme, keymap: &Keymap) -> Drawn<'_> {
        let mark = |field: OpportunityField| {
            if self.field == field { Span::styled("›", theme.key()) } else { Span::raw(" ") }
        };
        let choices = |words: Vec<(&'static str, bool)>| -> Vec<Span<'static>> {
            words
                .into_iter()
                .flat_map(|(word, on)| {
                    let style = if on { theme.active_tab() } else { theme.dim() };
                    [Span::styled(word, style), Span::raw(" ")]
                })
                .collect()
        };
        let mut stage = vec![mark(OpportunityField::Stage), Span::raw("Stage:    ")];
        stage.extend(choices(
            OpportunityStage::ALL.iter().map(|s| (s.as_str(), *s == self.stage)).collect(),
        ));
        let mut kind = vec![mark(OpportunityField::Kind), Span::raw("Kind:     ")];
        kind.extend(choices(vec![
            ("upsell", self.kind == OpportunityKind::Upsell),
            ("cross-sell", self.kind == OpportunityKind::CrossSell),
        ]));
        let text = |field: OpportunityField, label: &str, input: &Input| {
            Line::from(vec![mark(field), Span::raw(format!("{label:<10}{}", shown(input, 66, 11)))])
        };
        let editing = self.editing.is_some();
        let mut close = text(OpportunityField::Close, "Close:", &self.close);
        if let Some(echo) = day_text::echo(self.close.value(), self.today) {
            close.spans.push(Span::styled(format!("  {echo}"), theme.dim()));
        }
        if editing {
            // The stage is shown, not chosen: the list's keys move it.
            stage = vec![
                Span::raw(" Stage:    "),
                Span::styled(self.stage.as_str(), theme.active_tab()),
                Span::styled("  (moved from the list)", theme.dim()),
            ];
        }
        let lines = vec![
            account_line(&self.name, theme),
            text(OpportunityField::Product, "Product:", &self.product),
            text(OpportunityField::Arr, "ARR:", &self.arr),
            Line::from(stage),
            Line::from(kind),
            text(OpportunityField::Owner, "Owner:", &self.owner),
            close,
            text(OpportunityField::NextStep, "Next step:", &self.next_step),
            Line::from(""),
            match &self.error {
                Some(e) => Line::from(Span::styled(e.clone(), theme.error())),
                None => Line::from(Span::styled(
                    keymap.footer(
                        OPPORTUNITY_SCOPE,
                        &[
                            (Action::NextField, "field"),
                            (Action::NextChoice, "choose"),
                            (Action::Save, "save"),
                            (Action::Cancel, "cancel"),
                        ],
                    ),
                    theme.dim(),
                )),
            },
        ];
        let cursor = match self.field {
            OpportunityField::Product => Some((11, 1, 11, &self.product)),
            OpportunityField::Arr => Some((11, 2, 11, &self.arr)),
            OpportunityField::Owner => Some((11, 5, 11, &self.owner)),
            OpportunityField::Close => Some((11, 6, 11, &self.close)),
            OpportunityField::NextStep => Some((11, 7, 11, &self.next_step)),
            OpportunityField::Stage | OpportunityField::Kind => None,
        };
        let title = if editing { "Edit the opportunity" } else { "Record an opportunity" };
        (title.to_string(), lines, (66, 12), cursor)
    }
}

#[cfg(test)]
mod tests;
