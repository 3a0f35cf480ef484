//! Counts of a hand-built set of outcomes, and the identities every backtest keeps.

use super::*;
use proptest::prelude::*;

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

fn outcome(id: &str, end: &str, kind: OutcomeKind) -> BacktestOutcome {
    BacktestOutcome {
        contract_id: id.to_string(),
        account_id: id.to_string(),
        end_date: d(end),
        atr: Money::from_cents(10_000),
        kind,
    }
}

#[test]
fn counts_by_hand() {
    // A churns, flagged from 2025-10-01 on: caught, lead from the first
    //   monthly step still flagged (2025-10-03, 120 days before the lead
    //   date... see below) to the end.
    // B churns, never flagged: missed. C renews, flagged: false alarm.
    // D contracts, flagged: flagged, neither caught nor a false alarm.
    // E renews, not flagged.
    let outcomes = vec![
        outcome("A", "2026-03-31", OutcomeKind::Churned),
        outcome("B", "2026-03-31", OutcomeKind::Churned),
        outcome("C", "2026-04-30", OutcomeKind::Renewed),
        outcome("D", "2026-05-31", OutcomeKind::Contracted),
        outcome("E", "2026-05-31", OutcomeKind::Renewed),
    ];
    let flagged_since = |index: usize| match index {
        0 => Some(d("2025-10-01")),
        2 => Some(d("2025-01-01")),
        3 => Some(d("2026-01-01")),
        _ => None,
    };
    let result = run("test", &outcomes, 90, |index, date| {
        flagged_since(index).is_some_and(|since| date >= since)
    });
    assert_eq!(result.flagged, vec![0, 2, 3]);
    assert_eq!(result.caught, vec![0]);
    assert_eq!(result.missed, vec![1]);
    assert_eq!(result.false_alarms, vec![2]);
    // A's lead date is 2025-12-31; steps of 30 days back: 12-01, 11-01,
    // 10-02 are flagged, 09-02 is not: first flag 2025-10-02, 180 days
    // before 2026-03-31.
    assert_eq!(result.lead_times, vec![180]);
    assert_eq!(result.median_lead_days(), Some(180));
    assert_eq!(result.precision().map(|r| r.to_decimal(4)), Some("0.3333".to_string()));
    assert_eq!(result.recall().map(|r| r.to_decimal(2)), Some("0.5".to_string()));
    assert_eq!(counts(&outcomes), (2, 1, 2));
}

#[test]
fn no_flags_and_no_churn_give_no_rates() {
    let outcomes = vec![outcome("E", "2026-05-31", OutcomeKind::Renewed)];
    let result = run("none", &outcomes, 90, |_, _| false);
    assert!(result.precision().is_none());
    assert!(result.recall().is_none());
    assert_eq!(result.median_lead_days(), None);
}

#[test]
fn medians_of_an_even_count_round_half_up() {
    let result = PredictorResult {
        name: String::new(),
        flagged: vec![],
        caught: vec![],
        missed: vec![],
        false_alarms: vec![],
        lead_times: vec![120, 90, 91, 300],
    };
    assert_eq!(result.median_lead_days(), Some(106));
}

fn kind() -> impl Strategy<Value = OutcomeKind> {
    prop_oneof![
        Just(OutcomeKind::Renewed),
        Just(OutcomeKind::Contracted),
        Just(OutcomeKind::Churned)
    ]
}

proptest! {
    #[test]
    fn caught_and_missed_are_the_churned_and_rates_are_fractions(
        cases in proptest::collection::vec((kind(), any::<bool>(), 0_i64..400), 0..60),
        lead in 0_i64..200,
    ) {
        let outcomes: Vec<BacktestOutcome> = cases
            .iter()
            .enumerate()
            .map(|(i, (kind, _, days))| BacktestOutcome {
                contract_id: i.to_string(),
                account_id: i.to_string(),
                end_date: d("2026-01-01") + Duration::days(*days),
                atr: Money::from_cents(1),
                kind: *kind,
            })
            .collect();
        let result = run("p", &outcomes, lead, |index, _| cases[index].1);
        let (_, _, churned) = counts(&outcomes);
        prop_assert_eq!(result.caught.len() + result.missed.len(), churned);
        prop_assert!(result.caught.len() <= result.flagged.len());
        for rate in [result.precision(), result.recall()].into_iter().flatten() {
            prop_assert!(rate.numerator() >= 0 && rate.numerator() <= rate.denominator());
        }
        prop_assert_eq!(result.precision().is_none(), result.flagged.is_empty());
        prop_assert_eq!(result.recall().is_none(), churned == 0);
        prop_assert_eq!(result.lead_times.len(), result.caught.len());
        for days in &result.lead_times {
            prop_assert!(*days >= lead);
        }
    }
}
