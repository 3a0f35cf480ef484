//! `cockpit gen`: writes a synthetic book in the import formats. The book's
//! last month is the month before today (`COCKPIT_TODAY` fixes today).

use super::{Context, out_file, output};
use crate::clock::Clock;
use crate::generate::{Params, write_book, write_subscriptions};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// The files `write_book` writes.
const BOOK_FILES: [&str; 7] = [
    "accounts.csv",
    "snapshots.csv",
    "contracts.csv",
    "notes.csv",
    "usage.csv",
    "tickets.csv",
    "surveys.csv",
];

/// The file `--subscriptions` adds.
const SUBSCRIPTIONS_FILE: &str = "subscriptions.csv";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many accounts (1 to 10,000,000).
    #[arg(long, default_value_t = 1000,
          value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub accounts: u32,
    /// How many months of snapshots, ending with last month (1 to 1,200).
    #[arg(long, default_value_t = 36, value_parser = clap::value_parser!(u32).range(1..=1200))]
    pub months: u32,
    /// The same seed always gives the same book (any whole number from 0 to 2^64−1).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64))]
    pub seed: u64,
    /// How many CSMs own the accounts (default: about one per 300 accounts, at most 30).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub csms: Option<u32>,
    /// How many AMs (default: half the CSMs).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub ams: Option<u32>,
    /// The folder to write the book's files into: accounts.csv, snapshots.csv, contracts.csv,
    /// notes.csv, and the signals usage.csv, tickets.csv and surveys.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Also write subscriptions.csv: add-on products billed by subscription, for
    /// `cockpit import subscriptions` (beside the other files or after accounts.csv alone).
    #[arg(long)]
    pub subscriptions: bool,
}

pub fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    if args.months == 0 {
        anyhow::bail!("--months must be at least 1");
    }
    // The folder itself is made if missing, but not its parents: a typo in
    // the path is refused, not built. Each file is checked (never the
    // database) before anything is written, written in a private folder
    // beside them, and moved in once all four are complete.
    if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.is_dir()
    {
        anyhow::bail!(
            "{}: the folder {} does not exist; check the path (nothing was created)",
            args.out.display(),
            parent.display()
        );
    }
    if !args.out.is_dir() {
        std::fs::create_dir(&args.out).map_err(|cause| {
            anyhow::anyhow!("cannot create the folder {} ({cause})", args.out.display())
        })?;
    }
    let targets = BOOK_FILES.map(|name| args.out.join(name));
    for target in &targets {
        out_file::check(target, &context.db)?;
    }
    let subscriptions_target = args.out.join(SUBSCRIPTIONS_FILE);
    if args.subscriptions {
        out_file::check(&subscriptions_target, &context.db)?;
    }
    let scratch = tempfile::Builder::new()
        .prefix(".cockpit-gen.")
        .tempdir_in(&args.out)
        .map_err(|cause| anyhow::anyhow!("{}: cannot write here ({cause})", args.out.display()))?;
    let today = Clock::from_env().today();
    let mut params = Params::ending_before(today, args.accounts, args.months, args.seed);
    params.csms = args.csms;
    params.ams = args.ams;
    let started = Instant::now();
    let summary = write_book(&params, scratch.path())?;
    let subscriptions =
        if args.subscriptions { Some(write_subscriptions(&params, scratch.path())?) } else { None };
    for (name, target) in BOOK_FILES.iter().zip(&targets) {
        out_file::place(&scratch.path().join(name), target, &context.db)?;
    }
    if subscriptions.is_some() {
        out_file::place(
            &scratch.path().join(SUBSCRIPTIONS_FILE),
            &subscriptions_target,
            &context.db,
        )?;
    }
    output::say(&format!(
        "wrote {}, {} ({} to {}), {}, {}, {}, {}, {}{} to {} in {:.2}s; ARR in {}: {}",
        crate::domain::count::of(summary.accounts, "account", "accounts"),
        crate::domain::count::of(summary.snapshots, "snapshot", "snapshots"),
        params.first_month(),
        params.last_month,
        crate::domain::count::of(summary.contracts, "contract", "contracts"),
        crate::domain::count::of(summary.notes, "note", "notes"),
        crate::domain::count::of(summary.usage, "usage figure", "usage figures"),
        crate::domain::count::of(summary.tickets, "ticket", "tickets"),
        crate::domain::count::of(summary.surveys, "survey answer", "survey answers"),
        subscriptions
            .map(|count| format!(
                ", {}",
                crate::domain::count::of(count, "subscription", "subscriptions")
            ))
            .unwrap_or_default(),
        args.out.display(),
        started.elapsed().as_secs_f64(),
        params.last_month,
        summary.last_month_arr,
    ))?;
    Ok(ExitCode::SUCCESS)
}
