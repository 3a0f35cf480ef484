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
                    let number = match trim(cell) {
                        "" => None,
                        text => Some(problems.take(whole_in(row, column, text, min, max))?),
                    };
                    values.push((column, Value::Whole(number)));
                }
            }
            Kind::Flags => {
                if let Some(text) = problems.take(row.cell(column)).flatten() {
                    let flags = Flags::parse(text).map_err(|e| row.error(column, e.to_string()));
                    values.push((column, Value::Flags(problems.take(flags)?)));
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
