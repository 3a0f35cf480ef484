//! Bulk reads and writes for import and export: one transaction per imported
//! file with cached prepared statements, whole-table readers for export, and
//! the refresh of the derived facts the book pane reads from `accounts`
//! (`arr_cents`, `units`, `first_month`, `last_touch`).
//!
//! Validation of CSV rows is not done here: `import` hands over typed rows,
//! this module only writes them and says what changed.

use super::{Store, StoreResult};
use crate::domain::{Account, Contract, Health, Money, Month, Note, Stage};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};

pub use super::series::LoadedSnapshot;

mod batch;
mod journal;
mod landing;
mod read;
mod refresh;
mod rows;
mod signal_loads;
pub mod steps;
mod subscriptions;
use super::facts::set_account_columns;
pub use super::facts::{AccountFacts, Fact};
use super::format::iso_date;
pub use super::format::rfc3339;
pub use batch::{NewSnapshot, ROWS_PER_STATEMENT};
use journal::back_to_wal;
pub use landing::{FileVersion, Landing};
use refresh::refresh;
pub(crate) use refresh::{refresh_snapshot_facts, refresh_touches};

pub(crate) use rows::key_shared;
use std::collections::HashMap;
pub use subscriptions::DerivedWrites;

/// One ARR snapshot row: an account's ARR for one product at one month-end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRecord {
    pub account_id: String,
    pub month: Month,
    pub product: String,
    pub arr: Money,
    pub units: Option<i64>,
}

/// Which optional account columns a file carries; absent ones keep their stored value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountColumns {
    pub csm: bool,
    pub am: bool,
    pub segment: bool,
    pub industry: bool,
    pub region: bool,
    pub stage: bool,
    pub potential_units: bool,
    pub health: bool,
    pub flags: bool,
}

/// What writing one snapshot did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotWrite {
    /// Inserted, or updated with different values.
    Written,
    /// Already stored with the same values.
    Unchanged,
    /// The same account, product and month was already written by this import.
    DuplicateKey,
}

/// What one imported row did to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOutcome {
    Inserted,
    Updated,
    Unchanged,
}

/// Rows inserted, updated and left unchanged by one file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl ImportCounts {
    pub fn add(&mut self, outcome: RowOutcome) {
        match outcome {
            RowOutcome::Inserted => self.inserted += 1,
            RowOutcome::Updated => self.updated += 1,
            RowOutcome::Unchanged => self.unchanged += 1,
        }
    }
}

/// Which derived facts an import may have moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DerivedScope {
    /// ARR, units and first month (snapshots changed).
    Snapshots,
    /// The last touch (notes changed).
    Touches,
    /// Everything.
    All,
}

/// An account as stored, as far as an import compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAccount {
    pub account: Account,
    /// Whether the stored row has a health at all (accounts start without one).
    pub has_health: bool,
}

/// An open import: every write goes into one transaction that is committed
/// only by [`BulkImport::commit`]; dropping it rolls everything back.
///
/// Foreign-key enforcement is off for the import's duration: the importer
/// has already checked every account id against the accounts table inside
/// this same write transaction, and the per-row parent lookups would
/// otherwise cost as much as the inserts themselves. CHECK constraints are
/// off too: every value was parsed into its domain type (stage, health,
/// kind, billing, non-negative money) before it reaches here, and SQLite
/// builds a temporary table for each `IN (…)` check of every row.
pub struct BulkImport<'s> {
    pub(super) conn: &'s Connection,
    /// The store itself, for the writes an import makes as a user's would
    /// (a departure's note and playbook).
    pub(super) store: &'s Store,
    finished: bool,
    /// Secondary indexes dropped for a bulk load into an empty table,
    /// rebuilt (sorted, in one go) before commit.
    deferred_indexes: Vec<String>,
    /// Search indexes left behind by a bulk load into an empty table and
    /// filled in one statement with the deferred indexes.
    deferred_search: Vec<super::search::SuspendedIndex>,
    /// The snapshot writer, prepared once: millions of rows go through it.
    snapshot_statement: Option<rusqlite::Statement<'s>>,
    /// The snapshot triggers were dropped for a bulk load and must be created
    /// again before commit.
    triggers_suspended: bool,
    /// The import runs with a rollback journal (the first import into an
    /// empty book); WAL mode comes back when it ends.
    left_wal: bool,
    /// New accounts start their stage and health history (off for `import
    /// all`, whose history comes from its own files).
    history: bool,
    /// The accounts whose usage, tickets or surveys were written: their
    /// kept series are rebuilt before commit.
    pub(super) signals_moved: super::signals::series::Moved,
    /// The accounts file of the team's book data landing now, if one is.
    pub(crate) landing: Option<Landing>,
}

impl Drop for BulkImport<'_> {
    fn drop(&mut self) {
        if !self.finished {
            // Nothing of the file may stay; errors here leave SQLite to roll
            // back when the connection closes, which it always does.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        let _ = self.conn.pragma_update(None, "foreign_keys", "ON");
        let _ = self.conn.pragma_update(None, "ignore_check_constraints", "OFF");
        let _ = self.conn.query_row("PRAGMA threads = 0", [], |row| row.get::<_, i64>(0));
        // Statements prepared while checks were off would skip them for good.
        self.conn.flush_prepared_statement_cache();
        if self.left_wal {
            steps::timed(|| "back to WAL".to_string(), || back_to_wal(self.conn));
        }
    }
}

const SNAPSHOT_UPSERT: &str = "INSERT INTO snapshots (account_id, product, month, arr_cents, units)
     VALUES (?1, ?2, ?3, ?4, ?5)
     ON CONFLICT (account_id, product, month) DO UPDATE
     SET arr_cents = excluded.arr_cents, units = excluded.units
     WHERE arr_cents IS NOT excluded.arr_cents OR units IS NOT excluded.units";

const CONTRACT_UPSERT: &str = "INSERT INTO contracts
     (id, account_id, product, start_date, end_date, arr_cents, units, billing, terminated_on)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
     ON CONFLICT (id) DO UPDATE
     SET account_id = excluded.account_id, product = excluded.product,
         start_date = excluded.start_date, end_date = excluded.end_date,
         arr_cents = excluded.arr_cents, units = excluded.units,
         billing = excluded.billing, terminated_on = excluded.terminated_on
     WHERE account_id IS NOT excluded.account_id OR product IS NOT excluded.product
        OR start_date IS NOT excluded.start_date OR end_date IS NOT excluded.end_date
        OR arr_cents IS NOT excluded.arr_cents OR units IS NOT excluded.units
        OR billing IS NOT excluded.billing OR terminated_on IS NOT excluded.terminated_on";

/// `?5` is the author when the file names one; without it a stored author
/// is kept. `?6` is the note's key (`note_key`): a stored note with the
/// same key but another time or text is left alone (the writer then finds
/// no note with this time and text and says so).
const NOTE_UPSERT: &str = "INSERT INTO notes (account_id, at, kind, text, who, note_key)
     VALUES (?1, ?2, ?3, ?4, coalesce(?5, ''), ?6)
     ON CONFLICT (account_id, note_key) DO UPDATE
     SET kind = excluded.kind, who = coalesce(?5, who)
     WHERE at = excluded.at AND text = excluded.text
       AND (kind IS NOT excluded.kind OR (?5 IS NOT NULL AND who IS NOT ?5))";

/// The page cache of a load: about 256 MB (negative means KiB).
const LOAD_CACHE_KIB: i64 = -262_144;

/// The page cache while deferred indexes are built: SQLite sorts an index's
/// keys in memory up to the cache's size, and one sort of millions of keys
/// in a 256 MB list misses the CPU's caches at every step, where runs of a
/// few MB sorted apart and then merged do not (the notes' time index of a
/// 100,000-account book, 2.9 million keys: 1.4 s on the CPU instead of
/// 3.2 s). SQLite's own default.
const SORT_CACHE_KIB: i64 = -2_000;

impl Store {
    /// Starts an import: one transaction, with a large page cache so that a
    /// book of millions of snapshot rows is written without re-reading pages.
    pub fn begin_import(&mut self) -> StoreResult<BulkImport<'_>> {
        // About 256 MB of page cache for the duration of the connection;
        // negative means KiB.
        self.conn.pragma_update(None, "cache_size", LOAD_CACHE_KIB)?;
        // The index builds a load defers sort millions of keys: let SQLite
        // sort on a second thread (set back when the import ends).
        let _ = self.conn.query_row("PRAGMA threads = 2", [], |row| row.get::<_, i64>(0));
        let left_wal = self.leave_wal_for_an_empty_book()?;
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        self.conn.pragma_update(None, "ignore_check_constraints", "ON")?;
        if let Err(error) = self.conn.execute_batch("BEGIN IMMEDIATE") {
            self.conn.pragma_update(None, "foreign_keys", "ON")?;
            self.conn.pragma_update(None, "ignore_check_constraints", "OFF")?;
            if left_wal {
                back_to_wal(&self.conn);
            }
            return Err(error.into());
        }
        let store: &Store = self;
        Ok(BulkImport {
            conn: &store.conn,
            store,
            finished: false,
            deferred_indexes: Vec::new(),
            deferred_search: Vec::new(),
            snapshot_statement: None,
            triggers_suspended: false,
            left_wal,
            history: true,
            signals_moved: Default::default(),
            landing: None,
        })
    }

    /// Recomputes the derived columns of `accounts` (ARR and units at the
    /// book's latest snapshot month, first month with ARR, last touch) for the
    /// given accounts, or for every account when `accounts` is `None`.
    pub fn refresh_derived_facts(&mut self, accounts: Option<&[String]>) -> StoreResult<()> {
        let tx = self.conn.transaction()?;
        refresh(&tx, accounts, DerivedScope::All)?;
        tx.commit()?;
        Ok(())
    }
}

impl BulkImport<'_> {
    /// The note kinds this book counts as touches (the setting `store::touches` keeps).
    pub fn touch_kinds(&self) -> StoreResult<Vec<String>> {
        let mut statement =
            self.conn.prepare_cached("SELECT kind FROM touch_kinds ORDER BY kind")?;
        let kinds = statement.query_map([], |row| row.get(0))?;
        Ok(kinds.collect::<Result<Vec<String>, _>>()?)
    }

    /// New accounts are written without the first entries of their stage
    /// and health history: the import brings the history in its own files.
    pub fn without_history(&mut self) {
        self.history = false;
    }

    /// The import's connection, for the other tables' writers in `store`.
    pub(super) fn connection(&self) -> &Connection {
        self.conn
    }

    /// Every stored account by id, with the facts an import compares.
    pub fn stored_accounts(&self) -> StoreResult<HashMap<String, StoredAccount>> {
        let sql = format!("SELECT {} FROM accounts", super::records::account_sql_columns(""));
        let mut statement = self.conn.prepare(&sql)?;
        let mut rows = statement.query([])?;
        let mut accounts = HashMap::new();
        while let Some(row) = rows.next()? {
            let account = super::records::account_from_row(row, 0)?;
            let has_health = account.health.is_some();
            accounts.insert(account.id.clone(), StoredAccount { account, has_health });
        }
        Ok(accounts)
    }

    /// Every stored account id, for checking the ids a file refers to.
    pub fn account_ids(&self) -> StoreResult<Vec<String>> {
        let mut statement = self.conn.prepare("SELECT id FROM accounts")?;
        let ids = statement.query_map([], |row| row.get(0))?.collect::<Result<Vec<_>, _>>()?;
        Ok(ids)
    }

    /// The book's latest snapshot month, if it has snapshots.
    pub fn latest_month(&self) -> StoreResult<Option<Month>> {
        super::series::latest_month(self.conn)
    }

    /// How many rows a table holds, to tell inserts from updates after upserts.
    pub fn count_rows(&self, table: BulkTable) -> StoreResult<u64> {
        let sql = format!("SELECT count(*) FROM {}", table.name());
        Ok(self.conn.query_row(&sql, [], |row| row.get::<_, i64>(0))?.max(0) as u64)
    }

    /// Refreshes the derived facts of the given accounts (or all) inside this import.
    pub fn refresh_derived_facts(
        &mut self,
        accounts: Option<&[String]>,
        scope: DerivedScope,
    ) -> StoreResult<()> {
        self.rebuild_indexes()?;
        refresh(self.conn, accounts, scope)
    }

    /// For a bulk load into an empty snapshots table: drops the triggers that
    /// would otherwise do per-row bookkeeping; [`Self::derive_from_loaded`]
    /// then writes the derived facts from the loaded rows, and the triggers
    /// are created again before commit (a rollback brings them back too).
    pub fn suspend_snapshot_triggers(&mut self) -> StoreResult<()> {
        if !self.triggers_suspended {
            self.conn.execute_batch(super::series::DROP_SNAPSHOT_TRIGGERS)?;
            self.triggers_suspended = true;
        }
        Ok(())
    }

    /// Writes the month counts, ARR series, latest rows per product and the
    /// accounts' derived ARR, units and first month from the rows of a bulk
    /// load into an empty snapshots table. `ids` and `products` are the
    /// accounts and products by the positions in `loaded`.
    pub fn derive_from_loaded(
        &mut self,
        ids: &[String],
        products: &[String],
        loaded: &mut [LoadedSnapshot],
    ) -> StoreResult<()> {
        // Every account's ARR moves: the ARR index is built again after
        // rather than moved entry by entry. It and the other indexes the
        // load deferred (the snapshots' by month among them) are built
        // with the rest at commit: the derived facts read none of them.
        self.deferred_indexes.extend(self.drop_indexes("accounts", &["arr_cents"])?);
        steps::timed(
            || "snapshots' derived facts".to_string(),
            || super::series::derive_from_loaded(self.conn, ids, products, loaded),
        )?;
        self.restore_snapshot_triggers()
    }

    /// Drops the indexes of `table` whose definition names one of `columns`;
    /// returns their definitions, to create them again.
    fn drop_indexes(&self, table: &str, columns: &[&str]) -> StoreResult<Vec<String>> {
        let mut statement = self.conn.prepare(
            "SELECT name, sql FROM sqlite_master
             WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL",
        )?;
        let indexes = statement
            .query_map([table], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut dropped = Vec::new();
        for (index, sql) in indexes {
            if columns.iter().any(|column| sql.contains(column)) {
                self.conn
                    .execute_batch(&format!("DROP INDEX \"{}\"", index.replace('"', "\"\"")))?;
                dropped.push(sql);
            }
        }
        Ok(dropped)
    }

    fn restore_snapshot_triggers(&mut self) -> StoreResult<()> {
        if self.triggers_suspended {
            self.conn.execute_batch(super::series::SNAPSHOT_TRIGGERS)?;
            self.triggers_suspended = false;
        }
        Ok(())
    }

    /// Makes the whole import durable at once.
    pub fn commit(mut self) -> StoreResult<()> {
        self.rebuild_indexes()?;
        steps::timed(|| "snapshot triggers".to_string(), || self.restore_snapshot_triggers())?;
        steps::timed(|| "ARR series".to_string(), || super::series::rebuild_stale(self.conn))?;
        steps::timed(
            || "usage and signal series".to_string(),
            || super::signals::series::rebuild(self.conn, &self.signals_moved),
        )?;
        steps::timed(|| "COMMIT".to_string(), || self.conn.execute_batch("COMMIT"))?;
        self.finished = true;
        Ok(())
    }

    /// When `table` is empty, drops its secondary indexes so that a bulk load
    /// writes one B-tree per row instead of several; [`Self::rebuild_indexes`]
    /// (called at the latest by commit) builds them again from sorted data.
    /// An index that leads with the account stays: an export gives each
    /// account's rows together, so its entries land at the end of the index,
    /// which costs less than sorting them all again (measured on 237,000
    /// contracts: a tenth of the import). A partial index is deferred like
    /// the others: the flagged notes' index, kept during a load of 2.9
    /// million notes, cost 1.8 s on the CPU against 0.55 s to build after.
    /// Rolled back with everything else if the import fails.
    /// Returns whether the table was empty.
    pub fn defer_indexes(&mut self, table: BulkTable) -> StoreResult<bool> {
        let name = table.name();
        let empty: bool = self.conn.query_row(
            &format!("SELECT NOT EXISTS (SELECT 1 FROM {name})"),
            [],
            |row| row.get(0),
        )?;
        if !empty {
            return Ok(false);
        }
        let mut statement = self.conn.prepare(
            "SELECT name, sql FROM sqlite_master
             WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL",
        )?;
        let indexes = statement
            .query_map([name], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        for (index, sql) in indexes {
            if leads_with_account(&sql) {
                continue;
            }
            self.conn.execute_batch(&format!("DROP INDEX \"{}\"", index.replace('"', "\"\"")))?;
            self.deferred_indexes.push(sql);
        }
        self.deferred_search.extend(super::search::suspend_index(self.conn, name)?);
        Ok(true)
    }

    /// Builds again the indexes [`Self::defer_indexes`] dropped.
    pub fn rebuild_indexes(&mut self) -> StoreResult<()> {
        if !self.deferred_indexes.is_empty() {
            self.conn.pragma_update(None, "cache_size", SORT_CACHE_KIB)?;
            let built = std::mem::take(&mut self.deferred_indexes).iter().try_for_each(|sql| {
                steps::timed(|| index_name(sql), || self.conn.execute_batch(sql))
            });
            self.conn.pragma_update(None, "cache_size", LOAD_CACHE_KIB)?;
            built?;
        }
        for index in std::mem::take(&mut self.deferred_search) {
            let name = format!("search index of {}", index.table_name());
            steps::timed(|| name, || index.resume(self.conn))?;
        }
        Ok(())
    }
}

/// The name of the index an index's definition creates.
fn index_name(sql: &str) -> String {
    let name = sql.split_whitespace().nth(2).unwrap_or(sql);
    format!("index {name}")
}

/// Whether an index's definition (`CREATE INDEX name ON table (columns…)`)
/// names `account_id` as its first column.
fn leads_with_account(sql: &str) -> bool {
    sql.split_once('(').is_some_and(|(_, columns)| {
        columns
            .trim_start()
            .strip_prefix("account_id")
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
    })
}

/// Tables whose rows an import counts before and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkTable {
    Accounts,
    Snapshots,
    Contracts,
    Notes,
    Usage,
    Tickets,
    Surveys,
    Contacts,
}

impl BulkTable {
    fn name(self) -> &'static str {
        match self {
            BulkTable::Accounts => "accounts",
            BulkTable::Snapshots => "snapshots",
            BulkTable::Contracts => "contracts",
            BulkTable::Notes => "notes",
            BulkTable::Usage => "usage",
            BulkTable::Tickets => "tickets",
            BulkTable::Surveys => "surveys",
            BulkTable::Contacts => "contacts",
        }
    }
}

/// Recomputes the last touch of `accounts` (pulled team events changed their notes).
pub(crate) fn refresh_touches_of(conn: &Connection, accounts: &[String]) -> StoreResult<()> {
    refresh(conn, Some(accounts), DerivedScope::Touches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_indexes_led_by_the_account_stay_for_a_load() {
        assert!(leads_with_account(
            "CREATE INDEX contracts_next_end ON contracts (account_id, end_date, terminated_on)"
        ));
        assert!(leads_with_account("CREATE INDEX x ON t ( account_id )"));
        assert!(!leads_with_account("CREATE INDEX contracts_by_end ON contracts (end_date)"));
        assert!(!leads_with_account("CREATE INDEX x ON t (account_ids, a)"));
        assert!(!leads_with_account("CREATE INDEX x ON t (at, account_id)"));
    }

    #[test]
    fn checks_and_foreign_keys_are_back_after_an_import() {
        let mut store = Store::open_in_memory().expect("store");
        for (id, finish) in [("A", true), ("B", false)] {
            let mut bulk = store.begin_import().expect("begin");
            let account = Account::new(id, "Ay");
            bulk.insert_account(&account, NaiveDate::MIN).expect("insert");
            if finish {
                bulk.commit().expect("commit");
            } else {
                drop(bulk);
            }
            let bad_stage = store
                .conn
                .execute("INSERT INTO accounts (id, name, stage) VALUES ('X', 'x', 'bogus')", []);
            assert!(bad_stage.is_err(), "the stage check holds again");
            let orphan = store.conn.execute(
                "INSERT INTO snapshots (account_id, product, month, arr_cents) VALUES ('Z', 'p', 1, 1)",
                [],
            );
            assert!(orphan.is_err(), "foreign keys hold again");
        }
    }
}
