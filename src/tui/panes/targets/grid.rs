//! The cross-sell adoption grid of Targets (`X`): for each product (rows)
//! and segment (columns), how many of the segment's accounts with ARR hold
//! it — `4/5 80%`, a cell at half or more stands out — with the valued
//! candidates' count and sum, how many were refused for too few peers, and
//! the valuing rule. Reads the picture `read::cross_sell` computed; drawing
//! reads only.

use crate::read::cross_sell::{Adoption, BAND_FLOORS, CrossSell, MIN_PEERS, band_label};
use crate::tui::action::Action;
use crate::tui::keymap::{LIST, Table};
use crate::tui::panes::View;
use crate::tui::widgets::{fit, pad};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// The grid's keymap scope (the pane's scope while it is shown).
pub const SCOPE: &str = "cross_sell_grid";

/// Its keys, with the list's (`j` `k` scroll, `Esc` closes) and the global ones.
pub const KEYS: &[(&str, Action)] = &[("X", Action::ShowCrossSell)];

/// The footer's hints.
pub const HINTS: &[Action] = &[Action::ShowCrossSell, Action::Down, Action::Help];

/// The grid's table, for the keymap.
pub fn key_table() -> Table {
    Table::pane(SCOPE, "Targets: the cross-sell grid", KEYS, &[LIST])
}

/// The product column's width and each segment's.
const PRODUCT_W: usize = 16;
const CELL_W: usize = 13;

/// The share of a cell in whole percent, rounded half away from zero as
/// every percentage shown (`None` for no accounts).
pub fn percent(cell: Adoption) -> Option<usize> {
    (cell.accounts > 0).then(|| (cell.holders * 200 + cell.accounts) / (cell.accounts * 2))
}

/// The grid's lines (header, one per product), `scroll` products down.
pub fn lines(
    picture: &CrossSell,
    view: &View<'_>,
    width: usize,
    scroll: usize,
) -> Vec<Line<'static>> {
    let theme = view.theme;
    let mut out = Vec::new();
    let (valued, sum, refused) = picture.valued_totals();
    out.push(Line::from(vec![
        Span::styled("Valued candidates ", theme.header()),
        Span::raw(format!("{valued}, peer-median ARR {} · ", sum.to_short())),
        Span::styled(format!("refused (under {MIN_PEERS} peers) {refused}"), theme.dim()),
    ]));
    let bands: Vec<String> = (0..BAND_FLOORS.len()).map(band_label).collect();
    out.push(Line::from(Span::styled(
        fit(
            &format!(
                "Value = lower median ARR of the product among accounts of the same segment and ARR band ({}) that hold it.",
                bands.join(", ")
            ),
            width,
        ),
        theme.dim(),
    )));
    out.push(Line::from(""));
    if picture.products.is_empty() {
        out.push(Line::from(Span::styled("  No product is held yet: no grid.", theme.title())));
        out.push(Line::from("  Import ARR snapshots with products (cockpit import snapshots)."));
        return out;
    }
    let mut header = pad("Product", PRODUCT_W, false);
    for segment in &picture.segments {
        let name = if segment.is_empty() { "(no segment)" } else { segment };
        header.push_str(&format!(" {}", pad(name, CELL_W, true)));
    }
    out.push(Line::from(Span::styled(fit(&header, width), theme.header())));
    for (product, cells) in picture.products.iter().zip(&picture.grid).skip(scroll) {
        let mut spans = vec![Span::raw(pad(product, PRODUCT_W, false))];
        let mut used = PRODUCT_W;
        for cell in cells {
            if used + 1 + CELL_W > width {
                spans.push(Span::styled(" …", theme.dim()));
                break;
            }
            used += 1 + CELL_W;
            let text = match percent(*cell) {
                Some(share) => format!("{}/{} {share:>3}%", cell.holders, cell.accounts),
                None => "—".to_string(),
            };
            let style = match percent(*cell) {
                Some(share) if share >= 50 => theme.key(),
                Some(0) | None => theme.dim(),
                Some(_) => ratatui::style::Style::new(),
            };
            spans.push(Span::styled(format!(" {}", pad(&text, CELL_W, true)), style));
        }
        out.push(Line::from(spans));
    }
    out
}

/// Draws the grid in `area`.
pub fn draw(
    picture: Option<&CrossSell>,
    scroll: usize,
    frame: &mut Frame<'_>,
    area: Rect,
    view: &View<'_>,
) {
    let theme = view.theme;
    let title = Line::from(vec![
        Span::styled(" Cross-sell adoption ", theme.title()),
        Span::styled("· who holds each product, by segment (X: targets) ", theme.dim()),
    ]);
    let block = Block::bordered().title(title).border_style(theme.border(view.active));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = match picture {
        Some(picture) => lines(picture, view, usize::from(inner.width), scroll),
        None => vec![Line::from(Span::styled("  Reading the cross-sell picture…", theme.dim()))],
    };
    frame.render_widget(Paragraph::new(lines), inner);
}
