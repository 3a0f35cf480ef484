//! The tables a team shares: every table a user authors, each with the
//! columns that name one row the same way on every member (its stable key).
//! Adding a table here is enough for it to sync: the store reads the
//! table's columns and foreign keys from the schema, captures its writes
//! into the outbox and applies pulled events to it.
//!
//! A column that holds another shared table's local row number (a churn
//! link's chain) travels as that row's stable key and is turned back into
//! the local row number on arrival. The row number itself (`id`) never
//! leaves the book.

/// One shared table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedTable {
    pub name: &'static str,
    /// The columns that name one row on every member, in order.
    pub key: &'static [&'static str],
    /// The columns that travel, when not all of them (the rest of the row is
    /// book data or derived, and a pulled event only updates these).
    pub columns: Option<&'static [&'static str]>,
    /// Rows are never created by an event, only updated (an account comes
    /// with the book; its owners and flags are authored).
    pub update_only: bool,
}

const fn table(name: &'static str, key: &'static [&'static str]) -> SharedTable {
    SharedTable { name, key, columns: None, update_only: false }
}

/// Every shared table, parents before the tables that point at them.
pub const SHARED_TABLES: &[SharedTable] = &[
    SharedTable {
        name: "accounts",
        key: &["id"],
        columns: Some(&["csm", "am", "flags", "potential_units"]),
        update_only: true,
    },
    table("health_changes", &["account_id", "at", "who"]),
    table("stage_changes", &["account_id", "at", "who"]),
    table("notes", &["account_id", "at", "text"]),
    table("moments", &["account_id", "kind", "due_on"]),
    table("potentials", &["account_id", "product"]),
    table("churn_reasons", &["label"]),
    table("churn_chains", &["account_id", "created_at"]),
    table("churn_links", &["chain_id", "position"]),
    table("churn_chain_versions", &["chain_id", "at"]),
    table("success_plans", &["account_id", "measure", "start_date"]),
    table("opportunities", &["account_id", "product", "created_at"]),
    table("trials", &["account_id", "product", "start_date"]),
    table("dismissed_suggestions", &["account_id", "kind", "signal"]),
    table("snoozes", &["account_id", "reason"]),
];

/// The shared table called `name`.
pub fn shared_table(name: &str) -> Option<&'static SharedTable> {
    SHARED_TABLES.iter().find(|t| t.name == name)
}
