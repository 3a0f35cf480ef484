//! The synthetic book generator behind `cockpit gen`: a deterministic book of
//! any size in the import formats, for tests and benchmarks.
//!
//! Every account is simulated on its own from `(seed, index)` (see
//! [`simulate`]), so the same seed always gives the same book and a book of
//! 100,000 accounts streams to disk without being held in memory. Contracts
//! are the source of truth and snapshots are derived from them, so the two
//! always agree. This module writes files only where it is told to; it never
//! touches the store.

mod names;
pub mod signals;
mod simulate;
mod subscriptions;
mod write;

pub use simulate::{GeneratedAccount, GeneratedNote, Snapshot, active_at_month_end, simulate};
pub use subscriptions::{ADD_ONS, write_subscriptions};
pub use write::{BookSummary, write_book};

use crate::domain::Month;
use chrono::NaiveDate;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    pub accounts: u32,
    /// Months of snapshots, ending with `last_month`.
    pub months: u32,
    pub seed: u64,
    /// The last month with snapshots: the month before today.
    pub last_month: Month,
    /// Number of CSMs; `None` scales with the book (about one per 300
    /// accounts, at most 30).
    pub csms: Option<u32>,
    /// Number of AMs; `None` is half the CSMs.
    pub ams: Option<u32>,
    /// Notes per account on average (between none and twice this); `None`
    /// is a few (none to five).
    pub notes_per_account: Option<u32>,
    /// How many accounts the first CSM owns, spread evenly through the book
    /// (the others share the rest); `None` draws every account's CSM alike.
    /// A benchmark opens as that CSM to measure a book of a given size.
    pub lead_csm_accounts: Option<u32>,
}

impl Params {
    /// A book whose last snapshot month is the month before `today`.
    pub fn ending_before(today: NaiveDate, accounts: u32, months: u32, seed: u64) -> Params {
        Params {
            accounts,
            months: months.max(1),
            seed,
            last_month: Month::of(today).minus(1),
            csms: None,
            ams: None,
            notes_per_account: None,
            lead_csm_accounts: None,
        }
    }

    pub fn first_month(&self) -> Month {
        self.last_month.minus(self.months.max(1) as i32 - 1)
    }

    /// The last day facts are known for: the end of the last month. Contracts
    /// ending later are left open (upcoming renewals).
    pub fn horizon(&self) -> NaiveDate {
        self.last_month.last_day()
    }

    pub fn csm_count(&self) -> u32 {
        self.csms.unwrap_or((self.accounts / 300).clamp(1, 30)).clamp(1, names::CSMS.len() as u32)
    }

    /// The CSM of account `index`, from the CSM drawn for it (`drawn`,
    /// below [`Params::csm_count`]): with `lead_csm_accounts` set, exactly
    /// that many accounts, evenly spaced, go to the first CSM and the
    /// others to one of the rest.
    pub fn csm_of(&self, index: u32, drawn: u32) -> u32 {
        let Some(lead) = self.lead_csm_accounts else { return drawn };
        let (lead, accounts) = (u64::from(lead.min(self.accounts)), u64::from(self.accounts));
        let index = u64::from(index);
        // Account `index` is the lead's when the count of lead accounts
        // up to it steps up there: `lead` steps over `accounts` indexes.
        if (index + 1) * lead / accounts > index * lead / accounts {
            return 0;
        }
        match self.csm_count() {
            1 => 0,
            n => 1 + drawn % (n - 1),
        }
    }

    /// The name of the first CSM, who owns `lead_csm_accounts` accounts.
    pub fn lead_csm(&self) -> &'static str {
        names::CSMS[0]
    }

    pub fn am_count(&self) -> u32 {
        self.ams.unwrap_or((self.csm_count() / 2).max(1)).clamp(1, names::AMS.len() as u32)
    }
}
