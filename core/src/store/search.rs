//! Searching the whole book: notes, account names and ids, and churn
//! chains, through the FTS5 tables of migration 008 (kept exact by its
//! triggers, and by the bulk load, which fills the notes' index once after
//! loading into an empty table). A search takes the words a user typed,
//! matches each as a word prefix, and returns the first screen already
//! grouped by account — accounts whose name or id matched first, then the
//! accounts with the newest hits — with the number of notes matched in all.
//! Which parts of a text to highlight is answered here too
//! ([`match_ranges`]), by the same rule as the index's tokenizer, so the
//! highlight shows what matched. No drawing here.

use super::accounts::time_of;
use super::{Store, StoreResult};
use crate::domain::NoteKind;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use std::ops::Range;

/// What a hit is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HitKind {
    /// The account's name or id matched.
    Account,
    /// A note or touch matched.
    Note { kind: NoteKind, who: String },
    /// A churn chain's causes or comments matched (`draft` while unsaved).
    Chain { id: i64, event: String, draft: bool },
}

/// One matching text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub kind: HitKind,
    /// When the note was written or the churn happened (none for a name).
    pub at: Option<DateTime<Utc>>,
    /// The whole text that matched (a name, a note, a chain's causes).
    pub text: String,
}

/// The hits of one account, newest first (its name first when it matched).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchGroup {
    pub account_id: String,
    pub name: String,
    pub hits: Vec<SearchHit>,
}

/// A search's first screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchResults {
    /// The words searched for, lowercased.
    pub terms: Vec<String>,
    pub groups: Vec<SearchGroup>,
    /// Notes that match in the whole book (the groups hold the newest
    /// few), counted up to [`COUNT_CAP`] + 1 (more than the cap).
    pub notes_matched: u64,
    /// Notes held in the groups.
    pub notes_shown: u64,
}

/// The words of a query: runs of letters and digits, lowercased (what the
/// index's `unicode61` tokenizer calls a token).
pub fn query_terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in query.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let word = word.to_lowercase();
        if !terms.contains(&word) {
            terms.push(word);
        }
    }
    terms
}

/// The FTS5 query for `terms`: every word, as a prefix, must occur.
fn fts_query(terms: &[String]) -> String {
    terms.iter().map(|t| format!("\"{t}\"*")).collect::<Vec<_>>().join(" ")
}

/// The most whole words a typed word is expanded into in the notes.
const MOST_WORDS: usize = 32;

/// Up to how many matching notes are counted (more is "more than").
pub const COUNT_CAP: u64 = 10_000;

/// The FTS5 query for the notes: each typed word as the whole words of the
/// notes it begins (`(a OR b)`), which the index reads newest first and
/// stops after the first screen. A word that begins more than
/// [`MOST_WORDS`] words stays a prefix query when it has three letters or
/// more (slower, but whole), and matches only itself when shorter.
fn notes_query(conn: &Connection, terms: &[String]) -> StoreResult<String> {
    let mut next_word =
        conn.prepare_cached("SELECT term FROM notes_words WHERE term >= ?1 AND term < ?2 LIMIT 1")?;
    let mut parts = Vec::with_capacity(terms.len());
    for term in terms {
        let mut upper = term.clone();
        let last = upper.pop().map_or(0, u32::from);
        upper.push(char::from_u32(last + 1).unwrap_or(char::MAX));
        // Word by word: the least word after `w` is `w0`, '0' being the
        // smallest character a word holds (the tokenizer splits at every
        // character below it). `term > w` would read all of `w`'s notes.
        let mut words: Vec<String> = Vec::new();
        let mut from = term.clone();
        while words.len() <= MOST_WORDS {
            let word: Option<String> =
                next_word.query_row(params![from, upper], |row| row.get(0)).optional()?;
            let Some(word) = word else { break };
            from = format!("{word}0");
            words.push(word);
        }
        let part = if words.len() <= MOST_WORDS {
            let mut words: Vec<String> = words.iter().map(|w| quoted(w)).collect();
            if words.is_empty() {
                words.push(quoted(term));
            }
            format!("({})", words.join(" OR "))
        } else if term.chars().count() >= 3 {
            format!("{}*", quoted(term))
        } else {
            quoted(term)
        };
        parts.push(part);
    }
    Ok(parts.join(" AND "))
}

/// A word as an FTS5 string.
fn quoted(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

/// The byte ranges of `text`'s words that start with one of `terms` (as
/// the index matched them), in order.
pub fn match_ranges(text: &str, terms: &[String]) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = None;
    let check = |from: usize, to: usize, ranges: &mut Vec<Range<usize>>| {
        let word = text[from..to].to_lowercase();
        if terms.iter().any(|t| word.starts_with(t.as_str())) {
            ranges.push(from..to);
        }
    };
    for (index, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(index),
            (false, Some(from)) => {
                check(from, index, &mut ranges);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        check(from, text.len(), &mut ranges);
    }
    ranges
}

/// The first screen of a search, grouped and ordered in one statement:
/// accounts whose name or id matched, the newest `?2` matching notes (by
/// the index's rowid order, newest written last) and the matching chains,
/// joined to their accounts; accounts whose name matched come first, then
/// those with the newest hit.
const SEARCH: &str = "
WITH
  named AS (
    SELECT a.id AS account_id FROM accounts_fts f JOIN accounts a ON a.id = f.id
    WHERE accounts_fts MATCH ?1 LIMIT ?2
  ),
  noted AS (SELECT rowid AS id FROM notes_fts WHERE notes_fts MATCH ?3 ORDER BY rowid DESC LIMIT ?2),
  chained AS (SELECT rowid AS id FROM chains_fts WHERE chains_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2),
  hits (account_id, what, at, kind, who, text, chain, draft) AS (
    SELECT account_id, 0, NULL, NULL, NULL, NULL, NULL, NULL FROM named
    UNION ALL
    SELECT n.account_id, 1, n.at, n.kind, n.who, n.text, NULL, NULL
    FROM noted JOIN notes n ON n.id = noted.id
    UNION ALL
    SELECT c.account_id, 2, c.event_date, c.event, c.who, t.body, c.id, c.status = 'draft'
    FROM chained JOIN churn_chains c ON c.id = chained.id JOIN chain_text t ON t.chain_id = c.id
  ),
  grouped AS (
    SELECT h.*, min(what) OVER account = 0 AS by_name, max(at) OVER account AS newest
    FROM hits h WINDOW account AS (PARTITION BY account_id)
  )
SELECT g.account_id, a.name, g.what, g.at, g.kind, g.who, g.text, g.chain, g.draft
FROM grouped g JOIN accounts a ON a.id = g.account_id
ORDER BY g.by_name DESC, CASE WHEN g.by_name THEN a.name END COLLATE NOCASE,
         g.newest DESC, g.account_id, g.what = 0 DESC, g.at DESC";

impl Store {
    /// Searches the book for `query`'s words (each a word prefix, all
    /// required): at most `limit` notes, `limit` accounts by name and
    /// `limit` chains, grouped by account. An empty query finds nothing.
    pub fn search_book(&self, query: &str, limit: usize) -> StoreResult<SearchResults> {
        let terms = query_terms(query);
        if terms.is_empty() {
            return Ok(SearchResults::default());
        }
        let fts = fts_query(&terms);
        let in_notes = notes_query(&self.conn, &terms)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut statement = self.conn.prepare_cached(SEARCH)?;
        let mut rows = statement.query(params![fts, limit, in_notes])?;
        let mut groups: Vec<SearchGroup> = Vec::new();
        let mut notes_shown = 0;
        while let Some(row) = rows.next()? {
            let account_id: String = row.get(0)?;
            let what: i64 = row.get(2)?;
            let at: Option<String> = row.get(3)?;
            let at = at.as_deref().map(time_of);
            let name: String = row.get(1)?;
            let hit = match what {
                0 => SearchHit { kind: HitKind::Account, at: None, text: name.clone() },
                1 => {
                    notes_shown += 1;
                    let kind: String = row.get(4)?;
                    SearchHit {
                        kind: HitKind::Note {
                            kind: NoteKind::parse(&kind).unwrap_or(NoteKind::Note),
                            who: row.get(5)?,
                        },
                        at,
                        text: row.get(6)?,
                    }
                }
                _ => SearchHit {
                    kind: HitKind::Chain {
                        id: row.get(7)?,
                        event: row.get(4)?,
                        draft: row.get(8)?,
                    },
                    at,
                    text: row.get(6)?,
                },
            };
            match groups.last_mut() {
                Some(group) if group.account_id == account_id => group.hits.push(hit),
                _ => groups.push(SearchGroup { account_id, name, hits: vec![hit] }),
            }
        }
        let notes_matched = if notes_shown < limit as u64 {
            notes_shown
        } else {
            // Read newest first and stopped at the cap: a count of every
            // note holding a common word would read them all.
            self.conn.query_row(
                "SELECT count(*) FROM (SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?1
                                       ORDER BY rowid DESC LIMIT ?2)",
                params![in_notes, COUNT_CAP as i64 + 1],
                |row| row.get::<_, i64>(0),
            )? as u64
        };
        Ok(SearchResults { terms, groups, notes_matched, notes_shown })
    }
}

/// A table's search index whose triggers were dropped for a bulk load:
/// [`SuspendedIndex::resume`] creates them again and fills the index from
/// the table in one statement (far cheaper than a trigger per row).
#[derive(Debug)]
pub(super) struct SuspendedIndex {
    table: &'static str,
    triggers: Vec<String>,
}

/// The index of `table` and how to fill it whole, for the tables a bulk
/// load writes. The accounts get their search keys in id order, as one by
/// one: said outright, since the ids may be read from a smaller index in
/// another order (the ARR index, once the accounts' ARR is filled in).
///
/// FTS5 writes out what it holds in memory whenever a row's key is lower
/// than the last one's: rows given in key order make one pass (100,000
/// accounts read in ARR order: 2.0 s on the CPU; in key order: 0.3 s).
/// The notes' index is filled holding up to 16 MB of words in memory
/// instead of 1 MB, so it is written in a few large runs rather than
/// hundreds of small ones merged again and again (2.9 million notes: 2.8 s
/// on the CPU, then 1.6 s); the size is set back to FTS5's default (and
/// the setting forgotten) before anything else writes to it.
fn refill_sql(table: &str) -> Option<(&'static str, &'static str)> {
    match table {
        "notes" => Some((
            "notes",
            "INSERT INTO notes_fts (notes_fts, rank) VALUES ('hashsize', 16777216);
             INSERT INTO notes_fts (notes_fts) VALUES ('rebuild');
             INSERT INTO notes_fts (notes_fts, rank) VALUES ('hashsize', 1048576);
             DELETE FROM notes_fts_config WHERE k = 'hashsize';",
        )),
        "accounts" => Some((
            "accounts",
            "DELETE FROM accounts_fts;
             DELETE FROM account_search_keys;
             INSERT INTO account_search_keys (account_id) SELECT id FROM accounts ORDER BY id;
             INSERT INTO accounts_fts (rowid, id, name)
                 SELECT k.key, a.id, a.name
                 FROM account_search_keys k CROSS JOIN accounts a ON a.id = k.account_id
                 ORDER BY k.key",
        )),
        _ => None,
    }
}

/// Drops the search triggers of `table` (empty, about to be bulk loaded);
/// `None` for a table without a search index.
pub(super) fn suspend_index(conn: &Connection, table: &str) -> StoreResult<Option<SuspendedIndex>> {
    let Some((table, _)) = refill_sql(table) else { return Ok(None) };
    let mut statement = conn.prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1
         AND name LIKE ?1 || '_fts_%'",
    )?;
    let found = statement
        .query_map([table], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut triggers = Vec::new();
    for (name, sql) in found {
        conn.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))?;
        triggers.push(sql);
    }
    Ok(Some(SuspendedIndex { table, triggers }))
}

impl SuspendedIndex {
    /// The table whose search index this is.
    pub(super) fn table_name(&self) -> &'static str {
        self.table
    }

    /// Creates the triggers again and fills the index from the table.
    pub(super) fn resume(self, conn: &Connection) -> StoreResult<()> {
        if let Some((_, fill)) = refill_sql(self.table) {
            conn.execute_batch(fill)?;
        }
        for sql in self.triggers {
            conn.execute_batch(&sql)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
