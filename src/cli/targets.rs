//! `cockpit targets`: the hunter's ranked upsell list for scripts and people,
//! the same list the targets pane shows (rule: `metrics::targets`), each
//! target with its best cross-sell candidate beside its upsell whitespace
//! (rule: `read::cross_sell`).

use super::Context;
use super::output;
use crate::domain::tier::Tier;
use crate::domain::{Health, Stage};
use crate::metrics::targets::{TargetFilter, explain, score_parts};
use serde_json::{Value, json};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only accounts of this hunter (account manager), case-insensitive.
    #[arg(long, value_name = "NAME")]
    pub am: Option<String>,
    /// Only accounts holding this product or with a potential set for it.
    #[arg(long, value_name = "PRODUCT")]
    pub product: Option<String>,
    /// Only accounts in this 4A stage (addiction, adoption, absorption, adaptation).
    #[arg(long, value_parser = parse_stage)]
    pub stage: Option<Stage>,
    /// Only accounts of this health (red, orange, yellow, green).
    #[arg(long, value_parser = parse_health)]
    pub health: Option<Health>,
    /// Only accounts of this Pareto tier (1 is the top).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(Tier).range(1..=100))]
    pub tier: Option<Tier>,
    /// Print at most N rows (at least 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
    /// Only my book: accounts where I (`COCKPIT_USER`) am the CSM or the AM.
    #[arg(long)]
    pub mine: bool,
    /// Only accounts without an AM.
    #[arg(long, conflicts_with = "am")]
    pub no_am: bool,
    /// Cross-sell whitespace instead: each account's products it does not
    /// hold, valued at the median ARR of its peers, and the adoption grid.
    #[arg(long)]
    pub cross_sell: bool,
    /// Print JSON (money as exact numbers, rates as fractions).
    #[arg(long)]
    pub json: bool,
}

fn parse_stage(text: &str) -> Result<Stage, String> {
    Stage::parse(text).map_err(|e| e.to_string())
}

fn parse_health(text: &str) -> Result<Health, String> {
    Health::parse(text).map_err(|e| e.to_string())
}

pub fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    if args.cross_sell {
        let wanted = super::targets_cross_sell::Wanted {
            am: args.am.clone(),
            mine: args.mine,
            no_am: args.no_am,
            product: args.product.clone(),
            limit: args.limit,
            json: args.json,
        };
        return super::targets_cross_sell::run(context, &wanted);
    }
    let store = context.open_store()?;
    let today = context.clock.today();
    let list = crate::read::positions::target_list(&store, today, &context.config()?)?;
    let product = match &args.product {
        Some(name) => Some((name.clone(), store.product_holders(name.trim())?.into())),
        None => None,
    };
    let filter = TargetFilter {
        am: args.am.clone(),
        product,
        stage: args.stage,
        health: args.health,
        tier: args.tier,
        mine: args.mine.then(|| context.user.clone()),
        no_am: args.no_am,
    };
    let cross_sell = crate::read::cross_sell::cross_sell(&store)?;
    let limit = args.limit.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let matching: Vec<_> = list.rows(&filter).collect();
    let shown = &matching[..matching.len().min(limit)];
    // Every matching row, not only those shown: a priority that did not add
    // up would rank its account out of sight.
    for (target, position) in &matching {
        let amounts = [position.arr, position.absorption.whitespace, target.priority];
        crate::metrics::all_exact(amounts)?;
    }
    if args.json {
        let rows: Vec<Value> = shown
            .iter()
            .enumerate()
            .map(|(rank, (target, position))| {
                json!({
                    "rank": rank + 1,
                    "account_id": position.id,
                    "name": position.name,
                    "csm": position.csm,
                    "am": position.am,
                    "stage": position.stage.as_str(),
                    "health": position.health.map(Health::as_str),
                    "tier": position.tier,
                    "arr": output::money(position.arr),
                    "current_units": position.absorption.current_units,
                    "potential_units": position.absorption.potential_units,
                    "absorption": output::rate(position.absorption.rate()),
                    "standard": position.absorption.is_standard(),
                    "whitespace": output::money(position.absorption.whitespace),
                    "next_renewal": position.next_renewal.map(|d| d.to_string()),
                    "days_to_renewal": position.days_to_renewal(today),
                    "priority": output::money(target.priority),
                    "cross_sell": cross_sell.best(&position.id).map(|best| json!({
                        "product": best.product,
                        "peer_median_arr": best.row.peer_median_arr.map(output::money),
                        "peers": best.row.peers,
                        "candidates": best.candidates,
                    })),
                    "parts": score_parts(position, today).iter().map(|part| json!({
                        "factor": part.factor,
                        "percent": part.percent,
                        "why": part.why,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        output::print_json(&json!({
            "as_of": today.to_string(),
            "matching": matching.len(),
            "targets": rows,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    if matching.is_empty() {
        output::say(
            "No upsell targets. Targets are accounts with whitespace: set potential units per account or product, and check the filters.",
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|(target, position)| {
            vec![
                position.name.clone(),
                position.am.clone(),
                position.stage.as_str().to_string(),
                position.health.map_or("-".to_string(), |h| h.letter().to_string()),
                position.tier.to_string(),
                position.arr.to_string(),
                output::percent(position.absorption.rate()),
                position.absorption.whitespace.to_string(),
                position.days_to_renewal(today).map_or("-".to_string(), |d| d.to_string()),
                target.priority.to_string(),
                best_words(cross_sell.best(&position.id)),
            ]
        })
        .collect();
    output::print_table(
        &[
            "account",
            "am",
            "stage",
            "health",
            "tier",
            "arr",
            "absorbed",
            "whitespace",
            "renews in",
            "priority",
            "cross-sell",
        ],
        &rows,
    )?;
    output::say("")?;
    for (rank, (_, position)) in shown.iter().enumerate() {
        let line = format!("{:>3}. {}: {}", rank + 1, position.name, explain(position, today));
        output::say_wrapped(&line, 5)?;
    }
    if shown.len() < matching.len() {
        output::say(&format!("({} of {} targets shown)", shown.len(), matching.len()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The best cross-sell candidate in words: `Analytics 3,000.00 (+1)` (one
/// more candidate), `Analytics unvalued (4 peers)`, or `-` with none.
fn best_words(best: Option<crate::read::cross_sell::Best<'_>>) -> String {
    let Some(best) = best else { return "-".to_string() };
    let value = best.row.peer_median_arr.map_or_else(
        || {
            let peers = best.row.peers;
            format!("unvalued ({peers} peer{})", if peers == 1 { "" } else { "s" })
        },
        |value| value.to_string(),
    );
    let more = best.candidates - 1;
    if more > 0 {
        format!("{} {value} (+{more})", best.product)
    } else {
        format!("{} {value}", best.product)
    }
}
