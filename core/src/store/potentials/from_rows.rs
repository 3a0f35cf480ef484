//! The recent red changes beside the book rows already in memory (the
//! cockpit's book): read on a second connection while the caller measures
//! the rows, so that the board and the targets list (`read::positions`)
//! open without reading the accounts again. SQL only.

use super::super::accounts::BookRow;
use super::super::stages::date_text;
use super::super::{Store, StoreResult};
use super::RED_CHANGES;
use crate::domain::Health;
use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags};
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

impl Store {
    /// The indices of the `rows` not red now with a change to red on or
    /// after `since` (see [`recovered_rows`]), read on a second connection
    /// to the database file while `work` runs here (on this one when the
    /// store is in memory or the second cannot be opened).
    pub fn red_recently_beside<T: Send>(
        &self,
        rows: &[BookRow],
        since: NaiveDate,
        work: impl FnOnce() -> T + Send,
    ) -> StoreResult<(Vec<u32>, T)> {
        let path = self.path();
        if !path.is_file() {
            let done = work();
            return Ok((recovered_rows(&self.conn, rows, since)?, done));
        }
        let (red, done) = std::thread::scope(|scope| {
            let reader = scope.spawn(|| -> StoreResult<Vec<u32>> {
                let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                let conn = Connection::open_with_flags(path, flags)?;
                recovered_rows(&conn, rows, since)
            });
            let done = work();
            (reader.join(), done)
        });
        match red {
            Ok(Ok(red)) => Ok((red, done)),
            _ => Ok((recovered_rows(&self.conn, rows, since)?, done)),
        }
    }
}

/// The indices of the `rows` not red now with a change to red on or after
/// `since`: the ids read into one buffer, looked up with a light hash (the
/// ids are the book's own, not adversarial), so that a book's worth of red
/// changes costs no allocation per change.
fn recovered_rows(conn: &Connection, rows: &[BookRow], since: NaiveDate) -> StoreResult<Vec<u32>> {
    let mut statement = conn.prepare_cached(RED_CHANGES)?;
    let mut changes = statement.query([date_text(since)])?;
    let mut text = String::new();
    let mut ends = Vec::new();
    while let Some(change) = changes.next()? {
        if let Some(id) = super::super::accounts::text_ref(change, 0) {
            text.push_str(id);
            ends.push(text.len());
        }
    }
    if ends.is_empty() {
        return Ok(Vec::new());
    }
    let mut red: HashSet<&str, BuildHasherDefault<Fnv>> = HashSet::default();
    let mut start = 0;
    for end in ends {
        red.insert(text.get(start..end).unwrap_or(""));
        start = end;
    }
    Ok(rows
        .iter()
        .enumerate()
        .filter(|(_, row)| row.health != Some(Health::Red) && red.contains(row.id.as_str()))
        .filter_map(|(index, _)| u32::try_from(index).ok())
        .collect())
}

/// FNV-1a, for sets of the book's own account ids.
#[derive(Debug, Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::stages::fixture::*;

    #[test]
    fn account_managers_are_the_book_rows_ams_once_each_in_order() {
        let dir = tempfile::tempdir().expect("dir");
        let store = larger_book(dir.path());
        let rows = store.book_rows(day(2025, 3, 1)).expect("rows");
        let mut ams: Vec<String> =
            rows.iter().map(|r| r.am.clone()).filter(|am| !am.is_empty()).collect();
        ams.sort();
        ams.dedup();
        assert_eq!(ams.len(), 6, "{ams:?}");
        assert_eq!(store.account_managers().expect("ams"), ams);
    }

    #[test]
    fn red_spells_are_read_from_the_window_of_the_red_index_alone() {
        let store = book();
        let plan: String = store
            .conn
            .query_row(&format!("EXPLAIN QUERY PLAN {}", super::RED_CHANGES), ["2025-01-01"], |r| {
                r.get(3)
            })
            .expect("plan");
        assert!(plan.contains("COVERING INDEX health_changes_red"), "{plan}");
    }
}
