//! The tables a user authors, described once: every table that holds the
//! CSM's own work (health history, stage moves, notes, moments, success
//! plans, trials, opportunities, potentials, churn chains and the taxonomy
//! they cite, dismissed suggestions, snoozes), each with its stable key and
//! its columns, in dependency order (a table comes after every table it
//! refers to). `export all`, `import all` and the team sync are built on
//! [`AUTHORED_TABLES`]; a new authored table is one more entry here (in
//! dependency order) plus its migration.
//!
//! Derived tables (the ARR series, month counts, search indexes, the
//! accounts' ARR, units and last touch) are not listed: the store rebuilds
//! them from these. Accounts, snapshots and contracts are the book's own
//! files (`import`'s formats); notes are authored and listed here, but
//! travel in the book's notes file ([`Travel::BookFile`]).
//!
//! The generic reads and writes the list drives (every row of a table in
//! key order, the checked insert of one row inside an import) are in
//! `authored/rows.rs`.

/// What a column holds: how a cell is checked on the way in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// A whole number (`i64`).
    Integer,
    /// Text, kept as written.
    Text,
    /// A day, `YYYY-MM-DD`.
    Date,
    /// A time, RFC 3339 (`2025-03-09T09:30:00Z`), kept as written.
    Time,
    /// A day or a time (an account's *since* dates hold either).
    DayOrTime,
    /// One of these words.
    Choice(&'static [&'static str]),
    /// The id of a row that must exist in the named table (its `id` column):
    /// an account, a churn chain, a taxonomy entry.
    Refers(&'static str),
}

/// One column of an authored table, named as in the table and in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthoredColumn {
    pub name: &'static str,
    pub kind: ColumnKind,
    /// Whether the column may be empty (NULL). An empty cell of a required
    /// text column is the empty text.
    pub optional: bool,
}

/// How an authored table's rows leave and come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Travel {
    /// A file of its own with exactly [`AuthoredTable::columns`]; rows are
    /// inserted with their ids.
    Rows,
    /// Columns of rows that exist already (the accounts' own dates):
    /// a file of its own, applied as an update by key.
    Update,
    /// In one of the book's four files (notes), in that file's format.
    BookFile,
}

/// One table the user authors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthoredTable {
    /// The file's name without extension in `export all`'s folder.
    pub file: &'static str,
    /// The SQL table.
    pub table: &'static str,
    /// The columns that name one row for good (the rows' order on export).
    pub key: &'static [&'static str],
    /// Every column the file carries, key columns included, in file order.
    pub columns: &'static [AuthoredColumn],
    pub travel: Travel,
    /// What the rows are, for the README and `--help`.
    pub about: &'static str,
}

impl AuthoredTable {
    /// The columns' names in file order.
    pub fn column_names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|column| column.name).collect()
    }
}

const fn col(name: &'static str, kind: ColumnKind) -> AuthoredColumn {
    AuthoredColumn { name, kind, optional: false }
}

const fn opt(name: &'static str, kind: ColumnKind) -> AuthoredColumn {
    AuthoredColumn { name, kind, optional: true }
}

use ColumnKind::{Choice, Date, Integer, Refers, Text, Time};

const ACCOUNT: ColumnKind = Refers("accounts");
const HEALTH: ColumnKind = Choice(&["red", "orange", "yellow", "green"]);
const STAGE: ColumnKind = Choice(&["addiction", "adoption", "absorption", "adaptation"]);

/// Every authored table, in dependency order.
pub const AUTHORED_TABLES: &[AuthoredTable] = &[
    AuthoredTable {
        file: "account_dates",
        table: "accounts",
        key: &["id"],
        columns: &[
            col("id", ACCOUNT),
            opt("stage_since", ColumnKind::DayOrTime),
            opt("health_since", ColumnKind::DayOrTime),
        ],
        travel: Travel::Update,
        about: "since when each account has its stage and health",
    },
    AuthoredTable {
        file: "notes",
        table: "notes",
        key: &["account_id", "at", "text"],
        columns: &[
            col("account_id", ACCOUNT),
            col("at", Time),
            col("kind", Text),
            col("text", Text),
            col("who", Text),
        ],
        travel: Travel::BookFile,
        about: "notes and touches (the book's notes file)",
    },
    AuthoredTable {
        file: "potentials",
        table: "potentials",
        key: &["account_id", "product"],
        columns: &[col("account_id", ACCOUNT), col("product", Text), col("units", Integer)],
        travel: Travel::Rows,
        about: "potential units per account and product",
    },
    AuthoredTable {
        file: "health_changes",
        table: "health_changes",
        key: &["id"],
        columns: &[
            col("id", Integer),
            col("account_id", ACCOUNT),
            col("at", Time),
            col("who", Text),
            col("health", HEALTH),
            col("reason", Text),
        ],
        travel: Travel::Rows,
        about: "every health change with who, when and why",
    },
    AuthoredTable {
        file: "stage_changes",
        table: "stage_changes",
        key: &["id"],
        columns: &[
            col("id", Integer),
            col("account_id", ACCOUNT),
            col("at", Time),
            col("who", Text),
            col("stage", STAGE),
            col("reason", Text),
        ],
        travel: Travel::Rows,
        about: "every 4A stage move with who, when and why",
    },
    AuthoredTable {
        file: "moments",
        table: "moments",
        key: &["id"],
        columns: &[
            col("id", Integer),
            col("account_id", ACCOUNT),
            col("kind", Text),
            col("title", Text),
            col("due_on", Date),
            opt("done_at", Time),
            col("source", Choice(&["manual", "schedule"])),
        ],
        travel: Travel::Rows,
        about: "engagement moments, scheduled or added by hand, and when they were done",
    },
    AuthoredTable {
        file: "churn_reasons",
        table: "churn_reasons",
        key: &["id"],
        columns: &[
            col("id", Integer),
            col("label", Text),
            col("kind", Choice(&["terminal", "controllable", "uncontrollable"])),
            col("description", Text),
            col("retired", Integer),
        ],
        travel: Travel::Rows,
        about: "the churn-reason taxonomy, with its edits and retired entries",
    },
    AuthoredTable {
        file: "churn_chains",
        table: "churn_chains",
        key: &["id"],
        columns: &[
            col("id", Integer),
            col("account_id", ACCOUNT),
            col("event", Choice(&["churned", "contracted"])),
            col("event_date", Date),
            col("arr_lost_cents", Integer),
            col("product", Text),
            col("status", Choice(&["draft", "saved"])),
            col("who", Text),
            col("created_at", Time),
            col("updated_at", Time),
        ],
        travel: Travel::Rows,
        about: "churns and contractions (ARR lost in cents)",
    },
    AuthoredTable {
        file: "churn_links",
        table: "churn_links",
        key: &["chain_id", "position"],
        columns: &[
            col("chain_id", Refers("churn_chains")),
            col("position", Integer),
            opt("reason_id", Refers("churn_reasons")),
            opt("free_text", Text),
            col("note", Text),
        ],
        travel: Travel::Rows,
        about: "each chain's causes, nearest first: a taxonomy entry or free text",
    },
    AuthoredTable {
        file: "churn_chain_versions",
        table: "churn_chain_versions",
        key: &["id"],
        columns: &[
            col("id", Integer),
            col("chain_id", Refers("churn_chains")),
            col("at", Time),
            col("who", Text),
            col("sentence", Text),
            col("body", Text),
        ],
        travel: Travel::Rows,
        about: "earlier versions of edited chains",
    },
    AuthoredTable {
        file: "success_plans",
        table: "success_plans",
        key: &["id"],
        columns: &[
            col("id", Integer),
            col("account_id", ACCOUNT),
            col("measure", Text),
            col("unit", Text),
            col("baseline", Integer),
            col("target", Integer),
            col("current", Integer),
            col("start_date", Date),
            col("target_date", Date),
            col("updated_at", Time),
        ],
        travel: Travel::Rows,
        about: "success plans (values in hundredths)",
    },
    AuthoredTable {
        file: "opportunities",
        table: "opportunities",
        key: &["id"],
        columns: &[
            col("id", Integer),
            col("account_id", ACCOUNT),
            col("product", Text),
            col("kind", Choice(&["upsell", "cross_sell"])),
            col("arr_cents", Integer),
            col("stage", Choice(&["identified", "qualified", "proposal", "commit", "won", "lost"])),
            col("owner", Text),
            opt("close_date", Date),
            col("next_step", Text),
            opt("lost_reason", Text),
            opt("lost_controllable", Integer),
            col("created_at", Time),
            col("updated_at", Time),
        ],
        travel: Travel::Rows,
        about: "expansion opportunities (ARR in cents)",
    },
    AuthoredTable {
        file: "trials",
        table: "trials",
        key: &["id"],
        columns: &[
            col("id", Integer),
            col("account_id", ACCOUNT),
            col("product", Text),
            col("start_date", Date),
            col("end_date", Date),
            col("success_criteria", Text),
            col("takeaway", Choice(&["passed", "failed", "not_yet"])),
            col("note", Text),
        ],
        travel: Travel::Rows,
        about: "trials and proofs of value with their takeaway",
    },
    AuthoredTable {
        file: "dismissed_suggestions",
        table: "dismissed_suggestions",
        key: &["account_id", "kind", "signal"],
        columns: &[
            col("account_id", ACCOUNT),
            col("kind", Text),
            col("signal", Text),
            col("at", Time),
            col("who", Text),
        ],
        travel: Travel::Rows,
        about: "health and stage suggestions dismissed",
    },
    AuthoredTable {
        file: "snoozes",
        table: "snoozes",
        key: &["account_id", "reason"],
        columns: &[col("account_id", ACCOUNT), col("reason", Text), col("until", Date)],
        travel: Travel::Rows,
        about: "Today rows snoozed until a day",
    },
    AuthoredTable {
        file: "contacts",
        table: "contacts",
        key: &["account_id", "name"],
        columns: &[
            col("account_id", ACCOUNT),
            col("name", Text),
            col("email", Text),
            col(
                "role",
                Choice(&["champion", "executive_sponsor", "decision_maker", "user", "billing"]),
            ),
            col("title", Text),
            opt("left_on", Date),
            col("updated_at", Time),
        ],
        travel: Travel::Rows,
        about: "the people at each account and their roles",
    },
    AuthoredTable {
        file: "tasks",
        table: "tasks",
        key: &["id"],
        columns: &[
            col("id", Integer),
            col("account_id", ACCOUNT),
            col("title", Text),
            col("owner", Text),
            col("due_on", Date),
            col("status", Choice(&["open", "done", "skipped"])),
            opt("playbook", Text),
            col("created_at", Time),
            col("created_by", Text),
            opt("closed_at", Time),
        ],
        travel: Travel::Rows,
        about: "tasks, by hand or from a playbook",
    },
    AuthoredTable {
        file: "task_steps",
        table: "task_steps",
        key: &["task_id", "position"],
        columns: &[
            col("task_id", Refers("tasks")),
            col("position", Integer),
            col("title", Text),
            col("due_on", Date),
            col("status", Choice(&["open", "done", "skipped"])),
            opt("closed_at", Time),
        ],
        travel: Travel::Rows,
        about: "the steps of each task",
    },
    AuthoredTable {
        file: "task_changes",
        table: "task_changes",
        key: &["id"],
        columns: &[
            col("id", Integer),
            col("task_id", Refers("tasks")),
            opt("step", Integer),
            col("at", Time),
            col("who", Text),
            col("status", Choice(&["open", "done", "skipped"])),
            col("undo", Integer),
        ],
        travel: Travel::Rows,
        about: "who closed or reopened each task and step, and when",
    },
    AuthoredTable {
        file: "playbook_occurrences",
        table: "playbook_occurrences",
        key: &["account_id", "playbook", "occurrence"],
        columns: &[
            col("account_id", ACCOUNT),
            col("playbook", Text),
            col("occurrence", Text),
            col("at", Time),
        ],
        travel: Travel::Rows,
        about: "the playbook runs already made, so none is made twice",
    },
    AuthoredTable {
        file: "undos",
        table: "undos",
        key: &["id"],
        columns: &[col("id", Integer), col("at", Time), col("who", Text), col("what", Text)],
        travel: Travel::Rows,
        about: "Today's undo journal",
    },
];

/// The authored table whose file is `file`.
pub fn authored_table(file: &str) -> Option<&'static AuthoredTable> {
    AUTHORED_TABLES.iter().find(|table| table.file == file)
}

mod rows;
pub use rows::{Field, RowRefused};

#[cfg(test)]
mod tests;
