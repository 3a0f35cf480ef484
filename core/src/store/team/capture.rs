//! The capture of authored writes: SQLite triggers over every shared table
//! that write each change as an event into the outbox, in the same
//! transaction as the change, with the member's name, the hybrid clock and
//! a random event id. They run only while `team_state.capture` is `'1'`:
//! off in a book that never joined a team, and switched off inside the
//! transaction that applies pulled events (so those are not sent back).
//! The triggers are generated from the schema and the shared tables' list
//! and created as TEMP triggers on each connection that opens a joined book
//! (`Store::open_with`): they live with the connection, not in the file, so
//! the file holds no trigger the cockpit's opening checks would not know,
//! and a newer cockpit always captures with its own list.

use super::shape::{Shape, Shapes, body_expr, key_expr, key_resolves, read_shapes};
use crate::store::StoreResult;
use rusqlite::{Connection, params};
use std::collections::BTreeMap;

const PREFIX: &str = "team_capture_";

const CAPTURING: &str = "(SELECT value FROM team_state WHERE key = 'capture') = '1'";

/// The statements that record one event when `cond` holds.
fn emit(table: &str, op: &str, key: &str, body: &str, cond: &str) -> String {
    format!(
        "UPDATE team_state SET value = CAST(max(CAST(value AS INTEGER) + 1,
             CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)) AS TEXT)
           WHERE key = 'clock' AND ({cond});
         INSERT INTO team_outbox (event_id, tbl, row_key, op, body, member, hlc)
           SELECT lower(hex(randomblob(16))), '{table}', {key}, '{op}', {body},
                  (SELECT value FROM team_state WHERE key = 'member'),
                  (SELECT CAST(value AS INTEGER) FROM team_state WHERE key = 'clock')
           WHERE {cond};
         INSERT OR REPLACE INTO team_versions (tbl, row_key, hlc, event_id)
           SELECT tbl, row_key, hlc, event_id FROM team_outbox
           WHERE seq = (SELECT max(seq) FROM team_outbox) AND ({cond});"
    )
}

fn changed(shape: &Shape) -> String {
    let parts: Vec<String> =
        shape.columns.iter().map(|c| format!("OLD.\"{c}\" IS NOT NEW.\"{c}\"")).collect();
    format!("({})", parts.join(" OR "))
}

/// The capture triggers every shared table should have, by name.
pub(crate) fn expected_triggers(shapes: &Shapes) -> BTreeMap<String, String> {
    let mut triggers = BTreeMap::new();
    for shape in shapes.values() {
        let name = shape.table.name;
        let upsert_new = emit(
            name,
            "upsert",
            &key_expr(shapes, shape, "NEW"),
            &body_expr(shapes, shape, "NEW"),
            "1",
        );
        if shape.table.update_only {
            let columns: Vec<String> = shape.columns.iter().map(|c| format!("\"{c}\"")).collect();
            triggers.insert(
                format!("{PREFIX}{name}_update"),
                format!(
                    "CREATE TEMP TRIGGER {PREFIX}{name}_update AFTER UPDATE OF {} ON main.\"{name}\"
                     WHEN {CAPTURING} AND {} BEGIN {upsert_new} END",
                    columns.join(", "),
                    changed(shape)
                ),
            );
            continue;
        }
        triggers.insert(
            format!("{PREFIX}{name}_insert"),
            format!(
                "CREATE TEMP TRIGGER {PREFIX}{name}_insert AFTER INSERT ON main.\"{name}\"
                 WHEN {CAPTURING} BEGIN {upsert_new} END"
            ),
        );
        let old_key = key_expr(shapes, shape, "OLD");
        let new_key = key_expr(shapes, shape, "NEW");
        let delete_old = |cond: &str| emit(name, "delete", &old_key, "NULL", cond);
        let moved =
            format!("({old_key}) IS NOT ({new_key}) AND {}", key_resolves(shapes, shape, "OLD"));
        triggers.insert(
            format!("{PREFIX}{name}_update"),
            format!(
                "CREATE TEMP TRIGGER {PREFIX}{name}_update AFTER UPDATE ON main.\"{name}\"
                 WHEN {CAPTURING} AND {} BEGIN {} {upsert_new} END",
                changed(shape),
                delete_old(&moved)
            ),
        );
        triggers.insert(
            format!("{PREFIX}{name}_delete"),
            format!(
                "CREATE TEMP TRIGGER {PREFIX}{name}_delete AFTER DELETE ON main.\"{name}\"
                 WHEN {CAPTURING} BEGIN {} END",
                delete_old(&key_resolves(shapes, shape, "OLD"))
            ),
        );
    }
    triggers
}

/// Brings the capture triggers in line with the schema and the shared
/// tables' list: missing ones are created, changed ones replaced, ones of
/// tables no longer shared dropped. Returns the shapes it read.
pub(crate) fn install(conn: &Connection) -> StoreResult<Shapes> {
    let shapes = read_shapes(conn)?;
    let expected = expected_triggers(&shapes);
    let mut statement = conn.prepare(
        "SELECT name, sql FROM sqlite_temp_master WHERE type = 'trigger' AND name LIKE 'team\\_capture\\_%' ESCAPE '\\'",
    )?;
    let present = statement
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<Result<BTreeMap<_, _>, _>>()?;
    for (name, sql) in &present {
        if expected.get(name) != Some(sql) {
            conn.execute_batch(&format!("DROP TRIGGER temp.\"{name}\""))?;
        }
    }
    for (name, sql) in &expected {
        if present.get(name) != Some(sql) {
            conn.execute_batch(sql)?;
        }
    }
    Ok(shapes)
}

/// Drops every capture trigger (leaving a team).
pub(crate) fn uninstall(conn: &Connection) -> StoreResult<()> {
    let mut statement = conn.prepare(
        "SELECT name FROM sqlite_temp_master WHERE type = 'trigger' AND name LIKE 'team\\_capture\\_%' ESCAPE '\\'",
    )?;
    let names =
        statement.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
    for name in names {
        conn.execute_batch(&format!("DROP TRIGGER temp.\"{name}\""))?;
    }
    Ok(())
}

/// Records every row the book already holds in the shared tables as an
/// event of `member` at clock `hlc` (a CSM who worked alone brings their
/// history to the team). Tables whose rows come with the book (accounts)
/// are not recorded: only their later edits are.
pub(crate) fn backfill(
    conn: &Connection,
    shapes: &Shapes,
    member: &str,
    hlc: i64,
) -> StoreResult<()> {
    // Parents go before the rows that point at them: the list's order.
    for table in super::tables::shared_tables().iter().filter(|t| !t.update_only) {
        let Some(shape) = shapes.get(table.name) else { continue };
        let name = table.name;
        conn.execute(
            &format!(
                "INSERT INTO team_outbox (event_id, tbl, row_key, op, body, member, hlc)
                 SELECT lower(hex(randomblob(16))), '{name}', {}, 'upsert', {}, ?1, ?2
                 FROM \"{name}\" r WHERE {}",
                key_expr(shapes, shape, "r"),
                body_expr(shapes, shape, "r"),
                key_resolves(shapes, shape, "r"),
            ),
            params![member, hlc],
        )?;
    }
    conn.execute(
        "INSERT OR REPLACE INTO team_versions (tbl, row_key, hlc, event_id)
         SELECT tbl, row_key, hlc, event_id FROM team_outbox WHERE hlc = ?1",
        params![hlc],
    )?;
    Ok(())
}
