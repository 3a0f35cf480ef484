//! Renewals that were lost: an account whose contracts have all ended, when
//! the last one ended, the ARR that ended with it, and whether a saved churn
//! chain already says why. Today asks for the chain while the call is fresh.

use super::stages::{date_text, parse_date};
use super::{Store, StoreResult};
use crate::domain::Money;
use chrono::{Days, NaiveDate};
use rusqlite::{OptionalExtension, params};

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
            .query_row(params![account_id, ended], |row| row.get(0))?;
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
}

#[cfg(test)]
mod tests {
    use super::super::renewals::fixtures::{account, contract};
    use super::*;
    use crate::domain::churn::{ChainLink, ChurnChain, ChurnEvent};

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
