//! Versioned, append-only migrations tracked in `PRAGMA user_version`: each
//! is a file of plain SQL that never changes once shipped (a test pins their
//! text). A migration that leaves derived data to be computed (the ARR
//! series, the accounts' snapshot facts) says so in its `rebuild` list, and
//! the store rebuilds that data with today's code once the schema is
//! current, in the same transaction as the migrations and the version bump:
//! a crash part way leaves the previous version intact, and an old book ends
//! with exactly the derived rows an import into today's schema writes.
//! Never edit a migration that has shipped: add the next one, a file
//! `migrations/NNN_name.sql` the build script lists (`core/build.rs`).

use super::StoreResult;
use rusqlite::Connection;

/// Derived data a migration asks the store to compute from the stored rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Rebuild {
    /// Every stale account's ARR series (`arr_series`), from its snapshots.
    ArrSeries,
    /// Every account's ARR, units, trend and first month from the snapshots.
    SnapshotFacts,
    /// Every account's usage, ticket and answer series (`store::signals::series`).
    SignalSeries,
}

impl Rebuild {
    fn run(self, conn: &Connection) -> StoreResult<()> {
        match self {
            Rebuild::ArrSeries => super::series::rebuild_stale(conn),
            Rebuild::SnapshotFacts => super::bulk::refresh_snapshot_facts(conn),
            Rebuild::SignalSeries => super::signals::series::rebuild_all(conn),
        }
    }
}

/// One migration: its name, its SQL, and the derived data to rebuild after it.
type Migration = (&'static str, &'static str, &'static [Rebuild]);

// The files of `migrations/` in order, listed by the build script: a new
// migration is only its file, `NNN_name.sql`.
include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The derived data a migration asks for, by its name; a migration not
/// listed here asks for none.
const REBUILDS: &[(&str, &[Rebuild])] = &[
    ("snapshot_series", &[Rebuild::ArrSeries]),
    ("today_facts", &[Rebuild::SnapshotFacts]),
    ("signal_series", &[Rebuild::SignalSeries]),
    ("score_series", &[Rebuild::ArrSeries]),
];

/// What [`REBUILDS`] lists for `name`.
const fn rebuilds_of(name: &str) -> &'static [Rebuild] {
    let mut at = 0;
    while at < REBUILDS.len() {
        if same(REBUILDS[at].0, name) {
            return REBUILDS[at].1;
        }
        at += 1;
    }
    &[]
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut at = 0;
    while at < a.len() {
        if a[at] != b[at] {
            return false;
        }
        at += 1;
    }
    true
}

/// The migrations in order; the schema version is their count.
const MIGRATIONS: &[Migration] = &{
    let mut migrations: [Migration; MIGRATION_FILES.len()] = [("", "", &[]); MIGRATION_FILES.len()];
    let mut at = 0;
    while at < migrations.len() {
        let (name, sql) = MIGRATION_FILES[at];
        migrations[at] = (name, sql, rebuilds_of(name));
        at += 1;
    }
    migrations
};

/// The migrations, for tests that build an older book.
#[cfg(test)]
pub(super) const MIGRATIONS_FOR_TESTS: &[Migration] = MIGRATIONS;

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(super) fn migrate(conn: &mut Connection) -> StoreResult<()> {
    migrate_to(conn, SCHEMA_VERSION)
}

/// Brings the schema up to `target` (at most [`SCHEMA_VERSION`]), all the
/// pending migrations in one transaction. The derived data they ask for is
/// rebuilt only on reaching the current version: today's code reads
/// today's schema (an older `target` is for tests of the schema's shape).
pub(super) fn migrate_to(conn: &mut Connection, target: i64) -> StoreResult<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let pending: Vec<(i64, &Migration)> = (1..)
        .zip(MIGRATIONS)
        .filter(|(version, _)| *version > current && *version <= target)
        .collect();
    let Some(&(last, _)) = pending.last() else { return Ok(()) };
    // The note-key migration hashes the stored texts with the store's function.
    super::note_key::register(conn)?;
    let tx = conn.transaction()?;
    let mut rebuild: Vec<Rebuild> = Vec::new();
    for (_, (_name, sql, asks)) in &pending {
        tx.execute_batch(sql)?;
        rebuild.extend(asks.iter());
    }
    if last == SCHEMA_VERSION {
        rebuild.sort();
        rebuild.dedup();
        for derived in rebuild {
            derived.run(&tx)?;
        }
    }
    tx.pragma_update(None, "user_version", last)?;
    tx.commit()?;
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
        for (_, sql, _) in &MIGRATIONS[..4] {
            conn.execute_batch(sql).expect("old migration");
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
        for (_, sql, _) in &MIGRATIONS[..before] {
            conn.execute_batch(sql).expect("old migration");
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
        assert_eq!(
            indexes,
            vec![
                "contracts_by_end",
                "contracts_by_start",
                "contracts_by_subscription",
                "contracts_next_end"
            ]
        );
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
    fn the_migrations_are_the_files_in_order_with_their_rebuilds() {
        let names: Vec<&str> = MIGRATIONS.iter().map(|m| m.0).collect();
        assert_eq!(
            &names[..8],
            [
                "initial",
                "renewal_calendar",
                "next_renewal_index",
                "snapshot_series",
                "red_spell_index",
                "contract_indexes",
                "today_facts",
                "search"
            ]
        );
        assert_eq!(MIGRATIONS[3].2, [Rebuild::ArrSeries]);
        assert_eq!(MIGRATIONS[6].2, [Rebuild::SnapshotFacts]);
        assert!(MIGRATIONS.iter().filter(|m| !m.2.is_empty()).count() == REBUILDS.len());
        // Every rebuild is asked for by a migration that exists.
        for (name, _) in REBUILDS {
            assert!(names.contains(name), "{name:?} is no migration");
        }
        assert!(MIGRATIONS[0].1.contains("CREATE TABLE accounts"));
    }

    #[test]
    fn a_failing_migration_leaves_the_previous_version() {
        let mut conn = Connection::open_in_memory().expect("conn");
        conn.execute_batch("CREATE TABLE accounts (id TEXT)").expect("clash");
        assert!(migrate(&mut conn).is_err());
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("v");
        assert_eq!(version, 0);
    }

    /// FNV-1a of a migration's text, line ends as `\n` whatever the checkout did.
    fn fingerprint(sql: &str) -> u64 {
        sql.bytes().filter(|&b| b != b'\r').fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    #[test]
    fn shipped_migrations_are_frozen() {
        // A migration that has shipped is never edited: a change to a
        // schema or to derived data is the next migration. Every file in
        // `migrations/` has its line here, so a new migration adds one.
        let shipped: &[(&str, u64)] = &[
            ("initial", 0xd3c8_2487_000a_9983),
            ("renewal_calendar", 0xc3dd_a579_7aaa_6bb1),
            ("next_renewal_index", 0xd94f_109f_a8e1_4f7f),
            ("snapshot_series", 0x7e74_736d_a5e8_58d6),
            ("red_spell_index", 0x101e_f209_ba4a_b4ea),
            ("contract_indexes", 0xf2f1_d083_b254_b7bf),
            ("today_facts", 0x9de7_36a1_ce6c_8972),
            ("search", 0x9037_d8a2_93b8_d780),
            ("nps", 0x29d0_9f8c_dc87_bd7b),
            ("note_kinds", 0x03e5_522a_6b6b_a8c1),
            ("note_hash", 0x488f_047f_73bb_94e8),
            ("subscriptions", 0x3d6a_d2aa_4f28_2baa),
            ("signals", 0x7dd6_42eb_40ae_9de0),
            ("outbox", 0xc5a7_2a0a_2cea_adc1),
            ("undo", 0xfb88_f04d_91a7_b49f),
            ("tasks", 0x4676_61ae_6ebf_620c),
            ("pipeline", 0xf7d1_a75a_a1ec_9bee),
            ("smaller_flagged_index", 0x4760_7583_2192_55bc),
            ("flagged_by_account", 0x3144_11fc_b461_ff43),
            ("signal_series", 0x75b7_62b0_fded_eab5),
            ("cross_sell_and_contacts", 0xa7e8_601f_e7c3_06f8),
            ("score_series", 0xaa4c_4732_e285_e4bf),
            ("team_file_states", 0x54f3_46f0_fe68_c930),
            ("import_speed", 0xf723_679e_f505_ec3b),
            ("backtest_touches", 0xebd7_3066_f6e2_2048),
        ];
        let found: Vec<(&str, u64)> =
            MIGRATIONS.iter().map(|(name, sql, _)| (*name, fingerprint(sql))).collect();
        for ((name, pinned), (found_name, hash)) in shipped.iter().zip(&found) {
            assert_eq!(name, found_name, "migrations are never renamed or reordered");
            assert_eq!(
                *pinned, *hash,
                "migration {name:?} was edited (now {hash:#x}): never edit a shipped migration, add the next one"
            );
        }
        assert_eq!(shipped.len(), found.len(), "a new migration adds its fingerprint here");
    }

    /// The snapshot triggers' text, by name.
    fn triggers(conn: &Connection) -> Vec<(String, String)> {
        conn.prepare(
            "SELECT name, sql FROM sqlite_master
             WHERE type = 'trigger' AND tbl_name = 'snapshots' ORDER BY name",
        )
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
    }

    #[test]
    fn the_triggers_a_bulk_load_restores_are_those_the_migrations_made() {
        let mut conn = Connection::open_in_memory().expect("conn");
        migrate(&mut conn).expect("migrate");
        let made = triggers(&conn);
        assert_eq!(made.len(), 3, "{made:?}");
        conn.execute_batch(super::super::series::DROP_SNAPSHOT_TRIGGERS).expect("drop");
        conn.execute_batch(super::super::series::SNAPSHOT_TRIGGERS).expect("create");
        assert_eq!(triggers(&conn), made);
    }

    /// The derived rows of a book: month counts, ARR series, and each
    /// account's facts from its snapshots.
    fn derived(conn: &Connection) -> Vec<String> {
        let mut rows = Vec::new();
        for sql in [
            "SELECT month || ':' || rows FROM snapshot_months ORDER BY month",
            "SELECT account_id || ':' || first_month || ':' || last_month || ':' || hex(cents)
                    || ':' || hex(units)
             FROM arr_series ORDER BY account_id",
            "SELECT 'stale ' || account_id FROM arr_series_stale ORDER BY account_id",
            "SELECT id || ':' || arr_cents || ':' || units || ':' || trend_arr_cents || ':'
                    || trend_units || ':' || coalesce(first_month, '-')
             FROM accounts ORDER BY id",
        ] {
            let mut statement = conn.prepare(sql).expect("prepare");
            let found = statement.query_map([], |r| r.get::<_, String>(0)).expect("query");
            rows.extend(found.map(|row| row.expect("row")));
        }
        rows
    }

    #[test]
    fn an_old_book_gets_the_derived_data_a_fresh_import_computes() {
        use crate::import::{ImportKind, import_reader};
        let accounts = "account_id,name\nA,Ay\nB,Bee\nC,Cee\n";
        // 2025-01 is month 24300.
        let snapshots = "account_id,month,product,arr,units
A,2024-10,Core,1000.00,4
A,2024-10,Extra,50.00,
A,2025-01,Core,900.00,3
B,2024-11,Core,700.00,7
B,2025-01,Core,800.00,8
C,2024-09,Core,0.00,1
";
        let clock = crate::clock::Clock::fixed(chrono::NaiveDate::MIN);
        let mut fresh = super::super::Store::open_in_memory().expect("store");
        for (kind, text) in [(ImportKind::Accounts, accounts), (ImportKind::Snapshots, snapshots)] {
            import_reader(&mut fresh, kind, "f.csv", text.as_bytes(), "kim", &clock)
                .expect("import");
        }
        let imported = derived(&fresh.conn);
        assert!(imported.contains(&"A:90000:3:105000:4:24297".to_string()), "{imported:?}");
        for version in [3, 6] {
            let mut conn = Connection::open_in_memory().expect("conn");
            for (_, sql, _) in &MIGRATIONS[..version] {
                conn.execute_batch(sql).expect("old migration");
            }
            conn.pragma_update(None, "user_version", version as i64).expect("old version");
            conn.execute_batch(
                "INSERT INTO accounts (id, name) VALUES ('A', 'Ay'), ('B', 'Bee'), ('C', 'Cee');
                 INSERT INTO snapshots (account_id, product, month, arr_cents, units) VALUES
                   ('A', 'Core', 24297, 100000, 4), ('A', 'Extra', 24297, 5000, NULL),
                   ('A', 'Core', 24300, 90000, 3), ('B', 'Core', 24298, 70000, 7),
                   ('B', 'Core', 24300, 80000, 8), ('C', 'Core', 24296, 0, 1);",
            )
            .expect("old data");
            if version >= 4 {
                // As that cockpit's writers left it: series rebuilt, nothing
                // stale, and no units (kept only from the score_series
                // migration on, which rebuilds every series).
                conn.execute_batch(
                    "DELETE FROM arr_series_stale;
                     INSERT INTO arr_series (account_id, first_month, last_month, cents) VALUES
                       ('A', 24297, 24300, x'01'), ('B', 24298, 24300, x'02'),
                       ('C', 24296, 24296, x'00');",
                )
                .expect("series");
            }
            migrate(&mut conn).expect("upgrade");
            assert_eq!(derived(&conn), imported, "a version {version} book");
        }
    }
}
