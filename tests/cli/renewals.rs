//! `cockpit renewals` run as a user runs it: the built binary on a temporary
//! database with a fixed day, its table, JSON, iCalendar file (parsed back
//! with an independent parser) and forecast. The last test, ignored by
//! default, times the calendar and the forecast on a 100,000-account book.

use cockpit_core::testkit;
use rusqlite::{Connection, params};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2025-01-01";

struct Book {
    _dir: tempfile::TempDir,
    db: PathBuf,
    home: PathBuf,
}

/// Three accounts on 2025-01-01:
/// - Acme (ann, green): C1 12 months annual ends 2025-02-28, renewing P1.
/// - Bolt (bob, red): C2 36 months annual from 2023-04-01 (payment 2025-04-01);
///   P2 (Addon) ended 2024-05-31 unrenewed while yellow: a surprise.
/// - Core (ann, orange): C3 36 months prepaid (no payment), C4 ends 2025-06-14.
fn book() -> Book {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("book.db");
    testkit::Book::new()
        .accounts(
            "id, name, csm, health, arr
             A1, Acme, ann, green,  120000
             A2, Bolt, bob, red,    36000
             A3, Core, ann, orange, 70000",
        )
        .contracts(
            "contract_id, account_id, product, start_date, end_date,   arr,    billing
             P1,          A1,         Core,    2023-03-01, 2024-02-29, 120000, annual
             C1,          A1,         Core,    2024-03-01, 2025-02-28, 120000, annual
             C2,          A2,         Core,    2023-04-01, 2026-03-31, 36000,  annual
             P2,          A2,         Addon,   2023-06-01, 2024-05-31, 10000,  annual
             C3,          A3,         Core,    2023-05-01, 2026-04-30, 50000,  prepaid
             C4,          A3,         Addon,   2024-06-15, 2025-06-14, 20000,  annual",
        )
        .health_changes(
            "account_id, at,                   who, health, reason
             A1,         2023-01-01T09:00:00Z, csm, green,  review
             A2,         2023-01-01T09:00:00Z, csm, yellow, review
             A2,         2024-06-15T09:00:00Z, csm, red,    review
             A3,         2023-01-01T09:00:00Z, csm, orange, review",
        )
        .create(&db);
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).expect("home");
    Book { _dir: dir, db, home }
}

fn cockpit(book: &Book, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .arg("--db")
        .arg(&book.db)
        .args(["--width", "0"])
        .args(args)
        .env("COCKPIT_TODAY", TODAY)
        .env("COCKPIT_USER", "ann")
        .env("HOME", &book.home)
        .env("XDG_CONFIG_HOME", book.home.join("config"))
        .output()
        .expect("run cockpit")
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "cockpit failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).expect("utf-8")
}

fn json(book: &Book, args: &[&str]) -> Value {
    serde_json::from_str(&stdout(&cockpit(book, args))).expect("json")
}

fn summary(events: &Value) -> Vec<(String, String, String)> {
    events["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            (
                e["date"].as_str().unwrap_or("").to_string(),
                e["kind"].as_str().unwrap_or("").to_string(),
                e["contract_id"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn triple(date: &str, kind: &str, id: &str) -> (String, String, String) {
    (date.to_string(), kind.to_string(), id.to_string())
}

#[test]
fn lists_renewals_and_payments_with_windows_billing_and_health() {
    let book = book();
    let all = json(&book, &["renewals", "--json"]);
    assert_eq!(all["from"], "2025-01-01");
    assert_eq!(all["to"], "2025-06-30");
    assert_eq!(
        summary(&all),
        vec![
            triple("2025-02-28", "renewal", "C1"),
            triple("2025-04-01", "payment", "C2"),
            triple("2025-06-14", "renewal", "C4"),
        ]
    );
    let events = all["events"].as_array().expect("events");
    // 58 days before its end: inside the 60-day window.
    assert_eq!(events[0]["window"]["status"], "in");
    assert_eq!(events[0]["window"]["days"], 60);
    assert_eq!(events[0]["window"]["days_to_end"], 58);
    assert_eq!(events[0]["window_openings"][4]["opens_on"], "2025-01-29");
    assert_eq!(events[0]["arr"].to_string(), "120000");
    assert_eq!(events[0]["health"], "green");
    // The out-year payment is not a renewal and has no window.
    assert_eq!(events[1]["billing"], "annual");
    assert_eq!(events[1]["year_of_term"], 3);
    assert!(events[1].get("window").is_none());
    assert_eq!(events[2]["window"]["days"], 180);

    let mine = json(&book, &["renewals", "--mine", "--json"]);
    assert_eq!(
        summary(&mine),
        vec![triple("2025-02-28", "renewal", "C1"), triple("2025-06-14", "renewal", "C4")]
    );
    let risky = json(&book, &["renewals", "--at-risk", "--json"]);
    assert_eq!(
        summary(&risky),
        vec![triple("2025-04-01", "payment", "C2"), triple("2025-06-14", "renewal", "C4")]
    );
    let near = json(&book, &["renewals", "--within", "90", "--json"]);
    assert_eq!(near["to"], "2025-04-01");
    assert_eq!(summary(&near).len(), 2);
    let windowed = json(&book, &["renewals", "--in-window", "--to", "2025-12-31", "--json"]);
    assert_eq!(
        summary(&windowed),
        vec![triple("2025-02-28", "renewal", "C1"), triple("2025-06-14", "renewal", "C4")]
    );
    // The prepaid three-year contract never shows a payment.
    let years = json(&book, &["renewals", "--from", "2023-01-01", "--to", "2026-12-31", "--json"]);
    assert!(!summary(&years).iter().any(|(_, kind, id)| kind == "payment" && id == "C3"));
    assert!(summary(&years).contains(&triple("2026-04-30", "renewal", "C3")));

    let table = stdout(&cockpit(&book, &["renewals"]));
    assert!(table.contains("60-day window, 58 d left"), "{table}");
    assert!(table.contains("annual, year 3 of 3"), "{table}");
    assert!(table.contains("2 renewals, ATR 140,000.00; 1 payment"), "{table}");
}

#[test]
fn bad_dates_are_explained() {
    let book = book();
    let output = cockpit(&book, &["renewals", "--from", "2025-02-30"]);
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("\"2025-02-30\" is not a date (expected YYYY-MM-DD)"), "{error}");
    let output = cockpit(&book, &["renewals", "--from", "2025-03-01", "--to", "2025-02-01"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("is before --from"));
}

fn parse_ics(path: &Path) -> Vec<Vec<(String, String, String)>> {
    let file = std::io::BufReader::new(std::fs::File::open(path).expect("ics"));
    let calendars: Vec<_> =
        ical::IcalParser::new(file).collect::<Result<_, _>>().expect("valid iCalendar");
    assert_eq!(calendars.len(), 1);
    let version = calendars[0].properties.iter().find(|p| p.name == "VERSION");
    assert_eq!(version.and_then(|p| p.value.clone()).as_deref(), Some("2.0"));
    calendars[0]
        .events
        .iter()
        .map(|event| {
            event
                .properties
                .iter()
                .map(|p| {
                    let params = p
                        .params
                        .iter()
                        .flatten()
                        .map(|(k, v)| format!("{k}={}", v.join(",")))
                        .collect::<Vec<_>>()
                        .join(";");
                    (p.name.clone(), params, p.value.clone().unwrap_or_default())
                })
                .collect()
        })
        .collect()
}

fn property<'a>(event: &'a [(String, String, String)], name: &str) -> &'a (String, String, String) {
    event.iter().find(|(n, _, _)| n == name).unwrap_or_else(|| panic!("no {name} in {event:?}"))
}

#[test]
fn the_ics_export_parses_back_with_stable_uids() {
    let book = book();
    let first = book.home.join("first.ics");
    let second = book.home.join("second.ics");
    stdout(&cockpit(&book, &["renewals", "--ics", first.to_str().expect("path")]));
    let events = parse_ics(&first);
    // Two renewals in the range, each with five window openings; no payment.
    assert_eq!(events.len(), 12);
    let uids: Vec<String> = events.iter().map(|e| property(e, "UID").2.clone()).collect();
    assert!(uids.contains(&"renewal-C1@cockpit".to_string()));
    assert!(uids.contains(&"window-30-C1@cockpit".to_string()));
    assert!(uids.contains(&"window-180-C4@cockpit".to_string()));
    assert!(!uids.iter().any(|u| u.contains("C2")), "payments are not renewals: {uids:?}");
    let renewal =
        events.iter().find(|e| property(e, "UID").2 == "renewal-C1@cockpit").expect("renewal");
    let start = property(renewal, "DTSTART");
    assert_eq!((start.1.as_str(), start.2.as_str()), ("VALUE=DATE", "20250228"));
    assert_eq!(property(renewal, "DTEND").2, "20250301");
    assert!(property(renewal, "SUMMARY").2.starts_with("Renewal: Acme"));
    let window =
        events.iter().find(|e| property(e, "UID").2 == "window-30-C1@cockpit").expect("window");
    assert_eq!(property(window, "DTSTART").2, "20250129");

    // A second export, a day later, updates the same events: same UIDs.
    let later = Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .arg("--db")
        .arg(&book.db)
        .args(["renewals", "--ics", second.to_str().expect("path")])
        .env("COCKPIT_TODAY", "2025-01-02")
        .env("XDG_CONFIG_HOME", book.home.join("config"))
        .output()
        .expect("run");
    assert!(later.status.success());
    let again: Vec<String> =
        parse_ics(&second).iter().map(|e| property(e, "UID").2.clone()).collect();
    let mut sorted = uids.clone();
    sorted.sort();
    let mut again_sorted = again.clone();
    again_sorted.sort();
    assert_eq!(sorted, again_sorted);
    let mut distinct = sorted.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), sorted.len(), "UIDs must be unique");
}

#[test]
fn the_forecast_calibration_waterfall_and_surprises() {
    let book = book();
    let report = json(&book, &["renewals", "--forecast", "--json"]);
    assert_eq!(report["first_month"], "2025-01");
    // February: C1 green 120,000 × 0.95; June: C4 orange 20,000 × 0.50.
    assert_eq!(report["book"][1]["expected"].to_string(), "114000");
    assert_eq!(report["book"][5]["expected"].to_string(), "10000");
    assert_eq!(report["book_total"]["expected"].to_string(), "124000");
    assert_eq!(report["book_total"]["atr"].to_string(), "140000");
    assert_eq!(report["book_total"]["if_only_greens"].to_string(), "120000");
    assert_eq!(report["by_csm"][0]["csm"], "ann");
    assert_eq!(report["by_csm"][0]["total"]["expected"].to_string(), "124000");
    // Calibration: P1 was green 90 days before and renewed; P2 yellow, lost.
    let calibration = report["calibration"].as_array().expect("calibration");
    assert_eq!(calibration[0]["health"], "green");
    assert_eq!(
        (calibration[0]["cases"].as_u64(), calibration[0]["renewed"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(calibration[0]["observed"].to_string(), "1");
    assert_eq!(calibration[0]["configured"].to_string(), "0.95");
    assert_eq!(
        (calibration[1]["cases"].as_u64(), calibration[1]["renewed"].as_u64()),
        (Some(1), Some(0))
    );
    // Waterfall: settled months are December 2023 to November 2024.
    let waterfall = report["waterfall"].as_array().expect("waterfall");
    assert_eq!(waterfall.len(), 12);
    assert_eq!(waterfall[0]["month"], "2023-12");
    let february = &waterfall[2];
    assert_eq!(february["month"], "2024-02");
    assert_eq!(february["forecast_90_days_before"].to_string(), "114000");
    assert_eq!(february["actual"].to_string(), "120000");
    assert_eq!(february["forecast_error"].to_string(), "-0.05");
    let may = &waterfall[5];
    assert_eq!(may["forecast_90_days_before"].to_string(), "8000");
    assert_eq!(may["actual"].to_string(), "0");
    assert_eq!(may["forecast_error"], Value::Null);
    // One surprise: Bolt's add-on, yellow 90 days before, in 2024-Q2.
    let quarters = report["surprises"]["quarters"].as_array().expect("quarters");
    let counts: Vec<(String, u64)> = quarters
        .iter()
        .map(|q| {
            (q["quarter"].as_str().unwrap_or("").to_string(), q["count"].as_u64().unwrap_or(9))
        })
        .collect();
    assert_eq!(counts, vec![("2024-Q1".into(), 0), ("2024-Q2".into(), 1)]);
    assert_eq!(report["surprises"]["list"][0]["contract_id"], "P2");
    assert_eq!(report["surprises"]["list"][0]["health_90_days_before"], "yellow");

    let text = stdout(&cockpit(&book, &["renewals", "--forecast", "--months", "12"]));
    assert!(text.contains("Renewal forecast from 2025-01, 12 months"), "{text}");
    assert!(text.contains("Calibration"), "{text}");
    assert!(text.contains("-5.0%"), "{text}");
    assert!(text.contains("2024-Q2"), "{text}");
}

/// Times opening the calendar and computing the forecast on a generated
/// 100,000-account book. Run with
/// `cargo test --profile ci --test cli renewals:: -- --ignored --nocapture`.
#[test]
#[ignore = "builds a 100,000-account book; run in release to measure"]
fn speed_on_a_100k_account_book() {
    use chrono::Datelike as _;
    use cockpit::domain::{Config, Month};
    use cockpit::metrics::windows::CalendarFilter;
    use std::time::Instant;

    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("big.db");
    drop(cockpit::store::Store::open(&db).expect("open"));
    let started = Instant::now();
    {
        let mut conn = Connection::open(&db).expect("conn");
        // Straight into the tables in one transaction: the test book's
        // row-by-row writes would take minutes for 100,000 accounts, and
        // this test times the reads, not the setup.
        let tx = conn.transaction().expect("tx");
        let mut seed: u64 = 42;
        let mut next = move |bound: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % bound
        };
        let healths = ["red", "orange", "yellow", "green", "green", "green"];
        let base = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).expect("date");
        {
            let mut accounts = tx
                .prepare("INSERT INTO accounts (id, name, csm, health, arr_cents) VALUES (?1, ?2, ?3, ?4, ?5)")
                .expect("prepare");
            let mut contracts = tx
                .prepare(
                    "INSERT INTO contracts (id, account_id, product, start_date, end_date, arr_cents, billing) \
                     VALUES (?1, ?2, 'Core', ?3, ?4, ?5, ?6)",
                )
                .expect("prepare");
            let mut changes = tx
                .prepare("INSERT INTO health_changes (account_id, at, who, health, reason) VALUES (?1, ?2, 'gen', ?3, 'gen')")
                .expect("prepare");
            for i in 0..100_000_u64 {
                let id = format!("ACC-{i:06}");
                let arr = 1_000 + next(1_000) * next(1_000);
                let health = healths[next(6) as usize];
                accounts
                    .execute(params![
                        id,
                        format!("Account {i}"),
                        format!("csm{:03}", i % 200),
                        health,
                        arr as i64 * 100
                    ])
                    .expect("account");
                changes
                    .execute(params![
                        id,
                        format!("{}T09:00:00Z", base + chrono::Duration::days(next(1400) as i64)),
                        health
                    ])
                    .expect("change");
                // A chain of contracts from 2021 to past 2026, terms of 12, 24 or 36 months.
                let mut start = base + chrono::Duration::days(next(365) as i64);
                let mut n = 0;
                while start.year() < 2027 {
                    let term = [12, 24, 36][next(3) as usize];
                    let end =
                        cockpit::domain::month::add_months(start, term) - chrono::Duration::days(1);
                    let billing = if next(3) == 0 { "prepaid" } else { "annual" };
                    contracts
                        .execute(params![
                            format!("{id}-{n}"),
                            id,
                            start.to_string(),
                            end.to_string(),
                            arr as i64 * 100,
                            billing
                        ])
                        .expect("contract");
                    start = end + chrono::Duration::days(1);
                    n += 1;
                }
            }
        }
        tx.commit().expect("commit");
    }
    eprintln!("built the book in {:?}", started.elapsed());
    let store = cockpit::store::Store::open(&db).expect("open");
    let config = Config::default();
    let today = chrono::NaiveDate::from_ymd_opt(2025, 6, 15).expect("date");
    let month = Month::of(today);
    let time = |label: &str, f: &dyn Fn() -> usize| {
        let mut best = std::time::Duration::MAX;
        let mut size = 0;
        for _ in 0..3 {
            let start = Instant::now();
            size = f();
            best = best.min(start.elapsed());
        }
        eprintln!("{label}: {best:?} ({size} items)");
        best
    };
    let book = time("calendar month, whole book", &|| {
        cockpit::read::renewals::calendar_month(
            &store,
            month,
            today,
            &config,
            &CalendarFilter::default(),
        )
        .expect("c")
        .event_count()
    });
    let mine = CalendarFilter { csm: Some("csm007".into()), ..CalendarFilter::default() };
    let one_csm = time("calendar month, one CSM", &|| {
        cockpit::read::renewals::calendar_month(&store, month.plus(1), today, &config, &mine)
            .expect("c")
            .event_count()
    });
    let forecast = time("forecast, 12 months", &|| {
        cockpit::read::renewals::forecast(&store, month, 12, &config).expect("f").book.len()
    });
    if !cfg!(debug_assertions) {
        assert!(book.as_millis() < 100, "calendar took {book:?}");
        assert!(one_csm.as_millis() < 16, "one CSM's month took {one_csm:?}");
        assert!(forecast.as_millis() < 200, "forecast took {forecast:?}");
    }
}

#[test]
fn the_settings_file_changes_the_forecast_and_a_bad_one_says_where() {
    let book = book();
    let settings = book.home.join("config/cockpit");
    std::fs::create_dir_all(&settings).expect("dir");
    std::fs::write(
        settings.join("config.toml"),
        "[renewal_probability_bp]\ngreen = 9000\nyellow = 8000\norange = 4000\nred = 2000\n",
    )
    .expect("write");
    let report = json(&book, &["renewals", "--forecast", "--json"]);
    // February: C1 green 120,000 × 0.90; June: C4 orange 20,000 × 0.40.
    assert_eq!(report["book"][1]["expected"].to_string(), "108000");
    assert_eq!(report["book"][5]["expected"].to_string(), "8000");
    assert_eq!(report["calibration"][0]["configured"].to_string(), "0.9");

    std::fs::write(settings.join("config.toml"), "stuck_stage_days = 90\nstuck_stage_days = 9\n")
        .expect("write");
    let output = cockpit(&book, &["renewals", "--forecast", "--json"]);
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("config.toml:2:1: "), "{error}");
}
