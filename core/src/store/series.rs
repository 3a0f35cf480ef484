//! Facts derived from the snapshots and kept beside them so that the large
//! readers never scan millions of snapshot rows: each account's total ARR per
//! month as one compact row (`arr_series`, with its units per month for the
//! scorecard's licences), the months that have
//! snapshots with their row counts (`snapshot_months`, for the book's first
//! and latest month), and each account's latest row per product
//! (`snapshots_latest`, the latest month's holdings that cross-sell and the
//! Targets product filter read).
//!
//! Triggers on `snapshots` keep `snapshot_months` and `snapshots_latest` exact and mark the accounts
//! whose series moved in `arr_series_stale`, whoever writes; the store's
//! writers then rebuild the stale series in the same transaction. A bulk load
//! into an empty table suspends the triggers and writes the derived rows
//! itself from the rows it loaded. Readers never trust a stale series: they
//! read those accounts' snapshots instead.
//!
//! Owns the series encoding; must not compute any metric.

use super::facts::{AccountFacts, Fact};
use super::{Store, StoreResult};
use crate::domain::month::TREND_MONTHS;
use crate::domain::{Money, Month};
use rusqlite::{Connection, params};
use std::collections::BTreeMap;

/// The triggers that keep the derived facts honest under any writer. Created
/// by the migration that introduced them (the same text: a test holds the
/// two together), dropped and re-created (inside the import's transaction)
/// around a bulk load.
pub(crate) const SNAPSHOT_TRIGGERS: &str = "
CREATE TRIGGER snapshots_derived_insert AFTER INSERT ON snapshots BEGIN
    INSERT INTO snapshot_months (month, rows) SELECT NEW.month, 0
        WHERE NOT EXISTS (SELECT 1 FROM snapshot_months WHERE month = NEW.month);
    UPDATE snapshot_months SET rows = rows + 1 WHERE month = NEW.month;
    INSERT INTO arr_series_stale (account_id) SELECT NEW.account_id
        WHERE NOT EXISTS (SELECT 1 FROM arr_series_stale WHERE account_id = NEW.account_id);
END;
CREATE TRIGGER snapshots_derived_delete AFTER DELETE ON snapshots BEGIN
    UPDATE snapshot_months SET rows = rows - 1 WHERE month = OLD.month;
    DELETE FROM snapshot_months WHERE month = OLD.month AND rows <= 0;
    INSERT INTO arr_series_stale (account_id) SELECT OLD.account_id
        WHERE NOT EXISTS (SELECT 1 FROM arr_series_stale WHERE account_id = OLD.account_id);
END;
CREATE TRIGGER snapshots_derived_update AFTER UPDATE ON snapshots BEGIN
    UPDATE snapshot_months SET rows = rows - 1 WHERE month = OLD.month;
    INSERT INTO snapshot_months (month, rows) SELECT NEW.month, 0
        WHERE NOT EXISTS (SELECT 1 FROM snapshot_months WHERE month = NEW.month);
    UPDATE snapshot_months SET rows = rows + 1 WHERE month = NEW.month;
    DELETE FROM snapshot_months WHERE month = OLD.month AND rows <= 0;
    INSERT INTO arr_series_stale (account_id) SELECT OLD.account_id
        WHERE NOT EXISTS (SELECT 1 FROM arr_series_stale WHERE account_id = OLD.account_id);
    INSERT INTO arr_series_stale (account_id) SELECT NEW.account_id
        WHERE NOT EXISTS (SELECT 1 FROM arr_series_stale WHERE account_id = NEW.account_id);
END;
CREATE TRIGGER snapshots_latest_insert AFTER INSERT ON snapshots BEGIN
    DELETE FROM snapshots_latest
        WHERE account_id = NEW.account_id AND product = NEW.product AND month <= NEW.month;
    INSERT INTO snapshots_latest (account_id, product, month, arr_cents)
        SELECT NEW.account_id, NEW.product, NEW.month, NEW.arr_cents
        WHERE NOT EXISTS (SELECT 1 FROM snapshots_latest
                          WHERE account_id = NEW.account_id AND product = NEW.product);
END;
CREATE TRIGGER snapshots_latest_delete AFTER DELETE ON snapshots BEGIN
    DELETE FROM snapshots_latest
        WHERE account_id = OLD.account_id AND product = OLD.product AND month = OLD.month;
    INSERT INTO snapshots_latest (account_id, product, month, arr_cents)
        SELECT account_id, product, month, arr_cents FROM snapshots
        WHERE account_id = OLD.account_id AND product = OLD.product
          AND NOT EXISTS (SELECT 1 FROM snapshots_latest
                          WHERE account_id = OLD.account_id AND product = OLD.product)
        ORDER BY month DESC LIMIT 1;
END;
CREATE TRIGGER snapshots_latest_update AFTER UPDATE ON snapshots BEGIN
    DELETE FROM snapshots_latest
        WHERE (account_id = OLD.account_id AND product = OLD.product)
           OR (account_id = NEW.account_id AND product = NEW.product);
    INSERT INTO snapshots_latest (account_id, product, month, arr_cents)
        SELECT account_id, product, month, arr_cents FROM snapshots
        WHERE account_id = OLD.account_id AND product = OLD.product
        ORDER BY month DESC LIMIT 1;
    INSERT INTO snapshots_latest (account_id, product, month, arr_cents)
        SELECT account_id, product, month, arr_cents FROM snapshots
        WHERE account_id = NEW.account_id AND product = NEW.product
          AND NOT EXISTS (SELECT 1 FROM snapshots_latest
                          WHERE account_id = NEW.account_id AND product = NEW.product)
        ORDER BY month DESC LIMIT 1;
END;
";

pub(crate) const DROP_SNAPSHOT_TRIGGERS: &str = "
DROP TRIGGER snapshots_derived_insert;
DROP TRIGGER snapshots_derived_delete;
DROP TRIGGER snapshots_derived_update;
DROP TRIGGER snapshots_latest_insert;
DROP TRIGGER snapshots_latest_delete;
DROP TRIGGER snapshots_latest_update;
";

/// Past this many stale accounts, one ordered pass over all snapshots beats
/// per-account lookups.
const PER_ACCOUNT_LIMIT: usize = 2_000;

/// One account's total ARR (cents) for every month from `first` on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Series {
    pub first: Month,
    pub cents: Vec<i64>,
}

/// Cents added as money adds them: never wrapped, the overflow marker when
/// the total does not fit.
fn add_cents(total: i64, cents: i64) -> i64 {
    (Money(total) + Money(cents)).cents()
}

impl Series {
    /// The month-by-month totals of `(month, cents)` pairs in any order.
    pub fn from_points(points: impl IntoIterator<Item = (Month, i64)>) -> Option<Series> {
        let totals: BTreeMap<i32, i64> = points.into_iter().fold(BTreeMap::new(), |mut map, p| {
            let total = map.entry(p.0.0).or_insert(0);
            *total = add_cents(*total, p.1);
            map
        });
        let (&first, _) = totals.first_key_value()?;
        let (&last, _) = totals.last_key_value()?;
        let mut cents = vec![0; usize::try_from(last - first + 1).unwrap_or(0)];
        for (month, total) in totals {
            cents[(month - first) as usize] = total;
        }
        Some(Series { first: Month(first), cents })
    }

    pub fn last(&self) -> Month {
        self.first.plus(self.cents.len() as i32 - 1)
    }

    /// Zig-zag varints of the month-to-month differences: a steady account
    /// costs one byte a month.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.cents.len() + 4);
        let mut previous = 0i64;
        for &value in &self.cents {
            let delta = value.wrapping_sub(previous);
            previous = value;
            let mut zigzag = ((delta << 1) ^ (delta >> 63)) as u64;
            loop {
                let byte = (zigzag & 0x7F) as u8;
                zigzag >>= 7;
                if zigzag == 0 {
                    out.push(byte);
                    break;
                }
                out.push(byte | 0x80);
            }
        }
        out
    }

    /// Calls `each(offset, cents)` for every month of an encoded series.
    pub fn decode(bytes: &[u8], mut each: impl FnMut(usize, i64)) -> bool {
        let (mut value, mut offset, mut zigzag, mut shift) = (0i64, 0usize, 0u64, 0u32);
        for &byte in bytes {
            if shift >= 64 {
                return false;
            }
            zigzag |= u64::from(byte & 0x7F) << shift;
            if byte & 0x80 != 0 {
                shift += 7;
                continue;
            }
            let delta = ((zigzag >> 1) as i64) ^ -((zigzag & 1) as i64);
            value = value.wrapping_add(delta);
            each(offset, value);
            offset += 1;
            zigzag = 0;
            shift = 0;
        }
        shift == 0
    }
}

/// A month's units as kept beside its ARR (`arr_series.units`, the same
/// encoding as the cents): 0 when the account has no snapshot that month,
/// 1 when its snapshots that month carry no units, else 2 + their units
/// (every product's added, as the scorecard reads them). So the scorecard
/// reads an account's months and licences from its one row, exactly as
/// its snapshots say them.
pub(crate) fn add_units(code: i64, units: Option<i64>) -> i64 {
    match units {
        None => code.max(1),
        Some(units) if code < 2 => units.saturating_add(2),
        Some(units) => code.saturating_add(units),
    }
}

/// What a kept units code says: `None` for no snapshot that month, else
/// the month's units (`None` when no snapshot carried any).
pub(crate) fn units_of(code: i64) -> Option<Option<i64>> {
    match code {
        0 => None,
        1 => Some(None),
        code => Some(Some(code - 2)),
    }
}

/// An account's series and its units codes ([`add_units`]) from
/// `(month, cents, units)` snapshots in any order.
pub(crate) fn kept_from_points(
    points: impl IntoIterator<Item = (Month, i64, Option<i64>)>,
) -> Option<(Series, Series)> {
    let points: Vec<(Month, i64, Option<i64>)> = points.into_iter().collect();
    let series = Series::from_points(points.iter().map(|(m, cents, _)| (*m, *cents)))?;
    let mut units = vec![0; series.cents.len()];
    for (month, _, count) in points {
        let slot = &mut units[(month.0 - series.first.0) as usize];
        *slot = add_units(*slot, count);
    }
    let first = series.first;
    Some((series, Series { first, cents: units }))
}

/// Writes (or with `None` removes) one account's stored series and units.
pub(crate) fn write_series(
    conn: &Connection,
    account_id: &str,
    series: Option<&(Series, Series)>,
) -> StoreResult<()> {
    match series {
        Some((series, units)) => {
            let mut statement = conn.prepare_cached(
                "INSERT INTO arr_series (account_id, first_month, last_month, cents, units)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (account_id) DO UPDATE SET first_month = excluded.first_month,
                    last_month = excluded.last_month, cents = excluded.cents,
                    units = excluded.units",
            )?;
            statement.execute(params![
                account_id,
                series.first.0,
                series.last().0,
                series.encode(),
                units.encode()
            ])?;
        }
        None => {
            let mut statement =
                conn.prepare_cached("DELETE FROM arr_series WHERE account_id = ?1")?;
            statement.execute([account_id])?;
        }
    }
    Ok(())
}

/// Rebuilds the series of every stale account from its snapshots and clears
/// the marks. Call inside the writer's transaction.
pub(crate) fn rebuild_stale(conn: &Connection) -> StoreResult<()> {
    let stale: Vec<String> = {
        let mut statement = conn.prepare("SELECT account_id FROM arr_series_stale")?;
        statement.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?
    };
    if stale.is_empty() {
        return Ok(());
    }
    if stale.len() <= PER_ACCOUNT_LIMIT {
        let mut statement = conn.prepare_cached(
            "SELECT month, arr_cents, units FROM snapshots WHERE account_id = ?1",
        )?;
        for id in &stale {
            let points = statement
                .query_map([id], |row| {
                    Ok((Month(row.get(0)?), row.get::<_, i64>(1)?, row.get(2)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            write_series(conn, id, kept_from_points(points).as_ref())?;
        }
    } else {
        conn.execute("DELETE FROM arr_series", [])?;
        let mut statement = conn.prepare(
            "SELECT account_id, month, arr_cents, units FROM snapshots
             ORDER BY account_id, product, month",
        )?;
        let mut rows = statement.query([])?;
        type Points = Vec<(Month, i64, Option<i64>)>;
        let mut current: Option<(String, Points)> = None;
        while let Some(row) = rows.next()? {
            let id = row.get_ref(0)?.as_str().unwrap_or_default();
            let point = (Month(row.get(1)?), row.get::<_, i64>(2)?, row.get(3)?);
            match &mut current {
                Some((current_id, points)) if current_id == id => points.push(point),
                _ => {
                    if let Some((done, points)) = current.take() {
                        write_series(conn, &done, kept_from_points(points).as_ref())?;
                    }
                    current = Some((id.to_string(), vec![point]));
                }
            }
        }
        if let Some((done, points)) = current.take() {
            write_series(conn, &done, kept_from_points(points).as_ref())?;
        }
    }
    conn.execute("DELETE FROM arr_series_stale", [])?;
    Ok(())
}

/// The first and last months with a snapshot.
pub(crate) fn month_range(conn: &Connection) -> StoreResult<Option<(Month, Month)>> {
    let (first, last): (Option<i32>, Option<i32>) =
        conn.query_row("SELECT min(month), max(month) FROM snapshot_months", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?;
    Ok(first.zip(last).map(|(first, last)| (Month(first), Month(last))))
}

/// The latest month with a snapshot.
pub(crate) fn latest_month(conn: &Connection) -> StoreResult<Option<Month>> {
    Ok(month_range(conn)?.map(|(_, last)| last))
}

impl Store {
    /// Calls `each(account, month, ARR)` for every month of every account's
    /// stored series (one small row per account), in account order; `each`
    /// says whether it kept the month. Leading zero months are handed over
    /// only until one is kept. `false` when some series are stale (written by
    /// other means than the store), and nothing was handed over: the caller
    /// reads the snapshots instead.
    pub(crate) fn each_series_month(
        &self,
        mut each: impl FnMut(&str, Month, Money) -> bool,
    ) -> StoreResult<bool> {
        let stale: bool =
            self.conn.query_row("SELECT EXISTS (SELECT 1 FROM arr_series_stale)", [], |row| {
                row.get(0)
            })?;
        if stale {
            return Ok(false);
        }
        let mut statement = self
            .conn
            .prepare("SELECT account_id, first_month, cents FROM arr_series ORDER BY account_id")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let id = row.get_ref(0)?.as_str().unwrap_or_default();
            let start = Month(row.get(1)?);
            let bytes = row.get_ref(2)?.as_blob().unwrap_or_default();
            let mut pushed = false;
            let intact = Series::decode(bytes, |offset, cents| {
                if cents != 0 || !pushed {
                    pushed |= each(id, start.plus(offset as i32), Money(cents));
                }
            });
            if !intact {
                return Err(super::StoreError::Invalid(format!(
                    "the stored ARR series of account {id} is damaged"
                )));
            }
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_round_trip_through_the_encoding() {
        let series = Series { first: Month(24_300), cents: vec![0, 500_000, 500_000, 1, -3, 0] };
        let mut back = Vec::new();
        assert!(Series::decode(&series.encode(), |offset, cents| back.push((offset, cents))));
        assert_eq!(back, vec![(0, 0), (1, 500_000), (2, 500_000), (3, 1), (4, -3), (5, 0)]);
        // A steady month costs one byte.
        assert_eq!(series.encode()[4], 0);
        assert!(!Series::decode(&[0x80], |_, _| {}));
    }

    #[test]
    fn points_add_up_per_month_with_gaps_as_zero() {
        let series =
            Series::from_points([(Month(10), 5), (Month(12), 7), (Month(10), 2)]).expect("some");
        assert_eq!(series, Series { first: Month(10), cents: vec![7, 0, 7] });
        assert_eq!(series.last(), Month(12));
        assert!(Series::from_points([]).is_none());
    }
}

/// One snapshot as a bulk load saw it: the account's position in the id list
/// handed to [`derive_from_loaded`], the month, ARR cents and units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LoadedSnapshot {
    pub account: u32,
    /// The product, by its position in the load's list of products.
    pub product: u32,
    pub month: i32,
    pub cents: i64,
    pub units: i64,
    /// Whether the row had units at all (`units` is then 0 when not).
    pub has_units: bool,
}

/// After a bulk load into an empty snapshots table (triggers suspended):
/// writes the month counts, every account's series and the accounts' derived
/// ARR and units (at the latest month and the trend's), and first month,
/// from the loaded rows alone.
pub(crate) fn derive_from_loaded(
    conn: &Connection,
    ids: &[String],
    products: &[String],
    loaded: &mut [LoadedSnapshot],
) -> StoreResult<()> {
    // Rows come grouped by account in the usual export; sorting is then cheap.
    loaded.sort_unstable_by_key(|s| (s.account, s.month));
    let mut months: BTreeMap<i32, i64> = BTreeMap::new();
    for snapshot in loaded.iter() {
        *months.entry(snapshot.month).or_insert(0) += 1;
    }
    let Some(&latest) = months.keys().next_back() else { return Ok(()) };
    {
        let mut statement =
            conn.prepare_cached("INSERT INTO snapshot_months (month, rows) VALUES (?1, ?2)")?;
        for (month, rows) in &months {
            statement.execute(params![month, rows])?;
        }
    }
    conn.execute_batch("DELETE FROM arr_series; DELETE FROM arr_series_stale;")?;
    // The series are built here and written many to a statement, in key
    // order; the accounts' own facts are written in one pass over the
    // accounts at the end.
    // (account, first month, last month, cents, units)
    type SeriesRow<'a> = (&'a str, i32, i32, Vec<u8>, Vec<u8>);
    let mut series_rows: Vec<SeriesRow<'_>> = Vec::with_capacity(ids.len());
    let trend_month = latest.saturating_sub(TREND_MONTHS);
    let zero = Fact::Integer(0);
    let mut facts = AccountFacts::new(vec![zero, zero, zero, zero, Fact::Null], ids.len());
    // (account, product, month, cents): each account's latest row per product.
    let mut latest_rows: Vec<(&str, &str, i32, i64)> = Vec::with_capacity(ids.len() * 2);
    for group in loaded.chunk_by(|a, b| a.account == b.account) {
        let Some(id) = ids.get(group[0].account as usize) else { continue };
        let from = latest_rows.len();
        // By month: a later row of a product replaces the earlier one.
        for snapshot in group {
            let product = products.get(snapshot.product as usize).map_or("", String::as_str);
            match latest_rows[from..].iter_mut().find(|row| row.1 == product) {
                Some(row) => (row.2, row.3) = (snapshot.month, snapshot.cents),
                None => latest_rows.push((id.as_str(), product, snapshot.month, snapshot.cents)),
            }
        }
        latest_rows[from..].sort_unstable_by(|a, b| a.1.cmp(b.1));
        let first = group[0].month;
        let last = group[group.len() - 1].month;
        let mut cents = vec![0i64; usize::try_from(last - first + 1).unwrap_or(0)];
        let mut units = vec![0i64; cents.len()];
        let (mut arr_latest, mut units_latest, mut first_paid) = (0i64, 0i64, None);
        let (mut arr_trend, mut units_trend) = (0i64, 0i64);
        for snapshot in group {
            let slot = &mut cents[(snapshot.month - first) as usize];
            *slot = add_cents(*slot, snapshot.cents);
            let code = &mut units[(snapshot.month - first) as usize];
            *code = add_units(*code, snapshot.has_units.then_some(snapshot.units));
            if snapshot.month == latest {
                arr_latest = add_cents(arr_latest, snapshot.cents);
                units_latest = units_latest.saturating_add(snapshot.units);
            } else if snapshot.month == trend_month {
                arr_trend = add_cents(arr_trend, snapshot.cents);
                units_trend = units_trend.saturating_add(snapshot.units);
            }
            if snapshot.cents > 0 && first_paid.is_none() {
                first_paid = Some(snapshot.month);
            }
        }
        let series = Series { first: Month(first), cents };
        let units = Series { first: Month(first), cents: units };
        series_rows.push((id.as_str(), first, last, series.encode(), units.encode()));
        let values = [arr_latest, units_latest, arr_trend, units_trend];
        if values.iter().any(|v| *v != 0) || first_paid.is_some() {
            let first_paid = first_paid.map_or(Fact::Null, |month| Fact::Integer(month.into()));
            let [arr, units, trend_arr, trend_units] = values.map(Fact::Integer);
            facts.push(id, &[arr, units, trend_arr, trend_units, first_paid]);
        }
    }
    // Positions in `ids` follow the accounts' keys only when the caller
    // listed them in order: sort, so each row lands at the end of the table.
    if !series_rows.is_sorted_by(|a, b| a.0 <= b.0) {
        series_rows.sort_unstable_by(|a, b| a.0.cmp(b.0));
    }
    let columns = ["arr_cents", "units", "trend_arr_cents", "trend_units", "first_month"];
    super::facts::set_account_columns(conn, &columns, facts)?;
    super::many::insert_many(
        conn,
        "INSERT",
        "arr_series (account_id, first_month, last_month, cents, units)",
        5,
        &series_rows,
        |statement, at, row| {
            statement.raw_bind_parameter(at, row.0)?;
            statement.raw_bind_parameter(at + 1, row.1)?;
            statement.raw_bind_parameter(at + 2, row.2)?;
            statement.raw_bind_parameter(at + 3, row.3.as_slice())?;
            statement.raw_bind_parameter(at + 4, row.4.as_slice())
        },
    )?;
    if !latest_rows.is_sorted_by(|a, b| (a.0, a.1) <= (b.0, b.1)) {
        latest_rows.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    }
    super::many::insert_many(
        conn,
        "INSERT",
        "snapshots_latest (account_id, product, month, arr_cents)",
        4,
        &latest_rows,
        |statement, at, row| {
            statement.raw_bind_parameter(at, row.0)?;
            statement.raw_bind_parameter(at + 1, row.1)?;
            statement.raw_bind_parameter(at + 2, row.2)?;
            statement.raw_bind_parameter(at + 3, row.3)
        },
    )?;
    Ok(())
}
