//! Versioned, append-only migrations tracked in `PRAGMA user_version`. Each
//! runs in its own transaction together with the version bump, so a crash
//! mid-migration leaves the previous version intact. Never edit a migration
//! that has shipped: add the next one.

use super::StoreResult;
use rusqlite::Connection;

/// The migrations in order; the schema version is their count.
const MIGRATIONS: &[(&str, &str)] = &[
    ("initial", include_str!("migrations/001_initial.sql")),
    ("renewal_calendar", include_str!("migrations/002_renewal_calendar.sql")),
    ("next_renewal_index", include_str!("migrations/003_next_renewal_index.sql")),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(super) fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    for (index, (_name, sql)) in MIGRATIONS.iter().enumerate() {
        let version = index as i64 + 1;
        if version <= current {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
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
    fn a_failing_migration_leaves_the_previous_version() {
        let mut conn = Connection::open_in_memory().expect("conn");
        conn.execute_batch("CREATE TABLE accounts (id TEXT)").expect("clash");
        assert!(migrate(&mut conn).is_err());
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("v");
        assert_eq!(version, 0);
    }
}
