//! Drawing the 4A board: column headings, cards (four columns, or four
//! stacked sections on a narrow screen), the suggestion list and the footer.
//! Reads the pane's state only.

use super::*;
use crate::tui::widgets::cut::cut_lines;

impl BoardPane {
    pub(super) fn heading(
        &self,
        board: &Board,
        column: usize,
        width: usize,
        theme: Theme,
    ) -> Line<'static> {
        let stage_column = &board.columns[column];
        let focused = column == self.column && !self.showing_suggestions;
        let title = Span::styled(
            format!("{} {}", stage_column.stage.number(), stage_column.stage.title()),
            if focused { theme.key() } else { theme.header() },
        );
        let len = stage_column.count();
        let cursor = self.cursors[column];
        let stuck = stage_column.stuck;
        let position =
            (len > cursor.height).then(|| format!(" · {}/{}", (cursor.selected + 1).min(len), len));
        // From the fullest heading to the barest; the first that fits is
        // drawn. The stuck count outlives the ARR and the scroll position:
        // it is the one figure here that asks for action.
        let arr = stage_column.arr.to_short();
        let candidates: [(String, Option<String>, Option<&String>); 5] = [
            (format!(" · {len} · {arr}"), Some(format!(" · ⚑{stuck} stuck")), position.as_ref()),
            (format!(" · {len} · {arr}"), Some(format!(" · ⚑{stuck} stuck")), None),
            (format!(" · {len} · {arr}"), Some(format!(" ⚑{stuck}")), None),
            (format!(" · {len}"), Some(format!(" ⚑{stuck}")), None),
            (format!(" · {len}"), None, None),
        ];
        let width_of = |(figures, flag, at): &(String, Option<String>, Option<&String>)| {
            let flag =
                if stuck > 0 { flag.as_deref().map_or(0, crate::text::inert::width) } else { 0 };
            crate::text::inert::width(&title.content)
                + crate::text::inert::width(figures)
                + flag
                + at.map_or(0, |p| crate::text::inert::width(p))
        };
        let last = candidates.len() - 1;
        let chosen = candidates.iter().position(|c| width_of(c) <= width).unwrap_or(last);
        let (figures, flag, at) = &candidates[chosen];
        let mut spans = vec![title, Span::styled(figures.clone(), theme.dim())];
        if let (true, Some(flag)) = (stuck > 0, flag) {
            spans.push(Span::styled(flag.clone(), theme.warn()));
        }
        if let Some(at) = at {
            spans.push(Span::styled((*at).clone(), theme.dim()));
        }
        Line::from(spans)
    }

    pub(super) fn tail(card: &Card, theme: Theme) -> Vec<Span<'static>> {
        let renewal = Span::styled(
            format!(" ↻{:>5}", renewal_days(card.days_to_renewal)),
            if card.days_to_renewal.is_some_and(|d| d <= 90) { theme.warn() } else { theme.dim() },
        );
        let in_stage = Span::styled(format!(" {:>6}", days(card.days_in_stage)), theme.dim());
        let stuck = if card.stuck { Span::styled("⚑", theme.warn()) } else { Span::raw(" ") };
        vec![renewal, in_stage, stuck]
    }

    pub(super) fn draw_columns(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        board: &Board,
        book: &BookIndex,
        theme: Theme,
    ) {
        let names = self.names(book);
        let width = area.width / 4;
        for column in 0..4 {
            let x = area.x + width * u16::try_from(column).unwrap_or(0);
            let rect = Rect { x, width: width.saturating_sub(1), ..area };
            let w = usize::from(rect.width);
            let mut lines = vec![
                self.heading(board, column, w, theme),
                Line::from(Span::styled("─".repeat(w), theme.dim())),
            ];
            let cards = &board.columns[column].cards;
            let cursor = self.cursors[column];
            for index in cursor.window(cards.len()) {
                let card = &cards[index];
                let position = board.standing(card);
                let name_width = w.saturating_sub(11);
                let first = Line::from(vec![
                    theme.health(position.health),
                    Span::raw(" "),
                    Span::raw(crate::tui::widgets::pad(
                        names.name(card.account),
                        name_width,
                        false,
                    )),
                    Span::raw(format!(" {:>8}", position.arr.to_short())),
                ]);
                let bar_width = w.saturating_sub(23).clamp(4, 12);
                let rate = position.absorption.rate();
                let mut second = vec![
                    Span::raw("  "),
                    absorption_bar(rate, bar_width, theme),
                    Span::raw(format!(" {:>4}", absorption_percent(rate))),
                ];
                second.extend(BoardPane::tail(card, theme));
                let mut pair = [first, Line::from(second)];
                if column == self.column && index == cursor.selected {
                    for line in &mut pair {
                        *line = theme.select(std::mem::take(line));
                    }
                }
                lines.extend(pair);
            }
            if cards.is_empty() {
                lines.push(Line::from(Span::styled("  no account", theme.dim())));
            }
            frame.render_widget(Paragraph::new(cut_lines(lines, rect.width)), rect);
        }
    }

    pub(super) fn draw_sections(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        board: &Board,
        book: &BookIndex,
        theme: Theme,
    ) {
        let names = self.names(book);
        let w = usize::from(area.width);
        let mut lines = Vec::with_capacity(usize::from(area.height));
        let rows = self.card_rows();
        for column in 0..4 {
            lines.push(self.heading(board, column, w, theme));
            let cards = &board.columns[column].cards;
            let cursor = self.cursors[column];
            let window = cursor.window(cards.len());
            let shown = window.len();
            for index in window {
                let card = &cards[index];
                let position = board.standing(card);
                // H name ARR bar % ↻renewal in-stage ⚑
                let name_width = w.saturating_sub(2 + 10 + 6 + 5 + 7 + 7 + 1);
                let rate = position.absorption.rate();
                let mut spans = vec![
                    theme.health(position.health),
                    Span::raw(" "),
                    Span::raw(crate::tui::widgets::pad(
                        names.name(card.account),
                        name_width,
                        false,
                    )),
                    Span::raw(format!(" {:>8} ", position.arr.to_short())),
                    absorption_bar(rate, 6, theme),
                    Span::raw(format!(" {:>4}", absorption_percent(rate))),
                ];
                spans.extend(BoardPane::tail(card, theme));
                let mut line = Line::from(spans);
                if column == self.column && index == cursor.selected {
                    line = theme.select(line);
                }
                lines.push(line);
            }
            if cards.is_empty() {
                lines.push(Line::from(Span::styled("  no account", theme.dim())));
            }
            for _ in shown.max(1)..rows {
                lines.push(Line::from(""));
            }
        }
        frame.render_widget(Paragraph::new(cut_lines(lines, area.width)), area);
    }

    pub(super) fn draw_suggestions(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        let w = usize::from(area.width);
        let name_width = if w >= WIDE.into() { 30 } else { 18 };
        let why_width = w.saturating_sub(name_width + 26);
        let mut lines = vec![Line::from(Span::styled(
            format!("{:<name_width$} {:<11} → {:<11} {}", "Account", "Set", "Suggested", "Why"),
            theme.header(),
        ))];
        if self.suggestions.is_empty() {
            lines.push(Line::from(Span::styled(
                "  Every account's stage agrees with the data. s goes back to the board.",
                theme.ok(),
            )));
        }
        let cursor = self.suggestion_cursor;
        for index in cursor.window(self.suggestions.len()) {
            let s = &self.suggestions[index];
            let mut line = Line::from(vec![
                Span::raw(format!("{} ", crate::tui::widgets::pad(&s.name, name_width, false))),
                Span::styled(format!("{:<11}", s.current.title()), theme.dim()),
                Span::raw(" → "),
                Span::styled(format!("{:<11} ", s.suggested.title()), theme.key()),
                Span::styled(fit(&s.why, why_width), theme.dim()),
            ]);
            if index == cursor.selected {
                line = theme.select(line);
            }
            lines.push(line);
        }
        frame.render_widget(Paragraph::new(cut_lines(lines, area.width)), area);
    }

    pub(super) fn draw_footer(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        board: &Board,
        book: &BookIndex,
        theme: Theme,
    ) {
        let detail = if self.showing_suggestions {
            Line::from(Span::styled(
                "A accept (reason: the why) · D dismiss until the signal changes · s back",
                theme.dim(),
            ))
        } else {
            match (self.selected_card(), self.selected_suggestion(book)) {
                (Some(card), suggestion) => {
                    let position = board.standing(card);
                    let names = self.names(book);
                    let am = names.am(card.account);
                    let mut spans = vec![
                        Span::styled(names.name(card.account).to_string(), theme.title()),
                        Span::styled(
                            format!(
                                " · {} · health {} · AM {}",
                                position.stage.title(),
                                position.health.map_or("not set", Health::as_str),
                                if am.is_empty() { "—" } else { am }
                            ),
                            theme.dim(),
                        ),
                    ];
                    if let Some(s) = suggestion {
                        spans.push(Span::styled(
                            format!(" · suggests {}: {} (A/D)", s.suggested.title(), s.why),
                            theme.warn(),
                        ));
                    }
                    Line::from(spans)
                }
                (None, _) => Line::from(""),
            }
        };
        let stuck: usize = board.columns.iter().map(|c| c.stuck).sum();
        let legend = Line::from(Span::styled(
            legend(stuck, board.stuck_stage_days, usize::from(area.width)),
            theme.dim(),
        ));
        frame.render_widget(Paragraph::new(cut_lines(vec![detail, legend], area.width)), area);
    }
}

/// The footer's legend, the fullest that fits `width`: what the card's
/// symbols mean and the whole stuck rule (`metrics::board::is_stuck`), which
/// is more than days in a stage. The narrowest form drops the symbols and the
/// total (each heading counts its own ⚑) before it drops any of the rule.
pub(super) fn legend(stuck: usize, stuck_stage_days: i64, width: usize) -> String {
    let symbols = "█ absorption · ↻ days to renewal · Nd days in stage · ";
    let d = stuck_stage_days;
    let full = format!(
        "⚑ stuck ({stuck}): over {d} days in addiction, or in adoption or absorption \
         at ≤ 50% absorbed with orange or red health"
    );
    let short = format!(
        "⚑ stuck ({stuck}): > {d} d in addiction, or in adoption/absorption at ≤ 50% \
         with orange/red health"
    );
    let candidates = [
        format!("{symbols}{full}"),
        format!("{symbols}{short}"),
        full,
        short,
        format!("⚑ stuck: > {d} d in addiction, or in adoption/absorption ≤ 50% with orange/red"),
    ];
    let last = candidates.len() - 1;
    let chosen =
        candidates.iter().position(|text| crate::text::inert::width(text) <= width).unwrap_or(last);
    candidates[chosen].clone()
}

/// Days to renewal in at most four cells, so the `↻` before them always
/// keeps a space: 1,000 days and more are shown in years (`2.7y`, and
/// whole from ten years).
fn renewal_days(value: Option<i64>) -> String {
    match value {
        Some(d) if d >= 1000 => {
            let tenths = (d * 10 + 182) / 365;
            if tenths >= 100 {
                format!("{}y", (tenths + 5) / 10)
            } else {
                format!("{}.{}y", tenths / 10, tenths % 10)
            }
        }
        other => days(other),
    }
}

#[cfg(test)]
mod tests {
    use super::{legend, renewal_days};

    #[test]
    fn the_legend_says_the_whole_stuck_rule_at_every_width() {
        for width in [40, 78, 118, 158, 198] {
            let text = legend(12, 180, width);
            assert!(crate::text::inert::width(&text) <= width.max(78), "{width}: {text}");
            // Days alone do not make an account stuck: the stage, the
            // absorption and the health are part of the rule.
            for part in ["180 d", "addiction", "adoption", "absorption", "50%", "orange", "red"] {
                assert!(text.contains(part), "{width}: {part} missing from {text}");
            }
        }
        assert!(legend(12, 180, 198).starts_with("█ absorption"), "wide: the symbols too");
        assert!(legend(12, 180, 198).contains("(12)"));
        assert_eq!(
            legend(12, 90, 78),
            "⚑ stuck: > 90 d in addiction, or in adoption/absorption ≤ 50% with orange/red"
        );
    }

    #[test]
    fn days_to_renewal_fit_four_cells_so_the_mark_keeps_its_space() {
        assert_eq!(renewal_days(Some(999)), "999d");
        // 1,002 / 365 = 2.745… years, to the tenth: 2.7.
        assert_eq!(renewal_days(Some(1002)), "2.7y");
        // 1,100 / 365 = 3.013…: 3.0.
        assert_eq!(renewal_days(Some(1100)), "3.0y");
        assert_eq!(renewal_days(None), "—");
        // 3,649 / 365 = 9.997…: 10 years, whole.
        assert_eq!(renewal_days(Some(3649)), "10y");
        for d in [0, 5, 999, 1000, 3649, 40_000] {
            assert!(format!(" ↻{:>5}", renewal_days(Some(d))).contains("↻ "), "{d}");
        }
    }
}
