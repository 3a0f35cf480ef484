//! The note reader: one timeline entry (a note, a health or a stage change)
//! opened whole in place of the account view — its kind, who and when, the
//! account, and the full text wrapped to the window — scrolled with the
//! list keys and closed with Esc. Also the word wrapping the timeline uses,
//! so an entry wraps the same way in both.

use crate::text::inert;
use crate::tui::action::Action;
use crate::tui::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

/// `text` wrapped at word boundaries to `width` terminal cells, its own
/// line breaks kept (a blank line stays blank), shown inert.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let shown = inert::lines(text.trim_end());
    let width = width.max(1);
    let mut lines = Vec::new();
    for paragraph in shown.split('\n') {
        let paragraph = paragraph.replace('\t', "    ");
        if paragraph.trim().is_empty() {
            lines.push(String::new());
            continue;
        }
        lines.extend(
            textwrap::wrap(paragraph.trim_end(), width).into_iter().map(|l| l.into_owned()),
        );
    }
    lines
}

/// A timeline entry opened whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    /// What it is: a note's kind, "health", "stage".
    pub kind: String,
    pub who: String,
    pub at: DateTime<Utc>,
    /// The account's name and id.
    pub account: String,
    pub text: String,
    /// The first text line shown.
    pub scroll: usize,
}

/// The widest the text grows: a comfortable line length.
const MAX_WIDTH: usize = 100;

impl Reader {
    /// The text's width and height inside the account view's `area`: the
    /// border, a margin each side and two lines of heading.
    fn text_area(area: Rect) -> (usize, usize) {
        let width = usize::from(area.width.saturating_sub(4)).min(MAX_WIDTH);
        (width, usize::from(area.height.saturating_sub(4)))
    }

    fn max_scroll(&self, area: Rect) -> usize {
        let (width, height) = Self::text_area(area);
        wrap(&self.text, width).len().saturating_sub(height)
    }

    /// Scrolls for a list key; `false` when the action closes the reader.
    /// Any other action is not the reader's: `None`.
    pub fn update(&mut self, action: Action, area: Rect) -> Option<bool> {
        let page = Self::text_area(area).1.max(1);
        let max = self.max_scroll(area);
        match action {
            Action::Down => self.scroll = (self.scroll + 1).min(max),
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::PageDown => self.scroll = (self.scroll + page).min(max),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(page),
            Action::Top => self.scroll = 0,
            Action::Bottom => self.scroll = max,
            Action::Back | Action::Open => return Some(false),
            _ => return None,
        }
        Some(true)
    }

    /// Draws the reader over `area` (the account view's). Reads only.
    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        let outer = area;
        let (width, height) = Self::text_area(area);
        let lines = wrap(&self.text, width);
        let scroll = self.scroll.min(lines.len().saturating_sub(height));
        let end = (scroll + height).min(lines.len());
        let position = if lines.len() > height {
            format!(" lines {}–{end} of {} ", scroll + 1, lines.len())
        } else {
            String::new()
        };
        let block = Block::bordered()
            .title(Span::styled(format!(" {} ", self.kind), theme.title()))
            .title_bottom(Line::from(vec![
                Span::styled(" j/k PgUp/PgDn Home/End", theme.key()),
                Span::styled(" scroll · ", theme.dim()),
                Span::styled("Esc", theme.key()),
                Span::styled(" close ", theme.dim()),
            ]))
            .title_bottom(Line::from(Span::styled(position, theme.dim())).right_aligned())
            .border_style(theme.border(true));
        let inner = block.inner(outer);
        frame.render_widget(Clear, outer);
        frame.render_widget(block, outer);
        let who = if self.who.is_empty() { String::new() } else { format!(" · {}", self.who) };
        let mut shown = vec![
            Line::from(vec![
                Span::styled(self.at.format("%Y-%m-%d %H:%M").to_string(), theme.dim()),
                Span::styled(inert::line(&who).into_owned(), theme.dim()),
                Span::raw(" · "),
                Span::styled(inert::line(&self.account).into_owned(), theme.title()),
            ]),
            Line::from(""),
        ];
        shown.extend(lines[scroll..end].iter().map(|l| Line::from(l.clone())));
        let text_area = Rect { x: inner.x + 1, width: inner.width.saturating_sub(2), ..inner };
        frame.render_widget(Paragraph::new(shown), text_area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_at_words_keeps_its_breaks_and_counts_cells() {
        let text = "Sponsor asked for the renewal quote early.\n\nThen: 日本語のテキスト here";
        let lines = wrap(text, 16);
        assert_eq!(
            lines,
            vec![
                "Sponsor asked",
                "for the renewal",
                "quote early.",
                "",
                "Then:",
                "日本語のテキスト",
                "here",
            ]
        );
        assert!(lines.iter().all(|l| unicode_width::UnicodeWidthStr::width(l.as_str()) <= 16));
        // A control character is shown, not sent to the terminal.
        assert!(!wrap("bell\u{7} here", 20).concat().contains('\u{7}'));
    }
}
