//! What the calendar reads: an account's brief, contracts and moments with
//! their account, the rows of one visible range, and which of them to keep.
//! Plain shapes the store fills and `metrics::windows` reads; no rule here
//! beyond which accounts a filter keeps.

use super::moment::Moment;
use super::{Contract, Health, Money};

/// What the calendar needs to know about an account beside each event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountBrief {
    pub id: String,
    pub name: String,
    pub csm: String,
    pub health: Option<Health>,
    /// The account's current total ARR.
    pub arr: Money,
}

impl AccountBrief {
    /// Red and orange accounts are at risk; an unrated account is not.
    pub fn is_at_risk(&self) -> bool {
        self.health.is_some_and(Health::is_at_risk)
    }
}

/// A contract with its account, as the store loads it for the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractRow {
    pub contract: Contract,
    pub account: AccountBrief,
}

/// A moment with its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MomentRow {
    pub moment: Moment,
    pub account: AccountBrief,
}

/// Everything the store loaded for one visible range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalendarSource {
    /// Contracts that end in the range or may have an out-year payment in it.
    pub contracts: Vec<ContractRow>,
    pub moments: Vec<MomentRow>,
}

/// Which events to keep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalendarFilter {
    /// Only accounts this CSM owns ("mine").
    pub csm: Option<String>,
    /// Only red and orange accounts.
    pub at_risk_only: bool,
    /// Only renewals that are inside a window today (payments and moments,
    /// which have no window, are left out).
    pub in_window_only: bool,
}

impl CalendarFilter {
    pub fn keeps_account(&self, account: &AccountBrief) -> bool {
        self.csm.as_ref().is_none_or(|csm| *csm == account.csm)
            && (!self.at_risk_only || account.is_at_risk())
    }
}
