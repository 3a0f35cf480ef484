//! The 4A board (pure): accounts grouped by stage, each card with health, ARR,
//! absorption and days to renewal; counts and ARR per stage; days in the
//! current stage, and the accounts stuck in it ([`is_stuck`]).
//!
//! Built once from the positions the store loads; moving an account between
//! stages updates the board in place (no reload), so a key costs only the
//! cards it moves. Drawing is someone else's: this holds no pixels.
//!
//! A 100,000-account board is built in one pass: the accounts' names go into
//! one shared buffer ([`Names`]) rather than four strings each, every card is
//! a few numbers, and accounts handed in largest ARR first (ties by id), as
//! the book comes, land in each column already in card order, so no column is
//! sorted unless they were not.

use super::absorption::AccountAbsorption;
use crate::domain::tier::Tier;
use crate::domain::{Health, Money, Stage};
use chrono::NaiveDate;
use std::cmp::Ordering;

/// One account as the board and the targets list see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountPosition {
    pub id: String,
    pub name: String,
    pub csm: String,
    pub am: String,
    pub stage: Stage,
    /// When the current stage was set, if known.
    pub stage_since: Option<NaiveDate>,
    pub health: Option<Health>,
    /// Red at some point in the last `targets::RED_SPELL_DAYS` days (now or recovered since).
    pub red_recently: bool,
    pub arr: Money,
    pub tier: Tier,
    pub absorption: AccountAbsorption,
    /// The next contract end on or after today.
    pub next_renewal: Option<NaiveDate>,
}

impl AccountPosition {
    pub fn days_to_renewal(&self, today: NaiveDate) -> Option<i64> {
        self.standing().days_to_renewal(today)
    }

    pub fn days_in_stage(&self, today: NaiveDate) -> Option<i64> {
        self.standing().days_in_stage(today)
    }

    /// The figures without the names.
    pub fn standing(&self) -> Standing {
        Standing {
            stage: self.stage,
            stage_since: self.stage_since,
            health: self.health,
            red_recently: self.red_recently,
            arr: self.arr,
            tier: self.tier,
            absorption: self.absorption,
            next_renewal: self.next_renewal,
        }
    }

    /// The position of account `index` of `names`, with its figures.
    pub fn from_parts(
        names: &(impl AccountNames + ?Sized),
        index: u32,
        standing: &Standing,
    ) -> AccountPosition {
        AccountPosition {
            id: names.id(index).to_string(),
            name: names.name(index).to_string(),
            csm: names.csm(index).to_string(),
            am: names.am(index).to_string(),
            stage: standing.stage,
            stage_since: standing.stage_since,
            health: standing.health,
            red_recently: standing.red_recently,
            arr: standing.arr,
            tier: standing.tier,
            absorption: standing.absorption,
            next_renewal: standing.next_renewal,
        }
    }
}

impl From<&AccountPosition> for Standing {
    fn from(position: &AccountPosition) -> Standing {
        position.standing()
    }
}

/// An account's figures as the board and the targets list see them (an
/// [`AccountPosition`] without its names, which live in [`Names`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub stage: Stage,
    pub stage_since: Option<NaiveDate>,
    pub health: Option<Health>,
    pub red_recently: bool,
    pub arr: Money,
    pub tier: Tier,
    pub absorption: AccountAbsorption,
    pub next_renewal: Option<NaiveDate>,
}

impl Standing {
    pub fn days_to_renewal(&self, today: NaiveDate) -> Option<i64> {
        self.next_renewal.map(|date| (date - today).num_days())
    }

    pub fn days_in_stage(&self, today: NaiveDate) -> Option<i64> {
        self.stage_since.map(|since| (today - since).num_days().max(0))
    }

    /// Stuck in its stage today ([`is_stuck`]).
    pub fn is_stuck(&self, today: NaiveDate, stuck_stage_days: i64) -> bool {
        is_stuck(
            self.stage,
            self.arr,
            self.health,
            self.absorption.is_standard(),
            self.days_in_stage(today),
            stuck_stage_days,
        )
    }
}

/// An account is stuck when it has been in its stage longer than
/// `stuck_stage_days` and is not moving on: a trial (addiction) is meant to
/// end, so one past the limit is stuck; an adoption or absorption account is
/// stuck when its product is not yet the standard there (absorption not
/// over 50%) and its health is orange or red, the spread has stalled and the
/// account is in trouble. A healthy account resting in a stage, a standard
/// one and one in adaptation (the cycle repeating for a new product) are
/// settled, not stuck; one without ARR (churned) is lost, not stuck.
pub fn is_stuck(
    stage: Stage,
    arr: Money,
    health: Option<Health>,
    standard: bool,
    days_in_stage: Option<i64>,
    stuck_stage_days: i64,
) -> bool {
    if arr.is_zero() || days_in_stage.is_none_or(|days| days <= stuck_stage_days) {
        return false;
    }
    match stage {
        Stage::Addiction => true,
        Stage::Adoption | Stage::Absorption => {
            !standard && matches!(health, Some(Health::Orange | Health::Red))
        }
        Stage::Adaptation => false,
    }
}

/// Where the accounts of a board or a target list get their id, name, CSM
/// and AM: account `i` is the `i`-th of the table the figures were built
/// from (its own [`Names`], or the rows of the book in memory). An account
/// out of range reads as empty text.
pub trait AccountNames {
    fn id(&self, account: u32) -> &str;
    fn name(&self, account: u32) -> &str;
    fn csm(&self, account: u32) -> &str;
    fn am(&self, account: u32) -> &str;
}

impl AccountNames for Names {
    fn id(&self, account: u32) -> &str {
        self.part(account, 0)
    }

    fn name(&self, account: u32) -> &str {
        self.part(account, 1)
    }

    fn csm(&self, account: u32) -> &str {
        self.part(account, 2)
    }

    fn am(&self, account: u32) -> &str {
        self.part(account, 3)
    }
}

/// The id, name, CSM and AM of many accounts in one buffer, account `i`
/// being the `i`-th pushed: one allocation for a whole book instead of four
/// per account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    text: String,
    /// Where each name ends in `text`, four per account.
    ends: Vec<usize>,
}

impl Names {
    /// Room for `accounts` accounts whose names take `bytes` bytes.
    pub fn with_capacity(accounts: usize, bytes: usize) -> Names {
        Names { text: String::with_capacity(bytes), ends: Vec::with_capacity(accounts * 4) }
    }

    /// Adds an account; returns its index.
    pub fn push(&mut self, id: &str, name: &str, csm: &str, am: &str) -> u32 {
        let index = u32::try_from(self.len()).unwrap_or(u32::MAX);
        for part in [id, name, csm, am] {
            self.text.push_str(part);
            self.ends.push(self.text.len());
        }
        index
    }

    pub fn len(&self) -> usize {
        self.ends.len() / 4
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn part(&self, index: u32, part: usize) -> &str {
        let at = index as usize * 4 + part;
        let end = self.ends.get(at).copied().unwrap_or(0);
        let start = if at == 0 { 0 } else { self.ends.get(at - 1).copied().unwrap_or(end) };
        self.text.get(start..end).unwrap_or("")
    }

    /// Splits positions into their names and their figures.
    pub fn split(positions: Vec<AccountPosition>) -> (Names, Vec<Standing>) {
        let bytes =
            positions.iter().map(|p| p.id.len() + p.name.len() + p.csm.len() + p.am.len()).sum();
        let mut names = Names::with_capacity(positions.len(), bytes);
        let standings = positions
            .iter()
            .map(|p| {
                names.push(&p.id, &p.name, &p.csm, &p.am);
                p.standing()
            })
            .collect();
        (names, standings)
    }
}

/// A card: one account on the board, with what the board derives for today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Card {
    /// The account's index in the board's names and standings.
    pub account: u32,
    pub days_in_stage: Option<i64>,
    pub days_to_renewal: Option<i64>,
    /// Stuck in its stage ([`is_stuck`]).
    pub stuck: bool,
}

/// One stage's column: cards by ARR, largest first (ties by id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageColumn {
    pub stage: Stage,
    pub cards: Vec<Card>,
    pub arr: Money,
    pub stuck: usize,
}

impl StageColumn {
    pub fn count(&self) -> usize {
        self.cards.len()
    }
}

/// The board. Its cards point at accounts by index: into its own names
/// when the store built it, or into the book rows it was built from (then
/// the `*_in` methods take those rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Board {
    pub today: NaiveDate,
    pub stuck_stage_days: i64,
    /// Addiction, Adoption, Absorption, Adaptation, in that order.
    pub columns: Vec<StageColumn>,
    /// Empty when the names are the caller's.
    names: Names,
    standings: Vec<Standing>,
}

/// Cards by ARR, largest first, ties by account id.
fn card_order(
    names: &(impl AccountNames + ?Sized),
    standings: &[Standing],
    a: &Card,
    b: &Card,
) -> Ordering {
    let arr = |card: &Card| standings.get(card.account as usize).map_or(Money::ZERO, |s| s.arr);
    arr(b).cmp(&arr(a)).then_with(|| names.id(a.account).cmp(names.id(b.account)))
}

impl Board {
    /// The board of `positions` (the straightforward way in; see
    /// [`Board::from_standings`]).
    pub fn build(
        positions: Vec<AccountPosition>,
        today: NaiveDate,
        stuck_stage_days: i64,
    ) -> Board {
        let (names, standings) = Names::split(positions);
        Board::from_standings(names, standings, today, stuck_stage_days)
    }

    /// The board of the accounts of `names` with their `standings` (same
    /// order). Accounts given largest ARR first, ties by id, need no sort.
    pub fn from_standings(
        names: Names,
        standings: Vec<Standing>,
        today: NaiveDate,
        stuck_stage_days: i64,
    ) -> Board {
        let columns = Board::columns_of(&names, &standings, today, stuck_stage_days);
        Board { today, stuck_stage_days, columns, names, standings }
    }

    /// As `from_standings`, the names staying with the caller (`names`, by
    /// the same index): the board holds no copy of them. `ranked`: the
    /// standings come largest ARR first, ties by id, so every column is in
    /// card order as built and is not checked (but in debug builds).
    pub fn from_standings_in(
        names: &(impl AccountNames + ?Sized),
        standings: Vec<Standing>,
        ranked: bool,
        today: NaiveDate,
        stuck_stage_days: i64,
    ) -> Board {
        let columns = if ranked {
            let columns = Board::fill(&standings, today, stuck_stage_days);
            debug_assert!(columns.iter().all(|column| {
                column.cards.is_sorted_by(|a, b| card_order(names, &standings, a, b).is_le())
            }));
            columns
        } else {
            Board::columns_of(names, &standings, today, stuck_stage_days)
        };
        Board { today, stuck_stage_days, columns, names: Names::default(), standings }
    }

    /// The columns of `standings`, in the order given.
    fn fill(standings: &[Standing], today: NaiveDate, stuck_stage_days: i64) -> Vec<StageColumn> {
        let mut counts = [0_usize; 4];
        for standing in standings {
            counts[usize::from(standing.stage.number() - 1)] += 1;
        }
        let mut columns: Vec<StageColumn> = Stage::ALL
            .iter()
            .zip(counts)
            .map(|(stage, count)| StageColumn {
                stage: *stage,
                cards: Vec::with_capacity(count),
                arr: Money::ZERO,
                stuck: 0,
            })
            .collect();
        for (index, standing) in standings.iter().enumerate() {
            let account = u32::try_from(index).unwrap_or(u32::MAX);
            let card = Board::card(account, standing, today, stuck_stage_days);
            let column = &mut columns[usize::from(standing.stage.number() - 1)];
            column.arr += standing.arr;
            column.stuck += usize::from(card.stuck);
            column.cards.push(card);
        }
        columns
    }

    /// The columns of `standings`, each sorted unless already in card order.
    fn columns_of(
        names: &(impl AccountNames + ?Sized),
        standings: &[Standing],
        today: NaiveDate,
        stuck_stage_days: i64,
    ) -> Vec<StageColumn> {
        let mut columns = Board::fill(standings, today, stuck_stage_days);
        for column in &mut columns {
            let order = |a: &Card, b: &Card| card_order(names, standings, a, b);
            if !column.cards.is_sorted_by(|a, b| order(a, b).is_le()) {
                column.cards.sort_by(order);
            }
        }
        columns
    }

    fn card(account: u32, standing: &Standing, today: NaiveDate, stuck_stage_days: i64) -> Card {
        Card {
            account,
            days_to_renewal: standing.days_to_renewal(today),
            stuck: standing.is_stuck(today, stuck_stage_days),
            days_in_stage: standing.days_in_stage(today),
        }
    }

    pub fn column(&self, stage: Stage) -> &StageColumn {
        &self.columns[usize::from(stage.number() - 1)]
    }

    pub fn total_accounts(&self) -> usize {
        self.columns.iter().map(StageColumn::count).sum()
    }

    pub fn total_arr(&self) -> Money {
        self.columns.iter().map(|c| c.arr).sum()
    }

    /// The board's own names (empty when they are the caller's).
    pub fn names(&self) -> &Names {
        &self.names
    }

    pub fn id(&self, card: &Card) -> &str {
        self.names.id(card.account)
    }

    pub fn name(&self, card: &Card) -> &str {
        self.names.name(card.account)
    }

    pub fn am(&self, card: &Card) -> &str {
        self.names.am(card.account)
    }

    /// The card's account figures.
    pub fn standing(&self, card: &Card) -> &Standing {
        &self.standings[card.account as usize]
    }

    /// The card's account figures, to correct after a write.
    pub fn standing_mut(&mut self, card: &Card) -> Option<&mut Standing> {
        self.standings.get_mut(card.account as usize)
    }

    /// The card's account as a whole position (names copied from `names`).
    pub fn position_in(
        &self,
        names: &(impl AccountNames + ?Sized),
        card: &Card,
    ) -> AccountPosition {
        AccountPosition::from_parts(names, card.account, self.standing(card))
    }

    /// The card's account as a whole position (names copied).
    pub fn position(&self, card: &Card) -> AccountPosition {
        self.position_in(&self.names, card)
    }

    /// Where an account's card is: (stage, index in its column).
    pub fn find(&self, account_id: &str) -> Option<(Stage, usize)> {
        self.find_in(&self.names, account_id)
    }

    /// As `find`, the names being `names`.
    pub fn find_in(
        &self,
        names: &(impl AccountNames + ?Sized),
        account_id: &str,
    ) -> Option<(Stage, usize)> {
        self.columns.iter().find_map(|column| {
            column
                .cards
                .iter()
                .position(|c| names.id(c.account) == account_id)
                .map(|i| (column.stage, i))
        })
    }

    /// Moves a card to `to` after the store recorded the change (`Store::set_stage`)
    /// on `since`; returns its new index in the target column, `None` if absent.
    pub fn move_account(&mut self, account_id: &str, to: Stage, since: NaiveDate) -> Option<usize> {
        let names = std::mem::take(&mut self.names);
        let at = self.move_account_in(&names, account_id, to, since);
        self.names = names;
        at
    }

    /// As `move_account`, the names being `names`.
    pub fn move_account_in(
        &mut self,
        names: &(impl AccountNames + ?Sized),
        account_id: &str,
        to: Stage,
        since: NaiveDate,
    ) -> Option<usize> {
        let (from, index) = self.find_in(names, account_id)?;
        let from_column = &mut self.columns[usize::from(from.number() - 1)];
        let card = from_column.cards.remove(index);
        let standing = self.standings.get_mut(card.account as usize)?;
        from_column.arr -= standing.arr;
        from_column.stuck -= usize::from(card.stuck);
        standing.stage = to;
        standing.stage_since = Some(since);
        let card = Board::card(card.account, standing, self.today, self.stuck_stage_days);
        let arr = standing.arr;
        let to_column = &mut self.columns[usize::from(to.number() - 1)];
        to_column.arr += arr;
        to_column.stuck += usize::from(card.stuck);
        let standings = &self.standings;
        let at =
            to_column.cards.partition_point(|c| card_order(names, standings, c, &card).is_lt());
        to_column.cards.insert(at, card);
        Some(at)
    }
}

#[cfg(test)]
mod tests;
