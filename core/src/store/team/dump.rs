//! The whole book as text, the same on every member that holds the same
//! rows: every table but the team's own bookkeeping and the search index's
//! internals, rows sorted, local row numbers left out and pointers between
//! shared rows written as the stable keys they travel as. What a test
//! compares to say that two members converged.

use super::shape::{read_shapes, value_expr};
use crate::store::{Store, StoreResult};
use rusqlite::types::ValueRef;
use std::fmt::Write as _;

impl Store {
    /// Every table's rows as sorted lines of text (see the module's doc).
    pub fn book_dump(&self) -> StoreResult<String> {
        let shapes = read_shapes(&self.conn)?;
        let mut statement = self
            .conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")?;
        let tables = statement
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        let virtual_tables: Vec<&str> = tables
            .iter()
            .filter(|(_, sql)| sql.as_deref().is_some_and(|s| s.starts_with("CREATE VIRTUAL")))
            .map(|(name, _)| name.as_str())
            .collect();
        let mut out = String::new();
        for (name, _) in &tables {
            let internal = name.starts_with("sqlite_")
                || name.starts_with("team_")
                || virtual_tables.iter().any(|v| name == v || name.starts_with(&format!("{v}_")));
            if internal {
                continue;
            }
            let mut info = self.conn.prepare(&format!("PRAGMA table_info(\"{name}\")"))?;
            let columns =
                info.query_map([], |r| r.get::<_, String>(1))?.collect::<Result<Vec<_>, _>>()?;
            let shape = shapes.get(name.as_str());
            let exprs: Vec<String> = columns
                .iter()
                .filter(|c| shape.is_none_or(|s| s.local_id.as_ref() != Some(*c)))
                .map(|c| match shape {
                    Some(shape) => value_expr(&shapes, shape, "t", c),
                    None => format!("t.\"{c}\""),
                })
                .collect();
            let mut rows = self.conn.prepare(&format!(
                "SELECT {} FROM \"{name}\" t",
                if exprs.is_empty() { "1".to_string() } else { exprs.join(", ") }
            ))?;
            let width = exprs.len().max(1);
            let mut lines = rows
                .query_map([], |r| {
                    let mut line = String::new();
                    for at in 0..width {
                        let cell = match r.get_ref(at)? {
                            ValueRef::Null => "∅".to_string(),
                            ValueRef::Integer(i) => i.to_string(),
                            ValueRef::Real(f) => f.to_string(),
                            ValueRef::Text(t) | ValueRef::Blob(t) => {
                                String::from_utf8_lossy(t).into_owned()
                            }
                        };
                        line.push_str(&cell);
                        line.push('\t');
                    }
                    Ok(line)
                })?
                .collect::<Result<Vec<_>, _>>()?;
            lines.sort();
            let _ = writeln!(out, "== {name} ({} rows)", lines.len());
            for line in lines {
                let _ = writeln!(out, "{line}");
            }
        }
        Ok(out)
    }
}
