//! The generator and the demo book, checked the way the importer will read
//! them: every row parsed back with the csv crate and the domain parsers.

use chrono::{DateTime, NaiveDate};
use cockpit::domain::{Billing, Contract, Flags, Health, Money, Month, NoteKind, Stage};
use cockpit::generate::{Params, active_at_month_end, write_book};
use cockpit::store::records::{ACCOUNT_NAMES, REQUIRED};
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

/// The account columns, as the record describes them (the generator writes
/// them all; the demo's file may leave the newest ones out).
const ACCOUNTS: [&str; ACCOUNT_NAMES.len()] = ACCOUNT_NAMES;
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
    let header = accounts.lines().next().unwrap_or_default();
    let written: Vec<&str> = header.split(',').collect();
    // The account columns a file carries are the record's, in its order, the
    // required ones included (the generator writes them all).
    let known: Vec<&str> = ACCOUNTS.iter().copied().filter(|c| written.contains(c)).collect();
    assert_eq!(written, known, "the account columns are the record's, in its order");
    assert_eq!(written[..REQUIRED], ACCOUNTS[..REQUIRED]);
    for row in rows(accounts, &known) {
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
    let accounts = read("accounts.csv");
    assert_eq!(accounts.lines().next(), Some(ACCOUNTS.join(",").as_str()), "every account column");
    parse_book(&accounts, &read("snapshots.csv"), &read("contracts.csv"), &read("notes.csv"))
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

// ---- The demo book ----

use cockpit::demo::{self, Column, DemoChurnEvent, DemoTakeaway};

const TAXONOMY: [&str; 14] = [
    "New sponsor",
    "Failed implementation",
    "Partner problem",
    "Partner training",
    "Product functionality",
    "Ease of use",
    "Oversold / poor fit",
    "Sales training",
    "Support quality",
    "Acquired",
    "Bankrupt",
    "Corporate edict",
    "M&A",
    "Budget cut",
];

fn demo_book(today: NaiveDate) -> (demo::DemoBook, Book) {
    let shifted = demo::book(today).expect("the demo book reads");
    let parsed =
        parse_book(&shifted.accounts, &shifted.snapshots, &shifted.contracts, &shifted.notes);
    (shifted, parsed)
}

fn account_arr(book: &Book, account: &str, month: Month) -> i64 {
    book.snapshots
        .iter()
        .filter(|((a, _, m), _)| a == account && *m == month)
        .map(|(_, (arr, _))| arr.cents())
        .sum()
}

#[test]
fn on_its_anchor_date_the_demo_book_is_its_files() {
    let shifted = demo::shifted_files(demo::anchor()).expect("shift");
    for ((name, raw, _), (shifted_name, text)) in demo::FILES.iter().zip(&shifted) {
        assert_eq!(name, shifted_name);
        assert_eq!(raw, text, "{name} changed without a shift");
    }
    assert_eq!(demo::anchor().to_string(), demo::ANCHOR);
}

#[test]
fn the_demo_book_meets_every_at_least() {
    let (shifted, book) = demo_book(demo::anchor());
    assert!(book.accounts.len() >= 60, "{} accounts", book.accounts.len());
    let csms: HashSet<&str> = book.accounts.iter().map(|a| a.4.as_str()).collect();
    let ams: HashSet<&str> =
        book.accounts.iter().map(|a| a.5.as_str()).filter(|a| !a.is_empty()).collect();
    assert_eq!((csms.len(), ams.len()), (3, 2));
    let months: HashSet<Month> = book.snapshots.keys().map(|k| k.2).collect();
    assert_eq!(months.len(), 36);
    assert_eq!(months.iter().max(), Some(&Month::parse("2026-10").expect("m")));
    let terms: HashSet<i32> = book.contracts.iter().map(Contract::term_months).collect();
    assert_eq!(terms, HashSet::from([12, 24, 36]));
    let billings: HashSet<Billing> = book.contracts.iter().map(|c| c.billing).collect();
    assert_eq!(billings, HashSet::from([Billing::Annual, Billing::Prepaid]));
    let stages: HashSet<Stage> = book.accounts.iter().map(|a| a.1).collect();
    assert_eq!(stages.len(), 4);
    let healths: HashSet<Health> = book.accounts.iter().filter_map(|a| a.2).collect();
    assert_eq!(healths.len(), 4);
    let flags = book.accounts.iter().fold(Flags::default(), |all, a| Flags {
        reference: all.reference || a.3.reference,
        advocate: all.advocate || a.3.advocate,
        design_partner: all.design_partner || a.3.design_partner,
    });
    assert!(flags.reference && flags.advocate && flags.design_partner);
    let early: Vec<&Contract> = book
        .contracts
        .iter()
        .filter(|c| c.terminated_on.is_some() && c.term_months() > 12)
        .collect();
    assert!(early.len() >= 3, "early-terminated multi-year contracts: {}", early.len());

    // Churned and contracted accounts, each with a chain that the snapshots bear out.
    let last = Month::parse("2026-10").expect("m");
    let churned =
        shifted.churn_chains.iter().filter(|c| c.event == DemoChurnEvent::Churned).count();
    let contracted = shifted.churn_chains.len() - churned;
    assert!(churned >= 5 && contracted >= 5, "{churned} churned, {contracted} contracted");
    for chain in &shifted.churn_chains {
        let month = Month::of(chain.event_date);
        let lost = account_arr(&book, &chain.account_id, month.minus(1))
            - account_arr(&book, &chain.account_id, month);
        assert_eq!(lost, chain.arr_lost.cents(), "{chain:?}");
        let now = account_arr(&book, &chain.account_id, last);
        match chain.event {
            DemoChurnEvent::Churned => assert_eq!(now, 0, "{chain:?} still has ARR"),
            DemoChurnEvent::Contracted => assert!(now > 0, "{chain:?} has no ARR left"),
        }
        assert!(!chain.causes.is_empty());
        for cause in &chain.causes {
            assert!(TAXONOMY.contains(&cause.as_str()), "{cause:?} is not in the taxonomy");
        }
    }
    // Every account that lost all its ARR has its chain.
    let ever: HashSet<&str> = book.snapshots.keys().map(|k| k.0.as_str()).collect();
    for account in ever {
        if account_arr(&book, account, last) == 0 {
            assert!(
                shifted.churn_chains.iter().any(|c| c.account_id == account),
                "{account} churned without a chain"
            );
        }
    }

    // Potential units everywhere; notes of every kind, enough to read like a book.
    assert!(
        shifted.accounts.lines().skip(1).all(|l| !l.split(',').nth(8).unwrap_or("").is_empty())
    );
    let kinds: HashSet<NoteKind> = book.notes.iter().map(|n| n.1.clone()).collect();
    assert_eq!(kinds.len(), NoteKind::ALL.len());
    assert!(book.notes.len() >= 120);

    // The health history ends on each account's current health.
    let mut latest: HashMap<&str, (chrono::DateTime<chrono::Utc>, Health)> = HashMap::new();
    for change in &shifted.health_history {
        let entry = latest.entry(&change.account_id).or_insert((change.at, change.health));
        if change.at >= entry.0 {
            *entry = (change.at, change.health);
        }
    }
    for account in &book.accounts {
        assert_eq!(latest.get(account.0.as_str()).map(|l| l.1), account.2, "{}", account.0);
    }
    let ids: HashSet<&str> = book.accounts.iter().map(|a| a.0.as_str()).collect();
    let extra_ids = shifted
        .opportunities
        .iter()
        .map(|o| o.account_id.as_str())
        .chain(shifted.moments.iter().map(|m| m.account_id.as_str()))
        .chain(shifted.success_plans.iter().map(|p| p.account_id.as_str()))
        .chain(shifted.trials.iter().map(|t| t.account_id.as_str()));
    for id in extra_ids {
        assert!(ids.contains(id), "unknown account {id}");
    }
    assert!(shifted.trials.iter().any(|t| t.takeaway == DemoTakeaway::Passed));
    assert!(shifted.trials.iter().any(|t| t.takeaway == DemoTakeaway::Failed));
    assert!(shifted.success_plans.iter().all(|p| p.target_date > p.start_date));
}

#[test]
fn shifted_demo_files_still_follow_the_import_rules() {
    for today in
        ["2026-11-15", "2026-12-07", "2027-01-31", "2028-02-29", "2026-03-31", "2031-06-01"]
    {
        let today = date(today);
        let (shifted, book) = demo_book(today);
        // The snapshots end the last whole month before today.
        let last = Month::of(today).minus(1);
        let months: HashSet<Month> = book.snapshots.keys().map(|k| k.2).collect();
        assert_eq!(months.iter().max(), Some(&last), "{today}");
        assert_eq!(months.iter().min(), Some(&last.minus(35)), "{today}");
        assert_contracts_match_snapshots(&book, last.minus(35), last);
        // Nothing it records as done is after today.
        let now = today.and_hms_opt(23, 59, 59).expect("time").and_utc();
        assert!(shifted.health_history.iter().all(|c| c.at <= now), "{today}");
        assert!(shifted.stage_history.iter().all(|c| c.at <= now), "{today}");
        let day = today.to_string();
        let note_days = shifted.notes.lines().skip(1).filter_map(|l| l.split(',').nth(1));
        assert!(note_days.map(|at| &at[..10]).all(|at| at <= day.as_str()), "{today}");
        assert!(shifted.moments.iter().filter_map(|m| m.done_at).all(|at| at <= now), "{today}");
    }
}

#[test]
fn on_7_december_the_demo_book_runs_to_november() {
    let (shifted, book) = demo_book(date("2026-12-07"));
    let months: HashSet<Month> = book.snapshots.keys().map(|k| k.2).collect();
    assert_eq!(months.iter().max(), Some(&Month::parse("2026-11").expect("m")));
    // The touch written on the anchor's 12th would be the 12th of December:
    // it is held at today, its time of day kept, and stays after the note
    // written half an hour before it.
    let change = shifted
        .health_history
        .iter()
        .filter(|c| c.account_id == "A000025")
        .max_by_key(|c| c.at)
        .expect("a change");
    assert_eq!(change.at.to_rfc3339(), "2026-12-07T10:30:00+00:00");
}

#[test]
fn after_shifting_renewals_are_always_coming_in_90_and_180_days() {
    let (name, text, columns) = demo::FILES[2];
    assert_eq!(name, "contracts.csv");
    let mut today = date("2027-01-01");
    while today <= date("2027-12-31") {
        let months = demo::months_between(demo::anchor(), today);
        let shifted = demo::shift_csv(name, text, columns, months, today).expect("shift");
        let contracts = parse_contracts(&shifted);
        let open_ending_within = |days: i64| {
            contracts
                .iter()
                .filter(|c| c.terminated_on.is_none())
                .filter(|c| c.renewal_among(&contracts).is_none())
                .filter(|c| {
                    let until = (c.end_date - today).num_days();
                    (0..=days).contains(&until)
                })
                .count()
        };
        assert!(
            open_ending_within(90) >= 3,
            "{today}: {} renewals in 90 days",
            open_ending_within(90)
        );
        assert!(
            open_ending_within(180) >= 8,
            "{today}: {} renewals in 180 days",
            open_ending_within(180)
        );
        today = today.succ_opt().expect("date");
    }
}

fn parse_contracts(text: &str) -> Vec<Contract> {
    rows(text, &CONTRACTS)
        .into_iter()
        .map(|row| Contract {
            id: row["contract_id"].clone(),
            account_id: row["account_id"].clone(),
            product: row["product"].clone(),
            start_date: date(&row["start_date"]),
            end_date: date(&row["end_date"]),
            arr: Money::parse_non_negative(&row["arr"]).expect("arr"),
            units: row["units"].parse().ok(),
            billing: Billing::parse(&row["billing"]).expect("billing"),
            terminated_on: (!row["terminated_on"].is_empty()).then(|| date(&row["terminated_on"])),
        })
        .collect()
}

#[test]
fn moments_and_trials_stay_current_after_shifting() {
    for today in ["2027-04-30", "2029-02-28"] {
        let today = date(today);
        let shifted = demo::book(today).expect("book");
        let upcoming =
            shifted.moments.iter().filter(|m| m.done_at.is_none() && m.due_on >= today).count();
        let overdue =
            shifted.moments.iter().filter(|m| m.done_at.is_none() && m.due_on < today).count();
        assert!(upcoming >= 10 && overdue >= 3, "{today}: {upcoming} upcoming, {overdue} overdue");
        assert!(
            shifted.trials.iter().any(|t| t.takeaway == DemoTakeaway::NotYet && t.end_date > today),
            "{today}: no running trial"
        );
        let open_opportunities =
            shifted.opportunities.iter().filter(|o| o.close_date > today).count();
        assert!(open_opportunities >= 5, "{today}");
        // A time keeps its time of day.
        let raw_first = demo::FILES[3].1.lines().nth(1).expect("a note");
        let shifted_first = shifted.notes.lines().nth(1).expect("a note");
        assert_eq!(
            raw_first.split(',').nth(1).map(|t| &t[10..]),
            shifted_first.split(',').nth(1).map(|t| &t[10..])
        );
    }
    assert_eq!(demo::shift_cell("2026-11-30", Column::Date, 3).as_deref(), Some("2027-02-28"));
}
