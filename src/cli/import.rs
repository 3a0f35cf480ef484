//! `cockpit import KIND FILE`: load one CSV file (or `-` for standard input)
//! into the book, all or nothing, and say what it did.

use super::{Context, choice, output};
use crate::import::{ImportError, ImportKind, import_path};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What the file holds.
    #[arg(value_parser = choice::parser::<ImportKind>())]
    pub kind: ImportKind,
    /// The CSV file, or `-` for standard input.
    pub file: PathBuf,
}

pub fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let mut store = context.create_store()?;
    match import_path(&mut store, args.kind, &args.file, &context.user, &context.clock) {
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
                args.file.display()
            ));
            Ok(ExitCode::FAILURE)
        }
        Err(other) => Err(other.into()),
    }
}
