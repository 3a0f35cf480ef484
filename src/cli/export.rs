//! `cockpit export KIND [--format csv|json] [--out FILE]`: write one kind of
//! rows in the import format, to standard output or a file.

use super::{Context, choice, out_file, output};
use crate::export::{ExportFormat, export};
use crate::import::ImportKind;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to export.
    #[arg(value_parser = choice::parser::<ImportKind>())]
    pub kind: ImportKind,
    /// csv (the import format) or json (an array of objects, money as exact numbers).
    #[arg(long, value_parser = choice::parser::<ExportFormat>(), default_value = "csv")]
    pub format: ExportFormat,
    /// Write to this file instead of standard output (replaced whole, only once complete).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.out {
        out_file::check(path, &context.db)?;
    }
    let store = context.open_store()?;
    match &args.out {
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            export(&store, args.kind, args.format, &mut out)?;
            out.flush()?;
        }
        Some(path) => {
            // Never the database; written whole or not at all (`out_file`).
            let rows = out_file::write(path, &context.db, |out| {
                Ok(export(&store, args.kind, args.format, out)?)
            })?;
            output::warn(&format!("{}: {rows} {} exported", path.display(), args.kind));
        }
    }
    Ok(ExitCode::SUCCESS)
}
