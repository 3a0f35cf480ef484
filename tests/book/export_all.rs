//! `export all` then `import all` on the demo after a morning of edits made
//! through the store's own writes: a full dump of every table of the new
//! book (every row, derived tables and search indexes included) is the same
//! as the old one's, in CSV and in JSON. Then what `import all` refuses.

use chrono::{DateTime, NaiveDate, Utc};
use cockpit::clock::Clock;
use cockpit::demo::load::create_demo_database;
use cockpit::domain::churn::{ChainLink, ChurnChain, ChurnEvent, ReasonKind};
use cockpit::domain::opportunity::{OpportunityFields, OpportunityKind, OpportunityStage};
use cockpit::domain::success_plan::{PlanValue, SuccessPlanFields};
use cockpit::domain::trial::{Takeaway, TrialFields};
use cockpit::domain::{Health, Money, NoteKind, Stage};
use cockpit::export::{ExportFormat, all_files, export_file};
use cockpit::import::{ImportError, ImportOptions, import_all};
use cockpit::store::Store;
use std::collections::BTreeMap;
use std::path::Path;

fn clock() -> Clock {
    Clock::fixed(NaiveDate::from_ymd_opt(2025, 3, 15).expect("date"))
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("day")
}

/// A CSM's morning: every kind of authored row, written as the panes write them.
fn morning_of_edits(store: &Store) {
    let mut ids = Vec::new();
    store
        .each_account(|account| {
            ids.push(account.id);
            Ok(())
        })
        .expect("accounts");
    let (a, b) = (ids[0].as_str(), ids[1].as_str());
    let who = "dana";
    store
        .set_health(a, Health::Red, "sponsor left, usage down", who, at("2025-03-15T08:05:00Z"))
        .expect("health");
    store
        .set_stage(b, Stage::Adaptation, "new team onboarded", who, at("2025-03-15T08:10:00Z"))
        .or_else(|_| store.set_stage(b, Stage::Adoption, "back", who, at("2025-03-15T08:10:00Z")))
        .expect("stage");
    store
        .add_note(
            a,
            NoteKind::Call,
            "=called, \"sponsor\" left;\nnew one next week",
            who,
            at("2025-03-15T08:20:00Z"),
        )
        .expect("touch");
    let moment = store
        .add_moment(a, cockpit::domain::moment::MomentKind::Qbr, "Q1 review", day("2025-03-20"))
        .expect("moment");
    store.complete_moment(moment, at("2025-03-15T08:30:00Z"), who).expect("moment done");
    store
        .add_success_plan(
            a,
            &SuccessPlanFields {
                measure: "hours saved per week".to_string(),
                unit: "h".to_string(),
                baseline: PlanValue(1_000),
                target: PlanValue(4_050),
                current: PlanValue(2_025),
                start_date: day("2025-01-01"),
                target_date: day("2025-12-31"),
            },
            at("2025-03-15T08:40:00Z"),
        )
        .expect("plan");
    store
        .add_trial(
            b,
            &TrialFields {
                product: "Analytics".to_string(),
                start_date: day("2025-03-01"),
                end_date: day("2025-03-31"),
                success_criteria: "+3 dashboards in use".to_string(),
                takeaway: Takeaway::NotYet,
                note: String::new(),
            },
        )
        .expect("trial");
    store
        .add_opportunity(
            b,
            &OpportunityFields {
                product: "Analytics".to_string(),
                kind: OpportunityKind::CrossSell,
                arr: Money::from_units(12_345),
                stage: OpportunityStage::Qualified,
                owner: "hunter".to_string(),
                close_date: Some(day("2025-06-30")),
                next_step: "Demo to the CFO".to_string(),
            },
            at("2025-03-15T08:50:00Z"),
        )
        .expect("opportunity");
    let reasons = store.churn_reasons().expect("taxonomy");
    let cause = reasons.iter().find(|r| r.kind != ReasonKind::Terminal).expect("a cause");
    let mut chain =
        ChurnChain::new(a, ChurnEvent::Contracted, day("2025-03-01"), Money::from_units(5_000));
    chain.links = vec![ChainLink::reason(cause)];
    store.save_churn_chain(&chain, who, at("2025-03-15T09:00:00Z")).expect("chain");
    store
        .add_churn_reason("Moved to a rival", ReasonKind::Controllable, "")
        .expect("taxonomy edit");
    store.snooze(a, "renewal", day("2025-03-22")).expect("snooze");
    store
        .dismiss_suggestion(b, "health", "usage-down", who, at("2025-03-15T09:10:00Z"))
        .expect("dismiss");
    store.set_potential(b, "Analytics", Some(40)).expect("potential");
}

/// Two demo accounts take a product from a billing system's subscriptions,
/// so the book mixes imported and derived snapshots and contracts.
fn subscribe(store: &mut Store) {
    let mut ids = Vec::new();
    store
        .each_account(|account| {
            ids.push(account.id);
            Ok(())
        })
        .expect("accounts");
    let file = format!(
        "subscription_id,account_id,product,start_date,amount,interval,quantity,ended_on\n\
         billing-1,{a},Billing add-on,2023-03-10,1000,year,2,\n\
         billing-2,{b},Billing add-on,2024-06-01,50,month,3,2024-12-20\n",
        a = ids[0],
        b = ids[1]
    );
    cockpit::import::import_reader(
        store,
        cockpit::import::ImportKind::Subscriptions,
        "subscriptions.csv",
        file.as_bytes(),
        "dana",
        &clock(),
    )
    .expect("subscriptions");
}

/// Every row of every table (search indexes through their virtual tables,
/// not their storage), sorted, by table.
fn dump(path: &Path) -> BTreeMap<String, Vec<String>> {
    let conn = rusqlite::Connection::open(path).expect("open");
    let mut names = conn
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .expect("tables");
    let tables: Vec<(String, String)> = names
        .query_map([], |row| {
            Ok((row.get(0)?, row.get::<_, Option<String>>(1)?.unwrap_or_default()))
        })
        .expect("query")
        .map(|row| row.expect("row"))
        .collect();
    let virtual_tables: Vec<&str> = tables
        .iter()
        .filter(|(_, sql)| sql.starts_with("CREATE VIRTUAL"))
        .map(|(name, _)| name.as_str())
        .collect();
    let mut dump = BTreeMap::new();
    for (table, sql) in &tables {
        let shadow = virtual_tables.iter().any(|v| table.starts_with(&format!("{v}_")));
        if shadow {
            continue;
        }
        let columns = if sql.contains("fts5(") { "rowid, *" } else { "*" };
        let mut statement =
            conn.prepare(&format!("SELECT {columns} FROM \"{table}\"")).expect("select");
        let width = statement.column_count();
        let mut rows: Vec<String> = statement
            .query_map([], |row| {
                let values: Vec<rusqlite::types::Value> =
                    (0..width).map(|at| row.get(at)).collect::<Result<_, _>>()?;
                Ok(format!("{values:?}"))
            })
            .expect("rows")
            .map(|row| row.expect("row"))
            .collect();
        rows.sort();
        dump.insert(table.clone(), rows);
    }
    dump
}

fn export_all(store: &Store, dir: &Path, format: ExportFormat) {
    std::fs::create_dir_all(dir).expect("folder");
    for file in all_files() {
        let out = std::fs::File::create(dir.join(file.file_name(format))).expect("file");
        export_file(store, file, format, std::io::BufWriter::new(out)).expect("export");
    }
}

#[test]
fn a_demo_morning_comes_back_identical_through_export_all_in_both_formats() {
    let dir = tempfile::tempdir().expect("dir");
    let before = dir.path().join("before.db");
    {
        let mut store = create_demo_database(&before, &clock()).expect("demo");
        morning_of_edits(&store);
        subscribe(&mut store);
        for format in ExportFormat::ALL {
            export_all(&store, &dir.path().join(format.as_str()), format);
        }
    }
    let expected = dump(&before);
    assert!(
        expected["contracts"].iter().any(|row| row.contains("billing-1/1")),
        "the subscriptions derived no contract"
    );
    for table in [
        "subscriptions",
        "health_changes",
        "stage_changes",
        "notes",
        "moments",
        "success_plans",
        "trials",
        "opportunities",
        "churn_chains",
        "churn_links",
        "snoozes",
        "dismissed_suggestions",
        "potentials",
        "churn_reasons",
    ] {
        assert!(!expected[table].is_empty(), "the morning wrote no {table}");
    }
    for format in ExportFormat::ALL {
        let after = dir.path().join(format!("after-{}.db", format.as_str()));
        {
            let mut store = Store::open(&after).expect("new book");
            let reports = import_all(
                &mut store,
                &dir.path().join(format.as_str()),
                "kim",
                &clock(),
                ImportOptions::default(),
            )
            .expect("import all");
            assert_eq!(reports.len(), all_files().len());
        }
        let got = dump(&after);
        assert_eq!(got.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
        for (table, rows) in &expected {
            assert!(
                got[table] == *rows,
                "{format:?}: {table} differs:\n  before {:?}\n  after  {:?}",
                rows.iter().filter(|r| !got[table].contains(r)).take(3).collect::<Vec<_>>(),
                got[table].iter().filter(|r| !rows.contains(r)).take(3).collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn import_all_refuses_a_book_that_is_not_empty_and_says_where_a_file_is_wrong() {
    let dir = tempfile::tempdir().expect("dir");
    let demo = dir.path().join("demo.db");
    let out = dir.path().join("out");
    {
        let store = create_demo_database(&demo, &clock()).expect("demo");
        export_all(&store, &out, ExportFormat::Csv);
    }
    let mut store = Store::open(&demo).expect("open");
    let refused = import_all(&mut store, &out, "kim", &clock(), ImportOptions::default());
    let Err(ImportError::Rejected(errors)) = refused else { panic!("imported into a full book") };
    assert!(errors[0].to_string().contains("the book is not empty"), "{}", errors[0]);
    drop(store);

    // A trial whose takeaway is not a word the cockpit knows, on line 3.
    let trials = out.join("trials.csv");
    let mut text =
        String::from("id,account_id,product,start_date,end_date,success_criteria,takeaway,note\n");
    let first = std::fs::read_to_string(out.join("accounts.csv")).expect("accounts");
    let account = first.lines().nth(1).and_then(|l| l.split(',').next()).expect("an account");
    text.push_str(&format!("1,{account},X,2025-01-01,2025-02-01,,passed,\n"));
    text.push_str(&format!("2,{account},X,2025-01-01,2025-02-01,,maybe,\n"));
    text.push_str("3,NOPE,X,2025-01-01,2025-02-01,,passed,\n");
    std::fs::write(&trials, text).expect("write");
    let fresh = dir.path().join("fresh.db");
    let mut store = Store::open(&fresh).expect("open");
    let refused = import_all(&mut store, &out, "kim", &clock(), ImportOptions::default());
    let Err(ImportError::Rejected(errors)) = refused else { panic!("a bad trial was imported") };
    let said: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        said,
        [format!(
            "{}:3:7: takeaway: \"maybe\" is not one of passed, failed, not_yet",
            trials.display()
        ),]
    );
    // All or nothing: the accounts read before the trials are not kept.
    assert!(store.is_empty_book().expect("empty"));
    // Fixed, the unknown account is said with its column.
    std::fs::write(
        &trials,
        "id,account_id,product,start_date,end_date,success_criteria,takeaway,note\n1,NOPE,X,2025-01-01,2025-02-01,,passed,\n",
    )
    .expect("write");
    let refused = import_all(&mut store, &out, "kim", &clock(), ImportOptions::default());
    let Err(ImportError::Rejected(errors)) = refused else {
        panic!("an orphan trial was imported")
    };
    assert_eq!(
        errors[0].to_string(),
        format!("{}:2:2: account_id: there is no account \"NOPE\"", trials.display())
    );
    // A dry run of the good folder counts and writes nothing.
    std::fs::remove_file(&trials).expect("remove");
    let reports = import_all(
        &mut store,
        &out,
        "kim",
        &clock(),
        ImportOptions { dry_run: true, ..ImportOptions::default() },
    )
    .expect("dry run");
    assert!(reports.iter().any(|r| r.kind == "accounts" && r.counts.inserted > 0));
    assert!(store.is_empty_book().expect("empty"), "a dry run wrote");
}
