//! A hand-built book whose backtest counts are worked out by hand.

use super::*;
use crate::clock::Clock;
use crate::import::{ImportKind, import_reader};
use crate::testkit::Book;

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

/// A churns with usage falling and a green CSM colour; B renews in full,
/// used well, though its CSM marked it red; C churns with steady usage and
/// an orange CSM colour. Every contract ends 2025-12-31; the lead date is
/// 2025-10-02, when September's usage is the latest known.
fn book() -> Store {
    let store = Store::open_in_memory().expect("store");
    let mut snapshots = String::from("account_id, month, product, arr, units\n");
    for account in ["A", "B", "C"] {
        for month in 1..=12 {
            snapshots.push_str(&format!("{account}, 2025-{month:02}, Core, 1000, 50\n"));
        }
    }
    Book::new()
        .accounts(
            "id, name, csm
             A, Ay, ana
             B, Bee, ana
             C, Cee, ana",
        )
        .contracts(
            "contract_id, account_id, product, start_date, end_date, arr
             A1, A, Core, 2025-01-01, 2025-12-31, 1000
             B1, B, Core, 2025-01-01, 2025-12-31, 1000
             B2, B, Core, 2026-01-01, 2026-12-31, 1000
             C1, C, Core, 2025-01-01, 2025-12-31, 1000",
        )
        .snapshots(&snapshots)
        .health_changes(
            "account_id, at, health
             A, 2024-06-01T00:00:00Z, green
             B, 2025-09-01T00:00:00Z, red
             C, 2025-06-01T00:00:00Z, orange",
        )
        .write(&store);
    let mut usage = String::from("account_id,month,measure,value\n");
    for (month, a, b, c) in [
        ("2025-05", 40, 45, 45),
        ("2025-06", 40, 45, 45),
        ("2025-07", 40, 45, 45),
        ("2025-08", 10, 45, 45),
        ("2025-09", 9, 45, 45),
    ] {
        for (account, value) in [("A", a), ("B", b), ("C", c)] {
            usage.push_str(&format!("{account},{month},active_users,{value}\n"));
        }
    }
    let mut store = store;
    let clock = Clock::fixed(d("2026-03-01"));
    import_reader(&mut store, ImportKind::Usage, "u.csv", usage.as_bytes(), "ana", &clock)
        .expect("usage");
    store
}

#[test]
fn the_backtest_counts_by_hand() {
    let store = book();
    let config = Config::default();
    let result = backtest(&store, &config, d("2026-03-01"), 90, d("2025-01-01"), d("2026-02-28"))
        .expect("run");
    assert_eq!(result.outcomes.len(), 3);
    assert_eq!(backtest::counts(&result.outcomes), (1, 0, 2));
    let by_name = |name: &str| result.predictors.iter().find(|p| p.name == name).expect(name);
    // A at 2025-10-02: 9 of 50 = 18% → 0 × 20; −77.5% → 0 × 25; ARR flat
    // → 100 × 15; nothing else known: 1500 / 60 = 25 → orange, flagged.
    let scorecard = by_name("scorecard");
    let ids = |indexes: &[usize]| -> Vec<&str> {
        indexes.iter().map(|i| result.outcomes[*i].account_id.as_str()).collect()
    };
    assert_eq!(ids(&scorecard.flagged), vec!["A"]);
    assert_eq!(ids(&scorecard.caught), vec!["A"]);
    assert_eq!(ids(&scorecard.missed), vec!["C"]);
    assert!(scorecard.false_alarms.is_empty());
    // A 30 days earlier (2025-09-02, August known): 20% → 25 × 20, −75% →
    // 0, ARR 100 × 15: 2000 / 60 = 33 → still orange; 2025-08-03 (July
    // known, April has no usage): 100 → green. First flag 2025-09-02.
    assert_eq!(scorecard.lead_times, vec![120]);
    let csm = by_name("csm_colour");
    assert_eq!(ids(&csm.caught), vec!["C"]);
    assert_eq!(ids(&csm.missed), vec!["A"]);
    assert_eq!(ids(&csm.false_alarms), vec!["B"]);
    assert_eq!(csm.precision().map(|r| r.to_decimal(2)), Some("0.5".to_string()));
    let trend = by_name("usage_trend");
    assert_eq!(ids(&trend.caught), vec!["A"]);
}

#[test]
fn scores_today_list_the_worst_first_and_disagreements_suggest() {
    let store = book();
    let config = Config::default();
    let rows = scores(&store, &config, d("2026-03-01")).expect("scores");
    assert_eq!(rows.len(), 3);
    // In 2026 B alone has ARR (its renewal) but no snapshots were written
    // for 2026: the latest month is 2025-12 for all, usage's 2025-09.
    let a = rows.iter().find(|r| r.account_id == "A").expect("A");
    assert_eq!(a.band, Some(Health::Orange));
    let signal = scorecard_signal(a).expect("A's band differs from no colour");
    assert!(signal.why.starts_with("scorecard 43 (orange): "), "{}", signal.why);
    assert_eq!(rows[0].account_id, "A", "lowest score first");
}
