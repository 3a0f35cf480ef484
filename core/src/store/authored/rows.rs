//! The generic reads and writes the authored tables' list drives: every
//! row of a table in key order ([`Store::each_authored_row`]) and the
//! checked insert of one row inside an import ([`BulkImport::insert_authored`]),
//! with the stored value one cell holds ([`Field`]). The list itself, and
//! what each column holds, is `authored.rs`.

use super::{AUTHORED_TABLES, AuthoredTable, ColumnKind, Travel};
use crate::store::bulk::BulkImport;
use crate::store::{Store, StoreError, StoreResult};
use rusqlite::OptionalExtension;
use rusqlite::types::Value;

/// One stored value, as an authored table's row holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Null,
    Integer(i64),
    Text(String),
}

impl Field {
    fn from_value(value: Value) -> Field {
        match value {
            Value::Null => Field::Null,
            Value::Integer(number) => Field::Integer(number),
            Value::Text(text) => Field::Text(text),
            // No authored column holds reals or blobs; shown as text if a
            // hand-edited book has one.
            Value::Real(number) => Field::Text(number.to_string()),
            Value::Blob(bytes) => Field::Text(String::from_utf8_lossy(&bytes).into_owned()),
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Field::Null => Value::Null,
            Field::Integer(number) => Value::Integer(*number),
            Field::Text(text) => Value::Text(text.clone()),
        }
    }
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

pub(super) fn select_sql(table: &AuthoredTable) -> String {
    let columns: Vec<String> = table.columns.iter().map(|c| quoted(c.name)).collect();
    let key: Vec<String> = table.key.iter().map(|c| quoted(c)).collect();
    let mut sql = format!(
        "SELECT {} FROM {} ORDER BY {}",
        columns.join(", "),
        quoted(table.table),
        key.join(", ")
    );
    if table.table == "notes" {
        // The notes' ids are given in insertion order; exported in that
        // order, an import into an empty book gives each note its id again.
        sql = format!("SELECT {} FROM notes ORDER BY id", columns.join(", "));
    }
    sql
}

fn write_sql(table: &AuthoredTable) -> String {
    match table.travel {
        Travel::Update => {
            let set: Vec<String> = table
                .columns
                .iter()
                .filter(|c| !table.key.contains(&c.name))
                .map(|c| quoted(c.name))
                .enumerate()
                .map(|(at, name)| format!("{name} = ?{}", at + 1 + table.key.len()))
                .collect();
            let key: Vec<String> = table
                .key
                .iter()
                .enumerate()
                .map(|(at, name)| format!("{} = ?{}", quoted(name), at + 1))
                .collect();
            format!(
                "UPDATE {} SET {} WHERE {}",
                quoted(table.table),
                set.join(", "),
                key.join(" AND ")
            )
        }
        Travel::Rows | Travel::BookFile => {
            let columns: Vec<String> = table.columns.iter().map(|c| quoted(c.name)).collect();
            let places: Vec<String> = (1..=columns.len()).map(|at| format!("?{at}")).collect();
            format!(
                "INSERT INTO {} ({}) VALUES ({})",
                quoted(table.table),
                columns.join(", "),
                places.join(", ")
            )
        }
    }
}

impl Store {
    /// Every row of an authored table in key order, its fields in
    /// [`AuthoredTable::columns`] order.
    pub fn each_authored_row(
        &self,
        table: &AuthoredTable,
        mut each: impl FnMut(Vec<Field>) -> StoreResult<()>,
    ) -> StoreResult<()> {
        let mut statement = self.conn.prepare(&select_sql(table))?;
        let mut rows = statement.query([])?;
        let width = table.columns.len();
        while let Some(row) = rows.next()? {
            let mut fields = Vec::with_capacity(width);
            for at in 0..width {
                fields.push(Field::from_value(row.get::<_, Value>(at)?));
            }
            each(fields)?;
        }
        Ok(())
    }

    /// Whether the book holds nothing at all: no account, and no row in any
    /// authored table (a book `import all` may fill).
    pub fn is_empty_book(&self) -> StoreResult<bool> {
        let mut tables: Vec<&str> = vec!["accounts", "snapshots", "contracts"];
        tables.extend(AUTHORED_TABLES.iter().map(|table| table.table));
        for table in tables {
            let any: bool = self.conn.query_row(
                &format!("SELECT EXISTS (SELECT 1 FROM {})", quoted(table)),
                [],
                |row| row.get(0),
            )?;
            if any {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Why one authored row was not written: the column at fault when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowRefused {
    pub column: Option<&'static str>,
    pub message: String,
}

impl BulkImport<'_> {
    /// Writes one row of an authored table (fields in the table's column
    /// order, already checked for their kind) inside this import: inserted
    /// with its id, or, for [`Travel::Update`], applied to the existing row.
    /// Rows referred to must exist; the table's own constraints (unique
    /// keys, checks) hold. A refused row is said with its column when known,
    /// and the import is then rolled back by its caller.
    pub fn insert_authored(
        &mut self,
        table: &AuthoredTable,
        fields: &[Field],
    ) -> StoreResult<Result<(), RowRefused>> {
        for (column, field) in table.columns.iter().zip(fields) {
            if let (ColumnKind::Refers(parent), Field::Integer(_) | Field::Text(_)) =
                (column.kind, field)
            {
                let found = self
                    .conn
                    .prepare_cached(&format!("SELECT 1 FROM {} WHERE id = ?1", quoted(parent)))?
                    .query_row([field.to_value()], |_| Ok(()))
                    .optional()?;
                if found.is_none() {
                    return Ok(Err(RowRefused {
                        column: Some(column.name),
                        message: format!("there is no {} {}", singular(parent), shown(field)),
                    }));
                }
            }
        }
        let values: Vec<Value> = match table.travel {
            Travel::Update => {
                let keys =
                    table.columns.iter().zip(fields).filter(|(c, _)| table.key.contains(&c.name));
                let rest =
                    table.columns.iter().zip(fields).filter(|(c, _)| !table.key.contains(&c.name));
                keys.chain(rest).map(|(_, field)| field.to_value()).collect()
            }
            Travel::Rows | Travel::BookFile => fields.iter().map(Field::to_value).collect(),
        };
        // The import runs with checks off for its own typed rows; these rows
        // come from a file, so the table's checks apply (the statement is
        // prepared while they are on, and not kept).
        self.conn.pragma_update(None, "ignore_check_constraints", "OFF")?;
        let written = self
            .conn
            .prepare(&write_sql(table))
            .and_then(|mut statement| statement.execute(rusqlite::params_from_iter(values)));
        self.conn.pragma_update(None, "ignore_check_constraints", "ON")?;
        match written {
            Ok(0) => Ok(Err(RowRefused {
                column: table.key.first().copied(),
                message: format!("there is no such row in {}", table.table),
            })),
            Ok(_) => Ok(Ok(())),
            Err(error) => match error.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => {
                    Ok(Err(RowRefused { column: None, message: constraint_words(&error, table) }))
                }
                _ => Err(StoreError::from(error)),
            },
        }
    }
}

fn singular(table: &str) -> &str {
    match table {
        "accounts" => "account",
        "churn_chains" => "churn chain",
        "churn_reasons" => "churn reason",
        other => other,
    }
}

fn shown(field: &Field) -> String {
    match field {
        Field::Null => "(empty)".to_string(),
        Field::Integer(number) => number.to_string(),
        Field::Text(text) => format!("{text:?}"),
    }
}

/// A constraint's failure in words: which key repeats, which check fails.
fn constraint_words(error: &rusqlite::Error, table: &AuthoredTable) -> String {
    let detail = match error {
        rusqlite::Error::SqliteFailure(_, Some(message)) => message.clone(),
        other => other.to_string(),
    };
    if detail.contains("UNIQUE") || detail.contains("PRIMARY KEY") {
        format!("repeats a row already given ({}: {detail})", table.key.join(", "))
    } else {
        format!("the row breaks a rule of {} ({detail})", table.table)
    }
}
