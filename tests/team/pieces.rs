//! The team's files travel in pieces: a push or a pull killed with SIGKILL
//! at any point leaves no part of a file on the server and none in the
//! book, and the next one finishes the job; a file an older cockpit stored
//! as one value is still read.

use super::*;
use std::time::Duration;

/// Pieces this small cut the test's files into hundreds.
const PIECE: &str = "2048";

/// A book folder of `accounts` accounts with ten notes each.
fn book_files(dir: &Path, accounts: usize) -> PathBuf {
    let folder = dir.join("book");
    std::fs::create_dir_all(&folder).expect("dir");
    let mut csv = String::from("account_id,name,csm,stage,health\n");
    let mut notes = String::from("account_id,at,kind,text\n");
    for n in 0..accounts {
        csv.push_str(&format!("P{n:05},Account {n},csm{},adoption,green\n", n % 7));
        for k in 0..10 {
            notes.push_str(&format!(
                "P{n:05},2026-03-{:02}T09:00:00Z,note,Note {k} of account {n}\n",
                k + 1
            ));
        }
    }
    std::fs::write(folder.join("accounts.csv"), csv).expect("write");
    std::fs::write(folder.join("notes.csv"), notes).expect("write");
    folder
}

fn in_pieces(mut command: Command) -> Command {
    command.env("COCKPIT_TEAM_CHUNK_BYTES", PIECE);
    command
}

fn kill_after(mut command: Command, millis: u64) {
    let mut child = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(millis));
    let _ = child.kill();
    let _ = child.wait();
}

/// Every file on the server, as (kind, bytes put back together from its
/// pieces); a file whose pieces do not add up fails the test.
fn files_on_server(url: &str) -> Vec<(String, Vec<u8>)> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    let rows = client
        .query("SELECT seq, kind, chunks FROM cockpit.imports ORDER BY seq", &[])
        .expect("imports");
    let mut files = Vec::new();
    for row in rows {
        let (seq, kind, chunks): (i64, String, Option<i32>) = (row.get(0), row.get(1), row.get(2));
        let pieces = client
            .query("SELECT n, data FROM cockpit.import_chunks WHERE seq = $1 ORDER BY n", &[&seq])
            .expect("pieces");
        let numbers: Vec<i32> = pieces.iter().map(|p| p.get(0)).collect();
        assert_eq!(Some(numbers.len() as i32), chunks, "import {seq} holds all its pieces");
        assert_eq!(numbers, (0..numbers.len() as i32).collect::<Vec<_>>(), "in order, once each");
        let bytes: Vec<u8> = pieces.iter().flat_map(|p| p.get::<_, &[u8]>(1).to_vec()).collect();
        files.push((kind, bytes));
    }
    files
}

#[test]
fn a_push_or_pull_of_pieces_killed_anywhere_loses_nothing_and_repeats_nothing() {
    let Some(url) = fresh_team() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let folder = book_files(dir.path(), 3_000);
    let accounts = std::fs::read(folder.join("accounts.csv")).expect("read");
    let notes = std::fs::read(folder.join("notes.csv")).expect("read");
    ok(cockpit(&dir.path().join("admin.db"), &["team", "init", &url]));
    let ops = dir.path().join("ops.db");
    ok(cockpit(&ops, &["team", "join", &url, "--as", "ops"]));
    let send =
        || in_pieces(cockpit(&ops, &["team", "import", "all", folder.to_str().expect("path")]));
    for millis in [500, 2_000, 3_500, 5_000] {
        kill_after(send(), millis);
        // Whatever the server holds is whole files: both, or neither.
        let held = files_on_server(&url);
        assert!(held.len().is_multiple_of(2), "the two files travel together: {}", held.len());
        for (kind, bytes) in &held {
            let file = if kind == "accounts" { &accounts } else { &notes };
            assert!(bytes == file, "{kind} on the server is the file, whole");
        }
    }
    let before = files_on_server(&url).len();
    ok(send());
    let held = files_on_server(&url);
    assert_eq!(held.len(), before + 2);
    assert!(held[before].1 == accounts && held[before + 1].1 == notes);
    assert!(accounts.len() / 2048 > 20, "the accounts file travelled in pieces");

    // Two new members: one pulls killed at several points, one in one go.
    let steady = dir.path().join("steady.db");
    ok(cockpit(&steady, &["team", "join", &url, "--as", "steady"]));
    ok(in_pieces(cockpit(&steady, &["sync"])));
    let shaken = dir.path().join("shaken.db");
    ok(cockpit(&shaken, &["team", "join", &url, "--as", "shaken"]));
    let last = open(&steady).team_imports_cursor().expect("cursor");
    for millis in [150, 500, 900, 1_300] {
        kill_after(in_pieces(cockpit(&shaken, &["sync"])), millis);
        let book = open(&shaken);
        let cursor = book.team_imports_cursor().expect("cursor");
        let rows = book.book_rows(chrono::NaiveDate::from_ymd_opt(2026, 4, 15).expect("day"));
        let rows = rows.expect("rows").len();
        // The files land together with the book's place in them, or not at all.
        assert!(
            (cursor == 0 && rows == 0) || (cursor == last && rows == 3_000),
            "cursor {cursor} with {rows} accounts"
        );
    }
    ok(in_pieces(cockpit(&shaken, &["sync"])));
    assert_eq!(dump(&shaken), dump(&steady), "the same book, nothing twice");
    assert_eq!(open(&shaken).account_notes("P00042").expect("notes").len(), 10);
}

#[test]
fn a_file_an_older_cockpit_stored_as_one_value_is_still_read() {
    let Some(url) = fresh_team() else { return };
    let dir = tempfile::tempdir().expect("dir");
    ok(cockpit(&dir.path().join("admin.db"), &["team", "init", &url]));
    let folder = book_files(dir.path(), 500);
    let accounts = std::fs::read(folder.join("accounts.csv")).expect("read");
    // As the team schema 2 stored it: the whole file in `body`, no pieces.
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    client
        .execute(
            "INSERT INTO cockpit.imports (kind, file, body, imported_by, imported_at)
             VALUES ('accounts', 'accounts.csv', $1, 'ops', '2026-04-01T09:00:00.000Z')",
            &[&accounts],
        )
        .expect("an old file");
    let member = dir.path().join("ann.db");
    ok(cockpit(&member, &["team", "join", &url, "--as", "ann"]));
    // Read in slices far smaller than the file.
    let said = ok(in_pieces(cockpit(&member, &["sync"])));
    assert!(said.contains("1 files of the team's book data landed"), "{said}");
    let day = chrono::NaiveDate::from_ymd_opt(2026, 4, 15).expect("day");
    let book = open(&member);
    assert_eq!(book.book_rows(day).expect("rows").len(), 500);
    let last = book.book_row("P00499", day).expect("read").expect("the last account");
    assert_eq!(last.name, "Account 499");
}
