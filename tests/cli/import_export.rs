//! `export all` / `import all` and the import's ways of talking, as a user
//! runs them: a folder written and read back byte for byte, `--dry-run`
//! writing nothing, `--json` summaries for scripts, `--quiet` silence and no
//! progress bar when standard error is not a terminal.

use crate::common;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn cockpit(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .args(args)
        .env("COCKPIT_DB", db)
        .env("COCKPIT_TODAY", "2025-03-15")
        .env("COCKPIT_USER", "kim")
        .output()
        .expect("run cockpit")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn count(db: &Path, table: &str) -> String {
    common::import::query(db, &format!("SELECT count(*) FROM {table}"))[0][0].clone()
}

/// Every file of a folder, by name, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|entry| {
            let entry = entry.expect("entry");
            (
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read(entry.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn export_all_then_import_all_gives_back_the_same_files_in_both_formats() {
    let (dir, db, _store) = common::import::fixture_book();
    for format in ["csv", "json"] {
        let out = dir.path().join(format!("out-{format}"));
        let done = cockpit(
            &db,
            &["export", "all", "--out", out.to_str().expect("utf8"), "--format", format],
        );
        assert!(done.status.success(), "{}", text(&done.stderr));
        let written = files(&out);
        let names: Vec<&str> = written.iter().map(|(name, _)| name.as_str()).collect();
        for stem in [
            "accounts",
            "snapshots",
            "contracts",
            "notes",
            "subscriptions",
            "health_changes",
            "trials",
            "churn_chains",
            "snoozes",
        ] {
            assert!(names.contains(&format!("{stem}.{format}").as_str()), "{names:?}");
        }
        assert!(
            text(&done.stderr).contains(&format!("accounts.{format}: 3 accounts exported")),
            "{}",
            text(&done.stderr)
        );

        let fresh = dir.path().join(format!("fresh-{format}.db"));
        let done = cockpit(&fresh, &["import", "all", out.to_str().expect("utf8"), "--json"]);
        assert!(done.status.success(), "{}", text(&done.stderr));
        let summary: Value = serde_json::from_slice(&done.stdout).expect("json");
        let list = summary.as_array().expect("a list");
        assert_eq!(list.len(), written.len());
        assert_eq!(list[0]["kind"], "accounts");
        assert_eq!(list[0]["inserted"], 3);
        assert_eq!(list[0]["updated"], 0);
        assert_eq!(list[0]["unchanged"], 0);
        assert_eq!(list[0]["warnings"], Value::Array(vec![]));
        assert!(list[0]["file"].as_str().expect("file").ends_with(&format!("accounts.{format}")));
        let health = list.iter().find(|f| f["kind"] == "health_changes").expect("history");
        assert_eq!(
            health["inserted"].as_u64(),
            Some(count(&db, "health_changes").parse().expect("n"))
        );

        let again = dir.path().join(format!("again-{format}"));
        let done = cockpit(
            &fresh,
            &["export", "all", "--out", again.to_str().expect("utf8"), "--format", format],
        );
        assert!(done.status.success(), "{}", text(&done.stderr));
        assert!(files(&again) == written, "the second export differs from the first ({format})");
    }
}

#[test]
fn import_all_refuses_a_book_with_rows_and_changes_nothing() {
    let (dir, db, _store) = common::import::fixture_book();
    let out = dir.path().join("out");
    assert!(
        cockpit(&db, &["export", "all", "--out", out.to_str().expect("utf8")]).status.success()
    );
    let before = count(&db, "accounts");
    let done = cockpit(&db, &["import", "all", out.to_str().expect("utf8")]);
    assert_eq!(done.status.code(), Some(1));
    let said = text(&done.stderr);
    assert!(said.contains("the book is not empty; `import all` fills a new book only"), "{said}");
    assert!(said.contains("nothing was imported"), "{said}");
    assert_eq!(count(&db, "accounts"), before);
    // A folder is required for `export all`.
    let done = cockpit(&db, &["export", "all"]);
    assert_eq!(done.status.code(), Some(2));
    assert!(text(&done.stderr).contains("name it with --out DIR"), "{}", text(&done.stderr));
}

#[test]
fn a_dry_run_counts_what_it_would_do_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("book.db");
    let accounts = common::import::data("accounts.csv");
    let done = cockpit(&db, &["import", "accounts", accounts.to_str().expect("utf8"), "--dry-run"]);
    assert!(done.status.success(), "{}", text(&done.stderr));
    let said = text(&done.stdout);
    assert!(said.contains("3 accounts: 3 inserted, 0 updated, 0 unchanged"), "{said}");
    assert!(said.contains("dry run: nothing was written; the database is unchanged"), "{said}");
    // A dry run into a path with no book checks against an empty book and
    // leaves nothing behind: no file, no sidecar, no folder.
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(leftovers.is_empty(), "a dry run left {leftovers:?}");
    let nested = dir.path().join("typo").join("new.db");
    let done =
        cockpit(&nested, &["import", "accounts", accounts.to_str().expect("utf8"), "--dry-run"]);
    assert_eq!(done.status.code(), Some(1), "{}", text(&done.stdout));
    assert!(text(&done.stderr).contains("typo"), "{}", text(&done.stderr));
    assert!(!dir.path().join("typo").exists(), "a dry run made a folder");
    // The real run does what the dry run said; a second dry run then finds
    // every row unchanged, and errors are the real import's.
    assert!(
        cockpit(&db, &["import", "accounts", accounts.to_str().expect("utf8")]).status.success()
    );
    let done = cockpit(
        &db,
        &["import", "accounts", accounts.to_str().expect("utf8"), "--dry-run", "--json"],
    );
    let summary: Value = serde_json::from_slice(&done.stdout).expect("json");
    assert_eq!(summary["kind"], "accounts");
    assert_eq!((summary["inserted"].as_u64(), summary["unchanged"].as_u64()), (Some(0), Some(3)));
    assert_eq!(summary["dry_run"], true);
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "account_id,name,stage\nX-1,Ex,sideways\n").expect("write");
    let done = cockpit(&db, &["import", "accounts", bad.to_str().expect("utf8"), "--dry-run"]);
    assert_eq!(done.status.code(), Some(1));
    assert!(
        text(&done.stderr).contains(&format!("{}:2:3: stage:", bad.display())),
        "{}",
        text(&done.stderr)
    );
}

#[test]
fn quiet_says_nothing_and_a_piped_import_draws_no_progress_bar() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("book.db");
    let accounts = common::import::data("accounts.csv");
    let done = cockpit(&db, &["import", "accounts", accounts.to_str().expect("utf8"), "--quiet"]);
    assert!(done.status.success());
    assert_eq!((text(&done.stdout), text(&done.stderr)), (String::new(), String::new()));
    assert_eq!(count(&db, "accounts"), "3");
    let notes = common::import::data("notes.csv");
    let done = cockpit(&db, &["import", "notes", notes.to_str().expect("utf8")]);
    assert!(done.status.success());
    let stderr = text(&done.stderr);
    assert!(!stderr.contains('\r') && !stderr.contains('\u{1b}'), "{stderr:?}");
}

#[test]
fn import_all_refuses_a_profile_and_makes_no_book() {
    let (dir, db, _store) = common::import::fixture_book();
    let out = dir.path().join("out");
    let done = cockpit(&db, &["export", "all", "--out", out.to_str().expect("utf8")]);
    assert!(done.status.success(), "{}", text(&done.stderr));
    let fresh = dir.path().join("fresh.db");
    let done = cockpit(
        &fresh,
        &["import", "all", out.to_str().expect("utf8"), "--profile", "hubspot-companies"],
    );
    assert_eq!(done.status.code(), Some(2));
    let stderr = text(&done.stderr);
    assert!(stderr.contains("import all reads the files `export all` wrote"), "{stderr}");
    assert!(stderr.contains("the database is unchanged"), "{stderr}");
    assert!(!fresh.exists(), "no book was made");
}
