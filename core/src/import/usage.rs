//! The usage import: per month, or per day summed into months. Every row is
//! checked by one [`UsageCheck`] whichever way it is written: row by row
//! into a table that holds usage already (an upsert per row), or, into an
//! empty table, read and checked on a second thread while this one writes
//! the rows many to a statement in key order, as the book's files are
//! (`fresh`). The problems and the stored rows are the same either way.

use super::cells::{AccountIndex, account_index, date, known_account, month};
use super::fast::{FirstLines, trim};
use super::input::{CsvInput, Row};
use super::kinds::counts_from;
use super::records::USAGE;
use super::{Problems, RowError};
use crate::domain::Month;
use crate::domain::signals::UsageValue;
use crate::store::StoreResult;
use crate::store::bulk::{BulkImport, BulkTable, ImportCounts};
use crate::store::signals::NewUsage;
use chrono::Datelike;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;

const MONTH: usize = 3;
const DATE: usize = 4;

/// Rows gathered before they are written or handed over.
const PENDING_ROWS: usize = 4_096;

/// Batches in flight between the reading and the writing thread.
const BATCHES_IN_FLIGHT: usize = 4;

pub(super) fn usage<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    problems: &mut Problems,
) -> StoreResult<ImportCounts> {
    // A file is per month or per day; one with both columns (as export
    // writes) is read the way its first row gives.
    let daily = match (input.has_column(MONTH), input.has_column(DATE)) {
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
    let (ids, index) = account_index(bulk)?;
    let check = UsageCheck::new(daily);
    let rows_before = bulk.count_rows(BulkTable::Usage)?;
    if rows_before == 0 {
        return into_empty(bulk, input, problems, &ids, &index, check);
    }
    into_stored(bulk, input, problems, &ids, &index, check, rows_before)
}

/// One good row: positions in the book's account ids and the file's measures.
#[derive(Debug, Clone, Copy)]
struct Checked {
    account: u32,
    measure: u32,
    month: Month,
    value: UsageValue,
    /// The row gives a day (summed into its month), not a month.
    daily: bool,
}

/// The checks of a usage file, row by row, and what they must remember:
/// per month or per day, the measures named, the first line of each key
/// (to name it when the key comes again) and the months each measure has.
struct UsageCheck {
    daily: Option<bool>,
    measures: HashMap<String, u32>,
    /// The measures by position.
    names: Vec<String>,
    /// The first line of each account's keys (measure, month or day number).
    first_lines: FirstLines<(u32, i32)>,
    months_seen: BTreeSet<(u32, i32)>,
    /// Per day: the sums per (account, measure, month), written at the end.
    sums: BTreeMap<(u32, u32, i32), i64>,
}

impl UsageCheck {
    fn new(daily: Option<bool>) -> UsageCheck {
        UsageCheck {
            daily,
            measures: HashMap::new(),
            names: Vec::new(),
            first_lines: FirstLines::new(),
            months_seen: BTreeSet::new(),
            sums: BTreeMap::new(),
        }
    }

    /// Checks one row; its problems go to `problems`. `None` when the row
    /// is not good.
    fn check(
        &mut self,
        row: &Row<'_>,
        index: &AccountIndex,
        problems: &mut Problems,
    ) -> Option<Checked> {
        let account = problems.take(row.required(0)).and_then(|id| {
            problems.take(known_account(row, 0, trim(id), index).map(|i| (trim(id), i)))
        });
        let measure = problems.take(row.required(1)).map(trim);
        let value = problems
            .take(row.required(2))
            .and_then(|text| problems.take(UsageValue::parse(text).map_err(|e| row.error(2, e))));
        let given = |column| row.optional(column).ok().flatten().is_some();
        let daily = *self.daily.get_or_insert(!given(MONTH) && given(DATE));
        let other = if daily { MONTH } else { DATE };
        if given(other) {
            let (this, that) = if daily { ("date", "month") } else { ("month", "date") };
            problems.push(row.error(
                other,
                format!("this file gives usage per {this}; leave {that} empty (one file is per month or per day)"),
            ));
            return None;
        }
        let when = if daily {
            problems.take(row.required(DATE)).and_then(|text| {
                problems
                    .take(date(row, DATE, text))
                    .map(|day| (Month::of(day), day.num_days_from_ce()))
            })
        } else {
            problems
                .take(row.required(MONTH))
                .and_then(|text| problems.take(month(row, MONTH, text)).map(|m| (m, m.0)))
        };
        let (Some((account_id, account)), Some(measure), Some(value), Some((month, key))) =
            (account, measure, value, when)
        else {
            return None;
        };
        let measure_index = match self.measures.get(measure) {
            Some(&at) => at,
            None => {
                let at = self.names.len() as u32;
                self.measures.insert(measure.to_string(), at);
                self.names.push(measure.to_string());
                at
            }
        };
        if let Some(first) = self.first_lines.first(account, (measure_index, key), row.line) {
            let what = if daily { "date" } else { "month" };
            let column = if daily { DATE } else { MONTH };
            problems.push(row.row_error(format!(
                "account {account_id}, measure {measure}, {what} {} appears twice in this file (first on line {first})",
                row.cell(column).ok().flatten().map(trim).unwrap_or("")
            )));
            return None;
        }
        self.months_seen.insert((measure_index, month.0));
        Some(Checked { account, measure: measure_index, month, value, daily })
    }

    /// Adds a day's value to its month's sum.
    fn add_day(&mut self, row: Checked) {
        let sum = self.sums.entry((row.account, row.measure, row.month.0)).or_insert(0);
        *sum = sum.saturating_add(row.value.0);
    }

    /// The months each measure has rows in, by the measure's name.
    fn months(&self) -> Vec<(String, Month)> {
        self.months_seen
            .iter()
            .map(|&(measure, month)| (self.names[measure as usize].clone(), Month(month)))
            .collect()
    }

    /// The summed days, one row per account, measure and month.
    fn summed(&mut self) -> impl Iterator<Item = NewUsage> + use<> {
        std::mem::take(&mut self.sums).into_iter().map(|((account, measure, month), sum)| {
            NewUsage { account, measure, month: Month(month), value: UsageValue(sum) }
        })
    }
}

/// Into a table that holds usage already: each good row upserted.
fn into_stored<R: Read>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    problems: &mut Problems,
    ids: &[String],
    index: &AccountIndex,
    mut check: UsageCheck,
    rows_before: u64,
) -> StoreResult<ImportCounts> {
    let (mut good, mut written) = (0u64, 0u64);
    while let Some(row) = input.next_readable(USAGE.names, problems) {
        let Some(checked) = check.check(&row, index, problems) else { continue };
        if !problems.is_empty() {
            continue;
        }
        if checked.daily {
            check.add_day(checked);
            continue;
        }
        good += 1;
        let (id, measure) =
            (&ids[checked.account as usize], &check.names[checked.measure as usize]);
        if bulk.upsert_usage(id, measure, checked.month, checked.value)? {
            written += 1;
        }
    }
    if !problems.is_empty() {
        return Ok(ImportCounts::default());
    }
    bulk.note_usage_months(&check.months())?;
    let names = std::mem::take(&mut check.names);
    for row in check.summed() {
        good += 1;
        let (id, measure) = (&ids[row.account as usize], &names[row.measure as usize]);
        if bulk.upsert_usage(id, measure, row.month, row.value)? {
            written += 1;
        }
    }
    Ok(counts_from(bulk.count_rows(BulkTable::Usage)?, rows_before, written, good))
}

/// Rows on their way from the reading thread to the writing one.
#[derive(Default)]
struct Batch {
    /// Measures named for the first time in this batch, in the order of
    /// their positions.
    measures: Vec<String>,
    rows: Vec<NewUsage>,
}

/// Into an empty table: the file read and checked on a second thread (the
/// same [`UsageCheck`]), while this one gathers each account's rows, puts
/// them in key order (measure, month) and writes them many to a statement.
/// No key can be stored twice: the check refuses a repeated one, and the
/// table held none. Nothing is written once a problem is found.
fn into_empty<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    problems: &mut Problems,
    ids: &[String],
    index: &AccountIndex,
    mut check: UsageCheck,
) -> StoreResult<ImportCounts> {
    let (send, receive) = std::sync::mpsc::sync_channel::<Batch>(BATCHES_IN_FLIGHT);
    let reader = |send: std::sync::mpsc::SyncSender<Batch>| {
        let mut problems = Problems::default();
        let mut told = 0;
        let mut batch = Batch::default();
        while let Some(row) = input.next_readable(USAGE.names, &mut problems) {
            let Some(checked) = check.check(&row, index, &mut problems) else { continue };
            if !problems.is_empty() {
                continue;
            }
            if checked.daily {
                check.add_day(checked);
                continue;
            }
            let Checked { account, measure, month, value, .. } = checked;
            batch.rows.push(NewUsage { account, measure, month, value });
            if batch.rows.len() >= PENDING_ROWS {
                batch.measures.extend_from_slice(&check.names[told..]);
                told = check.names.len();
                if send.send(std::mem::take(&mut batch)).is_err() {
                    // The writer stopped: its error is the one to report.
                    return (problems, check);
                }
            }
        }
        if problems.is_empty() {
            batch.rows.extend(check.summed());
        }
        batch.measures.extend_from_slice(&check.names[told..]);
        let _ = send.send(batch);
        (problems, check)
    };
    let mut load = Load { ids, measures: Vec::new(), run: Vec::new(), pending: Vec::new() };
    let mut inserted = 0u64;
    let (written, (read_problems, check)) = std::thread::scope(|scope| {
        let reading = scope.spawn(move || reader(send));
        let written = (|| {
            for batch in receive {
                load.measures.extend(batch.measures);
                for row in batch.rows {
                    inserted += 1;
                    load.push(bulk, row)?;
                }
            }
            load.finish_run();
            load.flush(bulk)
        })();
        let read = reading.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (written, read)
    });
    problems.absorb(read_problems);
    written?;
    if !problems.is_empty() {
        return Ok(ImportCounts::default());
    }
    bulk.note_usage_months(&check.months())?;
    Ok(ImportCounts { inserted, updated: 0, unchanged: 0 })
}

/// The writing side of a load into an empty table.
struct Load<'a> {
    ids: &'a [String],
    measures: Vec<String>,
    /// One account's consecutive rows, not yet in key order.
    run: Vec<NewUsage>,
    /// Rows in key order, waiting for a full statement.
    pending: Vec<NewUsage>,
}

impl Load<'_> {
    fn push(&mut self, bulk: &mut BulkImport<'_>, row: NewUsage) -> StoreResult<()> {
        if self.run.last().is_some_and(|last| last.account != row.account) {
            self.finish_run();
            if self.pending.len() >= PENDING_ROWS {
                bulk.insert_new_usage(self.ids, &self.measures, &self.pending)?;
                self.pending.clear();
            }
        }
        self.run.push(row);
        Ok(())
    }

    /// Puts the account's rows in the table's key order (measure by name,
    /// then month) and queues them.
    fn finish_run(&mut self) {
        let measures = &self.measures;
        self.run.sort_unstable_by(|a, b| {
            measures[a.measure as usize]
                .cmp(&measures[b.measure as usize])
                .then(a.month.cmp(&b.month))
        });
        self.pending.append(&mut self.run);
    }

    fn flush(&mut self, bulk: &mut BulkImport<'_>) -> StoreResult<()> {
        bulk.insert_new_usage(self.ids, &self.measures, &self.pending)?;
        self.pending.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::clock::Clock;
    use crate::domain::signals::UsageRecord;
    use crate::import::{ImportKind, import_reader};
    use crate::store::Store;
    use crate::testkit::Book;
    use proptest::prelude::*;

    fn clock() -> Clock {
        Clock::fixed(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("day"))
    }

    /// A book of accounts A, B and C; with `stored`, C already has usage, so
    /// an import goes row by row instead of into an empty table.
    fn store(stored: bool) -> Store {
        let mut store = Book::new().accounts("id, name\nA, Ay\nB, Bee\nC, Cee").open_in_memory();
        if stored {
            let seed = "account_id,month,measure,value\nC,2000-01,zz,1\n";
            import_reader(
                &mut store,
                ImportKind::Usage,
                "seed.csv",
                seed.as_bytes(),
                "ana",
                &clock(),
            )
            .expect("seed");
        }
        store
    }

    fn import(store: &mut Store, text: &str) -> Result<String, String> {
        import_reader(store, ImportKind::Usage, "f.csv", text.as_bytes(), "ana", &clock())
            .map(|report| report.to_string())
            .map_err(|error| error.to_string())
    }

    fn rows(store: &Store) -> Vec<UsageRecord> {
        ["A", "B"].iter().flat_map(|id| store.account_usage(id).expect("usage")).collect()
    }

    /// Rows out of key order, an account coming back later in the file, a
    /// measure first named late: the load into an empty table stores what
    /// the row-by-row import stores.
    #[test]
    fn an_empty_table_gets_the_rows_the_stored_one_gets() {
        let text = "account_id,month,measure,value\nB,2025-02,logins,2\nB,2025-01,logins,1.5\n\
                    A,2025-01,seats,4\nB,2025-01,active,3\nA,2025-01,logins,7.125\nB,2025-03,logins,0\n";
        let (mut empty, mut stored) = (store(false), store(true));
        assert_eq!(
            import(&mut empty, text).expect("empty"),
            "f.csv: 6 usage: 6 inserted, 0 updated, 0 unchanged"
        );
        assert_eq!(
            import(&mut stored, text).expect("stored"),
            "f.csv: 6 usage: 6 inserted, 0 updated, 0 unchanged"
        );
        let values: Vec<String> = rows(&empty)
            .iter()
            .map(|u| format!("{} {} {} {}", u.account_id, u.measure, u.month, u.value))
            .collect();
        assert_eq!(
            values,
            [
                "A logins 2025-01 7.125",
                "A seats 2025-01 4",
                "B active 2025-01 3",
                "B logins 2025-01 1.5",
                "B logins 2025-02 2",
                "B logins 2025-03 0",
            ]
        );
        assert_eq!(rows(&stored), rows(&empty));
        assert!(empty.integrity_ok().expect("check"));
    }

    #[test]
    fn days_into_an_empty_table_are_summed_as_into_a_stored_one() {
        let text = "account_id,date,measure,value\nB,2025-03-02,logins,1\nA,2025-03-01,logins,1.5\n\
                    B,2025-03-09,logins,2.5\nA,2025-04-01,logins,3\n";
        let (mut empty, mut stored) = (store(false), store(true));
        let report = import(&mut empty, text).expect("empty");
        assert_eq!(report, import(&mut stored, text).expect("stored"));
        assert_eq!(report, "f.csv: 3 usage: 3 inserted, 0 updated, 0 unchanged");
        assert_eq!(rows(&stored), rows(&empty));
        let b: Vec<String> = rows(&empty)
            .iter()
            .filter(|u| u.account_id == "B")
            .map(|u| u.value.to_string())
            .collect();
        assert_eq!(b, ["3.5"]);
    }

    /// A repeat across accounts' runs, an unknown account, a bad value: the
    /// same messages either way, and nothing written.
    #[test]
    fn an_empty_table_refuses_what_a_stored_one_refuses() {
        let text = "account_id,month,measure,value\nA,2025-01,logins,1\nB,2025-01,logins,1\n\
                    A,2025-01,logins,2\nZ,2025-01,logins,1\nB,2025-02,logins,-1\n";
        let (mut empty, mut stored) = (store(false), store(true));
        let refused = import(&mut empty, text).expect_err("refused");
        assert_eq!(refused, import(&mut stored, text).expect_err("refused"));
        assert!(
            refused.contains(
                "f.csv:4: account A, measure logins, month 2025-01 appears twice in this file (first on line 2)"
            ),
            "{refused}"
        );
        assert!(
            refused.contains("f.csv:5:1: account_id: \"Z\" is not a known account"),
            "{refused}"
        );
        assert!(rows(&empty).is_empty() && rows(&stored).is_empty());
    }

    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => Just("A".to_string()),
            4 => Just("B".to_string()),
            1 => Just("Z".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Any file, good or bad: the load into an empty table and the
        /// row-by-row import agree on the report or on every message, and
        /// on the rows stored.
        #[test]
        fn both_ways_agree(rows_in in proptest::collection::vec(
            (cell(), 1u32..4, 0u32..3, prop_oneof![9 => (0u32..50).prop_map(|v| v.to_string()), 1 => Just("x".to_string())]),
            0..40,
        )) {
            let mut text = "account_id,month,measure,value\n".to_string();
            for (account, month, measure, value) in &rows_in {
                text.push_str(&format!("{account},2025-0{month},m{measure},{value}\n"));
            }
            let (mut empty, mut stored) = (store(false), store(true));
            let (a, b) = (import(&mut empty, &text), import(&mut stored, &text));
            match (&a, &b) {
                (Ok(_), Ok(_)) => prop_assert_eq!(rows(&empty), rows(&stored)),
                (Err(a), Err(b)) => {
                    prop_assert_eq!(a, b);
                    prop_assert!(rows(&empty).is_empty());
                }
                _ => prop_assert!(false, "{:?} against {:?}", a, b),
            }
        }
    }
}
