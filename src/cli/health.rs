//! `cockpit health scores|backtest`: every account's scorecard with its
//! breakdown, and the backtest of the scorecard, each measure and the CSM's
//! colours against the renewal outcomes of a period — the same read models
//! as the Health view and the Metrics pane's Backtest section. The JSON
//! field names are a contract scripts depend on; do not rename them.

use super::Context;
use super::output;
use crate::domain::Day;
use crate::metrics::backtest::{LEAD_DAYS, PredictorResult, counts};
use crate::read::health::{self, Backtest};
use anyhow::bail;
use chrono::NaiveDate;
use serde_json::{Value, json};
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Every account's score, band, trend and breakdown, lowest score first.
    Scores(ScoresArgs),
    /// How the scorecard, each measure and the CSM's colours predicted the
    /// renewal outcomes of a period.
    Backtest(BacktestArgs),
}

#[derive(Debug, clap::Args)]
pub struct ScoresArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct BacktestArgs {
    /// Days before each end date at which the predictors are read.
    #[arg(long, value_name = "DAYS", default_value_t = LEAD_DAYS,
          value_parser = clap::value_parser!(i64).range(1..=730))]
    pub lead_days: i64,
    /// First end date of the period (default: three years before today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub from: Option<NaiveDate>,
    /// Last end date of the period (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub to: Option<NaiveDate>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    Day::parse(text).map(Day::date).map_err(|e| e.to_string())
}

pub fn run(context: &Context, command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Scores(args) => scores(context, args),
        Command::Backtest(args) => backtest(context, args),
    }
}

fn scores(context: &Context, args: ScoresArgs) -> anyhow::Result<ExitCode> {
    let store = context.open_store()?;
    let config = context.config()?;
    let today = context.clock.today();
    let rows = health::scores(&store, &config, today)?;
    if args.json {
        let accounts: Vec<Value> = rows
            .iter()
            .map(|row| {
                let card = row.explained(&config.scorecard);
                json!({
                    "account_id": row.account_id(),
                    "name": row.name(),
                    "csm": row.csm(),
                    "health": row.health.map(|h| h.as_str()),
                    "score": row.score,
                    "band": row.band.map(|h| h.as_str()),
                    "trend": row.trend,
                    "suggestion": row.disagrees(),
                    "measures": card.measures.iter().map(|m| json!({
                        "name": m.measure.as_str(),
                        "weight": m.weight,
                        "points": m.value.as_ref().map(|_| m.points),
                        "why": m.value.as_ref().map(|v| v.text.clone()),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        output::print_json(&json!({ "as_of": today.to_string(), "accounts": accounts }))?;
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        output::say("No accounts. Import accounts first (cockpit import accounts FILE).")?;
        return Ok(ExitCode::SUCCESS);
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let moved = row
                .explained(&config.scorecard)
                .measures
                .iter()
                .find(|m| m.lost_hundredths() > 0)
                .map_or(String::new(), |m| m.sentence());
            vec![
                row.name().to_string(),
                row.csm().to_string(),
                row.score.map_or("-".to_string(), |s| s.to_string()),
                row.band.map_or("-", |h| h.as_str()).to_string(),
                row.trend.map_or("-".to_string(), |t| format!("{t:+}")),
                row.health.map_or("-", |h| h.as_str()).to_string(),
                moved,
            ]
        })
        .collect();
    output::print_table(
        &["ACCOUNT", "CSM", "SCORE", "BAND", "30D", "CSM COLOUR", "MOVED MOST"],
        &table,
    )?;
    Ok(ExitCode::SUCCESS)
}

fn backtest(context: &Context, args: BacktestArgs) -> anyhow::Result<ExitCode> {
    let store = context.open_store()?;
    let config = context.config()?;
    let today = context.clock.today();
    let (default_from, default_to) = health::default_period(today);
    let (from, to) = (args.from.unwrap_or(default_from), args.to.unwrap_or(default_to));
    if to < from {
        bail!("--to {to} is before --from {from}");
    }
    let result = health::backtest(&store, &config, today, args.lead_days, from, to)?;
    if args.json {
        output::print_json(&json_of(&result))?;
        return Ok(ExitCode::SUCCESS);
    }
    let (renewed, contracted, churned) = counts(&result.outcomes);
    output::say(&format!(
        "{} renewal outcomes ending {from} to {to}: {renewed} renewed, {contracted} contracted, \
         {churned} churned; predictors read {} days before each end date.",
        result.outcomes.len(),
        result.lead_days
    ))?;
    let rows: Vec<Vec<String>> = result.predictors.iter().map(row_of).collect();
    output::print_table(
        &[
            "PREDICTOR",
            "FLAGGED",
            "CAUGHT",
            "MISSED",
            "FALSE ALARMS",
            "PRECISION",
            "RECALL",
            "LEAD",
        ],
        &rows,
    )?;
    Ok(ExitCode::SUCCESS)
}

fn row_of(p: &PredictorResult) -> Vec<String> {
    vec![
        p.name.clone(),
        p.flagged.len().to_string(),
        p.caught.len().to_string(),
        p.missed.len().to_string(),
        p.false_alarms.len().to_string(),
        output::percent(p.precision()),
        output::percent(p.recall()),
        p.median_lead_days().map_or("-".to_string(), |d| format!("{d}d")),
    ]
}

fn json_of(result: &Backtest) -> Value {
    let (renewed, contracted, churned) = counts(&result.outcomes);
    let ids = |indexes: &[usize]| -> Vec<Value> {
        indexes
            .iter()
            .filter_map(|i| result.outcomes.get(*i))
            .map(|o| {
                json!({
                    "contract_id": o.contract_id,
                    "account_id": o.account_id,
                    "end_date": o.end_date.to_string(),
                })
            })
            .collect()
    };
    json!({
        "lead_days": result.lead_days,
        "from": result.from.to_string(),
        "to": result.to.to_string(),
        "outcomes": result.outcomes.len(),
        "renewed": renewed,
        "contracted": contracted,
        "churned": churned,
        "predictors": result.predictors.iter().map(|p| json!({
            "name": p.name,
            "flagged": p.flagged.len(),
            "caught": p.caught.len(),
            "missed": p.missed.len(),
            "false_alarms": p.false_alarms.len(),
            "precision": output::rate(p.precision()),
            "recall": output::rate(p.recall()),
            "median_lead_days": p.median_lead_days(),
            "caught_outcomes": ids(&p.caught),
            "missed_outcomes": ids(&p.missed),
            "false_alarm_outcomes": ids(&p.false_alarms),
        })).collect::<Vec<_>>(),
    })
}
