//! The import of the measured signals: support tickets and survey answers
//! (usage has its own module, `usage`). Cells are checked
//! through `Row` and `cells` as every other kind's are, so profiles and
//! messages apply alike; rows go to the store's signal writers. Into an
//! empty table the file is read and checked on a second thread and the rows
//! written many to a statement (`fresh`'s machinery); into a stored one,
//! row by row. The checks, and so the problems found, are the same.

use super::Problems;
use super::RowError;
use super::cells::{
    AccountIndex, account_index, known_account, note_time, optional_parsed, whole_in,
};
use super::fast::{FirstLines, Quick, trim};
use super::fresh::{Keyed, read_beside};
use super::input::{CsvInput, Row};
use super::kinds::counts_from;
use super::records::{SURVEYS, TICKETS};
use crate::domain::signals::{Severity, SurveyAnswer, SurveyKind, Ticket};
use crate::store::StoreResult;
use crate::store::bulk::{BulkImport, BulkTable, ImportCounts, rfc3339};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::io::Read;

/// Rows gathered before they are written: many full statements.
const PENDING_ROWS: usize = 4_096;

/// One ticket row's cells checked; `None` when one is bad (its problems
/// are in `problems`).
fn parse_ticket(row: &Row<'_>, index: &AccountIndex, problems: &mut Problems) -> Option<Ticket> {
    let id = problems.take(row.required(0)).map(trim);
    let account = problems
        .take(row.required(1))
        .map(trim)
        .filter(|id| problems.take(known_account(row, 1, id, index)).is_some());
    let opened = problems.take(row.required(2)).and_then(|t| problems.take(note_time(row, 2, t)));
    let severity = problems
        .take(row.required(3))
        .and_then(|t| problems.take(Severity::parse(t).map_err(|e| row.error(3, e.to_string()))));
    let closed = optional_parsed(row, 4, problems, note_time);
    let subject = problems.take(row.cell(5));
    let (Some(id), Some(account), Some(opened), Some(severity), Some(closed), Some(subject)) =
        (id, account, opened, severity, closed, subject)
    else {
        return None;
    };
    if let Some(closed) = closed.filter(|closed| *closed < opened) {
        problems.push(
            row.error(4, format!("{} is before opened_at {}", rfc3339(closed), rfc3339(opened))),
        );
        return None;
    }
    Some(Ticket {
        id: id.to_string(),
        account_id: account.to_string(),
        opened_at: opened,
        severity,
        closed_at: closed,
        subject: subject.unwrap_or_default().trim().to_string(),
    })
}

/// What is said of a ticket id given twice.
fn twice_ticket(id: &str, first: u64) -> String {
    format!("{id:?} appears twice in this file (first on line {first})")
}

pub(super) fn tickets<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    problems: &mut Problems,
) -> StoreResult<ImportCounts> {
    let names = TICKETS.names;
    let (_, index) = account_index(bulk)?;
    let rows_before = bulk.count_rows(BulkTable::Tickets)?;
    if rows_before == 0 && bulk.defer_indexes(BulkTable::Tickets)? {
        return tickets_into_empty(bulk, input, problems, &index);
    }
    let mut first_line: HashMap<String, u64, Quick> = HashMap::default();
    let (mut good, mut written) = (0u64, 0u64);
    while let Some(row) = input.next_readable(names, problems) {
        let Some(ticket) = parse_ticket(&row, &index, problems) else { continue };
        if let Some(first) = first_line.get(&ticket.id) {
            problems.push(row.error(0, twice_ticket(&ticket.id, *first)));
            continue;
        }
        first_line.insert(ticket.id.clone(), row.line);
        good += 1;
        if !problems.is_empty() {
            continue;
        }
        if bulk.upsert_ticket(&ticket)? {
            written += 1;
        }
    }
    if !problems.is_empty() {
        return Ok(ImportCounts::default());
    }
    Ok(counts_from(bulk.count_rows(BulkTable::Tickets)?, rows_before, written, good))
}

/// Tickets into an empty table, written many to a statement; the unique
/// ticket id finds one given twice (`fresh`'s `Keyed`, as for contracts).
fn tickets_into_empty<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    problems: &mut Problems,
    index: &AccountIndex,
) -> StoreResult<ImportCounts> {
    let names = TICKETS.names;
    let id_error = input.cell_error_maker(names, 0);
    let mut tickets = Keyed::new(
        |bulk: &mut BulkImport<'_>, rows: &[Ticket]| bulk.insert_new_tickets(rows),
        |bulk: &BulkImport<'_>, ticket: &Ticket| bulk.ticket_rowid(&ticket.id),
        |ticket: &Ticket, line, first| id_error(line, twice_ticket(&ticket.id, first)),
    );
    read_beside(
        input,
        names,
        |row, problems| parse_ticket(row, index, problems),
        problems,
        |ticket, line, problems| tickets.push(bulk, problems, ticket, line),
    )?;
    tickets.flush(bulk, problems)?;
    if !problems.is_empty() {
        return Ok(ImportCounts::default());
    }
    Ok(ImportCounts { inserted: tickets.written(), updated: 0, unchanged: 0 })
}

/// What makes a survey answer itself within its account: the stored key.
type AnswerKey = (DateTime<Utc>, SurveyKind, i64, String);

/// The checks of a survey file, row by row: each row's cells, and the same
/// answer given twice (whichever way the rows are then written).
struct SurveyCheck<'i> {
    index: &'i AccountIndex,
    first_lines: FirstLines<AnswerKey, Quick>,
}

impl SurveyCheck<'_> {
    /// One row checked; `None` when it is not good (its problems are in
    /// `problems`). The account is its position in the book's ids.
    fn check(&mut self, row: &Row<'_>, problems: &mut Problems) -> Option<SurveyAnswer> {
        let index = self.index;
        let account = problems
            .take(row.required(0))
            .map(trim)
            .and_then(|id| problems.take(known_account(row, 0, id, index)).map(|at| (id, at)));
        let answered =
            problems.take(row.required(1)).and_then(|t| problems.take(note_time(row, 1, t)));
        let kind = problems.take(row.required(2)).and_then(|t| {
            problems.take(SurveyKind::parse(t).map_err(|e| row.error(2, e.to_string())))
        });
        let score = problems.take(row.required(3)).and_then(|text| {
            let kind = kind?;
            problems.take(score_of(row, text, kind))
        });
        let comment = problems.take(row.cell(4));
        let (Some((account_id, account)), Some(answered), Some(kind), Some(score), Some(comment)) =
            (account, answered, kind, score, comment)
        else {
            return None;
        };
        let comment = comment.unwrap_or_default().trim().to_string();
        let key = (answered, kind, score, comment);
        if let Some(first) = self.first_lines.first(account, key.clone(), row.line) {
            problems.push(row.row_error(format!(
                "the same answer appears twice in this file (first on line {first}); \
                 give answered_at as a time (2025-03-14T09:30:00Z) to tell two respondents apart"
            )));
            return None;
        }
        let (answered_at, kind, score, comment) = key;
        Some(SurveyAnswer { account_id: account_id.to_string(), answered_at, kind, score, comment })
    }
}

/// A score checked against its kind's range.
fn score_of(row: &Row<'_>, text: &str, kind: SurveyKind) -> Result<i64, RowError> {
    let range = kind.range();
    let score = whole_in(row, 3, text, 0, i64::MAX)?;
    if range.contains(&score) {
        return Ok(score);
    }
    Err(row.error(
        3,
        format!("{score} is outside {}–{} for {}", range.start(), range.end(), kind.as_str()),
    ))
}

pub(super) fn surveys<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    problems: &mut Problems,
) -> StoreResult<ImportCounts> {
    let names = SURVEYS.names;
    let (_, index) = account_index(bulk)?;
    let mut check = SurveyCheck { index: &index, first_lines: FirstLines::new() };
    let rows_before = bulk.count_rows(BulkTable::Surveys)?;
    if rows_before == 0 {
        return surveys_into_empty(bulk, input, problems, check);
    }
    let (mut good, mut written) = (0u64, 0u64);
    while let Some(row) = input.next_readable(names, problems) {
        let Some(answer) = check.check(&row, problems) else { continue };
        good += 1;
        if !problems.is_empty() {
            continue;
        }
        if bulk.insert_survey(&answer)? {
            written += 1;
        }
    }
    if !problems.is_empty() {
        return Ok(ImportCounts::default());
    }
    Ok(counts_from(bulk.count_rows(BulkTable::Surveys)?, rows_before, written, good))
}

/// Survey answers into an empty table: read and checked on a second thread
/// (the same [`SurveyCheck`]), written many to a statement. No answer can
/// be stored twice: the check refuses a repeated one, and the table held
/// none. A file with a problem is rolled back whole.
fn surveys_into_empty<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    problems: &mut Problems,
    mut check: SurveyCheck<'_>,
) -> StoreResult<ImportCounts> {
    let mut pending: Vec<SurveyAnswer> = Vec::with_capacity(PENDING_ROWS);
    let mut inserted = 0u64;
    read_beside(
        input,
        SURVEYS.names,
        |row, problems| check.check(row, problems),
        problems,
        |answer, _, _| {
            pending.push(answer);
            if pending.len() >= PENDING_ROWS {
                inserted += bulk.insert_new_surveys(&pending)? as u64;
                pending.clear();
            }
            Ok(())
        },
    )?;
    if !problems.is_empty() {
        return Ok(ImportCounts::default());
    }
    inserted += bulk.insert_new_surveys(&pending)? as u64;
    Ok(ImportCounts { inserted, updated: 0, unchanged: 0 })
}

#[cfg(test)]
mod both_ways;

#[cfg(test)]
mod tests {
    use crate::clock::Clock;
    use crate::import::{ImportKind, import_reader};
    use crate::store::Store;
    use crate::testkit::Book;

    fn store() -> Store {
        Book::new().accounts("id, name\nA, Ay\nB, Bee").open_in_memory()
    }

    fn import(store: &mut Store, kind: ImportKind, text: &str) -> Result<String, String> {
        let clock = Clock::fixed(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("day"));
        import_reader(store, kind, "f.csv", text.as_bytes(), "ana", &clock)
            .map(|report| report.to_string())
            .map_err(|error| error.to_string())
    }

    #[test]
    fn days_are_summed_into_months_exactly() {
        let mut store = store();
        let text = "account_id,date,measure,value\nA,2025-03-01,logins,1.5\nA,2025-03-31,logins,2.25\nA,2025-04-01,logins,3\n";
        assert_eq!(
            import(&mut store, ImportKind::Usage, text).expect("import"),
            "f.csv: 2 usage: 2 inserted, 0 updated, 0 unchanged"
        );
        let usage = store.account_usage("A").expect("usage");
        let values: Vec<String> =
            usage.iter().map(|u| format!("{} {}", u.month, u.value)).collect();
        assert_eq!(values, ["2025-03 3.75", "2025-04 3"]);
        // The same file again changes nothing.
        assert!(
            import(&mut store, ImportKind::Usage, text)
                .expect("again")
                .ends_with("0 inserted, 0 updated, 2 unchanged")
        );
    }

    #[test]
    fn bad_signal_rows_are_refused_where_they_are() {
        let mut store = store();
        let errors = import(
            &mut store,
            ImportKind::Usage,
            "account_id,month,date,measure,value\nA,2025-03,,logins,1\nA,2025-04,2025-04-02,logins,1\nA,2025-05,,logins,1.2345\nA,2025-03,,logins,2\n",
        )
        .expect_err("refused");
        assert!(errors.contains("f.csv:3:3: date: this file gives usage per month"), "{errors}");
        assert!(
            errors.contains("f.csv:4:5: value: \"1.2345\" has more than 3 decimals"),
            "{errors}"
        );
        assert!(
            errors.contains("f.csv:5: account A, measure logins, month 2025-03 appears twice"),
            "{errors}"
        );
        let errors = import(
            &mut store,
            ImportKind::Tickets,
            "ticket_id,account_id,opened_at,severity,closed_at\nT1,A,2025-03-02,critical,\nT2,B,2025-03-02,high,2025-03-01\nT3,Z,2025-03-02,low,\n",
        )
        .expect_err("refused");
        assert!(
            errors.contains(
                "f.csv:2:4: severity: \"critical\" is not one of low, normal, high, urgent"
            ),
            "{errors}"
        );
        assert!(
            errors.contains("f.csv:3:5: closed_at: 2025-03-01T00:00:00Z is before opened_at"),
            "{errors}"
        );
        assert!(errors.contains("f.csv:4:2: account_id: \"Z\" is not a known account"), "{errors}");
        let errors = import(
            &mut store,
            ImportKind::Surveys,
            "account_id,answered_at,kind,score\nA,2025-03-02,csat,0\nA,2025-03-02,nps,11\nB,2025-03-02,nps,7\nB,2025-03-02,nps,7\n",
        )
        .expect_err("refused");
        assert!(errors.contains("f.csv:2:4: score: 0 is outside 1–5 for csat"), "{errors}");
        assert!(errors.contains("f.csv:3:4: score: 11 is outside 0–10 for nps"), "{errors}");
        assert!(errors.contains("f.csv:5: the same answer appears twice"), "{errors}");
        assert!(store.account_surveys("B").expect("none").is_empty(), "nothing was written");
    }
}
