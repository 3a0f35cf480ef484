//! The 4A forms' keys and checks, as the app hands keys over.

use super::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

// A key as the app hands it over: resolved in the form's table first.
impl StageForm {
    fn key(&mut self, key: KeyEvent, today: NaiveDate) -> FormOutcome {
        crate::tui::forms::pressed(self, key, today)
    }
}

impl OpportunityForm {
    fn key(&mut self, key: KeyEvent, today: NaiveDate) -> FormOutcome {
        crate::tui::forms::pressed(self, key, today)
    }
}

fn press(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
}

#[test]
fn a_stage_move_needs_a_reason_and_another_stage() {
    let mut form = StageForm::new("A1", "Acme", Stage::Adoption, Stage::Adoption);
    assert!(matches!(form.key(press(KeyCode::Enter), today()), FormOutcome::Stay));
    assert!(form.error.as_deref().is_some_and(|e| e.contains("already in")));
    form.key(press(KeyCode::Tab), today());
    assert_eq!(form.to, Stage::Absorption);
    assert!(matches!(form.key(press(KeyCode::Enter), today()), FormOutcome::Stay));
    assert!(form.error.as_deref().is_some_and(|e| e.contains("reason is required")));
    for c in "spreading".chars() {
        form.key(press(KeyCode::Char(c)), today());
    }
    match form.key(press(KeyCode::Enter), today()) {
        FormOutcome::Submit(write) => assert_eq!(
            vec![write],
            vec![Write::Stage {
                account_id: "A1".into(),
                stage: Stage::Absorption,
                reason: "spreading".into()
            }]
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_opportunity_form_checks_product_arr_and_date() {
    let mut form = OpportunityForm::new("A1", "Acme", "bo", today());
    assert!(matches!(form.key(press(KeyCode::Enter), today()), FormOutcome::Stay));
    assert_eq!(form.error.as_deref(), Some("write the product first"));
    for c in "Insights".chars() {
        form.key(press(KeyCode::Char(c)), today());
    }
    // An empty amount is asked for, not saved as 0.
    assert!(matches!(form.key(press(KeyCode::Enter), today()), FormOutcome::Stay));
    assert!(form.error.as_deref().is_some_and(|e| e.starts_with("the amount is needed")));
    form.key(press(KeyCode::Tab), today());
    for c in "12,000.5x".chars() {
        form.key(press(KeyCode::Char(c)), today());
    }
    assert!(matches!(form.key(press(KeyCode::Enter), today()), FormOutcome::Stay));
    assert!(form.error.as_deref().is_some_and(|e| e.starts_with("ARR")));
    form.key(press(KeyCode::Backspace), today());
    form.key(press(KeyCode::Tab), today());
    form.key(press(KeyCode::Right), today()); // qualified
    form.key(press(KeyCode::Tab), today());
    form.key(press(KeyCode::Tab), today());
    form.key(press(KeyCode::Tab), today());
    for c in "2025-09-30".chars() {
        form.key(press(KeyCode::Char(c)), today());
    }
    match form.key(press(KeyCode::Enter), today()) {
        FormOutcome::Submit(write) => assert_eq!(
            vec![write],
            vec![Write::Opportunity {
                account_id: "A1".into(),
                fields: OpportunityFields {
                    product: "Insights".into(),
                    kind: OpportunityKind::Upsell,
                    arr: Money::from_cents(1_200_050),
                    stage: OpportunityStage::Qualified,
                    owner: "bo".into(),
                    close_date: NaiveDate::from_ymd_opt(2025, 9, 30),
                    next_step: String::new(),
                }
            }]
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_close_date_may_be_relative() {
    let mut form = OpportunityForm::new("A1", "Acme", "bo", today());
    for c in "Insights".chars() {
        form.key(press(KeyCode::Char(c)), today());
    }
    form.arr = Input::new("0".to_string());
    form.field = OpportunityField::Close;
    for c in "next month".chars() {
        form.key(press(KeyCode::Char(c)), today());
    }
    match form.key(press(KeyCode::Enter), today()) {
        FormOutcome::Submit(write) => match &[write][..] {
            [Write::Opportunity { fields, .. }] => {
                assert_eq!(fields.close_date, NaiveDate::from_ymd_opt(2025, 7, 1));
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?} {:?}", form.error),
    }
    form.close = Input::new("+3x".to_string());
    assert!(matches!(form.key(press(KeyCode::Enter), today()), FormOutcome::Stay));
    let error = form.error.clone().unwrap_or_default();
    assert!(error.starts_with("close date: \"+3x\" is not a date"), "{error}");
}
