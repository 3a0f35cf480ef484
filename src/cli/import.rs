//! `cockpit import KIND FILE`: load one CSV file (or `-` for standard input)
//! into the book, all or nothing, and say what it did. `--profile` reads
//! another tool's export as a profile maps it; `--profiles` lists the
//! built-in ones.

use super::{Context, choice, output};
use crate::import::{ImportError, ImportKind, Profile, import_path_with, profile};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What the file holds.
    #[arg(value_parser = choice::parser::<ImportKind>(), required_unless_present = "profiles")]
    pub kind: Option<ImportKind>,
    /// The CSV file, or `-` for standard input.
    #[arg(required_unless_present = "profiles")]
    pub file: Option<PathBuf>,
    /// Read the file as another tool exports it: a built-in profile's name
    /// (see --profiles) or a profile file (.toml).
    #[arg(long, value_name = "NAME|FILE.toml")]
    pub profile: Option<String>,
    /// List the built-in profiles.
    #[arg(long, exclusive = true)]
    pub profiles: bool,
}

pub fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let (Some(kind), Some(file)) = (args.kind, args.file) else {
        return list_profiles();
    };
    let profile = match args.profile.as_deref().map(Profile::find).transpose() {
        Ok(profile) => profile.unwrap_or_else(Profile::none),
        Err(error) => {
            output::warn(&format!("cockpit: {error}"));
            output::warn(&format!(
                "cockpit: nothing was imported from {}; the database is unchanged",
                file.display()
            ));
            return Ok(ExitCode::FAILURE);
        }
    };
    let mut store = context.create_store()?;
    match import_path_with(&mut store, kind, &file, &profile, &context.user, &context.clock) {
        Ok(report) => {
            for warning in &report.warnings {
                output::warn(&format!("warning: {warning}"));
            }
            output::say(&format!("{report}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Rejected(errors)) => {
            for error in &errors {
                output::warn(&format!("{error}"));
            }
            output::warn(&format!(
                "cockpit: nothing was imported from {}; the database is unchanged",
                file.display()
            ));
            Ok(ExitCode::FAILURE)
        }
        Err(other) => Err(other.into()),
    }
}

/// `--profiles`: each built-in profile's name, kind and what it reads.
fn list_profiles() -> anyhow::Result<ExitCode> {
    let mut rows = Vec::new();
    for builtin in profile::BUILTIN {
        let profile = builtin.profile()?;
        rows.push(vec![profile.name, profile.kind, profile.description]);
    }
    output::print_table(&["profile", "kind", "reads"], &rows)?;
    output::say(
        "Use one with --profile NAME, or write your own profile file (--profile FILE.toml).",
    )?;
    Ok(ExitCode::SUCCESS)
}
