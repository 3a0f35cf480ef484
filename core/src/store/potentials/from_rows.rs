//! The board's and the targets list's load from the book rows already in
//! memory (the cockpit's book): each account's figures in one pass over the
//! rows, names left in the rows (the board and the list point into them by
//! index), tiers without a sort when the rows come in the book's order, and
//! the red spells of the window read on a second connection meanwhile.
//! SQL only through the parent's queries; the arithmetic is in `metrics`.

use super::super::accounts::BookRow;
use super::super::{Store, StoreResult};
use super::{RED_CHANGES, red_since};
use crate::domain::tier::assign_tiers;
use crate::domain::{Config, Health, Money};
use crate::metrics::absorption::{ProductLine, account_absorption};
use crate::metrics::board::{AccountNames, AccountPosition, Board, Standing};
use crate::metrics::targets::TargetList;
use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

impl Store {
    /// As `account_positions_with`, from book rows already read (the
    /// cockpit's book): only the product potentials and the recent red
    /// changes are read, not the accounts and contracts again.
    pub fn account_positions_from_rows(
        &self,
        rows: &[BookRow],
        today: NaiveDate,
        config: &Config,
    ) -> StoreResult<Vec<AccountPosition>> {
        let standings = self.standings_from_rows(rows, today, config, RedSpells::Read)?;
        Ok((0..rows.len())
            .zip(&standings)
            .map(|(index, standing)| {
                AccountPosition::from_parts(rows, u32::try_from(index).unwrap_or(0), standing)
            })
            .collect())
    }

    /// The figures of the accounts of `rows`, in their order (their names
    /// stay in the rows): what the board and the targets list are built
    /// from. One pass over the rows; the tiers are assigned without a sort
    /// when the rows come largest ARR first, ties by id (as the book holds
    /// them); the recent red changes, when asked for, are read on a
    /// connection of their own meanwhile.
    pub fn standings_from_rows(
        &self,
        rows: &[BookRow],
        today: NaiveDate,
        config: &Config,
        red_spells: RedSpells,
    ) -> StoreResult<Vec<Standing>> {
        Ok(self.walk(rows, today, config, red_spells)?.0)
    }

    /// `standings_from_rows`, and whether the rows came largest ARR first.
    fn walk(
        &self,
        rows: &[BookRow],
        today: NaiveDate,
        config: &Config,
        red_spells: RedSpells,
    ) -> StoreResult<(Vec<Standing>, bool)> {
        let lines = self.potential_lines()?;
        let walk = || walk_rows(rows, &lines, config);
        Ok(match red_spells {
            RedSpells::Skip => walk(),
            RedSpells::Read => {
                let (recovered, (mut standings, ranked)) =
                    self.red_recently_beside(rows, today, walk)?;
                for index in recovered {
                    if let Some(standing) = standings.get_mut(index as usize) {
                        standing.red_recently = true;
                    }
                }
                (standings, ranked)
            }
        })
    }

    /// The board from book rows already read (see
    /// [`Store::standings_from_rows`]); its cards point into `rows`, whose
    /// names it does not copy. The board shows no red spells, so they are
    /// not read: its figures count as red only the accounts red now.
    pub fn board_from_rows(
        &self,
        rows: &[BookRow],
        today: NaiveDate,
        config: &Config,
    ) -> StoreResult<Board> {
        let (standings, ranked) = self.walk(rows, today, config, RedSpells::Skip)?;
        Ok(Board::from_standings_in(rows, standings, ranked, today, config.stuck_stage_days))
    }

    /// The targets list from book rows already read; its targets point
    /// into `rows`, whose names it does not copy.
    pub fn target_list_from_rows(
        &self,
        rows: &[BookRow],
        today: NaiveDate,
        config: &Config,
    ) -> StoreResult<TargetList> {
        let standings = self.standings_from_rows(rows, today, config, RedSpells::Read)?;
        Ok(TargetList::from_standings_in(rows, standings, today))
    }
    /// The rows red in the window but not now (see [`recovered_rows`]),
    /// read on a second connection to the database file while `work` runs
    /// here (on this one when the store is in memory or the second cannot
    /// be opened).
    fn red_recently_beside<T: Send>(
        &self,
        rows: &[BookRow],
        today: NaiveDate,
        work: impl FnOnce() -> T + Send,
    ) -> StoreResult<(Vec<u32>, T)> {
        let path = self.path();
        if !path.is_file() {
            let done = work();
            return Ok((recovered_rows(&self.conn, rows, today)?, done));
        }
        let (red, done) = std::thread::scope(|scope| {
            let reader = scope.spawn(|| -> StoreResult<Vec<u32>> {
                let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                let conn = Connection::open_with_flags(path, flags)?;
                recovered_rows(&conn, rows, today)
            });
            let done = work();
            (reader.join(), done)
        });
        match red {
            Ok(Ok(red)) => Ok((red, done)),
            _ => Ok((recovered_rows(&self.conn, rows, today)?, done)),
        }
    }
}

/// Whether figures read from book rows carry the red spells of the last
/// `RED_SPELL_DAYS` days (a query over the health changes), or only
/// whether each account is red now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedSpells {
    Read,
    Skip,
}

/// Book rows name their accounts by index (see `metrics::board::AccountNames`).
impl AccountNames for [BookRow] {
    fn id(&self, account: u32) -> &str {
        self.get(account as usize).map_or("", |r| r.id.as_str())
    }

    fn name(&self, account: u32) -> &str {
        self.get(account as usize).map_or("", |r| r.name.as_str())
    }

    fn csm(&self, account: u32) -> &str {
        self.get(account as usize).map_or("", |r| r.csm.as_str())
    }

    fn am(&self, account: u32) -> &str {
        self.get(account as usize).map_or("", |r| r.am.as_str())
    }
}

/// The figures of `rows`, red spells counted only for the accounts red now
/// (see [`Store::standings_from_rows`]).
fn walk_rows(
    rows: &[BookRow],
    lines: &HashMap<String, Vec<ProductLine>>,
    config: &Config,
) -> (Vec<Standing>, bool) {
    let mut standings: Vec<Standing> = rows
        .iter()
        .map(|row| {
            let product_lines = if lines.is_empty() {
                &[][..]
            } else {
                lines.get(&row.id).map(Vec::as_slice).unwrap_or(&[])
            };
            Standing {
                stage: row.stage,
                stage_since: row.stage_since,
                red_recently: row.health == Some(Health::Red),
                health: row.health,
                arr: row.arr,
                tier: 0,
                absorption: account_absorption(
                    row.arr,
                    row.units,
                    row.potential_units,
                    product_lines,
                ),
                next_renewal: row.next_renewal,
            }
        })
        .collect();
    // Rows largest ARR first take their tiers in that order. Equal ARRs are
    // taken to come in id order, as the book holds them (reading every tied
    // id to check would cost more than the rest of the walk on a book whose
    // ARRs are mostly list prices): checked in debug builds only.
    let ranked = rows.is_sorted_by(|a, b| a.arr >= b.arr);
    debug_assert!(
        !ranked || rows.is_sorted_by(|a, b| a.arr > b.arr || a.id.as_str() <= b.id.as_str()),
        "rows of equal ARR out of id order"
    );
    if ranked {
        let arrs: Vec<Money> = standings.iter().map(|s| s.arr).collect();
        for (standing, tier) in standings.iter_mut().zip(assign_tiers(&arrs, &config.tier_cuts_bp))
        {
            standing.tier = tier;
        }
    } else {
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assign_standing_tiers(&mut standings, &ids, config);
    }
    (standings, ranked)
}

/// Pareto tiers by ARR (ties by id), for figures in any order.
fn assign_standing_tiers(standings: &mut [Standing], ids: &[&str], config: &Config) {
    let mut order: Vec<usize> = (0..standings.len()).collect();
    order
        .sort_by(|&a, &b| standings[b].arr.cmp(&standings[a].arr).then_with(|| ids[a].cmp(ids[b])));
    let ranked: Vec<Money> = order.iter().map(|&i| standings[i].arr).collect();
    for (index, tier) in order.into_iter().zip(assign_tiers(&ranked, &config.tier_cuts_bp)) {
        standings[index].tier = tier;
    }
}

/// The indices of the `rows` not red now with a change to red in the
/// window: the ids read into one buffer, looked up with a light hash (the
/// ids are the book's own, not adversarial), so that a book's worth of red
/// changes costs no allocation per change.
fn recovered_rows(conn: &Connection, rows: &[BookRow], today: NaiveDate) -> StoreResult<Vec<u32>> {
    let mut statement = conn.prepare_cached(RED_CHANGES)?;
    let mut changes = statement.query([red_since(today)])?;
    let mut text = String::new();
    let mut ends = Vec::new();
    while let Some(change) = changes.next()? {
        if let Some(id) = super::super::accounts::text_ref(change, 0) {
            text.push_str(id);
            ends.push(text.len());
        }
    }
    if ends.is_empty() {
        return Ok(Vec::new());
    }
    let mut red: HashSet<&str, BuildHasherDefault<Fnv>> = HashSet::default();
    let mut start = 0;
    for end in ends {
        red.insert(text.get(start..end).unwrap_or(""));
        start = end;
    }
    Ok(rows
        .iter()
        .enumerate()
        .filter(|(_, row)| row.health != Some(Health::Red) && red.contains(row.id.as_str()))
        .filter_map(|(index, _)| u32::try_from(index).ok())
        .collect())
}

/// FNV-1a, for sets of the book's own account ids.
#[derive(Debug, Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::Store;
    use super::super::super::stages::fixture::*;
    use crate::domain::Health;
    use crate::metrics::targets::TargetFilter;

    /// A book of 60 accounts in a database file: ARR ties, product and
    /// account potentials, red spells recovered inside the window, one
    /// outside it, accounts red now, all four stages.
    fn larger_book(dir: &std::path::Path) -> Store {
        let store = book();
        for i in 0..60_i64 {
            let stage = ["addiction", "adoption", "absorption", "adaptation"][(i % 4) as usize];
            let health = ["green", "yellow", "orange", "red"][(i % 5).min(3) as usize];
            // Every ARR three times over: ties broken by id.
            let arr = (i / 3 + 1) * 100_000;
            let am = if i % 7 == 0 { String::new() } else { format!("am{}", i % 4) };
            let since =
                if i % 6 == 0 { String::new() } else { format!("2024-{:02}-01", i % 12 + 1) };
            let potential = if i % 5 == 4 { String::new() } else { (i * 3 + 12).to_string() };
            crate::testkit::Book::new()
                .accounts(&format!(
                    "id, name, csm, am, stage, stage_since, potential_units, health, arr, units\n\
                     G{:03}, Generated {i}, csm{}, {am}, {stage}, {since}, {potential}, {health}, {}, {}",
                    59 - i,
                    i % 3,
                    arr / 100,
                    i + 1,
                ))
                .write(&store);
            if i % 9 == 0 {
                store.set_potential(&format!("G{:03}", 59 - i), "Core", Some(i + 40)).expect("pot");
            }
        }
        for (id, red_on, green_on) in [
            ("G011", day(2025, 1, 10), day(2025, 2, 1)),
            ("G021", day(2024, 10, 1), day(2024, 10, 20)),
        ] {
            store.set_health(id, Health::Red, "outage", "kim", noon(red_on)).expect("red");
            store.set_health(id, Health::Green, "fixed", "kim", noon(green_on)).expect("green");
        }
        let path = dir.join("larger.db");
        store.backup_to(&path).expect("backup");
        Store::open(&path).expect("open")
    }

    #[test]
    fn board_and_targets_from_book_rows_are_those_read_whole() {
        let dir = tempfile::tempdir().expect("dir");
        let store = larger_book(dir.path());
        let today = day(2025, 3, 1);
        let config = crate::domain::Config::default();
        let rows = store.book_rows(today).expect("rows");

        // The board: same columns, same cards in the same order, same
        // figures (red spells aside: the board does not show them).
        let whole = store.board(today, &config).expect("board");
        let fast = store.board_from_rows(&rows, today, &config).expect("board from rows");
        assert_eq!(fast.total_accounts(), 63);
        for (a, b) in whole.columns.iter().zip(&fast.columns) {
            assert_eq!((a.stage, a.arr, a.stuck, a.count()), (b.stage, b.arr, b.stuck, b.count()));
            for (x, y) in a.cards.iter().zip(&b.cards) {
                let mut read = whole.position(x);
                read.red_recently = read.health == Some(Health::Red);
                assert_eq!(read, fast.position_in(&rows[..], y));
                assert_eq!(
                    (x.days_in_stage, x.days_to_renewal, x.stuck),
                    (y.days_in_stage, y.days_to_renewal, y.stuck)
                );
            }
        }

        // The targets: same ranks, same priorities, same positions, under filters too.
        let whole = store.target_list(today, &config).expect("targets");
        let fast = store.target_list_from_rows(&rows, today, &config).expect("targets from rows");
        assert!(whole.len() > 20, "{}", whole.len());
        let all = TargetFilter::default();
        let recovered = whole.rows(&all).find(|(_, p)| p.id == "G011");
        assert!(recovered.is_some_and(|(_, p)| p.red_recently && p.health == Some(Health::Green)));
        let old_spell = whole.rows(&all).find(|(_, p)| p.id == "G021");
        assert!(old_spell.is_some_and(|(_, p)| !p.red_recently));
        let filters = [
            TargetFilter::default(),
            TargetFilter { am: Some("AM2".into()), ..TargetFilter::default() },
            TargetFilter { stage: Some(crate::domain::Stage::Adoption), ..TargetFilter::default() },
            TargetFilter { tier: Some(3), ..TargetFilter::default() },
        ];
        for filter in &filters {
            let read: Vec<_> = whole.rows(filter).map(|(t, p)| (t.priority, p)).collect();
            let built: Vec<_> = fast
                .ranked
                .iter()
                .filter(|t| fast.accepts_in(&rows[..], filter, t))
                .map(|t| (t.priority, fast.position_in(&rows[..], t)))
                .collect();
            assert_eq!(read, built, "{filter:?}");
        }
    }

    #[test]
    fn account_managers_are_the_book_rows_ams_once_each_in_order() {
        let dir = tempfile::tempdir().expect("dir");
        let store = larger_book(dir.path());
        let rows = store.book_rows(day(2025, 3, 1)).expect("rows");
        let mut ams: Vec<String> =
            rows.iter().map(|r| r.am.clone()).filter(|am| !am.is_empty()).collect();
        ams.sort();
        ams.dedup();
        assert_eq!(ams.len(), 6, "{ams:?}");
        assert_eq!(store.account_managers().expect("ams"), ams);
    }

    #[test]
    fn red_spells_are_read_from_the_window_of_the_red_index_alone() {
        let store = book();
        let plan: String = store
            .conn
            .query_row(&format!("EXPLAIN QUERY PLAN {}", super::RED_CHANGES), ["2025-01-01"], |r| {
                r.get(3)
            })
            .expect("plan");
        assert!(plan.contains("COVERING INDEX health_changes_red"), "{plan}");
    }
}
