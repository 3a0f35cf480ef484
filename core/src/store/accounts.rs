//! Accounts as the cockpit reads and edits them: the book of business in one
//! query (`book_rows`), one account's contracts, snapshots and stage history
//! for the account view, and the owner and flag edits. Derived columns
//! (`arr_cents`, `units`, `last_touch`) are kept fresh by the importer and by
//! the note writer; the next renewal is computed here from contracts.
//! No drawing and no ranking here: plain rows out, typed writes in.

use super::records::{ACCOUNT_COLUMNS, IN_BOOK, IN_BOOK_LEN, Kind, Value, value_from_row};
use super::{Store, StoreError, StoreResult};
use crate::domain::{Day, Flags, Health, Money, Month, Stage};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};

/// One account as the book of business shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookRow {
    pub id: String,
    pub name: String,
    pub csm: String,
    pub am: String,
    pub stage: Stage,
    pub stage_since: Option<NaiveDate>,
    pub health: Option<Health>,
    pub health_since: Option<NaiveDate>,
    pub flags: Flags,
    pub arr: Money,
    pub units: i64,
    pub potential_units: Option<i64>,
    /// Earliest end date, today or later, of a contract that is not terminated.
    pub next_renewal: Option<NaiveDate>,
    pub last_touch: Option<NaiveDate>,
    /// The record's columns the Book shows ([`IN_BOOK`]), in that order.
    pub record: [Value; IN_BOOK_LEN],
}

/// One ARR snapshot of one product of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductSnapshot {
    pub product: String,
    pub month: Month,
    pub arr: Money,
    pub units: Option<i64>,
}

/// One change of 4A stage, with who and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageChange {
    pub at: DateTime<Utc>,
    pub who: String,
    pub stage: Stage,
    pub reason: String,
}

/// Reads the date at the start of a date or RFC 3339 text.
pub(crate) fn date_prefix(text: Option<String>) -> Option<NaiveDate> {
    Day::from_stored(&text?).map(Day::date)
}

/// A text column borrowed from the row; `None` for NULL or non-text.
pub(crate) fn text_ref<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> Option<&'r str> {
    match row.get_ref(index).ok()? {
        rusqlite::types::ValueRef::Text(bytes) => std::str::from_utf8(bytes).ok(),
        _ => None,
    }
}

/// The date at the start of a `YYYY-MM-DD…` text, read digit by digit (see
/// [`Day::from_stored`]): the book reads four dates per account.
pub(crate) fn fast_date(text: &str) -> Option<NaiveDate> {
    Day::from_stored(text).map(Day::date)
}

/// Reads an RFC 3339 time, or a bare date taken as its midnight UTC.
pub(crate) fn time_of(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).unwrap_or_else(|_| {
        date_prefix(Some(text.to_string()))
            .unwrap_or_default()
            .and_time(chrono::NaiveTime::MIN)
            .and_utc()
    })
}

/// The book row's columns of `accounts a`, in the order [`decode_book_row`]
/// reads them: every query of book rows selects these first (then the next
/// renewal, from wherever that query finds it, then anything else it reads):
/// the row's own columns, then the record's columns the Book shows.
pub(crate) const BOOK_COLUMNS: BookColumns = BookColumns;

/// The columns every book row reads, before the record's [`IN_BOOK`] ones.
const BOOK_OWN_COLUMNS: &str =
    "a.id, a.name, a.csm, a.am, a.stage, a.stage_since, a.health, a.health_since,
     a.flags, a.arr_cents, a.units, a.potential_units, a.last_touch";

/// How many columns [`BOOK_OWN_COLUMNS`] lists.
const BOOK_OWN_WIDTH: usize = 13;

/// How many columns [`BOOK_COLUMNS`] lists: a query's own columns come after.
pub(crate) const BOOK_WIDTH: usize = BOOK_OWN_WIDTH + IN_BOOK.len();

/// The book row's columns as a query's text (`{BOOK_COLUMNS}` in a `format!`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct BookColumns;

impl std::fmt::Display for BookColumns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(BOOK_OWN_COLUMNS)?;
        for column in IN_BOOK {
            write!(f, ", a.{}", ACCOUNT_COLUMNS[column].sql)?;
        }
        Ok(())
    }
}

/// A record column of a book row; a damaged value shows blank.
fn book_value(row: &rusqlite::Row<'_>, index: usize, kind: Kind) -> Value {
    value_from_row(kind, row, index).unwrap_or_else(|_| Value::blank(kind))
}

/// A book row from [`BOOK_COLUMNS`] (columns `0..BOOK_WIDTH`), with its next renewal.
pub(crate) fn decode_book_row(
    row: &rusqlite::Row<'_>,
    next_renewal: Option<NaiveDate>,
) -> rusqlite::Result<BookRow> {
    Ok(BookRow {
        id: row.get(0)?,
        name: row.get(1)?,
        csm: row.get(2)?,
        am: row.get(3)?,
        stage: text_ref(row, 4).and_then(|s| Stage::parse(s).ok()).unwrap_or(Stage::Addiction),
        stage_since: text_ref(row, 5).and_then(fast_date),
        health: text_ref(row, 6).and_then(|h| Health::parse(h).ok()),
        health_since: text_ref(row, 7).and_then(fast_date),
        flags: Flags::from_bits(row.get(8)?),
        arr: Money::from_cents(row.get(9)?),
        units: row.get(10)?,
        potential_units: row.get(11)?,
        last_touch: text_ref(row, 12).and_then(fast_date),
        next_renewal,
        record: std::array::from_fn(|at| {
            book_value(row, BOOK_OWN_WIDTH + at, ACCOUNT_COLUMNS[IN_BOOK[at]].kind)
        }),
    })
}

/// A book row from [`BOOK_COLUMNS`] and the next renewal after them.
pub(crate) fn book_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<BookRow> {
    decode_book_row(row, text_ref(row, BOOK_WIDTH).and_then(fast_date))
}

impl Store {
    /// Every account, largest ARR first (ties by id), with its next renewal
    /// as of `today`.
    pub fn book_rows(&self, today: NaiveDate) -> StoreResult<Vec<BookRow>> {
        // Both reads walk their B-tree in account-id order (the accounts table
        // itself, the covering `contracts_next_end` index), so the next
        // renewals are merged in without a hash map, and the ARR order is a
        // sort in memory: reading accounts through `accounts_by_arr` would
        // cost a key lookup per account, ten times the plain scan.
        let renewals = self.next_renewals_by_account(today)?;
        let sql = format!("SELECT {BOOK_COLUMNS} FROM accounts a ORDER BY a.id");
        let mut statement = self.conn.prepare(&sql)?;
        let mut rows = statement.query([])?;
        let mut book = Vec::new();
        let mut next = renewals.into_iter().peekable();
        while let Some(row) = rows.next()? {
            let id = text_ref(row, 0).unwrap_or_default();
            while next.next_if(|(account, _)| account.as_str() < id).is_some() {}
            let next_renewal = next.next_if(|(account, _)| account == id).map(|(_, day)| day);
            book.push(decode_book_row(row, next_renewal)?);
        }
        book.sort_unstable_by(|a, b| b.arr.cmp(&a.arr).then_with(|| a.id.cmp(&b.id)));
        Ok(book)
    }

    /// Each account's earliest end date, today or later, of a contract that is
    /// not terminated, in account-id order.
    pub(crate) fn next_renewals_by_account(
        &self,
        today: NaiveDate,
    ) -> StoreResult<Vec<(String, NaiveDate)>> {
        let mut statement = self.conn.prepare(
            "SELECT account_id, MIN(end_date) FROM contracts
             WHERE end_date >= ?1 AND terminated_on IS NULL
             GROUP BY account_id ORDER BY account_id",
        )?;
        let mut rows = statement.query(params![today.to_string()])?;
        let mut renewals = Vec::new();
        while let Some(row) = rows.next()? {
            if let Some(day) = text_ref(row, 1).and_then(fast_date) {
                renewals.push((row.get(0)?, day));
            }
        }
        Ok(renewals)
    }

    /// One account's book row, or `None` when it does not exist.
    pub fn book_row(&self, id: &str, today: NaiveDate) -> StoreResult<Option<BookRow>> {
        let sql = format!(
            "SELECT {BOOK_COLUMNS}, r.next_renewal FROM accounts a
             LEFT JOIN (SELECT account_id, MIN(end_date) AS next_renewal FROM contracts
                        WHERE account_id = ?2 AND end_date >= ?1 AND terminated_on IS NULL) r
               ON r.account_id = a.id
             WHERE a.id = ?2"
        );
        Ok(self.conn.query_row(&sql, params![today.to_string(), id], book_row).optional()?)
    }

    /// The CSM names the book uses, in order (no empty name).
    pub fn csm_names(&self) -> StoreResult<Vec<String>> {
        let mut statement =
            self.conn.prepare("SELECT DISTINCT csm FROM accounts WHERE csm <> '' ORDER BY csm")?;
        let names = statement.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        Ok(names)
    }

    /// Sets an account's CSM (farmer) and AM (hunter). A new CSM takes the
    /// account with its work: the open tasks the previous CSM owned on it
    /// become theirs, in the same transaction (its history is the account's).
    pub fn set_owners(&self, id: &str, csm: &str, am: &str) -> StoreResult<()> {
        // Inside a caller's transaction (an undoable action) it is part of that.
        let own = self.conn.is_autocommit();
        if own {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
        }
        let result = self.move_owners(id, csm, am);
        if own {
            match &result {
                Ok(()) => self.conn.execute_batch("COMMIT")?,
                Err(_) => self.conn.execute_batch("ROLLBACK")?,
            }
        }
        result
    }

    fn move_owners(&self, id: &str, csm: &str, am: &str) -> StoreResult<()> {
        let tx = &self.conn;
        let before: Option<String> = tx
            .query_row("SELECT csm FROM accounts WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        let Some(before) = before else {
            return Err(StoreError::Invalid(format!("account {id} does not exist")));
        };
        tx.execute(
            "UPDATE accounts SET csm = ?2, am = ?3 WHERE id = ?1",
            params![id, csm.trim(), am.trim()],
        )?;
        if !before.is_empty() && !csm.trim().is_empty() && before != csm.trim() {
            tx.execute(
                "UPDATE tasks SET owner = ?3 WHERE account_id = ?1 AND owner = ?2 AND status = 'open'",
                params![id, before, csm.trim()],
            )?;
        }
        Ok(())
    }

    /// Sets an account's value flags (reference, advocate, design partner).
    pub fn set_flags(&self, id: &str, flags: Flags) -> StoreResult<()> {
        let changed = self
            .conn
            .execute("UPDATE accounts SET flags = ?2 WHERE id = ?1", params![id, flags.bits()])?;
        if changed == 0 {
            return Err(StoreError::Invalid(format!("account {id} does not exist")));
        }
        Ok(())
    }

    /// An account's ARR snapshots, by month then product.
    pub fn account_snapshots(&self, id: &str) -> StoreResult<Vec<ProductSnapshot>> {
        let mut statement = self.conn.prepare(
            "SELECT product, month, arr_cents, units FROM snapshots
             WHERE account_id = ?1 ORDER BY month, product",
        )?;
        let rows = statement.query_map(params![id], |row| {
            Ok(ProductSnapshot {
                product: row.get(0)?,
                month: Month(row.get(1)?),
                arr: Money::from_cents(row.get(2)?),
                units: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// An account's 4A stage changes, newest first.
    pub fn account_stage_changes(&self, id: &str) -> StoreResult<Vec<StageChange>> {
        let mut statement = self.conn.prepare(
            "SELECT at, who, stage, reason FROM stage_changes
             WHERE account_id = ?1 ORDER BY at DESC, id DESC",
        )?;
        let rows = statement.query_map(params![id], |row| {
            let at: String = row.get(0)?;
            let stage: String = row.get(2)?;
            Ok(StageChange {
                at: time_of(&at),
                who: row.get(1)?,
                stage: Stage::parse(&stage).unwrap_or(Stage::Addiction),
                reason: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::seed_two_accounts as seed;

    #[test]
    fn the_book_reads_largest_first_with_next_renewal() {
        let store = Store::open_in_memory().expect("store");
        seed(&store);
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("date");
        let rows = store.book_rows(today).expect("rows");
        assert_eq!(rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["A2", "A1"]);
        assert_eq!(rows[1].next_renewal, NaiveDate::from_ymd_opt(2025, 6, 30));
        // A2's only contract ended before today: no next renewal.
        assert_eq!(rows[0].next_renewal, None);
        assert_eq!(rows[1].health, Some(Health::Green));
        assert_eq!(rows[1].last_touch, NaiveDate::from_ymd_opt(2025, 5, 1));
        let one = store.book_row("A1", today).expect("row").expect("exists");
        assert_eq!(one, rows[1]);
        assert!(store.book_row("nope", today).expect("row").is_none());
    }

    #[test]
    fn the_book_width_counts_the_book_columns() {
        assert_eq!(BOOK_COLUMNS.to_string().split(',').count(), BOOK_WIDTH);
    }

    #[test]
    fn dates_are_read_digit_by_digit() {
        assert_eq!(fast_date("2025-06-30"), NaiveDate::from_ymd_opt(2025, 6, 30));
        assert_eq!(fast_date("2025-01-05T10:00:00Z"), NaiveDate::from_ymd_opt(2025, 1, 5));
        assert_eq!(fast_date("2025-02-30"), None);
        assert_eq!(fast_date("2025/01/05"), None);
        assert_eq!(fast_date("2025-0a-05"), None);
        assert_eq!(fast_date("2025-01"), None);
    }

    #[test]
    fn renewals_merge_by_account_and_ties_go_by_id() {
        let store = Store::open_in_memory().expect("store");
        seed(&store);
        crate::testkit::Book::new()
            .accounts("id, name, arr\nA0, Zero, 12000\nB9, Nine, 0")
            .contracts(
                "contract_id, account_id, product, start_date, end_date,   arr, terminated_on
                 C4,          B9,         Core,    2025-01-01, 2027-01-31, 0,
                 C5,          B9,         Core,    2025-01-01, 2026-01-31, 0,
                 C6,          A0,         Core,    2025-01-01, 2026-03-31, 0,   2025-05-01",
            )
            .write(&store);
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("date");
        let rows = store.book_rows(today).expect("rows");
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["A2", "A0", "A1", "B9"]);
        let renewals: Vec<Option<NaiveDate>> = rows.iter().map(|r| r.next_renewal).collect();
        assert_eq!(
            renewals,
            [
                None,
                None,
                NaiveDate::from_ymd_opt(2025, 6, 30),
                NaiveDate::from_ymd_opt(2026, 1, 31)
            ]
        );
        for row in &rows {
            assert_eq!(store.book_row(&row.id, today).expect("row").as_ref(), Some(row));
        }
    }

    #[test]
    fn owners_and_flags_are_written() {
        let store = Store::open_in_memory().expect("store");
        seed(&store);
        store.set_owners("A1", " cy ", "di").expect("owners");
        let flags = Flags { reference: true, ..Flags::default() };
        store.set_flags("A1", flags).expect("flags");
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("date");
        let row = store.book_row("A1", today).expect("row").expect("exists");
        assert_eq!((row.csm.as_str(), row.am.as_str(), row.flags), ("cy", "di", flags));
        assert!(store.set_owners("zz", "a", "b").is_err());
        assert_eq!(store.account_contracts("A1").expect("contracts").len(), 2);
        assert_eq!(store.account_snapshots("A1").expect("snaps")[0].arr, Money(1200000));
    }
}
