//! The backtest's outcomes: each renewal ending in the period (and before
//! today) whose outcome is settled — renewed, contracted or churned — with
//! the CSM colour histories of the accounts behind them.

use crate::domain::health::HealthPoint;
use crate::metrics::backtest::{BacktestOutcome, OutcomeKind};
use crate::metrics::calibration::{Outcome, outcome};
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Where the outcomes are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Read {
    /// The contracts alone, and the histories of the outcomes' accounts
    /// ([`Store::renewal_groups_lean`]).
    Lean,
    /// The groups with every account's history (how it read them first;
    /// the tests hold the lean read to it).
    #[cfg_attr(not(test), allow(dead_code))]
    Groups,
}

/// Each outcome account's CSM colours in time order.
pub(super) type Histories = HashMap<String, Vec<HealthPoint>>;

/// The outcomes of the renewals ending `from..=to` and before `today`, by
/// end date and contract, and the colour histories of their accounts.
pub(super) fn outcomes(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    read: Read,
) -> StoreResult<(Vec<BacktestOutcome>, Histories)> {
    let mut outcomes = Vec::new();
    // Each account's product is read, judged and let go in turn.
    let mut judge = |group: &[crate::domain::Contract]| {
        for contract in
            group.iter().filter(|c| from <= c.end_date && c.end_date <= to && c.end_date < today)
        {
            let kind = match outcome(contract, group, today) {
                Outcome::Pending => continue,
                Outcome::NotRenewed => OutcomeKind::Churned,
                Outcome::Renewed { renewed_arr } if renewed_arr < contract.arr => {
                    OutcomeKind::Contracted
                }
                Outcome::Renewed { .. } => OutcomeKind::Renewed,
            };
            outcomes.push(BacktestOutcome {
                contract_id: contract.id.clone(),
                account_id: contract.account_id.clone(),
                end_date: contract.end_date,
                atr: contract.arr,
                kind,
            });
        }
    };
    let histories = match read {
        Read::Groups => store.renewal_groups(from, judge)?,
        Read::Lean => {
            store.renewal_groups_lean(from, &mut judge)?;
            // The groups come by account: the ids are in order already.
            let mut ids: Vec<&str> = outcomes.iter().map(|o| o.account_id.as_str()).collect();
            ids.dedup();
            let histories = store.health_histories_of(&ids)?;
            // A contract whose account is gone is no outcome (the groups
            // read the contracts joined to their accounts).
            outcomes.retain(|o| histories.contains_key(&o.account_id));
            histories
        }
    };
    outcomes.sort_by(|a, b| (a.end_date, &a.contract_id).cmp(&(b.end_date, &b.contract_id)));
    Ok((outcomes, histories))
}
