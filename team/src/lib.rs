//! cockpit-team: the team's book in a shared PostgreSQL database. A member's
//! cockpit keeps working on its own SQLite book; `sync` pushes the book's
//! outbox of authored events and pulls everyone else's, one transaction per
//! batch on both sides, so a sync cut short at any point loses nothing and
//! repeats nothing (an event id is unique on the server, and the book moves
//! its cursor in the transaction that applies the events).
//!
//! The server holds a versioned schema (`schema.rs`), refused when it is
//! newer than this cockpit knows. Connection strings follow libpq: URLs or
//! `key=value` lists, passwords from `PGPASSFILE` (or `~/.pgpass`), TLS by
//! `sslmode` and `sslrootcert` (`tls.rs`, over rustls).

mod connect;
mod imports;
mod pgpass;
mod schema;
mod sync;
mod tls;

pub use connect::{Team, redact};
pub use schema::{Initialised, TEAM_SCHEMA};
pub use sync::{SyncReport, sync};
pub use tls::{SslMode, Tls};

use cockpit_core::store::StoreError;

/// The environment variable that names the team's database.
pub const TEAM_URL_VAR: &str = "COCKPIT_TEAM_URL";

/// Events sent or applied in one transaction.
pub const BATCH: usize = 2_000;

/// What can go wrong talking to the team's database, in words a CSM can act on.
#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error("{team}: {what}")]
    Address { team: String, what: String },
    #[error("cannot reach the team database at {team}: {cause}")]
    Connect { team: String, cause: String },
    #[error(
        "the team database at {team} has no cockpit schema yet; create it once with: cockpit team init {team}"
    )]
    NotInitialised { team: String },
    #[error(
        "the team database at {team} uses team schema {found}, newer than this cockpit knows ({known}); upgrade cockpit to sync — nothing was sent or changed"
    )]
    TooNew { team: String, found: i64, known: i64 },
    #[error(
        "the team database at {team} uses team schema {found}, older than this cockpit's ({known}); bring it up to date with: cockpit team init {team}"
    )]
    TooOld { team: String, found: i64, known: i64 },
    #[error(
        "the team database at {team} went away during the sync ({cause}); the book is usable and nothing authored was lost ({waiting} events wait in the outbox)"
    )]
    Interrupted { team: String, cause: String, waiting: u64 },
    #[error("the team database at {team}: {cause}")]
    Server { team: String, cause: String },
    #[error(
        "the team's book data from {team} cannot be read into this book; the book is unchanged:\n{cause}"
    )]
    Import { team: String, cause: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type TeamResult<T> = Result<T, TeamError>;
