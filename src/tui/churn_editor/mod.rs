//! The churn chain editor as the terminal shows it: wraps the pure
//! `ChainEditor` with the account it is about, turns keys into
//! `EditorOp`s (through its key table, [`KEYS`]: one table for every mode,
//! whose state machine gives a key its meaning there; plain characters
//! are typed), turns the editor's effects into typed writes, confirms a
//! save once the app has written it, and draws the editor's state. It
//! decides no chain rule itself (the domain does) and never writes to the
//! store (writes go back to the app as `Write`s).
//!
//! The editor's state (focus, modes, the picker) is UI state, kept in
//! [`state`] as a pure state machine with no terminal in it, so every path is
//! tested by driving operations; the chain and its rules stay in the domain.

mod keys;
pub mod state;

pub use keys::{EDITOR_NOTES, KEYS, NOTE, PICKING, SCOPE, key_tables, op_for, scope_for};

use crate::domain::churn::{ChainId, ChainStatus, ChurnChain, ReasonKind};
use crate::tui::action::Action;
use crate::tui::keymap::{self, Key, Keymap};
use crate::tui::panes::{Cx, Request, View, Write};
use crate::tui::theme::Theme;
use crate::tui::widgets::wrap::wrap_words;
use crate::tui::widgets::{fit, pad};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use state::{ChainEditor, EditorEffect, Field, Level, Mode, PickTarget};

/// What the pane does after a key in the editor.
#[derive(Debug)]
pub enum Step {
    /// Keep the editor open; pass this request to the app.
    Stay(Request),
    /// Close the editor; pass this request to the app.
    Close(Request),
}

/// The editor, open on one account.
#[derive(Debug)]
pub struct EditorView {
    editor: ChainEditor,
    account_name: String,
    csm: String,
    earlier_versions: usize,
    /// The account's chain ids when the editor opened, so a new chain's id
    /// can be recognised once saved.
    known_ids: Vec<ChainId>,
    /// A save sent to the app and not yet seen in the store.
    pending: Option<ChurnChain>,
}

impl EditorView {
    /// Opens the editor on an account: its draft when it has one, otherwise a
    /// new chain prefilled from the snapshots.
    pub fn for_account(account_id: &str, cx: &mut Cx<'_>) -> anyhow::Result<EditorView> {
        let reasons = cx.store.churn_reasons()?;
        let chains = cx.store.churn_chains_for_account(account_id)?;
        let editor = match chains.iter().find(|c| c.status == ChainStatus::Draft) {
            Some(draft) => {
                ChainEditor::open(draft.clone(), &reasons).counting_from(cx.clock.today())
            }
            None => {
                let today = cx.clock.today();
                let prefill = cx.store.churn_prefill(account_id, today)?;
                ChainEditor::prefilled(account_id, &reasons, prefill, today)
            }
        };
        EditorView::wrap(editor, chains.iter().filter_map(|c| c.id).collect(), cx)
    }

    /// Opens a saved chain (or a draft) to edit it.
    pub fn for_chain(id: ChainId, cx: &mut Cx<'_>) -> anyhow::Result<EditorView> {
        let reasons = cx.store.churn_reasons()?;
        let chain = cx
            .store
            .churn_chain(id)?
            .ok_or_else(|| anyhow::anyhow!("chain {id} no longer exists"))?;
        let known = cx.store.churn_chains_for_account(&chain.account_id)?;
        let editor = ChainEditor::open(chain, &reasons).counting_from(cx.clock.today());
        EditorView::wrap(editor, known.iter().filter_map(|c| c.id).collect(), cx)
    }

    fn wrap(
        editor: ChainEditor,
        known_ids: Vec<ChainId>,
        cx: &mut Cx<'_>,
    ) -> anyhow::Result<EditorView> {
        let account_id = editor.chain().account_id.clone();
        let (account_name, csm) = match cx.book.by_id(&account_id) {
            Some(row) => (row.name.clone(), row.csm.clone()),
            None => {
                cx.store.churn_account(&account_id)?.unwrap_or((account_id.clone(), String::new()))
            }
        };
        let earlier_versions = match editor.chain().id {
            Some(id) => cx.store.churn_chain_versions(id)?.len(),
            None => 0,
        };
        Ok(EditorView { editor, account_name, csm, earlier_versions, known_ids, pending: None })
    }

    pub fn editor(&self) -> &ChainEditor {
        &self.editor
    }

    pub fn account_id(&self) -> &str {
        &self.editor.chain().account_id
    }

    /// Text pasted into the field being typed (one line), whole.
    pub fn paste(&mut self, text: &str) -> Result<(), String> {
        let line = crate::tui::paste::one_line(text)?;
        if self.editor.paste(&line) {
            Ok(())
        } else {
            Err("nothing pasted: no text field is focused in the chain editor".to_string())
        }
    }

    /// The keymap scope of the editor's mode now.
    pub fn scope(&self) -> &'static str {
        scope_for(self.editor.mode())
    }

    /// A key typed in the editor.
    pub fn key(&mut self, key: KeyEvent, keymap: &Keymap) -> Step {
        if self.asks_for_help(key, keymap) {
            // The app opens help for a key the pane leaves alone.
            return Step::Stay(Request::Ignored);
        }
        let action = keymap.action(self.scope(), Key::from_event(key));
        let Some(op) = op_for(key, action) else { return Step::Stay(Request::None) };
        match self.editor.apply(op) {
            EditorEffect::None => Step::Stay(Request::None),
            EditorEffect::Save(chain) => {
                self.pending = Some(chain.clone());
                Step::Stay(Request::Write(vec![Write::ChurnChain { chain }]))
            }
            EditorEffect::Leave { draft: Some(chain) } => {
                Step::Close(Request::Write(vec![Write::ChurnDraft { chain }]))
            }
            EditorEffect::Leave { draft: None } => {
                Step::Close(Request::Message("churn chain editor closed".to_string()))
            }
            EditorEffect::Discard { draft_id: Some(id) } => {
                let account_id = self.account_id().to_string();
                Step::Close(Request::Write(vec![Write::DiscardChurnDraft { account_id, id }]))
            }
            EditorEffect::Discard { draft_id: None } => {
                Step::Close(Request::Message("new churn chain discarded".to_string()))
            }
        }
    }

    /// `?` is help wherever it cannot be text: the picker (no cause has a
    /// question mark), the chain, the event; a note, the product, the date
    /// and the amount take it as typed.
    fn asks_for_help(&self, key: KeyEvent, keymap: &Keymap) -> bool {
        if keymap.own_action(keymap::GLOBAL, Key::from_event(key)) != Some(Action::Help) {
            return false;
        }
        match self.editor.mode() {
            Mode::Picking { .. } | Mode::AskDeeper => true,
            Mode::Note { .. } => false,
            Mode::Browse => matches!(self.editor.focus(), Field::Links | Field::Event),
        }
    }

    /// After the app wrote: `true` when the pending save is in the store
    /// (the editor can close); otherwise the editor says it was not saved.
    pub fn confirm_save(&mut self, cx: &mut Cx<'_>) -> bool {
        let Some(sent) = self.pending.take() else { return false };
        let found = match sent.id {
            Some(id) => cx.store.churn_chain(id).ok().flatten().filter(|c| same_content(c, &sent)),
            None => cx.store.churn_chains_for_account(&sent.account_id).ok().and_then(|chains| {
                chains.into_iter().find(|c| {
                    c.id.is_some_and(|id| !self.known_ids.contains(&id)) && same_content(c, &sent)
                })
            }),
        };
        match found {
            Some(saved) if saved.status == ChainStatus::Saved => true,
            _ => {
                self.editor.show_error("not saved: see the reason in the status line");
                false
            }
        }
    }

    /// Draws the editor. Reads only.
    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let theme = view.theme;
        let editor = &self.editor;
        let chain = editor.chain();
        let title = format!(" Churn chain · {} ", self.account_name);
        let block = Block::bordered().title(title).border_style(theme.border(view.active));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let width = usize::from(inner.width);
        let sentence = wrap_words(&editor.sentence(), width.saturating_sub(2).max(10));
        let sentence_height = u16::try_from(sentence.len().min(4)).unwrap_or(4);
        let hint_height: u16 = if width >= 120 { 1 } else { 2 };
        let hint_lines = self.hints(theme, view.keymap, width, usize::from(hint_height));
        let message_height = editor.message().map_or(1, |m| {
            let lines = wrap_words(&format!(" ✗ {}", m.text), width).len().clamp(1, 3);
            u16::try_from(lines).unwrap_or(1)
        });
        let [fields, about, sentence_area, body, message, hints] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(sentence_height + 1),
            Constraint::Min(1),
            Constraint::Length(message_height),
            Constraint::Length(hint_height),
        ])
        .areas(inner);
        frame.render_widget(Paragraph::new(self.fields_line(theme)), fields);
        frame.render_widget(Paragraph::new(self.about_line(theme)), about);
        let mut lines: Vec<Line<'static>> = sentence
            .into_iter()
            .take(4)
            .map(|l| Line::from(Span::styled(format!(" {l}"), theme.title())))
            .collect();
        lines.push(Line::from(""));
        frame.render_widget(Paragraph::new(lines), sentence_area);
        frame.render_widget(Paragraph::new(self.body_lines(theme, view.keymap, body)), body);
        let message_line = match editor.message() {
            Some(m) => {
                let style = match m.level {
                    Level::Info => theme.ok(),
                    Level::Warning => theme.warn(),
                    Level::Error => theme.error(),
                };
                let mark = match m.level {
                    Level::Info => "✓",
                    Level::Warning => "!",
                    Level::Error => "✗",
                };
                Line::from(Span::styled(format!(" {mark} {}", m.text), style))
            }
            None if chain.links.is_empty() => Line::from(Span::styled(
                " A chain needs at least one cause beyond the event: type to pick one",
                theme.dim(),
            )),
            None => Line::from(""),
        };
        frame.render_widget(Paragraph::new(message_line).wrap(Wrap { trim: true }), message);
        frame.render_widget(Paragraph::new(hint_lines), hints);
    }

    fn fields_line(&self, theme: Theme) -> Line<'static> {
        let editor = &self.editor;
        let chain = editor.chain();
        let field = |name: &'static str, value: String, which: Field| -> Vec<Span<'static>> {
            let focused = editor.focus() == which && editor.mode() == &Mode::Browse;
            let style = if focused { theme.selected() } else { theme.title() };
            let value = if focused { format!("{value}▏") } else { value };
            vec![Span::styled(format!(" {name} "), theme.dim()), Span::styled(value, style)]
        };
        let product = if chain.product.is_empty() && editor.focus() != Field::Product {
            "—".to_string()
        } else {
            chain.product.clone()
        };
        let mut spans = Vec::new();
        spans.extend(field("Event", chain.event.label().to_string(), Field::Event));
        spans.extend(field(" Date", editor.date_text().to_string(), Field::Date));
        if editor.focus() == Field::Date
            && editor.date_text().trim() != chain.event_date.format("%Y-%m-%d").to_string()
            && let Some(echo) = editor.date_echo()
        {
            spans.push(Span::styled(format!(" {echo}"), theme.dim()));
        }
        spans.extend(field(" ARR lost", editor.arr_text().to_string(), Field::ArrLost));
        spans.extend(field(" Product", product, Field::Product));
        Line::from(spans)
    }

    fn about_line(&self, theme: Theme) -> Line<'static> {
        let chain = self.editor.chain();
        let state = match (chain.id, chain.status) {
            (None, _) => "new chain".to_string(),
            (Some(id), ChainStatus::Draft) => format!("draft #{id}"),
            (Some(id), ChainStatus::Saved) => match self.earlier_versions {
                0 => format!("saved chain #{id}"),
                1 => format!("saved chain #{id} · 1 earlier version"),
                n => format!("saved chain #{id} · {n} earlier versions"),
            },
        };
        let changed = if self.editor.is_dirty() { " · changed" } else { "" };
        let csm = if self.csm.is_empty() { String::new() } else { format!(" · CSM {}", self.csm) };
        Line::from(Span::styled(
            format!(" {} ({}){csm} · {state}{changed}", self.account_name, chain.account_id),
            theme.dim(),
        ))
    }

    fn body_lines(&self, theme: Theme, keymap: &Keymap, area: Rect) -> Vec<Line<'static>> {
        let editor = &self.editor;
        let chain = editor.chain();
        let width = usize::from(area.width);
        let label_width = (width / 3).clamp(16, 34);
        let browsing_links = editor.mode() == &Mode::Browse && editor.focus() == Field::Links;
        let (query, target, highlighted) = match editor.mode() {
            Mode::Picking { query, target, highlighted, .. } => {
                (Some(query.clone()), Some(*target), *highlighted)
            }
            _ => (None, None, 0),
        };
        let confirm = keymap.label(PICKING, Action::Confirm);
        let input_line = |query: &str| -> Line<'static> {
            Line::from(vec![
                Span::styled(" ▸ due to ", theme.key()),
                Span::styled(format!("{query}▏"), theme.selected()),
                Span::styled(
                    format!("  type to search · {confirm} takes the best match"),
                    theme.dim(),
                ),
            ])
        };
        let mut lines: Vec<Line<'static>> = Vec::new();
        lines.push(Line::from(vec![
            Span::styled(" 0 ", theme.dim()),
            Span::styled(chain.event.label().to_string(), theme.title()),
            Span::styled("  the event", theme.dim()),
        ]));
        for (index, link) in chain.links.iter().enumerate() {
            if let (Some(q), Some(PickTarget::Insert(at))) = (&query, target)
                && at == index
            {
                lines.push(input_line(q));
            }
            if let (Some(q), Some(PickTarget::Replace(at))) = (&query, target)
                && at == index
            {
                lines.push(input_line(q));
                continue;
            }
            let selected = browsing_links && editor.selected() == index;
            let row_style = if selected { theme.selected() } else { Style::new() };
            let (kind, kind_style) = match link.kind() {
                Some(ReasonKind::Controllable) => ("controllable", theme.ok()),
                Some(ReasonKind::Uncontrollable) => ("uncontrollable", theme.warn()),
                Some(ReasonKind::Terminal) => ("terminal event", theme.dim()),
                None => ("⚑ free text", theme.error()),
            };
            let mut spans = vec![
                Span::styled(format!(" {} ", index + 1), theme.dim()),
                Span::styled(
                    format!("due to {}", pad(link.label(), label_width, false)),
                    row_style,
                ),
                Span::styled(format!(" {kind:<15}"), kind_style),
            ];
            if let Mode::Note { index: at, text } = editor.mode()
                && *at == index
            {
                spans.push(Span::styled(" note: ", theme.key()));
                spans.push(Span::styled(format!("{text}▏"), theme.selected()));
            } else if !link.note.is_empty() {
                let room = width.saturating_sub(label_width + 28);
                spans.push(Span::styled(format!(" “{}”", fit(&link.note, room)), theme.dim()));
            }
            lines.push(Line::from(spans));
        }
        if let (Some(q), Some(target)) = (&query, target) {
            let beyond = match target {
                PickTarget::Append => true,
                PickTarget::Insert(at) | PickTarget::Replace(at) => at >= chain.links.len(),
            };
            if beyond {
                lines.push(input_line(q));
            }
            let room = usize::from(area.height).saturating_sub(lines.len());
            let rows = editor.picker_rows();
            let start = highlighted.saturating_sub(room.saturating_sub(1));
            for (offset, row) in rows.iter().enumerate().skip(start).take(room) {
                let on = offset == highlighted;
                let marker = if on { "        › " } else { "          " };
                let style = if on { theme.selected() } else { Style::new() };
                let kind = match (row.free_text, row.kind) {
                    (true, _) => "⚑ free text",
                    (_, Some(ReasonKind::Controllable)) => "controllable",
                    (_, Some(ReasonKind::Uncontrollable)) => "uncontrollable",
                    (_, Some(ReasonKind::Terminal)) => "terminal",
                    (_, None) => "",
                };
                let room = width.saturating_sub(label_width + 27);
                lines.push(Line::from(vec![
                    Span::styled(marker, theme.key()),
                    Span::styled(pad(&row.label, label_width, false), style),
                    Span::styled(format!(" {kind:<15}"), theme.dim()),
                    Span::styled(fit(&row.description, room), theme.dim()),
                ]));
            }
        }
        let height = usize::from(area.height);
        if lines.len() > height {
            // Keep the input line and the picker's top in view.
            let focus_line = lines
                .iter()
                .position(|l| l.spans.first().is_some_and(|s| s.content.starts_with(" ▸")))
                .unwrap_or(lines.len() - 1);
            let start = focus_line.saturating_sub(height / 3).min(lines.len() - height);
            lines.drain(..start);
        }
        lines
    }

    /// The footer: the mode's keys, most needed first, packed whole into
    /// `lines` lines of `width` cells (a hint is never cut; those that do
    /// not fit are left to `?`, which is always shown).
    fn hints(
        &self,
        theme: Theme,
        keymap: &Keymap,
        width: usize,
        lines: usize,
    ) -> Vec<Line<'static>> {
        let drafty = self.editor.chain().status == ChainStatus::Draft;
        let scope = self.scope();
        let key =
            |action: Action| keymap.first_key(scope, action).map(|k| k.label()).unwrap_or_default();
        // Two actions' keys as one hint: `↑↓`, `Alt-↑↓`, `Ctrl-O/Alt-O`.
        let pair = |first: Action, second: Action| {
            let (a, b) = (key(first), key(second));
            let split = |k: &str| k.rfind('-').map_or(0, |at| at + 1);
            let (prefix_a, prefix_b) = (&a[..split(&a)], &b[..split(&b)]);
            if prefix_a == prefix_b {
                format!("{a}{}", &b[split(&b)..])
            } else {
                format!("{a}/{b}")
            }
        };
        let keys: Vec<(String, &str)> = match self.editor.mode() {
            Mode::Picking { .. } => vec![
                (key(Action::Confirm), "take best match"),
                (pair(Action::Up, Action::Down), "choose"),
                (key(Action::KeepFreeText), "keep as free text"),
                (key(Action::Save), "save"),
                (format!("{} on empty", key(Action::Confirm)), "done"),
                (key(Action::Cancel), "stop picking"),
            ],
            Mode::Note { .. } => vec![
                (key(Action::Confirm), "keep note"),
                (key(Action::Cancel), "cancel"),
                (key(Action::Save), "save"),
            ],
            Mode::AskDeeper => vec![
                (key(Action::Confirm), "save as is"),
                ("type".to_string(), "add a deeper cause"),
                (key(Action::Cancel), "back to the chain"),
            ],
            Mode::Browse => {
                let mut keys = vec![
                    (key(Action::Save), "save"),
                    (key(Action::Cancel), "leave"),
                    ("type".to_string(), "add cause"),
                    (key(Action::Confirm), "change"),
                    (key(Action::RemoveLink), "remove"),
                ];
                if drafty {
                    keys.push((key(Action::Discard), "discard draft"));
                }
                keys.extend([
                    (key(Action::ToggleEvent), "churned/contracted"),
                    (key(Action::EditNote), "note"),
                    (key(Action::NextField), "fields"),
                    (pair(Action::MoveLinkUp, Action::MoveLinkDown), "reorder"),
                    (pair(Action::InsertLinkBelow, Action::InsertLinkAbove), "insert below/above"),
                ]);
                keys
            }
        };
        let keys: Vec<(&str, &str)> = keys
            .iter()
            .filter(|(key, _)| !key.is_empty())
            .map(|(key, what)| (key.as_str(), *what))
            .collect();
        let help_key = keymap.first_key(keymap::GLOBAL, Action::Help).map(|k| k.label());
        let help_key = help_key.unwrap_or_else(|| "?".to_string());
        let help: (&str, &str) = (help_key.as_str(), "all keys");
        let cells = |(key, what): &(&str, &str)| {
            crate::text::inert::width(key) + crate::text::inert::width(what) + 3
        };
        let lines = lines.max(1);
        let mut used = vec![0_usize; lines];
        used[lines - 1] = cells(&help);
        let mut placed: Vec<Vec<(&str, &str)>> = vec![Vec::new(); lines];
        for hint in keys {
            if let Some(line) = (0..lines).find(|&l| used[l] + cells(&hint) <= width) {
                used[line] += cells(&hint);
                placed[line].push(hint);
            }
        }
        placed[lines - 1].push(help);
        placed
            .into_iter()
            .filter(|line| !line.is_empty())
            .map(|line| {
                let mut spans = Vec::new();
                for (key, what) in line {
                    spans.push(Span::styled(format!(" {key}"), theme.key()));
                    spans.push(Span::styled(format!(" {what} "), theme.dim()));
                }
                Line::from(spans)
            })
            .collect()
    }
}

fn same_content(a: &ChurnChain, b: &ChurnChain) -> bool {
    a.account_id == b.account_id
        && a.event == b.event
        && a.event_date == b.event_date
        && a.arr_lost == b.arr_lost
        && a.product == b.product
        && a.links == b.links
}
