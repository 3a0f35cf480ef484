//! Today's first screen: its facts read beside the user's rows, and when
//! the scorecard bands are read. The bands (each account's scorecard band
//! where it differs from its colour, a health suggestion of their own) are
//! the dearest of Today's reads — every account's usage, tickets and
//! answers, some 50 µs an account — so for a user holding many accounts
//! the first screen is drawn without them and they arrive behind it
//! ([`Bands::Later`]); a small book reads them at once.

use super::scope::{Bands, ScopeReads, days_before};
use super::{LOST_RENEWAL_DAYS, TodayFacts};
use crate::domain::Config;
use crate::read::tasks::TaskRow;
use crate::store::views::CsmFacts;
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;

/// From this many accounts of the user's on, the first screen leaves the
/// scorecard bands to a read behind it (below, they cost a few
/// milliseconds: read at once, the first screen is whole).
pub const BANDS_BEHIND_FROM: usize = 200;

impl TodayFacts {
    /// The facts for the first screen, from what was read with the user's
    /// rows ([`Store::csm_rows`]), the user's due tasks (read once by the
    /// caller) and a few small reads: only the accounts whose health changed
    /// lately, or whose contracts ended lately without ARR left, are looked
    /// at again. With [`Bands::Later`] the scorecard bands are left out.
    pub fn beside_rows_with(
        store: &Store,
        user: &str,
        today: NaiveDate,
        read: CsmFacts,
        tasks: Vec<TaskRow>,
        config: &Config,
        bands: Bands,
    ) -> StoreResult<TodayFacts> {
        let CsmFacts { trends, last_health_change, last_contract_end } = read;
        let reads =
            ScopeReads::beside_rows(store, user, today, trends, last_health_change, config, bands)?;
        // The days `lost_renewals_of_csm` looks at: from `since` to yesterday.
        let since = days_before(today, LOST_RENEWAL_DAYS);
        let ended = last_contract_end
            .into_iter()
            .filter(|(_, day)| since <= *day && *day < today)
            .map(|(id, _)| id);
        let lost = store.lost_renewals_of(ended, today)?;
        let overdue = store.overdue_moments(today, Some(user))?;
        TodayFacts::read_rest(store, user, today, reads, lost, overdue, tasks)
    }

    /// Whether the scorecard bands were left out of these facts: the rows
    /// built from them lack the bands' suggestions (and the rows of accounts
    /// with nothing else to say).
    pub fn bands_pending(&self) -> bool {
        self.reads.bands_later
    }
}
