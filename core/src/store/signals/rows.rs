//! The signals a load reads from the usage, ticket and survey rows
//! themselves: the key usage measure from the last month before the window,
//! high and urgent tickets, NPS answers since the window's start. What the
//! kept series ([`super::series`]) must always agree with.

use super::{AccountCursor, SignalAccount, SignalScope, SignalWindow, day_of};
use crate::domain::Month;
use crate::store::StoreResult;
use rusqlite::Connection;

pub(super) fn read_rows(
    conn: &Connection,
    measure: &str,
    since: Month,
    window: SignalWindow,
    scope: SignalScope<'_>,
    accounts: &mut [SignalAccount],
) -> StoreResult<()> {
    let condition = scope.condition();
    // The key usage measure, account by account through the primary key,
    // from the last month before the window that has a row.
    let mut statement = conn.prepare(&format!(
        "SELECT a.id, u.month, u.value_milli FROM accounts a CROSS JOIN usage u
         ON u.account_id = a.id AND u.measure = ?1
            AND u.month >= coalesce((SELECT max(b.month) FROM usage b
                WHERE b.account_id = a.id AND b.measure = ?1 AND b.month < ?2), ?2)
         WHERE 1{condition}"
    ))?;
    statement.raw_bind_parameter(1, measure)?;
    statement.raw_bind_parameter(2, since.0)?;
    scope.bind(&mut statement)?;
    let mut rows = statement.raw_query();
    let mut cursor = AccountCursor::new();
    while let Some(row) = rows.next()? {
        let Some(account) = cursor.find(row, accounts)? else { continue };
        accounts[account].signals.usage.push((Month(row.get(1)?), row.get(2)?));
    }
    let mut statement = conn.prepare(&format!(
        "SELECT a.id, t.opened_at, t.closed_at FROM accounts a
         JOIN tickets t ON t.account_id = a.id AND t.severity IN ('high', 'urgent')
         WHERE 1{condition}"
    ))?;
    scope.bind(&mut statement)?;
    let mut rows = statement.raw_query();
    let mut cursor = AccountCursor::new();
    while let Some(row) = rows.next()? {
        let Some(account) = cursor.find(row, accounts)? else { continue };
        let opened: String = row.get(1)?;
        let closed: Option<String> = row.get(2)?;
        let Some(opened) = day_of(&opened) else { continue };
        accounts[account].signals.high_tickets.push((opened, closed.as_deref().and_then(day_of)));
    }
    let mut statement = conn.prepare(&format!(
        "SELECT a.id, s.answered_at, s.score FROM accounts a
         JOIN surveys s ON s.account_id = a.id AND s.answered_at >= ?1 AND s.kind = 'nps'
         WHERE 1{condition}"
    ))?;
    statement.raw_bind_parameter(1, window.answers_since.to_string())?;
    scope.bind(&mut statement)?;
    let mut rows = statement.raw_query();
    let mut cursor = AccountCursor::new();
    while let Some(row) = rows.next()? {
        let Some(account) = cursor.find(row, accounts)? else { continue };
        let answered: String = row.get(1)?;
        if let Some(day) = day_of(&answered) {
            accounts[account].signals.nps.push((day, row.get(2)?));
        }
    }
    Ok(())
}
