//! The renewal forecast as the calendar's second mode shows it: the 12
//! months ahead (ATR, expected renewed ARR, the range from "only greens
//! renew" to "everyone renews", per CSM and for the book) and the history
//! behind the calibration table, the plan / re-forecast / actual waterfall
//! and the surprise non-renewals, loaded once per refresh. The numbers come
//! from `metrics::{forecast, calibration}` over the rows `read::renewals`
//! reads; the pane turns them into lines.

use crate::domain::{Config, Month};
use crate::metrics::calibration::{
    ColourCalibration, PastRenewal, SurpriseQuarter, WaterfallMonth, calibrate, history_since,
    surprises, waterfall,
};
use crate::metrics::forecast::{Forecast, ForecastFigures, MonthForecast};
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;

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
    pub fn load(store: &Store, today: NaiveDate, config: &Config) -> StoreResult<ForecastData> {
        let this_month = Month::of(today);
        let forecast = super::renewals::forecast(store, this_month, FORECAST_MONTHS, config)?;
        let since = history_since(today);
        let past = super::renewals::past_renewals(store, since, today)?;
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
    pub fn chosen(&self, choice: usize) -> (String, &[MonthForecast], ForecastFigures) {
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
}
