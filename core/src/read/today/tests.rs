use super::*;
use crate::clock::Clock;
use chrono::Days;

#[test]
fn facts_read_beside_the_first_screens_rows_give_the_same_today() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("demo.db");
    let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("day");
    let store = crate::demo::load::create_demo_database(&path, &Clock::fixed(today)).expect("demo");
    // An account lost six weeks ago, with no chain yet.
    let user = crate::demo::DEMO_CSM;
    crate::testkit::account(&store, "LOST1", user, Some("red"), 0);
    let (start, end) = ("2025-01-15", "2026-01-14");
    crate::testkit::contract(&store, "CL1", "LOST1", start, end, 9, "annual");
    let at = today.and_hms_opt(9, 0, 0).expect("time").and_utc();
    store.set_stage("LOST1", crate::domain::Stage::Adoption, "used", user, at).expect("stage");
    // A drop by someone else this week, on an account confirmed before.
    let days_ago =
        |days: u64| today.checked_sub_days(Days::new(days)).expect("day").and_hms_opt(9, 0, 0);
    let (long_ago, lately) = (days_ago(60).expect("t").and_utc(), days_ago(3).expect("t"));
    let mine = store.book_rows_of_csm(user, today).expect("rows");
    let quiet = |id: &str| {
        let history = store.health_history(id).expect("history");
        history.first().is_none_or(|last| last.at < long_ago)
    };
    let dropped =
        mine.iter().find(|r| r.arr.cents() > 0 && quiet(&r.id)).expect("an account").id.clone();
    store.set_health(&dropped, Health::Green, "fine", user, long_ago).expect("set");
    store.set_health(&dropped, Health::Red, "outage", "kim", lately.and_utc()).expect("set");
    let config = Config::default();
    let book = BookIndex::new(store.book_rows(today).expect("rows"), &config, today, user);
    let one = today_rows(&store, &book, user, today, &config).expect("rows");
    let read = store.csm_rows(user, today).expect("rows").facts;
    let tasks = crate::read::tasks::due_tasks(&store, user, today).expect("tasks");
    let facts = TodayFacts::beside_rows(&store, user, today, read, tasks, &config).expect("facts");
    assert!(facts.is_for(user, today) && !facts.is_for("someone else", today));
    let two = today_rows_from(facts, &book, &config);
    assert!(one.len() > 5, "the demo CSM has a morning: {}", one.len());
    let kinds: HashSet<&str> =
        one.iter().flat_map(|r| r.triage.reasons.iter().map(|f| f.kind.label())).collect();
    let accounts: HashSet<&str> = one.iter().map(|r| r.account_id()).collect();
    assert_eq!(accounts.len(), one.len(), "one row per account");
    for kind in
        ["renewal", "renewal lost", "no touch", "moment overdue", "plan behind", "health dropped"]
    {
        assert!(kinds.contains(kind), "{kind} in {kinds:?}");
    }
    assert_eq!(format!("{one:?}"), format!("{two:?}"));
}

#[test]
fn today_and_the_account_view_suggest_the_same_colour() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("demo.db");
    let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("day");
    let store = crate::demo::load::create_demo_database(&path, &Clock::fixed(today)).expect("demo");
    let user = crate::demo::DEMO_CSM;
    // A green account nobody touched: only the no-touch signal speaks.
    crate::testkit::account(&store, "QUIET1", user, Some("green"), 50);
    let config = Config::default();
    let book = BookIndex::new(store.book_rows(today).expect("rows"), &config, today, user);
    let rows = today_rows(&store, &book, user, today, &config).expect("rows");
    let mut compared = 0;
    for row in &rows {
        let account = suggestion_for(&store, &book, row.account_id(), today, &config).expect("s");
        assert_eq!(row.suggestion, account, "{}", row.name());
        compared += usize::from(account.is_some());
    }
    assert!(compared > 0);
    let quiet = rows.iter().find(|r| r.account_id() == "QUIET1").expect("quiet row");
    let suggestion = quiet.suggestion.as_ref().expect("a suggestion");
    assert_eq!(suggestion.health, Health::Yellow);
    assert!(suggestion.reason().starts_with("never touched"), "{}", suggestion.reason());
    assert!(quiet.has(ReasonKind::NoTouch) && quiet.has(ReasonKind::Suggestion));
}

#[test]
fn reach_widens_from_mine_to_the_team_to_everyone() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("demo.db");
    let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("day");
    let store = crate::demo::load::create_demo_database(&path, &Clock::fixed(today)).expect("demo");
    let user = crate::demo::DEMO_CSM;
    let others: Vec<String> =
        store.csm_names().expect("names").into_iter().filter(|n| n != user).collect();
    let config = Config { my_team: vec![others[0].clone()], ..Config::default() };
    let book = BookIndex::new(store.book_rows(today).expect("rows"), &config, today, user);
    let rows = |reach| today_rows_in(&store, &book, user, reach, today, &config).expect("rows");
    let (mine, team, all) = (rows(Reach::Mine), rows(Reach::Team), rows(Reach::All));
    assert!(mine.iter().all(|r| r.csm == user));
    assert!(team.iter().all(|r| r.csm == user || r.csm == others[0]));
    assert!(team.iter().any(|r| r.csm == others[0]));
    assert!(
        mine.len() < team.len() && team.len() < all.len(),
        "{} {} {}",
        mine.len(),
        team.len(),
        all.len()
    );
    assert_eq!(
        format!("{mine:?}"),
        format!("{:?}", today_rows(&store, &book, user, today, &config).expect("r"))
    );
    assert_eq!(Reach::Mine.next(&config), Reach::Team);
    assert_eq!(Reach::Mine.next(&Config::default()), Reach::All, "no team set: skipped");
    let counts = reason_counts(&all);
    let renewals = all.iter().filter(|r| r.has(ReasonKind::Renewal)).count();
    assert!(counts.contains(&(ReasonKind::Renewal, renewals)), "{counts:?}");
}

#[test]
fn due_and_late_tasks_are_reasons_of_their_account() {
    use crate::domain::task::NewTask;
    let store = Store::open_in_memory().expect("store");
    crate::testkit::seed_two_accounts(&store);
    let today = NaiveDate::from_ymd_opt(2025, 6, 10).expect("day");
    let at = today.and_hms_opt(9, 0, 0).expect("t").and_utc();
    let task = |account: &str, title: &str, due: NaiveDate| NewTask {
        account_id: account.to_string(),
        title: title.to_string(),
        owner: "ana".to_string(),
        due_on: due,
        steps: Vec::new(),
        playbook: None,
    };
    let late = NaiveDate::from_ymd_opt(2025, 6, 7).expect("day");
    let later = NaiveDate::from_ymd_opt(2025, 6, 20).expect("day");
    store.add_task(&task("A2", "Send the deck", late), "ana", at).expect("late");
    store.add_task(&task("A2", "QBR prep", later), "ana", at).expect("not yet");
    store.add_task(&task("A1", "Due today", today), "ana", at).expect("today");
    let list = today_list(&store, "ana", today, &Config::default()).expect("today");
    let reasons: Vec<(&str, String)> = list
        .rows
        .iter()
        .flat_map(|r| r.triage.reasons.iter())
        .filter(|f| matches!(f.kind, FindingKind::TaskDue { .. }))
        .map(|f| (f.account_id.as_str(), f.kind.tag()))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons.contains(&("A2", "task +3d".to_string())), "{reasons:?}");
    assert!(reasons.contains(&("A1", "task due".to_string())), "{reasons:?}");
    let globex = list.rows.iter().find(|r| r.account_id() == "A2").expect("row");
    let why = globex.triage.reasons.iter().find(|f| f.key.starts_with("task:")).expect("task");
    assert_eq!(why.why, "Send the deck, 3 days late");
}

#[test]
fn due_and_overdue_tasks_are_reasons_on_their_accounts_row() {
    use crate::domain::task::NewTask;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("demo.db");
    let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("day");
    let store = crate::demo::load::create_demo_database(&path, &Clock::fixed(today)).expect("demo");
    let user = crate::demo::DEMO_CSM;
    let config = Config::default();
    let book = BookIndex::new(store.book_rows(today).expect("rows"), &config, today, user);
    let account = book.rows().iter().find(|r| r.csm == user).expect("mine").id.clone();
    let at = today.and_hms_opt(8, 0, 0).expect("t").and_utc();
    let due = |days: u64| today.checked_sub_days(Days::new(days)).expect("day");
    let task = |title: &str, due_on| NewTask {
        account_id: account.clone(),
        title: title.into(),
        owner: user.into(),
        due_on,
        steps: Vec::new(),
        playbook: None,
    };
    store.add_task(&task("Send the renewal deck", due(3)), user, at).expect("task");
    store.add_task(&task("Confirm stakeholders", today), user, at).expect("task");
    let rows = today_rows(&store, &book, user, today, &config).expect("rows");
    let row = rows.iter().find(|r| r.account_id() == account).expect("its row");
    let tasks: Vec<(&str, String)> = row
        .triage
        .reasons
        .iter()
        .filter(|r| r.kind.reason_kind() == ReasonKind::Task)
        .map(|r| (r.kind.label(), r.why.clone()))
        .collect();
    assert_eq!(
        tasks,
        [
            ("task overdue", "Send the renewal deck, 3 days late".to_string()),
            ("task due", "Confirm stakeholders, due today".to_string()),
        ]
    );
    assert_eq!(rows.iter().filter(|r| r.account_id() == account).count(), 1);
}

/// Acting on a renewal hides it until its next window; in the last window
/// for a week at most and never past the renewal day (a touch 27 days
/// before a renewal must not hide it until after it is due).
#[test]
fn an_acted_on_renewal_comes_back_at_its_next_window_or_within_a_week() {
    let config = Config::default();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
    let renews = day(2027, 1, 3);
    // In the 60-day window: back when the 30-day window opens.
    assert_eq!(renewal_comes_back(renews, 60, day(2026, 11, 20), &config), day(2026, 12, 4));
    // In the last (30-day) window, 27 days out: back in a week.
    assert_eq!(renewal_comes_back(renews, 30, day(2026, 12, 7), &config), day(2026, 12, 14));
    // Two days out: back on the renewal day.
    assert_eq!(renewal_comes_back(renews, 30, day(2027, 1, 1), &config), renews);
    // Due today: back the day after.
    assert_eq!(renewal_comes_back(renews, 30, renews, &config), day(2027, 1, 4));
}

/// The first screen of a large book leaves the scorecard bands for later:
/// its rows hold no band, and every account whose whole-read row owes
/// nothing to a band has the same reasons and suggestion in both; read
/// with the bands, the first screen's rows are the whole read's.
#[test]
fn the_first_screen_without_bands_differs_from_the_whole_read_only_by_the_bands() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("demo.db");
    let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("day");
    let store = crate::demo::load::create_demo_database(&path, &Clock::fixed(today)).expect("demo");
    let user = crate::demo::DEMO_CSM;
    let config = Config::default();
    let book = BookIndex::new(store.book_rows(today).expect("rows"), &config, today, user);
    let whole = today_rows(&store, &book, user, today, &config).expect("rows");
    let first = |bands: Bands| {
        let read = store.csm_rows(user, today).expect("rows").facts;
        let tasks = crate::read::tasks::due_tasks(&store, user, today).expect("tasks");
        TodayFacts::beside_rows_with(&store, user, today, read, tasks, &config, bands)
            .expect("facts")
    };
    let now = first(Bands::Now);
    assert!(!now.bands_pending());
    assert_eq!(format!("{:?}", today_rows_from(now, &book, &config)), format!("{whole:?}"));
    let later = first(Bands::Later);
    assert!(later.bands_pending());
    let later = today_rows_from(later, &book, &config);
    let banded = |row: &TodayRow| {
        row.suggestion
            .as_ref()
            .is_some_and(|s| s.signals.iter().any(|g| g.key.starts_with("scorecard:")))
    };
    let with_band: HashSet<&str> =
        whole.iter().filter(|r| banded(r)).map(TodayRow::account_id).collect();
    assert!(!with_band.is_empty(), "the demo has a scorecard band to wait for");
    assert!(!later.iter().any(banded), "no band before the bands are read");
    // Reasons as the rows show them: kind, key and words (scores depend on
    // the largest ARR among the rows, which a band's row may change).
    let reasons = |row: &TodayRow| {
        let words: Vec<(String, String)> =
            row.triage.reasons.iter().map(|f| (f.key.clone(), f.why.clone())).collect();
        (words, row.suggestion.clone())
    };
    let later_by_id: HashMap<&str, &TodayRow> = later.iter().map(|r| (r.account_id(), r)).collect();
    let mut same = 0;
    for row in whole.iter().filter(|r| !with_band.contains(r.account_id())) {
        let early = later_by_id.get(row.account_id()).expect("the row is there before the bands");
        assert_eq!(reasons(early), reasons(row), "{}", row.account_id());
        same += 1;
    }
    assert!(same > 0, "rows compared: {same}");
    assert_eq!(
        later.len(),
        same + later.iter().filter(|r| with_band.contains(r.account_id())).count()
    );
}

/// Everyone's Today reads the scorecard bands in one pass over the whole
/// book: for every CSM's accounts, the bands one pass gives are those each
/// CSM's own pass gives.
#[test]
fn one_pass_over_the_book_gives_each_csms_bands() {
    use crate::read::health::scorecard_signals;
    use crate::store::signals::SignalScope;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("demo.db");
    let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("day");
    let store = crate::demo::load::create_demo_database(&path, &Clock::fixed(today)).expect("demo");
    let config = Config::default();
    let csms = store.csm_names().expect("csms");
    assert!(csms.len() > 1, "{csms:?}");
    let whole = scorecard_signals(&store, &config, today, SignalScope::Book).expect("book");
    let rows = store.book_rows(today).expect("rows");
    let mut each = HashMap::new();
    for csm in &csms {
        each.extend(scorecard_signals(&store, &config, today, SignalScope::Csm(csm)).expect("csm"));
    }
    assert!(!each.is_empty(), "the demo has bands");
    let owned: HashSet<&str> =
        rows.iter().filter(|r| csms.contains(&r.csm)).map(|r| r.id.as_str()).collect();
    let mut from_book: Vec<_> =
        whole.iter().filter(|(id, _)| owned.contains(id.as_str())).collect();
    let mut from_each: Vec<_> = each.iter().collect();
    from_book.sort_by(|a, b| a.0.cmp(b.0));
    from_each.sort_by(|a, b| a.0.cmp(b.0));
    assert_eq!(from_book, from_each);
}
