//! Books and records for tests, in one place, for this crate's tests and
//! (behind the `testkit` feature) the cockpit crate's. Tests describe a
//! book as small tables (`Book`); only this module knows how the store
//! keeps it, so no test writes SQL to set up its data.

mod book;

pub use book::Book;

use crate::domain::{Health, Money, Stage};
use crate::metrics::absorption::AccountAbsorption;
use crate::metrics::board::AccountPosition;
use crate::store::Store;
use chrono::NaiveDate;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

pub fn position(id: &str, stage: Stage, arr: i64) -> AccountPosition {
    AccountPosition {
        id: id.into(),
        name: format!("Account {id}"),
        csm: "farmer".into(),
        am: "hunter".into(),
        stage,
        stage_since: Some(d(2025, 1, 1)),
        health: Some(Health::Green),
        red_recently: false,
        arr: Money::from_units(arr),
        tier: 1,
        absorption: AccountAbsorption::default(),
        next_renewal: Some(d(2025, 12, 31)),
    }
}

/// Two accounts (Acme A1, Globex A2) with three contracts and one snapshot.
pub fn seed_two_accounts(store: &Store) {
    Book::new()
        .accounts(
            "id, name,   csm, am, stage,      arr,   units, potential_units, health, health_since, last_touch
             A1, Acme,   ana, bo, adoption,   12000, 10,    40,              green,  2025-01-05,   2025-05-01
             A2, Globex, ana,   , absorption, 50000, 60,    100,             ,       ,",
        )
        .contracts(
            "contract_id, account_id, product, start_date, end_date,   arr,   units
             C1,          A1,         Core,    2024-07-01, 2025-06-30, 12000, 10
             C2,          A1,         Core,    2025-07-01, 2026-06-30, 12000, 10
             C3,          A2,         Core,    2023-01-01, 2025-03-31, 50000, 60",
        )
        .snapshots(
            "account_id, month,   product, arr,   units
             A1,         2025-01, Core,    12000, 10",
        )
        .write(store);
}

/// An account `id` named `{id} Inc` of `csm` with `arr_units` of ARR, and
/// its health (since 2020-01-01) when given.
pub fn account(store: &Store, id: &str, csm: &str, health: Option<&str>, arr_units: i64) {
    let since = if health.is_some() { "2020-01-01" } else { "" };
    Book::new()
        .accounts(&format!(
            "id,name,csm,health,health_since,arr\n\"{id}\",\"{id} Inc\",\"{csm}\",{},{since},{arr_units}",
            health.unwrap_or("")
        ))
        .write(store);
}

/// A contract `id` of `account` for product Core.
pub fn contract(
    store: &Store,
    id: &str,
    account: &str,
    start: &str,
    end: &str,
    arr_units: i64,
    billing: &str,
) {
    Book::new()
        .contracts(&format!(
            "contract_id,account_id,product,start_date,end_date,arr,billing\n\
             \"{id}\",\"{account}\",Core,{start},{end},{arr_units},{billing}"
        ))
        .write(store);
}

/// A health change of `account` at `at`, by `test` for reason `test`.
pub fn health_change(store: &Store, account: &str, at: &str, health: &str) {
    Book::new()
        .health_changes(&format!("account_id,at,health\n\"{account}\",{at},{health}"))
        .write(store);
}
