//! Trials and proofs of value (the `trials` table): record, update, record the
//! takeaway test, and list the trials past their end with no result (Today).

use super::stages::{conversion, date_text, parse_date};
use super::{Store, StoreError, StoreResult};
use crate::domain::trial::{Takeaway, Trial, TrialFields};
use chrono::NaiveDate;
use rusqlite::params;

/// A trial past its end date with no result, for Today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueTrial {
    pub trial: Trial,
    pub account_name: String,
    pub csm: String,
    pub days_past_end: i64,
}

const COLUMNS: &str =
    "id, account_id, product, start_date, end_date, success_criteria, takeaway, note";

fn trial_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<Trial> {
    let date = |index: usize| -> rusqlite::Result<NaiveDate> {
        let text: String = row.get(index)?;
        parse_date(&text).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                index,
                rusqlite::types::Type::Text,
                format!("{text:?} is not a date").into(),
            )
        })
    };
    let takeaway: String = row.get(6)?;
    Ok(Trial {
        id: row.get(0)?,
        account_id: row.get(1)?,
        product: row.get(2)?,
        start_date: date(3)?,
        end_date: date(4)?,
        success_criteria: row.get(5)?,
        takeaway: conversion(6, Takeaway::parse(&takeaway))?,
        note: row.get(7)?,
    })
}

impl Store {
    /// Records a trial for an account; returns its id.
    pub fn add_trial(&self, account_id: &str, fields: &TrialFields) -> StoreResult<i64> {
        self.account_name(account_id)?;
        fields.validate().map_err(StoreError::Invalid)?;
        self.conn.execute(
            "INSERT INTO trials (account_id, product, start_date, end_date, success_criteria, takeaway, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                account_id,
                fields.product.trim(),
                date_text(fields.start_date),
                date_text(fields.end_date),
                fields.success_criteria.trim(),
                fields.takeaway.as_str(),
                fields.note.trim(),
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Replaces a trial's fields (dates, criteria, result, note).
    pub fn update_trial(&self, id: i64, fields: &TrialFields) -> StoreResult<()> {
        fields.validate().map_err(StoreError::Invalid)?;
        let changed = self.conn.execute(
            "UPDATE trials SET product = ?2, start_date = ?3, end_date = ?4, success_criteria = ?5,
                    takeaway = ?6, note = ?7 WHERE id = ?1",
            params![
                id,
                fields.product.trim(),
                date_text(fields.start_date),
                date_text(fields.end_date),
                fields.success_criteria.trim(),
                fields.takeaway.as_str(),
                fields.note.trim(),
            ],
        )?;
        if changed == 0 {
            return Err(StoreError::Invalid(format!("no trial {id}")));
        }
        Ok(())
    }

    /// Records the takeaway test's result with a note.
    pub fn set_takeaway(&self, id: i64, takeaway: Takeaway, note: &str) -> StoreResult<()> {
        let changed = self.conn.execute(
            "UPDATE trials SET takeaway = ?2, note = ?3 WHERE id = ?1",
            params![id, takeaway.as_str(), note.trim()],
        )?;
        if changed == 0 {
            return Err(StoreError::Invalid(format!("no trial {id}")));
        }
        Ok(())
    }

    pub fn trial(&self, id: i64) -> StoreResult<Trial> {
        let sql = format!("SELECT {COLUMNS} FROM trials WHERE id = ?1");
        self.conn.query_row(&sql, [id], trial_from).map_err(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => StoreError::Invalid(format!("no trial {id}")),
            other => StoreError::Sql(other),
        })
    }

    /// The account's trials, latest end first.
    pub fn trials(&self, account_id: &str) -> StoreResult<Vec<Trial>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM trials WHERE account_id = ?1 ORDER BY end_date DESC, id DESC"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map([account_id], trial_from)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Trials past their end date with no takeaway result, longest overdue first.
    pub fn overdue_trials(&self, today: NaiveDate) -> StoreResult<Vec<OverdueTrial>> {
        let sql = format!(
            "SELECT {}, a.name, a.csm FROM trials t JOIN accounts a ON a.id = t.account_id
             WHERE t.takeaway = 'not_yet' AND t.end_date < ?1 ORDER BY t.end_date, t.id",
            COLUMNS.split(", ").map(|c| format!("t.{c}")).collect::<Vec<_>>().join(", ")
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map([date_text(today)], |row| {
            let trial = trial_from(row)?;
            Ok(OverdueTrial {
                days_past_end: trial.days_past_end(today),
                trial,
                account_name: row.get(8)?,
                csm: row.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::super::stages::fixture::*;
    use super::*;

    #[test]
    fn trials_past_their_end_with_no_result_are_listed_for_today() {
        let store = book();
        let mut fields = TrialFields {
            product: "Core".into(),
            start_date: day(2025, 1, 1),
            end_date: day(2025, 2, 15),
            success_criteria: "3 teams use it weekly".into(),
            takeaway: Takeaway::NotYet,
            note: String::new(),
        };
        let overdue = store.add_trial("ZERO", &fields).expect("add");
        fields.end_date = day(2025, 4, 1);
        let running = store.add_trial("ZERO", &fields).expect("add");
        let today = day(2025, 3, 1);
        let list = store.overdue_trials(today).expect("overdue");
        assert_eq!(list.iter().map(|t| t.trial.id).collect::<Vec<_>>(), [overdue]);
        assert_eq!((list[0].account_name.as_str(), list[0].days_past_end), ("Zero", 14));
        store.set_takeaway(overdue, Takeaway::Passed, "they asked to keep it").expect("result");
        assert!(store.overdue_trials(today).expect("overdue").is_empty());
        assert_eq!(store.trial(overdue).expect("trial").note, "they asked to keep it");
        fields.end_date = day(2024, 1, 1);
        assert!(store.update_trial(running, &fields).is_err());
        assert!(store.add_trial("NOPE", &fields).is_err());
        assert_eq!(store.trials("ZERO").expect("trials").len(), 2);
    }
}
