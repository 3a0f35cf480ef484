//! Column widths for a table of a given width, shared by the command line's
//! tables and the cockpit's panes. Each column says the least it can be cut
//! to (`min`), what its content needs (`ideal`), and whether it takes room
//! left over when everything fits (`flex`). Widths are in terminal cells;
//! this module knows nothing of the content or of the terminal.
//!
//! The rule, in order:
//! 1. every column gets its `min`; when even that does not fit, the widest
//!    of the columns that may be cut (text: `min` < `ideal`) give up cells
//!    first, and only then the widest of the others (numbers);
//! 2. spare room goes to the columns that were cut (below `ideal`), those
//!    needing the least first, so that as few columns as possible stay cut
//!    (a CSM's name whole rather than two names both cut), and no column is
//!    cut while another is padded;
//! 3. what is still left goes to the `flex` columns, shared evenly.

use std::borrow::Cow;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What one column asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Want {
    /// The least it may be cut to while the table still fits.
    pub min: usize,
    /// What its widest content needs.
    pub ideal: usize,
    /// Whether it takes room left once every column has its ideal.
    pub flex: bool,
}

impl Want {
    /// A column that is never cut (numbers, dates): `min` = `ideal`.
    pub fn fixed(width: usize) -> Want {
        Want { min: width, ideal: width, flex: false }
    }

    /// A text column that may be cut down to `min` cells (never below what
    /// it needs when that is less).
    pub fn text(min: usize, ideal: usize) -> Want {
        Want { min: min.min(ideal), ideal, flex: false }
    }

    /// This column also takes room left over.
    pub fn flex(self) -> Want {
        Want { flex: true, ..self }
    }
}

/// Widths for `wants` in a table `total` cells wide with `gap` cells between
/// columns. The widths and gaps add up to at most `total`.
pub fn layout(wants: &[Want], total: usize, gap: usize) -> Vec<usize> {
    let room = total.saturating_sub(gap * wants.len().saturating_sub(1));
    let mut widths: Vec<usize> = wants.iter().map(|w| w.min).collect();
    // 1. Too narrow even for the minimums: the widest text gives up cells
    // first (down to one cell, `…`), then the widest of the rest.
    let mut used: usize = widths.iter().sum();
    let text: Vec<usize> = (0..wants.len()).filter(|&i| wants[i].min < wants[i].ideal).collect();
    let all: Vec<usize> = (0..wants.len()).collect();
    for (candidates, floor) in [(&text, 1), (&all, 0)] {
        while used > room {
            let Some(widest) = candidates
                .iter()
                .copied()
                .filter(|&i| widths[i] > floor)
                .max_by_key(|&i| (widths[i], usize::MAX - i))
            else {
                break;
            };
            let next = candidates
                .iter()
                .filter(|&&i| i != widest)
                .map(|&i| widths[i])
                .max()
                .unwrap_or(0)
                .max(floor);
            let cut = (used - room).min(widths[widest].saturating_sub(next)).max(1);
            widths[widest] -= cut;
            used -= cut;
        }
    }
    // 2. Spare room to the cut columns, those needing the least first.
    let mut spare = room.saturating_sub(used);
    let mut cut: Vec<usize> = (0..wants.len()).filter(|&i| widths[i] < wants[i].ideal).collect();
    cut.sort_by_key(|&i| (wants[i].ideal - widths[i], i));
    for i in cut {
        let given = (wants[i].ideal - widths[i]).min(spare);
        widths[i] += given;
        spare -= given;
    }
    // 3. The rest to the flexible columns.
    let flexible: Vec<usize> = (0..wants.len()).filter(|&i| wants[i].flex).collect();
    if !flexible.is_empty() && spare > 0 {
        let share = spare / flexible.len();
        for (n, i) in flexible.iter().enumerate() {
            widths[*i] += share + usize::from(n < spare % flexible.len());
        }
    }
    widths
}

/// `text` (already inert) cut to at most `width` terminal cells, the cut
/// marked with `…`. A wide character that would straddle the edge is left
/// out whole, so the result may be a cell short: pad by its width.
pub fn cut(text: &str, width: usize) -> Cow<'_, str> {
    if text.width() <= width {
        return Cow::Borrowed(text);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let cells = c.width().unwrap_or(0);
        if used + cells > width - 1 {
            break;
        }
        out.push(c);
        used += cells;
    }
    out.push('…');
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn everything_fits_then_the_flexible_column_takes_the_rest() {
        let wants = [Want::text(8, 20).flex(), Want::fixed(6), Want::text(6, 15)];
        assert_eq!(layout(&wants, 80, 1), vec![20 + 37, 6, 15]);
        // Without a flexible column the table stays as wide as its content.
        let wants = [Want::text(8, 20), Want::fixed(6)];
        assert_eq!(layout(&wants, 80, 2), vec![20, 6]);
    }

    #[test]
    fn spare_room_completes_the_columns_needing_the_least_first() {
        // The name needs 30, the CSM 15; 40 cells of room for both.
        let wants = [Want::text(8, 30).flex(), Want::text(6, 15)];
        assert_eq!(layout(&wants, 41, 1), vec![25, 15]);
        assert_eq!(layout(&wants, 31, 1), vec![15, 15]);
        assert_eq!(layout(&wants, 21, 1), vec![8, 12]);
        // Never below the minimums while they fit.
        assert_eq!(layout(&wants, 15, 1), vec![8, 6]);
    }

    #[test]
    fn cutting_counts_cells_and_marks_the_cut() {
        assert_eq!(cut("Jonas Lindqvist", 15), "Jonas Lindqvist");
        assert_eq!(cut("Jonas Lindqvist", 13), "Jonas Lindqv…");
        // 株 is two cells: it is left out whole rather than split.
        assert_eq!(cut("株式会社", 6), "株式…");
        assert_eq!(cut("株式会社", 4), "株…");
        assert_eq!(cut("🚀ab", 2), "…");
        assert_eq!(cut("ab", 0), "");
    }

    #[test]
    fn too_narrow_for_the_minimums_cuts_the_widest_first() {
        let wants = [Want::fixed(10), Want::fixed(4), Want::fixed(4)];
        assert_eq!(layout(&wants, 16, 1), vec![6, 4, 4]);
        // Text gives way before numbers do.
        let wants = [Want::text(10, 20), Want::fixed(10), Want::text(8, 9)];
        assert_eq!(layout(&wants, 20, 1), vec![4, 10, 4]);
        assert_eq!(layout(&wants, 13, 1), vec![1, 9, 1]);
        assert_eq!(layout(&wants, 8, 1), vec![1, 4, 1]);
        assert_eq!(layout(&wants, 0, 1), vec![0, 0, 0]);
        assert_eq!(layout(&[], 10, 1), Vec::<usize>::new());
    }

    fn wants() -> impl Strategy<Value = Vec<Want>> {
        prop::collection::vec(
            (0usize..30, 0usize..60, any::<bool>()).prop_map(|(min, ideal, flex)| Want {
                min: min.min(ideal),
                ideal,
                flex,
            }),
            0..10,
        )
    }

    proptest! {
        #[test]
        fn widths_fit_keep_minimums_and_fill_cut_columns_first(
            wants in wants(), total in 0usize..250, gap in 0usize..3
        ) {
            let widths = layout(&wants, total, gap);
            prop_assert_eq!(widths.len(), wants.len());
            let gaps = gap * wants.len().saturating_sub(1);
            let sum: usize = widths.iter().sum();
            prop_assert!(sum + gaps <= total.max(gaps), "{sum} + {gaps} > {total}");
            let mins: usize = wants.iter().map(|w| w.min).sum();
            if mins + gaps <= total {
                for (width, want) in widths.iter().zip(&wants) {
                    prop_assert!(*width >= want.min);
                }
            }
            // While a column is cut, no column is wider than its ideal.
            if widths.iter().zip(&wants).any(|(w, want)| *w < want.ideal) {
                for (width, want) in widths.iter().zip(&wants) {
                    prop_assert!(*width <= want.ideal.max(want.min));
                }
                // And the room was used.
                if gaps <= total {
                    prop_assert_eq!(sum + gaps, total);
                }
            }
        }
    }
}
