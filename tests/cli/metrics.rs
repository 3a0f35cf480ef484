//! `cockpit metrics …` end to end: a small book written into a temporary
//! database, the real binary run on it, its JSON parsed and checked against
//! numbers computed by hand.

use chrono::NaiveDate;
use cockpit::domain::{Billing, Contract, Money, Month};
use cockpit::store::Store;
use cockpit::store::snapshots::SnapshotRow;
use cockpit_core::testkit::Book;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn month(text: &str) -> Month {
    Month::parse(text).expect("month")
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

/// A book of four accounts over 2024-01 ..= 2025-01:
/// - A: Core 100 all along, then 150 at 2025-01 (expansion 50).
/// - B: Core 50 all along, then gone at 2025-01 (lost 50).
/// - C: Core 200 + Add-on 40 all along, Add-on dropped at 2025-01 (contraction 40).
/// - D: new in 2024-06 at 30, still 30 at 2025-01 (new logo, not in the cohort).
fn book(dir: &Path) -> PathBuf {
    let path = dir.join("book.db");
    Book::new()
        .accounts(
            "id, name
             A,  Acme
             B,  Bolt
             C,  Crane
             D,  Dune",
        )
        .create(&path);
    let store = Store::open(&path).expect("reopen");
    let mut rows = Vec::new();
    let mut add = |account: &str, product: &str, m: Month, units: i64| {
        rows.push(SnapshotRow {
            account_id: account.into(),
            product: product.into(),
            month: m,
            arr: Money::from_units(units),
            units: None,
        });
    };
    for m in month("2024-01").through(month("2024-12")) {
        add("A", "Core", m, 100);
        add("B", "Core", m, 50);
        add("C", "Core", m, 200);
        add("C", "Add-on", m, 40);
        if m >= month("2024-06") {
            add("D", "Core", m, 30);
        }
    }
    add("A", "Core", month("2025-01"), 150);
    add("C", "Core", month("2025-01"), 200);
    add("D", "Core", month("2025-01"), 30);
    store.insert_snapshots(&rows).expect("snapshots");
    let contract = |id: &str, account: &str, start: &str, end: &str, units: i64| Contract {
        id: id.into(),
        account_id: account.into(),
        product: "Core".into(),
        start_date: date(start),
        end_date: date(end),
        arr: Money::from_units(units),
        units: None,
        billing: Billing::Annual,
        terminated_on: None,
    };
    store
        .insert_contracts(&[
            // The ATR-versus-payments example: 300 up for renewal, 250 renewed;
            // 750 of out-year payments due and collected.
            contract("A1", "A", "2024-01-01", "2024-12-31", 100),
            contract("A2", "A", "2025-01-01", "2025-12-31", 100),
            contract("B1", "B", "2024-03-01", "2025-02-28", 100),
            contract("B2", "B", "2025-03-10", "2026-03-09", 150),
            contract("C1", "C", "2024-06-01", "2025-05-31", 100),
            contract("C2", "C", "2025-06-01", "2026-05-31", 50),
            contract("D1", "D", "2023-02-01", "2026-01-31", 250),
            contract("D2", "D", "2024-04-15", "2027-04-14", 250),
            contract("D3", "D", "2023-09-01", "2026-08-31", 250),
        ])
        .expect("contracts");
    path
}

fn run(db: &Path, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .arg("--db")
        .arg(db)
        .arg("metrics")
        .args(args)
        .output()
        .expect("run cockpit");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn json(db: &Path, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.push("--json");
    let (ok, stdout, stderr) = run(db, &args);
    assert!(ok, "cockpit metrics {args:?} failed: {stderr}");
    serde_json::from_str(&stdout).expect("one JSON object")
}

fn text(value: &Value) -> String {
    value.to_string()
}

#[test]
fn retention_at_a_month_and_as_a_series() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = book(dir.path());
    let r = json(&db, &["retention", "--as-of", "2025-01"]);
    let keys: Vec<&String> = r.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        vec!["as_of", "cohort_accounts", "cohort_arr", "crr", "current_arr", "drr", "grr", "nrr"]
    );
    assert_eq!(r["as_of"], "2025-01");
    // Cohort at 2024-01: A 100, B 50, C 240 = 390; now A 150, B 0, C 200 = 350.
    assert_eq!(text(&r["cohort_accounts"]), "3");
    assert_eq!(text(&r["cohort_arr"]), "390");
    assert_eq!(text(&r["current_arr"]), "350");
    assert_eq!(text(&r["nrr"]), "0.897435897436"); // 350/390
    assert_eq!(text(&r["drr"]), "0.897435897436");
    assert_eq!(text(&r["grr"]), "0.769230769231"); // (100 + 0 + 200)/390
    assert_eq!(text(&r["crr"]), "0.666666666667"); // 2 of 3

    let core = json(&db, &["retention", "--as-of", "2025-01", "--product", "Core"]);
    // Core only: then 350, now 350 → NRR 1; GRR (100+0+200)/350.
    assert_eq!(text(&core["nrr"]), "1");
    assert_eq!(text(&core["grr"]), "0.857142857143");

    let series = json(&db, &["retention", "--from", "2024-12", "--to", "2025-01"]);
    let series = series["series"].as_array().expect("series");
    assert_eq!(series.len(), 2);
    // 2024-12 has no year-ago month in the book: undefined, not zero.
    assert_eq!(series[0]["nrr"], Value::Null);
    assert_eq!(text(&series[0]["cohort_accounts"]), "0");
    assert_eq!(series[1], r);

    let (ok, table, _) = run(&db, &["retention", "--as-of", "2025-01"]);
    assert!(ok);
    assert!(table.contains("89.7%") && table.contains("66.7%"), "{table}");
}

#[test]
fn the_bridge_foots_in_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = book(dir.path());
    let b = json(&db, &["bridge", "--from", "2024-01", "--to", "2025-01"]);
    assert_eq!(b["from"], "2024-01");
    assert_eq!(b["to"], "2025-01");
    assert_eq!(text(&b["starting_arr"]), "390");
    assert_eq!(text(&b["new_logo"]), "30");
    assert_eq!(text(&b["expansion"]), "50");
    assert_eq!(text(&b["contraction"]), "40");
    assert_eq!(text(&b["lost"]), "50");
    assert_eq!(text(&b["ending_arr"]), "380");
    assert_eq!(text(&b["net_new_arr"]), "-10");
    assert_eq!(text(&b["net_expansion"]), "-40");
    assert_eq!(text(&b["expansion_share_of_new"]), "0.625"); // 50 / 80
    assert_eq!(b.as_object().expect("object").len(), 11);

    let add_on =
        json(&db, &["bridge", "--from", "2024-12", "--to", "2025-01", "--product", "Add-on"]);
    assert_eq!(text(&add_on["lost"]), "40");
    assert_eq!(add_on["expansion_share_of_new"], Value::Null);

    let (ok, table, _) = run(&db, &["bridge", "--from", "2024-01", "--to", "2025-01"]);
    assert!(ok && table.contains("= ending ARR") && table.contains("churn rate"), "{table}");
}

#[test]
fn renewals_atr_against_payments() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = book(dir.path());
    let r = json(&db, &["renewals", "--from", "2024-12-01", "--to", "2025-11-30"]);
    assert_eq!(r["from"], "2024-12-01");
    assert_eq!(r["to"], "2025-11-30");
    assert_eq!(text(&r["atr"]), "300");
    assert_eq!(text(&r["renewed"]), "250");
    assert_eq!(text(&r["atr_rate"]), "0.833333333333");
    assert_eq!(text(&r["payments_due"]), "750");
    assert_eq!(text(&r["payments_collected"]), "750");
    assert_eq!(text(&r["arr_rate"]), "0.952380952381");
    let empty = json(&db, &["renewals", "--from", "2030-01-01", "--to", "2030-12-31"]);
    assert_eq!((empty["atr_rate"].clone(), empty["arr_rate"].clone()), (Value::Null, Value::Null));
}

#[test]
fn pareto_tiers_at_the_latest_month() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = book(dir.path());
    // 2025-01: C 200, A 150, D 30 = 380. Shares above: 0, 52.6%, 92.1%.
    let p = json(&db, &["pareto"]);
    assert_eq!(p["as_of"], "2025-01");
    assert_eq!(text(&p["total_arr"]), "380");
    let tiers = p["tiers"].as_array().expect("tiers");
    assert_eq!(tiers.len(), 3);
    assert_eq!(text(&tiers[0]["accounts"]), "1");
    assert_eq!(text(&tiers[0]["arr_floor"]), "200");
    assert_eq!(text(&tiers[1]["accounts"]), "1");
    assert_eq!(text(&tiers[1]["arr"]), "150");
    assert_eq!(text(&tiers[2]["arr_share"]), "0.078947368421"); // 30/380
    let two = json(&db, &["pareto", "--as-of", "2024-01", "--cuts", "0.5"]);
    let tiers = two["tiers"].as_array().expect("tiers");
    // 2024-01: C 240, A 100, B 50 = 390. Tier 1: C (0 < 50%), A (61.5% ≥ 50%) is tier 2.
    assert_eq!(tiers.len(), 2);
    assert_eq!(text(&tiers[0]["arr"]), "240");
    assert_eq!(text(&tiers[1]["accounts"]), "2");
    assert_eq!(text(&tiers[1]["arr_floor"]), "50");
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = book(dir.path());
    let cases: &[(&[&str], &str)] = &[
        (&["retention", "--as-of", "2025-13"], "is not a month (expected YYYY-MM)"),
        (&["retention", "--from", "2025-01", "--to", "2024-01"], "is after --to"),
        (&["retention", "--as-of", "2025-01", "--product", "Nope"], "no snapshots for product"),
        (&["bridge", "--from", "2025-01"], "--to"),
        (&["renewals", "--from", "2025-02-30", "--to", "2025-03-01"], "is not a date"),
        (&["pareto", "--cuts", "0.75,0.45"], "cuts must increase"),
        (&["pareto", "--cuts", "45"], "share between 0 and 1"),
    ];
    for (args, message) in cases {
        let (ok, _, stderr) = run(&db, args);
        assert!(!ok, "{args:?} should fail");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}
