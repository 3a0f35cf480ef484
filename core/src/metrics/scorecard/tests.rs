//! Scores worked by hand on one account (DOMAIN "Health you can check").

use super::*;
use crate::domain::{Money, Month};
use chrono::Duration;

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

fn m(text: &str) -> Month {
    Month::parse(text).expect("month")
}

/// ARR $10,000 → $9,000 and 40 → 25 active users on 50 licences over three
/// months, one urgent ticket open, NPS answers 10, 9, 3, 7, last touch 36
/// days before, one success plan on track.
fn account() -> (AccountSignals, BookSignals) {
    let signals = AccountSignals {
        months: vec![
            (m("2026-08"), Money::from_cents(1_000_000), Some(50)),
            (m("2026-11"), Money::from_cents(900_000), Some(50)),
        ],
        usage: vec![(m("2026-08"), 40_000), (m("2026-11"), 25_000)],
        touches: vec![d("2026-10-01"), d("2026-11-01")],
        high_tickets: vec![(d("2026-11-20"), None), (d("2026-06-01"), Some(d("2026-06-03")))],
        nps: vec![
            (d("2026-07-01"), 10),
            (d("2026-09-01"), 9),
            (d("2026-10-01"), 3),
            (d("2026-11-15"), 7),
        ],
        plans: Some((1, 0)),
    };
    let book = BookSignals {
        snapshot_months: vec![m("2026-08"), m("2026-09"), m("2026-10"), m("2026-11")],
        usage_months: vec![m("2026-08"), m("2026-09"), m("2026-10"), m("2026-11")],
        has_tickets: true,
    };
    (signals, book)
}

#[test]
fn a_score_by_hand() {
    let (signals, book) = account();
    let config = ScorecardConfig::default();
    let today = d("2026-12-07");
    let card = score(&signals, &book, today, today, &config);
    // usage per licence 25/50 = 0.50 ≥ 40% → 50 points × 20
    // usage trend (25·50 − 40·50)/(40·50) = −37.5% → 0 × 25
    // one open urgent ticket ≤ 1 → 50 × 15
    // NPS (2 − 1)/4 = 25 ≥ 0 → 70 × 10
    // 36 days since touch ≤ 60 → 70 × 10
    // ARR −10% ≥ −10 → 50 × 15
    // plan on track → 100 × 5
    // Σ = 1000 + 0 + 750 + 700 + 700 + 750 + 500 = 4400 over 100.
    assert_eq!((card.weighted_points, card.weight), (4400, 100));
    assert_eq!(card.score(), Some(44));
    assert_eq!(card.band(&config), Some(Health::Orange));
    let first = &card.measures[0];
    assert_eq!(first.measure, Measure::UsageTrend, "the measure that cost most comes first");
    assert_eq!(first.sentence(), "usage per licence fell 38% in 3 months: 0 of 25 points");
    let usage = card.measure(Measure::UsagePerLicence).expect("usage");
    assert_eq!(
        usage.sentence(),
        "usage per licence 0.50 in 2026-11 (25 active users over 50 licences): 10 of 20 points"
    );
    let nps = card.measure(Measure::Nps).expect("nps");
    assert_eq!(nps.sentence(), "NPS 25 (4 answers in 180 days): 7 of 10 points");
    let tickets = card.measure(Measure::OpenHighTickets).expect("tickets");
    assert_eq!(tickets.sentence(), "1 high-severity ticket open: 8 of 15 points");
}

#[test]
fn a_missing_measure_drops_out_of_the_mean() {
    let (mut signals, book) = account();
    signals.nps.clear();
    let config = ScorecardConfig::default();
    let today = d("2026-12-07");
    // Yesterday's score cannot read today's success plans either.
    let card = score(&signals, &book, today - Duration::days(1), today, &config);
    // 4400 − 700 (NPS) − 500 (plan) = 3200 over 100 − 10 − 5 = 85 → 37.6,
    // shown 37 (rounded down, as its band is cut).
    assert_eq!((card.weighted_points, card.weight), (3200, 85));
    assert_eq!(card.score(), Some(37));
    let nps = card.measure(Measure::Nps).expect("nps line");
    assert_eq!(nps.sentence(), "NPS: missing, not counted");
    assert_eq!(card.measures.last().map(|m| m.value.is_none()), Some(true));
}

#[test]
fn only_what_was_known_then_counts() {
    let (signals, book) = account();
    let config = ScorecardConfig::default();
    // On 2026-11-29 November has not ended: the book's latest usage month
    // is October, where this account, which had usage in August, has no
    // row: 0 per licence, 0 points. The trend reads July (none): missing.
    let card = score(&signals, &book, d("2026-11-29"), d("2026-12-07"), &config);
    let usage = card.measure(Measure::UsagePerLicence).expect("usage");
    assert_eq!((usage.points, usage.value.as_ref().map(|v| v.numerator)), (0, Some(0)));
    // On 2026-09-30 August is the latest: 40 on 50 licences = 80% → 100 points.
    let august = BookSignals { usage_months: book.usage_months[..1].to_vec(), ..book.clone() };
    let card = score(&signals, &august, d("2026-09-30"), d("2026-12-07"), &config);
    assert_eq!(card.measure(Measure::UsagePerLicence).map(|m| m.points), Some(100));
    let card = score(&signals, &book, d("2026-11-29"), d("2026-12-07"), &config);
    assert!(card.measure(Measure::UsageTrend).is_some_and(|m| m.value.is_none()));
    // The ticket opened 2026-11-20 is open; the touch of 2026-11-01 is 28 days old.
    let touch = card.measure(Measure::DaysSinceTouch).expect("touch");
    assert_eq!(touch.value.as_ref().map(|v| v.numerator), Some(28));
    // Before any touch, the measure is missing.
    let early = score(&signals, &book, d("2026-09-15"), d("2026-12-07"), &config);
    assert!(early.measure(Measure::DaysSinceTouch).is_some_and(|m| m.value.is_none()));
}

#[test]
fn a_slide_over_dates_reads_what_each_date_alone_reads() {
    let (signals, book) = account();
    let config = ScorecardConfig::default();
    let today = d("2026-12-07");
    // Every day from June to today, forwards, backwards and by 30-day
    // steps: the month-bound measures kept across dates in the same known
    // month, the others read each day, as each date scored alone.
    let days: Vec<NaiveDate> =
        (0..190).map(|n| d("2026-06-01") + Duration::days(n)).filter(|day| *day <= today).collect();
    let alone: Vec<Points> =
        days.iter().map(|day| measure_points(&signals, &book, *day, today, &config)).collect();
    let mut slide = Slide::new(&signals, &book, today, &config);
    let forwards: Vec<Points> = days.iter().map(|day| slide.points(*day)).collect();
    assert_eq!(forwards, alone);
    let mut slide = Slide::new(&signals, &book, today, &config);
    let backwards: Vec<Points> = days.iter().rev().map(|day| slide.points(*day)).collect();
    assert_eq!(backwards.into_iter().rev().collect::<Vec<_>>(), alone);
    let mut slide = Slide::new(&signals, &book, today, &config);
    for step in 0..6 {
        let day = today - Duration::days(step * 30);
        assert_eq!(slide.points(day), measure_points(&signals, &book, day, today, &config));
    }
    // The worked day: usage per licence 50 points, trend 0, ARR trend 50.
    let points = slide.points(today);
    assert_eq!(points[0], Some(50));
    assert_eq!(points[1], Some(0));
}

#[test]
fn bands_cut_exactly() {
    let config = ScorecardConfig::default();
    assert_eq!(band_of(7500, 100, &config), Some(Health::Green));
    assert_eq!(band_of(7499, 100, &config), Some(Health::Yellow));
    assert_eq!(band_of(5000, 100, &config), Some(Health::Yellow));
    assert_eq!(band_of(2499, 100, &config), Some(Health::Red));
    assert_eq!(band_of(0, 0, &config), None);
    assert_eq!(round_div(75, 2), 38);
    assert_eq!(round_div(-75, 2), -38);
}

#[test]
fn a_single_measure_flags_when_its_points_are_orange_or_red() {
    let (signals, book) = account();
    let config = ScorecardConfig::default();
    let today = d("2026-12-07");
    assert!(measure_flags(Measure::UsageTrend, &signals, &book, today, today, &config));
    assert!(!measure_flags(Measure::Nps, &signals, &book, today, today, &config));
    assert!(
        !measure_flags(Measure::ArrTrend, &signals, &book, today, today, &config),
        "50 is yellow"
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_score_is_between_0_and_100_and_its_band_follows_it(
            usage in proptest::collection::vec(0_i64..200_000, 4),
            units in 1_i64..100,
            nps in proptest::collection::vec(0_i64..=10, 0..6),
        ) {
            let (mut signals, book) = account();
            signals.usage = book.usage_months.iter().copied().zip(usage).collect();
            signals.months = book.snapshot_months.iter().map(|m| (*m, Money::from_cents(100_000), Some(units))).collect();
            signals.nps = nps.into_iter().map(|s| (d("2026-11-01"), s)).collect();
            let config = ScorecardConfig::default();
            let card = score(&signals, &book, d("2026-12-07"), d("2026-12-07"), &config);
            let score = card.score().expect("a score");
            prop_assert!((0..=100).contains(&score));
            let band = card.band(&config).expect("band");
            let expected = band_of(card.weighted_points, card.weight, &config);
            prop_assert_eq!(Some(band), expected);
            let earned: i64 = card.measures.iter().map(MeasureScore::earned_hundredths).sum();
            prop_assert_eq!(earned, card.weighted_points);
            // The sums without words (Today, the backtest) are the same,
            // and each measure's points and flag are the breakdown's.
            for at in [d("2026-12-07"), d("2026-10-15"), d("2026-08-31")] {
                let card = crate::metrics::scorecard::score(&signals, &book, at, d("2026-12-07"), &config);
                let quiet = weighted(&signals, &book, at, d("2026-12-07"), &config);
                prop_assert_eq!(quiet, (card.weighted_points, card.weight));
                let points = measure_points(&signals, &book, at, d("2026-12-07"), &config);
                for (slot, measure) in Measure::ALL.into_iter().enumerate() {
                    let line = card.measure(measure).and_then(|m| m.value.as_ref().map(|_| m.points));
                    prop_assert_eq!(points[slot], line);
                    let flags = measure_flags(measure, &signals, &book, at, d("2026-12-07"), &config);
                    prop_assert_eq!(points_flag(points[slot], &config), flags);
                }
            }
        }
    }
}

#[test]
fn the_shown_score_always_falls_in_its_band() {
    let config = ScorecardConfig::default();
    // 7460 over 100 is 74.6: yellow, so it shows 74, never a green-looking 75.
    assert_eq!(score_of((7460, 100)), Some(74));
    assert_eq!(band_of(7460, 100, &config), Some(Health::Yellow));
    assert_eq!(score_of((7500, 100)), Some(75));
    assert_eq!(score_of((0, 0)), None);
    for points in 0..=10_000 {
        for weight in [7, 85, 100] {
            let shown = score_of((points, weight)).expect("a score");
            assert_eq!(
                band_of(shown, 1, &config),
                band_of(points, weight, &config),
                "{points} over {weight} shows {shown}"
            );
        }
    }
}
