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

/// The pipeline and cross-sell loads, and the CLI's cross-sell JSON.
pub(crate) fn measure(db: &Path, out: &mut BTreeMap<String, Figure>) -> anyhow::Result<()> {
    let store = Store::open(db)?;
    let t = Instant::now();
    let pipeline = cockpit::read::pipeline::pipeline(&store, &Default::default())?;
    let mut figure = fig_ms(t.elapsed());
    figure.note = format!("{} opportunities", pipeline.rows.len());
    out.insert("pipeline load".to_string(), figure);
    let t = Instant::now();
    let picture = cockpit::read::cross_sell::cross_sell(&store)?;
    let mut figure = fig_ms(t.elapsed());
    let accounts = picture.rows.iter().map(|r| r.account).collect::<std::collections::HashSet<_>>();
    figure.note = format!("{} candidates, {} accounts", picture.rows.len(), accounts.len());
    out.insert("cross-sell grid load".to_string(), figure);
    drop(store);
    let mut runs = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_cockpit"))
            .arg("--db")
            .arg(db)
            .args(["targets", "--cross-sell", "--json"])
            .env("COCKPIT_TODAY", today().to_string())
            .output()?;
        runs.push(t.elapsed());
        anyhow::ensure!(
            output.status.success(),
            "cockpit targets --cross-sell failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    out.insert("cockpit targets --cross-sell --json".to_string(), median_figure(&runs));
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
