//! The team's book, without the network: the event every authored write
//! becomes, and the order that decides a row's current value. The store
//! keeps the outbox, knows which tables a team shares and applies events
//! (SQL lives there); the `cockpit-team` crate carries events to and from
//! PostgreSQL.
//! Nothing here opens a connection: a book that never joins a team never
//! touches the network.

mod imports;

pub use imports::{Bodies, Body, Local, TeamFile, kind_named, load_team_files, open_local};

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// What an event does to its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// The row now holds `body` (inserted when missing).
    Upsert,
    /// The row is gone.
    Delete,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Upsert => "upsert",
            Op::Delete => "delete",
        }
    }

    pub fn parse(text: &str) -> Option<Op> {
        match text {
            "upsert" => Some(Op::Upsert),
            "delete" => Some(Op::Delete),
            _ => None,
        }
    }
}

/// One authored write to one shared row, as every member stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Stable and unique across the team (random, 128 bits): an event pushed
    /// twice is stored once.
    pub event_id: String,
    /// The shared table the row belongs to.
    pub table: String,
    /// The row's stable key, a JSON array of its key columns' values.
    pub row_key: String,
    pub op: Op,
    /// The row as a JSON object of its shared columns (none for a deletion).
    pub body: Option<String>,
    /// The member who authored it.
    pub member: String,
    /// The hybrid logical clock when it was authored: milliseconds since the
    /// epoch, pushed past every clock the member has seen.
    pub hlc: i64,
}

impl Event {
    /// The order that decides a row's current value: the later clock, and
    /// between equal clocks the greater event id — the same on every member
    /// whatever order the events arrived in.
    pub fn precedence(&self, other: &Event) -> Ordering {
        precedence((self.hlc, &self.event_id), (other.hlc, &other.event_id))
    }
}

/// Compares two versions `(hlc, event_id)` of one row.
pub fn precedence(a: (i64, &str), b: (i64, &str)) -> Ordering {
    a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(hlc: i64, id: &str) -> Event {
        Event {
            event_id: id.to_string(),
            table: "snoozes".to_string(),
            row_key: "[\"A\",\"r\"]".to_string(),
            op: Op::Upsert,
            body: None,
            member: "ann".to_string(),
            hlc,
        }
    }

    #[test]
    fn the_later_clock_wins_and_equal_clocks_fall_to_the_event_id() {
        assert_eq!(event(2, "a").precedence(&event(1, "z")), Ordering::Greater);
        assert_eq!(event(5, "a").precedence(&event(5, "b")), Ordering::Less);
        assert_eq!(event(5, "b").precedence(&event(5, "b")), Ordering::Equal);
    }

    #[test]
    fn ops_read_back_what_they_write() {
        for op in [Op::Upsert, Op::Delete] {
            assert_eq!(Op::parse(op.as_str()), Some(op));
        }
        assert_eq!(Op::parse("merge"), None);
    }
}
