//! The 4A board (pure): accounts grouped by stage, each card with health, ARR,
//! absorption and days to renewal; counts and ARR per stage; days in the
//! current stage, and accounts stuck longer than `Config::stuck_stage_days`.
//!
//! Built once from the positions the store loads; moving an account between
//! stages updates the board in place (no reload), so a key costs only the
//! cards it moves. Drawing is someone else's: this holds no pixels.

use super::absorption::AccountAbsorption;
use crate::domain::tier::Tier;
use crate::domain::{Health, Money, Stage};
use chrono::NaiveDate;

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
        self.next_renewal.map(|date| (date - today).num_days())
    }

    pub fn days_in_stage(&self, today: NaiveDate) -> Option<i64> {
        self.stage_since.map(|since| (today - since).num_days().max(0))
    }
}

/// A card: the position plus what the board derives for today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub position: AccountPosition,
    pub days_in_stage: Option<i64>,
    pub days_to_renewal: Option<i64>,
    /// In this stage longer than the configured number of days.
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Board {
    pub today: NaiveDate,
    pub stuck_stage_days: i64,
    /// Addiction, Adoption, Absorption, Adaptation, in that order.
    pub columns: Vec<StageColumn>,
}

fn card_order(a: &Card, b: &Card) -> std::cmp::Ordering {
    b.position.arr.cmp(&a.position.arr).then_with(|| a.position.id.cmp(&b.position.id))
}

impl Board {
    pub fn build(
        positions: Vec<AccountPosition>,
        today: NaiveDate,
        stuck_stage_days: i64,
    ) -> Board {
        let mut columns: Vec<StageColumn> = Stage::ALL
            .iter()
            .map(|stage| StageColumn {
                stage: *stage,
                cards: Vec::new(),
                arr: Money::ZERO,
                stuck: 0,
            })
            .collect();
        for position in positions {
            let card = Board::card(position, today, stuck_stage_days);
            let column = &mut columns[usize::from(card.position.stage.number() - 1)];
            column.arr += card.position.arr;
            column.stuck += usize::from(card.stuck);
            column.cards.push(card);
        }
        for column in &mut columns {
            column.cards.sort_by(card_order);
        }
        Board { today, stuck_stage_days, columns }
    }

    fn card(position: AccountPosition, today: NaiveDate, stuck_stage_days: i64) -> Card {
        let days_in_stage = position.days_in_stage(today);
        Card {
            days_to_renewal: position.days_to_renewal(today),
            stuck: days_in_stage.is_some_and(|days| days > stuck_stage_days),
            days_in_stage,
            position,
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

    /// Where an account's card is: (stage, index in its column).
    pub fn find(&self, account_id: &str) -> Option<(Stage, usize)> {
        self.columns.iter().find_map(|column| {
            column.cards.iter().position(|c| c.position.id == account_id).map(|i| (column.stage, i))
        })
    }

    /// Moves a card to `to` after the store recorded the change (`Store::set_stage`)
    /// on `since`; returns its new index in the target column, `None` if absent.
    pub fn move_account(&mut self, account_id: &str, to: Stage, since: NaiveDate) -> Option<usize> {
        let (from, index) = self.find(account_id)?;
        let from_column = &mut self.columns[usize::from(from.number() - 1)];
        let mut card = from_column.cards.remove(index);
        from_column.arr -= card.position.arr;
        from_column.stuck -= usize::from(card.stuck);
        card.position.stage = to;
        card.position.stage_since = Some(since);
        let card = Board::card(card.position, self.today, self.stuck_stage_days);
        let to_column = &mut self.columns[usize::from(to.number() - 1)];
        to_column.arr += card.position.arr;
        to_column.stuck += usize::from(card.stuck);
        let at = to_column.cards.partition_point(|c| card_order(c, &card).is_lt());
        to_column.cards.insert(at, card);
        Some(at)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    pub(crate) fn position(id: &str, stage: Stage, arr: i64) -> AccountPosition {
        AccountPosition {
            id: id.into(),
            name: format!("Account {id}"),
            csm: "farmer".into(),
            am: "hunter".into(),
            stage,
            stage_since: Some(d(2025, 1, 1)),
            health: Some(Health::Green),
            red_recently: false,
            arr: Money::from_units(arr),
            tier: 1,
            absorption: AccountAbsorption::default(),
            next_renewal: Some(d(2025, 12, 31)),
        }
    }

    #[test]
    fn groups_counts_and_flags_stuck_accounts() {
        let mut old = position("A3", Stage::Adoption, 50);
        old.stage_since = Some(d(2024, 1, 1));
        let mut unknown = position("A4", Stage::Adoption, 10);
        unknown.stage_since = None;
        let today = d(2025, 3, 1);
        let board = Board::build(
            vec![
                position("A1", Stage::Adoption, 100),
                position("A2", Stage::Addiction, 5),
                old,
                unknown,
            ],
            today,
            180,
        );
        let adoption = board.column(Stage::Adoption);
        assert_eq!(adoption.count(), 3);
        assert_eq!(adoption.arr, Money::from_units(160));
        assert_eq!(adoption.stuck, 1);
        assert_eq!(
            adoption.cards.iter().map(|c| c.position.id.as_str()).collect::<Vec<_>>(),
            ["A1", "A3", "A4"]
        );
        // 2024-01-01 → 2025-03-01 is 425 days; 2025-01-01 → 59 days.
        assert_eq!(adoption.cards[1].days_in_stage, Some(425));
        assert_eq!(adoption.cards[0].days_in_stage, Some(59));
        assert_eq!(adoption.cards[2].days_in_stage, None);
        assert_eq!(adoption.cards[0].days_to_renewal, Some(305));
        assert_eq!(board.total_accounts(), 4);
        assert_eq!(board.column(Stage::Adaptation).count(), 0);
    }

    #[test]
    fn moving_a_card_keeps_totals_and_order() {
        let mut stuck = position("A3", Stage::Adoption, 50);
        stuck.stage_since = Some(d(2020, 1, 1));
        let today = d(2025, 3, 1);
        let mut board = Board::build(
            vec![
                position("A1", Stage::Absorption, 100),
                position("A2", Stage::Absorption, 10),
                stuck,
            ],
            today,
            180,
        );
        assert_eq!(board.move_account("A3", Stage::Absorption, today), Some(1));
        let absorption = board.column(Stage::Absorption);
        assert_eq!(absorption.arr, Money::from_units(160));
        assert_eq!(absorption.cards[1].days_in_stage, Some(0));
        assert_eq!(board.column(Stage::Adoption).stuck, 0);
        assert_eq!(board.column(Stage::Adoption).arr, Money::ZERO);
        assert_eq!(board.move_account("nobody", Stage::Adoption, today), None);
        assert_eq!(board.total_arr(), Money::from_units(160));
    }
}
