//! The calendar's second mode: the renewal forecast and how well it has
//! learned, as text lines. The numbers are loaded once per refresh by the
//! read model (`read::forecast::ForecastData`); nothing here computes a rate
//! itself or draws outside the lines it returns.

use crate::domain::{Health, Money};
use crate::metrics::Rate;
use crate::metrics::calibration::ErrorShown;
use crate::metrics::forecast::ForecastFigures;
use crate::tui::theme::Theme;
use crate::tui::widgets::{fit, pad};
use ratatui::text::{Line, Span};

/// The Calendar's key for the forecast of the next CSM, bound in its key
/// table and named in the forecast's title from this one place.
pub(super) const NEXT_CSM_KEY: &str = "C";

pub use crate::read::forecast::{FORECAST_MONTHS, ForecastData, WATERFALL_MONTHS};

/// The forecast view's text, from the data the read model loaded.
pub trait ForecastLines {
    /// The forward half: the monthly table of the chosen scope and the
    /// 12-month totals per CSM.
    fn forward_lines(&self, choice: usize, theme: Theme, user: &str) -> Vec<Line<'static>>;
    /// The backward half: calibration, waterfall and surprises.
    fn history_lines(&self, theme: Theme) -> Vec<Line<'static>>;
}

impl ForecastLines for ForecastData {
    /// The forward half: the monthly table of the chosen scope and the
    /// 12-month totals per CSM.
    fn forward_lines(&self, choice: usize, theme: Theme, user: &str) -> Vec<Line<'static>> {
        let (name, months, total) = self.chosen(choice);
        let mut lines = vec![
            Line::from(vec![
                Span::styled(format!("Renewal forecast · {name}"), theme.title()),
                Span::styled(format!("  ({NEXT_CSM_KEY}: next CSM)"), theme.dim()),
            ]),
            Line::from(Span::styled(
                format!(
                    "{:<8} {:>4} {:>9} {:>9} {:>19} {:>8}",
                    "Month", "Ctr", "ATR", "Expected", "Range greens…all", "At risk"
                ),
                theme.header(),
            )),
        ];
        let row = |label: String, f: &ForecastFigures| {
            format!(
                "{label:<8} {:>4} {:>9} {:>9} {:>19} {:>8}",
                f.contracts,
                f.atr.to_short(),
                f.expected.to_short(),
                format!("{} … {}", f.if_only_greens.to_short(), f.atr.to_short()),
                f.at_risk_atr.to_short(),
            )
        };
        for month in months {
            lines.push(Line::from(row(month.month.to_string(), &month.figures)));
        }
        lines.push(Line::from(Span::styled(row("Total".into(), &total), theme.title())));
        if !total.unrated_atr.is_zero() {
            lines.push(Line::from(Span::styled(
                format!(
                    "{} ATR has no health: forecast at yellow's probability; rate it.",
                    total.unrated_atr.to_short()
                ),
                theme.warn(),
            )));
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled("Per CSM, next 12 months · whole book", theme.title())));
        // The names whole, up to 24 cells: the row still fits 80 columns.
        let name_w = self
            .forecast
            .by_csm
            .iter()
            .map(|c| crate::text::inert::width(&c.csm))
            .max()
            .unwrap_or(0)
            .clamp(14, 24);
        lines.push(Line::from(Span::styled(
            format!(
                "{} {:>9} {:>9} {:>19}",
                pad("CSM", name_w, false),
                "ATR",
                "Expected",
                "Range greens…all"
            ),
            theme.header(),
        )));
        for csm in &self.forecast.by_csm {
            let name = if csm.csm.is_empty() { "(no CSM)" } else { csm.csm.as_str() };
            let text = format!(
                "{} {:>9} {:>9} {:>19}",
                pad(name, name_w, false),
                csm.total.atr.to_short(),
                csm.total.expected.to_short(),
                format!("{} … {}", csm.total.if_only_greens.to_short(), csm.total.atr.to_short()),
            );
            let style = if csm.csm == user { theme.key() } else { ratatui::style::Style::new() };
            lines.push(Line::from(Span::styled(text, style)));
        }
        if self.forecast.by_csm.is_empty() {
            lines
                .push(Line::from(Span::styled("  No renewal in the next 12 months.", theme.dim())));
        }
        lines
    }

    /// The learning half: calibration, waterfall, surprises.
    fn history_lines(&self, theme: Theme) -> Vec<Line<'static>> {
        let mut lines = vec![
            Line::from(vec![
                Span::styled("Calibration · whole book", theme.title()),
                Span::styled(
                    format!("  health 90 days before the end · since {}", self.since),
                    theme.dim(),
                ),
            ]),
            Line::from(Span::styled(
                format!(
                    "{:<11} {:>6} {:>7} {:>8} {:>10}",
                    "Health", "Cases", "Renewed", "Observed", "Configured"
                ),
                theme.header(),
            )),
        ];
        for colour in &self.calibration {
            let mut spans = vec![theme.health(colour.health)];
            let word = colour.health.map_or("unrated", Health::as_str);
            let observed = colour.observed.map_or_else(|| "—".to_string(), |r| r.to_percent(1));
            let configured = Rate::new(colour.configured_bp, 10_000)
                .map_or_else(|| "—".to_string(), |r| r.to_percent(0));
            spans.push(Span::raw(format!(
                " {word:<9} {:>6} {:>7} {observed:>8} {configured:>10}",
                colour.cases, colour.renewed
            )));
            lines.push(Line::from(spans));
        }
        lines.push(Line::from(""));
        lines.push(Line::from(vec![
            Span::styled("Waterfall · whole book", theme.title()),
            Span::styled("  forecast 90 d before · re-forecast 30 d before · actual", theme.dim()),
        ]));
        lines.push(Line::from(Span::styled(
            format!(
                "{:<8} {:>4} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7}",
                "Month", "Ctr", "ATR", "Fc −90d", "Fc −30d", "Actual", "Err 90", "Err 30"
            ),
            theme.header(),
        )));
        let error = |shown: ErrorShown| match shown {
            ErrorShown::Relative(rate) => rate.to_percent(1),
            ErrorShown::Absolute(miss) => format!("+{}", miss.to_short()),
            ErrorShown::Nothing => "—".to_string(),
        };
        for month in &self.waterfall {
            let mut text = format!(
                "{:<8} {:>4} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7}",
                month.month.to_string(),
                month.contracts,
                month.atr.to_short(),
                month.forecast.to_short(),
                month.reforecast.to_short(),
                month.actual.to_short(),
                error(month.forecast_shown()),
                error(month.reforecast_shown()),
            );
            if month.pending > 0 {
                text.push_str(&format!(" +{} pending", month.pending));
            }
            lines.push(Line::from(text));
        }
        lines.push(Line::from(""));
        lines.push(Line::from(vec![
            Span::styled("Surprise non-renewals · whole book", theme.title()),
            Span::styled("  green or yellow 90 d before, then lost", theme.dim()),
        ]));
        if self.quarters.is_empty() {
            lines.push(Line::from(Span::styled("  No renewal outcome known yet.", theme.dim())));
        } else {
            let counts: Vec<String> =
                self.quarters.iter().map(|q| format!("{} {}", q.label(), q.count)).collect();
            for chunk in counts.chunks(4) {
                lines.push(Line::from(format!("  {}", chunk.join(" · "))));
            }
            let lost: Money = self.quarters.iter().map(|q| q.lost_atr).sum();
            lines.push(Line::from(Span::styled(
                format!(
                    "  {} {}, {} ATR lost",
                    self.surprises.len(),
                    if self.surprises.len() == 1 { "surprise" } else { "surprises" },
                    lost.to_short()
                ),
                theme.dim(),
            )));
        }
        for surprise in self.surprises.iter().rev() {
            lines.push(Line::from(vec![
                Span::raw(format!("  {} ", surprise.end_date)),
                theme.health(surprise.health_before),
                Span::raw(format!(
                    " {:<22} {:>8}  {}",
                    fit(&surprise.account_name, 22),
                    surprise.atr.to_short(),
                    fit(&surprise.csm, 12)
                )),
            ]));
        }
        lines
    }
}
