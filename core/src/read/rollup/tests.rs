//! A two-CSM book worked by hand.

use super::*;
use crate::domain::churn::{ChainLink, ChurnChain, ChurnEvent};
use crate::domain::task::NewTask;
use crate::testkit::{Book, d};
use chrono::{TimeZone, Utc};

/// ann: A1 green (ATR 100,000 ending 2026-06-30), A2 red (ATR 20,000
/// ending 2026-05-31, a churn chain). bob: B1 orange (ATR 50,000 ending
/// 2026-09-30) with a QBR due 2026-04-01 and a task due 2026-04-10.
fn book() -> Store {
    let store = Book::new()
        .accounts(
            "id, name, csm, health, health_since, arr, last_touch
             A1, Acme, ann, green, 2026-01-01T00:00:00Z, 100000, 2026-04-14
             A2, Apex, ann, red, 2026-01-01T00:00:00Z, 20000, 2026-04-14
             B1, Bolt, bob, orange, 2026-01-01T00:00:00Z, 50000, 2026-04-14",
        )
        .contracts(
            "contract_id, account_id, product, start_date, end_date, arr
             C1, A1, Core, 2025-07-01, 2026-06-30, 100000
             C2, A2, Core, 2025-06-01, 2026-05-31, 20000
             C3, B1, Core, 2025-10-01, 2026-09-30, 50000",
        )
        .moments(
            "account_id, kind, title, due_on
             B1, qbr, QBR, 2026-04-01",
        )
        .open_in_memory();
    let at = Utc.with_ymd_and_hms(2026, 4, 1, 9, 0, 0).single().expect("time");
    let task = NewTask {
        account_id: "B1".to_string(),
        title: "Send the renewal quote".to_string(),
        owner: "bob".to_string(),
        due_on: d(2026, 4, 10),
        steps: Vec::new(),
        playbook: None,
    };
    store.add_task(&task, "bob", at).expect("task");
    let mut chain =
        ChurnChain::new("A2", ChurnEvent::Churned, d(2026, 3, 1), Money::from_units(20_000));
    let reason = |label: &str| {
        ChainLink::reason(&store.churn_reason_by_label(label).expect("query").expect("reason"))
    };
    chain.links = vec![reason("Failed implementation"), reason("Partner training")];
    store.save_churn_chain(&chain, "ann", at).expect("chain");
    store
}

#[test]
fn every_csm_has_a_line_and_the_team_line_adds_them_up() {
    let store = book();
    let config = Config::default();
    let rollup = rollup(&store, d(2026, 4, 15), &config).expect("rollup");
    rollup.exact().expect("exact");
    assert!(rollup.has_team());
    let [ann, bob] = rollup.csms.as_slice() else { panic!("two CSMs: {:?}", rollup.csms) };
    assert_eq!((ann.csm.as_str(), ann.accounts, ann.arr), ("ann", 2, Money::from_units(120_000)));
    // Both of ann's renewals are inside a window (76 and 46 days away).
    assert_eq!(ann.today_rows, 2);
    assert_eq!(ann.arr_at_stake, Money::from_units(120_000));
    assert!(ann.by_reason.contains(&(ReasonKind::Renewal, 2)), "{:?}", ann.by_reason);
    // 100,000 × 0.95 + 20,000 × 0.20 = 95,000 + 4,000.
    assert_eq!(ann.forecast.atr, Money::from_units(120_000));
    assert_eq!(ann.forecast.expected, Money::from_units(99_000));
    assert_eq!(ann.forecast.at_risk_atr, Money::from_units(20_000));
    assert_eq!((ann.overdue_tasks, ann.overdue_moments), (0, 0));
    // bob: one account on Today for its late task and its overdue QBR.
    assert_eq!(bob.today_rows, 1);
    assert_eq!(bob.arr_at_stake, Money::from_units(50_000));
    assert_eq!((bob.overdue_tasks, bob.overdue_moments), (1, 1));
    assert!(bob.by_reason.contains(&(ReasonKind::Task, 1)), "{:?}", bob.by_reason);
    assert!(bob.by_reason.contains(&(ReasonKind::MomentOverdue, 1)), "{:?}", bob.by_reason);
    // 50,000 × 0.50.
    assert_eq!(bob.forecast.expected, Money::from_units(25_000));
    let team = &rollup.total;
    assert_eq!((team.accounts, team.today_rows), (3, 3));
    assert_eq!(team.arr_at_stake, Money::from_units(170_000));
    assert_eq!(team.forecast.expected, Money::from_units(124_000));
    assert_eq!((team.overdue_tasks, team.overdue_moments), (1, 1));
    // The churn report of the whole book, by root cause.
    assert_eq!(rollup.churn.arr_lost, Money::from_units(20_000));
    let root = &rollup.churn.by_root_cause[0];
    assert_eq!(
        (root.label.as_str(), root.arr_lost),
        ("Partner training", Money::from_units(20_000))
    );
}

#[test]
fn a_csm_line_is_that_csms_today() {
    let store = book();
    let config = Config::default();
    let day = d(2026, 4, 15);
    let rollup = rollup(&store, day, &config).expect("rollup");
    for line in &rollup.csms {
        let list = super::super::today::today_list(&store, &line.csm, day, &config).expect("today");
        assert_eq!(line.today_rows, list.rows.len(), "{}", line.csm);
        let at_stake: Money = list.rows.iter().map(|r| r.triage.arr).sum();
        assert_eq!(line.arr_at_stake, at_stake);
        assert!(line.arr_at_stake <= line.arr, "Today's accounts are the CSM's own");
    }
}

#[test]
fn a_book_of_one_csm_has_no_roll_up_to_show() {
    let store = Book::new().accounts("id, name, csm\nA1, Acme, ann").open_in_memory();
    let rollup = rollup(&store, d(2026, 4, 15), &Config::default()).expect("rollup");
    assert!(!rollup.has_team());
}

#[test]
fn each_csms_line_reads_what_their_own_today_shows() {
    let store = book();
    let config = Config::default();
    let today = d(2026, 4, 15);
    let rollup = rollup(&store, today, &config).expect("rollup");
    let book = BookIndex::new(store.book_rows(today).expect("rows"), &config, today, "");
    for line in &rollup.csms {
        let own = crate::read::today::today_rows(&store, &book, &line.csm, today, &config)
            .expect("today");
        assert_eq!(line.today_rows, own.len(), "{}", line.csm);
        assert_eq!(line.by_reason, reason_counts(&own), "{}", line.csm);
        let late = crate::read::tasks::due_tasks(&store, &line.csm, today).expect("tasks");
        assert_eq!(line.overdue_tasks, late.iter().filter(|t| t.days_late > 0).count());
    }
    assert_eq!(rollup.csms.iter().map(|c| c.today_rows).sum::<usize>(), rollup.total.today_rows);
}

/// A generated book of a few CSMs, worked on as a team works on it:
/// tasks owned by another CSM than the account's, drops made by the
/// account's own CSM and by someone else, overdue moments, snoozes.
fn worked_book(seed: u64, accounts: u32, csms: u32, today: NaiveDate) -> Store {
    use crate::domain::Health;
    use crate::domain::moment::MomentKind;
    let dir = tempfile::tempdir().expect("dir");
    let mut params = crate::generate::Params::ending_before(today, accounts, 24, seed);
    params.csms = Some(csms);
    crate::generate::write_book(&params, dir.path()).expect("book");
    let mut store = Store::open_in_memory().expect("store");
    let clock = crate::clock::Clock::fixed(today);
    crate::import::import_all(&mut store, dir.path(), "ops", &clock, Default::default())
        .expect("import");
    let names = store.csm_names().expect("names");
    let rows = store.book_rows(today).expect("rows");
    let at = |days: i64| {
        (today - chrono::Duration::days(days)).and_hms_opt(9, 0, 0).expect("time").and_utc()
    };
    for (n, row) in rows.iter().enumerate() {
        let n = n as u64 + seed;
        let other = &names[(n as usize + 1) % names.len()];
        match n % 7 {
            0 => {
                let task = NewTask {
                    account_id: row.id.clone(),
                    title: format!("Task {n}"),
                    owner: other.clone(),
                    due_on: today - chrono::Duration::days((n % 5) as i64 - 1),
                    steps: Vec::new(),
                    playbook: None,
                };
                store.add_task(&task, other, at(30)).expect("task");
            }
            1 | 2 => {
                // Green, then a drop: by the CSM themselves or by someone else.
                let who = if n % 7 == 1 { row.csm.clone() } else { other.clone() };
                store.set_health(&row.id, Health::Green, "fine", &who, at(20)).expect("health");
                store.set_health(&row.id, Health::Orange, "worse", &who, at(3)).expect("health");
            }
            3 => {
                store
                    .add_moment(&row.id, MomentKind::Qbr, "", today - chrono::Duration::days(4))
                    .expect("moment");
            }
            4 => store
                .snooze(&row.id, "no_touch", today + chrono::Duration::days(9))
                .expect("snooze"),
            _ => {}
        }
    }
    store
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(6))]

    /// Everyone's Today read once and dealt to the CSMs gives what each
    /// CSM's own Today gives, line by line and for the team.
    #[test]
    fn the_roll_up_is_each_csms_own_today(
        seed in 0_u64..10_000,
        accounts in 30_u32..120,
        csms in 2_u32..6,
    ) {
        let today = d(2025, 6, 10);
        let store = worked_book(seed, accounts, csms, today);
        let config = Config::default();
        let fast = rollup(&store, today, &config).expect("rollup");
        let each = rollup_by_each(&store, today, &config).expect("each");
        proptest::prop_assert!(fast.csms.len() >= 2);
        proptest::prop_assert!(fast.total.today_rows > 0);
        proptest::prop_assert_eq!(fast, each);
    }
}

#[test]
fn a_worked_book_counts_every_kind_of_line_as_each_csms_today_does() {
    let today = d(2025, 6, 10);
    let store = worked_book(7, 80, 3, today);
    let config = Config::default();
    let fast = rollup(&store, today, &config).expect("rollup");
    assert_eq!(fast, rollup_by_each(&store, today, &config).expect("each"));
    let team = &fast.total;
    // Tasks owned across CSMs, drops by others, overdue moments: all counted.
    assert!(team.overdue_tasks > 0 && team.overdue_moments > 0, "{team:?}");
    for kind in [ReasonKind::Task, ReasonKind::HealthDropped, ReasonKind::MomentOverdue] {
        assert!(team.by_reason.iter().any(|(k, n)| *k == kind && *n > 0), "{kind:?}: {team:?}");
    }
}
