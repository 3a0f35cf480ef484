//! `cockpit today`: what needs a CSM today, one row per account with all its
//! reasons, ranked — the rows of the Today pane, from the same read model
//! (`read::today`), as a table fitted to the terminal or as JSON for scripts.

use super::Context;
use super::output;
use crate::domain::{Health, count};
use crate::read::today::{TodayRow, today_list};
use serde_json::{Value, json};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Whose Today (default: COCKPIT_USER, else the login name).
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    /// Print JSON (money as exact numbers).
    #[arg(long)]
    pub json: bool,
}

pub fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let store = context.open_store()?;
    let config = context.config()?;
    let today = context.clock.today();
    let user = args.user.as_deref().map_or(context.user.as_str(), str::trim);
    let list = today_list(&store, user, today, &config)?;
    crate::metrics::all_exact(list.rows.iter().map(|row| row.triage.arr))?;
    if args.json {
        output::print_json(&Value::Array(list.rows.iter().map(row_json).collect()))?;
        return Ok(ExitCode::SUCCESS);
    }
    if list.rows.is_empty() {
        let message = if list.book_accounts == 0 {
            "No accounts yet: import a book (cockpit import) or try cockpit --demo.".to_string()
        } else if list.user_accounts == 0 {
            format!(
                "{user} owns no accounts: pass --user NAME or set COCKPIT_USER to a CSM's name."
            )
        } else {
            format!(
                "Nothing needs {user} today across {}.",
                count::of(list.user_accounts, "account", "accounts")
            )
        };
        output::say(&message)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = list
        .rows
        .iter()
        .map(|row| {
            let triage = &row.triage;
            let badge = triage.flags.badge();
            let name = match badge.is_empty() {
                true => triage.name.clone(),
                false => format!("{} ✦{badge}", triage.name),
            };
            let also: Vec<String> = triage.reasons[1..].iter().map(|r| r.kind.tag()).collect();
            vec![
                row.health.map_or("-".to_string(), |h| h.letter().to_string()),
                name,
                triage.score.to_string(),
                row.first().kind.label().to_string(),
                triage.arr.to_string(),
                row.first().why.clone(),
                also.join(", "),
            ]
        })
        .collect();
    output::print_table(&["health", "account", "score", "why", "arr", "detail", "also"], &rows)?;
    output::say(&format!("{} for {user} on {today}", count::of(list.rows.len(), "row", "rows")))?;
    Ok(ExitCode::SUCCESS)
}

/// One Today row as JSON: the account, its score, its reasons (strongest
/// first), its health and any health suggestion waiting on it.
fn row_json(row: &TodayRow) -> Value {
    let triage = &row.triage;
    let reasons: Vec<Value> = triage
        .reasons
        .iter()
        .map(|reason| {
            json!({
                "kind": reason.kind.label(),
                "key": reason.key,
                "reason": reason.why,
                "urgency": reason.score,
            })
        })
        .collect();
    json!({
        "account_id": triage.account_id,
        "name": triage.name,
        "csm": row.csm,
        "score": triage.score,
        "reasons": reasons,
        "arr": output::money(triage.arr),
        "tier": triage.tier,
        "health": row.health.map(Health::as_str),
        "flags": triage.flags.names(),
        "suggestion": row.suggestion.as_ref().map(|s| json!({
            "health": s.health.as_str(),
            "reason": s.reason(),
        })),
    })
}
