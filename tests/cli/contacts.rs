//! `cockpit import contacts` and `cockpit export contacts` as a user runs
//! them: a good file, a refused one that changes nothing, and the round trip.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cockpit(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .arg("--db")
        .arg(db)
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
account_id,name,email,role,title,left_on
A,Ana Diaz,ana@acme.com,champion,VP Operations,
A,Bo Li,bo@acme.com,executive_sponsor,CFO,2025-05-31
B,Cy Park,,billing,,
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
    assert_eq!(ok(&db, &["export", "contacts"]), "account_id,name,email,role,title,left_on\n");
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
