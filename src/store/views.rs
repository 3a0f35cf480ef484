//! Narrow reads that let the cockpit draw its first screen before the whole
//! book is in memory: one CSM's book rows (through the `accounts_by_csm`
//! index and the covering `contracts_next_end` index, one seek each), the
//! book's ARR in rank order (the covering `accounts_by_arr` index, no row
//! read) and the count of equal-ARR accounts ranked before one by id, so the
//! Pareto tier of a CSM's account is exact without loading every account.
//! Read only; no snapshot is read here.

use super::accounts::{BookRow, decode_book_row, fast_date, text_ref};
use super::{Store, StoreResult};
use chrono::NaiveDate;
use rusqlite::params;

/// See `Store::arr_ranked_above`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrRanks {
    /// Per account asked for: the ARR cents of the accounts ranked above it.
    pub above: Vec<i128>,
    /// The whole book's ARR in cents.
    pub total: i128,
    /// Accounts in the whole book.
    pub count: usize,
}

impl Store {
    /// For accounts given as (ARR cents, id) in rank order (largest ARR
    /// first, ties by id): the ARR in cents of all the accounts ranked above
    /// each (negative ARR counted as zero), with the whole book's ARR and
    /// account count. One walk of the ARR index, no row read: what the
    /// Pareto tiers of a few accounts need without loading the book.
    pub fn arr_ranked_above(&self, ranked: &[(i64, &str)]) -> StoreResult<ArrRanks> {
        let mut statement =
            self.conn.prepare("SELECT arr_cents, id FROM accounts ORDER BY arr_cents DESC, id")?;
        let mut rows = statement.query([])?;
        let mut ranks = ArrRanks { above: Vec::with_capacity(ranked.len()), total: 0, count: 0 };
        let mut next = ranked.iter().peekable();
        while let Some(row) = rows.next()? {
            let cents: i64 = row.get(0)?;
            while let Some((arr, id)) = next.peek() {
                let here = (std::cmp::Reverse(cents), text_ref(row, 1).unwrap_or(""));
                if (std::cmp::Reverse(*arr), *id) > here {
                    break;
                }
                ranks.above.push(ranks.total);
                next.next();
            }
            ranks.total += i128::from(cents.max(0));
            ranks.count += 1;
        }
        ranks.above.extend(next.map(|_| ranks.total));
        Ok(ranks)
    }

    /// The book rows of the accounts whose CSM is `csm`, largest ARR first
    /// (ties by id), each with its next renewal as of `today`: the same rows
    /// `book_rows` returns for them.
    pub fn book_rows_of_csm(&self, csm: &str, today: NaiveDate) -> StoreResult<Vec<BookRow>> {
        let mut statement = self.conn.prepare(
            "SELECT a.id, a.name, a.csm, a.am, a.stage, a.stage_since, a.health, a.health_since,
                    a.flags, a.arr_cents, a.units, a.potential_units, a.last_touch,
                    (SELECT MIN(c.end_date) FROM contracts c
                     WHERE c.account_id = a.id AND c.end_date >= ?2 AND c.terminated_on IS NULL)
             FROM accounts a WHERE a.csm = ?1",
        )?;
        let mut rows = statement.query(params![csm, today.to_string()])?;
        let mut book = Vec::new();
        while let Some(row) = rows.next()? {
            book.push(decode_book_row(row, text_ref(row, 13).and_then(fast_date))?);
        }
        book.sort_unstable_by(|a, b| b.arr.cmp(&a.arr).then_with(|| a.id.cmp(&b.id)));
        Ok(book)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csms_rows_are_the_books_rows_of_that_csm() {
        let store = Store::open_in_memory().expect("store");
        crate::store::accounts::tests::seed(&store);
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("day");
        let all = store.book_rows(today).expect("book");
        for csm in ["ana", "bo", "nobody"] {
            let mine: Vec<BookRow> = all.iter().filter(|r| r.csm == csm).cloned().collect();
            assert_eq!(store.book_rows_of_csm(csm, today).expect("rows"), mine);
        }
        // Globex (50,000) above Acme (12,000).
        let asked: Vec<(i64, &str)> = all.iter().map(|r| (r.arr.cents(), r.id.as_str())).collect();
        let ranks = store.arr_ranked_above(&asked).expect("ranks");
        assert_eq!(ranks, ArrRanks { above: vec![0, 5_000_000], total: 6_200_000, count: 2 });
        let ranks = store.arr_ranked_above(&asked[1..]).expect("ranks");
        assert_eq!(ranks.above, [5_000_000]);
    }
}
