//! `cockpit targets` (placeholder until the importer lands).
use super::Context;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_context: &Context, _args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("targets is not built yet")
}
