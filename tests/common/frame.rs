//! The cockpit drawn headless on a `TestBackend`, as the lines of text a
//! user would read.

use cockpit::tui::app::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The app drawn at `width` × `height`, one line per row.
pub fn text(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|frame| app.draw(frame)).expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// The app resized to `width` × `height` (as a terminal resize does), then
/// drawn.
pub fn resized(app: &mut App, width: u16, height: u16) -> String {
    app.resize(width, height);
    text(app, width, height)
}
