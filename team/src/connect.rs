//! Opening the team's database from a libpq connection string, and the
//! events' way in and out of it. The address shown in messages and kept in
//! the book never carries a password.

use crate::{TeamError, TeamResult, pgpass};
use cockpit_core::team::{Event, Op};
use postgres::config::Host;
use postgres::{Client, Config};
use std::str::FromStr;
use std::time::Duration;

/// How long a connection attempt waits before saying the server is away.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// An open connection to the team's database.
pub struct Team {
    pub(crate) client: Client,
    /// The address without its password, for messages.
    pub(crate) shown: String,
}

/// A connection string without its password (URL or `key=value` form).
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, tail) = match rest.find(['/', '?']) {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        if let Some((user_info, host)) = authority.rsplit_once('@') {
            let user = user_info.split(':').next().unwrap_or("");
            return format!("{scheme}://{user}@{host}{tail}");
        }
        return url.to_string();
    }
    url.split_whitespace()
        .filter(|part| !part.to_ascii_lowercase().starts_with("password="))
        .collect::<Vec<_>>()
        .join(" ")
}

impl Team {
    /// Connects as libpq would: the password from the string, else from the
    /// password file; a 10-second limit on reaching the server.
    pub fn connect(url: &str) -> TeamResult<Team> {
        let shown = redact(url);
        let (url, tls) = crate::tls::split(url)
            .map_err(|what| TeamError::Address { team: shown.clone(), what })?;
        let connector =
            tls.connector().map_err(|what| TeamError::Address { team: shown.clone(), what })?;
        let mut config = Config::from_str(&url)
            .map_err(|e| TeamError::Address { team: shown.clone(), what: e.to_string() })?;
        if config.get_user().is_none() {
            let user = std::env::var("PGUSER")
                .or_else(|_| std::env::var("USER"))
                .unwrap_or_else(|_| "postgres".to_string());
            config.user(&user);
        }
        if config.get_hosts().is_empty() {
            config.host("localhost");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.keepalives_idle(Duration::from_secs(30));
        config.ssl_mode(tls.driver_mode());
        if config.get_password().is_none()
            && let Some(file) = pgpass::file()
        {
            let host = match config.get_hosts().first() {
                Some(Host::Tcp(name)) => name.clone(),
                _ => "localhost".to_string(),
            };
            let port = config.get_ports().first().copied().unwrap_or(5432);
            let user = config.get_user().unwrap_or_default().to_string();
            let database = config.get_dbname().unwrap_or(&user).to_string();
            if let Some(password) = pgpass::lookup(&file, &host, port, &database, &user) {
                config.password(password);
            }
        }
        let client = config
            .connect(connector)
            .map_err(|e| TeamError::Connect { team: shown.clone(), cause: cause(&e) })?;
        Ok(Team { client, shown })
    }

    /// Whether this connection is encrypted (TLS).
    pub fn encrypted(&mut self) -> TeamResult<bool> {
        let row = self
            .client
            .query_one("SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)", &[])
            .map_err(|e| self.server_error(&e))?;
        Ok(row.get(0))
    }

    /// The address as shown (no password).
    pub fn shown(&self) -> &str {
        &self.shown
    }

    pub(crate) fn server_error(&self, error: &postgres::Error) -> TeamError {
        TeamError::Server { team: self.shown.clone(), cause: cause(error) }
    }

    /// Stores events the team does not hold yet, in one transaction, and
    /// says how many were new. Pushes are serialised so that the stream's
    /// positions become visible in order (a reader never skips one).
    pub fn push(&mut self, events: &[Event]) -> TeamResult<u64> {
        let mut columns: [Vec<String>; 6] = Default::default();
        let mut bodies: Vec<Option<String>> = Vec::with_capacity(events.len());
        let mut clocks: Vec<i64> = Vec::with_capacity(events.len());
        for event in events {
            columns[0].push(event.event_id.clone());
            columns[1].push(event.member.clone());
            columns[2].push(event.table.clone());
            columns[3].push(event.row_key.clone());
            columns[4].push(event.op.as_str().to_string());
            bodies.push(event.body.clone());
            clocks.push(event.hlc);
        }
        let run = |client: &mut Client| -> Result<u64, postgres::Error> {
            let mut tx = client.transaction()?;
            tx.batch_execute("LOCK TABLE cockpit.events IN SHARE ROW EXCLUSIVE MODE")?;
            let inserted = tx.execute(
                "INSERT INTO cockpit.events (event_id, member, tbl, row_key, op, body, hlc)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                                      $6::text[], $7::bigint[])
                 ON CONFLICT (event_id) DO NOTHING",
                &[
                    &columns[0],
                    &columns[1],
                    &columns[2],
                    &columns[3],
                    &columns[4],
                    &bodies,
                    &clocks,
                ],
            )?;
            tx.commit()?;
            Ok(inserted)
        };
        run(&mut self.client).map_err(|e| self.server_error(&e))
    }

    /// Up to `limit` events after position `after`, in the stream's order,
    /// each with its position.
    pub fn pull(&mut self, after: i64, limit: usize) -> TeamResult<Vec<(i64, Event)>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self
            .client
            .query(
                "SELECT seq, event_id, member, tbl, row_key, op, body, hlc FROM cockpit.events
                 WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&after, &limit],
            )
            .map_err(|e| self.server_error(&e))?;
        let mut events = Vec::with_capacity(rows.len());
        for row in rows {
            let op: String = row.get(5);
            events.push((
                row.get(0),
                Event {
                    event_id: row.get(1),
                    member: row.get(2),
                    table: row.get(3),
                    row_key: row.get(4),
                    op: Op::parse(&op).unwrap_or(Op::Upsert),
                    body: row.get(6),
                    hlc: row.get(7),
                },
            ));
        }
        Ok(events)
    }
}

/// A PostgreSQL error as one line: the server's message when it sent one.
pub(crate) fn cause(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => db.message().to_string(),
        None => {
            let mut text = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(inner) = source {
                let more = inner.to_string();
                if !text.contains(&more) {
                    text = format!("{text}: {more}");
                }
                source = inner.source();
            }
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_shown_without_their_password() {
        assert_eq!(
            redact("postgres://ann:s3cret@db.example:5432/book"),
            "postgres://ann@db.example:5432/book"
        );
        assert_eq!(
            redact("postgresql://ann@db/book?sslmode=require"),
            "postgresql://ann@db/book?sslmode=require"
        );
        assert_eq!(
            redact("host=db user=ann password=s3cret dbname=book"),
            "host=db user=ann dbname=book"
        );
    }
}
