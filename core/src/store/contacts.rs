//! The people at each account (`contacts`): their writes inside an import
//! (keyed by account and name), and the readers for export, the account
//! view and the renewal windows' stakeholder coverage.

use super::bulk::{BulkImport, rfc3339};
use super::{Store, StoreResult};
use crate::domain::contact::{Contact, ContactRole};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;
use std::collections::HashMap;

const CONTACT_UPSERT: &str =
    "INSERT INTO contacts (account_id, name, email, role, title, left_on, updated_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
     ON CONFLICT (account_id, name) DO UPDATE
     SET email = excluded.email, role = excluded.role, title = excluded.title,
         left_on = excluded.left_on, updated_at = excluded.updated_at
     WHERE email IS NOT excluded.email OR role IS NOT excluded.role
        OR title IS NOT excluded.title OR left_on IS NOT excluded.left_on";

const COLUMNS: &str = "account_id, name, email, role, title, left_on";

impl BulkImport<'_> {
    /// Inserts or updates one contact (keyed by account and name); true when written.
    pub fn upsert_contact(&mut self, contact: &Contact, now: DateTime<Utc>) -> StoreResult<bool> {
        let mut statement = self.connection().prepare_cached(CONTACT_UPSERT)?;
        let written = statement.execute(params![
            contact.account_id,
            contact.name,
            contact.email,
            contact.role.as_str(),
            contact.title,
            contact.left_on.map(|day| day.format("%Y-%m-%d").to_string()),
            rfc3339(now),
        ])?;
        Ok(written > 0)
    }
}

/// Which key stakeholders an account has on a day (present, not left).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stakeholders {
    pub champion: bool,
    pub executive_sponsor: bool,
}

impl Store {
    /// Every contact, by account then name (export).
    pub fn each_contact(
        &self,
        mut each: impl FnMut(Contact) -> StoreResult<()>,
    ) -> StoreResult<()> {
        let mut statement = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM contacts ORDER BY account_id, name"))?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            each(contact_from(row)?)?;
        }
        Ok(())
    }

    /// One account's contacts: present ones first, then by role and name.
    pub fn account_contacts(&self, account_id: &str) -> StoreResult<Vec<Contact>> {
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM contacts WHERE account_id = ?1 ORDER BY name"
        ))?;
        let mut contacts =
            statement.query_map([account_id], contact_from)?.collect::<Result<Vec<_>, _>>()?;
        contacts.sort_by(|a, b| {
            (a.left_on.is_some(), a.role, &a.name).cmp(&(b.left_on.is_some(), b.role, &b.name))
        });
        Ok(contacts)
    }

    /// For every account with a champion or executive sponsor still there on
    /// `day`: which of the two it has. Accounts missing from the map have neither.
    pub fn stakeholders_on(&self, day: NaiveDate) -> StoreResult<HashMap<String, Stakeholders>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT account_id, role FROM contacts
             WHERE role IN ('champion', 'executive_sponsor')
               AND (left_on IS NULL OR left_on > ?1)",
        )?;
        let mut rows = statement.query([day.format("%Y-%m-%d").to_string()])?;
        let mut known: HashMap<String, Stakeholders> = HashMap::new();
        while let Some(row) = rows.next()? {
            let account: String = row.get(0)?;
            let role: String = row.get(1)?;
            let entry = known.entry(account).or_default();
            match ContactRole::parse(&role) {
                Ok(ContactRole::Champion) => entry.champion = true,
                Ok(ContactRole::ExecutiveSponsor) => entry.executive_sponsor = true,
                _ => {}
            }
        }
        Ok(known)
    }
}

fn contact_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<Contact> {
    let role: String = row.get(3)?;
    let left_on: Option<String> = row.get(5)?;
    Ok(Contact {
        account_id: row.get(0)?,
        name: row.get(1)?,
        email: row.get(2)?,
        // The table's check allows only the five roles.
        role: ContactRole::parse(&role).unwrap_or(ContactRole::User),
        title: row.get(4)?,
        left_on: left_on
            .and_then(|text| NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()),
    })
}
