//! Measures the cockpit headless on a database: start to first frame, the
//! time each key takes in the Book and Today (handled and redrawn on a
//! 160×48 `TestBackend`), and resident memory.
//!
//! `cargo run --release --example tui_bench -- path/to/book.db [user]`

use cockpit::clock::Clock;
use cockpit::domain::Config;
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::{Duration, Instant};

fn resident_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<u64>().ok()))
        })
        .map_or(0, |kb| kb / 1024)
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or_else(|| anyhow::anyhow!("usage: tui_bench <db> [user]"))?;
    let user = args.next().unwrap_or_else(|| "me".to_string());
    {
        let store = Store::open(std::path::Path::new(&path))?;
        let t = Instant::now();
        let rows = store.book_rows(Clock::from_env().today())?;
        println!("book_rows alone: {:.1} ms ({} rows)", ms(t.elapsed()), rows.len());
        let t = Instant::now();
        let book = cockpit::tui::book::BookIndex::new(
            rows,
            &Config::default(),
            Clock::from_env().today(),
            &user,
        );
        println!("index alone: {:.1} ms", ms(t.elapsed()));
        let t = Instant::now();
        let today = cockpit::tui::signals::today_rows(
            &store,
            &book,
            &user,
            Clock::from_env().today(),
            &Config::default(),
        )?;
        println!("today rows alone: {:.1} ms ({} rows)", ms(t.elapsed()), today.len());
        let t = Instant::now();
        let positions =
            store.account_positions_with(Clock::from_env().today(), &Config::default())?;
        println!("board positions alone: {:.1} ms ({} rows)", ms(t.elapsed()), positions.len());
    }
    let start = Instant::now();
    let store = Store::open(std::path::Path::new(&path))?;
    let clock = Clock::from_env();
    let mut app = App::new(store, clock, Config::default(), &user, Theme::plain())?;
    let mut terminal = Terminal::new(TestBackend::new(160, 48))?;
    app.resize(160, 48);
    terminal.draw(|frame| app.draw(frame))?;
    let first = start.elapsed();
    println!("accounts: {}", app.book().len());
    println!("first frame: {:.1} ms", first.as_secs_f64() * 1000.0);
    // As the event loop does while the user looks at the first frame.
    let t = Instant::now();
    app.book().warm();
    println!("warm-up after the first frame: {:.1} ms", ms(t.elapsed()));

    let keys: Vec<(&str, KeyCode)> = vec![
        ("down", KeyCode::Char('j')),
        ("page", KeyCode::PageDown),
        ("sort", KeyCode::Char('s')),
        ("reverse", KeyCode::Char('S')),
        ("filter health", KeyCode::Char('h')),
        ("filter mine", KeyCode::Char('m')),
        ("filter renewal", KeyCode::Char('r')),
        ("clear", KeyCode::Char('x')),
    ];
    let mut all: Vec<Duration> = Vec::new();
    let press = |app: &mut App,
                 terminal: &mut Terminal<TestBackend>,
                 code: KeyCode|
     -> anyhow::Result<Duration> {
        let t = Instant::now();
        app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        terminal.draw(|frame| app.draw(frame))?;
        Ok(t.elapsed())
    };
    for pane in ['2', '1'] {
        press(&mut app, &mut terminal, KeyCode::Char(pane))?;
        println!("pane {}", app.active_title());
        for (name, code) in &keys {
            let mut times = Vec::new();
            for _ in 0..40 {
                times.push(press(&mut app, &mut terminal, *code)?);
            }
            times.sort();
            println!(
                "  {name:<15} p50 {:>6.2} ms  max {:>6.2} ms",
                ms(times[times.len() / 2]),
                ms(times[times.len() - 1])
            );
            all.extend(times);
        }
        if app.active_title() == "Book" {
            // Search keystrokes.
            press(&mut app, &mut terminal, KeyCode::Char('/'))?;
            let mut times = Vec::new();
            for c in "acme ltd 12".chars() {
                times.push(press(&mut app, &mut terminal, KeyCode::Char(c))?);
            }
            for _ in 0..11 {
                times.push(press(&mut app, &mut terminal, KeyCode::Backspace)?);
            }
            press(&mut app, &mut terminal, KeyCode::Esc)?;
            times.sort();
            println!(
                "  {:<15} p50 {:>6.2} ms  max {:>6.2} ms",
                "search key",
                ms(times[times.len() / 2]),
                ms(times[times.len() - 1])
            );
            all.extend(times);
        }
    }
    all.sort();
    let p99 = all[(all.len() * 99 / 100).min(all.len() - 1)];
    println!(
        "all keys: {} presses, p99 {:.2} ms, max {:.2} ms",
        all.len(),
        ms(p99),
        ms(all[all.len() - 1])
    );
    println!("resident memory: {} MB", resident_mb());
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
