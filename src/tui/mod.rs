//! The full-screen app: the terminal loop and nothing else. State and its
//! update logic live in `app.rs` (testable without a terminal), panes in
//! `panes/`, shared drawing pieces in `widgets/`, keys in `keymap.rs`,
//! colours in `theme.rs`. The terminal is restored on quit, on error and on
//! panic: `ratatui::init` installs the panic hook, and a guard switches
//! mouse capture off however the loop ends.

pub mod action;
pub mod app;
pub mod book;
pub mod keymap;
pub mod panes;
pub mod popup;
pub mod signals;
pub mod theme;
pub mod widgets;

use crate::cli::Context;
use crate::domain::Config;
use anyhow::Context as _;
use app::{App, EditorRequest};
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use std::process::ExitCode;

/// Switches mouse capture on, and off again when dropped (on quit, error or
/// unwinding panic).
struct MouseGuard;

impl MouseGuard {
    fn new() -> MouseGuard {
        let _ = execute!(std::io::stdout(), EnableMouseCapture);
        MouseGuard
    }
}

impl Drop for MouseGuard {
    fn drop(&mut self) {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
    }
}

/// Opens the cockpit on the context's database.
pub fn run(context: &Context, demo: bool) -> anyhow::Result<ExitCode> {
    if demo {
        anyhow::bail!(
            "the demo book is not bundled in this build; import a book with `cockpit import`"
        );
    }
    let store = context.open_store()?;
    let app =
        App::new(store, context.clock, Config::default(), &context.user, theme::Theme::from_env())
            .context("loading the book")?;
    run_app(app)
}

fn run_app(mut app: App) -> anyhow::Result<ExitCode> {
    let mut terminal = ratatui::init();
    let mut guard = Some(MouseGuard::new());
    let result = event_loop(&mut terminal, &mut app, &mut guard);
    drop(guard);
    ratatui::restore();
    result.map(|()| ExitCode::SUCCESS)
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    guard: &mut Option<MouseGuard>,
) -> anyhow::Result<()> {
    let size = terminal.size()?;
    app.resize(size.width, size.height);
    let mut first_frame = true;
    loop {
        terminal.draw(|frame| app.draw(frame))?;
        // The first frame is drawn from the book alone; what only a search
        // or a lookup needs is built while the user looks at it.
        if std::mem::take(&mut first_frame) && !event::poll(std::time::Duration::ZERO)? {
            app.book().warm();
        }
        let event = event::read()?;
        app.handle_event(&event);
        // Take every event already waiting before drawing again, so a held
        // key or a fast scroll never queues up frames.
        while event::poll(std::time::Duration::ZERO)? {
            let event = event::read()?;
            app.handle_event(&event);
        }
        if let Some(request) = app.take_editor_request() {
            *guard = None;
            ratatui::restore();
            let text = edit_in_editor(&request);
            *terminal = ratatui::init();
            *guard = Some(MouseGuard::new());
            terminal.clear()?;
            app.finish_editor(request, text);
        }
        if app.should_quit() {
            return Ok(());
        }
    }
}

/// Writes a template, runs `$VISUAL` or `$EDITOR` (else `vi`) on it, as git
/// does, and returns what the user saved.
fn edit_in_editor(request: &EditorRequest) -> anyhow::Result<String> {
    let editor = std::env::var("VISUAL")
        .ok()
        .or_else(|| std::env::var("EDITOR").ok())
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let dir = std::env::temp_dir();
    let path = dir.join(format!("cockpit-note-{}.md", std::process::id()));
    std::fs::write(
        &path,
        format!(
            "\n# Note on {} ({}).\n# Lines starting with # are ignored; an empty note is not saved.\n",
            request.name, request.account_id
        ),
    )?;
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(parts)
        .arg(&path)
        .status()
        .with_context(|| format!("could not start {editor}"))?;
    let text = std::fs::read_to_string(&path);
    let _ = std::fs::remove_file(&path);
    if !status.success() {
        anyhow::bail!("{editor} exited with {status}");
    }
    Ok(text?)
}
