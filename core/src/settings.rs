//! The user's settings file: `config.toml` in the platform's config
//! directory, or the file `COCKPIT_CONFIG` names. Reads and checks it; the
//! settings themselves and their defaults live in `domain::config`.
//!
//! The `[keys]` table is not checked here: the core knows no key or action
//! names. It is handed over as written, each name and key with its place in
//! the file ([`KeySettings`]), for the cockpit to check and apply.

use crate::domain::Config;
use anyhow::Context as _;
use serde::Deserialize as _;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

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
    load_with_keys().map(|settings| settings.config)
}

/// The settings and the `[keys]` table, for the cockpit (see [`load`]).
pub fn load_with_keys() -> anyhow::Result<Settings> {
    let named = std::env::var_os("COCKPIT_CONFIG").is_some_and(|p| !p.is_empty());
    let settings = match config_path() {
        Some(path) if named || path.exists() => read_with_keys(&path)?,
        _ => Settings::default(),
    };
    crate::domain::money::install_currency(settings.config.currency());
    Ok(settings)
}

/// What the settings file holds: the settings, and the `[keys]` table as
/// written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub config: Config,
    pub keys: KeySettings,
}

/// A place in the settings file, counted from 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Place {
    pub line: usize,
    pub column: usize,
}

/// A name or a key as written in the file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub text: String,
    pub place: Place,
}

/// One line of `[keys]`: `[keys.SCOPE]` then `ACTION = "key"` or
/// `ACTION = ["key", "key"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEntry {
    pub scope: Written,
    pub action: Written,
    pub keys: Vec<Written>,
}

/// The `[keys]` table of the settings file, shaped but unchecked: the
/// cockpit checks the scope, action and key names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeySettings {
    /// The file, as its errors name it.
    pub file: String,
    pub entries: Vec<KeyEntry>,
}

/// Reads and checks one settings file; the error names the file, and the
/// line and column of a syntax error or a setting that cannot be read, as
/// `FILE:LINE:COLUMN: …` (the form of the import errors and of `[keys]`).
pub fn read(path: &Path) -> anyhow::Result<Config> {
    read_with_keys(path).map(|settings| settings.config)
}

/// [`read`], with the `[keys]` table handed over as written.
pub fn read_with_keys(path: &Path) -> anyhow::Result<Settings> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the settings", path.display()))?;
    let file = path.display().to_string();
    parse_with_keys(&text, &file).map_err(|message| anyhow::anyhow!("{message}"))
}

#[cfg(test)]
fn parse(text: &str) -> Result<Config, String> {
    parse_with_keys(text, "config.toml").map(|settings| settings.config)
}

/// The settings without `[keys]`, then `[keys]` as written. An error
/// names `file`, then the line and column when it has a place:
/// `FILE:LINE:COLUMN: …`, or `FILE: …` for a rule across settings.
fn parse_with_keys(text: &str, file: &str) -> Result<Settings, String> {
    let at = |offset: usize, message: &str| {
        let Place { line, column } = place(text, offset);
        format!("{file}:{line}:{column}: {message}")
    };
    let syntax = |error: toml::de::Error| match error.span() {
        Some(span) => at(span.start, error.message()),
        None => format!("{file}: {}", error.message()),
    };
    let mut root = DeTable::parse(text).map_err(syntax)?;
    let keys = root.get_mut().remove_entry("keys");
    let config = Config::deserialize(toml::de::Deserializer::from(root)).map_err(syntax)?;
    let problems = config.problems();
    if !problems.is_empty() {
        return Err(format!("{file}: {}", problems.join("; ")));
    }
    let mut keys = match keys {
        Some((name, value)) => {
            key_settings(text, &name, &value).map_err(|(offset, message)| at(offset, &message))?
        }
        None => KeySettings::default(),
    };
    keys.file = file.to_string();
    Ok(Settings { config, keys })
}

/// The line and column of a byte offset.
fn place(text: &str, offset: usize) -> Place {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Place { line, column }
}

type Shaped<T> = Result<T, (usize, String)>;

/// `[keys]`: a table of scopes, each a table of actions, each a key or a
/// list of keys.
fn key_settings(
    text: &str,
    name: &toml::Spanned<std::borrow::Cow<'_, str>>,
    value: &toml::Spanned<DeValue<'_>>,
) -> Shaped<KeySettings> {
    let written =
        |text_: &str, at: usize| Written { text: text_.to_string(), place: place(text, at) };
    let Some(scopes) = value.get_ref().as_table() else {
        return Err((
            name.span().start,
            "keys: a table of scopes expected ([keys.global], [keys.book], …)".into(),
        ));
    };
    let mut entries = Vec::new();
    for (scope, actions) in scopes.iter() {
        let Some(actions) = actions.get_ref().as_table() else {
            return Err((
                scope.span().start,
                format!("keys.{}: a table of actions expected (action = \"key\")", scope.get_ref()),
            ));
        };
        for (action, keys) in actions.iter() {
            let wrong = || {
                (
                    keys.span().start,
                    format!(
                        "keys.{}.{}: a key (\"ctrl-k\") or a list of keys ([\"q\", \"ctrl-c\"]) expected",
                        scope.get_ref(),
                        action.get_ref()
                    ),
                )
            };
            let keys = match keys.get_ref() {
                DeValue::String(key) => vec![written(key, keys.span().start)],
                DeValue::Array(list) => list
                    .iter()
                    .map(|key| {
                        key.get_ref()
                            .as_str()
                            .map(|k| written(k, key.span().start))
                            .ok_or_else(wrong)
                    })
                    .collect::<Shaped<Vec<_>>>()?,
                _ => return Err(wrong()),
            };
            entries.push(KeyEntry {
                scope: written(scope.get_ref(), scope.span().start),
                action: written(action.get_ref(), action.span().start),
                keys,
            });
        }
    }
    Ok(KeySettings { file: String::new(), entries })
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
    fn the_team_settings_are_read_and_a_too_eager_sync_is_named() {
        let config =
            parse("[team]\nurl = \"postgres://ann@db/book\"\nmember = \"ann\"\n").expect("config");
        assert_eq!(config.team.url, "postgres://ann@db/book");
        assert_eq!(config.team.member, "ann");
        assert_eq!(config.team.sync_seconds, 60);
        let error = parse("[team]\nsync_seconds = 1\n").expect_err("too eager");
        assert!(error.contains("team.sync_seconds = 1: at least 5 seconds expected"), "{error}");
    }

    #[test]
    fn syntax_errors_say_where() {
        let error = parse("stuck_stage_days = 90\ntier_cuts_bp = [4500,\n").expect_err("bad");
        assert!(error.starts_with("config.toml:2:"), "{error}");
        let error = parse("stuck_days = 3\n").expect_err("unknown");
        assert!(error.starts_with("config.toml:1:1: unknown field `stuck_days`"), "{error}");
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
        assert!(error.starts_with("config.toml:2:9: unknown variant `solarized`"), "{error}");
        assert!(error.contains("`neutral`, `dark`, `light`, `high-contrast`"), "{error}");
        let error = parse("[colors]\naccent = \"#12345\"\n").expect_err("colour");
        assert!(
            error.starts_with("config.toml:2:10: \"#12345\" is not a colour: a name"),
            "{error}"
        );
        let error = parse("[colors]\nred = 300\n").expect_err("index");
        assert!(error.starts_with("config.toml:2:7: 300 is not a colour"), "{error}");
        let error = parse("[colors]\nselection = \"red\"\n").expect_err("role");
        assert!(error.starts_with("config.toml:2:1: unknown field `selection`"), "{error}");
        assert!(error.contains("selection_bg"), "the roles are listed: {error}");
    }

    #[test]
    fn the_currency_symbol_and_its_place_are_read_and_checked() {
        let config = parse("currency = \"€\"\ncurrency_position = \"after\"\n").expect("config");
        assert_eq!(config.currency().exact(crate::domain::Money(1_239_950)), "12,399.50 €");
        let error = parse("currency_position = \"left\"\n").expect_err("position");
        assert!(error.starts_with("config.toml:1:"), "{error}");
        let error = parse("currency = \"\\u001b[31m\"\n").expect_err("control");
        assert!(error.contains("currency = \"\\u{1b}[31m\""), "{error}");
    }

    #[test]
    fn the_keys_table_is_handed_over_as_written_with_its_places() {
        let text = "mouse = false\n[keys.targets]\nrecord_opportunity = \"O\"\n[keys.global]\nquit = [\"q\", \"ctrl-c\"]\n";
        let settings = parse_with_keys(text, "config.toml").expect("settings");
        assert!(!settings.config.mouse, "the other settings are still read");
        assert_eq!(settings.keys.file, "config.toml");
        let entry = |scope: &str| {
            settings.keys.entries.iter().find(|e| e.scope.text == scope).expect("entry").clone()
        };
        let targets = entry("targets");
        assert_eq!(targets.action.text, "record_opportunity");
        assert_eq!(targets.action.place, Place { line: 3, column: 1 });
        assert_eq!(targets.keys[0].text, "O");
        assert_eq!(targets.keys[0].place, Place { line: 3, column: 22 });
        let global = entry("global");
        let keys: Vec<&str> = global.keys.iter().map(|k| k.text.as_str()).collect();
        assert_eq!(keys, ["q", "ctrl-c"]);
        assert_eq!(global.keys[1].place, Place { line: 5, column: 14 });
        assert_eq!(parse(text).map(|c| c.mouse), Ok(false));
    }

    #[test]
    fn a_keys_table_of_the_wrong_shape_says_where() {
        let error = parse_with_keys("[keys]\nglobal = 3\n", "config.toml").expect_err("shape");
        assert!(error.starts_with("config.toml:2:1: keys.global: a table of actions"), "{error}");
        let error =
            parse_with_keys("[keys.global]\nquit = [\"q\", 3]\n", "config.toml").expect_err("key");
        assert!(error.starts_with("config.toml:2:8: keys.global.quit: a key"), "{error}");
        let error = parse_with_keys("keys = 1\n", "config.toml").expect_err("keys");
        assert!(error.starts_with("config.toml:1:1: keys:"), "{error}");
    }

    #[test]
    fn bad_playbooks_say_where() {
        let text = "mouse = true\n[playbooks.renewal]\nwindow_days = 0\n";
        let error = parse(text).expect_err("window");
        assert!(
            error.starts_with("config.toml:2:1: playbooks.renewal: window_days = 0"),
            "{error}"
        );
        let text = "[playbooks.save_plan]\nsteps = [{ title = \"Call\", due = \"soon\" }]\n";
        let error = parse(text).expect_err("offset");
        assert!(error.starts_with("config.toml:2:"), "{error}");
        assert!(error.contains("\"soon\" is not an offset"), "{error}");
        let config = parse("[playbooks.onboarding]\nenabled = false\n").expect("config");
        assert!(config.playbooks.get("onboarding").is_none());
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let error = parse("tier_cuts_bp = [4500, 12000]\n").expect_err("range");
        assert!(error.contains("tier_cuts_bp [4500, 12000]"), "{error}");
    }

    #[test]
    fn every_error_names_the_file_then_line_and_column_as_the_imports_do() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("config.toml");
        let file = path.display().to_string();
        let error_of = |text: &str| {
            std::fs::write(&path, text).expect("write");
            read(&path).expect_err("refused").to_string()
        };
        let error = error_of("stuck_stage_days = 90\ntheme = \"solarized\"\n");
        assert!(error.starts_with(&format!("{file}:2:9: unknown variant")), "{error}");
        let error = error_of("[keys]\nglobal = 3\n");
        assert!(error.starts_with(&format!("{file}:2:1: keys.global:")), "{error}");
        // A rule across settings has no one place: the file alone.
        let error = error_of("tier_cuts_bp = [4500, 12000]\n");
        assert!(error.starts_with(&format!("{file}: tier_cuts_bp")), "{error}");
    }
}
