//! The import's loads of tickets and survey answers into empty tables,
//! many rows to a statement (see `store::many`). The rows arrive checked;
//! this only writes them, and marks every account's kept signal series for
//! the rebuild at commit.

use super::BulkImport;
use crate::domain::signals::{SurveyAnswer, Ticket};
use crate::store::StoreResult;
use crate::store::format::rfc3339;
use crate::store::many::insert_many;
use rusqlite::OptionalExtension;

impl BulkImport<'_> {
    /// Inserts tickets into a table that was empty when the import began,
    /// skipping any whose id is already stored; returns how many were
    /// written. Tickets get row ids in the order written, from 1.
    pub fn insert_new_tickets(&mut self, tickets: &[Ticket]) -> StoreResult<usize> {
        self.signals_moved.everything();
        insert_many(
            self.conn,
            "INSERT OR IGNORE",
            "tickets (id, account_id, opened_at, severity, closed_at, subject)",
            6,
            tickets,
            |statement, at, ticket| {
                statement.raw_bind_parameter(at, ticket.id.as_str())?;
                statement.raw_bind_parameter(at + 1, ticket.account_id.as_str())?;
                statement.raw_bind_parameter(at + 2, rfc3339(ticket.opened_at))?;
                statement.raw_bind_parameter(at + 3, ticket.severity.as_str())?;
                statement.raw_bind_parameter(at + 4, ticket.closed_at.map(rfc3339))?;
                statement.raw_bind_parameter(at + 5, ticket.subject.as_str())
            },
        )
    }

    /// The row id of the stored ticket `id`, if any.
    pub fn ticket_rowid(&self, id: &str) -> StoreResult<Option<i64>> {
        let mut statement = self.conn.prepare_cached("SELECT rowid FROM tickets WHERE id = ?1")?;
        Ok(statement.query_row([id], |row| row.get(0)).optional()?)
    }

    /// Inserts survey answers into a table that was empty when the import
    /// began and holds none of them (the caller found every repeat);
    /// returns how many were written.
    pub fn insert_new_surveys(&mut self, answers: &[SurveyAnswer]) -> StoreResult<usize> {
        self.signals_moved.everything();
        insert_many(
            self.conn,
            "INSERT",
            "surveys (account_id, answered_at, kind, score, comment)",
            5,
            answers,
            |statement, at, answer| {
                statement.raw_bind_parameter(at, answer.account_id.as_str())?;
                statement.raw_bind_parameter(at + 1, rfc3339(answer.answered_at))?;
                statement.raw_bind_parameter(at + 2, answer.kind.as_str())?;
                statement.raw_bind_parameter(at + 3, answer.score)?;
                statement.raw_bind_parameter(at + 4, answer.comment.as_str())
            },
        )
    }
}
