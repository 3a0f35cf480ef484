//! Books and records for tests, in one place, for this crate's tests and
//! (behind the `testkit` feature) the cockpit crate's.

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
    store
        .connection_for_tests()
        .execute_batch(
            "INSERT INTO accounts (id, name, csm, am, stage, arr_cents, units, potential_units, health, health_since, last_touch)
             VALUES ('A1', 'Acme', 'ana', 'bo', 'adoption', 1200000, 10, 40, 'green', '2025-01-05', '2025-05-01'),
                    ('A2', 'Globex', 'ana', '', 'absorption', 5000000, 60, 100, NULL, NULL, NULL);
             INSERT INTO contracts (id, account_id, product, start_date, end_date, arr_cents, units)
             VALUES ('C1', 'A1', 'Core', '2024-07-01', '2025-06-30', 1200000, 10),
                    ('C2', 'A1', 'Core', '2025-07-01', '2026-06-30', 1200000, 10),
                    ('C3', 'A2', 'Core', '2023-01-01', '2025-03-31', 5000000, 60);
             INSERT INTO snapshots VALUES ('A1', 'Core', 24300, 1200000, 10);",
        )
        .expect("seed");
}

pub fn account(store: &Store, id: &str, csm: &str, health: Option<&str>, arr_units: i64) {
    store
        .connection_for_tests()
        .execute(
            "INSERT INTO accounts (id, name, csm, health, health_since, arr_cents) \
             VALUES (?1, ?2, ?3, ?4, CASE WHEN ?4 IS NULL THEN NULL ELSE '2020-01-01' END, ?5)",
            rusqlite::params![id, format!("{id} Inc"), csm, health, arr_units * 100],
        )
        .expect("account");
}

pub fn contract(
    store: &Store,
    id: &str,
    account: &str,
    start: &str,
    end: &str,
    arr_units: i64,
    billing: &str,
) {
    store
        .connection_for_tests()
        .execute(
            "INSERT INTO contracts (id, account_id, product, start_date, end_date, arr_cents, billing) \
             VALUES (?1, ?2, 'Core', ?3, ?4, ?5, ?6)",
            rusqlite::params![id, account, start, end, arr_units * 100, billing],
        )
        .expect("contract");
}

pub fn health_change(store: &Store, account: &str, at: &str, health: &str) {
    store
        .connection_for_tests()
        .execute(
            "INSERT INTO health_changes (account_id, at, who, health, reason) \
             VALUES (?1, ?2, 'test', ?3, 'test')",
            rusqlite::params![account, at, health],
        )
        .expect("health change");
}
