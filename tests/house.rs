//! The shape of the house, checked: the core crate knows no terminal and no
//! command line, and no two modules lean on each other in a circle.
//!
//! A module is a file (`store/bulk.rs` is `store::bulk`, `tui/mod.rs` is
//! `tui`). It depends on another when its code (tests left out) names it
//! through `crate::…` or `super::…`. A module and the modules inside it are
//! one room, so a parent naming its child is not a dependency between rooms.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The core's modules, as the cockpit crate re-exports them under `crate::`.
fn core_modules() -> BTreeSet<String> {
    fs::read_dir(Path::new(ROOT).join("core/src"))
        .expect("core/src")
        .filter_map(|entry| {
            let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".rs").unwrap_or(&name).to_string();
            (stem != "lib" && stem != "testkit").then_some(stem)
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `store/bulk.rs` → `store::bulk`; `tui/mod.rs` → `tui`; `lib.rs` → ``.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("inside src").with_extension("");
    let mut parts: Vec<String> =
        rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts.join("::")
}

/// The code of a file without its test modules.
fn code_without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |at| &text[..at])
}

/// Every `prefix` path in `code`, as its `::`-separated words; a `{a, b::c}`
/// group gives one path per item.
fn paths_after<'a>(code: &'a str, prefix: &str) -> Vec<Vec<&'a str>> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        expand(rest, Vec::new(), &mut found);
    }
    found
}

/// Reads one path (and any group it ends in) at the start of `text`.
fn expand<'a>(text: &'a str, head: Vec<&'a str>, out: &mut Vec<Vec<&'a str>>) {
    let text = text.trim_start();
    let end =
        text.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(text.len());
    let mut words = head;
    words.extend(text[..end].split("::").filter(|w| !w.is_empty()));
    let after = &text[end..];
    let opens_group = end == 0 || text[..end].ends_with("::");
    if !opens_group || !after.starts_with('{') {
        out.push(words);
        return;
    }
    let (mut depth, mut start) = (0usize, 1usize);
    for (at, c) in after.char_indices() {
        match c {
            '{' => depth += 1,
            '}' | ',' if depth == 1 => {
                expand(&after[start..at], words.clone(), out);
                start = at + 1;
                if c == '}' {
                    return;
                }
            }
            '}' => depth -= 1,
            _ => {}
        }
    }
}

struct Crate {
    name: &'static str,
    src: &'static str,
}

/// Module graph of both crates, nodes named `crate/module`.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let core = core_modules();
    let crates = [Crate { name: "core", src: "core/src" }, Crate { name: "cockpit", src: "src" }];
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    for krate in &crates {
        let src = Path::new(ROOT).join(krate.src);
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        for file in files {
            let module = module_of(&src, &file);
            if module == "testkit" || module.ends_with("::tests") || module == "tests" {
                continue;
            }
            let text = fs::read_to_string(&file).expect("read");
            modules.insert(format!("{}/{module}", krate.name), text);
        }
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    // The longest known module that `words` (under `krate`) starts with.
    let resolve = |krate: &str, words: &[&str]| -> Option<String> {
        (1..=words.len()).rev().find_map(|n| {
            let module = words[..n].join("::");
            let owner = if krate == "cockpit" && core.contains(words[0]) { "core" } else { krate };
            let name = format!("{owner}/{module}");
            names.contains(&name).then_some(name)
        })
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (node, text) in &modules {
        let (krate, module) = node.split_once('/').expect("crate/module");
        let code = code_without_tests(text);
        let mut targets = BTreeSet::new();
        for words in paths_after(code, "crate::") {
            targets.extend(resolve(krate, &words));
        }
        let mut parent: Vec<&str> = module.split("::").filter(|w| !w.is_empty()).collect();
        parent.pop();
        for words in paths_after(code, "super::") {
            let mut base = parent.clone();
            let mut words = words.as_slice();
            while words.first() == Some(&"super") {
                base.pop();
                words = &words[1..];
            }
            let full: Vec<&str> = base.iter().copied().chain(words.iter().copied()).collect();
            targets.extend(resolve(krate, &full));
        }
        let same_room = |a: &str, b: &str| {
            let (a, b) = (a.split_once('/').expect("a").1, b.split_once('/').expect("b").1);
            a.is_empty()
                || b.is_empty()
                || a.starts_with(&format!("{b}::"))
                || b.starts_with(&format!("{a}::"))
        };
        targets
            .retain(|t| t != node && !(t.starts_with(&format!("{krate}/")) && same_room(node, t)));
        edges.insert(node.clone(), targets);
    }
    edges
}

/// The groups of two or more modules that reach each other (Tarjan).
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, node: &'a str) {
            let at = self.index.len();
            self.index.insert(node, at);
            self.low.insert(node, at);
            self.stack.push(node);
            self.on_stack.insert(node);
            for next in self.edges.get(node).into_iter().flatten() {
                let next = next.as_str();
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.on_stack.contains(next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut group = Vec::new();
                while let Some(top) = self.stack.pop() {
                    self.on_stack.remove(top);
                    group.push(top.to_string());
                    if top == node {
                        break;
                    }
                }
                if group.len() > 1 {
                    group.sort();
                    self.found.push(group);
                }
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in edges.keys() {
        if !walk.index.contains_key(node.as_str()) {
            walk.visit(node);
        }
    }
    walk.found.sort();
    walk.found
}

#[test]
fn no_two_modules_lean_on_each_other() {
    let found = circles(&graph());
    let described: Vec<String> = found.iter().map(|group| group.join(" ↔ ")).collect();
    assert!(described.is_empty(), "{} circles:\n{}", described.len(), described.join("\n"));
}

/// The rooms of the core each module of `room` (and the modules inside it)
/// leans on, outside its own room.
fn leans_on(edges: &BTreeMap<String, BTreeSet<String>>, room: &str) -> Vec<(String, String)> {
    let inside = |module: &str| module == room || module.starts_with(&format!("{room}::"));
    edges
        .iter()
        .filter(|(from, _)| inside(from))
        .flat_map(|(from, to)| to.iter().map(move |to| (from.clone(), to.clone())))
        .filter(|(_, to)| !inside(to))
        .collect()
}

#[test]
fn the_store_only_stores_and_the_metrics_know_no_store() {
    let edges = graph();
    let reaches = |room: &str, forbidden: &[&str]| -> Vec<(String, String)> {
        leans_on(&edges, room)
            .into_iter()
            .filter(|(_, to)| {
                forbidden.iter().any(|f| to == f || to.starts_with(&format!("{f}::")))
            })
            .collect()
    };
    // The store returns rows and takes writes: composing them with the
    // metrics is the read models' work.
    let store = reaches("core/store", &["core/metrics", "core/read"]);
    assert!(store.is_empty(), "the store computes: {store:#?}");
    // The metrics and the domain are pure: plain data in, numbers out.
    for room in ["core/metrics", "core/domain"] {
        let found = reaches(room, &["core/store", "core/read"]);
        assert!(found.is_empty(), "{room} reads the store: {found:#?}");
    }
}

#[test]
fn the_layer_check_sees_a_store_that_computes() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("core/store::stages".into()).or_default().insert("core/metrics::board".into());
    edges.entry("core/store".into()).or_default().insert("core/store::stages".into());
    assert_eq!(
        leans_on(&edges, "core/store"),
        vec![("core/store::stages".to_string(), "core/metrics::board".to_string())]
    );
    assert!(leans_on(&edges, "core/metrics").is_empty());
}

#[test]
fn the_core_knows_no_terminal_and_no_command_line() {
    let manifest = fs::read_to_string(Path::new(ROOT).join("core/Cargo.toml")).expect("manifest");
    let manifest: toml::Table = manifest.parse().expect("toml");
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        let Some(deps) = manifest.get(section).and_then(|d| d.as_table()) else { continue };
        for forbidden in ["ratatui", "crossterm", "clap"] {
            assert!(
                !deps.keys().any(|name| name.starts_with(forbidden)),
                "core/Cargo.toml [{section}] names {forbidden}"
            );
        }
    }
}

#[test]
fn the_circle_finder_finds_a_circle_and_ignores_a_parent_and_its_child() {
    let edge = |pairs: &[(&str, &str)]| {
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in pairs {
            edges.entry(from.to_string()).or_default().insert(to.to_string());
            edges.entry(to.to_string()).or_default();
        }
        edges
    };
    let three = edge(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]);
    assert_eq!(circles(&three), vec![vec!["a".to_string(), "b".into(), "c".into()]]);
    assert!(circles(&edge(&[("a", "b"), ("b", "c")])).is_empty());
    assert_eq!(
        paths_after(
            "use crate::store::{bulk::X, series}; mycrate::no; crate::{a, b::{c}}",
            "crate::"
        ),
        vec![vec!["store", "bulk", "X"], vec!["store", "series"], vec!["a"], vec!["b", "c"]]
    );
}

/// The TUI's files (tests left out) whose code contains any of `needles`,
/// as paths under `src/`.
fn tui_files_naming(needles: &[&str]) -> Vec<String> {
    let src = Path::new(ROOT).join("src");
    let mut files = Vec::new();
    rust_files(&src.join("tui"), &mut files);
    let mut found: Vec<String> = files
        .iter()
        .filter(|file| {
            let text = fs::read_to_string(file).expect("read");
            let code = code_without_tests(&text);
            needles.iter().any(|needle| code.contains(needle))
        })
        .map(|file| file.strip_prefix(&src).expect("inside src").display().to_string())
        .collect();
    found.sort();
    found
}

#[test]
fn background_work_starts_in_one_place_and_nothing_polls() {
    // Every thread of the TUI starts in `tui/work.rs`, and its results come
    // back on the one event channel the loop blocks on.
    let starting = tui_files_naming(&["thread::spawn", "thread::Builder", "thread::scope"]);
    assert_eq!(starting, vec!["tui/work.rs".to_string()], "files starting threads");
    assert!(
        fs::read_to_string(Path::new(ROOT).join("src/tui/work.rs"))
            .expect("work.rs")
            .contains("std::thread::Builder::new()"),
        "the worker module is where threads start"
    );
    let polling = tui_files_naming(&["event::poll", "poll(std::time::Duration", "try_recv()"]);
    assert_eq!(polling, vec!["tui/work.rs".to_string()], "only the channel's owner peeks at it");
    let polling = tui_files_naming(&["event::poll"]);
    assert!(polling.is_empty(), "nothing under src/tui/ calls event::poll: {polling:?}");
}
