//! The jump popup: type part of an account's name, the book is ranked by
//! fuzzy match as you type, Enter opens the chosen account.

use super::{Outcome, PopupCx, PopupKind, typed};
use crate::read::book::BookIndex;
use crate::tui::action::Action;
use crate::tui::forms::Drawn;
use crate::tui::keymap::Keymap;
use crate::tui::paste::{self, Lines};
use crate::tui::theme::Theme;
use crate::tui::widgets::pad;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config as MatchConfig, Matcher, Utf32Str};
use ratatui::crossterm::event::KeyEvent;
use ratatui::text::{Line, Span};
use tui_input::Input;

/// The jump popup's keymap scope.
pub const SCOPE: &str = "jump";

/// Its keys; any other key is typed into the name.
pub const KEYS: &[(&str, Action)] = &[
    ("enter", Action::Open),
    ("down", Action::Down),
    ("tab", Action::Down),
    ("ctrl-n", Action::Down),
    ("up", Action::Up),
    ("backtab", Action::Up),
    ("ctrl-p", Action::Up),
];

/// How many matches the jump list keeps.
const JUMP_RESULTS: usize = 50;

/// Jump to an account by fuzzy name.
#[derive(Debug, Clone)]
pub struct JumpPopup {
    pub input: Input,
    /// Indexes into the book, best match first.
    pub results: Vec<u32>,
    pub selected: usize,
}

impl JumpPopup {
    pub fn new(book: &BookIndex) -> JumpPopup {
        let mut popup = JumpPopup { input: Input::default(), results: Vec::new(), selected: 0 };
        popup.rematch(book);
        popup
    }

    fn rematch(&mut self, book: &BookIndex) {
        let JumpPopup { input, results, selected } = self;
        results.clear();
        *selected = 0;
        let query = input.value().trim();
        if query.is_empty() {
            results.extend((0..book.len().min(JUMP_RESULTS)).filter_map(|i| u32::try_from(i).ok()));
            return;
        }
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let mut matcher = Matcher::new(MatchConfig::DEFAULT);
        let mut buffer = Vec::new();
        let mut scored: Vec<(u32, u32)> = Vec::new();
        for (index, row) in book.rows().iter().enumerate() {
            if let Some(score) = pattern.score(Utf32Str::new(&row.name, &mut buffer), &mut matcher)
            {
                scored.push((score, u32::try_from(index).unwrap_or(u32::MAX)));
            }
        }
        // Best score first; among equals the larger account (lower index) first.
        let keep = JUMP_RESULTS.min(scored.len());
        if keep > 0 && scored.len() > keep {
            scored.select_nth_unstable_by(keep - 1, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.truncate(keep);
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        results.extend(scored.into_iter().map(|(_, index)| index));
    }
}

impl PopupKind for JumpPopup {
    fn scope(&self) -> &'static str {
        SCOPE
    }

    fn key(&mut self, key: KeyEvent, action: Option<Action>, cx: &PopupCx<'_>) -> Outcome {
        let book = cx.book;
        let JumpPopup { input, results, selected } = self;
        match action {
            Some(Action::Open) => results
                .get(*selected)
                .and_then(|i| book.row(*i))
                .map_or(Outcome::Close, |row| Outcome::Open(row.id.clone())),
            Some(Action::Down) => {
                *selected = (*selected + 1).min(results.len().saturating_sub(1));
                Outcome::Stay
            }
            Some(Action::Up) => {
                *selected = selected.saturating_sub(1);
                Outcome::Stay
            }
            _ => {
                typed(input, key);
                self.rematch(book);
                Outcome::Stay
            }
        }
    }

    fn paste(&mut self, text: &str, book: &BookIndex) -> Result<(), String> {
        paste::paste(&mut self.input, text, Lines::One)?;
        self.rematch(book);
        Ok(())
    }

    fn drawn(&self, theme: Theme, book: &BookIndex, keymap: &Keymap) -> Drawn<'_> {
        let JumpPopup { input, results, selected } = self;
        let query = paste::shown(input, 56, 2);
        let mut lines = vec![Line::from(format!("› {query}")), Line::from("")];
        for (i, index) in results.iter().enumerate() {
            let Some(row) = book.row(*index) else { continue };
            let style =
                if i == *selected { theme.selected() } else { ratatui::style::Style::new() };
            lines.push(Line::from(vec![
                theme.health(row.health),
                Span::raw(" "),
                Span::styled(pad(&row.name, 38, false), style),
                Span::styled(format!("{:>10}", row.arr.to_short()), theme.dim()),
            ]));
        }
        if results.is_empty() {
            lines.push(Line::from(Span::styled("no account matches", theme.dim())));
        }
        (
            format!(
                "Jump to account ({}, {}{} choose)",
                keymap.footer(SCOPE, &[(Action::Open, "open")]),
                keymap.first_key(SCOPE, Action::Up).map(|k| k.label()).unwrap_or_default(),
                keymap.first_key(SCOPE, Action::Down).map(|k| k.label()).unwrap_or_default(),
            ),
            lines,
            (56, 20),
            Some((2, 0, 2, input)),
        )
    }
}
