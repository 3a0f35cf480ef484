//! Horizontal stacked bars drawn from text cells. Each segment has its own
//! fill character as well as its colour, so the bars still read with
//! `NO_COLOR`.

use crate::domain::Money;
use ratatui::style::Style;
use ratatui::text::Span;

/// One part of a bar.
#[derive(Debug, Clone, Copy)]
pub struct Segment {
    pub value: Money,
    pub style: Style,
    pub fill: char,
}

/// A bar `width` cells long for the largest value `max`, segments in order.
pub fn stacked(segments: &[Segment], max: Money, width: usize) -> Vec<Span<'static>> {
    if max.cents() <= 0 || width == 0 {
        return Vec::new();
    }
    let width_i = i64::try_from(width).unwrap_or(0);
    let mut spans = Vec::new();
    let mut running = 0_i64;
    let mut drawn = 0_i64;
    for segment in segments {
        running += segment.value.cents().max(0);
        // Cells up to the running total, so rounding never adds up past the bar.
        let end =
            i64::try_from(i128::from(running) * i128::from(width_i) / i128::from(max.cents()))
                .unwrap_or(width_i)
                .min(width_i);
        let cells = usize::try_from(end - drawn).unwrap_or(0);
        if cells > 0 {
            spans.push(Span::styled(segment.fill.to_string().repeat(cells), segment.style));
        }
        drawn = end.max(drawn);
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_share_the_width_by_value() {
        let seg =
            |v: i64, c: char| Segment { value: Money::from_units(v), style: Style::new(), fill: c };
        let spans = stacked(&[seg(50, 'I'), seg(25, 'R'), seg(25, 'U')], Money::from_units(100), 8);
        let text: String = spans.iter().map(|s| s.content.to_string()).collect();
        assert_eq!(text, "IIIIRRUU");
        let half = stacked(&[seg(50, 'I')], Money::from_units(100), 8);
        assert_eq!(half[0].content, "IIII");
        assert!(stacked(&[seg(1, 'I')], Money::ZERO, 8).is_empty());
    }
}
