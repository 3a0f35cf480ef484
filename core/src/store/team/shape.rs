//! What the store reads from its own schema about each shared table: the
//! columns that travel, the local row number, and the columns that point at
//! another shared table's row number (which travel as that row's stable
//! key). Read from `PRAGMA table_info` and `foreign_key_list`, so a column
//! or a table added by a later migration needs no edit here.

use super::tables::{SharedTable, shared_tables};
use crate::store::{StoreError, StoreResult};
use rusqlite::Connection;
use rusqlite::types::Value;
use std::collections::BTreeMap;

/// One shared table as the schema has it.
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    pub table: SharedTable,
    /// The columns an event carries, in the schema's order.
    pub columns: Vec<String>,
    /// The `INTEGER PRIMARY KEY` column, local to this book.
    pub local_id: Option<String>,
    /// Column → the shared table whose local row number it holds.
    pub refs: BTreeMap<String, &'static str>,
}

/// Columns computed from other columns of the same row (table, column,
/// sources): they do not travel, and are computed again where a row lands,
/// so a member that does not have one yet still sends rows others accept.
pub(crate) const DERIVED: &[(&str, &str, &[&str])] = &[("notes", "note_key", &["at", "text"])];

/// The value of a derived `column` from its sources' values, in the order
/// [`DERIVED`] names them.
pub(crate) fn derive(column: &str, sources: &[&Value]) -> Value {
    match (column, sources) {
        ("note_key", [Value::Text(at), Value::Text(text)]) => {
            Value::Integer(crate::store::note_key::note_key(at, text))
        }
        _ => Value::Null,
    }
}

/// The shapes of every shared table, by name.
pub(crate) type Shapes = BTreeMap<&'static str, Shape>;

pub(crate) fn read_shapes(conn: &Connection) -> StoreResult<Shapes> {
    let mut bare = Vec::new();
    for table in shared_tables() {
        let mut statement = conn.prepare(&format!("PRAGMA table_info(\"{}\")", table.name))?;
        let rows = statement
            .query_map([], |r| {
                Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(5)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        if rows.is_empty() {
            return Err(StoreError::Invalid(format!(
                "the shared table {} is not in this book's schema",
                table.name
            )));
        }
        let primary: Vec<&(String, String, i64)> = rows.iter().filter(|c| c.2 > 0).collect();
        let without_rowid = is_without_rowid(conn, table.name)?;
        let local_id = match primary.as_slice() {
            [only] if only.1.eq_ignore_ascii_case("INTEGER") && !without_rowid => {
                Some(only.0.clone())
            }
            _ => None,
        };
        for key in &table.key {
            if !rows.iter().any(|c| c.0 == *key) {
                return Err(StoreError::Invalid(format!(
                    "the shared table {} has no key column {key}",
                    table.name
                )));
            }
        }
        let columns: Vec<String> = match &table.columns {
            Some(list) => list.iter().map(|c| c.to_string()).collect(),
            None => rows
                .iter()
                .map(|c| c.0.clone())
                .filter(|c| Some(c) != local_id.as_ref() || table.key.contains(&c.as_str()))
                .filter(|c| !DERIVED.iter().any(|d| d.0 == table.name && d.1 == c))
                .collect(),
        };
        bare.push(Shape { table, columns, local_id, refs: BTreeMap::new() });
    }
    let ids: BTreeMap<&'static str, Option<String>> =
        bare.iter().map(|s| (s.table.name, s.local_id.clone())).collect();
    let mut shapes = Shapes::new();
    for mut shape in bare {
        let mut statement =
            conn.prepare(&format!("PRAGMA foreign_key_list(\"{}\")", shape.table.name))?;
        let keys = statement
            .query_map([], |r| {
                Ok((r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, Option<String>>(4)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        for (parent, from, to) in keys {
            let Some((name, Some(parent_id))) = ids.get_key_value(parent.as_str()) else {
                continue;
            };
            if to.as_ref().is_none_or(|to| to == parent_id) {
                shape.refs.insert(from, name);
            }
        }
        shapes.insert(shape.table.name, shape);
    }
    Ok(shapes)
}

fn is_without_rowid(conn: &Connection, table: &str) -> StoreResult<bool> {
    let sql: String = conn.query_row(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get(0),
    )?;
    Ok(sql.to_ascii_uppercase().contains("WITHOUT ROWID"))
}

/// The SQL expression of `column` of the row `alias` as it travels: itself,
/// or the stable key of the shared row it points at.
pub(crate) fn value_expr(shapes: &Shapes, shape: &Shape, alias: &str, column: &str) -> String {
    match (shape.refs.get(column), shape.refs.get(column).and_then(|r| shapes.get(r))) {
        (Some(parent), Some(parent_shape)) => {
            let inner = format!("{alias}_{column}");
            let id = parent_shape.local_id.as_deref().unwrap_or("rowid");
            format!(
                "json((SELECT {} FROM \"{parent}\" {inner} WHERE {inner}.\"{id}\" = {alias}.\"{column}\"))",
                key_expr(shapes, parent_shape, &inner)
            )
        }
        _ => format!("{alias}.\"{column}\""),
    }
}

/// The SQL expression of the row `alias`'s stable key, a JSON array.
pub(crate) fn key_expr(shapes: &Shapes, shape: &Shape, alias: &str) -> String {
    let parts: Vec<String> =
        shape.table.key.iter().map(|k| value_expr(shapes, shape, alias, k)).collect();
    format!("json_array({})", parts.join(", "))
}

/// The SQL expression of the row `alias` as a JSON object of its columns.
pub(crate) fn body_expr(shapes: &Shapes, shape: &Shape, alias: &str) -> String {
    let parts: Vec<String> = shape
        .columns
        .iter()
        .map(|c| format!("'{c}', {}", value_expr(shapes, shape, alias, c)))
        .collect();
    format!("json_object({})", parts.join(", "))
}

/// A condition true when every pointer of the row `alias`'s key still finds
/// its row (a row deleted with its parent has no key left to name it: the
/// parent's deletion says it on every member).
pub(crate) fn key_resolves(shapes: &Shapes, shape: &Shape, alias: &str) -> String {
    let parts: Vec<String> = shape
        .table
        .key
        .iter()
        .filter_map(|k| {
            let parent = shapes.get(shape.refs.get(*k)?)?;
            let id = parent.local_id.as_deref().unwrap_or("rowid");
            Some(format!(
                "EXISTS (SELECT 1 FROM \"{}\" WHERE \"{id}\" = {alias}.\"{k}\")",
                parent.table.name
            ))
        })
        .collect();
    if parts.is_empty() { "1".to_string() } else { parts.join(" AND ") }
}
