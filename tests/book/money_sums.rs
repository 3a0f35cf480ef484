//! Money never wraps. Generated books with amounts at and near the bound on
//! one amount, and hostile ones with amounts far past it (a file written by
//! hand), go through every report that adds money up: retention, the ARR
//! bridge, renewal rates, Pareto tiers, whitespace and targets, the
//! forecast. Each report either equals the same sums done in `i128`, or
//! refuses with its message; never a wrapped (negative) figure.

use chrono::NaiveDate;
use cockpit::domain::config::HealthProbabilities;
use cockpit::domain::money::{MAX_AMOUNT, SumOverflow};
use cockpit::domain::{Billing, Config, Contract, Health, Money, Month};
use cockpit::metrics::absorption::{account_absorption, book_totals};
use cockpit::metrics::arr_grid::ArrGrid;
use cockpit::metrics::bridge::bridge;
use cockpit::metrics::forecast::{ForecastItem, forecast};
use cockpit::metrics::pareto::pareto_at;
use cockpit::metrics::renewal_book::renewal_rates;
use cockpit::metrics::retention::retention_series;
use proptest::prelude::*;

/// An amount as the import accepts it: at the bound, just under, or anywhere below.
fn accepted_amount() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(MAX_AMOUNT.cents()),
        Just(MAX_AMOUNT.cents() - 1),
        Just(0),
        0..=MAX_AMOUNT.cents(),
    ]
}

/// An amount from a hostile file: up to a quarter of `i64`, so that a few add
/// past it.
fn hostile_amount() -> impl Strategy<Value = i64> {
    prop_oneof![accepted_amount(), Just(i64::MAX / 4), (i64::MAX / 8)..=(i64::MAX / 4)]
}

/// (account, month offset, product, cents) rows of a 26-month book.
fn book(amount: impl Strategy<Value = i64>) -> impl Strategy<Value = Vec<(u8, u8, u8, i64)>> {
    proptest::collection::vec((0u8..12, 0u8..26, 0u8..3, amount), 0..120)
}

const FIRST: Month = Month(2023 * 12);

fn grid_of(rows: &[(u8, u8, u8, i64)]) -> (ArrGrid, Vec<String>) {
    // One row per (account, month, product): the store's key.
    let mut seen = std::collections::BTreeMap::new();
    for &(account, month, product, cents) in rows {
        seen.insert((account, month, product), cents);
    }
    let ids: Vec<String> = (0..12).map(|a| format!("A{a:02}")).collect();
    // The book spans all 26 months, whatever the rows.
    let mut builder = ArrGrid::builder(FIRST, FIRST.plus(25));
    for (&(account, month, _), &cents) in &seen {
        builder.push(&ids[account as usize], FIRST.plus(i32::from(month)), Money(cents));
    }
    (builder.build(), ids)
}

/// An account's ARR at `month` in `i128`, the reference.
fn wide_arr(rows: &[(u8, u8, u8, i64)], account: u8, month: u8) -> i128 {
    let mut seen = std::collections::BTreeMap::new();
    for &(a, m, p, cents) in rows {
        seen.insert((a, m, p), cents);
    }
    seen.iter()
        .filter(|((a, m, _), _)| *a == account && *m == month)
        .map(|(_, c)| i128::from(*c))
        .sum()
}

/// `Ok(cents)` when `wide` fits a figure, else what the report must say.
fn expected(wide: i128) -> Result<i64, SumOverflow> {
    i64::try_from(wide).ok().filter(|c| *c != i64::MIN).ok_or(SumOverflow)
}

/// Checks one figure of a report against its reference: the report refused
/// (`refused`), or the figure is exactly the reference.
fn agrees(figure: Money, wide: i128, refused: bool, what: &str) -> Result<(), TestCaseError> {
    if refused {
        return Ok(());
    }
    prop_assert_eq!(
        Ok(figure.cents()),
        expected(wide),
        "{} shown although it did not add up",
        what
    );
    Ok(())
}

fn check_grid_reports(rows: &[(u8, u8, u8, i64)]) -> Result<bool, TestCaseError> {
    let (grid, _) = grid_of(rows);
    let mut any_refused = false;
    // Retention at the last month: cohort 12 months before.
    let (now, then) = (25u8, 13u8);
    let series = retention_series(&grid, FIRST.plus(25), FIRST.plus(25));
    let r = &series[0];
    let refused = r.exact().is_err();
    any_refused |= refused;
    let (mut cohort, mut current, mut kept) = (0i128, 0i128, 0i128);
    for account in 0..12 {
        let (t, n) = (wide_arr(rows, account, then), wide_arr(rows, account, now));
        if t > 0 {
            cohort += t;
            current += n;
            kept += n.min(t);
        }
    }
    agrees(r.cohort_arr, cohort, refused, "cohort ARR")?;
    agrees(r.current_arr, current, refused, "current ARR")?;
    agrees(r.kept_arr, kept, refused, "kept ARR")?;
    if let Err(error) = r.exact() {
        prop_assert!(error.to_string().contains("too large to add up"));
    }

    // The bridge over the whole book.
    let b = bridge(&grid, FIRST, FIRST.plus(25));
    let refused = b.exact().is_err();
    any_refused |= refused;
    let (mut new_logo, mut expansion, mut contraction, mut lost) = (0i128, 0i128, 0i128, 0i128);
    for account in 0..12 {
        for month in 0..25 {
            let (before, after) =
                (wide_arr(rows, account, month), wide_arr(rows, account, month + 1));
            match (before, after) {
                (b, a) if b == a => {}
                (0, a) => new_logo += a,
                (b, 0) => lost += b,
                (b, a) if a > b => expansion += a - b,
                (b, a) => contraction += b - a,
            }
        }
    }
    let total = |month: u8| (0..12).map(|a| wide_arr(rows, a, month)).sum::<i128>();
    agrees(b.starting_arr, total(0), refused, "starting ARR")?;
    agrees(b.ending_arr, total(25), refused, "ending ARR")?;
    agrees(b.new_logo(), new_logo, refused, "new logo")?;
    agrees(b.expansion(), expansion, refused, "expansion")?;
    agrees(b.contraction(), contraction, refused, "contraction")?;
    agrees(b.lost(), lost, refused, "lost")?;
    agrees(b.net_new_arr(), new_logo + expansion - contraction - lost, refused, "net new ARR")?;
    if !refused {
        prop_assert!(b.foots());
    }

    // Pareto at the last month.
    let p = pareto_at(&grid, FIRST.plus(25), &[8_000, 9_500]);
    let refused = p.exact().is_err();
    any_refused |= refused;
    agrees(p.total_arr, total(25), refused, "Pareto total")?;
    if !refused {
        let tiers: i128 = p.tiers.iter().map(|t| i128::from(t.arr.cents())).sum();
        prop_assert_eq!(tiers, total(25));
        for ranked in &p.ranked {
            prop_assert!(ranked.cumulative_arr >= ranked.arr && ranked.arr >= Money::ZERO);
        }
    }
    Ok(any_refused)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn check_renewal_rates(amounts: &[i64]) -> Result<bool, TestCaseError> {
    // Each contract ends in 2025 and is renewed by the next, a day later.
    let contracts: Vec<Contract> = amounts
        .iter()
        .enumerate()
        .flat_map(|(i, cents)| {
            let contract = |id: String, start: NaiveDate, end: NaiveDate| Contract {
                id,
                account_id: format!("A{i}"),
                product: "Core".into(),
                start_date: start,
                end_date: end,
                arr: Money(*cents),
                units: None,
                billing: Billing::Annual,
                terminated_on: None,
            };
            [
                contract(format!("C{i}"), day(2024, 6, 1), day(2025, 5, 31)),
                contract(format!("R{i}"), day(2025, 6, 1), day(2026, 5, 31)),
            ]
        })
        .collect();
    let rates = renewal_rates(&contracts, day(2025, 1, 1), day(2025, 12, 31));
    let refused = rates.exact().is_err();
    let atr: i128 = rates.atr_lines.iter().map(|l| i128::from(l.atr.cents())).sum();
    let renewed: i128 = rates.atr_lines.iter().map(|l| i128::from(l.renewed.cents())).sum();
    prop_assert_eq!(atr, amounts.iter().map(|c| i128::from(*c)).sum::<i128>());
    agrees(rates.atr, atr, refused, "ATR")?;
    agrees(rates.renewed, renewed, refused, "renewed")?;
    Ok(refused)
}

fn check_forecast(amounts: &[(i64, u8)]) -> Result<bool, TestCaseError> {
    let probabilities: HealthProbabilities = Config::default().renewal_probability_bp;
    let healths = [None, Some(Health::Red), Some(Health::Yellow), Some(Health::Green)];
    let items: Vec<ForecastItem> = amounts
        .iter()
        .enumerate()
        .map(|(i, (cents, h))| ForecastItem {
            month: FIRST.plus(i32::try_from(i % 3).unwrap_or(0)),
            csm: format!("csm{}", i % 2),
            health: healths[usize::from(*h) % healths.len()],
            atr: Money(*cents),
            contracts: 1,
        })
        .collect();
    let f = forecast(&items, FIRST, 3, &probabilities);
    let refused = f.exact().is_err();
    let atr: i128 = amounts.iter().map(|(c, _)| i128::from(*c)).sum();
    agrees(f.book_total.atr, atr, refused, "forecast ATR")?;
    if !refused {
        let by_csm: i128 = f.by_csm.iter().map(|c| i128::from(c.total.atr.cents())).sum();
        prop_assert_eq!(by_csm, atr);
        prop_assert!(
            f.book_total.expected >= Money::ZERO && f.book_total.expected <= f.book_total.atr
        );
    }
    Ok(refused)
}

fn check_whitespace(accounts: &[(i64, i64, i64)]) -> Result<bool, TestCaseError> {
    let figures: Vec<_> = accounts
        .iter()
        .map(|&(cents, units, potential)| {
            (Money(cents), account_absorption(Money(cents), units, Some(potential), &[]))
        })
        .collect();
    let book = book_totals(figures.iter().map(|(arr, a)| (*arr, a)));
    let wide_space = |&(cents, units, potential): &(i64, i64, i64)| -> i128 {
        if units > 0 && potential > units && cents > 0 {
            let product = i128::from(cents) * i128::from(potential - units);
            let den = i128::from(units);
            (product + den / 2) / den
        } else {
            0
        }
    };
    let refused = book.whitespace.exact().is_err() || book.potential_arr.exact().is_err();
    for ((_, absorption), account) in figures.iter().zip(accounts) {
        let wide = wide_space(account);
        match expected(wide) {
            Ok(cents) => prop_assert_eq!(absorption.whitespace.cents(), cents),
            Err(_) => prop_assert!(
                absorption.whitespace.is_overflow(),
                "whitespace shown although too large"
            ),
        }
    }
    let total: i128 = accounts.iter().map(wide_space).sum();
    agrees(book.whitespace, total, refused, "book whitespace")?;
    Ok(refused)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Accepted amounts in a book of this size always add up exactly.
    #[test]
    fn accepted_books_always_compute_exactly(
        rows in book(accepted_amount()),
        contracts in proptest::collection::vec(accepted_amount(), 0..40),
        items in proptest::collection::vec((accepted_amount(), 0u8..4), 0..40),
    ) {
        prop_assert!(!check_grid_reports(&rows)?, "an accepted book was refused");
        prop_assert!(!check_renewal_rates(&contracts)?, "accepted renewals were refused");
        prop_assert!(!check_forecast(&items)?, "an accepted forecast was refused");
    }

    /// Hostile amounts: every report is exact or refuses, never wraps.
    #[test]
    fn hostile_books_compute_exactly_or_refuse(
        rows in book(hostile_amount()),
        contracts in proptest::collection::vec(hostile_amount(), 0..40),
        items in proptest::collection::vec((hostile_amount(), 0u8..4), 0..40),
    ) {
        check_grid_reports(&rows)?;
        check_renewal_rates(&contracts)?;
        check_forecast(&items)?;
    }

    /// Whitespace is units × price: with amounts and units at their bounds it
    /// can pass any sum, and then the targets refuse rather than wrap.
    #[test]
    fn whitespace_is_exact_or_refused(
        accounts in proptest::collection::vec(
            (accepted_amount(), 1i64..=1_000, prop_oneof![Just(1_000_000_000i64), 0i64..=1_000_000_000]),
            0..20,
        ),
    ) {
        check_whitespace(&accounts)?;
    }
}

#[test]
fn a_report_that_cannot_add_up_says_so() {
    // Two accounts of a quarter of i64 each, four months: the bridge's totals fit,
    // four such accounts do not.
    let rows: Vec<(u8, u8, u8, i64)> =
        (0..5).flat_map(|a| [(a, 0, 0, i64::MAX / 4), (a, 25, 0, i64::MAX / 4)]).collect();
    let (grid, _) = grid_of(&rows);
    let b = bridge(&grid, FIRST, FIRST.plus(25));
    assert_eq!(
        b.exact().map_err(|e| e.to_string()),
        Err("a total in this report is too large to add up exactly (each amount may be at most 10000000000; check for an amount or a potential far beyond the rest of the book)".to_string())
    );
    // One account at the bound with a billion seats of potential: whitespace
    // past what a sum holds is shown as too large, never as a number.
    let absorption = account_absorption(MAX_AMOUNT, 1, Some(1_000_000_000), &[]);
    assert!(absorption.whitespace.is_overflow());
    assert_eq!(absorption.whitespace.to_string(), "too large");
}

/// End to end: amounts the import accepts, whose whitespace no sum can hold,
/// make `targets` refuse with one clear line, never print a wrapped figure;
/// `churn record` refuses an ARR lost past the bound.
#[test]
fn the_command_line_refuses_a_total_it_cannot_add_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("book.db");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cockpit"))
            .args(args)
            .env("COCKPIT_DB", &db)
            .env("COCKPIT_TODAY", "2025-03-15")
            .env("COCKPIT_USER", "ana")
            .output()
            .expect("run cockpit")
    };
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    };
    let accounts = write(
        "accounts.csv",
        "account_id,name,potential_units\nA1,Alpha,1000000000\nA2,Beta,1000000000\nA3,Gamma,10\n",
    );
    let snapshots = write(
        "snapshots.csv",
        "account_id,month,product,arr,units\nA1,2025-02,Core,10000000000,1\nA2,2025-02,Core,10000000000,1\nA3,2025-02,Core,1000,1\n",
    );
    for (kind, file) in [("accounts", &accounts), ("snapshots", &snapshots)] {
        let out = run(&["import", kind, file]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let before = std::fs::read(&db).expect("db");
    for args in [&["targets"][..], &["targets", "--json"][..], &["targets", "--limit", "1"][..]] {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("too large to add up exactly"), "{stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    }
    // ARR itself adds up: the Pareto total is exact.
    let pareto = run(&["metrics", "pareto", "--json"]);
    let text = String::from_utf8_lossy(&pareto.stdout);
    assert!(pareto.status.success(), "{}", String::from_utf8_lossy(&pareto.stderr));
    assert!(text.contains("20000001000"), "{text}");
    assert_eq!(std::fs::read(&db).expect("db"), before);
    let out = run(&[
        "churn",
        "record",
        "A1",
        "--date",
        "2025-03-01",
        "--event",
        "churned",
        "--arr-lost",
        "10000000000.01",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("is too large (at most 10000000000)"), "{stderr}");
}
