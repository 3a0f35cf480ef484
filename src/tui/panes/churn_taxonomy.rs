//! The churn taxonomy, edited in the Churn pane (`T`): every entry with its
//! kind, description, how many chains use it and whether it is retired;
//! keys to add, rename, describe, mark controllable or not, retire or
//! restore, and delete an entry no chain uses. The list is read on refresh;
//! every change goes back to the app as a [`Write::Taxonomy`], and the store
//! has the last word (unique labels, nothing in use deleted).

use crate::domain::churn::{Reason, ReasonKind, TaxonomyEdit};
use crate::store::Store;
use crate::tui::forms::reason::ReasonForm;
use crate::tui::panes::{Request, View, Write};
use crate::tui::popups::{ConfirmPopup, Popup};
use crate::tui::theme::Theme;
use crate::tui::widgets::{Cursor, fit};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// One entry and the number of chains that use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub reason: Reason,
    pub uses: usize,
}

/// Reads every entry, terminal events first, then uncontrollable and
/// controllable causes, each by label.
pub fn load(store: &Store) -> anyhow::Result<Vec<Entry>> {
    let mut entries = store
        .churn_reasons()?
        .into_iter()
        .map(|reason| Ok(Entry { uses: store.churn_reason_uses(reason.id)?, reason }))
        .collect::<anyhow::Result<Vec<_>>>()?;
    entries.sort_by(|a, b| {
        (kind_order(a.reason.kind), a.reason.label.to_lowercase())
            .cmp(&(kind_order(b.reason.kind), b.reason.label.to_lowercase()))
    });
    Ok(entries)
}

fn kind_order(kind: ReasonKind) -> u8 {
    match kind {
        ReasonKind::Terminal => 0,
        ReasonKind::Uncontrollable => 1,
        ReasonKind::Controllable => 2,
    }
}

/// The taxonomy list and its cursor.
#[derive(Debug, Clone, Default)]
pub struct TaxonomyView {
    entries: Vec<Entry>,
    rows: Cursor,
}

const KEYS_LINE: &str = "a add · r rename · e describe · m kind · d retire · X delete · Esc back";

impl TaxonomyView {
    pub fn new(entries: Vec<Entry>) -> TaxonomyView {
        let mut view = TaxonomyView { entries, rows: Cursor::default() };
        view.rows.clamp(view.entries.len());
        view
    }

    /// Replaces the entries after a change, keeping the cursor on the same
    /// label when it is still there.
    pub fn reload(&mut self, entries: Vec<Entry>) {
        let label = self.selected().map(|e| e.reason.label.to_lowercase());
        self.entries = entries;
        let len = self.entries.len();
        match label
            .and_then(|l| self.entries.iter().position(|e| e.reason.label.to_lowercase() == l))
        {
            Some(index) => self.rows.select(index, len),
            None => self.rows.clamp(len),
        }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn selected(&self) -> Option<&Entry> {
        self.entries.get(self.rows.selected)
    }

    pub fn set_height(&mut self, height: usize) {
        self.rows.set_height(height, self.entries.len());
    }

    fn labels(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.reason.label.clone()).collect()
    }

    /// What a key asks for; `None` when it closes the view.
    pub fn key(&mut self, key: KeyEvent) -> Option<Request> {
        let len = self.entries.len();
        let write = |edit: TaxonomyEdit| Some(Request::Write(vec![Write::Taxonomy(edit)]));
        let popup = |form: ReasonForm| Some(Request::Popup(Popup::Reason(Box::new(form))));
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('T') => return None,
            KeyCode::Up | KeyCode::Char('k') => self.rows.move_by(-1, len),
            KeyCode::Down | KeyCode::Char('j') => self.rows.move_by(1, len),
            KeyCode::PageUp => self.rows.page(false, len),
            KeyCode::PageDown => self.rows.page(true, len),
            KeyCode::Home | KeyCode::Char('g') => self.rows.select(0, len),
            KeyCode::End | KeyCode::Char('G') => self.rows.select(len.saturating_sub(1), len),
            KeyCode::Char('a') => return popup(ReasonForm::add(self.labels())),
            _ => {
                let Some(entry) = self.selected() else { return Some(Request::None) };
                let label = entry.reason.label.clone();
                return match key.code {
                    KeyCode::Char('r') => popup(ReasonForm::rename(&label, self.labels())),
                    KeyCode::Char('e') => popup(ReasonForm::describe(&entry.reason)),
                    KeyCode::Char('m') => match entry.reason.kind {
                        ReasonKind::Terminal => Some(Request::Message(format!(
                            "{label:?} is a terminal event: it says what happened, not why, and stays terminal"
                        ))),
                        ReasonKind::Controllable => {
                            write(TaxonomyEdit::Mark { label, kind: ReasonKind::Uncontrollable })
                        }
                        ReasonKind::Uncontrollable => {
                            write(TaxonomyEdit::Mark { label, kind: ReasonKind::Controllable })
                        }
                    },
                    KeyCode::Char('d') => {
                        write(TaxonomyEdit::Retire { label, retired: !entry.reason.retired })
                    }
                    KeyCode::Char('X') if entry.uses > 0 => Some(Request::Message(format!(
                        "{label:?} is used by {}: retire it (d) to hide it from the picker",
                        crate::domain::count::of(entry.uses, "chain", "chains")
                    ))),
                    KeyCode::Char('X') => Some(Request::Popup(Popup::Confirm(ConfirmPopup {
                        message: format!("Delete the churn reason {label:?}? No chain uses it."),
                        writes: vec![Write::Taxonomy(TaxonomyEdit::Delete { label })],
                    }))),
                    _ => Some(Request::None),
                };
            }
        }
        Some(Request::None)
    }

    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let theme = view.theme;
        let retired = self.entries.iter().filter(|e| e.reason.retired).count();
        let title = format!(
            " Churn taxonomy · {} · {retired} retired ",
            crate::domain::count::of(self.entries.len(), "entry", "entries")
        );
        let block = Block::bordered().title(title).border_style(theme.border(view.active));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [header, rows, detail, keys] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(2),
            Constraint::Length(1),
        ])
        .areas(inner);
        let width = usize::from(inner.width);
        let label_width = 28.min(width / 3).max(8);
        let kind_width = 15;
        let uses_width = 5;
        let rest = width.saturating_sub(label_width + kind_width + uses_width + 4);
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!(
                    "{:<label_width$} {:<kind_width$} {:>uses_width$}  {}",
                    "Entry", "Kind", "Used", "Description"
                ),
                theme.header(),
            )),
            header,
        );
        let lines: Vec<Line<'static>> = self
            .entries
            .iter()
            .enumerate()
            .skip(self.rows.offset)
            .take(usize::from(rows.height))
            .map(|(index, entry)| {
                let reason = &entry.reason;
                let kind = if reason.retired {
                    format!("{} ·retired", short_kind(reason.kind))
                } else {
                    reason.kind.to_string()
                };
                let text = format!(
                    "{} {} {:>uses_width$}  {}",
                    crate::tui::widgets::pad(&reason.label, label_width, false),
                    crate::tui::widgets::pad(&kind, kind_width, false),
                    entry.uses,
                    fit(&reason.description, rest)
                );
                let style = if index == self.rows.selected {
                    theme.selected()
                } else if reason.retired {
                    theme.dim()
                } else {
                    kind_style(reason.kind, theme)
                };
                Line::styled(text, style)
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), rows);
        if let Some(entry) = self.selected() {
            let uses = match entry.uses {
                0 => "no chain uses it: it can be deleted".to_string(),
                1 => "used by 1 chain: it can be retired, not deleted".to_string(),
                n => format!("used by {n} chains: it can be retired, not deleted"),
            };
            let line = Line::from(vec![
                Span::styled(entry.reason.label.clone(), theme.title()),
                Span::raw(format!(" · {} · {uses}", entry.reason.kind)),
            ]);
            frame.render_widget(Paragraph::new(vec![line]), detail);
        }
        frame.render_widget(Paragraph::new(Line::styled(fit(KEYS_LINE, width), theme.dim())), keys);
    }
}

fn short_kind(kind: ReasonKind) -> &'static str {
    match kind {
        ReasonKind::Terminal => "terminal",
        ReasonKind::Controllable => "contr.",
        ReasonKind::Uncontrollable => "uncontr.",
    }
}

fn kind_style(kind: ReasonKind, theme: Theme) -> ratatui::style::Style {
    match kind {
        ReasonKind::Terminal => theme.dim(),
        ReasonKind::Controllable => theme.ok(),
        ReasonKind::Uncontrollable => theme.warn(),
    }
}
