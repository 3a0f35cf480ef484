//! The signals' writes inside an import: usage months many to a statement
//! into an empty table or one by one, tickets and survey answers; each
//! notes the accounts whose kept series must be rebuilt at commit.

use super::super::StoreResult;
use super::super::bulk::{BulkImport, rfc3339};
use super::super::many::insert_many;
use crate::domain::Month;
use crate::domain::signals::{SurveyAnswer, Ticket, UsageValue};
use rusqlite::{OptionalExtension, params};

const USAGE_UPSERT: &str = "INSERT INTO usage (account_id, measure, month, value_milli)
     VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (account_id, measure, month) DO UPDATE SET value_milli = excluded.value_milli
     WHERE value_milli IS NOT excluded.value_milli";

const TICKET_UPSERT: &str =
    "INSERT INTO tickets (id, account_id, opened_at, severity, closed_at, subject)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
     ON CONFLICT (id) DO UPDATE
     SET account_id = excluded.account_id, opened_at = excluded.opened_at,
         severity = excluded.severity, closed_at = excluded.closed_at, subject = excluded.subject
     WHERE account_id IS NOT excluded.account_id OR opened_at IS NOT excluded.opened_at
        OR severity IS NOT excluded.severity OR closed_at IS NOT excluded.closed_at
        OR subject IS NOT excluded.subject";

const SURVEY_INSERT: &str =
    "INSERT OR IGNORE INTO surveys (account_id, answered_at, kind, score, comment)
     VALUES (?1, ?2, ?3, ?4, ?5)";

/// The text at `at` in `list`; a position out of range is a caller's bug.
fn text(list: &[String], at: u32) -> rusqlite::Result<&str> {
    list.get(at as usize).map(String::as_str).ok_or(rusqlite::Error::InvalidQuery)
}

/// A month of usage for a load into an empty table; its account and
/// measure are positions in the lists handed to [`BulkImport::insert_new_usage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewUsage {
    pub account: u32,
    pub measure: u32,
    pub month: Month,
    pub value: UsageValue,
}

impl BulkImport<'_> {
    /// Inserts usage into a table that was empty when the import began and
    /// holds none of these keys, many rows to a statement. Fastest when
    /// rows come in key order (account, measure, month).
    pub fn insert_new_usage(
        &mut self,
        ids: &[String],
        measures: &[String],
        rows: &[NewUsage],
    ) -> StoreResult<()> {
        self.signals_moved.everything();
        insert_many(
            self.connection(),
            "INSERT",
            "usage (account_id, measure, month, value_milli)",
            4,
            rows,
            |statement, at, row| {
                statement.raw_bind_parameter(at, text(ids, row.account)?)?;
                statement.raw_bind_parameter(at + 1, text(measures, row.measure)?)?;
                statement.raw_bind_parameter(at + 2, row.month.0)?;
                statement.raw_bind_parameter(at + 3, row.value.0)
            },
        )?;
        Ok(())
    }

    /// Inserts or updates one month of usage; true when written.
    pub fn upsert_usage(
        &mut self,
        account_id: &str,
        measure: &str,
        month: Month,
        value: UsageValue,
    ) -> StoreResult<bool> {
        let mut statement = self.conn.prepare_cached(USAGE_UPSERT)?;
        let written = statement.execute(params![account_id, measure, month.0, value.0])? > 0;
        if written {
            self.signals_moved.account(account_id);
        }
        Ok(written)
    }

    /// Records that `measure` has rows in these months.
    pub fn note_usage_months(&mut self, months: &[(String, Month)]) -> StoreResult<()> {
        let mut statement = self.connection().prepare_cached(
            "INSERT OR IGNORE INTO usage_months (measure, month) VALUES (?1, ?2)",
        )?;
        for (measure, month) in months {
            statement.execute(params![measure, month.0])?;
        }
        Ok(())
    }

    /// Inserts or updates one ticket (keyed by its id); true when written.
    pub fn upsert_ticket(&mut self, ticket: &Ticket) -> StoreResult<bool> {
        // A ticket that moves to another account moves both accounts' series.
        let mut statement =
            self.conn.prepare_cached("SELECT account_id FROM tickets WHERE id = ?1")?;
        let before: Option<String> =
            statement.query_row([&ticket.id], |row| row.get(0)).optional()?;
        let mut statement = self.conn.prepare_cached(TICKET_UPSERT)?;
        let written = statement.execute(params![
            ticket.id,
            ticket.account_id,
            rfc3339(ticket.opened_at),
            ticket.severity.as_str(),
            ticket.closed_at.map(rfc3339),
            ticket.subject,
        ])?;
        if written > 0 {
            self.signals_moved.account(&ticket.account_id);
            if let Some(before) = before {
                self.signals_moved.account(&before);
            }
        }
        Ok(written > 0)
    }

    /// Inserts one survey answer unless the same answer is stored; true when written.
    pub fn insert_survey(&mut self, answer: &SurveyAnswer) -> StoreResult<bool> {
        let mut statement = self.conn.prepare_cached(SURVEY_INSERT)?;
        let written = statement.execute(params![
            answer.account_id,
            rfc3339(answer.answered_at),
            answer.kind.as_str(),
            answer.score,
            answer.comment,
        ])?;
        if written > 0 {
            self.signals_moved.account(&answer.account_id);
        }
        Ok(written > 0)
    }
}
