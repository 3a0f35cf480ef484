//! Writing values an import computed (an account's ARR at the latest month,
//! its last touch) into the accounts' rows in one ordered pass over the
//! table, rather than one keyed update per account. Nothing here decides
//! what the values are: the callers computed them.

use super::format::iso_date;
use crate::store::StoreResult;
use chrono::NaiveDate;
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use rusqlite::types::{Value, ValueRef};
use std::cell::Cell;

/// The SQL function that hands the pass its values; it exists only while
/// the pass runs, on this connection.
const FUNCTION: &str = "cockpit_import_value";

/// One value for an account's column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    Null,
    Integer(i64),
    /// Stored as `YYYY-MM-DD`.
    Date(NaiveDate),
}

impl Fact {
    fn value(self) -> Value {
        match self {
            Fact::Null => Value::Null,
            Fact::Integer(n) => Value::Integer(n),
            Fact::Date(day) => Value::Text(iso_date(day)),
        }
    }
}

/// The values of some accounts' columns, kept in a few flat lists rather
/// than a few small allocations per account: freed all at once, they would
/// cost the allocator more than the pass itself.
pub struct AccountFacts {
    /// Every id, one after the other; `ends[i]` is where id `i` ends.
    ids: String,
    ends: Vec<usize>,
    /// `width` values per account, in the order of the ids.
    values: Vec<Fact>,
    width: usize,
    absent: Vec<Fact>,
}

impl AccountFacts {
    /// `absent` are the values of an account not listed; its length is the
    /// number of columns.
    pub fn new(absent: Vec<Fact>, accounts: usize) -> AccountFacts {
        AccountFacts {
            ids: String::with_capacity(accounts * 8),
            ends: Vec::with_capacity(accounts),
            values: Vec::with_capacity(accounts * absent.len()),
            width: absent.len(),
            absent,
        }
    }

    /// Lists an account's values, one per column; best in key order.
    pub fn push(&mut self, id: &str, values: &[Fact]) {
        self.ids.push_str(id);
        self.ends.push(self.ids.len());
        self.values.extend((0..self.width).map(|at| values.get(at).copied().unwrap_or(Fact::Null)));
    }

    fn id(&self, at: usize) -> Option<&[u8]> {
        let end = *self.ends.get(at)?;
        let start = at.checked_sub(1).map_or(0, |before| self.ends[before]);
        self.ids.as_bytes().get(start..end)
    }

    fn is_sorted(&self) -> bool {
        (1..self.ends.len()).all(|at| self.id(at - 1) <= self.id(at))
    }

    /// The same facts with the accounts in key order.
    fn sorted(self) -> AccountFacts {
        if self.is_sorted() {
            return self;
        }
        let mut order: Vec<usize> = (0..self.ends.len()).collect();
        order.sort_by(|&a, &b| self.id(a).cmp(&self.id(b)));
        let mut sorted = AccountFacts::new(self.absent.clone(), order.len());
        for at in order {
            let id = self.id(at).and_then(|id| std::str::from_utf8(id).ok()).unwrap_or_default();
            sorted.push(id, &self.values[at * self.width..(at + 1) * self.width]);
        }
        sorted
    }

    /// The position of `id`, trying `hint` and the one after it first.
    fn find(&self, id: &[u8], hint: usize) -> Option<usize> {
        if self.id(hint) == Some(id) {
            return Some(hint);
        }
        if self.id(hint + 1) == Some(id) {
            return Some(hint + 1);
        }
        let (mut low, mut high) = (0, self.ends.len());
        while low < high {
            let middle = (low + high) / 2;
            match self.id(middle)?.cmp(id) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(middle),
            }
        }
        None
    }
}

/// Sets the given columns of every account: the values listed for it in
/// `facts`, the absent ones for an account not listed. An account whose
/// columns already hold those values is not rewritten. Returns how many
/// accounts were rewritten. Accounts are best listed in key order (ids
/// compare byte by byte, as SQLite's default collation does); others are
/// sorted first.
///
/// One pass over the table in key order costs about half of 100,000 keyed
/// updates: each of those descends the table from its root, while the pass
/// reads every page once, in order.
pub(in crate::store) fn set_account_columns(
    conn: &Connection,
    columns: &[&str],
    facts: AccountFacts,
) -> StoreResult<usize> {
    if columns.is_empty() || columns.len() != facts.width {
        return Err(crate::store::StoreError::Invalid(format!(
            "{} columns for {} values per account",
            columns.len(),
            facts.width
        )));
    }
    let facts = facts.sorted();
    // The pass reads the accounts in key order, so the next lookup is
    // usually the row after the last one found.
    let last = Cell::new(0usize);
    let value = move |id: &[u8], column: usize| -> Value {
        let at = facts.find(id, last.get());
        let fact = match at {
            Some(at) => {
                last.set(at);
                facts.values.get(at * facts.width + column)
            }
            None => facts.absent.get(column),
        };
        fact.copied().unwrap_or(Fact::Null).value()
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
        let day = NaiveDate::from_ymd_opt(2025, 3, 9).expect("day");
        let mut facts = AccountFacts::new(vec![Fact::Integer(0), Fact::Null], 3);
        // B already holds its values.
        facts.push("B", &[Fact::Integer(5), Fact::Null]);
        facts.push("C", &[Fact::Integer(9), Fact::Null]);
        facts.push("É", &[Fact::Integer(2), Fact::Date(day)]);
        let written = set_account_columns(&conn, &["a", "b"], facts).expect("pass");
        // B loses its text, C and É move; A and D already hold the absent values.
        assert_eq!(written, 3);
        assert_eq!(
            all(&conn),
            vec![
                ("A".into(), 0, None),
                ("B".into(), 5, None),
                ("C".into(), 9, None),
                ("D".into(), 0, None),
                ("É".into(), 2, Some("2025-03-09".into())),
            ]
        );
        // The function is gone once the pass is done.
        assert!(conn.query_row(&format!("SELECT {FUNCTION}('A', 0)"), [], |_| Ok(())).is_err());
    }

    #[test]
    fn an_empty_list_sets_every_account_to_the_absent_values() {
        let conn = book();
        let facts = AccountFacts::new(vec![Fact::Null], 0);
        assert_eq!(set_account_columns(&conn, &["b"], facts).expect("pass"), 2);
        assert!(all(&conn).iter().all(|(_, _, b)| b.is_none()));
    }

    #[test]
    fn accounts_out_of_key_order_are_found_too() {
        let conn = book();
        let mut facts = AccountFacts::new(vec![Fact::Integer(0)], 3);
        for (id, a) in [("É", 4), ("C", 3), ("A", 1)] {
            facts.push(id, &[Fact::Integer(a)]);
        }
        assert_eq!(set_account_columns(&conn, &["a"], facts).expect("pass"), 4);
        let a: Vec<i64> = all(&conn).into_iter().map(|(_, a, _)| a).collect();
        assert_eq!(a, vec![1, 0, 3, 0, 4]);
        let mut found = AccountFacts::new(vec![Fact::Null], 3);
        for id in ["A", "B", "D"] {
            found.push(id, &[Fact::Null]);
        }
        assert_eq!(found.find(b"D", 0), Some(2));
        assert_eq!(found.find(b"B", 0), Some(1));
        assert_eq!(found.find(b"C", 0), None);
        assert_eq!(found.find(b"A", 7), Some(0));
    }
}
