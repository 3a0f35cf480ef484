//! The user's settings file: `config.toml` in the platform's config
//! directory, or the file `COCKPIT_CONFIG` names. Reads and checks it; the
//! settings themselves and their defaults live in `domain::config`.

use crate::domain::Config;
use anyhow::Context as _;
use std::path::{Path, PathBuf};

/// The settings file in use: `COCKPIT_CONFIG` if set, else the default one.
pub fn config_path() -> Option<PathBuf> {
    std::env::var_os("COCKPIT_CONFIG")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(crate::paths::default_config)
}

/// The settings: the file if it exists, else the defaults. A file named by
/// `COCKPIT_CONFIG` must exist.
/// Every amount shown from then on carries the currency symbol they ask for.
pub fn load() -> anyhow::Result<Config> {
    let named = std::env::var_os("COCKPIT_CONFIG").is_some_and(|p| !p.is_empty());
    let config = match config_path() {
        Some(path) if named || path.exists() => read(&path)?,
        _ => Config::default(),
    };
    crate::domain::money::install_currency(config.currency());
    Ok(config)
}

/// Reads and checks one settings file; the error names the file, and the
/// line and column of a syntax error or the setting that is out of range.
pub fn read(path: &Path) -> anyhow::Result<Config> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the settings", path.display()))?;
    parse(&text).map_err(|message| anyhow::anyhow!("{}: {message}", path.display()))
}

fn parse(text: &str) -> Result<Config, String> {
    let config: Config = toml::from_str(text).map_err(|error| {
        let place = error
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!("line {line}, column {column}: ")
            })
            .unwrap_or_default();
        format!("{place}{}", error.message())
    })?;
    let problems = config.problems();
    if problems.is_empty() { Ok(config) } else { Err(problems.join("; ")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_holds_exactly_the_defaults() {
        let example = include_str!("../../assets/config.example.toml");
        assert_eq!(parse(example), Ok(Config::default()));
    }

    #[test]
    fn a_partial_file_overrides_only_what_it_names() {
        let config = parse("stuck_stage_days = 90\n[renewal_probability_bp]\ngreen = 9000\nyellow = 7000\norange = 4000\nred = 1000\n").expect("config");
        assert_eq!(config.stuck_stage_days, 90);
        assert_eq!(config.renewal_probability_bp.orange, 4000);
        assert_eq!(config.tier_cuts_bp, Config::default().tier_cuts_bp);
    }

    #[test]
    fn syntax_errors_say_where() {
        let error = parse("stuck_stage_days = 90\ntier_cuts_bp = [4500,\n").expect_err("bad");
        assert!(error.starts_with("line 2, column"), "{error}");
        let error = parse("stuck_days = 3\n").expect_err("unknown");
        assert!(error.starts_with("line 1, column 1: unknown field `stuck_days`"), "{error}");
    }

    #[test]
    fn the_theme_and_its_colours_are_read() {
        use crate::domain::appearance::{ColorSpec, ThemeName};
        let config = parse("theme = \"high-contrast\"\n[colors]\nselection_bg = \"#264F78\"\naccent = 39\nmuted = \"bright_black\"\n").expect("config");
        assert_eq!(config.theme, ThemeName::HighContrast);
        assert_eq!(config.colors.selection_bg, Some(ColorSpec::Rgb(0x26, 0x4f, 0x78)));
        assert_eq!(config.colors.accent, Some(ColorSpec::Index(39)));
        assert_eq!(config.colors.muted, Some(ColorSpec::Index(8)));
        assert_eq!(config.colors.red, None);
    }

    #[test]
    fn bad_themes_and_colours_say_where() {
        let error = parse("stuck_stage_days = 90\ntheme = \"solarized\"\n").expect_err("theme");
        assert!(error.starts_with("line 2, column 9: unknown variant `solarized`"), "{error}");
        assert!(error.contains("`dark`, `light`, `high-contrast`"), "{error}");
        let error = parse("[colors]\naccent = \"#12345\"\n").expect_err("colour");
        assert!(
            error.starts_with("line 2, column 10: \"#12345\" is not a colour: a name"),
            "{error}"
        );
        let error = parse("[colors]\nred = 300\n").expect_err("index");
        assert!(error.starts_with("line 2, column 7: 300 is not a colour"), "{error}");
        let error = parse("[colors]\nselection = \"red\"\n").expect_err("role");
        assert!(error.starts_with("line 2, column 1: unknown field `selection`"), "{error}");
        assert!(error.contains("selection_bg"), "the roles are listed: {error}");
    }

    #[test]
    fn the_currency_symbol_and_its_place_are_read_and_checked() {
        let config = parse("currency = \"€\"\ncurrency_position = \"after\"\n").expect("config");
        assert_eq!(config.currency().exact(crate::domain::Money(1_239_950)), "12,399.50 €");
        let error = parse("currency_position = \"left\"\n").expect_err("position");
        assert!(error.starts_with("line 1, column"), "{error}");
        let error = parse("currency = \"\\u001b[31m\"\n").expect_err("control");
        assert!(error.contains("currency = \"\\u{1b}[31m\""), "{error}");
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let error = parse("tier_cuts_bp = [4500, 12000]\n").expect_err("range");
        assert!(error.contains("tier_cuts_bp [4500, 12000]"), "{error}");
    }
}
