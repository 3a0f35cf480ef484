//! The team's book data: CS operations imports the book into the team, the
//! members who join receive it on their first sync, a bad file changes
//! nothing on the server, and the manager's roll-up reads the whole team.

use super::*;
use chrono::NaiveDate;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// How many files the team's book data holds.
fn imports_on_server(url: &str) -> i64 {
    let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    client.query_one("SELECT count(*) FROM cockpit.imports", &[]).expect("count").get(0)
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 15).expect("day")
}

#[test]
fn operations_imports_the_book_and_members_who_join_receive_it() {
    let Some(url) = fresh_team() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let files = dir.path().join("book");
    std::fs::create_dir(&files).expect("dir");
    ok(cockpit(&dir.path().join("admin.db"), &["team", "init", &url]));
    let ops = dir.path().join("ops.db");
    ok(cockpit(&ops, &["team", "join", &url, "--as", "ops"]));
    let accounts = write(
        &files,
        "accounts.csv",
        "account_id,name,csm\nA1,Acme,ann\nA2,Apex,ann\nB1,Bolt,bob\n",
    );
    let said = ok(cockpit(&ops, &["team", "import", "accounts", accounts.to_str().expect("path")]));
    assert!(said.contains("3 accounts: 3 inserted"), "{said}");
    assert!(said.contains("members receive it on their next sync"), "{said}");
    write(
        &files,
        "snapshots.csv",
        "account_id,month,product,arr\nA1,2026-03,Core,100000\nA2,2026-03,Core,20000\nB1,2026-03,Core,50000\n",
    );
    write(
        &files,
        "contracts.csv",
        "contract_id,account_id,product,start_date,end_date,arr\n\
         C1,A1,Core,2025-07-01,2026-06-30,100000\nC2,A2,Core,2025-06-01,2026-05-31,20000\n\
         C3,B1,Core,2025-10-01,2026-09-30,50000\n",
    );
    write(
        &files,
        "tickets.csv",
        "ticket_id,account_id,opened_at,severity,closed_at,subject\nT1,B1,2026-04-01T09:00:00Z,high,,Login fails\n",
    );
    write(
        &files,
        "contacts.csv",
        "account_id,name,email,role\nA1,Dana Reyes,dana@acme.example,champion\n",
    );
    // A dry run checks against the team's book and sends nothing.
    let said =
        ok(cockpit(&ops, &["team", "import", "all", files.to_str().expect("path"), "--dry-run"]));
    assert!(said.contains("nothing was sent"), "{said}");
    assert_eq!(imports_on_server(&url), 1);
    let said =
        ok(cockpit(&ops, &["team", "import", "all", files.to_str().expect("path"), "--json"]));
    let json: serde_json::Value = serde_json::from_str(&said).expect("json");
    let kinds: Vec<&str> =
        json.as_array().expect("files").iter().filter_map(|f| f["kind"].as_str()).collect();
    // accounts.csv again (unchanged), then the rest, in the order they import.
    assert_eq!(kinds, ["accounts", "snapshots", "contracts", "tickets", "contacts"]);
    assert_eq!(imports_on_server(&url), 6);
    assert_eq!(open(&ops).outbox_len().expect("outbox"), 0, "the book data is not an event");

    // A bad file: refused where it is wrong, and the server is unchanged.
    let bad = write(&files, "bad.csv", "account_id,month,product,arr\nZ9,2026-03,Core,10\n");
    let said = fails(cockpit(&ops, &["team", "import", "snapshots", bad.to_str().expect("path")]));
    assert!(said.contains("bad.csv:2:"), "{said}");
    assert!(said.contains("was sent to the team; its database is unchanged"), "{said}");
    assert_eq!(imports_on_server(&url), 6);
    let said = fails(cockpit(&ops, &["team", "import", "snapshots", "--profile", "nope", "x.csv"]));
    assert!(said.contains("no built-in profile"), "{said}");

    // Two members join with no book of their own, and sync.
    for name in ["ann", "bob"] {
        let db = dir.path().join(format!("{name}-new.db"));
        ok(cockpit(&db, &["team", "join", &url, "--as", name]));
        let said = ok(cockpit(&db, &["sync"]));
        assert!(said.contains("6 files of the team's book data landed"), "{said}");
        let book = open(&db);
        let a1 = book.book_row("A1", day()).expect("read").expect("A1");
        assert_eq!(a1.arr, cockpit_core::domain::Money::from_units(100_000));
        assert_eq!(a1.next_renewal, NaiveDate::from_ymd_opt(2026, 6, 30));
        assert_eq!(a1.csm, "ann");
        let contacts = ok(cockpit(&db, &["export", "contacts"]));
        assert!(contacts.contains("Dana Reyes"), "{contacts}");
        assert_eq!(
            ok(cockpit(&db, &["export", "contracts"])),
            ok(cockpit(&ops, &["export", "contracts"])),
            "{name} holds the team's contracts"
        );
        assert_eq!(book.outbox_len().expect("outbox"), 0);
        // A second sync has nothing more to land.
        let again = ok(cockpit(&db, &["sync"]));
        assert!(!again.contains("book data landed"), "{again}");
    }

    // The manager's roll-up of the team.
    let bob = dir.path().join("bob-new.db");
    let said = ok(cockpit(&bob, &["team", "rollup", "--json"]));
    let json: serde_json::Value = serde_json::from_str(&said).expect("json");
    let csms: Vec<&str> =
        json["csms"].as_array().expect("csms").iter().filter_map(|c| c["csm"].as_str()).collect();
    assert_eq!(csms, ["ann", "bob"]);
    assert_eq!(json["csms"][0]["forecast"]["atr"], serde_json::json!(120000));
    assert_eq!(json["team"]["accounts"], 3);
    let table = ok(cockpit(&bob, &["team", "rollup"]));
    assert!(
        table.contains("csm") && table.contains("at stake") && table.contains("team"),
        "{table}"
    );
}
