//! The search index kept exact through every writer, and the search's
//! grouping, on in-memory databases.

use super::*;
use crate::clock::Clock;
use crate::domain::churn::{ChainLink, ChurnChain, ChurnEvent};
use crate::domain::{Money, NoteKind};
use crate::import::{ImportKind, import_reader};
use chrono::NaiveDate;

fn clock() -> Clock {
    Clock::fixed(NaiveDate::from_ymd_opt(2026, 12, 7).expect("date"))
}

fn import(store: &mut Store, kind: ImportKind, csv: &str) {
    import_reader(store, kind, "file.csv", csv.as_bytes(), "ana", &clock()).expect("import");
}

const ACCOUNTS: &str = "account_id,name\nA1,Acme Rockets\nB2,Globex\nC3,Initech\n";

fn book() -> Store {
    let mut store = Store::open_in_memory().expect("store");
    import(&mut store, ImportKind::Accounts, ACCOUNTS);
    store
}

/// Fails the test unless every index holds exactly what its table holds.
fn assert_exact(store: &Store) {
    store
        .conn
        .execute_batch("INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)")
        .expect("the notes' index matches the notes");
    let pairs = |sql: &str| -> Vec<(i64, String, String)> {
        let mut statement = store.conn.prepare(sql).expect("prepare");
        statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    assert_eq!(
        pairs("SELECT rowid, id, name FROM accounts_fts ORDER BY rowid"),
        pairs(
            "SELECT k.key, a.id, a.name FROM accounts a
             JOIN account_search_keys k ON k.account_id = a.id ORDER BY k.key"
        )
    );
    assert_eq!(
        pairs("SELECT rowid, body, '' FROM chains_fts ORDER BY rowid"),
        pairs("SELECT chain_id, body, '' FROM chain_text ORDER BY chain_id")
    );
}

/// The texts of the notes a query finds.
fn found_notes(store: &Store, query: &str) -> Vec<String> {
    let results = store.search_book(query, 100).expect("search");
    let mut texts: Vec<String> = results
        .groups
        .iter()
        .flat_map(|g| g.hits.iter())
        .filter(|h| matches!(h.kind, HitKind::Note { .. }))
        .map(|h| h.text.clone())
        .collect();
    texts.sort();
    texts
}

fn at(day: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2026, 11, day)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .expect("time")
        .and_utc()
}

#[test]
fn query_words_are_prefixes_and_highlights_mark_whole_words() {
    assert_eq!(query_terms("  Renewal, PRICE-up! renewal"), vec!["renewal", "price", "up"]);
    assert!(query_terms(" -- ").is_empty());
    let text = "Price update: the renewal was priced up, unpriced.";
    let terms = query_terms("pric");
    let words: Vec<&str> = match_ranges(text, &terms).into_iter().map(|r| &text[r]).collect();
    assert_eq!(words, vec!["Price", "priced"]);
    let text = "Über große Preise";
    let words: Vec<&str> =
        match_ranges(text, &query_terms("über")).into_iter().map(|r| &text[r]).collect();
    assert_eq!(words, vec!["Über"]);
}

#[test]
fn a_note_added_edited_and_deleted_is_found_exactly() {
    let store = book();
    store.add_note("A1", NoteKind::Call, "Sponsor wants a discount", "ana", at(2)).expect("note");
    store.add_note("B2", NoteKind::Note, "Discounted renewal agreed", "bo", at(3)).expect("note");
    assert_exact(&store);
    assert_eq!(
        found_notes(&store, "discount"),
        vec!["Discounted renewal agreed", "Sponsor wants a discount"]
    );
    assert_eq!(found_notes(&store, "sponsor discount"), vec!["Sponsor wants a discount"]);
    // Any writer keeps the index exact: an edit, then a delete.
    store
        .conn
        .execute("UPDATE notes SET text = 'Sponsor left' WHERE account_id = 'A1'", [])
        .expect("edit");
    assert_exact(&store);
    assert_eq!(found_notes(&store, "discount"), vec!["Discounted renewal agreed"]);
    assert_eq!(found_notes(&store, "left"), vec!["Sponsor left"]);
    store.conn.execute("DELETE FROM notes WHERE account_id = 'B2'", []).expect("delete");
    assert_exact(&store);
    assert!(found_notes(&store, "discount").is_empty());
}

#[test]
fn a_first_import_fills_the_index_once_and_a_reimport_keeps_it_exact() {
    let mut store = book();
    import(
        &mut store,
        ImportKind::Notes,
        "account_id,at,kind,text\nA1,2026-01-05,call,Budget freeze until March\n\
         B2,2026-02-01,note,Champion moved to Umbrella\n",
    );
    // The load dropped the triggers and filled the index after: both are back.
    assert_exact(&store);
    let triggers: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'notes_fts_%'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(triggers, 3);
    // The larger buffer of the fill is not kept: later writes use FTS5's own.
    let settings: Vec<String> = store
        .conn
        .prepare("SELECT k FROM notes_fts_config ORDER BY k")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("settings");
    assert_eq!(settings, vec!["version".to_string()]);
    assert_eq!(found_notes(&store, "budg"), vec!["Budget freeze until March"]);
    // A second import goes row by row through the triggers.
    import(
        &mut store,
        ImportKind::Notes,
        "account_id,at,kind,text\nA1,2026-01-05,call,Budget freeze until March\n\
         C3,2026-03-01,qbr,Budget approved for expansion\n",
    );
    assert_exact(&store);
    assert_eq!(
        found_notes(&store, "budget"),
        vec!["Budget approved for expansion", "Budget freeze until March"]
    );
    store.add_note("C3", NoteKind::Email, "Umbrella renewal sent", "ana", at(4)).expect("note");
    assert_exact(&store);
    assert_eq!(found_notes(&store, "umbrella").len(), 2);
}

#[test]
fn accounts_are_found_by_name_and_id_and_a_rename_moves_them() {
    let mut store = book();
    assert_exact(&store);
    let first = store.search_book("rock", 10).expect("search");
    assert_eq!(first.groups.len(), 1);
    assert_eq!(first.groups[0].account_id, "A1");
    assert_eq!(first.groups[0].hits[0].kind, HitKind::Account);
    assert_eq!(store.search_book("c3", 10).expect("search").groups[0].name, "Initech");
    import(&mut store, ImportKind::Accounts, "account_id,name\nA1,Acme Aerospace\n");
    assert_exact(&store);
    assert!(store.search_book("rockets", 10).expect("search").groups.is_empty());
    assert_eq!(store.search_book("aero", 10).expect("search").groups[0].account_id, "A1");
}

#[test]
fn churn_chains_are_found_by_their_causes_and_comments() {
    let store = book();
    store.seed_churn_taxonomy().expect("taxonomy");
    assert_exact(&store);
    let mut chain = ChurnChain::new(
        "B2",
        ChurnEvent::Churned,
        NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"),
        Money::from_units(5_000),
    );
    let mut link = ChainLink::free_text("Procurement squeezed the budget");
    link.note = "CFO insisted on a cheaper vendor".to_string();
    chain.links = vec![link];
    let id = store.save_churn_draft(&chain, "ana", at(5)).expect("draft");
    assert_exact(&store);
    let results = store.search_book("cheaper vendor", 10).expect("search");
    assert_eq!(results.groups.len(), 1);
    let hit = &results.groups[0].hits[0];
    assert!(matches!(hit.kind, HitKind::Chain { draft: true, .. }), "{hit:?}");
    assert!(hit.text.contains("Procurement squeezed the budget"), "{}", hit.text);
    store.discard_churn_draft(id).expect("discard");
    assert_exact(&store);
    assert!(store.search_book("cheaper", 10).expect("search").groups.is_empty());
}

#[test]
fn results_are_grouped_by_account_names_first_then_newest() {
    let store = book();
    store.add_note("B2", NoteKind::Call, "Acme was mentioned as a rival", "ana", at(1)).expect("n");
    store.add_note("C3", NoteKind::Call, "Acme partnership idea", "ana", at(9)).expect("n");
    store.add_note("A1", NoteKind::Note, "acme old note", "ana", at(2)).expect("n");
    store.add_note("A1", NoteKind::Email, "acme new note", "ana", at(8)).expect("n");
    store.add_note("C3", NoteKind::Call, "Unrelated", "ana", at(10)).expect("n");
    let results = store.search_book("acme", 10).expect("search");
    let order: Vec<&str> = results.groups.iter().map(|g| g.account_id.as_str()).collect();
    // Acme's own name first, then the account with the newest hit.
    assert_eq!(order, vec!["A1", "C3", "B2"]);
    let acme: Vec<&str> = results.groups[0].hits.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(acme, vec!["Acme Rockets", "acme new note", "acme old note"]);
    assert_eq!((results.notes_matched, results.notes_shown), (4, 4));
    // With a smaller first screen, the count still says how many matched.
    let few = store.search_book("acme", 2).expect("search");
    assert_eq!((few.notes_matched, few.notes_shown), (4, 2));
    assert!(store.search_book("", 10).expect("search").groups.is_empty());
    assert!(store.search_book("\"*)(", 10).expect("search").groups.is_empty());
}

#[test]
fn a_version_7_book_gets_its_index_filled_on_upgrade() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.db");
    {
        let conn = rusqlite::Connection::open(&path).expect("open");
        for (_, sql, _) in &super::super::migrations::MIGRATIONS_FOR_TESTS[..7] {
            conn.execute_batch(sql).expect("old migration");
        }
        conn.pragma_update(None, "user_version", 7).expect("v7");
        conn.execute_batch(
            "INSERT INTO accounts (id, name) VALUES ('A1', 'Acme');
             INSERT INTO notes (account_id, at, kind, text) VALUES
               ('A1', '2026-01-01T00:00:00Z', 'call', 'Kickoff with the new sponsor');",
        )
        .expect("old data");
    }
    let store = Store::open(&path).expect("upgrade");
    assert_exact(&store);
    assert_eq!(found_notes(&store, "kickoff"), vec!["Kickoff with the new sponsor"]);
    assert_eq!(store.search_book("acme", 5).expect("search").groups.len(), 1);
}

#[test]
fn a_short_word_that_begins_too_many_words_matches_only_itself() {
    let store = book();
    let many: Vec<String> = (1..=40).map(|n| format!("xa{n}")).collect();
    store.add_note("A1", NoteKind::Note, &many.join(" "), "ana", at(1)).expect("note");
    store.add_note("B2", NoteKind::Note, "plan x agreed", "ana", at(2)).expect("note");
    store.add_note("C3", NoteKind::Note, "xa is a word too", "ana", at(3)).expect("note");
    // "xa" begins 41 words: only the word itself.
    assert_eq!(found_notes(&store, "xa"), vec!["xa is a word too"]);
    // "xa1" begins 11 (xa1, xa10…xa19): each is searched.
    assert_eq!(found_notes(&store, "xa1").len(), 1);
    assert_eq!(found_notes(&store, "xa40").len(), 1);
    // A longer word that begins many words stays a prefix: all of them.
    let long: Vec<String> = (1..=40).map(|n| format!("budget{n}")).collect();
    store.add_note("B2", NoteKind::Note, &long.join(" "), "ana", at(4)).expect("note");
    store.add_note("C3", NoteKind::Note, "budgetary review", "ana", at(5)).expect("note");
    assert_eq!(found_notes(&store, "budget").len(), 2);
}
