//! `cockpit export KIND [--format csv|json] [--out FILE]`: write one kind of
//! rows in the import format (one of the book's four files or one authored
//! table), to standard output or a file; `cockpit export all --out DIR`
//! writes every one of them into a folder, as `import all` reads it back.

use super::{Context, choice, out_file, output};
use crate::export::{ExportFile, ExportFormat, all_files, export_file, export_one};
use crate::import::ImportKind;
use anyhow::Context as _;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// What is exported: one file's rows, or every file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    One(ExportFile),
    All,
}

/// Every file one can export alone: each kind `import` takes, in the form
/// it takes it (contacts too, which `export all` writes as a table of your
/// own work), then the authored tables.
fn single_files() -> Vec<ExportFile> {
    let mut files: Vec<ExportFile> = ImportKind::EVERY.into_iter().map(ExportFile::Book).collect();
    for file in all_files() {
        if !files.iter().any(|known| known.stem() == file.stem()) {
            files.push(file);
        }
    }
    files
}

fn target_parser() -> impl TypedValueParser<Value = Target> {
    let names: Vec<&'static str> =
        single_files().iter().map(|file| file.stem()).chain(["all"]).collect();
    PossibleValuesParser::new(names).map(|name: String| {
        single_files()
            .into_iter()
            .find(|file| file.stem() == name)
            .map(Target::One)
            .unwrap_or(Target::All)
    })
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to export: one of the book's files, one table of your own work, or `all`.
    #[arg(value_parser = target_parser())]
    pub kind: Target,
    /// csv (the import format) or json (an array of objects, money as exact numbers).
    #[arg(long, value_parser = choice::parser::<ExportFormat>(), default_value = "csv")]
    pub format: ExportFormat,
    /// Write to this file instead of standard output (replaced whole, only
    /// once complete); for `all`, the folder to write into (created if needed).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let file = match args.kind {
        Target::All => return run_all(context, &args),
        Target::One(file) => file,
    };
    if let Some(path) = &args.out {
        out_file::check(path, &context.db)?;
    }
    let store = context.open_store()?;
    match &args.out {
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            export_one(&store, file, args.format, &mut out)?;
            out.flush()?;
        }
        Some(path) => {
            // Never the database; written whole or not at all (`out_file`).
            let rows = out_file::write(path, &context.db, |out| {
                Ok(export_one(&store, file, args.format, out)?)
            })?;
            output::warn(&format!("{}: {rows} {} exported", path.display(), file.stem()));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Every file into the folder `--out`, each written whole.
fn run_all(context: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let Some(dir) = &args.out else {
        output::warn("cockpit: export all writes a folder of files; name it with --out DIR");
        return Ok(ExitCode::from(2));
    };
    if dir.exists() && !dir.is_dir() {
        output::warn(&format!(
            "cockpit: {} is a file, not a folder; choose a folder",
            dir.display()
        ));
        return Ok(ExitCode::FAILURE);
    }
    let store = context.open_store()?;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
    for file in all_files() {
        let path = dir.join(file.file_name(args.format));
        out_file::check(&path, &context.db)?;
        let rows = out_file::write(&path, &context.db, |out| {
            Ok(export_file(&store, file, args.format, out)?)
        })?;
        output::warn(&format!("{}: {rows} {} exported", path.display(), file.stem()));
    }
    Ok(ExitCode::SUCCESS)
}
