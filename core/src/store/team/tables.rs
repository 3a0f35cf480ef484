//! The tables a team shares: every authored table of `store::authored`
//! (so adding a table there is enough for it to sync), each with the
//! columns that name one row the same way on every member. The authored
//! list keys many tables by their local row number, which differs from
//! book to book; those get a key of their own columns here, and a table
//! added later without one is keyed by all its columns (an edit then
//! travels as the old row's removal and the new row). The accounts travel
//! only as their owners and flags: their rows come with the book, and
//! their current health and stage follow from the merged histories.

use crate::store::authored::{AUTHORED_TABLES, Travel};

/// One shared table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedTable {
    pub name: &'static str,
    /// The columns that name one row on every member, in order.
    pub key: Vec<&'static str>,
    /// The columns that travel, when not all but the local row number.
    pub columns: Option<Vec<&'static str>>,
    /// Rows are never created by an event, only updated.
    pub update_only: bool,
}

/// Stable keys for the authored tables keyed by their local row number.
const TEAM_KEYS: &[(&str, &[&str])] = &[
    ("health_changes", &["account_id", "at", "who"]),
    ("stage_changes", &["account_id", "at", "who"]),
    ("moments", &["account_id", "kind", "due_on"]),
    ("churn_reasons", &["label"]),
    ("churn_chains", &["account_id", "created_at"]),
    ("churn_chain_versions", &["chain_id", "at"]),
    ("success_plans", &["account_id", "measure", "start_date"]),
    ("opportunities", &["account_id", "product", "created_at"]),
    ("trials", &["account_id", "product", "start_date"]),
    ("tasks", &["account_id", "title", "created_at"]),
    ("task_changes", &["task_id", "step", "at", "who", "status"]),
    ("undos", &["at", "who", "what"]),
];

/// Every shared table, parents before the tables that point at them.
pub fn shared_tables() -> Vec<SharedTable> {
    let mut tables = vec![SharedTable {
        name: "accounts",
        key: vec!["id"],
        columns: Some(vec!["csm", "am", "flags", "potential_units"]),
        update_only: true,
    }];
    for authored in AUTHORED_TABLES {
        if authored.table == "accounts" || tables.iter().any(|t| t.name == authored.table) {
            continue;
        }
        let key = if authored.key == ["id"] {
            match TEAM_KEYS.iter().find(|(name, _)| *name == authored.table) {
                Some((_, key)) => key.to_vec(),
                None => authored.column_names().into_iter().filter(|c| *c != "id").collect(),
            }
        } else {
            authored.key.to_vec()
        };
        tables.push(SharedTable {
            name: authored.table,
            key,
            columns: None,
            update_only: authored.travel == Travel::Update,
        });
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_authored_table_is_shared_under_a_key_that_is_not_a_local_row_number() {
        let shared = shared_tables();
        for authored in AUTHORED_TABLES {
            let table = shared.iter().find(|t| t.name == authored.table).expect("shared");
            assert!(!table.key.is_empty() && table.key != ["id"] || table.name == "accounts");
        }
    }
}
