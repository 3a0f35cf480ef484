//! The import of the measured signals: usage (per month, or per day summed
//! into months), support tickets and survey answers. Cells are checked
//! through `Row` and `cells` as every other kind's are, so profiles and
//! messages apply alike; rows go to the store's signal writers.

use super::cells::{
    account_index, date, known_account, month, note_time, optional_parsed, whole_in,
};
use super::fast::trim;
use super::input::CsvInput;
use super::kinds::counts_from;
use super::records::{SURVEYS, TICKETS, USAGE};
use super::{Problems, RowError};
use crate::domain::Month;
use crate::domain::signals::{Severity, SurveyAnswer, SurveyKind, Ticket, UsageValue};
use crate::store::StoreResult;
use crate::store::bulk::{BulkImport, BulkTable, ImportCounts, rfc3339};
use chrono::Datelike;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;

const MONTH: usize = 3;
const DATE: usize = 4;

pub(super) fn usage<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    problems: &mut Problems,
) -> StoreResult<ImportCounts> {
    let names = USAGE.names;
    // A file is per month or per day; one with both columns (as export
    // writes) is read the way its first row gives.
    let mut daily = match (input.has_column(MONTH), input.has_column(DATE)) {
        (true, false) => Some(false),
        (false, true) => Some(true),
        (true, true) => None,
        (false, false) => {
            problems.push(RowError::at(
                input.file_name(),
                1,
                "missing required column month (or date, for usage per day)".to_string(),
            ));
            return Ok(ImportCounts::default());
        }
    };
    let (_, index) = account_index(bulk)?;
    let rows_before = bulk.count_rows(BulkTable::Usage)?;
    let mut measures: HashMap<String, u32> = HashMap::new();
    // (account, measure, month or day number) → first line.
    let mut first_line: HashMap<(u32, u32, i32), u64> = HashMap::new();
    // Per day: the sums per (account, measure, month), written at the end.
    let mut sums: BTreeMap<(u32, u32, i32), (String, String, i64)> = BTreeMap::new();
    let (mut good, mut written) = (0u64, 0u64);
    let mut months_seen: std::collections::BTreeSet<(u32, i32)> = Default::default();
    while let Some(row) = input.next_readable(names, problems) {
        let account = problems.take(row.required(0)).and_then(|id| {
            problems.take(known_account(&row, 0, trim(id), &index).map(|i| (trim(id), i)))
        });
        let measure = problems.take(row.required(1)).map(trim);
        let value = problems
            .take(row.required(2))
            .and_then(|text| problems.take(UsageValue::parse(text).map_err(|e| row.error(2, e))));
        let given = |column| row.optional(column).ok().flatten().is_some();
        let daily = *daily.get_or_insert(!given(MONTH) && given(DATE));
        let other = if daily { MONTH } else { DATE };
        if given(other) {
            let (this, that) = if daily { ("date", "month") } else { ("month", "date") };
            problems.push(row.error(
                other,
                format!("this file gives usage per {this}; leave {that} empty (one file is per month or per day)"),
            ));
            continue;
        }
        let when = if daily {
            problems.take(row.required(DATE)).and_then(|text| {
                problems
                    .take(date(&row, DATE, text))
                    .map(|day| (Month::of(day), day.num_days_from_ce()))
            })
        } else {
            problems
                .take(row.required(MONTH))
                .and_then(|text| problems.take(month(&row, MONTH, text)).map(|m| (m, m.0)))
        };
        let (Some((account_id, account)), Some(measure), Some(value), Some((month, key))) =
            (account, measure, value, when)
        else {
            continue;
        };
        let next = measures.len() as u32;
        let measure_index = *measures.entry(measure.to_string()).or_insert(next);
        if let Some(first) = first_line.get(&(account, measure_index, key)) {
            let what = if daily { "date" } else { "month" };
            problems.push(row.row_error(format!(
                "account {account_id}, measure {measure}, {what} {} appears twice in this file (first on line {first})",
                if daily { row.cell(DATE).ok().flatten().map(trim).unwrap_or("") } else { row.cell(MONTH).ok().flatten().map(trim).unwrap_or("") }
            )));
            continue;
        }
        first_line.insert((account, measure_index, key), row.line);
        months_seen.insert((measure_index, month.0));
        if !problems.is_empty() {
            continue;
        }
        if daily {
            let sum = sums
                .entry((account, measure_index, month.0))
                .or_insert_with(|| (account_id.to_string(), measure.to_string(), 0));
            sum.2 = sum.2.saturating_add(value.0);
            continue;
        }
        good += 1;
        if bulk.upsert_usage(account_id, measure, month, value)? {
            written += 1;
        }
    }
    if !problems.is_empty() {
        return Ok(ImportCounts::default());
    }
    let mut names_of = vec![String::new(); measures.len()];
    for (name, index) in measures {
        names_of[index as usize] = name;
    }
    let months: Vec<(String, Month)> = months_seen
        .into_iter()
        .map(|(m, month)| (names_of[m as usize].clone(), Month(month)))
        .collect();
    bulk.note_usage_months(&months)?;
    for ((_, _, month), (account_id, measure, sum)) in sums {
        good += 1;
        if bulk.upsert_usage(&account_id, &measure, Month(month), UsageValue(sum))? {
            written += 1;
        }
    }
    Ok(counts_from(bulk.count_rows(BulkTable::Usage)?, rows_before, written, good))
}

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
