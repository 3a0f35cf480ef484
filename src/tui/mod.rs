//! The full-screen app. (Being built.)
use crate::cli::Context;
use std::process::ExitCode;

pub fn run(_context: &Context, _demo: bool) -> anyhow::Result<ExitCode> {
    anyhow::bail!("the cockpit app is not built yet")
}
