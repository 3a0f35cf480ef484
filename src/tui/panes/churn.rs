//! The Churn pane: the churn report (ARR lost and accounts by root cause or
//! by any link, the controllable share, filtered by period, CSM and
//! product), each row opening the chains behind it as full sentences, and
//! the chain editor (`churn_editor`), opened here from a chain or from any
//! pane's selected account. The report is computed on refresh and on a
//! filter change, never while drawing; writes go back to the app.

mod lines;

use crate::domain::churn::{BookChain, ChainId, ReasonKind};
use crate::metrics::churn_report::{CauseRow, ChurnReport, ReportFilter, churn_report};
use crate::text::columns::{self, Want};
use crate::tui::action::Action;
use crate::tui::churn_editor::{EditorView, Step};
use crate::tui::panes::churn_taxonomy::{self, TaxonomyView};
use crate::tui::panes::{Cx, Pane, Request, View};
use crate::tui::widgets::cut::cut_lines;
use crate::tui::widgets::wrap::wrap_words;
use crate::tui::widgets::{Cursor, fit};
use chrono::{Datelike, Months, NaiveDate};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use unicode_width::UnicodeWidthStr;

/// The churn report's keymap scope.
const SCOPE: &str = "churn";

const KEYS: &[(&str, Action)] = &[
    ("p", Action::ChurnPeriod),
    ("C", Action::ChurnCsm),
    ("P", Action::ChurnProduct),
    ("b", Action::ChurnBreakdown),
    ("x", Action::ClearFilters),
    ("T", Action::ChurnTaxonomy),
];

const HINTS: &[Action] = &[
    Action::Open,
    Action::ChurnBreakdown,
    Action::ChurnPeriod,
    Action::ChurnCsm,
    Action::ChurnProduct,
    Action::ChurnTaxonomy,
    Action::Back,
    Action::Help,
];

/// The report's period, relative to today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    #[default]
    AllTime,
    LastQuarter,
    LastYear,
    YearToDate,
}

impl Period {
    fn next(self) -> Period {
        match self {
            Period::AllTime => Period::LastQuarter,
            Period::LastQuarter => Period::LastYear,
            Period::LastYear => Period::YearToDate,
            Period::YearToDate => Period::AllTime,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Period::AllTime => "all time",
            Period::LastQuarter => "last 3 months",
            Period::LastYear => "last 12 months",
            Period::YearToDate => "year to date",
        }
    }

    /// The first day included (the last is today).
    fn from(self, today: NaiveDate) -> Option<NaiveDate> {
        match self {
            Period::AllTime => None,
            Period::LastQuarter => today.checked_sub_months(Months::new(3)),
            Period::LastYear => today.checked_sub_months(Months::new(12)),
            Period::YearToDate => NaiveDate::from_ymd_opt(today.year(), 1, 1),
        }
    }
}

/// The report, its filters, the cursor and the editor when open.
#[derive(Debug, Default)]
pub struct ChurnPane {
    editor: Option<EditorView>,
    /// The taxonomy, when shown (`T`).
    taxonomy: Option<TaxonomyView>,
    chains: Vec<BookChain>,
    report: Option<ChurnReport>,
    today: Option<NaiveDate>,
    period: Period,
    csms: Vec<String>,
    csm: Option<usize>,
    products: Vec<String>,
    product: Option<usize>,
    any_link: bool,
    rows: Cursor,
    /// The cursor in the chains behind the selected row, when drilled in.
    drill: Option<Cursor>,
    /// The pane's height at the last resize, for the taxonomy's list.
    height: u16,
}

impl ChurnPane {
    fn filter(&self) -> ReportFilter {
        ReportFilter {
            from: self.today.and_then(|t| self.period.from(t)),
            to: self.today.filter(|_| self.period != Period::AllTime),
            csm: self.csm.and_then(|i| self.csms.get(i).cloned()),
            product: self.product.and_then(|i| self.products.get(i).cloned()),
        }
    }

    fn recompute(&mut self) {
        let report = churn_report(&self.chains, &self.filter());
        let len = self.table(&report).len();
        self.report = Some(report);
        self.rows.clamp(len);
        self.drill = None;
    }

    fn table<'r>(&self, report: &'r ChurnReport) -> &'r [CauseRow] {
        if self.any_link { &report.by_any_link } else { &report.by_root_cause }
    }

    fn selected_row(&self) -> Option<&CauseRow> {
        self.report.as_ref().and_then(|r| self.table(r).get(self.rows.selected))
    }

    fn behind_selected(&self) -> Vec<&BookChain> {
        let Some(row) = self.selected_row() else { return Vec::new() };
        let mut chains: Vec<&BookChain> = row
            .chains
            .iter()
            .filter_map(|id| self.chains.iter().find(|c| c.chain.id == Some(*id)))
            .collect();
        chains.sort_by_key(|c| std::cmp::Reverse(c.chain.event_date));
        chains
    }

    fn selected_chain(&self) -> Option<ChainId> {
        let drill = self.drill?;
        self.behind_selected().get(drill.selected).and_then(|c| c.chain.id)
    }

    fn open_editor(&mut self, result: anyhow::Result<EditorView>) -> Request {
        match result {
            Ok(editor) => {
                self.editor = Some(editor);
                Request::None
            }
            Err(error) => Request::Message(format!("cannot open the chain: {error:#}")),
        }
    }
}

impl Pane for ChurnPane {
    fn title(&self) -> &'static str {
        "Churn"
    }

    fn scope(&self) -> &'static str {
        SCOPE
    }

    fn keys(&self) -> &'static [(&'static str, Action)] {
        KEYS
    }

    fn help_notes(&self) -> &'static [(&'static str, &'static str)] {
        if self.editor.is_some() { crate::tui::churn_editor::EDITOR_NOTES } else { &[] }
    }

    fn typing_scope(&self) -> Option<&'static str> {
        match (&self.editor, &self.taxonomy) {
            (Some(editor), _) => Some(editor.scope()),
            (None, Some(_)) => Some(churn_taxonomy::SCOPE),
            (None, None) => None,
        }
    }

    fn help_notes_title(&self) -> String {
        "Chain editor".to_string()
    }

    fn hints(&self) -> &'static [Action] {
        // The editor and the taxonomy draw their own keys.
        if self.editor.is_some() || self.taxonomy.is_some() { &[] } else { HINTS }
    }

    fn refresh(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        if let Some(editor) = &mut self.editor
            && editor.confirm_save(cx)
        {
            self.editor = None;
        }
        if let Some(taxonomy) = &mut self.taxonomy {
            taxonomy.reload(churn_taxonomy::load(cx.store)?);
        }
        self.load_report(cx)
    }

    fn resize(&mut self, area: Rect, _cx: &mut Cx<'_>) {
        // Border 2, summary 3, blank 1, header 1; the table takes up to half.
        let room = usize::from(area.height.saturating_sub(7));
        let len = self.report.as_ref().map_or(0, |r| self.table(r).len());
        self.rows.set_height((room / 2).max(3), len);
        self.height = area.height;
        if let Some(taxonomy) = &mut self.taxonomy {
            taxonomy.set_height(taxonomy_rows(area.height));
        }
    }

    fn update(&mut self, action: Action, cx: &mut Cx<'_>) -> Request {
        let len = self.report.as_ref().map_or(0, |r| self.table(r).len());
        if let Some(drill) = self.drill {
            let count = self.selected_row().map_or(0, |r| r.chains.len());
            let mut drill_cursor = drill;
            match action {
                Action::Up => drill_cursor.move_by(-1, count),
                Action::Down => drill_cursor.move_by(1, count),
                Action::Top => drill_cursor.select(0, count),
                Action::Bottom => drill_cursor.select(count.saturating_sub(1), count),
                Action::Back => {
                    self.drill = None;
                    return Request::None;
                }
                Action::Open => {
                    return match self.selected_chain() {
                        Some(id) => {
                            let result = EditorView::for_chain(id, cx);
                            self.open_editor(result)
                        }
                        None => Request::None,
                    };
                }
                _ => return self.update_report(action, len, cx),
            }
            self.drill = Some(drill_cursor);
            return Request::None;
        }
        self.update_report(action, len, cx)
    }

    fn typing(&self) -> bool {
        self.editor.is_some() || self.taxonomy.is_some()
    }

    fn paste(&mut self, text: &str, _cx: &mut Cx<'_>) -> Request {
        let result = match &mut self.editor {
            Some(editor) => editor.paste(text),
            None => Err(crate::tui::paste::NO_FIELD.to_string()),
        };
        result.map_or_else(Request::Message, |()| Request::None)
    }

    fn type_key(&mut self, key: KeyEvent, cx: &mut Cx<'_>) -> Request {
        if self.editor.is_none()
            && let Some(taxonomy) = &mut self.taxonomy
        {
            return match taxonomy.key(key, cx.keymap) {
                Some(request) => request,
                None => {
                    self.taxonomy = None;
                    Request::None
                }
            };
        }
        let Some(editor) = &mut self.editor else { return Request::Ignored };
        match editor.key(key, cx.keymap) {
            Step::Stay(request) => request,
            Step::Close(request) => {
                self.editor = None;
                request
            }
        }
    }

    fn open_churn(&mut self, account_id: &str, cx: &mut Cx<'_>) -> bool {
        if self.load_report(cx).is_err() {
            return false;
        }
        let result = EditorView::for_account(account_id, cx);
        !matches!(self.open_editor(result), Request::Message(_))
    }

    fn selected_account(&self, _book: &crate::read::book::BookIndex) -> Option<String> {
        if let Some(editor) = &self.editor {
            return Some(editor.account_id().to_string());
        }
        let drill = self.drill?;
        self.behind_selected().get(drill.selected).map(|c| c.chain.account_id.clone())
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        if let Some(editor) = &self.editor {
            editor.draw(frame, area, view);
            return;
        }
        if let Some(taxonomy) = &self.taxonomy {
            taxonomy.draw(frame, area, view);
            return;
        }
        let theme = view.theme;
        let block =
            Block::bordered().title(" Churn report ").border_style(theme.border(view.active));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let width = usize::from(inner.width);
        let table = self.table_lines(view, width);
        let table_height = u16::try_from(table.len()).unwrap_or(u16::MAX);
        let [summary, _, rows, _, chains] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(1),
            Constraint::Length(table_height),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(inner);
        frame.render_widget(
            Paragraph::new(cut_lines(self.report_lines(view, width), summary.width)),
            summary,
        );
        frame.render_widget(Paragraph::new(cut_lines(table, rows.width)), rows);
        let chain_lines = self.chain_lines(view, width, usize::from(chains.height));
        frame.render_widget(Paragraph::new(cut_lines(chain_lines, chains.width)), chains);
    }
}

impl ChurnPane {
    /// Reads the saved chains and recomputes the report.
    fn load_report(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        self.today = Some(cx.clock.today());
        self.chains = cx.store.churn_chains_for_report(None, None)?;
        let mut csms: Vec<String> = self.chains.iter().map(|c| c.csm.clone()).collect();
        csms.sort();
        csms.dedup();
        csms.retain(|c| !c.is_empty());
        let mut products: Vec<String> =
            self.chains.iter().map(|c| c.chain.product.clone()).collect();
        products.sort();
        products.dedup();
        products.retain(|p| !p.is_empty());
        let keep = |choice: Option<usize>, old: &[String], new: &[String]| {
            choice.and_then(|i| old.get(i)).and_then(|v| new.iter().position(|n| n == v))
        };
        self.csm = keep(self.csm, &self.csms, &csms);
        self.product = keep(self.product, &self.products, &products);
        self.csms = csms;
        self.products = products;
        self.recompute();
        Ok(())
    }

    fn update_report(&mut self, action: Action, len: usize, cx: &mut Cx<'_>) -> Request {
        match action {
            Action::Up => self.rows.move_by(-1, len),
            Action::Down => self.rows.move_by(1, len),
            Action::PageUp => self.rows.page(false, len),
            Action::PageDown => self.rows.page(true, len),
            Action::Top => self.rows.select(0, len),
            Action::Bottom => self.rows.select(len.saturating_sub(1), len),
            Action::Open => {
                if self.selected_row().is_some_and(|r| !r.chains.is_empty()) {
                    self.drill = Some(Cursor { selected: 0, offset: 0, height: 1 });
                }
                return Request::None;
            }
            Action::Back => return Request::Back,
            Action::ChurnPeriod => {
                self.period = self.period.next();
                self.recompute();
            }
            Action::ChurnCsm => {
                self.csm = cycle(self.csm, self.csms.len());
                self.recompute();
            }
            Action::ChurnProduct => {
                self.product = cycle(self.product, self.products.len());
                self.recompute();
            }
            Action::ChurnTaxonomy => return self.show_taxonomy(cx),
            Action::ChurnBreakdown => {
                self.any_link = !self.any_link;
                self.rows.select(0, usize::MAX);
                self.recompute();
            }
            Action::ClearFilters => {
                self.period = Period::AllTime;
                self.csm = None;
                self.product = None;
                self.recompute();
            }
            _ => return Request::Ignored,
        }
        Request::None
    }
}

/// The taxonomy's list rows in a pane `height` high: border 2, header 1,
/// detail 2, keys 1.
fn taxonomy_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(6)).max(1)
}

impl ChurnPane {
    /// Shows the taxonomy, read afresh.
    fn show_taxonomy(&mut self, cx: &mut Cx<'_>) -> Request {
        match churn_taxonomy::load(cx.store) {
            Ok(entries) => {
                let mut taxonomy = TaxonomyView::new(entries);
                taxonomy.set_height(taxonomy_rows(self.height));
                self.taxonomy = Some(taxonomy);
                Request::None
            }
            Err(error) => Request::Message(format!("{error:#}")),
        }
    }
}

/// The next choice in a list of `len` options, with `None` (any) between the
/// last and the first.
fn cycle(choice: Option<usize>, len: usize) -> Option<usize> {
    match choice {
        None if len > 0 => Some(0),
        Some(i) if i + 1 < len => Some(i + 1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_cycle_through_any() {
        assert_eq!(cycle(None, 2), Some(0));
        assert_eq!(cycle(Some(0), 2), Some(1));
        assert_eq!(cycle(Some(1), 2), None);
        assert_eq!(cycle(None, 0), None);
    }

    #[test]
    fn periods_start_where_they_say() {
        let today = NaiveDate::from_ymd_opt(2026, 5, 31).expect("date");
        assert_eq!(Period::AllTime.from(today), None);
        assert_eq!(Period::LastQuarter.from(today), NaiveDate::from_ymd_opt(2026, 2, 28));
        assert_eq!(Period::LastYear.from(today), NaiveDate::from_ymd_opt(2025, 5, 31));
        assert_eq!(Period::YearToDate.from(today), NaiveDate::from_ymd_opt(2026, 1, 1));
    }
}
