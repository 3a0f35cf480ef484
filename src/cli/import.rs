//! `cockpit import KIND FILE`: load one CSV file (or `-` for standard input)
//! into the book, all or nothing, and say what it did; `cockpit import all
//! DIR` fills a new book from a folder `export all` wrote. `--profile` reads
//! another tool's export as a profile maps it; `--profiles` lists the
//! built-in ones. `--dry-run` checks and counts without writing, `--json`
//! prints the summary for scripts, `--quiet` prints nothing but errors; a
//! progress bar shows on a terminal's standard error once an import passes
//! about a second.

use super::{Context, output};
use crate::import::{
    FileReport, ImportError, ImportKind, ImportOptions, Profile, Progress, import_all,
    import_path_with, profile,
};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Value, json};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What is imported: one kind of file, or a whole folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Kind(ImportKind),
    All,
}

pub(super) fn target_parser() -> impl TypedValueParser<Value = Target> {
    let names = ImportKind::EVERY.iter().map(|kind| kind.as_str()).chain(["all"]);
    PossibleValuesParser::new(names).map(|name: String| {
        ImportKind::EVERY
            .iter()
            .copied()
            .find(|kind| kind.as_str() == name)
            .map(Target::Kind)
            .unwrap_or(Target::All)
    })
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What the file holds, or `all` for a folder written by `export all`.
    #[arg(value_parser = target_parser(), required_unless_present = "profiles")]
    pub kind: Option<Target>,
    /// The CSV file, or `-` for standard input (for `all`: the folder).
    #[arg(required_unless_present = "profiles")]
    pub file: Option<PathBuf>,
    /// Read the file as another tool exports it: a built-in profile's name
    /// (see --profiles) or a profile file (.toml).
    #[arg(long, value_name = "NAME|FILE.toml")]
    pub profile: Option<String>,
    /// List the built-in profiles.
    // Not `exclusive`: clap counts a `COCKPIT_DB` in the environment as a
    // given `--db`, and the book does not matter to the list.
    #[arg(long, conflicts_with_all = ["kind", "file", "profile", "dry_run", "json", "quiet"])]
    pub profiles: bool,
    /// Check and count everything, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the summary as JSON (kind, file, inserted, updated, unchanged, warnings).
    #[arg(long)]
    pub json: bool,
    /// Print nothing but errors; no progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// How long an import runs before its progress bar shows.
const QUIET_SPELL: Duration = Duration::from_secs(1);

pub fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let (Some(target), Some(file)) = (args.kind, args.file) else {
        return list_profiles();
    };
    if target == Target::All && args.profile.is_some() {
        output::warn(
            "cockpit: import all reads the files `export all` wrote, in the cockpit's own \
             format; --profile maps one file of another tool: import that file with \
             `cockpit import KIND FILE --profile NAME`",
        );
        output::warn(&format!(
            "cockpit: nothing was imported from {}; the database is unchanged",
            file.display()
        ));
        return Ok(ExitCode::from(2));
    }
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
    let mut store = if args.dry_run { context.dry_run_store()? } else { context.create_store()? };
    // A departure a contacts file brings starts the sponsor-change playbook.
    if let Ok(config) = context.config() {
        store.set_playbooks(config.playbooks.clone());
    }
    let bar = ProgressBar::hidden();
    let wanted = !args.quiet && std::io::stderr().is_terminal();
    let options = ImportOptions {
        dry_run: args.dry_run,
        progress: wanted.then(|| progress(bar.clone())),
        profile,
    };
    let started = Instant::now();
    let result = match target {
        Target::Kind(kind) => {
            import_path_with(&mut store, kind, &file, &context.user, &context.clock, options).map(
                |report| {
                    vec![FileReport {
                        kind: report.kind.as_str(),
                        file: report.file,
                        counts: report.counts,
                        warnings: report.warnings,
                        took: started.elapsed(),
                        derived: report.derived,
                    }]
                },
            )
        }
        Target::All => import_all(&mut store, &file, &context.user, &context.clock, options),
    };
    bar.finish_and_clear();
    match result {
        Ok(reports) => {
            if args.json {
                let files: Vec<Value> = reports.iter().map(|r| summary(r, args.dry_run)).collect();
                match target {
                    Target::All => output::print_json(&Value::Array(files))?,
                    Target::Kind(_) => output::print_json(files.first().unwrap_or(&Value::Null))?,
                }
            } else if !args.quiet {
                for report in &reports {
                    for warning in &report.warnings {
                        output::warn(&format!("warning: {warning}"));
                    }
                    output::say(&line(report))?;
                }
                if args.dry_run {
                    output::say("dry run: nothing was written; the database is unchanged")?;
                }
            }
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

/// One file's line for people.
pub(super) fn line(report: &FileReport) -> String {
    let counts = report.counts;
    let total = counts.inserted + counts.updated + counts.unchanged;
    if total == 0 {
        // A header alone is an empty table, as `export` writes one.
        return format!(
            "{}: 0 {}: the file has a header row and no data rows; nothing changed",
            report.file, report.kind
        );
    }
    let mut line = format!(
        "{}: {} {}: {} inserted, {} updated, {} unchanged",
        report.file, total, report.kind, counts.inserted, counts.updated, counts.unchanged
    );
    if let Some(derived) = &report.derived {
        line.push_str(&format!("; {derived}"));
    }
    line
}

/// One file's summary for scripts.
pub(super) fn summary(report: &FileReport, dry_run: bool) -> Value {
    json!({
        "kind": report.kind,
        "file": report.file,
        "inserted": report.counts.inserted,
        "updated": report.counts.updated,
        "unchanged": report.counts.unchanged,
        "warnings": report.warnings,
        "dry_run": dry_run,
    })
}

/// Feeds the bar, which shows itself once the import has run a second.
fn progress(bar: ProgressBar) -> Progress {
    let started = Instant::now();
    let shown = AtomicBool::new(false);
    Arc::new(move |read: u64, total: u64| {
        if !shown.load(Ordering::Relaxed) {
            if started.elapsed() < QUIET_SPELL {
                return;
            }
            shown.store(true, Ordering::Relaxed);
            let style = if total > 0 {
                ProgressStyle::with_template(
                    "{spinner} importing [{bar:30}] {bytes}/{total_bytes} ({eta} left)",
                )
            } else {
                ProgressStyle::with_template("{spinner} importing {bytes} read")
            };
            if let Ok(style) = style {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        if total > 0 {
            bar.set_length(total);
        }
        bar.set_position(read);
    })
}
