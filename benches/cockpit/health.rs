//! The health rows: the whole book's scorecard (what the Health pane and
//! `cockpit health scores` read) and a backtest over the three years up to
//! the book's day (the Metrics pane's section, `cockpit health backtest`)
//! with the read of every account's touch days it makes first,
//! and the Health view's compact list (its lines, the book read a slice at
//! a time).
//! Beside them: the load of the whole book's signals alone (what both
//! read; from the kept series as flat columns, as a list an account, and
//! from the rows as before them), the
//! scoring alone (the load apart), and the scorecard suggestions of the largest CSM's accounts
//! (what Today adds to its facts). Each is timed over three runs on an
//! open store, the median reported with the first run (the cold one) and
//! the range beside it, and the thread's time on a CPU over the runs (on
//! Linux): on a busy machine the wall time counts the waits for a core.
//! `cargo bench --bench cockpit -- --accounts N --health-only` measures
//! these rows alone (importing the book first when it has no database);
//! with `--scorecard-only` as well, the whole book's scorecard alone.

use super::{Figure, today};
use crate::process::median_figure;
use cockpit::domain::Config;
use cockpit::read::health::{TREND_DAYS, rows_from, scorecard_signals};
use cockpit::store::Store;
use cockpit::store::signals::{SignalScope, SignalWindow};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

const RUNS: usize = 3;

pub(crate) fn health_figures(db: &Path, out: &mut BTreeMap<String, Figure>) -> anyhow::Result<()> {
    let store = Store::open(db)?;
    let config = Config::default();
    let figure = timed(|| {
        let scores = cockpit::read::health::scores(&store, &config, today())?;
        Ok(format!("{} accounts scored", scores.iter().filter(|r| r.score.is_some()).count()))
    })?;
    eprintln!("scorecard, whole book: {} ({})", figure.text, figure.note);
    out.insert("scorecard, whole book".to_string(), figure);
    if std::env::args().any(|a| a == "--scorecard-only") {
        return Ok(());
    }
    let figure = timed(|| {
        let lines = cockpit::read::health::lines(&store, &config, today())?;
        Ok(format!("{} lines, read 5,000 accounts at a time", lines.len()))
    })?;
    eprintln!("Health view's list, whole book: {} ({})", figure.text, figure.note);
    out.insert("Health view's list, whole book".to_string(), figure);
    let card = &config.scorecard;
    let window = SignalWindow::for_scores(card, today());
    let figure = timed(|| {
        let source = store.signal_book(&card.usage_measure, window, today(), SignalScope::Book)?;
        Ok(format!("{} accounts, flat", source.len()))
    })?;
    out.insert("scorecard: signals load, whole book".to_string(), figure);
    let figure = timed(|| {
        let source =
            store.signal_source(&card.usage_measure, window, today(), false, SignalScope::Book)?;
        Ok(format!("{} accounts, a list each", source.accounts.len()))
    })?;
    out.insert("scorecard: signals load a list an account, whole book".to_string(), figure);
    let figure = timed(|| {
        let source = store.signal_source_from_rows(
            &card.usage_measure,
            window,
            today(),
            false,
            SignalScope::Book,
        )?;
        Ok(format!("{} accounts, from the rows rather than the kept series", source.accounts.len()))
    })?;
    out.insert("scorecard: signals load from the rows, whole book".to_string(), figure);
    let before = SignalWindow::for_scores(card, today() - chrono::Duration::days(TREND_DAYS));
    let figure = timed_apart(
        || Ok(store.signal_book(&card.usage_measure, before, today(), SignalScope::Book)?),
        |source| {
            let rows = rows_from(source, card, today());
            Ok(format!("{} accounts scored, the load apart", rows.len()))
        },
    )?;
    out.insert("scorecard: scoring alone, whole book".to_string(), figure);
    let mut owners: BTreeMap<String, i64> = BTreeMap::new();
    for row in store.book_rows(today())? {
        *owners.entry(row.csm).or_insert(0) += 1;
    }
    let (csm, owned) = owners
        .into_iter()
        .max_by_key(|(csm, n)| (*n, std::cmp::Reverse(csm.clone())))
        .unwrap_or_default();
    let figure = timed(|| {
        let signals = scorecard_signals(&store, &config, today(), SignalScope::Csm(&csm))?;
        Ok(format!("{owned} accounts of one CSM, {} suggest their band", signals.len()))
    })?;
    out.insert("scorecard suggestions, one CSM (Today)".to_string(), figure);
    let (from, to) = cockpit::read::health::default_period(today());
    let figure = timed(|| {
        let backtest = cockpit::read::health::backtest(&store, &config, today(), 90, from, to)?;
        Ok(format!("{} outcomes", backtest.outcomes.len()))
    })?;
    eprintln!("backtest over 3 years: {} ({})", figure.text, figure.note);
    out.insert("backtest over 3 years".to_string(), figure);
    let figure = timed(|| {
        let touches = store.touch_days()?;
        Ok(format!("{} accounts touched, from the touches' index", touches.len()))
    })?;
    out.insert("backtest: touch days, whole book".to_string(), figure);
    Ok(())
}

/// Three runs of `run`, the median with the note it returns.
fn timed(mut run: impl FnMut() -> anyhow::Result<String>) -> anyhow::Result<Figure> {
    timed_apart(|| Ok(()), |()| run())
}

/// Three runs of `run` on what `prepare` makes, untimed, each time.
fn timed_apart<T>(
    mut prepare: impl FnMut() -> anyhow::Result<T>,
    mut run: impl FnMut(T) -> anyhow::Result<String>,
) -> anyhow::Result<Figure> {
    let mut runs = Vec::new();
    let mut note = String::new();
    let mut cpu_ns = Some(0_u64);
    for _ in 0..RUNS {
        let input = prepare()?;
        let (t, cpu) = (Instant::now(), on_cpu());
        note = run(input)?;
        runs.push(t.elapsed());
        cpu_ns = cpu_ns
            .zip(on_cpu().zip(cpu))
            .map(|(sum, (after, before))| sum + after.saturating_sub(before));
    }
    let mut figure = median_figure(&runs);
    figure.note = match cpu_ns {
        Some(ns) => format!(
            "{}; on a CPU {:.0} ms a run; {note}",
            figure.note,
            ns as f64 / 1e6 / RUNS as f64
        ),
        None => format!("{}; {note}", figure.note),
    };
    Ok(figure)
}

/// Nanoseconds this thread has run on a CPU (Linux's schedstat).
fn on_cpu() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}
