//! The measured signals (usage, tickets, surveys): their writes inside an
//! import (`writes`), their readers for export and for the account view, and the
//! whole-book load the scorecard and the backtest read
//! ([`SignalSource`]). Stores only: the scoring is `metrics::scorecard`.

use super::accounts::time_of;
use super::{Store, StoreResult};
use crate::domain::scorecard_config::ScorecardConfig;
use crate::domain::signals::{
    AccountSignals, BookSignals, Severity, SurveyAnswer, SurveyKind, Ticket, UsageRecord,
    UsageValue,
};
use crate::domain::success_plan::PlanStatus;
use crate::domain::{Health, Money, Month};
use chrono::NaiveDate;
use rusqlite::params;
use series::day_of;

mod flat;
mod rows;
pub(crate) mod series;
mod touches;
mod writes;

pub use flat::SignalBook;
pub use writes::NewUsage;
#[cfg(test)]
mod tests;

/// Where a load reads usage, tickets and answers from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SignalRead {
    /// The kept series ([`series`]).
    Kept,
    /// The rows themselves.
    Rows,
}

/// The whole book's signals for scoring: accounts in id order, each with
/// its name, CSM, current colour and signals, and what the book knows.
#[derive(Debug, Clone, Default)]
pub struct SignalSource {
    pub accounts: Vec<SignalAccount>,
    pub book: BookSignals,
}

#[derive(Debug, Clone, Default)]
pub struct SignalAccount {
    pub id: String,
    pub name: String,
    pub csm: String,
    pub health: Option<Health>,
    pub signals: AccountSignals,
}

/// Which accounts a signal load covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalScope<'a> {
    /// Every account (the Health view, the backtest).
    Book,
    /// The accounts of one CSM (Today).
    Csm(&'a str),
    /// One account (the account view).
    Account(&'a str),
    /// The accounts whose id is `from` or after and before `to` (to the
    /// end when `None`): a slice of the book, for a whole-book pass that
    /// need not hold every account's signals at once (the backtest).
    Ids { from: &'a str, to: Option<&'a str> },
}

impl SignalScope<'_> {
    /// The condition on the accounts table `a` (bound as `?9`).
    fn condition(self) -> &'static str {
        match self {
            SignalScope::Book => "",
            SignalScope::Csm(_) => " AND a.csm = ?9",
            SignalScope::Account(_) => " AND a.id = ?9",
            SignalScope::Ids { to: None, .. } => " AND a.id >= ?9",
            SignalScope::Ids { to: Some(_), .. } => " AND a.id >= ?9 AND a.id < ?10",
        }
    }

    fn bind(self, statement: &mut rusqlite::Statement<'_>) -> StoreResult<()> {
        match self {
            SignalScope::Book => {}
            SignalScope::Csm(value) | SignalScope::Account(value) => {
                statement.raw_bind_parameter(9, value)?;
            }
            SignalScope::Ids { from, to } => {
                statement.raw_bind_parameter(9, from)?;
                if let Some(to) = to {
                    statement.raw_bind_parameter(10, to)?;
                }
            }
        }
        Ok(())
    }
}

/// How far back a load reads, for scores on `earliest` or later: usage
/// and snapshots from the trend's months before the latest month known on
/// `earliest` (however old the book's latest usage is), survey answers
/// from the NPS's days before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignalWindow {
    pub earliest: NaiveDate,
    pub trend_months: i32,
    pub answers_since: NaiveDate,
}

impl SignalWindow {
    pub fn for_scores(card: &ScorecardConfig, earliest: NaiveDate) -> SignalWindow {
        let answers_since = earliest
            .checked_sub_signed(chrono::Duration::days(card.survey_days))
            .unwrap_or(earliest);
        SignalWindow { earliest, trend_months: card.trend_months, answers_since }
    }

    /// The first month read: the trend's months (and one more, for the
    /// licences of a month without a snapshot) before the earlier of the
    /// latest snapshot and usage months known on `earliest`.
    fn since(&self, book: &BookSignals) -> Month {
        let own = Month::of(self.earliest);
        let known = |months: &[Month]| BookSignals::known_month(months, self.earliest);
        let base = known(&book.snapshot_months)
            .unwrap_or(own)
            .min(known(&book.usage_months).unwrap_or(own));
        base.minus(self.trend_months.saturating_add(2))
    }
}

/// An account's position among accounts in id order (the order every
/// load lists them in, SQLite's text order being Rust's): no index of the
/// ids is built.
pub(super) fn position(accounts: &[SignalAccount], id: &str) -> Option<usize> {
    accounts.binary_search_by(|account| account.id.as_str().cmp(id)).ok()
}

/// Finds the index of a row's account without a lookup per row: the rows of
/// one account come together, so the id is compared with the last one's.
struct AccountCursor {
    last: String,
    at: Option<usize>,
}

impl AccountCursor {
    fn new() -> AccountCursor {
        AccountCursor { last: String::new(), at: None }
    }

    fn find(
        &mut self,
        row: &rusqlite::Row<'_>,
        accounts: &[SignalAccount],
    ) -> StoreResult<Option<usize>> {
        let id = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        if id != self.last || self.last.is_empty() {
            self.last.clear();
            self.last.push_str(id);
            self.at = position(accounts, id);
        }
        Ok(self.at)
    }
}

impl Store {
    /// Loads the signals of the accounts of `scope` over `window`: snapshot
    /// totals and the key usage `measure` per month (with a zero month
    /// before the window when the account had usage before it, so "none
    /// since" reads as 0 rather than missing), high and urgent tickets, NPS
    /// answers, success plan statuses on `today`, and touches — the whole
    /// history when `touch_history`, else only the last touch. One pass per
    /// table, in key order; what the book knows is the whole book's.
    pub fn signal_source(
        &self,
        measure: &str,
        window: SignalWindow,
        today: NaiveDate,
        touch_history: bool,
        scope: SignalScope<'_>,
    ) -> StoreResult<SignalSource> {
        self.load_signals(measure, window, today, touch_history, scope, SignalRead::Kept)
    }

    /// [`Self::signal_source`] read from the usage, ticket and survey rows
    /// themselves rather than the kept series: slower, and the same answer
    /// (what the tests check the kept series against).
    pub fn signal_source_from_rows(
        &self,
        measure: &str,
        window: SignalWindow,
        today: NaiveDate,
        touch_history: bool,
        scope: SignalScope<'_>,
    ) -> StoreResult<SignalSource> {
        self.load_signals(measure, window, today, touch_history, scope, SignalRead::Rows)
    }

    fn load_signals(
        &self,
        measure: &str,
        window: SignalWindow,
        today: NaiveDate,
        touch_history: bool,
        scope: SignalScope<'_>,
        read: SignalRead,
    ) -> StoreResult<SignalSource> {
        let book = self.book_signals(measure)?;
        let since = window.since(&book);
        let condition = scope.condition();
        let mut accounts = Vec::new();
        {
            let mut statement = self.conn.prepare(&format!(
                "SELECT a.id, a.name, a.csm, a.health, a.last_touch FROM accounts a
                 WHERE 1{condition} ORDER BY a.id"
            ))?;
            scope.bind(&mut statement)?;
            let mut rows = statement.raw_query();
            while let Some(row) = rows.next()? {
                let text = |at: usize| -> StoreResult<Option<&str>> {
                    Ok(row.get_ref(at)?.as_str_or_null().map_err(rusqlite::Error::from)?)
                };
                let mut signals = AccountSignals::default();
                if !touch_history {
                    signals.touches.extend(text(4)?.and_then(day_of));
                }
                let health = text(3)?.and_then(|h| Health::parse(h).ok());
                accounts.push(SignalAccount {
                    id: row.get(0)?,
                    name: row.get(1)?,
                    csm: row.get(2)?,
                    health,
                    signals,
                });
            }
        }
        // Snapshots per account and month, every product added: from the
        // kept series (one row an account) unless some are stale. Else the
        // whole book is one pass over the table in key order; a scope goes
        // through its accounts' keys.
        let kept = read == SignalRead::Kept
            && series::read_kept_months(&self.conn, since, scope, &mut accounts)?;
        if !kept {
            self.read_snapshot_months(since, scope, &mut accounts)?;
        }
        match read {
            SignalRead::Kept => {
                series::read_kept(&self.conn, measure, since, window, scope, &mut accounts)?
            }
            SignalRead::Rows => {
                rows::read_rows(&self.conn, measure, since, window, scope, &mut accounts)?
            }
        }
        if touch_history {
            // The whole book reads the notes table straight through: half
            // the time of going account by account through the key.
            let sql = match scope {
                SignalScope::Book => "SELECT n.account_id, substr(n.at, 1, 10) FROM notes n
                     WHERE lower(n.kind) IN (SELECT kind FROM touch_kinds)"
                    .to_string(),
                _ => format!(
                    "SELECT a.id, substr(n.at, 1, 10) FROM accounts a
                     JOIN notes n ON n.account_id = a.id
                        AND lower(n.kind) IN (SELECT kind FROM touch_kinds)
                     WHERE 1{condition}"
                ),
            };
            let mut statement = self.conn.prepare(&sql)?;
            scope.bind(&mut statement)?;
            let mut rows = statement.raw_query();
            let mut cursor = AccountCursor::new();
            while let Some(row) = rows.next()? {
                let Some(account) = cursor.find(row, &accounts)? else { continue };
                let day = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
                if let Some(day) = day_of(day) {
                    accounts[account].signals.touches.push(day);
                }
            }
        }
        for (account_id, status) in self.plan_statuses(today, scope)? {
            if let Some(account) = position(&accounts, &account_id) {
                let plans = accounts[account].signals.plans.get_or_insert((0, 0));
                if status == PlanStatus::Behind {
                    plans.1 += 1;
                } else {
                    plans.0 += 1;
                }
            }
        }
        for account in &mut accounts {
            let signals = &mut account.signals;
            signals.months = month_totals(std::mem::take(&mut signals.months));
            usage_from(&mut signals.usage, since);
            signals.touches.sort_unstable();
            signals.high_tickets.sort_unstable();
            signals.nps.sort_unstable();
            // A whole book's signals are held while it is scored: each
            // series keeps only its own length, not what it grew through
            // (the month totals were sized for every product's rows).
            signals.months.shrink_to_fit();
            signals.usage.shrink_to_fit();
            signals.touches.shrink_to_fit();
            signals.high_tickets.shrink_to_fit();
            signals.nps.shrink_to_fit();
        }
        accounts.shrink_to_fit();
        Ok(SignalSource { accounts, book })
    }

    /// What the whole book knows: its snapshot months, the months with
    /// usage of `measure`, whether it has tickets.
    fn book_signals(&self, measure: &str) -> StoreResult<BookSignals> {
        let mut statement =
            self.conn.prepare_cached("SELECT month FROM snapshot_months ORDER BY month")?;
        let snapshot_months = statement
            .query_map([], |row| row.get::<_, i32>(0))?
            .map(|month| month.map(Month))
            .collect::<Result<Vec<_>, _>>()?;
        let has_tickets: bool =
            self.conn.query_row("SELECT EXISTS (SELECT 1 FROM tickets)", [], |r| r.get(0))?;
        Ok(BookSignals {
            snapshot_months,
            usage_months: self.usage_months(measure, Month(i32::MIN))?,
            has_tickets,
        })
    }

    /// The snapshots from `since` on of the accounts of `scope`, read from
    /// the snapshots themselves.
    fn read_snapshot_months(
        &self,
        since: Month,
        scope: SignalScope<'_>,
        accounts: &mut [SignalAccount],
    ) -> StoreResult<()> {
        let sql = series::snapshot_months_sql(scope);
        let mut statement = self.conn.prepare(&sql)?;
        statement.raw_bind_parameter(1, since.0)?;
        scope.bind(&mut statement)?;
        let mut rows = statement.raw_query();
        let mut cursor = AccountCursor::new();
        while let Some(row) = rows.next()? {
            let Some(account) = cursor.find(row, accounts)? else { continue };
            let units: Option<i64> = row.get(3)?;
            accounts[account].signals.months.push((
                Month(row.get(1)?),
                Money::from_cents(row.get(2)?),
                units,
            ));
        }
        Ok(())
    }

    /// Where slices of `per` accounts each begin, in id order (every
    /// `per`-th id, the first included): the `from`s of
    /// [`SignalScope::Ids`] that cover the book.
    pub fn account_slices(&self, per: usize) -> StoreResult<Vec<String>> {
        let mut statement = self.conn.prepare_cached("SELECT id FROM accounts ORDER BY id")?;
        let mut rows = statement.raw_query();
        let mut starts = Vec::new();
        let mut at = 0_usize;
        while let Some(row) = rows.next()? {
            if at.is_multiple_of(per.max(1)) {
                starts.push(row.get(0)?);
            }
            at += 1;
        }
        Ok(starts)
    }

    /// The months from `since` on that `measure` has usage for, in order.
    pub fn usage_months(&self, measure: &str, since: Month) -> StoreResult<Vec<Month>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT month FROM usage_months WHERE measure = ?1 AND month >= ?2 ORDER BY month",
        )?;
        let months = statement
            .query_map(params![measure, since.0], |row| row.get::<_, i32>(0))?
            .map(|month| month.map(Month))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(months)
    }

    /// The success plans' statuses on `today` of the accounts of `scope`.
    fn plan_statuses(
        &self,
        today: NaiveDate,
        scope: SignalScope<'_>,
    ) -> StoreResult<Vec<(String, PlanStatus)>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT p.account_id, p.baseline, p.target, p.current, p.start_date, p.target_date
             FROM accounts a JOIN success_plans p ON p.account_id = a.id WHERE 1{}",
            scope.condition()
        ))?;
        scope.bind(&mut statement)?;
        let mut rows = statement.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let (start, target): (String, String) = (row.get(4)?, row.get(5)?);
            let (Some(start_date), Some(target_date)) = (day_of(&start), day_of(&target)) else {
                continue;
            };
            let fields = crate::domain::success_plan::SuccessPlanFields {
                measure: String::new(),
                unit: String::new(),
                baseline: crate::domain::success_plan::PlanValue(row.get(1)?),
                target: crate::domain::success_plan::PlanValue(row.get(2)?),
                current: crate::domain::success_plan::PlanValue(row.get(3)?),
                start_date,
                target_date,
            };
            out.push((row.get(0)?, fields.status(today)));
        }
        Ok(out)
    }

    /// An account's usage, every measure, by measure then month.
    pub fn account_usage(&self, account_id: &str) -> StoreResult<Vec<UsageRecord>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT measure, month, value_milli FROM usage WHERE account_id = ?1 ORDER BY measure, month",
        )?;
        let rows = statement.query_map([account_id], |row| {
            Ok(UsageRecord {
                account_id: account_id.to_string(),
                measure: row.get(0)?,
                month: Month(row.get(1)?),
                value: UsageValue(row.get(2)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether the book holds any usage, any ticket and any survey answer
    /// (an account without one then has none of its own, rather than none
    /// imported).
    pub fn book_has_signals(&self) -> StoreResult<[bool; 3]> {
        let has = |table: &str| -> StoreResult<bool> {
            let sql = format!("SELECT EXISTS (SELECT 1 FROM {table})");
            Ok(self.conn.prepare_cached(&sql)?.query_row([], |row| row.get(0))?)
        };
        Ok([has("usage")?, has("tickets")?, has("surveys")?])
    }

    /// An account's tickets, newest first.
    pub fn account_tickets(&self, account_id: &str) -> StoreResult<Vec<Ticket>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT id, account_id, opened_at, severity, closed_at, subject FROM tickets
             WHERE account_id = ?1 ORDER BY opened_at DESC, id",
        )?;
        let rows = statement.query_map([account_id], ticket_from)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// An account's survey answers, newest first.
    pub fn account_surveys(&self, account_id: &str) -> StoreResult<Vec<SurveyAnswer>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT account_id, answered_at, kind, score, comment FROM surveys
             WHERE account_id = ?1 ORDER BY answered_at DESC, kind, score, comment",
        )?;
        let rows = statement.query_map([account_id], survey_from)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Calls `each` for every usage row, by account, measure and month.
    pub fn each_usage(
        &self,
        mut each: impl FnMut(UsageRecord) -> StoreResult<()>,
    ) -> StoreResult<()> {
        let mut statement =
            self.conn.prepare("SELECT account_id, measure, month, value_milli FROM usage")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            each(UsageRecord {
                account_id: row.get(0)?,
                measure: row.get(1)?,
                month: Month(row.get(2)?),
                value: UsageValue(row.get(3)?),
            })?;
        }
        Ok(())
    }

    /// Calls `each` for every ticket, by id.
    pub fn each_ticket(&self, mut each: impl FnMut(Ticket) -> StoreResult<()>) -> StoreResult<()> {
        let mut statement = self.conn.prepare(
            "SELECT id, account_id, opened_at, severity, closed_at, subject FROM tickets ORDER BY id",
        )?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            each(ticket_from(row)?)?;
        }
        Ok(())
    }

    /// Calls `each` for every survey answer, by account and time.
    pub fn each_survey(
        &self,
        mut each: impl FnMut(SurveyAnswer) -> StoreResult<()>,
    ) -> StoreResult<()> {
        let mut statement = self
            .conn
            .prepare("SELECT account_id, answered_at, kind, score, comment FROM surveys")?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            each(survey_from(row)?)?;
        }
        Ok(())
    }
}

fn ticket_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<Ticket> {
    let severity: String = row.get(3)?;
    let opened: String = row.get(2)?;
    let closed: Option<String> = row.get(4)?;
    Ok(Ticket {
        id: row.get(0)?,
        account_id: row.get(1)?,
        opened_at: time_of(&opened),
        severity: Severity::parse(&severity).unwrap_or(Severity::Normal),
        closed_at: closed.as_deref().map(time_of),
        subject: row.get(5)?,
    })
}

fn survey_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<SurveyAnswer> {
    let answered: String = row.get(1)?;
    let kind: String = row.get(2)?;
    Ok(SurveyAnswer {
        account_id: row.get(0)?,
        answered_at: time_of(&answered),
        kind: SurveyKind::parse(&kind).unwrap_or(SurveyKind::Nps),
        score: row.get(3)?,
        comment: row.get(4)?,
    })
}

/// Rows of `(month, ARR, units)` (products in any order) as one total per
/// month, in month order; units add up where any product has them.
fn month_totals(mut rows: Vec<(Month, Money, Option<i64>)>) -> Vec<(Month, Money, Option<i64>)> {
    // Already totals (as the kept series give them): nothing to add.
    if rows.is_sorted_by(|a, b| a.0 < b.0) {
        return rows;
    }
    rows.sort_unstable_by_key(|(month, _, _)| *month);
    let mut totals: Vec<(Month, Money, Option<i64>)> = Vec::with_capacity(rows.len());
    for (month, arr, units) in rows {
        match totals.last_mut() {
            Some(last) if last.0 == month => {
                last.1 = Money::from_cents(last.1.cents().saturating_add(arr.cents()));
                if let Some(units) = units {
                    last.2 = Some(last.2.unwrap_or(0).saturating_add(units));
                }
            }
            _ => totals.push((month, arr, units)),
        }
    }
    totals
}

/// Usage read from the last row before `since`: that row only says the
/// account had usage before the window, so its value becomes a zero (a
/// month in the window without a row is then 0, not missing).
fn usage_from(usage: &mut [(Month, i64)], since: Month) {
    usage.sort_unstable();
    if let Some(first) = usage.first_mut()
        && first.0 < since
    {
        first.1 = 0;
    }
}
