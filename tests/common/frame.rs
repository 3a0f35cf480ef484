//! The cockpit drawn headless on a `TestBackend`, as the lines of text a
//! user would read.

use cockpit::tui::app::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The app drawn at `width` × `height`, one line per row. A wide character
/// (株, 🚀) covers two cells, as on a terminal: the cell it hides is not
/// printed again.
pub fn text(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|frame| app.draw(frame)).expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut hidden = 0;
        for x in 0..buffer.area.width {
            if hidden > 0 {
                hidden -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            hidden = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            out.push_str(symbol);
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
