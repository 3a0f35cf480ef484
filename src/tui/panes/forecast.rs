//! The calendar's second mode: the renewal forecast and how well it has
//! learned. Loads, once per refresh, the 12 months ahead (ATR, expected
//! renewed ARR, the range from "only greens renew" to "everyone renews", per
//! CSM and for the book) and the history behind the calibration table, the
//! plan / re-forecast / actual waterfall and the surprise non-renewals; then
//! turns them into text lines. The numbers come from
//! `metrics::{forecast, calibration}`; nothing here computes a rate itself or
//! draws outside the lines it returns.

use crate::domain::{Config, Health, Money, Month};
use crate::metrics::Rate;
use crate::metrics::calibration::{
    ColourCalibration, ErrorShown, PastRenewal, SurpriseQuarter, WaterfallMonth, calibrate,
    history_since, surprises, waterfall,
};
use crate::metrics::forecast::{Forecast, ForecastFigures, MonthForecast};
use crate::store::Store;
use crate::tui::theme::Theme;
use crate::tui::widgets::fit;
use chrono::NaiveDate;
use ratatui::text::{Line, Span};

/// Months forecast ahead.
pub const FORECAST_MONTHS: u32 = 12;
/// Past months in the waterfall.
pub const WATERFALL_MONTHS: i32 = 12;

/// Everything the forecast view shows, loaded once.
#[derive(Debug, Clone)]
pub struct ForecastData {
    pub forecast: Forecast,
    pub calibration: Vec<ColourCalibration>,
    pub waterfall: Vec<WaterfallMonth>,
    pub quarters: Vec<SurpriseQuarter>,
    pub surprises: Vec<PastRenewal>,
    pub since: NaiveDate,
}

impl ForecastData {
    /// The forecast from this month on, and the history of the last two years.
    pub fn load(store: &Store, today: NaiveDate, config: &Config) -> anyhow::Result<ForecastData> {
        let this_month = Month::of(today);
        let forecast = crate::read::renewals::forecast(store, this_month, FORECAST_MONTHS, config)?;
        let since = history_since(today);
        let past = crate::read::renewals::past_renewals(store, since, today)?;
        let probabilities = &config.renewal_probability_bp;
        let calibration = calibrate(&past, probabilities);
        let waterfall = waterfall(
            &past,
            this_month.minus(WATERFALL_MONTHS),
            this_month.minus(1),
            probabilities,
        );
        let (quarters, list) = surprises(&past);
        let surprises = list.into_iter().cloned().collect();
        Ok(ForecastData { forecast, calibration, waterfall, quarters, surprises, since })
    }

    /// The names the `c` key cycles through: the book (None), then each CSM.
    pub fn choices(&self) -> usize {
        self.forecast.by_csm.len() + 1
    }

    /// The monthly rows and the total of choice `choice` (0 = the book).
    fn chosen(&self, choice: usize) -> (String, &[MonthForecast], ForecastFigures) {
        match choice.checked_sub(1).and_then(|i| self.forecast.by_csm.get(i)) {
            Some(csm) => {
                let name =
                    if csm.csm.is_empty() { "(no CSM)".to_string() } else { csm.csm.clone() };
                (format!("CSM {name}"), &csm.months, csm.total)
            }
            None => ("the book".to_string(), &self.forecast.book, self.forecast.book_total),
        }
    }

    /// What the chosen scope is, for the pane's title: "whole book",
    /// "mine (Maya Okafor)" only when the numbers are `user`'s, else "CSM …".
    pub fn scope_label(&self, choice: usize, user: &str) -> String {
        match choice.checked_sub(1).and_then(|i| self.forecast.by_csm.get(i)) {
            Some(csm) if csm.csm == user && !user.is_empty() => format!("mine ({user})"),
            Some(csm) if csm.csm.is_empty() => "(no CSM)".to_string(),
            Some(csm) => format!("CSM {}", csm.csm),
            None => "whole book".to_string(),
        }
    }

    /// The index of `csm` among the choices, for opening on "mine".
    pub fn choice_of(&self, csm: &str) -> Option<usize> {
        self.forecast.by_csm.iter().position(|c| c.csm == csm).map(|i| i + 1)
    }

    /// The forward half: the monthly table of the chosen scope and the
    /// 12-month totals per CSM.
    pub fn forward_lines(&self, choice: usize, theme: Theme, user: &str) -> Vec<Line<'static>> {
        let (name, months, total) = self.chosen(choice);
        let mut lines = vec![
            Line::from(vec![
                Span::styled(format!("Renewal forecast · {name}"), theme.title()),
                Span::styled("  (c: next CSM)", theme.dim()),
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
        lines.push(Line::from(Span::styled(
            format!("{:<14} {:>9} {:>9} {:>19}", "CSM", "ATR", "Expected", "Range greens…all"),
            theme.header(),
        )));
        for csm in &self.forecast.by_csm {
            let name = if csm.csm.is_empty() { "(no CSM)" } else { csm.csm.as_str() };
            let text = format!(
                "{:<14} {:>9} {:>9} {:>19}",
                fit(name, 14),
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
    pub fn history_lines(&self, theme: Theme) -> Vec<Line<'static>> {
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
