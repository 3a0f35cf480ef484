//! `cockpit targets --cross-sell`: the products each account does not hold,
//! valued at the median ARR of its peers (rule: `read::cross_sell`), and the
//! product × segment adoption grid, as tables or JSON.

use super::Context;
use super::output;
use crate::read::cross_sell::{MIN_PEERS, band, band_label, cross_sell};
use serde_json::{Value, json};
use std::process::ExitCode;

/// What `targets --cross-sell` was asked for (its flags).
#[derive(Debug, Clone, Default)]
pub struct Wanted {
    pub am: Option<String>,
    pub mine: bool,
    pub no_am: bool,
    pub product: Option<String>,
    pub limit: Option<u32>,
    pub json: bool,
}

/// Whether an account with these owners passes `--am`, `--mine` and `--no-am`.
fn owners_of(args: &Wanted, user: &str, csm: &str, am: &str) -> bool {
    let me = user.trim();
    args.am.as_ref().is_none_or(|wanted| am.eq_ignore_ascii_case(wanted.trim()))
        && (!args.mine || csm.eq_ignore_ascii_case(me) || am.eq_ignore_ascii_case(me))
        && (!args.no_am || am.trim().is_empty())
}

pub fn run(context: &Context, args: &Wanted) -> anyhow::Result<ExitCode> {
    let store = context.open_store()?;
    let picture = cross_sell(&store)?;
    let wanted_product = args.product.as_deref().map(str::trim);
    let rows: Vec<_> = picture
        .rows
        .iter()
        .filter(|row| {
            let a = &picture.accounts[row.account];
            owners_of(args, &context.user, &a.csm, &a.am)
                && wanted_product.is_none_or(|p| row.product.eq_ignore_ascii_case(p))
        })
        .collect();
    let limit = args.limit.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let shown = &rows[..rows.len().min(limit)];
    let adoption = |holders: usize, accounts: usize| {
        let (h, a) = (i128::try_from(holders).unwrap_or(0), i128::try_from(accounts).unwrap_or(0));
        crate::metrics::rate::Rate::new(h, a)
    };
    if args.json {
        let out: Vec<Value> = shown
            .iter()
            .map(|row| {
                let a = &picture.accounts[row.account];
                json!({
                    "account_id": a.id,
                    "name": a.name,
                    "csm": a.csm,
                    "am": a.am,
                    "segment": a.segment,
                    "arr": output::money(a.arr),
                    "band": band_label(band(a.arr)),
                    "product": row.product,
                    "peer_median_arr": row.peer_median_arr.map(output::money),
                    "peers": row.peers,
                })
            })
            .collect();
        let grid: Vec<Value> = picture
            .products
            .iter()
            .zip(&picture.grid)
            .map(|(product, cells)| {
                json!({
                    "product": product,
                    "segments": picture.segments.iter().zip(cells).map(|(segment, cell)| json!({
                        "segment": segment,
                        "holders": cell.holders,
                        "accounts": cell.accounts,
                        "adoption": output::rate(adoption(cell.holders, cell.accounts)),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        output::print_json(&json!({
            "min_peers": MIN_PEERS,
            "matching": rows.len(),
            "cross_sell": out,
            "grid": grid,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    if picture.products.is_empty() {
        output::say("No cross-sell: no account holds a product in the latest snapshot month.")?;
        return Ok(ExitCode::SUCCESS);
    }
    let table: Vec<Vec<String>> = shown
        .iter()
        .map(|row| {
            let a = &picture.accounts[row.account];
            vec![
                a.name.clone(),
                if a.segment.trim().is_empty() { "-".into() } else { a.segment.clone() },
                band_label(band(a.arr)),
                row.product.clone(),
                row.peer_median_arr.map_or("-".to_string(), |m| m.to_string()),
                row.peers.to_string(),
            ]
        })
        .collect();
    output::print_table(
        &["account", "segment", "band", "product", "peer median", "peers"],
        &table,
    )?;
    if shown.len() < rows.len() {
        output::say(&format!("({} of {} shown)", shown.len(), rows.len()))?;
    }
    output::say(&format!(
        "\nValued at the median ARR of the product among peers (same segment, same ARR band) that hold it; fewer than {MIN_PEERS} peers: no value.\n"
    ))?;
    let mut headers: Vec<&str> = vec!["product"];
    let labels: Vec<String> = picture
        .segments
        .iter()
        .map(|s| if s.is_empty() { "(no segment)".to_string() } else { s.clone() })
        .collect();
    headers.extend(labels.iter().map(String::as_str));
    let grid: Vec<Vec<String>> = picture
        .products
        .iter()
        .zip(&picture.grid)
        .map(|(product, cells)| {
            let mut line = vec![product.clone()];
            line.extend(cells.iter().map(|c| {
                format!(
                    "{} {}/{}",
                    output::percent(adoption(c.holders, c.accounts)),
                    c.holders,
                    c.accounts
                )
            }));
            line
        })
        .collect();
    output::print_table(&headers, &grid)?;
    Ok(ExitCode::SUCCESS)
}
