//! The growth forms' checks, key by key.

use super::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn press(form: &mut GrowthForm, code: KeyCode) -> FormOutcome {
    // The date fields count from the day they were opened with.
    crate::tui::forms::pressed(form, KeyEvent::new(code, KeyModifiers::NONE), day(2025, 6, 1))
}

fn typed(form: &mut GrowthForm, text: &str) {
    for c in text.chars() {
        press(form, KeyCode::Char(c));
    }
}

fn clear(form: &mut GrowthForm) {
    for _ in 0..40 {
        press(form, KeyCode::Backspace);
    }
}

#[test]
fn units_are_whole_non_negative_or_empty() {
    assert_eq!(parse_units(" 1,200 "), Ok(Some(1200)));
    assert_eq!(parse_units(""), Ok(None));
    assert_eq!(parse_units("0"), Ok(Some(0)));
    assert!(parse_units("-3").is_err());
    assert!(parse_units("2.5").is_err());
    assert!(parse_units("lots").is_err());
}

#[test]
fn potential_form_writes_the_product_or_the_account() {
    let mut form = GrowthForm::potential("A1", "Acme", Some("Core"), Some(100));
    press(&mut form, KeyCode::Backspace);
    press(&mut form, KeyCode::Backspace);
    press(&mut form, KeyCode::Backspace);
    typed(&mut form, "12x");
    assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
    assert!(form.error.as_deref().is_some_and(|e| e.starts_with("potential units")));
    press(&mut form, KeyCode::Backspace);
    assert_eq!(
        press(&mut form, KeyCode::Enter),
        FormOutcome::Submit(Write::Potential {
            account_id: "A1".into(),
            product: "Core".into(),
            units: Some(12)
        })
    );
    let mut form = GrowthForm::potential("A1", "Acme", None, Some(5));
    press(&mut form, KeyCode::Backspace);
    assert_eq!(
        press(&mut form, KeyCode::Enter),
        FormOutcome::Submit(Write::AccountPotential { account_id: "A1".into(), units: None })
    );
}

#[test]
fn trial_form_needs_criteria_and_ordered_dates() {
    let mut form = GrowthForm::trial("A1", "Acme", "Core", day(2025, 6, 1));
    assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
    assert!(form.error.as_deref().is_some_and(|e| e.contains("success criteria")));
    press(&mut form, KeyCode::Tab);
    press(&mut form, KeyCode::Tab);
    clear(&mut form);
    typed(&mut form, "2025-05-01");
    press(&mut form, KeyCode::Tab);
    typed(&mut form, "5 teams weekly");
    assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
    assert!(form.error.as_deref().is_some_and(|e| e.contains("before it starts")));
    press(&mut form, KeyCode::Up);
    clear(&mut form);
    typed(&mut form, "2025-06-3x");
    press(&mut form, KeyCode::Enter);
    let error = form.error.clone().unwrap_or_default();
    assert!(error.starts_with("end: \"2025-06-3x\" is not a date: type YYYY-MM-DD"), "{error}");
    press(&mut form, KeyCode::Backspace);
    typed(&mut form, "0");
    assert_eq!(
        press(&mut form, KeyCode::Enter),
        FormOutcome::Submit(Write::Trial {
            account_id: "A1".into(),
            fields: TrialFields {
                product: "Core".into(),
                start_date: day(2025, 6, 1),
                end_date: day(2025, 6, 30),
                success_criteria: "5 teams weekly".into(),
                takeaway: Takeaway::NotYet,
                note: String::new(),
            }
        })
    );
}

#[test]
fn a_takeaway_result_needs_a_note() {
    let trial = Trial {
        id: 7,
        account_id: "A1".into(),
        product: "Core".into(),
        start_date: day(2025, 4, 1),
        end_date: day(2025, 5, 20),
        success_criteria: "ten teams".into(),
        takeaway: Takeaway::NotYet,
        note: String::new(),
    };
    let mut form = GrowthForm::takeaway("A1", "Acme", &trial);
    press(&mut form, KeyCode::Right);
    press(&mut form, KeyCode::Right);
    assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
    assert_eq!(form.error.as_deref(), Some("say in the note why it failed"));
    press(&mut form, KeyCode::Tab);
    typed(&mut form, "nobody logged in");
    assert_eq!(
        press(&mut form, KeyCode::Enter),
        FormOutcome::Submit(Write::Takeaway {
            account_id: "A1".into(),
            id: 7,
            takeaway: Takeaway::Failed,
            note: "nobody logged in".into()
        })
    );
    assert_eq!(press(&mut form, KeyCode::Esc), FormOutcome::Cancel);
}

#[test]
fn plan_form_checks_values_and_dates() {
    let mut form = GrowthForm::plan("A1", "Acme", day(2025, 6, 1));
    assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
    assert!(form.error.as_deref().is_some_and(|e| e.contains("measure")));
    typed(&mut form, "hours saved per week");
    assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
    assert!(form.error.as_deref().is_some_and(|e| e.starts_with("baseline")));
    press(&mut form, KeyCode::Tab);
    typed(&mut form, "hours");
    press(&mut form, KeyCode::Tab);
    typed(&mut form, "10");
    press(&mut form, KeyCode::Tab);
    typed(&mut form, "30.5");
    press(&mut form, KeyCode::Tab);
    press(&mut form, KeyCode::Tab);
    press(&mut form, KeyCode::Tab);
    typed(&mut form, "2025-05-01");
    assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
    assert!(form.error.as_deref().is_some_and(|e| e.contains("before the start date")));
    clear(&mut form);
    typed(&mut form, "2025-12-31");
    assert_eq!(
        press(&mut form, KeyCode::Enter),
        FormOutcome::Submit(Write::SuccessPlan {
            account_id: "A1".into(),
            fields: SuccessPlanFields {
                measure: "hours saved per week".into(),
                unit: "hours".into(),
                baseline: PlanValue(1000),
                target: PlanValue(3050),
                current: PlanValue(1000),
                start_date: day(2025, 6, 1),
                target_date: day(2025, 12, 31),
            }
        })
    );
}

#[test]
fn plan_value_form_parses_exactly() {
    let plan = SuccessPlan {
        id: 3,
        account_id: "A1".into(),
        fields: SuccessPlanFields {
            measure: "hours".into(),
            unit: "h".into(),
            baseline: PlanValue(0),
            target: PlanValue(1000),
            current: PlanValue(200),
            start_date: day(2025, 1, 1),
            target_date: day(2025, 12, 31),
        },
        updated_at: chrono::DateTime::default(),
    };
    let mut form = GrowthForm::plan_value("A1", "Acme", &plan);
    typed(&mut form, ".555");
    assert_eq!(press(&mut form, KeyCode::Enter), FormOutcome::Stay);
    assert!(form.error.as_deref().is_some_and(|e| e.starts_with("current")));
    press(&mut form, KeyCode::Backspace);
    assert_eq!(
        press(&mut form, KeyCode::Enter),
        FormOutcome::Submit(Write::PlanCurrent {
            account_id: "A1".into(),
            id: 3,
            current: PlanValue(255)
        })
    );
}

#[test]
fn trial_dates_may_be_typed_relative_to_today() {
    // A Sunday.
    let mut form = GrowthForm::trial("A1", "Acme", "Core", day(2025, 6, 1));
    press(&mut form, KeyCode::Tab);
    clear(&mut form);
    typed(&mut form, "tomorrow");
    press(&mut form, KeyCode::Tab);
    clear(&mut form);
    typed(&mut form, "+2w");
    press(&mut form, KeyCode::Tab);
    typed(&mut form, "5 teams weekly");
    match press(&mut form, KeyCode::Enter) {
        FormOutcome::Submit(Write::Trial { fields, .. }) => {
            assert_eq!(fields.start_date, day(2025, 6, 2));
            assert_eq!(fields.end_date, day(2025, 6, 15));
        }
        other => panic!("{other:?} {:?}", form.error),
    }
}
