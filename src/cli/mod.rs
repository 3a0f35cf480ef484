//! The command line: one file per subcommand, each a `run` that parses its
//! arguments, calls the store and metrics, and prints a table or JSON. This
//! module only declares the commands and hands each to its file.

pub mod backup;
pub mod check;
pub mod choice;
pub mod churn;
pub mod completions;
pub mod export;
pub mod generate;
pub mod health;
pub mod import;
pub mod man;
pub mod metrics;
pub mod opportunities;
pub mod out_file;
pub mod output;
pub mod renewals;
pub mod sync;
pub mod targets;
pub mod targets_cross_sell;
pub mod tasks;
pub mod team;
pub mod today;

use crate::clock::Clock;
use crate::store::{OpenMode, Store, StoreError};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// A keyboard-driven cockpit for a customer success manager's book of business.
#[derive(Debug, Parser)]
#[command(name = "cockpit", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The database to use (default: the platform's data folder).
    #[arg(long, global = true, env = "COCKPIT_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Table width in columns (0: no limit; default: COLUMNS, the terminal's, or 80).
    #[arg(long, global = true, value_name = "COLUMNS")]
    pub width: Option<usize>,

    /// Open the cockpit on a fresh copy of the bundled demo book (never your own database).
    #[arg(long)]
    pub demo: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load a CSV export (accounts, snapshots, contracts, notes, subscriptions, usage, tickets,
    /// surveys, contacts, or `all` from a folder) into the book, all or nothing.
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
    /// The pipeline: opportunities by stage and close date, totals per stage and owner.
    Opportunities(opportunities::Args),
    /// What needs a CSM today, ranked, each row saying why (the Today pane's rows).
    Today(today::Args),
    /// Open tasks, nearest due first, with their next step (`--mine`, `--due-within DAYS`).
    Tasks(tasks::Args),
    /// Record and report churn-reason chains.
    #[command(subcommand)]
    Churn(churn::Command),
    /// Health you can check: scorecards, and a backtest of what predicted churn.
    #[command(subcommand)]
    Health(health::Command),
    /// Write a consistent copy of the database, even while the cockpit is open.
    Backup(backup::Args),
    /// Run SQLite's integrity check on the database and say what it found.
    Check,
    /// Write the completion script for a shell to stdout.
    Completions(completions::Args),
    /// Write the manual page (roff) to stdout: `cockpit man | man -l -`.
    Man,
    /// Set this book up as one member of a team whose book is in PostgreSQL.
    #[command(subcommand)]
    Team(team::Command),
    /// Send this book's edits to the team and receive everyone else's.
    Sync(sync::Args),
}

/// Everything a subcommand needs from the outside world, passed in.
pub struct Context {
    pub db: PathBuf,
    /// No `--db` or `COCKPIT_DB`: the platform's data folder, which the
    /// cockpit and `import` may create.
    pub db_is_default: bool,
    pub clock: Clock,
    pub user: String,
}

/// Reading commands check a book this size or smaller for damage before
/// answering (SQLite's quick check reads every page: ~8 ms per MB, ~2 s on
/// a 265 MB book of 100,000 accounts over 60 months). Larger books are
/// checked by `cockpit check`, by every write and by the cockpit in the
/// background.
pub const READ_CHECK_MAX_BYTES: u64 = 32 * 1024 * 1024;

impl Context {
    /// The book for a reading command: it must exist (a mistyped path is
    /// not an empty book); checked for damage when it is small enough.
    /// A book marked read-only (a backup, an archived copy) is opened for
    /// reading only: nothing in it or beside it changes, and the touch kinds
    /// stay those the book was last written with.
    pub fn open_store(&self) -> anyhow::Result<Store> {
        if Store::file_is_read_only(&self.db) {
            let store = Store::open_read_only(&self.db)?;
            if store.file_bytes() <= READ_CHECK_MAX_BYTES {
                store.ensure_sound()?;
            }
            return Ok(store);
        }
        let store = self.open_existing()?;
        if store.file_bytes() <= READ_CHECK_MAX_BYTES {
            store.ensure_sound()?;
        }
        with_touch_kinds(store)
    }

    /// The book for a command that writes into an existing book: it must
    /// exist and pass the quick check, so nothing is written into a
    /// damaged file.
    pub fn open_store_to_write(&self) -> anyhow::Result<Store> {
        let store = self.open_existing()?;
        store.ensure_sound()?;
        with_touch_kinds(store)
    }

    /// The existing book. The default book's data folder, made only with
    /// the book, missing means no book yet rather than a mistyped path.
    pub fn open_existing(&self) -> Result<Store, StoreError> {
        match Store::open_with(&self.db, OpenMode::Existing) {
            Err(StoreError::NoFolder { path, .. }) if self.db_is_default => {
                Err(StoreError::Missing { path })
            }
            other => other,
        }
    }

    /// The book for `import`: created when missing (its folder too on the
    /// default path). The import checks it for damage while it reads the
    /// file, and commits nothing into a damaged book.
    pub fn create_store(&self) -> anyhow::Result<Store> {
        with_touch_kinds(Store::open_with(&self.db, self.create_mode())?)
    }

    /// The book for `import --dry-run`: the book when it exists, else an
    /// empty book in memory, so a dry run creates no file and no folder
    /// (a mistyped path then stays "no database"). A missing folder is
    /// still named, as the real import would name it.
    pub fn dry_run_store(&self) -> anyhow::Result<Store> {
        if std::fs::symlink_metadata(&self.db).is_ok() {
            return self.create_store();
        }
        let folder = self.db.parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(folder) = folder.filter(|f| !self.db_is_default && !f.is_dir()) {
            return Err(StoreError::NoFolder {
                path: self.db.display().to_string(),
                folder: folder.display().to_string(),
            }
            .into());
        }
        with_touch_kinds(Store::open_in_memory()?)
    }

    /// The book for the cockpit: created on the default path, else it must
    /// exist. Its damage check runs in the background once it is drawn. A
    /// book marked read-only opens for reading only: the panes work and the
    /// cockpit refuses every change.
    pub fn open_cockpit_store(&self) -> anyhow::Result<Store> {
        if Store::file_is_read_only(&self.db) {
            return Ok(Store::open_read_only(&self.db)?);
        }
        if self.db_is_default {
            return Ok(Store::open_with(&self.db, self.create_mode())?);
        }
        Ok(self.open_existing()?)
    }

    fn create_mode(&self) -> OpenMode {
        if self.db_is_default { OpenMode::CreateWithFolder } else { OpenMode::Create }
    }

    /// The settings: `config.toml` (or `COCKPIT_CONFIG`), else the defaults.
    pub fn config(&self) -> anyhow::Result<crate::domain::Config> {
        crate::settings::load()
    }
}

/// The book with the settings' touch kinds (its last touches recomputed
/// when they changed). Settings that cannot be read leave the book as it
/// is: a command that needs them says what is wrong with them.
fn with_touch_kinds(mut store: Store) -> anyhow::Result<Store> {
    if let Ok(config) = crate::settings::load() {
        store.use_touch_kinds(&config.touch_kinds)?;
    }
    Ok(store)
}

pub fn main() -> ExitCode {
    crate::timing::mark("main");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return parse_error(&error),
    };
    crate::timing::mark("command line parsed");
    let db = cli.db.clone().unwrap_or_else(crate::paths::default_database);
    match run(cli) {
        Ok(code) => code,
        Err(error) if output::is_broken_pipe(&error) => CLOSED_PIPE,
        Err(error) => {
            // Errors echo cells and arguments: shown inert, never obeyed.
            output::warn(&format!("cockpit: {}", one_line(&error, &db)));
            ExitCode::FAILURE
        }
    }
}

/// The exit code when the reader of the output went away (`cockpit renewals
/// | head -1`): SIGPIPE keeps Rust's setting (ignored), so the write fails,
/// the error travels up and the book is closed (no `-wal`/`-shm` left
/// beside it) before the cockpit ends, saying nothing. Success, as for
/// ripgrep: the reader had all it wanted and nothing went wrong in the
/// cockpit, so a script with `set -o pipefail` does not fail on
/// `cockpit renewals | head -1`.
const CLOSED_PIPE: ExitCode = ExitCode::SUCCESS;

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

/// An error as one line a user can act on: damage and a full disk in their
/// own words wherever they were met, each cause said once (a cause already
/// in its context's text is not repeated), line breaks folded.
pub fn one_line(error: &anyhow::Error, db: &std::path::Path) -> String {
    let db_text = db.display().to_string();
    let store_error = error.chain().find_map(|cause| cause.downcast_ref::<StoreError>());
    let sqlite_code = error.chain().find_map(|cause| {
        cause
            .downcast_ref::<rusqlite::Error>()
            .or(match cause.downcast_ref::<StoreError>() {
                Some(StoreError::Sql(sql)) => Some(sql),
                _ => None,
            })
            .and_then(rusqlite::Error::sqlite_error_code)
    });
    let text = format!("{error:#}");
    let damaged = matches!(store_error, Some(StoreError::Damaged { .. }))
        || matches!(
            sqlite_code,
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
        )
        || text.contains("database disk image is malformed");
    if damaged {
        return crate::store::damaged_message(&db_text);
    }
    let full = matches!(store_error, Some(StoreError::DiskFull { .. }))
        || sqlite_code == Some(rusqlite::ErrorCode::DiskFull);
    if full && !text.contains("disk is full") {
        return StoreError::DiskFull { path: db_text }.to_string();
    }
    let mut line = String::new();
    for cause in error.chain() {
        let said = cause.to_string();
        if line.contains(said.as_str()) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&said);
    }
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    output::set_table_width(cli.width);
    let context = Context {
        db: cli.db.clone().unwrap_or_else(crate::paths::default_database),
        db_is_default: cli.db.is_none(),
        clock: Clock::from_env(),
        user: crate::paths::current_user(),
    };
    // The currency symbol for every amount shown. A command that needs the
    // settings reports a broken file itself; the others show plain numbers.
    let _ = context.config();
    crate::timing::mark("settings read");
    match cli.command {
        Some(Command::Import(args)) => import::run(&context, args),
        Some(Command::Export(args)) => export::run(&context, args),
        Some(Command::Gen(args)) => generate::run(&context, args),
        Some(Command::Metrics(command)) => metrics::run(&context, command),
        Some(Command::Renewals(args)) => renewals::run(&context, args),
        Some(Command::Targets(args)) => targets::run(&context, args),
        Some(Command::Opportunities(args)) => opportunities::run(&context, args),
        Some(Command::Today(args)) => today::run(&context, args),
        Some(Command::Tasks(args)) => tasks::run(&context, args),
        Some(Command::Churn(command)) => churn::run(&context, command),
        Some(Command::Health(command)) => health::run(&context, command),
        Some(Command::Backup(args)) => backup::run(&context, args),
        Some(Command::Check) => check::run(&context),
        Some(Command::Completions(args)) => completions::run(args),
        Some(Command::Man) => man::run(),
        Some(Command::Team(command)) => team::run(&context, command),
        Some(Command::Sync(args)) => sync::run(&context, args),
        None => crate::tui::run(crate::tui::Start {
            store: if cli.demo { None } else { Some(context.open_cockpit_store()?) },
            demo: cli.demo,
            clock: context.clock,
            user: context.user,
        }),
    }
}
