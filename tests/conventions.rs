//! The conventions of a well-kept command-line tool: completions and a man
//! page generated from the parser, `--version` and help on every command and
//! flag, and (in the cockpit) copying and mouse settings.

mod common;

use clap::CommandFactory;
use cockpit::cli::Cli;
use std::process::{Command, Output};

fn cockpit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .args(args)
        .env_remove("COCKPIT_DB")
        .env_remove("COCKPIT_CONFIG")
        .output()
        .expect("run cockpit")
}

fn stdout(output: &Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).expect("utf-8")
}

/// Every subcommand's full name ("metrics retention"), depth first.
fn subcommand_paths() -> Vec<Vec<String>> {
    fn walk(command: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
        for sub in command.get_subcommands() {
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_string());
            out.push(path.clone());
            walk(sub, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), &[], &mut out);
    out
}

#[test]
fn every_argument_of_every_command_says_what_it_is_for() {
    fn walk(command: &clap::Command, name: &str, missing: &mut Vec<String>) {
        if command.get_about().is_none() && command.get_long_about().is_none() {
            missing.push(format!("{name} (the command itself)"));
        }
        for arg in command.get_arguments() {
            if arg.is_hide_set() || ["help", "version"].contains(&arg.get_id().as_str()) {
                continue;
            }
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("{name} {}", arg.get_id()));
            }
        }
        for sub in command.get_subcommands() {
            walk(sub, &format!("{name} {}", sub.get_name()), missing);
        }
    }
    let mut command = Cli::command();
    command.build();
    let mut missing = Vec::new();
    walk(&command, "cockpit", &mut missing);
    assert!(missing.is_empty(), "arguments without help: {missing:#?}");
}

#[test]
fn every_subcommand_answers_version() {
    let version = format!("cockpit {}\n", env!("CARGO_PKG_VERSION"));
    assert_eq!(stdout(&cockpit(&["--version"])), version);
    for path in subcommand_paths() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--version");
        let output = cockpit(&args);
        let text = stdout(&output);
        assert!(text.starts_with("cockpit"), "{path:?}: {text}");
        assert!(text.trim_end().ends_with(env!("CARGO_PKG_VERSION")), "{path:?}: {text}");
    }
}

fn shell_script(shell: &str) -> String {
    let text = stdout(&cockpit(&["completions", shell]));
    for top in Cli::command().get_subcommands() {
        assert!(text.contains(top.get_name()), "{shell}: no {}", top.get_name());
    }
    text
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `program args… FILE` on `text` written to a temporary file.
fn check_with(program: &str, args: &[&str], text: &str, name: &str) -> Output {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    Command::new(program).args(args).arg(&path).output().expect("run checker")
}

#[test]
fn bash_completions_parse_and_complete_subcommands() {
    let text = shell_script("bash");
    assert!(text.contains("complete -F"), "{text}");
    if have("bash") {
        let checked = check_with("bash", &["-n"], &text, "cockpit.bash");
        assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
        // Sourced for real: asking for completions of `cockpit ren` offers `renewals`.
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("cockpit.bash");
        std::fs::write(&path, &text).expect("write");
        let probe = format!(
            "source '{}'; COMP_WORDS=(cockpit ren); COMP_CWORD=1; COMP_LINE='cockpit ren'; \
             COMP_POINT=${{#COMP_LINE}}; _cockpit cockpit ren cockpit; echo \"${{COMPREPLY[@]}}\"",
            path.display()
        );
        let run = Command::new("bash").args(["-c", &probe]).output().expect("bash");
        let offered = String::from_utf8_lossy(&run.stdout);
        assert!(offered.split_whitespace().any(|w| w == "renewals"), "{offered:?} {run:?}");
    }
}

#[test]
fn zsh_fish_and_powershell_completions_name_every_subcommand() {
    let zsh = shell_script("zsh");
    assert!(zsh.starts_with("#compdef cockpit"), "{}", &zsh[..80]);
    if have("zsh") {
        let checked = check_with("zsh", &["-n"], &zsh, "_cockpit");
        assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    }
    let fish = shell_script("fish");
    assert!(fish.contains("complete -c cockpit"), "{fish}");
    if have("fish") {
        let checked = check_with("fish", &["--no-execute"], &fish, "cockpit.fish");
        assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    }
    let powershell = shell_script("powershell");
    assert!(powershell.contains("Register-ArgumentCompleter"), "{powershell}");
}

#[test]
fn an_unknown_shell_is_refused_with_the_choices() {
    let output = cockpit(&["completions", "tcsh"]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("bash") && error.contains("powershell"), "{error}");
}

#[test]
fn the_man_page_covers_every_subcommand_and_renders() {
    let page = stdout(&cockpit(&["man"]));
    assert!(page.contains(".TH cockpit 1"), "{}", &page[..200]);
    for path in subcommand_paths() {
        let title = format!(".TH cockpit-{} 1", path.join("-"));
        assert!(page.contains(&title), "no page {title}");
    }
    if have("man") {
        let rendered = check_with("man", &["-l", "-P", "cat"], &page, "cockpit.1");
        let text = String::from_utf8_lossy(&rendered.stdout);
        assert!(rendered.status.success(), "{}", String::from_utf8_lossy(&rendered.stderr));
        for path in subcommand_paths() {
            assert!(text.contains(&format!("cockpit-{}", path.join("-"))), "{path:?} not rendered");
        }
        assert!(text.contains("COCKPIT_DB"), "{text}");
    }
}
