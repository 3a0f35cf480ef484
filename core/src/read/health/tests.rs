//! A hand-built book whose backtest counts are worked out by hand.

use super::backtest::{Load, Scoring, Touches, backtest_by};
use super::*;
use crate::clock::Clock;
use crate::import::{ImportKind, import_reader};
use crate::metrics::scorecard::weighted;
use crate::testkit::Book;

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

/// A churns with usage falling and a green CSM colour; B renews in full,
/// used well, though its CSM marked it red; C churns with steady usage and
/// an orange CSM colour. Every contract ends 2025-12-31; the lead date is
/// 2025-10-02, when September's usage is the latest known.
fn book() -> Store {
    let store = Store::open_in_memory().expect("store");
    let mut snapshots = String::from("account_id, month, product, arr, units\n");
    for account in ["A", "B", "C"] {
        for month in 1..=12 {
            snapshots.push_str(&format!("{account}, 2025-{month:02}, Core, 1000, 50\n"));
        }
    }
    Book::new()
        .accounts(
            "id, name, csm
             A, Ay, ana
             B, Bee, ana
             C, Cee, ana",
        )
        .contracts(
            "contract_id, account_id, product, start_date, end_date, arr
             A1, A, Core, 2025-01-01, 2025-12-31, 1000
             B1, B, Core, 2025-01-01, 2025-12-31, 1000
             B2, B, Core, 2026-01-01, 2026-12-31, 1000
             C1, C, Core, 2025-01-01, 2025-12-31, 1000",
        )
        .snapshots(&snapshots)
        .health_changes(
            "account_id, at, health
             A, 2024-06-01T00:00:00Z, green
             B, 2025-09-01T00:00:00Z, red
             C, 2025-06-01T00:00:00Z, orange",
        )
        .write(&store);
    let mut usage = String::from("account_id,month,measure,value\n");
    for (month, a, b, c) in [
        ("2025-05", 40, 45, 45),
        ("2025-06", 40, 45, 45),
        ("2025-07", 40, 45, 45),
        ("2025-08", 10, 45, 45),
        ("2025-09", 9, 45, 45),
    ] {
        for (account, value) in [("A", a), ("B", b), ("C", c)] {
            usage.push_str(&format!("{account},{month},active_users,{value}\n"));
        }
    }
    let mut store = store;
    let clock = Clock::fixed(d("2026-03-01"));
    import_reader(&mut store, ImportKind::Usage, "u.csv", usage.as_bytes(), "ana", &clock)
        .expect("usage");
    store
}

#[test]
fn the_backtest_counts_by_hand() {
    let store = book();
    let config = Config::default();
    let result = backtest(&store, &config, d("2026-03-01"), 90, d("2025-01-01"), d("2026-02-28"))
        .expect("run");
    assert_eq!(result.outcomes.len(), 3);
    assert_eq!(crate::metrics::backtest::counts(&result.outcomes), (1, 0, 2));
    let by_name = |name: &str| result.predictors.iter().find(|p| p.name == name).expect(name);
    // A at 2025-10-02: 9 of 50 = 18% → 0 × 20; −77.5% → 0 × 25; ARR flat
    // → 100 × 15; nothing else known: 1500 / 60 = 25 → orange, flagged.
    let scorecard = by_name("scorecard");
    let ids = |indexes: &[usize]| -> Vec<&str> {
        indexes.iter().map(|i| result.outcomes[*i].account_id.as_str()).collect()
    };
    assert_eq!(ids(&scorecard.flagged), vec!["A"]);
    assert_eq!(ids(&scorecard.caught), vec!["A"]);
    assert_eq!(ids(&scorecard.missed), vec!["C"]);
    assert!(scorecard.false_alarms.is_empty());
    // A 30 days earlier (2025-09-02, August known): 20% → 25 × 20, −75% →
    // 0, ARR 100 × 15: 2000 / 60 = 33 → still orange; 2025-08-03 (July
    // known, April has no usage): 100 → green. First flag 2025-09-02.
    assert_eq!(scorecard.lead_times, vec![120]);
    let csm = by_name("csm_colour");
    assert_eq!(ids(&csm.caught), vec!["C"]);
    assert_eq!(ids(&csm.missed), vec!["A"]);
    assert_eq!(ids(&csm.false_alarms), vec!["B"]);
    assert_eq!(csm.precision().map(|r| r.to_decimal(2)), Some("0.5".to_string()));
    let trend = by_name("usage_trend");
    assert_eq!(ids(&trend.caught), vec!["A"]);
}

#[test]
fn scores_today_list_the_worst_first_and_disagreements_suggest() {
    let store = book();
    let config = Config::default();
    let rows = scores(&store, &config, d("2026-03-01")).expect("scores");
    assert_eq!(rows.len(), 3);
    // In 2026 B alone has ARR (its renewal) but no snapshots were written
    // for 2026: the latest month is 2025-12 for all, usage's 2025-09.
    let a = rows.iter().find(|r| r.account_id() == "A").expect("A");
    assert_eq!(a.band, Some(Health::Orange));
    // The list is scored without words; the row on screen is explained.
    let signal = scorecard_signal(a, &config.scorecard).expect("A's band differs from no colour");
    // September known: 9 of 50 licences (18%: 0 × 20), usage per licence
    // 9/40 of June's (−78%: 0 × 25), ARR flat (100 × 15); no touch, ticket,
    // answer or plan: 1500 / 60 = 25, orange. (June's usage is read though
    // it is older than the trend's window of the 30-day score.)
    assert_eq!(a.score, Some(25));
    assert!(
        signal.why.starts_with("scorecard 25 (orange): usage per licence fell 78% in 3 months"),
        "{}",
        signal.why
    );
    assert_eq!(rows[0].account_id(), "A", "lowest score first");
}

/// The Health view's compact lines: A (25, orange, no colour: a
/// suggestion) first, read one account a slice; A's words read again for
/// A alone are the breakdown the whole list would have written.
#[test]
fn the_lines_list_the_scores_and_one_account_reads_its_words_again() {
    let store = book();
    let config = Config::default();
    let today = d("2026-03-01");
    let lines = lines_by(&store, &config, today, 1).expect("lines");
    assert_eq!(lines.len(), 3);
    let a = &lines[0];
    assert_eq!((a.account_id.as_str(), a.score, a.band), ("A", Some(25), Some(Health::Orange)));
    assert_eq!((a.name.as_str(), a.csm.as_str(), a.health), ("Ay", "ana", None));
    assert!(a.disagrees);
    let card = account_score(&store, &config, today, "A")
        .expect("read")
        .expect("A")
        .explained(&config.scorecard);
    let first = card.measures.iter().find(|m| m.lost_hundredths() > 0).expect("a loss");
    assert_eq!(first.sentence(), "usage per licence fell 78% in 3 months: 0 of 25 points");
}

/// The band joins the other signals in the one suggestion Today and the
/// Account view show. A (set green) scores 25, orange, and was never
/// touched (yellow): the worse, orange, with the band's reason first. B
/// (red colour) scores green — 45 of 50 licences (90%: 100 × 20), usage
/// and ARR flat (100 × 25, 100 × 15) — but was never touched either: the
/// band raises the colour only as far as yellow.
#[test]
fn the_band_and_the_other_signals_suggest_one_colour() {
    use crate::read::book::BookIndex;
    use crate::read::today::{suggestion_for, today_rows};
    let store = book();
    let config = Config::default();
    let today = d("2026-03-01");
    let set = d("2026-02-27").and_hms_opt(9, 0, 0).expect("time").and_utc();
    store.set_health("A", Health::Green, "all fine", "ana", set).expect("A");
    store.set_health("B", Health::Red, "worried", "ana", set).expect("B");
    let book = BookIndex::new(store.book_rows(today).expect("rows"), &config, today, "ana");
    let a = suggestion_for(&store, &book, "A", today, &config).expect("read").expect("A");
    assert_eq!(a.health, Health::Orange);
    let keys: Vec<&str> = a.signals.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, vec!["scorecard:orange:green", "no_touch:never"]);
    assert!(
        a.reason().starts_with("scorecard 25 (orange): usage per licence fell"),
        "{}",
        a.reason()
    );
    let b = suggestion_for(&store, &book, "B", today, &config).expect("read").expect("B");
    assert_eq!(b.health, Health::Yellow);
    assert_eq!(b.signals[0].key, "scorecard:green:red");
    assert_eq!(b.signals[0].why, "scorecard 100 (green)");
    // Today's rows carry the same suggestions, computed the same way.
    for row in today_rows(&store, &book, "ana", today, &config).expect("today") {
        let alone = suggestion_for(&store, &book, row.account_id(), today, &config).expect("s");
        assert_eq!(row.suggestion, alone, "{}", row.account_id());
    }
    // Dismissing the band leaves the other signals: A is then only yellow.
    let at = today.and_hms_opt(9, 0, 0).expect("time").and_utc();
    store.dismiss_suggestion("A", "health", "scorecard:orange:green", "ana", at).expect("dismiss");
    let a = suggestion_for(&store, &book, "A", today, &config).expect("read").expect("A");
    assert_eq!(a.health, Health::Yellow);
}

/// A book with ARR alone: the score is the ARR trend's (flat, 100: green),
/// unlike the CSM's red, yet no measured signal stands behind it — the
/// band suggests nothing (the ARR and touch signals speak for themselves).
#[test]
fn on_arr_and_touches_alone_the_band_suggests_nothing() {
    let store = Store::open_in_memory().expect("store");
    let mut snapshots = String::from("account_id, month, product, arr, units\n");
    for month in 1..=12 {
        snapshots.push_str(&format!("A, 2025-{month:02}, Core, 1000, 50\n"));
    }
    Book::new()
        .accounts(
            "id, name, csm, health
             A, Ay, ana, red",
        )
        .snapshots(&snapshots)
        .write(&store);
    let rows = scores(&store, &Config::default(), d("2026-03-01")).expect("scores");
    let a = rows.first().expect("A");
    assert_eq!((a.score, a.band, a.health), (Some(100), Some(Health::Green), Some(Health::Red)));
    assert!(!a.disagrees());
    assert_eq!(scorecard_signal(a, &Config::default().scorecard), None);
}

/// The scorecard and the backtest as they were computed before the kept
/// series: from the usage, ticket and survey rows, every card with its words.
fn scores_from_rows(store: &Store, config: &Config, today: NaiveDate) -> Vec<String> {
    let card = &config.scorecard;
    let window = SignalWindow::for_scores(card, today - Duration::days(TREND_DAYS));
    let source = store
        .signal_source_from_rows(&card.usage_measure, window, today, false, SignalScope::Book)
        .expect("rows");
    let before = today - Duration::days(TREND_DAYS);
    let latest = BookSignals::known_month(&source.book.snapshot_months, today);
    let mut rows: Vec<(Option<i64>, String, String)> = source
        .accounts
        .iter()
        .filter(|account| is_active(&account.signals.view(), latest))
        .map(|account| {
            let now = score(&account.signals, &source.book, today, today, card);
            let then = score_of(weighted(&account.signals, &source.book, before, today, card));
            let trend = now.score().zip(then).map(|(a, b)| a - b);
            let said = format!("{:?} {:?} {trend:?} {:?}", now.score(), now.band(card), now);
            (now.score(), account.id.clone(), said)
        })
        .collect();
    rows.sort_by(|a, b| (a.0.is_none(), a.0, &a.1).cmp(&(b.0.is_none(), b.0, &b.1)));
    rows.into_iter().map(|(_, id, said)| format!("{id} {said}")).collect()
}

/// A generated book of `accounts` over `months` ending before `today`
/// (usage, tickets and answers that lead churn), imported whole.
fn generated(today: NaiveDate, accounts: u32, months: u32, seed: u64) -> Store {
    let dir = tempfile::tempdir().expect("dir");
    let params = crate::generate::Params::ending_before(today, accounts, months, seed);
    crate::generate::write_book(&params, dir.path()).expect("book");
    let mut store = Store::open_in_memory().expect("store");
    crate::import::import_all(
        &mut store,
        dir.path(),
        "ana",
        &Clock::fixed(today),
        Default::default(),
    )
    .expect("import");
    store
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5))]

    /// On generated books (with usage, tickets and answers that lead churn),
    /// the whole book's scorecard and the backtest give what the rows gave:
    /// the same order, scores, bands, trends and words, the same counts and
    /// accounts behind every predictor.
    #[test]
    fn the_kept_series_score_as_the_rows_did(seed in 0_u64..10_000, accounts in 20_u32..80) {
        let today = d("2025-06-10");
        let store = generated(today, accounts, 48, seed);
        let config = Config::default();
        let fast: Vec<String> = scores(&store, &config, today)
            .expect("scores")
            .iter()
            .map(|row| {
                let card = row.explained(&config.scorecard);
                format!("{} {:?} {:?} {:?} {:?}", row.account_id(), row.score, row.band, row.trend, card)
            })
            .collect();
        proptest::prop_assert_eq!(fast, scores_from_rows(&store, &config, today));
        let (from, to) = default_period(today);
        let kept = backtest(&store, &config, today, 90, from, to).expect("kept");
        // The rows read a few accounts at a time and each outcome's dates
        // scored on their own (the oracle): slicing the book and sliding
        // over each account's signals change nothing.
        let rows = (Load::Rows, Touches::PerSlice, Scoring::PerDate, outcomes::Read::Groups);
        let rows = backtest_by(&store, &config, today, 90, from, to, rows, 7).expect("rows");
        proptest::prop_assert_eq!(&kept.outcomes, &rows.outcomes);
        proptest::prop_assert_eq!(&kept.predictors, &rows.predictors);
        proptest::prop_assert_eq!(&kept.names, &rows.names);
        // The slide in small slices meets each account's outcomes as well.
        for per in [1, 3, 7] {
            let load = (Load::Flat, Touches::Once, Scoring::Slide, outcomes::Read::Lean);
            let sliced = backtest_by(&store, &config, today, 90, from, to, load, per).expect("sliced");
            proptest::prop_assert_eq!(&kept.predictors, &sliced.predictors);
        }
        // At other lead days too, the slide is the oracle's.
        for lead in [0, 30, 200] {
            let fast = backtest(&store, &config, today, lead, from, to).expect("fast");
            let load = (Load::Kept, Touches::Once, Scoring::PerDate, outcomes::Read::Groups);
            let oracle = backtest_by(&store, &config, today, lead, from, to, load, 7).expect("oracle");
            proptest::prop_assert_eq!(&fast.predictors, &oracle.predictors);
        }
        // The backtest's groups, read one at a time, are the history's
        // contracts cut at each account's product.
        let history = store.renewal_history(from).expect("history");
        let mut groups: Vec<Vec<crate::domain::Contract>> = Vec::new();
        let histories = store.renewal_groups(from, |group| groups.push(group.to_vec())).expect("groups");
        proptest::prop_assert_eq!(&histories, &history.histories);
        let key = |c: &crate::domain::Contract| (c.account_id.clone(), c.product.clone());
        for group in &groups {
            proptest::prop_assert!(!group.is_empty() && group.iter().all(|c| key(c) == key(&group[0])));
        }
        for pair in groups.windows(2) {
            proptest::prop_assert_ne!(key(&pair[0][0]), key(&pair[1][0]));
        }
        proptest::prop_assert_eq!(groups.concat(), history.contracts);
    }

    /// The Health view's lines, read a few accounts at a time, are the
    /// whole book's rows in the same order; each account read again alone
    /// has the words its row in the whole list had.
    #[test]
    fn the_lines_and_one_account_s_words_are_the_whole_list_s(
        seed in 0_u64..10_000,
        accounts in 20_u32..60,
        per in 1_usize..9,
    ) {
        let today = d("2025-06-10");
        let store = generated(today, accounts, 36, seed);
        let config = Config::default();
        let rows = scores(&store, &config, today).expect("scores");
        let lines = lines_by(&store, &config, today, per).expect("lines");
        let words = |row: &HealthRow| format!("{:?}", row.explained(&config.scorecard));
        let whole: Vec<(HealthLine, String)> =
            rows.into_iter().map(|row| (words(&row), row)).map(|(w, row)| (HealthLine::of(row), w)).collect();
        let mut alone = Vec::new();
        for line in &lines {
            let again = account_score(&store, &config, today, &line.account_id)
                .expect("read")
                .expect("an active account");
            alone.push((line.clone(), format!("{:?}", again.explained(&config.scorecard))));
        }
        proptest::prop_assert_eq!(alone, whole);
    }
}
