//! The generator and the demo book, checked the way the importer will read
//! them: every row parsed back with the csv crate and the domain parsers.

use chrono::{DateTime, NaiveDate};
use cockpit::domain::{Billing, Contract, Flags, Health, Money, Month, NoteKind, Stage};
use cockpit::generate::{Params, active_at_month_end, write_book};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|_| panic!("{text:?} is not a date"))
}

fn rows(text: &str, header: &[&str]) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let found: Vec<String> = reader.headers().expect("header").iter().map(String::from).collect();
    assert_eq!(found, header, "header");
    reader
        .records()
        .map(|record| {
            let record = record.expect("a well-formed CSV row");
            found.iter().cloned().zip(record.iter().map(String::from)).collect()
        })
        .collect()
}

/// A book as the importer would see it, every value parsed.
struct Book {
    accounts: Vec<(String, Stage, Option<Health>, Flags, String, String)>,
    contracts: Vec<Contract>,
    /// (account, product, month) → (arr, units)
    snapshots: BTreeMap<(String, String, Month), (Money, Option<i64>)>,
    notes: Vec<(String, NoteKind, String)>,
}

const ACCOUNTS: [&str; 11] = [
    "account_id",
    "name",
    "csm",
    "am",
    "segment",
    "industry",
    "region",
    "stage",
    "potential_units",
    "health",
    "flags",
];
const SNAPSHOTS: [&str; 5] = ["account_id", "month", "product", "arr", "units"];
const CONTRACTS: [&str; 9] = [
    "contract_id",
    "account_id",
    "product",
    "start_date",
    "end_date",
    "arr",
    "units",
    "billing",
    "terminated_on",
];
const NOTES: [&str; 4] = ["account_id", "at", "kind", "text"];

/// Parses the four import files, asserting every import rule on the way:
/// required values present, ids known and unique, words and numbers valid.
fn parse_book(accounts: &str, snapshots: &str, contracts: &str, notes: &str) -> Book {
    let mut book =
        Book { accounts: vec![], contracts: vec![], snapshots: BTreeMap::new(), notes: vec![] };
    let mut ids = HashSet::new();
    for row in rows(accounts, &ACCOUNTS) {
        let id = row["account_id"].clone();
        assert!(!id.is_empty() && !row["name"].trim().is_empty(), "{row:?}");
        assert!(ids.insert(id.clone()), "account {id} twice");
        let stage = Stage::parse(&row["stage"]).expect("stage");
        let health =
            (!row["health"].is_empty()).then(|| Health::parse(&row["health"]).expect("health"));
        let flags = Flags::parse(&row["flags"]).expect("flags");
        if !row["potential_units"].is_empty() {
            let units: i64 = row["potential_units"].parse().expect("potential units");
            assert!(units >= 0);
        }
        book.accounts.push((id, stage, health, flags, row["csm"].clone(), row["am"].clone()));
    }
    for row in rows(snapshots, &SNAPSHOTS) {
        assert!(ids.contains(&row["account_id"]), "unknown account {}", row["account_id"]);
        assert!(!row["product"].is_empty());
        let month = Month::parse(&row["month"]).expect("month");
        let arr = Money::parse_non_negative(&row["arr"]).expect("arr");
        let units = (!row["units"].is_empty()).then(|| row["units"].parse::<i64>().expect("units"));
        let key = (row["account_id"].clone(), row["product"].clone(), month);
        assert!(
            book.snapshots.insert(key.clone(), (arr, units)).is_none(),
            "snapshot {key:?} twice"
        );
    }
    let mut contract_ids = HashSet::new();
    for row in rows(contracts, &CONTRACTS) {
        assert!(ids.contains(&row["account_id"]), "unknown account {}", row["account_id"]);
        assert!(contract_ids.insert(row["contract_id"].clone()), "contract twice");
        let contract = Contract {
            id: row["contract_id"].clone(),
            account_id: row["account_id"].clone(),
            product: row["product"].clone(),
            start_date: date(&row["start_date"]),
            end_date: date(&row["end_date"]),
            arr: Money::parse_non_negative(&row["arr"]).expect("arr"),
            units: (!row["units"].is_empty()).then(|| row["units"].parse().expect("units")),
            billing: Billing::parse(&row["billing"]).expect("billing"),
            terminated_on: (!row["terminated_on"].is_empty()).then(|| date(&row["terminated_on"])),
        };
        assert!(contract.end_date >= contract.start_date, "{contract:?}");
        if let Some(terminated) = contract.terminated_on {
            assert!(terminated > contract.start_date && terminated <= contract.end_date);
        }
        book.contracts.push(contract);
    }
    let mut note_keys = HashSet::new();
    for row in rows(notes, &NOTES) {
        assert!(ids.contains(&row["account_id"]), "unknown account {}", row["account_id"]);
        assert!(!row["text"].trim().is_empty());
        let at = &row["at"];
        assert!(
            DateTime::parse_from_rfc3339(at).is_ok()
                || NaiveDate::parse_from_str(at, "%Y-%m-%d").is_ok(),
            "{at:?} is neither a date nor an RFC 3339 time"
        );
        let kind = NoteKind::parse(&row["kind"]).expect("note kind");
        assert!(
            note_keys.insert((row["account_id"].clone(), at.clone(), row["text"].clone())),
            "note twice: {row:?}"
        );
        book.notes.push((row["account_id"].clone(), kind, row["text"].clone()));
    }
    book
}

fn read_dir(dir: &Path) -> Book {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect(name);
    parse_book(
        &read("accounts.csv"),
        &read("snapshots.csv"),
        &read("contracts.csv"),
        &read("notes.csv"),
    )
}

fn params(accounts: u32, months: u32, seed: u64) -> Params {
    Params::ending_before(date("2026-03-10"), accounts, months, seed)
}

/// Every contract's ARR and units are the snapshots' over the months it is in
/// force; every snapshot is carried by exactly one contract; a product that was
/// not renewed (or was terminated) has no snapshot after its end.
fn assert_contracts_match_snapshots(book: &Book, first: Month, last: Month) {
    let mut carried = HashSet::new();
    for contract in &book.contracts {
        for month in first.through(last) {
            if active_at_month_end(contract, month) {
                let key = (contract.account_id.clone(), contract.product.clone(), month);
                let found = book.snapshots.get(&key);
                assert_eq!(found, Some(&(contract.arr, contract.units)), "{contract:?} in {month}");
                assert!(carried.insert(key), "two contracts carry one snapshot");
            }
        }
        let ended = contract.terminated_on.unwrap_or(contract.end_date);
        let renewed =
            contract.terminated_on.is_none() && contract.renewal_among(&book.contracts).is_some();
        if !renewed && ended <= last.last_day() {
            let after = Month::of(ended);
            let later = book.snapshots.range(
                (contract.account_id.clone(), contract.product.clone(), after.plus(1))
                    ..=(contract.account_id.clone(), contract.product.clone(), Month(i32::MAX)),
            );
            assert_eq!(later.count(), 0, "snapshots go on after {contract:?}");
        }
    }
    assert_eq!(carried.len(), book.snapshots.len(), "snapshots without a contract");
}

#[test]
fn the_same_seed_gives_the_same_book_and_another_seed_another() {
    let (a, b, c) = (
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    );
    write_book(&params(300, 24, 42), a.path()).expect("write");
    write_book(&params(300, 24, 42), b.path()).expect("write");
    write_book(&params(300, 24, 43), c.path()).expect("write");
    for name in ["accounts.csv", "snapshots.csv", "contracts.csv", "notes.csv"] {
        let read = |dir: &tempfile::TempDir| std::fs::read(dir.path().join(name)).expect("read");
        assert_eq!(read(&a), read(&b), "{name} differs for the same seed");
        assert_ne!(read(&a), read(&c), "{name} is the same for another seed");
    }
}

#[test]
fn a_tenth_of_the_accounts_hold_about_45_percent_of_arr() {
    for seed in [1, 2, 3] {
        let dir = tempfile::tempdir().expect("dir");
        let p = params(2000, 36, seed);
        write_book(&p, dir.path()).expect("write");
        let book = read_dir(dir.path());
        let mut arr: HashMap<&str, i64> = HashMap::new();
        for ((account, _, month), (money, _)) in &book.snapshots {
            if *month == p.last_month {
                *arr.entry(account).or_default() += money.cents();
            }
        }
        let mut values: Vec<i64> = arr.into_values().collect();
        values.sort_unstable_by(|a, b| b.cmp(a));
        let top: i64 = values[..values.len() / 10].iter().sum();
        let total: i64 = values.iter().sum();
        let share = top as f64 / total as f64;
        assert!((0.40..=0.50).contains(&share), "seed {seed}: top 10% hold {share:.3}");
    }
}

#[test]
fn every_row_follows_the_import_rules_and_contracts_match_snapshots() {
    let dir = tempfile::tempdir().expect("dir");
    let p = params(1500, 48, 9);
    let summary = write_book(&p, dir.path()).expect("write");
    let book = read_dir(dir.path());
    assert_eq!(book.accounts.len(), 1500);
    assert_eq!(summary.snapshots as usize, book.snapshots.len());

    // The months run from M − 1 before the last to the month before today.
    let months: HashSet<Month> = book.snapshots.keys().map(|k| k.2).collect();
    assert_eq!(months.iter().max(), Some(&Month::parse("2026-02").expect("m")));
    assert_eq!(months.iter().min(), Some(&Month::parse("2022-03").expect("m")));
    assert_eq!(months.len(), 48);
    assert_contracts_match_snapshots(&book, p.first_month(), p.last_month);

    // The book moves: every stage and health, all terms and billings, early
    // terminations, churned accounts, upsells and renewals still to come.
    let stages: HashSet<Stage> = book.accounts.iter().map(|a| a.1).collect();
    let healths: HashSet<Option<Health>> = book.accounts.iter().map(|a| a.2).collect();
    assert_eq!(stages.len(), 4);
    assert_eq!(healths.len(), 4);
    let terms: HashSet<i32> = book.contracts.iter().map(Contract::term_months).collect();
    assert_eq!(terms, HashSet::from([12, 24, 36]));
    let billings: HashSet<Billing> = book.contracts.iter().map(|c| c.billing).collect();
    assert_eq!(billings.len(), 2);
    assert!(book.contracts.iter().any(|c| c.terminated_on.is_some()));
    let today = date("2026-03-10");
    assert!(book.contracts.iter().filter(|c| c.end_date > today).count() > 300);
    let active_last: HashSet<&str> =
        book.snapshots.keys().filter(|k| k.2 == p.last_month).map(|k| k.0.as_str()).collect();
    let ever: HashSet<&str> = book.snapshots.keys().map(|k| k.0.as_str()).collect();
    assert!(ever.len() - active_last.len() > 50, "too few churned accounts");
    let products_per_account =
        book.snapshots.keys().map(|k| (k.0.as_str(), k.1.as_str())).collect::<HashSet<_>>();
    assert!(products_per_account.len() > ever.len() + 200, "too few upsells");
    let starts: HashSet<Month> = book
        .contracts
        .iter()
        .filter(|c| c.id.ends_with("-C01"))
        .map(|c| Month::of(c.start_date))
        .collect();
    assert!(starts.len() > 40, "accounts should start in many different months");
    // Expansion and contraction at renewals.
    let mut grew = 0;
    let mut shrank = 0;
    for contract in &book.contracts {
        if let Some(next) = contract.renewal_among(&book.contracts) {
            match next.units.cmp(&contract.units) {
                std::cmp::Ordering::Greater => grew += 1,
                std::cmp::Ordering::Less => shrank += 1,
                std::cmp::Ordering::Equal => {}
            }
        }
    }
    assert!(grew > 100 && shrank > 50, "grew {grew}, shrank {shrank}");
    assert!(book.notes.iter().any(|n| n.1 == NoteKind::SevereCase));
}

#[test]
fn big_books_have_about_30_csms_and_15_ams() {
    let big = params(100_000, 60, 1);
    assert_eq!((big.csm_count(), big.am_count()), (30, 15));
    let small = params(60, 12, 1);
    assert_eq!((small.csm_count(), small.am_count()), (1, 1));
    let dir = tempfile::tempdir().expect("dir");
    write_book(&params(9000, 2, 4), dir.path()).expect("write");
    let book = read_dir(dir.path());
    let csms: HashSet<&str> = book.accounts.iter().map(|a| a.4.as_str()).collect();
    let ams: HashSet<&str> =
        book.accounts.iter().map(|a| a.5.as_str()).filter(|s| !s.is_empty()).collect();
    assert_eq!((csms.len(), ams.len()), (30, 15));
}
