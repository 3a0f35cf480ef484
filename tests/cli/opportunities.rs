//! `cockpit opportunities` run as a built binary: the pipeline by stage and
//! close date with totals per stage and owner, its filters and JSON, and a
//! won deal closing on the day it was won.

use chrono::{NaiveDate, TimeZone, Utc};
use cockpit::domain::Money;
use cockpit::domain::opportunity::{
    LostReason, OpportunityFields, OpportunityKind, OpportunityStage,
};
use cockpit::store::Store;
use cockpit_core::testkit::Book;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn book(path: &Path) {
    Book::new()
        .accounts(
            "id, name,   csm,  am,   stage,      health, arr,   units
             A1, Acme,   fran, hugo, absorption, green,  12000, 10
             A2, Beta,   fran, dana, adoption,   red,    5000,  10",
        )
        .create(path);
    let store = Store::open(path).expect("store");
    let at = Utc.with_ymd_and_hms(2025, 2, 1, 9, 0, 0).single().expect("t");
    let add = |account: &str, product: &str, cents: i64, stage, owner: &str, close, next: &str| {
        let fields = OpportunityFields {
            product: product.into(),
            kind: OpportunityKind::CrossSell,
            arr: Money::from_cents(cents),
            stage,
            owner: owner.into(),
            close_date: close,
            next_step: next.into(),
        };
        store.add_opportunity(account, &fields, at).expect("add")
    };
    use OpportunityStage as S;
    add(
        "A1",
        "Analytics",
        1_200_050,
        S::Proposal,
        "hugo",
        Some(day(2025, 6, 30)),
        "send the quote",
    );
    add("A2", "Core", 300_000, S::Proposal, "dana", Some(day(2025, 4, 15)), "security review");
    add("A1", "Security", 99_950, S::Identified, "hugo", None, "");
    let won = add("A2", "Analytics", 500_000, S::Commit, "dana", Some(day(2025, 9, 1)), "");
    let lost = add("A1", "Connect", 100_000, S::Qualified, "hugo", Some(day(2025, 5, 1)), "");
    let later = Utc.with_ymd_and_hms(2025, 3, 3, 9, 0, 0).single().expect("t");
    store.set_opportunity_stage(won, S::Won, later).expect("won");
    let reason = LostReason { reason: "went with a competitor".into(), controllable: true };
    store.lose_opportunity(lost, &reason, later).expect("lost");
}

fn cockpit(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .arg("--db")
        .arg(db)
        .args(["--width", "0"])
        .args(args)
        .env("COCKPIT_TODAY", "2025-03-10")
        .env("COCKPIT_USER", "fran")
        .env_remove("COLUMNS")
        .output()
        .expect("run cockpit")
}

fn json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["opportunities", "--json"];
    all.extend_from_slice(args);
    let out = cockpit(db, &all);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn the_pipeline_lists_by_stage_and_close_date_with_totals() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("book.db");
    book(&db);
    let all = json(&db, &[]);
    let products: Vec<&str> = all["opportunities"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| row["product"].as_str().expect("product"))
        .collect();
    // identified; proposal by close date; won; lost.
    assert_eq!(products, vec!["Security", "Core", "Analytics", "Analytics", "Connect"]);
    let won = &all["opportunities"][3];
    assert_eq!(won["stage"], "won");
    // Won on 3 March: the forecast 1 September gives way to the day it was won.
    assert_eq!(won["close_date"], "2025-03-03");
    assert_eq!(all["opportunities"][4]["lost_reason"], "went with a competitor");
    assert_eq!(all["opportunities"][4]["lost_controllable"], true);
    // proposal: 12,000.50 + 3,000.00 = 15,000.50.
    let proposal = all["by_stage"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|s| s["stage"] == "proposal")
        .expect("proposal")
        .clone();
    assert_eq!(proposal["count"], 2);
    assert_eq!(proposal["arr"].to_string(), "15000.5");
    // Open: 12,000.50 + 3,000.00 + 999.50 = 16,000.00; hugo's open 12,000.50 + 999.50.
    assert_eq!(all["open"]["arr"].to_string(), "16000");
    let hugo = all["by_owner"]
        .as_array()
        .expect("owners")
        .iter()
        .find(|o| o["owner"] == "hugo")
        .expect("hugo")
        .clone();
    assert_eq!(hugo["open"]["arr"].to_string(), "13000");
    assert_eq!(hugo["won"]["count"], 0);

    // Filters: the owner case-insensitively, the stage by name.
    let dana = json(&db, &["--owner", "DANA", "--stage", "proposal"]);
    assert_eq!(dana["opportunities"].as_array().expect("rows").len(), 1);
    assert_eq!(dana["opportunities"][0]["account"], "Beta");

    // The table: one header per column, totals below.
    let out = cockpit(&db, &["opportunities"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf8");
    let header = text.lines().next().expect("header");
    assert_eq!(header.split_whitespace().count(), 9, "{text}"); // "next step" is two words
    assert!(text.contains("send the quote"), "{text}");
    assert!(text.contains("lost: went with a competitor (controllable)"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("proposal") && l.ends_with("15,000.50")), "{text}");

    let refused = cockpit(&db, &["opportunities", "--stage", "closed"]);
    assert_eq!(refused.status.code(), Some(2));
    let empty = cockpit(&db, &["opportunities", "--owner", "nobody"]);
    assert!(String::from_utf8_lossy(&empty.stdout).contains("No opportunities"));
}
