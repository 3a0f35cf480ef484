//! Each account's measured signals kept ready for the scorecard and the
//! backtest, so that scoring the whole book reads one short row an account
//! instead of millions of usage, ticket and survey rows: its usage of each
//! measure, month by month (`usage_series`, keyed by measure first so one
//! measure of the whole book is one range), and its high and urgent tickets
//! and NPS answers (`signal_series`).
//!
//! Usage, tickets and surveys are written only inside an import
//! (`BulkImport`); its writers note the accounts they
//! wrote ([`Moved`]) and its commit rebuilds their series from the stored
//! rows in the same transaction, or every series after a bulk load into an
//! empty table. The migration that made the tables fills them. A kept series
//! says exactly what the rows say: `Store::signal_source_from_rows` reads the
//! rows instead, and the tests hold the two together.
//!
//! Owns the encoding; computes no metric.

use super::{SignalAccount, SignalScope, SignalWindow};
use crate::domain::Month;
use crate::store::StoreResult;
use chrono::NaiveDate;
use rusqlite::{Connection, params};
use std::collections::BTreeSet;

/// The accounts whose usage, tickets or surveys an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Moved {
    /// Every account (a bulk load, or more than [`PER_ACCOUNT_LIMIT`]).
    pub all: bool,
    pub accounts: BTreeSet<String>,
}

/// Past this many moved accounts, one ordered pass over the tables beats
/// per-account lookups.
const PER_ACCOUNT_LIMIT: usize = 2_000;

impl Moved {
    pub fn account(&mut self, id: &str) {
        if !self.all && !self.accounts.contains(id) {
            self.accounts.insert(id.to_string());
            if self.accounts.len() > PER_ACCOUNT_LIMIT {
                self.everything();
            }
        }
    }

    pub fn everything(&mut self) {
        self.all = true;
        self.accounts.clear();
    }
}

/// Rebuilds the series of what moved from the stored rows.
pub(crate) fn rebuild(conn: &Connection, moved: &Moved) -> StoreResult<()> {
    if moved.all {
        return rebuild_all(conn);
    }
    for id in &moved.accounts {
        conn.execute("DELETE FROM usage_series WHERE account_id = ?1", [id])?;
        conn.execute("DELETE FROM signal_series WHERE account_id = ?1", [id])?;
        let mut builder = Builder::new();
        builder.usage(
            conn,
            "SELECT account_id, measure, month, value_milli FROM usage WHERE account_id = ?1
             ORDER BY measure, month",
            Some(id),
        )?;
        let tickets = tickets_of(conn, TICKETS_OF_ONE, Some(id))?;
        let answers = answers_of(conn, ANSWERS_OF_ONE, Some(id))?;
        builder.signals(conn, tickets, answers)?;
    }
    Ok(())
}

/// Every series again, from one ordered pass over each table.
pub(crate) fn rebuild_all(conn: &Connection) -> StoreResult<()> {
    conn.execute_batch("DELETE FROM usage_series; DELETE FROM signal_series;")?;
    let mut builder = Builder::new();
    builder.usage(
        conn,
        "SELECT account_id, measure, month, value_milli FROM usage ORDER BY account_id, measure, month",
        None,
    )?;
    let tickets = tickets_of(conn, TICKETS_OF_ALL, None)?;
    let answers = answers_of(conn, ANSWERS_OF_ALL, None)?;
    builder.signals(conn, tickets, answers)
}

const TICKETS_OF_ONE: &str = "SELECT account_id, opened_at, closed_at FROM tickets
     WHERE account_id = ?1 AND severity IN ('high', 'urgent')";
const TICKETS_OF_ALL: &str = "SELECT account_id, opened_at, closed_at FROM tickets
     WHERE severity IN ('high', 'urgent') ORDER BY account_id";
const ANSWERS_OF_ONE: &str =
    "SELECT account_id, answered_at, score FROM surveys WHERE account_id = ?1 AND kind = 'nps'";
const ANSWERS_OF_ALL: &str =
    "SELECT account_id, answered_at, score FROM surveys WHERE kind = 'nps' ORDER BY account_id";

/// Ticket days by account, in account order: `(opened, closed)`.
type Tickets = Vec<(String, Vec<(NaiveDate, Option<NaiveDate>)>)>;
/// NPS answers by account, in account order: `(day, score)`.
type Answers = Vec<(String, Vec<(NaiveDate, i64)>)>;

fn grouped<T>(
    conn: &Connection,
    sql: &str,
    id: Option<&str>,
    mut each: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<Option<T>>,
) -> StoreResult<Vec<(String, Vec<T>)>> {
    let mut statement = conn.prepare(sql)?;
    if let Some(id) = id {
        statement.raw_bind_parameter(1, id)?;
    }
    let mut rows = statement.raw_query();
    let mut out: Vec<(String, Vec<T>)> = Vec::new();
    while let Some(row) = rows.next()? {
        let Some(item) = each(row)? else { continue };
        let account = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        match out.last_mut() {
            Some((last, items)) if last == account => items.push(item),
            _ => out.push((account.to_string(), vec![item])),
        }
    }
    Ok(out)
}

fn tickets_of(conn: &Connection, sql: &str, id: Option<&str>) -> StoreResult<Tickets> {
    grouped(conn, sql, id, |row| {
        let opened = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        let Some(opened) = day_of(opened) else { return Ok(None) };
        let closed: Option<String> = row.get(2)?;
        Ok(Some((opened, closed.as_deref().and_then(day_of))))
    })
}

fn answers_of(conn: &Connection, sql: &str, id: Option<&str>) -> StoreResult<Answers> {
    grouped(conn, sql, id, |row| {
        let answered = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        let Some(day) = day_of(answered) else { return Ok(None) };
        Ok(Some((day, row.get(2)?)))
    })
}

/// Writes the series rows, one account (and measure) at a time.
struct Builder {
    account: String,
    measure: String,
    points: Vec<(Month, i64)>,
}

impl Builder {
    fn new() -> Builder {
        Builder { account: String::new(), measure: String::new(), points: Vec::new() }
    }

    /// Reads usage rows in (account, measure, month) order into series.
    fn usage(&mut self, conn: &Connection, sql: &str, id: Option<&str>) -> StoreResult<()> {
        let mut statement = conn.prepare(sql)?;
        if let Some(id) = id {
            statement.raw_bind_parameter(1, id)?;
        }
        let mut insert = conn.prepare(
            "INSERT INTO usage_series (measure, account_id, months) VALUES (?1, ?2, ?3)",
        )?;
        let mut rows = statement.raw_query();
        while let Some(row) = rows.next()? {
            let account = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let measure = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            if account != self.account || measure != self.measure {
                self.flush(&mut insert)?;
                self.account.clear();
                self.account.push_str(account);
                self.measure.clear();
                self.measure.push_str(measure);
            }
            self.points.push((Month(row.get(2)?), row.get(3)?));
        }
        self.flush(&mut insert)
    }

    fn flush(&mut self, insert: &mut rusqlite::Statement<'_>) -> StoreResult<()> {
        if !self.points.is_empty() {
            insert.execute(params![self.measure, self.account, encode_usage(&self.points)])?;
            self.points.clear();
        }
        Ok(())
    }

    /// Writes the ticket and answer series of the accounts that have any.
    fn signals(
        &mut self,
        conn: &Connection,
        tickets: Tickets,
        answers: Answers,
    ) -> StoreResult<()> {
        let mut insert = conn.prepare(
            "INSERT INTO signal_series (account_id, tickets, answers) VALUES (?1, ?2, ?3)",
        )?;
        let (mut tickets, mut answers) =
            (tickets.into_iter().peekable(), answers.into_iter().peekable());
        loop {
            let next = match (tickets.peek(), answers.peek()) {
                (None, None) => break,
                (Some((t, _)), Some((a, _))) => t.min(a).clone(),
                (Some((t, _)), None) => t.clone(),
                (None, Some((a, _))) => a.clone(),
            };
            let (mut t, mut a) = (Vec::new(), Vec::new());
            if tickets.peek().is_some_and(|(id, _)| *id == next) {
                t = tickets.next().map(|(_, t)| t).unwrap_or_default();
            }
            if answers.peek().is_some_and(|(id, _)| *id == next) {
                a = answers.next().map(|(_, a)| a).unwrap_or_default();
            }
            t.sort_unstable();
            a.sort_unstable();
            insert.execute(params![next, encode_tickets(&t), encode_answers(&a)])?;
        }
        Ok(())
    }
}

/// The day a stored date or time starts with: `YYYY-MM-DD` read by hand
/// (millions of them), anything else as chrono reads it.
pub(crate) fn day_of(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes
            .get(range)?
            .iter()
            .try_fold(0_u32, |n, b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
    };
    if bytes.get(4) == Some(&b'-')
        && bytes.get(7) == Some(&b'-')
        && let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10))
    {
        return NaiveDate::from_ymd_opt(y as i32, m, d);
    }
    text.get(..10).and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
}

fn put(out: &mut Vec<u8>, value: i64) {
    let mut v = ((value << 1) ^ (value >> 63)) as u64;
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads zig-zag varints; `None` at the end (or on a cut-off byte).
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    fn next(&mut self) -> Option<i64> {
        let mut value = 0_u64;
        let mut shift = 0;
        loop {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            value |= u64::from(byte & 0x7f).checked_shl(shift)?;
            if byte < 0x80 {
                return Some(((value >> 1) as i64) ^ -((value & 1) as i64));
            }
            shift += 7;
        }
    }
}

fn day_number(day: NaiveDate) -> i64 {
    i64::from(chrono::Datelike::num_days_from_ce(&day))
}

fn day_from(number: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(number).ok()?)
}

/// `(month, value)` in month order, written newest first (month
/// differences and values): a reader of the recent months stops once past
/// them instead of reading an account's whole history.
pub(crate) fn encode_usage(points: &[(Month, i64)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(points.len() * 4);
    let mut last = 0_i64;
    for (month, value) in points.iter().rev() {
        put(&mut out, i64::from(month.0) - last);
        put(&mut out, *value);
        last = i64::from(month.0);
    }
    out
}

/// The `(month, value)`s of an encoded usage series, newest first.
pub(crate) fn usage_points(bytes: &[u8]) -> UsagePoints<'_> {
    UsagePoints { reader: Reader::new(bytes), month: 0 }
}

pub(crate) struct UsagePoints<'a> {
    reader: Reader<'a>,
    month: i64,
}

impl Iterator for UsagePoints<'_> {
    type Item = (Month, i64);

    fn next(&mut self) -> Option<(Month, i64)> {
        let (step, value) = (self.reader.next()?, self.reader.next()?);
        self.month += step;
        Some((Month(i32::try_from(self.month).ok()?), value))
    }
}

/// `(opened, closed)` days: day differences, and the days from opening to
/// closing (one more when not negative, so 0 says still open).
pub(crate) fn encode_tickets(tickets: &[(NaiveDate, Option<NaiveDate>)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(tickets.len() * 4);
    let mut last = 0_i64;
    for (opened, closed) in tickets {
        let day = day_number(*opened);
        put(&mut out, day - last);
        match closed {
            Some(closed) => {
                let days = day_number(*closed) - day;
                put(&mut out, if days >= 0 { days + 1 } else { days });
            }
            None => put(&mut out, 0),
        }
        last = day;
    }
    out
}

pub(crate) fn decode_tickets(bytes: &[u8], mut each: impl FnMut(NaiveDate, Option<NaiveDate>)) {
    let mut reader = Reader::new(bytes);
    let mut day = 0_i64;
    while let (Some(step), Some(closed)) = (reader.next(), reader.next()) {
        day += step;
        let Some(opened) = day_from(day) else { return };
        let closed = match closed {
            0 => None,
            days if days > 0 => day_from(day + days - 1),
            days => day_from(day + days),
        };
        each(opened, closed);
    }
}

/// `(day, score)` answers: day differences and scores.
pub(crate) fn encode_answers(answers: &[(NaiveDate, i64)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(answers.len() * 3);
    let mut last = 0_i64;
    for (day, score) in answers {
        let day = day_number(*day);
        put(&mut out, day - last);
        put(&mut out, *score);
        last = day;
    }
    out
}

pub(crate) fn decode_answers(bytes: &[u8], mut each: impl FnMut(NaiveDate, i64)) {
    let mut reader = Reader::new(bytes);
    let mut day = 0_i64;
    while let (Some(step), Some(score)) = (reader.next(), reader.next()) {
        day += step;
        let Some(answered) = day_from(day) else { return };
        each(answered, score);
    }
}

/// Finds a row's account: rows and accounts both come in id order, so a
/// walk forward finds it; a search otherwise.
struct Walk {
    at: usize,
}

impl Walk {
    fn find(&mut self, accounts: &[SignalAccount], id: &str) -> Option<usize> {
        while accounts.get(self.at).is_some_and(|a| a.id.as_str() < id) {
            self.at += 1;
        }
        match accounts.get(self.at) {
            Some(account) if account.id == id => Some(self.at),
            _ => super::position(accounts, id),
        }
    }
}

/// Reads the kept series of the accounts of `scope`: the key usage
/// `measure` from the last month before `since` (as the rows are read),
/// high and urgent tickets, NPS answers since the window's start.
pub(super) fn read_kept(
    conn: &Connection,
    measure: &str,
    since: Month,
    window: SignalWindow,
    scope: SignalScope<'_>,
    accounts: &mut [SignalAccount],
) -> StoreResult<()> {
    let condition = scope.condition();
    let sql = match scope {
        SignalScope::Book => {
            "SELECT account_id, months FROM usage_series WHERE measure = ?1".to_string()
        }
        _ => format!(
            "SELECT a.id, u.months FROM accounts a
             JOIN usage_series u ON u.measure = ?1 AND u.account_id = a.id WHERE 1{condition}"
        ),
    };
    let mut statement = conn.prepare(&sql)?;
    statement.raw_bind_parameter(1, measure)?;
    scope.bind(&mut statement)?;
    let mut rows = statement.raw_query();
    let mut walk = Walk { at: 0 };
    while let Some(row) = rows.next()? {
        let id = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let Some(account) = walk.find(accounts, id) else { continue };
        let usage = &mut accounts[account].signals.usage;
        let mut before: Option<(Month, i64)> = None;
        let months = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
        // Sized once, as the months are (a second pass costs less than
        // growing the list).
        // Newest first: the months from `since` on, then the last before it.
        let inside = usage_points(months).take_while(|(month, _)| *month >= since).count();
        usage.reserve_exact(inside + 1);
        for (month, value) in usage_points(months) {
            if month < since {
                before = Some((month, value));
                break;
            }
            usage.push((month, value));
        }
        if let Some(before) = before {
            usage.push(before);
        }
    }
    let sql = match scope {
        SignalScope::Book => "SELECT account_id, tickets, answers FROM signal_series".to_string(),
        _ => format!(
            "SELECT a.id, s.tickets, s.answers FROM accounts a
             JOIN signal_series s ON s.account_id = a.id WHERE 1{condition}"
        ),
    };
    let mut statement = conn.prepare(&sql)?;
    scope.bind(&mut statement)?;
    let mut rows = statement.raw_query();
    let mut walk = Walk { at: 0 };
    while let Some(row) = rows.next()? {
        let id = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let Some(account) = walk.find(accounts, id) else { continue };
        let signals = &mut accounts[account].signals;
        let tickets = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
        decode_tickets(tickets, |opened, closed| signals.high_tickets.push((opened, closed)));
        let answers = row.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?;
        decode_answers(answers, |day, score| {
            if day >= window.answers_since {
                signals.nps.push((day, score));
            }
        });
    }
    Ok(())
}

/// The query over the kept ARR series (`store::series`) of the accounts of
/// `scope`: each account's id, first month, cents and units, one row an
/// account. `None` when some series are stale: the caller reads the snapshots.
pub(super) fn kept_months_sql(
    conn: &Connection,
    scope: SignalScope<'_>,
) -> StoreResult<Option<String>> {
    let stale: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM arr_series_stale)", [], |row| row.get(0))?;
    if stale {
        return Ok(None);
    }
    Ok(Some(match scope {
        SignalScope::Book => {
            "SELECT account_id, first_month, cents, units FROM arr_series".to_string()
        }
        _ => format!(
            "SELECT a.id, s.first_month, s.cents, s.units FROM accounts a
             JOIN arr_series s ON s.account_id = a.id WHERE 1{}",
            scope.condition()
        ),
    }))
}

/// The query over the snapshots of the accounts of `scope` from the month
/// bound as `?1` on: each row's account id, month, ARR cents and units.
pub(super) fn snapshot_months_sql(scope: SignalScope<'_>) -> String {
    match scope {
        SignalScope::Book => {
            "SELECT account_id, month, arr_cents, units FROM snapshots WHERE month >= ?1"
                .to_string()
        }
        _ => format!(
            "SELECT s.account_id, s.month, s.arr_cents, s.units FROM accounts a
             JOIN snapshots s ON s.account_id = a.id AND s.month >= ?1 WHERE 1{}",
            scope.condition()
        ),
    }
}

/// One row of [`kept_months_sql`]: its months from `since` on, in order,
/// each with its ARR and units, handed to `push`. `false`, with nothing
/// pushed, when the series was kept before units were; an error when a
/// series does not decode. `codes` is scratch space the caller reuses.
pub(super) fn each_kept_month(
    row: &rusqlite::Row<'_>,
    since: Month,
    codes: &mut Vec<i64>,
    mut push: impl FnMut(Month, crate::domain::Money, Option<i64>),
) -> StoreResult<bool> {
    use crate::store::series::{Series, units_of};
    let id = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
    let Some(units) = row.get_ref(3)?.as_blob_or_null().map_err(rusqlite::Error::from)? else {
        return Ok(false);
    };
    let first = Month(row.get(1)?);
    codes.clear();
    let whole = Series::decode(units, |_, code| codes.push(code));
    let cents = row.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?;
    let whole = whole
        && Series::decode(cents, |offset, cents| {
            let month = first.plus(offset as i32);
            let code = codes.get(offset).copied().unwrap_or(0);
            if let (true, Some(units)) = (month >= since, units_of(code)) {
                push(month, crate::domain::Money::from_cents(cents), units);
            }
        });
    if !whole {
        return Err(crate::store::StoreError::Invalid(format!(
            "the stored ARR series of account {id} is damaged"
        )));
    }
    Ok(true)
}

/// Reads the snapshot months from `since` on of the accounts of `scope`
/// from the kept ARR series and their units (`store::series`): one row an
/// account instead of its snapshots. `false`, with nothing read, when some
/// series are stale or kept without units: the caller reads the snapshots.
pub(super) fn read_kept_months(
    conn: &Connection,
    since: Month,
    scope: SignalScope<'_>,
    accounts: &mut [SignalAccount],
) -> StoreResult<bool> {
    let Some(sql) = kept_months_sql(conn, scope)? else { return Ok(false) };
    let mut statement = conn.prepare(&sql)?;
    scope.bind(&mut statement)?;
    let mut rows = statement.raw_query();
    let mut walk = Walk { at: 0 };
    let mut codes: Vec<i64> = Vec::new();
    while let Some(row) = rows.next()? {
        let id = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let Some(account) = walk.find(accounts, id) else { continue };
        let months = &mut accounts[account].signals.months;
        let kept = each_kept_month(row, since, &mut codes, |month, arr, units| {
            months.push((month, arr, units));
        })?;
        if !kept {
            // Kept before units were: nothing read counts.
            for account in accounts.iter_mut() {
                account.signals.months.clear();
            }
            return Ok(false);
        }
    }
    Ok(true)
}
