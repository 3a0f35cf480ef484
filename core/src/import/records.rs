//! The columns of the four records the cockpit imports and exports, in
//! export order, required ones first; and the checking of one account row
//! into an [`Account`], shared by the import into a stored book and the
//! first import. No writing here.

use super::Problems;
use super::cells::whole_number;
use super::fast::trim;
use super::input::{Columns, Row};
use crate::domain::{Account, Flags, Health, Stage};
use std::collections::HashMap;

pub(super) const ACCOUNTS: Columns = Columns {
    names: &[
        "account_id",
        "name",
        "csm",
        "am",
        "segment",
        "industry",
        "region",
        "stage",
        "potential_units",
        "health",
        "flags",
    ],
    required: 2,
};
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

pub(super) fn columns(kind: super::ImportKind) -> &'static Columns {
    match kind {
        super::ImportKind::Accounts => &ACCOUNTS,
        super::ImportKind::Snapshots => &SNAPSHOTS,
        super::ImportKind::Contracts => &CONTRACTS,
        super::ImportKind::Notes => &NOTES,
    }
}

pub(super) fn parse_account(
    row: &Row<'_>,
    stored: &HashMap<String, crate::store::bulk::StoredAccount>,
    problems: &mut Problems,
) -> Option<Account> {
    let id = problems.take(row.required(0)).map(trim);
    let name = problems.take(row.required(1));
    let mut texts: [Option<&str>; 5] = [None; 5];
    for (slot, column) in texts.iter_mut().zip(2..=6) {
        *slot = problems.take(row.cell(column)).flatten();
    }
    let stage = problems.take(row.optional(7)).flatten().and_then(|text| {
        problems.take(Stage::parse(text).map_err(|e| row.error(7, e.to_string())))
    });
    let stage_given = row.optional(7).ok().flatten().is_some();
    let potential_cell = problems.take(row.cell(8)).flatten();
    let potential = match potential_cell.map(trim).filter(|t| !t.is_empty()) {
        Some(text) => Some(problems.take(whole_number(row, 8, text))?),
        None => None,
    };
    let health = problems.take(row.optional(9)).flatten().and_then(|text| {
        problems.take(Health::parse(text).map_err(|e| row.error(9, e.to_string())))
    });
    let health_given = row.optional(9).ok().flatten().is_some();
    let flags_cell = problems.take(row.cell(10)).flatten();
    let flags = match flags_cell {
        Some(text) => {
            Some(problems.take(Flags::parse(text).map_err(|e| row.error(10, e.to_string())))?)
        }
        None => None,
    };
    let (id, name) = (id?, name?);
    if (stage_given && stage.is_none()) || (health_given && health.is_none()) {
        return None;
    }
    let mut account =
        stored.get(id).map(|s| s.account.clone()).unwrap_or_else(|| Account::new(id, name));
    account.name = name.to_string();
    let [csm, am, segment, industry, region] = texts;
    for (field, value) in [
        (&mut account.csm, csm),
        (&mut account.am, am),
        (&mut account.segment, segment),
        (&mut account.industry, industry),
        (&mut account.region, region),
    ] {
        if let Some(value) = value {
            *field = value.to_string();
        }
    }
    if let Some(stage) = stage {
        account.stage = stage;
    }
    if potential_cell.is_some() {
        account.potential_units = potential;
    }
    if let Some(health) = health {
        account.health = Some(health);
    }
    if let Some(flags) = flags {
        account.flags = flags;
    }
    Some(account)
}
