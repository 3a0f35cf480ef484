//! The full-screen app: the terminal loop and nothing else. State and its
//! update logic live in `app.rs` (testable without a terminal), panes in
//! `panes/`, what is read behind the screen in `loaders/`, the one event
//! channel and every background thread in `work.rs`, shared drawing pieces
//! in `widgets/`, keys in `keymap/`, colours in `theme.rs`. The terminal
//! is restored on quit, on error and on panic: `ratatui::init` installs the
//! panic hook, and a guard switches mouse capture and bracketed paste off
//! however the loop ends.
//!
//! The loop blocks on the event channel: keys, pastes, resizes and the
//! mouse (from the terminal reader), the answers of background jobs, and a
//! tick once a second, on which it looks for what another cockpit or an
//! import committed. While no event waits it counts the Book's view. It
//! takes its parameters from [`Start`], built by the command line.

pub mod action;
pub mod app;
pub mod churn_editor;
pub mod clipboard;
pub mod forms;
pub mod keymap;
pub mod loaders;
pub mod memory;
pub mod panes;
pub mod paste;
pub mod popups;
pub mod theme;
pub mod widgets;
pub mod work;
pub mod write;

use crate::clock::Clock;
use crate::domain::Config;
use crate::store::Store;
use anyhow::Context as _;
use app::{App, EditorRequest, Taken};
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{Clear, ClearType};
use std::process::ExitCode;

/// Switches bracketed paste on (a paste then arrives as one text, never as
/// keys) and mouse capture unless `mouse = false` (then the terminal's own
/// selection works), and both off again when dropped (on quit, error or
/// unwinding panic).
struct MouseGuard {
    mouse: bool,
}

impl MouseGuard {
    fn new(mouse: bool) -> MouseGuard {
        let mut out = std::io::stdout();
        let _ = execute!(out, EnableBracketedPaste);
        if mouse {
            let _ = execute!(out, EnableMouseCapture);
        }
        MouseGuard { mouse }
    }
}

impl Drop for MouseGuard {
    fn drop(&mut self) {
        let mut out = std::io::stdout();
        let _ = execute!(out, DisableBracketedPaste);
        if self.mouse {
            let _ = execute!(out, DisableMouseCapture);
        }
    }
}

/// What the cockpit opens with, as the command line found it: the TUI
/// names no command-line type, so the command line builds this and hands
/// it over.
pub struct Start {
    /// The user's own book, already opened (a wrong `--db` is named by the
    /// command line before anything else); `None` with `demo`.
    pub store: Option<Store>,
    /// Open on a fresh copy of the bundled demo book instead.
    pub demo: bool,
    pub clock: Clock,
    /// Who is using the cockpit (their accounts come first).
    pub user: String,
}

/// Opens the cockpit on the book it was started with. A wrong `--db` is
/// named before a missing terminal (the command line opened the book): it is
/// the more useful of the two to hear.
pub fn run(start: Start) -> anyhow::Result<ExitCode> {
    let Start { store: own_store, demo, clock, user } = start;
    if !has_terminal() {
        eprintln!(
            "cockpit needs a terminal; for scripts and pipes use a report: cockpit renewals, targets, metrics, churn report or export (cockpit --help lists them)"
        );
        return Ok(ExitCode::FAILURE);
    }
    let store = match own_store {
        Some(store) => store,
        None => {
            let path = crate::demo::load::demo_database_path();
            crate::demo::load::create_demo_database(&path, &clock)
                .context("building the demo book")?
        }
    };
    // The settings with `[keys]`: keys that cannot be used stop the
    // cockpit before it starts, as any other bad setting does.
    let crate::settings::Settings { config, keys } = crate::settings::load_with_keys()?;
    crate::timing::mark("settings with keys read");
    let mut store = store;
    // A read-only book keeps the touch kinds it was last written with.
    if !store.is_read_only() {
        store.use_touch_kinds(&config.touch_kinds).context("setting the touch kinds")?;
    }
    // Health and note triggers start their playbooks in the write's own
    // transaction; the day's triggers run aside with the moments.
    store.set_playbooks(config.playbooks.clone());
    let moments = MomentsAside { path: store.path().to_path_buf(), clock, config: config.clone() };
    let user = match crate::paths::named_user() {
        None if demo => crate::demo::DEMO_CSM.to_string(),
        _ => user,
    };
    crate::timing::mark("touch kinds and playbooks set");
    let theme = theme::Theme::from_settings(config.theme, &config.colors);
    let app = App::new(store, clock, config, &user, theme)
        .context("loading the book")?
        .with_keys(&keys)?;
    crate::timing::mark("app made");
    run_app(app, moments)
}

fn has_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal()
        && draws(std::env::var("TERM").ok().as_deref())
}

/// Whether a terminal of this `TERM` can draw the full-screen cockpit: a
/// `dumb` one (an editor's shell buffer, some CI logs) or none named would
/// show its escape sequences as a screen of garbage.
fn draws(term: Option<&str>) -> bool {
    term.is_some_and(|term| !term.trim().is_empty() && term.trim() != "dumb")
}

/// How far ahead the tier cadences' moments are written when the app opens.
pub const MOMENT_HORIZON_DAYS: i64 = 180;

/// The tier cadences' moments for the months ahead, to be written once the
/// first screen is up and the whole book loaded, so they never compete with
/// either.
struct MomentsAside {
    path: std::path::PathBuf,
    clock: Clock,
    config: Config,
}

impl MomentsAside {
    /// Writes the moments (idempotent) on a connection of its own; the
    /// calendar shows them from its next refresh. A failure only means fewer
    /// moments are shown, so it is not reported over the screen.
    fn start(self, app: &mut App) {
        if app.read_only() {
            return;
        }
        app.spawn("moments", move || {
            if let Ok(mut store) = crate::store::Store::open_aside(&self.path) {
                let today = self.clock.today();
                let _ = store.schedule_moments(&self.config, today, MOMENT_HORIZON_DAYS);
                // The renewal-window and new-account playbooks of the day.
                store.set_playbooks(self.config.playbooks.clone());
                let _ = store.run_playbook_sweep(today, self.clock.now());
            }
            work::Done::Moments
        });
    }
}

/// How often an idle cockpit looks for commits by another cockpit or an
/// import.
const OUTSIDE_CHECK: std::time::Duration = std::time::Duration::from_secs(1);

fn run_app(mut app: App, moments: MomentsAside) -> anyhow::Result<ExitCode> {
    let mut terminal = ratatui::init();
    crate::timing::mark("terminal set up");
    let mouse = app.config().mouse;
    let mut guard = Some(MouseGuard::new(mouse));
    let input = work::Input::start(app.sender());
    work::tick(app.sender(), OUTSIDE_CHECK);
    crate::timing::mark("input started");
    let result = event_loop(&mut terminal, &mut app, &mut guard, &input, moments);
    drop(guard);
    ratatui::restore();
    result.map(|()| ExitCode::SUCCESS)
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    guard: &mut Option<MouseGuard>,
    input: &work::Input,
    moments: MomentsAside,
) -> anyhow::Result<()> {
    let mut moments = Some(moments);
    let size = terminal.size()?;
    app.resize(size.width, size.height);
    terminal.draw(|frame| app.draw(frame))?;
    crate::timing::mark("first frame");
    // The first frame is drawn from the user's rows alone; the whole book
    // loads, and what only a search or a lookup needs is built, while the
    // user looks at it.
    app.start_loading();
    crate::timing::mark("loading started");
    if app.nothing_waiting() {
        app.book().warm();
    }
    loop {
        // Nothing is written into a book the damage check has not passed.
        if !app.loading()
            && !app.checking()
            && app.damage().is_none()
            && let Some(moments) = moments.take()
        {
            moments.start(app);
        }
        // Count the Book's view while no event waits, then show it.
        if app.settling() {
            while app.settling() && app.nothing_waiting() {
                app.settle_step();
            }
            if !app.settling() {
                terminal.draw(|frame| app.draw(frame))?;
                continue;
            }
        }
        // Wait for the next event: a key, a job's answer or the tick.
        let event = app.next_event();
        let mut taken = app.take(event)?;
        // Take every event already waiting before drawing again, so a held
        // key or a fast scroll never queues up frames.
        while let Some(event) = app.try_next_event() {
            if app.take(event)? == Taken::Draw {
                taken = Taken::Draw;
            }
        }
        if let Some(text) = app.take_clipboard() {
            clipboard::copy(&mut std::io::stdout(), &text)?;
        }
        if let Some(request) = app.take_editor_request() {
            // The editor reads the terminal alone while it runs.
            input.pause();
            *guard = None;
            ratatui::restore();
            let text = edit_in_editor(&request);
            *terminal = ratatui::init();
            *guard = Some(MouseGuard::new(app.config().mouse));
            // Cleared without `Terminal::clear`, which asks the terminal where
            // its cursor is through the event reader just paused; the new
            // terminal's buffers are blank, so the next draw is whole.
            execute!(std::io::stdout(), Clear(ClearType::All))?;
            input.resume();
            app.finish_editor(request, text);
            taken = Taken::Draw;
        }
        if app.should_quit() {
            return Ok(());
        }
        if taken == Taken::Draw {
            terminal.draw(|frame| app.draw(frame))?;
        }
    }
}

/// Writes a template, runs `$VISUAL` or `$EDITOR` (else `vi`) on it, as git
/// does, and returns what the user saved. The file is private: an
/// unpredictable name, owner-only, removed afterwards however the editor
/// ends. The editor command is split as a shell would split it, so a quoted
/// path with spaces and arguments (`"/opt/my editor/ed" --wait`) work.
fn edit_in_editor(request: &EditorRequest) -> anyhow::Result<String> {
    let editor = std::env::var("VISUAL")
        .ok()
        .or_else(|| std::env::var("EDITOR").ok())
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    run_editor(&editor, &note_template(request))
}

fn note_template(request: &EditorRequest) -> String {
    format!(
        "\n# Note on {} ({}).\n# Lines starting with # are ignored; an empty note is not saved.\n",
        request.name, request.account_id
    )
}

/// Runs the `editor` command on a private temporary file holding `template`
/// and returns what it holds afterwards.
fn run_editor(editor: &str, template: &str) -> anyhow::Result<String> {
    let words = shell_words::split(editor)
        .with_context(|| format!("the editor command {editor:?} could not be read"))?;
    let Some((program, arguments)) = words.split_first() else {
        anyhow::bail!("the editor command is empty: set $VISUAL or $EDITOR");
    };
    // `tempfile` creates it with a random name, owner-only (0600), and
    // removes it when dropped.
    let mut file = tempfile::Builder::new()
        .prefix("cockpit-note-")
        .suffix(".md")
        .tempfile()
        .context("could not create the note's temporary file")?;
    std::io::Write::write_all(&mut file, template.as_bytes())?;
    std::io::Write::flush(&mut file)?;
    let status = std::process::Command::new(program)
        .args(arguments)
        .arg(file.path())
        .status()
        .with_context(|| format!("could not start {program}"))?;
    // Read by path: editors often replace the file rather than write into it.
    let text = std::fs::read_to_string(file.path());
    drop(file);
    if !status.success() {
        anyhow::bail!("{editor} exited with {status}");
    }
    Ok(text?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dumb_or_unnamed_terminal_does_not_draw() {
        assert!(draws(Some("xterm-256color")) && draws(Some("screen")));
        assert!(!draws(Some("dumb")) && !draws(Some("")) && !draws(None));
    }
    use std::os::unix::fs::PermissionsExt;

    /// A fake editor that records its arguments and the note file's mode,
    /// then writes a note.
    fn fake_editor(dir: &std::path::Path) -> std::path::PathBuf {
        let folder = dir.join("my editor");
        std::fs::create_dir_all(&folder).expect("test");
        let script = folder.join("ed it");
        let record = dir.join("record");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> '{record}'; done\n\
                 for f in \"$@\"; do :; done\n\
                 stat -c '%a' \"$f\" >> '{record}'\n\
                 printf 'from the editor\\n' >> \"$f\"\n",
                record = record.display()
            ),
        )
        .expect("test");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("test");
        script
    }

    #[test]
    fn the_editor_gets_a_private_file_and_a_shell_split_command() {
        let dir = tempfile::tempdir().expect("test");
        let script = fake_editor(dir.path());
        let command = format!("\"{}\" --wait 'two words'", script.display());
        let text = run_editor(&command, "# template\n").expect("test");
        assert!(text.contains("from the editor"), "{text}");
        let record = std::fs::read_to_string(dir.path().join("record")).expect("test");
        let lines: Vec<&str> = record.lines().collect();
        assert_eq!(lines[0], "--wait");
        assert_eq!(lines[1], "two words");
        let file = std::path::Path::new(lines[2]);
        let name = file.file_name().expect("test").to_string_lossy().to_string();
        assert!(name.starts_with("cockpit-note-") && name.ends_with(".md"), "{name}");
        assert_ne!(name, format!("cockpit-note-{}.md", std::process::id()), "unpredictable");
        assert_eq!(lines[3], "600", "owner-only");
        assert!(!file.exists(), "removed after");
    }

    #[test]
    fn an_unreadable_editor_command_is_an_error_not_a_guess() {
        let error = run_editor("\"unclosed", "").expect_err("refused");
        assert!(format!("{error:#}").contains("could not be read"), "{error:#}");
        let error = run_editor("/nonexistent/editor --wait", "").expect_err("refused");
        assert!(format!("{error:#}").contains("could not start"), "{error:#}");
    }
}
