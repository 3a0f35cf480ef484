//! Chart pieces drawn from text cells: vertical stacked columns (each layer
//! with its own fill character as well as its colour, so it reads with
//! `NO_COLOR`) and the bucketing of a long ranked list to the columns a
//! chart has. Geometry only: values come in as integers (cents) and only the
//! cell heights are computed here.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// The fill characters of stacked layers, bottom first.
pub const FILLS: [char; 6] = ['█', '▓', '▒', '░', '#', '+'];

/// Vertical stacked columns, `height` rows tall, one column per entry of
/// `columns` (each the layer values, bottom first). A cell is filled by the
/// layer that covers the middle of the cell; the top of the chart is `max`.
/// Returns the rows, top first.
pub fn stacked_columns(
    columns: &[Vec<i64>],
    max: i64,
    height: usize,
    styles: &[Style],
) -> Vec<Line<'static>> {
    let mut rows: Vec<Vec<Span<'static>>> = vec![Vec::new(); height];
    if max <= 0 || height == 0 {
        return rows.into_iter().map(Line::from).collect();
    }
    let height_i = i128::try_from(height).unwrap_or(0);
    for column in columns {
        for (row_from_top, row) in rows.iter_mut().enumerate() {
            let row_from_bottom = height_i - 1 - i128::try_from(row_from_top).unwrap_or(0);
            // The value at the middle of this cell, times 2 × height.
            let middle = (2 * row_from_bottom + 1) * i128::from(max);
            let mut running: i128 = 0;
            let mut layer_at = None;
            for (layer, value) in column.iter().enumerate() {
                running += i128::from((*value).max(0));
                if running * 2 * height_i > middle {
                    layer_at = Some(layer);
                    break;
                }
            }
            row.push(match layer_at {
                Some(layer) => Span::styled(
                    FILLS[layer % FILLS.len()].to_string(),
                    styles.get(layer % styles.len().max(1)).copied().unwrap_or_default(),
                ),
                None => Span::raw(" "),
            });
        }
    }
    rows.into_iter().map(Line::from).collect()
}

/// Splits `len` ranked items into at most `buckets` consecutive ranges of
/// nearly equal size (the first ones one larger when it does not divide).
pub fn buckets(len: usize, buckets: usize) -> Vec<std::ops::Range<usize>> {
    let count = buckets.min(len);
    (0..count).map(|i| (i * len / count)..((i + 1) * len / count)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.to_string()).collect()).collect()
    }

    #[test]
    fn layers_fill_cells_by_their_share_of_the_top() {
        // Max 100 over 4 rows (25 a row): 50 + 25 fills two rows of the
        // first layer and one of the second; 100 alone fills the column;
        // 10 of 100 is under the middle of the bottom cell (12.5).
        let lines = stacked_columns(&[vec![50, 25], vec![100], vec![0, 10]], 100, 4, &[]);
        assert_eq!(text(&lines), vec![" █ ", "▓█ ", "██ ", "██ "]);
        assert!(stacked_columns(&[vec![1]], 0, 3, &[]).iter().all(|l| l.spans.is_empty()));
    }

    #[test]
    fn buckets_cover_every_item_once() {
        let b = buckets(10, 4);
        assert_eq!(b, vec![0..2, 2..5, 5..7, 7..10]);
        assert_eq!(buckets(3, 10), vec![0..1, 1..2, 2..3]);
        assert!(buckets(0, 5).is_empty());
    }
}
