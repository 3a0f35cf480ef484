//! `cockpit churn …` end to end: the real binary on a temporary database.

use cockpit_core::testkit;
use rusqlite::Connection;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Book {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

/// A book with three accounts and a few snapshots.
fn book() -> Book {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("book.db");
    // Acme: 24,000 in 2026-01, 0 in 2026-02 → churned, 24,000 lost.
    // Globex: 10,000 then 7,500 → contracted, 2,500 lost.
    testkit::Book::new()
        .accounts(
            "id, name,    csm
             A1, Acme,    dana
             B2, Globex,  lee
             C3, Initech, dana",
        )
        .snapshots(
            "account_id, product, month,   arr
             A1,         core,    2026-01, 24000
             A1,         core,    2026-02, 0
             B2,         core,    2026-01, 10000
             B2,         core,    2026-02, 7500",
        )
        .create(&db);
    Book { _dir: dir, db }
}

fn cockpit_at(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .args(args)
        .env("COCKPIT_DB", db)
        .env("COCKPIT_TODAY", "2026-04-15")
        .env("COCKPIT_USER", "dana")
        .output()
        .expect("run cockpit")
}

impl Book {
    fn run(&self, args: &[&str]) -> Output {
        cockpit_at(&self.db, args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("json")
    }

    fn chain_count(&self) -> i64 {
        let conn = Connection::open(&self.db).expect("open");
        conn.query_row("SELECT count(*) FROM churn_chains", [], |r| r.get(0)).expect("count")
    }
}

#[test]
fn a_four_link_chain_is_recorded_listed_and_reported() {
    let book = book();
    let out = book.ok(&[
        "churn",
        "record",
        "A1",
        "--date",
        "2026-02-01",
        "--event",
        "churned",
        "--cause",
        "NEW SPONSOR",
        "--cause",
        "failed implementation",
        "--cause",
        "Partner problem",
        "--cause",
        "partner training",
    ]);
    assert!(
        out.contains("Churned, due to New sponsor, due to Failed implementation, due to Partner problem, due to Partner training"),
        "{out}"
    );
    assert!(out.contains("24,000.00 (from the snapshots)"), "{out}");
    assert!(!out.contains("flagged"), "{out}");
    let listed = book.ok(&["churn", "list", "A1"]);
    assert!(listed.contains("due to Partner training"), "{listed}");

    let report = book.json(&["churn", "report", "--json"]);
    assert_eq!(report["chains"], 1);
    assert_eq!(report["arr_lost"].to_string(), "24000");
    assert_eq!(report["by_root_cause"][0]["label"], "Partner training");
    assert_eq!(report["controllable_share"].to_string(), "1");
    assert_eq!(report["by_any_link"].as_array().map(Vec::len), Some(4));
}

#[test]
fn free_text_is_flagged_and_the_uncontrollable_root_is_questioned() {
    let book = book();
    let out = book.ok(&[
        "churn",
        "record",
        "B2",
        "--date",
        "2026-02-01",
        "--event",
        "contracted",
        "--cause",
        "Budget cut",
        "--cause",
        "Héllo 🚀 «vendor» lock-in",
    ]);
    assert!(out.contains("2,500.00 (from the snapshots)"), "{out}");
    assert!(out.contains("flagged: \"Héllo 🚀 «vendor» lock-in\" is free text"), "{out}");
    assert!(!out.contains("ask:"), "the root is free text, not uncontrollable: {out}");
    let out = book.ok(&[
        "churn",
        "record",
        "C3",
        "--date",
        "2026-03-10",
        "--event",
        "churned",
        "--arr-lost",
        "1000.5",
        "--cause",
        "acquired",
    ]);
    assert!(out.contains("ARR lost 1,000.50 ·"), "{out}");
    assert!(out.contains("ask: \"Acquired\" is outside your control"), "{out}");
    let list = book.json(&["churn", "list", "B2", "--json"]);
    assert_eq!(list[0]["links"][1]["label"], "Héllo 🚀 «vendor» lock-in");
    assert_eq!(list[0]["links"][1]["free_text"], true);
}

#[test]
fn a_chain_with_nothing_beyond_the_event_is_refused() {
    let book = book();
    for causes in [vec![], vec!["--cause", "sent churn notice", "--cause", "Decided not to renew"]]
    {
        let mut args = vec!["churn", "record", "A1", "--date", "2026-02-01", "--event", "churned"];
        args.extend(causes);
        let out = book.run(&args);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("refused") && stderr.contains("stopped breathing"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    assert_eq!(book.chain_count(), 0);
}

#[test]
fn unknown_accounts_events_dates_and_amounts_are_refused() {
    let book = book();
    let cases: [(&[&str], &str); 4] = [
        (&["ZZ", "--date", "2026-02-01", "--event", "churned"], "no account \"ZZ\""),
        (&["A1", "--date", "2026-02-30", "--event", "churned"], "is not a date"),
        (&["A1", "--date", "2026-02-01", "--event", "left"], "--event"),
        (
            &["A1", "--date", "2026-02-01", "--event", "churned", "--arr-lost", "12,000"],
            "--arr-lost",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["churn", "record"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--cause", "Budget cut"]);
        let out = book.run(&all);
        assert!(!out.status.success(), "{all:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{all:?}: {stderr}");
    }
    assert_eq!(book.chain_count(), 0);
}

#[test]
fn the_taxonomy_is_scriptable_and_an_entry_in_use_is_retired_not_deleted() {
    let book = book();
    let added = book.ok(&[
        "churn",
        "reasons",
        "add",
        "Data residency",
        "--kind",
        "uncontrollable",
        "--description",
        "Data must stay in-country",
    ]);
    assert!(added.contains("added: Data residency (uncontrollable)"), "{added}");
    book.ok(&["churn", "reasons", "mark", "data residency", "controllable"]);
    book.ok(&[
        "churn",
        "record",
        "A1",
        "--date",
        "2026-02-01",
        "--event",
        "churned",
        "--cause",
        "Data residency",
    ]);
    let out = book.run(&["churn", "reasons", "delete", "Data residency"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("retire it"));
    book.ok(&["churn", "reasons", "rename", "Data residency", "Sovereignty"]);
    book.ok(&["churn", "reasons", "retire", "sovereignty"]);
    let live = book.json(&["churn", "reasons", "--json"]);
    assert!(live.as_array().expect("list").iter().all(|r| r["label"] != "Sovereignty"));
    let all = book.json(&["churn", "reasons", "list", "--all", "--json"]);
    let entry = all.as_array().expect("list").iter().find(|r| r["label"] == "Sovereignty").cloned();
    let entry = entry.expect("retired entry listed with --all");
    assert_eq!(
        (entry["retired"].clone(), entry["chains"].clone(), entry["kind"].clone()),
        (Value::Bool(true), Value::from(1), Value::from("controllable"))
    );
    // The saved chain still reads the (renamed, retired) entry.
    assert!(book.ok(&["churn", "list", "A1"]).contains("Churned, due to Sovereignty"));
    // A retired entry cannot start a new chain.
    let out = book.run(&[
        "churn",
        "record",
        "C3",
        "--date",
        "2026-02-01",
        "--event",
        "churned",
        "--cause",
        "Sovereignty",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("retired"));
    book.ok(&["churn", "reasons", "delete", "Reliability"]);
}

#[test]
fn the_report_filters_by_period_csm_and_product() {
    let book = book();
    book.ok(&[
        "churn",
        "record",
        "A1",
        "--date",
        "2026-02-01",
        "--event",
        "churned",
        "--arr-lost",
        "24000",
        "--product",
        "core",
        "--cause",
        "New sponsor",
        "--cause",
        "Ease of use",
    ]);
    book.ok(&[
        "churn",
        "record",
        "B2",
        "--date",
        "2026-02-15",
        "--event",
        "contracted",
        "--arr-lost",
        "2500",
        "--cause",
        "Budget cut",
    ]);
    book.ok(&[
        "churn",
        "record",
        "C3",
        "--date",
        "2026-03-31",
        "--event",
        "churned",
        "--arr-lost",
        "1000.50",
        "--cause",
        "Oversold / poor fit",
    ]);
    // All: 24,000 + 2,500 + 1,000.50 = 27,500.50; controllable 25,000.50.
    let all = book.json(&["churn", "report", "--json"]);
    assert_eq!(all["arr_lost"].to_string(), "27500.5");
    assert_eq!(all["controllable_arr"].to_string(), "25000.5");
    assert_eq!(all["uncontrollable_arr"].to_string(), "2500");
    // February only: 26,500, controllable 24,000.
    let february =
        book.json(&["churn", "report", "--from", "2026-02-01", "--to", "2026-02-28", "--json"]);
    assert_eq!(
        (february["chains"].clone(), february["arr_lost"].to_string()),
        (Value::from(2), "26500".to_string())
    );
    assert_eq!(february["by_root_cause"][0]["chains"], serde_json::json!([1]));
    let dana = book.json(&["churn", "report", "--csm", "dana", "--json"]);
    assert_eq!(dana["arr_lost"].to_string(), "25000.5");
    let core = book.json(&["churn", "report", "--product", "core", "--json"]);
    assert_eq!(
        core["chain_details"][0]["sentence"],
        "Churned, due to New sponsor, due to Ease of use"
    );
    let text = book.ok(&["churn", "report", "--from", "2026-03-01"]);
    assert!(text.contains("Oversold / poor fit") && text.contains("100.0%"), "{text}");
    let out = book.run(&["churn", "report", "--from", "2026-03-01", "--to", "2026-01-01"]);
    assert!(!out.status.success());
}
