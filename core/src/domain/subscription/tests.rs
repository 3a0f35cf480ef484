//! Worked examples of the subscription rule, each computed by hand in its
//! comment, and the identities it must keep for any subscriptions.

use super::*;
use proptest::prelude::*;

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

fn month(text: &str) -> Month {
    Month::parse(text).expect("a month")
}

fn subscription(
    id: &str,
    start: &str,
    amount: &str,
    interval: Interval,
    quantity: i64,
    ended_on: Option<&str>,
) -> Subscription {
    Subscription {
        id: id.to_string(),
        account_id: "A1".to_string(),
        product: "Core".to_string(),
        start_date: day(start),
        amount: Money::parse(amount).expect("money"),
        interval,
        quantity,
        ended_on: ended_on.map(day),
    }
}

fn rows(snapshots: &[DerivedSnapshot]) -> Vec<(String, String, i64)> {
    snapshots.iter().map(|s| (s.month.to_string(), s.arr.to_plain(), s.units)).collect()
}

#[test]
fn a_monthly_subscription_gives_twelve_times_its_amount_and_no_contract() {
    // 99.50 × 3 seats × 12 = 3,582.00 a year; started 15 January, so active
    // on 31 January; today 10 May: April is the last complete month.
    let s = subscription("S1", "2025-01-15", "99.50", Interval::Month, 3, None);
    assert_eq!(s.arr(), Ok(Money(358_200)));
    let snapshots = derive_snapshots(&[&s], last_complete_month(day("2025-05-10"))).expect("ok");
    let expected: Vec<(String, String, i64)> = ["2025-01", "2025-02", "2025-03", "2025-04"]
        .iter()
        .map(|m| (m.to_string(), "3582".to_string(), 3))
        .collect();
    assert_eq!(rows(&snapshots), expected);
    assert!(s.contracts(day("2025-05-10")).expect("ok").is_empty());
    // Cents are kept exactly: 0.99 × 7 × 12 = 83.16.
    let cheap = subscription("S2", "2025-01-01", "0.99", Interval::Month, 7, None);
    assert_eq!(cheap.arr(), Ok(Money(8_316)));
}

#[test]
fn a_yearly_subscription_ended_mid_year_terminates_that_years_contract() {
    // 1,200.00 × 5 = 6,000.00 a year, from 1 March 2023, ended 15 September
    // 2024. Year 1: 2023-03-01 to 2024-02-29 (2024 is a leap year). Year 2:
    // 2024-03-01 to 2025-02-28, terminated 2024-09-15. Year 3 would start
    // 2025-03-01, after the end (and after today).
    let s = subscription("S9", "2023-03-01", "1200", Interval::Year, 5, Some("2024-09-15"));
    let contracts = s.contracts(day("2025-01-10")).expect("ok");
    let got: Vec<_> = contracts
        .iter()
        .map(|c| {
            (c.id.as_str(), c.start_date, c.end_date, c.arr, c.units, c.billing, c.terminated_on)
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "S9/1",
                day("2023-03-01"),
                day("2024-02-29"),
                Money(600_000),
                Some(5),
                Billing::Annual,
                None
            ),
            (
                "S9/2",
                day("2024-03-01"),
                day("2025-02-28"),
                Money(600_000),
                Some(5),
                Billing::Annual,
                Some(day("2024-09-15"))
            ),
        ]
    );
    // Active on the last day of March 2023 through August 2024 (18 months);
    // on 30 September 2024 it had ended.
    let snapshots = derive_snapshots(&[&s], month("2024-12")).expect("ok");
    assert_eq!(snapshots.len(), 18);
    assert_eq!(snapshots.first().map(|s| s.month), Some(month("2023-03")));
    assert_eq!(snapshots.last().map(|s| s.month), Some(month("2024-08")));
    assert!(snapshots.iter().all(|s| s.arr == Money(600_000) && s.units == 5));
}

#[test]
fn the_29th_of_february_lands_on_the_28th_in_common_years() {
    // Anniversaries counted from the start itself: 2025-02-28, 2026-02-28,
    // 2027-02-28, 2028-02-29; each year ends the day before the next.
    let s = subscription("L", "2024-02-29", "100", Interval::Year, 1, None);
    let contracts = s.contracts(day("2028-03-15")).expect("ok");
    let terms: Vec<(NaiveDate, NaiveDate)> =
        contracts.iter().map(|c| (c.start_date, c.end_date)).collect();
    assert_eq!(
        terms,
        vec![
            (day("2024-02-29"), day("2025-02-27")),
            (day("2025-02-28"), day("2026-02-27")),
            (day("2026-02-28"), day("2027-02-27")),
            (day("2027-02-28"), day("2028-02-28")),
            (day("2028-02-29"), day("2029-02-27")),
        ]
    );
    assert_eq!(contracts[4].id, "L/5");
}

#[test]
fn a_month_with_nothing_active_has_no_row_and_overlaps_add_up() {
    // S_a: 10.00 × 2 × 12 = 240.00, 10 January to 19 February (ended 20th):
    // active on 31 January only. S_b: 25.00 × 12 = 300.00 from 5 April.
    // S_c: 1,000.00 a year from 1 May, two units: 2,000.00.
    // February and March: nothing on the last day, no row.
    let a = subscription("a", "2025-01-10", "10", Interval::Month, 2, Some("2025-02-20"));
    let b = subscription("b", "2025-04-05", "25", Interval::Month, 1, None);
    let c = subscription("c", "2025-05-01", "1000", Interval::Year, 2, None);
    let snapshots = derive_snapshots(&[&a, &b, &c], month("2025-05")).expect("ok");
    assert_eq!(
        rows(&snapshots),
        vec![
            ("2025-01".to_string(), "240".to_string(), 2),
            ("2025-04".to_string(), "300".to_string(), 1),
            ("2025-05".to_string(), "2300".to_string(), 3),
        ]
    );
}

#[test]
fn a_start_in_the_current_month_gives_a_contract_but_no_snapshot_yet() {
    // Today 20 June: May is the last complete month; the first year started
    // 3 June, on or before today.
    let s = subscription("N", "2025-06-03", "500", Interval::Year, 1, None);
    let today = day("2025-06-20");
    assert!(derive_snapshots(&[&s], last_complete_month(today)).expect("ok").is_empty());
    let contracts = s.contracts(today).expect("ok");
    assert_eq!(contracts.len(), 1);
    assert_eq!(
        (contracts[0].start_date, contracts[0].end_date),
        (day("2025-06-03"), day("2026-06-02"))
    );
    // One starting tomorrow gives nothing at all yet.
    let later = subscription("M", "2025-06-21", "500", Interval::Year, 1, None);
    assert!(later.contracts(today).expect("ok").is_empty());
}

#[test]
fn an_end_on_the_anniversary_is_no_termination_and_an_end_on_the_start_gives_nothing() {
    let s = subscription("E", "2023-01-01", "10", Interval::Year, 1, Some("2024-01-01"));
    let contracts = s.contracts(day("2025-06-01")).expect("ok");
    assert_eq!(contracts.len(), 1);
    assert_eq!(contracts[0].end_date, day("2023-12-31"));
    assert_eq!(contracts[0].terminated_on, None);
    let never = subscription("Z", "2023-01-01", "10", Interval::Year, 1, Some("2023-01-01"));
    assert!(never.contracts(day("2025-06-01")).expect("ok").is_empty());
    assert!(derive_snapshots(&[&never], month("2025-05")).expect("ok").is_empty());
}

#[test]
fn an_arr_beyond_the_bound_is_refused_not_wrapped() {
    let s = subscription("B", "2025-01-01", "10000000000", Interval::Month, 1, None);
    assert_eq!(s.arr(), Err(ArrTooLarge));
    let half = subscription("H", "2025-01-01", "6000000000", Interval::Year, 1, None);
    let twice = subscription("H2", "2025-01-01", "6000000000", Interval::Year, 1, None);
    assert_eq!(
        derive_snapshots(&[&half, &twice], month("2025-02")),
        Err((month("2025-01"), ArrTooLarge))
    );
}

#[test]
fn intervals_parse_in_any_case() {
    assert_eq!(Interval::parse(" Month "), Ok(Interval::Month));
    assert_eq!(Interval::parse("YEAR"), Ok(Interval::Year));
    assert!(Interval::parse("week").is_err());
}

fn any_subscription() -> impl Strategy<Value = Subscription> {
    (0i64..3_000, 0i64..100_000, prop::bool::ANY, 0i64..20, prop::option::of(0i64..2_000)).prop_map(
        |(start, cents, yearly, quantity, length)| {
            let start_date = day("2020-01-01") + chrono::Days::new(start as u64);
            Subscription {
                id: format!("S{start}-{cents}"),
                account_id: "A".to_string(),
                product: "P".to_string(),
                start_date,
                amount: Money(cents),
                interval: if yearly { Interval::Year } else { Interval::Month },
                quantity,
                ended_on: length.map(|days| start_date + chrono::Days::new(days as u64)),
            }
        },
    )
}

proptest! {
    #[test]
    fn a_months_arr_is_the_sum_of_the_active_subscriptions(
        subscriptions in prop::collection::vec(any_subscription(), 1..6),
        today_offset in 0u64..4_000,
    ) {
        let today = day("2020-01-01") + chrono::Days::new(today_offset);
        let through = last_complete_month(today);
        let all: Vec<&Subscription> = subscriptions.iter().collect();
        let snapshots = derive_snapshots(&all, through).expect("small amounts");
        let first = all.iter().map(|s| Month::of(s.start_date)).min().expect("some");
        let mut expected = Vec::new();
        for month in first.through(through) {
            let active: Vec<&&Subscription> =
                all.iter().filter(|s| s.active_on(month.last_day())).collect();
            if active.is_empty() {
                continue;
            }
            let arr: Money = active.iter().map(|s| s.arr().expect("small")).sum();
            let units: i64 = active.iter().map(|s| s.quantity).sum();
            expected.push(DerivedSnapshot { month, arr, units });
        }
        prop_assert_eq!(snapshots, expected);
    }

    #[test]
    fn a_yearly_subscription_has_one_contract_per_started_year_end_to_end(
        subscription in any_subscription(),
        today_offset in 0u64..4_000,
    ) {
        let subscription = Subscription { interval: Interval::Year, ..subscription };
        let today = day("2020-01-01") + chrono::Days::new(today_offset);
        let contracts = subscription.contracts(today).expect("small");
        let started = (0..)
            .map(|k| anniversary(subscription.start_date, k))
            .take_while(|start| {
                *start <= today && subscription.ended_on.is_none_or(|ended| *start < ended)
            })
            .count();
        prop_assert_eq!(contracts.len(), started);
        for (k, pair) in contracts.windows(2).enumerate() {
            // Each year starts the day after the one before ends.
            prop_assert_eq!(pair[0].end_date.succ_opt(), Some(pair[1].start_date), "year {}", k + 1);
            prop_assert_eq!(pair[0].terminated_on, None);
        }
        for (k, contract) in contracts.iter().enumerate() {
            prop_assert_eq!(&contract.id, &format!("{}/{}", subscription.id, k + 1));
            prop_assert_eq!(contract.arr, subscription.arr().expect("small"));
            prop_assert!(contract.start_date <= contract.end_date);
            if let Some(terminated) = contract.terminated_on {
                prop_assert!(contract.start_date < terminated && terminated <= contract.end_date);
                prop_assert_eq!(Some(terminated), subscription.ended_on);
            }
        }
    }
}
