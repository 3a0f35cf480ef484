//! The account record, described once: each column an account's CSV, JSON
//! and row carry, in export order (required ones first), with its CSV name,
//! its SQL column, the kind of value it holds and where that value lives in
//! an [`Account`]. The import reads headers and checks cells by it, the bulk
//! writer builds its inserts and updates from it, the export writes cells
//! by it, and the store reads accounts back by it. A new account column is
//! one more line in [`ACCOUNT_COLUMNS`] (plus its field on `Account`, a
//! migration that adds it to `accounts`, and wherever a pane shows it).
//!
//! No SQL is run here: only the column lists the store's queries are built from.

use crate::domain::{Account, Flags, Health, Stage};
use rusqlite::types::{ToSql, ToSqlOutput};

/// The most units (seats, licences) one row may count: a billion. With
/// amounts bounded too, units × price per unit stays within what `i128`
/// whitespace arithmetic holds, and a sum of units within `i64`.
pub const MAX_UNITS: i64 = 1_000_000_000;

/// The kind of value a column holds: how a cell is checked, stored and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The account's id: required, trimmed.
    Id,
    /// Required text, kept as written (the account's name).
    Name,
    /// Free text; a blank cell clears it.
    Text,
    /// A 4A stage word; a blank cell keeps the stored stage.
    Stage,
    /// A health word; a blank cell keeps the stored health.
    Health,
    /// An optional whole number within `min..=max`; a blank cell clears it.
    Whole { min: i64, max: i64 },
    /// Value flags (`reference;advocate`); a blank cell clears them.
    Flags,
}

/// One column's value, as an [`Account`] holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Stage(Stage),
    Health(Option<Health>),
    Whole(Option<i64>),
    Flags(Flags),
}

/// One column of the account record.
pub struct AccountColumn {
    /// The CSV header and JSON key.
    pub name: &'static str,
    /// The column of the `accounts` table.
    pub sql: &'static str,
    pub kind: Kind,
    pub get: fn(&Account) -> Value,
    /// Sets the value; one of another kind is a caller's bug and is ignored.
    pub set: fn(&mut Account, Value),
}

macro_rules! text_column {
    ($name:literal, $field:ident, $kind:expr) => {
        AccountColumn {
            name: $name,
            sql: stringify!($field),
            kind: $kind,
            get: |account| Value::Text(account.$field.clone()),
            set: |account, value| {
                if let Value::Text(text) = value {
                    account.$field = text;
                }
            },
        }
    };
}

/// The account's columns, in export order; the first [`REQUIRED`] are required.
pub const ACCOUNT_COLUMNS: [AccountColumn; 11] = [
    text_column!("account_id", id, Kind::Id),
    text_column!("name", name, Kind::Name),
    text_column!("csm", csm, Kind::Text),
    text_column!("am", am, Kind::Text),
    text_column!("segment", segment, Kind::Text),
    text_column!("industry", industry, Kind::Text),
    text_column!("region", region, Kind::Text),
    AccountColumn {
        name: "stage",
        sql: "stage",
        kind: Kind::Stage,
        get: |account| Value::Stage(account.stage),
        set: |account, value| {
            if let Value::Stage(stage) = value {
                account.stage = stage;
            }
        },
    },
    AccountColumn {
        name: "potential_units",
        sql: "potential_units",
        kind: Kind::Whole { min: 0, max: MAX_UNITS },
        get: |account| Value::Whole(account.potential_units),
        set: |account, value| {
            if let Value::Whole(units) = value {
                account.potential_units = units;
            }
        },
    },
    AccountColumn {
        name: "health",
        sql: "health",
        kind: Kind::Health,
        get: |account| Value::Health(account.health),
        set: |account, value| {
            if let Value::Health(health) = value {
                account.health = health;
            }
        },
    },
    AccountColumn {
        name: "flags",
        sql: "flags",
        kind: Kind::Flags,
        get: |account| Value::Flags(account.flags),
        set: |account, value| {
            if let Value::Flags(flags) = value {
                account.flags = flags;
            }
        },
    },
];

/// How many of [`ACCOUNT_COLUMNS`] (the first ones) a file must carry.
pub const REQUIRED: usize = 2;

/// The CSV names of [`ACCOUNT_COLUMNS`], in order.
pub const ACCOUNT_NAMES: [&str; ACCOUNT_COLUMNS.len()] = {
    let mut names = [""; ACCOUNT_COLUMNS.len()];
    let mut at = 0;
    while at < names.len() {
        names[at] = ACCOUNT_COLUMNS[at].name;
        at += 1;
    }
    names
};

/// `a.id, a.name, …` (with `prefix` `a.`), the SQL columns in record order.
pub fn account_sql_columns(prefix: &str) -> String {
    let columns: Vec<String> =
        ACCOUNT_COLUMNS.iter().map(|column| format!("{prefix}{}", column.sql)).collect();
    columns.join(", ")
}

/// An account from the columns `first..` of `row`, laid out as
/// [`account_sql_columns`] lists them.
pub(crate) fn account_from_row(
    row: &rusqlite::Row<'_>,
    first: usize,
) -> crate::store::StoreResult<Account> {
    let mut account = Account::new(String::new(), String::new());
    for (at, column) in ACCOUNT_COLUMNS.iter().enumerate() {
        let index = first + at;
        let damaged = |error: crate::domain::UnknownWord| {
            crate::store::StoreError::Invalid(format!(
                "stored value in column {index} is damaged: {error}"
            ))
        };
        let value = match column.kind {
            Kind::Id | Kind::Name | Kind::Text => Value::Text(row.get(index)?),
            Kind::Stage => {
                Value::Stage(Stage::parse(&row.get::<_, String>(index)?).map_err(damaged)?)
            }
            Kind::Health => Value::Health(
                row.get::<_, Option<String>>(index)?
                    .map(|health| Health::parse(&health))
                    .transpose()
                    .map_err(damaged)?,
            ),
            Kind::Whole { .. } => Value::Whole(row.get(index)?),
            Kind::Flags => Value::Flags(Flags::from_bits(row.get(index)?)),
        };
        (column.set)(&mut account, value);
    }
    Ok(account)
}

impl Value {
    /// The value as a CSV cell holds it: a word, digits, or blank.
    pub fn to_text(&self) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Stage(stage) => stage.as_str().to_string(),
            Value::Health(health) => health.map(Health::as_str).unwrap_or_default().to_string(),
            Value::Whole(number) => number.map(|n| n.to_string()).unwrap_or_default(),
            Value::Flags(flags) => flags.to_words(),
        }
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Text(text) => ToSqlOutput::from(text.as_str()),
            Value::Stage(stage) => ToSqlOutput::from(stage.as_str()),
            Value::Health(health) => match health {
                Some(health) => ToSqlOutput::from(health.as_str()),
                None => ToSqlOutput::from(rusqlite::types::Null),
            },
            Value::Whole(number) => match number {
                Some(number) => ToSqlOutput::from(*number),
                None => ToSqlOutput::from(rusqlite::types::Null),
            },
            Value::Flags(flags) => ToSqlOutput::from(flags.bits()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_gives_back_what_it_was_set_to() {
        let mut account = Account::new("A1", "Acme");
        account.csm = "ana".into();
        account.stage = Stage::Absorption;
        account.potential_units = Some(40);
        account.health = Some(Health::Orange);
        account.flags = Flags { advocate: true, ..Flags::default() };
        let mut copy = Account::new("", "");
        for column in &ACCOUNT_COLUMNS {
            (column.set)(&mut copy, (column.get)(&account));
        }
        assert_eq!(copy, account);
    }

    #[test]
    fn names_and_sql_columns_are_unique_and_required_ones_come_first() {
        let mut names: Vec<&str> = ACCOUNT_NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ACCOUNT_COLUMNS.len());
        let mut sql: Vec<&str> = ACCOUNT_COLUMNS.iter().map(|c| c.sql).collect();
        sql.sort_unstable();
        sql.dedup();
        assert_eq!(sql.len(), ACCOUNT_COLUMNS.len());
        assert_eq!(ACCOUNT_COLUMNS[0].kind, Kind::Id);
        assert!(
            ACCOUNT_COLUMNS[..REQUIRED].iter().all(|c| matches!(c.kind, Kind::Id | Kind::Name))
        );
        assert_eq!(
            account_sql_columns("a."),
            "a.id, a.name, a.csm, a.am, a.segment, a.industry, a.region, a.stage, a.potential_units, a.health, a.flags"
        );
    }
}
