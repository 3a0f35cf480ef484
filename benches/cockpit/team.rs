//! The team sync's row: a day's edits of 50 CSMs (5,000 events) sent by one
//! member and received by another through a PostgreSQL on loopback (the
//! server `COCKPIT_TEST_PG` names, else a throwaway one from
//! `tests/team/pg.sh`). `cargo bench --bench cockpit -- --team-only`
//! measures this row alone.

use super::{Figure, fig_ms};
use chrono::{Duration as Days, TimeZone, Utc};
use cockpit::domain::NoteKind;
use cockpit::store::Store;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const CSMS: usize = 50;
const EDITS_PER_CSM: usize = 100;

fn server() -> anyhow::Result<String> {
    if let Ok(url) = std::env::var("COCKPIT_TEST_PG")
        && !url.is_empty()
    {
        return Ok(url);
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/team/pg.sh");
    let out = Command::new(script).args(["start", "", &std::process::id().to_string()]).output()?;
    anyhow::ensure!(out.status.success(), "PostgreSQL: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace().next().map(str::to_string).ok_or_else(|| anyhow::anyhow!("no URL"))
}

fn member(dir: &Path, name: &str, url: &str) -> anyhow::Result<Store> {
    let mut store = Store::open(&dir.join(format!("{name}.db")))?;
    let accounts: String =
        (0..CSMS * 10).map(|n| format!("A{n},Account {n},csm{}\n", n % CSMS)).collect();
    let file = dir.join(format!("{name}-accounts.csv"));
    std::fs::write(&file, format!("account_id,name,csm\n{accounts}"))?;
    let clock = cockpit::clock::Clock::fixed(super::today());
    cockpit::import::import_path(
        &mut store,
        cockpit::import::ImportKind::Accounts,
        &file,
        "bench",
        &clock,
    )?;
    store.join_team(name, &cockpit_team::redact(url))?;
    Ok(store)
}

/// Inserts the team sync's figures.
pub fn team_figures(out: &mut BTreeMap<String, Figure>) -> anyhow::Result<()> {
    let admin = server()?;
    let name = format!("bench_{}", std::process::id());
    let mut client = postgres::Client::connect(&admin, postgres::NoTls)?;
    client.batch_execute(&format!("CREATE DATABASE {name}"))?;
    let url = format!("{}/{name}", admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b));
    cockpit_team::Team::connect(&url)?.init()?;
    let dir = tempfile::tempdir()?;
    let mut author = member(dir.path(), "ann", &url)?;
    let mut reader = member(dir.path(), "bob", &url)?;
    cockpit_team::sync(&mut reader, &url)?;
    let start = Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).single().unwrap_or_default();
    for n in 0..CSMS * EDITS_PER_CSM {
        let account = format!("A{}", n % (CSMS * 10));
        author.add_note(
            &account,
            NoteKind::Call,
            &format!("edit {n}"),
            "ann",
            start + Days::seconds(n as i64),
        )?;
    }
    let events = author.outbox_len()?;
    let began = Instant::now();
    let pushed = cockpit_team::sync(&mut author, &url)?;
    let push = began.elapsed();
    let began = Instant::now();
    let pulled = cockpit_team::sync(&mut reader, &url)?;
    let pull = began.elapsed();
    anyhow::ensure!(pushed.pushed == events && pulled.applied == events, "the sync lost events");
    let mut figure = fig_ms(push + pull);
    figure.note =
        format!("{events} events: send {}, receive {}", fig_ms(push).text, fig_ms(pull).text);
    out.insert("team sync of 5,000 events".to_string(), figure);
    drop(client);
    Ok(())
}

/// A new member's first pull of a whole team book: CS operations sends the
/// book's files (`team import all`'s upload), then a new member joins and
/// syncs once; timed beside a local `import all` of the same files into a
/// new database. `cargo bench --bench cockpit -- --team-book N` (or
/// `--team-book DIR`, a folder of the cockpit's CSV files).
pub fn team_book_figures(out: &mut BTreeMap<String, Figure>, dir: &Path) -> anyhow::Result<()> {
    use cockpit::import::{ImportKind, ImportOptions, import_all};
    use cockpit::team::TeamFile;
    let admin = server()?;
    let name = format!("bench_book_{}", std::process::id());
    let mut client = postgres::Client::connect(&admin, postgres::NoTls)?;
    client.batch_execute(&format!("CREATE DATABASE {name}"))?;
    let url = format!("{}/{name}", admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b));
    cockpit_team::Team::connect(&url)?.init()?;
    let work = tempfile::tempdir()?;

    let cpu_before = process_cpu();
    let began = Instant::now();
    let mut local = Store::open(&work.path().join("local.db"))?;
    import_all(&mut local, dir, "bench", &super::clock(), ImportOptions::default())
        .map_err(|e| anyhow::anyhow!("import all: {e}"))?;
    let local_time = began.elapsed();
    let local_cpu = process_cpu().zip(cpu_before).map(|(after, before)| after - before);
    let accounts = local.book_rows(super::today())?.len();
    drop(local);

    let at = Utc::now();
    let mut files = Vec::new();
    for kind in ImportKind::book_files().chain([ImportKind::Contacts]) {
        let path = dir.join(format!("{kind}.csv"));
        if path.is_file() {
            files.push(TeamFile {
                seq: 0,
                kind,
                file: path.display().to_string(),
                profile: None,
                profile_name: None,
                body: cockpit::team::Body::Path(path.clone()),
                who: "ops".to_string(),
                at,
            });
        }
    }
    let bytes: u64 = files
        .iter()
        .filter_map(|f| match &f.body {
            cockpit::team::Body::Path(path) => std::fs::metadata(path).ok().map(|m| m.len()),
            _ => None,
        })
        .sum();
    let began = Instant::now();
    cockpit_team::Team::connect(&url)?.upload(&files, &mut cockpit::team::Local)?;
    let upload = began.elapsed();
    let files_count = files.len();
    drop(files);

    // The pull is the real binary's: `cockpit team join` then `cockpit
    // sync`, each in a process of its own, so their peak memory (VmHWM)
    // is the pull's alone.
    let member_db = work.path().join("member.db");
    let settings = work.path().join("member.toml");
    std::fs::write(&settings, "")?;
    let began = Instant::now();
    let mut peaks = Vec::new();
    let mut pull_cpu = std::time::Duration::ZERO;
    for args in [vec!["team", "join", url.as_str(), "--as", "newcomer"], vec!["sync"]] {
        let (peak, cpu, said) = run_measured(&member_db, &settings, &args)?;
        pull_cpu += cpu;
        peaks.push((args[..args.len().min(2)].join(" "), peak, said));
    }
    let pull = began.elapsed();
    let member = Store::open(&member_db)?;
    anyhow::ensure!(
        member.book_rows(super::today())?.len() == accounts,
        "the member's book does not hold the team's accounts"
    );
    let peak_note: Vec<String> = peaks
        .iter()
        .map(|(what, peak, _)| format!("`cockpit {what}` peak {:.0} MB", *peak as f64 / 1e6))
        .collect();
    let report_files = peaks.last().map(|(_, _, said)| said.clone()).unwrap_or_default();
    let mut figure = fig_ms(pull);
    figure.note = format!(
        "{accounts} accounts, {} files, {:.0} MB: local import all {}, the pull takes {:.2}× its time; on a CPU {:.1} s against {}{}; upload {}; {} ({})",
        files_count,
        bytes as f64 / 1e6,
        fig_ms(local_time).text,
        pull.as_secs_f64() / local_time.as_secs_f64(),
        pull_cpu.as_secs_f64(),
        local_cpu.map_or("?".to_string(), |c| format!("{:.1} s", c.as_secs_f64())),
        local_cpu
            .filter(|c| !c.is_zero())
            .map(|c| format!(" ({:.2}×)", pull_cpu.as_secs_f64() / c.as_secs_f64()))
            .unwrap_or_default(),
        fig_ms(upload).text,
        peak_note.join(", "),
        report_files.trim(),
    );
    eprintln!("team book, new member's pull: {} ({})", figure.text, figure.note);
    out.insert("team book: new member's first pull".to_string(), figure);
    drop(member);
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
    Ok(())
}

/// This process's time on a CPU, every thread's (`/proc/self/stat`, in
/// hundredths of a second).
fn process_cpu() -> Option<std::time::Duration> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command's name, which is in brackets.
    let rest = text.rsplit_once(')')?.1;
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(std::time::Duration::from_millis((user + system) * 10))
}

/// Runs the real binary (or the one `COCKPIT_BENCH_BIN` names, a copy
/// kept while the tree is rebuilt) on `db` with `args`; its peak memory in
/// bytes (VmHWM, from `/usr/bin/time`, else 0), its time on a CPU (user
/// and system, from the same) and what it said.
fn run_measured(
    db: &Path,
    settings: &Path,
    args: &[&str],
) -> anyhow::Result<(u64, std::time::Duration, String)> {
    let binary = std::env::var_os("COCKPIT_BENCH_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_cockpit").into());
    let timed = Path::new("/usr/bin/time").is_file();
    let mut command = if timed {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "peak-kb %M cpu %U %S"]).arg(&binary);
        c
    } else {
        Command::new(&binary)
    };
    let out = command
        .arg("--db")
        .arg(db)
        .args(args)
        .env("COCKPIT_CONFIG", settings)
        .env_remove("COCKPIT_TEAM_URL")
        .output()?;
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    anyhow::ensure!(out.status.success(), "cockpit {}: {said}{err}", args.join(" "));
    let timed = err.lines().rev().find_map(|l| l.strip_prefix("peak-kb ")).unwrap_or("");
    let mut words = timed.split_whitespace();
    let peak = words.next().and_then(|w| w.parse::<u64>().ok()).unwrap_or(0);
    let cpu: f64 =
        words.filter_map(|w| w.parse::<f64>().ok()).filter(|s| s.is_finite() && *s >= 0.0).sum();
    Ok((peak * 1024, std::time::Duration::from_secs_f64(cpu), said))
}

/// The manager's roll-up for 50 CSMs: a generated book of 5,000 accounts
/// dealt round-robin to 50 CSMs; the roll-up read (behind the screen in the
/// cockpit) and its popup drawn at 160×48, the mean of 20 draws.
pub fn rollup_figures(out: &mut BTreeMap<String, Figure>) -> anyhow::Result<()> {
    use cockpit::generate::{Params, write_book};
    use cockpit::import::{ImportOptions, import_all};
    const CSMS_IN_ROLLUP: usize = 50;
    let dir = tempfile::tempdir()?;
    let files = dir.path().join("book");
    write_book(&Params::ending_before(super::today(), 5_000, 36, 8), &files)?;
    let db = dir.path().join("rollup.db");
    let mut store = Store::open(&db)?;
    import_all(&mut store, &files, "bench", &super::clock(), ImportOptions::default())
        .map_err(|e| anyhow::anyhow!("import all: {e}"))?;
    for (n, row) in store.book_rows(super::today())?.iter().enumerate() {
        store.set_owners(&row.id, &format!("CSM {:02}", n % CSMS_IN_ROLLUP), &row.am)?;
    }
    measure_rollup(out, store, "over 5,000 accounts", "50 CSMs", "50 CSMs", Some(CSMS_IN_ROLLUP))
}

/// The roll-up of the book in `db` (`--team-rollup DB`, e.g. a copy of the
/// 100,000-account bench book whose accounts were dealt to 50 CSMs).
pub fn rollup_figures_of(out: &mut BTreeMap<String, Figure>, db: &Path) -> anyhow::Result<()> {
    let store = Store::open(db)?;
    let accounts = store.book_rows(super::today())?.len();
    let csms = store.csm_names()?.len();
    let who = format!("{csms} CSMs");
    let key = format!("{who} over {accounts} accounts");
    measure_rollup(out, store, &format!("over {accounts} accounts"), &who, &key, None)
}

/// The roll-up read five times (median wall, mean CPU) and its popup drawn
/// at the bench's size, the mean of 20 draws.
fn measure_rollup(
    out: &mut BTreeMap<String, Figure>,
    store: Store,
    over: &str,
    who: &str,
    key: &str,
    expect: Option<usize>,
) -> anyhow::Result<()> {
    use cockpit::domain::Config;
    use cockpit::tui::app::App;
    use cockpit::tui::theme::Theme;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let config = Config::default();
    // The read, five times: the median wall time and the mean time on a
    // CPU (every thread's).
    const READS: u32 = 5;
    let mut reads = Vec::new();
    let cpu = process_cpu();
    for _ in 0..READS {
        let began = Instant::now();
        let rollup = cockpit::read::rollup::rollup(&store, super::today(), &config)?;
        reads.push(began.elapsed());
        if let Some(csms) = expect {
            anyhow::ensure!(rollup.csms.len() == csms, "{} CSMs", rollup.csms.len());
        }
    }
    let cpu = process_cpu().zip(cpu).map(|(after, before)| (after - before) / READS);
    reads.sort();
    let read = reads[reads.len() / 2];
    let mut figure = fig_ms(read);
    figure.note = format!(
        "{who} {over}, median of {READS}{}",
        cpu.map(|c| format!("; on a CPU {:.1} ms a read", c.as_secs_f64() * 1e3))
            .unwrap_or_default()
    );
    eprintln!("team roll-up read: {} ({})", figure.text, figure.note);
    out.insert(format!("team roll-up read, {key}"), figure);
    let steps = rollup_steps(&store, &config)?;
    eprintln!("team roll-up, its steps: {steps}");
    // From the key to the drawn roll-up, in the cockpit of a manager
    // (`[team] rollup_ahead`): the book, the first screen's loads and the
    // roll-up read ahead settled first, then `ctrl-r` and the frame that
    // shows it (every thread's CPU counted).
    let path = store.path().to_path_buf();
    let mut manager = config.clone();
    manager.team.rollup_ahead = true;
    let mut app = App::new(store, super::clock(), manager, "CSM 00", Theme::plain())?;
    app.resize(super::WIDTH, super::HEIGHT);
    let mut terminal = Terminal::new(TestBackend::new(super::WIDTH, super::HEIGHT))?;
    // The first frame, then what starts behind it (the whole book's load,
    // the damage check, the roll-up read ahead), settled before the key.
    terminal.draw(|frame| app.draw(frame))?;
    app.start_loading();
    app.settle_background();
    terminal.draw(|frame| app.draw(frame))?;
    let (opened, cpu) = key_to_drawn(&mut app, &mut terminal)?;
    let mut figure = fig_ms(opened);
    figure.note = format!(
        "{who} {over}, `ctrl-r` to the drawn roll-up, read ahead and kept current{}",
        cpu.map(|c| format!("; on a CPU {:.0} ms", c.as_secs_f64() * 1e3)).unwrap_or_default()
    );
    eprintln!("team roll-up, key to drawn: {} ({})", figure.text, figure.note);
    out.insert(format!("team roll-up, key to drawn, {key}"), figure);
    // Right after a commit (before the idle tick reads it again): the
    // kept roll-up is out of date, so the key reads it whole.
    app.handle_key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    commit_elsewhere(&path)?;
    let (opened, cpu) = key_to_drawn(&mut app, &mut terminal)?;
    let mut figure = fig_ms(opened);
    figure.note = format!(
        "{who} {over}, `ctrl-r` right after a commit: the whole read and the frame{}",
        cpu.map(|c| format!("; on a CPU {:.0} ms", c.as_secs_f64() * 1e3)).unwrap_or_default()
    );
    eprintln!("team roll-up, key to drawn after a commit: {} ({})", figure.text, figure.note);
    out.insert(format!("team roll-up, key to drawn after a commit, {key}"), figure);
    const DRAWS: u32 = 20;
    let began = Instant::now();
    for _ in 0..DRAWS {
        terminal.draw(|frame| app.draw(frame))?;
    }
    let draw = began.elapsed() / DRAWS;
    let mut figure = fig_ms(draw);
    figure.note =
        format!("{who} {over}; the roll-up is read behind the screen in {}", fig_ms(read).text);
    eprintln!("team roll-up draw: {} ({})", figure.text, figure.note);
    out.insert(format!("team roll-up draw, {key}"), figure);
    Ok(())
}

/// `ctrl-r`, its read (if any) behind the screen, and the frame that shows
/// the roll-up: the wall time and every thread's time on a CPU.
fn key_to_drawn(
    app: &mut cockpit::tui::app::App,
    terminal: &mut ratatui::Terminal<ratatui::backend::TestBackend>,
) -> anyhow::Result<(std::time::Duration, Option<std::time::Duration>)> {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let cpu = process_cpu();
    let began = Instant::now();
    app.handle_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    app.settle_background();
    terminal.draw(|frame| app.draw(frame))?;
    let opened = began.elapsed();
    let cpu = process_cpu().zip(cpu).map(|(after, before)| after - before);
    anyhow::ensure!(app.popup().is_some(), "the roll-up did not open");
    Ok((opened, cpu))
}

/// A commit that changes no row (the file's application id written back
/// as it was), as another connection's: every kept read is out of date.
fn commit_elsewhere(db: &Path) -> anyhow::Result<()> {
    let conn = rusqlite::Connection::open(db)?;
    let id: i64 = conn.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    conn.pragma_update(None, "application_id", id)?;
    Ok(())
}

/// The roll-up's steps, each timed apart on this thread: what a read of
/// 50 CSMs' Today spends where.
fn rollup_steps(store: &Store, config: &cockpit::domain::Config) -> anyhow::Result<String> {
    use cockpit::read::book::BookIndex;
    use cockpit::store::triage::Scope;
    let today = super::today();
    let mut said = Vec::new();
    let mut step = |what: &str, began: Instant| {
        said.push(format!("{what} {}", fig_ms(began.elapsed()).text));
    };
    let began = Instant::now();
    let book = BookIndex::new(store.book_rows(today)?, config, today, "");
    step("book", began);
    let names = store.csm_names()?;
    let began = Instant::now();
    for csm in &names {
        store.health_changes_of_csm(csm)?;
    }
    step("health changes", began);
    let began = Instant::now();
    let since = today - Days::days(90);
    for csm in &names {
        store.flagged_notes(Scope::Csm(csm), since)?;
    }
    step("flagged notes", began);
    let began = Instant::now();
    for csm in &names {
        store.snapshot_trends(Scope::Csm(csm))?;
    }
    step("trends", began);
    let began = Instant::now();
    cockpit::read::health::scorecard_signals(
        store,
        config,
        today,
        cockpit::store::signals::SignalScope::Book,
    )?;
    step("bands", began);
    let began = Instant::now();
    for csm in &names {
        store.lost_renewals_of_csm(csm, since, today)?;
        store.overdue_moments(today, Some(csm))?;
        cockpit::read::tasks::due_tasks(store, csm, today)?;
    }
    step("lost, moments, tasks", began);
    let began = Instant::now();
    let facts =
        cockpit::read::today::TodayFacts::read_for(store, "\u{0}", names.clone(), today, config)?;
    step("all facts", began);
    let began = Instant::now();
    let rows = cockpit::read::today::today_rows_from(facts, &book, config);
    step(&format!("{} rows", rows.len()), began);
    let began = Instant::now();
    cockpit::read::renewals::forecast(store, cockpit::domain::Month::of(today), 12, config)?;
    step("forecast", began);
    let began = Instant::now();
    store.churn_chains_for_report(None, None)?;
    step("churn", began);
    Ok(said.join(", "))
}
