//! The team's book data with departures: a contacts file CS operations
//! imports with a key person's `left_on` raises the sponsor-change note and
//! its playbook once per departure on every member, as a local import does,
//! however often they sync or the file is sent again; and a team accounts
//! file that changes nothing writes no history.

use super::*;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.to_str().expect("path").to_string()
}

/// `cockpit` on today's real date: the team's files are read on the day the
/// server took them.
fn now(db: &Path, args: &[&str]) -> Command {
    let mut command = cockpit(db, args);
    command.env_remove("COCKPIT_TODAY");
    command
}

/// The day Bo Li left: three days before the server's today.
fn left_on() -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(3)).to_string()
}

/// The sponsor-change notes and playbook tasks the member of `db` holds on A1.
fn sponsor_changes(db: &Path) -> (usize, usize) {
    let notes = ok(now(db, &["export", "notes"]));
    let said = format!("Bo Li (executive sponsor, CFO) left on {}", left_on());
    let noted = notes.matches(&said).count();
    let tasks = ok(now(db, &["tasks", "--json"]));
    (noted, tasks.matches("\"playbook\":\"sponsor_change\"").count())
}

#[test]
fn a_departure_in_the_teams_contacts_raises_the_sponsor_change_once_on_each_member() {
    let Some(url) = fresh_team() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let members = team_of(dir.path(), &url, &["ann", "bob"]);
    let ops = member_book(dir.path(), "ops");
    ok(now(&ops, &["team", "join", &url, "--as", "ops"]));
    let there = write(
        dir.path(),
        "there.csv",
        "account_id,name,email,role,title\nA1,Bo Li,,executive_sponsor,CFO\nA1,Ed Wu,,user,\n",
    );
    ok(now(&ops, &["team", "import", "contacts", &there]));
    for db in &members {
        ok(now(db, &["sync"]));
        assert_eq!(sponsor_changes(db), (0, 0));
    }
    let left = write(
        dir.path(),
        "left.csv",
        &format!(
            "account_id,name,email,role,title,left_on\nA1,Bo Li,,executive_sponsor,CFO,{day}\nA1,Ed Wu,,user,,{day}\n",
            day = left_on()
        ),
    );
    ok(now(&ops, &["team", "import", "contacts", &left]));
    for db in &members {
        ok(now(db, &["sync"]));
        assert_eq!(sponsor_changes(db), (1, 1), "{}", db.display());
    }
    // Everyone syncs again, in turn, and the same file is sent again.
    for db in members.iter().chain([&ops]) {
        ok(now(db, &["sync"]));
    }
    ok(now(&ops, &["team", "import", "contacts", &left]));
    for db in members.iter().chain(members.iter()).chain([&ops]) {
        ok(now(db, &["sync"]));
        assert_eq!(sponsor_changes(db), (1, 1), "{}", db.display());
    }
    assert_eq!(dump(&members[0]), dump(&members[1]));
}

#[test]
fn a_team_accounts_file_that_changes_nothing_writes_no_history() {
    let Some(url) = fresh_team() else { return };
    let dir = tempfile::tempdir().expect("dir");
    ok(cockpit(&dir.path().join("admin.db"), &["team", "init", &url]));
    let ops = dir.path().join("ops.db");
    ok(cockpit(&ops, &["team", "join", &url, "--as", "ops"]));
    let first = write(
        dir.path(),
        "accounts.csv",
        "account_id,name,csm,stage,health\nP1,Pax,ann,adoption,green\nP2,Pell,bob,adoption,yellow\n",
    );
    ok(cockpit(&ops, &["team", "import", "accounts", &first]));
    let ann = dir.path().join("ann.db");
    ok(cockpit(&ann, &["team", "join", &url, "--as", "ann"]));
    ok(cockpit(&ann, &["sync"]));
    let history = |db: &Path| {
        let book = open(db);
        ["P1", "P2"].map(|id| {
            let stages = book.stage_history(id).expect("stages").len();
            let healths = book.health_history(id).expect("healths").len();
            (stages, healths)
        })
    };
    assert_eq!(history(&ann), [(1, 1), (1, 1)]);
    // The same file again: nothing changed, nothing written.
    ok(cockpit(&ops, &["team", "import", "accounts", &first]));
    ok(cockpit(&ann, &["sync"]));
    assert_eq!(history(&ann), [(1, 1), (1, 1)]);
    // P2's stage moves and its health stays: one stage row, no health row.
    let second = write(
        dir.path(),
        "accounts.csv",
        "account_id,name,csm,stage,health\nP1,Pax,ann,adoption,green\nP2,Pell,bob,adaptation,yellow\n",
    );
    ok(cockpit(&ops, &["team", "import", "accounts", &second]));
    ok(cockpit(&ann, &["sync"]));
    assert_eq!(history(&ann), [(1, 1), (2, 1)]);
    // A member who joins now holds the same history.
    let cy = dir.path().join("cy.db");
    ok(cockpit(&cy, &["team", "join", &url, "--as", "cy"]));
    ok(cockpit(&cy, &["sync"]));
    assert_eq!(history(&cy), history(&ann));
    assert_eq!(dump(&cy), dump(&ann));
}
