//! Pulled events into the book, with capture off (so they are not sent
//! back) and in one transaction. Each shared row keeps the version that
//! wrote it last (`team_versions`): an event older than it is superseded,
//! one equal to it was already applied, so any order of arrival and any
//! repetition leave every member with the same rows. Histories are unions
//! (each change is its own row); the account's current health and stage are
//! then recomputed from the merged history, latest by time with ties broken
//! by the version, so they agree everywhere too. An event whose account (or
//! whose parent row) is not in the book yet is parked and retried.

use super::shape::{DERIVED, Shape, Shapes, derive, key_expr, read_shapes};
use crate::store::StoreResult;
use crate::team::{Event, Op, precedence};
use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, OptionalExtension, params, params_from_iter};
use serde_json::Value as Json;
use std::cmp::Ordering;
use std::collections::BTreeSet;

/// What applying a batch of pulled events did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Events that changed a row (or removed one).
    pub applied: usize,
    /// Events already applied, or older than the row's version.
    pub superseded: usize,
    /// Events waiting for their account or parent row.
    pub parked: usize,
}

enum Outcome {
    Applied,
    Superseded,
    Parked,
}

pub(super) fn apply(tx: &Connection, events: &[Event]) -> StoreResult<Applied> {
    let shapes = read_shapes(tx)?;
    tx.execute("UPDATE team_state SET value = '0' WHERE key = 'capture'", [])?;
    let mut touched = BTreeSet::new();
    let mut report = Applied::default();
    let mut newest = 0_i64;
    for event in events {
        newest = newest.max(event.hlc);
        match apply_one(tx, &shapes, event, &mut touched)? {
            Outcome::Applied => report.applied += 1,
            Outcome::Superseded => report.superseded += 1,
            Outcome::Parked => park(tx, event)?,
        }
    }
    retry_parked(tx, &shapes, &mut touched, &mut report)?;
    refresh_accounts(tx, &shapes, &touched)?;
    tx.execute(
        "UPDATE team_state SET value = CAST(max(CAST(value AS INTEGER), ?1) AS TEXT) WHERE key = 'clock'",
        [newest],
    )?;
    tx.execute("UPDATE team_state SET value = '1' WHERE key = 'capture'", [])?;
    Ok(report)
}

fn park(tx: &Connection, event: &Event) -> StoreResult<()> {
    tx.execute(
        "INSERT OR IGNORE INTO team_parked (event_id, tbl, row_key, op, body, member, hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            event.event_id,
            event.table,
            event.row_key,
            event.op.as_str(),
            event.body,
            event.member,
            event.hlc
        ],
    )?;
    Ok(())
}

/// Tries the parked events again (oldest first) until a round applies none.
fn retry_parked(
    tx: &Connection,
    shapes: &Shapes,
    touched: &mut BTreeSet<String>,
    report: &mut Applied,
) -> StoreResult<()> {
    loop {
        let parked = {
            let mut statement = tx.prepare(
                "SELECT event_id, tbl, row_key, op, body, member, hlc FROM team_parked
                 ORDER BY hlc, event_id",
            )?;
            let rows = statement.query_map([], |r| {
                let op: String = r.get(3)?;
                Ok(Event {
                    event_id: r.get(0)?,
                    table: r.get(1)?,
                    row_key: r.get(2)?,
                    op: Op::parse(&op).unwrap_or(Op::Upsert),
                    body: r.get(4)?,
                    member: r.get(5)?,
                    hlc: r.get(6)?,
                })
            })?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        let mut progress = false;
        for event in &parked {
            let outcome = apply_one(tx, shapes, event, touched)?;
            if !matches!(outcome, Outcome::Parked) {
                tx.execute("DELETE FROM team_parked WHERE event_id = ?1", [&event.event_id])?;
                progress = true;
                if matches!(outcome, Outcome::Applied) {
                    report.applied += 1;
                } else {
                    report.superseded += 1;
                }
            }
        }
        if !progress {
            report.parked = parked.len();
            return Ok(());
        }
    }
}

fn apply_one(
    tx: &Connection,
    shapes: &Shapes,
    event: &Event,
    touched: &mut BTreeSet<String>,
) -> StoreResult<Outcome> {
    // A table this cockpit does not share (a newer member's) waits for an upgrade.
    let Some(shape) = shapes.get(event.table.as_str()) else { return Ok(Outcome::Parked) };
    let held: Option<(i64, String)> = tx
        .query_row(
            "SELECT hlc, event_id FROM team_versions WHERE tbl = ?1 AND row_key = ?2",
            params![event.table, event.row_key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((hlc, id)) = &held
        && precedence((*hlc, id), (event.hlc, &event.event_id)) != Ordering::Less
    {
        return Ok(Outcome::Superseded);
    }
    let Ok(Json::Array(key_values)) = serde_json::from_str::<Json>(&event.row_key) else {
        return Ok(Outcome::Parked);
    };
    let Some(key) = resolve_all(tx, shapes, shape, &shape.table.key, &key_values)? else {
        return Ok(Outcome::Parked);
    };
    let matching: Vec<String> = shape
        .table
        .key
        .iter()
        .enumerate()
        .map(|(at, k)| format!("\"{k}\" IS ?{}", at + 1))
        .collect();
    let name = shape.table.name;
    let written = match event.op {
        Op::Delete => tx.execute(
            &format!("DELETE FROM \"{name}\" WHERE {}", matching.join(" AND ")),
            params_from_iter(key.iter()),
        ),
        Op::Upsert => {
            let Some(Ok(Json::Object(body))) = event.body.as_deref().map(serde_json::from_str)
            else {
                return Ok(Outcome::Parked);
            };
            let mut columns: Vec<&str> = shape
                .columns
                .iter()
                .map(String::as_str)
                .filter(|c| body.contains_key(*c))
                .collect();
            if shape.table.update_only {
                // A column the team's book data set later keeps its value.
                columns = newer_than_file(tx, name, event, columns)?;
                if columns.is_empty() {
                    record_version(tx, event)?;
                    return Ok(Outcome::Superseded);
                }
            }
            let raw: Vec<Json> = columns.iter().map(|c| body[*c].clone()).collect();
            let Some(mut values) = resolve_all(tx, shapes, shape, &columns, &raw)? else {
                return Ok(Outcome::Parked);
            };
            for (_, column, sources) in DERIVED.iter().filter(|d| d.0 == shape.table.name) {
                let found: Option<Vec<&Value>> = sources
                    .iter()
                    .map(|source| columns.iter().position(|c| c == source).map(|at| &values[at]))
                    .collect();
                if let Some(found) = found {
                    let value = derive(column, &found);
                    columns.push(column);
                    values.push(value);
                }
            }
            if let Some(account) = body.get("account_id").and_then(Json::as_str) {
                touched.insert(account.to_string());
            }
            upsert(tx, shape, &matching, &key, &columns, values)
        }
    };
    match written {
        Ok(0) if event.op == Op::Upsert => return Ok(Outcome::Parked),
        Ok(_) => {}
        Err(error) if error.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
            return Ok(Outcome::Parked);
        }
        Err(error) => return Err(error.into()),
    }
    if name == "accounts"
        && let Some(Json::String(id)) = key_values.first()
    {
        touched.insert(id.clone());
    }
    if let Some(Json::String(account)) =
        shape.table.key.iter().position(|k| *k == "account_id").and_then(|at| key_values.get(at))
    {
        touched.insert(account.clone());
    }
    record_version(tx, event)?;
    Ok(Outcome::Applied)
}

fn record_version(tx: &Connection, event: &Event) -> StoreResult<()> {
    tx.execute(
        "INSERT OR REPLACE INTO team_versions (tbl, row_key, hlc, event_id) VALUES (?1, ?2, ?3, ?4)",
        params![event.table, event.row_key, event.hlc, event.event_id],
    )?;
    Ok(())
}

/// Of `columns`, the ones no file of the team's book data set after
/// `event` (see `landing.rs`: such a file's version is kept per column).
fn newer_than_file<'c>(
    tx: &Connection,
    table: &str,
    event: &Event,
    columns: Vec<&'c str>,
) -> StoreResult<Vec<&'c str>> {
    let mut statement = tx.prepare_cached(
        "SELECT hlc, event_id FROM team_versions WHERE tbl = ?1 AND row_key = ?2",
    )?;
    let mut kept = Vec::with_capacity(columns.len());
    for column in columns {
        let held: Option<(i64, String)> = statement
            .query_row(params![format!("{table}.{column}"), event.row_key], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let newer = held.is_none_or(|(hlc, id)| {
            precedence((hlc, &id), (event.hlc, &event.event_id)) == Ordering::Less
        });
        if newer {
            kept.push(column);
        }
    }
    Ok(kept)
}

/// Updates the row with `key`, or inserts it (never for a table whose rows
/// come with the book); the number of rows written.
fn upsert(
    tx: &Connection,
    shape: &Shape,
    matching: &[String],
    key: &[Value],
    columns: &[&str],
    values: Vec<Value>,
) -> rusqlite::Result<usize> {
    let name = shape.table.name;
    let sets: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(at, c)| format!("\"{c}\" = ?{}", key.len() + at + 1))
        .collect();
    let mut all: Vec<Value> = key.to_vec();
    all.extend(values.iter().cloned());
    let updated = if sets.is_empty() {
        0
    } else {
        tx.prepare_cached(&format!(
            "UPDATE \"{name}\" SET {} WHERE {}",
            sets.join(", "),
            matching.join(" AND ")
        ))?
        .execute(params_from_iter(all.iter()))?
    };
    if updated > 0 || shape.table.update_only {
        return Ok(updated);
    }
    let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    let marks: Vec<String> = (1..=columns.len()).map(|at| format!("?{at}")).collect();
    tx.prepare_cached(&format!(
        "INSERT INTO \"{name}\" ({}) VALUES ({})",
        quoted.join(", "),
        marks.join(", ")
    ))?
    .execute(params_from_iter(values.iter()))
}

/// The local values of `columns` from their travelling values (`None` when
/// a pointer names a row this book does not hold).
fn resolve_all(
    tx: &Connection,
    shapes: &Shapes,
    shape: &Shape,
    columns: &[&str],
    values: &[Json],
) -> StoreResult<Option<Vec<Value>>> {
    if columns.len() != values.len() {
        return Ok(None);
    }
    let mut resolved = Vec::with_capacity(values.len());
    for (column, value) in columns.iter().zip(values) {
        let parent = shape.refs.get(*column).and_then(|p| shapes.get(p));
        match (parent, value) {
            (Some(_), Json::Null) => resolved.push(Value::Null),
            (Some(parent), Json::Array(parent_key)) => {
                let Some(parent_values) =
                    resolve_all(tx, shapes, parent, &parent.table.key, parent_key)?
                else {
                    return Ok(None);
                };
                let matching: Vec<String> = parent
                    .table
                    .key
                    .iter()
                    .enumerate()
                    .map(|(at, k)| format!("\"{k}\" IS ?{}", at + 1))
                    .collect();
                let id = parent.local_id.as_deref().unwrap_or("rowid");
                let found: Option<i64> = tx
                    .prepare_cached(&format!(
                        "SELECT \"{id}\" FROM \"{}\" WHERE {}",
                        parent.table.name,
                        matching.join(" AND ")
                    ))?
                    .query_row(params_from_iter(parent_values.iter()), |r| r.get(0))
                    .optional()?;
                let Some(found) = found else { return Ok(None) };
                resolved.push(Value::Integer(found));
            }
            (Some(_), _) => return Ok(None),
            (None, value) => resolved.push(plain(value)),
        }
    }
    Ok(Some(resolved))
}

fn plain(value: &Json) -> Value {
    match value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Integer(i64::from(*b)),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => n.as_f64().map_or(Value::Null, Value::Real),
        },
        Json::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

/// The current health and stage of the accounts whose history moved, from
/// the merged history: the latest change by time, ties broken by the
/// change's version (a change that is no event, the team's book data,
/// first; between two of those, the order they landed in, the same on
/// every member); since when the last run of that value; and their last
/// touch.
pub(super) fn refresh_accounts(
    tx: &Connection,
    shapes: &Shapes,
    touched: &BTreeSet<String>,
) -> StoreResult<()> {
    if touched.is_empty() {
        return Ok(());
    }
    let ordered = |table: &str, column: &str| -> Option<String> {
        let shape = shapes.get(table)?;
        Some(format!(
            "SELECT h.\"{column}\", h.at FROM \"{table}\" h
             LEFT JOIN team_versions v ON v.tbl = '{table}' AND v.row_key = {}
             WHERE h.account_id = ?1 ORDER BY h.at, v.hlc, v.event_id, h.id",
            key_expr(shapes, shape, "h")
        ))
    };
    for account in touched {
        if let Some(sql) = ordered("health_changes", "health") {
            let history = read_history(tx, &sql, account)?;
            if let Some((health, _)) = history.last() {
                // `health_since` is when the last run of this colour began.
                let since = history
                    .iter()
                    .rev()
                    .take_while(|(h, _)| h == health)
                    .last()
                    .map(|(_, at)| at.clone());
                tx.execute(
                    "UPDATE accounts SET health = ?2, health_since = ?3 WHERE id = ?1",
                    params![account, health, since],
                )?;
            }
        }
        if let Some(sql) = ordered("stage_changes", "stage") {
            let history = read_history(tx, &sql, account)?;
            if let Some((stage, _)) = history.last() {
                // `stage_since` is the day the last run of this stage began.
                let since = history.iter().rev().take_while(|(s, _)| s == stage).last();
                let day: String =
                    since.map(|(_, at)| at.chars().take(10).collect()).unwrap_or_default();
                tx.execute(
                    "UPDATE accounts SET stage = ?2, stage_since = ?3 WHERE id = ?1",
                    params![account, stage, day],
                )?;
            }
        }
    }
    let ids: Vec<String> = touched.iter().cloned().collect();
    crate::store::bulk::refresh_touches_of(tx, &ids)
}

fn read_history(tx: &Connection, sql: &str, account: &str) -> StoreResult<Vec<(String, String)>> {
    let mut statement = tx.prepare_cached(sql)?;
    let rows = statement.query_map([account], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
