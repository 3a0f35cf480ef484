//! `cockpit import contacts` and `cockpit export contacts` as a user runs
//! them: a good file, a refused one that changes nothing, the round trip,
//! and a departure that arrives by import.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cockpit(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .arg("--db")
        .arg(db)
        .args(["--width", "0"])
        .args(args)
        .env("COCKPIT_TODAY", "2025-06-15")
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

const CONTACTS: &str = "\
account_id,name,email,role,title,left_on,since
A,Ana Diaz,ana@acme.com,champion,VP Operations,,2023-04-01
A,Bo Li,bo@acme.com,executive_sponsor,CFO,2025-05-31,
B,Cy Park,,billing,,,
";

#[test]
fn contacts_import_export_and_round_trip() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("book.db");
    let accounts = write(dir.path(), "accounts.csv", "account_id,name\nA,Acme\nB,Bolt\n");
    ok(&db, &["import", "accounts", accounts.to_str().expect("path")]);
    let file = write(dir.path(), "contacts.csv", CONTACTS);
    let first = ok(&db, &["import", "contacts", file.to_str().expect("path")]);
    assert!(first.contains("3 contacts: 3 inserted, 0 updated, 0 unchanged"), "{first}");
    let exported = ok(&db, &["export", "contacts"]);
    assert_eq!(exported, CONTACTS);
    let again = write(dir.path(), "again.csv", &exported);
    let second = ok(&db, &["import", "contacts", again.to_str().expect("path")]);
    assert!(second.contains("0 inserted, 0 updated, 3 unchanged"), "{second}");
}

#[test]
fn a_bad_contacts_file_is_refused_where_it_is_wrong_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("book.db");
    let accounts = write(dir.path(), "accounts.csv", "account_id,name\nA,Acme\n");
    ok(&db, &["import", "accounts", accounts.to_str().expect("path")]);
    let file = write(
        dir.path(),
        "bad.csv",
        "account_id,name,email,role,title\nA,Ana,ana@acme.com,champion,\nA,Bo,bo at acme,sponsor,\n",
    );
    let output = cockpit(&db, &["import", "contacts", file.to_str().expect("path")]);
    assert!(!output.status.success());
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(
        errors.contains("bad.csv:3:3: email: \"bo at acme\" is not an email address"),
        "{errors}"
    );
    assert!(errors.contains("bad.csv:3:4: role: \"sponsor\" is not one of champion"), "{errors}");
    assert_eq!(
        ok(&db, &["export", "contacts"]),
        "account_id,name,email,role,title,left_on,since\n"
    );
}

#[test]
fn renewals_say_whether_a_champion_and_a_sponsor_are_known() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("book.db");
    let accounts = write(dir.path(), "accounts.csv", "account_id,name\nA,Acme\nB,Bolt\n");
    ok(&db, &["import", "accounts", accounts.to_str().expect("path")]);
    let contracts = write(
        dir.path(),
        "contracts.csv",
        "contract_id,account_id,product,start_date,end_date,arr\n\
         CA,A,Core,2024-08-01,2025-07-31,1000\n\
         CB,B,Core,2024-09-01,2025-08-31,2000\n",
    );
    ok(&db, &["import", "contracts", contracts.to_str().expect("path")]);
    // Acme: a champion, and a sponsor who left on 2025-05-31; Bolt: no one.
    let file = write(dir.path(), "contacts.csv", CONTACTS);
    ok(&db, &["import", "contacts", file.to_str().expect("path")]);
    let table = ok(&db, &["renewals"]);
    let acme = table.lines().find(|l| l.contains("Acme")).expect("Acme's renewal");
    assert!(acme.contains("no sponsor"), "{table}");
    let bolt = table.lines().find(|l| l.contains("Bolt")).expect("Bolt's renewal");
    assert!(bolt.contains("no champion, no sponsor"), "{table}");
    assert!(table.lines().any(|h| h.contains("people") && h.contains("contract")), "{table}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&db, &["renewals", "--json"])).expect("json");
    let events = json["events"].as_array().expect("events");
    let of = |id: &str| events.iter().find(|e| e["account_id"] == id).expect("event").clone();
    assert_eq!(
        (of("A")["champion"].clone(), of("A")["executive_sponsor"].clone()),
        (true.into(), false.into())
    );
    assert_eq!(
        (of("B")["champion"].clone(), of("B")["executive_sponsor"].clone()),
        (false.into(), false.into())
    );
}

/// A key person's departure that comes in a contacts file (new, or a
/// `left_on` where none was stored) is a sponsor change, as `W` makes one
/// in the Account view: a Today reason for the account's CSM and the
/// sponsor-change playbook's task, once; importing the file again starts
/// nothing more. A `since` after the day they left is refused where it is.
#[test]
fn a_departure_that_arrives_by_import_raises_the_sponsor_change_once() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("book.db");
    let accounts = write(dir.path(), "accounts.csv", "account_id,name,csm\nA,Acme,ana\n");
    ok(&db, &["import", "accounts", accounts.to_str().expect("path")]);
    let there = write(
        dir.path(),
        "there.csv",
        "account_id,name,email,role,title\nA,Bo Li,,executive_sponsor,CFO\nA,Ed Wu,,user,\n",
    );
    ok(&db, &["import", "contacts", there.to_str().expect("path")]);
    let sponsor_reasons = |db: &Path| -> usize {
        let today: serde_json::Value =
            serde_json::from_str(&ok(db, &["today", "--json"])).expect("today json");
        let rows = today
            .get("rows")
            .and_then(serde_json::Value::as_array)
            .or_else(|| today.as_array())
            .cloned()
            .unwrap_or_default();
        rows.iter()
            .filter(|r| r["account_id"] == "A")
            .flat_map(|r| r["reasons"].as_array().cloned().unwrap_or_default())
            .filter(|reason| reason.to_string().to_lowercase().contains("sponsor"))
            .count()
    };
    let sponsor_tasks = |db: &Path| -> usize {
        let tasks: serde_json::Value =
            serde_json::from_str(&ok(db, &["tasks", "--json"])).expect("tasks json");
        tasks.to_string().matches("\"playbook\":\"sponsor_change\"").count()
    };
    assert_eq!(sponsor_reasons(&db), 0);
    assert_eq!(sponsor_tasks(&db), 0);
    // Bo Li (executive sponsor) left on 2025-06-10; Ed Wu (a user) too: no signal for him.
    let left = write(
        dir.path(),
        "left.csv",
        "account_id,name,email,role,title,left_on\nA,Bo Li,,executive_sponsor,CFO,2025-06-10\nA,Ed Wu,,user,,2025-06-10\n",
    );
    ok(&db, &["import", "contacts", left.to_str().expect("path")]);
    assert_eq!(sponsor_reasons(&db), 1);
    assert_eq!(sponsor_tasks(&db), 1);
    let notes = ok(&db, &["export", "notes"]);
    assert_eq!(
        notes.matches("Bo Li (executive sponsor, CFO) left on 2025-06-10").count(),
        1,
        "{notes}"
    );
    assert!(!notes.contains("Ed Wu"), "{notes}");
    // The same file again: the departure is known, nothing new.
    let again = ok(&db, &["import", "contacts", left.to_str().expect("path")]);
    assert!(again.contains("0 updated, 2 unchanged"), "{again}");
    assert_eq!(sponsor_tasks(&db), 1);
    assert_eq!(ok(&db, &["export", "notes"]), notes);
    // A new person who left arrives with the file: a departure too.
    let new = write(
        dir.path(),
        "new.csv",
        "account_id,name,email,role,left_on,since\nA,Di Ro,,champion,2025-06-12,2021-02-01\n",
    );
    ok(&db, &["import", "contacts", new.to_str().expect("path")]);
    assert!(ok(&db, &["export", "notes"]).contains("Di Ro (champion) left on 2025-06-12"));
    assert!(ok(&db, &["export", "contacts"]).contains("A,Di Ro,,champion,,2025-06-12,2021-02-01"));
    // Started after leaving: refused at its cell, nothing changes.
    let before = ok(&db, &["export", "contacts"]);
    let bad = write(
        dir.path(),
        "bad.csv",
        "account_id,name,email,role,left_on,since\nA,Fay,,champion,2025-06-01,2025-06-02\n",
    );
    let output = cockpit(&db, &["import", "contacts", bad.to_str().expect("path")]);
    assert!(!output.status.success());
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(
        errors.contains("bad.csv:2:6: since: 2025-06-02 is after the day they left (2025-06-01)"),
        "{errors}"
    );
    assert_eq!(ok(&db, &["export", "contacts"]), before);
}
