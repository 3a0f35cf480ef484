//! Renewals that were lost: an account whose contracts have all ended, when
//! the last one ended, the ARR that ended with it, and whether a saved churn
//! chain already says why. Today asks for the chain while the call is fresh.

use super::stages::{date_text, parse_date};
use super::{Store, StoreResult};
use crate::domain::Money;
use chrono::{Days, NaiveDate};
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;

/// How long before the last contract's end a saved chain may be dated and
/// still explain the loss (a churn notice comes months before the end).
pub const CHAIN_LOOKBACK_DAYS: u64 = 180;

/// The end of an account's last contracts, with nothing running after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostRenewal {
    /// The last day of the last contract (its end, or its early termination).
    pub ended_on: NaiveDate,
    /// The ARR of the contracts that ended that day.
    pub arr: Money,
    /// A saved churn chain dated from `CHAIN_LOOKBACK_DAYS` before the end on.
    pub explained: bool,
}

impl Store {
    /// The account's lost renewal: `None` while a contract still runs on
    /// `today` (or has yet to start), or when it never had one.
    pub fn lost_renewal(
        &self,
        account_id: &str,
        today: NaiveDate,
    ) -> StoreResult<Option<LostRenewal>> {
        let last: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT MAX(COALESCE(terminated_on, end_date)) FROM contracts WHERE account_id = ?1",
            )?
            .query_row([account_id], |row| row.get(0))
            .optional()?
            .flatten();
        let Some(ended_on) = last.as_deref().and_then(parse_date) else { return Ok(None) };
        if ended_on >= today {
            return Ok(None);
        }
        let ended = date_text(ended_on);
        let arr: i64 = self
            .conn
            .prepare_cached(
                "SELECT COALESCE(SUM(arr_cents), 0) FROM contracts
                 WHERE account_id = ?1 AND COALESCE(terminated_on, end_date) = ?2",
            )?
            .query_row(params![account_id, ended], |row| row.get(0))
            .map_err(|error| {
                super::amounts::sum_refused(
                    error,
                    &format!("the ARR of {account_id}'s last contracts"),
                )
            })?;
        let since = ended_on.checked_sub_days(Days::new(CHAIN_LOOKBACK_DAYS)).unwrap_or(ended_on);
        let explained: bool = self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM churn_chains
                 WHERE account_id = ?1 AND status = 'saved' AND event_date >= ?2)",
            )?
            .query_row(params![account_id, date_text(since)], |row| row.get(0))?;
        Ok(Some(LostRenewal { ended_on, arr: Money::from_cents(arr), explained }))
    }

    /// The lost renewals of the accounts whose CSM is `csm`, with no ARR left,
    /// whose last contracts ended from `since` up to the day before `today`,
    /// by account id: one pass over those accounts' contracts, then
    /// [`Store::lost_renewal`] for the few that qualify.
    pub fn lost_renewals_of_csm(
        &self,
        csm: &str,
        since: NaiveDate,
        today: NaiveDate,
    ) -> StoreResult<HashMap<String, LostRenewal>> {
        let Some(before) = today.pred_opt() else { return Ok(HashMap::new()) };
        // The CSM's accounts by their index, the ARR checked on each row
        // (`+`): the ARR index would visit every account without ARR.
        let mut statement = self.conn.prepare_cached(
            "SELECT c.account_id FROM accounts a JOIN contracts c ON c.account_id = a.id
             WHERE a.csm = ?1 AND +a.arr_cents = 0 GROUP BY c.account_id
             HAVING MAX(COALESCE(c.terminated_on, c.end_date)) BETWEEN ?2 AND ?3",
        )?;
        let ids = statement
            .query_map(params![csm, date_text(since), date_text(before)], |row| row.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        self.lost_renewals_of(ids, today)
    }

    /// The lost renewals (as of `today`) of the accounts `ids`, by account
    /// id, leaving out those [`Store::lost_renewal`] finds none for.
    pub fn lost_renewals_of(
        &self,
        ids: impl IntoIterator<Item = String>,
        today: NaiveDate,
    ) -> StoreResult<HashMap<String, LostRenewal>> {
        let mut lost = HashMap::new();
        for id in ids {
            if let Some(renewal) = self.lost_renewal(&id, today)? {
                lost.insert(id, renewal);
            }
        }
        Ok(lost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::churn::{ChainLink, ChurnChain, ChurnEvent};
    use crate::testkit::{account, contract};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn the_last_contracts_end_and_a_chain_explains_it() {
        let store = Store::open_in_memory().expect("store");
        account(&store, "A1", "ana", Some("red"), 0);
        contract(&store, "C1", "A1", "2024-01-01", "2024-12-31", 30_000, "annual");
        contract(&store, "C2", "A1", "2025-01-01", "2025-12-31", 40_000, "annual");
        contract(&store, "C3", "A1", "2025-06-01", "2025-12-31", 5_000, "annual");
        // Still running on its last day.
        assert_eq!(store.lost_renewal("A1", day(2025, 12, 31)).expect("lost"), None);
        let lost = store.lost_renewal("A1", day(2026, 1, 10)).expect("lost").expect("some");
        assert_eq!(lost.ended_on, day(2025, 12, 31));
        assert_eq!(lost.arr, Money::from_units(45_000));
        assert!(!lost.explained);
        // A chain dated at the churn notice, two months before the end.
        let mut chain = ChurnChain::new("A1", ChurnEvent::Churned, day(2025, 10, 30), lost.arr);
        chain.links = vec![ChainLink::free_text("Budget cut")];
        store
            .save_churn_chain(
                &chain,
                "ana",
                day(2026, 1, 10).and_hms_opt(9, 0, 0).expect("t").and_utc(),
            )
            .expect("save");
        assert!(store.lost_renewal("A1", day(2026, 1, 10)).expect("lost").expect("some").explained);
        // No contracts at all: nothing was renewed, nothing was lost.
        account(&store, "A2", "ana", None, 0);
        assert_eq!(store.lost_renewal("A2", day(2026, 1, 10)).expect("lost"), None);
    }

    #[test]
    fn a_csms_lost_renewals_are_those_that_ended_in_the_range() {
        let store = Store::open_in_memory().expect("store");
        account(&store, "A1", "ana", None, 0);
        contract(&store, "C1", "A1", "2025-01-01", "2025-12-31", 40_000, "annual");
        account(&store, "A2", "ana", None, 0);
        contract(&store, "C2", "A2", "2025-01-01", "2025-09-30", 10_000, "annual");
        account(&store, "A3", "ana", None, 0);
        contract(&store, "C3", "A3", "2025-01-01", "2026-01-10", 10_000, "annual");
        account(&store, "B1", "bo", None, 0);
        contract(&store, "C4", "B1", "2025-01-01", "2025-12-31", 10_000, "annual");
        let today = day(2026, 1, 10);
        let lost = store.lost_renewals_of_csm("ana", day(2025, 10, 12), today).expect("lost");
        // A2 ended before the range, A3 still runs today, B1 is bo's.
        assert_eq!(lost.keys().collect::<Vec<_>>(), ["A1"]);
        assert_eq!(lost["A1"], store.lost_renewal("A1", today).expect("one").expect("some"));
        let lost = store.lost_renewals_of_csm("ana", day(2025, 9, 30), today).expect("lost");
        assert_eq!(lost.len(), 2);
    }

    #[test]
    fn an_early_termination_is_the_end() {
        let store = Store::open_in_memory().expect("store");
        account(&store, "A1", "ana", None, 0);
        contract(&store, "C1", "A1", "2024-01-01", "2026-12-31", 20_000, "annual");
        store
            .conn
            .execute("UPDATE contracts SET terminated_on = '2025-03-31' WHERE id = 'C1'", [])
            .expect("terminate");
        let lost = store.lost_renewal("A1", day(2025, 4, 2)).expect("lost").expect("some");
        assert_eq!((lost.ended_on, lost.arr), (day(2025, 3, 31), Money::from_units(20_000)));
    }
}
