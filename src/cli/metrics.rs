//! `cockpit metrics retention|bridge|renewals|pareto`: parses the arguments,
//! loads snapshots or contracts from the store, calls the pure metrics and
//! prints a table (rates as percentages) or one JSON object (money in
//! currency units, rates as fractions, `null` when undefined). The JSON field
//! names are a contract that scripts depend on; do not rename them.

use super::Context;
use super::output::{self, money, print_json, print_table, rate};
use crate::domain::config::BasisPoints;
use crate::domain::{Money, Month};
use crate::metrics::bridge::{Bridge, bridge};
use crate::metrics::pareto::{Pareto, pareto_at, validate_cuts};
use crate::metrics::renewal_book::renewal_rates;
use crate::metrics::renewal_rates::RenewalRates;
use crate::metrics::retention::{ArrGrid, Retention, retention_series, trailing_series};
use crate::store::Store;
use anyhow::{Context as _, bail};
use chrono::NaiveDate;
use serde_json::{Value, json};
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// NRR, GRR, CRR and DRR of the cohort with ARR twelve months before the month.
    Retention(RetentionArgs),
    /// The ARR bridge: starting ARR, new logo, expansion, contraction, lost, ending ARR.
    Bridge(BridgeArgs),
    /// ATR-based and ARR-based renewal rates over a period of dates.
    Renewals(RenewalsArgs),
    /// Pareto tiers of ARR: count, ARR, share and floor per tier.
    Pareto(ParetoArgs),
}

#[derive(Debug, clap::Args)]
pub struct RetentionArgs {
    /// The month to measure (its cohort is the accounts with ARR twelve months earlier).
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month,
          conflicts_with_all = ["from", "to"], required_unless_present_any = ["from", "to"])]
    pub as_of: Option<Month>,
    /// First month of a series.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month, requires = "to")]
    pub from: Option<Month>,
    /// Last month of a series.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month, requires = "from")]
    pub to: Option<Month>,
    /// Only this product's ARR.
    #[arg(long, value_name = "NAME")]
    pub product: Option<String>,
    /// One JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct BridgeArgs {
    /// Starting ARR is taken at the end of this month.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub from: Month,
    /// Changes are counted over the months after `--from`, up to this one.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub to: Month,
    /// Only this product's ARR.
    #[arg(long, value_name = "NAME")]
    pub product: Option<String>,
    /// One JSON object instead of a table (money as exact numbers, rates as fractions).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct RenewalsArgs {
    /// First day of the period.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub from: NaiveDate,
    /// Last day of the period (included).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub to: NaiveDate,
    /// One JSON object instead of a table (money as exact numbers, rates as fractions).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ParetoArgs {
    /// The month (default: the latest month in the book).
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub as_of: Option<Month>,
    /// Cumulative ARR shares closing each tier, as fractions (default 0.45,0.75).
    #[arg(long, value_name = "SHARES", value_parser = parse_cuts)]
    pub cuts: Option<Cuts>,
    /// One JSON object instead of a table (money as exact numbers, shares as fractions).
    #[arg(long)]
    pub json: bool,
}

/// Tier cuts in basis points, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cuts(pub Vec<BasisPoints>);

fn parse_month(text: &str) -> Result<Month, String> {
    Month::parse(text).map_err(|e| e.to_string())
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    crate::domain::day::Day::parse(text)
        .map(|day| day.date())
        .map_err(|_| format!("{:?} is not a date (expected YYYY-MM-DD)", text.trim()))
}

/// `0.45,0.75` → 4500, 7500. At most four decimals, so the cut is exact.
fn parse_cuts(text: &str) -> Result<Cuts, String> {
    let cuts = text
        .split(',')
        .map(|part| parse_fraction_bp(part.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    validate_cuts(&cuts).map_err(|e| e.to_string())?;
    Ok(Cuts(cuts))
}

fn parse_fraction_bp(text: &str) -> Result<BasisPoints, String> {
    let error = || {
        format!("{text:?} is not a share between 0 and 1 with at most four decimals (e.g. 0.45)")
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty())
        || !digits(whole)
        || !digits(fraction)
        || fraction.len() > 4
        || whole.len() > 1
    {
        return Err(error());
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| error())? };
    let padded = format!("{fraction:0<4}");
    let fraction: i64 = padded.parse().map_err(|_| error())?;
    Ok(whole * 10_000 + fraction)
}

pub fn run(context: &Context, command: Command) -> anyhow::Result<ExitCode> {
    let store = context.open_store()?;
    match command {
        Command::Retention(args) => retention(&store, args),
        Command::Bridge(args) => bridge_command(&store, args),
        Command::Renewals(args) => renewals(&store, args),
        Command::Pareto(args) => pareto_command(&store, args),
    }?;
    Ok(ExitCode::SUCCESS)
}

/// The book's ARR grid, refusing a product that has no snapshots at all.
pub fn load_grid(store: &Store, product: Option<&str>) -> anyhow::Result<ArrGrid> {
    if let Some(name) = product {
        let products = store.snapshot_products()?;
        if !products.iter().any(|p| p == name) {
            let known = if products.is_empty() { "none".to_string() } else { products.join(", ") };
            bail!("no snapshots for product {name:?} (products in the book: {known})");
        }
    }
    Ok(store.arr_grid(product)?)
}

/// Loads the snapshots and computes the whole trailing retention series
/// (every month with a year-ago month): the benchmarked path.
pub fn trailing_retention(store: &Store, product: Option<&str>) -> anyhow::Result<Vec<Retention>> {
    Ok(trailing_series(&load_grid(store, product)?))
}

fn retention(store: &Store, args: RetentionArgs) -> anyhow::Result<()> {
    let grid = load_grid(store, args.product.as_deref())?;
    match (args.as_of, args.from, args.to) {
        (Some(as_of), _, _) => {
            let one = retention_series(&grid, as_of, as_of);
            let Some(r) = one.first() else { bail!("no month to measure") };
            r.exact()?;
            if args.json {
                print_json(&retention_json(r))
            } else {
                Ok(print_retention(r, args.product.as_deref())?)
            }
        }
        (None, Some(from), Some(to)) => {
            if from > to {
                bail!("--from {from} is after --to {to}");
            }
            let series = retention_series(&grid, from, to);
            series.iter().try_for_each(Retention::exact)?;
            if args.json {
                print_json(
                    &json!({ "series": series.iter().map(retention_json).collect::<Vec<_>>() }),
                )
            } else {
                Ok(print_retention_series(&series, args.product.as_deref())?)
            }
        }
        _ => bail!("give --as-of YYYY-MM, or --from YYYY-MM and --to YYYY-MM"),
    }
}

fn retention_json(r: &Retention) -> Value {
    json!({
        "as_of": r.as_of.to_string(),
        "cohort_accounts": r.cohort_accounts,
        "cohort_arr": money(r.cohort_arr),
        "current_arr": money(r.current_arr),
        "nrr": rate(r.nrr()),
        "grr": rate(r.grr()),
        "crr": rate(r.crr()),
        "drr": rate(r.drr()),
    })
}

fn product_note(product: Option<&str>) -> String {
    product.map(|p| format!(", product {p}")).unwrap_or_default()
}

fn print_retention(r: &Retention, product: Option<&str>) -> std::io::Result<()> {
    output::say(&format!(
        "Retention at {} (cohort: the {} with ARR at the end of {}{})",
        r.as_of,
        crate::domain::count::of(r.cohort_accounts, "account", "accounts"),
        r.cohort_month(),
        product_note(product)
    ))?;
    let rows = vec![
        vec![
            "cohort ARR then".into(),
            r.cohort_arr.to_string(),
            format!("ARR at {}", r.cohort_month()),
        ],
        vec!["cohort ARR now".into(), r.current_arr.to_string(), "churned members count 0".into()],
        vec!["NRR".into(), output::percent(r.nrr()), "cohort ARR now / then".into()],
        vec!["GRR".into(), output::percent(r.grr()), "Σ min(now, then) / then".into()],
        vec![
            "CRR".into(),
            output::percent(r.crr()),
            format!(
                "{} of {} still paying",
                r.retained_accounts,
                crate::domain::count::of(r.cohort_accounts, "account", "accounts")
            ),
        ],
        vec!["DRR".into(), output::percent(r.drr()), "cohort dollars now / then".into()],
    ];
    print_table(&["measure", "value", "how"], &rows)?;
    if let Some(gap) = crr_drr_gap_points(r) {
        output::say(&format!(
            "CRR and DRR are {gap} points apart: the aggregate hides churn, look account by account."
        ))?;
    }
    Ok(())
}

/// The CRR–DRR gap in whole percentage points, when it is 10 or more.
fn crr_drr_gap_points(r: &Retention) -> Option<i64> {
    let (crr, drr) = (r.crr()?, r.drr()?);
    let gap = (drr.to_basis_points() - crr.to_basis_points()).abs() / 100;
    (gap >= 10).then_some(gap)
}

fn print_retention_series(series: &[Retention], product: Option<&str>) -> std::io::Result<()> {
    output::say(&format!(
        "Retention by month (cohort: accounts with ARR 12 months earlier{})",
        product_note(product)
    ))?;
    let rows: Vec<Vec<String>> = series
        .iter()
        .map(|r| {
            vec![
                r.as_of.to_string(),
                r.cohort_accounts.to_string(),
                r.cohort_arr.to_string(),
                r.current_arr.to_string(),
                output::percent(r.nrr()),
                output::percent(r.grr()),
                output::percent(r.crr()),
                output::percent(r.drr()),
            ]
        })
        .collect();
    print_table(&["month", "cohort", "cohort ARR", "now ARR", "NRR", "GRR", "CRR", "DRR"], &rows)
}

fn bridge_command(store: &Store, args: BridgeArgs) -> anyhow::Result<()> {
    if args.from > args.to {
        bail!("--from {} is after --to {}", args.from, args.to);
    }
    let grid = load_grid(store, args.product.as_deref())?;
    let b = bridge(&grid, args.from, args.to);
    b.exact()?;
    if args.json {
        return print_json(&bridge_json(&b));
    }
    output::say(&format!(
        "ARR bridge from the end of {} to the end of {}{}",
        b.from,
        b.to,
        product_note(args.product.as_deref())
    ))?;
    let line = |label: &str, amount: Money| vec![label.to_string(), amount.to_string()];
    let rows = vec![
        line("starting ARR", b.starting_arr),
        line("+ new logo", b.new_logo()),
        line("+ expansion", b.expansion()),
        line("− contraction", b.contraction()),
        line("− lost", b.lost()),
        line("= ending ARR", b.ending_arr),
    ];
    print_table(&["", "ARR"], &rows)?;
    output::say("")?;
    let rows = vec![
        vec![
            "net new ARR".into(),
            b.net_new_arr().to_string(),
            "new logo + expansion − churn".into(),
        ],
        vec![
            "expansion share of new".into(),
            output::percent(b.expansion_share_of_new()),
            "expansion / (new logo + expansion)".into(),
        ],
        vec!["net expansion".into(), b.net_expansion().to_string(), "expansion − churn".into()],
        vec![
            "churn rate".into(),
            output::percent(b.churn_rate()),
            "(contraction + lost) / starting ARR".into(),
        ],
    ];
    print_table(&["beneath the bridge", "value", "how"], &rows)?;
    Ok(())
}

fn bridge_json(b: &Bridge) -> Value {
    json!({
        "from": b.from.to_string(),
        "to": b.to.to_string(),
        "starting_arr": money(b.starting_arr),
        "new_logo": money(b.new_logo()),
        "expansion": money(b.expansion()),
        "contraction": money(b.contraction()),
        "lost": money(b.lost()),
        "ending_arr": money(b.ending_arr),
        "net_new_arr": money(b.net_new_arr()),
        "net_expansion": money(b.net_expansion()),
        "expansion_share_of_new": rate(b.expansion_share_of_new()),
    })
}

fn renewals(store: &Store, args: RenewalsArgs) -> anyhow::Result<()> {
    if args.from > args.to {
        bail!("--from {} is after --to {}", args.from, args.to);
    }
    let contracts = store.contracts_around(args.from, args.to).context("reading contracts")?;
    let rates = renewal_rates(&contracts, args.from, args.to);
    rates.exact()?;
    if args.json {
        return print_json(&renewals_json(&rates));
    }
    output::say(&format!("Renewals from {} to {}", rates.from, rates.to))?;
    let rows = vec![
        vec![
            "ATR".into(),
            rates.atr.to_string(),
            format!(
                "{} ending in the period",
                crate::domain::count::of(rates.atr_lines.len(), "contract", "contracts")
            ),
        ],
        vec![
            "renewed".into(),
            rates.renewed.to_string(),
            "each capped at the ARR it replaces".into(),
        ],
        vec![
            "payments due".into(),
            rates.payments_due.to_string(),
            format!("{} out-year payments of multi-year contracts", rates.payments.len()),
        ],
        vec![
            "payments collected".into(),
            rates.payments_collected.to_string(),
            "not terminated by the anniversary".into(),
        ],
        vec!["ATR-based rate".into(), output::percent(rates.atr_rate()), "renewed / ATR".into()],
        vec![
            "ARR-based rate".into(),
            output::percent(rates.arr_rate()),
            "(renewed + collected) / (ATR + due)".into(),
        ],
    ];
    print_table(&["measure", "value", "how"], &rows)?;
    output::say(
        "Payments are not renewals: they never enter the ATR-based rate. Compare a multi-year rate \
         with a yearly one only after compounding (r over n years ≈ r^(1/n) a year).",
    )?;
    Ok(())
}

fn renewals_json(r: &RenewalRates) -> Value {
    json!({
        "from": r.from.format("%Y-%m-%d").to_string(),
        "to": r.to.format("%Y-%m-%d").to_string(),
        "atr": money(r.atr),
        "renewed": money(r.renewed),
        "atr_rate": rate(r.atr_rate()),
        "payments_due": money(r.payments_due),
        "payments_collected": money(r.payments_collected),
        "arr_rate": rate(r.arr_rate()),
    })
}

fn pareto_command(store: &Store, args: ParetoArgs) -> anyhow::Result<()> {
    let grid = load_grid(store, None)?;
    let as_of = match args.as_of.or(grid.last_month()) {
        Some(month) => month,
        None => bail!("the book has no ARR snapshots yet: import snapshots first, or give --as-of"),
    };
    let cuts = match args.cuts {
        Some(cuts) => cuts.0,
        None => crate::settings::load()?.tier_cuts_bp,
    };
    let p = pareto_at(&grid, as_of, &cuts);
    p.exact()?;
    if args.json {
        return print_json(&pareto_json(&p));
    }
    let shares: Vec<String> =
        cuts.iter().map(|c| output::percent(crate::metrics::Rate::new(*c, 10_000))).collect();
    output::say_wrapped(
        &format!(
            "Pareto tiers at {} (cuts at {} of ARR; {} with ARR, total {})",
            p.as_of,
            shares.join(" and "),
            crate::domain::count::of(p.ranked.len(), "account", "accounts"),
            p.total_arr
        ),
        2,
    )?;
    let rows: Vec<Vec<String>> = p
        .tiers
        .iter()
        .map(|t| {
            vec![
                format!("tier {}", t.tier),
                t.accounts.to_string(),
                t.arr.to_string(),
                output::percent(t.arr_share),
                t.arr_floor.map_or_else(|| "–".to_string(), |f| f.to_string()),
            ]
        })
        .collect();
    print_table(&["tier", "accounts", "ARR", "share", "ARR floor"], &rows)?;
    Ok(())
}

fn pareto_json(p: &Pareto) -> Value {
    let tiers: Vec<Value> = p
        .tiers
        .iter()
        .map(|t| {
            json!({
                "tier": t.tier,
                "accounts": t.accounts,
                "arr": money(t.arr),
                "arr_share": rate(t.arr_share),
                "arr_floor": t.arr_floor.map_or(Value::Null, money),
            })
        })
        .collect();
    json!({ "as_of": p.as_of.to_string(), "total_arr": money(p.total_arr), "tiers": tiers })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_parse_exactly() {
        assert_eq!(parse_cuts("0.45,0.75"), Ok(Cuts(vec![4500, 7500])));
        assert_eq!(parse_cuts(" .5 , 0.8125 "), Ok(Cuts(vec![5000, 8125])));
        assert!(parse_cuts("0.75,0.45").is_err_and(|e| e.contains("increase")));
        assert!(parse_cuts("45,75").is_err_and(|e| e.contains("\"45\"")));
        assert!(parse_cuts("0.123456").is_err_and(|e| e.contains("four decimals")));
        assert!(parse_cuts("1").is_err_and(|e| e.contains("below 100%")));
        assert!(parse_cuts("").is_err());
        assert!(parse_cuts("0.45,x").is_err());
    }

    #[test]
    fn months_and_dates_are_checked() {
        assert!(parse_month("2025-13").is_err_and(|e| e.contains("expected YYYY-MM")));
        assert!(parse_date("2025-02-30").is_err_and(|e| e.contains("expected YYYY-MM-DD")));
        assert_eq!(parse_date("2025-02-28"), Ok(NaiveDate::from_ymd_opt(2025, 2, 28).expect("d")));
    }
}
