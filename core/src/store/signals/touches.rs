//! Every account's touch days at once, for a pass over the whole book that
//! loads the rest of the signals a slice of accounts at a time (the
//! backtest): one straight read of the notes table instead of a join per
//! slice through the notes' key (a lookup per note), at about 4 bytes a
//! touch held. The same notes and days as a load with its touch history.

use super::day_of;
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;

/// Touch days by account, accounts in id order, days in order.
pub type TouchDays = Vec<(String, Vec<NaiveDate>)>;

impl Store {
    /// The days of every account's touches (calls, emails, meetings, QBRs),
    /// as [`Store::signal_source`] reads them with its touch history.
    pub fn touch_days(&self) -> StoreResult<TouchDays> {
        let mut statement = self.conn.prepare("SELECT id FROM accounts ORDER BY id")?;
        let ids: Vec<String> =
            statement.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
        let mut statement = self.conn.prepare(
            "SELECT n.account_id, substr(n.at, 1, 10) FROM notes n
             WHERE n.kind IN ('call', 'email', 'meeting', 'qbr')",
        )?;
        let mut rows = statement.raw_query();
        let mut found: Vec<(u32, NaiveDate)> = Vec::new();
        let (mut last, mut at): (String, Option<u32>) = (String::new(), None);
        while let Some(row) = rows.next()? {
            let id = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            if id != last || last.is_empty() {
                last.clear();
                last.push_str(id);
                at = ids.binary_search_by(|known| known.as_str().cmp(id)).ok().map(|i| i as u32);
            }
            let Some(account) = at else { continue };
            let day = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            if let Some(day) = day_of(day) {
                found.push((account, day));
            }
        }
        found.sort_unstable();
        let mut out: TouchDays = Vec::new();
        for group in found.chunk_by(|a, b| a.0 == b.0) {
            let id = ids[group[0].0 as usize].clone();
            out.push((id, group.iter().map(|(_, day)| *day).collect()));
        }
        Ok(out)
    }
}
