//! The churn taxonomy in the database: shown as its defaults while a book
//! has none, written at the first write that needs it (a reading command
//! writes nothing), edited (add, rename, describe, retire, re-mark, delete
//! only when unused).

use super::invalid;
use crate::domain::churn::{DEFAULT_TAXONOMY, Reason, ReasonId, ReasonKind, TaxonomyEdit};
use crate::store::{Store, StoreResult};
use rusqlite::{OptionalExtension, Row, params};

const REASON_COLUMNS: &str = "id, label, kind, description, retired";

fn reason_from_row(row: &Row<'_>) -> rusqlite::Result<Reason> {
    let kind: String = row.get(2)?;
    Ok(Reason {
        id: row.get(0)?,
        label: row.get(1)?,
        kind: ReasonKind::parse(&kind).unwrap_or(ReasonKind::Controllable),
        description: row.get(3)?,
        retired: row.get::<_, i64>(4)? != 0,
    })
}

/// The default taxonomy as seeding an empty table numbers it: the table's
/// `INTEGER PRIMARY KEY` (no `AUTOINCREMENT`) starts again at 1 when empty.
fn default_reasons() -> Vec<Reason> {
    DEFAULT_TAXONOMY
        .iter()
        .zip(1..)
        .map(|(entry, id)| Reason {
            id,
            label: entry.label.to_string(),
            kind: entry.kind,
            description: entry.description.to_string(),
            retired: false,
        })
        .collect()
}

impl Store {
    /// Writes the default taxonomy into a book that has none yet. Idempotent:
    /// once any entry exists (even renamed or retired) nothing is added, so a
    /// user's edits are never undone. Returns how many entries were added.
    pub fn seed_churn_taxonomy(&self) -> StoreResult<usize> {
        let any: bool =
            self.conn.query_row("SELECT EXISTS (SELECT 1 FROM churn_reasons)", [], |r| r.get(0))?;
        if any {
            return Ok(0);
        }
        let tx = self.step()?;
        {
            let mut insert = tx.prepare(
                "INSERT OR IGNORE INTO churn_reasons (label, kind, description) VALUES (?1, ?2, ?3)",
            )?;
            for entry in DEFAULT_TAXONOMY {
                insert.execute(params![entry.label, entry.kind.as_str(), entry.description])?;
            }
        }
        tx.commit()?;
        Ok(DEFAULT_TAXONOMY.len())
    }

    /// Every taxonomy entry, retired ones included, in the order they were
    /// added. A book with none yet shows the default taxonomy as
    /// [`Store::seed_churn_taxonomy`] would write it, ids included, without
    /// writing it.
    pub fn churn_reasons(&self) -> StoreResult<Vec<Reason>> {
        let mut statement = self
            .conn
            .prepare(&format!("SELECT {REASON_COLUMNS} FROM churn_reasons ORDER BY id"))?;
        let reasons = statement.query_map([], reason_from_row)?.collect::<Result<Vec<_>, _>>()?;
        if reasons.is_empty() {
            return Ok(default_reasons());
        }
        Ok(reasons)
    }

    /// The entry with this label, compared case-insensitively (as the
    /// column's `NOCASE`: ASCII letters), the defaults while none is stored.
    pub fn churn_reason_by_label(&self, label: &str) -> StoreResult<Option<Reason>> {
        let stored = self
            .conn
            .query_row(
                &format!("SELECT {REASON_COLUMNS} FROM churn_reasons WHERE label = ?1"),
                [label.trim()],
                reason_from_row,
            )
            .optional()?;
        if stored.is_some() {
            return Ok(stored);
        }
        let any: bool =
            self.conn.query_row("SELECT EXISTS (SELECT 1 FROM churn_reasons)", [], |r| r.get(0))?;
        if any {
            return Ok(None);
        }
        Ok(default_reasons().into_iter().find(|r| r.label.eq_ignore_ascii_case(label.trim())))
    }

    /// A stored entry, for a write: the default taxonomy is written first
    /// when the book has none, so the entry a user saw is the one changed.
    fn require_reason(&self, label: &str) -> StoreResult<Reason> {
        self.seed_churn_taxonomy()?;
        self.churn_reason_by_label(label)?.ok_or_else(|| {
            invalid(format!(
                "no churn reason is called {:?}; `cockpit churn reasons` lists them",
                label.trim()
            ))
        })
    }

    fn reason_by_id(&self, id: ReasonId) -> StoreResult<Reason> {
        Ok(self.conn.query_row(
            &format!("SELECT {REASON_COLUMNS} FROM churn_reasons WHERE id = ?1"),
            [id],
            reason_from_row,
        )?)
    }

    /// How many saved chains use this entry. A draft is not a use: it is
    /// unfinished work that must not hold the taxonomy hostage.
    pub fn churn_reason_uses(&self, id: ReasonId) -> StoreResult<usize> {
        let count: i64 = self.conn.query_row(
            "SELECT count(DISTINCT l.chain_id) FROM churn_links l
             JOIN churn_chains c ON c.id = l.chain_id
             WHERE l.reason_id = ?1 AND c.status = 'saved'",
            [id],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    fn label_is_free(&self, label: &str, except: Option<ReasonId>) -> StoreResult<()> {
        if label.is_empty() {
            return Err(invalid("a churn reason needs a label"));
        }
        if let Some(existing) = self.churn_reason_by_label(label)?
            && Some(existing.id) != except
        {
            return Err(invalid(format!(
                "a churn reason called {:?} already exists{}",
                existing.label,
                if existing.retired { " (retired; restore it instead)" } else { "" }
            )));
        }
        Ok(())
    }

    /// Adds an entry to the taxonomy.
    pub fn add_churn_reason(
        &self,
        label: &str,
        kind: ReasonKind,
        description: &str,
    ) -> StoreResult<Reason> {
        let label = label.trim();
        self.label_is_free(label, None)?;
        // The defaults a reader was shown are kept beside the new entry.
        self.seed_churn_taxonomy()?;
        self.conn.execute(
            "INSERT INTO churn_reasons (label, kind, description) VALUES (?1, ?2, ?3)",
            params![label, kind.as_str(), description],
        )?;
        self.reason_by_id(self.conn.last_insert_rowid())
    }

    /// Renames an entry; every chain using it reads the new label.
    pub fn rename_churn_reason(&self, label: &str, new_label: &str) -> StoreResult<Reason> {
        let reason = self.require_reason(label)?;
        let new_label = new_label.trim();
        self.label_is_free(new_label, Some(reason.id))?;
        self.conn.execute(
            "UPDATE churn_reasons SET label = ?2 WHERE id = ?1",
            params![reason.id, new_label],
        )?;
        self.reason_by_id(reason.id)
    }

    /// Changes an entry's short description.
    pub fn describe_churn_reason(&self, label: &str, description: &str) -> StoreResult<Reason> {
        let reason = self.require_reason(label)?;
        self.conn.execute(
            "UPDATE churn_reasons SET description = ?2 WHERE id = ?1",
            params![reason.id, description],
        )?;
        self.reason_by_id(reason.id)
    }

    /// Hides an entry from the picker (or shows it again); chains that use it keep it.
    pub fn set_churn_reason_retired(&self, label: &str, retired: bool) -> StoreResult<Reason> {
        let reason = self.require_reason(label)?;
        self.conn.execute(
            "UPDATE churn_reasons SET retired = ?2 WHERE id = ?1",
            params![reason.id, i64::from(retired)],
        )?;
        self.reason_by_id(reason.id)
    }

    /// Marks a cause controllable or uncontrollable. Terminal events stay
    /// terminal and causes stay causes, so no saved chain loses its only cause.
    pub fn set_churn_reason_kind(&self, label: &str, kind: ReasonKind) -> StoreResult<Reason> {
        let reason = self.require_reason(label)?;
        if reason.kind.is_cause() != kind.is_cause() {
            return Err(invalid(format!(
                "{:?} is {}; only causes can be marked controllable or uncontrollable — add a new entry instead",
                reason.label, reason.kind
            )));
        }
        self.conn.execute(
            "UPDATE churn_reasons SET kind = ?2 WHERE id = ?1",
            params![reason.id, kind.as_str()],
        )?;
        self.reason_by_id(reason.id)
    }

    /// Applies one taxonomy change; the entry as it is now (`None` once deleted).
    pub fn edit_churn_taxonomy(&self, edit: &TaxonomyEdit) -> StoreResult<Option<Reason>> {
        Ok(Some(match edit {
            TaxonomyEdit::Add { label, kind, description } => {
                self.add_churn_reason(label, *kind, description)?
            }
            TaxonomyEdit::Rename { label, new_label } => {
                self.rename_churn_reason(label, new_label)?
            }
            TaxonomyEdit::Describe { label, description } => {
                self.describe_churn_reason(label, description)?
            }
            TaxonomyEdit::Mark { label, kind } => self.set_churn_reason_kind(label, *kind)?,
            TaxonomyEdit::Retire { label, retired } => {
                self.set_churn_reason_retired(label, *retired)?
            }
            TaxonomyEdit::Delete { label } => {
                self.delete_churn_reason(label)?;
                return Ok(None);
            }
        }))
    }

    /// Deletes an entry no chain uses; one in use can only be retired.
    pub fn delete_churn_reason(&self, label: &str) -> StoreResult<()> {
        let reason = self.require_reason(label)?;
        let uses = self.churn_reason_uses(reason.id)?;
        if uses > 0 {
            return Err(invalid(format!(
                "{:?} is used by {} and cannot be deleted; retire it to hide it from the picker",
                reason.label,
                crate::domain::count::of(uses, "saved chain", "saved chains")
            )));
        }
        // A draft that picked the entry keeps the words as free text.
        let tx = self.step()?;
        tx.execute(
            "UPDATE churn_links SET reason_id = NULL, free_text = ?2 WHERE reason_id = ?1",
            params![reason.id, reason.label],
        )?;
        tx.execute("DELETE FROM churn_reasons WHERE id = ?1", [reason.id])?;
        tx.commit()?;
        Ok(())
    }
}
