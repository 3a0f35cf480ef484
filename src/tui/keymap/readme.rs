//! The README's key tables, generated from the keymap: one table per scope,
//! each action once with all its keys and its name for `[keys]`. A test
//! (`tests/tui/keys.rs`) fails when the README's section between
//! [`START`] and [`END`] differs from [`markdown`].

use super::{GLOBAL, Keymap, POPUP, grouped};
use crate::tui::action::Action;

/// The line before the generated section in the README.
pub const START: &str =
    "<!-- keys:start (generated from the keymap: cargo test --test tui keys::) -->";
/// The line after it.
pub const END: &str = "<!-- keys:end -->";

/// The key tables as Markdown, one per scope.
pub fn markdown(keymap: &Keymap) -> String {
    let mut out = String::new();
    for table in keymap.tables() {
        let lines = grouped(keymap.bindings(table.name));
        if lines.is_empty() {
            continue;
        }
        out.push_str(&format!("**{}** — `[keys.{}]`", table.title, table.name));
        if table.shared {
            let users: Vec<&str> = keymap
                .tables()
                .iter()
                .filter(|t| !t.shared && t.with.contains(&table.name))
                .map(|t| t.title)
                .collect();
            let of = |scope: &str| -> Vec<&str> {
                let tables = keymap.tables().iter();
                tables.filter(|t| !t.shared && t.with.contains(&scope)).map(|t| t.title).collect()
            };
            if users == of(GLOBAL) {
                out.push_str(" (in every pane)");
            } else if users == of(POPUP) {
                out.push_str(" (in every popup and form)");
            } else {
                out.push_str(&format!(" (in {})", users.join(", ")));
            }
        } else {
            let with: Vec<String> = table.with.iter().map(|w| format!("`{w}`")).collect();
            if with.is_empty() {
                out.push_str(" (alone: it has every key while open)");
            } else {
                out.push_str(&format!(" (with {})", with.join(", ")));
            }
        }
        out.push_str("\n\n| Key | Does | Name |\n|---|---|---|\n");
        for (action, keys) in lines {
            let keys: Vec<String> = keys.split(' ').map(|k| format!("`{k}`")).collect();
            let name = match action {
                Action::GoToPane(_) => "`go_to_pane_1` … `go_to_pane_9`".to_string(),
                other => format!("`{}`", other.name()),
            };
            out.push_str(&format!("| {} | {} | {name} |\n", keys.join(" "), action.describe()));
        }
        out.push('\n');
    }
    out
}

/// The README with its key section replaced by `section`, or `None` when
/// the markers are missing.
pub fn replace_section(readme: &str, section: &str) -> Option<String> {
    let start = readme.find(START)? + START.len();
    let end = readme[start..].find(END)? + start;
    Some(format!("{}\n\n{}{}", &readme[..start], section, &readme[end..]))
}

/// The README's key section as it stands, or `None` without markers.
pub fn current_section(readme: &str) -> Option<&str> {
    let start = readme.find(START)? + START.len();
    let end = readme[start..].find(END)? + start;
    Some(readme[start..end].trim_start_matches('\n'))
}
