//! Subscriptions from a billing system, and the rule that turns them into
//! the ARR snapshots and yearly contracts every metric reads (DOMAIN.md,
//! "Subscriptions"). Pure rules over plain data: no I/O, no store.
//!
//! - ARR of a subscription = amount × quantity × 12 for `month`, × 1 for `year`.
//! - Active on day D when start_date ≤ D and (no ended_on or D < ended_on).
//! - A snapshot per (account, product, month) sums the subscriptions active
//!   on the month's last day; months through the last complete month before
//!   today; a month with nothing active has no row.
//! - A `year` subscription gives a contract per started year (before
//!   ended_on, on or before today); 29 February plus whole years lands on
//!   28 February in a common year.

use super::month::add_months;
use super::{Billing, Contract, Money, Month, UnknownWord};
use chrono::NaiveDate;

/// How often a subscription's amount is charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interval {
    Month,
    Year,
}

impl Interval {
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }

    pub fn parse(text: &str) -> Result<Interval, UnknownWord> {
        match text.trim().to_ascii_lowercase().as_str() {
            "month" => Ok(Interval::Month),
            "year" => Ok(Interval::Year),
            _ => Err(UnknownWord { value: text.trim().to_string(), expected: "month, year" }),
        }
    }

    /// How many charges make a year.
    fn per_year(self) -> i128 {
        match self {
            Interval::Month => 12,
            Interval::Year => 1,
        }
    }
}

/// One subscription as a billing export gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: String,
    pub account_id: String,
    pub product: String,
    pub start_date: NaiveDate,
    /// The price of one unit for one interval.
    pub amount: Money,
    pub interval: Interval,
    pub quantity: i64,
    /// The first day no longer served; `None` while active.
    pub ended_on: Option<NaiveDate>,
}

/// An ARR past the largest amount the book holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the ARR it gives is too large (at most {})", super::money::MAX_AMOUNT_TEXT)]
pub struct ArrTooLarge;

/// One derived snapshot of an (account, product): its month, ARR and units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DerivedSnapshot {
    pub month: Month,
    pub arr: Money,
    pub units: i64,
}

impl Subscription {
    /// amount × quantity × (12 for `month`, 1 for `year`), exactly.
    pub fn arr(&self) -> Result<Money, ArrTooLarge> {
        let cents =
            i128::from(self.amount.cents()) * i128::from(self.quantity) * self.interval.per_year();
        bounded(cents)
    }

    /// Whether the subscription is served on `day`.
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.start_date <= day && self.ended_on.is_none_or(|ended| day < ended)
    }

    /// The contracts a `year` subscription gives as of `today`: one per
    /// started year, `SUBSCRIPTION_ID/1`, `/2`, …; none for `month`.
    pub fn contracts(&self, today: NaiveDate) -> Result<Vec<Contract>, ArrTooLarge> {
        if self.interval != Interval::Year {
            return Ok(Vec::new());
        }
        let arr = self.arr()?;
        let mut contracts = Vec::new();
        for year in 0.. {
            let start = anniversary(self.start_date, year);
            let ended_before = self.ended_on.is_some_and(|ended| start >= ended);
            if start > today || ended_before || year > MAX_YEARS {
                break;
            }
            let next = anniversary(self.start_date, year + 1);
            let end = next.pred_opt().unwrap_or(next);
            let terminated_on = self.ended_on.filter(|&ended| start < ended && ended <= end);
            contracts.push(Contract {
                id: format!("{}/{}", self.id, year + 1),
                account_id: self.account_id.clone(),
                product: self.product.clone(),
                start_date: start,
                end_date: end,
                arr,
                units: Some(self.quantity),
                billing: Billing::Annual,
                terminated_on,
            });
        }
        Ok(contracts)
    }
}

/// No book spans more years than its dates can (1900 to 9999).
const MAX_YEARS: i32 = 8_100;

/// `start` plus `years` whole years, counted from `start` itself (29
/// February plus one year is 28 February, plus four is 29 February again).
pub fn anniversary(start: NaiveDate, years: i32) -> NaiveDate {
    add_months(start, years.saturating_mul(12))
}

/// The last complete month before `today`: the last month snapshots run to.
pub fn last_complete_month(today: NaiveDate) -> Month {
    Month::of(today).minus(1)
}

/// The snapshots of one account's product from its subscriptions (all of
/// the same account and product), months through `through`. A month with
/// nothing active has no row; `Err` names the first month whose ARR is too
/// large to hold.
pub fn derive_snapshots(
    subscriptions: &[&Subscription],
    through: Month,
) -> Result<Vec<DerivedSnapshot>, (Month, ArrTooLarge)> {
    let Some(first) = subscriptions.iter().map(|s| Month::of(s.start_date)).min() else {
        return Ok(Vec::new());
    };
    // Past the last end of all of them, nothing is active any more.
    let last_served = subscriptions
        .iter()
        .map(|s| s.ended_on.map(Month::of))
        .try_fold(Month(i32::MIN), |last, end| end.map(|end| last.max(end)));
    let last = last_served.map_or(through, |served| served.min(through));
    let mut snapshots = Vec::new();
    for month in first.through(last) {
        let day = month.last_day();
        let (mut cents, mut units, mut any) = (0i128, 0i64, false);
        for subscription in subscriptions.iter().filter(|s| s.active_on(day)) {
            let arr = subscription.arr().map_err(|e| (month, e))?;
            cents += i128::from(arr.cents());
            units = units.saturating_add(subscription.quantity);
            any = true;
        }
        if any {
            let arr = bounded(cents).map_err(|e| (month, e))?;
            snapshots.push(DerivedSnapshot { month, arr, units });
        }
    }
    Ok(snapshots)
}

fn bounded(cents: i128) -> Result<Money, ArrTooLarge> {
    i64::try_from(cents).ok().map(Money).filter(|m| m.within_bound()).ok_or(ArrTooLarge)
}

#[cfg(test)]
mod tests;
