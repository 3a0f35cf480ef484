//! Potential absorption per account and product (the `potentials` table, with
//! `accounts.potential_units` as the fallback), and the one load the 4A board
//! and the targets list share: every account's position in a handful of
//! queries over `accounts` and small tables. SQL only; the arithmetic is in
//! `metrics::absorption`.

use super::accounts::BookRow;
use super::stages::{conversion, date_text, parse_date};
use super::{Store, StoreError, StoreResult};
use crate::domain::tier::assign_tiers;
use crate::domain::{Config, Health, Money, Month, Stage};
use crate::metrics::absorption::{
    AccountAbsorption, BookAbsorption, ProductLine, account_absorption, book_totals,
};
use crate::metrics::board::{AccountNames, AccountPosition, Board, Standing};
use crate::metrics::targets::{RED_SPELL_DAYS, TargetList};
use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, params};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

fn check_units(units: Option<i64>) -> StoreResult<()> {
    match units {
        Some(u) if u < 0 => Err(StoreError::Invalid(format!("potential units {u} is negative"))),
        _ => Ok(()),
    }
}

/// The stored words, matched without allocating (100,000 rows per open).
fn stage_word(word: &str) -> Option<Stage> {
    Stage::ALL.into_iter().find(|stage| stage.as_str() == word)
}

fn health_word(word: &str) -> Option<Health> {
    Health::ALL.into_iter().find(|health| health.as_str() == word)
}

impl Store {
    /// The latest month the book has snapshots for.
    pub fn latest_month(&self) -> StoreResult<Option<Month>> {
        let month: Option<i32> = super::series::latest_month(&self.conn)?.map(|m| m.0);
        Ok(month.map(Month))
    }

    /// Sets (or with `None` clears) the potential units of one product.
    pub fn set_potential(
        &self,
        account_id: &str,
        product: &str,
        units: Option<i64>,
    ) -> StoreResult<()> {
        self.account_name(account_id)?;
        check_units(units)?;
        let product = product.trim();
        if product.is_empty() {
            return Err(StoreError::Invalid("a potential needs a product".to_string()));
        }
        match units {
            Some(units) => self.conn.execute(
                "INSERT INTO potentials (account_id, product, units) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account_id, product) DO UPDATE SET units = excluded.units",
                params![account_id, product, units],
            )?,
            None => self.conn.execute(
                "DELETE FROM potentials WHERE account_id = ?1 AND product = ?2",
                params![account_id, product],
            )?,
        };
        Ok(())
    }

    /// Sets (or clears) the account-level potential, used when no product has one.
    pub fn set_account_potential(&self, account_id: &str, units: Option<i64>) -> StoreResult<()> {
        check_units(units)?;
        let changed = self.conn.execute(
            "UPDATE accounts SET potential_units = ?2 WHERE id = ?1",
            params![account_id, units],
        )?;
        if changed == 0 {
            return Err(StoreError::Invalid(format!("no account {account_id:?} in this book")));
        }
        Ok(())
    }

    /// The account's product lines at the latest month, with potentials; a
    /// product with a potential but no ARR yet is listed with zero.
    pub fn product_lines(&self, account_id: &str) -> StoreResult<Vec<ProductLine>> {
        let mut lines: BTreeMap<String, ProductLine> = BTreeMap::new();
        if let Some(latest) = self.latest_month()? {
            let mut statement = self.conn.prepare(
                "SELECT product, arr_cents, units FROM snapshots WHERE account_id = ?1 AND month = ?2",
            )?;
            let rows = statement.query_map(params![account_id, latest.0], |r| {
                Ok(ProductLine {
                    product: r.get(0)?,
                    arr: Money::from_cents(r.get(1)?),
                    units: r.get(2)?,
                    potential_units: None,
                })
            })?;
            for row in rows {
                let line = row?;
                lines.insert(line.product.clone(), line);
            }
        }
        let mut statement =
            self.conn.prepare("SELECT product, units FROM potentials WHERE account_id = ?1")?;
        let rows = statement
            .query_map([account_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (product, units) = row?;
            lines
                .entry(product.clone())
                .or_insert(ProductLine {
                    product,
                    arr: Money::ZERO,
                    units: Some(0),
                    potential_units: None,
                })
                .potential_units = Some(units);
        }
        Ok(lines.into_values().collect())
    }

    /// For every product held at the latest month or with a potential set,
    /// the accounts that hold it or have that potential: one pass over the
    /// latest month, for the targets' product filter.
    pub fn product_holders_all(&self) -> StoreResult<BTreeMap<String, HashSet<String>>> {
        let latest = self.latest_month()?.map_or(i32::MIN, |m| m.0);
        let mut statement = self.conn.prepare(
            "SELECT product, account_id FROM snapshots WHERE month = ?1 AND arr_cents > 0
             UNION ALL SELECT product, account_id FROM potentials",
        )?;
        let mut rows = statement.query([latest])?;
        let mut holders: BTreeMap<String, HashSet<String>> = BTreeMap::new();
        while let Some(row) = rows.next()? {
            holders.entry(row.get(0)?).or_default().insert(row.get(1)?);
        }
        Ok(holders)
    }

    /// Every account manager named on an account, once each, in byte order
    /// (the targets list's AM filter cycles through them).
    pub fn account_managers(&self) -> StoreResult<Vec<String>> {
        let mut statement =
            self.conn.prepare("SELECT DISTINCT am FROM accounts WHERE am <> '' ORDER BY am")?;
        let rows = statement.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Accounts that hold `product` at the latest month or have a potential set for it.
    pub fn product_holders(&self, product: &str) -> StoreResult<HashSet<String>> {
        let latest = self.latest_month()?.map_or(i32::MIN, |m| m.0);
        let mut statement = self.conn.prepare(
            "SELECT account_id FROM snapshots WHERE month = ?1 AND product = ?2 AND arr_cents > 0
             UNION SELECT account_id FROM potentials WHERE product = ?2",
        )?;
        let rows = statement.query_map(params![latest, product], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every account's position for `today`: owners, stage and since when,
    /// health, ARR, Pareto tier, absorption and whitespace, next renewal, and
    /// whether it was red in the last `RED_SPELL_DAYS` days. One query over
    /// `accounts`, plus the future contract ends, the potentials table and the
    /// recent red health changes.
    pub fn account_positions(&self, today: NaiveDate) -> StoreResult<Vec<AccountPosition>> {
        let tiers_config = Config::default();
        self.account_positions_with(today, &tiers_config)
    }

    /// As `account_positions`, with the book's configured tier cuts.
    pub fn account_positions_with(
        &self,
        today: NaiveDate,
        config: &Config,
    ) -> StoreResult<Vec<AccountPosition>> {
        // Accounts are read in id order, as the renewals come, and merged.
        let renewals = self.next_renewals_by_account(today)?;
        let mut next = renewals.into_iter().peekable();
        let lines = self.potential_lines()?;
        let red = self.red_recently(today)?;
        let mut statement = self.conn.prepare(
            "SELECT a.id, a.name, a.csm, a.am, a.stage,
                    COALESCE(a.stage_since, (SELECT MAX(at) FROM stage_changes s WHERE s.account_id = a.id)),
                    a.health, a.arr_cents, a.units, a.potential_units
             FROM accounts a ORDER BY a.id",
        )?;
        let rows = statement.query_map([], |row| {
            let id: String = row.get(0)?;
            while next.next_if(|(account, _)| account.as_str() < id.as_str()).is_some() {}
            let next_renewal = next.next_if(|(account, _)| *account == id).map(|(_, day)| day);
            let stage = stage_word(row.get_ref(4)?.as_str()?)
                .map_or_else(|| conversion(4, Stage::parse(row.get_ref(4)?.as_str()?)), Ok)?;
            let since = row.get_ref(5)?.as_str_or_null()?.and_then(parse_date);
            let health = match row.get_ref(6)?.as_str_or_null()? {
                None => None,
                Some(word) => {
                    Some(health_word(word).map_or_else(|| conversion(6, Health::parse(word)), Ok)?)
                }
            };
            let arr = Money::from_cents(row.get(7)?);
            let units: i64 = row.get(8)?;
            let potential: Option<i64> = row.get(9)?;
            let product_lines = lines.get(&id).map(Vec::as_slice).unwrap_or(&[]);
            Ok(AccountPosition {
                name: row.get(1)?,
                csm: row.get(2)?,
                am: row.get(3)?,
                stage,
                stage_since: since,
                red_recently: health == Some(Health::Red) || red.contains(&id),
                health,
                arr,
                tier: 0,
                absorption: account_absorption(arr, units, potential, product_lines),
                next_renewal,
                id,
            })
        })?;
        let mut positions: Vec<AccountPosition> = rows.collect::<Result<_, _>>()?;
        assign_position_tiers(&mut positions, config);
        Ok(positions)
    }

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
        let lines = self.potential_lines()?;
        let walk = || walk_rows(rows, &lines, config);
        let standings = match red_spells {
            RedSpells::Skip => walk(),
            RedSpells::Read => {
                let (recovered, mut standings) = self.red_recently_beside(rows, today, walk)?;
                for index in recovered {
                    if let Some(standing) = standings.get_mut(index as usize) {
                        standing.red_recently = true;
                    }
                }
                standings
            }
        };
        Ok(standings)
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
        let standings = self.standings_from_rows(rows, today, config, RedSpells::Skip)?;
        Ok(Board::from_standings_in(rows, standings, today, config.stuck_stage_days))
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
) -> Vec<Standing> {
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
    let ranked = rows
        .is_sorted_by(|a, b| a.arr > b.arr || (a.arr == b.arr && a.id.as_str() <= b.id.as_str()));
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
    standings
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

/// The accounts with a change to red on or after `today` − `RED_SPELL_DAYS`.
fn red_changes(conn: &Connection, today: NaiveDate) -> StoreResult<HashSet<String>> {
    let mut statement = conn.prepare_cached(RED_CHANGES)?;
    let rows = statement.query_map([red_since(today)], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The recent changes to red; the `health_changes_red` index (health, at,
/// account_id) answers it alone, reading only the window. No DISTINCT: it
/// would walk the by-account index instead; repeats are dropped by the caller.
const RED_CHANGES: &str = "SELECT account_id FROM health_changes WHERE health = 'red' AND at >= ?1";

fn red_since(today: NaiveDate) -> String {
    date_text(today - chrono::Duration::days(RED_SPELL_DAYS))
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
        if let Some(id) = super::accounts::text_ref(change, 0) {
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

/// Pareto tiers by ARR (ties by id), as everywhere else.
fn assign_position_tiers(positions: &mut [AccountPosition], config: &Config) {
    {
        let mut order: Vec<usize> = (0..positions.len()).collect();
        order.sort_by(|&a, &b| {
            positions[b]
                .arr
                .cmp(&positions[a].arr)
                .then_with(|| positions[a].id.cmp(&positions[b].id))
        });
        let ranked: Vec<Money> = order.iter().map(|&i| positions[i].arr).collect();
        for (index, tier) in order.into_iter().zip(assign_tiers(&ranked, &config.tier_cuts_bp)) {
            positions[index].tier = tier;
        }
    }
}

impl Store {
    /// Product lines of the accounts that have product potentials.
    fn potential_lines(&self) -> StoreResult<HashMap<String, Vec<ProductLine>>> {
        let latest = self.latest_month()?.map_or(i32::MIN, |m| m.0);
        let mut statement = self.conn.prepare(
            "SELECT p.account_id, p.product, p.units, COALESCE(s.arr_cents, 0), COALESCE(s.units, 0)
             FROM potentials p
             LEFT JOIN snapshots s ON s.account_id = p.account_id AND s.product = p.product AND s.month = ?1",
        )?;
        let rows = statement.query_map([latest], |r| {
            Ok((
                r.get::<_, String>(0)?,
                ProductLine {
                    product: r.get(1)?,
                    potential_units: Some(r.get(2)?),
                    arr: Money::from_cents(r.get(3)?),
                    units: Some(r.get(4)?),
                },
            ))
        })?;
        let mut out: HashMap<String, Vec<ProductLine>> = HashMap::new();
        for row in rows {
            let (account, line) = row?;
            out.entry(account).or_default().push(line);
        }
        Ok(out)
    }

    /// Accounts with a change to red in the last `RED_SPELL_DAYS` days.
    fn red_recently(&self, today: NaiveDate) -> StoreResult<HashSet<String>> {
        red_changes(&self.conn, today)
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

    /// One account's absorption figures (the account view's header).
    pub fn account_absorption(&self, account_id: &str) -> StoreResult<AccountAbsorption> {
        let (arr, units, potential): (i64, i64, Option<i64>) = self
            .conn
            .query_row(
                "SELECT arr_cents, units, potential_units FROM accounts WHERE id = ?1",
                [account_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => {
                    StoreError::Invalid(format!("no account {account_id:?} in this book"))
                }
                other => StoreError::Sql(other),
            })?;
        let lines = self.product_lines(account_id)?;
        Ok(account_absorption(Money::from_cents(arr), units, potential, &lines))
    }

    /// The book's installed ARR, potential ARR, whitespace and absorption %.
    pub fn book_absorption(&self, today: NaiveDate) -> StoreResult<BookAbsorption> {
        let positions = self.account_positions(today)?;
        Ok(book_totals(positions.iter().map(|p| (p.arr, &p.absorption))))
    }

    /// The hunter's ranked list (see `metrics::targets` for the rule); what
    /// the targets pane opens with and `cockpit targets` prints.
    pub fn target_list(&self, today: NaiveDate, config: &Config) -> StoreResult<TargetList> {
        Ok(TargetList::rank(self.account_positions_with(today, config)?, today))
    }
}

#[cfg(test)]
mod tests {
    use super::super::stages::fixture::*;
    use super::Store;
    use crate::domain::{Health, Money};
    use crate::metrics::targets::TargetFilter;

    #[test]
    fn positions_carry_absorption_whitespace_tier_and_renewal() {
        let store = book();
        let positions = store.account_positions(day(2025, 3, 1)).expect("positions");
        let acme = positions.iter().find(|p| p.id == "ACME").expect("acme");
        // 10 of 100 seats at 12,000 → 1,200 a seat × 90 = 108,000 whitespace.
        assert_eq!(acme.absorption.whitespace, Money::from_units(108_000));
        assert_eq!(acme.absorption.rate().map(|r| r.to_percent(0)), Some("10%".into()));
        assert_eq!(acme.next_renewal, Some(day(2025, 5, 31)));
        // Acme holds 12,000 of 17,000: tier 1; 70.6% of the ARR is above Beta, under the 75% cut → tier 2.
        assert_eq!(acme.tier, 1);
        assert_eq!(positions.iter().find(|p| p.id == "BETA").map(|p| p.tier), Some(2));
        assert_eq!(positions.iter().find(|p| p.id == "BETA").map(|p| p.stage_since), Some(None));
    }

    #[test]
    fn positions_from_book_rows_are_the_positions_read_from_the_store() {
        let store = book();
        let today = day(2025, 3, 1);
        let config = crate::domain::Config::default();
        let mut read = store.account_positions_with(today, &config).expect("read");
        let rows = store.book_rows(today).expect("rows");
        let mut built = store.account_positions_from_rows(&rows, today, &config).expect("built");
        read.sort_by(|a, b| a.id.cmp(&b.id));
        built.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(read, built);
        // Rows in another order than the book's get the same tiers (sorted for them).
        let reversed: Vec<_> = rows.iter().rev().cloned().collect();
        let mut built =
            store.account_positions_from_rows(&reversed, today, &config).expect("reversed");
        built.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(read, built);
    }

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
            store
                .conn
                .execute(
                    "INSERT INTO accounts (id, name, csm, am, stage, stage_since, potential_units,
                                           health, arr_cents, units)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    rusqlite::params![
                        format!("G{:03}", 59 - i),
                        format!("Generated {i}"),
                        format!("csm{}", i % 3),
                        if i % 7 == 0 { String::new() } else { format!("am{}", i % 4) },
                        stage,
                        if i % 6 == 0 { None } else { Some(format!("2024-{:02}-01", i % 12 + 1)) },
                        if i % 5 == 4 { None } else { Some(i * 3 + 12) },
                        health,
                        arr,
                        i + 1,
                    ],
                )
                .expect("account");
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

    #[test]
    fn product_potentials_override_the_account_level_and_can_be_cleared() {
        let store = book();
        store.set_potential("BETA", "Analytics", Some(40)).expect("set");
        let figures = store.account_absorption("BETA").expect("figures");
        // Analytics: 10 of 40 at 2,000 → 200 a unit × 30 = 6,000.
        assert_eq!(figures.whitespace, Money::from_units(6_000));
        assert_eq!(figures.rate().map(|r| r.to_percent(0)), Some("25%".into()));
        assert!(store.product_holders("Analytics").expect("holders").contains("BETA"));
        assert!(!store.product_holders("Analytics").expect("holders").contains("ACME"));
        let all = store.product_holders_all().expect("all");
        for (product, holders) in &all {
            assert_eq!(holders, &store.product_holders(product).expect("holders"), "{product}");
        }
        assert!(all.contains_key("Analytics"));
        store.set_potential("BETA", "Analytics", None).expect("clear");
        assert_eq!(store.account_absorption("BETA").expect("f").whitespace, Money::ZERO);
        store.set_account_potential("BETA", Some(60)).expect("account level");
        // 30 of 60 units at 5,000 → 5,000 whitespace.
        assert_eq!(
            store.account_absorption("BETA").expect("f").whitespace,
            Money::from_units(5_000)
        );
        assert!(store.set_potential("BETA", "Core", Some(-1)).is_err());
        assert!(store.set_account_potential("NOPE", Some(1)).is_err());
        let lines = store.product_lines("BETA").expect("lines");
        assert_eq!(
            lines.iter().map(|l| l.product.as_str()).collect::<Vec<_>>(),
            ["Analytics", "Core"]
        );
    }

    #[test]
    fn book_totals_and_targets_come_from_the_same_positions() {
        let store = book();
        let today = day(2025, 3, 1);
        let book_totals = store.book_absorption(today).expect("book");
        assert_eq!(book_totals.installed_arr, Money::from_units(17_000));
        assert_eq!(book_totals.whitespace, Money::from_units(108_000));
        assert_eq!(book_totals.absorption().map(|r| r.to_percent(0)), Some("10%".into()));
        let list = store.target_list(today, &crate::domain::Config::default()).expect("targets");
        let filter = TargetFilter::default();
        let rows: Vec<_> = list.rows(&filter).collect();
        assert_eq!(rows.len(), 1);
        // Acme: green 100% × addiction 20% × renews in 91 days 100% = 21,600.
        assert_eq!(rows[0].0.priority, Money::from_units(21_600));
    }
}
