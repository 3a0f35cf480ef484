//! `cockpit team rollup [--json]`: the manager's roll-up of the team's book
//! (after sync, every member's book holds everyone's accounts): for every
//! CSM, Today's rows and their reasons, the ARR at stake, overdue tasks and
//! moments, and the renewal forecast of the year ahead; then the churn
//! report by root cause for the whole team. The read model is
//! `read::rollup`, the one the cockpit's roll-up view draws.

use super::super::{Context, output};
use crate::metrics::churn_report::CauseRow;
use crate::read::rollup::{CsmRollup, Rollup, rollup};
use serde_json::{Value, json};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct RollupArgs {
    /// Print JSON (money as exact numbers).
    #[arg(long)]
    pub json: bool,
}

pub fn run(context: &Context, args: RollupArgs) -> anyhow::Result<ExitCode> {
    let store = context.open_store()?;
    let config = context.config()?;
    let rollup = rollup(&store, context.clock.today(), &config)?;
    rollup.exact()?;
    if args.json {
        output::print_json(&rollup_json(&rollup))?;
        return Ok(ExitCode::SUCCESS);
    }
    if rollup.csms.is_empty() {
        output::say("No CSM owns an account yet: import the team's book (cockpit team import).")?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = rollup
        .csms
        .iter()
        .chain(std::iter::once(&rollup.total))
        .map(|line| {
            vec![
                line.csm.clone(),
                line.accounts.to_string(),
                line.today_rows.to_string(),
                line.arr_at_stake.to_string(),
                line.overdue_tasks.to_string(),
                line.overdue_moments.to_string(),
                line.forecast.atr.to_string(),
                line.forecast.expected.to_string(),
                reasons(line),
            ]
        })
        .collect();
    output::print_table(
        &[
            "csm",
            "accounts",
            "today",
            "at stake",
            "late tasks",
            "late moments",
            "ATR",
            "expected",
            "why",
        ],
        &rows,
    )?;
    output::say(&format!(
        "Today on {}; forecast of {} months from {}.",
        rollup.today, rollup.months, rollup.first_month
    ))?;
    let churn = &rollup.churn;
    if churn.chains == 0 {
        output::say("\nNo churn chains recorded yet.")?;
        return Ok(ExitCode::SUCCESS);
    }
    output::say(&format!(
        "\nChurn by root cause, whole team: {} lost over {} chains, {} controllable",
        churn.arr_lost,
        churn.chains,
        output::percent(churn.controllable_share)
    ))?;
    let causes: Vec<Vec<String>> = churn
        .by_root_cause
        .iter()
        .map(|row| {
            vec![
                row.label.clone(),
                kind(row).to_string(),
                row.arr_lost.to_string(),
                row.accounts.to_string(),
            ]
        })
        .collect();
    output::print_table(&["root cause", "kind", "ARR lost", "accounts"], &causes)?;
    Ok(ExitCode::SUCCESS)
}

/// Today's reasons, most common first as the header counts them: "renewal 2, task 1".
fn reasons(line: &CsmRollup) -> String {
    let parts: Vec<String> =
        line.by_reason.iter().map(|(kind, n)| format!("{} {n}", kind.label())).collect();
    parts.join(", ")
}

fn kind(row: &CauseRow) -> &'static str {
    match row.kind {
        _ if row.free_text => "free text",
        Some(kind) => kind.as_str(),
        None => "-",
    }
}

fn line_json(line: &CsmRollup) -> Value {
    let by_reason: serde_json::Map<String, Value> = line
        .by_reason
        .iter()
        .map(|(kind, n)| (kind.label().to_string(), Value::from(*n)))
        .collect();
    json!({
        "csm": line.csm,
        "accounts": line.accounts,
        "arr": output::money(line.arr),
        "today_rows": line.today_rows,
        "by_reason": by_reason,
        "arr_at_stake": output::money(line.arr_at_stake),
        "overdue_tasks": line.overdue_tasks,
        "overdue_moments": line.overdue_moments,
        "forecast": {
            "contracts": line.forecast.contracts,
            "atr": output::money(line.forecast.atr),
            "expected": output::money(line.forecast.expected),
            "at_risk_atr": output::money(line.forecast.at_risk_atr),
        },
    })
}

fn rollup_json(rollup: &Rollup) -> Value {
    let churn = &rollup.churn;
    let causes: Vec<Value> = churn
        .by_root_cause
        .iter()
        .map(|row| {
            json!({
                "root_cause": row.label,
                "kind": kind(row),
                "arr_lost": output::money(row.arr_lost),
                "accounts": row.accounts,
            })
        })
        .collect();
    json!({
        "today": rollup.today.to_string(),
        "forecast_from": rollup.first_month.to_string(),
        "forecast_months": rollup.months,
        "csms": rollup.csms.iter().map(line_json).collect::<Vec<_>>(),
        "team": line_json(&rollup.total),
        "churn": {
            "chains": churn.chains,
            "accounts": churn.accounts,
            "arr_lost": output::money(churn.arr_lost),
            "controllable_share": output::rate(churn.controllable_share),
            "by_root_cause": causes,
        },
    })
}
