//! The hunter's rows: the pipeline and the cross-sell grid loads, and
//! `cockpit targets --cross-sell --json` as a whole process. The generated
//! book has no opportunities, so one deal per twenty accounts is recorded
//! first (stages, owners and close dates spread evenly), once per database.

use super::{Figure, fig_ms, median_figure, today};
use chrono::{Duration as Days, TimeZone, Utc};
use cockpit::domain::Money;
use cockpit::domain::opportunity::{OpportunityFields, OpportunityKind, OpportunityStage};
use cockpit::store::Store;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Records one deal per twenty accounts when the book has none.
pub(crate) fn seed_opportunities(db: &Path) -> anyhow::Result<usize> {
    let store = Store::open(db)?;
    if !store.opportunity_rows(false)?.is_empty() {
        return Ok(0);
    }
    let rows = store.book_rows(today())?;
    let at = Utc.from_utc_datetime(&today().and_hms_opt(9, 0, 0).unwrap_or_default());
    let step = store.step()?;
    let mut added = 0;
    for (i, row) in rows.iter().enumerate().step_by(20) {
        let stage = OpportunityStage::ALL[i / 20 % OpportunityStage::ALL.len()];
        let fields = OpportunityFields {
            product: ["Analytics", "Mobile", "Security"][i / 20 % 3].to_string(),
            kind: OpportunityKind::CrossSell,
            arr: Money::from_units(1_000 + (i as i64 % 50) * 100),
            stage,
            owner: if row.am.is_empty() { row.csm.clone() } else { row.am.clone() },
            close_date: Some(today() + Days::days(i as i64 % 180)),
            next_step: "call the sponsor".to_string(),
        };
        let id = store.add_opportunity(
            &row.id,
            &OpportunityFields {
                stage: if stage == OpportunityStage::Lost {
                    OpportunityStage::Commit
                } else {
                    stage
                },
                ..fields
            },
            at,
        )?;
        if stage == OpportunityStage::Lost {
            let reason = cockpit::domain::opportunity::LostReason {
                reason: "no budget".to_string(),
                controllable: false,
            };
            store.lose_opportunity(id, &reason, at)?;
        }
        added += 1;
    }
    step.commit()?;
    Ok(added)
}

/// Loads timed: how many runs, the median kept, its time on the CPU beside it.
const LOAD_RUNS: usize = 5;

/// Runs `load` [`LOAD_RUNS`] times: the median wall time, with the median
/// time on the CPU and the load average in the note (a busy machine's wall
/// clock counts other processes' turns).
fn timed<T>(mut load: impl FnMut() -> anyhow::Result<T>) -> anyhow::Result<(Figure, T)> {
    let (mut walls, mut cpus) = (Vec::new(), Vec::new());
    let mut last = None;
    for _ in 0..LOAD_RUNS {
        let cpu = super::keys::on_cpu();
        let t = Instant::now();
        let value = load()?;
        walls.push(t.elapsed());
        if let (Some(before), Some(after)) = (cpu, super::keys::on_cpu()) {
            cpus.push(after.saturating_sub(before));
        }
        last = Some(value);
    }
    let value = last.ok_or_else(|| anyhow::anyhow!("no run"))?;
    walls.sort();
    cpus.sort();
    let mut figure = fig_ms(walls[walls.len() / 2]);
    let cpu = cpus.get(cpus.len() / 2).map_or("-".to_string(), |d| super::format_ms(super::ms(*d)));
    figure.note =
        format!("median of {LOAD_RUNS}; on the CPU {cpu}; load average {}", super::load_average());
    Ok((figure, value))
}

/// The CPU time this process's waited-for children have used (user and
/// system, Linux's `/proc/self/stat`), in clock ticks of 10 ms.
fn children_cpu() -> Option<std::time::Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Fields 16 and 17 of the line (cutime, cstime) are 13 and 14 after the name.
    let ticks: u64 = fields.get(13)?.parse::<u64>().ok()? + fields.get(14)?.parse::<u64>().ok()?;
    Some(std::time::Duration::from_millis(ticks * 10))
}

/// The pipeline and cross-sell loads, and the CLI's cross-sell JSON.
pub(crate) fn measure(db: &Path, out: &mut BTreeMap<String, Figure>) -> anyhow::Result<()> {
    let store = Store::open(db)?;
    let (mut figure, pipeline) =
        timed(|| Ok(cockpit::read::pipeline::pipeline(&store, &Default::default())?))?;
    figure.note = format!("{} opportunities; {}", pipeline.rows.len(), figure.note);
    out.insert("pipeline load".to_string(), figure);
    let (mut figure, picture) = timed(|| Ok(cockpit::read::cross_sell::cross_sell(&store)?))?;
    let accounts = picture.rows.iter().map(|r| r.account).collect::<std::collections::HashSet<_>>();
    figure.note =
        format!("{} candidates, {} accounts; {}", picture.rows.len(), accounts.len(), figure.note);
    out.insert("cross-sell grid load".to_string(), figure);
    drop(store);
    let mut runs = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..3 {
        let before = children_cpu();
        let t = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_cockpit"))
            .arg("--db")
            .arg(db)
            .args(["targets", "--cross-sell", "--json"])
            .env("COCKPIT_TODAY", today().to_string())
            .output()?;
        runs.push(t.elapsed());
        if let (Some(before), Some(after)) = (before, children_cpu()) {
            cpu.push(after.saturating_sub(before));
        }
        anyhow::ensure!(
            output.status.success(),
            "cockpit targets --cross-sell failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut figure = median_figure(&runs);
    cpu.sort();
    if let Some(median) = cpu.get(cpu.len() / 2) {
        figure.note = format!(
            "{}; on the CPU (user + system) {}; load average {}",
            figure.note,
            super::format_ms(super::ms(*median)),
            super::load_average()
        );
    }
    out.insert("cockpit targets --cross-sell --json".to_string(), figure);
    Ok(())
}

/// The hunter's figures alone, on the book's database as it is (imported
/// by an earlier run): the loads, the CLI's JSON and the Targets key walk
/// (on the CPU beside the wall clock, with the load average).
pub(crate) fn targets_only(db: &Path) -> anyhow::Result<BTreeMap<String, Figure>> {
    use super::{HEIGHT, WIDTH, clock, key_figure, walk_pane};
    use cockpit::domain::Config;
    use cockpit::tui::app::App;
    use cockpit::tui::theme::Theme;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    anyhow::ensure!(db.exists(), "no database at {}: run the bench once first", db.display());
    let mut out = BTreeMap::new();
    seed_opportunities(db)?;
    measure(db, &mut out)?;
    let user = cockpit::generate::Params::ending_before(today(), 1, super::MONTHS, super::SEED)
        .lead_csm()
        .to_string();
    let store = Store::open(db)?;
    let mut app = App::new(store, clock(), Config::default(), &user, Theme::plain())?;
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT))?;
    app.resize(WIDTH, HEIGHT);
    terminal.draw(|frame| app.draw(frame))?;
    let index = app
        .pane_scopes()
        .into_iter()
        .position(|(_, title)| title == "Targets")
        .ok_or_else(|| anyhow::anyhow!("no Targets pane"))?;
    let (mut settles, mut cpu) = (Vec::new(), Vec::new());
    let mut times = walk_pane(&mut app, &mut terminal, index, "Targets", &mut settles, &mut cpu)?;
    out.insert("keys: Targets".to_string(), key_figure(&mut times));
    if !cpu.is_empty() {
        let mut on_cpu = key_figure(&mut cpu);
        on_cpu.note = format!("{}; load average {}", on_cpu.note, super::load_average());
        out.insert("keys: Targets, on the CPU".to_string(), on_cpu);
    }
    Ok(out)
}
