//! The import of the measured signals: support tickets and survey answers
//! (usage has its own module, `usage`). Cells are checked
//! through `Row` and `cells` as every other kind's are, so profiles and
//! messages apply alike; rows go to the store's signal writers.

use super::Problems;
use super::cells::{account_index, known_account, note_time, optional_parsed, whole_in};
use super::fast::trim;
use super::input::CsvInput;
use super::kinds::counts_from;
use super::records::{SURVEYS, TICKETS};
use crate::domain::signals::{Severity, SurveyAnswer, SurveyKind, Ticket};
use crate::store::StoreResult;
use crate::store::bulk::{BulkImport, BulkTable, ImportCounts, rfc3339};
use std::collections::HashMap;
use std::io::Read;

pub(super) fn tickets<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    problems: &mut Problems,
) -> StoreResult<ImportCounts> {
    let names = TICKETS.names;
    let (_, index) = account_index(bulk)?;
    let rows_before = bulk.count_rows(BulkTable::Tickets)?;
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let (mut good, mut written) = (0u64, 0u64);
    while let Some(row) = input.next_readable(names, problems) {
        let id = problems.take(row.required(0)).map(trim);
        let account = problems
            .take(row.required(1))
            .map(trim)
            .filter(|id| problems.take(known_account(&row, 1, id, &index)).is_some());
        let opened =
            problems.take(row.required(2)).and_then(|t| problems.take(note_time(&row, 2, t)));
        let severity = problems.take(row.required(3)).and_then(|t| {
            problems.take(Severity::parse(t).map_err(|e| row.error(3, e.to_string())))
        });
        let closed = optional_parsed(&row, 4, problems, note_time);
        let subject = problems.take(row.cell(5));
        let (Some(id), Some(account), Some(opened), Some(severity), Some(closed), Some(subject)) =
            (id, account, opened, severity, closed, subject)
        else {
            continue;
        };
        if let Some(closed) = closed.filter(|closed| *closed < opened) {
            problems.push(
                row.error(
                    4,
                    format!("{} is before opened_at {}", rfc3339(closed), rfc3339(opened)),
                ),
            );
            continue;
        }
        if let Some(first) = first_line.get(id) {
            problems.push(
                row.error(0, format!("{id:?} appears twice in this file (first on line {first})")),
            );
            continue;
        }
        first_line.insert(id.to_string(), row.line);
        good += 1;
        if !problems.is_empty() {
            continue;
        }
        let ticket = Ticket {
            id: id.to_string(),
            account_id: account.to_string(),
            opened_at: opened,
            severity,
            closed_at: closed,
            subject: subject.unwrap_or_default().trim().to_string(),
        };
        if bulk.upsert_ticket(&ticket)? {
            written += 1;
        }
    }
    if !problems.is_empty() {
        return Ok(ImportCounts::default());
    }
    Ok(counts_from(bulk.count_rows(BulkTable::Tickets)?, rows_before, written, good))
}

pub(super) fn surveys<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    problems: &mut Problems,
) -> StoreResult<ImportCounts> {
    let names = SURVEYS.names;
    let (_, index) = account_index(bulk)?;
    let rows_before = bulk.count_rows(BulkTable::Surveys)?;
    let mut first_line: HashMap<(String, String, SurveyKind, i64, String), u64> = HashMap::new();
    let (mut good, mut written) = (0u64, 0u64);
    while let Some(row) = input.next_readable(names, problems) {
        let account = problems
            .take(row.required(0))
            .map(trim)
            .filter(|id| problems.take(known_account(&row, 0, id, &index)).is_some());
        let answered =
            problems.take(row.required(1)).and_then(|t| problems.take(note_time(&row, 1, t)));
        let kind = problems.take(row.required(2)).and_then(|t| {
            problems.take(SurveyKind::parse(t).map_err(|e| row.error(2, e.to_string())))
        });
        let score = problems.take(row.required(3)).and_then(|text| match kind {
            Some(kind) => {
                let range = kind.range();
                problems.take(whole_in(&row, 3, text, 0, i64::MAX).and_then(|score| {
                    if range.contains(&score) {
                        Ok(score)
                    } else {
                        Err(row.error(
                            3,
                            format!(
                                "{score} is outside {}–{} for {}",
                                range.start(),
                                range.end(),
                                kind.as_str()
                            ),
                        ))
                    }
                }))
            }
            None => None,
        });
        let comment = problems.take(row.cell(4));
        let (Some(account), Some(answered), Some(kind), Some(score), Some(comment)) =
            (account, answered, kind, score, comment)
        else {
            continue;
        };
        let answer = SurveyAnswer {
            account_id: account.to_string(),
            answered_at: answered,
            kind,
            score,
            comment: comment.unwrap_or_default().trim().to_string(),
        };
        let key =
            (answer.account_id.clone(), rfc3339(answered), kind, score, answer.comment.clone());
        if let Some(first) = first_line.get(&key) {
            problems.push(row.row_error(format!(
                "the same answer appears twice in this file (first on line {first}); \
                 give answered_at as a time (2025-03-14T09:30:00Z) to tell two respondents apart"
            )));
            continue;
        }
        first_line.insert(key, row.line);
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
