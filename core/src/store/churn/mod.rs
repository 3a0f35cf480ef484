//! Churn chains and their taxonomy in the database: shows the default
//! taxonomy while a book has none, writes it at the first write that needs
//! it (a reading command writes nothing), edits it (add, rename, retire, re-mark, delete only
//! when unused), saves chains (the etiology rule is enforced here too),
//! keeps drafts, keeps every earlier version of an edited chain, and loads
//! chains for an account or for the report. No rule is decided here that
//! the domain already decides.

mod taxonomy;

use super::{Store, StoreError, StoreResult};
use crate::domain::Money;
use crate::domain::Month;
use crate::domain::churn::{
    BookChain, ChainId, ChainLink, ChainStatus, ChurnChain, ChurnEvent, EventProposal, LinkCause,
    Prefill, ReasonId, ReasonKind, choose_prefill, propose_event,
};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;

/// An earlier version of a chain, kept when the chain was edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainVersion {
    /// When that version was written, and by whom.
    pub at: String,
    pub who: String,
    pub sentence: String,
    /// The version as JSON (event, date, ARR lost, product, links with notes).
    pub body: String,
}

fn invalid(text: impl Into<String>) -> StoreError {
    StoreError::Invalid(text.into())
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Store {
    // ---- accounts, as the churn commands need them ----

    /// The account's name and CSM, or `None` when there is no such account.
    pub fn churn_account(&self, account_id: &str) -> StoreResult<Option<(String, String)>> {
        Ok(self
            .conn
            .query_row("SELECT name, csm FROM accounts WHERE id = ?1", [account_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    /// The event the account's snapshots suggest (its latest ARR drop), for the editor's prefill.
    pub fn churn_event_proposal(&self, account_id: &str) -> StoreResult<Option<EventProposal>> {
        let latest: Option<i32> = crate::store::series::latest_month(&self.conn)?.map(|m| m.0);
        let Some(latest) = latest else { return Ok(None) };
        let mut statement = self.conn.prepare(
            "SELECT month, sum(arr_cents) FROM snapshots WHERE account_id = ?1 GROUP BY month ORDER BY month",
        )?;
        let history = statement
            .query_map([account_id], |r| Ok((Month(r.get(0)?), Money(r.get(1)?))))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(propose_event(&history, Month(latest)))
    }

    /// What the chain editor opens a new chain with: the snapshot drop dated
    /// on the contract end behind it, or the renewal ahead for a customer
    /// who said no while the ARR is still on the books.
    pub fn churn_prefill(
        &self,
        account_id: &str,
        today: NaiveDate,
    ) -> StoreResult<Option<Prefill>> {
        let proposal = self.churn_event_proposal(account_id)?;
        let mut statement = self.conn.prepare(
            "SELECT COALESCE(terminated_on, end_date), sum(arr_cents) FROM contracts
             WHERE account_id = ?1 GROUP BY 1 ORDER BY 1",
        )?;
        let ends = statement
            .query_map([account_id], |r| Ok((r.get::<_, String>(0)?, Money(r.get(1)?))))?
            .collect::<Result<Vec<_>, _>>()?;
        let ends: Vec<(NaiveDate, Money)> = ends
            .into_iter()
            .filter_map(|(date, arr)| {
                crate::domain::Day::from_stored(&date).map(|d| (d.date(), arr))
            })
            .collect();
        Ok(choose_prefill(proposal, &ends, today))
    }

    // ---- chains ----

    /// Saves a chain as final. Refused when it breaks the etiology rule or its
    /// account is unknown. Editing a saved chain keeps the previous version.
    pub fn save_churn_chain(
        &self,
        chain: &ChurnChain,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<ChainId> {
        chain.check_etiology().map_err(|e| invalid(e.to_string()))?;
        if chain.id.is_none()
            && let Some(existing) = self.same_churn_event(chain)?
        {
            let product = if chain.product.is_empty() {
                String::new()
            } else {
                format!(" ({})", chain.product)
            };
            return Err(invalid(format!(
                "account {:?} already has saved chain #{existing} for {}{product}; edit that chain instead of recording a second one (`cockpit churn list {}` shows it)",
                chain.account_id,
                chain.event_date.format("%Y-%m-%d"),
                chain.account_id
            )));
        }
        self.write_chain(chain, ChainStatus::Saved, who, at)
    }

    /// A saved chain of the same account, event date and product, which a
    /// new chain would count twice in every report.
    fn same_churn_event(&self, chain: &ChurnChain) -> StoreResult<Option<ChainId>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM churn_chains WHERE account_id = ?1 AND event_date = ?2
                 AND product = ?3 AND status = 'saved' ORDER BY id LIMIT 1",
                params![
                    chain.account_id,
                    chain.event_date.format("%Y-%m-%d").to_string(),
                    chain.product
                ],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Keeps an unfinished chain as a draft (no rule applies yet). A saved
    /// chain is never turned back into a draft.
    pub fn save_churn_draft(
        &self,
        chain: &ChurnChain,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<ChainId> {
        self.write_chain(chain, ChainStatus::Draft, who, at)
    }

    /// Deletes a draft; saved chains are kept.
    pub fn discard_churn_draft(&self, id: ChainId) -> StoreResult<()> {
        let deleted = self
            .conn
            .execute("DELETE FROM churn_chains WHERE id = ?1 AND status = 'draft'", [id])?;
        if deleted == 0 {
            return Err(invalid(format!("chain {id} is not a draft")));
        }
        Ok(())
    }

    fn write_chain(
        &self,
        chain: &ChurnChain,
        status: ChainStatus,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<ChainId> {
        if self.churn_account(&chain.account_id)?.is_none() {
            return Err(invalid(format!("no account {:?} in the book", chain.account_id)));
        }
        // Links name the entries a reader was shown, defaults included.
        self.seed_churn_taxonomy()?;
        let at = stamp(at);
        let tx = self.step()?;
        let id = match chain.id {
            Some(id) => {
                let previous = self.churn_chain(id)?.ok_or_else(|| {
                    invalid(format!("chain {id} no longer exists; it may have been discarded"))
                })?;
                if previous.account_id != chain.account_id {
                    return Err(invalid(format!(
                        "chain {id} belongs to account {:?}",
                        previous.account_id
                    )));
                }
                if previous.status == ChainStatus::Saved {
                    if status == ChainStatus::Draft {
                        return Err(invalid(format!(
                            "chain {id} is saved; save the edit or discard it (a saved chain is never turned back into a draft)"
                        )));
                    }
                    let (was_at, was_who): (String, String) = tx.query_row(
                        "SELECT updated_at, who FROM churn_chains WHERE id = ?1",
                        [id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )?;
                    tx.execute(
                        "INSERT INTO churn_chain_versions (chain_id, at, who, sentence, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![id, was_at, was_who, previous.sentence(), chain_body(&previous)],
                    )?;
                }
                tx.execute(
                    "UPDATE churn_chains SET event = ?2, event_date = ?3, arr_lost_cents = ?4, product = ?5,
                        status = ?6, who = ?7, updated_at = ?8 WHERE id = ?1",
                    params![
                        id,
                        chain.event.as_str(),
                        chain.event_date.format("%Y-%m-%d").to_string(),
                        super::amounts::stored_cents("ARR lost", chain.arr_lost)?,
                        chain.product,
                        status.as_str(),
                        who,
                        at
                    ],
                )?;
                tx.execute("DELETE FROM churn_links WHERE chain_id = ?1", [id])?;
                id
            }
            None => {
                tx.execute(
                    "INSERT INTO churn_chains (account_id, event, event_date, arr_lost_cents, product, status, who, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                    params![
                        chain.account_id,
                        chain.event.as_str(),
                        chain.event_date.format("%Y-%m-%d").to_string(),
                        super::amounts::stored_cents("ARR lost", chain.arr_lost)?,
                        chain.product,
                        status.as_str(),
                        who,
                        at
                    ],
                )?;
                tx.last_insert_rowid()
            }
        };
        {
            let mut insert = tx.prepare(
                "INSERT INTO churn_links (chain_id, position, reason_id, free_text, note) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (position, link) in chain.links.iter().enumerate() {
                let (reason_id, free_text) = match &link.cause {
                    LinkCause::Reason { id, .. } => (Some(*id), None),
                    LinkCause::FreeText(text) => (None, Some(text.as_str())),
                };
                insert.execute(params![
                    id,
                    position as i64 + 1,
                    reason_id,
                    free_text,
                    link.note
                ])?;
            }
        }
        tx.commit()?;
        Ok(id)
    }

    /// One chain with its links, labels as the taxonomy reads now.
    pub fn churn_chain(&self, id: ChainId) -> StoreResult<Option<ChurnChain>> {
        let mut chains = self.load_chains("WHERE c.id = ?1", &[&id])?;
        Ok(chains.pop().map(|c| c.chain))
    }

    /// The account's chains, drafts included, newest event first.
    pub fn churn_chains_for_account(&self, account_id: &str) -> StoreResult<Vec<ChurnChain>> {
        Ok(self
            .load_chains("WHERE c.account_id = ?1", &[&account_id])?
            .into_iter()
            .map(|c| c.chain)
            .collect())
    }

    /// Saved chains whose event falls between `from` and `to` (both included,
    /// either open), with the account's name and CSM, for the report.
    pub fn churn_chains_for_report(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<Vec<BookChain>> {
        let from = from.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let to =
            to.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "9999-12-31".into());
        self.load_chains(
            "WHERE c.status = 'saved' AND c.event_date >= ?1 AND c.event_date <= ?2",
            &[&from, &to],
        )
    }

    /// The earlier versions of a chain, oldest first.
    pub fn churn_chain_versions(&self, id: ChainId) -> StoreResult<Vec<ChainVersion>> {
        let mut statement = self.conn.prepare(
            "SELECT at, who, sentence, body FROM churn_chain_versions WHERE chain_id = ?1 ORDER BY id",
        )?;
        let versions = statement
            .query_map([id], |r| {
                Ok(ChainVersion {
                    at: r.get(0)?,
                    who: r.get(1)?,
                    sentence: r.get(2)?,
                    body: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(versions)
    }

    /// Chains matching `filter` (on `churn_chains c`), two queries whatever their number.
    fn load_chains(
        &self,
        filter: &str,
        values: &[&dyn rusqlite::ToSql],
    ) -> StoreResult<Vec<BookChain>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT c.id, c.account_id, c.event, c.event_date, c.arr_lost_cents, c.product, c.status,
                    coalesce(a.name, ''), coalesce(a.csm, '')
             FROM churn_chains c LEFT JOIN accounts a ON a.id = c.account_id
             {filter} ORDER BY c.event_date DESC, c.id DESC"
        ))?;
        let mut chains = Vec::new();
        let mut rows = statement.query(values)?;
        while let Some(row) = rows.next()? {
            let event: String = row.get(2)?;
            let date: String = row.get(3)?;
            let status: String = row.get(6)?;
            let id: ChainId = row.get(0)?;
            let event_date = crate::domain::Day::from_stored(&date)
                .filter(|_| date.len() == 10)
                .map(crate::domain::Day::date)
                .ok_or_else(|| invalid(format!("chain {id}: event date {date:?} is not a date")))?;
            chains.push(BookChain {
                chain: ChurnChain {
                    id: Some(id),
                    account_id: row.get(1)?,
                    event: ChurnEvent::parse(&event).unwrap_or(ChurnEvent::Churned),
                    event_date,
                    arr_lost: Money(row.get(4)?),
                    product: row.get(5)?,
                    links: Vec::new(),
                    status: if status == "draft" { ChainStatus::Draft } else { ChainStatus::Saved },
                },
                account_name: row.get(7)?,
                csm: row.get(8)?,
            });
        }
        if chains.is_empty() {
            return Ok(chains);
        }
        let mut links: HashMap<ChainId, Vec<ChainLink>> = HashMap::new();
        let mut statement = self.conn.prepare(&format!(
            "SELECT l.chain_id, l.reason_id, l.free_text, l.note, r.label, r.kind
             FROM churn_links l JOIN churn_chains c ON c.id = l.chain_id
             LEFT JOIN churn_reasons r ON r.id = l.reason_id
             {filter} ORDER BY l.chain_id, l.position"
        ))?;
        let mut rows = statement.query(values)?;
        while let Some(row) = rows.next()? {
            let chain_id: ChainId = row.get(0)?;
            let reason_id: Option<ReasonId> = row.get(1)?;
            let free_text: Option<String> = row.get(2)?;
            let cause = match (reason_id, free_text) {
                (Some(id), _) => {
                    let kind: String = row.get::<_, Option<String>>(5)?.unwrap_or_default();
                    LinkCause::Reason {
                        id,
                        label: row.get::<_, Option<String>>(4)?.unwrap_or_default(),
                        kind: ReasonKind::parse(&kind).unwrap_or(ReasonKind::Controllable),
                    }
                }
                (None, text) => LinkCause::FreeText(text.unwrap_or_default()),
            };
            links.entry(chain_id).or_default().push(ChainLink { cause, note: row.get(3)? });
        }
        for book_chain in &mut chains {
            if let Some(id) = book_chain.chain.id {
                book_chain.chain.links = links.remove(&id).unwrap_or_default();
            }
        }
        Ok(chains)
    }
}

/// A chain as JSON, for the version history.
fn chain_body(chain: &ChurnChain) -> String {
    let links: Vec<serde_json::Value> = chain
        .links
        .iter()
        .map(|link| match &link.cause {
            LinkCause::Reason { id, label, kind } => serde_json::json!({
                "reason_id": id, "label": label, "kind": kind.as_str(), "note": link.note,
            }),
            LinkCause::FreeText(text) => serde_json::json!({
                "free_text": text, "note": link.note,
            }),
        })
        .collect();
    serde_json::json!({
        "event": chain.event.as_str(),
        "event_date": chain.event_date.format("%Y-%m-%d").to_string(),
        "arr_lost_cents": chain.arr_lost.cents(),
        "product": chain.product,
        "status": chain.status.as_str(),
        "links": links,
    })
    .to_string()
}

#[cfg(test)]
mod tests;
