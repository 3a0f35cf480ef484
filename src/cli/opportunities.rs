//! `cockpit opportunities`: the pipeline for scripts and people — every
//! opportunity by stage and close date, with totals per stage and per owner
//! (the read model `read::pipeline`, which the Pipeline pane shows too).

use super::Context;
use super::output;
use crate::domain::opportunity::OpportunityStage;
use crate::read::pipeline::{PipelineFilter, pipeline};
use serde_json::{Value, json};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only opportunities this person owns, case-insensitive.
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
    /// Only opportunities in this stage.
    #[arg(long, value_parser = super::choice::parser::<OpportunityStage>())]
    pub stage: Option<OpportunityStage>,
    /// Print JSON (money as exact numbers).
    #[arg(long)]
    pub json: bool,
}

pub fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let store = context.open_store()?;
    let filter = PipelineFilter {
        owner: args.owner.clone(),
        stage: args.stage,
        ..PipelineFilter::default()
    };
    let list = pipeline(&store, &filter)?;
    let totals = list
        .by_stage
        .iter()
        .map(|(_, t)| t.arr)
        .chain(list.by_owner.iter().flat_map(|(_, open, won)| [open.arr, won.arr]))
        .chain([list.open.arr]);
    crate::metrics::all_exact(totals)?;
    if args.json {
        let rows: Vec<Value> = list
            .rows
            .iter()
            .map(|row| {
                let o = &row.opportunity;
                json!({
                    "id": o.id,
                    "account_id": o.account_id,
                    "account": row.account_name,
                    "csm": row.csm,
                    "am": row.am,
                    "product": o.fields.product,
                    "kind": o.fields.kind.as_str(),
                    "stage": o.fields.stage.as_str(),
                    "arr": output::money(o.fields.arr),
                    "close_date": o.fields.close_date.map(|d| d.to_string()),
                    "owner": o.fields.owner,
                    "next_step": o.fields.next_step,
                    "lost_reason": o.lost.as_ref().map(|l| l.reason.clone()),
                    "lost_controllable": o.lost.as_ref().map(|l| l.controllable),
                })
            })
            .collect();
        let total = |t: &crate::read::pipeline::Total| json!({"count": t.count, "arr": output::money(t.arr)});
        output::print_json(&json!({
            "opportunities": rows,
            "by_stage": list.by_stage.iter().map(|(stage, t)| {
                json!({"stage": stage.as_str(), "count": t.count, "arr": output::money(t.arr)})
            }).collect::<Vec<_>>(),
            "by_owner": list.by_owner.iter().map(|(owner, open, won)| {
                json!({"owner": owner, "open": total(open), "won": total(won)})
            }).collect::<Vec<_>>(),
            "open": total(&list.open),
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    if list.rows.is_empty() {
        output::say(
            "No opportunities. Record one from Targets or the 4A board (O), and check the filters.",
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = list
        .rows
        .iter()
        .map(|row| {
            let o = &row.opportunity;
            let next = match &o.lost {
                Some(lost) => format!(
                    "lost: {} ({})",
                    lost.reason,
                    if lost.controllable { "controllable" } else { "uncontrollable" }
                ),
                None => o.fields.next_step.clone(),
            };
            vec![
                o.id.to_string(),
                row.account_name.clone(),
                o.fields.product.clone(),
                o.fields.stage.as_str().to_string(),
                o.fields.arr.to_string(),
                o.fields.close_date.map_or("-".to_string(), |d| d.to_string()),
                if o.fields.owner.is_empty() { "-".to_string() } else { o.fields.owner.clone() },
                next,
            ]
        })
        .collect();
    output::print_table(
        &["id", "account", "product", "stage", "arr", "close", "owner", "next step"],
        &rows,
    )?;
    output::say("")?;
    let stages: Vec<Vec<String>> = list
        .by_stage
        .iter()
        .filter(|(_, t)| t.count > 0)
        .map(|(stage, t)| vec![stage.as_str().to_string(), t.count.to_string(), t.arr.to_string()])
        .collect();
    output::print_table(&["stage", "deals", "arr"], &stages)?;
    output::say("")?;
    let owners: Vec<Vec<String>> = list
        .by_owner
        .iter()
        .map(|(owner, open, won)| {
            vec![
                if owner.is_empty() { "(nobody)".to_string() } else { owner.clone() },
                open.count.to_string(),
                open.arr.to_string(),
                won.count.to_string(),
                won.arr.to_string(),
            ]
        })
        .collect();
    output::print_table(&["owner", "open", "open arr", "won", "won arr"], &owners)?;
    Ok(ExitCode::SUCCESS)
}
