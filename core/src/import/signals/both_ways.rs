//! Tickets and survey answers into an empty table (read beside, written many
//! to a statement) and into a stored one (row by row): the same rows stored,
//! the same report, the same messages.

use crate::clock::Clock;
use crate::import::{ImportKind, import_reader};
use crate::store::Store;
use crate::testkit::Book;
use proptest::prelude::*;

fn clock() -> Clock {
    Clock::fixed(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("day"))
}

fn import(store: &mut Store, kind: ImportKind, text: &str) -> Result<String, String> {
    import_reader(store, kind, "f.csv", text.as_bytes(), "ana", &clock())
        .map(|report| report.to_string())
        .map_err(|error| error.to_string())
}

/// A book of accounts A, B and C; with `stored`, C already has a ticket and
/// an answer, so an import goes row by row instead of into an empty table.
fn store(stored: bool) -> Store {
    let mut store = Book::new().accounts("id, name\nA, Ay\nB, Bee\nC, Cee").open_in_memory();
    if stored {
        let tickets = "ticket_id,account_id,opened_at,severity\nSEED,C,2020-01-01,low\n";
        import(&mut store, ImportKind::Tickets, tickets).expect("seed tickets");
        let surveys = "account_id,answered_at,kind,score\nC,2020-01-01,nps,9\n";
        import(&mut store, ImportKind::Surveys, surveys).expect("seed surveys");
    }
    store
}

fn tickets(store: &Store) -> Vec<String> {
    ["A", "B"]
        .iter()
        .flat_map(|id| store.account_tickets(id).expect("tickets"))
        .map(|t| format!("{t:?}"))
        .collect()
}

fn surveys(store: &Store) -> Vec<String> {
    ["A", "B"]
        .iter()
        .flat_map(|id| store.account_surveys(id).expect("surveys"))
        .map(|s| format!("{s:?}"))
        .collect()
}

/// Both ways agree on the outcome of `text`, and on the rows stored.
fn agree(kind: ImportKind, text: &str, rows: fn(&Store) -> Vec<String>) -> Result<(), String> {
    let (mut empty, mut stored) = (store(false), store(true));
    let (a, b) = (import(&mut empty, kind, text), import(&mut stored, kind, text));
    match (&a, &b) {
        (Ok(a), Ok(b)) if a == b && rows(&empty) == rows(&stored) => Ok(()),
        (Err(a), Err(b)) if a == b && rows(&empty).is_empty() && rows(&stored).is_empty() => Ok(()),
        _ => Err(format!("{a:?} against {b:?}\n{:?}\n{:?}", rows(&empty), rows(&stored))),
    }
}

#[test]
fn a_ticket_given_twice_is_found_either_way_with_its_first_line() {
    let text = "ticket_id,account_id,opened_at,severity,closed_at,subject\n\
                T1,A,2025-03-01,low,,One\nT2,B,2025-03-02,high,,Two\nT1,B,2025-03-03,low,,Again\n";
    agree(ImportKind::Tickets, text, tickets).expect("agree");
    let refused = import(&mut store(false), ImportKind::Tickets, text).expect_err("refused");
    assert_eq!(
        refused,
        "f.csv:4:1: ticket_id: \"T1\" appears twice in this file (first on line 2)"
    );
}

#[test]
fn an_answer_given_twice_is_found_even_when_its_account_comes_back() {
    let text = "account_id,answered_at,kind,score,comment\n\
                A,2025-03-01,nps,9,Good\nB,2025-03-01,nps,9,Good\nA,2025-03-01,nps,9,Good\n\
                A,2025-03-01,nps,9,Other\n";
    agree(ImportKind::Surveys, text, surveys).expect("agree");
    let refused = import(&mut store(false), ImportKind::Surveys, text).expect_err("refused");
    assert!(
        refused
            .starts_with("f.csv:4: the same answer appears twice in this file (first on line 2)"),
        "{refused}"
    );
    let good = "account_id,answered_at,kind,score,comment\n\
                B,2025-03-01,csat,4,\nA,2025-03-01,nps,9,Good\nB,2025-03-01,nps,4,\n";
    let mut empty = store(false);
    assert_eq!(
        import(&mut empty, ImportKind::Surveys, good).expect("good"),
        "f.csv: 3 surveys: 3 inserted, 0 updated, 0 unchanged"
    );
    assert_eq!(surveys(&empty).len(), 3);
}

fn account() -> impl Strategy<Value = &'static str> {
    prop_oneof![4 => Just("A"), 4 => Just("B"), 1 => Just("Z"), 1 => Just("")]
}

fn day() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (1u32..4).prop_map(|d| format!("2025-03-0{d}")),
        1 => Just("2025-03-01T09:30:00Z".to_string()),
        1 => Just("soon".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any tickets file, good or bad.
    #[test]
    fn tickets_both_ways_agree(rows in proptest::collection::vec(
        (
            0u32..5,
            account(),
            day(),
            prop_oneof![Just("low"), Just("urgent"), Just("bad")],
            prop_oneof![3 => Just(String::new()), 2 => day()],
            prop_oneof![Just(""), Just("Login fails"), Just(" spaced ")],
        ),
        0..30,
    )) {
        let mut text = "ticket_id,account_id,opened_at,severity,closed_at,subject\n".to_string();
        for (id, account, opened, severity, closed, subject) in &rows {
            text.push_str(&format!("T{id},{account},{opened},{severity},{closed},{subject}\n"));
        }
        if let Err(why) = agree(ImportKind::Tickets, &text, tickets) {
            prop_assert!(false, "{}", why);
        }
    }

    /// Any survey file, good or bad.
    #[test]
    fn surveys_both_ways_agree(rows in proptest::collection::vec(
        (
            account(),
            day(),
            prop_oneof![Just("nps"), Just("csat"), Just("ces")],
            0i64..12,
            prop_oneof![Just(""), Just("Great"), Just(" Great ")],
        ),
        0..30,
    )) {
        let mut text = "account_id,answered_at,kind,score,comment\n".to_string();
        for (account, answered, kind, score, comment) in &rows {
            text.push_str(&format!("{account},{answered},{kind},{score},{comment}\n"));
        }
        if let Err(why) = agree(ImportKind::Surveys, &text, surveys) {
            prop_assert!(false, "{}", why);
        }
    }
}
