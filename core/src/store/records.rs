//! The account record, described once: each column an account's CSV, JSON
//! and row carry, in export order (required ones first), with its CSV name,
//! its SQL column, the kind of value it holds and where that value lives in
//! an [`Account`]. The import reads headers and checks cells by it, the bulk
//! writer builds its inserts and updates from it, the export writes cells
//! by it, and the store reads accounts back by it. A column marked `book`
//! is read with every book row too ([`IN_BOOK`]) and shown by the Book pane
//! under its title. A new account column is one more line in
//! [`ACCOUNT_COLUMNS`], plus its field on `Account` and a migration file that
//! adds it to `accounts`.
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

/// How the Book shows a column: its header and the cells it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InBook {
    pub title: &'static str,
    pub width: u16,
}

/// One column of the account record.
pub struct AccountColumn {
    /// The CSV header and JSON key.
    pub name: &'static str,
    /// The column of the `accounts` table.
    pub sql: &'static str,
    pub kind: Kind,
    /// Whether the book rows carry it and the Book shows it, and how.
    pub book: Option<InBook>,
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
            book: None,
            get: |account| Value::Text(account.$field.clone()),
            set: |account, value| {
                if let Value::Text(text) = value {
                    account.$field = text;
                }
            },
        }
    };
}

/// An optional whole number within `$min..=$max` (`book`: shown in the Book).
macro_rules! whole_column {
    ($name:literal, $field:ident, $min:expr, $max:expr, $book:expr) => {
        AccountColumn {
            name: $name,
            sql: stringify!($field),
            kind: Kind::Whole { min: $min, max: $max },
            book: $book,
            get: |account| Value::Whole(account.$field),
            set: |account, value| {
                if let Value::Whole(number) = value {
                    account.$field = number;
                }
            },
        }
    };
}

/// The account's columns, in export order; the first [`REQUIRED`] are required.
pub const ACCOUNT_COLUMNS: [AccountColumn; 12] = [
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
        book: None,
        kind: Kind::Stage,
        get: |account| Value::Stage(account.stage),
        set: |account, value| {
            if let Value::Stage(stage) = value {
                account.stage = stage;
            }
        },
    },
    whole_column!("potential_units", potential_units, 0, MAX_UNITS, None),
    AccountColumn {
        name: "health",
        sql: "health",
        book: None,
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
        book: None,
        kind: Kind::Flags,
        get: |account| Value::Flags(account.flags),
        set: |account, value| {
            if let Value::Flags(flags) = value {
                account.flags = flags;
            }
        },
    },
    whole_column!("nps", nps, -100, 100, Some(InBook { title: "NPS", width: 4 })),
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

/// How many of [`ACCOUNT_COLUMNS`] the Book shows.
pub const IN_BOOK_LEN: usize = {
    let mut count = 0;
    let mut at = 0;
    while at < ACCOUNT_COLUMNS.len() {
        if ACCOUNT_COLUMNS[at].book.is_some() {
            count += 1;
        }
        at += 1;
    }
    count
};

/// The columns the book rows carry and the Book shows, in record order,
/// as indexes into [`ACCOUNT_COLUMNS`].
pub const IN_BOOK: [usize; IN_BOOK_LEN] = {
    let mut shown = [0; IN_BOOK_LEN];
    let (mut at, mut next) = (0, 0);
    while at < ACCOUNT_COLUMNS.len() {
        if ACCOUNT_COLUMNS[at].book.is_some() {
            shown[next] = at;
            next += 1;
        }
        at += 1;
    }
    shown
};

/// The `n`th column the Book shows, and how it shows it.
pub fn in_book(n: usize) -> Option<(&'static AccountColumn, InBook)> {
    let column = ACCOUNT_COLUMNS.get(*IN_BOOK.get(n)?)?;
    Some((column, column.book?))
}

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
        (column.set)(&mut account, value_from_row(column.kind, row, first + at)?);
    }
    Ok(account)
}

/// The value of a column of kind `kind` at `index` of `row`.
pub(crate) fn value_from_row(
    kind: Kind,
    row: &rusqlite::Row<'_>,
    index: usize,
) -> crate::store::StoreResult<Value> {
    let damaged = |error: crate::domain::UnknownWord| {
        crate::store::StoreError::Invalid(format!(
            "stored value in column {index} is damaged: {error}"
        ))
    };
    Ok(match kind {
        Kind::Id | Kind::Name | Kind::Text => Value::Text(row.get(index)?),
        Kind::Stage => Value::Stage(Stage::parse(&row.get::<_, String>(index)?).map_err(damaged)?),
        Kind::Health => Value::Health(
            row.get::<_, Option<String>>(index)?
                .map(|health| Health::parse(&health))
                .transpose()
                .map_err(damaged)?,
        ),
        Kind::Whole { .. } => Value::Whole(row.get(index)?),
        Kind::Flags => Value::Flags(Flags::from_bits(row.get(index)?)),
    })
}

impl Value {
    /// A blank value of `kind`: no text, no number (a stage reads as the first).
    pub fn blank(kind: Kind) -> Value {
        match kind {
            Kind::Id | Kind::Name | Kind::Text => Value::Text(String::new()),
            Kind::Stage => Value::Stage(Stage::Addiction),
            Kind::Health => Value::Health(None),
            Kind::Whole { .. } => Value::Whole(None),
            Kind::Flags => Value::Flags(Flags::default()),
        }
    }

    /// Whether the value is blank (no number, no text).
    pub fn is_blank(&self) -> bool {
        match self {
            Value::Text(text) => text.is_empty(),
            Value::Health(health) => health.is_none(),
            Value::Whole(number) => number.is_none(),
            Value::Stage(_) | Value::Flags(_) => false,
        }
    }

    /// The order of two values of one column: numbers by value, the rest
    /// by their text.
    pub fn order(&self, other: &Value) -> std::cmp::Ordering {
        match (self, other) {
            (Value::Whole(a), Value::Whole(b)) => a.cmp(b),
            (Value::Stage(a), Value::Stage(b)) => a.cmp(b),
            _ => self.to_text().cmp(&other.to_text()),
        }
    }

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
            "a.id, a.name, a.csm, a.am, a.segment, a.industry, a.region, a.stage, a.potential_units, a.health, a.flags, a.nps"
        );
    }

    /// The net promoter score, the worked example of a column declared
    /// once: imported on both paths, exported in both formats, read with
    /// the book rows, checked for range.
    mod nps {
        use crate::clock::Clock;
        use crate::export::{ExportFormat, export};
        use crate::import::{ImportKind, import_reader};
        use crate::store::Store;

        fn import(store: &mut Store, text: &str) -> Result<(), String> {
            let clock = Clock::fixed(chrono::NaiveDate::MIN);
            import_reader(store, ImportKind::Accounts, "a.csv", text.as_bytes(), "kim", &clock)
                .map(drop)
                .map_err(|error| error.to_string())
        }

        fn scores(store: &Store) -> Vec<(String, Option<i64>)> {
            let today = chrono::NaiveDate::MIN;
            let mut rows: Vec<(String, Option<i64>)> = store
                .book_rows(today)
                .expect("rows")
                .into_iter()
                .map(|row| {
                    let score = match row.record.as_slice() {
                        [super::Value::Whole(score)] => *score,
                        other => panic!("the book row carries nps alone: {other:?}"),
                    };
                    (row.id, score)
                })
                .collect();
            rows.sort();
            rows
        }

        fn exported(store: &Store, format: ExportFormat) -> String {
            let mut out = Vec::new();
            export(store, ImportKind::Accounts, format, &mut out).expect("export");
            String::from_utf8(out).expect("utf-8")
        }

        #[test]
        fn nps_is_imported_on_both_paths_and_read_with_the_book() {
            let mut store = Store::open_in_memory().expect("store");
            import(&mut store, "account_id,name,nps\nA,Ay,-100\nB,Bee,\nC,Cee,100\n")
                .expect("first import");
            let first =
                [("A".to_string(), Some(-100)), ("B".into(), None), ("C".into(), Some(100))];
            assert_eq!(scores(&store), first);
            // The update path: a new score, a cleared one, one set.
            import(&mut store, "account_id,name,nps\nA,Ay,42\nB,Bee,7\nC,Cee,\n").expect("update");
            let now = [("A".to_string(), Some(42)), ("B".into(), Some(7)), ("C".into(), None)];
            assert_eq!(scores(&store), now);
            let one = store.book_row("A", chrono::NaiveDate::MIN).expect("row").expect("A");
            assert_eq!(one.record, [super::Value::Whole(Some(42))]);
        }

        #[test]
        fn nps_out_of_range_is_rejected_where_it_is() {
            let mut store = Store::open_in_memory().expect("store");
            let error = import(&mut store, "account_id,name,nps\nA,Ay,50\nB,Bee,101\n")
                .expect_err("101 is out of range");
            assert!(error.starts_with("a.csv:3:3: nps:"), "{error}");
            assert!(error.contains("100"), "{error}");
            let error = import(&mut store, "account_id,nps,name\nA,-101,Ay\n").expect_err("low");
            assert!(error.starts_with("a.csv:2:2: nps:"), "{error}");
            assert!(scores(&store).is_empty(), "a rejected file writes nothing");
        }

        #[test]
        fn nps_round_trips_through_csv_and_json() {
            let mut store = Store::open_in_memory().expect("store");
            import(&mut store, "account_id,name,nps\nA,Ay,-3\nB,Bee,\n").expect("import");
            let csv = exported(&store, ExportFormat::Csv);
            assert!(csv.starts_with("account_id,name,"), "{csv}");
            assert!(csv.lines().next().is_some_and(|header| header.ends_with(",nps")), "{csv}");
            assert!(csv.contains(",-3\n") || csv.contains(",-3\r\n"), "{csv}");
            let json = exported(&store, ExportFormat::Json);
            assert!(json.contains("\"nps\":-3") || json.contains("\"nps\": -3"), "{json}");
            let mut again = Store::open_in_memory().expect("store");
            import(&mut again, &csv).expect("the CSV export imports");
            assert_eq!(scores(&again), scores(&store));
            assert_eq!(exported(&again, ExportFormat::Json), json);
        }

        #[test]
        fn a_book_before_nps_upgrades_with_no_scores_and_the_range_checked() {
            let dir = tempfile::tempdir().expect("dir");
            let path = dir.path().join("book.db");
            {
                let mut conn = rusqlite::Connection::open(&path).expect("conn");
                crate::store::migrations::migrate_to(&mut conn, 8).expect("version 8");
                conn.execute_batch("INSERT INTO accounts (id, name) VALUES ('A', 'Ay')")
                    .expect("old data");
            }
            let store = Store::open(&path).expect("the old book opens");
            assert_eq!(scores(&store), [("A".to_string(), None)]);
            let stored = store.conn.execute("UPDATE accounts SET nps = 101", []);
            assert!(stored.is_err(), "the table checks the range too");
        }
    }
}
