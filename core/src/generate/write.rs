//! Streams a generated book to the import files, one account at a time,
//! so memory stays flat whatever the book's size.

use super::{Params, simulate};
use crate::domain::{Money, Month};
use crate::import::ImportKind;
use crate::store::records::ACCOUNT_COLUMNS;
use std::fmt::Write as _;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookSummary {
    pub accounts: u64,
    pub snapshots: u64,
    pub contracts: u64,
    pub notes: u64,
    pub usage: u64,
    pub tickets: u64,
    pub surveys: u64,
    /// Total ARR in the last month.
    pub last_month_arr: Money,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("cannot create the folder {path}: {source}")]
    Folder { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: csv::Error },
}

struct Out {
    path: PathBuf,
    writer: csv::Writer<BufWriter<File>>,
}

impl Out {
    fn create(dir: &Path, name: &str, header: &[&str]) -> Result<Out, GenerateError> {
        let path = dir.join(name);
        let file = File::create(&path)
            .map_err(|e| GenerateError::Write { path: path.clone(), source: e.into() })?;
        let mut writer = csv::Writer::from_writer(BufWriter::with_capacity(1 << 18, file));
        writer
            .write_record(header)
            .map_err(|source| GenerateError::Write { path: path.clone(), source })?;
        Ok(Out { path, writer })
    }

    fn row<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) -> Result<(), GenerateError> {
        self.writer
            .write_record(fields)
            .map_err(|source| GenerateError::Write { path: self.path.clone(), source })
    }

    fn finish(mut self) -> Result<(), GenerateError> {
        self.writer
            .flush()
            .map_err(|e| GenerateError::Write { path: self.path.clone(), source: e.into() })
    }
}

/// Writes `accounts.csv`, `snapshots.csv`, `contracts.csv` and `notes.csv`
/// into `dir` (created if missing), replacing files of those names.
pub fn write_book(params: &Params, dir: &Path) -> Result<BookSummary, GenerateError> {
    std::fs::create_dir_all(dir)
        .map_err(|source| GenerateError::Folder { path: dir.to_path_buf(), source })?;
    let mut accounts = Out::create(dir, "accounts.csv", ImportKind::Accounts.column_names())?;
    let mut snapshots = Out::create(dir, "snapshots.csv", ImportKind::Snapshots.column_names())?;
    let mut contracts = Out::create(dir, "contracts.csv", ImportKind::Contracts.column_names())?;
    // Generated notes carry no author: the required columns only.
    let note_columns = ImportKind::Notes.column_names().get(..4).unwrap_or_default();
    let mut notes = Out::create(dir, "notes.csv", note_columns)?;
    // Usage per month: the date column (per day) is left out.
    let usage_columns = ImportKind::Usage.column_names().get(..4).unwrap_or_default();
    let mut usage = Out::create(dir, "usage.csv", usage_columns)?;
    let mut tickets = Out::create(dir, "tickets.csv", ImportKind::Tickets.column_names())?;
    let mut surveys = Out::create(dir, "surveys.csv", ImportKind::Surveys.column_names())?;

    let first = params.first_month();
    let month_texts: Vec<String> =
        first.through(params.last_month).map(|m: Month| m.to_string()).collect();
    let mut summary = BookSummary::default();
    let (mut money, mut units) = (String::new(), String::new());
    let (mut start, mut end, mut terminated, mut at) =
        (String::new(), String::new(), String::new(), String::new());

    for index in 0..params.accounts {
        let generated = simulate(params, index);
        let account = &generated.account;
        // Every column of the account record, as its description writes it.
        let cells: Vec<String> =
            ACCOUNT_COLUMNS.iter().map(|column| (column.get)(account).to_text()).collect();
        accounts.row(cells.iter().map(String::as_str))?;
        summary.accounts += 1;

        for snapshot in &generated.snapshots {
            let offset = (snapshot.month.0 - first.0) as usize;
            let Some(month) = month_texts.get(offset) else { continue };
            money.clear();
            push_money(&mut money, snapshot.arr);
            units.clear();
            let _ = write!(units, "{}", snapshot.units);
            snapshots.row([account.id.as_str(), month, snapshot.product, &money, &units])?;
            summary.snapshots += 1;
            if snapshot.month == params.last_month {
                summary.last_month_arr += snapshot.arr;
            }
        }

        for contract in &generated.contracts {
            money.clear();
            push_money(&mut money, contract.arr);
            units.clear();
            if let Some(u) = contract.units {
                let _ = write!(units, "{u}");
            }
            start.clear();
            let _ = write!(start, "{}", contract.start_date.format("%Y-%m-%d"));
            end.clear();
            let _ = write!(end, "{}", contract.end_date.format("%Y-%m-%d"));
            terminated.clear();
            if let Some(t) = contract.terminated_on {
                let _ = write!(terminated, "{}", t.format("%Y-%m-%d"));
            }
            contracts.row([
                contract.id.as_str(),
                &contract.account_id,
                &contract.product,
                &start,
                &end,
                &money,
                &units,
                contract.billing.as_str(),
                &terminated,
            ])?;
            summary.contracts += 1;
        }

        for note in &generated.notes {
            at.clear();
            let _ = write!(at, "{}", note.at.format("%Y-%m-%dT%H:%M:%SZ"));
            notes.row([account.id.as_str(), &at, note.kind.as_str(), &note.text])?;
            summary.notes += 1;
        }

        let mut months: Vec<(Month, i64)> = Vec::new();
        for snapshot in &generated.snapshots {
            match months.last_mut() {
                Some((month, units)) if *month == snapshot.month => *units += snapshot.units,
                _ => months.push((snapshot.month, snapshot.units)),
            }
        }
        let made = super::signals::signals(
            params.seed,
            &account.id,
            &months,
            &generated.contracts,
            params.horizon(),
        );
        for (month, measure, value) in &made.usage {
            let offset = (month.0 - first.0) as usize;
            let Some(month) = month_texts.get(offset) else { continue };
            money.clear();
            let _ = write!(money, "{}", crate::domain::signals::UsageValue(*value));
            usage.row([account.id.as_str(), measure, &money, month])?;
            summary.usage += 1;
        }
        for ticket in &made.tickets {
            at.clear();
            let _ = write!(at, "{}", ticket.opened_at.format("%Y-%m-%dT%H:%M:%SZ"));
            end.clear();
            if let Some(closed) = ticket.closed_at {
                let _ = write!(end, "{}", closed.format("%Y-%m-%dT%H:%M:%SZ"));
            }
            tickets.row([
                ticket.id.as_str(),
                account.id.as_str(),
                &at,
                ticket.severity,
                &end,
                ticket.subject,
            ])?;
            summary.tickets += 1;
        }
        for answer in &made.answers {
            at.clear();
            let _ = write!(at, "{}", answer.answered_at.format("%Y-%m-%dT%H:%M:%SZ"));
            units.clear();
            let _ = write!(units, "{}", answer.score);
            surveys.row([account.id.as_str(), &at, answer.kind, &units, answer.comment])?;
            summary.surveys += 1;
        }
    }
    accounts.finish()?;
    snapshots.finish()?;
    contracts.finish()?;
    notes.finish()?;
    usage.finish()?;
    tickets.finish()?;
    surveys.finish()?;
    Ok(summary)
}

/// `Money::to_plain` without allocating: the generator writes millions of these.
fn push_money(out: &mut String, amount: Money) {
    let cents = amount.cents();
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let _ = match abs % 100 {
        0 => write!(out, "{sign}{}", abs / 100),
        c if c % 10 == 0 => write!(out, "{sign}{}.{}", abs / 100, c / 10),
        c => write!(out, "{sign}{}.{c:02}", abs / 100),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_like_to_plain() {
        for cents in [0, 7, 70, 100, 123_450, 123_456, -325, 99_999_999] {
            let mut out = String::new();
            push_money(&mut out, Money(cents));
            assert_eq!(out, Money(cents).to_plain());
        }
    }
}
