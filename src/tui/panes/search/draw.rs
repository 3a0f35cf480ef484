//! Drawing the search over the focused pane: the box typed into, how much
//! matched, and the results grouped by account with the matched words
//! highlighted. Reads the search's state only.

use super::{Row, SearchView};
use crate::store::search::{COUNT_CAP, HitKind, SearchGroup, SearchHit, match_ranges};
use crate::text::inert;
use crate::tui::paste;
use crate::tui::theme::Theme;
use crate::tui::widgets::cut::cut_lines;
use crate::tui::widgets::fit;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use unicode_width::UnicodeWidthChar;

/// How a matched word is marked: bold and underlined, which reads on any
/// background and without colour.
fn matched() -> Style {
    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

/// `text` on one line of `width` cells, its matched words marked. When the
/// first match lies far in, the line starts shortly before it with "…".
pub fn highlighted(text: &str, terms: &[String], width: usize, base: Style) -> Vec<Span<'static>> {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let flat = inert::line(&flat).into_owned();
    let ranges = match_ranges(&flat, terms);
    let cells = |s: &str| s.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>();
    let mut start = 0;
    let mut spans = Vec::new();
    let mut room = width;
    // Only when the first match would not show whole.
    if let Some(first) = ranges.first()
        && cells(&flat[..first.end]) > width.saturating_sub(width / 4)
    {
        // Back from the match to a word start about a quarter of the line.
        let mut back = 0;
        start = first.start;
        for (index, c) in flat[..first.start].char_indices().rev() {
            back += c.width().unwrap_or(0);
            if back > width / 4 {
                break;
            }
            start = index;
        }
        if let Some(space) = flat[start..first.start].find(' ') {
            start += space + 1;
        }
        // A text that ends soon after shows more of what came before.
        let mut tail = cells(&flat[start..]);
        for (index, c) in flat[..start].char_indices().rev() {
            let w = c.width().unwrap_or(0);
            if tail + w + 1 > width {
                break;
            }
            tail += w;
            start = index;
        }
        while flat[start..].starts_with(' ') {
            start += 1;
        }
        if start > 0 {
            spans.push(Span::styled("…", base));
            room = room.saturating_sub(1);
        }
    }
    let shown_text = &flat[start..];
    let cut = cells(shown_text) > room;
    let limit = if cut { room.saturating_sub(1) } else { room };
    let mut used = 0;
    let mut end = start;
    for (index, c) in shown_text.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > limit {
            break;
        }
        used += w;
        end = start + index + c.len_utf8();
    }
    let mut at = start;
    for range in ranges.iter().filter(|r| r.end > start && r.start < end) {
        let (from, to) = (range.start.max(start), range.end.min(end));
        if from > at {
            spans.push(Span::styled(flat[at..from].to_string(), base));
        }
        spans.push(Span::styled(flat[from..to].to_string(), base.patch(matched())));
        at = to;
    }
    if end > at {
        spans.push(Span::styled(flat[at..end].to_string(), base));
    }
    if cut {
        spans.push(Span::styled("…", base));
    }
    spans
}

/// `n` with thousands separated: 10,000.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (index, c) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl SearchView {
    /// How many result rows fit in `area` (the pane's).
    pub fn page(area: Rect) -> usize {
        usize::from(area.height.saturating_sub(4))
    }

    fn heading(&self, group: &SearchGroup, width: usize, theme: Theme) -> Line<'static> {
        let terms = &self.results.terms;
        let by_name = group.hits.iter().any(|h| h.kind == HitKind::Account);
        let count = group.hits.iter().filter(|h| h.kind != HitKind::Account).count();
        let tail = match count {
            0 => "matches by name or id".to_string(),
            1 => "1 match".to_string(),
            n => format!("{n} matches"),
        };
        let id = format!(" ({})", inert::line(&group.account_id));
        let name_width = width.saturating_sub(id.chars().count() + tail.len() + 4).max(8);
        let mut spans = vec![Span::raw(" ")];
        if by_name {
            spans.extend(highlighted(&group.name, terms, name_width, theme.title()));
            spans.push(Span::styled(id.clone(), theme.dim()));
            // An id that matched is marked too.
            let marked = highlighted(&group.account_id, terms, 40, theme.dim());
            if marked.iter().any(|s| s.style.add_modifier.contains(Modifier::UNDERLINED)) {
                spans.pop();
                spans.push(Span::styled(" (", theme.dim()));
                spans.extend(marked);
                spans.push(Span::styled(")", theme.dim()));
            }
        } else {
            spans.push(Span::styled(fit(&group.name, name_width), theme.title()));
            spans.push(Span::styled(id, theme.dim()));
        }
        spans.push(Span::styled(format!("  {tail}"), theme.dim()));
        Line::from(spans)
    }

    fn hit_line(&self, hit: &SearchHit, width: usize, theme: Theme) -> Line<'static> {
        let date = hit.at.map(|at| at.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let (kind, who) = match &hit.kind {
            HitKind::Note { kind, who } => (kind.as_str().replace('_', " "), who.clone()),
            HitKind::Chain { event, draft, .. } => {
                (event.clone(), if *draft { "draft".to_string() } else { String::new() })
            }
            HitKind::Account => (String::new(), String::new()),
        };
        let mut spans = vec![
            Span::styled(format!("   {date:<10} "), theme.dim()),
            Span::styled(format!("{:<14} ", fit(&kind, 14)), theme.key()),
            Span::styled(format!("{:<8} ", fit(&who, 8)), theme.dim()),
        ];
        let room = width.saturating_sub(3 + 11 + 15 + 9);
        spans.extend(highlighted(&hit.text, &self.results.terms, room, Style::new()));
        Line::from(spans)
    }

    fn row_line(&self, row: Row, width: usize, theme: Theme) -> Option<Line<'static>> {
        let group = self.results.groups.get(row.group)?;
        Some(match row.hit.and_then(|i| group.hits.get(i)) {
            Some(hit) => self.hit_line(hit, width, theme),
            None => self.heading(group, width, theme),
        })
    }

    /// What the line under the box says: how much matched, or how to search.
    fn summary(&self, theme: Theme) -> Line<'static> {
        if let Some(error) = &self.error {
            return Line::from(Span::styled(format!(" {error}"), theme.error()));
        }
        if self.results.terms.is_empty() {
            return Line::from(Span::styled(
                " Type words to find in notes, account names and ids, and churn chains; \
                 each word matches the start of a word.",
                theme.dim(),
            ));
        }
        let results = &self.results;
        if results.groups.is_empty() {
            return Line::from(Span::styled(" Nothing matches all of these words.", theme.dim()));
        }
        let plural = |n: u64, one: &str, many: &str| {
            if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
        };
        let accounts = plural(results.groups.len() as u64, "account", "accounts");
        let notes = if results.notes_matched > COUNT_CAP {
            format!("more than {} notes match", grouped(COUNT_CAP))
        } else {
            plural(results.notes_matched, "note matches", "notes match")
        };
        let text = if results.notes_matched > results.notes_shown {
            format!(
                " {notes}; the latest {} are shown, in {accounts} — add a word to narrow",
                results.notes_shown
            )
        } else {
            format!(" {notes} · {accounts}")
        };
        Line::from(Span::styled(text, theme.dim()))
    }

    /// Draws the search over `area` (the pane's). Reads only.
    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        frame.render_widget(Clear, area);
        let block = Block::bordered()
            .title(Span::styled(" Search the book: notes, names, churn chains ", theme.title()))
            .title_bottom(Line::from(vec![
                Span::styled(" ↑↓", theme.key()),
                Span::styled(" move  ", theme.dim()),
                Span::styled("Enter", theme.key()),
                Span::styled(" open  ", theme.dim()),
                Span::styled("Esc", theme.key()),
                Span::styled(" close ", theme.dim()),
            ]))
            .border_style(theme.border(true));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let width = usize::from(inner.width);
        let prompt = " / ";
        let field = width.saturating_sub(prompt.len() + 1);
        let (shown, column) = paste::window(self.input.value(), self.input.cursor(), field);
        let mut lines = vec![
            Line::from(vec![Span::styled(prompt, theme.key()), Span::raw(shown)]),
            self.summary(theme),
        ];
        let page = Self::page(area);
        for (index, row) in self.rows.iter().enumerate().skip(self.offset).take(page) {
            if let Some(line) = self.row_line(*row, width, theme) {
                lines.push(if index == self.selected {
                    line.style(theme.selected())
                } else {
                    line
                });
            }
        }
        frame.render_widget(Paragraph::new(cut_lines(lines, inner.width)), inner);
        let x = inner.x + u16::try_from(prompt.len() + column).unwrap_or(0);
        if x < inner.x + inner.width {
            frame.set_cursor_position((x, inner.y));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(spans: &[Span<'_>]) -> (String, Vec<String>) {
        let all = spans.iter().map(|s| s.content.to_string()).collect();
        let marked = spans
            .iter()
            .filter(|s| s.style.add_modifier.contains(Modifier::UNDERLINED))
            .map(|s| s.content.to_string())
            .collect();
        (all, marked)
    }

    #[test]
    fn a_far_match_is_brought_into_view_and_marked() {
        let terms = vec!["renew".to_string()];
        let text = "We spent the first half of the call on onboarding issues, then \
                    talked about the renewal and its price.";
        let (line, marked) = text_of(&highlighted(text, &terms, 40, Style::new()));
        assert!(line.starts_with('…') && line.contains("renewal"), "{line}");
        assert_eq!(marked, vec!["renewal"]);
        assert!(unicode_width::UnicodeWidthStr::width(line.as_str()) <= 40, "{line}");
        let text = "A long preamble about many other things, then: Renewal is in May.";
        let (line, _) = text_of(&highlighted(text, &terms, 40, Style::new()));
        assert_eq!(line, "…other things, then: Renewal is in May.", "filled from before");
        let (line, marked) = text_of(&highlighted("Renewal\nagreed", &terms, 40, Style::new()));
        assert_eq!((line.as_str(), marked), ("Renewal agreed", vec!["Renewal".to_string()]));
    }
}
