//! The kept signal series say what the rows say, after every way usage,
//! tickets and surveys are written: a load into empty tables, a row-by-row
//! import over stored rows, a re-import that changes values, a ticket that
//! moves to another account, a team member's pull of the team's files, and
//! an older book upgraded by the migration.

use super::series::{
    decode_answers, decode_tickets, decode_usage, encode_answers, encode_tickets, encode_usage,
};
use super::{SignalScope, SignalSource, SignalWindow};
use crate::clock::Clock;
use crate::domain::Month;
use crate::domain::scorecard_config::ScorecardConfig;
use crate::import::{ImportKind, ImportOptions, import_all, import_reader};
use crate::store::Store;
use chrono::{Duration, NaiveDate};
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 10).expect("day")
}

fn clock() -> Clock {
    Clock::fixed(today())
}

/// Every account's signals as text, to compare two loads whole.
fn said(source: &SignalSource) -> String {
    format!("{:?}\n{:?}", source.book, source.accounts)
}

/// The kept series and the rows give the same load, for the whole book,
/// one CSM and one account, for scores today and for a backtest's reach.
fn assert_kept_equals_rows(store: &Store) {
    let card = ScorecardConfig::default();
    let csm: String = store
        .conn
        .query_row("SELECT csm FROM accounts ORDER BY id LIMIT 1", [], |r| r.get(0))
        .unwrap_or_default();
    let account: String = store
        .conn
        .query_row("SELECT id FROM accounts ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .unwrap_or_default();
    let measures: Vec<String> = {
        let mut statement =
            store.conn.prepare("SELECT DISTINCT measure FROM usage").expect("measures");
        let rows = statement.query_map([], |r| r.get(0)).expect("query");
        rows.map(|r| r.expect("row")).collect()
    };
    for measure in measures.iter().map(String::as_str).chain(["no_such_measure"]) {
        for earliest in [today(), today() - Duration::days(400), today() - Duration::days(4000)] {
            let window = SignalWindow::for_scores(&card, earliest);
            for scope in [SignalScope::Book, SignalScope::Csm(&csm), SignalScope::Account(&account)]
            {
                for history in [false, true] {
                    let kept = store
                        .signal_source(measure, window, today(), history, scope)
                        .expect("kept");
                    let rows = store
                        .signal_source_from_rows(measure, window, today(), history, scope)
                        .expect("rows");
                    assert_eq!(said(&kept), said(&rows), "{measure} {earliest} {scope:?}");
                }
                // The flat columns hold the same load (touches: the last).
                let flat = store.signal_book(measure, window, today(), scope).expect("flat");
                let kept =
                    store.signal_source(measure, window, today(), false, scope).expect("kept");
                assert_eq!(said(&flat.into_source()), said(&kept), "flat {measure} {scope:?}");
            }
        }
    }
}

fn import(store: &mut Store, kind: ImportKind, text: &str) {
    import_reader(store, kind, "f.csv", text.as_bytes(), "ana", &clock()).expect("import");
}

fn small_book() -> Store {
    let mut store = crate::testkit::Book::new()
        .accounts("id, name, csm\nA, Ay, ann\nB, Bee, ann\nC, Cee, bob")
        .open_in_memory();
    import(
        &mut store,
        ImportKind::Usage,
        "account_id,month,measure,value\nA,2024-01,active_users,10\nA,2025-03,active_users,4.5\n\
         A,2025-04,logins,7\nB,2025-02,active_users,3\nC,2023-05,active_users,1\n",
    );
    import(
        &mut store,
        ImportKind::Tickets,
        "ticket_id,account_id,opened_at,severity,closed_at,subject\n\
         T1,A,2025-01-02T10:00:00Z,urgent,,Down\nT2,A,2025-02-02,high,2025-02-05,Slow\n\
         T3,B,2025-03-01,low,,Typo\nT4,C,2024-12-01,high,2024-12-30,Closed\n",
    );
    import(
        &mut store,
        ImportKind::Surveys,
        "account_id,answered_at,kind,score,comment\nA,2025-05-01,nps,9,Great\n\
         A,2024-01-01,nps,3,Old\nB,2025-04-01,csat,4,\nC,2025-05-20,nps,6,Meh\n",
    );
    store
}

#[test]
fn a_load_into_empty_tables_keeps_the_series() {
    let store = small_book();
    assert_kept_equals_rows(&store);
    let kept: i64 =
        store.conn.query_row("SELECT count(*) FROM usage_series", [], |r| r.get(0)).expect("n");
    assert_eq!(kept, 4, "A has two measures, B and C one each");
}

#[test]
fn row_by_row_imports_and_re_imports_keep_the_series() {
    let mut store = small_book();
    // Over stored rows: a changed value, a new month, a new measure.
    import(
        &mut store,
        ImportKind::Usage,
        "account_id,month,measure,value\nA,2025-03,active_users,9\nB,2025-05,active_users,0\n\
         C,2025-05,seats,2\n",
    );
    assert_kept_equals_rows(&store);
    // A ticket moves from A to B and closes; another opens on C.
    import(
        &mut store,
        ImportKind::Tickets,
        "ticket_id,account_id,opened_at,severity,closed_at,subject\n\
         T1,B,2025-01-02T10:00:00Z,urgent,2025-05-01,Down\nT5,C,2025-05-01,high,,New\n",
    );
    assert_kept_equals_rows(&store);
    let a_tickets: Vec<u8> = store
        .conn
        .query_row("SELECT tickets FROM signal_series WHERE account_id = 'A'", [], |r| r.get(0))
        .expect("A");
    let mut left = Vec::new();
    decode_tickets(&a_tickets, |opened, closed| left.push((opened, closed)));
    assert_eq!(left.len(), 1, "only T2 is left on A: {left:?}");
    import(
        &mut store,
        ImportKind::Surveys,
        "account_id,answered_at,kind,score,comment\nB,2025-06-01,nps,10,Love it\n",
    );
    assert_kept_equals_rows(&store);
}

#[test]
fn a_failed_import_leaves_the_series_as_they_were() {
    let mut store = small_book();
    let before = said(
        &store
            .signal_source(
                "active_users",
                SignalWindow::for_scores(&ScorecardConfig::default(), today()),
                today(),
                false,
                SignalScope::Book,
            )
            .expect("load"),
    );
    let bad =
        "account_id,month,measure,value\nA,2025-05,active_users,3\nZ,2025-05,active_users,1\n";
    assert!(
        import_reader(&mut store, ImportKind::Usage, "f.csv", bad.as_bytes(), "ana", &clock())
            .is_err()
    );
    let after = said(
        &store
            .signal_source(
                "active_users",
                SignalWindow::for_scores(&ScorecardConfig::default(), today()),
                today(),
                false,
                SignalScope::Book,
            )
            .expect("load"),
    );
    assert_eq!(before, after);
    assert_kept_equals_rows(&store);
}

#[test]
fn an_older_book_gets_its_series_from_the_migration() {
    use crate::store::migrations::{MIGRATIONS_FOR_TESTS, migrate_to};
    let before = MIGRATIONS_FOR_TESTS
        .iter()
        .position(|(name, _, _)| *name == "signal_series")
        .expect("the migration") as i64;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("cockpit.db");
    {
        let mut conn = rusqlite::Connection::open(&path).expect("conn");
        migrate_to(&mut conn, before).expect("older schema");
        conn.execute_batch(
            "INSERT INTO accounts (id, name) VALUES ('A', 'Ay'), ('B', 'Bee');
             INSERT INTO usage (account_id, measure, month, value_milli) VALUES
               ('A', 'active_users', 24290, 5000), ('A', 'active_users', 24300, 7000),
               ('B', 'active_users', 24301, 1500), ('B', 'logins', 24301, 2);
             INSERT INTO tickets (id, account_id, opened_at, severity, closed_at) VALUES
               ('T1', 'A', '2025-01-01T00:00:00Z', 'high', NULL),
               ('T2', 'B', '2025-01-01T00:00:00Z', 'normal', NULL);
             INSERT INTO surveys (account_id, answered_at, kind, score) VALUES
               ('B', '2025-05-01T00:00:00Z', 'nps', 8);",
        )
        .expect("old rows");
    }
    let store = Store::open(&path).expect("upgraded");
    let kept: i64 =
        store.conn.query_row("SELECT count(*) FROM usage_series", [], |r| r.get(0)).expect("count");
    assert_eq!(kept, 3);
    assert_kept_equals_rows(&store);
}

#[test]
fn a_generated_book_imported_again_with_changes_keeps_the_series() {
    // The files of a whole book, then the same files again with every third
    // usage value changed, row by row over the stored rows (as a team
    // member's pull of the team's later files lands).
    let dir = tempfile::tempdir().expect("dir");
    let params = crate::generate::Params::ending_before(today(), 30, 18, 7);
    crate::generate::write_book(&params, dir.path()).expect("book");
    let mut store = Store::open_in_memory().expect("store");
    import_all(&mut store, dir.path(), "ana", &clock(), ImportOptions::default()).expect("all");
    assert_kept_equals_rows(&store);
    let usage = std::fs::read_to_string(dir.path().join("usage.csv")).expect("usage");
    let value = usage
        .lines()
        .next()
        .and_then(|header| header.split(',').position(|c| c == "value"))
        .expect("value column");
    let changed: Vec<String> = usage
        .lines()
        .enumerate()
        .map(|(at, line)| {
            let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
            if at > 0 && at % 3 == 0 {
                cells[value].push('1');
            }
            cells.join(",")
        })
        .collect();
    import(&mut store, ImportKind::Usage, &changed.join("\n"));
    for kind in [ImportKind::Tickets, ImportKind::Surveys] {
        let name = format!("{}.csv", kind.as_str());
        let text = std::fs::read_to_string(dir.path().join(name)).expect("file");
        import(&mut store, kind, &text);
    }
    assert_kept_equals_rows(&store);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    /// On generated books of any seed, loaded into empty tables, the kept
    /// series equal the rows.
    #[test]
    fn kept_series_equal_the_rows_of_generated_books(seed in 0_u64..10_000, accounts in 5_u32..60) {
        let dir = tempfile::tempdir().expect("dir");
        let params = crate::generate::Params::ending_before(today(), accounts, 24, seed);
        crate::generate::write_book(&params, dir.path()).expect("book");
        let mut store = Store::open_in_memory().expect("store");
        import_all(&mut store, dir.path(), "ana", &clock(), ImportOptions::default())
            .expect("import");
        assert_kept_equals_rows(&store);
    }

    /// Stored days are read by hand as chrono reads them, odd ones too.
    #[test]
    fn days_are_read_as_chrono_reads_them(
        y in 0_u32..10_000, m in 0_u32..14, d in 0_u32..33, rest in "[-TZ0-9:+ ]{0,10}"
    ) {
        let text = format!("{y:04}-{m:02}-{d:02}{rest}");
        let chrono = text.get(..10).and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok());
        prop_assert_eq!(super::series::day_of(&text), chrono);
        let short = format!("{y}-{m}-{d}{rest}");
        let chrono = short.get(..10).and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok());
        prop_assert_eq!(super::series::day_of(&short), chrono);
    }

    #[test]
    fn usage_round_trips(steps in prop::collection::vec((0_i32..40, 0_i64..1_000_000_000_000_000), 0..80)) {
        let mut month = 20_000;
        let points: Vec<(Month, i64)> = steps
            .iter()
            .map(|(step, value)| {
                month += step + 1;
                (Month(month), *value)
            })
            .collect();
        let mut back = Vec::new();
        decode_usage(&encode_usage(&points), |m, v| back.push((m, v)));
        prop_assert_eq!(back, points);
    }

    #[test]
    fn tickets_and_answers_round_trip(
        tickets in prop::collection::vec((0_i64..5000, prop::option::of(-400_i64..400)), 0..40),
        answers in prop::collection::vec((0_i64..5000, 0_i64..=10), 0..40),
    ) {
        let start = NaiveDate::from_ymd_opt(2015, 1, 1).expect("day");
        let mut tickets: Vec<(NaiveDate, Option<NaiveDate>)> = tickets
            .iter()
            .map(|(o, c)| {
                let opened = start + Duration::days(*o);
                (opened, c.map(|c| opened + Duration::days(c)))
            })
            .collect();
        tickets.sort_unstable();
        let mut back = Vec::new();
        decode_tickets(&encode_tickets(&tickets), |o, c| back.push((o, c)));
        prop_assert_eq!(back, tickets);
        let mut answers: Vec<(NaiveDate, i64)> =
            answers.iter().map(|(d, s)| (start + Duration::days(*d), *s)).collect();
        answers.sort_unstable();
        let mut back = Vec::new();
        decode_answers(&encode_answers(&answers), |d, s| back.push((d, s)));
        prop_assert_eq!(back, answers);
    }
}

/// One snapshot write of a random sequence: an import of these rows
/// (`(account, month offset, ARR, units)`), or another writer's delete.
#[derive(Debug, Clone)]
enum SnapshotWrite {
    Import(Vec<(usize, i32, i64, Option<i64>, bool)>),
    DeleteBehindTheStore(usize, i32),
}

fn snapshot_write() -> impl Strategy<Value = SnapshotWrite> {
    let row = (0_usize..3, 0_i32..20, 0_i64..50_000, prop::option::of(0_i64..40), any::<bool>());
    prop_oneof![
        4 => prop::collection::vec(row, 1..12).prop_map(SnapshotWrite::Import),
        1 => (0_usize..3, 0_i32..20).prop_map(|(a, m)| SnapshotWrite::DeleteBehindTheStore(a, m)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// After any sequence of snapshot writes (the first a load into an
    /// empty table, the others over stored rows, products and units
    /// mixed, and deletes made behind the store's back), the months read
    /// from the kept ARR series and units are the snapshots' own.
    #[test]
    fn kept_months_equal_the_snapshots_after_any_writes(
        writes in prop::collection::vec(snapshot_write(), 1..6)
    ) {
        let mut store = crate::testkit::Book::new()
            .accounts("id, name, csm\nA, Ay, ann\nB, Bee, ann\nC, Cee, bob")
            .open_in_memory();
        let ids = ["A", "B", "C"];
        let first = Month::of(today()).minus(20);
        for write in &writes {
            match write {
                SnapshotWrite::Import(rows) => {
                    let mut seen = std::collections::BTreeSet::new();
                    let mut text = String::from("account_id,month,product,arr,units\n");
                    for (account, month, arr, units, second) in rows {
                        let product = if *second { "Plus" } else { "Core" };
                        if !seen.insert((*account, *month, product)) {
                            continue;
                        }
                        let units = units.map(|u| u.to_string()).unwrap_or_default();
                        text.push_str(&format!(
                            "{},{},{product},{}.{:02},{units}\n",
                            ids[*account],
                            first.plus(*month),
                            arr / 100,
                            arr % 100
                        ));
                    }
                    import(&mut store, ImportKind::Snapshots, &text);
                }
                SnapshotWrite::DeleteBehindTheStore(account, month) => {
                    store
                        .conn
                        .execute(
                            "DELETE FROM snapshots WHERE account_id = ?1 AND month = ?2",
                            rusqlite::params![ids[*account], first.plus(*month).0],
                        )
                        .expect("delete");
                }
            }
            assert_kept_equals_rows(&store);
        }
    }
}

#[test]
fn units_codes_say_no_row_no_units_and_the_sum() {
    use crate::store::series::{add_units, kept_from_points, units_of};
    // No row; a row without units; 3 units and 4 more from a second product.
    assert_eq!(units_of(0), None);
    assert_eq!(units_of(add_units(0, None)), Some(None));
    assert_eq!(units_of(add_units(add_units(0, Some(3)), Some(4))), Some(Some(7)));
    // A product without units beside one with them: the month has 5.
    assert_eq!(units_of(add_units(add_units(0, None), Some(5))), Some(Some(5)));
    assert_eq!(units_of(add_units(add_units(0, Some(5)), None)), Some(Some(5)));
    let (series, units) =
        kept_from_points([(Month(10), 500, Some(2)), (Month(12), 700, None)]).expect("kept");
    assert_eq!(series.cents, vec![500, 0, 700]);
    assert_eq!(units.cents, vec![4, 0, 1], "2 units, no row, a row without units");
}
