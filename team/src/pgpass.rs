//! Passwords from a libpq password file (`PGPASSFILE`, else `~/.pgpass`):
//! lines of `host:port:database:user:password`, `*` matching anything,
//! `\:` and `\\` escaped, `#` comments. As libpq does, a file that others
//! can read is ignored.

use std::path::{Path, PathBuf};

/// The password file libpq would read.
pub(crate) fn file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PGPASSFILE") {
        return Some(PathBuf::from(path));
    }
    std::env::var_os("HOME").map(|home| Path::new(&home).join(".pgpass"))
}

/// The password for this connection, if the file has a line for it.
pub(crate) fn lookup(
    path: &Path,
    host: &str,
    port: u16,
    database: &str,
    user: &str,
) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            return None;
        }
    }
    let text = std::fs::read_to_string(path).ok()?;
    let port = port.to_string();
    text.lines().filter(|l| !l.trim_start().starts_with('#')).find_map(|line| {
        let fields = split(line);
        let [h, p, d, u, password] = fields.as_slice() else { return None };
        let matches = |pattern: &str, value: &str| pattern == "*" || pattern == value;
        (matches(h, host) && matches(p, &port) && matches(d, database) && matches(u, user))
            .then(|| password.clone())
    })
}

/// A line's fields, split on unescaped colons (the last field keeps the rest).
fn split(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next()
                    && let Some(field) = fields.last_mut()
                {
                    field.push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => {
                if let Some(field) = fields.last_mut() {
                    field.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_split_on_unescaped_colons_and_stars_match_anything() {
        assert_eq!(split(r"db\:1:5432:*:ann:pa\:ss"), vec!["db:1", "5432", "*", "ann", "pa:ss"]);
        let dir = std::env::temp_dir().join(format!("pgpass-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("pgpass");
        std::fs::write(&file, "# team\nother:5432:*:ann:no\nlocalhost:*:book:ann:s3cret\n")
            .expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("mode");
            assert_eq!(lookup(&file, "localhost", 5433, "book", "ann").as_deref(), Some("s3cret"));
            assert_eq!(lookup(&file, "localhost", 5433, "book", "bob"), None);
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("mode");
            assert_eq!(lookup(&file, "localhost", 5433, "book", "ann"), None, "others can read it");
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
