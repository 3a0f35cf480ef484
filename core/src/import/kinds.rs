//! The import of each of the four records into a stored book: the
//! duplicate-key rule per kind, and the hand-over of typed rows to the bulk
//! writer (an empty table goes to `fresh` instead). Writing stops at the
//! first problem (the transaction will be rolled back anyway) but checking
//! goes on, so one run lists every bad row.

use super::cells::{
    NoteCells, SnapshotCells, account_index, parse_contract, parse_note, parse_snapshot,
    twice_contract, twice_note,
};
use super::fast::{FastKey, Quick};
use super::input::CsvInput;
use super::records::{ACCOUNTS, CONTRACTS, NOTES, SNAPSHOTS, parse_account};
use super::{Origin, Problems};
use crate::domain::Month;
use crate::store::StoreResult;
use crate::store::bulk::{
    BulkImport, BulkTable, DerivedScope, ImportCounts, RowOutcome, SnapshotWrite,
};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};
use std::io::Read;

/// Beyond this many touched accounts, the derived facts are refreshed in one
/// pass over the book rather than account by account.
const PER_ACCOUNT_REFRESH: usize = 2_000;

/// The position of the column `sql` in the account record.
fn position(sql: &str) -> usize {
    crate::store::records::ACCOUNT_COLUMNS.iter().position(|c| c.sql == sql).unwrap_or(usize::MAX)
}

pub(super) fn accounts<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    origin: &Origin<'_>,
    problems: &mut Problems,
) -> StoreResult<ImportCounts> {
    let names = ACCOUNTS.names;
    let stored = bulk.stored_accounts()?;
    // The history names the file, not the folders the user typed on the way
    // to it: those say nothing about the change, and on a first import they
    // were a third of the bytes the history wrote.
    let file = std::path::Path::new(origin.file).file_name().and_then(|name| name.to_str());
    let reason = format!("imported from {}", file.unwrap_or(origin.file));
    // The first import of a book: every account is new, written in one go
    // at the end with the indexes built after.
    if stored.is_empty() && bulk.defer_indexes(BulkTable::Accounts)? {
        return super::fresh::accounts(bulk, input, origin, &reason, problems);
    }
    let mut first_line: HashMap<String, u64, Quick> = HashMap::default();
    let mut counts = ImportCounts::default();
    let (stage, health) = (position("stage"), position("health"));
    while let Some(row) = input.next_readable(names, problems) {
        let Some(account) = parse_account(&row, &stored, problems) else { continue };
        if let Some(first) = first_line.get(&account.id) {
            problems.push(row.error(
                0,
                format!("{:?} appears twice in this file (first on line {first})", account.id),
            ));
            continue;
        }
        first_line.insert(account.id.clone(), row.line);
        if !problems.is_empty() {
            continue;
        }
        let before = stored.get(&account.id).map(|s| &s.account);
        let mut stage_moved = before.is_none_or(|b| b.stage != account.stage);
        let mut health_moved =
            account.health.is_some() && before.is_none_or(|b| b.health != account.health);
        if let Some(landing) = bulk.landing() {
            // The team's book data writes the stage and health it gives
            // where they are news to the team (other than its previous file
            // gave), whatever this book held: the history is then the same
            // on every member, whatever reached it first.
            let gives = |column: usize| row.optional(column).ok().flatten().is_some();
            let (new_stage, new_health) = landing.news(
                &account.id,
                account.stage.as_str(),
                account.health.map(|h| h.as_str()),
            );
            if gives(stage) {
                stage_moved = before.is_none() || new_stage;
            }
            if gives(health) {
                health_moved = account.health.is_some() && (before.is_none() || new_health);
            }
            landing.note(&account.id, before.is_some(), |column| {
                row.cell(column).ok().flatten().is_some()
            });
        }
        match before {
            None => {
                bulk.insert_account(&account, origin.today)?;
                counts.add(RowOutcome::Inserted);
            }
            Some(before) if *before == account => counts.add(RowOutcome::Unchanged),
            Some(before) => {
                bulk.update_account(&account, stage_moved, health_moved, origin.today)?;
                counts.add(RowOutcome::Updated);
                // A new CSM takes the account with its open work, as reassigning
                // does (the team's book data moves no task: each member's own
                // tasks travel as their edits).
                if bulk.landing().is_none() {
                    bulk.hand_on_open_tasks(&account.id, &before.csm, &account.csm)?;
                }
            }
        }
        if stage_moved {
            bulk.record_stage_change(&account.id, account.stage, origin.now, origin.who, &reason)?;
        }
        if let (true, Some(health)) = (health_moved, account.health) {
            bulk.record_health_change(&account.id, health, origin.now, origin.who, &reason)?;
        }
    }
    Ok(counts)
}

pub(super) fn snapshots<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    problems: &mut Problems,
) -> StoreResult<ImportCounts> {
    let names = SNAPSHOTS.names;
    let (ids, index) = account_index(bulk)?;
    // Products whose ARR comes from subscriptions take no imported snapshots.
    let from_subscriptions = bulk.subscription_products()?;
    if from_subscriptions.is_empty() && bulk.defer_indexes(BulkTable::Snapshots)? {
        return super::fresh::snapshots(bulk, input, problems, &ids, &index);
    }
    let mut touched = vec![false; ids.len()];
    let mut products: HashMap<String, u32> = HashMap::new();
    // A repeat would silently update, so keys are tracked here.
    let mut keys: HashSet<u64, FastKey> = HashSet::default();
    let latest_before = bulk.latest_month()?;
    let rows_before = bulk.count_rows(BulkTable::Snapshots)?;
    let (mut good, mut written) = (0u64, 0u64);
    while let Some(row) = input.next_readable(names, problems) {
        let Some(cells) = parse_snapshot(&row, &index, problems) else { continue };
        let SnapshotCells { account_id, account, month, product, arr, units } = cells;
        if !from_subscriptions.is_empty()
            && from_subscriptions.contains(&(account_id.to_string(), product.to_string()))
        {
            problems.push(row.error(2, from_subscriptions_message(account_id, product)));
            continue;
        }
        let twice = || {
            row.row_error(format!(
                "account {account_id}, product {product}, month {month} appears twice in this file"
            ))
        };
        let next_product = products.len() as u32;
        let product_index = match products.get(product) {
            Some(&index) => index,
            None => {
                products.insert(product.to_string(), next_product);
                next_product
            }
        };
        if !keys.insert(snapshot_key(account, product_index, month)) {
            problems.push(twice());
            continue;
        }
        if !problems.is_empty() {
            good += 1;
            continue;
        }
        touched[account as usize] = true;
        match bulk.upsert_snapshot(account_id, product, month, arr, units)? {
            SnapshotWrite::Written => written += 1,
            SnapshotWrite::Unchanged => {}
            SnapshotWrite::DuplicateKey => {
                problems.push(twice());
                continue;
            }
        }
        good += 1;
    }
    if !problems.is_empty() {
        return Ok(ImportCounts::default());
    }
    let counts = counts_from(bulk.count_rows(BulkTable::Snapshots)?, rows_before, written, good);
    if counts.inserted + counts.updated > 0 {
        let moved = bulk.latest_month()? != latest_before;
        refresh(bulk, &ids, &touched, moved, DerivedScope::Snapshots)?;
    }
    Ok(counts)
}

pub(super) fn contracts<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    problems: &mut Problems,
) -> StoreResult<ImportCounts> {
    let names = CONTRACTS.names;
    let (_, index) = account_index(bulk)?;
    let derived = bulk.derived_contract_ids()?;
    if bulk.defer_indexes(BulkTable::Contracts)? {
        return super::fresh::contracts(bulk, input, problems, &index);
    }
    let mut first_line: HashMap<String, u64, Quick> = HashMap::default();
    let rows_before = bulk.count_rows(BulkTable::Contracts)?;
    let (mut good, mut written) = (0u64, 0u64);
    while let Some(row) = input.next_readable(names, problems) {
        let Some(contract) = parse_contract(&row, &index, problems) else { continue };
        let id = contract.id.as_str();
        if derived.contains(id) {
            problems.push(row.error(
                0,
                format!(
                    "{id:?} is a contract derived from a subscription; change the \
                     subscription and import subscriptions again"
                ),
            ));
            continue;
        }
        if let Some(first) = first_line.get(id) {
            problems.push(row.error(0, twice_contract(id, *first)));
            continue;
        }
        first_line.insert(id.to_string(), row.line);
        good += 1;
        if !problems.is_empty() {
            continue;
        }
        if bulk.upsert_contract(&contract)? {
            written += 1;
        }
    }
    if !problems.is_empty() {
        return Ok(ImportCounts::default());
    }
    Ok(counts_from(bulk.count_rows(BulkTable::Contracts)?, rows_before, written, good))
}

pub(super) fn notes<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    problems: &mut Problems,
) -> StoreResult<ImportCounts> {
    let names = NOTES.names;
    let (ids, index) = account_index(bulk)?;
    if bulk.defer_indexes(BulkTable::Notes)? {
        return super::fresh::notes(bulk, input, problems, &ids, &index);
    }
    let mut touched = vec![false; ids.len()];
    let mut first_line: HashMap<(u32, DateTime<Utc>, Box<str>), u64, Quick> = HashMap::default();
    let rows_before = bulk.count_rows(BulkTable::Notes)?;
    let (mut good, mut written) = (0u64, 0u64);
    while let Some(row) = input.next_readable(names, problems) {
        let Some(NoteCells { account, note, who_given }) = parse_note(&row, &index, problems)
        else {
            continue;
        };
        let key = (account, note.at, Box::<str>::from(note.text.as_str()));
        if let Some(first) = first_line.get(&key) {
            problems.push(row.row_error(twice_note(&note, *first)));
            continue;
        }
        first_line.insert(key, row.line);
        good += 1;
        if !problems.is_empty() {
            continue;
        }
        touched[account as usize] = true;
        match bulk.upsert_note(&note, who_given)? {
            Some(true) => written += 1,
            Some(false) => {}
            None => problems.push(row.row_error(crate::store::bulk::key_shared(&note))),
        }
    }
    if !problems.is_empty() {
        return Ok(ImportCounts::default());
    }
    let counts = counts_from(bulk.count_rows(BulkTable::Notes)?, rows_before, written, good);
    if counts.inserted + counts.updated > 0 {
        refresh(bulk, &ids, &touched, false, DerivedScope::Touches)?;
    }
    Ok(counts)
}

/// Why a snapshot row of a product billed by subscriptions is refused.
fn from_subscriptions_message(account_id: &str, product: &str) -> String {
    format!(
        "account {account_id}'s ARR of {product} comes from its subscriptions; a product's ARR \
         comes from its subscriptions or from imported snapshots, not both (import the \
         subscriptions again to change it)"
    )
}

/// Upserts report "written" for inserts and real updates alike; the table's
/// growth tells the inserts apart.
pub(super) fn counts_from(
    rows_after: u64,
    rows_before: u64,
    written: u64,
    good: u64,
) -> ImportCounts {
    let inserted = rows_after.saturating_sub(rows_before);
    let updated = written.saturating_sub(inserted);
    ImportCounts { inserted, updated, unchanged: good.saturating_sub(written) }
}

pub(super) fn refresh(
    bulk: &mut BulkImport<'_>,
    ids: &[String],
    touched: &[bool],
    whole_book: bool,
    scope: DerivedScope,
) -> StoreResult<()> {
    let affected: Vec<String> = ids
        .iter()
        .zip(touched)
        .filter(|(_, touched)| **touched)
        .map(|(id, _)| id.clone())
        .collect();
    if whole_book || affected.len() > PER_ACCOUNT_REFRESH {
        bulk.refresh_derived_facts(None, scope)
    } else {
        bulk.refresh_derived_facts(Some(&affected), scope)
    }
}

/// A snapshot's key in 64 bits: account (30), product (17), month (17).
fn snapshot_key(account: u32, product: u32, month: Month) -> u64 {
    let month_bits = (month.0 - 12_000).max(0) as u64 & 0x1_FFFF;
    (u64::from(account) << 34) | (u64::from(product & 0x1_FFFF) << 17) | month_bits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_keys_differ_per_part() {
        let month = Month::parse("2025-03").expect("month");
        let key = snapshot_key(7, 2, month);
        assert_ne!(key, snapshot_key(8, 2, month));
        assert_ne!(key, snapshot_key(7, 3, month));
        assert_ne!(key, snapshot_key(7, 2, month.plus(1)));
        assert_eq!(key, snapshot_key(7, 2, month));
    }

    #[test]
    fn a_csm_changed_by_an_import_takes_the_open_tasks_of_the_one_before() {
        use crate::domain::task::{NewTask, TaskStatus};
        let mut store = crate::testkit::Book::new()
            .accounts(
                "id, name, csm
                 A1, Acme, ann
                 B2, Globex, ann",
            )
            .open_in_memory();
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 4, d).expect("day");
        let at = day(1).and_hms_opt(9, 0, 0).expect("t").and_utc();
        let task = |account: &str, owner: &str, title: &str| NewTask {
            account_id: account.to_string(),
            title: title.to_string(),
            owner: owner.to_string(),
            due_on: day(20),
            steps: Vec::new(),
            playbook: None,
        };
        let open = store.add_task(&task("A1", "ann", "Call the sponsor"), "ann", at).expect("task");
        let done = store.add_task(&task("A1", "ann", "Send the deck"), "ann", at).expect("task");
        store.set_task_status(done, TaskStatus::Done, "ann", at).expect("done");
        let helper = store.add_task(&task("A1", "cy", "Check usage"), "ann", at).expect("task");
        let other = store.add_task(&task("B2", "ann", "QBR"), "ann", at).expect("task");
        let file = "account_id,name,csm\nA1,Acme,bob\nB2,Globex,ann\n";
        let clock = crate::clock::Clock::fixed(day(2));
        crate::import::import_reader(
            &mut store,
            crate::import::ImportKind::Accounts,
            "accounts.csv",
            file.as_bytes(),
            "ops",
            &clock,
        )
        .expect("imports");
        let owner = |id: i64| {
            let tasks = store.account_tasks(if id == other { "B2" } else { "A1" }).expect("tasks");
            tasks.into_iter().find(|t| t.id == id).map(|t| t.owner).expect("task")
        };
        assert_eq!(owner(open), "bob", "ann's open task on A1 is bob's now");
        assert_eq!(owner(done), "ann", "done work keeps who did it");
        assert_eq!(owner(helper), "cy", "someone else's task stays theirs");
        assert_eq!(owner(other), "ann", "B2 kept its CSM");
    }

    #[test]
    fn counts_tell_inserts_from_updates() {
        assert_eq!(
            counts_from(12, 10, 5, 9),
            ImportCounts { inserted: 2, updated: 3, unchanged: 4 }
        );
    }
}
