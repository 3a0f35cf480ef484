//! Narrow reads that let the cockpit draw its first screen before the whole
//! book is in memory: one CSM's book rows (through the `accounts_by_csm`
//! index and the covering `contracts_next_end` index, one seek each), and
//! where the Pareto tier cuts fall in the book's ARR ranking (the covering
//! `accounts_by_arr` index, no row read), so the tier of a CSM's account is
//! exact without loading every account.
//! Read only; no snapshot is read here (a snapshot trend is kept beside
//! each account).

use super::accounts::{
    BOOK_COLUMNS, BOOK_WIDTH, BookRow, decode_book_row, fast_date, text_ref, time_of,
};
use super::triage::{SnapshotTrend, TREND_MONTHS};
use super::{Store, StoreResult};
use crate::domain::Money;
use crate::domain::config::BasisPoints;
use crate::domain::tier::{Tier, cut_ranks, tier_before_cuts};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

/// Where the Pareto tier cuts fall in the whole book's ARR ranking (largest
/// ARR first, ties by id): enough to give any account its tier without
/// loading the book. See [`Store::arr_tier_bounds`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierBounds {
    /// The whole book's ARR in cents (negative counted as zero).
    pub total: i128,
    /// Accounts in the whole book.
    pub count: usize,
    /// Per cut, the (ARR cents, id) of the first account at or past it.
    bounds: Vec<Option<(i64, String)>>,
}

impl TierBounds {
    /// The tier of the account with `cents` of ARR and this `id`.
    pub fn tier(&self, cents: i64, id: &str, tail: Tier) -> Tier {
        let before = self.bounds.iter().map(|bound| {
            bound.as_ref().is_none_or(|(first, first_id)| {
                cents > *first || (cents == *first && id < first_id.as_str())
            })
        });
        tier_before_cuts(cents, self.total, before, tail)
    }

    /// The bounds of a book given as (ARR cents, id) in rank order.
    pub fn of_ranked(ranked: &[(i64, &str)], cuts_bp: &[BasisPoints]) -> TierBounds {
        let cents: Vec<i64> = ranked.iter().map(|(c, _)| *c).collect();
        let (total, ranks) = cut_ranks(&cents, cuts_bp);
        let bounds = ranks
            .into_iter()
            .map(|rank| rank.and_then(|r| ranked.get(r)).map(|(c, id)| (*c, id.to_string())))
            .collect();
        TierBounds { total, count: ranked.len(), bounds }
    }
}

impl Store {
    /// Where the tier cuts `cuts_bp` fall in the whole book's ARR ranking:
    /// one walk of the ARR index reading only the amounts, then one seek
    /// per cut for the id of the account there.
    pub fn arr_tier_bounds(&self, cuts_bp: &[BasisPoints]) -> StoreResult<TierBounds> {
        let mut cents: Vec<i64> = Vec::new();
        {
            let mut statement =
                self.conn.prepare("SELECT arr_cents FROM accounts ORDER BY arr_cents DESC")?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                cents.push(row.get(0)?);
            }
        }
        let (total, ranks) = cut_ranks(&cents, cuts_bp);
        let mut statement = self.conn.prepare(
            "SELECT id FROM accounts WHERE arr_cents = ?1 ORDER BY id LIMIT 1 OFFSET ?2",
        )?;
        let mut bounds = Vec::with_capacity(ranks.len());
        for rank in ranks {
            let bound = match rank.and_then(|r| Some((r, *cents.get(r)?))) {
                Some((rank, at)) => {
                    // The rank within the run of equal amounts, ordered by id.
                    let offset = rank - cents.partition_point(|c| *c > at);
                    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
                    let id: String = statement.query_row(params![at, offset], |r| r.get(0))?;
                    Some((at, id))
                }
                None => None,
            };
            bounds.push(bound);
        }
        Ok(TierBounds { total, count: cents.len(), bounds })
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
        let mut statement = self.conn.prepare(&format!(
            "SELECT {BOOK_COLUMNS},
                    (SELECT MIN(c.end_date) FROM contracts c
                     WHERE c.account_id = a.id AND c.end_date >= ?2 AND c.terminated_on IS NULL),
                    a.trend_arr_cents, a.trend_units,
                    (SELECT MAX(h.at) FROM health_changes h WHERE h.account_id = a.id),
                    (SELECT 1 FROM health_changes h WHERE h.account_id = a.id LIMIT 1 OFFSET 1),
                    CASE WHEN a.arr_cents = 0 THEN
                      (SELECT MAX(COALESCE(c.terminated_on, c.end_date)) FROM contracts c
                       WHERE c.account_id = a.id)
                    END
             FROM accounts a WHERE a.csm = ?1"
        ))?;
        let mut rows = statement.query(params![csm, today.to_string()])?;
        let mut read = CsmRows::default();
        let facts = &mut read.facts;
        while let Some(row) = rows.next()? {
            let book_row = decode_book_row(row, text_ref(row, BOOK_WIDTH).and_then(fast_date))?;
            if let Some((from_month, to_month)) = months {
                let (from_arr, from_units): (i64, i64) =
                    (row.get(BOOK_WIDTH + 1)?, row.get(BOOK_WIDTH + 2)?);
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
            if let Some(at) = text_ref(row, BOOK_WIDTH + 3) {
                let before: Option<i64> = row.get(BOOK_WIDTH + 4)?;
                let change = LastHealthChange { at: time_of(at), first: before.is_none() };
                facts.last_health_change.push((book_row.id.clone(), change));
            }
            if let Some(day) = text_ref(row, BOOK_WIDTH + 5).and_then(fast_date) {
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
        crate::testkit::seed_two_accounts(&store);
        let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("day");
        let all = store.book_rows(today).expect("book");
        for csm in ["ana", "bo", "nobody"] {
            let mine: Vec<BookRow> = all.iter().filter(|r| r.csm == csm).cloned().collect();
            assert_eq!(store.book_rows_of_csm(csm, today).expect("rows"), mine);
        }
        // Globex (50,000) then Acme (12,000): Globex alone reaches 45%.
        let bounds = store.arr_tier_bounds(&[4500, 9000]).expect("bounds");
        assert_eq!((bounds.total, bounds.count), (6_200_000, 2));
        assert_eq!((bounds.tier(5_000_000, "A2", 3), bounds.tier(1_200_000, "A1", 3)), (1, 2));
        let ranked: Vec<(i64, &str)> = all.iter().map(|r| (r.arr.cents(), r.id.as_str())).collect();
        assert_eq!(TierBounds::of_ranked(&ranked, &[4500, 9000]), bounds);
        // The trends read with the rows are those read alone.
        let mut store = store;
        crate::testkit::Book::new()
            .snapshots("account_id, product, month, arr, units\nA1, Core, 2024-10, 15000, 14")
            .write(&store);
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
