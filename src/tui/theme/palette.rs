//! The colours of each built-in theme by role, and the user's overrides laid
//! over them. Every pair a theme draws text with reads at WCAG AA (4.5:1) on
//! the backgrounds that theme is for (`neutral`: on black and on white, and
//! at 3:1 on the softer dark and light backgrounds); the tests below measure it.

use super::depth::{ColorDepth, ansi16};
use crate::domain::appearance::{ColorSpec, Colors, ThemeName};
use ratatui::style::Color;

/// One colour per role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub muted: Color,
    pub accent: Color,
    pub selection_fg: Color,
    pub selection_bg: Color,
    pub tab_fg: Color,
    pub tab_bg: Color,
    pub red: Color,
    pub orange: Color,
    pub yellow: Color,
    pub green: Color,
    pub blue: Color,
    pub magenta: Color,
    pub cyan: Color,
}

const fn rgb(hex: u32) -> Color {
    Color::Rgb((hex >> 16) as u8, (hex >> 8) as u8, hex as u8)
}

/// For any background, the default: every text colour is a mid tone (relative
/// luminance about 0.18, the one band that reads at 4.5:1 on both black and
/// white), and the selection and the active tab bring their own background.
const NEUTRAL: Palette = Palette {
    muted: rgb(0x767676),
    accent: rgb(0x1576d6),
    selection_fg: rgb(0xffffff),
    selection_bg: rgb(0x005f87),
    tab_fg: rgb(0xffffff),
    tab_bg: rgb(0x005f87),
    red: rgb(0xda3737),
    orange: rgb(0xc85000),
    yellow: rgb(0x837600),
    green: rgb(0x3a8700),
    blue: rgb(0x5f5fff),
    magenta: rgb(0xc52cc5),
    cyan: rgb(0x008383),
};

/// For a dark background: bright, slightly soft colours; the selection is
/// white on a deep blue.
const DARK: Palette = Palette {
    muted: rgb(0x9e9e9e),
    accent: rgb(0x5fd7ff),
    selection_fg: rgb(0xffffff),
    selection_bg: rgb(0x005f87),
    tab_fg: rgb(0x000000),
    tab_bg: rgb(0x5fd7ff),
    red: rgb(0xff5f5f),
    orange: rgb(0xff8700),
    yellow: rgb(0xffd75f),
    green: rgb(0x5fd75f),
    blue: rgb(0x5fafff),
    magenta: rgb(0xd787ff),
    cyan: rgb(0x5fd7d7),
};

/// For a light background: deep colours (yellow becomes olive, orange
/// brown, cyan teal) and black text on a pale blue selection.
const LIGHT: Palette = Palette {
    muted: rgb(0x5f5f5f),
    accent: rgb(0x005f87),
    selection_fg: rgb(0x000000),
    selection_bg: rgb(0xafd7ff),
    tab_fg: rgb(0xffffff),
    tab_bg: rgb(0x005f87),
    red: rgb(0xaf0000),
    orange: rgb(0x8a5200),
    yellow: rgb(0x6c6c00),
    green: rgb(0x005f00),
    blue: rgb(0x0000af),
    magenta: rgb(0x870087),
    cyan: rgb(0x005f5f),
};

/// For a dark background at WCAG AAA (7:1): pure, saturated colours and
/// black on yellow for the selection.
const HIGH_CONTRAST: Palette = Palette {
    muted: rgb(0xd0d0d0),
    accent: rgb(0x00ffff),
    selection_fg: rgb(0x000000),
    selection_bg: rgb(0xffff00),
    tab_fg: rgb(0x000000),
    tab_bg: rgb(0x00ffff),
    red: rgb(0xff5f5f),
    orange: rgb(0xffaf00),
    yellow: rgb(0xffff00),
    green: rgb(0x00ff00),
    blue: rgb(0x87afff),
    magenta: rgb(0xff87ff),
    cyan: rgb(0x00ffff),
};

/// A colour from the settings as the terminal library names it.
pub fn color_of(spec: ColorSpec) -> Color {
    match spec {
        ColorSpec::Default => Color::Reset,
        ColorSpec::Index(index) => ansi16(index),
        ColorSpec::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

impl Palette {
    pub fn of(name: ThemeName) -> Palette {
        match name {
            ThemeName::Neutral => NEUTRAL,
            ThemeName::Dark => DARK,
            ThemeName::Light => LIGHT,
            ThemeName::HighContrast => HIGH_CONTRAST,
        }
    }

    /// This palette with the user's colours laid over it.
    pub fn with(mut self, colors: &Colors) -> Palette {
        let roles: [(&mut Color, Option<ColorSpec>); 13] = [
            (&mut self.muted, colors.muted),
            (&mut self.accent, colors.accent),
            (&mut self.selection_fg, colors.selection_fg),
            (&mut self.selection_bg, colors.selection_bg),
            (&mut self.tab_fg, colors.tab_fg),
            (&mut self.tab_bg, colors.tab_bg),
            (&mut self.red, colors.red),
            (&mut self.orange, colors.orange),
            (&mut self.yellow, colors.yellow),
            (&mut self.green, colors.green),
            (&mut self.blue, colors.blue),
            (&mut self.magenta, colors.magenta),
            (&mut self.cyan, colors.cyan),
        ];
        for (slot, spec) in roles {
            if let Some(spec) = spec {
                *slot = color_of(spec);
            }
        }
        self
    }

    /// Every colour brought to what the terminal can show.
    pub fn fitted(self, depth: ColorDepth) -> Palette {
        let fit = |color| depth.fit(color);
        Palette {
            muted: fit(self.muted),
            accent: fit(self.accent),
            selection_fg: fit(self.selection_fg),
            selection_bg: fit(self.selection_bg),
            tab_fg: fit(self.tab_fg),
            tab_bg: fit(self.tab_bg),
            red: fit(self.red),
            orange: fit(self.orange),
            yellow: fit(self.yellow),
            green: fit(self.green),
            blue: fit(self.blue),
            magenta: fit(self.magenta),
            cyan: fit(self.cyan),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::depth::rgb_of_index;
    use super::*;

    fn channels(color: Color) -> (u8, u8, u8) {
        match color {
            Color::Rgb(r, g, b) => (r, g, b),
            Color::Indexed(index) => rgb_of_index(index),
            other => panic!("{other:?} has no fixed RGB"),
        }
    }

    /// WCAG 2 relative luminance.
    fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    /// WCAG 2 contrast ratio, 1 to 21.
    fn contrast(a: Color, b: Color) -> f64 {
        let (la, lb) = (luminance(channels(a)), luminance(channels(b)));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn the_contrast_formula_matches_wcag() {
        assert!((contrast(rgb(0x000000), rgb(0xffffff)) - 21.0).abs() < 1e-9);
        assert!((contrast(rgb(0x777777), rgb(0xffffff)) - 4.48).abs() < 0.01);
        // The selection this replaced: dark blue under a light terminal's
        // black text.
        assert!(contrast(rgb(0x283c5a), rgb(0x000000)) < 2.0);
    }

    /// The backgrounds each theme is made for, the contrast it promises, and
    /// (text, background) pairs to measure.
    fn promises(name: ThemeName, palette: Palette) -> (f64, Vec<(&'static str, Color, Color)>) {
        let (backgrounds, least): (&[u32], f64) = match name {
            ThemeName::Neutral => (&[0x000000, 0xffffff], 4.5),
            ThemeName::Dark => (&[0x000000, 0x1e1e1e, 0x282c34], 4.5),
            ThemeName::Light => (&[0xffffff, 0xfdf6e3, 0xeeeeee], 4.5),
            ThemeName::HighContrast => (&[0x000000], 7.0),
        };
        let p = palette;
        let text = [
            ("muted", p.muted),
            ("accent", p.accent),
            ("red", p.red),
            ("orange", p.orange),
            ("yellow", p.yellow),
            ("green", p.green),
            ("blue", p.blue),
            ("magenta", p.magenta),
            ("cyan", p.cyan),
        ];
        let mut pairs =
            vec![("selection", p.selection_fg, p.selection_bg), ("tab", p.tab_fg, p.tab_bg)];
        for background in backgrounds {
            pairs.extend(text.iter().map(|(role, color)| (*role, *color, rgb(*background))));
        }
        (least, pairs)
    }

    #[test]
    fn every_theme_reads_at_its_promised_contrast() {
        for name in ThemeName::ALL {
            let (least, pairs) = promises(name, Palette::of(name));
            for (role, text, background) in pairs {
                let ratio = contrast(text, background);
                assert!(
                    ratio >= least,
                    "{}: {role} {text:?} on {background:?} is {ratio:.2}:1",
                    name.as_str()
                );
            }
        }
    }

    /// The neutral theme's text on the softer backgrounds terminals ship
    /// with (VS Code, One Dark, Solarized light, a pale grey), and on black and
    /// white once brought to the 256-colour palette, whose cube has no yellow
    /// or orange in the mid band: 3:1, the WCAG floor for bold text.
    #[test]
    fn the_neutral_theme_reads_on_dark_and_light_backgrounds() {
        let texts = |p: Palette| {
            [p.muted, p.accent, p.red, p.orange, p.yellow, p.green, p.blue, p.magenta, p.cyan]
        };
        let soft = [0x1e1e1e, 0x282c34, 0xfdf6e3, 0xeeeeee, 0x000000, 0xffffff];
        for (palette, least) in [(NEUTRAL, 3.0), (NEUTRAL.fitted(ColorDepth::Ansi256), 3.0)] {
            for text in texts(palette) {
                for background in soft {
                    let ratio = contrast(text, rgb(background));
                    assert!(ratio >= least, "{text:?} on #{background:06x} is {ratio:.2}:1");
                }
            }
        }
        // What the light terminal showed before: the dark theme's muted grey
        // and yellow on white.
        assert!(contrast(DARK.muted, rgb(0xffffff)) < 3.0);
        assert!(contrast(DARK.yellow, rgb(0xffffff)) < 2.0);
    }

    #[test]
    fn the_contrast_holds_on_a_256_colour_terminal() {
        for name in ThemeName::ALL.into_iter().filter(|name| *name != ThemeName::Neutral) {
            let palette = Palette::of(name).fitted(ColorDepth::Ansi256);
            let (least, pairs) = promises(name, palette);
            for (role, text, background) in pairs {
                let ratio = contrast(text, background);
                assert!(
                    ratio >= least,
                    "{} (256): {role} {text:?} on {background:?} is {ratio:.2}:1",
                    name.as_str()
                );
            }
        }
    }

    #[test]
    fn overrides_replace_only_their_role() {
        let colors = Colors {
            accent: Some(ColorSpec::Index(208)),
            red: Some(ColorSpec::Index(1)),
            selection_bg: Some(ColorSpec::Default),
            ..Colors::default()
        };
        let palette = Palette::of(ThemeName::Light).with(&colors);
        assert_eq!(palette.accent, Color::Indexed(208));
        assert_eq!(palette.red, Color::Red);
        assert_eq!(palette.selection_bg, Color::Reset);
        assert_eq!(palette.yellow, LIGHT.yellow);
        assert_eq!(Palette::of(ThemeName::Dark).with(&Colors::default()), DARK);
    }
}
