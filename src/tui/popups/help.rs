//! The `?` help popup: the keys of the focused pane and of every scope
//! active with it, by section. A list taller than the screen scrolls (the
//! list keys), with a mark saying more is above or below; only Esc, `?`
//! and `q` close it, and no key reaches the pane behind it.

use super::{Outcome, PopupCx, PopupKind};
use crate::read::book::BookIndex;
use crate::tui::action::Action;
use crate::tui::forms::Drawn;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use ratatui::crossterm::event::KeyEvent;
use ratatui::text::{Line, Span};
use std::cell::Cell;
use unicode_width::UnicodeWidthStr;

pub const SCOPE: &str = "help";

/// Scrolling the list; Esc (every popup's) closes it too.
pub const KEYS: &[(&str, Action)] = &[
    ("j", Action::Down),
    ("down", Action::Down),
    ("k", Action::Up),
    ("up", Action::Up),
    ("pgdn", Action::PageDown),
    ("pgup", Action::PageUp),
    ("home", Action::Top),
    ("end", Action::Bottom),
    ("?", Action::Cancel),
    ("q", Action::Cancel),
];

/// The keys of a pane: (keys, what they do) by section.
#[derive(Debug, Clone)]
pub struct HelpPopup {
    pub sections: Vec<(String, Vec<(String, &'static str)>)>,
    /// The first list line shown.
    offset: usize,
    /// The screen rows the popup had when last drawn (all, until drawn).
    room: Cell<u16>,
}

impl HelpPopup {
    pub fn new(sections: Vec<(String, Vec<(String, &'static str)>)>) -> HelpPopup {
        HelpPopup { sections, offset: 0, room: Cell::new(u16::MAX) }
    }

    /// Remembers the rows the popup is drawn in, so scrolling knows a page.
    pub fn set_room(&self, rows: u16) {
        self.room.set(rows);
    }

    /// How many lines the list has: section titles and keys.
    fn lines(&self) -> usize {
        self.sections.iter().map(|(_, keys)| keys.len() + 1).sum()
    }

    /// How many list lines fit: the room less the borders and the mark.
    fn page(&self) -> usize {
        usize::from(self.room.get()).saturating_sub(3).max(1)
    }

    /// The largest first line: the last page ends at the last line.
    fn last_offset(&self) -> usize {
        self.lines().saturating_sub(self.page())
    }
}

impl PopupKind for HelpPopup {
    fn scope(&self) -> &'static str {
        SCOPE
    }

    /// Scrolls; any other key does nothing (it is not passed on).
    fn key(&mut self, _key: KeyEvent, action: Option<Action>, _cx: &PopupCx<'_>) -> Outcome {
        let (page, last) = (self.page(), self.last_offset());
        self.offset = match action {
            Some(Action::Down) => self.offset.saturating_add(1),
            Some(Action::Up) => self.offset.saturating_sub(1),
            Some(Action::PageDown) => self.offset.saturating_add(page),
            Some(Action::PageUp) => self.offset.saturating_sub(page),
            Some(Action::Top) => 0,
            Some(Action::Bottom) => last,
            _ => self.offset,
        }
        .min(last);
        Outcome::Stay
    }

    fn takes_text(&self) -> bool {
        false
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex, _keymap: &Keymap) -> Drawn<'_> {
        let sections = &self.sections;
        let all = || sections.iter().flat_map(|(_, keys)| keys.iter());
        // The key column fits the longest key list, so a description never
        // runs into its keys ("Ctrl-F Alt-Enter").
        let key_width = all().map(|(key, _)| key.width() + 1).max().unwrap_or(0).max(14);
        let what_width = all().map(|(_, what)| what.width()).max().unwrap_or(0);
        let mut lines = Vec::new();
        for (title, keys) in sections {
            lines.push(Line::from(Span::styled(title.clone(), theme.header())));
            for (key, what) in keys {
                let pad = " ".repeat(key_width.saturating_sub(key.width()));
                lines.push(Line::from(vec![
                    Span::styled(format!("  {key}{pad}"), theme.key()),
                    Span::raw(*what),
                ]));
            }
        }
        let total = lines.len();
        let offset = self.offset.min(self.last_offset());
        let shown = self.page().min(total);
        let mut lines: Vec<Line<'static>> = lines.into_iter().skip(offset).take(shown).collect();
        let below = total - offset - shown;
        let mark = match (offset > 0, below > 0) {
            (false, false) => "Esc, ? or q closes".to_string(),
            (true, false) => format!("↑ {offset} more above · k/PgUp scroll · Esc closes"),
            (false, true) => format!("↓ {below} more below · j/PgDn scroll · Esc closes"),
            (true, true) => format!("↑ {offset} above · ↓ {below} more below · j/k scroll"),
        };
        lines.push(Line::from(Span::styled(mark, theme.dim())));
        let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        let width = u16::try_from((2 + key_width + what_width + 3).max(56)).unwrap_or(u16::MAX);
        ("Keys".to_string(), lines, (width, height), None)
    }
}
