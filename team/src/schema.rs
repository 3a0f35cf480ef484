//! The team database's schema, in its own PostgreSQL schema `cockpit`:
//! versioned like the book's (append-only steps, the version in
//! `cockpit.meta`), created and upgraded by `cockpit team init`, and
//! checked before every sync — a cockpit older than the team's schema is
//! refused before it sends or changes anything.

use crate::connect::Team;
use crate::{TeamError, TeamResult};

/// The steps in order; the schema version is their count. Never edit a
/// step that has shipped: add the next one.
const STEPS: &[&str] = &[
    // 1: the members and the stream of events. `seq` is the stream's
    // order (pushes are serialised, so positions become visible in order);
    // `event_id` is unique, so an event pushed twice is stored once.
    "CREATE TABLE cockpit.members (
         name      text PRIMARY KEY,
         joined_at timestamptz NOT NULL DEFAULT now(),
         last_sync timestamptz
     );
     CREATE TABLE cockpit.events (
         seq       bigserial PRIMARY KEY,
         event_id  text NOT NULL UNIQUE,
         member    text NOT NULL,
         tbl       text NOT NULL,
         row_key   text NOT NULL,
         op        text NOT NULL CHECK (op IN ('upsert', 'delete')),
         body      text,
         hlc       bigint NOT NULL,
         pushed_at timestamptz NOT NULL DEFAULT now()
     );",
    // 2: the team's book data: each file CS operations imported, as its
    // bytes with the profile that reads it, in the order imported. Members
    // read each once, in order, with the same import as a local one.
    "CREATE TABLE cockpit.imports (
         seq          bigserial PRIMARY KEY,
         kind         text NOT NULL,
         file         text NOT NULL,
         profile      text,
         profile_name text,
         body         bytea NOT NULL,
         imported_by  text NOT NULL,
         imported_at  text NOT NULL
     );",
    // 3: files travel in pieces, never held whole by either side: a file's
    // pieces in order, and how many it has (none for a file stored as one
    // value by an older cockpit, which is still read, in slices).
    "CREATE TABLE cockpit.import_chunks (
         seq  bigint NOT NULL REFERENCES cockpit.imports (seq) ON DELETE CASCADE,
         n    integer NOT NULL,
         data bytea NOT NULL,
         PRIMARY KEY (seq, n)
     );
     ALTER TABLE cockpit.imports ALTER COLUMN body DROP NOT NULL;
     ALTER TABLE cockpit.imports ADD COLUMN chunks integer;",
];

/// The team schema this cockpit reads and writes.
pub const TEAM_SCHEMA: i64 = STEPS.len() as i64;

/// What `team init` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Initialised {
    Created,
    Upgraded { from: i64 },
    AlreadyCurrent,
}

impl Team {
    /// The team schema the database holds (`None` before `team init`).
    pub fn schema_version(&mut self) -> TeamResult<Option<i64>> {
        let exists = self
            .client
            .query_one("SELECT to_regclass('cockpit.meta') IS NOT NULL", &[])
            .map_err(|e| self.server_error(&e))?;
        if !exists.get::<_, bool>(0) {
            return Ok(None);
        }
        let row = self
            .client
            .query_opt("SELECT value FROM cockpit.meta WHERE key = 'schema'", &[])
            .map_err(|e| self.server_error(&e))?;
        Ok(row.and_then(|r| r.get::<_, String>(0).parse().ok()))
    }

    /// Refuses a database whose schema is missing, older or newer than this
    /// cockpit's.
    pub fn check_schema(&mut self) -> TeamResult<()> {
        let team = self.shown.clone();
        match self.schema_version()? {
            None => Err(TeamError::NotInitialised { team }),
            Some(found) if found > TEAM_SCHEMA => {
                Err(TeamError::TooNew { team, found, known: TEAM_SCHEMA })
            }
            Some(found) if found < TEAM_SCHEMA => {
                Err(TeamError::TooOld { team, found, known: TEAM_SCHEMA })
            }
            Some(_) => Ok(()),
        }
    }

    /// Creates the team schema, or brings an older one up to date, in one
    /// transaction; a newer one is refused and left as it is.
    pub fn init(&mut self) -> TeamResult<Initialised> {
        let team = self.shown.clone();
        let found = self.schema_version()?;
        if let Some(found) = found {
            if found > TEAM_SCHEMA {
                return Err(TeamError::TooNew { team, found, known: TEAM_SCHEMA });
            }
            if found == TEAM_SCHEMA {
                return Ok(Initialised::AlreadyCurrent);
            }
        }
        let from = found.unwrap_or(0);
        let run = |client: &mut postgres::Client| -> Result<(), postgres::Error> {
            let mut tx = client.transaction()?;
            // Two inits at once: the second waits, then finds the schema made.
            tx.batch_execute("SELECT pg_advisory_xact_lock(7260022)")?;
            tx.batch_execute(
                "CREATE SCHEMA IF NOT EXISTS cockpit;
                 CREATE TABLE IF NOT EXISTS cockpit.meta (key text PRIMARY KEY, value text NOT NULL);",
            )?;
            let now: Option<String> = tx
                .query_opt("SELECT value FROM cockpit.meta WHERE key = 'schema'", &[])?
                .map(|r| r.get(0));
            let now = now.and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
            for step in STEPS.iter().skip(now) {
                tx.batch_execute(step)?;
            }
            tx.execute(
                "INSERT INTO cockpit.meta (key, value) VALUES ('schema', $1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&TEAM_SCHEMA.to_string()],
            )?;
            tx.commit()
        };
        run(&mut self.client).map_err(|e| self.server_error(&e))?;
        Ok(if from == 0 { Initialised::Created } else { Initialised::Upgraded { from } })
    }

    /// Records `member` in the team (joining again is harmless).
    pub fn join(&mut self, member: &str) -> TeamResult<()> {
        self.check_schema()?;
        self.client
            .execute(
                "INSERT INTO cockpit.members (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
                &[&member],
            )
            .map_err(|e| self.server_error(&e))?;
        Ok(())
    }

    /// The team's members, by name.
    pub fn members(&mut self) -> TeamResult<Vec<String>> {
        self.check_schema()?;
        let rows = self
            .client
            .query("SELECT name FROM cockpit.members ORDER BY name", &[])
            .map_err(|e| self.server_error(&e))?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }
}
