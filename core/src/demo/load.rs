//! Loads the bundled demo book into a fresh database of its own, through the
//! same importer and store methods a user's actions go through, so the demo
//! shows exactly what a real book would. Never touches the user's database.

use super::records::{DemoOpportunityKind, DemoTakeaway};
use super::{DemoBook, book};
use crate::clock::Clock;
use crate::domain::churn::{ChainLink, ChurnChain, ChurnEvent, Reason};
use crate::domain::moment::MomentKind;
use crate::domain::opportunity::{OpportunityFields, OpportunityKind, OpportunityStage};
use crate::domain::success_plan::{PlanValue, SuccessPlanFields};
use crate::domain::trial::{Takeaway, TrialFields};
use crate::import::{ImportKind, import_reader};
use crate::store::Store;
use anyhow::Context as _;
use std::path::{Path, PathBuf};

/// Who the demo's own writes are attributed to when a record names no one.
const DEMO_AUTHOR: &str = "demo";

/// Where `--demo` keeps its database: beside the user's data, never in it.
pub fn demo_database_path() -> PathBuf {
    std::env::var_os("COCKPIT_DEMO_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::paths::default_database().with_file_name("demo.db"))
}

/// Builds a fresh demo database at `path` (replacing an earlier demo there)
/// with dates following `clock`'s today, and opens it. The book is built in a
/// temporary file and moved into place only when complete, so a failure or a
/// crash never leaves half a demo behind.
pub fn create_demo_database(path: &Path, clock: &Clock) -> anyhow::Result<Store> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)
        .with_context(|| format!("{}: cannot create the folder", folder.display()))?;
    let building = path.with_extension("db.building");
    remove_database_files(&building)?;
    {
        let mut store = Store::open(&building)?;
        let book = book(clock.today())?;
        load(&mut store, &book, clock)?;
    }
    remove_database_files(path)?;
    std::fs::rename(&building, path)
        .with_context(|| format!("{}: cannot move the demo into place", path.display()))?;
    Ok(Store::open(path)?)
}

fn remove_database_files(path: &Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = PathBuf::from(name);
        if file.exists() {
            std::fs::remove_file(&file)
                .with_context(|| format!("{}: cannot replace the old demo", file.display()))?;
        }
    }
    Ok(())
}

/// Loads every part of the demo book into `store`.
pub fn load(store: &mut Store, book: &DemoBook, clock: &Clock) -> anyhow::Result<()> {
    // Health and stage come from the dated histories below, so the accounts
    // file is imported without them and each change is replayed in order.
    let accounts = without_column(&without_column(&book.accounts, "health")?, "stage")?;
    let files = [
        (ImportKind::Accounts, "accounts.csv", accounts.as_str()),
        (ImportKind::Snapshots, "snapshots.csv", book.snapshots.as_str()),
        (ImportKind::Contracts, "contracts.csv", book.contracts.as_str()),
        (ImportKind::Notes, "notes.csv", book.notes.as_str()),
    ];
    for (kind, name, text) in files {
        import_reader(store, kind, name, text.as_bytes(), DEMO_AUTHOR, clock)
            .map_err(|error| anyhow::anyhow!("demo {name}: {error}"))?;
    }
    load_signals(store, clock)?;
    let mut history = book.health_history.clone();
    history.sort_by_key(|change| change.at);
    for change in &history {
        store.set_health(
            &change.account_id,
            change.health,
            &change.reason,
            &change.who,
            change.at,
        )?;
    }
    // The accounts were imported without a stage, which the import records
    // as a move to the first stage today; the dated history below replaces it.
    store.forget_stage_changes(DEMO_AUTHOR, "imported from accounts.csv")?;
    let mut stages = book.stage_history.clone();
    stages.sort_by(|a, b| (&a.account_id, a.at).cmp(&(&b.account_id, b.at)));
    for change in &stages {
        store.replay_stage_change(
            &change.account_id,
            change.stage,
            &change.reason,
            &change.who,
            change.at,
        )?;
    }
    let reasons = store.churn_reasons()?;
    for record in &book.churn_chains {
        let event = ChurnEvent::parse(record.event.as_str())?;
        let mut chain =
            ChurnChain::new(&record.account_id, event, record.event_date, record.arr_lost);
        chain.links = record.causes.iter().map(|cause| link_for(cause, &reasons)).collect();
        let at = record.event_date.and_hms_opt(17, 0, 0).unwrap_or_default().and_utc();
        store.save_churn_chain(&chain, DEMO_AUTHOR, at)?;
    }
    for record in &book.opportunities {
        let fields = OpportunityFields {
            product: record.product.clone(),
            kind: match record.kind {
                DemoOpportunityKind::Upsell => OpportunityKind::Upsell,
                DemoOpportunityKind::CrossSell => OpportunityKind::CrossSell,
            },
            arr: record.arr,
            stage: OpportunityStage::parse(record.stage.as_str())?,
            owner: record.owner.clone(),
            close_date: Some(record.close_date),
            next_step: String::new(),
        };
        store.add_opportunity(&record.account_id, &fields, clock.now())?;
    }
    for record in &book.moments {
        let kind = moment_kind(&record.kind)?;
        let id = store.add_moment(&record.account_id, kind, &record.title, record.due_on)?;
        if let Some(done_at) = record.done_at {
            store.complete_moment(id, done_at, DEMO_AUTHOR)?;
        }
    }
    for record in &book.success_plans {
        let fields = SuccessPlanFields {
            measure: record.measure.clone(),
            unit: record.unit.clone(),
            baseline: PlanValue(record.baseline_hundredths),
            target: PlanValue(record.target_hundredths),
            current: PlanValue(record.current_hundredths),
            start_date: record.start_date,
            target_date: record.target_date,
        };
        store.add_success_plan(&record.account_id, &fields, clock.now())?;
    }
    for record in &book.trials {
        let fields = TrialFields {
            product: record.product.clone(),
            start_date: record.start_date,
            end_date: record.end_date,
            success_criteria: record.success_criteria.clone(),
            takeaway: match record.takeaway {
                DemoTakeaway::Passed => Takeaway::Passed,
                DemoTakeaway::Failed => Takeaway::Failed,
                DemoTakeaway::NotYet => Takeaway::NotYet,
            },
            note: record.note.clone(),
        };
        store.add_trial(&record.account_id, &fields)?;
    }
    Ok(())
}

/// A taxonomy reason when the label is one (any letter case), else free text.
fn link_for(cause: &str, reasons: &[Reason]) -> ChainLink {
    reasons
        .iter()
        .find(|reason| reason.label.eq_ignore_ascii_case(cause.trim()))
        .map(ChainLink::reason)
        .unwrap_or_else(|| ChainLink::free_text(cause.trim()))
}

/// The demo's moment words, including its older spellings.
fn moment_kind(word: &str) -> anyhow::Result<MomentKind> {
    Ok(match word {
        "kickoff" => MomentKind::KickOff,
        "monthly_review" => MomentKind::CheckIn,
        other => MomentKind::parse(other)?,
    })
}

/// The CSV text with one column's cells emptied (its header kept).
fn without_column(text: &str, column: &str) -> anyhow::Result<String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers()?.clone();
    let position = headers.iter().position(|h| h == column);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&headers)?;
    for record in reader.records() {
        let record = record?;
        let row: Vec<&str> = record
            .iter()
            .enumerate()
            .map(|(i, cell)| if Some(i) == position { "" } else { cell })
            .collect();
        writer.write_record(&row)?;
    }
    Ok(String::from_utf8(writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?)
}

/// The demo's usage, tickets and survey answers, drawn from its contracts
/// and snapshots by the generator's signals (so they lead its churn as a
/// real book's would) and imported like a user's files.
fn load_signals(store: &mut Store, clock: &Clock) -> anyhow::Result<()> {
    use crate::generate::signals::signals;
    use std::collections::BTreeMap;
    let mut months: BTreeMap<String, BTreeMap<crate::domain::Month, i64>> = BTreeMap::new();
    store.each_snapshot(|s| {
        *months.entry(s.account_id).or_default().entry(s.month).or_default() +=
            s.units.unwrap_or(0);
        Ok(())
    })?;
    let mut contracts: BTreeMap<String, Vec<crate::domain::Contract>> = BTreeMap::new();
    store.each_contract(|c| {
        contracts.entry(c.account_id.clone()).or_default().push(c);
        Ok(())
    })?;
    let horizon = crate::domain::Month::of(clock.today()).minus(1).last_day();
    let time = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut usage = String::from("account_id,month,measure,value\n");
    let mut tickets = String::from("ticket_id,account_id,opened_at,severity,closed_at,subject\n");
    let mut surveys = String::from("account_id,answered_at,kind,score,comment\n");
    for (account_id, by_month) in &months {
        let months: Vec<_> = by_month.iter().map(|(m, u)| (*m, *u)).collect();
        let own = contracts.get(account_id).map_or(&[][..], Vec::as_slice);
        let made = signals(DEMO_SEED, account_id, &months, own, horizon);
        for (month, measure, value) in &made.usage {
            let value = crate::domain::signals::UsageValue(*value);
            usage.push_str(&format!("{account_id},{month},{measure},{value}\n"));
        }
        for t in &made.tickets {
            let closed = t.closed_at.map(time).unwrap_or_default();
            tickets.push_str(&format!(
                "{},{account_id},{},{},{closed},{}\n",
                t.id,
                time(t.opened_at),
                t.severity,
                t.subject
            ));
        }
        for a in &made.answers {
            surveys.push_str(&format!(
                "{account_id},{},{},{},{}\n",
                time(a.answered_at),
                a.kind,
                a.score,
                a.comment
            ));
        }
    }
    for (kind, name, text) in [
        (ImportKind::Usage, "usage.csv", usage),
        (ImportKind::Tickets, "tickets.csv", tickets),
        (ImportKind::Surveys, "surveys.csv", surveys),
    ] {
        import_reader(store, kind, name, text.as_bytes(), DEMO_AUTHOR, clock)
            .map_err(|error| anyhow::anyhow!("demo {name}: {error}"))?;
    }
    Ok(())
}

/// The seed of the demo's signals: the same demo every time.
const DEMO_SEED: u64 = 19;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Health;
    use chrono::NaiveDate;

    #[test]
    fn the_whole_demo_loads_with_its_stories() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("demo.db");
        let clock = Clock::fixed(NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"));
        let store = create_demo_database(&path, &clock).expect("demo");
        let book = book(clock.today()).expect("book");
        let rows = store.book_rows(clock.today()).expect("rows");
        assert!(rows.len() >= 60, "{} accounts", rows.len());
        assert!(rows.iter().any(|r| r.csm == crate::demo::DEMO_CSM), "the demo opens as a CSM");
        // Every account's health is the last of its history.
        let mut last = std::collections::HashMap::new();
        for change in &book.health_history {
            let entry = last.entry(change.account_id.clone()).or_insert(change.clone());
            if change.at >= entry.at {
                *entry = change.clone();
            }
        }
        for row in &rows {
            if let Some(change) = last.get(&row.id) {
                assert_eq!(row.health, Some(change.health), "{}", row.id);
            }
        }
        assert!(rows.iter().any(|r| r.health == Some(Health::Red)));
        // Every account's stage is the last of its history, since that day.
        let accounts: std::collections::HashMap<String, String> =
            csv::Reader::from_reader(book.accounts.as_bytes())
                .records()
                .map(|r| r.expect("row"))
                .map(|r| (r[0].to_string(), r[7].to_string()))
                .collect();
        for row in &rows {
            let last = book
                .stage_history
                .iter()
                .filter(|c| c.account_id == row.id)
                .max_by_key(|c| c.at)
                .expect("a stage history");
            assert_eq!(row.stage, last.stage, "{}", row.id);
            assert_eq!(row.stage.as_str(), accounts[&row.id], "{}", row.id);
            assert_eq!(row.stage_since, Some(last.at.date_naive()), "{}", row.id);
            // The timeline shows the demo's history and nothing the import made up.
            let written = store.stage_history(&row.id).expect("history");
            let given = book.stage_history.iter().filter(|c| c.account_id == row.id).count();
            assert_eq!(written.len(), given, "{}: {written:?}", row.id);
        }
        let chains = store.churn_chains_for_report(None, None).expect("chains");
        assert_eq!(chains.len(), book.churn_chains.len());
        assert!(chains.iter().all(|c| c.chain.check_etiology().is_ok()));
        // A second demo replaces the first instead of doubling it.
        drop(store);
        let again = create_demo_database(&path, &clock).expect("again");
        assert_eq!(again.book_rows(clock.today()).expect("rows").len(), rows.len());
        assert!(!path.with_extension("db.building").exists());
    }
}
