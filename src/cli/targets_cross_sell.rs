//! `cockpit targets --cross-sell`: the products each account does not hold,
//! valued at the median ARR of its peers (rule: `read::cross_sell`), and the
//! product × segment adoption grid, as tables or JSON. The JSON is written
//! as it is serialised, row by row, not built as a value first.

use super::Context;
use super::output;
use crate::domain::Money;
use crate::read::cross_sell::{
    CrossSell, CrossSellRow, MIN_PEERS, band, band_label, cross_sell_named,
};
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq};
use serde_json::Value;
use std::io::Write;
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
    let picture = cross_sell_named(&store)?;
    let wanted_product = args.product.as_deref().map(str::trim);
    let rows: Vec<_> = picture
        .rows
        .iter()
        .filter(|row| {
            let Some(a) = picture.account(row) else { return false };
            owners_of(args, &context.user, &a.csm, &a.am)
                && wanted_product.is_none_or(|p| picture.product(row).eq_ignore_ascii_case(p))
        })
        .collect();
    let limit = args.limit.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let shown = &rows[..rows.len().min(limit)];
    if args.json {
        let out = std::io::stdout().lock();
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        let document = Document { picture: &picture, rows: shown, matching: rows.len() };
        crate::text::json::to_writer(&mut out, &document)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    if picture.products.is_empty() {
        output::say("No cross-sell: no account holds a product in the latest snapshot month.")?;
        return Ok(ExitCode::SUCCESS);
    }
    let table: Vec<Vec<String>> = shown
        .iter()
        .filter_map(|row| {
            let a = picture.account(row)?;
            Some(vec![
                a.name.clone(),
                if a.segment.trim().is_empty() { "-".into() } else { a.segment.clone() },
                band_label(band(a.arr)),
                picture.product(row).to_string(),
                row.peer_median_arr.map_or("-".to_string(), |m| m.to_string()),
                row.peers.to_string(),
            ])
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

/// A cell's share of holders.
fn adoption(holders: usize, accounts: usize) -> Option<crate::metrics::rate::Rate> {
    let (h, a) = (i128::try_from(holders).unwrap_or(0), i128::try_from(accounts).unwrap_or(0));
    crate::metrics::rate::Rate::new(h, a)
}

/// The JSON document: its keys in byte order, as a JSON value prints them.
struct Document<'a> {
    picture: &'a CrossSell,
    rows: &'a [&'a CrossSellRow],
    matching: usize,
}

/// One candidate row.
struct RowJson<'a>(&'a CrossSell, &'a CrossSellRow);

/// One product's line of the grid.
struct GridJson<'a>(&'a CrossSell, usize);

/// An amount as an exact JSON number.
fn money(amount: Money) -> Value {
    output::money(amount)
}

impl Serialize for Document<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("cross_sell", &Rows(self))?;
        let grid: Vec<GridJson<'_>> =
            (0..self.picture.products.len()).map(|p| GridJson(self.picture, p)).collect();
        map.serialize_entry("grid", &grid)?;
        map.serialize_entry("matching", &self.matching)?;
        map.serialize_entry("min_peers", &MIN_PEERS)?;
        map.end()
    }
}

/// The shown rows, serialised one at a time.
struct Rows<'a>(&'a Document<'a>);

impl Serialize for Rows<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.rows.len()))?;
        for row in self.0.rows {
            seq.serialize_element(&RowJson(self.0.picture, row))?;
        }
        seq.end()
    }
}

impl Serialize for RowJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let RowJson(picture, row) = *self;
        let Some(a) = picture.account(row) else { return serializer.serialize_none() };
        let mut map = serializer.serialize_map(Some(10))?;
        map.serialize_entry("account_id", &a.id)?;
        map.serialize_entry("am", &a.am)?;
        map.serialize_entry("arr", &money(a.arr))?;
        map.serialize_entry("band", &band_label(band(a.arr)))?;
        map.serialize_entry("csm", &a.csm)?;
        map.serialize_entry("name", &a.name)?;
        map.serialize_entry("peer_median_arr", &row.peer_median_arr.map(money))?;
        map.serialize_entry("peers", &row.peers)?;
        map.serialize_entry("product", picture.product(row))?;
        map.serialize_entry("segment", &a.segment)?;
        map.end()
    }
}

impl Serialize for GridJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let GridJson(picture, p) = *self;
        let cells = picture.grid.get(p).map(Vec::as_slice).unwrap_or_default();
        let segments: Vec<Value> = picture
            .segments
            .iter()
            .zip(cells)
            .map(|(segment, cell)| {
                serde_json::json!({
                    "segment": segment,
                    "holders": cell.holders,
                    "accounts": cell.accounts,
                    "adoption": output::rate(adoption(cell.holders, cell.accounts)),
                })
            })
            .collect();
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("product", picture.products.get(p).map_or("", String::as_str))?;
        map.serialize_entry("segments", &segments)?;
        map.end()
    }
}
