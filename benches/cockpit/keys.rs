//! The scripted key walk: every pane of the registry, its keys pressed in
//! turn, each press timed with its redraw.

use super::{Figure, ms};
use cockpit::tui::app::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::{Duration, Instant};
pub(crate) fn key_figure(times: &mut [Duration]) -> Figure {
    if times.is_empty() {
        return Figure { text: "no keys".to_string(), ..Figure::default() };
    }
    times.sort();
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    let max = times[times.len() - 1];
    Figure {
        value: ms(p99),
        text: format!("p99 {:.2} ms", ms(p99)),
        note: format!("max {:.2} ms, {} keys", ms(max), times.len()),
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn chars(text: &str) -> Vec<KeyEvent> {
    text.chars().map(|c| key(KeyCode::Char(c))).collect()
}

/// The scripted keys of a pane, by its title: moves, pages, sorts, filters
/// and search keystrokes where the pane has them. A pane without a script of
/// its own gets the list walk (moves and pages), which every pane takes.
fn script(title: &str) -> Vec<KeyEvent> {
    let mut keys = Vec::new();
    let moves = |keys: &mut Vec<KeyEvent>| {
        keys.extend(std::iter::repeat_n(key(KeyCode::Char('j')), 80));
        keys.extend(std::iter::repeat_n(key(KeyCode::Char('k')), 20));
        keys.extend(std::iter::repeat_n(key(KeyCode::PageDown), 20));
        keys.extend(std::iter::repeat_n(key(KeyCode::PageUp), 10));
        keys.extend([key(KeyCode::Char('G')), key(KeyCode::Char('g'))]);
    };
    match title {
        "Book" => {
            moves(&mut keys);
            for _ in 0..11 {
                keys.push(key(KeyCode::Char('s')));
                keys.extend(std::iter::repeat_n(key(KeyCode::Char('j')), 3));
            }
            keys.extend(std::iter::repeat_n(key(KeyCode::Char('S')), 4));
            keys.extend(std::iter::repeat_n(key(KeyCode::Char('h')), 6));
            keys.extend(chars("mm"));
            keys.extend(std::iter::repeat_n(key(KeyCode::Char('r')), 6));
            keys.extend(chars("x/acme ltd 12"));
            keys.extend(std::iter::repeat_n(key(KeyCode::Backspace), 11));
            keys.extend(chars("globex"));
            keys.push(key(KeyCode::Esc));
            keys.push(key(KeyCode::Char('x')));
        }
        "Today" => {
            moves(&mut keys);
            keys.extend(chars("jjjjkkkk"));
            // Every reason filter in turn, then all rows again.
            keys.extend(chars("fffffffffx"));
            // Ten rows marked, snoozed in one step, the step undone.
            keys.extend(std::iter::repeat_n(key(KeyCode::Char(' ')), 10));
            keys.push(key(KeyCode::Char('z')));
            keys.push(key(KeyCode::Enter));
            keys.extend(chars("ux"));
            // Five rows marked and their moments and tasks done, then undone.
            keys.extend(std::iter::repeat_n(key(KeyCode::Char(' ')), 5));
            keys.extend(chars("dux"));
            // Everyone's rows, filtered and walked, then mine again (no team
            // is set, so `m` goes mine → all → mine).
            keys.extend(chars("m"));
            keys.extend(chars("fffjjjjx"));
            keys.extend(std::iter::repeat_n(key(KeyCode::PageDown), 5));
            keys.extend(chars("m"));
            keys.extend(chars("fjjx"));
        }
        "Targets" => {
            moves(&mut keys);
            // Filters, the product filter last (its holders load behind the list).
            keys.extend(chars("aaasshhttx"));
            keys.extend(chars("pppx"));
            // The pipeline: moves, its filters, back to the list.
            keys.push(key(KeyCode::Char('P')));
            moves(&mut keys);
            keys.extend(chars("ssssssxaaaxmmx"));
            keys.push(key(KeyCode::Char('P')));
            // The cross-sell grid, scrolled, closed.
            keys.extend(chars("Xjjjkkk"));
            keys.push(key(KeyCode::Char('X')));
        }
        "Metrics" => {
            moves(&mut keys);
            // Every section, the period moved on each, and a drill-down
            // (Enter lists the accounts behind a number, Esc closes it).
            for _ in 0..5 {
                keys.extend(chars("<<>>-+"));
                keys.push(key(KeyCode::Enter));
                keys.extend(chars("jjj"));
                keys.push(key(KeyCode::Esc));
                keys.push(key(KeyCode::Char('l')));
            }
        }
        "Account" => {
            for _ in 0..40 {
                keys.extend(chars("]j"));
            }
            for _ in 0..40 {
                keys.extend(chars("[k"));
            }
            keys.extend(std::iter::repeat_n(key(KeyCode::PageDown), 20));
        }
        // The whole-book search these panes open with `/` is timed on its
        // own (`walk_search`): its target is its first screen, not a key.
        _ => moves(&mut keys),
    }
    keys
}

/// Brings the pane `title` to the front with its key `go`, closing with Esc
/// whatever a scripted key opened (an editor takes digits as text).
fn reach(app: &mut App, go: KeyEvent, title: &str) -> anyhow::Result<()> {
    for _ in 0..4 {
        app.handle_key(go);
        if app.active_title() == title {
            return Ok(());
        }
        for _ in 0..3 {
            app.handle_key(key(KeyCode::Esc));
        }
    }
    anyhow::bail!("the walk could not reach {title}: {} stays in front", app.active_title())
}

/// Presses each scripted key of the pane at `index`, timing handle and
/// redraw. A key that leaves the pane (Enter opening an account) brings the
/// walk back, untimed. After each key, a pause at a typing pace: what the
/// app loads or counts behind the screen finishes (the Book's count, the
/// calendar's next months, the targets' filter lists) and is redrawn; that
/// time goes to `settles`, untimed as a key.
pub(crate) fn walk_pane(
    app: &mut App,
    terminal: &mut Terminal<TestBackend>,
    index: usize,
    title: &str,
    settles: &mut Vec<Duration>,
    cpu_times: &mut Vec<Duration>,
) -> anyhow::Result<Vec<Duration>> {
    let go = key(KeyCode::Char(char::from_digit(index as u32 + 1, 10).unwrap_or('1')));
    reach(app, go, title)?;
    terminal.draw(|frame| app.draw(frame))?;
    if title == "Account" && app.selected_account().is_none() {
        // Reach the account view through the Book, as a user does.
        app.handle_key(key(KeyCode::Char('2')));
        app.handle_key(key(KeyCode::Enter));
    }
    let mut times = Vec::new();
    // What the status line said (its words before a colon): the walk of
    // Today must have saved a bulk action and undone it.
    let mut statuses = std::collections::HashSet::new();
    let mut said = Vec::new();
    let keys = script(title);
    for (at, k) in keys.iter().copied().enumerate() {
        if app.active_title() != title {
            reach(app, go, title)?;
        }
        let t = Instant::now();
        let cpu = on_cpu();
        app.handle_key(k);
        terminal.draw(|frame| app.draw(frame))?;
        let took = t.elapsed();
        if let (Some(before), Some(after)) = (cpu, on_cpu()) {
            cpu_times.push(after.saturating_sub(before));
        }
        // A pause between keys: what loads or counts behind the screen ends.
        let t = Instant::now();
        app.settle_background();
        terminal.draw(|frame| app.draw(frame))?;
        let settled = t.elapsed();
        settles.push(settled);
        if std::env::var_os("COCKPIT_BENCH_SLOW_KEYS").is_some() {
            if took > Duration::from_millis(16) {
                eprintln!("{title}: key {at} {:?} took {:.1} ms", k.code, ms(took));
            }
            if settled > Duration::from_millis(100) {
                eprintln!("{title}: after key {at} {:?}, a pause of {:.1} ms", k.code, ms(settled));
            }
        }
        times.push(took);
        if let Some(status) = app.status() {
            statuses.insert(status.text.split(':').next().unwrap_or("").to_string());
            said.push(status.text.clone());
        }
        // A popup a key opened is closed, unless the script's next key is
        // Enter, which saves it (the bulk snooze).
        let saves = keys.get(at + 1).is_some_and(|next| next.code == KeyCode::Enter);
        if app.popup().is_some() && !saves {
            app.handle_key(key(KeyCode::Esc));
        }
    }
    if title == "Today" {
        for word in ["saved", "undone"] {
            anyhow::ensure!(
                statuses.contains(word),
                "the walk of Today never showed \"{word}\": its bulk action did not happen ({said:?})"
            );
        }
    }
    Ok(times)
}

/// The time the calling thread has spent on a CPU (Linux's
/// `/proc/thread-self/schedstat`): a key's own work, without the time a
/// busy machine gave other processes meanwhile.
pub(crate) fn on_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// The whole-book search over names, notes and chains, opened from Today:
/// each typed letter, correction and the close, timed with its redraw (the
/// search runs as the letters come, so each key is a first screen).
pub(crate) fn walk_search(
    app: &mut App,
    terminal: &mut Terminal<TestBackend>,
) -> anyhow::Result<Vec<Duration>> {
    reach(app, key(KeyCode::Char('1')), "Today")?;
    let mut keys = vec![KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL)];
    keys.extend(chars("acme"));
    keys.extend(std::iter::repeat_n(key(KeyCode::Backspace), 4));
    keys.extend(chars("globex pricing"));
    keys.push(key(KeyCode::Esc));
    let mut times = Vec::new();
    for k in keys {
        let t = Instant::now();
        app.handle_key(k);
        terminal.draw(|frame| app.draw(frame))?;
        times.push(t.elapsed());
        app.settle_background();
    }
    Ok(times)
}
