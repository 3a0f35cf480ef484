//! Lines fitted to the width they are drawn in: a line wider than its room
//! is cut with `…` as its last cell, in the style of the text it cuts, so
//! nothing on screen ends mid-word without a mark (a terminal or ratatui
//! would drop the rest silently). Lines that fit are left as they are.

use ratatui::text::{Line, Span, Text};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `line` cut to `width` cells, the cut marked with `…`.
pub fn cut_line(line: Line<'_>, width: usize) -> Line<'_> {
    if line.width() <= width {
        return line;
    }
    let Line { spans, style, alignment } = line;
    let mut kept: Vec<Span<'_>> = Vec::with_capacity(spans.len());
    let mut used = 0;
    let room = width.saturating_sub(1);
    let mut last_style = None;
    for span in spans {
        let span_width = span.content.width();
        if used + span_width <= room {
            used += span_width;
            last_style = Some(span.style);
            kept.push(span);
            continue;
        }
        let mut head = String::new();
        for c in span.content.chars() {
            let cells = c.width().unwrap_or(0);
            if used + cells > room {
                break;
            }
            head.push(c);
            used += cells;
        }
        last_style = Some(span.style);
        if !head.is_empty() {
            kept.push(Span::styled(head, span.style));
        }
        break;
    }
    if width > 0 {
        kept.push(Span::styled("…", last_style.unwrap_or_default()));
    }
    Line { spans: kept, style, alignment }
}

/// Every line of `text` (lines, a line, a string) cut to `width` cells
/// (see [`cut_line`]).
pub fn cut_lines<'a>(text: impl Into<Text<'a>>, width: u16) -> Text<'a> {
    let mut text = text.into();
    let lines = std::mem::take(&mut text.lines);
    text.lines = lines.into_iter().map(|line| cut_line(line, usize::from(width))).collect();
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::Style;

    fn text(line: &Line<'_>) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn a_long_line_ends_with_the_mark_in_the_style_it_cuts() {
        let line = Line::from(vec![
            Span::raw("Backtest: 45 outcomes: "),
            Span::styled("33 renewed, 3 contracted, 9 churned", Style::new().red()),
        ]);
        let cut = cut_line(line, 40);
        assert_eq!(text(&cut), "Backtest: 45 outcomes: 33 renewed, 3 co…");
        assert_eq!(cut.width(), 40);
        assert_eq!(cut.spans.last().map(|s| s.style), Some(Style::new().red()));
        // A line that fits is the same line.
        let fits = Line::from("9 churned");
        assert_eq!(cut_line(fits.clone(), 9), fits);
    }

    #[test]
    fn a_wide_character_at_the_edge_is_left_out_whole() {
        let cut = cut_line(Line::from("ab漢字"), 4);
        assert_eq!(text(&cut), "ab…");
    }

    proptest! {
        #[test]
        fn a_cut_line_fits_and_is_marked_only_when_cut(
            parts in proptest::collection::vec("[a-z 漢é]{0,12}", 0..5),
            width in 1usize..40,
        ) {
            let line = Line::from(parts.iter().map(|p| Span::raw(p.clone())).collect::<Vec<_>>());
            let wide = line.width();
            let cut = cut_line(line.clone(), width);
            prop_assert!(cut.width() <= width);
            if wide <= width {
                prop_assert_eq!(text(&cut), text(&line));
            } else {
                prop_assert!(text(&cut).ends_with('…'));
                prop_assert!(text(&line).starts_with(text(&cut).trim_end_matches('…')));
            }
        }
    }
}
