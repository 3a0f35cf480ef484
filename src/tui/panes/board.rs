//! The 4A board: every account as a card in its stage's column (four columns
//! side by side on a wide screen, four stacked sections on a narrow one),
//! each card with its health, ARR, absorption bar, days to renewal and days
//! in stage, stuck accounts flagged; counts, ARR and stuck per stage in the
//! headings. Moving a card asks for a one-line reason (a popup) and is
//! written at once; the stage suggestions that differ from the set stage are
//! listed to accept or dismiss.
//!
//! The board (`metrics::board`) is read once on refresh, the suggestions
//! the first time they are asked for (`s`, `A`, `D`); a move this pane asked for is applied to the board in place, so
//! a 100,000-account book is not reloaded. Each column keeps its own scroll
//! and only visible cards are drawn. Drawing reads only.

use crate::domain::{Health, Stage};
use crate::metrics::Rate;
use crate::metrics::board::{AccountNames, Board, Card, Names};
use crate::metrics::stage_suggestions::{self, StageSuggestion};
use crate::read::book::BookIndex;
use crate::store::accounts::BookRow;
use crate::tui::action::Action;
use crate::tui::forms::four_a::StageForm;
use crate::tui::panes::{Cx, Pane, Request, View, Write};
use crate::tui::popups::Popup;
use crate::tui::theme::Theme;
use crate::tui::widgets::cut::cut_lines;
use crate::tui::widgets::{Cursor, fit};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

mod draw;

/// A screen at least this wide shows four columns; narrower, four sections.
pub const WIDE: u16 = 120;

const KEYS: &[(&str, Action)] = &[
    ("h", Action::Left),
    ("left", Action::Left),
    ("l", Action::Right),
    ("right", Action::Right),
    ("m", Action::MoveStage),
    ("<", Action::StagePrev),
    (">", Action::StageNext),
    ("s", Action::ToggleSuggestions),
    ("A", Action::AcceptSuggestion),
    ("D", Action::DismissSuggestion),
];

const HINTS: &[Action] = &[
    Action::Open,
    Action::MoveStage,
    Action::ToggleSuggestions,
    Action::AcceptSuggestion,
    Action::DismissSuggestion,
    Action::SetHealth,
    Action::Help,
];

/// The absorption bar: `width` cells filled by the share, `░` for the rest,
/// dim dots when the potential is unknown. Green once the product is the
/// account's standard (over 50%).
pub fn absorption_bar(rate: Option<Rate>, width: usize, theme: Theme) -> Span<'static> {
    let Some(rate) = rate else {
        return Span::styled("·".repeat(width), theme.dim());
    };
    let width_i = i128::try_from(width).unwrap_or(0);
    let filled = if rate.denominator() > 0 {
        (rate.numerator().max(0) * width_i / rate.denominator()).min(width_i)
    } else {
        0
    };
    let filled = usize::try_from(filled).unwrap_or(0);
    let standard = rate.numerator() * 2 > rate.denominator();
    let style = if standard { theme.ok() } else { theme.accent() };
    Span::styled(format!("{}{}", "█".repeat(filled), "░".repeat(width - filled)), style)
}

/// Absorption as a whole percent (`37%`), rounded half away from zero as
/// every percentage shown, `—` when the potential is unknown.
pub fn absorption_percent(rate: Option<Rate>) -> String {
    match rate {
        Some(rate) if rate.denominator() > 0 => rate.to_percent(0),
        _ => "—".to_string(),
    }
}

fn days(value: Option<i64>) -> String {
    value.map_or_else(|| "—".to_string(), |d| format!("{d}d"))
}

/// A move this pane asked for: applied to the board in place when the
/// store shows it done.
#[derive(Debug, Clone)]
enum Pending {
    Move { account_id: String, to: Stage },
    Dismiss { account_id: String, signal: String },
}

/// Where a board's (or a target list's) account names are: the book rows
/// it was built from (it points into them by index), or its own.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NamesIn<'a> {
    Book(&'a [BookRow]),
    Own(&'a Names),
}

impl<'a> NamesIn<'a> {
    pub(crate) fn id(self, account: u32) -> &'a str {
        match self {
            NamesIn::Book(rows) => rows.id(account),
            NamesIn::Own(names) => names.id(account),
        }
    }

    pub(crate) fn name(self, account: u32) -> &'a str {
        match self {
            NamesIn::Book(rows) => rows.name(account),
            NamesIn::Own(names) => names.name(account),
        }
    }

    pub(crate) fn am(self, account: u32) -> &'a str {
        match self {
            NamesIn::Book(rows) => rows.am(account),
            NamesIn::Own(names) => names.am(account),
        }
    }
}

impl AccountNames for NamesIn<'_> {
    fn id(&self, account: u32) -> &str {
        NamesIn::id(*self, account)
    }

    fn name(&self, account: u32) -> &str {
        NamesIn::name(*self, account)
    }

    fn csm(&self, account: u32) -> &str {
        match self {
            NamesIn::Book(rows) => rows.csm(account),
            NamesIn::Own(names) => names.csm(account),
        }
    }

    fn am(&self, account: u32) -> &str {
        NamesIn::am(*self, account)
    }
}

/// The board, the cursor of each column and the suggestions.
#[derive(Debug, Default)]
pub struct BoardPane {
    board: Option<Board>,
    /// The board points into the book's rows for its names (built from the
    /// whole book in memory), rather than holding its own.
    names_in_book: bool,
    cursors: [Cursor; 4],
    column: usize,
    suggestions: Vec<StageSuggestion>,
    /// Suggestions read the whole book's facts, so they are read the first
    /// time they are asked for (and on every reload after that).
    suggestions_loaded: bool,
    showing_suggestions: bool,
    suggestion_cursor: Cursor,
    pending: Option<Pending>,
    area: Rect,
}

impl BoardPane {
    fn wide(&self) -> bool {
        self.area.width >= WIDE
    }

    /// Cards visible per column (wide: two lines a card; narrow: one line
    /// in each of four sections).
    fn card_rows(&self) -> usize {
        // Border (2), footer (2).
        let inner = usize::from(self.area.height.saturating_sub(4));
        if self.wide() {
            // Heading and rule.
            (inner.saturating_sub(2) / 2).max(1)
        } else {
            (inner.saturating_sub(4) / 4).max(1)
        }
    }

    fn len(&self, column: usize) -> usize {
        self.board.as_ref().and_then(|b| b.columns.get(column)).map_or(0, |c| c.cards.len())
    }

    fn set_heights(&mut self) {
        let rows = self.card_rows();
        for column in 0..4 {
            let len = self.len(column);
            self.cursors[column].set_height(rows, len);
        }
        let list = usize::from(self.area.height.saturating_sub(5));
        self.suggestion_cursor.set_height(list.max(1), self.suggestions.len());
    }

    fn selected_card(&self) -> Option<&Card> {
        let column = self.board.as_ref()?.columns.get(self.column)?;
        column.cards.get(self.cursors[self.column].selected)
    }

    /// The board's account names.
    pub(super) fn names<'a>(&'a self, book: &'a BookIndex) -> NamesIn<'a> {
        match &self.board {
            Some(board) if !self.names_in_book => NamesIn::Own(board.names()),
            _ => NamesIn::Book(book.rows()),
        }
    }

    /// The selected card's account id.
    fn selected_id<'a>(&'a self, book: &'a BookIndex) -> Option<&'a str> {
        Some(self.names(book).id(self.selected_card()?.account))
    }

    /// The suggestion the accept/dismiss keys act on: the listed one, or the
    /// selected card's.
    fn selected_suggestion(&self, book: &BookIndex) -> Option<&StageSuggestion> {
        if self.showing_suggestions {
            self.suggestions.get(self.suggestion_cursor.selected)
        } else {
            let id = self.selected_id(book)?;
            self.suggestions.iter().find(|s| s.account_id == id)
        }
    }

    fn reload(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        let today = cx.clock.today();
        let selected = self.selected_id(cx.book).map(str::to_string);
        // The book in memory holds every account's row: only potentials are
        // read again, and the board points into the rows for the names.
        let in_book = cx.book.is_complete();
        let board = if in_book {
            crate::read::positions::board_from_rows(cx.store, cx.book.rows(), today, cx.config)?
        } else {
            crate::read::board::board(cx.store, today, cx.config)?
        };
        if self.suggestions_loaded {
            self.load_suggestions(cx)?;
        }
        self.board = Some(board);
        self.names_in_book = in_book;
        if let Some(id) = selected {
            self.select_account(&id, cx.book);
        }
        Ok(())
    }

    fn load_suggestions(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        let facts = crate::read::board::stage_facts_with(cx.store, cx.clock.today(), cx.config)?;
        let dismissed = cx.store.dismissed_stage_signals()?;
        self.suggestions = stage_suggestions::pending(&facts, &dismissed);
        self.suggestions_loaded = true;
        let len = self.suggestions.len();
        self.suggestion_cursor.clamp(len);
        Ok(())
    }

    /// Puts the cursor on the account's card, wherever it is.
    fn select_account(&mut self, id: &str, book: &BookIndex) {
        let names = self.names(book);
        let Some((stage, index)) = self.board.as_ref().and_then(|b| b.find_in(&names, id)) else {
            return;
        };
        self.column = usize::from(stage.number() - 1);
        let len = self.len(self.column);
        self.cursors[self.column].select(index, len);
    }

    /// Applies the move this pane asked for, if the store shows it done.
    fn apply_pending(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<bool> {
        let Some(pending) = self.pending.take() else { return Ok(false) };
        let in_book = self.names_in_book;
        let Some(board) = self.board.as_mut() else { return Ok(false) };
        match pending {
            Pending::Move { account_id, to } => {
                let Some(row) = cx.book.by_id(&account_id) else { return Ok(false) };
                let rows = cx.book.rows();
                let find = |board: &Board| {
                    if in_book { board.find_in(rows, &account_id) } else { board.find(&account_id) }
                };
                let card_stage = find(board).map(|(stage, _)| stage);
                if row.stage != to || card_stage == Some(to) {
                    return Ok(false);
                }
                let since = row.stage_since.unwrap_or(cx.clock.today());
                let (health, arr, renewal) = (row.health, row.arr, row.next_renewal);
                if in_book {
                    board.move_account_in(rows, &account_id, to, since);
                } else {
                    board.move_account(&account_id, to, since);
                }
                if let Some((stage, index)) = find(board) {
                    let column = &board.columns[usize::from(stage.number() - 1)];
                    if let Some(card) = column.cards.get(index).copied()
                        && let Some(standing) = board.standing_mut(&card)
                    {
                        standing.health = health;
                        standing.next_renewal = renewal;
                        debug_assert_eq!(standing.arr, arr);
                    }
                }
                self.suggestions.retain_mut(|s| {
                    if s.account_id == account_id {
                        s.current = to;
                    }
                    s.suggested != s.current
                });
                self.select_account(&account_id, cx.book);
                Ok(true)
            }
            Pending::Dismiss { account_id, signal } => {
                let key = (account_id, signal);
                if !cx.store.dismissed_stage_signals()?.contains(&key) {
                    return Ok(false);
                }
                self.suggestions.retain(|s| s.account_id != key.0 || s.signal() != key.1);
                Ok(true)
            }
        }
    }

    fn move_form(&mut self, to: Option<Stage>, book: &BookIndex) -> Request {
        let (Some(board), Some(card)) = (self.board.as_ref(), self.selected_card()) else {
            return Request::Message("no account in this column".to_string());
        };
        let from = board.standing(card).stage;
        let to = match to {
            Some(stage) => stage,
            None => Stage::ALL[usize::from(from.number()) % 4],
        };
        let names = self.names(book);
        let (id, name) = (names.id(card.account), names.name(card.account));
        let form = StageForm::new(id, name, from, to);
        self.pending = Some(Pending::Move { account_id: id.to_string(), to });
        Request::Popup(Popup::Stage(Box::new(form)))
    }

    fn neighbour(&self, forward: bool) -> Result<Stage, String> {
        let (Some(board), Some(card)) = (self.board.as_ref(), self.selected_card()) else {
            return Err("no account in this column".to_string());
        };
        let stage = board.standing(card).stage;
        let number = stage.number();
        let target = if forward { number + 1 } else { number.wrapping_sub(1) };
        Stage::ALL.iter().copied().find(|s| s.number() == target).ok_or_else(|| {
            format!("{} is the {} stage", stage.title(), if forward { "last" } else { "first" })
        })
    }
}

impl Pane for BoardPane {
    fn title(&self) -> &'static str {
        "4A board"
    }

    fn short_title(&self) -> &'static str {
        "4A"
    }

    fn scope(&self) -> &'static str {
        "board"
    }

    fn keys(&self) -> &'static [(&'static str, Action)] {
        KEYS
    }

    fn hints(&self) -> &'static [Action] {
        HINTS
    }

    fn refresh(&mut self, cx: &mut Cx<'_>) -> anyhow::Result<()> {
        if !self.apply_pending(cx)? {
            self.reload(cx)?;
        }
        self.set_heights();
        Ok(())
    }

    fn resize(&mut self, area: Rect, _cx: &mut Cx<'_>) {
        self.area = area;
        self.set_heights();
    }

    fn update(&mut self, action: Action, cx: &mut Cx<'_>) -> Request {
        let wants_suggestions = matches!(
            action,
            Action::ToggleSuggestions | Action::AcceptSuggestion | Action::DismissSuggestion
        );
        if wants_suggestions && !self.suggestions_loaded {
            if let Err(error) = self.load_suggestions(cx) {
                return Request::Message(format!("stage suggestions: {error:#}"));
            }
            self.set_heights();
        }
        if self.showing_suggestions {
            let len = self.suggestions.len();
            let cursor = &mut self.suggestion_cursor;
            match action {
                Action::Up => cursor.move_by(-1, len),
                Action::Down => cursor.move_by(1, len),
                Action::PageUp => cursor.page(false, len),
                Action::PageDown => cursor.page(true, len),
                Action::Top => cursor.select(0, len),
                Action::Bottom => cursor.select(len.saturating_sub(1), len),
                Action::ToggleSuggestions | Action::Back => self.showing_suggestions = false,
                Action::Open => {
                    return self
                        .selected_suggestion(cx.book)
                        .map_or(Request::None, |s| Request::OpenAccount(s.account_id.clone()));
                }
                Action::AcceptSuggestion | Action::DismissSuggestion => {}
                _ => return Request::Ignored,
            }
        }
        let column = self.column;
        let len = self.len(column);
        match action {
            Action::Up => self.cursors[column].move_by(-1, len),
            Action::Down => self.cursors[column].move_by(1, len),
            Action::PageUp => self.cursors[column].page(false, len),
            Action::PageDown => self.cursors[column].page(true, len),
            Action::Top => self.cursors[column].select(0, len),
            Action::Bottom => self.cursors[column].select(len.saturating_sub(1), len),
            Action::Left => self.column = (self.column + 3) % 4,
            Action::Right => self.column = (self.column + 1) % 4,
            Action::Open => {
                return self
                    .selected_id(cx.book)
                    .map_or(Request::None, |id| Request::OpenAccount(id.to_string()));
            }
            Action::MoveStage => return self.move_form(None, cx.book),
            Action::StagePrev | Action::StageNext => {
                return match self.neighbour(action == Action::StageNext) {
                    Ok(stage) => self.move_form(Some(stage), cx.book),
                    Err(message) => Request::Message(message),
                };
            }
            Action::ToggleSuggestions => {
                self.showing_suggestions = true;
                let len = self.suggestions.len();
                self.suggestion_cursor.clamp(len);
            }
            Action::AcceptSuggestion | Action::DismissSuggestion => {
                let Some(suggestion) = self.selected_suggestion(cx.book).cloned() else {
                    return Request::Message(
                        "no stage suggestion here (s lists them all)".to_string(),
                    );
                };
                let accept = action == Action::AcceptSuggestion;
                self.pending = Some(if accept {
                    Pending::Move {
                        account_id: suggestion.account_id.clone(),
                        to: suggestion.suggested,
                    }
                } else {
                    Pending::Dismiss {
                        account_id: suggestion.account_id.clone(),
                        signal: suggestion.signal(),
                    }
                });
                return Request::Write(vec![Write::StageSuggestion {
                    account_id: suggestion.account_id.clone(),
                    suggestion,
                    accept,
                }]);
            }
            Action::Back => {}
            _ => return Request::Ignored,
        }
        Request::None
    }

    fn selected_account(&self, book: &BookIndex) -> Option<String> {
        if self.showing_suggestions {
            self.selected_suggestion(book).map(|s| s.account_id.clone())
        } else {
            self.selected_id(book).map(str::to_string)
        }
    }

    fn draw(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let theme = view.theme;
        let Some(board) = &self.board else { return };
        let suggestions = if self.suggestions_loaded {
            format!(
                "{} (s)",
                crate::domain::count::of(self.suggestions.len(), "suggestion", "suggestions")
            )
        } else {
            "s: stage suggestions".to_string()
        };
        let title = Line::from(vec![
            Span::styled(" 4A board ", theme.title()),
            Span::styled(
                format!(
                    "· {} · ARR {} · {suggestions} ",
                    crate::domain::count::of(board.total_accounts(), "account", "accounts"),
                    board.total_arr().to_short(),
                ),
                theme.dim(),
            ),
        ]);
        let block = Block::bordered().title(title).border_style(theme.border(view.active));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if inner.height < 4 || inner.width < 20 {
            return;
        }
        let body = Rect { height: inner.height - 2, ..inner };
        let footer = Rect { y: inner.y + inner.height - 2, height: 2, ..inner };
        if board.total_accounts() == 0 {
            let lines = vec![
                Line::from(""),
                Line::from(Span::styled("  No accounts yet.", theme.title())),
                Line::from("  Import a book (cockpit import) to see it by 4A stage."),
            ];
            frame.render_widget(Paragraph::new(cut_lines(lines, body.width)), body);
        } else if self.showing_suggestions {
            self.draw_suggestions(frame, body, theme);
        } else if self.wide() {
            self.draw_columns(frame, body, board, view.book, theme);
        } else {
            self.draw_sections(frame, body, board, view.book, theme);
        }
        self.draw_footer(frame, footer, board, view.book, theme);
    }
}
