//! The account view's timeline: notes, health and stage changes newest
//! first, each entry one item of a list, its text wrapped to the pane's
//! width (a long one shows its first lines and says how to read the rest).
//! Moving goes entry by entry and keeps the selected one in view; Enter
//! opens it whole in the reader.

use super::reader::{Reader, wrap};
use super::*;

/// Date (11) and kind (14) before an entry's author and text.
const LEAD: usize = 25;
/// The author's column: cut to 8 cells on a narrow screen; on a wide one
/// (the text keeps at least `WIDE_TEXT` cells) as wide as the longest
/// author, up to 24.
const AUTHOR_NARROW: usize = 8;
const AUTHOR_WIDEST: usize = 24;
const WIDE_TEXT: usize = 80;
/// The most lines an entry takes in the timeline; Enter reads the rest.
const MOST_LINES: usize = 6;
/// The narrowest the text column gets (on a very narrow terminal).
const NARROWEST: usize = 16;

/// The text lines of an entry in the timeline for a text column of `width`.
fn entry_lines(entry: &Entry, width: usize) -> Vec<String> {
    // A health change's letter goes before its reason.
    let width = if entry.health.is_some() { width.saturating_sub(4) } else { width };
    let mut lines: Vec<String> =
        wrap(&entry.text, width.max(1)).into_iter().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    if lines.len() > MOST_LINES {
        let total = wrap(&entry.text, width.max(1)).len();
        lines.truncate(MOST_LINES - 1);
        lines.push(format!("… Enter reads all {total} lines"));
    }
    lines
}

impl AccountPane {
    /// The author column's width in the timeline: spare room goes to the
    /// names before they are cut.
    fn author_width(&self, width: usize) -> usize {
        let longest = self
            .loaded
            .timeline
            .iter()
            .map(|e| crate::text::inert::width(&e.who))
            .max()
            .unwrap_or(0);
        let room = width.saturating_sub(LEAD + 1 + WIDE_TEXT);
        longest.min(AUTHOR_WIDEST).min(room).max(AUTHOR_NARROW)
    }

    /// The text column's width in the timeline.
    fn text_width(&self, width: usize) -> usize {
        width.saturating_sub(LEAD + self.author_width(width) + 1).max(NARROWEST)
    }

    /// The body's width (inside the border) for the pane's area.
    fn body_width(&self) -> usize {
        usize::from(self.area.width.saturating_sub(2))
    }

    /// The first line of each entry, and the line after the last.
    fn entry_starts(&self, width: usize) -> Vec<usize> {
        let text_width = self.text_width(width);
        let mut starts = Vec::with_capacity(self.loaded.timeline.len() + 1);
        let mut line = 0;
        for entry in &self.loaded.timeline {
            starts.push(line);
            line += entry_lines(entry, text_width).len();
        }
        starts.push(line);
        starts
    }

    /// Scrolls the timeline so that the selected entry is in view.
    pub(super) fn follow_selection(&mut self) {
        if self.section != TIMELINE || self.loaded.timeline.is_empty() {
            return;
        }
        let starts = self.entry_starts(self.body_width());
        let selected = self.selected.min(self.loaded.timeline.len() - 1);
        let (first, end) = (starts[selected], starts[selected + 1]);
        let height = self.height.max(1);
        if first < self.scroll {
            self.scroll = first;
        } else if end > self.scroll + height {
            // Its start stays in view even when it is taller than the page.
            self.scroll = first.max(end.saturating_sub(height));
        }
    }

    /// Moves the timeline's selection; `false` for an action it leaves.
    pub(super) fn timeline_update(&mut self, action: Action) -> bool {
        let count = self.loaded.timeline.len();
        if count == 0 {
            return matches!(action, Action::Open);
        }
        let last = count - 1;
        let page = |pane: &Self, down: bool| {
            let starts = pane.entry_starts(pane.body_width());
            let from = starts[pane.selected.min(last)];
            let height = pane.height.max(1);
            if down {
                let target = from + height;
                (pane.selected..=last).rev().find(|&i| starts[i] <= target).unwrap_or(last)
            } else {
                let target = from.saturating_sub(height);
                (0..=pane.selected.min(last)).find(|&i| starts[i] >= target).unwrap_or(0)
            }
        };
        self.selected = match action {
            Action::Down => (self.selected + 1).min(last),
            Action::Up => self.selected.saturating_sub(1),
            Action::Top => 0,
            Action::Bottom => last,
            Action::PageDown => page(self, true).max((self.selected + 1).min(last)),
            Action::PageUp => page(self, false).min(self.selected.saturating_sub(1)),
            Action::Open => {
                self.reader = self.reader_of(self.selected.min(last));
                return true;
            }
            _ => return false,
        };
        self.follow_selection();
        true
    }

    /// The reader for timeline entry `index`.
    pub(super) fn reader_of(&self, index: usize) -> Option<Reader> {
        let entry = self.loaded.timeline.get(index)?;
        let row = self.loaded.row.as_ref()?;
        let kind = match entry.health {
            Some(health) => format!("health set to {}", health.as_str()),
            // A kind another tool named is shown as written, made inert.
            None => crate::text::inert::line(&entry.kind.replace('_', " ")).into_owned(),
        };
        Some(Reader {
            kind,
            who: entry.who.clone(),
            at: entry.at,
            account: format!("{} ({})", row.name, row.id),
            text: entry.text.clone(),
            scroll: 0,
        })
    }

    pub(super) fn timeline(&self, view: &View<'_>, width: usize) -> Vec<Line<'static>> {
        let theme = view.theme;
        if self.loaded.timeline.is_empty() {
            return vec![Line::from(Span::styled(
                "Nothing yet. n logs a touch or note, N writes one in $EDITOR.",
                theme.dim(),
            ))];
        }
        let text_width = self.text_width(width);
        let author = self.author_width(width);
        let lead = LEAD + author + 1;
        let mut lines = Vec::new();
        for (index, entry) in self.loaded.timeline.iter().enumerate() {
            let selected = index == self.selected && view.active && self.reader.is_none();
            let texts = entry_lines(entry, text_width);
            let last = texts.len() - 1;
            for (number, text) in texts.into_iter().enumerate() {
                let mut spans = if number == 0 {
                    vec![
                        Span::styled(format!("{} ", entry.at.format("%Y-%m-%d")), theme.dim()),
                        Span::styled(crate::tui::widgets::pad(&entry.kind, 14, false), theme.key()),
                        Span::styled(
                            format!("{} ", crate::tui::widgets::pad(&entry.who, author, false)),
                            theme.dim(),
                        ),
                    ]
                } else {
                    vec![Span::raw(" ".repeat(lead))]
                };
                match (entry.health, number) {
                    (Some(health), 0) => {
                        spans.push(theme.health(Some(health)));
                        spans.push(Span::raw(" "));
                    }
                    (Some(_), _) => spans.push(Span::raw(" ".repeat(4))),
                    _ => {}
                }
                let more = number == last && text.starts_with("… Enter reads all");
                spans.push(if more { Span::styled(text, theme.dim()) } else { Span::raw(text) });
                let line = Line::from(spans);
                lines.push(if selected { line.style(theme.selected()) } else { line });
            }
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> Entry {
        Entry {
            at: DateTime::UNIX_EPOCH,
            kind: "note".to_string(),
            who: String::new(),
            text: text.to_string(),
            health: None,
            note: true,
        }
    }

    #[test]
    fn a_long_entry_is_wrapped_and_cut_with_a_way_to_read_it_all() {
        let text = "word ".repeat(60);
        let lines = entry_lines(&entry(&text), 40);
        assert_eq!(lines.len(), MOST_LINES);
        assert!(lines[..MOST_LINES - 1].iter().all(|l| l.len() <= 40));
        assert_eq!(lines[MOST_LINES - 1], "… Enter reads all 8 lines");
        assert_eq!(entry_lines(&entry("short\n\n  \nsecond"), 40), vec!["short", "second"]);
    }
}
