//! The roll-up kept ready: read once on a connection of its own and
//! handed out again for as long as nothing was committed to the book since.
//! The connection's `PRAGMA data_version` moves whenever any other
//! connection commits — the cockpit's own writes, another cockpit's, an
//! import, a team sync — so a kept roll-up is never shown after the book
//! changed: it is read again, whole, by [`super::rollup`]. The day and the
//! settings it was read for must match too.

use super::{Rollup, rollup};
use crate::domain::Config;
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;
use std::path::Path;

/// A read of the roll-up behind the screen: the keeper back (when its
/// connection opened) and what it read.
#[derive(Debug)]
pub struct RollupRead {
    pub kept: Option<KeptRollup>,
    pub answer: Result<Rollup, String>,
}

impl RollupRead {
    /// Reads the roll-up on `today` with `kept`, or with a keeper opened on
    /// the book at `path` when there is none yet.
    pub fn of(
        kept: Option<KeptRollup>,
        path: &Path,
        today: NaiveDate,
        config: &Config,
    ) -> RollupRead {
        let kept = match kept {
            Some(kept) => kept,
            None => match KeptRollup::open(path) {
                Ok(kept) => kept,
                Err(e) => return RollupRead { kept: None, answer: Err(e.to_string()) },
            },
        };
        let mut kept = kept;
        let answer = kept.read(today, config).map_err(|e| e.to_string());
        RollupRead { kept: Some(kept), answer }
    }
}

/// A roll-up and what it was read for.
struct Kept {
    /// The connection's `data_version` before the read began: any commit
    /// after it moves the number, whether or not the read saw the commit.
    version: i64,
    today: NaiveDate,
    config: Config,
    rollup: Rollup,
}

/// The roll-up of one book, kept current (see the module's comment).
pub struct KeptRollup {
    store: Store,
    kept: Option<Kept>,
    /// How many times the roll-up was read whole (for the tests and the
    /// benchmark: a kept one handed out is not a read).
    reads: u64,
}

impl std::fmt::Debug for KeptRollup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeptRollup({}, {} reads)", self.store.path().display(), self.reads)
    }
}

impl KeptRollup {
    /// Opens the book at `path` on a connection of its own (read page by
    /// page between reads: nothing of the file stays mapped).
    pub fn open(path: &Path) -> StoreResult<KeptRollup> {
        KeptRollup::on(Store::open_aside(path)?)
    }

    /// Keeps the roll-up of `store`'s book. `store` must be a connection
    /// nothing else writes through: its own writes would not move its
    /// `data_version`.
    pub fn on(store: Store) -> StoreResult<KeptRollup> {
        store.read_page_by_page();
        Ok(KeptRollup { store, kept: None, reads: 0 })
    }

    /// The kept roll-up, if it is still the book's on `today` with
    /// `config` (one pragma).
    pub fn current(&self, today: NaiveDate, config: &Config) -> Option<&Rollup> {
        let kept = self.kept.as_ref()?;
        let version = self.store.data_version().ok()?;
        (kept.version == version && kept.today == today && kept.config == *config)
            .then_some(&kept.rollup)
    }

    /// The roll-up on `today`: the kept one while nothing changed, else
    /// read again whole and kept.
    pub fn read(&mut self, today: NaiveDate, config: &Config) -> StoreResult<Rollup> {
        if let Some(rollup) = self.current(today, config) {
            return Ok(rollup.clone());
        }
        self.kept = None;
        let version = self.store.data_version()?;
        // The read walks the whole book: mapped, it costs a third of the
        // time on a CPU that reading page by page does. The pages are
        // unmapped after it, the page cache emptied.
        self.store.release_mapped_pages();
        let read = rollup(&self.store, today, config);
        self.store.release_mapped_pages();
        self.store.read_page_by_page();
        let rollup = read?;
        self.reads += 1;
        self.kept = Some(Kept { version, today, config: config.clone(), rollup: rollup.clone() });
        Ok(rollup)
    }

    /// How many times the roll-up was read whole.
    pub fn reads(&self) -> u64 {
        self.reads
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Account, Health};
    use chrono::{TimeZone, Utc};

    /// A book of two CSMs on disk, and its path's directory.
    fn book() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("book.db");
        let mut store = Store::open(&path).expect("open");
        let mut bulk = store.begin_import().expect("import");
        for (id, csm) in [("a1", "ann"), ("a2", "ann"), ("b1", "bob")] {
            let mut account = Account::new(id, id);
            account.csm = csm.to_string();
            bulk.insert_account(&account, NaiveDate::MIN).expect("account");
        }
        bulk.commit().expect("commit");
        (dir, path)
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 4, 15).expect("day")
    }

    #[test]
    fn a_kept_rollup_is_handed_out_while_nothing_changed() {
        let (_dir, path) = book();
        let mut kept = KeptRollup::open(&path).expect("open");
        let config = Config::default();
        assert!(kept.current(day(), &config).is_none());
        let first = kept.read(day(), &config).expect("read");
        let again = kept.read(day(), &config).expect("read");
        assert_eq!(first, again);
        assert_eq!(kept.reads(), 1);
        assert_eq!(kept.current(day(), &config), Some(&first));
    }

    #[test]
    fn a_commit_on_any_other_connection_means_a_new_read() {
        let (_dir, path) = book();
        let mut kept = KeptRollup::open(&path).expect("open");
        let config = Config::default();
        let before = kept.read(day(), &config).expect("read");
        assert_eq!(before.csms.iter().map(|c| c.accounts).collect::<Vec<_>>(), [2, 1]);
        // The cockpit's own connection moves an account to bob.
        let app = Store::open(&path).expect("open");
        app.set_owners("a2", "bob", "").expect("owners");
        assert!(kept.current(day(), &config).is_none(), "stale after a write");
        let after = kept.read(day(), &config).expect("read");
        assert_eq!(after.csms.iter().map(|c| c.accounts).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(kept.reads(), 2);
        // A health set red elsewhere: read again, equal to a fresh read.
        let at = Utc.with_ymd_and_hms(2026, 4, 15, 9, 0, 0).single().expect("time");
        app.set_health("b1", Health::Red, "exec left", "bob", at).expect("health");
        let kept_now = kept.read(day(), &config).expect("read");
        let fresh = rollup(&app, day(), &config).expect("read");
        assert_eq!(kept_now, fresh);
        assert_eq!(kept.reads(), 3);
    }

    #[test]
    fn another_day_or_other_settings_mean_a_new_read() {
        let (_dir, path) = book();
        let mut kept = KeptRollup::open(&path).expect("open");
        let config = Config::default();
        kept.read(day(), &config).expect("read");
        let tomorrow = day().succ_opt().expect("day");
        assert!(kept.current(tomorrow, &config).is_none());
        let read = kept.read(tomorrow, &config).expect("read");
        assert_eq!(read.today, tomorrow);
        let other = Config { touch_cadence_days: vec![10, 20, 30], ..Config::default() };
        assert!(kept.current(tomorrow, &other).is_none());
        kept.read(tomorrow, &other).expect("read");
        assert_eq!(kept.reads(), 3);
    }
}
