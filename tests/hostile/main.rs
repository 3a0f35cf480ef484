//! The hostile corpus: the real binary against what a careless or malicious
//! user could hand it — bad CSV, output paths that are the book, files that
//! are not cockpit databases or are damaged, text holding terminal escapes,
//! absurd arguments, and two processes at once. Every case asserts the
//! message the user sees and that the book is byte-for-byte as it was (or
//! changed exactly as the command promises). One `#[test]` per category runs
//! all its cases and names every failing one.

#![cfg(unix)]

#[path = "../common/db.rs"]
#[allow(dead_code)]
mod db;

mod args;
mod concurrency;
mod csv_input;
mod harness;
mod paths;
mod schema;
mod terminal;

#[test]
fn hostile_csv_input() {
    csv_input::cases();
}

#[test]
fn hostile_paths() {
    paths::cases();
}

#[test]
fn hostile_schema() {
    schema::cases();
}

#[test]
fn hostile_terminal_text() {
    terminal::cases();
}

#[test]
fn hostile_cli_arguments() {
    args::cases();
}

#[test]
fn hostile_concurrency() {
    concurrency::cases();
}
