//! The book of business: every account in one table, sortable by any column
//! both ways, filtered (my book, health, tier, 4A stage, renewal within N
//! days, value flags) and searched as you type, with the filtered totals.
//! The heavy lifting is in `tui::book::BookIndex`; this pane keeps the
//! cursor and draws only the visible rows.

use crate::read::book::{BookIndex, Column, record_value};
use crate::store::accounts::BookRow;
use crate::text::columns as layout;
use crate::text::columns::Want;
use crate::text::inert;
use crate::tui::action::Action;
use crate::tui::keymap;
use crate::tui::panes::{Cx, Pane, Request, View};
use crate::tui::theme::Theme;
use crate::tui::widgets::Cursor;
use crate::tui::widgets::cut::cut_lines;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use tui_input::Input;
use tui_input::backend::crossterm::to_input_request;
use unicode_width::UnicodeWidthStr;

const KEYS: &[(&str, Action)] = &[
    ("/", Action::Search),
    ("s", Action::SortNext),
    (">", Action::SortNext),
    ("<", Action::SortPrev),
    ("S", Action::SortReverse),
    ("m", Action::FilterMine),
    ("h", Action::FilterHealth),
    ("t", Action::FilterTier),
    ("a", Action::FilterStage),
    ("r", Action::FilterRenewal),
    ("v", Action::FilterFlagged),
    ("x", Action::ClearFilters),
];

/// The keymap scope while the Book's search takes typing.
pub const SEARCH_SCOPE: &str = "book_search";

/// Its keys: `Enter` keeps the search, `Esc` clears it; any other key types.
pub const SEARCH_KEYS: &[(&str, Action)] =
    &[("enter", Action::Save), ("esc", Action::Cancel), ("down", Action::Down), ("up", Action::Up)];

/// The Book search's table, for the keymap.
pub fn search_key_table() -> keymap::Table {
    keymap::Table {
        name: SEARCH_SCOPE,
        title: "Book: searching the list",
        keys: SEARCH_KEYS,
        with: Vec::new(),
        shared: false,
    }
}

const HINTS: &[Action] = &[
    Action::Open,
    Action::Search,
    Action::SortNext,
    Action::SortReverse,
    Action::FilterMine,
    Action::SetHealth,
    Action::LogTouch,
    Action::Help,
];

/// The book pane's own state: the cursor and the search being typed.
#[derive(Debug, Default)]
pub struct BookPane {
    cursor: Cursor,
    searching: bool,
    search: Input,
    /// The table's inner width, for clicks on the header.
    width: u16,
}

/// Which columns fit in `width`, with their widths, for the rows `shown`:
/// numbers and dates keep their width; the names (account, CSM, AM) are
/// measured in terminal cells and cut only when the room runs out, the
/// shortest made whole first; the account name takes what is left.
pub fn columns(width: u16, shown: &[&BookRow]) -> Vec<(Column, usize)> {
    let wide = width >= 120;
    let widest = |text: fn(&BookRow) -> String, title: Column| {
        let content = shown.iter().map(|row| inert::width(&text(row))).max().unwrap_or(0);
        content.max(title.title().width() + 1)
    };
    let csm = widest(|row| row.csm.clone(), Column::Csm);
    let mut wants = vec![
        (Column::Health, Want::fixed(1)),
        (Column::Name, Want::text(12, widest(name_text, Column::Name)).flex()),
        (Column::Tier, Want::fixed(1)),
        (Column::Stage, Want::fixed(if wide { 10 } else { 3 })),
        (Column::Arr, Want::fixed(arr_width())),
        (Column::Absorption, Want::fixed(5)),
        (Column::Renewal, Want::fixed(if wide { 16 } else { 5 })),
        (Column::LastTouch, Want::fixed(if wide { 10 } else { 5 })),
        (Column::Csm, Want::text(8, csm)),
    ];
    if wide {
        wants.push((Column::Am, Want::text(8, widest(|row| row.am.clone(), Column::Am))));
        // The record's columns the Book shows, when a row on screen has a value.
        for (n, column) in Column::records().enumerate() {
            let n = u8::try_from(n).unwrap_or(u8::MAX);
            let (Some((_, how)), true) = (
                crate::store::records::in_book(usize::from(n)),
                shown.iter().any(|row| record_value(row, n).is_some()),
            ) else {
                continue;
            };
            wants.push((column, Want::fixed(usize::from(how.width))));
        }
    }
    let specs: Vec<Want> = wants.iter().map(|(_, want)| *want).collect();
    // Each column is followed by one space, the last one too.
    let widths = layout::layout(&specs, usize::from(width).saturating_sub(1), 1);
    wants.iter().map(|(column, _)| *column).zip(widths).collect()
}

/// Cells for the compact ARR: `-999.9k` with the currency symbol, and a
/// space before it.
fn arr_width() -> usize {
    (crate::domain::Money(-99_990_000).to_short().width() + 1).max(8)
}

/// The account's name as the Name column shows it: with its value badges.
fn name_text(row: &BookRow) -> String {
    let badge = row.flags.badge();
    if badge.is_empty() { row.name.clone() } else { format!("{} ✦{badge}", row.name) }
}

fn right(column: Column) -> bool {
    use crate::store::records::{Kind, in_book};
    match column {
        Column::Record(n) => {
            in_book(usize::from(n)).is_some_and(|(c, _)| matches!(c.kind, Kind::Whole { .. }))
        }
        _ => {
            matches!(column, Column::Arr | Column::Absorption | Column::Renewal | Column::LastTouch)
        }
    }
}

fn pad(text: String, width: usize, right_align: bool) -> String {
    crate::tui::widgets::pad(&text, width, right_align)
}

fn cell(
    row: &BookRow,
    column: Column,
    width: usize,
    book: &BookIndex,
    index: u32,
    theme: Theme,
) -> Span<'static> {
    let today = book.today();
    let wide = width > 5;
    let text = match column {
        Column::Health => return theme.health(row.health),
        Column::Name => name_text(row),
        // Tiers rank the accounts with ARR (DOMAIN: Pareto); one without
        // (churned, lapsed) has none to show.
        Column::Tier if row.arr.is_zero() => "—".to_string(),
        Column::Tier => book.tier(index).to_string(),
        Column::Stage => {
            if wide {
                row.stage.title().to_string()
            } else {
                row.stage.title()[..3].to_string()
            }
        }
        Column::Arr => row.arr.to_short(),
        // Rounded half away from zero to what is shown, as every percentage
        // (the sort keeps the basis points).
        Column::Absorption => match row.potential_units.filter(|p| *p > 0) {
            Some(potential) => crate::metrics::Rate::new(row.units, potential)
                .map_or_else(|| "—".to_string(), |rate| rate.to_percent(0)),
            None => "—".to_string(),
        },
        Column::Renewal => match row.next_renewal {
            Some(date) => {
                let days = (date - today).num_days();
                if wide { format!("{date} {days:>4}d") } else { format!("{days}d") }
            }
            None => "—".to_string(),
        },
        Column::LastTouch => match row.last_touch {
            Some(date) => {
                if wide {
                    date.to_string()
                } else {
                    format!("{}d", (today - date).num_days())
                }
            }
            None => "never".to_string(),
        },
        Column::Csm => row.csm.clone(),
        Column::Am => row.am.clone(),
        Column::Record(n) => record_value(row, n).map(|value| value.to_text()).unwrap_or_default(),
    };
    let style = match column {
        Column::Renewal if row.next_renewal.is_some_and(|d| (d - today).num_days() <= 90) => {
            theme.warn()
        }
        Column::Tier | Column::Stage | Column::Csm | Column::Am | Column::LastTouch => theme.dim(),
        _ => Style::new(),
    };
    Span::styled(pad(text, width, right(column)), style)
}

impl BookPane {
    /// The columns for the rows on screen (measured there, so drawing never
    /// walks the whole book).
    fn columns(&self, book: &BookIndex, width: u16) -> Vec<(Column, usize)> {
        let visible = book.visible();
        let shown: Vec<&BookRow> =
            self.cursor.window(visible.len()).filter_map(|i| book.row(visible[i])).collect();
        columns(width, &shown)
    }

    fn selected_index(&self, book: &BookIndex) -> Option<u32> {
        book.visible().get(self.cursor.selected).copied()
    }

    /// Re-applies the book's view as far as the screen needs (the rest is
    /// counted while no key waits), keeping the same account selected if it
    /// is still shown.
    fn reapply(&mut self, book: &mut BookIndex, keep: bool) {
        let selected = if keep { self.selected_index(book) } else { None };
        let position = book.apply_for_screen(self.cursor.height.max(1) + 1, selected);
        self.cursor.select(position.unwrap_or(0), book.visible().len());
        if position.is_none() {
            self.cursor.offset = 0;
        }
    }
}

impl Pane for BookPane {
    fn title(&self) -> &'static str {
        "Book"
    }

    fn scope(&self) -> &'static str {
        "book"
    }

    fn keys(&self) -> &'static [(&'static str, Action)] {
        KEYS
    }

    /// No whole-book search on `/`: the Book's `/` searches its own list
    /// (`Ctrl-f` still searches the whole book).
    fn key_layers(&self) -> &'static [&'static str] {
        &[keymap::SELECTION, keymap::LIST]
    }

    fn hints(&self) -> &'static [Action] {
        HINTS
    }

    fn refresh(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        self.cursor.clamp(cx.book.visible().len());
        Ok(())
    }

    fn resize(&mut self, area: Rect, cx: &mut Cx<'_>) {
        // Border (2), header (1), footer (1).
        self.width = area.width.saturating_sub(2);
        self.cursor.set_height(usize::from(area.height.saturating_sub(4)), cx.book.visible().len());
    }

    fn update(&mut self, action: Action, cx: &mut Cx<'_>) -> Request {
        let book = &mut *cx.book;
        let len = book.visible().len();
        match action {
            Action::Up => self.cursor.move_by(-1, len),
            Action::Down => self.cursor.move_by(1, len),
            Action::PageUp => self.cursor.page(false, len),
            Action::PageDown => self.cursor.page(true, len),
            Action::Top => self.cursor.select(0, len),
            Action::Bottom => {
                // The last row is only known once the view is counted.
                while !book.settle() {}
                let len = book.visible().len();
                self.cursor.select(len.saturating_sub(1), len);
            }
            Action::Open => {
                return self
                    .selected_index(book)
                    .and_then(|i| book.row(i))
                    .map_or(Request::None, |row| Request::OpenAccount(row.id.clone()));
            }
            Action::Back => {
                if book.filter.search.is_empty() {
                    return Request::None;
                }
                book.filter.search.clear();
                self.search.reset();
                self.reapply(book, true);
            }
            Action::Search => {
                self.searching = true;
                self.search = Input::new(book.filter.search.clone());
            }
            Action::SortNext | Action::SortPrev => {
                let column = book.sort.cycle(action == Action::SortNext);
                book.sort_by(column);
                self.reapply(book, true);
            }
            Action::SortBy(column) => {
                book.sort_by(column);
                self.reapply(book, true);
            }
            Action::SortReverse => {
                book.reverse();
                self.reapply(book, true);
            }
            Action::FilterMine => {
                book.filter.mine = !book.filter.mine;
                self.reapply(book, true);
            }
            Action::FilterHealth => {
                book.filter.cycle_health();
                self.reapply(book, true);
            }
            Action::FilterTier => {
                let tiers = book.tier_count();
                book.filter.cycle_tier(tiers);
                self.reapply(book, true);
            }
            Action::FilterStage => {
                book.filter.cycle_stage();
                self.reapply(book, true);
            }
            Action::FilterRenewal => {
                book.filter.cycle_renewal();
                self.reapply(book, true);
            }
            Action::FilterFlagged => {
                book.filter.flagged = !book.filter.flagged;
                self.reapply(book, true);
            }
            Action::ClearFilters => {
                book.filter = Default::default();
                self.search.reset();
                self.reapply(book, true);
            }
            _ => return Request::Ignored,
        }
        Request::None
    }

    fn typing(&self) -> bool {
        self.searching
    }

    fn paste(&mut self, text: &str, cx: &mut Cx<'_>) -> Request {
        if !self.searching {
            return Request::Message(crate::tui::paste::NO_FIELD.to_string());
        }
        if let Err(message) =
            crate::tui::paste::paste(&mut self.search, text, crate::tui::paste::Lines::One)
        {
            return Request::Message(message);
        }
        if self.search.value() != cx.book.filter.search {
            cx.book.filter.search = self.search.value().to_string();
            self.reapply(cx.book, false);
        }
        Request::None
    }

    fn typing_scope(&self) -> Option<&'static str> {
        self.searching.then_some(SEARCH_SCOPE)
    }

    fn type_key(&mut self, key: KeyEvent, cx: &mut Cx<'_>) -> Request {
        let action = cx.keymap.action(SEARCH_SCOPE, keymap::Key::from_event(key));
        match action {
            Some(Action::Save) => self.searching = false,
            Some(Action::Cancel) => {
                self.searching = false;
                self.search.reset();
                cx.book.filter.search.clear();
                self.reapply(cx.book, true);
            }
            Some(step @ (Action::Down | Action::Up)) => {
                let len = cx.book.visible().len();
                self.cursor.move_by(if step == Action::Down { 1 } else { -1 }, len);
            }
            _ => {
                if let Some(request) = to_input_request(&Event::Key(key)) {
                    self.search.handle(request);
                    if self.search.value() != cx.book.filter.search {
                        cx.book.filter.search = self.search.value().to_string();
                        self.reapply(cx.book, false);
                    }
                }
            }
        }
        Request::None
    }

    fn click(&mut self, column: u16, row: u16, cx: &mut Cx<'_>) -> Request {
        if row == 1 {
            // The header: sort by the column clicked.
            let mut x = 1_u16;
            for (col, width) in self.columns(cx.book, self.width) {
                let end = x + u16::try_from(width).unwrap_or(0) + 1;
                if column >= x && column < end {
                    return self.update(Action::SortBy(col), cx);
                }
                x = end;
            }
            return Request::None;
        }
        let len = cx.book.visible().len();
        let Some(index) = self.cursor.row_at(usize::from(row.saturating_sub(2)), len) else {
            return Request::None;
        };
        if row >= 2 {
            if index == self.cursor.selected {
                return self.update(Action::Open, cx);
            }
            self.cursor.select(index, len);
        }
        Request::None
    }

    fn selected_account(&self, book: &BookIndex) -> Option<String> {
        self.selected_index(book).and_then(|i| book.row(i)).map(|r| r.id.clone())
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let theme = view.theme;
        let book = view.book;
        let arrow = if book.descending { "↓" } else { "↑" };
        let title = Line::from(vec![
            Span::styled(" Book of business ", theme.title()),
            Span::styled(format!("· sorted by {} {arrow} ", book.sort.title()), theme.dim()),
        ]);
        let block = Block::bordered().title(title).border_style(theme.border(view.active));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if inner.height < 2 {
            return;
        }
        let columns = self.columns(book, inner.width);
        let mut lines: Vec<Line<'static>> = Vec::with_capacity(usize::from(inner.height));
        let mut header = Vec::new();
        for (column, width) in &columns {
            let mut title = match (column, *width <= 5) {
                (Column::Renewal, true) => "Renew".to_string(),
                (Column::LastTouch, true) => "Touch".to_string(),
                _ => column.title().to_string(),
            };
            if *column == book.sort {
                title.push_str(arrow);
            }
            let style = if *column == book.sort { theme.key() } else { theme.header() };
            header.push(Span::styled(pad(title, *width, right(*column)), style));
            header.push(Span::raw(" "));
        }
        lines.push(Line::from(header));
        let visible = book.visible();
        if book.is_empty() {
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled("  No accounts yet.", theme.title())));
            lines.push(Line::from(
                "  Import your book:  cockpit import <folder with accounts.csv, contracts.csv, …>",
            ));
            lines.push(Line::from("  Or look around:    cockpit --demo"));
        } else if visible.is_empty() && book.is_counting() {
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled("  Searching…", theme.dim())));
        } else if visible.is_empty() {
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(
                format!("  No account matches: {}", book.filter.describe()),
                theme.warn(),
            )));
            lines.push(Line::from("  x clears the filters, Esc the search."));
        }
        for position in self.cursor.window(visible.len()) {
            let index = visible[position];
            let Some(row) = book.row(index) else { continue };
            let mut spans = Vec::with_capacity(columns.len() * 2);
            for (column, width) in &columns {
                spans.push(cell(row, *column, *width, book, index, theme));
                spans.push(Span::raw(" "));
            }
            let mut line = Line::from(spans);
            if position == self.cursor.selected {
                line = theme.select(line);
            }
            lines.push(line);
        }
        let body = Rect { height: inner.height - 1, ..inner };
        frame.render_widget(Paragraph::new(cut_lines(lines, body.width)), body);
        // Footer: the search being typed, or the totals of the filtered rows.
        let footer_area = Rect { y: inner.y + inner.height - 1, height: 1, ..inner };
        // While the view is still being counted, the figures so far.
        let so_far = if book.is_counting() { "≥ " } else { "" };
        let totals = format!(
            "{so_far}{} of {} · ARR {so_far}{} of {} ",
            visible.len(),
            crate::domain::count::of(book.len(), "account", "accounts"),
            book.visible_arr(),
            book.total_arr()
        );
        let footer = if self.searching || !book.filter.search.is_empty() {
            let cursor = if self.searching { "▏" } else { "" };
            Line::from(vec![
                Span::styled("/", theme.key()),
                Span::raw(format!("{}{cursor}", book.filter.search)),
            ])
        } else {
            Line::from(Span::styled(format!("{} ", book.filter.describe()), theme.warn()))
        };
        frame.render_widget(Paragraph::new(cut_lines(footer, footer_area.width)), footer_area);
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(totals, theme.dim())))
                .alignment(Alignment::Right),
            footer_area,
        );
    }
}
