//! The account view's Signals section: each usage measure as a sparkline
//! over its last 24 months with the latest value, then the tickets
//! (severity, open or closed, subject) and the survey answers (kind,
//! score, comment), newest first, each text wrapped in full. Imported text
//! is made inert before it is drawn. Reads the pane's state only.

use super::*;
use crate::domain::signals::{SurveyAnswer, Ticket, UsageRecord, UsageValue};
use crate::text::inert;
use crate::tui::widgets::wrap::wrap_words;

/// The months a sparkline covers, ending at the measure's latest.
const SPAN: i32 = 24;

/// The eighths a sparkline is drawn with, lowest first.
const TICKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The usage, tickets and answers of one account, read once.
#[derive(Debug, Clone, Default)]
pub(super) struct Signals {
    pub(super) usage: Vec<UsageRecord>,
    pub(super) tickets: Vec<Ticket>,
    pub(super) surveys: Vec<SurveyAnswer>,
    /// Whether the book holds any usage, ticket and survey answer at all.
    pub(super) book_has: [bool; 3],
}

/// The line for an account without any signal of a kind: none of its own
/// when the book has some, else none imported.
fn none_line(book_has: bool, what: &str) -> String {
    if book_has { format!("  no {what} for this account") } else { format!("  no {what} imported") }
}

/// One sparkline character per value: an empty month is a space, a zero the
/// lowest tick, the largest value the full block.
pub(super) fn sparkline(values: &[Option<UsageValue>]) -> String {
    let max = values.iter().flatten().map(|v| v.0).max().unwrap_or(0);
    values
        .iter()
        .map(|value| match value {
            None => ' ',
            Some(_) if max <= 0 => TICKS[0],
            Some(v) => {
                let eighth = i128::from(v.0) * 7 / i128::from(max);
                TICKS[usize::try_from(eighth).unwrap_or(0).min(7)]
            }
        })
        .collect()
}

impl AccountPane {
    pub(super) fn signals(&self, view: &View<'_>, width: usize) -> Vec<Line<'static>> {
        let theme = view.theme;
        let signals = &self.loaded.signals;
        let text_width = width.saturating_sub(4).max(10);
        let mut lines = vec![Line::from(Span::styled(
            format!("Usage  (last {SPAN} months per measure, latest value)"),
            theme.header(),
        ))];
        if signals.usage.is_empty() {
            lines.push(Line::from(Span::styled(
                none_line(signals.book_has[0], "usage"),
                theme.dim(),
            )));
        }
        let mut by_measure: BTreeMap<&str, BTreeMap<Month, UsageValue>> = BTreeMap::new();
        for record in &signals.usage {
            by_measure.entry(&record.measure).or_default().insert(record.month, record.value);
        }
        let name_width = width.saturating_sub(24 + 28).clamp(8, 24);
        for (measure, months) in &by_measure {
            let Some((&last, &latest)) = months.last_key_value() else { continue };
            let values: Vec<Option<UsageValue>> =
                last.minus(SPAN - 1).through(last).map(|m| months.get(&m).copied()).collect();
            let name = inert::line(measure);
            lines.push(Line::from(vec![
                Span::raw(format!("  {} ", crate::tui::widgets::pad(&name, name_width, false))),
                Span::styled(sparkline(&values), theme.series(1)),
                Span::raw(format!(" {:>10}", latest.to_string())),
                Span::styled(format!(" ({last})"), theme.dim()),
            ]));
        }
        lines.push(Line::from(""));
        let open = signals.tickets.iter().filter(|t| t.closed_at.is_none()).count();
        lines.push(Line::from(Span::styled(
            format!("Tickets  ({} · {open} open)", signals.tickets.len()),
            theme.header(),
        )));
        if signals.tickets.is_empty() {
            lines.push(Line::from(Span::styled(
                none_line(signals.book_has[1], "tickets"),
                theme.dim(),
            )));
        }
        for ticket in &signals.tickets {
            let state = match ticket.closed_at {
                Some(closed) => format!("closed {}", closed.format("%Y-%m-%d")),
                None => "open".to_string(),
            };
            let severity = ticket.severity.as_str();
            let style = if ticket.severity.is_high() && ticket.closed_at.is_none() {
                theme.header()
            } else {
                theme.dim()
            };
            lines.push(Line::from(vec![
                Span::styled(format!("  {} ", ticket.opened_at.format("%Y-%m-%d")), theme.dim()),
                Span::styled(format!("{severity:<6}"), style),
                Span::raw(format!(" {state:<17} ")),
                Span::styled(inert::line(&ticket.id).into_owned(), theme.dim()),
            ]));
            for part in wrap_words(&inert::line(&ticket.subject), text_width) {
                lines.push(Line::from(format!("    {part}")));
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            format!("Survey answers  ({})", signals.surveys.len()),
            theme.header(),
        )));
        if signals.surveys.is_empty() {
            lines.push(Line::from(Span::styled(
                none_line(signals.book_has[2], "survey answers"),
                theme.dim(),
            )));
        }
        for answer in &signals.surveys {
            let range = answer.kind.range();
            lines.push(Line::from(vec![
                Span::styled(format!("  {} ", answer.answered_at.format("%Y-%m-%d")), theme.dim()),
                Span::raw(format!(
                    "{:<4} {:>2} of {}",
                    answer.kind.as_str().to_uppercase(),
                    answer.score,
                    range.end()
                )),
            ]));
            // A comment keeps its own line breaks; each line is wrapped.
            for comment_line in inert::lines(&answer.comment).lines() {
                let shown = inert::line(comment_line);
                for part in wrap_words(&shown, text_width) {
                    lines.push(Line::from(format!("    {part}")));
                }
            }
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_scales_to_the_largest_value_and_leaves_missing_months_blank() {
        let v = |n: i64| Some(UsageValue(n * 1000));
        // 0 → ▁, 40 of 80 → 3.5 → ▄ (index 3), 80 → █, a gap is a space.
        assert_eq!(sparkline(&[v(0), v(40), None, v(80)]), "▁▄ █");
        assert_eq!(sparkline(&[v(0), v(0)]), "▁▁");
        assert_eq!(sparkline(&[None]), " ");
    }
}
