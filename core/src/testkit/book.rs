//! Test books described as small tables, one per kind of record, with a
//! header naming the columns (the import's names where the import has the
//! column: `account_id`, `arr` in currency units, `month` as `2025-03`),
//! and written into a store. Tests describe the book; only this file knows
//! how the store keeps it, so a change of schema edits one place.
//!
//! ```ignore
//! let store = Book::new()
//!     .accounts("id, name, csm, health, health_since, arr
//!                A1, Acme, ana, green, 2025-01-10, 120000")
//!     .contracts("contract_id, account_id, product, start_date, end_date, arr
//!                 C1, A1, Core, 2024-07-01, 2025-06-30, 120000")
//!     .open_in_memory();
//! ```
//!
//! Contracts, snapshots and moments go through the store's typed writes. An
//! account's stored facts (ARR and units at the latest month, last touch,
//! the days its stage and health last moved) are written as given, after
//! everything else, so a test can pin the numbers a pane shows without the
//! months of snapshots and notes behind them; the history rows (health
//! changes, notes) keep the text of their times exactly as given. Those
//! are the testkit's own writes, for that reason.

use crate::domain::moment::MomentKind;
use crate::domain::{Billing, Contract, Flags, Health, Money, Month, NoteKind, Stage};
use crate::store::Store;
use crate::store::snapshots::SnapshotRow;
use chrono::NaiveDate;
use rusqlite::params;
use std::path::{Path, PathBuf};

/// A book to write into a store: accounts, contracts, snapshots, health
/// changes, notes and moments, in the order given.
#[derive(Debug, Clone, Default)]
pub struct Book {
    accounts: Vec<AccountRecord>,
    contracts: Vec<Contract>,
    snapshots: Vec<SnapshotRow>,
    health_changes: Vec<HealthChangeRecord>,
    notes: Vec<NoteRecord>,
    moments: Vec<(String, MomentKind, String, NaiveDate)>,
}

/// An account with the facts the store keeps beside it.
#[derive(Debug, Clone)]
struct AccountRecord {
    id: String,
    name: String,
    csm: String,
    am: String,
    segment: String,
    industry: String,
    region: String,
    stage: Stage,
    stage_since: Option<String>,
    potential_units: Option<i64>,
    health: Option<Health>,
    health_since: Option<String>,
    flags: Flags,
    arr: Money,
    units: i64,
    last_touch: Option<String>,
}

#[derive(Debug, Clone)]
struct HealthChangeRecord {
    account_id: String,
    at: String,
    who: String,
    health: Health,
    reason: String,
}

#[derive(Debug, Clone)]
struct NoteRecord {
    account_id: String,
    at: String,
    kind: NoteKind,
    text: String,
    who: String,
}

const ACCOUNT_COLUMNS: &[&str] = &[
    "id",
    "account_id",
    "name",
    "csm",
    "am",
    "segment",
    "industry",
    "region",
    "stage",
    "stage_since",
    "potential_units",
    "health",
    "health_since",
    "flags",
    "arr",
    "units",
    "last_touch",
];

impl Book {
    pub fn new() -> Book {
        Book::default()
    }

    /// Accounts: `id` (or `account_id`) and `name`, then any of `csm`, `am`,
    /// `segment`, `industry`, `region`, `stage`, `stage_since`,
    /// `potential_units`, `health`, `health_since`, `flags` (words as in the
    /// import, or the stored bits), `arr`, `units`, `last_touch`. An empty
    /// cell is an absent value.
    pub fn accounts(mut self, table: &str) -> Book {
        for row in Table::parse("accounts", table, ACCOUNT_COLUMNS).rows() {
            self.accounts.push(AccountRecord {
                id: row.required(&["id", "account_id"]),
                name: row.required(&["name"]),
                csm: row.text("csm"),
                am: row.text("am"),
                segment: row.text("segment"),
                industry: row.text("industry"),
                region: row.text("region"),
                stage: row.parsed("stage", Stage::parse).unwrap_or(Stage::Addiction),
                stage_since: row.optional("stage_since"),
                potential_units: row.parsed("potential_units", str::parse::<i64>),
                health: row.parsed("health", Health::parse),
                health_since: row.optional("health_since"),
                flags: row
                    .parsed("flags", |text| match text.parse::<i64>() {
                        Ok(bits) => Ok(Flags::from_bits(bits)),
                        Err(_) => Flags::parse(text).map_err(|e| e.to_string()),
                    })
                    .unwrap_or_default(),
                arr: row.parsed("arr", Money::parse).unwrap_or_default(),
                units: row.parsed("units", str::parse::<i64>).unwrap_or_default(),
                last_touch: row.optional("last_touch"),
            });
        }
        self
    }

    /// Contracts, in the import's columns: `contract_id` (or `id`),
    /// `account_id`, `product`, `start_date`, `end_date`, `arr`, then any of
    /// `units`, `billing` (annual when absent), `terminated_on`.
    pub fn contracts(mut self, table: &str) -> Book {
        for row in Table::parse(
            "contracts",
            table,
            &[
                "contract_id",
                "id",
                "account_id",
                "product",
                "start_date",
                "end_date",
                "arr",
                "units",
                "billing",
                "terminated_on",
            ],
        )
        .rows()
        {
            self.contracts.push(Contract {
                id: row.required(&["contract_id", "id"]),
                account_id: row.required(&["account_id"]),
                product: row.required(&["product"]),
                start_date: row.date("start_date"),
                end_date: row.date("end_date"),
                arr: row.parsed("arr", Money::parse).unwrap_or_default(),
                units: row.parsed("units", str::parse::<i64>),
                billing: row.parsed("billing", Billing::parse).unwrap_or(Billing::Annual),
                terminated_on: row.parsed("terminated_on", parse_date),
            });
        }
        self
    }

    /// Snapshots, in the import's columns: `account_id`, `month`
    /// (`2025-03`), `product`, `arr`, and `units` when known.
    pub fn snapshots(mut self, table: &str) -> Book {
        for row in
            Table::parse("snapshots", table, &["account_id", "month", "product", "arr", "units"])
                .rows()
        {
            self.snapshots.push(SnapshotRow {
                account_id: row.required(&["account_id"]),
                product: row.required(&["product"]),
                month: row.parsed("month", Month::parse).unwrap_or_else(|| row.missing("month")),
                arr: row.parsed("arr", Money::parse).unwrap_or_else(|| row.missing("arr")),
                units: row.parsed("units", str::parse::<i64>),
            });
        }
        self
    }

    /// Health changes in the history: `account_id`, `at`, `who`, `health`,
    /// `reason` (`who` and `reason` may be left out: `test`).
    pub fn health_changes(mut self, table: &str) -> Book {
        for row in
            Table::parse("health_changes", table, &["account_id", "at", "who", "health", "reason"])
                .rows()
        {
            self.health_changes.push(HealthChangeRecord {
                account_id: row.required(&["account_id"]),
                at: row.required(&["at"]),
                who: row.optional("who").unwrap_or_else(|| "test".into()),
                health: row
                    .parsed("health", Health::parse)
                    .unwrap_or_else(|| row.missing("health")),
                reason: row.optional("reason").unwrap_or_else(|| "test".into()),
            });
        }
        self
    }

    /// Notes, in the import's columns: `account_id`, `at`, `kind`, `text`,
    /// and `who` when known.
    pub fn notes(mut self, table: &str) -> Book {
        for row in Table::parse("notes", table, &["account_id", "at", "kind", "text", "who"]).rows()
        {
            self.notes.push(NoteRecord {
                account_id: row.required(&["account_id"]),
                at: row.required(&["at"]),
                kind: row.parsed("kind", NoteKind::parse).unwrap_or_else(|| row.missing("kind")),
                text: row.required(&["text"]),
                who: row.text("who"),
            });
        }
        self
    }

    /// Moments added by hand: `account_id`, `kind`, `title`, `due_on`.
    pub fn moments(mut self, table: &str) -> Book {
        for row in Table::parse("moments", table, &["account_id", "kind", "title", "due_on"]).rows()
        {
            self.moments.push((
                row.required(&["account_id"]),
                row.parsed("kind", MomentKind::parse).unwrap_or_else(|| row.missing("kind")),
                row.text("title"),
                row.date("due_on"),
            ));
        }
        self
    }

    /// This book, then `more`'s records after its own.
    pub fn and(mut self, more: Book) -> Book {
        self.accounts.extend(more.accounts);
        self.contracts.extend(more.contracts);
        self.snapshots.extend(more.snapshots);
        self.health_changes.extend(more.health_changes);
        self.notes.extend(more.notes);
        self.moments.extend(more.moments);
        self
    }

    /// Writes the book into `store` (which may hold other rows already).
    pub fn write(&self, store: &Store) {
        let conn = store.connection_for_tests();
        for account in &self.accounts {
            conn.execute(
                "INSERT INTO accounts (id, name, csm, am, segment, industry, region, stage,
                                       potential_units, health, flags)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    account.id,
                    account.name,
                    account.csm,
                    account.am,
                    account.segment,
                    account.industry,
                    account.region,
                    account.stage.as_str(),
                    account.potential_units,
                    account.health.map(Health::as_str),
                    account.flags.bits(),
                ],
            )
            .unwrap_or_else(|e| panic!("test book: account {}: {e}", account.id));
        }
        store.insert_contracts(&self.contracts).expect("test book: contracts");
        store.insert_snapshots(&self.snapshots).expect("test book: snapshots");
        for change in &self.health_changes {
            conn.execute(
                "INSERT INTO health_changes (account_id, at, who, health, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    change.account_id,
                    change.at,
                    change.who,
                    change.health.as_str(),
                    change.reason
                ],
            )
            .unwrap_or_else(|e| panic!("test book: health change of {}: {e}", change.account_id));
        }
        for note in &self.notes {
            conn.execute(
                "INSERT INTO notes (account_id, at, kind, text, who, note_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    note.account_id,
                    note.at,
                    note.kind.as_str(),
                    note.text,
                    note.who,
                    crate::store::note_key::note_key(&note.at, &note.text)
                ],
            )
            .unwrap_or_else(|e| panic!("test book: note of {}: {e}", note.account_id));
        }
        for (account_id, kind, title, due_on) in &self.moments {
            store.add_moment(account_id, *kind, title, *due_on).expect("test book: moment");
        }
        for account in &self.accounts {
            conn.execute(
                "UPDATE accounts SET stage_since = ?2, health_since = ?3, arr_cents = ?4,
                                     units = ?5, last_touch = ?6
                 WHERE id = ?1",
                params![
                    account.id,
                    account.stage_since,
                    account.health_since,
                    account.arr.cents(),
                    account.units,
                    account.last_touch,
                ],
            )
            .unwrap_or_else(|e| panic!("test book: facts of {}: {e}", account.id));
        }
    }

    /// A new book file at `path` holding this book; returns the path.
    pub fn create(&self, path: &Path) -> PathBuf {
        let store = Store::open(path).expect("test book: open");
        self.write(&store);
        path.to_path_buf()
    }

    /// A new in-memory store holding this book.
    pub fn open_in_memory(&self) -> Store {
        let store = Store::open_in_memory().expect("test book: open in memory");
        self.write(&store);
        store
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, chrono::ParseError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
}

/// A table's text: a header, then rows, one a line; blank lines and the
/// indentation of a Rust string are ignored, cells are trimmed, and a cell
/// in double quotes (`""` for a quote) may hold commas and spaces.
struct Table {
    kind: &'static str,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A column not in `known` is refused: a misspelt one would be left out silently.
    fn parse(kind: &'static str, text: &str, known: &[&str]) -> Table {
        let mut lines = text.lines().map(str::trim).filter(|line| !line.is_empty()).map(cells);
        let header = lines.next().unwrap_or_else(|| panic!("test book: {kind} has no header"));
        if let Some(unknown) = header.iter().find(|name| !known.contains(&name.as_str())) {
            panic!("test book: {kind} has no column {unknown:?} (known: {})", known.join(", "));
        }
        let rows: Vec<Vec<String>> = lines.collect();
        for (at, row) in rows.iter().enumerate() {
            assert_eq!(
                row.len(),
                header.len(),
                "test book: {kind} row {} has {} cells",
                at + 1,
                row.len()
            );
        }
        Table { kind, header, rows }
    }

    fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().enumerate().map(|(at, cells)| Row { table: self, at, cells })
    }
}

/// One line's cells, split at the commas outside quotes.
fn cells(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            '"' => {
                quoted = !quoted;
                cell.push('\u{0}');
            }
            ',' if !quoted => cells.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    cells.push(cell);
    // A quote's mark (NUL) keeps the spaces inside quotes from the trim.
    cells.iter().map(|cell| cell.trim().replace('\u{0}', "")).collect()
}

struct Row<'t> {
    table: &'t Table,
    at: usize,
    cells: &'t [String],
}

impl Row<'_> {
    fn cell(&self, names: &[&str]) -> Option<&str> {
        let column = self.table.header.iter().position(|h| names.contains(&h.as_str()))?;
        Some(self.cells[column].as_str()).filter(|text| !text.is_empty())
    }

    fn missing(&self, name: &str) -> ! {
        panic!("test book: {} row {}: {name} is needed", self.table.kind, self.at + 1)
    }

    fn required(&self, names: &[&str]) -> String {
        self.cell(names).map_or_else(|| self.missing(names[0]), String::from)
    }

    fn text(&self, name: &str) -> String {
        self.optional(name).unwrap_or_default()
    }

    fn optional(&self, name: &str) -> Option<String> {
        self.cell(&[name]).map(String::from)
    }

    fn date(&self, name: &str) -> NaiveDate {
        self.parsed(name, parse_date).unwrap_or_else(|| self.missing(name))
    }

    fn parsed<T, E: std::fmt::Display>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let text = self.cell(&[name])?;
        Some(parse(text).unwrap_or_else(|e| {
            panic!("test book: {} row {}: {name} {text:?}: {e}", self.table.kind, self.at + 1)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::d;

    #[test]
    fn a_book_reads_back_as_its_tables_say() {
        let store = Book::new()
            .accounts(
                "id, name,            csm, stage,      health, health_since, flags,     arr,      units, last_touch
                 A1, \"Acme, Inc.\",  ana, absorption, green,  2025-01-10,   reference, 1200.50,  10,    2025-05-20
                 A2, \" Globex \",    bo,  ,           ,       ,             ,          ,         ,",
            )
            .contracts(
                "contract_id, account_id, product, start_date, end_date,   arr,     billing, terminated_on
                 C1,          A1,         Core,    2024-07-01, 2025-06-30, 1200.50, prepaid, 2025-03-31",
            )
            .snapshots(
                "account_id, product, month,   arr
                 A1,         Core,    2025-04, 1200.50",
            )
            .health_changes("account_id, at, health\nA1, 2025-01-10T09:00:00Z, green")
            .open_in_memory();
        let rows = store.book_rows(d(2025, 6, 1)).expect("rows");
        let acme = rows.iter().find(|r| r.id == "A1").expect("A1");
        assert_eq!(acme.name, "Acme, Inc.");
        assert_eq!((acme.stage, acme.health), (Stage::Absorption, Some(Health::Green)));
        assert_eq!(acme.arr, Money::from_cents(120_050));
        assert!(acme.flags.reference && !acme.flags.advocate);
        assert_eq!(
            (acme.health_since, acme.last_touch),
            (Some(d(2025, 1, 10)), Some(d(2025, 5, 20)))
        );
        let globex = rows.iter().find(|r| r.id == "A2").expect("A2");
        assert_eq!(globex.name, " Globex ", "spaces inside quotes are kept");
        assert_eq!((globex.stage, globex.health), (Stage::Addiction, None));
        assert_eq!(globex.arr, Money::default());
        let contracts = store.all_contracts().expect("contracts");
        assert_eq!(contracts.len(), 1);
        assert_eq!(contracts[0].billing, Billing::Prepaid);
        assert_eq!(contracts[0].terminated_on, Some(d(2025, 3, 31)));
        assert_eq!(contracts[0].units, None);
        let history = store.health_history("A1").expect("history");
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].who, "test");
        assert_eq!(
            store.snapshot_month_range().expect("range").map(|r| r.0.to_string()),
            Some("2025-04".to_string())
        );
    }

    #[test]
    #[should_panic(expected = "test book: accounts has no column \"arr_cents\"")]
    fn a_column_the_book_does_not_know_is_refused() {
        Book::new().accounts("id, name, arr_cents\nA1, Acme, 100");
    }

    #[test]
    #[should_panic(expected = "test book: contracts row 1: billing \"monthly\"")]
    fn a_word_the_domain_does_not_know_is_refused() {
        Book::new().contracts(
            "contract_id, account_id, product, start_date, end_date, arr, billing
             C1, A1, Core, 2024-07-01, 2025-06-30, 1, monthly",
        );
    }

    #[test]
    #[should_panic(expected = "test book: snapshots row 1 has 3 cells")]
    fn a_row_with_a_cell_too_few_is_refused() {
        Book::new().snapshots("account_id, product, month, arr\nA1, Core, 2025-04");
    }
}
