//! The columns of the records the cockpit imports and exports, in
//! export order, required ones first (the account's from its description in
//! `store::records`); and the checking of one account row into an
//! [`Account`] by that description, shared by the import into a stored book
//! and the first import. No writing here.

use super::Problems;
use super::cells::whole_in;
use super::fast::trim;
use super::input::{Columns, Row};
use crate::domain::{Account, Flags, Health, Stage};
use crate::store::records::{ACCOUNT_COLUMNS, ACCOUNT_NAMES, Kind, REQUIRED, Value};
use std::collections::HashMap;

/// The account record's columns, as `store::records` describes them.
pub(super) const ACCOUNTS: Columns = Columns { names: &ACCOUNT_NAMES, required: REQUIRED };
pub(super) const SNAPSHOTS: Columns =
    Columns { names: &["account_id", "month", "product", "arr", "units"], required: 4 };
pub(super) const CONTRACTS: Columns = Columns {
    names: &[
        "contract_id",
        "account_id",
        "product",
        "start_date",
        "end_date",
        "arr",
        "units",
        "billing",
        "terminated_on",
    ],
    required: 6,
};
pub(super) const NOTES: Columns =
    Columns { names: &["account_id", "at", "kind", "text", "who"], required: 4 };
pub(super) const SUBSCRIPTIONS: Columns = Columns {
    names: &[
        "subscription_id",
        "account_id",
        "product",
        "start_date",
        "amount",
        "interval",
        "quantity",
        "ended_on",
    ],
    required: 6,
};

/// Usage gives `month` or `date` (checked by `signals`), so neither is required.
pub(super) const USAGE: Columns =
    Columns { names: &["account_id", "measure", "value", "month", "date"], required: 3 };
pub(super) const TICKETS: Columns = Columns {
    names: &["ticket_id", "account_id", "opened_at", "severity", "closed_at", "subject"],
    required: 4,
};
pub(super) const SURVEYS: Columns =
    Columns { names: &["account_id", "answered_at", "kind", "score", "comment"], required: 4 };

pub(super) const CONTACTS: Columns = Columns {
    names: &["account_id", "name", "email", "role", "title", "left_on", "since"],
    required: 4,
};

pub(super) fn columns(kind: super::ImportKind) -> &'static Columns {
    match kind {
        super::ImportKind::Accounts => &ACCOUNTS,
        super::ImportKind::Snapshots => &SNAPSHOTS,
        super::ImportKind::Contracts => &CONTRACTS,
        super::ImportKind::Notes => &NOTES,
        super::ImportKind::Subscriptions => &SUBSCRIPTIONS,
        super::ImportKind::Usage => &USAGE,
        super::ImportKind::Tickets => &TICKETS,
        super::ImportKind::Surveys => &SURVEYS,
        super::ImportKind::Contacts => &CONTACTS,
    }
}

/// Checks one account row by the record's description, every problem
/// recorded; the stored account (when there is one) keeps what the file
/// leaves out or blank where a blank keeps.
pub(super) fn parse_account(
    row: &Row<'_>,
    stored: &HashMap<String, crate::store::bulk::StoredAccount>,
    problems: &mut Problems,
) -> Option<Account> {
    let id = problems.take(row.required(0)).map(trim);
    let name = problems.take(row.required(1));
    let mut values: Vec<(usize, Value)> = Vec::with_capacity(ACCOUNT_COLUMNS.len());
    // A word given but not understood refuses the row once every cell is checked.
    let mut refused = false;
    for (column, description) in ACCOUNT_COLUMNS.iter().enumerate().skip(REQUIRED) {
        // A word column: `None` when absent or blank (the stored word stays).
        let word = |problems: &mut Problems| problems.take(row.optional(column)).flatten();
        match description.kind {
            // The required ones are read above.
            Kind::Id | Kind::Name => {}
            Kind::Text => {
                if let Some(text) = problems.take(row.cell(column)).flatten() {
                    values.push((column, Value::Text(text.to_string())));
                }
            }
            Kind::Stage => {
                if let Some(text) = word(problems) {
                    match Stage::parse(text) {
                        Ok(stage) => values.push((column, Value::Stage(stage))),
                        Err(e) => {
                            problems.push(row.error(column, e.to_string()));
                            refused = true;
                        }
                    }
                }
            }
            Kind::Health => {
                if let Some(text) = word(problems) {
                    match Health::parse(text) {
                        Ok(health) => values.push((column, Value::Health(Some(health)))),
                        Err(e) => {
                            problems.push(row.error(column, e.to_string()));
                            refused = true;
                        }
                    }
                }
            }
            Kind::Whole { min, max } => {
                if let Some(cell) = problems.take(row.cell(column)).flatten() {
                    // A bad number refuses the row once the other cells are
                    // checked too: every problem of the row is listed.
                    match trim(cell) {
                        "" => values.push((column, Value::Whole(None))),
                        text => match problems.take(whole_in(row, column, text, min, max)) {
                            Some(number) => values.push((column, Value::Whole(Some(number)))),
                            None => refused = true,
                        },
                    }
                }
            }
            Kind::Flags => {
                if let Some(text) = problems.take(row.cell(column)).flatten() {
                    let flags = Flags::parse(text).map_err(|e| row.error(column, e.to_string()));
                    match problems.take(flags) {
                        Some(flags) => values.push((column, Value::Flags(flags))),
                        None => refused = true,
                    }
                }
            }
        }
    }
    let (id, name) = (id?, name?);
    if refused {
        return None;
    }
    let mut account =
        stored.get(id).map(|s| s.account.clone()).unwrap_or_else(|| Account::new(id, name));
    account.name = name.to_string();
    for (column, value) in values {
        (ACCOUNT_COLUMNS[column].set)(&mut account, value);
    }
    Some(account)
}

#[cfg(test)]
mod tests {
    use crate::clock::Clock;
    use crate::import::{ImportKind, import_reader};
    use crate::store::Store;
    use crate::testkit::Book;

    fn day() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("day")
    }

    fn import(store: &mut Store, kind: ImportKind, text: &[u8]) -> Result<String, String> {
        let clock = Clock::fixed(day());
        import_reader(store, kind, "two.csv", text, "ana", &clock)
            .map(|report| report.to_string())
            .map_err(|error| error.to_string())
    }

    #[test]
    fn every_bad_number_of_a_row_is_listed() {
        let text = b"account_id,name,potential_units,nps,flags\nX3,c,-1,-101,\nX4,d,5,7,bogus\n";
        // Into an empty book (the first import) and into a stored one.
        let empty = Store::open_in_memory().expect("store");
        let stored = Book::new().accounts("id, name\nA, Ay").open_in_memory();
        for mut store in [empty, stored] {
            let errors = import(&mut store, ImportKind::Accounts, text).expect_err("refused");
            assert!(
                errors.contains("two.csv:2:3: potential_units: \"-1\" is negative"),
                "{errors}"
            );
            assert!(
                errors.contains("two.csv:2:4: nps: \"-101\" is too small (at least -100)"),
                "{errors}"
            );
            assert!(errors.contains("two.csv:3:5: flags:"), "{errors}");
            assert!(store.book_row("X3", day()).expect("read").is_none(), "nothing imported");
        }
    }

    #[test]
    fn a_zero_byte_is_named_by_line_and_column() {
        let mut store = Store::open_in_memory().expect("store");
        let errors =
            import(&mut store, ImportKind::Accounts, b"account_id,name,csm\nA1,Acme,an\x00a\n")
                .expect_err("refused");
        assert!(errors.starts_with("two.csv:2:3: csm: looks like a binary file"), "{errors}");
        let errors = import(&mut store, ImportKind::Accounts, b"acc\x00ount_id,name\n")
            .expect_err("refused");
        assert!(errors.starts_with("two.csv:1:1: looks like a binary file"), "{errors}");
    }

    #[test]
    fn spaces_around_ids_and_numbers_are_trimmed_and_names_kept() {
        let mut store = Store::open_in_memory().expect("store");
        let text = b"account_id,name,potential_units\n  X9  ,  Spaced Name  , 40 \n";
        import(&mut store, ImportKind::Accounts, text).expect("imported");
        let account = store.book_row("X9", day()).expect("read").expect("trimmed id");
        assert_eq!(account.name, "  Spaced Name  ");
        assert_eq!(account.potential_units, Some(40));
    }
}
