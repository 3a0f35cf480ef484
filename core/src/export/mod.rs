//! CSV and JSON export of accounts, snapshots, contracts and notes, in exactly
//! the formats `import` reads, so that export then import gives back the same
//! book; `all` adds one file per table of the user's own work
//! (`store::authored`), which `import all` reads back. CSV cells that a spreadsheet would run as a formula (starting with
//! `=`, `+`, `-` or `@`) are written with a leading `'`, which import removes.
//! Reads through the store's bulk readers; no SQL here.

mod all;

pub use all::{ExportFile, all_files, export_authored, export_file, export_one};

use crate::domain::contact::Contact;
use crate::domain::signals::{SurveyAnswer, Ticket, UsageRecord};
use crate::domain::subscription::Subscription;
use crate::domain::{Account, Contract, Money, Note};
use crate::import::{ImportKind, needs_text_prefix};
use crate::store::bulk::{SnapshotRecord, rfc3339};
use crate::store::records::{ACCOUNT_COLUMNS, Value as Field};
use crate::store::{Store, StoreError};
use serde_json::{Map, Number, Value};
use std::io::Write;
use std::str::FromStr;

/// The two output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportFormat {
    #[default]
    Csv,
    Json,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 2] = [ExportFormat::Csv, ExportFormat::Json];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
    #[error("cannot write the export: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write the export: {0}")]
    Json(#[from] serde_json::Error),
}

/// Writes every row of `kind` to `out`; returns how many rows were written.
pub fn export(
    store: &Store,
    kind: ImportKind,
    format: ExportFormat,
    out: impl Write,
) -> Result<u64, ExportError> {
    write_rows(store, kind, format, out, false)
}

/// As [`export`], but without the snapshots and contracts derived from
/// subscriptions (the subscriptions file derives them again on import).
pub(crate) fn export_imported(
    store: &Store,
    kind: ImportKind,
    format: ExportFormat,
    out: impl Write,
) -> Result<u64, ExportError> {
    write_rows(store, kind, format, out, true)
}

fn write_rows(
    store: &Store,
    kind: ImportKind,
    format: ExportFormat,
    out: impl Write,
    leave_derived: bool,
) -> Result<u64, ExportError> {
    let (products, contracts) = if leave_derived {
        (store.subscription_products()?, store.derived_contract_ids()?)
    } else {
        Default::default()
    };
    let mut sink = Sink::new(format, out);
    sink.start(kind.column_names())?;
    let mut count = 0u64;
    let mut failure: Option<ExportError> = None;
    let mut write = |cells: Vec<Cell>| -> Result<(), StoreError> {
        count += 1;
        sink.row(kind.column_names(), cells).map_err(|error| {
            failure = Some(error);
            StoreError::Invalid("the export stopped".to_string())
        })
    };
    let read = match kind {
        ImportKind::Accounts => store.each_account(|a| write(account_cells(&a))),
        ImportKind::Snapshots => store.each_snapshot(|s| {
            // A product with subscriptions takes all its snapshots from them.
            let key = (s.account_id.clone(), s.product.clone());
            if products.contains(&key) { Ok(()) } else { write(snapshot_cells(&s)) }
        }),
        ImportKind::Contracts => store.each_contract(|c| {
            if contracts.contains(&c.id) { Ok(()) } else { write(contract_cells(&c)) }
        }),
        ImportKind::Notes => store.each_note(|n| write(note_cells(&n))),
        ImportKind::Subscriptions => store.each_subscription(|s| write(subscription_cells(&s))),
        ImportKind::Usage => store.each_usage(|u| write(usage_cells(&u))),
        ImportKind::Tickets => store.each_ticket(|t| write(ticket_cells(&t))),
        ImportKind::Surveys => store.each_survey(|s| write(survey_cells(&s))),
        ImportKind::Contacts => store.each_contact(|c| write(contact_cells(&c))),
    };
    if let Some(error) = failure {
        return Err(error);
    }
    read?;
    sink.finish()?;
    Ok(count)
}

/// One value as both formats need it: text, an exact amount, a whole number, or nothing.
enum Cell {
    Text(String),
    Money(Money),
    Number(i64),
    /// An exact decimal, written as it reads.
    Decimal(String),
    Empty,
}

fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

fn optional_text(value: Option<String>) -> Cell {
    value.map(Cell::Text).unwrap_or(Cell::Empty)
}

fn optional_number(value: Option<i64>) -> Cell {
    value.map(Cell::Number).unwrap_or(Cell::Empty)
}

/// An account's cells by the record's description (`store::records`).
fn account_cells(account: &Account) -> Vec<Cell> {
    ACCOUNT_COLUMNS
        .iter()
        .map(|column| match (column.get)(account) {
            Field::Text(value) => Cell::Text(value),
            Field::Stage(stage) => text(stage.as_str()),
            Field::Health(health) => optional_text(health.map(|h| h.as_str().to_string())),
            Field::Whole(number) => optional_number(number),
            Field::Flags(flags) => text(flags.to_words()),
        })
        .collect()
}

fn snapshot_cells(snapshot: &SnapshotRecord) -> Vec<Cell> {
    vec![
        text(&snapshot.account_id),
        text(snapshot.month.to_string()),
        text(&snapshot.product),
        Cell::Money(snapshot.arr),
        optional_number(snapshot.units),
    ]
}

fn contract_cells(contract: &Contract) -> Vec<Cell> {
    vec![
        text(&contract.id),
        text(&contract.account_id),
        text(&contract.product),
        text(contract.start_date.format("%Y-%m-%d").to_string()),
        text(contract.end_date.format("%Y-%m-%d").to_string()),
        Cell::Money(contract.arr),
        optional_number(contract.units),
        text(contract.billing.as_str()),
        optional_text(contract.terminated_on.map(|d| d.format("%Y-%m-%d").to_string())),
    ]
}

fn subscription_cells(subscription: &Subscription) -> Vec<Cell> {
    vec![
        text(&subscription.id),
        text(&subscription.account_id),
        text(&subscription.product),
        text(subscription.start_date.format("%Y-%m-%d").to_string()),
        Cell::Money(subscription.amount),
        text(subscription.interval.as_str()),
        Cell::Number(subscription.quantity),
        optional_text(subscription.ended_on.map(|d| d.format("%Y-%m-%d").to_string())),
    ]
}

fn note_cells(note: &Note) -> Vec<Cell> {
    vec![
        text(&note.account_id),
        text(rfc3339(note.at)),
        text(note.kind.as_str()),
        text(&note.text),
        text(&note.who),
    ]
}

/// Usage is exported per month; the `date` column stays empty.
fn usage_cells(usage: &UsageRecord) -> Vec<Cell> {
    vec![
        text(&usage.account_id),
        text(&usage.measure),
        Cell::Decimal(usage.value.to_string()),
        text(usage.month.to_string()),
        Cell::Empty,
    ]
}

fn ticket_cells(ticket: &Ticket) -> Vec<Cell> {
    vec![
        text(&ticket.id),
        text(&ticket.account_id),
        text(rfc3339(ticket.opened_at)),
        text(ticket.severity.as_str()),
        optional_text(ticket.closed_at.map(rfc3339)),
        text(&ticket.subject),
    ]
}

fn survey_cells(answer: &SurveyAnswer) -> Vec<Cell> {
    vec![
        text(&answer.account_id),
        text(rfc3339(answer.answered_at)),
        text(answer.kind.as_str()),
        Cell::Number(answer.score),
        text(&answer.comment),
    ]
}

fn contact_cells(contact: &Contact) -> Vec<Cell> {
    vec![
        text(&contact.account_id),
        text(&contact.name),
        text(&contact.email),
        text(contact.role.as_str()),
        text(&contact.title),
        optional_text(contact.left_on.map(|d| d.format("%Y-%m-%d").to_string())),
        optional_text(contact.since.map(|d| d.format("%Y-%m-%d").to_string())),
    ]
}

enum Sink<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Json { out: W, first: bool },
}

impl<W: Write> Sink<W> {
    fn new(format: ExportFormat, out: W) -> Sink<W> {
        match format {
            ExportFormat::Csv => Sink::Csv(Box::new(csv::WriterBuilder::new().from_writer(out))),
            ExportFormat::Json => Sink::Json { out, first: true },
        }
    }

    fn start(&mut self, names: &[&str]) -> Result<(), ExportError> {
        match self {
            Sink::Csv(writer) => writer.write_record(names)?,
            Sink::Json { out, .. } => out.write_all(b"[")?,
        }
        Ok(())
    }

    fn row(&mut self, names: &[&str], cells: Vec<Cell>) -> Result<(), ExportError> {
        match self {
            Sink::Csv(writer) => {
                for cell in cells {
                    match cell {
                        Cell::Text(value) if needs_text_prefix(&value) => {
                            writer.write_field(format!("'{value}"))?
                        }
                        Cell::Text(value) => writer.write_field(value)?,
                        Cell::Money(amount) => writer.write_field(amount.to_plain())?,
                        Cell::Number(number) => writer.write_field(number.to_string())?,
                        Cell::Decimal(number) => writer.write_field(number)?,
                        Cell::Empty => writer.write_field("")?,
                    }
                }
                writer.write_record(None::<&[u8]>)?;
            }
            Sink::Json { out, first } => {
                let mut object = Map::new();
                for (name, cell) in names.iter().zip(cells) {
                    let value = match cell {
                        Cell::Text(value) => Value::String(value),
                        Cell::Money(amount) => {
                            Number::from_str(&amount.to_plain()).map(Value::Number)?
                        }
                        Cell::Number(number) => Value::Number(number.into()),
                        Cell::Decimal(number) => Number::from_str(&number).map(Value::Number)?,
                        Cell::Empty => Value::Null,
                    };
                    object.insert((*name).to_string(), value);
                }
                out.write_all(if *first { b"\n" } else { b",\n" })?;
                *first = false;
                crate::text::json::to_writer(&mut *out, &Value::Object(object))?;
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<(), ExportError> {
        match self {
            Sink::Csv(mut writer) => writer.flush()?,
            Sink::Json { mut out, .. } => {
                out.write_all(b"\n]\n")?;
                out.flush()?;
            }
        }
        Ok(())
    }
}
