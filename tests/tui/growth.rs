//! The account's Growth section on a small fixed book with a fixed clock:
//! render snapshots of the section alone at 80×24 and 160×48, the forms
//! refusing what is not valid (nothing written), and each form's write,
//! applied by the app through the store, changing what the section loads.

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::success_plan::{PlanValue, SuccessPlanFields};
use cockpit::domain::trial::{Takeaway, TrialFields};
use cockpit::domain::{Account, Config, Money, Month};
use cockpit::store::Store;
use cockpit::store::snapshots::SnapshotRow;
use cockpit::tui::action::Action;
use cockpit::tui::app::App;
use cockpit::tui::panes::account_growth::{AccountGrowth, GrowthRow};
use cockpit::tui::panes::{Request, Write};
use cockpit::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};

fn today() -> NaiveDate {
    day(2025, 6, 1)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// Acme: Core 60 of 100 seats (a product potential) and Insights 10 seats
/// with no potential yet, an account default of 150; a trial overdue, a
/// trial passed; a plan behind and a cost plan on track. Globex: nothing.
fn fixture(dir: &Path) -> PathBuf {
    let path = dir.join("book.db");
    let mut store = Store::open(&path).expect("open");
    let mut import = store.begin_import().expect("begin");
    let mut acme = Account::new("A1", "Acme Corp");
    acme.csm = "ana".into();
    acme.potential_units = Some(150);
    import.insert_account(&acme, today()).expect("acme");
    import.insert_account(&Account::new("A2", "Globex"), today()).expect("globex");
    import.commit().expect("commit");
    let month = Month::new(2025, 5).expect("month");
    let row = |product: &str, arr: i64, units: i64| SnapshotRow {
        account_id: "A1".into(),
        product: product.into(),
        month,
        arr: Money::from_units(arr),
        units: Some(units),
    };
    store.insert_snapshots(&[row("Core", 120_000, 60), row("Insights", 30_000, 10)]).expect("rows");
    store.refresh_derived_facts(None).expect("derived");
    store.set_potential("A1", "Core", Some(100)).expect("potential");
    let trial = |product: &str, end: NaiveDate, takeaway: Takeaway, note: &str| TrialFields {
        product: product.into(),
        start_date: day(2025, 4, 1),
        end_date: end,
        success_criteria: "ten teams onboarded".into(),
        takeaway,
        note: note.into(),
    };
    store.add_trial("A1", &trial("Insights", day(2025, 5, 20), Takeaway::NotYet, "")).expect("t");
    store
        .add_trial("A1", &trial("Core", day(2025, 4, 30), Takeaway::Passed, "asked to keep it"))
        .expect("t");
    let at = day(2025, 5, 1).and_hms_opt(9, 0, 0).expect("time").and_utc();
    let plan = |measure: &str, unit: &str, values: (i64, i64, i64)| SuccessPlanFields {
        measure: measure.into(),
        unit: unit.into(),
        baseline: PlanValue(values.0),
        current: PlanValue(values.1),
        target: PlanValue(values.2),
        start_date: day(2025, 1, 1),
        target_date: day(2025, 7, 1),
    };
    store
        .add_success_plan("A1", &plan("hours saved per week", "hours", (1000, 1100, 3000)), at)
        .expect("p");
    store
        .add_success_plan("A1", &plan("support cost", "USD", (500_000, 220_000, 200_000)), at)
        .expect("p");
    path
}

fn render(growth: &AccountGrowth, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let keymap = cockpit::tui::app::keys::default_keymap();
    terminal.draw(|frame| growth.draw(frame, frame.area(), Theme::plain(), &keymap)).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn press(growth: &mut AccountGrowth, code: KeyCode) -> Request {
    let keymap = cockpit::tui::app::keys::default_keymap();
    growth.type_key(KeyEvent::new(code, KeyModifiers::NONE), &keymap)
}

fn typed(growth: &mut AccountGrowth, text: &str) {
    for c in text.chars() {
        press(growth, KeyCode::Char(c));
    }
}

fn clear(growth: &mut AccountGrowth) {
    for _ in 0..40 {
        press(growth, KeyCode::Backspace);
    }
}

/// The writes of a submitted form.
fn submitted(request: Request) -> Vec<Write> {
    match request {
        Request::Write(writes) => writes,
        other => panic!("expected writes, got {other:?}"),
    }
}

fn app(path: &Path) -> App {
    let store = Store::open(path).expect("store");
    App::new(store, Clock::fixed(today()), Config::default(), "ana", Theme::plain()).expect("app")
}

#[test]
fn the_section_shows_lines_trials_and_plans() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&fixture(dir.path())).expect("store");
    let growth = AccountGrowth::load(&store, "A1", today()).expect("load");
    // Core 60 of 100 at 2,000 a seat: 60% standard, 80,000 whitespace; Insights
    // has no potential, so the account's figures are Core's (product potentials win).
    assert_eq!(growth.totals.whitespace, Money::from_units(80_000));
    assert_eq!(growth.totals.rate().map(|r| r.to_percent(0)), Some("60%".into()));
    assert_eq!(
        growth.rows(),
        [
            GrowthRow::Product(0),
            GrowthRow::Product(1),
            GrowthRow::AccountDefault,
            GrowthRow::Trial(0),
            GrowthRow::Trial(1),
            GrowthRow::Plan(0),
            GrowthRow::Plan(1),
        ]
    );
    let wide = render(&growth, 160, 48);
    assert!(wide.contains("60% standard"), "{wide}");
    assert!(wide.contains("OVERDUE 12 d past end, no result"), "{wide}");
    // Hours: day 151 of 181, 10 → 11 of 10 → 30 is 5% of the way: behind.
    assert!(wide.contains("5% of the way, 83% of the time"), "{wide}");
    // Cost 5,000 → 2,200 of 5,000 → 2,000: 93% of the way, on track.
    assert!(wide.contains("93% of the way, 83% of the time"), "{wide}");
    insta::assert_snapshot!("growth_160x48", wide);
    insta::assert_snapshot!("growth_80x24", render(&growth, 80, 24));
    let empty = AccountGrowth::load(&store, "A2", today()).expect("load");
    let text = render(&empty, 80, 24);
    assert!(text.contains("T adds a trial") && text.contains("P adds how"), "{text}");
    assert!(AccountGrowth::load(&store, "NOPE", today()).is_err());
}

#[test]
fn the_cursor_scrolls_to_the_last_plan_at_80x24() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&fixture(dir.path())).expect("store");
    let mut growth = AccountGrowth::load(&store, "A1", today()).expect("load");
    growth.move_by(100);
    assert_eq!(growth.selected(), Some(GrowthRow::Plan(1)));
    let text = render(&growth, 80, 12);
    assert!(text.contains("support cost"), "{text}");
    growth.move_by(-100);
    assert_eq!(growth.selected(), Some(GrowthRow::Product(0)));
    assert!(matches!(growth.update(Action::Search), Request::Ignored));
}

#[test]
fn invalid_forms_write_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&fixture(dir.path())).expect("store");
    let mut empty = AccountGrowth::load(&store, "A2", today()).expect("load");
    assert!(
        matches!(empty.update(Action::RecordTakeaway), Request::Message(m) if m.contains("no trial"))
    );
    assert!(
        matches!(empty.update(Action::UpdatePlanValue), Request::Message(m) if m.contains("no success plan"))
    );
    let mut growth = AccountGrowth::load(&store, "A1", today()).expect("load");
    growth.update(Action::SetPotential);
    clear(&mut growth);
    typed(&mut growth, "-5");
    assert!(matches!(press(&mut growth, KeyCode::Enter), Request::None));
    let form = growth.form().expect("still open");
    assert!(form.error.as_deref().is_some_and(|e| e.starts_with("potential units")));
    let shown = render(&growth, 80, 24);
    assert!(shown.contains("write a whole number"), "{shown}");
    insta::assert_snapshot!("growth_potential_error_80x24", shown);
    press(&mut growth, KeyCode::Esc);
    assert!(!growth.typing());
    growth.update(Action::AddSuccessPlan);
    typed(&mut growth, "nps");
    assert!(matches!(press(&mut growth, KeyCode::Enter), Request::None));
    assert!(
        growth.form().and_then(|f| f.error.as_deref()).is_some_and(|e| e.starts_with("baseline"))
    );
    press(&mut growth, KeyCode::Esc);
    // Nothing reached the store.
    let again = AccountGrowth::load(&store, "A1", today()).expect("load");
    assert_eq!((again.lines[0].potential_units, again.plans.len()), (Some(100), 2));
}

#[test]
fn each_form_write_changes_what_the_section_loads() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path);
    let mut growth = AccountGrowth::load(app.store(), "A1", today()).expect("load");

    // Potential of Insights (the second line): 10 of 40 at 3,000 → 90,000 more.
    growth.move_by(1);
    growth.update(Action::SetPotential);
    typed(&mut growth, "40");
    let writes = submitted(press(&mut growth, KeyCode::Enter));
    assert_eq!(
        writes,
        [Write::Potential { account_id: "A1".into(), product: "Insights".into(), units: Some(40) }]
    );
    app.apply(writes);
    growth.reload(app.store(), today()).expect("reload");
    assert_eq!(growth.selected(), Some(GrowthRow::Product(1)));
    assert_eq!(growth.lines[1].potential_units, Some(40));
    assert_eq!(growth.totals.whitespace, Money::from_units(80_000 + 90_000));

    // The account default, from its row.
    growth.move_by(1);
    growth.update(Action::SetPotential);
    clear(&mut growth);
    typed(&mut growth, "200");
    app.apply(submitted(press(&mut growth, KeyCode::Enter)));
    growth.reload(app.store(), today()).expect("reload");
    assert_eq!(growth.account_potential, Some(200));

    // A new trial.
    growth.update(Action::AddTrial);
    for _ in 0..3 {
        press(&mut growth, KeyCode::Tab);
    }
    typed(&mut growth, "exec dashboard used weekly");
    app.apply(submitted(press(&mut growth, KeyCode::Enter)));
    growth.reload(app.store(), today()).expect("reload");
    assert_eq!(growth.trials.len(), 3);
    let added = growth.trials.iter().find(|t| t.success_criteria == "exec dashboard used weekly");
    assert_eq!(added.map(|t| (t.start_date, t.end_date)), Some((today(), day(2025, 7, 1))));

    // The takeaway of the overdue trial (the cursor is not on a trial: the
    // latest open one is taken, the new one; so select the overdue row).
    let overdue = growth.trials.iter().position(|t| t.is_overdue(today())).expect("overdue");
    let row = growth.rows().iter().position(|r| *r == GrowthRow::Trial(overdue)).expect("row");
    growth.move_by(-100);
    growth.move_by(isize::try_from(row).expect("row"));
    growth.update(Action::RecordTakeaway);
    press(&mut growth, KeyCode::Right);
    press(&mut growth, KeyCode::Tab);
    typed(&mut growth, "they asked to keep it");
    app.apply(submitted(press(&mut growth, KeyCode::Enter)));
    growth.reload(app.store(), today()).expect("reload");
    assert!(growth.trials.iter().all(|t| !t.is_overdue(today())));
    assert!(growth.trials.iter().any(|t| t.takeaway == Takeaway::Passed
        && t.note == "they asked to keep it"
        && t.product == "Insights"));
    assert!(app.store().overdue_trials(today()).expect("overdue").is_empty());

    // A new plan.
    growth.update(Action::AddSuccessPlan);
    typed(&mut growth, "tickets deflected");
    press(&mut growth, KeyCode::Tab);
    typed(&mut growth, "tickets");
    press(&mut growth, KeyCode::Tab);
    typed(&mut growth, "0");
    press(&mut growth, KeyCode::Tab);
    typed(&mut growth, "400");
    press(&mut growth, KeyCode::Tab);
    press(&mut growth, KeyCode::Tab);
    press(&mut growth, KeyCode::Tab);
    typed(&mut growth, "2025-12-31");
    app.apply(submitted(press(&mut growth, KeyCode::Enter)));
    growth.reload(app.store(), today()).expect("reload");
    assert_eq!(growth.plans.len(), 3);

    // The behind plan's current value: 10 → 27 of 30 is 85% of the way, on track.
    let hours = growth
        .plans
        .iter()
        .position(|p| p.fields.measure == "hours saved per week")
        .expect("hours");
    let row = growth.rows().iter().position(|r| *r == GrowthRow::Plan(hours)).expect("row");
    growth.move_by(-100);
    growth.move_by(isize::try_from(row).expect("row"));
    assert!(!app.store().success_plans_behind(today()).expect("behind").is_empty());
    growth.update(Action::UpdatePlanValue);
    clear(&mut growth);
    typed(&mut growth, "27");
    app.apply(submitted(press(&mut growth, KeyCode::Enter)));
    assert!(app.status().is_some_and(|s| !s.error), "{:?}", app.status());
    growth.reload(app.store(), today()).expect("reload");
    assert_eq!(growth.plans[hours].fields.current, PlanValue(2700));
    assert!(app.store().success_plans_behind(today()).expect("behind").is_empty());
    let text = render(&growth, 160, 48);
    assert!(text.contains("85% of the way, 83% of the time"), "{text}");
}

#[test]
fn the_account_view_shows_growth_and_its_keys_write_through_the_app() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&fixture(dir.path()));
    app.open_account("A1");
    assert_eq!(app.active_title(), "Account");
    // `U` jumps to the Growth section with the potential form of the first line.
    app.handle_key(KeyEvent::new(KeyCode::Char('U'), KeyModifiers::NONE));
    let mut terminal = ratatui::Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    terminal.draw(|frame| app.draw(frame)).expect("draw");
    let text = format!("{:?}", terminal.backend().buffer());
    assert!(text.contains("Growth"), "{text}");
    for _ in 0..3 {
        app.handle_key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
    }
    for c in "120".chars() {
        app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let lines = app.store().product_lines("A1").expect("lines");
    let core = lines.iter().find(|l| l.product == "Core").expect("core");
    assert_eq!(core.potential_units, Some(120));
}
