//! Themes as a user sees them: Today and the Book drawn headless in each
//! theme with every cell's colours recorded (snapshots), the selection's
//! colours checked on every depth, and the real binary in a pseudo-terminal
//! picking its theme and colour depth from the settings and the environment.

use crate::common;

use chrono::NaiveDate;
use cockpit::clock::Clock;
use cockpit::domain::Config;
use cockpit::domain::appearance::{ColorSpec, Colors, ThemeName};
use cockpit::store::Store;
use cockpit::tui::app::App;
use cockpit::tui::theme::{ColorDepth, Theme};
use cockpit_core::testkit::Book;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier, Style};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
}

/// Five accounts of CSM ana in every health, two of them renewing soon.
fn book(dir: &Path) -> PathBuf {
    let book = Book::new()
        .accounts(
            "id, name,            csm, stage,    health, health_since, arr,    units, last_touch
             A1, Acme Corp,       ana, adoption, green,  2025-05-01,   120000, 10,    2025-05-20
             A2, Globex,          ana, adoption, red,    2025-05-25,   60000,  10,    2025-05-20
             A3, Initech,         ana, adoption, yellow, 2025-04-01,   25000,  5,
             A4, Umbrella Health, ana, adoption, orange, 2025-05-30,   15000,  3,     2025-01-20
             A5, Hooli,           ana, adoption, ,       ,             8000,   2,     2025-05-20",
        )
        .contracts(
            "contract_id, account_id, product, start_date, end_date,   arr,    units, billing
             C1,          A1,         Core,    2024-07-01, 2025-06-30, 120000, 10,    annual
             C2,          A2,         Core,    2024-08-15, 2025-08-14, 60000,  10,    annual",
        );
    common::db::create(dir, &book)
}

fn app(path: &Path, theme: Theme) -> App {
    let store = Store::open(path).expect("store");
    App::new(store, Clock::fixed(today()), Config::default(), "ana", theme)
        .expect("app")
        .with_db_label("book.db")
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn buffer(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|frame| app.draw(frame)).expect("draw");
    terminal.backend().buffer().clone()
}

fn color_name(color: Color) -> String {
    match color {
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(index) => format!("@{index}"),
        Color::Reset => "default".to_string(),
        named => format!("{named:?}").to_lowercase(),
    }
}

fn describe(style: Style) -> String {
    let mut parts = Vec::new();
    if let Some(fg) = style.fg.filter(|c| *c != Color::Reset) {
        parts.push(format!("fg {}", color_name(fg)));
    }
    if let Some(bg) = style.bg.filter(|c| *c != Color::Reset) {
        parts.push(format!("bg {}", color_name(bg)));
    }
    for (modifier, name) in
        [(Modifier::BOLD, "bold"), (Modifier::REVERSED, "reversed"), (Modifier::ITALIC, "italic")]
    {
        if style.add_modifier.contains(modifier) {
            parts.push(name.to_string());
        }
    }
    parts.join(" ")
}

/// The screen's text, each line followed by its runs of styled cells
/// (`  12-30 fg #5fd7ff bold`), so a snapshot shows what is coloured how.
fn styled(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut text = String::new();
        let mut runs: Vec<(u16, u16, String)> = Vec::new();
        for x in 0..buffer.area.width {
            let cell = &buffer[(x, y)];
            text.push_str(cell.symbol());
            let style = describe(cell.style());
            match runs.last_mut() {
                Some((_, end, last)) if *last == style && *end + 1 == x => *end = x,
                _ => runs.push((x, x, style)),
            }
        }
        let _ = writeln!(out, "{}", text.trim_end());
        for (start, end, style) in runs.into_iter().filter(|(_, _, style)| !style.is_empty()) {
            let _ = writeln!(out, "    {start}-{end} {style}");
        }
    }
    out
}

fn themed(name: ThemeName, depth: ColorDepth) -> Theme {
    Theme::new(name, &Colors::default(), depth, true)
}

#[test]
fn today_and_book_in_every_theme() {
    let dir = tempfile::tempdir().expect("dir");
    let path = book(dir.path());
    for name in ThemeName::ALL {
        let mut app = app(&path, themed(name, ColorDepth::TrueColor));
        app.resize(80, 24);
        let label = name.as_str();
        insta::assert_snapshot!(format!("today_{label}_80x24"), styled(&buffer(&app, 80, 24)));
        key(&mut app, KeyCode::Char('2'));
        key(&mut app, KeyCode::Down);
        insta::assert_snapshot!(format!("book_{label}_80x24"), styled(&buffer(&app, 80, 24)));
    }
}

/// The styles of the Book's selected row (Globex, second), between the borders.
fn selected_row(theme: Theme) -> Vec<Style> {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&book(dir.path()), theme);
    app.resize(80, 24);
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Down);
    let buffer = buffer(&app, 80, 24);
    let row: String = (1..79).map(|x| buffer[(x, 4)].symbol().to_string()).collect();
    assert!(row.starts_with("R Globex"), "{row}");
    (1..79).map(|x| buffer[(x, 4)].style()).collect()
}

#[test]
fn the_selected_row_reads_on_any_background_and_depth() {
    let expect = |theme: Theme, fg: Option<Color>, bg: Option<Color>, reversed: bool| {
        for style in selected_row(theme) {
            assert_eq!((style.fg, style.bg), (fg, bg), "{style:?}");
            assert_eq!(style.add_modifier.contains(Modifier::REVERSED), reversed, "{style:?}");
        }
    };
    // Its own text colour on its own background: never the terminal's text
    // on a fixed background, which vanished on a light terminal.
    let light = themed(ThemeName::Light, ColorDepth::TrueColor);
    expect(light, Some(Color::Rgb(0, 0, 0)), Some(Color::Rgb(0xaf, 0xd7, 0xff)), false);
    let dark = themed(ThemeName::Dark, ColorDepth::TrueColor);
    expect(dark, Some(Color::Rgb(0xff, 0xff, 0xff)), Some(Color::Rgb(0, 0x5f, 0x87)), false);
    let light_256 = themed(ThemeName::Light, ColorDepth::Ansi256);
    expect(light_256, Some(Color::Indexed(16)), Some(Color::Indexed(153)), false);
    // Sixteen colours look different in every terminal: reverse video.
    let sixteen = themed(ThemeName::Light, ColorDepth::Ansi16);
    expect(sixteen, Some(Color::Reset), Some(Color::Reset), true);
    let no_color = Theme::new(ThemeName::Light, &Colors::default(), ColorDepth::TrueColor, false);
    expect(no_color, Some(Color::Reset), Some(Color::Reset), true);
    // The user's own pair wins.
    let colors = Colors {
        selection_fg: Some(ColorSpec::Index(15)),
        selection_bg: Some(ColorSpec::Rgb(0x26, 0x4f, 0x78)),
        ..Colors::default()
    };
    let chosen = Theme::new(ThemeName::Light, &colors, ColorDepth::TrueColor, true);
    expect(chosen, Some(Color::White), Some(Color::Rgb(0x26, 0x4f, 0x78)), false);
}

/// Every colour on Today and the Book's screens.
fn colors_drawn(theme: Theme) -> Vec<Color> {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(&book(dir.path()), theme);
    app.resize(80, 24);
    let mut colors = Vec::new();
    for screen in ['1', '2'] {
        key(&mut app, KeyCode::Char(screen));
        let buffer = buffer(&app, 80, 24);
        for cell in buffer.content() {
            let style = cell.style();
            colors.extend(style.fg.into_iter().chain(style.bg).filter(|c| *c != Color::Reset));
        }
    }
    colors
}

#[test]
fn each_depth_gets_only_colours_it_can_show() {
    for name in ThemeName::ALL {
        let colors = colors_drawn(themed(name, ColorDepth::Ansi256));
        assert!(colors.iter().any(|c| matches!(c, Color::Indexed(16..))));
        assert!(!colors.iter().any(|c| matches!(c, Color::Rgb(..))), "{colors:?}");
        let colors = colors_drawn(themed(name, ColorDepth::Ansi16));
        if name != ThemeName::HighContrast {
            assert!(colors.contains(&Color::DarkGray), "muted text stays muted");
        }
        assert!(
            !colors.iter().any(|c| matches!(c, Color::Rgb(..) | Color::Indexed(_))),
            "{colors:?}"
        );
    }
    let none =
        colors_drawn(Theme::new(ThemeName::Dark, &Colors::default(), ColorDepth::TrueColor, false));
    assert_eq!(none, Vec::<Color>::new(), "NO_COLOR: no colour at all");
}

/// The real binary on the small book with `settings` as its config file,
/// in a terminal announcing `term` and `colorterm`, colour on.
fn coloured_binary(dir: &Path, settings: &str, term: &str, colorterm: &str) -> common::pty::Screen {
    let config = dir.join("config.toml");
    std::fs::write(&config, settings).expect("settings");
    let mut command = common::pty::cockpit(&book(dir));
    command
        .env("COCKPIT_CONFIG", &config)
        .env("TERM", term)
        .env("COLORTERM", colorterm)
        .env("NO_COLOR", "");
    common::pty::Screen::spawn(command)
}

/// The cell under the first letter of `needle` on screen.
fn cell_at(screen: &mut common::pty::Screen, needle: &str) -> vt100::Cell {
    let text = screen.wait_for(needle);
    let (row, line) =
        text.lines().enumerate().find(|(_, line)| line.contains(needle)).expect("on screen");
    let column = line[..line.find(needle).expect("in line")].chars().count();
    let row = u16::try_from(row).expect("row");
    let column = u16::try_from(column).expect("column");
    screen.screen().cell(row, column).expect("cell").clone()
}

#[test]
fn the_binary_takes_its_theme_from_the_settings_and_its_depth_from_the_terminal() {
    let light = "theme = \"light\"\n";
    // Today opens with its first row, Acme's renewal, selected.
    let dir = tempfile::tempdir().expect("dir");
    let mut screen = coloured_binary(dir.path(), light, "xterm-256color", "");
    let cell = cell_at(&mut screen, "Acme Corp          renewal");
    assert_eq!((cell.fgcolor(), cell.bgcolor()), (vt100::Color::Idx(16), vt100::Color::Idx(153)));
    screen.quit();

    let dir = tempfile::tempdir().expect("dir");
    let mut screen = coloured_binary(dir.path(), light, "xterm-256color", "truecolor");
    let cell = cell_at(&mut screen, "Acme Corp          renewal");
    assert_eq!(cell.bgcolor(), vt100::Color::Rgb(0xaf, 0xd7, 0xff));
    assert_eq!(cell_at(&mut screen, "Globex").fgcolor(), vt100::Color::Default);
    screen.quit();

    let dir = tempfile::tempdir().expect("dir");
    let mut screen = coloured_binary(dir.path(), light, "xterm", "");
    let cell = cell_at(&mut screen, "Acme Corp          renewal");
    assert!(cell.inverse(), "sixteen colours: reverse video");
    assert_eq!((cell.fgcolor(), cell.bgcolor()), (vt100::Color::Default, vt100::Color::Default));
    screen.quit();

    // An override by role, in the 256-colour palette.
    let dir = tempfile::tempdir().expect("dir");
    let settings = "theme = \"light\"\n[colors]\nselection_bg = 229\nselection_fg = \"black\"\n";
    let mut screen = coloured_binary(dir.path(), settings, "xterm-256color", "");
    let cell = cell_at(&mut screen, "Acme Corp          renewal");
    assert_eq!((cell.fgcolor(), cell.bgcolor()), (vt100::Color::Idx(0), vt100::Color::Idx(229)));
    screen.quit();
}

#[test]
fn a_bad_colour_in_the_settings_is_named_with_its_place() {
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "theme = \"light\"\n[colors]\naccent = \"#00ff0\"\n")
        .expect("settings");
    let output = common::pty::cockpit(&book(dir.path()))
        .env("COCKPIT_CONFIG", &config)
        .args(["renewals"])
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("config.toml:3:10: \"#00ff0\" is not a colour"), "{stderr}");
}
