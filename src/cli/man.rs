//! `cockpit man`: the manual page in roff, generated from the clap
//! definition. One stream holds `cockpit(1)` and, after it, one page per
//! subcommand (`cockpit-import(1)`, `cockpit-metrics-retention(1)`, …), so
//! `cockpit man | man -l -` reads the whole manual and a packager can split
//! it at each `.TH`. Writes to stdout only.

use clap::CommandFactory;
use std::io::Write;
use std::process::ExitCode;

/// What the command line cannot say about itself: the variables and files
/// every command reads (kept beside the README's own account of them).
const ENVIRONMENT: &str = r".SH ENVIRONMENT
.TP
\fBCOCKPIT_DB\fR
The database to use, as \fB\-\-db\fR.
.TP
\fBCOCKPIT_CONFIG\fR
The settings file to read instead of the default one.
.TP
\fBCOCKPIT_USER\fR
Your name, for \(lqmy book\(rq and the history's \fIwho\fR (default: your login name).
.TP
\fBCOCKPIT_TODAY\fR
Today's date as YYYY\-MM\-DD (for demos and tests).
.TP
\fBNO_COLOR\fR
Set to anything: the cockpit draws without colour.
.TP
\fBVISUAL\fR, \fBEDITOR\fR
The editor for long notes.
.SH FILES
.TP
\fI~/.local/share/cockpit/cockpit.db\fR
The database (on Linux; the platform's data folder elsewhere).
.TP
\fI~/.config/cockpit/config.toml\fR
The settings (on Linux; the platform's config folder elsewhere): cadences, windows,
probabilities, \fBmouse\fR, \fBclipboard\fR.
";

/// The whole manual: the top page, then every subcommand's page, depth
/// first, in the order `--help` lists them.
pub fn page() -> std::io::Result<Vec<u8>> {
    let mut command = super::Cli::command();
    command.build();
    let mut out = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut out)?;
    out.extend_from_slice(ENVIRONMENT.as_bytes());
    for sub in command.get_subcommands().filter(|sub| documented(sub)) {
        subpages(sub, &mut out)?;
    }
    Ok(out)
}

/// Clap's own `help` subcommands say nothing a page should.
fn documented(command: &clap::Command) -> bool {
    !command.is_hide_set() && command.get_name() != "help"
}

fn subpages(command: &clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    clap_mangen::Man::new(command.clone()).render(out)?;
    for sub in command.get_subcommands().filter(|sub| documented(sub)) {
        subpages(sub, out)?;
    }
    Ok(())
}

pub fn run() -> anyhow::Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&page()?)?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manual_has_a_page_for_every_subcommand() {
        let text = String::from_utf8(page().expect("page")).expect("utf-8");
        assert!(text.starts_with(".ie") || text.contains(".TH cockpit 1"), "{}", &text[..200]);
        for title in
            ["cockpit-import", "cockpit-metrics-retention", "cockpit-churn-record", "cockpit-man"]
        {
            assert!(text.contains(&format!(".TH {title} 1")), "no page {title}");
        }
        assert!(text.contains("COCKPIT_CONFIG"));
        assert!(!text.contains(".TH cockpit-help"), "clap's help subcommands have no page");
    }
}
