//! Every account's touch days at once, for a pass over the whole book that
//! loads the rest of the signals a slice of accounts at a time (the
//! backtest): one pass over the notes reading only each touch's account and
//! time (no note text kept, no SQL sort), then one sort of small pairs.
//! Held flat: the ids one text and the days one list, each account's a
//! range (about 4 bytes a touch, nothing allocated per note). The same
//! notes and days as a load with its touch history.

use super::day_of;
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Touch days by account: accounts in id order, each one's days in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TouchDays {
    ids: String,
    id_ends: Vec<usize>,
    days: Vec<NaiveDate>,
    day_ends: Vec<usize>,
}

impl TouchDays {
    /// Accounts with a touch.
    pub fn len(&self) -> usize {
        self.id_ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.id_ends.is_empty()
    }

    /// The `at`-th account's id and touch days.
    pub fn get(&self, at: usize) -> Option<(&str, &[NaiveDate])> {
        let start = |ends: &[usize]| at.checked_sub(1).and_then(|i| ends.get(i)).copied();
        let (id_end, day_end) = (*self.id_ends.get(at)?, *self.day_ends.get(at)?);
        let id = self.ids.get(start(&self.id_ends).unwrap_or(0)..id_end)?;
        let days = self.days.get(start(&self.day_ends).unwrap_or(0)..day_end)?;
        Some((id, days))
    }

    fn last_id(&self) -> Option<&str> {
        self.len().checked_sub(1).and_then(|at| self.get(at)).map(|(id, _)| id)
    }

    fn push(&mut self, id: &str, day: NaiveDate) {
        if self.last_id() != Some(id) {
            self.close();
            self.ids.push_str(id);
            self.id_ends.push(self.ids.len());
            self.day_ends.push(self.days.len());
        }
        self.days.push(day);
        if let Some(end) = self.day_ends.last_mut() {
            *end = self.days.len();
        }
    }

    /// Puts the last account's days in order: a time stored in another
    /// shape than RFC 3339 may sort apart from its day.
    fn close(&mut self) {
        let start = self.day_ends.len().checked_sub(2).and_then(|i| self.day_ends.get(i));
        let start = start.copied().unwrap_or(0);
        if let Some(days) = self.days.get_mut(start..)
            && !days.is_sorted()
        {
            days.sort_unstable();
        }
    }
}

impl Store {
    /// The days of every account's touches (the note kinds the book counts
    /// as touches: calls, emails, meetings and QBRs unless the settings say
    /// otherwise), as [`Store::signal_source`] reads them with its touch history.
    pub fn touch_days(&self) -> StoreResult<TouchDays> {
        // The notes in the order they were written: each touch's account is
        // numbered once, and the small (account, day) pairs sorted after.
        let mut statement = self.conn.prepare_cached(
            "SELECT account_id, at FROM notes
             WHERE lower(kind) IN (SELECT kind FROM touch_kinds)",
        )?;
        let mut rows = statement.raw_query();
        let mut numbers: HashMap<String, u32> = HashMap::new();
        let mut pairs: Vec<(u32, NaiveDate)> = Vec::new();
        while let Some(row) = rows.next()? {
            let id = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let at = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            let Some(day) = day_of(at) else { continue };
            let number = match numbers.get(id) {
                Some(number) => *number,
                None => {
                    let number = u32::try_from(numbers.len()).unwrap_or(u32::MAX);
                    numbers.insert(id.to_string(), number);
                    number
                }
            };
            pairs.push((number, day));
        }
        // Accounts in id order: each number's rank among the ids.
        let mut ids: Vec<(&str, u32)> = numbers.iter().map(|(id, n)| (id.as_str(), *n)).collect();
        ids.sort_unstable();
        let mut rank = vec![0u32; ids.len()];
        for (place, (_, number)) in ids.iter().enumerate() {
            if let Some(slot) = rank.get_mut(*number as usize) {
                *slot = u32::try_from(place).unwrap_or(u32::MAX);
            }
        }
        let rank_of = |number: u32| rank.get(number as usize).copied().unwrap_or(u32::MAX);
        pairs.sort_unstable_by_key(|(number, day)| (rank_of(*number), *day));
        let mut out = TouchDays::default();
        for (number, day) in pairs {
            if let Some((id, _)) = ids.get(rank_of(number) as usize) {
                out.push(id, day);
            }
        }
        out.close();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::NoteKind;
    use crate::store::Store;
    use crate::store::signals::{SignalScope, SignalWindow};
    use crate::testkit::Book;
    use chrono::NaiveDate;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    /// A's call and email (its plain note is no touch), none for B, C's
    /// QBR; a meeting written after the import is read too.
    #[test]
    fn every_account_s_touch_days_in_order() {
        let store = Store::open_in_memory().expect("store");
        Book::new()
            .accounts(
                "id, name, csm
                 A, Ay, ana
                 B, Bee, ana
                 C, Cee, ana",
            )
            .notes(
                "account_id, at, kind, text
                 A, 2025-03-02T10:00:00Z, call, spoke
                 A, 2025-03-05T10:00:00Z, note, thought
                 A, 2025-01-10T23:59:00Z, email, wrote
                 C, 2025-02-01T08:00:00Z, qbr, reviewed",
            )
            .write(&store);
        let at = d("2025-04-01").and_hms_opt(9, 0, 0).expect("time").and_utc();
        store.add_note("A", NoteKind::Meeting, "met", "ana", at).expect("note");
        let touches = store.touch_days().expect("touches");
        let read: Vec<(&str, Vec<NaiveDate>)> = (0..touches.len())
            .filter_map(|at| touches.get(at))
            .map(|(id, days)| (id, days.to_vec()))
            .collect();
        assert_eq!(
            read,
            vec![
                ("A", vec![d("2025-01-10"), d("2025-03-02"), d("2025-04-01")]),
                ("C", vec![d("2025-02-01")]),
            ]
        );
        // The same days as a load with its touch history.
        let card = crate::domain::config::Config::default().scorecard;
        let window = SignalWindow::for_scores(&card, d("2025-01-01"));
        let source = store
            .signal_source(&card.usage_measure, window, d("2025-05-01"), true, SignalScope::Book)
            .expect("load");
        let loaded: Vec<(&str, Vec<NaiveDate>)> = source
            .accounts
            .iter()
            .filter(|a| !a.signals.touches.is_empty())
            .map(|a| (a.id.as_str(), a.signals.touches.clone()))
            .collect();
        assert_eq!(loaded, read);
    }

    /// The touches are the kinds the settings name: with `linkedin` a touch
    /// and `email` not, the days follow, as the signal load's do.
    #[test]
    fn touch_days_follow_the_touch_kinds_setting() {
        let mut store = Store::open_in_memory().expect("store");
        Book::new()
            .accounts(
                "id, name, csm
                 A, Ay, ana",
            )
            .notes(
                "account_id, at, kind, text
                 A, 2025-03-02T10:00:00Z, linkedin, messaged
                 A, 2025-01-10T23:59:00Z, email, wrote
                 A, 2025-02-01T08:00:00Z, call, rang",
            )
            .write(&store);
        let kinds = ["call".to_string(), "LinkedIn".to_string()];
        assert!(store.use_touch_kinds(&kinds).expect("kinds"));
        let touches = store.touch_days().expect("touches");
        assert_eq!(touches.get(0), Some(("A", &[d("2025-02-01"), d("2025-03-02")][..])));
        let card = crate::domain::config::Config::default().scorecard;
        let window = SignalWindow::for_scores(&card, d("2025-01-01"));
        let source = store
            .signal_source(&card.usage_measure, window, d("2025-05-01"), true, SignalScope::Book)
            .expect("load");
        let loaded = source.accounts.first().map(|a| a.signals.touches.clone());
        assert_eq!(loaded, Some(vec![d("2025-02-01"), d("2025-03-02")]));
    }
}
