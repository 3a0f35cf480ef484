//! Accounts into an empty book (written as read when in id order, the rest
//! sorted at the end) and into a stored one (row by row): the same
//! accounts stored, the same history, the same report and messages,
//! whatever the order of the ids and however often one repeats.

use crate::clock::Clock;
use crate::import::{ImportKind, import_reader};
use crate::store::Store;
use crate::testkit::Book;
use proptest::prelude::*;

fn clock() -> Clock {
    Clock::fixed(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("day"))
}

fn import(store: &mut Store, text: &str) -> Result<String, String> {
    import_reader(store, ImportKind::Accounts, "f.csv", text.as_bytes(), "ana", &clock())
        .map(|report| report.to_string())
        .map_err(|error| error.to_string())
}

/// The accounts of the file's ids as stored, with their stage history.
fn stored(store: &Store, ids: &[String]) -> Vec<String> {
    let rows = store.book_rows(clock().today()).expect("rows");
    let mut seen: Vec<String> = Vec::new();
    for row in rows.iter().filter(|row| ids.contains(&row.id)) {
        let history = store.stage_history(&row.id).expect("history");
        let history: Vec<String> =
            history.iter().map(|h| format!("{} {}", h.stage.as_str(), h.who)).collect();
        seen.push(format!("{} {} {:?}", row.id, row.name, history));
    }
    seen.sort();
    seen
}

/// An accounts file of `ids` (each row named after its line).
fn file(ids: &[String]) -> String {
    let mut text = "account_id,name\n".to_string();
    for (at, id) in ids.iter().enumerate() {
        text.push_str(&format!("{id},Name {}\n", at + 2));
    }
    text
}

fn agree(ids: &[String]) -> Result<(), String> {
    let mut empty = Store::open_in_memory().map_err(|e| e.to_string())?;
    let mut held = Book::new().accounts("id, name\nZZ, Held").open_in_memory();
    let text = file(ids);
    let (a, b) = (import(&mut empty, &text), import(&mut held, &text));
    let (rows_a, rows_b) = (stored(&empty, ids), stored(&held, ids));
    match (&a, &b) {
        (Ok(x), Ok(y)) if x == y && rows_a == rows_b => Ok(()),
        (Err(x), Err(y)) if x == y && rows_a.is_empty() && rows_b.is_empty() => Ok(()),
        _ => Err(format!("{a:?} against {b:?}\n{rows_a:?}\n{rows_b:?}")),
    }
}

#[test]
fn ids_out_of_order_and_repeated_are_found_where_they_are() {
    let ids: Vec<String> =
        ["B", "A", "C", "A", "B", "D", "B"].iter().map(|s| s.to_string()).collect();
    let mut store = Store::open_in_memory().expect("store");
    let error = import(&mut store, &file(&ids)).expect_err("repeats");
    assert!(
        error.contains("f.csv:5:1: account_id: \"A\" appears twice in this file (first on line 3)"),
        "{error}"
    );
    assert!(
        error.contains("f.csv:6:1: account_id: \"B\" appears twice in this file (first on line 2)"),
        "{error}"
    );
    assert!(
        error.contains("f.csv:8:1: account_id: \"B\" appears twice in this file (first on line 2)"),
        "{error}"
    );
    assert!(stored(&store, &ids).is_empty(), "nothing was written");
    agree(&ids).expect("both ways");
    // Out of order without repeats: every account, each once.
    let ids: Vec<String> = ["C", "A", "D", "B"].iter().map(|s| s.to_string()).collect();
    import(&mut store, &file(&ids)).expect("imported");
    assert_eq!(stored(&store, &ids).len(), 4);
    agree(&ids).expect("both ways");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn both_ways_agree_whatever_the_order(ids in prop::collection::vec("[A-F]", 0..12)) {
        prop_assert!(agree(&ids).is_ok(), "{:?}", agree(&ids));
    }
}
