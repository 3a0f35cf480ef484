//! `cockpit export KIND [--format csv|json] [--out FILE]`: write one kind of
//! rows in the import format, to standard output or a file.

use super::Context;
use crate::export::{ExportFormat, export};
use crate::import::ImportKind;
use anyhow::Context as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to export.
    #[arg(value_enum)]
    pub kind: ImportKind,
    /// csv (the import format) or json (an array of objects, money as exact numbers).
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// Write to this file instead of standard output (replaced whole, only once complete).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let store = context.open_store()?;
    match &args.out {
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            export(&store, args.kind, args.format, &mut out)?;
            out.flush()?;
        }
        Some(path) => {
            // Written beside the target and renamed, so a failed export never
            // leaves half a file where a good one was.
            let partial = partial_path(path);
            let file = std::fs::File::create(&partial)
                .with_context(|| format!("{}: cannot create the file", partial.display()))?;
            let mut out = std::io::BufWriter::new(file);
            let written = export(&store, args.kind, args.format, &mut out)
                .and_then(|n| out.flush().map(|_| n).map_err(Into::into));
            let rows = match written {
                Ok(rows) => rows,
                Err(error) => {
                    let _ = std::fs::remove_file(&partial);
                    return Err(error.into());
                }
            };
            drop(out);
            std::fs::rename(&partial, path)
                .with_context(|| format!("{}: cannot write the file", path.display()))?;
            eprintln!("{}: {rows} {} exported", path.display(), args.kind);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn partial_path(path: &std::path::Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    path.with_file_name(name)
}
