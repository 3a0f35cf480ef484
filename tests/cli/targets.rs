//! `cockpit targets` run as a built binary on small books made through the
//! store, an end-to-end run that moves a stage and records an opportunity and
//! finds both after a restart, and (ignored by default) the 100,000-account
//! timing of the board and targets loads.

use chrono::{NaiveDate, TimeZone, Utc};
use cockpit::domain::opportunity::{OpportunityFields, OpportunityKind, OpportunityStage};
use cockpit::domain::{Config, Money, Stage};
use cockpit::store::Store;
use cockpit_core::testkit::Book;
use rusqlite::Connection;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

const TODAY: &str = "2025-03-01";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 1).expect("date")
}

/// Acme (whitespace 108,000, green, absorption), Beta (10,000, yellow,
/// adoption), Cobalt (1,000, renewing in 19 days), Dune (red: left out),
/// Echo (no potential: no whitespace).
fn small_book(path: &Path) {
    Book::new()
        .accounts(
            "id, name,   csm,  am,   stage,      stage_since, potential_units, health, arr,   units
         A1, Acme,   fran, hugo, absorption, 2024-06-01,  100,             green,  12000, 10
         A2, Beta,   fran, dana, adoption,   2024-06-01,  30,              yellow, 5000,  10
         A3, Cobalt, sam,  hugo, adaptation, 2024-06-01,  10,              green,  1000,  5
         A4, Dune,   sam,  hugo, absorption, 2024-06-01,  1000,            red,    9000,  10
         A5, Echo,   sam,  dana, absorption, 2024-06-01,  ,                green,  7000,  10",
        )
        .snapshots(
            "account_id, product,   month,   arr,   units
         A1,         Core,      2025-02, 12000, 10
         A2,         Analytics, 2025-02, 5000,  10
         A3,         Core,      2025-02, 1000,  5
         A4,         Core,      2025-02, 9000,  10
         A5,         Core,      2025-02, 7000,  10",
        )
        .contracts(
            "contract_id, account_id, product,   start_date, end_date,   arr,   units
         C1,          A1,         Core,      2025-01-01, 2025-12-31, 12000, 10
         C2,          A2,         Analytics, 2024-07-01, 2025-06-30, 5000,  10
         C3,          A3,         Core,      2024-03-21, 2025-03-20, 1000,  5",
        )
        .create(path);
}

fn cockpit(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .arg("--db")
        .arg(db)
        .args(["--width", "0"])
        .args(args)
        .env("COCKPIT_TODAY", TODAY)
        .env("COCKPIT_USER", "fran")
        .output()
        .expect("run cockpit")
}

fn targets_json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["targets", "--json"];
    all.extend_from_slice(args);
    let out = cockpit(db, &all);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

fn ids(value: &Value) -> Vec<String> {
    value["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|row| row["account_id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn targets_are_ranked_by_the_visible_rule() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("book.db");
    small_book(&db);
    let all = targets_json(&db, &[]);
    assert_eq!(ids(&all), ["A1", "A2", "A3"]);
    assert_eq!(all["as_of"], json!("2025-03-01"));
    let acme = &all["targets"][0];
    assert_eq!(acme["whitespace"], json!(108000));
    assert_eq!(acme["priority"], json!(108000));
    assert_eq!(acme["absorption"], json!(0.1));
    assert_eq!(acme["days_to_renewal"], json!(305));
    // Beta: 10,000 × yellow 80% × adoption 50% = 4,000.
    assert_eq!(all["targets"][1]["priority"], json!(4000));
    // Cobalt renews in 19 days: 1,000 × 20% = 200, and says why.
    let cobalt = &all["targets"][2];
    assert_eq!(cobalt["priority"], json!(200));
    let renewal = cobalt["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .find(|p| p["factor"] == "renewal")
        .expect("part");
    assert_eq!(
        (renewal["percent"].clone(), renewal["why"].clone()),
        (json!(20), json!("renews in 19 days (≤ 60)"))
    );
}

#[test]
fn filters_narrow_the_same_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("book.db");
    small_book(&db);
    let hugo = targets_json(&db, &["--am", "HUGO", "--limit", "1"]);
    assert_eq!((ids(&hugo), hugo["matching"].clone()), (vec!["A1".to_string()], json!(2)));
    assert_eq!(ids(&targets_json(&db, &["--stage", "adoption"])), ["A2"]);
    assert_eq!(ids(&targets_json(&db, &["--health", "green"])), ["A1", "A3"]);
    assert_eq!(ids(&targets_json(&db, &["--product", "Analytics"])), ["A2"]);
    assert_eq!(ids(&targets_json(&db, &["--tier", "1"])), ["A1"]);
    let bad = cockpit(&db, &["targets", "--stage", "won"]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("addiction, adoption, absorption, adaptation")
    );
}

#[test]
fn the_table_shows_each_row_and_its_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("book.db");
    small_book(&db);
    let out = cockpit(&db, &["targets"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().nth(2).expect("first row");
    assert!(
        first.starts_with("Acme") && first.contains("108,000") && first.contains("10.0%"),
        "{text}"
    );
    assert!(
        text.contains("2. Beta: 10,000.00 unsold × health yellow 80% × stage adoption 50%"),
        "{text}"
    );
    // An empty book (a missing file is refused, not taken for one).
    let empty = dir.path().join("empty.db");
    drop(cockpit::store::Store::open(&empty).expect("empty book"));
    let out = cockpit(&empty, &["targets"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("No upsell targets"));
}

#[test]
fn a_stage_move_and_an_opportunity_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("book.db");
    small_book(&db);
    let at = Utc.with_ymd_and_hms(2025, 3, 1, 9, 30, 0).single().expect("time");
    {
        let store = Store::open(&db).expect("open");
        let mut board =
            cockpit::read::board::board(&store, today(), &Config::default()).expect("board");
        cockpit::read::board::move_on_board(
            &store,
            &mut board,
            "A2",
            Stage::Absorption,
            "rolled out to two more regions",
            "fran",
            at,
        )
        .expect("move");
        assert_eq!(board.column(Stage::Absorption).count(), 4);
        let fields = OpportunityFields {
            product: "Analytics".into(),
            kind: OpportunityKind::Upsell,
            arr: Money::parse("2500.50").expect("money"),
            stage: OpportunityStage::Qualified,
            owner: "dana".into(),
            close_date: NaiveDate::from_ymd_opt(2025, 6, 30),
            next_step: String::new(),
        };
        store.add_opportunity("A2", &fields, at).expect("opportunity");
    }
    let store = Store::open(&db).expect("reopen");
    let history = store.stage_history("A2").expect("history");
    assert_eq!(
        (history[0].stage, history[0].reason.as_str(), history[0].at),
        (Stage::Absorption, "rolled out to two more regions", at)
    );
    let board = cockpit::read::board::board(&store, today(), &Config::default()).expect("board");
    let (stage, _) = board.find("A2").expect("card");
    assert_eq!(stage, Stage::Absorption);
    let opportunities = store.opportunities("A2").expect("opportunities");
    assert_eq!(
        (opportunities[0].fields.arr, opportunities[0].fields.owner.as_str()),
        (Money(250_050), "dana")
    );
    // The binary sees the move too: Beta is now weighted as absorption (100%).
    let after = targets_json(&db, &["--am", "dana"]);
    assert_eq!(
        (after["targets"][0]["stage"].clone(), after["targets"][0]["priority"].clone()),
        (json!("absorption"), json!(8000))
    );
}

/// A 100,000-account book written straight into the tables, in one
/// transaction: the test book's row-by-row writes would take minutes for it,
/// and this test times the reads, not the setup.
fn large_book(path: &Path, accounts: usize) {
    drop(Store::open(path).expect("create"));
    let mut conn = Connection::open(path).expect("conn");
    let tx = conn.transaction().expect("tx");
    {
        let mut account = tx
            .prepare(
                "INSERT INTO accounts (id, name, csm, am, stage, stage_since, potential_units, health, arr_cents, units)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .expect("prepare");
        let mut snapshot = tx
            .prepare("INSERT INTO snapshots (account_id, product, month, arr_cents, units) VALUES (?1, ?2, ?3, ?4, ?5)")
            .expect("prepare");
        let mut contract = tx
            .prepare(
                "INSERT INTO contracts (id, account_id, product, start_date, end_date, arr_cents, units)
                 VALUES (?1, ?2, 'Core', ?3, ?4, ?5, ?6)",
            )
            .expect("prepare");
        let mut potential = tx
            .prepare(
                "INSERT INTO potentials (account_id, product, units) VALUES (?1, 'Add-on', ?2)",
            )
            .expect("p");
        let stages = ["addiction", "adoption", "absorption", "adaptation"];
        let healths = ["green", "yellow", "orange", "red", "green"];
        for i in 0..accounts {
            let id = format!("ACC-{i:06}");
            let units = (i % 50 + 1) as i64;
            let arr = 100_000 * units + (i as i64 * 7919) % 1_000_000;
            account
                .execute(rusqlite::params![
                    id,
                    format!("Account {i}"),
                    format!("csm{}", i % 40),
                    format!("am{}", i % 25),
                    stages[i % 4],
                    format!("2024-{:02}-01", i % 12 + 1),
                    units * (2 + (i % 5) as i64),
                    healths[i % 5],
                    arr,
                    units
                ])
                .expect("account");
            snapshot.execute(rusqlite::params![id, "Core", 24301, arr, units]).expect("snapshot");
            let start = format!("2024-{:02}-{:02}", i % 12 + 1, i % 28 + 1);
            let end = format!("2025-{:02}-{:02}", i % 12 + 1, i % 28 + 1);
            contract
                .execute(rusqlite::params![format!("C-{i}"), id, start, end, arr, units])
                .expect("contract");
            if i % 10 == 0 {
                snapshot
                    .execute(rusqlite::params![id, "Add-on", 24301, 50_000, 2])
                    .expect("snapshot");
                potential.execute(rusqlite::params![id, 10]).expect("potential");
            }
        }
    }
    tx.commit().expect("commit");
}

/// Run with `cargo test --profile ci --test cli targets:: -- --ignored --nocapture`.
#[test]
#[ignore = "builds a 100,000-account book; a timing, not a check, in debug builds"]
fn board_and_targets_load_fast_on_a_large_book() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("large.db");
    large_book(&db, 100_000);
    let store = Store::open(&db).expect("open");
    let config = Config::default();
    let mut best_board = std::time::Duration::MAX;
    let mut best_targets = std::time::Duration::MAX;
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let board = cockpit::read::board::board(&store, today(), &config).expect("board");
        best_board = best_board.min(started.elapsed());
        assert_eq!(board.total_accounts(), 100_000);
        let started = std::time::Instant::now();
        let list =
            cockpit::read::positions::target_list(&store, today(), &config).expect("targets");
        best_targets = best_targets.min(started.elapsed());
        assert!(!list.is_empty());
    }
    let list = cockpit::read::positions::target_list(&store, today(), &config).expect("targets");
    let started = std::time::Instant::now();
    let filter =
        cockpit::metrics::targets::TargetFilter { am: Some("am7".into()), ..Default::default() };
    let visible = list.rows(&filter).take(50).count();
    let filter_time = started.elapsed();
    let mut board = cockpit::read::board::board(&store, today(), &config).expect("board");
    let started = std::time::Instant::now();
    board.move_account("ACC-000001", Stage::Adaptation, today());
    let move_time = started.elapsed();
    println!(
        "100,000 accounts: board load {best_board:?}, targets load {best_targets:?}, filter+50 rows {filter_time:?} ({visible}), card move {move_time:?}"
    );
}

/// Six Mid-Market accounts hold Analytics at 1,000 … 6,000; G7 (same
/// segment and band) does not: valued at the lower middle, 3,000, from 6
/// peers. H8 is Enterprise, with no peer: listed, not valued.
#[test]
fn cross_sell_values_unheld_products_from_peers_with_the_grid() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("book.db");
    let mut accounts = String::from(
        "id, name, csm, am, segment, stage, stage_since, health, arr, units, potential_units\n",
    );
    let mut snapshots = String::from("account_id, product, month, arr, units\n");
    for i in 1..=6 {
        accounts.push_str(&format!(
            "G{i}, Peer {i}, fran, hugo, Mid-Market, adoption, 2024-06-01, green, 20000, 10,\n"
        ));
        snapshots.push_str(&format!("G{i}, Core, 2025-02, 19000, 10\n"));
        snapshots.push_str(&format!("G{i}, Analytics, 2025-02, {}, 1\n", i * 1000));
    }
    // Gamma has upsell whitespace too (10 of 20 units): a target.
    accounts.push_str("G7, Gamma, sam, , Mid-Market, adoption, 2024-06-01, green, 20000, 10, 20\n");
    snapshots.push_str("G7, Core, 2025-02, 20000, 10\n");
    accounts.push_str("H8, Helix, fran, , Enterprise, adoption, 2024-06-01, green, 20000, 10,");
    snapshots.push_str("H8, Core, 2025-02, 20000, 10");
    Book::new().accounts(&accounts).snapshots(&snapshots).create(&db);
    let value = targets_json(&db, &["--cross-sell"]);
    let rows = value["cross_sell"].as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{value}");
    assert_eq!(rows[0]["account_id"], "G7");
    assert_eq!(rows[0]["product"], "Analytics");
    assert_eq!(rows[0]["peer_median_arr"], json!(3000));
    assert_eq!(rows[0]["peers"], 6);
    assert_eq!(rows[1]["account_id"], "H8");
    assert_eq!(rows[1]["peer_median_arr"], Value::Null);
    assert_eq!(rows[1]["peers"], 0);
    let analytics = &value["grid"][0];
    assert_eq!(analytics["product"], "Analytics");
    assert_eq!(analytics["segments"][1]["segment"], "Mid-Market");
    assert_eq!(analytics["segments"][1]["holders"], 6);
    assert_eq!(analytics["segments"][1]["accounts"], 7);
    // My book (fran is CSM of H8, not of G7) and no AM (both have none).
    let mine = targets_json(&db, &["--cross-sell", "--mine"]);
    assert_eq!(mine["cross_sell"].as_array().expect("rows").len(), 1);
    assert_eq!(mine["cross_sell"][0]["account_id"], "H8");
    let no_am = targets_json(&db, &["--cross-sell", "--no-am"]);
    assert_eq!(no_am["matching"], 2);
    let out = cockpit(&db, &["targets", "--cross-sell"]);
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(text.contains("3,000.00"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("Analytics") && l.contains("85.7% 6/7")), "{text}");
    // The targets list shows Gamma's best cross-sell beside its upsell
    // whitespace (20,000.00 unsold): Analytics at 3,000.00 from 6 peers.
    let targets = targets_json(&db, &[]);
    assert_eq!(ids(&targets), ["G7"]);
    let row = &targets["targets"][0];
    assert_eq!(row["whitespace"], json!(20000));
    assert_eq!(
        row["cross_sell"],
        json!({"product": "Analytics", "peer_median_arr": 3000, "peers": 6, "candidates": 1})
    );
    let out = cockpit(&db, &["targets"]);
    let text = String::from_utf8(out.stdout).expect("utf8");
    let header = text.lines().next().expect("header");
    assert!(header.trim_end().ends_with("cross-sell"), "{text}");
    assert!(
        text.lines().nth(2).is_some_and(|l| l.trim_end().ends_with("Analytics 3,000.00")),
        "{text}"
    );
}

/// "My book" is where I am the CSM or the AM; `--no-am` keeps the accounts
/// nobody hunts; the table's header has one label per column.
#[test]
fn my_book_counts_csm_and_am_and_no_am_is_a_filter() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("book.db");
    small_book(&db);
    // fran is CSM of Acme and Beta, AM of none.
    assert_eq!(ids(&targets_json(&db, &["--mine"])), vec!["A1", "A2"]);
    let out = Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .arg("--db")
        .arg(&db)
        .args(["targets", "--json", "--mine"])
        .env("COCKPIT_TODAY", TODAY)
        .env("COCKPIT_USER", "hugo")
        .output()
        .expect("run");
    let hugo: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(ids(&hugo), vec!["A1", "A3"]);
    assert!(ids(&targets_json(&db, &["--no-am"])).is_empty());
    let out = cockpit(&db, &["targets"]);
    let text = String::from_utf8(out.stdout).expect("utf8");
    let mut lines = text.lines();
    let header = lines.next().expect("header").replace("renews in", "renews_in");
    let first = lines.nth(1).expect("row");
    // Acme's name is one word, as is every value of its row but the last:
    // its cross-sell, Analytics, which no account of its band holds.
    let cross_sell = "Analytics unvalued (0 peers)";
    let first = first.trim_end().strip_suffix(cross_sell).expect("Acme's cross-sell");
    assert_eq!(header.split_whitespace().count(), first.split_whitespace().count() + 1, "{text}");
    let acme = &targets_json(&db, &[])["targets"][0];
    assert_eq!(
        acme["cross_sell"],
        json!({"product": "Analytics", "peer_median_arr": null, "peers": 0, "candidates": 1})
    );
}
