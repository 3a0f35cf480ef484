//! The manager's roll-up: `ctrl-r` over any pane reads every CSM's Today,
//! overdue work and forecast and the team's churn behind the screen, then
//! shows them; listed in `?` help; a book of one CSM has no roll-up.

use crate::app::{app, fixture, key};
use crate::common;
use cockpit_core::testkit::Book;
use common::frame::text as screen;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn ctrl_r(app: &mut cockpit::tui::app::App) {
    app.handle_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    app.settle_background();
}

#[test]
fn ctrl_r_shows_every_csms_line_and_the_team_line() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    // `?` lists it with the keys that work everywhere.
    let everywhere = app.keymap().help("global");
    assert!(
        everywhere.iter().any(|(key, what)| key == "Ctrl-R" && what.starts_with("team roll-up")),
        "{everywhere:?}"
    );
    ctrl_r(&mut app);
    let text = screen(&app, 160, 48);
    assert!(text.contains("Team roll-up"), "{text}");
    for csm in ["ana", "bo", "team"] {
        assert!(text.contains(&format!("│{csm} ")) || text.contains(csm), "{csm}: {text}");
    }
    insta::assert_snapshot!("rollup_160x48", text);
    insta::assert_snapshot!("rollup_80x24", screen(&app, 80, 24));
    // j selects the next CSM; its reasons show under the team line.
    key(&mut app, KeyCode::Char('j'));
    let text = screen(&app, 160, 48);
    assert!(text.contains("bo:"), "{text}");
    key(&mut app, KeyCode::Esc);
    assert!(!screen(&app, 160, 48).contains("Team roll-up"));
}

#[test]
fn a_book_of_one_csm_has_no_roll_up_and_says_so() {
    let dir = tempfile::tempdir().expect("dir");
    let path = common::db::create(
        dir.path(),
        &Book::new().accounts("id, name, csm, arr\nA1, Acme, ana, 1000"),
    );
    let mut app = app(&path, "ana");
    ctrl_r(&mut app);
    let text = screen(&app, 160, 48);
    assert!(!text.contains("Team roll-up") && text.contains("no team to roll up"), "{text}");
}

#[test]
fn long_names_take_the_spare_width_of_a_wide_terminal() {
    let dir = tempfile::tempdir().expect("dir");
    let path = common::db::create(
        dir.path(),
        &Book::new().accounts(
            "id, name, csm, arr
             A1, Acme, Maximiliana Okonkwo-Fairweather, 1000
             B2, Bolt, Bartholomew Szczepański, 2000
             C3, Core, ana, 3000",
        ),
    );
    let mut app = app(&path, "ana");
    ctrl_r(&mut app);
    let wide = screen(&app, 160, 48);
    for name in ["Maximiliana Okonkwo-Fairweather", "Bartholomew Szczepański"] {
        assert!(wide.contains(&format!("│{name} ")), "{name} whole at 160 columns: {wide}");
    }
    insta::assert_snapshot!("rollup_long_names_160x48", wide);
    // At 80 columns the layout is the 80-column one: names cut at 14 cells.
    let narrow = screen(&app, 80, 24);
    assert!(narrow.contains("│Bartholomew S… "), "{narrow}");
    assert!(!narrow.contains("Fairweather"), "{narrow}");
    insta::assert_snapshot!("rollup_long_names_80x24", narrow);
}

/// The fixture's day (the app's fixed clock).
fn day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
}

/// The roll-up the popup shows, if it is open.
fn shown(app: &cockpit::tui::app::App) -> Option<cockpit::read::rollup::Rollup> {
    match app.popup()? {
        cockpit::tui::popups::Popup::Rollup(popup) => Some(popup.rollup.clone()),
        _ => None,
    }
}

#[test]
fn a_second_look_is_shown_at_once_and_never_after_the_book_changed() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let mut app = app(&path, "ana");
    ctrl_r(&mut app);
    let first = shown(&app).expect("the roll-up");
    key(&mut app, KeyCode::Esc);
    // Nothing committed since: the kept roll-up shows on the key itself.
    app.handle_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert_eq!(shown(&app), Some(first.clone()));
    key(&mut app, KeyCode::Esc);
    // Another cockpit gives bo's account to ana: the key reads it again.
    let other = cockpit::store::Store::open(&path).expect("store");
    other.set_owners("A3", "ana", "").expect("owners");
    app.handle_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert!(shown(&app).is_none(), "not the kept roll-up after a commit");
    assert!(screen(&app, 160, 48).contains("reading the team roll-up"));
    app.settle_background();
    let after = shown(&app).expect("the roll-up");
    let accounts = |r: &cockpit::read::rollup::Rollup, csm: &str| {
        r.csms.iter().find(|c| c.csm == csm).map(|c| c.accounts)
    };
    assert_eq!((accounts(&first, "ana"), accounts(&first, "bo")), (Some(4), Some(1)));
    assert_eq!((accounts(&after, "ana"), accounts(&after, "bo")), (Some(5), None));
    let config = cockpit::domain::Config::default();
    let fresh = cockpit::read::rollup::rollup(&other, day(), &config).expect("read");
    assert_eq!(after, fresh);
}

#[test]
fn a_manager_has_it_read_ahead_and_kept_current_on_the_idle_tick() {
    let dir = tempfile::tempdir().expect("dir");
    let path = fixture(dir.path());
    let store = cockpit::store::Store::open(&path).expect("store");
    let mut config = cockpit::domain::Config::default();
    config.team.rollup_ahead = true;
    let clock = cockpit::clock::Clock::fixed(day());
    let theme = cockpit::tui::theme::Theme::plain();
    let mut app =
        cockpit::tui::app::App::new(store, clock, config.clone(), "ana", theme).expect("app");
    app.start_loading();
    app.settle_background();
    // Read ahead: the key shows it at once.
    app.handle_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert!(shown(&app).is_some_and(|r| r.has_team()));
    key(&mut app, KeyCode::Esc);
    // A commit elsewhere, then an idle tick: read again behind the screen.
    let other = cockpit::store::Store::open(&path).expect("store");
    other.set_owners("A5", "ana", "").expect("owners");
    app.take(cockpit::tui::work::Event::Tick).expect("tick");
    app.settle_background();
    app.handle_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    let kept = shown(&app).expect("shown at once");
    let fresh = cockpit::read::rollup::rollup(&other, day(), &config).expect("read");
    assert_eq!(kept, fresh);
    assert!(kept.csms.iter().all(|c| c.csm != "cy"), "{:?}", kept.csms);
    // The open popup takes in what the next tick reads, bo still selected.
    key(&mut app, KeyCode::Char('j'));
    other.set_owners("A6", "bo", "").expect("owners");
    app.take(cockpit::tui::work::Event::Tick).expect("tick");
    app.settle_background();
    let open = shown(&app).expect("still open");
    assert_eq!(open, cockpit::read::rollup::rollup(&other, day(), &config).expect("read"));
    assert!(screen(&app, 160, 48).contains("bo:"), "bo stays selected");
}
