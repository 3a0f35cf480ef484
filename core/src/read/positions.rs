//! Every account's position — owners, stage, health, ARR, Pareto tier,
//! absorption and whitespace, next renewal, a recent red spell — and what is
//! built from the positions: the 4A board, the hunter's targets list and the
//! book's absorption totals. The store hands the rows (position rows,
//! product potentials, recent red changes, or the book rows already in
//! memory); `metrics::{absorption, board, targets}` measure and rank them.
//! A lapsed or churned account leaves the targets list unless an open
//! opportunity holds it (`Store::accounts_out_of_targets` says which).

use crate::domain::tier::assign_tiers;
use crate::domain::{Config, Health, Money};
use crate::metrics::absorption::{
    AccountAbsorption, BookAbsorption, ProductLine, account_absorption, book_totals,
};
use crate::metrics::board::{AccountNames, AccountPosition, Board, Standing};
use crate::metrics::targets::{RED_SPELL_DAYS, Target, TargetList};
use crate::store::accounts::BookRow;
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// The first day of the red-spell window that ends on `today`.
fn red_since(today: NaiveDate) -> NaiveDate {
    today - chrono::Duration::days(RED_SPELL_DAYS)
}

/// Every account's position for `today`: owners, stage and since when,
/// health, ARR, Pareto tier, absorption and whitespace, next renewal, and
/// whether it was red in the last `RED_SPELL_DAYS` days. One query over
/// `accounts`, plus the future contract ends, the potentials table and the
/// recent red health changes.
pub fn account_positions(store: &Store, today: NaiveDate) -> StoreResult<Vec<AccountPosition>> {
    let tiers_config = Config::default();
    account_positions_with(store, today, &tiers_config)
}

/// As `account_positions`, with the book's configured tier cuts.
pub fn account_positions_with(
    store: &Store,
    today: NaiveDate,
    config: &Config,
) -> StoreResult<Vec<AccountPosition>> {
    let rows = store.position_rows(today)?;
    let lines = store.potential_lines()?;
    let red = store.red_changes_since(red_since(today))?;
    let mut positions: Vec<AccountPosition> = rows
        .into_iter()
        .map(|row| {
            let product_lines = lines.get(&row.id).map(Vec::as_slice).unwrap_or(&[]);
            AccountPosition {
                name: row.name,
                csm: row.csm,
                am: row.am,
                stage: row.stage,
                stage_since: row.stage_since,
                red_recently: row.health == Some(Health::Red) || red.contains(&row.id),
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
                id: row.id,
            }
        })
        .collect();
    assign_position_tiers(&mut positions, config);
    Ok(positions)
}

/// Pareto tiers by ARR (ties by id), as everywhere else.
fn assign_position_tiers(positions: &mut [AccountPosition], config: &Config) {
    let mut order: Vec<usize> = (0..positions.len()).collect();
    order.sort_by(|&a, &b| {
        positions[b].arr.cmp(&positions[a].arr).then_with(|| positions[a].id.cmp(&positions[b].id))
    });
    let ranked: Vec<Money> = order.iter().map(|&i| positions[i].arr).collect();
    for (index, tier) in order.into_iter().zip(assign_tiers(&ranked, &config.tier_cuts_bp)) {
        positions[index].tier = tier;
    }
}

/// One account's absorption figures (the account view's header).
pub fn account_absorption_of(store: &Store, account_id: &str) -> StoreResult<AccountAbsorption> {
    let (arr, units, potential) = store.absorption_input(account_id)?;
    let lines = store.product_lines(account_id)?;
    Ok(account_absorption(arr, units, potential, &lines))
}

/// The book's installed ARR, potential ARR, whitespace and absorption %.
pub fn book_absorption(store: &Store, today: NaiveDate) -> StoreResult<BookAbsorption> {
    let positions = account_positions(store, today)?;
    Ok(book_totals(positions.iter().map(|p| (p.arr, &p.absorption))))
}

/// The hunter's ranked list (see `metrics::targets` for the rule); what the
/// targets pane opens with and `cockpit targets` prints.
pub fn target_list(store: &Store, today: NaiveDate, config: &Config) -> StoreResult<TargetList> {
    let mut list = TargetList::rank(account_positions_with(store, today, config)?, today);
    let out = store.accounts_out_of_targets(today)?;
    let TargetList { names, ranked, .. } = &mut list;
    leave_out(ranked, &*names, &out);
    Ok(list)
}

/// Takes the lapsed and churned accounts that no open opportunity holds
/// (`out`) out of the ranked list: their whitespace is no longer a hunter's.
fn leave_out(
    ranked: &mut Vec<Target>,
    names: &(impl AccountNames + ?Sized),
    out: &HashSet<String>,
) {
    if !out.is_empty() {
        ranked.retain(|target| !out.contains(names.id(TargetList::account(target))));
    }
}

/// As `account_positions_with`, from book rows already read (the
/// cockpit's book): only the product potentials and the recent red
/// changes are read, not the accounts and contracts again.
pub fn account_positions_from_rows(
    store: &Store,
    rows: &[BookRow],
    today: NaiveDate,
    config: &Config,
) -> StoreResult<Vec<AccountPosition>> {
    let standings = standings_from_rows(store, rows, today, config, RedSpells::Read)?;
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
    store: &Store,
    rows: &[BookRow],
    today: NaiveDate,
    config: &Config,
    red_spells: RedSpells,
) -> StoreResult<Vec<Standing>> {
    Ok(walk(store, rows, today, config, red_spells)?.0)
}

/// `standings_from_rows`, and whether the rows came largest ARR first.
fn walk(
    store: &Store,
    rows: &[BookRow],
    today: NaiveDate,
    config: &Config,
    red_spells: RedSpells,
) -> StoreResult<(Vec<Standing>, bool)> {
    let lines = store.potential_lines()?;
    let walk = || walk_rows(rows, &lines, config);
    Ok(match red_spells {
        RedSpells::Skip => walk(),
        RedSpells::Read => {
            let (recovered, (mut standings, ranked)) =
                store.red_recently_beside(rows, red_since(today), walk)?;
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
/// [`standings_from_rows`]); its cards point into `rows`, whose
/// names it does not copy. The board shows no red spells, so they are
/// not read: its figures count as red only the accounts red now.
pub fn board_from_rows(
    store: &Store,
    rows: &[BookRow],
    today: NaiveDate,
    config: &Config,
) -> StoreResult<Board> {
    let (standings, ranked) = walk(store, rows, today, config, RedSpells::Skip)?;
    Ok(Board::from_standings_in(rows, standings, ranked, today, config.stuck_stage_days))
}

/// The targets list from book rows already read; its targets point
/// into `rows`, whose names it does not copy.
pub fn target_list_from_rows(
    store: &Store,
    rows: &[BookRow],
    today: NaiveDate,
    config: &Config,
) -> StoreResult<TargetList> {
    let standings = standings_from_rows(store, rows, today, config, RedSpells::Read)?;
    let mut list = TargetList::from_standings_in(rows, standings, today);
    leave_out(&mut list.ranked, rows, &store.accounts_out_of_targets(today)?);
    Ok(list)
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
/// (see [`standings_from_rows`]).
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Health, Money};
    use crate::metrics::targets::TargetFilter;
    use crate::store::stages::fixture::*;

    #[test]
    fn positions_carry_absorption_whitespace_tier_and_renewal() {
        let store = book();
        let positions = account_positions(&store, day(2025, 3, 1)).expect("positions");
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
        let mut read = account_positions_with(&store, today, &config).expect("read");
        let rows = store.book_rows(today).expect("rows");
        let mut built = account_positions_from_rows(&store, &rows, today, &config).expect("built");
        read.sort_by(|a, b| a.id.cmp(&b.id));
        built.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(read, built);
        // Rows in another order than the book's get the same tiers (sorted for them).
        let reversed: Vec<_> = rows.iter().rev().cloned().collect();
        let mut built =
            account_positions_from_rows(&store, &reversed, today, &config).expect("reversed");
        built.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(read, built);
    }

    #[test]
    fn product_potentials_override_the_account_level_and_can_be_cleared() {
        let store = book();
        store.set_potential("BETA", "Analytics", Some(40)).expect("set");
        let figures = account_absorption_of(&store, "BETA").expect("figures");
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
        assert_eq!(account_absorption_of(&store, "BETA").expect("f").whitespace, Money::ZERO);
        store.set_account_potential("BETA", Some(60)).expect("account level");
        // 30 of 60 units at 5,000 → 5,000 whitespace.
        assert_eq!(
            account_absorption_of(&store, "BETA").expect("f").whitespace,
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
        let book_totals = book_absorption(&store, today).expect("book");
        assert_eq!(book_totals.installed_arr, Money::from_units(17_000));
        assert_eq!(book_totals.whitespace, Money::from_units(108_000));
        assert_eq!(book_totals.absorption().map(|r| r.to_percent(0)), Some("10%".into()));
        let list = target_list(&store, today, &crate::domain::Config::default()).expect("targets");
        let filter = TargetFilter::default();
        let rows: Vec<_> = list.rows(&filter).collect();
        assert_eq!(rows.len(), 1);
        // Acme: green 100% × addiction 20% × renews in 91 days 100% = 21,600.
        assert_eq!(rows[0].0.priority, Money::from_units(21_600));
    }

    #[test]
    fn a_lapsed_account_leaves_the_targets_unless_an_open_opportunity_holds_it() {
        use crate::domain::opportunity::{OpportunityFields, OpportunityKind, OpportunityStage};
        let store = book();
        let config = crate::domain::Config::default();
        let ids = |today| -> Vec<String> {
            let all = TargetFilter::default();
            let whole = target_list(&store, today, &config).expect("targets");
            let read: Vec<String> = whole.rows(&all).map(|(_, p)| p.id).collect();
            let rows = store.book_rows(today).expect("rows");
            let fast = target_list_from_rows(&store, &rows, today, &config).expect("from rows");
            let built: Vec<String> = fast.ranked.iter().map(|t| rows[t.index].id.clone()).collect();
            assert_eq!(read, built, "both ways in agree");
            read
        };
        // Acme's only contract ends 2025-05-31: on its last day it is a target.
        assert_eq!(ids(day(2025, 5, 31)), ["ACME"]);
        // Lapsed yesterday: gone.
        assert!(ids(day(2025, 6, 1)).is_empty());
        let fields = |stage| OpportunityFields {
            product: "Core".into(),
            kind: OpportunityKind::Upsell,
            arr: Money::from_units(5_000),
            stage,
            owner: "hugo".into(),
            close_date: None,
            next_step: String::new(),
        };
        let at = chrono::Utc::now();
        // A won deal holds nothing; an open one keeps the account in.
        let won = store.add_opportunity("ACME", &fields(OpportunityStage::Won), at).expect("won");
        assert!(ids(day(2025, 6, 1)).is_empty());
        let open =
            store.add_opportunity("ACME", &fields(OpportunityStage::Proposal), at).expect("o");
        assert_eq!(ids(day(2025, 6, 1)), ["ACME"]);
        // Lost, it lets go again.
        let reason =
            crate::domain::opportunity::LostReason { reason: "budget".into(), controllable: false };
        store.lose_opportunity(open, &reason, at).expect("lost");
        assert!(ids(day(2025, 6, 1)).is_empty());
        assert!(won != open);
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
        let whole = crate::read::board::board(&store, today, &config).expect("board");
        let fast = board_from_rows(&store, &rows, today, &config).expect("board from rows");
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
        let whole = target_list(&store, today, &config).expect("targets");
        let fast = target_list_from_rows(&store, &rows, today, &config).expect("targets from rows");
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
}
