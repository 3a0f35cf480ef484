//! The team's book data on the server: files CS operations imported,
//! uploaded together in one transaction (all of them or none), and read by
//! members in order, each once, after the place their book holds.

use crate::connect::Team;
use crate::{TeamError, TeamResult};
use chrono::{DateTime, Utc};
use cockpit_core::team::{TeamFile, kind_named};

impl Team {
    /// Stores `files` as the team's next imports, in one transaction, at the
    /// server's time; their places in the team's imports, in order.
    pub fn upload(&mut self, files: &[TeamFile]) -> TeamResult<Vec<i64>> {
        self.check_schema()?;
        let run = |client: &mut postgres::Client| -> Result<Vec<i64>, postgres::Error> {
            let mut tx = client.transaction()?;
            // Uploads are serialised so that places become visible in order.
            tx.batch_execute("LOCK TABLE cockpit.imports IN SHARE ROW EXCLUSIVE MODE")?;
            // The time of the team's book data is the server's, taken
            // after the lock: files are ordered with the members' edits by
            // it, so it grows with their places.
            let statement = tx.prepare(
                "INSERT INTO cockpit.imports
                     (kind, file, profile, profile_name, body, imported_by, imported_at)
                 VALUES ($1, $2, $3, $4, $5, $6,
                         to_char(date_trunc('milliseconds', clock_timestamp()) AT TIME ZONE 'UTC',
                                 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))
                 RETURNING seq",
            )?;
            let mut places = Vec::with_capacity(files.len());
            for file in files {
                let row = tx.query_one(
                    &statement,
                    &[
                        &file.kind.as_str(),
                        &file.file,
                        &file.profile,
                        &file.profile_name,
                        &file.body,
                        &file.who,
                    ],
                )?;
                places.push(row.get(0));
            }
            tx.commit()?;
            Ok(places)
        };
        run(&mut self.client).map_err(|e| self.server_error(&e))
    }

    /// The team's imports after place `after`, in order, with their bytes.
    pub fn imports_after(&mut self, after: i64) -> TeamResult<Vec<TeamFile>> {
        let rows = self
            .client
            .query(
                "SELECT seq, kind, file, profile, profile_name, body, imported_by, imported_at
                 FROM cockpit.imports WHERE seq > $1 ORDER BY seq",
                &[&after],
            )
            .map_err(|e| self.server_error(&e))?;
        let mut files = Vec::with_capacity(rows.len());
        for row in rows {
            let seq: i64 = row.get(0);
            let kind: String = row.get(1);
            let at: String = row.get(7);
            let unreadable = |what: String| TeamError::Server {
                team: self.shown.clone(),
                cause: format!("the team's import {seq} {what}; upgrade cockpit to read it"),
            };
            let kind =
                kind_named(&kind).ok_or_else(|| unreadable(format!("is of kind {kind:?}")))?;
            let at = DateTime::parse_from_rfc3339(&at)
                .map_err(|_| unreadable(format!("has the time {at:?}")))?
                .with_timezone(&Utc);
            files.push(TeamFile {
                seq,
                kind,
                file: row.get(2),
                profile: row.get(3),
                profile_name: row.get(4),
                body: row.get(5),
                who: row.get(6),
                at,
            });
        }
        Ok(files)
    }

    /// How many files the team's book data holds, and their bytes.
    pub fn imports_held(&mut self) -> TeamResult<(i64, i64)> {
        let row = self
            .client
            .query_one(
                "SELECT count(*), coalesce(sum(octet_length(body)), 0)::bigint FROM cockpit.imports",
                &[],
            )
            .map_err(|e| self.server_error(&e))?;
        Ok((row.get(0), row.get(1)))
    }
}
