//! Colours and styles in one place. `NO_COLOR` turns every colour off; health
//! always carries its letter (R/O/Y/G) so it reads in monochrome and for
//! colour-blind users.

use crate::domain::Health;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;

/// The styles the panes draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set (to anything non-empty).
    pub fn from_env() -> Theme {
        Theme { color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) }
    }

    pub fn plain() -> Theme {
        Theme { color: false }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color { Style::new().fg(color) } else { Style::new() }
    }

    pub fn health_color(&self, health: Health) -> Color {
        match health {
            Health::Red => Color::Red,
            Health::Orange => Color::Rgb(255, 140, 0),
            Health::Yellow => Color::Yellow,
            Health::Green => Color::Green,
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
        if self.color { Style::new().fg(Color::DarkGray) } else { Style::new() }
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn header(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        if self.color {
            Style::new().bg(Color::Rgb(40, 60, 90)).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn active_tab(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn border(&self, active: bool) -> Style {
        if active { self.fg(Color::Cyan) } else { self.dim() }
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }

    /// Bar colours for the I/R/U chart, by index (initial, renewal, upsell).
    pub fn series(&self, index: usize) -> Style {
        let colors = [Color::Blue, Color::Green, Color::Magenta, Color::Cyan];
        self.fg(colors[index % colors.len()])
    }
}
