//! `cockpit completions SHELL`: the shell's completion script for every
//! command and flag, generated from the same clap definition the parser
//! uses, so it cannot fall behind. Writes to stdout only; installing it is
//! the user's (or the packager's) choice.

use clap::CommandFactory;
use clap_complete::Shell;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(after_help = "Install, for example:\n  \
    bash: cockpit completions bash > ~/.local/share/bash-completion/completions/cockpit\n  \
    zsh:  cockpit completions zsh > ~/.zfunc/_cockpit   (with fpath+=~/.zfunc before compinit)\n  \
    fish: cockpit completions fish > ~/.config/fish/completions/cockpit.fish\n  \
    PowerShell: cockpit completions powershell >> $PROFILE")]
pub struct Args {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

/// The shells a script is written for (clap_complete's own list, less
/// Elvish, which nobody asked for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    #[value(name = "powershell")]
    PowerShell,
}

impl From<CompletionShell> for Shell {
    fn from(shell: CompletionShell) -> Shell {
        match shell {
            CompletionShell::Bash => Shell::Bash,
            CompletionShell::Zsh => Shell::Zsh,
            CompletionShell::Fish => Shell::Fish,
            CompletionShell::PowerShell => Shell::PowerShell,
        }
    }
}

/// The script for `shell`, as bytes.
pub fn script(shell: CompletionShell) -> Vec<u8> {
    let mut command = super::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(Shell::from(shell), &mut command, "cockpit", &mut script);
    script
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&script(args.shell))?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_a_script_naming_the_subcommands() {
        for shell in [
            CompletionShell::Bash,
            CompletionShell::Zsh,
            CompletionShell::Fish,
            CompletionShell::PowerShell,
        ] {
            let text = String::from_utf8(script(shell)).expect("utf-8");
            for name in ["import", "renewals", "churn", "completions", "man"] {
                assert!(text.contains(name), "{shell:?} lacks {name}");
            }
        }
    }
}
