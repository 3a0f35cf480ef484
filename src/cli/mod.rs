//! The command line: one file per subcommand, each a `run` that parses its
//! arguments, calls the store and metrics, and prints a table or JSON. This
//! module only declares the commands and hands each to its file.

pub mod backup;
pub mod churn;
pub mod export;
pub mod generate;
pub mod import;
pub mod metrics;
pub mod output;
pub mod renewals;
pub mod targets;

use crate::clock::Clock;
use crate::store::Store;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// A keyboard-driven cockpit for a customer success manager's book of business.
#[derive(Debug, Parser)]
#[command(name = "cockpit", version, about, long_about = None)]
pub struct Cli {
    /// The database to use (default: the platform's data folder).
    #[arg(long, global = true, env = "COCKPIT_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Open the cockpit on a fresh copy of the bundled demo book (never your own database).
    #[arg(long)]
    pub demo: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load a CSV export (accounts, snapshots, contracts, notes) into the book, all or nothing.
    Import(import::Args),
    /// Write the book back out as CSV or JSON.
    Export(export::Args),
    /// Write a synthetic book in the import formats (for tests and benchmarks).
    #[command(name = "gen")]
    Gen(generate::Args),
    /// Retention numbers: NRR, GRR, CRR/DRR, the ARR bridge, renewal rates, Pareto tiers.
    #[command(subcommand)]
    Metrics(metrics::Command),
    /// Renewals and out-year payments with their windows; `--ics` writes a calendar file.
    Renewals(renewals::Args),
    /// The hunter's ranked upsell targets.
    Targets(targets::Args),
    /// Record and report churn-reason chains.
    #[command(subcommand)]
    Churn(churn::Command),
    /// Write a consistent copy of the database, even while the cockpit is open.
    Backup(backup::Args),
}

/// Everything a subcommand needs from the outside world, passed in.
pub struct Context {
    pub db: PathBuf,
    pub clock: Clock,
    pub user: String,
}

impl Context {
    pub fn open_store(&self) -> anyhow::Result<Store> {
        Ok(Store::open(&self.db)?)
    }

    /// The settings: `config.toml` (or `COCKPIT_CONFIG`), else the defaults.
    pub fn config(&self) -> anyhow::Result<crate::domain::Config> {
        crate::settings::load()
    }
}

pub fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return parse_error(&error),
    };
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            // Errors echo cells and arguments: shown inert, never obeyed.
            output::warn(&format!("cockpit: {error:#}"));
            ExitCode::FAILURE
        }
    }
}

/// A reader that goes away (`cockpit renewals | head -1`) ends the cockpit
/// quietly, as it ends other Unix tools: the default action of SIGPIPE,
/// which Rust's runtime replaces by an error every `println!` would turn
/// into a panic.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any other thread exists;
    // restoring a signal's default action touches no Rust state.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Clap's own message and exit code (2 for a bad argument), with the
/// arguments it echoes shown inert; help and version as clap prints them.
fn parse_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
        || !error.use_stderr()
    {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let plain = error.to_string();
    match crate::text::inert::lines(&plain) {
        // Nothing hostile echoed: clap's own (coloured) rendering.
        std::borrow::Cow::Borrowed(_) => {
            let _ = error.print();
        }
        shown => eprint!("{shown}"),
    }
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let context = Context {
        db: cli.db.clone().unwrap_or_else(crate::paths::default_database),
        clock: Clock::from_env(),
        user: crate::paths::current_user(),
    };
    match cli.command {
        Some(Command::Import(args)) => import::run(&context, args),
        Some(Command::Export(args)) => export::run(&context, args),
        Some(Command::Gen(args)) => generate::run(args),
        Some(Command::Metrics(command)) => metrics::run(&context, command),
        Some(Command::Renewals(args)) => renewals::run(&context, args),
        Some(Command::Targets(args)) => targets::run(&context, args),
        Some(Command::Churn(command)) => churn::run(&context, command),
        Some(Command::Backup(args)) => backup::run(&context, args),
        None => crate::tui::run(&context, cli.demo),
    }
}
