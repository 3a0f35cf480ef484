//! The renewal forecast for the months ahead, per CSM and for the book.
//!
//! For each month: ATR (ARR of the contracts ending that month), expected
//! renewed ARR = Σ ATR × p(health) with the configured probabilities in basis
//! points, and the range between "only greens renew" (green ATR) and "every
//! account renews" (all ATR). Out-year payments never enter: they are not
//! renewals.
//!
//! Exactness: ATR is summed per CSM, month and health first, and each sum is
//! multiplied by its probability once, rounded half away from zero to the
//! cent (`Money::mul_ratio`). The book is the sum of its CSMs, so the table
//! foots to the cent. An account without a health rating is forecast at the
//! yellow probability (neither known good nor known at risk) and its ATR is
//! shown apart as "unrated" so that it can be rated.
//!
//! Pure: the store hands in plain items (one per contract, or already summed
//! per CSM, month and health: both give the same answer).

use crate::domain::config::{BasisPoints, HealthProbabilities};
use crate::domain::{Health, Money, Month};
use std::collections::BTreeMap;
use std::ops::AddAssign;

/// Basis points of certainty: 10,000 = 100%.
pub const WHOLE_BP: BasisPoints = 10_000;

/// ATR ending in one month for one CSM and one health (or one contract).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastItem {
    pub month: Month,
    pub csm: String,
    pub health: Option<Health>,
    pub atr: Money,
    pub contracts: u64,
}

/// The renewal probability used for a health; unrated accounts use yellow's.
pub fn probability_bp(health: Option<Health>, probabilities: &HealthProbabilities) -> BasisPoints {
    probabilities.of(health.unwrap_or(Health::Yellow))
}

/// `atr × bp / 10,000`, exact to the cent.
pub fn expected_arr(atr: Money, bp: BasisPoints) -> Money {
    atr.mul_ratio(bp, WHOLE_BP)
}

/// The figures of one month (or of a total).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ForecastFigures {
    pub contracts: u64,
    /// Available to renew; also the "every account renews" end of the range.
    pub atr: Money,
    /// Σ ATR × p(health).
    pub expected: Money,
    /// The "only greens renew" end of the range.
    pub if_only_greens: Money,
    /// ATR of red and orange accounts.
    pub at_risk_atr: Money,
    /// ATR of accounts with no health rating.
    pub unrated_atr: Money,
}

impl AddAssign for ForecastFigures {
    fn add_assign(&mut self, other: ForecastFigures) {
        self.contracts += other.contracts;
        self.atr += other.atr;
        self.expected += other.expected;
        self.if_only_greens += other.if_only_greens;
        self.at_risk_atr += other.at_risk_atr;
        self.unrated_atr += other.unrated_atr;
    }
}

impl ForecastFigures {
    /// The figures of ATR `atr` over `contracts` contracts of one health.
    pub fn of_bucket(
        health: Option<Health>,
        atr: Money,
        contracts: u64,
        probabilities: &HealthProbabilities,
    ) -> ForecastFigures {
        ForecastFigures {
            contracts,
            atr,
            expected: expected_arr(atr, probability_bp(health, probabilities)),
            if_only_greens: if health == Some(Health::Green) { atr } else { Money::ZERO },
            at_risk_atr: if health.is_some_and(Health::is_at_risk) { atr } else { Money::ZERO },
            unrated_atr: if health.is_none() { atr } else { Money::ZERO },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthForecast {
    pub month: Month,
    pub figures: ForecastFigures,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsmForecast {
    /// Empty for accounts with no CSM.
    pub csm: String,
    pub months: Vec<MonthForecast>,
    pub total: ForecastFigures,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forecast {
    pub first: Month,
    pub book: Vec<MonthForecast>,
    pub book_total: ForecastFigures,
    /// Per CSM, by name.
    pub by_csm: Vec<CsmForecast>,
}

impl ForecastFigures {
    fn amounts(&self) -> [Money; 5] {
        [self.atr, self.expected, self.if_only_greens, self.at_risk_atr, self.unrated_atr]
    }
}

impl Forecast {
    /// `Ok` when every figure of every month, CSM and total added up exactly.
    pub fn exact(&self) -> Result<(), crate::domain::money::SumOverflow> {
        let months = self.book.iter().chain(self.by_csm.iter().flat_map(|c| &c.months));
        let figures = months
            .map(|m| &m.figures)
            .chain(std::iter::once(&self.book_total))
            .chain(self.by_csm.iter().map(|c| &c.total));
        super::all_exact(figures.flat_map(ForecastFigures::amounts))
    }
}

/// The forecast for `months` months from `first`. Items outside the horizon
/// are ignored.
pub fn forecast(
    items: &[ForecastItem],
    first: Month,
    months: u32,
    probabilities: &HealthProbabilities,
) -> Forecast {
    let count = usize::try_from(months).unwrap_or(0);
    let last = first.plus(i32::try_from(months).unwrap_or(i32::MAX).saturating_sub(1));
    let blank = || -> Vec<MonthForecast> {
        first
            .through(last)
            .take(count)
            .map(|month| MonthForecast { month, figures: ForecastFigures::default() })
            .collect()
    };
    // Sum ATR per CSM, month and health first, so each sum is rounded once.
    let mut buckets: BTreeMap<(&str, Month, Option<Health>), (Money, u64)> = BTreeMap::new();
    for item in items.iter().filter(|i| first <= i.month && i.month <= last) {
        let bucket = buckets.entry((item.csm.as_str(), item.month, item.health)).or_default();
        bucket.0 += item.atr;
        bucket.1 += item.contracts;
    }
    let mut book = blank();
    let mut by_csm: Vec<CsmForecast> = Vec::new();
    for ((csm, month, health), (atr, contracts)) in buckets {
        let figures = ForecastFigures::of_bucket(health, atr, contracts, probabilities);
        if by_csm.last().is_none_or(|last| last.csm != csm) {
            by_csm.push(CsmForecast {
                csm: csm.to_string(),
                months: blank(),
                total: ForecastFigures::default(),
            });
        }
        let index = usize::try_from(month.0 - first.0).unwrap_or(usize::MAX);
        if let Some(current) = by_csm.last_mut() {
            if let Some(slot) = current.months.get_mut(index) {
                slot.figures += figures;
            }
            current.total += figures;
        }
        if let Some(slot) = book.get_mut(index) {
            slot.figures += figures;
        }
    }
    let mut book_total = ForecastFigures::default();
    for month in &book {
        book_total += month.figures;
    }
    Forecast { first, book, book_total, by_csm }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Config;
    use proptest::prelude::*;

    fn m(y: i32, mo: u32) -> Month {
        Month::new(y, mo).expect("month")
    }

    fn item(month: Month, csm: &str, health: Option<Health>, units: i64) -> ForecastItem {
        ForecastItem { month, csm: csm.into(), health, atr: Money::from_units(units), contracts: 1 }
    }

    #[test]
    fn a_hand_built_book() {
        let p = Config::default().renewal_probability_bp;
        let items = vec![
            // January: ann green 100,000 + ann red 50,000; bob orange 20,000.
            item(m(2025, 1), "ann", Some(Health::Green), 100_000),
            item(m(2025, 1), "ann", Some(Health::Red), 50_000),
            item(m(2025, 1), "bob", Some(Health::Orange), 20_000),
            // February: bob yellow 10,000.01 and an unrated 3,000.
            ForecastItem {
                atr: Money(1_000_001),
                ..item(m(2025, 2), "bob", Some(Health::Yellow), 0)
            },
            item(m(2025, 2), "bob", None, 3_000),
            // Outside the three-month horizon: ignored.
            item(m(2025, 4), "ann", Some(Health::Green), 999),
            item(m(2024, 12), "ann", Some(Health::Green), 999),
        ];
        let forecast = forecast(&items, m(2025, 1), 3, &p);
        assert_eq!(forecast.book.len(), 3);
        let jan = forecast.book[0].figures;
        // 100,000 × 0.95 + 50,000 × 0.20 + 20,000 × 0.50 = 95,000 + 10,000 + 10,000.
        assert_eq!(jan.expected, Money::from_units(115_000));
        assert_eq!(jan.atr, Money::from_units(170_000));
        assert_eq!(jan.if_only_greens, Money::from_units(100_000));
        assert_eq!(jan.at_risk_atr, Money::from_units(70_000));
        assert_eq!(jan.contracts, 3);
        let feb = forecast.book[1].figures;
        // 10,000.01 × 0.80 = 8,000.008 → 8,000.01; unrated 3,000 at yellow → 2,400.
        assert_eq!(feb.expected, Money(800_001 + 240_000));
        assert_eq!(feb.if_only_greens, Money::ZERO);
        assert_eq!(feb.unrated_atr, Money::from_units(3_000));
        assert_eq!(forecast.book[2].figures, ForecastFigures::default());
        assert_eq!(forecast.book_total.expected, Money(11_500_000 + 800_001 + 240_000));
        let names: Vec<&str> = forecast.by_csm.iter().map(|c| c.csm.as_str()).collect();
        assert_eq!(names, vec!["ann", "bob"]);
        assert_eq!(forecast.by_csm[0].total.expected, Money::from_units(105_000));
        assert_eq!(forecast.by_csm[1].months[0].figures.expected, Money::from_units(10_000));
        assert_eq!(forecast.by_csm[1].total.expected, Money(1_000_000 + 800_001 + 240_000));
    }

    #[test]
    fn each_bucket_is_rounded_once() {
        let p = Config::default().renewal_probability_bp;
        // Three contracts of 0.01 each at 80%: 0.024 rounds once to 0.02,
        // not 3 × 0.008 → 3 × 0.01.
        let items: Vec<ForecastItem> = (0..3)
            .map(|_| ForecastItem {
                atr: Money(1),
                ..item(m(2025, 1), "ann", Some(Health::Yellow), 0)
            })
            .collect();
        assert_eq!(forecast(&items, m(2025, 1), 1, &p).book[0].figures.expected, Money(2));
    }

    proptest! {
        #[test]
        fn the_book_foots_with_its_csms_and_stays_in_range(
            rows in proptest::collection::vec((0_i32..4, 0_usize..3, 0_usize..5, 0_i64..10_000_000), 0..40)
        ) {
            let p = Config::default().renewal_probability_bp;
            let healths = [None, Some(Health::Red), Some(Health::Orange), Some(Health::Yellow), Some(Health::Green)];
            let items: Vec<ForecastItem> = rows.iter().map(|(mo, csm, h, cents)| ForecastItem {
                month: m(2025, 1).plus(*mo),
                csm: ["ann", "bob", ""][*csm].to_string(),
                health: healths[*h],
                atr: Money(*cents),
                contracts: 1,
            }).collect();
            let f = forecast(&items, m(2025, 1), 4, &p);
            let mut sum = ForecastFigures::default();
            for csm in &f.by_csm { sum += csm.total; }
            prop_assert_eq!(sum, f.book_total);
            for month in &f.book {
                prop_assert!(month.figures.expected <= month.figures.atr);
                prop_assert!(month.figures.if_only_greens <= month.figures.atr);
            }
            prop_assert_eq!(f.book_total.atr, items.iter().map(|i| i.atr).sum::<Money>());
        }
    }
}
