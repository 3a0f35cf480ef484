//! The 4A board's rules by worked example: how the columns group and
//! count, which accounts are stuck and why, and moving a card.

use super::*;
use crate::testkit::{d, position};

#[test]
fn groups_counts_and_flags_stuck_accounts() {
    let mut old = position("A3", Stage::Adoption, 50);
    old.stage_since = Some(d(2024, 1, 1));
    old.health = Some(Health::Orange);
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
    assert_eq!(adoption.cards.iter().map(|c| board.id(c)).collect::<Vec<_>>(), ["A1", "A3", "A4"]);
    // 2024-01-01 → 2025-03-01 is 425 days; 2025-01-01 → 59 days.
    assert_eq!(adoption.cards[1].days_in_stage, Some(425));
    assert_eq!(adoption.cards[0].days_in_stage, Some(59));
    assert_eq!(adoption.cards[2].days_in_stage, None);
    assert_eq!(adoption.cards[0].days_to_renewal, Some(305));
    assert_eq!(board.total_accounts(), 4);
    assert_eq!(board.column(Stage::Adaptation).count(), 0);
}

#[test]
fn only_a_stalled_account_in_trouble_or_an_overlong_trial_is_stuck() {
    let today = d(2025, 3, 1);
    let seven_months = Some(212);
    let stuck = |stage, health, standard, days| {
        is_stuck(stage, Money::from_units(10), health, standard, days, 180)
    };
    // A trial is time-bounded: past the limit it is stuck, whatever its colour.
    assert!(stuck(Stage::Addiction, Some(Health::Green), false, seven_months));
    assert!(!stuck(Stage::Addiction, Some(Health::Green), false, Some(180)));
    // Adoption or absorption not over 50%: stuck only when orange or red.
    for stage in [Stage::Adoption, Stage::Absorption] {
        assert!(stuck(stage, Some(Health::Orange), false, seven_months));
        assert!(stuck(stage, Some(Health::Red), false, seven_months));
        assert!(!stuck(stage, Some(Health::Yellow), false, seven_months));
        assert!(!stuck(stage, Some(Health::Green), false, seven_months));
        assert!(!stuck(stage, None, false, seven_months));
        // The standard (over 50%) has arrived, not stalled.
        assert!(!stuck(stage, Some(Health::Red), true, seven_months));
        assert!(!stuck(stage, Some(Health::Red), false, Some(100)));
        assert!(!stuck(stage, Some(Health::Red), false, None));
    }
    // Adaptation is the cycle repeating: never stuck.
    assert!(!stuck(Stage::Adaptation, Some(Health::Red), false, seven_months));
    // The same through a standing: 50 of 200 units is 25%, not standard.
    let mut position = position("A1", Stage::Adoption, 10);
    position.stage_since = Some(d(2024, 8, 1));
    position.health = Some(Health::Orange);
    position.absorption.current_units = Some(50);
    position.absorption.potential_units = Some(200);
    assert!(position.standing().is_stuck(today, 180));
    // Exactly 50% is not yet over it; 101 of 200 is the standard.
    position.absorption.current_units = Some(100);
    assert!(position.standing().is_stuck(today, 180));
    position.absorption.current_units = Some(101);
    assert!(!position.standing().is_stuck(today, 180));
}

#[test]
fn a_churned_account_is_lost_not_stuck() {
    let mut churned = position("A1", Stage::Adoption, 0);
    churned.stage_since = Some(d(2022, 1, 1));
    let mut live = position("A2", Stage::Adoption, 10);
    live.stage_since = Some(d(2022, 1, 1));
    live.health = Some(Health::Red);
    let board = Board::build(vec![churned, live], d(2025, 3, 1), 180);
    let adoption = board.column(Stage::Adoption);
    assert_eq!(adoption.stuck, 1);
    let stuck: Vec<&str> = adoption.cards.iter().filter(|c| c.stuck).map(|c| board.id(c)).collect();
    assert_eq!(stuck, ["A2"]);
}

#[test]
fn moving_a_card_keeps_totals_and_order() {
    let mut stuck = position("A3", Stage::Adoption, 50);
    stuck.stage_since = Some(d(2020, 1, 1));
    stuck.health = Some(Health::Orange);
    let today = d(2025, 3, 1);
    let mut board = Board::build(
        vec![position("A1", Stage::Absorption, 100), position("A2", Stage::Absorption, 10), stuck],
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
