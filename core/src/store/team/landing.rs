//! The team's book data as versions: an accounts file CS operations
//! imported sets its accounts' shared columns (CSM, AM, flags, potential
//! units) at the time the server took it, and takes part in "latest by
//! time, ties by stable id" with the members' edits of those columns, column
//! by column. While a file lands, the import notes which accounts it read
//! and which columns it carries (`bulk::Landing`); once it is read, a
//! column a member's newer event already set is put back, every other
//! carried column records the import's version (`team_versions` under
//! `accounts.COLUMN`), so an older event that comes later leaves it alone.
//! Stage and health follow from the histories the import writes (a row for
//! every account whose file gives one), recomputed for the accounts whose
//! history holds a later change. No network here.

use super::apply::refresh_accounts;
use super::shape::read_shapes;
use super::tables::shared_tables;
use crate::store::StoreResult;
use crate::store::bulk::{BulkImport, FileVersion, Landing};
use crate::store::records::ACCOUNT_COLUMNS;
use rusqlite::{Connection, params};
use std::collections::BTreeSet;

/// The positions in `ACCOUNT_COLUMNS` of the account columns a team shares.
fn shared_positions() -> impl Iterator<Item = usize> {
    let shared = shared_tables()
        .into_iter()
        .find(|t| t.name == "accounts")
        .and_then(|t| t.columns)
        .unwrap_or_default();
    ACCOUNT_COLUMNS.iter().enumerate().filter(move |(_, c)| shared.contains(&c.sql)).map(|(i, _)| i)
}

/// A condition true when the row version `v` is newer than `(?1, ?2)`.
const NEWER: &str = "(v.hlc > ?1 OR (v.hlc = ?1 AND v.event_id > ?2))";

impl BulkImport<'_> {
    /// Starts landing one accounts file of version `version`: the shared
    /// columns of the accounts a newer event set are kept aside.
    pub(crate) fn begin_team_file(&mut self, version: FileVersion) -> StoreResult<()> {
        let columns: Vec<String> =
            shared_positions().map(|i| format!("a.\"{}\"", ACCOUNT_COLUMNS[i].sql)).collect();
        self.conn.execute_batch("DROP TABLE IF EXISTS temp.team_before")?;
        self.conn.execute(
            &format!(
                "CREATE TEMP TABLE team_before AS SELECT a.id, {} FROM accounts a
                 WHERE a.id IN (SELECT json_extract(v.row_key, '$[0]') FROM team_versions v
                                WHERE v.tbl >= 'accounts' AND v.tbl < 'accounts/' AND {NEWER})",
                columns.join(", ")
            ),
            params![version.hlc, version.id],
        )?;
        let mut landing = Landing::new(version);
        {
            let mut statement =
                self.conn.prepare("SELECT account_id, stage, health FROM team_file_states")?;
            let rows = statement.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
            for row in rows {
                let (id, was) = row?;
                landing.previous.insert(id, was);
            }
        }
        self.landing = Some(landing);
        Ok(())
    }

    /// Ends the landing of the file begun last: each carried column holds
    /// the latest of the file and the members' events, and the accounts
    /// with a later change in their history take their stage and health
    /// from it again.
    pub(crate) fn settle_team_file(&mut self) -> StoreResult<()> {
        let Some(landing) = self.landing.take() else { return Ok(()) };
        settle(self.conn, &landing)?;
        self.conn.execute_batch("DROP TABLE IF EXISTS temp.team_before")?;
        Ok(())
    }
}

fn settle(conn: &Connection, landing: &Landing) -> StoreResult<()> {
    let FileVersion { hlc, id, at, who } = &landing.version;
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.team_landed;
         CREATE TEMP TABLE team_landed (id TEXT PRIMARY KEY) WITHOUT ROWID;",
    )?;
    {
        let mut insert = conn.prepare("INSERT OR IGNORE INTO temp.team_landed (id) VALUES (?1)")?;
        for account in &landing.ids {
            insert.execute([account])?;
        }
    }
    for column in shared_positions().filter(|c| landing.carried.contains(c)) {
        let name = ACCOUNT_COLUMNS[column].sql;
        let held = format!(
            "EXISTS (SELECT 1 FROM team_versions v WHERE v.tbl IN ('accounts', 'accounts.{name}')
                     AND v.row_key = json_array(b.id) AND {NEWER})"
        );
        // A member's newer edit of the column stands.
        conn.execute(
            &format!(
                "UPDATE accounts SET \"{name}\" =
                     (SELECT b.\"{name}\" FROM team_before b WHERE b.id = accounts.id)
                 WHERE id IN (SELECT b.id FROM team_before b JOIN team_landed l ON l.id = b.id
                              WHERE {held})"
            ),
            params![hlc, id],
        )?;
        // Elsewhere the file's value is the column's current one.
        conn.execute(
            &format!(
                "INSERT OR REPLACE INTO team_versions (tbl, row_key, hlc, event_id)
                 SELECT 'accounts.{name}', json_array(b.id), ?1, ?2 FROM team_landed b
                 WHERE NOT {held}"
            ),
            params![hlc, id],
        )?;
    }
    // The histories: the file wrote a row for each stage and health it
    // gives; the accounts held before, and new ones whose history already
    // holds a change as late (an event that waited for the account), take
    // theirs from the merged history, the same on every member.
    let mut refresh: BTreeSet<String> = landing.held.iter().cloned().collect();
    {
        let mut statement = conn.prepare(
            "SELECT account_id FROM stage_changes WHERE (at > ?1 OR at = ?1 AND who IS NOT ?2)
               AND account_id IN (SELECT id FROM team_landed)
             UNION SELECT account_id FROM health_changes WHERE (at > ?1 OR at = ?1 AND who IS NOT ?2)
               AND account_id IN (SELECT id FROM team_landed)",
        )?;
        let rows = statement.query_map([at, who], |r| r.get::<_, String>(0))?;
        for row in rows {
            refresh.insert(row?);
        }
    }
    if !refresh.is_empty() {
        let shapes = read_shapes(conn)?;
        refresh_accounts(conn, &shapes, &refresh)?;
    }
    // What this file gave, for the next file to compare with: the history
    // rows it wrote (where it gave nothing new, the state holds it already).
    for (column, changes) in [("stage", "stage_changes"), ("health", "health_changes")] {
        conn.execute(
            &format!(
                "INSERT INTO team_file_states (account_id, {column})
                 SELECT c.account_id, c.{column} FROM {changes} c
                 WHERE c.account_id IN (SELECT id FROM team_landed) AND c.at = ?1 AND c.who = ?2
                 ORDER BY c.id
                 ON CONFLICT (account_id) DO UPDATE SET {column} = excluded.{column}"
            ),
            [at, who],
        )?;
    }
    // Later edits here come after the file on every clock.
    conn.execute(
        "UPDATE team_state SET value = CAST(max(CAST(value AS INTEGER), ?1) AS TEXT) WHERE key = 'clock'",
        [hlc],
    )?;
    conn.execute_batch("DROP TABLE IF EXISTS temp.team_landed")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::import::ImportKind;
    use crate::store::Store;
    use crate::team::{Body, Event, Local, Op, TeamFile, load_team_files};
    use chrono::{DateTime, TimeZone, Utc};

    fn member() -> Store {
        let store = crate::testkit::Book::new()
            .accounts(
                "id, name, csm, am
                 A1, Acme, ann, hal",
            )
            .open_in_memory();
        store.join_team("bob", "postgres://team.example/book").expect("join");
        store
    }

    fn file_at(seq: i64, at: DateTime<Utc>, text: &str) -> TeamFile {
        TeamFile {
            seq,
            kind: ImportKind::Accounts,
            file: "accounts.csv".to_string(),
            profile: None,
            profile_name: None,
            body: Body::Bytes(text.as_bytes().to_vec()),
            who: "ops".to_string(),
            at,
        }
    }

    /// Another member's change of A1's owners at clock `hlc`.
    fn owners_event(hlc: i64, id: &str, csm: &str, am: &str) -> Event {
        Event {
            event_id: id.to_string(),
            table: "accounts".to_string(),
            row_key: "[\"A1\"]".to_string(),
            op: Op::Upsert,
            body: Some(format!(
                "{{\"csm\":\"{csm}\",\"am\":\"{am}\",\"flags\":0,\"potential_units\":null}}"
            )),
            member: "cy".to_string(),
            hlc,
        }
    }

    fn owners(store: &Store) -> (String, String) {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 4, 15).expect("day");
        let row = store.book_row("A1", day).expect("read").expect("A1");
        (row.csm, row.am)
    }

    const FILE: &str = "account_id,name,csm\nA1,Acme,erin\n";

    fn nine() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, 15, 9, 0, 0).single().expect("time")
    }

    #[test]
    fn an_older_edit_arriving_after_the_file_keeps_only_the_columns_the_file_left() {
        let mut store = member();
        load_team_files(&mut store, &[file_at(1, nine(), FILE)], Some(1), &mut Local)
            .expect("lands");
        assert_eq!(owners(&store), ("erin".to_string(), "hal".to_string()));
        // cy's edit was made a minute before the file reached the server.
        let older = nine().timestamp_millis() - 60_000;
        store.apply_team_events(&[owners_event(older, "e1", "dan", "kim")], 1).expect("apply");
        assert_eq!(owners(&store), ("erin".to_string(), "kim".to_string()));
        // A later edit wins the CSM back.
        let later = nine().timestamp_millis() + 60_000;
        store.apply_team_events(&[owners_event(later, "e2", "dan", "kim")], 2).expect("apply");
        assert_eq!(owners(&store), ("dan".to_string(), "kim".to_string()));
    }

    #[test]
    fn a_newer_edit_applied_before_the_file_stands_and_an_older_one_does_not() {
        for (offset, expected) in [(60_000, "dan"), (-60_000, "erin")] {
            let mut store = member();
            let hlc = nine().timestamp_millis() + offset;
            store.apply_team_events(&[owners_event(hlc, "e1", "dan", "kim")], 1).expect("apply");
            load_team_files(&mut store, &[file_at(1, nine(), FILE)], Some(1), &mut Local)
                .expect("lands");
            assert_eq!(owners(&store), (expected.to_string(), "kim".to_string()), "{offset}");
            assert_eq!(store.outbox_len().expect("outbox"), 0, "nothing landed is sent back");
        }
    }
}
