//! Lists the store's migrations (`src/store/migrations/NNN_name.sql`) in
//! order for `store/migrations.rs`, so that a new migration is only its
//! file: the list is `MIGRATION_FILES`, `(name, sql)` pairs, written to
//! `OUT_DIR/migrations.rs`. A file out of sequence (a gap, a repeated
//! number, a name that is not `NNN_name.sql`) stops the build.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let folder = Path::new("src/store/migrations");
    println!("cargo:rerun-if-changed={}", folder.display());
    let mut files: Vec<(u32, String, String)> = Vec::new();
    let entries = std::fs::read_dir(folder).expect("the migrations folder is readable");
    for entry in entries {
        let path = entry.expect("a migration's entry").path();
        let Some(file) = path.file_name().and_then(|f| f.to_str()).map(str::to_string) else {
            continue;
        };
        let Some(stem) = file.strip_suffix(".sql") else { continue };
        let (number, name) = stem
            .split_once('_')
            .and_then(|(n, name)| Some((n.parse::<u32>().ok()?, name)))
            .unwrap_or_else(|| panic!("migration {file:?} is not named NNN_name.sql"));
        println!("cargo:rerun-if-changed={}", path.display());
        files.push((number, name.to_string(), file));
    }
    files.sort();
    let mut out = String::from("/// The migrations' files in order: `(name, sql)`.\n");
    out.push_str("const MIGRATION_FILES: &[(&str, &str)] = &[\n");
    for (at, (number, name, file)) in files.iter().enumerate() {
        let expected = u32::try_from(at + 1).expect("few migrations");
        assert_eq!(*number, expected, "migration {file:?} should be number {expected:03}");
        let path = std::env::current_dir().expect("the crate's folder").join(folder).join(file);
        let _ = writeln!(out, "    ({name:?}, include_str!({:?})),", path.display().to_string());
    }
    out.push_str("];\n");
    let target =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("migrations.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}
