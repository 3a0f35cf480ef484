//! Does the forecast learn? Once outcomes are known, compare what health
//! predicted with what happened.
//!
//! - **Outcome** of an ended contract: renewed when a following contract
//!   renews it (`Contract::renewal_among`: same account and product, starting
//!   within 31 days of the end), its renewed ARR capped at the ATR it
//!   replaces; not renewed when no follower exists once those 31 days have
//!   passed (or the contract was terminated before its end); pending before.
//! - **Calibration**: for each health colour the account had 90 days before
//!   the end date, the share of those renewals that actually renewed beside
//!   the configured probability, with the number of cases.
//! - **Waterfall** per past month: what was forecast 90 days before each end
//!   date, what was re-forecast 30 days before, what actually renewed, and the
//!   forecast error (forecast − actual) / actual.
//! - **Surprises**: not renewed although green or yellow 90 days before.
//!
//! Pure: the store loads contracts and health histories; nothing here reads
//! the database.

use super::Rate;
use super::forecast::ForecastFigures;
use crate::domain::config::{BasisPoints, HealthProbabilities};
use crate::domain::contract::RENEWAL_GAP_DAYS;
use crate::domain::{Contract, Health, Money, Month};
use chrono::{Datelike, Duration, NaiveDate};
use std::collections::BTreeMap;

/// Days before the end date at which the forecast is taken and the health
/// is read for calibration and surprises.
pub const FORECAST_LEAD_DAYS: i64 = 90;
/// Days before the end date of the re-forecast.
pub const REFORECAST_LEAD_DAYS: i64 = 30;

pub use crate::domain::health::HealthPoint;

/// The health in force at the end of `date`: the last entry on or before it.
/// `history` is in time order; entries of the same day keep their order, so
/// the later one wins.
pub fn health_as_of(history: &[HealthPoint], date: NaiveDate) -> Option<Health> {
    let after = history.partition_point(|point| point.on <= date);
    after.checked_sub(1).and_then(|index| history.get(index)).map(|point| point.health)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Renewed; the ARR renewed, capped at the ATR it replaces.
    Renewed {
        renewed_arr: Money,
    },
    NotRenewed,
    /// No follower yet and the 31 days after the end have not all passed.
    Pending,
}

/// The outcome of `contract` on `today`, among the contracts of the same
/// account (`candidates` may hold others; they are ignored).
pub fn outcome(contract: &Contract, candidates: &[Contract], today: NaiveDate) -> Outcome {
    if let Some(follower) = contract.renewal_among(candidates) {
        return Outcome::Renewed { renewed_arr: follower.arr.min(contract.arr) };
    }
    let terminated_early = contract.terminated_on.is_some_and(|t| t <= contract.end_date);
    if terminated_early || today > contract.end_date + Duration::days(RENEWAL_GAP_DAYS) {
        Outcome::NotRenewed
    } else {
        Outcome::Pending
    }
}

/// An ended renewal with what health said before it and what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastRenewal {
    pub contract_id: String,
    pub account_id: String,
    pub account_name: String,
    pub csm: String,
    pub product: String,
    pub end_date: NaiveDate,
    pub atr: Money,
    /// Health 90 days before the end date.
    pub health_before: Option<Health>,
    /// Health 30 days before the end date.
    pub health_reforecast: Option<Health>,
    pub outcome: Outcome,
}

impl PastRenewal {
    /// Reads the health history at the two lead times and settles the outcome.
    pub fn assess(
        contract: &Contract,
        account_name: &str,
        csm: &str,
        history: &[HealthPoint],
        candidates: &[Contract],
        today: NaiveDate,
    ) -> PastRenewal {
        let lead = |days| health_as_of(history, contract.end_date - Duration::days(days));
        PastRenewal {
            contract_id: contract.id.clone(),
            account_id: contract.account_id.clone(),
            account_name: account_name.to_string(),
            csm: csm.to_string(),
            product: contract.product.clone(),
            end_date: contract.end_date,
            atr: contract.arr,
            health_before: lead(FORECAST_LEAD_DAYS),
            health_reforecast: lead(REFORECAST_LEAD_DAYS),
            outcome: outcome(contract, candidates, today),
        }
    }

    fn renewed_arr(&self) -> Option<Money> {
        match self.outcome {
            Outcome::Renewed { renewed_arr } => Some(renewed_arr),
            Outcome::NotRenewed => Some(Money::ZERO),
            Outcome::Pending => None,
        }
    }

    /// Did not renew although green or yellow 90 days before.
    pub fn is_surprise(&self) -> bool {
        self.outcome == Outcome::NotRenewed
            && matches!(self.health_before, Some(Health::Green | Health::Yellow))
    }
}

/// Observed against configured for one health colour (`None`: unrated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColourCalibration {
    pub health: Option<Health>,
    /// Renewals with a known outcome whose account had this colour 90 days before.
    pub cases: u64,
    pub renewed: u64,
    /// renewed / cases; `None` without cases.
    pub observed: Option<Rate>,
    pub configured_bp: BasisPoints,
}

/// One row per colour, green first, then unrated; pending outcomes are left out.
pub fn calibrate(
    past: &[PastRenewal],
    probabilities: &HealthProbabilities,
) -> Vec<ColourCalibration> {
    let colours =
        [Some(Health::Green), Some(Health::Yellow), Some(Health::Orange), Some(Health::Red), None];
    colours
        .into_iter()
        .map(|health| {
            let known =
                past.iter().filter(|p| p.health_before == health && p.outcome != Outcome::Pending);
            let (cases, renewed) = known.fold((0_u64, 0_u64), |(cases, renewed), p| {
                (cases + 1, renewed + u64::from(matches!(p.outcome, Outcome::Renewed { .. })))
            });
            ColourCalibration {
                health,
                cases,
                renewed,
                observed: Rate::new(renewed, cases),
                configured_bp: super::forecast::probability_bp(health, probabilities),
            }
        })
        .collect()
}

/// Months of renewal history that calibration and the surprises read.
pub const HISTORY_MONTHS: i32 = 24;

/// The first day calibration and the surprises look at on `today`: the
/// first of the month [`HISTORY_MONTHS`] before today's. The one window rule,
/// so the cockpit and `renewals --forecast` show the same table.
pub fn history_since(today: NaiveDate) -> NaiveDate {
    Month::of(today).minus(HISTORY_MONTHS).first_day()
}

/// Plan vs re-forecast vs actual for the renewals ending in one past month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaterfallMonth {
    pub month: Month,
    /// Renewals with a known outcome (pending ones are left out of every figure).
    pub contracts: u64,
    pub pending: u64,
    pub atr: Money,
    /// Σ ATR × p(health 90 days before).
    pub forecast: Money,
    /// Σ ATR × p(health 30 days before).
    pub reforecast: Money,
    /// Renewed ARR, each renewal capped at the ATR it replaces.
    pub actual: Money,
    /// (forecast − actual) / actual; `None` when nothing renewed.
    pub forecast_error: Option<Rate>,
    pub reforecast_error: Option<Rate>,
    /// forecast − actual, the miss in money: what tells a month forecast at
    /// 4,428 whose renewals all failed from a month nobody expected anything of.
    pub forecast_miss: Money,
    pub reforecast_miss: Money,
}

/// A waterfall error as it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorShown {
    /// Something renewed: the error relative to it.
    Relative(Rate),
    /// Nothing renewed but something was forecast: a relative error would
    /// be infinite, so the miss in money (forecast − actual, positive).
    Absolute(Money),
    /// Nothing forecast, nothing renewed: no error to show.
    Nothing,
}

impl WaterfallMonth {
    /// The 90-day forecast's error as shown.
    pub fn forecast_shown(&self) -> ErrorShown {
        shown(self.forecast_error, self.forecast_miss)
    }

    /// The 30-day re-forecast's error as shown.
    pub fn reforecast_shown(&self) -> ErrorShown {
        shown(self.reforecast_error, self.reforecast_miss)
    }
}

fn shown(error: Option<Rate>, miss: Money) -> ErrorShown {
    match error {
        Some(rate) => ErrorShown::Relative(rate),
        None if miss.is_zero() => ErrorShown::Nothing,
        None => ErrorShown::Absolute(miss),
    }
}

/// The waterfall for every month from `first` to `last` (both included), with
/// the same per-health rounding as the forward forecast.
pub fn waterfall(
    past: &[PastRenewal],
    first: Month,
    last: Month,
    probabilities: &HealthProbabilities,
) -> Vec<WaterfallMonth> {
    first
        .through(last)
        .map(|month| {
            let mut before: BTreeMap<Option<Health>, (Money, u64)> = BTreeMap::new();
            let mut again: BTreeMap<Option<Health>, (Money, u64)> = BTreeMap::new();
            let (mut actual, mut pending) = (Money::ZERO, 0_u64);
            for renewal in past.iter().filter(|p| Month::of(p.end_date) == month) {
                let Some(renewed) = renewal.renewed_arr() else {
                    pending += 1;
                    continue;
                };
                actual += renewed;
                let slot = before.entry(renewal.health_before).or_default();
                slot.0 += renewal.atr;
                slot.1 += 1;
                let slot = again.entry(renewal.health_reforecast).or_default();
                slot.0 += renewal.atr;
                slot.1 += 1;
            }
            let total = |buckets: &BTreeMap<Option<Health>, (Money, u64)>| {
                let mut figures = ForecastFigures::default();
                for (health, (atr, count)) in buckets {
                    figures += ForecastFigures::of_bucket(*health, *atr, *count, probabilities);
                }
                figures
            };
            let (planned, replanned) = (total(&before), total(&again));
            let error = |forecast: Money| Rate::new((forecast - actual).cents(), actual.cents());
            WaterfallMonth {
                month,
                contracts: planned.contracts,
                pending,
                atr: planned.atr,
                forecast: planned.expected,
                reforecast: replanned.expected,
                actual,
                forecast_error: error(planned.expected),
                reforecast_error: error(replanned.expected),
                forecast_miss: planned.expected - actual,
                reforecast_miss: replanned.expected - actual,
            }
        })
        .collect()
}

/// Surprise non-renewals of one calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SurpriseQuarter {
    pub year: i32,
    /// 1 to 4.
    pub quarter: u32,
    pub count: u64,
    pub lost_atr: Money,
}

impl SurpriseQuarter {
    /// `2025-Q1`.
    pub fn label(&self) -> String {
        format!("{}-Q{}", self.year, self.quarter)
    }
}

/// The surprises, listed by end date, and counted per quarter of the end
/// date (every quarter from the first to the last renewal in `past`, so a
/// quarter without surprises shows 0).
pub fn surprises(past: &[PastRenewal]) -> (Vec<SurpriseQuarter>, Vec<&PastRenewal>) {
    let mut list: Vec<&PastRenewal> = past.iter().filter(|p| p.is_surprise()).collect();
    list.sort_by(|a, b| {
        a.end_date.cmp(&b.end_date).then_with(|| a.contract_id.cmp(&b.contract_id))
    });
    let quarter_of = |date: NaiveDate| (date.year(), date.month0() / 3 + 1);
    let known = past.iter().filter(|p| p.outcome != Outcome::Pending);
    let (Some(first), Some(last)) = (
        known.clone().map(|p| quarter_of(p.end_date)).min(),
        known.map(|p| quarter_of(p.end_date)).max(),
    ) else {
        return (Vec::new(), list);
    };
    let mut quarters = Vec::new();
    let (mut year, mut quarter) = first;
    while (year, quarter) <= last {
        let in_quarter = list.iter().filter(|p| quarter_of(p.end_date) == (year, quarter));
        let (count, lost_atr) =
            in_quarter.fold((0, Money::ZERO), |(n, sum), p| (n + 1, sum + p.atr));
        quarters.push(SurpriseQuarter { year, quarter, count, lost_atr });
        (year, quarter) = if quarter == 4 { (year + 1, 1) } else { (year, quarter + 1) };
    }
    (quarters, list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Billing, Config};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn contract(id: &str, account: &str, start: NaiveDate, end: NaiveDate, units: i64) -> Contract {
        Contract {
            id: id.into(),
            account_id: account.into(),
            product: "Core".into(),
            start_date: start,
            end_date: end,
            arr: Money::from_units(units),
            units: None,
            billing: Billing::Annual,
            terminated_on: None,
        }
    }

    #[test]
    fn health_is_read_as_of_a_date() {
        let history = [
            HealthPoint { on: d(2024, 1, 1), health: Health::Green },
            HealthPoint { on: d(2024, 6, 1), health: Health::Orange },
            HealthPoint { on: d(2024, 6, 1), health: Health::Red },
        ];
        assert_eq!(health_as_of(&history, d(2023, 12, 31)), None);
        assert_eq!(health_as_of(&history, d(2024, 1, 1)), Some(Health::Green));
        assert_eq!(health_as_of(&history, d(2024, 5, 31)), Some(Health::Green));
        assert_eq!(health_as_of(&history, d(2024, 6, 1)), Some(Health::Red));
    }

    #[test]
    fn outcomes_settle_after_the_renewal_gap() {
        let first = contract("C1", "A", d(2024, 1, 1), d(2024, 12, 31), 1000);
        let bigger = contract("C2", "A", d(2025, 1, 1), d(2025, 12, 31), 1500);
        let all = vec![first.clone(), bigger];
        // Upsell at renewal: renewed ARR is capped at the ATR.
        assert_eq!(
            outcome(&first, &all, d(2025, 1, 5)),
            Outcome::Renewed { renewed_arr: Money::from_units(1000) }
        );
        let alone = vec![first.clone()];
        assert_eq!(outcome(&first, &alone, d(2025, 1, 31)), Outcome::Pending);
        assert_eq!(outcome(&first, &alone, d(2025, 2, 1)), Outcome::NotRenewed);
        let mut terminated = first.clone();
        terminated.terminated_on = Some(d(2024, 6, 30));
        assert_eq!(outcome(&terminated, &alone, d(2024, 7, 1)), Outcome::NotRenewed);
    }

    /// A book of known outcomes, ending in January and February 2025, judged
    /// on 2025-06-01. The history is a single colour per account unless said.
    fn known_book() -> Vec<PastRenewal> {
        let today = d(2025, 6, 1);
        let green = [HealthPoint { on: d(2024, 1, 1), health: Health::Green }];
        let yellow = [HealthPoint { on: d(2024, 1, 1), health: Health::Yellow }];
        let orange = [HealthPoint { on: d(2024, 1, 1), health: Health::Orange }];
        // Green until 20 days before its end, red after: red at the re-forecast.
        let turned = [
            HealthPoint { on: d(2024, 1, 1), health: Health::Green },
            HealthPoint { on: d(2024, 12, 1), health: Health::Red },
        ];
        let mut book = Vec::new();
        let mut add =
            |id: &str, end: NaiveDate, units: i64, renews: Option<i64>, history: &[HealthPoint]| {
                let c = contract(id, id, end - Duration::days(364), end, units);
                let mut candidates = vec![c.clone()];
                if let Some(next) = renews {
                    candidates.push(contract(
                        &format!("{id}-next"),
                        id,
                        end + Duration::days(1),
                        end + Duration::days(365),
                        next,
                    ));
                }
                book.push(PastRenewal::assess(&c, id, "ann", history, &candidates, today));
            };
        // January 2025.
        add("G1", d(2025, 1, 15), 10_000, Some(12_000), &green); // renewed, capped 10,000
        add("G2", d(2025, 1, 20), 5_000, None, &green); // surprise
        add("Y1", d(2025, 1, 31), 4_000, Some(3_000), &yellow); // renewed 3,000 (contraction)
        add("O1", d(2025, 1, 10), 2_000, None, &orange); // lost, not a surprise
        // February 2025.
        add("T1", d(2025, 2, 28), 8_000, None, &turned); // green at -90, red at -30: surprise
        add("Y2", d(2025, 2, 1), 1_000, None, &yellow); // surprise
        add("N1", d(2025, 2, 14), 500, Some(500), &[]); // unrated, renewed
        book
    }

    #[test]
    fn calibration_counts_cases_per_colour() {
        let p = Config::default().renewal_probability_bp;
        let rows = calibrate(&known_book(), &p);
        let summary: Vec<(Option<Health>, u64, u64, BasisPoints)> =
            rows.iter().map(|r| (r.health, r.cases, r.renewed, r.configured_bp)).collect();
        assert_eq!(
            summary,
            vec![
                (Some(Health::Green), 3, 1, 9500),
                (Some(Health::Yellow), 2, 1, 8000),
                (Some(Health::Orange), 1, 0, 5000),
                (Some(Health::Red), 0, 0, 2000),
                (None, 1, 1, 8000),
            ]
        );
        assert_eq!(rows[0].observed, Rate::new(1, 3));
        assert_eq!(rows[3].observed, None);
    }

    #[test]
    fn the_waterfall_compares_plan_reforecast_and_actual() {
        let p = Config::default().renewal_probability_bp;
        let months =
            waterfall(&known_book(), Month::of(d(2025, 1, 1)), Month::of(d(2025, 3, 1)), &p);
        let jan = months[0];
        // Forecast: green 15,000 × 0.95 + yellow 4,000 × 0.80 + orange 2,000 × 0.50
        //         = 14,250 + 3,200 + 1,000 = 18,450. Same colours 30 days before.
        assert_eq!(jan.forecast, Money::from_units(18_450));
        assert_eq!(jan.reforecast, Money::from_units(18_450));
        // Actual: 10,000 (capped) + 3,000 = 13,000; error 5,450 / 13,000.
        assert_eq!(jan.actual, Money::from_units(13_000));
        assert_eq!(jan.atr, Money::from_units(21_000));
        assert_eq!(jan.forecast_error, Rate::new(5_450, 13_000));
        assert_eq!(jan.forecast_error.map(|r| r.to_percent(1)), Some("41.9%".to_string()));
        let feb = months[1];
        // Forecast: T1 green 8,000 × 0.95 = 7,600; Y2 1,000 × 0.80 = 800; N1 unrated 500 × 0.80 = 400.
        assert_eq!(feb.forecast, Money::from_units(8_800));
        // Re-forecast: T1 red 8,000 × 0.20 = 1,600; + 800 + 400.
        assert_eq!(feb.reforecast, Money::from_units(2_800));
        assert_eq!(feb.actual, Money::from_units(500));
        assert_eq!(feb.reforecast_error, Rate::new(2_300, 500));
        let march = months[2];
        assert_eq!((march.contracts, march.actual, march.forecast_error), (0, Money::ZERO, None));
        assert_eq!(march.forecast_shown(), ErrorShown::Nothing);
        assert_eq!(jan.forecast_shown(), ErrorShown::Relative(jan.forecast_error.expect("rate")));
    }

    #[test]
    fn the_history_window_starts_on_the_first_of_a_month_two_years_back() {
        assert_eq!(history_since(d(2026, 12, 7)), d(2024, 12, 1));
        assert_eq!(history_since(d(2026, 1, 31)), d(2024, 1, 1));
    }

    #[test]
    fn a_month_forecast_above_zero_that_renewed_nothing_shows_its_miss() {
        let mut book = known_book();
        // Every renewal of the book fails: nothing renewed in any month.
        for renewal in &mut book {
            renewal.outcome = Outcome::NotRenewed;
        }
        let p = Config::default().renewal_probability_bp;
        let january = Month::of(d(2025, 1, 1));
        let months = waterfall(&book, january, january, &p);
        let jan = months[0];
        assert_eq!(jan.actual, Money::ZERO);
        assert!(jan.forecast > Money::ZERO);
        assert_eq!(jan.forecast_error, None);
        assert_eq!(jan.forecast_shown(), ErrorShown::Absolute(jan.forecast));
        assert_eq!(jan.reforecast_shown(), ErrorShown::Absolute(jan.reforecast));
    }

    #[test]
    fn surprises_are_counted_per_quarter_and_listed() {
        let book = known_book();
        let (quarters, list) = surprises(&book);
        assert_eq!(quarters.len(), 1);
        assert_eq!(quarters[0].label(), "2025-Q1");
        assert_eq!(quarters[0].count, 3);
        assert_eq!(quarters[0].lost_atr, Money::from_units(14_000));
        let ids: Vec<&str> = list.iter().map(|p| p.contract_id.as_str()).collect();
        assert_eq!(ids, vec!["G2", "Y2", "T1"]);
    }

    #[test]
    fn quarters_without_surprises_show_zero() {
        let mut book = known_book();
        let mut later = book[0].clone();
        later.end_date = d(2025, 7, 15);
        book.push(later);
        let (quarters, _) = surprises(&book);
        let counts: Vec<(String, u64)> = quarters.iter().map(|q| (q.label(), q.count)).collect();
        assert_eq!(
            counts,
            vec![("2025-Q1".into(), 3), ("2025-Q2".into(), 0), ("2025-Q3".into(), 0)]
        );
    }
}
