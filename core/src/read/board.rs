//! The 4A board and the stage suggestions: the board built from every
//! account's position, a move on it recorded in the store, and the facts
//! the stage rules read (positions beside the stage rows the store hands).
//! The rules are `metrics::board` and `metrics::stage_suggestions`.

use super::positions::{account_positions, account_positions_with};
use crate::domain::{Config, Stage};
use crate::metrics::board::Board;
use crate::metrics::stage_suggestions::{
    HandMove, RISING_LOOKBACK_MONTHS, StageFacts, StageSuggestion,
};
use crate::store::{Store, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};

/// The 4A board for `today`: one pass over the accounts (see
/// `account_positions`), grouped by stage. This is what the board pane
/// opens with and what the benchmark times.
pub fn board(store: &Store, today: NaiveDate, config: &Config) -> StoreResult<Board> {
    Ok(Board::build(account_positions_with(store, today, config)?, today, config.stuck_stage_days))
}

/// Moves an account to another stage from the board: records the change
/// and updates the board in place.
pub fn move_on_board(
    store: &Store,
    board: &mut Board,
    account_id: &str,
    stage: Stage,
    reason: &str,
    who: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    store.set_stage(account_id, stage, reason, who, at)?;
    board.move_account(account_id, stage, at.date_naive());
    Ok(())
}

/// What the stage rules read about every account (see
/// `metrics::stage_suggestions`): open trials, products held at the latest
/// month, won upsells, absorption and units then and now, churn, and hand
/// moves of the default `stage_hand_move_days`.
pub fn stage_facts(store: &Store, today: NaiveDate) -> StoreResult<Vec<StageFacts>> {
    stage_facts_with(store, today, &Config::default())
}

/// [`stage_facts`] with the hand moves of `config.stage_hand_move_days`.
pub fn stage_facts_with(
    store: &Store,
    today: NaiveDate,
    config: &Config,
) -> StoreResult<Vec<StageFacts>> {
    let positions = account_positions(store, today)?;
    let mut rows = store.stage_rows(RISING_LOOKBACK_MONTHS)?;
    let since = today
        .checked_sub_days(chrono::Days::new(config.stage_hand_move_days.unsigned_abs()))
        .unwrap_or(today);
    let mut hand_moves = store.hand_moves_since(since)?;
    let churned = store.churned_accounts()?;
    Ok(positions
        .into_iter()
        .map(|position| {
            let held = rows.products.remove(&position.id).unwrap_or_default();
            let won_new_products = rows
                .won
                .remove(&position.id)
                .unwrap_or_default()
                .into_iter()
                .filter(|p| !held.contains(p))
                .collect();
            StageFacts {
                churned: churned.contains(&position.id),
                hand_move: hand_moves.remove(&position.id).map(|(from, to)| HandMove { from, to }),
                open_trial: rows.trials.remove(&position.id),
                units_now: rows.units_now.get(&position.id).copied().unwrap_or(0),
                units_before: rows.units_before.get(&position.id).copied(),
                absorption: position.absorption.rate(),
                account_id: position.id,
                name: position.name,
                stage: position.stage,
                arr: position.arr,
                products: held,
                won_new_products,
            }
        })
        .collect())
}

/// Accepts a suggestion: sets the suggested stage with its why as the reason.
pub fn accept_stage_suggestion(
    store: &Store,
    suggestion: &StageSuggestion,
    who: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let reason = format!("suggested: {}", suggestion.why);
    store.set_stage(&suggestion.account_id, suggestion.suggested, &reason, who, at)
}

/// Dismisses a suggestion until the signal behind it changes.
pub fn dismiss_stage_suggestion(
    store: &Store,
    suggestion: &StageSuggestion,
    who: &str,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    store.dismiss_stage_signal(&suggestion.account_id, &suggestion.signal(), who, at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Health;
    use crate::metrics::stage_suggestions::{StageRule, pending};
    use crate::store::stages::fixture::*;

    #[test]
    fn the_demo_book_has_a_handful_stuck_each_for_a_reason_it_shows() {
        let dir = tempfile::tempdir().expect("dir");
        let today = day(2026, 12, 7);
        let clock = crate::clock::Clock::fixed(today);
        let store = crate::demo::load::create_demo_database(&dir.path().join("demo.db"), &clock)
            .expect("demo");
        let board = board(&store, today, &Config::default()).expect("board");
        let stuck: usize = board.columns.iter().map(|c| c.stuck).sum();
        assert!((3..=12).contains(&stuck), "{stuck} of {} stuck", board.total_accounts());
        for column in &board.columns {
            for card in column.cards.iter().filter(|c| c.stuck) {
                let standing = board.standing(card);
                assert!(card.days_in_stage.is_some_and(|days| days > 180), "{}", board.id(card));
                if column.stage != Stage::Addiction {
                    assert!(
                        matches!(standing.health, Some(Health::Orange | Health::Red)),
                        "{}",
                        board.id(card)
                    );
                }
            }
        }
    }

    #[test]
    fn setting_a_stage_needs_a_one_line_reason_and_is_kept_in_the_history() {
        let store = book();
        let at = noon(day(2025, 3, 1));
        assert!(store.set_stage("ACME", Stage::Adoption, " ", "fran", at).is_err());
        assert!(store.set_stage("ACME", Stage::Adoption, "two\nlines", "fran", at).is_err());
        assert!(store.set_stage("NOPE", Stage::Adoption, "why", "fran", at).is_err());
        store.set_stage("ACME", Stage::Adoption, "landed in finance", "fran", at).expect("set");
        let error =
            store.set_stage("ACME", Stage::Adoption, "again", "fran", at).expect_err("same stage");
        assert!(error.to_string().contains("already in adoption"));
        let history = store.stage_history("ACME").expect("history");
        assert_eq!(history.len(), 1);
        assert_eq!(
            (history[0].stage, history[0].who.as_str(), history[0].reason.as_str()),
            (Stage::Adoption, "fran", "landed in finance")
        );
        assert_eq!(history[0].at, at);
        let board = board(&store, day(2025, 3, 11), &Config::default()).expect("board");
        let card = &board
            .column(Stage::Adoption)
            .cards
            .iter()
            .find(|c| board.id(c) == "ACME")
            .expect("card");
        assert_eq!(card.days_in_stage, Some(10));
    }

    #[test]
    fn suggestions_come_from_the_data_and_can_be_accepted_or_dismissed() {
        let store = book();
        let today = day(2025, 3, 1);
        let facts = stage_facts(&store, today).expect("facts");
        let acme = facts.iter().find(|f| f.account_id == "ACME").expect("acme");
        assert_eq!((acme.units_now, acme.units_before), (10, Some(8)));
        assert_eq!(acme.products, ["Core"]);
        let list = pending(&facts, &store.dismissed_stage_signals().expect("dismissed"));
        // Acme: units rose 8 → 10 → absorption; Beta: two products → adaptation;
        // Zero: no paid ARR → addiction.
        let summary: Vec<(&str, Stage, StageRule)> =
            list.iter().map(|s| (s.account_id.as_str(), s.suggested, s.rule)).collect();
        assert_eq!(
            summary,
            vec![
                ("ACME", Stage::Absorption, StageRule::UnitsRising),
                ("BETA", Stage::Adaptation, StageRule::SecondProduct),
                ("ZERO", Stage::Addiction, StageRule::NoPaidArr),
            ]
        );
        let at = noon(today);
        accept_stage_suggestion(&store, &list[0], "fran", at).expect("accept");
        dismiss_stage_suggestion(&store, &list[1], "fran", at).expect("dismiss");
        let again = pending(
            &stage_facts(&store, today).expect("facts"),
            &store.dismissed_stage_signals().expect("d"),
        );
        assert_eq!(again.iter().map(|s| s.account_id.as_str()).collect::<Vec<_>>(), ["ZERO"]);
        let history = store.stage_history("ACME").expect("history");
        assert_eq!(history[0].reason, "suggested: units up from 8 to 10 over 3 months");
    }

    #[test]
    fn hand_moves_and_churned_accounts_quiet_the_suggestions() {
        let store = book();
        let today = day(2025, 3, 1);
        let config = Config::default();
        let pending_ids = |today| {
            let facts = stage_facts_with(&store, today, &config).expect("facts");
            let list = pending(&facts, &store.dismissed_stage_signals().expect("dismissed"));
            list.into_iter().map(|s| s.account_id).collect::<Vec<_>>()
        };
        assert_eq!(pending_ids(today), ["ACME", "BETA", "ZERO"]);
        // Acme moved up by hand past what the data says (Absorption): not
        // told to go back for 90 days, told again after.
        let current = stage_facts(&store, today).expect("f");
        let acme = current.iter().find(|f| f.account_id == "ACME").expect("acme");
        assert_ne!(acme.stage, Stage::Adaptation);
        // The history an import starts (the first entry is no move).
        store
            .replay_stage_change("ACME", acme.stage, "imported", "import", noon(day(2024, 1, 1)))
            .expect("history");
        store
            .set_stage("ACME", Stage::Adaptation, "rolled out company-wide", "fran", noon(today))
            .expect("move");
        assert_eq!(pending_ids(today), ["BETA", "ZERO"]);
        assert_eq!(pending_ids(day(2025, 5, 30)), ["BETA", "ZERO"], "day 90");
        assert_eq!(pending_ids(day(2025, 6, 1)), ["ACME", "BETA", "ZERO"], "day 92");
        // Zero had a contract and no ARR is left: churned, no "→ Addiction".
        crate::testkit::contract(&store, "CZ1", "ZERO", "2023-01-01", "2023-12-31", 1, "annual");
        assert_eq!(pending_ids(today), ["BETA"]);
    }
}
