//! Writing values an import computed (an account's ARR at the latest month,
//! its last touch) into the accounts' rows in one ordered pass over the
//! table, rather than one keyed update per account. Nothing here decides
//! what the values are: the callers computed them.

use crate::store::StoreResult;
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::{Value, ValueRef};
use std::cell::Cell;

/// The SQL function that hands the pass its values; it exists only while
/// the pass runs, on this connection.
const FUNCTION: &str = "cockpit_import_value";

/// Sets `columns` of every account: the values given for it in `rows`
/// (account id, then one value per column), `absent` for an account not
/// listed. An account whose columns already hold those values is not
/// rewritten. Returns how many accounts were rewritten.
///
/// One pass over the table in key order costs about half of 100,000 keyed
/// updates: each of those descends the table from its root, while the pass
/// reads every page once, in order.
pub(in crate::store) fn set_account_columns(
    conn: &Connection,
    columns: &[&str],
    absent: Vec<Value>,
    mut rows: Vec<(String, Vec<Value>)>,
) -> StoreResult<usize> {
    if columns.is_empty() {
        return Ok(0);
    }
    // Ids compare as SQLite's default collation does: byte by byte.
    if !rows.is_sorted_by(|a, b| a.0 <= b.0) {
        rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    }
    // The pass reads the accounts in key order, so the next lookup is
    // usually the row after the last one found.
    let last = Cell::new(0usize);
    let value = move |id: &[u8], column: usize| -> Value {
        let hint = last.get();
        let at = [hint, hint + 1]
            .into_iter()
            .find(|&at| rows.get(at).is_some_and(|row| row.0.as_bytes() == id))
            .or_else(|| rows.binary_search_by(|row| row.0.as_bytes().cmp(id)).ok());
        let found = at.and_then(|at| {
            last.set(at);
            rows[at].1.get(column)
        });
        found.or_else(|| absent.get(column)).cloned().unwrap_or(Value::Null)
    };
    conn.create_scalar_function(
        FUNCTION,
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DIRECTONLY,
        move |context| {
            let column = usize::try_from(context.get::<i64>(1)?).unwrap_or(usize::MAX);
            Ok(match context.get_raw(0) {
                ValueRef::Text(id) => value(id, column),
                _ => Value::Null,
            })
        },
    )?;
    let sql = pass_sql(columns);
    let written = conn.execute(&sql, []);
    let removed = conn.remove_function(FUNCTION, 2);
    let written = written?;
    removed?;
    Ok(written)
}

/// `UPDATE accounts SET c = f(id, 0), … WHERE c IS NOT f(id, 0) OR …`.
fn pass_sql(columns: &[&str]) -> String {
    let value = |at: usize| format!("{FUNCTION}(id, {at})");
    let set: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(at, column)| format!("{column} = {}", value(at)))
        .collect();
    let moved: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(at, column)| format!("{column} IS NOT {}", value(at)))
        .collect();
    format!("UPDATE accounts SET {} WHERE {}", set.join(", "), moved.join(" OR "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> Connection {
        let conn = Connection::open_in_memory().expect("conn");
        conn.execute_batch(
            "CREATE TABLE accounts (id TEXT PRIMARY KEY, a INTEGER NOT NULL DEFAULT 0, b TEXT)
               WITHOUT ROWID;
             INSERT INTO accounts (id, a, b) VALUES
               ('A', 0, NULL), ('B', 5, 'x'), ('C', 7, 'old'), ('D', 0, NULL), ('É', 1, NULL);",
        )
        .expect("book");
        conn
    }

    fn all(conn: &Connection) -> Vec<(String, i64, Option<String>)> {
        let mut statement = conn.prepare("SELECT id, a, b FROM accounts ORDER BY id").expect("q");
        statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows")
    }

    #[test]
    fn listed_accounts_get_their_values_and_the_rest_the_absent_ones() {
        let conn = book();
        // Out of order on purpose; B already holds its values.
        let rows = vec![
            ("É".to_string(), vec![Value::Integer(2), Value::Text("new".into())]),
            ("C".to_string(), vec![Value::Integer(9), Value::Null]),
            ("B".to_string(), vec![Value::Integer(5), Value::Text("x".into())]),
        ];
        let written =
            set_account_columns(&conn, &["a", "b"], vec![Value::Integer(0), Value::Null], rows)
                .expect("pass");
        // C and É move; A and D already hold the absent values; B is unchanged.
        assert_eq!(written, 2);
        assert_eq!(
            all(&conn),
            vec![
                ("A".into(), 0, None),
                ("B".into(), 5, Some("x".into())),
                ("C".into(), 9, None),
                ("D".into(), 0, None),
                ("É".into(), 2, Some("new".into())),
            ]
        );
        // The function is gone once the pass is done.
        assert!(conn.query_row(&format!("SELECT {FUNCTION}('A', 0)"), [], |_| Ok(())).is_err());
    }

    #[test]
    fn an_empty_list_sets_every_account_to_the_absent_values() {
        let conn = book();
        let written =
            set_account_columns(&conn, &["b"], vec![Value::Null], Vec::new()).expect("pass");
        assert_eq!(written, 2);
        assert!(all(&conn).iter().all(|(_, _, b)| b.is_none()));
    }
}
