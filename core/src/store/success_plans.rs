//! Success plans (the `success_plans` table): create, update, record the
//! current value, list per account, and list the plans that fell behind
//! (Today). The on-track rule is `SuccessPlanFields::status`.

use super::stages::{date_text, parse_date, parse_time, time_text};
use super::{Store, StoreError, StoreResult};
use crate::domain::success_plan::{PlanStatus, PlanValue, SuccessPlan, SuccessPlanFields};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

/// A plan that fell behind, for Today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanBehind {
    pub plan: SuccessPlan,
    pub account_name: String,
    pub csm: String,
}

const COLUMNS: &str = "p.id, p.account_id, p.measure, p.unit, p.baseline, p.target, p.current, p.start_date, p.target_date, p.updated_at";

fn plan_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<SuccessPlan> {
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
    let updated: String = row.get(9)?;
    Ok(SuccessPlan {
        id: row.get(0)?,
        account_id: row.get(1)?,
        fields: SuccessPlanFields {
            measure: row.get(2)?,
            unit: row.get(3)?,
            baseline: PlanValue(row.get(4)?),
            target: PlanValue(row.get(5)?),
            current: PlanValue(row.get(6)?),
            start_date: date(7)?,
            target_date: date(8)?,
        },
        updated_at: parse_time(&updated).unwrap_or_default(),
    })
}

impl Store {
    /// Creates a success plan for an account; returns its id.
    pub fn add_success_plan(
        &self,
        account_id: &str,
        fields: &SuccessPlanFields,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        self.account_name(account_id)?;
        fields.validate().map_err(StoreError::Invalid)?;
        self.conn.execute(
            "INSERT INTO success_plans (account_id, measure, unit, baseline, target, current, start_date, target_date, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                account_id,
                fields.measure.trim(),
                fields.unit.trim(),
                fields.baseline.0,
                fields.target.0,
                fields.current.0,
                date_text(fields.start_date),
                date_text(fields.target_date),
                time_text(at),
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Replaces a plan's fields.
    pub fn update_success_plan(
        &self,
        id: i64,
        fields: &SuccessPlanFields,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        fields.validate().map_err(StoreError::Invalid)?;
        let changed = self.conn.execute(
            "UPDATE success_plans SET measure = ?2, unit = ?3, baseline = ?4, target = ?5, current = ?6,
                    start_date = ?7, target_date = ?8, updated_at = ?9 WHERE id = ?1",
            params![
                id,
                fields.measure.trim(),
                fields.unit.trim(),
                fields.baseline.0,
                fields.target.0,
                fields.current.0,
                date_text(fields.start_date),
                date_text(fields.target_date),
                time_text(at),
            ],
        )?;
        if changed == 0 {
            return Err(StoreError::Invalid(format!("no success plan {id}")));
        }
        Ok(())
    }

    /// Records where the customer stands now.
    pub fn set_plan_current(
        &self,
        id: i64,
        current: PlanValue,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let changed = self.conn.execute(
            "UPDATE success_plans SET current = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, current.0, time_text(at)],
        )?;
        if changed == 0 {
            return Err(StoreError::Invalid(format!("no success plan {id}")));
        }
        Ok(())
    }

    /// The account's plans, nearest target date first.
    pub fn success_plans(&self, account_id: &str) -> StoreResult<Vec<SuccessPlan>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM success_plans p WHERE p.account_id = ?1 ORDER BY p.target_date, p.id"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map([account_id], plan_from)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Plans that fell behind on `today` (the rule in `domain::success_plan`),
    /// nearest target date first.
    pub fn success_plans_behind(&self, today: NaiveDate) -> StoreResult<Vec<PlanBehind>> {
        let sql = format!(
            "SELECT {COLUMNS}, a.name, a.csm FROM success_plans p JOIN accounts a ON a.id = p.account_id
             ORDER BY p.target_date, p.id"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map([], |row| {
            Ok(PlanBehind { plan: plan_from(row)?, account_name: row.get(10)?, csm: row.get(11)? })
        })?;
        let mut behind = Vec::new();
        for row in rows {
            let row = row?;
            if row.plan.fields.status(today) == PlanStatus::Behind {
                behind.push(row);
            }
        }
        Ok(behind)
    }
}

#[cfg(test)]
mod tests {
    use super::super::stages::fixture::*;
    use super::*;

    #[test]
    fn plans_that_fall_behind_are_listed_for_today() {
        let store = book();
        let fields = SuccessPlanFields {
            measure: "tickets closed per week".into(),
            unit: "tickets".into(),
            baseline: PlanValue(10_000),
            target: PlanValue(20_000),
            current: PlanValue(14_000),
            start_date: day(2025, 1, 1),
            target_date: day(2025, 4, 11),
        };
        let id = store.add_success_plan("ACME", &fields, noon(day(2025, 1, 1))).expect("add");
        // Day 50 of 100: 40% of the way is behind; 50% is on track.
        let today = day(2025, 2, 20);
        let behind = store.success_plans_behind(today).expect("behind");
        assert_eq!((behind.len(), behind[0].account_name.as_str()), (1, "Acme"));
        store.set_plan_current(id, PlanValue(15_000), noon(today)).expect("current");
        assert!(store.success_plans_behind(today).expect("behind").is_empty());
        let plans = store.success_plans("ACME").expect("plans");
        assert_eq!(
            (plans[0].fields.current, plans[0].updated_at),
            (PlanValue(15_000), noon(today))
        );
        assert!(store.add_success_plan("NOPE", &fields, noon(today)).is_err());
    }
}
