//! `cockpit churn …`: record a churn-reason chain from the command line,
//! print the churn report, list an account's chains, and edit the taxonomy,
//! so everything the chain editor does can also be scripted. Parses,
//! calls the store and the report, prints; decides no rule itself.

use super::Context;
use super::output::{self, print_json, print_table};
use crate::domain::Money;
use crate::domain::churn::{
    BookChain, ChainLink, ChainStatus, ChurnChain, ChurnEvent, Prefill, ReasonKind, TaxonomyEdit,
};
use crate::metrics::churn_report::{CauseRow, ChurnReport, ReportFilter, churn_report};
use anyhow::{Context as _, anyhow, bail};
use chrono::NaiveDate;
use serde_json::{Value, json};
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Record why an account churned or contracted, as a chain of causes (nearest first).
    Record(RecordArgs),
    /// ARR lost by root cause and by any link, and the controllable share.
    Report(ReportArgs),
    /// An account's chains, drafts included.
    List(ListArgs),
    /// The churn-reason taxonomy: list (default), add, rename, retire, restore, mark, describe, delete.
    Reasons(ReasonsArgs),
}

#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// The account id.
    pub account: String,
    /// When it happened (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: String,
    /// churned (ARR went to zero) or contracted (ARR fell).
    #[arg(long, value_name = "churned|contracted")]
    pub event: String,
    /// ARR lost, e.g. 12000 or 12000.50 (default: read from the snapshots, else 0).
    #[arg(long, value_name = "N")]
    pub arr_lost: Option<String>,
    /// The product lost or shrunk (default: the whole account).
    #[arg(long)]
    pub product: Option<String>,
    /// A cause, nearest the event first; repeat for each link. A taxonomy label
    /// (any case) uses that entry, anything else is kept as flagged free text.
    #[arg(long = "cause", value_name = "TEXT")]
    pub causes: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// First event date included (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last event date included (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only this CSM's accounts.
    #[arg(long)]
    pub csm: Option<String>,
    /// Only chains for this product.
    #[arg(long)]
    pub product: Option<String>,
    /// Print JSON (money in currency units, the share as a fraction).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The account id.
    pub account: String,
    /// Print the chains as JSON (money in currency units).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ReasonsArgs {
    #[command(subcommand)]
    pub action: Option<ReasonsCommand>,
    /// Include retired entries in the list.
    #[arg(long, global = true)]
    pub all: bool,
    /// Print the list as JSON.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, clap::Subcommand)]
pub enum ReasonsCommand {
    /// List the taxonomy (live entries; --all adds retired ones).
    List,
    /// Add an entry.
    Add {
        /// The new entry's label, as chains and the picker will show it.
        label: String,
        /// terminal, controllable or uncontrollable.
        #[arg(long)]
        kind: String,
        /// A short description shown beside the label in the picker.
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Rename an entry; chains using it read the new label.
    Rename {
        /// The entry's label today.
        label: String,
        /// The label it takes.
        new_label: String,
    },
    /// Hide an entry from the picker; chains using it keep it.
    Retire {
        /// The entry to retire.
        label: String,
    },
    /// Show a retired entry in the picker again.
    Restore {
        /// The retired entry to show again.
        label: String,
    },
    /// Mark a cause controllable or uncontrollable.
    Mark {
        /// The cause to mark.
        label: String,
        /// controllable or uncontrollable.
        kind: String,
    },
    /// Change an entry's short description.
    Describe {
        /// The entry to describe.
        label: String,
        /// Its new description (an empty string removes it).
        description: String,
    },
    /// Delete an entry that no chain uses (retire one in use).
    Delete {
        /// The entry to delete.
        label: String,
    },
}

pub fn run(context: &Context, command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Record(args) => record(context, args),
        Command::Report(args) => report(context, args),
        Command::List(args) => list(context, args),
        Command::Reasons(args) => reasons(context, args),
    }
}

fn parse_date(flag: &str, text: &str) -> anyhow::Result<NaiveDate> {
    crate::domain::day::Day::parse(text)
        .map(|day| day.date())
        .map_err(|_| anyhow!("{flag} {text:?} is not a date: use YYYY-MM-DD"))
}

fn record(context: &Context, args: RecordArgs) -> anyhow::Result<ExitCode> {
    let store = context.open_store_to_write()?;
    let (name, _csm) = store.churn_account(&args.account)?.ok_or_else(|| {
        anyhow!(
            "no account {:?} in the book; check the id (accounts are imported first)",
            args.account
        )
    })?;
    let event = ChurnEvent::parse(&args.event).map_err(|e| anyhow!("--event {e}"))?;
    let date = parse_date("--date", &args.date)?;
    let (arr_lost, arr_source) = match &args.arr_lost {
        Some(text) => {
            (Money::parse_non_negative(text).map_err(|e| anyhow!("--arr-lost {e}"))?, String::new())
        }
        None => match store.churn_prefill(&args.account, context.clock.today())? {
            Some(Prefill::Drop(p)) if p.event == event => {
                (p.arr_lost, " (from the snapshots)".to_string())
            }
            Some(Prefill::SaidNo { date, arr }) if event == ChurnEvent::Churned => {
                (arr, format!(" (the ARR up for renewal on {date})"))
            }
            _ => match store.churn_event_proposal(&args.account)? {
                Some(p) if p.event == event => (p.arr_lost, " (from the snapshots)".to_string()),
                _ => (Money::ZERO, " (none given, none in the snapshots)".to_string()),
            },
        },
    };
    let mut chain = ChurnChain::new(args.account.clone(), event, date, arr_lost);
    chain.product = args.product.clone().unwrap_or_default();
    let mut free_texts = Vec::new();
    for cause in &args.causes {
        match store.churn_reason_by_label(cause)? {
            Some(reason) if reason.retired => bail!(
                "{:?} is retired; restore it (`cockpit churn reasons restore {:?}`) or name another cause",
                reason.label,
                reason.label
            ),
            Some(reason) => chain.links.push(ChainLink::reason(&reason)),
            None => {
                free_texts.push(cause.clone());
                chain.links.push(ChainLink::free_text(cause.clone()));
            }
        }
    }
    chain.check_etiology().map_err(|e| anyhow!("refused: {e}"))?;
    chain.status = ChainStatus::Saved;
    let id =
        store.save_churn_chain(&chain, &context.user, context.clock.now()).context("refused")?;
    output::say(&format!(
        "Recorded chain {id} for {name} ({}): {}",
        args.account,
        chain.sentence()
    ))?;
    let root = chain.root_cause().map(|l| l.label().to_string()).unwrap_or_default();
    let kind = chain.controllability().map(|k| k.as_str()).unwrap_or("free text");
    output::say(&format!("ARR lost {arr_lost}{arr_source} · root cause: {root} ({kind})"))?;
    for text in free_texts {
        output::say(&format!(
            "flagged: {text:?} is free text, not in the taxonomy; `cockpit churn reasons add {text:?} --kind controllable` would let reports group it"
        ))?;
    }
    if let Some(question) = chain.deeper_question() {
        output::say(&format!("ask: {question}"))?;
    }
    // A churn recorded while the account still has ARR is legitimate (the
    // customer said no before the contract ends) but also what a mistyped
    // id looks like, so it is said, on standard error.
    if event == ChurnEvent::Churned
        && let Some(row) = store.book_row(&args.account, context.clock.today())?
        && !row.arr.is_zero()
    {
        output::warn(&format!(
            "note: {name} ({}) still has ARR {} in the book; fine if the customer said no before the contract ends, otherwise check the account id",
            args.account, row.arr
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn report(context: &Context, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let from = args.from.as_deref().map(|d| parse_date("--from", d)).transpose()?;
    let to = args.to.as_deref().map(|d| parse_date("--to", d)).transpose()?;
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        bail!("--from {from} is after --to {to}");
    }
    let store = context.open_store()?;
    let chains = store.churn_chains_for_report(from, to)?;
    let filter = ReportFilter { from, to, csm: args.csm, product: args.product };
    let report = churn_report(&chains, &filter);
    report.exact()?;
    let admitted: Vec<&BookChain> = chains.iter().filter(|c| filter.admits(c)).collect();
    if args.json {
        print_json(&report_json(&report, &filter, &admitted))?;
        return Ok(ExitCode::SUCCESS);
    }
    let period = match (from, to) {
        (None, None) => "all time".to_string(),
        (f, t) => format!(
            "{} to {}",
            f.map(|d| d.to_string()).unwrap_or_else(|| "the start".into()),
            t.map(|d| d.to_string()).unwrap_or_else(|| "now".into())
        ),
    };
    output::say(&format!(
        "Churn, {period}: {}, {}, ARR lost {}",
        crate::domain::count::of(report.chains, "chain", "chains"),
        crate::domain::count::of(report.accounts, "account", "accounts"),
        report.arr_lost
    ))?;
    output::say_wrapped(
        &format!(
            "Controllable share of lost ARR: {} (controllable {} · uncontrollable {} · free text {})",
            output::percent(report.controllable_share),
            report.controllable_arr,
            report.uncontrollable_arr,
            report.unclassified_arr
        ),
        2,
    )?;
    if report.chains == 0 {
        return Ok(ExitCode::SUCCESS);
    }
    output::say("\nBy root cause (each chain once)")?;
    print_table(
        &["cause", "kind", "ARR lost", "accounts", "chains"],
        &cause_rows(&report.by_root_cause),
    )?;
    output::say("\nBy any link (a chain counts under every cause it names)")?;
    print_table(
        &["cause", "kind", "ARR lost", "accounts", "chains"],
        &cause_rows(&report.by_any_link),
    )?;
    output::say("\nChains")?;
    for book_chain in admitted {
        let chain = &book_chain.chain;
        output::say_wrapped(
            &format!(
                "#{} {} {} ({}) {}{}: {}",
                chain.id.unwrap_or_default(),
                chain.event_date,
                book_chain.account_name,
                chain.account_id,
                chain.arr_lost,
                if chain.product.is_empty() {
                    String::new()
                } else {
                    format!(" {}", chain.product)
                },
                chain.sentence()
            ),
            4,
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn kind_word(row: &CauseRow) -> &'static str {
    row.kind.map(ReasonKind::as_str).unwrap_or("free text")
}

fn cause_rows(rows: &[CauseRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|row| {
            vec![
                row.label.clone(),
                kind_word(row).to_string(),
                row.arr_lost.to_string(),
                row.accounts.to_string(),
                row.chains.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join(" "),
            ]
        })
        .collect()
}

fn rows_json(rows: &[CauseRow]) -> Value {
    Value::Array(
        rows.iter()
            .map(|row| {
                json!({
                    "label": row.label,
                    "kind": kind_word(row),
                    "free_text": row.free_text,
                    "arr_lost": output::money(row.arr_lost),
                    "accounts": row.accounts,
                    "chains": row.chains,
                })
            })
            .collect(),
    )
}

fn chain_json(book_chain: &BookChain) -> Value {
    let chain = &book_chain.chain;
    json!({
        "id": chain.id,
        "account_id": chain.account_id,
        "account_name": book_chain.account_name,
        "csm": book_chain.csm,
        "event": chain.event.as_str(),
        "event_date": chain.event_date.to_string(),
        "arr_lost": output::money(chain.arr_lost),
        "product": chain.product,
        "status": chain.status.as_str(),
        "sentence": chain.sentence(),
        "root_cause": chain.root_cause().map(|l| l.label().to_string()),
        "links": chain.links.iter().map(|link| json!({
            "label": link.label(),
            "kind": link.kind().map(|k| k.as_str()).unwrap_or("free text"),
            "free_text": link.is_free_text(),
            "note": link.note,
        })).collect::<Vec<_>>(),
    })
}

fn report_json(report: &ChurnReport, filter: &ReportFilter, chains: &[&BookChain]) -> Value {
    json!({
        "from": filter.from.map(|d| d.to_string()),
        "to": filter.to.map(|d| d.to_string()),
        "csm": filter.csm,
        "product": filter.product,
        "chains": report.chains,
        "accounts": report.accounts,
        "arr_lost": output::money(report.arr_lost),
        "controllable_arr": output::money(report.controllable_arr),
        "uncontrollable_arr": output::money(report.uncontrollable_arr),
        "unclassified_arr": output::money(report.unclassified_arr),
        "controllable_share": output::rate(report.controllable_share),
        "by_root_cause": rows_json(&report.by_root_cause),
        "by_any_link": rows_json(&report.by_any_link),
        "chain_details": chains.iter().map(|c| chain_json(c)).collect::<Vec<_>>(),
    })
}

fn list(context: &Context, args: ListArgs) -> anyhow::Result<ExitCode> {
    let store = context.open_store()?;
    let (name, csm) = store
        .churn_account(&args.account)?
        .ok_or_else(|| anyhow!("no account {:?} in the book", args.account))?;
    let chains = store.churn_chains_for_account(&args.account)?;
    if args.json {
        let mut items = Vec::new();
        for chain in chains {
            let versions = chain.id.map(|id| store.churn_chain_versions(id)).transpose()?;
            let mut value =
                chain_json(&BookChain { chain, account_name: name.clone(), csm: csm.clone() });
            value["earlier_versions"] = json!(versions.map(|v| v.len()).unwrap_or(0));
            items.push(value);
        }
        print_json(&Value::Array(items))?;
        return Ok(ExitCode::SUCCESS);
    }
    if chains.is_empty() {
        output::say(&format!("{name} ({}) has no churn chain", args.account))?;
    }
    for chain in chains {
        let status = if chain.status == ChainStatus::Draft { " [draft]" } else { "" };
        output::say(&format!(
            "#{} {} ARR lost {}{status}: {}",
            chain.id.unwrap_or_default(),
            chain.event_date,
            chain.arr_lost,
            chain.sentence()
        ))?;
        for link in chain.links.iter().filter(|l| !l.note.is_empty() || l.is_free_text()) {
            let flag = if link.is_free_text() { " (free text)" } else { "" };
            let note =
                if link.note.is_empty() { String::new() } else { format!(": {}", link.note) };
            output::say(&format!("    {}{flag}{note}", link.label()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn verb(edit: &TaxonomyEdit) -> &'static str {
    match edit {
        TaxonomyEdit::Add { .. } => "added",
        TaxonomyEdit::Rename { .. } => "renamed",
        TaxonomyEdit::Describe { .. } => "described",
        TaxonomyEdit::Mark { .. } => "marked",
        TaxonomyEdit::Retire { retired: true, .. } => "retired",
        TaxonomyEdit::Retire { retired: false, .. } => "restored",
        TaxonomyEdit::Delete { .. } => "deleted",
    }
}

fn reasons(context: &Context, args: ReasonsArgs) -> anyhow::Result<ExitCode> {
    let store = context.open_store_to_write()?;
    let edit = match args.action {
        None | Some(ReasonsCommand::List) => None,
        Some(ReasonsCommand::Add { label, kind, description }) => {
            let kind = ReasonKind::parse(&kind).map_err(|e| anyhow!("--kind {e}"))?;
            Some(TaxonomyEdit::Add { label, kind, description })
        }
        Some(ReasonsCommand::Rename { label, new_label }) => {
            Some(TaxonomyEdit::Rename { label, new_label })
        }
        Some(ReasonsCommand::Retire { label }) => {
            Some(TaxonomyEdit::Retire { label, retired: true })
        }
        Some(ReasonsCommand::Restore { label }) => {
            Some(TaxonomyEdit::Retire { label, retired: false })
        }
        Some(ReasonsCommand::Mark { label, kind }) => {
            let kind = ReasonKind::parse(&kind).map_err(|e| anyhow!("kind {e}"))?;
            Some(TaxonomyEdit::Mark { label, kind })
        }
        Some(ReasonsCommand::Describe { label, description }) => {
            Some(TaxonomyEdit::Describe { label, description })
        }
        Some(ReasonsCommand::Delete { label }) => Some(TaxonomyEdit::Delete { label }),
    };
    let changed = match &edit {
        Some(edit) => match store.edit_churn_taxonomy(edit)? {
            Some(reason) => Some((reason, verb(edit))),
            None => {
                output::say(&format!("deleted {:?}", edit.label()))?;
                return Ok(ExitCode::SUCCESS);
            }
        },
        None => None,
    };
    if let Some((reason, verb)) = changed {
        output::say(&format!(
            "{verb}: {} ({}{})",
            reason.label,
            reason.kind,
            if reason.retired { ", retired" } else { "" }
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    let all = store.churn_reasons()?;
    let mut shown = Vec::new();
    for reason in all.into_iter().filter(|r| args.all || !r.retired) {
        let uses = store.churn_reason_uses(reason.id)?;
        shown.push((reason, uses));
    }
    if args.json {
        let items: Vec<Value> = shown
            .iter()
            .map(|(r, uses)| {
                json!({"label": r.label, "kind": r.kind.as_str(), "description": r.description,
                       "retired": r.retired, "chains": uses})
            })
            .collect();
        print_json(&Value::Array(items))?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|(r, uses)| {
            vec![
                r.label.clone(),
                format!("{}{}", r.kind, if r.retired { ", retired" } else { "" }),
                uses.to_string(),
                r.description.clone(),
            ]
        })
        .collect();
    print_table(&["reason", "kind", "chains", "description"], &rows)?;
    Ok(ExitCode::SUCCESS)
}
