//! Pieces several panes share: the list cursor (selection and scroll kept
//! in state, moved by actions, never by drawing), text fitting, and popup
//! placement. Fitting is where stored text meets the screen: it is shown
//! inert (`text::inert`: an ESC as `␛`, a bidi override as `⟨U+202E⟩`) and
//! measured in terminal cells.

pub mod bars;
pub mod calendar_grid;
pub mod charts;
pub mod cut;
pub mod tabs;
pub mod wrap;

use crate::text::inert;
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

/// A selection in a list of `len` rows shown `height` rows at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor {
    pub selected: usize,
    pub offset: usize,
    pub height: usize,
}

impl Cursor {
    /// Moves by `delta` rows within `len`, keeping the selection visible.
    pub fn move_by(&mut self, delta: isize, len: usize) {
        if len == 0 {
            self.selected = 0;
            self.offset = 0;
            return;
        }
        let target = self.selected.saturating_add_signed(delta).min(len - 1);
        self.select(target, len);
    }

    pub fn page(&mut self, down: bool, len: usize) {
        let step = isize::try_from(self.height.max(1)).unwrap_or(1);
        self.move_by(if down { step } else { -step }, len);
    }

    pub fn select(&mut self, index: usize, len: usize) {
        self.selected = index.min(len.saturating_sub(1));
        self.clamp(len);
    }

    /// Keeps the selection in range and on screen after the list or the
    /// height changed.
    pub fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
        let height = self.height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(len.saturating_sub(height));
    }

    pub fn set_height(&mut self, height: usize, len: usize) {
        self.height = height;
        self.clamp(len);
    }

    /// The row index under screen line `line` of the list, if any.
    pub fn row_at(&self, line: usize, len: usize) -> Option<usize> {
        let index = self.offset + line;
        (line < self.height && index < len).then_some(index)
    }

    /// The visible range of rows.
    pub fn window(&self, len: usize) -> std::ops::Range<usize> {
        let start = self.offset.min(len);
        start..(start + self.height).min(len)
    }
}

/// `text` shown inert and cut to `width` terminal cells, marking the cut
/// with `…`.
pub fn fit(text: &str, width: usize) -> String {
    crate::text::columns::cut(&inert::line(text), width).into_owned()
}

/// `text` fitted to `width` cells and padded with spaces to exactly `width`
/// cells, on the left when `right_align`.
pub fn pad(text: &str, width: usize, right_align: bool) -> String {
    let text = fit(text, width);
    let padding = " ".repeat(width.saturating_sub(text.width()));
    if right_align { padding + &text } else { text + &padding }
}

/// A rectangle of at most `width` × `height` centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_scrolls_to_keep_the_selection_visible() {
        let mut cursor = Cursor { height: 3, ..Cursor::default() };
        cursor.move_by(4, 10);
        assert_eq!((cursor.selected, cursor.offset), (4, 2));
        cursor.page(true, 10);
        assert_eq!((cursor.selected, cursor.offset), (7, 5));
        cursor.move_by(100, 10);
        assert_eq!((cursor.selected, cursor.offset), (9, 7));
        cursor.move_by(-100, 10);
        assert_eq!((cursor.selected, cursor.offset), (0, 0));
        assert_eq!(cursor.row_at(2, 10), Some(2));
        assert_eq!(cursor.row_at(3, 10), None);
        cursor.clamp(0);
        assert_eq!(cursor.window(0), 0..0);
    }

    #[test]
    fn fitting_marks_the_cut() {
        assert_eq!(fit("Acme Corporation", 6), "Acme …");
        assert_eq!(fit("Acme", 6), "Acme");
    }

    #[test]
    fn fitting_shows_controls_and_counts_cells() {
        assert_eq!(fit("a\u{1b}]52;c;eA==\u{7}", 20), "a␛]52;c;eA==␇");
        assert_eq!(fit("x\u{202e}y", 20), "x⟨U+202E⟩y");
        assert_eq!(fit("株式会社テスト", 6), "株式…");
        assert_eq!(pad("株式", 6, false), "株式  ");
        assert_eq!(pad("ab", 4, true), "  ab");
    }
}
