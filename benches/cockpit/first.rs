//! Today's first frame phase by phase, on the CPU: each read the first
//! screen makes, in the order it makes them, on one thread, so a slow phase
//! is named (the scorecard bands, read behind the frame, are timed too).

use super::keys::on_cpu;
use super::{Figure, HEIGHT, WIDTH, clock, ms, today};
use cockpit::domain::Config;
use cockpit::read::book::BookIndex;
use cockpit::read::health::scorecard_signals;
use cockpit::read::tasks::due_tasks;
use cockpit::read::today::{Bands, Reach, TodayFacts, today_rows_from, today_rows_in, user_book};
use cockpit::store::Store;
use cockpit::store::signals::SignalScope;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::time::{Duration, Instant};

/// How many times the phases are timed (the median of each is reported).
const RUNS: usize = 3;

/// Times one phase on the CPU.
fn timed<T>(
    phases: &mut Vec<(&'static str, Duration)>,
    name: &'static str,
    f: impl FnOnce() -> T,
) -> T {
    let before = on_cpu().unwrap_or_default();
    let out = f();
    phases.push((name, on_cpu().unwrap_or_default().saturating_sub(before)));
    out
}

fn once(db: &Path, user: &str) -> anyhow::Result<Vec<(&'static str, Duration)>> {
    let mut p = Vec::new();
    let config = Config::default();
    let today = today();
    let store = timed(&mut p, "open", || Store::open(db))?;
    // As the app reads them: the tiers mapped, the user's rows page by page.
    let bounds = timed(&mut p, "tiers", || store.arr_tier_bounds(&config.tier_cuts_bp))?;
    store.read_page_by_page();
    let read = timed(&mut p, "rows", || store.csm_rows(user, today))?;
    let tasks = timed(&mut p, "tasks", || due_tasks(&store, user, today))?;
    let facts = timed(&mut p, "facts", || {
        TodayFacts::beside_rows_with(&store, user, today, read.facts, tasks, &config, Bands::Later)
    })?;
    let book =
        timed(&mut p, "index", || BookIndex::for_csm(read.rows, &bounds, &config, today, user));
    let rows = timed(&mut p, "ranking", || today_rows_from(facts, &book, &config));
    drop((rows, book, store));
    let mut app = timed(&mut p, "app", || {
        let store = Store::open(db)?;
        App::new(store, clock(), Config::default(), user, Theme::plain())
    })?;
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT))?;
    app.resize(WIDTH, HEIGHT);
    timed(&mut p, "draw", || terminal.draw(|frame| app.draw(frame)))?;
    drop(app);
    let store = Store::open(db)?;
    let scope = SignalScope::Csm(user);
    timed(&mut p, "bands (behind)", || scorecard_signals(&store, &config, today, scope))?;
    Ok(p)
}

/// The first screen's phases, each its median on the CPU over a few runs.
pub(crate) fn phases(db: &Path, user: &str) -> anyhow::Result<Figure> {
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        runs.push(once(db, user)?);
    }
    let mut parts = Vec::new();
    let mut total = 0.0;
    for (at, (name, _)) in runs[0].iter().enumerate() {
        let mut times: Vec<Duration> = runs.iter().filter_map(|r| r.get(at)).map(|p| p.1).collect();
        times.sort();
        let median = ms(times[times.len() / 2]);
        if *name == "app" || *name == "draw" {
            total += median;
        }
        parts.push(format!("{name} {median:.1}"));
    }
    Ok(Figure {
        value: total,
        text: format!("{total:.1} ms on the CPU"),
        note: format!("app + draw; phases in ms (median of {RUNS}): {}", parts.join(", ")),
    })
}

/// What Today reads behind the screen, each on one thread as its job does,
/// on the CPU and on the clock: the user's rows with their bands (after the
/// first frame) and everyone's rows (after `m`).
pub(crate) fn behind(db: &Path, user: &str) -> anyhow::Result<Figure> {
    let config = Config::default();
    let today = today();
    let store = Store::open_aside(db)?;
    let mut parts = Vec::new();
    let before = (on_cpu().unwrap_or_default(), Instant::now());
    let (book, facts) = user_book(&store, user, today, &config)?;
    let mine = facts.map(|f| today_rows_from(f, &book, &config)).unwrap_or_default();
    let cpu = on_cpu().unwrap_or_default().saturating_sub(before.0);
    parts.push(format!(
        "mine with bands {} rows: {:.0} ms on the CPU, {:.0} ms",
        mine.len(),
        ms(cpu),
        ms(before.1.elapsed())
    ));
    let before = (on_cpu().unwrap_or_default(), Instant::now());
    let rows = store.book_rows(today)?;
    let book = BookIndex::new(rows, &config, today, user);
    let all = today_rows_in(&store, &book, user, Reach::All, today, &config)?;
    let cpu = on_cpu().unwrap_or_default().saturating_sub(before.0);
    let took = before.1.elapsed();
    parts.push(format!(
        "everyone's {} rows: {:.0} ms on the CPU, {:.0} ms",
        all.len(),
        ms(cpu),
        ms(took)
    ));
    // Everyone's read, phase by phase.
    let mut p = Vec::new();
    let rows = timed(&mut p, "book rows", || store.book_rows(today))?;
    let book = timed(&mut p, "index", || BookIndex::new(rows, &config, today, user));
    let owners = Reach::All.owners(&store, user, &config)?;
    let scope = SignalScope::Book;
    timed(&mut p, "bands, one pass", || scorecard_signals(&store, &config, today, scope))?;
    let facts =
        timed(&mut p, "facts", || TodayFacts::read_for(&store, user, owners, today, &config))?;
    timed(&mut p, "ranking", || today_rows_from(facts, &book, &config));
    let phases: Vec<String> = p.iter().map(|(n, d)| format!("{n} {:.0}", ms(*d))).collect();
    parts.push(format!("everyone's phases in ms on the CPU: {}", phases.join(", ")));
    Ok(Figure {
        value: ms(cpu),
        text: format!("{:.0} ms on the CPU", ms(cpu)),
        note: parts.join("; "),
    })
}
