//! The refresh of the derived facts the book pane reads from `accounts`
//! (`arr_cents`, `units`, `first_month`, `last_touch`) after writes that move
//! them: per account for a few, in one pass over the book for many.

use super::DerivedScope;
use crate::store::StoreResult;
use rusqlite::{Connection, params};

const TOUCH_KINDS: &str = "('call','email','meeting','qbr')";

/// Past this many accounts, one pass over the whole book beats per-account lookups.
const PER_ACCOUNT_LIMIT: usize = 2_000;

pub(super) fn refresh(
    tx: &Connection,
    accounts: Option<&[String]>,
    scope: DerivedScope,
) -> StoreResult<()> {
    let latest = crate::store::series::latest_month(tx)?.map_or(i64::MIN, |m| i64::from(m.0));
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
                           first_month = (SELECT min(month) FROM snapshots
                                          WHERE account_id = ?1 AND arr_cents > 0)
                         WHERE id = ?1",
                    )?;
                    statement.execute(params![id, latest])?;
                }
                if touches {
                    let mut statement = tx.prepare_cached(&format!(
                        "UPDATE accounts SET last_touch =
                           (SELECT substr(max(at), 1, 10) FROM notes
                            WHERE account_id = ?1 AND kind IN {TOUCH_KINDS})
                         WHERE id = ?1"
                    ))?;
                    statement.execute(params![id])?;
                }
            }
        }
        _ => {
            if snapshots {
                // ARR at the latest month for everyone (a churned account falls to 0),
                // then the first month with ARR in one ordered pass over the book.
                tx.execute(
                    "UPDATE accounts SET arr_cents = 0, units = 0, first_month = NULL
                     WHERE arr_cents <> 0 OR units <> 0 OR first_month IS NOT NULL",
                    [],
                )?;
                tx.execute(
                    "UPDATE accounts SET arr_cents = latest.arr, units = latest.units
                     FROM (SELECT account_id, sum(arr_cents) AS arr, coalesce(sum(units), 0) AS units
                           FROM snapshots WHERE month = ?1 GROUP BY account_id) AS latest
                     WHERE accounts.id = latest.account_id",
                    params![latest],
                )?;
                tx.execute(
                    "UPDATE accounts SET first_month = first.month
                     FROM (SELECT account_id, min(month) AS month FROM snapshots
                           WHERE arr_cents > 0 GROUP BY account_id) AS first
                     WHERE accounts.id = first.account_id",
                    [],
                )?;
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
                               WHERE kind IN {TOUCH_KINDS} GROUP BY account_id) AS touch
                         WHERE accounts.id = touch.account_id"
                    ),
                    [],
                )?;
            }
        }
    }
    Ok(())
}
