//! Where the cockpit keeps its files: the database in the platform's data
//! directory unless `--db` or `COCKPIT_DB` says otherwise, and the optional
//! `config.toml` in the platform's config directory.

use std::path::PathBuf;

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "cockpit")
}

/// The default database: e.g. `~/.local/share/cockpit/cockpit.db` on Linux.
pub fn default_database() -> PathBuf {
    project_dirs()
        .map(|dirs| dirs.data_dir().join("cockpit.db"))
        .unwrap_or_else(|| PathBuf::from("cockpit.db"))
}

/// The optional settings file: e.g. `~/.config/cockpit/config.toml` on Linux.
pub fn default_config() -> Option<PathBuf> {
    project_dirs().map(|dirs| dirs.config_dir().join("config.toml"))
}

/// The user named by `COCKPIT_USER`, if any.
pub fn named_user() -> Option<String> {
    std::env::var("COCKPIT_USER").ok().filter(|v| !v.trim().is_empty())
}

/// Who is at the keyboard, for "my book" and the history's "who": `COCKPIT_USER`,
/// else the login name.
pub fn current_user() -> String {
    ["COCKPIT_USER", "USER", "USERNAME"]
        .iter()
        .find_map(|key| std::env::var(key).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "me".to_string())
}
