//! Importing subscriptions into a stored book: what is derived, what a
//! re-import and a newer export do, and what is refused (and leaves the book
//! as it was).

use super::super::{ImportError, ImportKind, ImportReport, import_reader};
use crate::clock::Clock;
use crate::store::Store;
use chrono::NaiveDate;

fn clock(today: &str) -> Clock {
    Clock::fixed(today.parse::<NaiveDate>().expect("date"))
}

fn book() -> Store {
    let mut store = Store::open_in_memory().expect("store");
    import(&mut store, ImportKind::Accounts, "account_id,name\nA1,Acme\nB2,Bolt\n", "2025-05-10")
        .expect("accounts");
    store
}

fn import(
    store: &mut Store,
    kind: ImportKind,
    text: &str,
    today: &str,
) -> Result<ImportReport, ImportError> {
    let name = format!("{kind}.csv");
    import_reader(store, kind, &name, text.as_bytes(), "kim", &clock(today))
}

fn refused(result: Result<ImportReport, ImportError>) -> Vec<String> {
    match result {
        Err(ImportError::Rejected(errors)) => errors.iter().map(ToString::to_string).collect(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn snapshots(store: &Store) -> Vec<String> {
    let mut rows = Vec::new();
    store
        .each_snapshot(|s| {
            rows.push(format!(
                "{} {} {} {} {}",
                s.account_id,
                s.product,
                s.month,
                s.arr.to_plain(),
                s.units.map_or("-".to_string(), |u| u.to_string())
            ));
            Ok(())
        })
        .expect("snapshots");
    rows
}

fn contracts(store: &Store) -> Vec<String> {
    let mut rows = Vec::new();
    store
        .each_contract(|c| {
            rows.push(format!(
                "{} {} {} {}..{} {} {}",
                c.id,
                c.account_id,
                c.product,
                c.start_date,
                c.end_date,
                c.arr.to_plain(),
                c.terminated_on.map_or("-".to_string(), |d| d.to_string())
            ));
            Ok(())
        })
        .expect("contracts");
    rows
}

const HEADER: &str =
    "subscription_id,account_id,product,start_date,amount,interval,quantity,ended_on\n";

#[test]
fn derives_snapshots_and_contracts_to_the_cent() {
    let mut store = book();
    // A1 Core: 49.99 × 2 × 12 = 1,199.76 monthly from 20 January.
    // A1 Suite: 3,000.00 × 1 a year from 1 February 2024 (contracts
    // 2024-02-01..2025-01-31 and 2025-02-01..2026-01-31).
    // Today 10 May 2025: snapshots through April.
    let text = format!(
        "{HEADER}s1,A1,Core,2025-01-20,49.99,month,2,\ns2,A1,Suite,2024-02-01,3000,year,,\n"
    );
    let report = import(&mut store, ImportKind::Subscriptions, &text, "2025-05-10").expect("ok");
    assert_eq!(
        report.to_string(),
        "subscriptions.csv: 2 subscriptions: 2 inserted, 0 updated, 0 unchanged; \
         derived snapshots: 19 inserted, 0 updated, 0 removed; \
         derived contracts: 2 inserted, 0 updated, 0 removed"
    );
    let rows = snapshots(&store);
    assert_eq!(rows.len(), 19, "{rows:#?}");
    assert!(rows.contains(&"A1 Core 2025-01 1199.76 2".to_string()));
    assert!(rows.contains(&"A1 Core 2025-04 1199.76 2".to_string()));
    assert!(rows.contains(&"A1 Suite 2024-02 3000 1".to_string()));
    assert!(rows.contains(&"A1 Suite 2025-04 3000 1".to_string()));
    assert_eq!(
        contracts(&store),
        vec![
            "s2/1 A1 Suite 2024-02-01..2025-01-31 3000 -",
            "s2/2 A1 Suite 2025-02-01..2026-01-31 3000 -",
        ]
    );
    // What is derived is known as such (a full export leaves it out).
    let products = store.subscription_products().expect("products");
    assert_eq!(products.len(), 2);
    assert!(products.contains(&("A1".to_string(), "Core".to_string())));
    let ids = store.derived_contract_ids().expect("ids");
    assert_eq!(ids.len(), 2);
    assert!(ids.contains("s2/2"));
}

#[test]
fn the_same_file_again_changes_nothing_and_a_newer_export_updates_in_place() {
    let mut store = book();
    let text =
        format!("{HEADER}s2,A1,Suite,2023-03-01,1200,year,5,\nm1,B2,Core,2025-01-01,10,month,,\n");
    import(&mut store, ImportKind::Subscriptions, &text, "2025-05-10").expect("first");
    let (before_snapshots, before_contracts) = (snapshots(&store), contracts(&store));
    let again = import(&mut store, ImportKind::Subscriptions, &text, "2025-05-10").expect("again");
    assert_eq!(
        again.to_string(),
        "subscriptions.csv: 2 subscriptions: 0 inserted, 0 updated, 2 unchanged; \
         the snapshots and contracts they give were already in the book"
    );
    assert_eq!(snapshots(&store), before_snapshots);
    assert_eq!(contracts(&store), before_contracts);

    // The newer export says s2 ended on 15 September 2024: its second year
    // is terminated that day, the third year (2025-03-01) never started, and
    // the months from September 2024 on lose its 6,000.00.
    let newer = format!("{HEADER}s2,A1,Suite,2023-03-01,1200,year,5,2024-09-15\n");
    let report =
        import(&mut store, ImportKind::Subscriptions, &newer, "2025-05-10").expect("newer");
    assert_eq!(report.counts.updated, 1);
    assert_eq!(
        contracts(&store),
        vec![
            "s2/1 A1 Suite 2023-03-01..2024-02-29 6000 -",
            "s2/2 A1 Suite 2024-03-01..2025-02-28 6000 2024-09-15",
        ]
    );
    let suite: Vec<String> =
        snapshots(&store).into_iter().filter(|row| row.starts_with("A1 Suite")).collect();
    assert_eq!(suite.len(), 18, "2023-03 to 2024-08: {suite:#?}");
    assert_eq!(suite.last().map(String::as_str), Some("A1 Suite 2024-08 6000 5"));
    // m1 was not in the newer file: kept, as a file may be a part of the book.
    assert!(snapshots(&store).contains(&"B2 Core 2025-04 120 1".to_string()));
    assert_eq!(
        report.derived.map(|d| (d.snapshots.removed, d.contracts.removed, d.contracts.updated)),
        Some((8, 1, 1))
    );
}

#[test]
fn a_later_day_adds_the_months_completed_since() {
    let mut store = book();
    let text = format!("{HEADER}m1,B2,Core,2025-01-01,10,month,,\n");
    import(&mut store, ImportKind::Subscriptions, &text, "2025-03-02").expect("first");
    assert_eq!(snapshots(&store).len(), 2);
    let report = import(&mut store, ImportKind::Subscriptions, &text, "2025-05-02").expect("later");
    assert_eq!(report.counts.unchanged, 1);
    assert_eq!(report.derived.map(|d| d.snapshots.inserted), Some(2));
    assert_eq!(snapshots(&store).len(), 4);
}

#[test]
fn a_product_takes_its_arr_from_subscriptions_or_snapshots_not_both() {
    let mut store = book();
    import(
        &mut store,
        ImportKind::Snapshots,
        "account_id,month,product,arr\nA1,2025-01,Core,100\nA1,2025-02,Core,100\n",
        "2025-05-10",
    )
    .expect("snapshots");
    let text =
        format!("{HEADER}s1,A1,Core,2025-01-20,10,month,,\ns2,A1,Suite,2025-01-01,10,month,,\n");
    let errors = refused(import(&mut store, ImportKind::Subscriptions, &text, "2025-05-10"));
    assert_eq!(
        errors,
        vec![
            "subscriptions.csv:2:3: product: account A1 already has 2 snapshots of Core from a \
             snapshots import (2025-01 to 2025-02); a product's ARR comes from its subscriptions \
             or from imported snapshots, not both (use another product name, or remove those \
             snapshots first)"
        ]
    );
    // Nothing of the file stayed, the other product's row included.
    assert_eq!(snapshots(&store).len(), 2);
    let mut count = 0;
    store
        .each_subscription(|_| {
            count += 1;
            Ok(())
        })
        .expect("read");
    assert_eq!(count, 0);

    // Another product of the same account mixes fine, and then the reverse:
    // a snapshots import over that product is refused at its row.
    let suite = format!("{HEADER}s2,A1,Suite,2025-01-01,10,month,,\n");
    import(&mut store, ImportKind::Subscriptions, &suite, "2025-05-10").expect("suite");
    let errors = refused(import(
        &mut store,
        ImportKind::Snapshots,
        "account_id,month,product,arr\nA1,2025-03,Core,100\nA1,2025-03,Suite,5\n",
        "2025-05-10",
    ));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with(
            "snapshots.csv:3:3: product: account A1's ARR of Suite comes from its subscriptions"
        ),
        "{errors:#?}"
    );
}

#[test]
fn derived_contracts_and_imported_ones_do_not_overwrite_each_other() {
    let mut store = book();
    let contracts_text = "contract_id,account_id,product,start_date,end_date,arr\n\
                          y1/1,A1,Core,2024-01-01,2024-12-31,100\n";
    import(&mut store, ImportKind::Contracts, contracts_text, "2025-05-10").expect("contracts");
    let text = format!("{HEADER}y1,A1,Suite,2024-01-01,100,year,,\n");
    let errors = refused(import(&mut store, ImportKind::Subscriptions, &text, "2025-05-10"));
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with("subscriptions.csv:2:1: subscription_id: its contract \"y1/1\""));

    let text = format!("{HEADER}y2,A1,Suite,2024-01-01,100,year,,\n");
    import(&mut store, ImportKind::Subscriptions, &text, "2025-05-10").expect("subscriptions");
    let over = "contract_id,account_id,product,start_date,end_date,arr\n\
                y2/1,A1,Suite,2024-01-01,2024-12-31,999\n";
    let errors = refused(import(&mut store, ImportKind::Contracts, over, "2025-05-10"));
    assert!(
        errors[0].starts_with("contracts.csv:2:1: contract_id: \"y2/1\" is a contract derived"),
        "{errors:#?}"
    );
}

#[test]
fn bad_rows_are_reported_where_they_are() {
    let mut store = book();
    let text = format!(
        "{HEADER}s1,A1,Core,2025-02-30,10,month,,\n\
         s2,ZZ,Core,2025-01-01,10,week,,\n\
         s3,A1,Core,2025-03-01,10,month,2,2025-02-01\n\
         s4,A1,Core,2025-01-01,9000000000,month,2,\n\
         s1,A1,Core,2025-01-01,10,month,,\n"
    );
    let errors = refused(import(&mut store, ImportKind::Subscriptions, &text, "2025-05-10"));
    assert_eq!(errors.len(), 5, "{errors:#?}");
    assert!(errors[0].starts_with("subscriptions.csv:2:4: start_date: "), "{errors:#?}");
    assert!(
        errors[1].starts_with("subscriptions.csv:3:2: account_id: \"ZZ\" is not a known account")
    );
    assert_eq!(errors[2], "subscriptions.csv:3:6: interval: \"week\" is not one of month, year");
    assert_eq!(
        errors[3],
        "subscriptions.csv:4:8: ended_on: 2025-02-01 is before start_date 2025-03-01"
    );
    assert!(
        errors[4].starts_with(
            "subscriptions.csv:5:5: amount: the ARR it gives (amount × quantity × 12)"
        )
    );
    assert!(snapshots(&store).is_empty());
}

#[test]
fn the_book_shows_the_derived_arr() {
    let mut store = book();
    let text = format!("{HEADER}s1,A1,Core,2025-01-20,49.99,month,2,\n");
    import(&mut store, ImportKind::Subscriptions, &text, "2025-05-10").expect("ok");
    let row = store.book_row("A1", "2025-05-10".parse().expect("day")).expect("read");
    let row = row.expect("A1");
    assert_eq!((row.arr, row.units), (crate::domain::Money(119_976), 2));
    // The yearly subscription's contract is the account's next renewal.
    let text = format!("{HEADER}y1,A1,Suite,2025-02-01,100,year,,\n");
    import(&mut store, ImportKind::Subscriptions, &text, "2025-05-10").expect("ok");
    let row = store.book_row("A1", "2025-05-10".parse().expect("day")).expect("read");
    assert_eq!(row.and_then(|r| r.next_renewal), "2026-01-31".parse().ok());
}

#[test]
fn subscriptions_export_in_the_format_they_import() {
    let mut store = book();
    let text = format!(
        "{HEADER}s1,A1,Core,2025-01-20,49.99,month,2,\ns2,B2,Suite,2024-02-29,3000,year,1,2025-03-01\n"
    );
    import(&mut store, ImportKind::Subscriptions, &text, "2025-05-10").expect("ok");
    let mut out = Vec::new();
    crate::export::export(
        &store,
        ImportKind::Subscriptions,
        crate::export::ExportFormat::Csv,
        &mut out,
    )
    .expect("export");
    let exported = String::from_utf8(out).expect("utf-8");
    assert_eq!(exported.replace("\r\n", "\n"), text);
}

/// A Stripe subscriptions export as the dashboard writes it: its own column
/// names and order, times in UTC, amounts in major units with thousands
/// separators, columns the cockpit does not read.
const STRIPE: &str = "\
id,Customer Description,Customer ID,Customer Email,Plan,Product,Quantity,Currency,Interval,Amount,Status,Created (UTC),Start Date (UTC),Current Period Start (UTC),Current Period End (UTC),Trial Start (UTC),Trial End (UTC),Application Fee Percent,Coupon,Tax Percent,Canceled At (UTC),Cancel At Period End,Ended At (UTC)
sub_1Na,Acme,cus_A,ops@acme.test,price_9x,Cockpit Pro,3,usd,month,49.99,active,2025-01-20 08:12,2025-01-20 08:12,2025-04-20 08:12,2025-05-20 08:12,,,,,,,false,
sub_1Nb,Bolt,cus_B,it@bolt.test,price_7y,Cockpit Enterprise,2,usd,year,\"1,200.50\",canceled,2023-03-01 10:00,2023-03-01 10:00,2024-03-01 10:00,2025-03-01 10:00,,,,,,2024-06-02 16:40,false,2024-09-15 00:00
";

#[test]
fn a_stripe_export_imports_through_its_builtin_profile_to_the_cent() {
    let profile = crate::import::Profile::find("stripe-subscriptions").expect("built in");
    let mut store = Store::open_in_memory().expect("store");
    import(
        &mut store,
        ImportKind::Accounts,
        "account_id,name\ncus_A,Acme\ncus_B,Bolt\n",
        "2025-05-10",
    )
    .expect("accounts");
    let report = crate::import::import_reader_with(
        &mut store,
        ImportKind::Subscriptions,
        "stripe.csv",
        STRIPE.as_bytes(),
        "kim",
        &clock("2025-05-10"),
        crate::import::ImportOptions { profile: profile.clone(), ..Default::default() },
    )
    .expect("imported");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.counts.inserted, 2);
    // Cockpit Pro: 49.99 × 3 × 12 = 1,799.64 from January 2025 through April.
    // Cockpit Enterprise: 1,200.50 × 2 = 2,401.00 a year from 1 March 2023,
    // ended 15 September 2024 (not when the cancellation was asked for).
    let rows = snapshots(&store);
    assert!(rows.contains(&"cus_A Cockpit Pro 2025-04 1799.64 3".to_string()), "{rows:#?}");
    assert!(rows.contains(&"cus_B Cockpit Enterprise 2024-08 2401 2".to_string()), "{rows:#?}");
    assert!(!rows.iter().any(|row| row.starts_with("cus_B Cockpit Enterprise 2024-09")));
    assert_eq!(
        contracts(&store),
        vec![
            "sub_1Nb/1 cus_B Cockpit Enterprise 2023-03-01..2024-02-29 2401 -",
            "sub_1Nb/2 cus_B Cockpit Enterprise 2024-03-01..2025-02-28 2401 2024-09-15",
        ]
    );
    // A problem is reported in the user's own terms.
    let bad = STRIPE.replace(",month,49.99,", ",week,49.99,");
    let errors = refused(crate::import::import_reader_with(
        &mut store,
        ImportKind::Subscriptions,
        "stripe.csv",
        bad.as_bytes(),
        "kim",
        &clock("2025-05-10"),
        crate::import::ImportOptions { profile: profile.clone(), ..Default::default() },
    ));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0] == "stripe.csv:2:9: Interval (interval): \"week\" is not one of month, year",
        "{errors:#?}"
    );
}

#[test]
fn a_subscription_moved_to_another_product_takes_its_months_along() {
    let mut store = book();
    let text = format!("{HEADER}s1,A1,Core,2025-01-20,10,month,1,\n");
    import(&mut store, ImportKind::Subscriptions, &text, "2025-05-10").expect("first");
    let moved = format!("{HEADER}s1,A1,Suite,2025-01-20,10,month,1,\n");
    let report =
        import(&mut store, ImportKind::Subscriptions, &moved, "2025-05-10").expect("moved");
    assert_eq!(report.counts.updated, 1);
    // 10.00 × 12 = 120.00 a year, January to April, now under Suite only.
    assert_eq!(
        snapshots(&store),
        vec![
            "A1 Suite 2025-01 120 1",
            "A1 Suite 2025-02 120 1",
            "A1 Suite 2025-03 120 1",
            "A1 Suite 2025-04 120 1",
        ]
    );
    // Core is free again for imported snapshots.
    import(
        &mut store,
        ImportKind::Snapshots,
        "account_id,month,product,arr\nA1,2025-04,Core,100\n",
        "2025-05-10",
    )
    .expect("Core from snapshots");
}

/// `import all` of a folder holding both snapshots.csv and subscriptions.csv:
/// each product takes its ARR from one of them, so the book is the two
/// files' rows side by side (the snapshots file's rows as given, the
/// subscriptions' derived after the contracts), and a product in both is
/// refused at its subscriptions row with nothing imported.
#[test]
fn import_all_with_snapshots_and_subscriptions_keeps_each_product_to_one_source() {
    use super::super::{ImportOptions, import_all};
    let write = |dir: &std::path::Path, subscriptions: &str| {
        let files = [
            ("accounts.csv", "account_id,name\nA1,Acme\nB2,Bolt\n".to_string()),
            (
                "snapshots.csv",
                "account_id,month,product,arr\nA1,2025-01,Core,100\nA1,2025-02,Core,100\n"
                    .to_string(),
            ),
            (
                "contracts.csv",
                "contract_id,account_id,product,start_date,end_date,arr\n\
                 c1,A1,Core,2025-01-01,2025-12-31,1200\n"
                    .to_string(),
            ),
            ("subscriptions.csv", format!("{HEADER}{subscriptions}")),
        ];
        for (name, text) in files {
            std::fs::write(dir.join(name), text).expect("write");
        }
    };
    let run = |dir: &std::path::Path| {
        let mut store = Store::open_in_memory().expect("store");
        let result =
            import_all(&mut store, dir, "kim", &clock("2025-05-10"), ImportOptions::default());
        (store, result)
    };

    // A1 Suite: 3,000.00 a year from 1 February 2024: 2024-02..2025-04 is
    // 15 months and two started years. B2 Core: 49.99 × 2 × 12 = 1,199.76
    // from 20 January: 2025-01..2025-04, 4 months, no contract.
    let both = tempfile::tempdir().expect("dir");
    write(
        both.path(),
        "s2,A1,Suite,2024-02-01,3000,year,,\ns3,B2,Core,2025-01-20,49.99,month,2,\n",
    );
    let (store, result) = run(both.path());
    result.expect("import all");
    let rows = snapshots(&store);
    assert_eq!(rows.len(), 2 + 15 + 4, "{rows:#?}");
    assert!(rows.contains(&"A1 Core 2025-02 100 -".to_string()), "{rows:#?}");
    assert!(rows.contains(&"A1 Suite 2024-02 3000 1".to_string()), "{rows:#?}");
    assert!(rows.contains(&"A1 Suite 2025-04 3000 1".to_string()), "{rows:#?}");
    assert!(rows.contains(&"B2 Core 2025-04 1199.76 2".to_string()), "{rows:#?}");
    assert_eq!(
        contracts(&store),
        vec![
            "c1 A1 Core 2025-01-01..2025-12-31 1200 -",
            "s2/1 A1 Suite 2024-02-01..2025-01-31 3000 -",
            "s2/2 A1 Suite 2025-02-01..2026-01-31 3000 -",
        ]
    );
    // The same book as the files imported one by one.
    let mut one_by_one = book();
    let read = |name: &str| std::fs::read_to_string(both.path().join(name)).expect("read");
    for (kind, name) in [
        (ImportKind::Snapshots, "snapshots.csv"),
        (ImportKind::Contracts, "contracts.csv"),
        (ImportKind::Subscriptions, "subscriptions.csv"),
    ] {
        import(&mut one_by_one, kind, &read(name), "2025-05-10").expect("one file");
    }
    assert_eq!(snapshots(&one_by_one), rows);
    assert_eq!(contracts(&one_by_one), contracts(&store));

    // A1 Core in both files: refused where the subscription names it, and
    // the book stays empty.
    let clash = tempfile::tempdir().expect("dir");
    write(clash.path(), "s2,A1,Suite,2024-02-01,3000,year,,\ns1,A1,Core,2025-01-20,10,month,,\n");
    let (store, result) = run(clash.path());
    let errors: Vec<String> = match result {
        Err(ImportError::Rejected(errors)) => errors.iter().map(ToString::to_string).collect(),
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].ends_with(
            "subscriptions.csv:3:3: product: account A1 already has 2 snapshots of Core from a \
             snapshots import (2025-01 to 2025-02); a product's ARR comes from its subscriptions \
             or from imported snapshots, not both (use another product name, or remove those \
             snapshots first)"
        ),
        "{errors:#?}"
    );
    assert!(store.is_empty_book().expect("empty"));
}
