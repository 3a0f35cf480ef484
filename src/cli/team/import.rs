//! `cockpit team import KIND FILE` (or `all DIR`): CS operations puts the
//! book data — accounts, snapshots, contracts, subscriptions, usage,
//! tickets, surveys, contacts — into the team's database, and every member
//! receives it on their next sync. The book importing it is a member: it
//! first syncs (so the file is checked against the team's book as it
//! stands), then reads the file with the same import as `cockpit import`
//! and rolls that back; only a file that imports whole is sent, with the
//! profile's text that reads it, and a refused file leaves the team's
//! database untouched. The same `--profile`, `--dry-run`, `--json` and
//! `--quiet` as `cockpit import`.

use super::super::import::{Target, line, summary, target_parser};
use super::super::{Context, output};
use crate::import::{FileReport, ImportError, ImportKind, Profile, profile::BUILTIN};
use crate::team::{Body, Local, TeamFile, load_team_files};
use cockpit_team::Team;
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// What the file holds, or `all` for a folder of the cockpit's CSV files.
    #[arg(value_parser = target_parser())]
    pub kind: Target,
    /// The CSV file, or `-` for standard input (for `all`: the folder).
    pub file: PathBuf,
    /// Read the file as another tool exports it: a built-in profile's name
    /// (see `cockpit import --profiles`) or a profile file (.toml).
    #[arg(long, value_name = "NAME|FILE.toml")]
    pub profile: Option<String>,
    /// Check and count everything against the team's book, send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the summary as JSON (kind, file, inserted, updated, unchanged, warnings).
    #[arg(long)]
    pub json: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// The team's database (default: COCKPIT_TEAM_URL, [team] url, or the team joined).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
}

/// A profile's name and text, as members will read it.
fn profile_text(name_or_path: &str) -> anyhow::Result<(String, String, Profile)> {
    if let Some(builtin) = BUILTIN.iter().find(|b| b.name == name_or_path) {
        return Ok((builtin.name.to_string(), builtin.text().to_string(), builtin.profile()?));
    }
    // Refuses what `import` refuses, with its words.
    let profile = Profile::find(name_or_path)?;
    let text = std::fs::read_to_string(name_or_path)?;
    Ok((profile.name.clone(), text, profile))
}

/// The files to send: one, or the cockpit's CSV files found in a folder.
fn gather(
    target: Target,
    path: &Path,
    profile: Option<&(String, String, Profile)>,
    who: &str,
) -> anyhow::Result<Vec<TeamFile>> {
    let at = chrono::Utc::now();
    // A file is read where it lies, as a stream, when it is checked and
    // again when it is sent; only standard input is held.
    let read = |kind: ImportKind, path: &Path| -> anyhow::Result<TeamFile> {
        let shown = path.display().to_string();
        let body = if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes)?;
            Body::Bytes(bytes)
        } else {
            if path.is_dir() {
                anyhow::bail!("{shown}: is a folder, not a CSV file");
            }
            std::fs::File::open(path)
                .map_err(|e| anyhow::anyhow!("{shown}: cannot be read: {e}"))?;
            Body::Path(path.to_path_buf())
        };
        Ok(TeamFile {
            seq: 0,
            kind,
            file: shown,
            profile: profile.map(|p| p.1.clone()),
            profile_name: profile.map(|p| p.0.clone()),
            body,
            who: who.to_string(),
            at,
        })
    };
    match target {
        Target::Kind(kind) => Ok(vec![read(kind, path)?]),
        Target::All => {
            if !path.is_dir() {
                anyhow::bail!("{}: is not a folder of the cockpit's CSV files", path.display());
            }
            let kinds = ImportKind::book_files().chain([ImportKind::Contacts]);
            let files = kinds
                .map(|kind| (kind, path.join(format!("{kind}.csv"))))
                .filter(|(_, file)| file.is_file())
                .map(|(kind, file)| read(kind, &file))
                .collect::<anyhow::Result<Vec<_>>>()?;
            if files.is_empty() {
                anyhow::bail!(
                    "{}: holds none of the cockpit's CSV files (accounts.csv, snapshots.csv, contracts.csv, …)",
                    path.display()
                );
            }
            Ok(files)
        }
    }
}

pub fn run(context: &Context, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let shown_file = args.file.display().to_string();
    let unchanged = |why: &str| -> anyhow::Result<ExitCode> {
        output::warn(&format!("cockpit: {why}"));
        output::warn(&format!(
            "cockpit: nothing from {shown_file} was sent to the team; its database is unchanged"
        ));
        Ok(ExitCode::FAILURE)
    };
    if args.kind == Target::All && args.profile.is_some() {
        return unchanged(
            "team import all reads the cockpit's own CSV files; --profile maps one file of \
             another tool: send that file with `cockpit team import KIND FILE --profile NAME`",
        );
    }
    let profile = match args.profile.as_deref().map(profile_text).transpose() {
        Ok(profile) => profile,
        Err(error) => return unchanged(&error.to_string()),
    };
    if let (Some((_, _, profile)), Target::Kind(kind)) = (&profile, args.kind)
        && let Err(error) = profile.check_kind(kind.as_str())
    {
        return unchanged(&error.to_string());
    }
    let mut store = context.open_store_to_write()?;
    // A departure a contacts file brings starts the sponsor-change playbook.
    store.set_playbooks(context.config()?.playbooks.clone());
    let Some(joined) = store.team_membership()? else {
        return unchanged(
            "this book has not joined a team; team import checks the file against the team's \
             book, so join it first: cockpit team join URL --as NAME",
        );
    };
    let url = super::team_url(context, args.url.as_deref(), Some(&store))?;
    // Checked against the team's book as it stands now.
    cockpit_team::sync(&mut store, &url)?;
    let files = match gather(args.kind, &args.file, profile.as_ref(), &joined.member) {
        Ok(files) => files,
        Err(error) => return unchanged(&error.to_string()),
    };
    let started = Instant::now();
    let reports = match load_team_files(&mut store, &files, None, &mut Local) {
        Ok(reports) => reports,
        Err(ImportError::Rejected(errors)) => {
            for error in &errors {
                output::warn(&format!("{error}"));
            }
            output::warn(&format!(
                "cockpit: nothing from {shown_file} was sent to the team; its database is unchanged"
            ));
            return Ok(ExitCode::FAILURE);
        }
        Err(other) => return Err(other.into()),
    };
    let reports: Vec<FileReport> = reports
        .into_iter()
        .map(|report| FileReport {
            kind: report.kind.as_str(),
            file: report.file,
            counts: report.counts,
            warnings: report.warnings,
            took: started.elapsed(),
            derived: report.derived,
        })
        .collect();
    let mut sent = None;
    if !args.dry_run {
        let mut team = Team::connect(&url)?;
        let places = team.upload(&files, &mut Local)?;
        sent = Some((team.shown().to_string(), places));
        // This book receives it as every member does.
        cockpit_team::sync(&mut store, &url)?;
    }
    if args.json {
        let mut files: Vec<Value> = reports.iter().map(|r| summary(r, args.dry_run)).collect();
        if let Some((_, places)) = &sent {
            for (file, place) in files.iter_mut().zip(places) {
                file["team_import"] = Value::from(*place);
            }
        }
        match args.kind {
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
        match &sent {
            Some((team, _)) => output::say(&format!(
                "sent to the team at {team}; members receive it on their next sync"
            ))?,
            None => {
                output::say("dry run: nothing was sent to the team; its database is unchanged")?
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
