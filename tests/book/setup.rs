//! Test setup writes no SQL: books are described through the testkit
//! (`cockpit_core::testkit::Book`), the store's own writes or CSV files, so
//! a change of schema edits the testkit, not the tests. The exceptions are
//! books no typed write can make, each listed here with its reason.

use std::path::{Path, PathBuf};

/// Files that may still write rows with SQL, and why.
const RAW_WRITES: &[(&str, &str)] = &[
    ("hostile", "the hostile corpus plants bad rows on purpose"),
    ("cli/open_rules.rs", "another program's database, not a cockpit book"),
    ("cli/targets.rs", "a 100,000-account book for timing, in one transaction"),
    ("cli/renewals.rs", "a 100,000-account book for timing, in one transaction"),
    ("book/setup.rs", "this file names what it looks for"),
    ("team/pieces.rs", "a file as an older cockpit stored it on the team's server, not a book"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read tests") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn test_books_are_not_written_with_sql() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut found = Vec::new();
    for file in files {
        let name =
            file.strip_prefix(&root).expect("under tests").to_string_lossy().replace('\\', "/");
        if RAW_WRITES
            .iter()
            .any(|(allowed, _)| name == *allowed || name.starts_with(&format!("{allowed}/")))
        {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read");
        for (at, line) in text.lines().enumerate() {
            let upper = line.to_ascii_uppercase();
            if ["INSERT INTO", "INSERT OR", "REPLACE INTO"].iter().any(|w| upper.contains(w)) {
                found.push(format!("tests/{name}:{}: {}", at + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "describe the book with cockpit_core::testkit::Book instead:\n{}",
        found.join("\n")
    );
}
