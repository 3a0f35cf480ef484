//! The full-screen app: the terminal loop and nothing else. State and its
//! update logic live in `app.rs` (testable without a terminal), panes in
//! `panes/`, shared drawing pieces in `widgets/`, keys in `keymap.rs`,
//! colours in `theme.rs`. The terminal is restored on quit, on error and on
//! panic: `ratatui::init` installs the panic hook, and a guard switches
//! mouse capture off however the loop ends.

pub mod action;
pub mod app;
pub mod book;
pub mod book_loader;
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
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        eprintln!(
            "cockpit needs a terminal; for scripts and pipes use a report: cockpit renewals, targets, metrics, churn report or export (cockpit --help lists them)"
        );
        return Ok(ExitCode::FAILURE);
    }
    let store = if demo {
        let path = crate::demo::load::demo_database_path();
        crate::demo::load::create_demo_database(&path, &context.clock)
            .context("building the demo book")?
    } else {
        context.open_store()?
    };
    let config = context.config()?;
    let moments = MomentsAside {
        path: store.path().to_path_buf(),
        clock: context.clock,
        config: config.clone(),
    };
    let user = match crate::paths::named_user() {
        None if demo => crate::demo::DEMO_CSM.to_string(),
        _ => context.user.clone(),
    };
    let theme = theme::Theme::from_settings(config.theme, &config.colors);
    let app = App::new(store, context.clock, config, &user, theme).context("loading the book")?;
    run_app(app, moments)
}

/// How far ahead the tier cadences' moments are written when the app opens.
pub const MOMENT_HORIZON_DAYS: i64 = 180;

/// The tier cadences' moments for the months ahead, to be written once the
/// first screen is up and the whole book loaded, so they never compete with
/// either.
struct MomentsAside {
    path: std::path::PathBuf,
    clock: crate::clock::Clock,
    config: Config,
}

impl MomentsAside {
    /// Writes the moments (idempotent) on a connection of its own; the
    /// calendar shows them from its next refresh. A failure only means fewer
    /// moments are shown, so it is not reported over the screen.
    fn start(self) {
        std::thread::spawn(move || {
            if let Ok(store) = crate::store::Store::open_aside(&self.path) {
                let today = self.clock.today();
                let _ = store.schedule_moments(&self.config, today, MOMENT_HORIZON_DAYS);
            }
        });
    }
}

fn run_app(mut app: App, moments: MomentsAside) -> anyhow::Result<ExitCode> {
    let mut terminal = ratatui::init();
    let mut guard = Some(MouseGuard::new());
    let result = event_loop(&mut terminal, &mut app, &mut guard, moments);
    drop(guard);
    ratatui::restore();
    result.map(|()| ExitCode::SUCCESS)
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    guard: &mut Option<MouseGuard>,
    moments: MomentsAside,
) -> anyhow::Result<()> {
    let mut moments = Some(moments);
    let size = terminal.size()?;
    app.resize(size.width, size.height);
    let mut first_frame = true;
    loop {
        terminal.draw(|frame| app.draw(frame))?;
        // The first frame is drawn from the user's rows alone; the whole
        // book loads, and what only a search or a lookup needs is built,
        // while the user looks at it.
        if std::mem::take(&mut first_frame) {
            app.start_loading();
            if !event::poll(std::time::Duration::ZERO)? {
                app.book().warm();
            }
        }
        // While the whole book loads behind the first screen, take it in as
        // soon as it arrives rather than on the next key.
        while app.loading() && !event::poll(std::time::Duration::from_millis(20))? {
            app.poll_background();
        }
        if !app.loading()
            && let Some(moments) = moments.take()
        {
            moments.start();
        }
        // Finish counting the Book's view while no key waits, then show it.
        if app.settling() {
            while app.settling() && !event::poll(std::time::Duration::ZERO)? {
                app.settle_step();
            }
            if !app.settling() {
                continue;
            }
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
