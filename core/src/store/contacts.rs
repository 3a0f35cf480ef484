//! The people at each account (`contacts`): their writes inside an import
//! (keyed by account and name), the changes a user makes one at a time
//! (add, edit, left, back, remove) with what undoes each, and the readers
//! for export, the account view and the renewal windows' stakeholder
//! coverage.
//!
//! **A departure** (`ContactChange::Left` of a champion, executive sponsor
//! or decision maker who had not left) is a sponsor change: in the same
//! transaction the store writes a `sponsor_change` note dated the day they
//! left — the note is what Today's reasons and the health suggestion read —
//! and fires the sponsor-change playbooks for the occurrence
//! `departure:NAME:DAY`, so one departure starts its playbook once however
//! often it is marked. A contacts import that brings a key person's
//! departure (new, or a `left_on` where none was stored) does the same in
//! the import's transaction. A departure older than
//! [`DEPARTURE_SIGNAL_DAYS`] is kept without either. Changing the day of a
//! departure already marked raises nothing new.

use super::bulk::{BulkImport, rfc3339};
use super::stages::{date_text, time_text};
use super::undo::Reverse;
use super::{Store, StoreError, StoreResult};
use crate::domain::NoteKind;
use crate::domain::contact::{Contact, ContactChange, ContactRole, DEPARTURE_SIGNAL_DAYS};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;

pub use crate::domain::contact::Stakeholders;

/// A champion or executive sponsor: the role, and the day they left if they did.
pub type KeyPerson = (ContactRole, Option<NaiveDate>);

#[cfg(test)]
mod tests;

/// A `since` left out or blank keeps the day stored.
const CONTACT_UPSERT: &str =
    "INSERT INTO contacts (account_id, name, email, role, title, left_on, since, updated_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
     ON CONFLICT (account_id, name) DO UPDATE
     SET email = excluded.email, role = excluded.role, title = excluded.title,
         left_on = excluded.left_on, since = coalesce(excluded.since, since),
         updated_at = excluded.updated_at
     WHERE email IS NOT excluded.email OR role IS NOT excluded.role
        OR title IS NOT excluded.title OR left_on IS NOT excluded.left_on
        OR (excluded.since IS NOT NULL AND since IS NOT excluded.since)";

const COLUMNS: &str = "account_id, name, email, role, title, left_on, since";

impl BulkImport<'_> {
    /// Inserts or updates one contact (keyed by account and name); true
    /// when written. A key person the file says left, who was not stored
    /// as left (or is new), is a departure, as marked in the cockpit: its
    /// note and playbook are written in the import's transaction, once.
    pub fn upsert_contact(
        &mut self,
        contact: &Contact,
        today: NaiveDate,
        who: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let departure = match contact.left_on {
            Some(on) => {
                let stored = self.store.contact(&contact.account_id, &contact.name)?;
                let before = Contact { left_on: stored.and_then(|c| c.left_on), ..contact.clone() };
                departure_of(&before, on, today, self.store)?.map(|d| (d, on))
            }
            None => None,
        };
        let mut statement = self.connection().prepare_cached(CONTACT_UPSERT)?;
        let written = statement.execute(params![
            contact.account_id,
            contact.name,
            contact.email,
            contact.role.as_str(),
            contact.title,
            contact.left_on.map(|day| day.format("%Y-%m-%d").to_string()),
            contact.since.map(date_text),
            rfc3339(now),
        ])?;
        if let Some((departure, on)) = departure {
            self.store.record_departure(&contact.account_id, &departure, on, today, who, now)?;
        }
        Ok(written > 0)
    }
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

    /// The champions and executive sponsors of each of `account_ids`, with
    /// the day each left (if they did): what [`Stakeholders::on`] reads for
    /// a renewal's day. Accounts with neither are missing from the map.
    pub fn key_people<'a>(
        &self,
        account_ids: impl IntoIterator<Item = &'a str>,
    ) -> StoreResult<HashMap<String, Vec<KeyPerson>>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT role, left_on FROM contacts
             WHERE account_id = ?1 AND role IN ('champion', 'executive_sponsor')",
        )?;
        let mut people: HashMap<String, Vec<KeyPerson>> = HashMap::new();
        for id in account_ids {
            if people.contains_key(id) {
                continue;
            }
            let mut rows = statement.query([id])?;
            let mut found = Vec::new();
            while let Some(row) = rows.next()? {
                let role: String = row.get(0)?;
                let left: Option<String> = row.get(1)?;
                let Ok(role) = ContactRole::parse(&role) else { continue };
                found.push((role, left.as_deref().and_then(parse_day)));
            }
            if !found.is_empty() {
                people.insert(id.to_string(), found);
            }
        }
        Ok(people)
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

/// What puts an account's people back as they were before one change: the
/// row as it was (none: it was new), the row's name after the change (none:
/// it was removed), and the departure's note and playbook occurrence when
/// the change was one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactBack {
    account_id: String,
    before: Option<Contact>,
    name_after: Option<String>,
    departure: Option<Departure>,
}

/// A departure's traces: its note's text and playbook occurrence, and the
/// newest note and task of the account before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Departure {
    note: String,
    occurrence: String,
    notes_after: i64,
    tasks_after: i64,
}

impl Store {
    /// The account's person of this name (names compared as written).
    pub fn contact(&self, account_id: &str, name: &str) -> StoreResult<Option<Contact>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM contacts WHERE account_id = ?1 AND name = ?2"
            ))?
            .query_row(params![account_id, name], contact_from)
            .optional()?)
    }

    fn existing_contact(&self, account_id: &str, name: &str) -> StoreResult<Contact> {
        self.contact(account_id, name)?.ok_or_else(|| {
            StoreError::Invalid(format!("{name:?} is not one of account {account_id}'s people"))
        })
    }

    /// Refuses a name another person of the account has (case aside).
    fn name_is_free(&self, account_id: &str, name: &str, except: Option<&str>) -> StoreResult<()> {
        let taken: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT name FROM contacts WHERE account_id = ?1 AND lower(name) = lower(?2)
                   AND name IS NOT ?3",
            )?
            .query_row(params![account_id, name, except], |r| r.get(0))
            .optional()?;
        match taken {
            Some(taken) => Err(StoreError::Invalid(format!(
                "name: account {account_id} already has {taken:?}; give another name or edit that one"
            ))),
            None => Ok(()),
        }
    }

    /// Applies one change to an account's people in one transaction, as
    /// `who` at `at`; `today` bounds a departure's day. A departure of a key
    /// person writes its sponsor-change note and fires its playbook (see the
    /// module's doc).
    pub fn change_contact(
        &self,
        account_id: &str,
        change: &ContactChange,
        today: NaiveDate,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.account_name(account_id)?;
        let step = self.step()?;
        match change {
            ContactChange::Add(contact) => {
                let contact = tidy(account_id, contact)?;
                self.name_is_free(account_id, &contact.name, None)?;
                self.put_contact(&contact, at)?;
            }
            ContactChange::Edit { name, contact } => {
                let before = self.existing_contact(account_id, name)?;
                let contact = Contact { left_on: before.left_on, ..tidy(account_id, contact)? };
                contact.check().map_err(|(field, why)| {
                    StoreError::Invalid(format!("{}: {why}", field.as_str()))
                })?;
                self.name_is_free(account_id, &contact.name, Some(name))?;
                self.conn.execute(
                    "UPDATE contacts SET name = ?3, email = ?4, role = ?5, title = ?6, since = ?7,
                            updated_at = ?8
                     WHERE account_id = ?1 AND name = ?2",
                    params![
                        account_id,
                        name,
                        contact.name,
                        contact.email,
                        contact.role.as_str(),
                        contact.title,
                        contact.since.map(date_text),
                        time_text(at)
                    ],
                )?;
            }
            ContactChange::Left { name, on } => {
                let before = self.existing_contact(account_id, name)?;
                if *on > today {
                    return Err(StoreError::Invalid(format!(
                        "left: {on} is after today ({today}); give the day {name} left"
                    )));
                }
                self.set_left(account_id, name, Some(*on), at)?;
                if let Some(departure) = departure_of(&before, *on, today, self)? {
                    self.record_departure(account_id, &departure, *on, today, who, at)?;
                }
            }
            ContactChange::Returned { name } => {
                self.existing_contact(account_id, name)?;
                self.set_left(account_id, name, None, at)?;
            }
            ContactChange::Remove { name } => {
                self.existing_contact(account_id, name)?;
                self.conn.execute(
                    "DELETE FROM contacts WHERE account_id = ?1 AND name = ?2",
                    params![account_id, name],
                )?;
            }
        }
        step.commit()
    }

    /// What reverses `change`, read before it is made.
    pub fn contact_back(
        &self,
        account_id: &str,
        change: &ContactChange,
        today: NaiveDate,
    ) -> StoreResult<ContactBack> {
        let before = self.contact(account_id, change.name())?;
        let name_after = match change {
            ContactChange::Add(contact) => Some(contact.name.trim().to_string()),
            ContactChange::Edit { contact, .. } => Some(contact.name.trim().to_string()),
            ContactChange::Left { name, .. } | ContactChange::Returned { name } => {
                Some(name.clone())
            }
            ContactChange::Remove { .. } => None,
        };
        let departure = match (change, &before) {
            (ContactChange::Left { on, .. }, Some(before)) => {
                departure_of(before, *on, today, self)?
            }
            _ => None,
        };
        Ok(ContactBack {
            account_id: account_id.to_string(),
            before: match change {
                ContactChange::Add(_) => None,
                _ => before,
            },
            name_after,
            departure,
        })
    }

    fn put_contact(&self, contact: &Contact, at: DateTime<Utc>) -> StoreResult<()> {
        self.conn.execute(
            "INSERT INTO contacts (account_id, name, email, role, title, left_on, since, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                contact.account_id,
                contact.name,
                contact.email,
                contact.role.as_str(),
                contact.title,
                contact.left_on.map(date_text),
                contact.since.map(date_text),
                time_text(at),
            ],
        )?;
        Ok(())
    }

    fn set_left(
        &self,
        account_id: &str,
        name: &str,
        on: Option<NaiveDate>,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.conn.execute(
            "UPDATE contacts SET left_on = ?3, updated_at = ?4 WHERE account_id = ?1 AND name = ?2",
            params![account_id, name, on.map(date_text), time_text(at)],
        )?;
        Ok(())
    }

    /// The departure's note (dated the day they left, at the time of the
    /// write) and its playbook.
    pub(super) fn record_departure(
        &self,
        account_id: &str,
        departure: &Departure,
        on: NaiveDate,
        today: NaiveDate,
        who: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let noted = if on == at.date_naive() { at } else { on.and_time(at.time()).and_utc() };
        let noted = time_text(noted);
        self.conn.execute(
            "INSERT OR IGNORE INTO notes (account_id, at, kind, text, who, note_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                account_id,
                noted,
                NoteKind::SponsorChange.as_str(),
                departure.note,
                who,
                super::note_key::note_key(&noted, &departure.note)
            ],
        )?;
        self.playbooks_on_departure(account_id, &departure.occurrence, today, who, at)
    }

    /// Puts the people back as `back` says, and takes away a departure's
    /// note and its playbook's task when no one has worked on it yet (the
    /// occurrence goes with the task, so marking the departure again starts
    /// it again).
    pub fn restore_contact(&self, back: &ContactBack, at: DateTime<Utc>) -> StoreResult<()> {
        let step = self.step()?;
        let account_id = back.account_id.as_str();
        if let Some(name) = &back.name_after {
            self.conn.execute(
                "DELETE FROM contacts WHERE account_id = ?1 AND name = ?2",
                params![account_id, name],
            )?;
        }
        if let Some(before) = &back.before {
            self.conn.execute(
                "DELETE FROM contacts WHERE account_id = ?1 AND name = ?2",
                params![account_id, before.name],
            )?;
            self.put_contact(before, at)?;
        }
        if let Some(departure) = &back.departure {
            self.conn.execute(
                "DELETE FROM notes WHERE account_id = ?1 AND id > ?2 AND kind = 'sponsor_change'
                   AND text = ?3",
                params![account_id, departure.notes_after, departure.note],
            )?;
            self.remove_untouched_departure_plans(
                account_id,
                &departure.occurrence,
                departure.tasks_after,
            )?;
        }
        step.commit()
    }
}

impl Reverse for ContactBack {
    fn reverse(&self, store: &Store, _who: &str, at: DateTime<Utc>) -> StoreResult<()> {
        store.restore_contact(self, at)
    }
}

/// The contact's fields trimmed and checked, for `account_id`.
fn tidy(account_id: &str, contact: &Contact) -> StoreResult<Contact> {
    let contact = Contact {
        account_id: account_id.to_string(),
        name: contact.name.trim().to_string(),
        email: contact.email.trim().to_string(),
        role: contact.role,
        title: contact.title.trim().to_string(),
        left_on: contact.left_on,
        since: contact.since,
    };
    contact
        .check()
        .map_err(|(field, why)| StoreError::Invalid(format!("{}: {why}", field.as_str())))?;
    Ok(contact)
}

/// The departure marking `before` as left on `on` makes, if it is one: a
/// key person who had not left, within the signal's days of `today`.
fn departure_of(
    before: &Contact,
    on: NaiveDate,
    today: NaiveDate,
    store: &Store,
) -> StoreResult<Option<Departure>> {
    if before.left_on.is_some()
        || !before.role.is_key()
        || (today - on).num_days() > DEPARTURE_SIGNAL_DAYS
    {
        return Ok(None);
    }
    let title = if before.title.is_empty() { String::new() } else { format!(", {}", before.title) };
    let newest = |table: &str| -> StoreResult<i64> {
        Ok(store.conn.query_row(
            &format!("SELECT coalesce(max(id), 0) FROM {table} WHERE account_id = ?1"),
            [&before.account_id],
            |r| r.get(0),
        )?)
    };
    Ok(Some(Departure {
        note: format!("{} ({}{title}) left on {on}", before.name, before.role.label()),
        occurrence: format!("departure:{}:{on}", before.name.to_lowercase()),
        notes_after: newest("notes")?,
        tasks_after: newest("tasks")?,
    }))
}

fn contact_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<Contact> {
    let role: String = row.get(3)?;
    let left_on: Option<String> = row.get(5)?;
    let since: Option<String> = row.get(6)?;
    Ok(Contact {
        account_id: row.get(0)?,
        name: row.get(1)?,
        email: row.get(2)?,
        // The table's check allows only the five roles.
        role: ContactRole::parse(&role).unwrap_or(ContactRole::User),
        title: row.get(4)?,
        left_on: left_on.as_deref().and_then(parse_day),
        since: since.as_deref().and_then(parse_day),
    })
}

fn parse_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}
