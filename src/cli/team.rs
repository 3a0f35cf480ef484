//! `cockpit team init|join|status`: set a book up as one member of a team
//! whose book lives in a shared PostgreSQL database. `init` creates (or
//! upgrades) the team's schema once; `join --as NAME` makes this book a
//! member and records what it already holds for the next sync; `status`
//! says where the book stands. The team's address comes from the argument,
//! `COCKPIT_TEAM_URL`, `[team] url` in config.toml, or the team the book
//! joined, in that order; passwords follow libpq (`PGPASSFILE`).

mod import;
mod rollup;

use super::{Context, output};
use crate::store::Store;
use cockpit_team::{Initialised, TEAM_SCHEMA, Team, redact};
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create the team's schema in a PostgreSQL database (or bring an older one up to date).
    Init(UrlArg),
    /// Make this book a member of the team, named NAME on everything it authors.
    Join(JoinArgs),
    /// The team this book belongs to, what waits to be sent, and the last sync.
    Status,
    /// Put book data (accounts, snapshots, contracts, subscriptions, signals,
    /// contacts) into the team's database, all or nothing; members receive it on sync.
    Import(import::ImportArgs),
    /// The manager's roll-up: every CSM's Today, ARR at stake, overdue work and
    /// forecast, and the churn report by root cause for the whole team.
    Rollup(rollup::RollupArgs),
}

#[derive(Debug, clap::Args)]
pub struct UrlArg {
    /// The team's database (libpq: postgres://USER@HOST/DB or key=value).
    #[arg(value_name = "URL")]
    pub url: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct JoinArgs {
    /// The team's database (libpq: postgres://USER@HOST/DB or key=value).
    #[arg(value_name = "URL")]
    pub url: Option<String>,
    /// The member's name (default: `[team] member` in config.toml).
    #[arg(long = "as", value_name = "NAME")]
    pub member: Option<String>,
}

/// The team's address: the argument, the environment, the settings, or the
/// team the book joined.
pub fn team_url(
    context: &Context,
    given: Option<&str>,
    store: Option<&Store>,
) -> anyhow::Result<String> {
    if let Some(url) = given.filter(|u| !u.trim().is_empty()) {
        return Ok(url.to_string());
    }
    if let Ok(url) = std::env::var(cockpit_team::TEAM_URL_VAR)
        && !url.trim().is_empty()
    {
        return Ok(url);
    }
    let config = context.config()?;
    if !config.team.url.trim().is_empty() {
        return Ok(config.team.url);
    }
    if let Some(joined) = store.map(Store::team_membership).transpose()?.flatten() {
        return Ok(joined.team);
    }
    anyhow::bail!(
        "no team configured: give its address (cockpit team join postgres://USER@HOST/DB --as NAME), set {} or [team] url in config.toml",
        cockpit_team::TEAM_URL_VAR
    )
}

pub fn run(context: &Context, command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Init(args) => {
            let url = team_url(context, args.url.as_deref(), None)?;
            let mut team = Team::connect(&url)?;
            let said = match team.init()? {
                Initialised::Created => {
                    format!("created the team schema {TEAM_SCHEMA} in {}", team.shown())
                }
                Initialised::Upgraded { from } => {
                    format!(
                        "upgraded the team schema in {} from {from} to {TEAM_SCHEMA}",
                        team.shown()
                    )
                }
                Initialised::AlreadyCurrent => {
                    format!(
                        "{} already holds the team schema {TEAM_SCHEMA}; nothing changed",
                        team.shown()
                    )
                }
            };
            output::say(&said)?;
        }
        Command::Import(args) => return import::run(context, args),
        Command::Rollup(args) => return rollup::run(context, args),
        Command::Join(args) => {
            // A new member may come with no book yet: the team's book data
            // fills it on the first sync.
            let store = context.create_store()?;
            let url = team_url(context, args.url.as_deref(), None)?;
            let member = match args.member {
                Some(name) => name,
                None => context.config()?.team.member,
            };
            let member = member.trim().to_string();
            if member.is_empty() {
                anyhow::bail!(
                    "name the member: cockpit team join URL --as NAME (or [team] member in config.toml)"
                );
            }
            let mut team = Team::connect(&url)?;
            team.join(&member)?;
            let recorded = store.join_team(&member, &redact(&url))?;
            output::say(&format!(
                "joined {} as {}; {recorded} authored records wait for the first sync (cockpit sync)",
                team.shown(),
                crate::text::inert::line(&member)
            ))?;
        }
        Command::Status => {
            let store = context.open_store()?;
            let Some(joined) = store.team_membership()? else {
                output::say("this book has not joined a team (cockpit team join URL --as NAME)")?;
                return Ok(ExitCode::SUCCESS);
            };
            let last = match store.last_team_sync()? {
                Some(at) => at.format("%Y-%m-%d %H:%M UTC").to_string(),
                None => "never".to_string(),
            };
            output::say(&format!(
                "member {} of {}\nwaiting to be sent: {} events\nwaiting for their account: {} events\nlast sync: {last}",
                crate::text::inert::line(&joined.member),
                crate::text::inert::line(&joined.team),
                store.outbox_len()?,
                store.parked_len()?,
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
