//! Members editing the same accounts offline, then syncing in different
//! orders, end with identical books; the commands say what they did.

use super::*;
use chrono::{DateTime, NaiveDate, Utc};
use cockpit_core::domain::{Health, NoteKind, Stage};

fn at(minute: u32) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("2026-04-15T09:{minute:02}:00Z"))
        .expect("time")
        .with_timezone(&Utc)
}

/// A morning of edits on the same accounts, each member offline.
fn edit_offline(members: &[PathBuf]) {
    let [ann, bob, cy] = members else { panic!("three members") };
    let (ann, bob, cy) = (open(ann), open(bob), open(cy));
    ann.set_health("A1", Health::Orange, "usage fell", "ann", at(10)).expect("health");
    bob.set_health("A1", Health::Red, "sponsor left", "bob", at(20)).expect("health");
    cy.set_health("A1", Health::Yellow, "good call", "cy", at(5)).expect("health");
    ann.add_note("A1", NoteKind::Call, "QBR booked", "ann", at(11)).expect("note");
    bob.add_note("B2", NoteKind::Email, "deck sent", "bob", at(12)).expect("note");
    cy.set_stage("C3", Stage::Adoption, "first team live", "cy", at(40)).expect("stage");
    bob.set_stage("C3", Stage::Absorption, "second region", "bob", at(41)).expect("stage");
    ann.snooze("B2", "renewal:90", NaiveDate::from_ymd_opt(2026, 5, 1).expect("day"))
        .expect("snooze");
    cy.snooze("B2", "renewal:90", NaiveDate::from_ymd_opt(2026, 6, 1).expect("day"))
        .expect("snooze");
    // Reassigning an account: its history goes with it (it is the account's).
    ann.set_owners("C3", "bob", "").expect("owners");
}

fn sync(db: &Path) -> String {
    ok(cockpit(db, &["sync"]))
}

fn converge_in(order: &[usize]) {
    let Some(url) = fresh_team() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let members = team_of(dir.path(), &url, &["ann", "bob", "cy"]);
    edit_offline(&members);
    for &at in order {
        sync(&members[at]);
    }
    for db in members.iter().chain(members.iter()) {
        sync(db);
    }
    let dumps: Vec<String> = members.iter().map(|db| dump(db)).collect();
    assert_eq!(dumps[0], dumps[1], "ann and bob differ");
    assert_eq!(dumps[1], dumps[2], "bob and cy differ");
    let book = open(&members[2]);
    let history = book.health_history("A1").expect("history");
    assert_eq!(history.len(), 3, "the histories are a union");
    // The latest change by time wins everywhere: bob's red at 09:20.
    let row = book.book_row("A1", NaiveDate::from_ymd_opt(2026, 4, 15).expect("d"));
    let row = row.expect("row").expect("A1");
    assert_eq!(row.health, Some(Health::Red));
    let c3 = book.book_row("C3", NaiveDate::from_ymd_opt(2026, 4, 15).expect("d"));
    let c3 = c3.expect("row").expect("C3");
    assert_eq!(c3.stage, Stage::Absorption);
    assert_eq!(c3.csm, "bob");
    let (rows, distinct) = server_counts(&url);
    assert_eq!(rows, distinct);
}

#[test]
fn three_members_editing_offline_converge_whatever_the_order_of_syncs() {
    converge_in(&[0, 1, 2]);
    converge_in(&[2, 1, 0, 2]);
    converge_in(&[1, 1, 0]);
}

#[test]
fn a_sync_says_what_it_did_and_a_second_sends_nothing() {
    let Some(url) = fresh_team() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let members = team_of(dir.path(), &url, &["ann", "bob"]);
    open(&members[0]).add_note("A1", NoteKind::Call, "hello", "ann", at(1)).expect("note");
    let said = sync(&members[0]);
    assert!(said.contains("sent 1 events, received 0"), "{said}");
    let said = ok(cockpit(&members[1], &["sync", "--json"]));
    let json: serde_json::Value = serde_json::from_str(&said).expect("json");
    assert_eq!(json["pulled"], 1);
    assert_eq!(json["applied"], 1);
    assert!(!json["team"].as_str().unwrap_or("").contains(':') || !said.contains("password"));
    let said = sync(&members[0]);
    assert!(said.contains("sent 0 events, received 0"), "{said}");
    let status = ok(cockpit(&members[1], &["team", "status"]));
    assert!(status.contains("member bob of"), "{status}");
    assert!(status.contains("waiting to be sent: 0 events"), "{status}");
    assert!(!status.contains("last sync: never"), "{status}");
    // Joining again under the same name changes nothing; another name is refused.
    ok(cockpit(&members[1], &["team", "join", &url, "--as", "bob"]));
    let refused = fails(cockpit(&members[1], &["team", "join", &url, "--as", "eve"]));
    assert!(refused.contains("already belongs to a team as bob"), "{refused}");
    // init on a current team changes nothing.
    let again = ok(cockpit(&members[0], &["team", "init", &url]));
    assert!(again.contains("nothing changed"), "{again}");
}

#[test]
fn without_a_team_nothing_is_recorded_and_sync_says_how_to_join() {
    let dir = tempfile::tempdir().expect("dir");
    let db = member_book(dir.path(), "alone");
    open(&db).add_note("A1", NoteKind::Call, "solo", "ann", at(1)).expect("note");
    assert_eq!(open(&db).outbox_len().expect("outbox"), 0);
    let said = fails(cockpit(&db, &["sync"]));
    assert!(said.contains("no team configured"), "{said}");
    let status = ok(cockpit(&db, &["team", "status"]));
    assert!(status.contains("has not joined a team"), "{status}");
    let refused =
        fails(cockpit(&db, &["team", "join", "postgres://ann@127.0.0.1:1/none", "--as", "ann"]));
    assert!(
        refused.contains("cannot reach the team database at postgres://ann@127.0.0.1:1/none"),
        "{refused}"
    );
    assert!(
        open(&db).team_membership().expect("membership").is_none(),
        "a failed join leaves the book alone"
    );
}

/// Offline edits, then CS operations re-imports the accounts file, then
/// more offline edits; the members sync in `order`.
fn converge_around_an_import(order: &[usize]) {
    let Some(url) = fresh_team() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let members = team_of(dir.path(), &url, &["ann", "bob", "cy"]);
    let ops = dir.path().join("ops.db");
    ok(cockpit(&ops, &["team", "join", &url, "--as", "ops"]));
    edit_offline(&members);
    {
        // Before the file: bob gives A1 to dan (the file says erin).
        let bob = open(&members[1]);
        bob.set_owners("A1", "dan", "hal").expect("owners");
        bob.set_flags("B2", cockpit_core::domain::Flags::parse("reference").expect("flag"))
            .expect("flags");
    }
    let file = dir.path().join("accounts.csv");
    std::fs::write(
        &file,
        "account_id,name,csm,stage,health\n\
         A1,Acme,erin,adoption,\n\
         B2,Globex,bob,absorption,green\n\
         C3,Initech,cy,,\n",
    )
    .expect("write");
    ok(cockpit(&ops, &["team", "import", "accounts", file.to_str().expect("path")]));
    {
        // After the file: cy takes B2, ann moves A1's health (history times
        // are the user's; the file's rows are later, so its stage stands).
        let cy = open(&members[2]);
        cy.set_owners("B2", "cy", "").expect("owners");
        let ann = open(&members[0]);
        ann.set_health("C3", Health::Red, "outage", "ann", at(50)).expect("health");
    }
    for &at in order {
        sync(&members[at]);
    }
    for db in members.iter().chain(members.iter()).chain([&ops]) {
        sync(db);
    }
    // (ops's own book started empty: its accounts are the file's alone.)
    let dumps: Vec<String> = members.iter().map(|db| dump(db)).collect();
    assert_eq!(dumps[0], dumps[1], "ann and bob differ");
    assert_eq!(dumps[1], dumps[2], "bob and cy differ");
    let book = open(&members[0]);
    let row = |id: &str| {
        book.book_row(id, NaiveDate::from_ymd_opt(2026, 4, 15).expect("d"))
            .expect("row")
            .expect("account")
    };
    // The file is later than bob's change of A1's CSM; it carries no AM, so
    // bob's AM stands; cy's change of B2 is later than the file.
    let (a1, b2, c3) = (row("A1"), row("B2"), row("C3"));
    assert_eq!((a1.csm.as_str(), a1.am.as_str()), ("erin", "hal"));
    assert_eq!(a1.stage, Stage::Adoption);
    assert_eq!(b2.csm, "cy");
    assert_eq!(b2.stage, Stage::Absorption);
    assert_eq!(b2.health, Some(Health::Green), "the file's health is later than bob's red");
    assert_eq!(c3.csm, "cy", "the file is later than ann's reassigning C3 to bob");
    assert_eq!(c3.stage, Stage::Absorption, "the file gives no stage for C3");
}

#[test]
fn an_accounts_file_imported_between_offline_edits_converges_by_time() {
    converge_around_an_import(&[0, 1, 2]);
    converge_around_an_import(&[2, 1, 0, 2]);
    converge_around_an_import(&[1, 1, 0]);
}
