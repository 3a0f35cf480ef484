//! `cockpit backup FILE [--force]`: a consistent copy of the database made
//! with SQLite's online backup, safe while a cockpit or an import is writing.
//! Never overwrites an existing file unless asked to.

use super::Context;
use anyhow::Context as _;
use std::path::{Path, PathBuf};
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
    if args.file.exists() && !args.force {
        anyhow::bail!(
            "{} already exists; choose another name or add --force to replace it",
            args.file.display()
        );
    }
    if same_file(&args.file, &context.db) {
        anyhow::bail!("{} is the database itself; choose another file", args.file.display());
    }
    let store = context.open_store()?;
    // The copy is made beside the target and renamed over it only once
    // complete, so a failed backup never destroys an earlier one.
    let partial = partial_path(&args.file);
    let _ = std::fs::remove_file(&partial);
    create_private(&partial)
        .with_context(|| format!("{}: cannot create the backup", partial.display()))?;
    if let Err(error) = store.backup_to(&partial) {
        let _ = std::fs::remove_file(&partial);
        return Err(anyhow::Error::new(error)
            .context(format!("{}: the backup failed", args.file.display())));
    }
    std::fs::rename(&partial, &args.file)
        .with_context(|| format!("{}: cannot write the backup", args.file.display()))?;
    println!("backed up {} to {}", context.db.display(), args.file.display());
    Ok(ExitCode::SUCCESS)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    path.with_file_name(name)
}

/// The backup holds the whole book: readable by its owner only, like the database.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop)
}
