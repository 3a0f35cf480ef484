//! How many colours the terminal shows, and each colour brought down to the
//! nearest one it can: 24-bit when `COLORTERM` says `truecolor` or `24bit`
//! (or `TERM` is a `-direct` one), the 256-colour palette when `TERM` names
//! `256color`, else the sixteen ANSI colours. Pure functions apart from reading those two variables.

use ratatui::style::Color;

/// The colours a terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    TrueColor,
    Ansi256,
    Ansi16,
}

/// The sixteen ANSI colours as xterm draws them by default; terminals differ,
/// which is why a colour named in the settings is passed on by name.
const ANSI16: [(u8, u8, u8); 16] = [
    (0x00, 0x00, 0x00),
    (0xcd, 0x00, 0x00),
    (0x00, 0xcd, 0x00),
    (0xcd, 0xcd, 0x00),
    (0x00, 0x00, 0xee),
    (0xcd, 0x00, 0xcd),
    (0x00, 0xcd, 0xcd),
    (0xe5, 0xe5, 0xe5),
    (0x7f, 0x7f, 0x7f),
    (0xff, 0x00, 0x00),
    (0x00, 0xff, 0x00),
    (0xff, 0xff, 0x00),
    (0x5c, 0x5c, 0xff),
    (0xff, 0x00, 0xff),
    (0x00, 0xff, 0xff),
    (0xff, 0xff, 0xff),
];

/// The levels of each channel in the 6×6×6 cube of the 256-colour palette.
const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

impl ColorDepth {
    /// The depth the environment announces.
    pub fn from_env() -> ColorDepth {
        ColorDepth::detect(
            std::env::var("COLORTERM").ok().as_deref(),
            std::env::var("TERM").ok().as_deref(),
        )
    }

    /// The depth for these values of `COLORTERM` and `TERM`.
    pub fn detect(colorterm: Option<&str>, term: Option<&str>) -> ColorDepth {
        let colorterm = colorterm.unwrap_or("").to_ascii_lowercase();
        let term = term.unwrap_or("").to_ascii_lowercase();
        // `xterm-direct` and its kin name 24-bit colour in TERM itself.
        if colorterm == "truecolor" || colorterm == "24bit" || term.ends_with("-direct") {
            ColorDepth::TrueColor
        } else if term.contains("256color") {
            ColorDepth::Ansi256
        } else {
            ColorDepth::Ansi16
        }
    }

    /// `color` as this depth can show it: the nearest palette entry for an
    /// RGB colour (or a 256-colour index on a 16-colour terminal), indices
    /// 0–15 as the named colours they are; the rest passes through.
    pub fn fit(self, color: Color) -> Color {
        match (self, color) {
            (_, Color::Indexed(index)) if index < 16 => ansi16(index),
            (ColorDepth::TrueColor, _) => color,
            (ColorDepth::Ansi256, Color::Rgb(r, g, b)) => Color::Indexed(nearest_256((r, g, b))),
            (ColorDepth::Ansi16, Color::Rgb(r, g, b)) => ansi16(nearest_16((r, g, b))),
            (ColorDepth::Ansi16, Color::Indexed(index)) if index >= 16 => {
                ansi16(nearest_16(rgb_of_index(index)))
            }
            _ => color,
        }
    }
}

/// The named colour for an index 0–15, so 16-colour terminals get the
/// classic escapes (`31`, `91`) rather than `38;5;n`.
pub fn ansi16(index: u8) -> Color {
    match index {
        0 => Color::Black,
        1 => Color::Red,
        2 => Color::Green,
        3 => Color::Yellow,
        4 => Color::Blue,
        5 => Color::Magenta,
        6 => Color::Cyan,
        7 => Color::Gray,
        8 => Color::DarkGray,
        9 => Color::LightRed,
        10 => Color::LightGreen,
        11 => Color::LightYellow,
        12 => Color::LightBlue,
        13 => Color::LightMagenta,
        14 => Color::LightCyan,
        15 => Color::White,
        other => Color::Indexed(other),
    }
}

/// The RGB an xterm-compatible terminal shows for a palette index (the
/// sixteen at xterm's defaults).
pub fn rgb_of_index(index: u8) -> (u8, u8, u8) {
    match index {
        0..=15 => ANSI16[usize::from(index)],
        16..=231 => {
            let cube = index - 16;
            let level = |i: u8| CUBE[usize::from(i % 6)];
            (level(cube / 36), level(cube / 6), level(cube))
        }
        _ => {
            let gray = 8 + 10 * (index - 232);
            (gray, gray, gray)
        }
    }
}

/// How far apart two colours look: Euclidean distance weighted by the mean
/// red level ("redmean"), a cheap and good approximation of perception.
fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> i64 {
    let mean_red = (i64::from(a.0) + i64::from(b.0)) / 2;
    let dr = i64::from(a.0) - i64::from(b.0);
    let dg = i64::from(a.1) - i64::from(b.1);
    let db = i64::from(a.2) - i64::from(b.2);
    (((512 + mean_red) * dr * dr) >> 8) + 4 * dg * dg + (((767 - mean_red) * db * db) >> 8)
}

/// The nearest of the 240 fixed colours of the 256-colour palette (the cube
/// and the grays; 0–15 are left out because every terminal redefines them).
pub fn nearest_256(rgb: (u8, u8, u8)) -> u8 {
    (16..=255).min_by_key(|index| distance(rgb, rgb_of_index(*index))).unwrap_or(16)
}

/// The nearest of the sixteen ANSI colours, as an index 0–15. Sixteen
/// colours are too few for distance alone (a salmon red is nearer grey than
/// red), so a colour keeps its kind: a grey goes to the nearest of the four
/// greys, any other to the ANSI colour nearest in hue, bright when the colour
/// is as bright as the bright ones.
pub fn nearest_16(rgb: (u8, u8, u8)) -> u8 {
    let (r, g, b) = (i32::from(rgb.0), i32::from(rgb.1), i32::from(rgb.2));
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    if max - min < 40 {
        let level = (r + g + b) / 3;
        return [(0_u8, 0x00), (8, 0x7f), (7, 0xe5), (15, 0xff)]
            .into_iter()
            .min_by_key(|(_, gray)| (level - gray).abs())
            .map_or(0, |(index, _)| index);
    }
    let chroma = f64::from(max - min);
    let (rf, gf, bf) = (f64::from(r), f64::from(g), f64::from(b));
    let sector = if max == r {
        ((gf - bf) / chroma).rem_euclid(6.0)
    } else if max == g {
        (bf - rf) / chroma + 2.0
    } else {
        (rf - gf) / chroma + 4.0
    };
    // Sectors of 60° from red: red, yellow, green, cyan, blue, magenta.
    let hue_index = [1_u8, 3, 2, 6, 4, 5];
    let nearest_hue = (sector.round() as usize) % 6;
    let base = hue_index[nearest_hue];
    if max > 0xf0 { base + 8 } else { base }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_follows_colorterm_then_term() {
        let detect = ColorDepth::detect;
        assert_eq!(detect(Some("truecolor"), Some("xterm")), ColorDepth::TrueColor);
        assert_eq!(detect(Some("24bit"), None), ColorDepth::TrueColor);
        assert_eq!(detect(None, Some("xterm-256color")), ColorDepth::Ansi256);
        assert_eq!(detect(None, Some("xterm-direct")), ColorDepth::TrueColor);
        assert_eq!(detect(Some(""), Some("tmux-256color")), ColorDepth::Ansi256);
        assert_eq!(detect(None, Some("xterm")), ColorDepth::Ansi16);
        assert_eq!(detect(None, Some("linux")), ColorDepth::Ansi16);
        assert_eq!(detect(None, None), ColorDepth::Ansi16);
    }

    #[test]
    fn palette_indices_have_their_xterm_colours() {
        assert_eq!(rgb_of_index(16), (0, 0, 0));
        assert_eq!(rgb_of_index(21), (0, 0, 255));
        assert_eq!(rgb_of_index(208), (255, 135, 0));
        assert_eq!(rgb_of_index(231), (255, 255, 255));
        assert_eq!(rgb_of_index(232), (8, 8, 8));
        assert_eq!(rgb_of_index(255), (238, 238, 238));
        assert_eq!(rgb_of_index(9), (255, 0, 0));
    }

    #[test]
    fn rgb_maps_to_the_nearest_256_colour() {
        // Exact cube and gray entries map to themselves.
        for index in 16..=255 {
            assert_eq!(nearest_256(rgb_of_index(index)), index, "{index}");
        }
        assert_eq!(nearest_256((0x00, 0x5f, 0x87)), 24);
        assert_eq!(nearest_256((0xff, 0x8c, 0x00)), 208);
        assert_eq!(nearest_256((0x80, 0x66, 0x00)), 94);
        assert_eq!(nearest_256((0x1e, 0x1e, 0x1e)), 234);
        assert_eq!(nearest_256((0x9e, 0x9e, 0x9e)), 247);
    }

    #[test]
    fn rgb_maps_to_the_nearest_ansi_colour() {
        assert_eq!(nearest_16((0xff, 0x5f, 0x5f)), 9);
        assert_eq!(nearest_16((0xaf, 0x00, 0x00)), 1);
        assert_eq!(nearest_16((0x5f, 0xd7, 0x5f)), 2);
        assert_eq!(nearest_16((0x9e, 0x9e, 0x9e)), 8);
        assert_eq!(nearest_16((0xf0, 0xf0, 0xf0)), 7);
        assert_eq!(nearest_16((0x10, 0x10, 0x10)), 0);
        assert_eq!(nearest_16((0x5f, 0xd7, 0xff)), 14);
        assert_eq!(nearest_16((0x00, 0x5f, 0x87)), 6);
        assert_eq!(nearest_16((0xff, 0xd7, 0x5f)), 11);
        assert_eq!(nearest_16((0x6c, 0x6c, 0x00)), 3);
        assert_eq!(nearest_16((0x00, 0x00, 0xaf)), 4);
        assert_eq!(nearest_16((0xd7, 0x87, 0xff)), 13);
        assert_eq!(nearest_16((0x87, 0x00, 0x87)), 5);
        // Every ANSI colour maps to itself.
        for index in 0..16 {
            assert_eq!(nearest_16(rgb_of_index(index)), index, "{index}");
        }
    }

    #[test]
    fn each_depth_sends_only_what_it_can_show() {
        let orange = Color::Rgb(0xff, 0x87, 0x00);
        assert_eq!(ColorDepth::TrueColor.fit(orange), orange);
        assert_eq!(ColorDepth::Ansi256.fit(orange), Color::Indexed(208));
        assert_eq!(ColorDepth::Ansi16.fit(Color::Rgb(0xcd, 0, 0)), Color::Red);
        assert_eq!(ColorDepth::Ansi16.fit(Color::Indexed(196)), Color::LightRed);
        assert_eq!(ColorDepth::Ansi16.fit(Color::Indexed(4)), Color::Blue);
        for depth in [ColorDepth::TrueColor, ColorDepth::Ansi256, ColorDepth::Ansi16] {
            assert_eq!(depth.fit(Color::Reset), Color::Reset);
            assert_eq!(depth.fit(Color::Cyan), Color::Cyan);
        }
    }
}
