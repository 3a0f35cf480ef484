//! Versioned, append-only migrations tracked in `PRAGMA user_version`. Each
//! runs in its own transaction together with the version bump, so a crash
//! mid-migration leaves the previous version intact. Never edit a migration
//! that has shipped: add the next one.

use super::StoreResult;
use rusqlite::Connection;

/// A step in Rust run after a migration's SQL, in the same transaction.
type Step = fn(&Connection) -> StoreResult<()>;

/// The migrations in order; the schema version is their count.
const MIGRATIONS: &[(&str, &str, Option<Step>)] = &[
    ("initial", include_str!("migrations/001_initial.sql"), None),
    ("renewal_calendar", include_str!("migrations/002_renewal_calendar.sql"), None),
    ("next_renewal_index", include_str!("migrations/003_next_renewal_index.sql"), None),
    ("snapshot_series", include_str!("migrations/004_snapshot_series.sql"), Some(snapshot_series)),
    ("red_spell_index", include_str!("migrations/005_red_spell_index.sql"), None),
    ("contract_indexes", include_str!("migrations/006_contract_indexes.sql"), None),
    ("today_facts", include_str!("migrations/007_today_facts.sql"), Some(snapshot_trends)),
    ("search", include_str!("migrations/008_search.sql"), None),
];

/// Creates the snapshot triggers and builds every account's ARR series.
fn snapshot_series(conn: &Connection) -> StoreResult<()> {
    conn.execute_batch(super::series::SNAPSHOT_TRIGGERS)?;
    super::series::rebuild_stale(conn)
}

/// Fills the new trend columns from the snapshots already stored.
fn snapshot_trends(conn: &Connection) -> StoreResult<()> {
    super::bulk::refresh_snapshot_facts(conn)
}

/// The migrations, for tests that build an older book.
#[cfg(test)]
pub(super) const MIGRATIONS_FOR_TESTS: &[(&str, &str, Option<Step>)] = MIGRATIONS;

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(super) fn migrate(conn: &mut Connection) -> StoreResult<()> {
    migrate_to(conn, SCHEMA_VERSION)
}

/// Brings the schema up to `target` (at most [`SCHEMA_VERSION`]).
pub(super) fn migrate_to(conn: &mut Connection, target: i64) -> StoreResult<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    for (index, (_name, sql, step)) in MIGRATIONS.iter().enumerate() {
        let version = index as i64 + 1;
        if version <= current || version > target {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        if let Some(step) = step {
            step(&tx)?;
        }
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_applies_in_order_and_once() {
        let mut conn = Connection::open_in_memory().expect("conn");
        migrate(&mut conn).expect("first run");
        migrate(&mut conn).expect("second run is a no-op");
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("v");
        assert_eq!(version, SCHEMA_VERSION);
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))
            .expect("count");
        assert!(tables >= 15, "expected the whole domain, found {tables} tables");
    }

    #[test]
    fn a_version_3_book_upgrades_with_its_snapshots_and_series() {
        let mut conn = Connection::open_in_memory().expect("conn");
        for (_, sql, _) in &MIGRATIONS[..3] {
            conn.execute_batch(sql).expect("old migration");
        }
        conn.pragma_update(None, "user_version", 3).expect("v3");
        conn.execute_batch(
            "INSERT INTO accounts (id, name) VALUES ('A', 'Ay'), ('B', 'Bee'), ('C', 'Cee');
             INSERT INTO snapshots (account_id, product, month, arr_cents, units) VALUES
               ('A', 'Core', 24300, 100000, 2), ('A', 'Add-on', 24300, 5000, NULL),
               ('A', 'Core', 24302, 120000, 3), ('B', 'Core', 24301, 70000, 1);",
        )
        .expect("old data");
        migrate(&mut conn).expect("upgrade");
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("v");
        assert_eq!(version, SCHEMA_VERSION);
        // The snapshots themselves are untouched.
        let rows: i64 =
            conn.query_row("SELECT count(*) FROM snapshots", [], |r| r.get(0)).expect("count");
        assert_eq!(rows, 4);
        let months: Vec<(i64, i64)> = conn
            .prepare("SELECT month, rows FROM snapshot_months ORDER BY month")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(months, vec![(24300, 2), (24301, 1), (24302, 1)]);
        let series: Vec<(String, i64, i64, Vec<u8>)> = conn
            .prepare("SELECT account_id, first_month, last_month, cents FROM arr_series ORDER BY 1")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(series.len(), 2, "C has no snapshots, so no series");
        let mut a = Vec::new();
        assert!(super::super::series::Series::decode(&series[0].3, |_, c| a.push(c)));
        assert_eq!((series[0].1, series[0].2, a), (24300, 24302, vec![105000, 0, 120000]));
        let stale: i64 =
            conn.query_row("SELECT count(*) FROM arr_series_stale", [], |r| r.get(0)).expect("n");
        assert_eq!(stale, 0);
        // From now on any writer keeps the months exact and marks the series stale.
        conn.execute_batch(
            "INSERT INTO snapshots VALUES ('C', 'Core', 24303, 1, NULL);
             DELETE FROM snapshots WHERE account_id = 'B';
             UPDATE snapshots SET month = 24304 WHERE account_id = 'A' AND month = 24302;",
        )
        .expect("raw writes");
        let months: Vec<i64> = conn
            .prepare("SELECT month FROM snapshot_months ORDER BY month")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(months, vec![24300, 24303, 24304]);
        let stale: Vec<String> = conn
            .prepare("SELECT account_id FROM arr_series_stale ORDER BY 1")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(stale, vec!["A", "B", "C"]);
    }

    #[test]
    fn a_version_4_book_upgrades_with_its_health_changes_indexed() {
        let mut conn = Connection::open_in_memory().expect("conn");
        for (_, sql, step) in &MIGRATIONS[..4] {
            conn.execute_batch(sql).expect("old migration");
            if let Some(step) = step {
                step(&conn).expect("old step");
            }
        }
        conn.pragma_update(None, "user_version", 4).expect("v4");
        conn.execute_batch(
            "INSERT INTO accounts (id, name) VALUES ('A', 'Ay');
             INSERT INTO health_changes (account_id, at, who, health, reason) VALUES
               ('A', '2025-01-02T10:00:00Z', 'kim', 'red', 'outage'),
               ('A', '2025-02-02T10:00:00Z', 'kim', 'green', 'fixed');",
        )
        .expect("old data");
        migrate(&mut conn).expect("upgrade");
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("v");
        assert_eq!(version, SCHEMA_VERSION);
        let changes: Vec<(String, String)> = conn
            .prepare("SELECT at, health FROM health_changes ORDER BY at")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            changes,
            [
                ("2025-01-02T10:00:00Z".to_string(), "red".to_string()),
                ("2025-02-02T10:00:00Z".to_string(), "green".to_string())
            ]
        );
        let index: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'health_changes_red'",
                [],
                |r| r.get(0),
            )
            .expect("index");
        assert_eq!(index, 1);
    }

    /// A database as the migrations before `name` left it.
    fn book_before(name: &str) -> Connection {
        let before = MIGRATIONS.iter().position(|m| m.0 == name).expect("migration");
        let conn = Connection::open_in_memory().expect("conn");
        for (_, sql, step) in &MIGRATIONS[..before] {
            conn.execute_batch(sql).expect("old migration");
            if let Some(step) = step {
                step(&conn).expect("old step");
            }
        }
        conn.pragma_update(None, "user_version", before as i64).expect("old version");
        conn
    }

    #[test]
    fn a_book_before_the_trend_columns_upgrades_with_its_trends_filled() {
        let mut conn = book_before("today_facts");
        // 2025-01 (24301) is the latest month: the trend is 2024-10 (24298).
        conn.execute_batch(
            "INSERT INTO accounts (id, name) VALUES ('A', 'Ay'), ('B', 'Bee');
             INSERT INTO snapshots VALUES ('A', 'Core', 24298, 100000, 4),
                                          ('A', 'Extra', 24298, 5000, NULL),
                                          ('A', 'Core', 24301, 90000, 3),
                                          ('B', 'Core', 24299, 70000, 7),
                                          ('B', 'Core', 24301, 80000, 8);",
        )
        .expect("old data");
        migrate(&mut conn).expect("upgrade");
        let rows: Vec<(String, i64, i64, i64, i64)> = conn
            .prepare(
                "SELECT id, trend_arr_cents, arr_cents, trend_units, units FROM accounts ORDER BY id",
            )
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            rows,
            [("A".to_string(), 105_000, 90_000, 4, 3), ("B".to_string(), 0, 80_000, 0, 8)]
        );
    }

    #[test]
    fn a_book_before_the_contract_indexes_upgrades_with_its_contracts_and_one_account_index_left() {
        let mut conn = book_before("contract_indexes");
        conn.execute_batch(
            "INSERT INTO accounts (id, name) VALUES ('A', 'Ay'), ('B', 'Bee');
             INSERT INTO contracts (id, account_id, product, start_date, end_date, arr_cents,
                                    units, billing, terminated_on) VALUES
               ('C1', 'A', 'Core', '2025-01-01', '2025-12-31', 120000, 2, 'annual', NULL),
               ('C2', 'A', 'Core', '2026-01-01', '2026-12-31', 130000, 2, 'annual', NULL),
               ('C3', 'B', 'Core', '2025-03-01', '2026-02-28', 50000, NULL, 'prepaid',
                '2025-09-30');",
        )
        .expect("old data");
        migrate(&mut conn).expect("upgrade");
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("v");
        assert_eq!(version, SCHEMA_VERSION);
        let indexes: Vec<String> = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contracts'
                 AND sql IS NOT NULL ORDER BY name",
            )
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(indexes, vec!["contracts_by_end", "contracts_by_start", "contracts_next_end"]);
        let next: Option<String> = conn
            .query_row(
                "SELECT MIN(end_date) FROM contracts
                 WHERE account_id = 'A' AND end_date >= '2026-01-01' AND terminated_on IS NULL",
                [],
                |r| r.get(0),
            )
            .expect("next renewal");
        assert_eq!(next.as_deref(), Some("2026-12-31"));
        // One account's contracts are still found through an index.
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT id FROM contracts WHERE account_id = 'A'",
                [],
                |r| r.get(3),
            )
            .expect("plan");
        assert!(plan.contains("contracts_next_end"), "{plan}");
        let total: i64 =
            conn.query_row("SELECT sum(arr_cents) FROM contracts", [], |r| r.get(0)).expect("sum");
        assert_eq!(total, 300_000);
    }

    #[test]
    fn a_failing_migration_leaves_the_previous_version() {
        let mut conn = Connection::open_in_memory().expect("conn");
        conn.execute_batch("CREATE TABLE accounts (id TEXT)").expect("clash");
        assert!(migrate(&mut conn).is_err());
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("v");
        assert_eq!(version, 0);
    }
}
