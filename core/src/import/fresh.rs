//! Loads into empty tables, the first import of a book: nothing stored can
//! conflict, so rows are checked for repeats here and handed to the bulk
//! writer's multi-row inserts in key order. The rules (every problem
//! reported, all or nothing) are the same as for an import into a stored
//! book; only the way of writing differs. The file is read and its cells
//! checked on a second thread while the connection's thread writes.

use super::cells::{
    AccountIndex, NoteCells, SnapshotCells, parse_contract, parse_note, parse_snapshot,
    twice_contract, twice_note,
};
use super::fast::{Quick, trim};
use super::input::{CsvInput, Row};
use super::{Origin, Problems, RowError};
use crate::domain::{Account, Contract, Month, Note};
use crate::store::StoreResult;
use crate::store::bulk::{
    BulkImport, ImportCounts, LoadedSnapshot, NewSnapshot, ROWS_PER_STATEMENT,
};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{HashMap, HashSet};
use std::io::Read;

/// Rows gathered before they are written: enough for many full statements.
const PENDING_ROWS: usize = 4_096;

/// One account's consecutive snapshot rows, with their lines.
struct Run {
    account: Option<u32>,
    rows: Vec<(NewSnapshot, u64)>,
}

/// Rows parsed on the reading thread, on their way to the writing one.
#[derive(Default)]
struct Batch {
    /// Products named for the first time in this batch, in the order of
    /// their positions.
    products: Vec<String>,
    rows: Vec<Parsed>,
}

/// One data row as read: its account (`None` when unknown, or when the row
/// could not be read), and the snapshot when every cell was good.
struct Parsed {
    account: Option<u32>,
    snapshot: Option<NewSnapshot>,
    line: u64,
}

/// Batches in flight between the two threads: enough to ride out a slow
/// write without holding much of the file in memory.
const BATCHES_IN_FLIGHT: usize = 4;

/// Snapshots into an empty table. Rows are gathered per account (the usual
/// export gives each account's rows together), sorted into key order
/// (product, month) so that repeats sit side by side, and written in
/// batches. An account whose rows come back later in the file is checked
/// against what was already written for it.
///
/// The file is read and its cells checked on a second thread while this
/// one writes: reading and checking are a quarter of the work, and the
/// writing cannot be shared. The problems of both are reported together,
/// in file order.
pub(super) fn snapshots<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    problems: &mut Problems,
    ids: &[String],
    index: &AccountIndex,
) -> StoreResult<ImportCounts> {
    // The bookkeeping triggers are dropped for the load; the derived facts
    // are written from the loaded rows at the end instead.
    bulk.suspend_snapshot_triggers()?;
    let file = input.file_name().to_string();
    let mut load = Load {
        file,
        ids,
        products: Vec::new(),
        seen: vec![false; ids.len()],
        pending: Vec::with_capacity(PENDING_ROWS + 512),
        loaded: Vec::new(),
    };
    let (send, receive) = std::sync::mpsc::sync_channel(BATCHES_IN_FLIGHT);
    let (written, read_problems) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| read_snapshots(input, index, send));
        // Returning drops the receiving end, so a reader still going stops.
        let written = load.write_batches(bulk, receive, problems);
        let read_problems = reader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (written, read_problems)
    });
    problems.absorb(read_problems);
    written?;
    if !problems.is_empty() {
        return Ok(ImportCounts::default());
    }
    let inserted = load.loaded.len() as u64;
    bulk.derive_from_loaded(ids, &load.products, &mut load.loaded)?;
    Ok(ImportCounts { inserted, updated: 0, unchanged: 0 })
}

/// The reading thread: every row parsed and checked, sent in batches;
/// returns the problems found. Stops early when the writer has stopped.
fn read_snapshots<R: Read>(
    input: &mut CsvInput<R>,
    index: &AccountIndex,
    send: std::sync::mpsc::SyncSender<Batch>,
) -> Problems {
    let names = super::records::columns(super::ImportKind::Snapshots).names;
    let mut problems = Problems::default();
    let mut products: HashMap<String, u32, Quick> = HashMap::default();
    let mut batch = Batch { products: Vec::new(), rows: Vec::with_capacity(PENDING_ROWS) };
    loop {
        let row = match input.next_row(names) {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(error) => {
                // An unreadable row ends the account's run like any other.
                let line = error.line;
                problems.push(error);
                batch.rows.push(Parsed { account: None, snapshot: None, line });
                continue;
            }
        };
        let account = row.required(0).ok().and_then(|id| index.get(trim(id)).copied());
        let snapshot = parse_snapshot(&row, index, &mut problems).map(|cells| {
            let SnapshotCells { account, month, product, arr, units, .. } = cells;
            let product = match products.get(product) {
                Some(&at) => at,
                None => {
                    // The writer learns the name with the batch that first uses it.
                    let at = products.len() as u32;
                    products.insert(product.to_string(), at);
                    batch.products.push(product.to_string());
                    at
                }
            };
            NewSnapshot { account, product, month, arr, units }
        });
        batch.rows.push(Parsed { account, snapshot, line: row.line });
        if batch.rows.len() >= PENDING_ROWS {
            let full = std::mem::replace(
                &mut batch,
                Batch { products: Vec::new(), rows: Vec::with_capacity(PENDING_ROWS) },
            );
            if send.send(full).is_err() {
                return problems;
            }
        }
    }
    let _ = send.send(batch);
    problems
}

/// The state of one snapshot load.
struct Load<'a> {
    file: String,
    ids: &'a [String],
    products: Vec<String>,
    /// Accounts whose rows were already gathered once.
    seen: Vec<bool>,
    pending: Vec<NewSnapshot>,
    loaded: Vec<LoadedSnapshot>,
}

impl Load<'_> {
    /// The writing thread: the parsed rows gathered into runs of one
    /// account, each checked for repeats and written.
    fn write_batches(
        &mut self,
        bulk: &mut BulkImport<'_>,
        receive: std::sync::mpsc::Receiver<Batch>,
        problems: &mut Problems,
    ) -> StoreResult<()> {
        let mut run = Run { account: None, rows: Vec::new() };
        for batch in receive {
            self.products.extend(batch.products);
            for parsed in batch.rows {
                // A row of another account (or of none) ends the run.
                if run.account.is_none() || parsed.account != run.account {
                    self.finish(bulk, &mut run, problems)?;
                    run.account = parsed.account;
                }
                if let Some(snapshot) = parsed.snapshot {
                    run.rows.push((snapshot, parsed.line));
                }
            }
        }
        self.finish(bulk, &mut run, problems)?;
        self.flush(bulk)
    }

    /// Checks the run's rows for repeats and queues them for writing.
    /// Writing goes on after a problem (it is all rolled back) so that the
    /// check against written rows keeps finding repeats.
    fn finish(
        &mut self,
        bulk: &mut BulkImport<'_>,
        run: &mut Run,
        problems: &mut Problems,
    ) -> StoreResult<()> {
        let Some(account) = run.account.take() else {
            run.rows.clear();
            return Ok(());
        };
        if run.rows.is_empty() {
            return Ok(());
        }
        let products = &self.products;
        // Stable: of two equal keys the later line stays second.
        run.rows.sort_by(|(a, _), (b, _)| {
            products[a.product as usize]
                .cmp(&products[b.product as usize])
                .then(a.month.cmp(&b.month))
        });
        let seen = std::mem::replace(&mut self.seen[account as usize], true);
        let mut written: HashSet<(String, Month)> = HashSet::new();
        if seen {
            // The account's rows came in more than one place: compare with
            // what is already written for it.
            self.flush(bulk)?;
            let id = self.ids.get(account as usize).map_or("", String::as_str);
            written = bulk.snapshot_keys(id)?.into_iter().collect();
        }
        let loaded_from = self.loaded.len();
        let mut repeats: Vec<RowError> = Vec::new();
        let mut previous: Option<(u32, Month)> = None;
        for (row, line) in run.rows.drain(..) {
            let key = (row.product, row.month);
            let product = &self.products[row.product as usize];
            if previous == Some(key) || (seen && written.contains(&(product.clone(), row.month))) {
                let id = self.ids.get(account as usize).map_or("", String::as_str);
                let message = format!(
                    "account {id}, product {product}, month {} appears twice in this file",
                    row.month
                );
                repeats.push(RowError::at(&self.file, line, message));
                continue;
            }
            previous = Some(key);
            self.loaded.push(LoadedSnapshot {
                account,
                product: row.product,
                month: row.month.0,
                cents: row.arr.0,
                units: row.units.unwrap_or(0),
                has_units: row.units.is_some(),
            });
            self.pending.push(row);
        }
        // The derived facts want each account's rows by month: sorted here,
        // a run at a time, the whole load is usually in order already.
        self.loaded[loaded_from..].sort_by_key(|snapshot| snapshot.month);
        repeats.sort_by_key(|error| error.line);
        for error in repeats {
            problems.push(error);
        }
        if self.pending.len() >= PENDING_ROWS {
            self.flush_whole_statements(bulk)?;
        }
        Ok(())
    }

    /// Writes every queued row.
    fn flush(&mut self, bulk: &mut BulkImport<'_>) -> StoreResult<()> {
        bulk.insert_snapshots(self.ids, &self.products, &self.pending)?;
        self.pending.clear();
        Ok(())
    }

    /// Writes the queued rows that fill whole statements and keeps the rest
    /// for the next time: a short last statement of a different length each
    /// time would be prepared anew each time (and push the full one out of
    /// the statement cache).
    fn flush_whole_statements(&mut self, bulk: &mut BulkImport<'_>) -> StoreResult<()> {
        let whole = self.pending.len() - self.pending.len() % ROWS_PER_STATEMENT;
        bulk.insert_snapshots(self.ids, &self.products, &self.pending[..whole])?;
        self.pending.drain(..whole);
        Ok(())
    }
}

/// Accounts into an empty book: read and checked on a second thread (see
/// [`read_beside`]) while this one writes them. The usual file gives them
/// in id order: each account whose id follows the last one written is
/// written at once, batch by batch, landing at the end of the table (no id
/// written so far can repeat it). The few that come out of order wait,
/// sorted at the end so that an id given twice sits beside its first copy
/// (or is found among those written, which always came first), and are
/// written then. The first stage and health go into the history last.
/// (The history's indexes stay: its rows are written in account order, so
/// each lands at the end of its index, cheaper than a rebuild.)
pub(super) fn accounts<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    origin: &Origin<'_>,
    reason: &str,
    problems: &mut Problems,
) -> StoreResult<ImportCounts> {
    let names = super::records::columns(super::ImportKind::Accounts).names;
    let id_error = input.cell_error_maker(names, 0);
    let stored = HashMap::new();
    // Each id written in order, with its line: ascending.
    let mut in_order: Vec<(String, u64)> = Vec::new();
    let mut pending: Vec<Account> = Vec::with_capacity(PENDING_ROWS);
    let mut later: Vec<(Account, u64)> = Vec::new();
    read_beside(
        input,
        names,
        |row, problems| super::records::parse_account(row, &stored, problems),
        problems,
        |account, line, _| {
            if in_order.last().is_some_and(|(last, _)| account.id <= *last) {
                later.push((account, line));
                return Ok(());
            }
            in_order.push((account.id.clone(), line));
            pending.push(account);
            if pending.len() >= PENDING_ROWS {
                // Written even after a problem: the import is then rolled back.
                bulk.insert_new_account_rows(&pending, origin.today)?;
                pending.clear();
            }
            Ok(())
        },
    )?;
    bulk.insert_new_account_rows(&pending, origin.today)?;
    if let Some(landing) = bulk.landing() {
        // The columns a header carries are every row's.
        let carries = |column: usize| input.carries(column);
        let ids = in_order.iter().map(|(id, _)| id).chain(later.iter().map(|(a, _)| &a.id));
        for id in ids {
            landing.note(id, false, carries);
        }
    }
    // Stable: of two rows with one id, the earlier line stays first.
    later.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    let mut accounts: Vec<Account> = Vec::with_capacity(later.len());
    let mut first_line = 0;
    let mut last_id: Option<String> = None;
    for (account, line) in later {
        let written = in_order.binary_search_by(|(id, _)| id.as_str().cmp(&account.id));
        let first = match written {
            Ok(at) => in_order.get(at).map(|(_, line)| *line),
            Err(_) if last_id.as_deref() == Some(account.id.as_str()) => Some(first_line),
            Err(_) => None,
        };
        if let Some(first) = first {
            let message =
                format!("{:?} appears twice in this file (first on line {first})", account.id);
            problems.push(id_error(line, message));
            continue;
        }
        first_line = line;
        last_id = Some(account.id.clone());
        accounts.push(account);
    }
    if !problems.is_empty() {
        return Ok(ImportCounts::default());
    }
    bulk.insert_new_account_rows(&accounts, origin.today)?;
    bulk.start_new_accounts_history(origin.now, origin.who, reason)?;
    let inserted = (in_order.len() + accounts.len()) as u64;
    Ok(ImportCounts { inserted, updated: 0, unchanged: 0 })
}

/// Notes into an empty table, written many to a statement; the table's
/// unique key (account, time, text) finds a note given twice (see
/// [`Keyed`]). The last touches are taken from the notes as they are read.
/// The file is read and checked on a second thread (see [`read_beside`]).
pub(super) fn notes<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    problems: &mut Problems,
    ids: &[String],
    index: &AccountIndex,
) -> StoreResult<ImportCounts> {
    let names = super::records::columns(super::ImportKind::Notes).names;
    let file = input.file_name().to_string();
    let mut notes = Keyed::new(
        |bulk: &mut BulkImport<'_>, rows: &[Note]| bulk.insert_new_notes(rows),
        |bulk: &BulkImport<'_>, note: &Note| bulk.note_id(note),
        |note: &Note, line, first| match first {
            0 => RowError::at(&file, line, crate::store::bulk::key_shared(note)),
            first => RowError::at(&file, line, twice_note(note, first)),
        },
    );
    let mut last_touch: Vec<Option<DateTime<Utc>>> = vec![None; ids.len()];
    let touch_kinds = bulk.touch_kinds()?;
    read_beside(
        input,
        names,
        |row, problems| parse_note(row, index, problems),
        problems,
        |NoteCells { account, note, .. }, line, problems| {
            if note.kind.is_touch_in(&touch_kinds) {
                let latest = &mut last_touch[account as usize];
                *latest = (*latest).max(Some(note.at));
            }
            notes.push(bulk, problems, note, line)
        },
    )?;
    notes.flush(bulk, problems)?;
    if !problems.is_empty() {
        return Ok(ImportCounts::default());
    }
    let touches: Vec<(&str, NaiveDate)> = ids
        .iter()
        .zip(&last_touch)
        .filter_map(|(id, at)| at.map(|at| (id.as_str(), at.date_naive())))
        .collect();
    bulk.set_last_touches(&touches)?;
    Ok(ImportCounts { inserted: notes.written(), updated: 0, unchanged: 0 })
}

/// Contracts into an empty table, written many to a statement; the unique
/// contract id finds one given twice (see [`Keyed`]). The file is read and
/// checked on a second thread (see [`read_beside`]).
pub(super) fn contracts<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    problems: &mut Problems,
    index: &AccountIndex,
) -> StoreResult<ImportCounts> {
    let names = super::records::columns(super::ImportKind::Contracts).names;
    let id_error = input.cell_error_maker(names, 0);
    let mut contracts = Keyed::new(
        |bulk: &mut BulkImport<'_>, rows: &[Contract]| bulk.insert_new_contracts(rows),
        |bulk: &BulkImport<'_>, contract: &Contract| bulk.contract_rowid(&contract.id),
        |contract: &Contract, line, first| id_error(line, twice_contract(&contract.id, first)),
    );
    read_beside(
        input,
        names,
        |row, problems| parse_contract(row, index, problems),
        problems,
        |contract, line, problems| contracts.push(bulk, problems, contract, line),
    )?;
    contracts.flush(bulk, problems)?;
    if !problems.is_empty() {
        return Ok(ImportCounts::default());
    }
    Ok(ImportCounts { inserted: contracts.written(), updated: 0, unchanged: 0 })
}

/// Reads the rows of `input` and checks each with `parse` on a second
/// thread, while this one hands every good row, with its line, to `write`:
/// reading and checking cost about as much as writing a row, and only the
/// writing must stay on the connection's thread. The problems of both
/// sides end up in `problems` (listed in file order when reported).
pub(super) fn read_beside<R, T>(
    input: &mut CsvInput<R>,
    names: &'static [&'static str],
    mut parse: impl FnMut(&Row<'_>, &mut Problems) -> Option<T> + Send,
    problems: &mut Problems,
    mut write: impl FnMut(T, u64, &mut Problems) -> StoreResult<()>,
) -> StoreResult<()>
where
    R: Read + Send,
    T: Send,
{
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<(T, u64)>>(BATCHES_IN_FLIGHT);
    let mut reader = move |send: std::sync::mpsc::SyncSender<Vec<(T, u64)>>| {
        let mut problems = Problems::default();
        let mut batch = Vec::with_capacity(PENDING_ROWS);
        while let Some(row) = input.next_readable(names, &mut problems) {
            if let Some(parsed) = parse(&row, &mut problems) {
                batch.push((parsed, row.line));
            }
            if batch.len() >= PENDING_ROWS {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(PENDING_ROWS));
                if send.send(full).is_err() {
                    // The writer stopped: its error is the one to report.
                    return problems;
                }
            }
        }
        let _ = send.send(batch);
        problems
    };
    let (written, read_problems) = std::thread::scope(|scope| {
        let reading = scope.spawn(move || reader(send));
        let written = (|| {
            for batch in receive {
                for (parsed, line) in batch {
                    write(parsed, line, problems)?;
                }
            }
            Ok(())
        })();
        let read_problems = reading.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (written, read_problems)
    });
    problems.absorb(read_problems);
    written
}

/// Rows for an empty table whose unique key finds repeats: gathered, then
/// written with `INSERT OR IGNORE` many to a statement. A batch that wrote
/// fewer rows than it was given is looked at row by row: the rows' ids,
/// given in the order written from 1 on, lead to the first copy's line.
/// Writing goes on after a problem (it is all rolled back) so that repeats
/// keep being found.
pub(super) struct Keyed<T, W, I, E> {
    pending: Vec<T>,
    pending_lines: Vec<u64>,
    /// The line of each written row, by id − 1.
    lines: Vec<u64>,
    write: W,
    id_of: I,
    twice: E,
}

impl<T, W, I, E> Keyed<T, W, I, E>
where
    W: FnMut(&mut BulkImport<'_>, &[T]) -> StoreResult<usize>,
    I: FnMut(&BulkImport<'_>, &T) -> StoreResult<Option<i64>>,
    E: FnMut(&T, u64, u64) -> RowError,
{
    pub(super) fn new(write: W, id_of: I, twice: E) -> Self {
        Keyed {
            pending: Vec::with_capacity(PENDING_ROWS),
            pending_lines: Vec::with_capacity(PENDING_ROWS),
            lines: Vec::new(),
            write,
            id_of,
            twice,
        }
    }

    pub(super) fn push(
        &mut self,
        bulk: &mut BulkImport<'_>,
        problems: &mut Problems,
        row: T,
        line: u64,
    ) -> StoreResult<()> {
        self.pending.push(row);
        self.pending_lines.push(line);
        if self.pending.len() >= PENDING_ROWS {
            self.flush(bulk, problems)?;
        }
        Ok(())
    }

    pub(super) fn written(&self) -> u64 {
        self.lines.len() as u64
    }

    pub(super) fn flush(
        &mut self,
        bulk: &mut BulkImport<'_>,
        problems: &mut Problems,
    ) -> StoreResult<()> {
        let written = (self.write)(bulk, &self.pending)?;
        if written == self.pending.len() {
            self.lines.append(&mut self.pending_lines);
        } else {
            // A row written by this batch has an id past every earlier one.
            for (row, &line) in self.pending.iter().zip(&self.pending_lines) {
                let Some(id) = (self.id_of)(bulk, row)?.and_then(|id| usize::try_from(id).ok())
                else {
                    // Not written, and no stored row with its key: its key
                    // is another row's (a note's text hash, see `note_key`).
                    problems.push((self.twice)(row, line, 0));
                    continue;
                };
                if id > self.lines.len() {
                    self.lines.resize(id, 0);
                    self.lines[id - 1] = line;
                } else if let Some(&first) = id.checked_sub(1).and_then(|i| self.lines.get(i)) {
                    problems.push((self.twice)(row, line, first));
                }
            }
        }
        self.pending.clear();
        self.pending_lines.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests;
