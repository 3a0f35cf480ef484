//! `cockpit backup FILE [--force]`: a consistent copy of the database made
//! with SQLite's online backup, safe while a cockpit or an import is writing.
//! Never overwrites an existing file unless asked to, never the database
//! (`out_file`), and the copy is its owner's only.

use super::{Context, out_file, output};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the copy.
    pub file: PathBuf,
    /// Replace FILE if it already exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    out_file::check(&args.file, &context.db)?;
    if args.file.exists() && !args.force {
        anyhow::bail!(
            "{} already exists; choose another name or add --force to replace it",
            args.file.display()
        );
    }
    let store = context.open_store()?;
    // The copy is made beside the target and renamed over it only once
    // complete, so a failed backup never destroys an earlier one.
    out_file::write_at(&args.file, &context.db, |partial| {
        store.backup_to(partial).map_err(|error| {
            anyhow::Error::new(error).context(format!("{}: the backup failed", args.file.display()))
        })
    })?;
    output::say(&format!("backed up {} to {}", context.db.display(), args.file.display()))?;
    Ok(ExitCode::SUCCESS)
}
