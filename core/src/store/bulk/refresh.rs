//! The refresh of the derived facts the book pane and Today read from
//! `accounts` (`arr_cents`, `units`, the trend's `trend_arr_cents` and
//! `trend_units`, `first_month`, `last_touch`) after writes that move them:
//! per account for a few, in one pass over the book for many.

use super::DerivedScope;
use crate::domain::month::TREND_MONTHS;
use crate::store::StoreResult;
use rusqlite::{Connection, params};

/// The notes that are touches: their kind is one of the book's
/// `touch_kinds` (kept in lower case; see `store::touches`).
const TOUCH_KINDS: &str = "(SELECT kind FROM touch_kinds)";

/// Past this many accounts, one pass over the whole book beats per-account lookups.
const PER_ACCOUNT_LIMIT: usize = 2_000;

pub(super) fn refresh(
    tx: &Connection,
    accounts: Option<&[String]>,
    scope: DerivedScope,
) -> StoreResult<()> {
    let latest = crate::store::series::latest_month(tx)?.map_or(i64::MIN, |m| i64::from(m.0));
    let trend_month = latest.saturating_sub(i64::from(TREND_MONTHS));
    let snapshots = matches!(scope, DerivedScope::Snapshots | DerivedScope::All);
    let touches = matches!(scope, DerivedScope::Touches | DerivedScope::All);
    match accounts {
        Some(ids) if ids.len() <= PER_ACCOUNT_LIMIT => {
            for id in ids {
                if snapshots {
                    let mut statement = tx.prepare_cached(
                        "UPDATE accounts SET
                           arr_cents = (SELECT coalesce(sum(arr_cents), 0) FROM snapshots
                                        WHERE account_id = ?1 AND month = ?2),
                           units = (SELECT coalesce(sum(units), 0) FROM snapshots
                                    WHERE account_id = ?1 AND month = ?2),
                           trend_arr_cents = (SELECT coalesce(sum(arr_cents), 0) FROM snapshots
                                              WHERE account_id = ?1 AND month = ?3),
                           trend_units = (SELECT coalesce(sum(units), 0) FROM snapshots
                                          WHERE account_id = ?1 AND month = ?3),
                           first_month = (SELECT min(month) FROM snapshots
                                          WHERE account_id = ?1 AND arr_cents > 0)
                         WHERE id = ?1",
                    )?;
                    statement.execute(params![id, latest, trend_month])?;
                }
                if touches {
                    let mut statement = tx.prepare_cached(&format!(
                        "UPDATE accounts SET last_touch =
                           (SELECT substr(max(at), 1, 10) FROM notes
                            WHERE account_id = ?1 AND lower(kind) IN {TOUCH_KINDS})
                         WHERE id = ?1"
                    ))?;
                    statement.execute(params![id])?;
                }
            }
        }
        _ => {
            if snapshots {
                whole_book_snapshot_facts(tx, latest, trend_month)?;
            }
            if touches {
                tx.execute(
                    "UPDATE accounts SET last_touch = NULL WHERE last_touch IS NOT NULL",
                    [],
                )?;
                tx.execute(
                    &format!(
                        "UPDATE accounts SET last_touch = touch.day
                         FROM (SELECT account_id, substr(max(at), 1, 10) AS day FROM notes
                               WHERE lower(kind) IN {TOUCH_KINDS} GROUP BY account_id) AS touch
                         WHERE accounts.id = touch.account_id"
                    ),
                    [],
                )?;
            }
        }
    }
    Ok(())
}

/// ARR and units at the latest month and `TREND_MONTHS` before it for
/// everyone (a churned account falls to 0), then the first month with ARR,
/// each in one ordered pass over the book.
fn whole_book_snapshot_facts(tx: &Connection, latest: i64, trend_month: i64) -> StoreResult<()> {
    tx.execute(
        "UPDATE accounts SET arr_cents = 0, units = 0, trend_arr_cents = 0, trend_units = 0,
                             first_month = NULL
         WHERE arr_cents <> 0 OR units <> 0 OR trend_arr_cents <> 0 OR trend_units <> 0
               OR first_month IS NOT NULL",
        [],
    )?;
    tx.execute(
        "UPDATE accounts SET arr_cents = m.arr, units = m.units,
                             trend_arr_cents = m.trend_arr, trend_units = m.trend_units
         FROM (SELECT account_id,
                      sum(CASE WHEN month = ?1 THEN arr_cents ELSE 0 END) AS arr,
                      sum(CASE WHEN month = ?1 THEN coalesce(units, 0) ELSE 0 END) AS units,
                      sum(CASE WHEN month = ?2 THEN arr_cents ELSE 0 END) AS trend_arr,
                      sum(CASE WHEN month = ?2 THEN coalesce(units, 0) ELSE 0 END) AS trend_units
               FROM snapshots WHERE month IN (?1, ?2) GROUP BY account_id) AS m
         WHERE accounts.id = m.account_id",
        params![latest, trend_month],
    )?;
    tx.execute(
        "UPDATE accounts SET first_month = first.month
         FROM (SELECT account_id, min(month) AS month FROM snapshots
               WHERE arr_cents > 0 GROUP BY account_id) AS first
         WHERE accounts.id = first.account_id",
        [],
    )?;
    Ok(())
}

/// Recomputes every account's last touch (the touch kinds changed).
pub(crate) fn refresh_touches(tx: &Connection) -> StoreResult<()> {
    refresh(tx, None, DerivedScope::Touches)
}

/// Recomputes every account's snapshot facts (a migration's step).
pub(crate) fn refresh_snapshot_facts(tx: &Connection) -> StoreResult<()> {
    refresh(tx, None, DerivedScope::Snapshots)
}
