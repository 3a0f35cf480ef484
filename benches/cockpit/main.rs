//! The benchmark suite: `cargo bench` (or `cargo bench --bench cockpit --
//! --accounts 10000` for a quick run on one size).
//!
//! Generates the books it needs (10,000 and 100,000 accounts × 60 months,
//! cached under `target/bench-books/`), then measures, on each: import time
//! and rows/s beside the sqlite3 shell's `.import --csv` of the same files,
//! database size, time to first frame (headless and the real binary in a
//! pseudo-terminal), p99 and max of handle-key-and-redraw in every pane of the
//! registry over a scripted walk, the trailing retention series beside the
//! pandas script, the 12-month forecast, the board, targets and calendar
//! loads, and peak memory of a process that only opens the cockpit and walks
//! the keys. Prints one table (text, then Markdown) with each figure's target
//! and how it grows from the small book to the large one.
//!
//! Every book gives its first CSM 2,000 accounts ([`USER_ACCOUNTS`]) and the
//! cockpit opens as that CSM: Today's targets (first frame, each key, `cockpit
//! today --json`) are for one CSM owning 2,000 accounts of the 100,000-account
//! book, and the table's Today rows say whose book they measured.
//!
//! The import is `import all` of the book's folder into a new database (one
//! transaction, every check), per file beside the sqlite3 shell's `.import`
//! of the same CSV into a plain table (a row saying so when sqlite3 is not
//! installed), with each file's share of both databases (from SQLite's
//! `dbstat`, read by the shell). The books have notes of ordinary length
//! (60 to 120 characters), about 30 an account.
//!
//! Flags: `--accounts N[,N…]`, `--fresh` (regenerate the books),
//! `--no-compare` (skip sqlite3 and pandas), `--keep-db` (measure the
//! database already imported in the book's folder instead of importing
//! again), `--import-only` (stop after the import and size figures),
//! `--team-only` (only the team rows: the sync against a PostgreSQL on
//! loopback, and the roll-up of 50 CSMs), `--team-book N|DIR` (only a new
//! team member's first pull of that book beside a local `import all` of its
//! files), `--team-rollup DB` (only the roll-up of that book's CSMs, read
//! and drawn), `--health-only` (only the scorecard and backtest rows),
//! `--today-only` (Today's figures only: first frames, `cockpit today
//! --json` and the Today key walk, on the book's database, imported first
//! if it is not there), `--targets-only` (the hunter's figures only: the
//! pipeline and cross-sell loads, `targets --cross-sell --json` and the
//! Targets key walk), `--keys-only` (the first-frame rows and every
//! pane's key walk, on the book's database), `--usage-every-month` (the
//! book with usage in every month for every account, 30 M rows at 100,000 accounts: see
//! `usage_variant`). Internal: `--memory-child DB USER`,
//! `--first-frame-child DB USER`.

mod first;
mod four;
mod health;
mod heap;
mod import;
mod keys;
mod memory_parts;
mod pipeline;
mod process;
mod startup;
mod subscriptions;
mod team;
mod usage_variant;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::{Config, Month};
use cockpit::generate::{Params, write_book};
use cockpit::import::ImportKind;
use cockpit::metrics::windows::CalendarFilter;
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use import::{import_book, per_second, remove_db};
use keys::{key_figure, walk_pane, walk_search};
use process::{
    FIRST_FRAME_RUNS, binary_first_frame_apart, median_figure, memory_child, pandas_retention,
    peak_memory,
};

/// The day every book is generated for and opened on.
const TODAY: (i32, u32, u32) = (2026, 11, 23);
const MONTHS: u32 = 60;
const SEED: u64 = 8;
/// Notes per account on average: 3 million on the 100,000-account book.
const NOTES_PER_ACCOUNT: u32 = 30;
/// The accounts of the CSM the cockpit opens as, on every book: Today's
/// targets are for one CSM owning 2,000 accounts of the 100,000-account
/// book (the generator spreads them evenly through the book; the other
/// CSMs share the rest).
const USER_ACCOUNTS: u32 = 2_000;
const WIDTH: u16 = 160;
const HEIGHT: u16 = 48;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).unwrap_or_default()
}

fn clock() -> Clock {
    Clock::fixed(today())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--memory-child") {
        let db = args.get(i + 1).ok_or_else(|| anyhow::anyhow!("--memory-child DB USER"))?;
        let user = args.get(i + 2).ok_or_else(|| anyhow::anyhow!("--memory-child DB USER"))?;
        return memory_child(Path::new(db), user);
    }
    if let Some(i) = args.iter().position(|a| a == "--first-frame-child") {
        let (db, user) = (args.get(i + 1), args.get(i + 2));
        let (db, user) =
            db.zip(user).ok_or_else(|| anyhow::anyhow!("--first-frame-child DB USER"))?;
        process::first_frame_child(Path::new(db), user);
        return Ok(());
    }
    if args.iter().any(|a| a == "--team-only") {
        let mut out = BTreeMap::new();
        team::team_figures(&mut out)?;
        team::rollup_figures(&mut out)?;
        print_tables(&[(0, out)]);
        return Ok(());
    }
    if let Some(i) = args.iter().position(|a| a == "--team-rollup") {
        let db = args.get(i + 1).ok_or_else(|| anyhow::anyhow!("--team-rollup DB"))?;
        let mut out = BTreeMap::new();
        team::rollup_figures_of(&mut out, Path::new(db))?;
        print_tables(&[(0, out)]);
        return Ok(());
    }
    if let Some(i) = args.iter().position(|a| a == "--team-book") {
        let given = args.get(i + 1).ok_or_else(|| anyhow::anyhow!("--team-book N|DIR"))?;
        let dir = match given.replace('_', "").parse::<u32>() {
            Ok(accounts) => {
                let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-books");
                ensure_book(&root, accounts, false)?.dir
            }
            Err(_) => PathBuf::from(given),
        };
        let mut out = BTreeMap::new();
        team::team_book_figures(&mut out, &dir)?;
        print_tables(&[(0, out)]);
        return Ok(());
    }
    let mut sizes = vec![10_000u32, 100_000];
    if let Some(i) = args.iter().position(|a| a == "--accounts") {
        let list = args.get(i + 1).ok_or_else(|| anyhow::anyhow!("--accounts N[,N…]"))?;
        sizes =
            list.split(',').map(|n| n.trim().replace('_', "").parse()).collect::<Result<_, _>>()?;
    }
    let fresh = args.iter().any(|a| a == "--fresh");
    let compare = !args.iter().any(|a| a == "--no-compare");
    let keep_db = args.iter().any(|a| a == "--keep-db");
    let import_only = args.iter().any(|a| a == "--import-only");
    let health_only = args.iter().any(|a| a == "--health-only");
    let today_only = args.iter().any(|a| a == "--today-only");
    let keys_only = args.iter().any(|a| a == "--keys-only");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-books");
    let mut results = Vec::new();
    for &accounts in &sizes {
        eprintln!("== {accounts} accounts");
        let mut book = ensure_book(&root, accounts, fresh)?;
        if args.iter().any(|a| a == "--usage-every-month") {
            book = usage_variant::every_month(&book)?;
        }
        if health_only {
            let db = book.dir.join("cockpit.db");
            let mut out = BTreeMap::new();
            if !db.exists() {
                import_book(&book, &db, compare, &mut out)?;
            }
            health::health_figures(&db, &mut out)?;
            results.push((accounts, out));
            continue;
        }
        if args.iter().any(|a| a == "--targets-only") {
            results.push((accounts, pipeline::targets_only(&book.dir.join("cockpit.db"))?));
            continue;
        }
        let only = Only { import: import_only, today: today_only, keys: keys_only };
        results.push((accounts, measure(&book, compare, keep_db || today_only, only)?));
    }
    print_tables(&results);
    Ok(())
}

/// A generated book on disk and its row counts.
struct Book {
    dir: PathBuf,
    rows: BTreeMap<&'static str, u64>,
}

fn ensure_book(root: &Path, accounts: u32, fresh: bool) -> anyhow::Result<Book> {
    let dir = root.join(format!("{accounts}x{MONTHS}n{NOTES_PER_ACCOUNT}u{USER_ACCOUNTS}"));
    let summary_path = dir.join("summary.txt");
    if fresh || !summary_path.exists() {
        eprintln!("generating {} …", dir.display());
        let t = Instant::now();
        let mut params = Params::ending_before(today(), accounts, MONTHS, SEED);
        params.notes_per_account = Some(NOTES_PER_ACCOUNT);
        params.lead_csm_accounts = Some(USER_ACCOUNTS);
        let s = write_book(&params, &dir)?;
        std::fs::write(
            &summary_path,
            format!(
                "accounts {}\nsnapshots {}\ncontracts {}\nnotes {}\nusage {}\ntickets {}\nsurveys {}\n",
                s.accounts, s.snapshots, s.contracts, s.notes, s.usage, s.tickets, s.surveys
            ),
        )?;
        eprintln!("generated in {:.1} s", t.elapsed().as_secs_f64());
    }
    let mut rows = BTreeMap::new();
    for line in std::fs::read_to_string(&summary_path)?.lines() {
        if let Some((kind, n)) = line.split_once(' ') {
            let kind = ImportKind::ALL
                .iter()
                .map(|k| k.as_str())
                .find(|k| *k == kind)
                .ok_or_else(|| anyhow::anyhow!("bad summary line {line}"))?;
            rows.insert(kind, n.parse()?);
        }
    }
    Ok(Book { dir, rows })
}

/// One measured figure: a value, how to show it, and an optional comparison.
#[derive(Clone, Default)]
struct Figure {
    value: f64,
    text: String,
    note: String,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn fig_ms(d: Duration) -> Figure {
    let v = ms(d);
    Figure { value: v, text: format_ms(v), note: String::new() }
}

fn format_ms(v: f64) -> String {
    if v >= 1000.0 { format!("{:.2} s", v / 1000.0) } else { format!("{v:.1} ms") }
}

/// Which figures to stop after.
#[derive(Clone, Copy)]
struct Only {
    /// The import and size figures.
    import: bool,
    /// Today's: first frames, `cockpit today --json`, Today's keys.
    today: bool,
    /// The first frames and every pane's key walk.
    keys: bool,
}

fn measure(
    book: &Book,
    compare: bool,
    keep_db: bool,
    only: Only,
) -> anyhow::Result<BTreeMap<String, Figure>> {
    let mut out: BTreeMap<String, Figure> = BTreeMap::new();
    let db = book.dir.join("cockpit.db");
    if !(keep_db && db.exists()) {
        import_book(book, &db, compare, &mut out)?;
    }
    if only.import {
        return Ok(out);
    }
    pipeline::seed_opportunities(&db)?;
    if only.today || only.keys {
        // Nothing else is measured.
    } else if let Err(why) = team::team_figures(&mut out) {
        eprintln!("team sync row skipped: {why}");
    }

    // The CSM owning `USER_ACCOUNTS` accounts: the first CSM.
    let user = Params::ending_before(today(), 1, MONTHS, SEED).lead_csm().to_string();
    let owned = Store::open(&db)?.book_rows(today())?.iter().filter(|r| r.csm == user).count();
    eprintln!("opening as {user}, CSM of {owned} accounts");

    // First frame, headless: open the store, load the book, draw. Five
    // openings, a second apart (what the last one started behind its first
    // screen ends); the median is reported, the first (just after the
    // import) and the range beside it.
    let mut headless = Vec::new();
    let mut opened = None;
    for _ in 0..FIRST_FRAME_RUNS {
        drop(opened.take());
        std::thread::sleep(Duration::from_secs(1));
        let t = Instant::now();
        let store = Store::open(&db)?;
        let mut app = App::new(store, clock(), Config::default(), &user, Theme::plain())?;
        let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT))?;
        app.resize(WIDTH, HEIGHT);
        terminal.draw(|frame| app.draw(frame))?;
        headless.push(t.elapsed());
        opened = Some((app, terminal));
    }
    let (mut app, mut terminal) = opened.ok_or_else(|| anyhow::anyhow!("no first frame"))?;
    out.insert("first frame (headless)".to_string(), median_figure(&headless));
    out.insert("first frame, by phase".to_string(), first::phases(&db, &user)?);
    out.insert("Today behind the screen (after m)".to_string(), first::behind(&db, &user)?);
    out.insert(
        "first frame (binary in a terminal)".to_string(),
        binary_first_frame_apart(&db, &user),
    );
    out.insert("cockpit today --json".to_string(), today_json(&db, &user)?);
    let whose = format!("as {user}, CSM of {owned} accounts");
    for name in
        ["first frame (headless)", "first frame (binary in a terminal)", "cockpit today --json"]
    {
        if let Some(figure) = out.get_mut(name) {
            figure.note = format!("{whose}; {}", figure.note);
        }
    }

    // Every pane, by its title, over its scripted walk.
    let mut all = Vec::new();
    for (index, (_, title)) in app.pane_scopes().into_iter().enumerate() {
        if only.today && title != "Today" {
            continue;
        }
        let (mut settles, mut cpu) = (Vec::new(), Vec::new());
        let mut times = walk_pane(&mut app, &mut terminal, index, title, &mut settles, &mut cpu)?;
        let mut figure = key_figure(&mut times);
        if let Some(longest) = settles.iter().max() {
            figure.note = format!(
                "{}; a pause after each key (what loads or counts behind the screen) at most {:.2} ms over {} keys",
                figure.note,
                ms(*longest),
                settles.len()
            );
        }
        if title == "Today" {
            figure.note = format!("{whose}; {}", figure.note);
            // The same keys' time on the CPU: what the key costs, apart
            // from what other processes of a busy machine took meanwhile.
            if !cpu.is_empty() {
                let mut on_cpu = key_figure(&mut cpu);
                on_cpu.note = format!("{whose}; {}; load average {}", on_cpu.note, load_average());
                out.insert("keys: Today, on the CPU".to_string(), on_cpu);
            }
        }
        eprintln!("keys in {title}: {} ({})", figure.text, figure.note);
        out.insert(format!("keys: {title}"), figure);
        all.extend(times);
    }
    if only.today {
        return Ok(out);
    }
    out.insert("keys: all panes".to_string(), key_figure(&mut all));
    if only.keys {
        return Ok(out);
    }
    let mut search = walk_search(&mut app, &mut terminal)?;
    out.insert("whole-book search, each key".to_string(), key_figure(&mut search));
    drop(app);

    // The loads behind the panes and reports.
    let store = Store::open(&db)?;
    let config = Config::default();
    let month = Month::of(today());
    let t = Instant::now();
    let series = cockpit::cli::metrics::trailing_retention(&store, None)?;
    let ours = t.elapsed();
    let mut retention = fig_ms(ours);
    retention.note = format!("{} months", series.len());
    if compare {
        match pandas_retention(&book.dir.join("snapshots.csv")) {
            Some(theirs) => {
                retention.note = format!(
                    "{}; pandas {}, ours {:.1}× faster",
                    retention.note,
                    format_ms(theirs * 1000.0),
                    theirs * 1000.0 / ms(ours)
                );
            }
            None => retention.note.push_str("; pandas: not available"),
        }
    }
    out.insert("trailing retention series".to_string(), retention);
    let t = Instant::now();
    let forecast = cockpit::read::renewals::forecast(&store, month, 12, &config)?;
    let took = t.elapsed();
    std::hint::black_box(&forecast);
    out.insert("12-month forecast".to_string(), fig_ms(took));
    // The panes build from the book rows the cockpit already holds; the
    // store's own reads are timed beside them.
    let rows = store.book_rows(today())?;
    let t = Instant::now();
    std::hint::black_box(cockpit::read::positions::board_from_rows(
        &store,
        &rows,
        today(),
        &config,
    )?);
    out.insert("4A board load".to_string(), fig_ms(t.elapsed()));
    let t = Instant::now();
    std::hint::black_box(cockpit::read::positions::target_list_from_rows(
        &store,
        &rows,
        today(),
        &config,
    )?);
    out.insert("targets load".to_string(), fig_ms(t.elapsed()));
    let t = Instant::now();
    std::hint::black_box(cockpit::read::board::board(&store, today(), &config)?);
    out.insert("4A board, read whole from the store".to_string(), fig_ms(t.elapsed()));
    let t = Instant::now();
    std::hint::black_box(cockpit::read::renewals::calendar_month(
        &store,
        month,
        today(),
        &config,
        &CalendarFilter::default(),
    )?);
    out.insert("calendar month".to_string(), fig_ms(t.elapsed()));
    drop(store);
    health::health_figures(&db, &mut out)?;
    pipeline::measure(&db, &mut out)?;
    playbooks(&db, &user, &mut out)?;

    out.insert("peak memory (open + walk)".to_string(), peak_memory(&db, &user)?);
    subscriptions::measure(book, &mut out)?;
    Ok(out)
}

/// The day's playbook triggers over the whole book (the first run starts
/// every renewal and onboarding playbook due; a later one finds them all
/// fired), and the task list `cockpit tasks` and Today read, for one CSM and
/// for everyone.
fn playbooks(db: &Path, user: &str, out: &mut BTreeMap<String, Figure>) -> anyhow::Result<()> {
    use cockpit::read::tasks::{TaskQuery, task_list};
    let mut store = Store::open(db)?;
    store.set_playbooks(Config::default().playbooks);
    let now = today().and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();
    let t = Instant::now();
    let started = store.run_playbook_sweep(today(), now)?;
    let mut first = fig_ms(t.elapsed());
    first.note = format!("{started} tasks started");
    out.insert("playbook triggers, first run".to_string(), first);
    let t = Instant::now();
    let again = store.run_playbook_sweep(today(), now)?;
    let mut later = fig_ms(t.elapsed());
    later.note = format!("{again} tasks started");
    out.insert("playbook triggers, each opening".to_string(), later);
    for (name, owner) in [("tasks list, one CSM", Some(user)), ("tasks list, everyone", None)] {
        let t = Instant::now();
        let rows = task_list(&store, TaskQuery { owner, due_within: None, today: today() })?;
        let mut figure = fig_ms(t.elapsed());
        figure.note = format!("{} open tasks", rows.len());
        out.insert(name.to_string(), figure);
    }
    Ok(())
}

/// `cockpit today --user USER --json`, the whole process, three runs: the
/// median, the range beside it.
fn today_json(db: &Path, user: &str) -> anyhow::Result<Figure> {
    let mut runs = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_cockpit"))
            .arg("--db")
            .arg(db)
            .args(["today", "--user", user, "--json"])
            .env("COCKPIT_TODAY", today().to_string())
            .output()?;
        runs.push(t.elapsed());
        anyhow::ensure!(
            output.status.success(),
            "cockpit today failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(median_figure(&runs))
}

/// The machine's load average over the last minute, as `/proc/loadavg` says.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".to_string())
}

/// The target of each figure, from the issues.
fn target(name: &str) -> &'static str {
    match name {
        "import: open, commit and close" => "",
        n if n.starts_with("import") => "≥ sqlite3 .import",
        n if n.starts_with("database size") => "≤ 1.5× sqlite3",
        n if n.starts_with("first frame") => "≤ 100 ms",
        n if n.starts_with("keys") => "p99 ≤ 16 ms",
        n if n.starts_with("whole-book search") => "first screen ≤ 50 ms",
        "trailing retention series" => "≤ 1 s, ≥ 3× pandas",
        "12-month forecast" => "≤ 200 ms",
        "cockpit today --json" => "≤ 300 ms",
        "4A board load" | "targets load" | "calendar month" => "≤ 100 ms",
        "pipeline load" | "cross-sell grid load" => "< 100 ms",
        "cockpit targets --cross-sell --json" => "< 1 s",
        "scorecard, whole book" => "≤ 200 ms",
        "backtest over 3 years" => "≤ 1 s",
        n if n.starts_with("team sync") => "< 2 s on loopback",
        n if n.starts_with("team book") => "≤ 2× local import all",
        n if n.starts_with("team roll-up read") => "< 200 ms",
        n if n.starts_with("team roll-up, key to drawn") => "< 200 ms",
        n if n.starts_with("team roll-up") => "draw ≤ 200 ms",
        "playbook triggers, each opening" | "tasks list, one CSM" => "≤ 100 ms",
        "tasks list, everyone" => "≤ 300 ms",
        n if n.starts_with("peak memory") => "≤ 150 MB",
        _ => "",
    }
}

fn print_tables(results: &[(u32, BTreeMap<String, Figure>)]) {
    let Some((_, first)) = results.first() else { return };
    let mut order: Vec<&String> = first.keys().collect();
    let rank = |name: &str| -> u8 {
        match name {
            n if n.starts_with("import") => 0,
            n if n.starts_with("database size") => 1,
            n if n.starts_with("first frame") => 2,
            n if n.starts_with("keys") => 3,
            n if n.starts_with("peak") => 5,
            _ => 4,
        }
    };
    order.sort_by_key(|n| (rank(n), n.as_str() == "import all files", (*n).clone()));
    let sizes: Vec<String> = results.iter().map(|(n, _)| format!("{n} accounts")).collect();
    let growth = results.len() == 2;
    let mut header = vec!["Figure".to_string(), "Target".to_string()];
    header.extend(sizes.iter().cloned());
    if growth {
        header.push("Growth".to_string());
    }
    let mut rows = Vec::new();
    for name in order {
        let mut row = vec![name.clone(), target(name).to_string()];
        for (_, figures) in results {
            let f = figures.get(name).cloned().unwrap_or_default();
            row.push(if f.note.is_empty() { f.text } else { format!("{} ({})", f.text, f.note) });
        }
        if growth {
            let a = results[0].1.get(name).map_or(0.0, |f| f.value);
            let b = results[1].1.get(name).map_or(0.0, |f| f.value);
            row.push(if a > 0.0 && b > 0.0 { format!("{:.1}×", b / a) } else { String::new() });
        }
        rows.push(row);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().chain([&header]).map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let line = |cells: &[String]| {
        cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect::<Vec<_>>().join("  ")
    };
    println!();
    println!("{}", line(&header));
    println!("{}", widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "));
    for row in &rows {
        println!("{}", line(row));
    }
    println!();
    println!("| {} |", header.join(" | "));
    println!("|{}|", header.iter().map(|_| "---").collect::<Vec<_>>().join("|"));
    for row in &rows {
        println!("| {} |", row.join(" | "));
    }
}
