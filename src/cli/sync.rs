//! `cockpit sync`: push this book's outbox to the team and pull everyone
//! else's events, one transaction per batch on both sides. The book stays
//! usable whatever happens to the server; what was not sent is sent next time.

use super::{Context, output};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The team's database (default: COCKPIT_TEAM_URL, [team] url, or the team joined).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Print what the sync did as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(context: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let mut store = context.open_store_to_write()?;
    // A departure the team's contacts bring starts the sponsor-change
    // playbook, as a local import's does.
    store.set_playbooks(context.config()?.playbooks.clone());
    let url = super::team::team_url(context, args.url.as_deref(), Some(&store))?;
    let report = cockpit_team::sync(&mut store, &url)?;
    if args.json {
        output::print_json(&serde_json::json!({
            "team": cockpit_team::redact(&url),
            "pushed": report.pushed,
            "pulled": report.pulled,
            "applied": report.applied,
            "parked": report.parked,
            "imported": report.imported,
        }))?;
    } else {
        let mut said = format!(
            "synced with {}: sent {} events, received {} ({} changed the book)",
            cockpit_team::redact(&url),
            report.pushed,
            report.pulled,
            report.applied
        );
        if report.imported > 0 {
            said.push_str(&format!(
                "; {} files of the team's book data landed in the book",
                report.imported
            ));
        }
        if report.parked > 0 {
            said.push_str(&format!(
                "; {} wait for accounts this book does not hold yet",
                report.parked
            ));
        }
        output::say(&said)?;
    }
    Ok(ExitCode::SUCCESS)
}
