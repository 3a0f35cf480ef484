//! `cockpit churn …` (placeholder until the churn chains land).
use super::Context;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Command {}

pub fn run(_context: &Context, command: Command) -> anyhow::Result<ExitCode> {
    match command {}
}
