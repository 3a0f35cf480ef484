//! Narrow reads that let the cockpit draw its first screen before the whole
//! book is in memory: one CSM's book rows (through the `accounts_by_csm`
//! index and the covering `contracts_next_end` index, one seek each), the
//! book's ARR in rank order (the covering `accounts_by_arr` index, no row
//! read) and the count of equal-ARR accounts ranked before one by id, so the
//! Pareto tier of a CSM's account is exact without loading every account.
//! Read only; no snapshot is read here (a snapshot trend is kept beside
//! each account).

use super::accounts::{BookRow, decode_book_row, fast_date, text_ref, time_of};
use super::triage::{SnapshotTrend, TREND_MONTHS};
use super::{Store, StoreResult};
use crate::domain::Money;
use chrono::{DateTime, NaiveDate, Utc};
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
        Ok(self.csm_rows(csm, today)?.rows)
    }

    /// What the first screen reads of the accounts whose CSM is `csm`, in one
    /// pass over their rows: the book rows ([`Store::book_rows_of_csm`]),
    /// their snapshot trends ([`Store::snapshot_trends`]), when each last
    /// changed health, and when the contracts of those without ARR ended.
    /// Each seek goes to an index the next renewal's seek has just warmed
    /// or to the account's own row.
    pub fn csm_rows(&self, csm: &str, today: NaiveDate) -> StoreResult<CsmRows> {
        let months = super::series::latest_month(&self.conn)?
            .map(|latest| (latest.minus(TREND_MONTHS), latest));
        let mut statement = self.conn.prepare(
            "SELECT a.id, a.name, a.csm, a.am, a.stage, a.stage_since, a.health, a.health_since,
                    a.flags, a.arr_cents, a.units, a.potential_units, a.last_touch,
                    (SELECT MIN(c.end_date) FROM contracts c
                     WHERE c.account_id = a.id AND c.end_date >= ?2 AND c.terminated_on IS NULL),
                    a.trend_arr_cents, a.trend_units,
                    (SELECT MAX(h.at) FROM health_changes h WHERE h.account_id = a.id),
                    (SELECT 1 FROM health_changes h WHERE h.account_id = a.id LIMIT 1 OFFSET 1),
                    CASE WHEN a.arr_cents = 0 THEN
                      (SELECT MAX(COALESCE(c.terminated_on, c.end_date)) FROM contracts c
                       WHERE c.account_id = a.id)
                    END
             FROM accounts a WHERE a.csm = ?1",
        )?;
        let mut rows = statement.query(params![csm, today.to_string()])?;
        let mut read = CsmRows::default();
        let facts = &mut read.facts;
        while let Some(row) = rows.next()? {
            let book_row = decode_book_row(row, text_ref(row, 13).and_then(fast_date))?;
            if let Some((from_month, to_month)) = months {
                let (from_arr, from_units): (i64, i64) = (row.get(14)?, row.get(15)?);
                let (to_arr, to_units) = (book_row.arr.cents(), book_row.units);
                if from_arr != 0 || from_units != 0 || to_arr != 0 || to_units != 0 {
                    facts.trends.push(SnapshotTrend {
                        account_id: book_row.id.clone(),
                        from_month,
                        to_month,
                        from_arr: Money::from_cents(from_arr),
                        to_arr: book_row.arr,
                        from_units,
                        to_units,
                    });
                }
            }
            if let Some(at) = text_ref(row, 16) {
                let before: Option<i64> = row.get(17)?;
                let change = LastHealthChange { at: time_of(at), first: before.is_none() };
                facts.last_health_change.push((book_row.id.clone(), change));
            }
            if let Some(day) = text_ref(row, 18).and_then(fast_date) {
                facts.last_contract_end.push((book_row.id.clone(), day));
            }
            read.rows.push(book_row);
        }
        read.rows.sort_unstable_by(|a, b| b.arr.cmp(&a.arr).then_with(|| a.id.cmp(&b.id)));
        Ok(read)
    }
}

/// See [`Store::csm_rows`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CsmRows {
    /// Largest ARR first, ties by id.
    pub rows: Vec<BookRow>,
    pub facts: CsmFacts,
}

/// When an account's health last changed, and whether that was its first
/// change (nothing before it to have dropped from).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastHealthChange {
    pub at: DateTime<Utc>,
    pub first: bool,
}

/// What Today reads of a CSM's accounts beside their book rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CsmFacts {
    /// As [`Store::snapshot_trends`] gives them for the CSM, by id.
    pub trends: Vec<SnapshotTrend>,
    /// Each account's last health change, for those with any.
    pub last_health_change: Vec<(String, LastHealthChange)>,
    /// For the accounts without ARR that had contracts: the day the last of
    /// them ended (or was terminated).
    pub last_contract_end: Vec<(String, NaiveDate)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::triage::Scope;

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
        // The trends read with the rows are those read alone.
        let mut store = store;
        store
            .conn
            .execute_batch("INSERT INTO snapshots VALUES ('A1', 'Core', 24297, 1500000, 14);")
            .expect("snapshots");
        store.refresh_derived_facts(None).expect("refresh");
        for csm in ["ana", "bo"] {
            let read = store.csm_rows(csm, today).expect("rows");
            assert_eq!(read.facts.trends, store.snapshot_trends(Scope::Csm(csm)).expect("trends"));
        }
        let trends = store.csm_rows("ana", today).expect("rows").facts.trends;
        assert_eq!(trends.len(), 1);
        assert_eq!((trends[0].from_arr, trends[0].to_arr), (Money(1500000), Money(1200000)));
        // The last health change of each account that has one.
        let at = |d: u32| NaiveDate::from_ymd_opt(2025, 5, d).expect("d").and_hms_opt(9, 0, 0);
        let (early, late) = (at(2).expect("t").and_utc(), at(9).expect("t").and_utc());
        store.set_health("A1", crate::domain::Health::Red, "outage", "ana", early).expect("set");
        store.set_health("A1", crate::domain::Health::Orange, "better", "ana", late).expect("set");
        let changes = store.csm_rows("ana", today).expect("rows").facts.last_health_change;
        let last = LastHealthChange { at: late, first: false };
        assert!(changes.contains(&("A1".to_string(), last)), "{changes:?}");
        assert_eq!(changes.iter().filter(|(id, _)| id == "A1").count(), 1);
        // An account changed once has nothing before its change.
        store.set_health("A2", crate::domain::Health::Red, "outage", "ana", early).expect("set");
        let changes = store.csm_rows("ana", today).expect("rows").facts.last_health_change;
        let first = LastHealthChange { at: early, first: true };
        assert!(changes.contains(&("A2".to_string(), first)), "{changes:?}");
    }
}
