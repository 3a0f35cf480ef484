//! Colours and styles in one place: the panes ask for a role (`dim`,
//! `header`, `selected`, a health) and never name a colour. The colours come
//! from the theme the settings pick (`palette`), with the user's overrides,
//! brought down to what the terminal shows (`depth`). `NO_COLOR` turns every
//! colour off; health always carries its letter (R/O/Y/G) so it reads in
//! monochrome and for colour-blind users.

pub mod depth;
pub mod palette;

pub use depth::ColorDepth;
pub use palette::Palette;

use crate::domain::Health;
use crate::domain::appearance::{Colors, ThemeName};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// The styles the panes draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// False under `NO_COLOR`: no colour at all, emphasis by modifiers.
    pub color: bool,
    palette: Palette,
    /// Selection and active tab in reverse video: the terminal's own two
    /// colours swapped, which read on any background.
    reverse: bool,
}

/// Whether `NO_COLOR` asks for no colour (set to anything non-empty).
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

impl Theme {
    /// The theme the settings name, with their colour overrides, for this
    /// terminal: coloured unless `NO_COLOR` is set, at the depth it announces.
    pub fn from_settings(name: ThemeName, colors: &Colors) -> Theme {
        Theme::new(name, colors, ColorDepth::from_env(), !no_color())
    }

    /// A theme built from explicit parts, for tests and previews. On a
    /// 16-colour terminal, whose palette nobody can predict, the selection
    /// and the active tab are drawn in reverse video unless the settings
    /// give them colours.
    pub fn new(name: ThemeName, colors: &Colors, depth: ColorDepth, color: bool) -> Theme {
        let palette = Palette::of(name).with(colors).fitted(depth);
        let chosen = colors.selection_fg.is_some() || colors.selection_bg.is_some();
        Theme { color, palette, reverse: depth == ColorDepth::Ansi16 && !chosen }
    }

    pub fn plain() -> Theme {
        Theme::new(ThemeName::Dark, &Colors::default(), ColorDepth::TrueColor, false)
    }

    pub fn palette(&self) -> Palette {
        self.palette
    }

    fn fg(&self, color: Color) -> Style {
        if self.color { Style::new().fg(color) } else { Style::new() }
    }

    pub fn health_color(&self, health: Health) -> Color {
        match health {
            Health::Red => self.palette.red,
            Health::Orange => self.palette.orange,
            Health::Yellow => self.palette.yellow,
            Health::Green => self.palette.green,
        }
    }

    /// The health letter, coloured when colour is on, bold for the at-risk ones.
    pub fn health(&self, health: Option<Health>) -> Span<'static> {
        match health {
            Some(h) => {
                let mut style = self.fg(self.health_color(h)).add_modifier(Modifier::BOLD);
                if !self.color && h.is_at_risk() {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                Span::styled(h.letter().to_string(), style)
            }
            None => Span::styled("·", self.dim()),
        }
    }

    /// Health as a word with its letter: `[R] red`.
    pub fn health_word(&self, health: Option<Health>) -> Span<'static> {
        match health {
            Some(h) => Span::styled(
                format!("[{}] {}", h.letter(), h.as_str()),
                self.fg(self.health_color(h)).add_modifier(Modifier::BOLD),
            ),
            None => Span::styled("[·] not set", self.dim()),
        }
    }

    pub fn dim(&self) -> Style {
        self.fg(self.palette.muted)
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn header(&self) -> Style {
        self.accent().add_modifier(Modifier::BOLD)
    }

    /// The accent colour alone: links, markers, what is in focus.
    pub fn accent(&self) -> Style {
        self.fg(self.palette.accent)
    }

    /// The selected row, item or field: the theme's text on the theme's
    /// background, so it reads whatever the terminal's own colours are.
    pub fn selected(&self) -> Style {
        if self.color && !self.reverse {
            Style::new()
                .fg(self.palette.selection_fg)
                .bg(self.palette.selection_bg)
                .add_modifier(Modifier::BOLD)
        } else {
            self.reversed()
        }
    }

    /// A whole line drawn selected: the selection's colours override those of
    /// its spans (a dim date or a health letter would not read on the
    /// selection's background), their modifiers and text stay.
    pub fn select<'a>(&self, line: Line<'a>) -> Line<'a> {
        let style = self.selected();
        let spans = line.spans.into_iter().map(|span| span.patch_style(style)).collect();
        Line { spans, style: line.style.patch(style), ..line }
    }

    /// Reverse video on the terminal's own colours (the spans' colours are
    /// reset first, so nothing becomes a coloured background).
    fn reversed(&self) -> Style {
        let style = Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
        if self.color { style.fg(Color::Reset).bg(Color::Reset) } else { style }
    }

    pub fn active_tab(&self) -> Style {
        if self.color && !self.reverse {
            Style::new()
                .fg(self.palette.tab_fg)
                .bg(self.palette.tab_bg)
                .add_modifier(Modifier::BOLD)
        } else {
            self.reversed()
        }
    }

    pub fn border(&self, active: bool) -> Style {
        if active { self.accent() } else { self.dim() }
    }

    pub fn key(&self) -> Style {
        self.accent().add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(self.palette.red).add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.fg(self.palette.green)
    }

    pub fn warn(&self) -> Style {
        self.fg(self.palette.yellow)
    }

    /// Bar colours for the I/R/U chart, by index (initial, renewal, upsell).
    pub fn series(&self, index: usize) -> Style {
        let p = &self.palette;
        let colors = [p.blue, p.green, p.magenta, p.cyan];
        self.fg(colors[index % colors.len()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::appearance::ColorSpec;

    fn coloured(name: ThemeName, depth: ColorDepth) -> Theme {
        Theme::new(name, &Colors::default(), depth, true)
    }

    #[test]
    fn a_selected_line_takes_the_selection_colours_over_its_spans() {
        let theme = coloured(ThemeName::Light, ColorDepth::TrueColor);
        let line =
            Line::from(vec![theme.health(Some(Health::Yellow)), Span::styled("x", theme.dim())]);
        let line = theme.select(line);
        let p = theme.palette();
        for span in &line.spans {
            assert_eq!(span.style.fg, Some(p.selection_fg), "{span:?}");
            assert_eq!(span.style.bg, Some(p.selection_bg), "{span:?}");
        }
        assert_eq!(line.spans[0].content, "Y", "the letter stays");
        assert_eq!(line.style.bg, Some(p.selection_bg));
    }

    #[test]
    fn sixteen_colours_select_in_reverse_video_unless_told_otherwise() {
        let theme = coloured(ThemeName::Dark, ColorDepth::Ansi16);
        let style = theme.selected();
        assert!(style.add_modifier.contains(Modifier::REVERSED));
        assert_eq!((style.fg, style.bg), (Some(Color::Reset), Some(Color::Reset)));
        let colors = Colors { selection_bg: Some(ColorSpec::Index(4)), ..Colors::default() };
        let chosen = Theme::new(ThemeName::Dark, &colors, ColorDepth::Ansi16, true);
        assert_eq!(chosen.selected().bg, Some(Color::Blue));
        assert!(!chosen.selected().add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn no_color_means_no_colour_anywhere() {
        let theme = Theme::new(ThemeName::Light, &Colors::default(), ColorDepth::TrueColor, false);
        let styles = [
            theme.dim(),
            theme.header(),
            theme.selected(),
            theme.active_tab(),
            theme.border(true),
            theme.key(),
            theme.error(),
            theme.ok(),
            theme.warn(),
            theme.series(1),
            theme.health(Some(Health::Red)).style,
            theme.select(Line::from(Span::styled("x", theme.dim()))).spans[0].style,
        ];
        for style in styles {
            assert_eq!((style.fg, style.bg), (None, None), "{style:?}");
        }
        assert!(theme.health(Some(Health::Red)).style.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn a_256_colour_terminal_gets_palette_indices_only() {
        let theme = coloured(ThemeName::Light, ColorDepth::Ansi256);
        let p = theme.palette();
        for color in [p.muted, p.accent, p.selection_fg, p.selection_bg, p.red, p.yellow, p.cyan] {
            assert!(matches!(color, Color::Indexed(16..)), "{color:?}");
        }
        let theme = coloured(ThemeName::Dark, ColorDepth::Ansi16);
        let p = theme.palette();
        for color in [p.muted, p.accent, p.red, p.orange, p.yellow, p.green] {
            assert!(!matches!(color, Color::Rgb(..) | Color::Indexed(_)), "{color:?}");
        }
    }
}
