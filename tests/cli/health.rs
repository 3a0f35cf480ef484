//! `cockpit health` run as a built binary: signals imported from CSV, the
//! scores with their breakdown, and the backtest's JSON keys and counts on
//! a book whose outcomes are worked out by hand.
//!
//! Contracts end 2024-12-31: A (Ay) is not renewed, B (Bee) is renewed in
//! full. Usage per licence (50 licences): A 40 → 10 from October 2024 on,
//! B steady at 45. At the lead date 2024-10-02 (September known) A reads
//! 40 → 40, flat: not flagged. The CSM marked A red on 2024-09-15 and B red
//! on 2024-09-01: the CSM's colours catch A and raise a false alarm on B.

use cockpit_core::testkit::Book;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const TODAY: &str = "2025-03-01";

fn cockpit(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("COCKPIT_TODAY", TODAY)
        .env("COCKPIT_USER", "ana")
        .env_remove("COCKPIT_DB")
        .env("COLUMNS", "200")
        .output()
        .expect("run cockpit")
}

fn book(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("book.db");
    let mut snapshots = String::from("account_id, product, month, arr, units\n");
    for account in ["A", "B"] {
        for month in 1..=12 {
            snapshots.push_str(&format!("{account}, Core, 2024-{month:02}, 1000, 50\n"));
        }
    }
    snapshots.push_str("B, Core, 2025-01, 1000, 50\nB, Core, 2025-02, 1000, 50\n");
    Book::new()
        .accounts(
            "id, name, csm
             A, Ay, ana
             B, Bee, ana",
        )
        .contracts(
            "contract_id, account_id, product, start_date, end_date, arr
             A1, A, Core, 2024-01-01, 2024-12-31, 1000
             B1, B, Core, 2024-01-01, 2024-12-31, 1000
             B2, B, Core, 2025-01-01, 2025-12-31, 1000",
        )
        .snapshots(&snapshots)
        .health_changes(
            "account_id, at, health
             A, 2024-09-15T00:00:00Z, red
             B, 2024-09-01T00:00:00Z, red",
        )
        .create(&db);
    let mut usage = String::from("account_id,date,measure,value\n");
    for month in 5..=12 {
        let a = if month >= 10 { 10 } else { 40 };
        // Per day, two halves of the month summed into it.
        for (day, share) in [(1, a / 2), (15, a - a / 2)] {
            usage.push_str(&format!("A,2024-{month:02}-{day:02},active_users,{share}\n"));
        }
        usage.push_str(&format!("B,2024-{month:02}-01,active_users,45\n"));
    }
    let file = dir.join("usage.csv");
    std::fs::write(&file, usage).expect("write");
    let out = cockpit(&db, &["import", "usage", file.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    db
}

#[test]
fn the_backtest_json_has_the_keys_and_the_hand_counted_numbers() {
    let dir = tempfile::tempdir().expect("dir");
    let db = book(dir.path());
    let out = cockpit(&db, &["health", "backtest", "--from", "2024-01-01", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["lead_days"], 90);
    assert_eq!(json["outcomes"], 2);
    assert_eq!(json["churned"], 1);
    let predictors = json["predictors"].as_array().expect("predictors");
    let by_name = |name: &str| {
        predictors.iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{name}"))
    };
    for predictor in predictors {
        for key in ["name", "flagged", "caught", "missed", "false_alarms", "precision", "recall"] {
            assert!(predictor.get(key).is_some(), "{key} in {predictor}");
        }
    }
    let scorecard = by_name("scorecard");
    assert_eq!((scorecard["flagged"].as_u64(), scorecard["missed"].as_u64()), (Some(0), Some(1)));
    assert!(scorecard["precision"].is_null(), "nothing flagged: no precision");
    let csm = by_name("csm_colour");
    assert_eq!(csm["caught"], 1);
    assert_eq!(csm["false_alarms"], 1);
    assert_eq!(csm["precision"].as_f64(), Some(0.5));
    assert_eq!(csm["recall"].as_f64(), Some(1.0));
    // A 30-day lead reads December's usage for A: 10 of 50, −75%: flagged.
    let out = cockpit(
        &db,
        &["health", "backtest", "--from", "2024-01-01", "--lead-days", "30", "--json"],
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    let predictors = json["predictors"].as_array().expect("predictors");
    let trend = predictors.iter().find(|p| p["name"] == "usage_trend").expect("trend");
    assert_eq!(trend["caught"], 1, "{trend}");
}

#[test]
fn scores_print_the_breakdown_and_bad_flags_are_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let db = book(dir.path());
    let out = cockpit(&db, &["health", "scores"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Bee"), "{text}");
    assert!(!text.contains("Ay "), "A has left: no score\n{text}");
    let out = cockpit(&db, &["health", "scores", "--json"]);
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["accounts"][0]["account_id"], "B");
    let out = cockpit(&db, &["health", "backtest", "--from", "2025-02-01", "--to", "2025-01-01"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("before --from"));
}
