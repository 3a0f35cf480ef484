//! The team's book data on the server: files CS operations imported,
//! uploaded together in one transaction (all of them or none), and read by
//! members in order, each once, after the place their book holds.
//!
//! A file travels in pieces of [`CHUNK`] bytes (`cockpit.import_chunks`):
//! the upload reads each file as a stream and sends it piece by piece, a
//! member reads it back piece by piece straight into the import, so neither
//! side ever holds a whole file. Files an older cockpit stored as one value
//! (`imports.body`, no `chunks`) are read in slices of the same size.

use crate::connect::Team;
use crate::{TeamError, TeamResult};
use chrono::{DateTime, Utc};
use cockpit_core::team::{Bodies, Body, TeamFile, kind_named};
use postgres::Client;
use std::io::Read;

/// The size of a file's pieces on the server.
pub const CHUNK: usize = 4 << 20;

/// The piece size in use: [`CHUNK`], or `COCKPIT_TEAM_CHUNK_BYTES` (tests
/// cut small files into many pieces with it).
fn chunk_size() -> usize {
    std::env::var("COCKPIT_TEAM_CHUNK_BYTES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(CHUNK)
}

/// Fills `buffer` from `reader` as far as it goes; the bytes read.
fn fill(reader: &mut dyn Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Why an upload stopped: the server, or a file that could not be read.
enum UploadError {
    Server(postgres::Error),
    Read { file: String, cause: std::io::Error },
}

impl From<postgres::Error> for UploadError {
    fn from(error: postgres::Error) -> UploadError {
        UploadError::Server(error)
    }
}

impl Team {
    /// Stores `files` (their bytes streamed from `bodies`) as the team's
    /// next imports, in one transaction, at the server's time; their places
    /// in the team's imports, in order. Cut short, the team holds none of them.
    pub fn upload(&mut self, files: &[TeamFile], bodies: &mut dyn Bodies) -> TeamResult<Vec<i64>> {
        self.check_schema()?;
        let size = chunk_size();
        let mut run = |client: &mut Client| -> Result<Vec<i64>, UploadError> {
            let mut tx = client.transaction()?;
            // Uploads are serialised so that places become visible in order.
            tx.batch_execute("LOCK TABLE cockpit.imports IN SHARE ROW EXCLUSIVE MODE")?;
            // The time of the team's book data is the server's, taken
            // after the lock: files are ordered with the members' edits by
            // it, so it grows with their places.
            let file_row = tx.prepare(
                "INSERT INTO cockpit.imports
                     (kind, file, profile, profile_name, body, chunks, imported_by, imported_at)
                 VALUES ($1, $2, $3, $4, NULL, 0, $5,
                         to_char(date_trunc('milliseconds', clock_timestamp()) AT TIME ZONE 'UTC',
                                 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))
                 RETURNING seq",
            )?;
            let piece =
                tx.prepare("INSERT INTO cockpit.import_chunks (seq, n, data) VALUES ($1, $2, $3)")?;
            let count = tx.prepare("UPDATE cockpit.imports SET chunks = $2 WHERE seq = $1")?;
            let mut places = Vec::with_capacity(files.len());
            let mut buffer = vec![0u8; size];
            for file in files {
                let row = tx.query_one(
                    &file_row,
                    &[
                        &file.kind.as_str(),
                        &file.file,
                        &file.profile,
                        &file.profile_name,
                        &file.who,
                    ],
                )?;
                let seq: i64 = row.get(0);
                let unread =
                    |cause: std::io::Error| UploadError::Read { file: file.file.clone(), cause };
                let mut reader = bodies.open(file).map_err(unread)?;
                let mut n: i32 = 0;
                loop {
                    let got = fill(&mut reader, &mut buffer).map_err(unread)?;
                    if got == 0 {
                        break;
                    }
                    tx.execute(&piece, &[&seq, &n, &&buffer[..got]])?;
                    n += 1;
                    if got < buffer.len() {
                        break;
                    }
                }
                tx.execute(&count, &[&seq, &n])?;
                places.push(seq);
            }
            tx.commit()?;
            Ok(places)
        };
        run(&mut self.client).map_err(|error| match error {
            UploadError::Server(e) => self.server_error(&e),
            UploadError::Read { file, cause } => TeamError::Address {
                team: self.shown.clone(),
                what: format!("{file}: cannot be read ({cause}); nothing was sent to the team"),
            },
        })
    }

    /// The team's imports after place `after`, in order; their bytes stay
    /// on the server until read ([`Bodies`]).
    pub fn imports_after(&mut self, after: i64) -> TeamResult<Vec<TeamFile>> {
        let rows = self
            .client
            .query(
                "SELECT seq, kind, file, profile, profile_name, imported_by, imported_at
                 FROM cockpit.imports WHERE seq > $1 ORDER BY seq",
                &[&after],
            )
            .map_err(|e| self.server_error(&e))?;
        let mut files = Vec::with_capacity(rows.len());
        for row in rows {
            let seq: i64 = row.get(0);
            let kind: String = row.get(1);
            let at: String = row.get(6);
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
                body: Body::Team,
                who: row.get(5),
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
                "SELECT (SELECT count(*) FROM cockpit.imports),
                        (SELECT coalesce(sum(octet_length(body)), 0) FROM cockpit.imports)::bigint
                      + (SELECT coalesce(sum(octet_length(data)), 0) FROM cockpit.import_chunks)::bigint",
                &[],
            )
            .map_err(|e| self.server_error(&e))?;
        Ok((row.get(0), row.get(1)))
    }
}

/// A team file's bytes read from the server one piece at a time.
struct Pieces<'a> {
    client: &'a mut Client,
    seq: i64,
    /// The pieces the file has; `None` for a file stored as one value,
    /// read in slices.
    chunks: Option<i32>,
    /// The next piece (or slice) to fetch.
    next: i32,
    size: usize,
    held: Vec<u8>,
    at: usize,
    done: bool,
}

impl Pieces<'_> {
    fn fetch(&mut self) -> Result<(), postgres::Error> {
        self.held.clear();
        self.at = 0;
        let row = match self.chunks {
            Some(chunks) if self.next >= chunks => None,
            Some(_) => self.client.query_opt(
                "SELECT data FROM cockpit.import_chunks WHERE seq = $1 AND n = $2",
                &[&self.seq, &self.next],
            )?,
            None => {
                let from = i64::from(self.next) * self.size as i64 + 1;
                self.client.query_opt(
                    "SELECT substring(body FROM $2::int8::int4 FOR $3::int8::int4)
                     FROM cockpit.imports WHERE seq = $1",
                    &[&self.seq, &from, &(self.size as i64)],
                )?
            }
        };
        self.next += 1;
        match row {
            Some(row) => {
                let data: &[u8] = row.get(0);
                self.held.extend_from_slice(data);
                if self.held.is_empty() {
                    self.done = true;
                }
            }
            None => self.done = true,
        }
        Ok(())
    }
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.held.len() {
            if self.done {
                return Ok(0);
            }
            self.fetch().map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    format!(
                        "the team database went away while it was read ({})",
                        crate::connect::cause(&e)
                    ),
                )
            })?;
        }
        let n = buf.len().min(self.held.len() - self.at);
        buf[..n].copy_from_slice(&self.held[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl Bodies for Team {
    fn open<'a>(&'a mut self, file: &'a TeamFile) -> std::io::Result<Box<dyn Read + Send + 'a>> {
        if file.body != Body::Team {
            return cockpit_core::team::open_local(file);
        }
        let row = self
            .client
            .query_opt("SELECT chunks FROM cockpit.imports WHERE seq = $1", &[&file.seq])
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::ConnectionAborted, e))?
            .ok_or_else(|| std::io::Error::other("is no longer on the team's database"))?;
        let chunks: Option<i32> = row.get(0);
        Ok(Box::new(Pieces {
            client: &mut self.client,
            seq: file.seq,
            chunks,
            next: 0,
            size: chunk_size(),
            held: Vec::new(),
            at: 0,
            done: false,
        }))
    }
}
