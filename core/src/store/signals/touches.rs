//! Every account's touch days at once, for a pass over the whole book that
//! loads the rest of the signals a slice of accounts at a time (the
//! backtest): one pass over the touches' own index (`notes_touches`: the
//! calls, emails, meetings and QBRs by account and time), which holds no
//! note text and lists them in the order the backtest walks the accounts,
//! at about 4 bytes a touch held and one id an account. The same notes and
//! days as a load with its touch history.

use super::day_of;
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;

/// Touch days by account, accounts in id order, days in order.
pub type TouchDays = Vec<(String, Vec<NaiveDate>)>;

impl Store {
    /// The days of every account's touches (calls, emails, meetings, QBRs),
    /// as [`Store::signal_source`] reads them with its touch history.
    pub fn touch_days(&self) -> StoreResult<TouchDays> {
        // The index is in (account, time) order, and a time's day is its
        // first ten characters: each account's days come in order.
        let mut statement = self.conn.prepare_cached(
            "SELECT n.account_id, n.at FROM notes n INDEXED BY notes_touches
             WHERE n.kind IN ('call', 'email', 'meeting', 'qbr')
             ORDER BY n.account_id, n.at",
        )?;
        let mut rows = statement.raw_query();
        let mut out: TouchDays = Vec::new();
        while let Some(row) = rows.next()? {
            let id = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let at = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            let Some(day) = day_of(at) else { continue };
            match out.last_mut() {
                Some((last, days)) if last.as_str() == id => days.push(day),
                _ => out.push((id.to_string(), vec![day])),
            }
        }
        // A time stored in another shape than RFC 3339 may sort apart
        // from its day: such an account's days are put in order.
        for (_, days) in &mut out {
            if !days.is_sorted() {
                days.sort_unstable();
            }
        }
        Ok(out)
    }
}
