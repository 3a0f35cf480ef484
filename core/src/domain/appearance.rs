//! How the cockpit looks, as the settings file says it: the theme's name and
//! the colours a user overrides by role (`[colors]`). Plain data, checked when
//! the file is read so a bad colour is reported with its line and column; the
//! TUI's theme turns it into styles. Nothing here knows about the terminal.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The built-in colour sets. `neutral`, the default, reads on a dark and on a
/// light background alike (nobody has to know their terminal's colours);
/// `dark` and `light` are tuned for one kind of background; `high-contrast`
/// for a dark one at AAA contrast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    #[default]
    Neutral,
    Dark,
    Light,
    HighContrast,
}

impl ThemeName {
    pub const ALL: [ThemeName; 4] =
        [ThemeName::Neutral, ThemeName::Dark, ThemeName::Light, ThemeName::HighContrast];

    pub fn as_str(self) -> &'static str {
        match self {
            ThemeName::Neutral => "neutral",
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::HighContrast => "high-contrast",
        }
    }
}

/// A colour as written in the settings: the terminal's own default, one of
/// the sixteen named terminal colours (kept as their index 0–15, so they
/// follow the terminal's palette), another ANSI index, or `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ColorText", into = "ColorText")]
pub enum ColorSpec {
    Default,
    Index(u8),
    Rgb(u8, u8, u8),
}

/// The sixteen terminal colours by index, as the settings name them.
const NAMES: [&str; 16] = [
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "white",
    "bright_black",
    "bright_red",
    "bright_green",
    "bright_yellow",
    "bright_blue",
    "bright_magenta",
    "bright_cyan",
    "bright_white",
];

/// Why a colour in the settings could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0} is not a colour: a name (red, bright_blue, default…), \"#rrggbb\" or an ANSI index 0-255 expected"
)]
pub struct BadColor(String);

impl std::str::FromStr for ColorSpec {
    type Err = BadColor;

    fn from_str(text: &str) -> Result<ColorSpec, BadColor> {
        let bad = || BadColor(format!("{text:?}"));
        let word = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        if let Some(hex) = word.strip_prefix('#') {
            let channel =
                |at: usize| hex.get(at..at + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok());
            return match (hex.len(), channel(0), channel(2), channel(4)) {
                (6, Some(r), Some(g), Some(b)) => Ok(ColorSpec::Rgb(r, g, b)),
                _ => Err(bad()),
            };
        }
        if let Ok(index) = word.parse::<u8>() {
            return Ok(ColorSpec::Index(index));
        }
        let word =
            word.strip_prefix("light_").map_or(word.clone(), |rest| format!("bright_{rest}"));
        match word.as_str() {
            "default" | "reset" | "none" => return Ok(ColorSpec::Default),
            "gray" | "grey" | "dark_gray" | "dark_grey" => return Ok(ColorSpec::Index(8)),
            "bright_gray" | "bright_grey" => return Ok(ColorSpec::Index(7)),
            _ => {}
        }
        NAMES
            .iter()
            .position(|name| *name == word)
            .and_then(|index| u8::try_from(index).ok())
            .map(ColorSpec::Index)
            .ok_or_else(bad)
    }
}

impl fmt::Display for ColorSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ColorSpec::Default => f.write_str("default"),
            ColorSpec::Index(index) => match NAMES.get(usize::from(index)) {
                Some(name) => f.write_str(name),
                None => write!(f, "{index}"),
            },
            ColorSpec::Rgb(r, g, b) => write!(f, "#{r:02x}{g:02x}{b:02x}"),
        }
    }
}

/// A colour as TOML holds it: a string, or a bare ANSI index.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ColorText {
    Index(i64),
    Text(String),
}

impl TryFrom<ColorText> for ColorSpec {
    type Error = BadColor;

    fn try_from(value: ColorText) -> Result<ColorSpec, BadColor> {
        match value {
            ColorText::Text(text) => text.parse(),
            ColorText::Index(index) => {
                u8::try_from(index).map(ColorSpec::Index).map_err(|_| BadColor(index.to_string()))
            }
        }
    }
}

impl From<ColorSpec> for ColorText {
    fn from(color: ColorSpec) -> ColorText {
        ColorText::Text(color.to_string())
    }
}

/// Per-role overrides of the theme's colours; a role left out keeps the
/// theme's colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Colors {
    /// Secondary text: explanations, dates, inactive borders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub muted: Option<ColorSpec>,
    /// Headers, keys in hints, the focused border.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accent: Option<ColorSpec>,
    /// Text of the selected row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection_fg: Option<ColorSpec>,
    /// Background of the selected row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection_bg: Option<ColorSpec>,
    /// Text of the active tab.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tab_fg: Option<ColorSpec>,
    /// Background of the active tab.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tab_bg: Option<ColorSpec>,
    /// Red health, errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub red: Option<ColorSpec>,
    /// Orange health.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orange: Option<ColorSpec>,
    /// Yellow health, warnings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yellow: Option<ColorSpec>,
    /// Green health, what went well.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub green: Option<ColorSpec>,
    /// Chart series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blue: Option<ColorSpec>,
    /// Chart series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub magenta: Option<ColorSpec>,
    /// Chart series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cyan: Option<ColorSpec>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_read_by_name_hex_or_index() {
        let read = |text: &str| text.parse::<ColorSpec>();
        assert_eq!(read("red"), Ok(ColorSpec::Index(1)));
        assert_eq!(read("Bright-Blue"), Ok(ColorSpec::Index(12)));
        assert_eq!(read("light_red"), Ok(ColorSpec::Index(9)));
        assert_eq!(read("grey"), Ok(ColorSpec::Index(8)));
        assert_eq!(read("default"), Ok(ColorSpec::Default));
        assert_eq!(read("#1E90ff"), Ok(ColorSpec::Rgb(0x1e, 0x90, 0xff)));
        assert_eq!(read("208"), Ok(ColorSpec::Index(208)));
        for bad in ["#12345", "#gg0000", "256", "purple", "", "#ff0000ff"] {
            assert!(read(bad).is_err(), "{bad}");
        }
        assert_eq!(ColorSpec::try_from(ColorText::Index(300)), Err(BadColor("300".into())));
    }

    #[test]
    fn colours_are_written_as_they_are_read() {
        for text in ["default", "bright_cyan", "#00af87", "208"] {
            let color: ColorSpec = text.parse().expect("colour");
            assert_eq!(color.to_string(), text);
        }
    }
}
