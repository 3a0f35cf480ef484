//! `cockpit import subscriptions` as a user runs it: the summary, a
//! re-import, a refused file, `cockpit gen --subscriptions`, and the
//! metrics of a book from subscriptions against the same book imported as
//! snapshots and contracts written out by hand.

use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2025-06-15";

fn cockpit(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("COCKPIT_TODAY", TODAY)
        .env("COCKPIT_USER", "ana")
        .env_remove("COCKPIT_CONFIG")
        .output()
        .expect("run cockpit")
}

fn ok(db: &Path, args: &[&str]) -> String {
    let output = cockpit(db, args);
    assert!(
        output.status.success(),
        "cockpit {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

const ACCOUNTS: &str = "account_id,name\nA,Acme\nB,Bolt\nC,Crane\n";

/// Today 15 June 2025: snapshots run through May 2025.
/// - s1: A Core, 1,000.00 × 2 a year from 10 March 2023 → 2,000.00 from 2023-03.
/// - s2: B Core, 50.00 × 3 a month from 1 June 2023, ended 20 August 2024 →
///   1,800.00 from 2023-06 through 2024-07.
/// - s3: C Core, 600.00 a year from 15 January 2024, ended 1 November 2024 →
///   600.00 from 2024-01 through 2024-10; its one contract terminated.
/// - s4: A Add-on, 10.00 × 5 a month from 5 May 2024 → 600.00 from 2024-05.
const SUBSCRIPTIONS: &str = "\
subscription_id,account_id,product,start_date,amount,interval,quantity,ended_on
s1,A,Core,2023-03-10,1000,year,2,
s2,B,Core,2023-06-01,50,month,3,2024-08-20
s3,C,Core,2024-01-15,600,year,1,2024-11-01
s4,A,Add-on,2024-05-05,10.00,month,5,
";

/// The same book as snapshots and contracts, written from the comment above.
fn by_hand(dir: &Path) -> (PathBuf, PathBuf) {
    let mut snapshots = String::from("account_id,month,product,arr,units\n");
    let months = |first: (i32, u32), last: (i32, u32)| {
        let mut list = Vec::new();
        let (mut year, mut month) = first;
        while (year, month) <= last {
            list.push(format!("{year:04}-{month:02}"));
            (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
        }
        list
    };
    for (account, product, first, last, arr, units) in [
        ("A", "Core", (2023, 3), (2025, 5), "2000", 2),
        ("B", "Core", (2023, 6), (2024, 7), "1800", 3),
        ("C", "Core", (2024, 1), (2024, 10), "600", 1),
        ("A", "Add-on", (2024, 5), (2025, 5), "600", 5),
    ] {
        for month in months(first, last) {
            let _ = writeln!(snapshots, "{account},{month},{product},{arr},{units}");
        }
    }
    let contracts = "\
contract_id,account_id,product,start_date,end_date,arr,units,billing,terminated_on
s1/1,A,Core,2023-03-10,2024-03-09,2000,2,annual,
s1/2,A,Core,2024-03-10,2025-03-09,2000,2,annual,
s1/3,A,Core,2025-03-10,2026-03-09,2000,2,annual,
s3/1,C,Core,2024-01-15,2025-01-14,600,1,annual,2024-11-01
";
    (write(dir, "snapshots.csv", &snapshots), write(dir, "contracts.csv", contracts))
}

#[test]
fn imports_subscriptions_says_what_it_derived_and_a_second_time_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("book.db");
    let accounts = write(dir.path(), "accounts.csv", ACCOUNTS);
    let file = write(dir.path(), "subscriptions.csv", SUBSCRIPTIONS);
    ok(&db, &["import", "accounts", accounts.to_str().expect("path")]);
    let first = ok(&db, &["import", "subscriptions", file.to_str().expect("path")]);
    // 27 + 14 + 10 + 13 snapshots; three years of s1 and one of s3.
    assert!(
        first.ends_with(
            "subscriptions.csv: 4 subscriptions: 4 inserted, 0 updated, 0 unchanged; \
             derived snapshots: 64 inserted, 0 updated, 0 removed; \
             derived contracts: 4 inserted, 0 updated, 0 removed\n"
        ),
        "{first}"
    );
    let again = ok(&db, &["import", "subscriptions", file.to_str().expect("path")]);
    assert!(
        again.ends_with(
            "4 subscriptions: 0 inserted, 0 updated, 4 unchanged; \
             the snapshots and contracts they give were already in the book\n"
        ),
        "{again}"
    );
    let exported = ok(&db, &["export", "subscriptions"]);
    assert_eq!(exported.replace("\r\n", "\n"), SUBSCRIPTIONS.replace("10.00", "10"));
}

#[test]
fn a_refused_file_says_where_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("book.db");
    let accounts = write(dir.path(), "accounts.csv", ACCOUNTS);
    ok(&db, &["import", "accounts", accounts.to_str().expect("path")]);
    let bad = write(
        dir.path(),
        "bad.csv",
        "subscription_id,account_id,product,start_date,amount,interval\n\
         s1,A,Core,2025-01-01,10,month\n\
         s2,A,Core,2025-01-01,1.234,month\n",
    );
    let output = cockpit(&db, &["import", "subscriptions", bad.to_str().expect("path")]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.csv:3:5: amount: \"1.234\" has more than two decimals"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    let exported = ok(&db, &["export", "snapshots"]);
    assert_eq!(exported.lines().count(), 1, "only the header: {exported}");
}

#[test]
fn metrics_from_subscriptions_agree_with_the_same_book_as_snapshots_and_contracts() {
    let dir = tempfile::tempdir().expect("dir");
    let accounts = write(dir.path(), "accounts.csv", ACCOUNTS);
    let file = write(dir.path(), "subscriptions.csv", SUBSCRIPTIONS);
    let (snapshots, contracts) = by_hand(dir.path());
    let derived = dir.path().join("derived.db");
    let imported = dir.path().join("imported.db");
    ok(&derived, &["import", "accounts", accounts.to_str().expect("path")]);
    ok(&derived, &["import", "subscriptions", file.to_str().expect("path")]);
    ok(&imported, &["import", "accounts", accounts.to_str().expect("path")]);
    ok(&imported, &["import", "snapshots", snapshots.to_str().expect("path")]);
    ok(&imported, &["import", "contracts", contracts.to_str().expect("path")]);

    // The rows themselves, then every metric over them.
    for kind in ["snapshots", "contracts"] {
        assert_eq!(ok(&derived, &["export", kind]), ok(&imported, &["export", kind]), "{kind}");
    }
    let questions: [&[&str]; 5] = [
        &["metrics", "retention", "--as-of", "2025-05", "--json"],
        &["metrics", "retention", "--from", "2024-03", "--to", "2025-05", "--json"],
        &["metrics", "bridge", "--from", "2023-05", "--to", "2025-05", "--json"],
        &["metrics", "renewals", "--from", "2024-01-01", "--to", "2025-12-31", "--json"],
        &["metrics", "pareto", "--json"],
    ];
    for args in questions {
        let a: Value = serde_json::from_str(&ok(&derived, args)).expect("json");
        let b: Value = serde_json::from_str(&ok(&imported, args)).expect("json");
        assert_eq!(a, b, "{args:?}");
    }
    // Cohort at 2024-05: A 2,600, B 1,800, C 600 = 5,000; at 2025-05 only
    // A's 2,600 is left: NRR 0.52.
    let retention: Value = serde_json::from_str(&ok(
        &derived,
        &["metrics", "retention", "--as-of", "2025-05", "--json"],
    ))
    .expect("json");
    assert_eq!(retention["cohort_arr"].to_string(), "5000");
    assert_eq!(retention["nrr"].to_string(), "0.52");
}

#[test]
fn gen_writes_a_subscriptions_file_that_imports() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("book");
    let db = dir.path().join("book.db");
    let said = ok(
        &db,
        &[
            "gen",
            "--accounts",
            "40",
            "--months",
            "12",
            "--subscriptions",
            "--out",
            out.to_str().expect("path"),
        ],
    );
    assert!(said.contains(" subscriptions to ") || said.contains(" subscription to "), "{said}");
    for kind in ["accounts", "snapshots", "contracts", "subscriptions"] {
        let file = out.join(format!("{kind}.csv"));
        ok(&db, &["import", kind, file.to_str().expect("path")]);
    }
    // Without the flag there is no such file.
    let plain = dir.path().join("plain");
    ok(&db, &["gen", "--accounts", "5", "--out", plain.to_str().expect("path")]);
    assert!(!plain.join("subscriptions.csv").exists());
}

#[test]
fn a_stripe_export_imports_with_the_builtin_profile() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("book.db");
    let accounts = write(dir.path(), "accounts.csv", "account_id,name\ncus_A,Acme\n");
    let stripe = write(
        dir.path(),
        "stripe.csv",
        "id,Customer ID,Customer Email,Product,Quantity,Currency,Interval,Amount,Status,\
         Start Date (UTC),Canceled At (UTC),Ended At (UTC)\n\
         sub_1,cus_A,ops@acme.test,Cockpit Pro,3,usd,month,49.99,active,2025-01-20 08:12,,\n\
         sub_2,cus_A,ops@acme.test,Cockpit Vault,1,usd,year,\"2,400.00\",canceled,\
         2024-02-29 09:30,2024-11-02 10:00,2025-01-10 00:00\n",
    );
    let listed = ok(&db, &["import", "--profiles"]);
    assert!(listed.contains("stripe-subscriptions"), "{listed}");
    ok(&db, &["import", "accounts", accounts.to_str().expect("path")]);
    let said = ok(
        &db,
        &[
            "import",
            "subscriptions",
            stripe.to_str().expect("path"),
            "--profile",
            "stripe-subscriptions",
        ],
    );
    assert!(said.contains("2 subscriptions: 2 inserted"), "{said}");
    // 49.99 × 3 × 12 = 1,799.64; the vault's year from 29 February 2024 ends
    // the day before 28 February 2025 and was ended on 10 January 2025.
    let contracts = ok(&db, &["export", "contracts"]);
    assert_eq!(
        contracts.replace("\r\n", "\n"),
        "contract_id,account_id,product,start_date,end_date,arr,units,billing,terminated_on\n\
         sub_2/1,cus_A,Cockpit Vault,2024-02-29,2025-02-27,2400,1,annual,2025-01-10\n"
    );
    let snapshots = ok(&db, &["export", "snapshots"]);
    assert!(snapshots.contains("cus_A,2025-05,Cockpit Pro,1799.64,3\n"), "{snapshots}");
    assert!(snapshots.contains("cus_A,2024-12,Cockpit Vault,2400,1\n"), "{snapshots}");
    assert!(!snapshots.contains("2025-01,Cockpit Vault"), "{snapshots}");
}
