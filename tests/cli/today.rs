//! `cockpit today` and the Today pane are one computation: on the demo book
//! the command prints the pane's rows, one per account, in the pane's order.

use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::Config;
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const TODAY: &str = "2026-03-02";

fn today() -> NaiveDate {
    NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("date")
}

fn cockpit(dir: &Path, db: &Path, args: &[&str]) -> std::process::Output {
    let settings = dir.join("config.toml");
    std::fs::write(&settings, "").expect("settings");
    Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("COCKPIT_TODAY", TODAY)
        .env("COCKPIT_CONFIG", &settings)
        .env("COCKPIT_USER", "nobody")
        .env("COLUMNS", "200")
        .output()
        .expect("run cockpit")
}

/// The Today pane's rows as (name, why label, detail), read off the screen.
fn pane_rows(screen: &str) -> Vec<(String, String, String)> {
    let mut lines =
        screen.lines().skip_while(|l| !(l.contains(" Account ") && l.contains("Detail")));
    lines.next();
    lines
        .map(|line| line.trim_start_matches('│').trim_end_matches('│').chars().collect::<Vec<_>>())
        .take_while(|cells| cells.len() > 60 && cells[1] == ' ' && cells[0] != ' ')
        .map(|cells| {
            let text = |range: std::ops::Range<usize>| {
                cells[range].iter().collect::<String>().trim().to_string()
            };
            (text(4..34), text(35..49), text(59..cells.len()))
        })
        .collect()
}

#[test]
fn the_command_prints_the_rows_the_today_pane_shows_in_its_order() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("demo.db");
    let user = cockpit::demo::DEMO_CSM;
    drop(cockpit::demo::load::create_demo_database(&db, &Clock::fixed(today())).expect("demo"));

    let out = cockpit(dir.path(), &db, &["today", "--user", user, "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    let rows = json.as_array().expect("an array of rows");
    assert!(rows.len() > 5, "the demo CSM has a morning: {}", rows.len());
    let mut ids = std::collections::HashSet::new();
    for row in rows {
        for field in ["account_id", "name", "csm", "score", "reasons", "arr", "tier", "health"] {
            assert!(row.get(field).is_some(), "{field} in {row}");
        }
        assert!(row["arr"].is_number(), "exact money: {row}");
        assert!(ids.insert(row["account_id"].as_str().expect("id")), "one row per account");
        let reasons = row["reasons"].as_array().expect("reasons");
        assert!(!reasons.is_empty(), "{row}");
        for reason in reasons {
            for field in ["kind", "key", "reason", "urgency"] {
                assert!(reason.get(field).is_some(), "{field} in {reason}");
            }
        }
    }
    let scores: Vec<i64> = rows.iter().map(|r| r["score"].as_i64().expect("score")).collect();
    assert!(scores.is_sorted_by(|a, b| a >= b), "ranked: {scores:?}");

    let store = Store::open(&db).expect("store");
    let mut app = App::new(store, Clock::fixed(today()), Config::default(), user, Theme::plain())
        .expect("app");
    assert_eq!(app.active_title(), "Today");
    let height = u16::try_from(rows.len() + 14).expect("height");
    let screen = common::frame::resized(&mut app, 240, height);
    let pane = pane_rows(&screen);
    let command: Vec<(String, String, String)> = rows
        .iter()
        .map(|row| {
            let first = &row["reasons"][0];
            let text = |value: &Value| value.as_str().expect("text").to_string();
            (text(&row["name"]), text(&first["kind"]), text(&first["reason"]))
        })
        .collect();
    assert_eq!(pane.len(), command.len(), "{screen}");
    for (on_screen, printed) in pane.iter().zip(&command) {
        assert!(on_screen.0.starts_with(&printed.0), "{on_screen:?} vs {printed:?}\n{screen}");
        assert_eq!(on_screen.1, printed.1, "{screen}");
        let shown = on_screen.2.trim_end_matches('…');
        assert!(printed.2.starts_with(shown) || shown.starts_with(&printed.2), "{screen}");
    }

    // The table: one line per row, in the same order, fitted to COLUMNS.
    let out = cockpit(dir.path(), &db, &["today", "--user", user]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8(out.stdout).expect("utf-8");
    assert!(table.lines().all(|l| unicode_width::UnicodeWidthStr::width(l) <= 200), "{table}");
    let names: Vec<usize> = command
        .iter()
        .map(|(name, _, reason)| {
            // A long reason (a scorecard's breakdown) is cut to the column.
            let head: String = reason.chars().take(40).collect();
            table
                .lines()
                .position(|l| l.contains(name.as_str()) && l.contains(head.as_str()))
                .unwrap_or_else(|| panic!("{name}: {reason} in\n{table}"))
        })
        .collect();
    assert!(names.is_sorted(), "{names:?}\n{table}");
    assert!(table.contains(&format!("{} rows for {user} on {TODAY}", rows.len())), "{table}");

    // Someone with no accounts is told how to name a CSM.
    let out = cockpit(dir.path(), &db, &["today", "--user", "nobody"]);
    let said = String::from_utf8(out.stdout).expect("utf-8");
    assert!(said.contains("nobody owns no accounts"), "{said}");
}

/// `cockpit today` on the demo book with `COLUMNS` left out, piped as a
/// script or a pager reads it.
fn piped(dir: &Path, db: &Path, args: &[&str]) -> String {
    let settings = dir.join("config.toml");
    std::fs::write(&settings, "").expect("settings");
    let out = Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("COCKPIT_TODAY", TODAY)
        .env("COCKPIT_CONFIG", &settings)
        .env("COCKPIT_USER", cockpit::demo::DEMO_CSM)
        .env_remove("COLUMNS")
        .output()
        .expect("run cockpit");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn piped_reports_are_80_wide_and_say_where_they_cut() {
    use unicode_width::UnicodeWidthStr;
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("demo.db");
    drop(cockpit::demo::load::create_demo_database(&db, &Clock::fixed(today())).expect("demo"));
    let text = piped(dir.path(), &db, &["today"]);
    for line in text.lines() {
        assert!(line.width() <= 80, "{} cells: {line}", line.width());
    }
    // Every report: its tables fitted, its long lines wrapped between words.
    let reports: [&[&str]; 7] = [
        &["targets"],
        &["churn", "report"],
        &["renewals"],
        &["renewals", "--forecast"],
        &["metrics", "pareto"],
        &["opportunities"],
        &["tasks", "--mine"],
    ];
    for args in reports {
        let report = piped(dir.path(), &db, args);
        for line in report.lines() {
            assert!(line.width() <= 80, "{args:?}: {} cells: {line}", line.width());
        }
    }
    let targets = piped(dir.path(), &db, &["targets"]);
    assert!(targets.contains("\n     "), "a factor line goes on, indented:\n{targets}");
    // The details are longer than 80 columns leave them: cut with `…`.
    assert!(text.contains('…'), "{text}");
    let narrow = piped(dir.path(), &db, &["today", "--width", "60"]);
    assert!(narrow.lines().all(|line| line.width() <= 60), "{narrow}");
    // `--width 0` keeps every character, for scripts.
    let whole = piped(dir.path(), &db, &["--width", "0", "today"]);
    assert!(whole.lines().any(|line| line.width() > 80), "{whole}");
}
