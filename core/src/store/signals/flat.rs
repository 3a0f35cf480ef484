//! The whole book's signals for scoring as flat columns ([`SignalBook`]):
//! accounts are indices in id order, their ids, names and CSMs one text
//! each, and every list (monthly ARR and units, the key usage measure,
//! high and urgent tickets, NPS answers) one vector for the whole book with
//! each account's range in it. One ordered pass over each kept series
//! table, with no allocation per row or per account; an account's signals
//! are borrowed as a [`SignalsView`]. The same answer as
//! [`Store::signal_source`] (which the tests hold it to), read without its
//! touch history: the last touch only.

use super::series::{
    decode_answers, decode_tickets, each_kept_month, kept_months_sql, snapshot_months_sql,
    usage_points,
};
use super::{SignalAccount, SignalScope, SignalSource, SignalWindow, day_of};
use crate::domain::signals::{AccountSignals, BookSignals, SignalsView};
use crate::domain::success_plan::PlanStatus;
use crate::domain::{Health, Money, Month};
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;
use rusqlite::Connection;

/// Texts one after another, each account's a range.
#[derive(Debug, Clone, Default)]
struct Texts {
    text: String,
    ends: Vec<usize>,
}

impl Texts {
    fn push(&mut self, text: &str) {
        self.text.push_str(text);
        self.ends.push(self.text.len());
    }

    fn get(&self, at: usize) -> &str {
        let start = at.checked_sub(1).and_then(|i| self.ends.get(i)).copied().unwrap_or(0);
        let end = self.ends.get(at).copied().unwrap_or(start);
        self.text.get(start..end).unwrap_or("")
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

/// A list per account in one vector: account `i`'s items are
/// `items[ends[i - 1]..ends[i]]`. Filled in account order; rows met out of
/// order wait aside and are sorted in at the end.
#[derive(Debug, Clone)]
struct Ranges<T> {
    items: Vec<T>,
    ends: Vec<usize>,
    aside: Vec<(usize, T)>,
}

impl<T> Default for Ranges<T> {
    fn default() -> Self {
        Ranges { items: Vec::new(), ends: Vec::new(), aside: Vec::new() }
    }
}

impl<T> Ranges<T> {
    fn get(&self, at: usize) -> &[T] {
        let start = at.checked_sub(1).and_then(|i| self.ends.get(i)).copied().unwrap_or(0);
        let end = self.ends.get(at).copied().unwrap_or(start);
        self.items.get(start..end).unwrap_or(&[])
    }

    /// Whether `account`'s items may be pushed in place (no later account
    /// has begun): the accounts before it are closed.
    fn open(&mut self, account: usize) -> bool {
        if account < self.ends.len() {
            return false;
        }
        while self.ends.len() < account {
            self.ends.push(self.items.len());
        }
        true
    }

    fn push(&mut self, account: usize, item: T) {
        if self.open(account) {
            self.items.push(item);
        } else {
            self.aside.push((account, item));
        }
    }

    /// The index where `account`'s items begin, for sorting them once pushed.
    fn start(&self, account: usize) -> usize {
        if account == self.ends.len() {
            self.ends.last().copied().unwrap_or(0)
        } else {
            self.items.len()
        }
    }

    /// Closes every account up to `accounts`, sorting in what waited aside
    /// (each account's items keep their order).
    fn finish(&mut self, accounts: usize) {
        while self.ends.len() < accounts {
            self.ends.push(self.items.len());
        }
        if self.aside.is_empty() {
            return;
        }
        let mut all: Vec<(usize, T)> = Vec::with_capacity(self.items.len() + self.aside.len());
        let mut items = std::mem::take(&mut self.items).into_iter();
        for (account, end) in self.ends.iter().enumerate() {
            let start = all.len().min(*end);
            for _ in start..*end {
                if let Some(item) = items.next() {
                    all.push((account, item));
                }
            }
        }
        all.append(&mut self.aside);
        all.sort_by_key(|(account, _)| *account);
        self.ends.clear();
        for (account, item) in all {
            while self.ends.len() < account {
                self.ends.push(self.items.len());
            }
            self.items.push(item);
        }
        while self.ends.len() < accounts {
            self.ends.push(self.items.len());
        }
    }
}

/// The signals of the accounts of a scope over a window, as flat columns.
#[derive(Debug, Clone, Default)]
pub struct SignalBook {
    /// What the whole book knows.
    pub book: BookSignals,
    ids: Texts,
    names: Texts,
    csms: Texts,
    health: Vec<Option<Health>>,
    last_touch: Vec<Option<NaiveDate>>,
    months: Ranges<(Month, Money, Option<i64>)>,
    usage: Ranges<(Month, i64)>,
    tickets: Ranges<(NaiveDate, Option<NaiveDate>)>,
    nps: Ranges<(NaiveDate, i64)>,
    plans: Vec<Option<(u32, u32)>>,
}

impl SignalBook {
    /// Accounts, in id order.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn id(&self, at: usize) -> &str {
        self.ids.get(at)
    }

    pub fn name(&self, at: usize) -> &str {
        self.names.get(at)
    }

    pub fn csm(&self, at: usize) -> &str {
        self.csms.get(at)
    }

    /// The CSM's colour.
    pub fn health(&self, at: usize) -> Option<Health> {
        self.health.get(at).copied().flatten()
    }

    /// Account `at`'s signals (its touches: the last one).
    pub fn signals(&self, at: usize) -> SignalsView<'_> {
        SignalsView {
            months: self.months.get(at),
            usage: self.usage.get(at),
            touches: self.last_touch.get(at).map_or(&[], Option::as_slice),
            high_tickets: self.tickets.get(at),
            nps: self.nps.get(at),
            plans: self.plans.get(at).copied().flatten(),
        }
    }

    /// An account's index by id.
    pub fn position(&self, id: &str) -> Option<usize> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.id(middle).cmp(id) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(middle),
            }
        }
        None
    }

    /// The same signals as one [`SignalAccount`] each.
    pub fn into_source(self) -> SignalSource {
        let accounts = (0..self.len())
            .map(|at| {
                let view = self.signals(at);
                SignalAccount {
                    id: self.id(at).to_string(),
                    name: self.name(at).to_string(),
                    csm: self.csm(at).to_string(),
                    health: self.health(at),
                    signals: AccountSignals {
                        months: view.months.to_vec(),
                        usage: view.usage.to_vec(),
                        touches: view.touches.to_vec(),
                        high_tickets: view.high_tickets.to_vec(),
                        nps: view.nps.to_vec(),
                        plans: view.plans,
                    },
                }
            })
            .collect();
        SignalSource { accounts, book: self.book }
    }

    /// Finds a row's account: rows and accounts both come in id order, so
    /// a walk forward finds it; a search otherwise.
    fn find(&self, walk: &mut usize, id: &str) -> Option<usize> {
        while *walk < self.len() && self.id(*walk) < id {
            *walk += 1;
        }
        if *walk < self.len() && self.id(*walk) == id {
            return Some(*walk);
        }
        self.position(id)
    }
}

/// One of the four colours as stored, without a lowercased copy.
fn health_of(text: &str) -> Option<Health> {
    [Health::Red, Health::Orange, Health::Yellow, Health::Green]
        .into_iter()
        .find(|h| h.as_str() == text)
        .or_else(|| Health::parse(text).ok())
}

fn text<'a>(row: &'a rusqlite::Row<'_>, at: usize) -> StoreResult<Option<&'a str>> {
    Ok(row.get_ref(at)?.as_str_or_null().map_err(rusqlite::Error::from)?)
}

fn blob<'a>(row: &'a rusqlite::Row<'_>, at: usize) -> StoreResult<&'a [u8]> {
    Ok(row.get_ref(at)?.as_blob().map_err(rusqlite::Error::from)?)
}

impl Store {
    /// The signals of the accounts of `scope` over `window`, as
    /// [`Store::signal_source`] reads them with `touch_history` false, in
    /// flat columns: what the whole book's scorecard reads.
    pub fn signal_book(
        &self,
        measure: &str,
        window: SignalWindow,
        today: NaiveDate,
        scope: SignalScope<'_>,
    ) -> StoreResult<SignalBook> {
        let book = self.book_signals(measure)?;
        let since = window.since(&book);
        let mut out = SignalBook { book, ..SignalBook::default() };
        let condition = scope.condition();
        {
            let mut statement = self.conn.prepare(&format!(
                "SELECT a.id, a.name, a.csm, a.health, a.last_touch FROM accounts a
                 WHERE 1{condition} ORDER BY a.id"
            ))?;
            scope.bind(&mut statement)?;
            let mut rows = statement.raw_query();
            while let Some(row) = rows.next()? {
                out.ids.push(text(row, 0)?.unwrap_or(""));
                out.names.push(text(row, 1)?.unwrap_or(""));
                out.csms.push(text(row, 2)?.unwrap_or(""));
                out.health.push(text(row, 3)?.and_then(health_of));
                out.last_touch.push(text(row, 4)?.and_then(day_of));
            }
        }
        let accounts = out.len();
        // The window's months (and the one before it) an account, grown
        // once rather than doubled through.
        let per = usize::try_from(window.trend_months.saturating_add(4)).unwrap_or(0);
        out.months.items.reserve(accounts.saturating_mul(per));
        out.usage.items.reserve(accounts.saturating_mul(per));
        if !kept_months(&self.conn, since, scope, &mut out)? {
            snapshot_months(&self.conn, since, scope, &mut out)?;
        }
        out.months.finish(accounts);
        kept_usage(&self.conn, measure, since, scope, &mut out)?;
        out.usage.finish(accounts);
        kept_signals(&self.conn, window, scope, &mut out)?;
        out.tickets.finish(accounts);
        out.nps.finish(accounts);
        out.plans = vec![None; accounts];
        for (account_id, status) in self.plan_statuses(today, scope)? {
            if let Some(at) = out.position(&account_id) {
                let plans = out.plans[at].get_or_insert((0, 0));
                if status == PlanStatus::Behind {
                    plans.1 += 1;
                } else {
                    plans.0 += 1;
                }
            }
        }
        Ok(out)
    }
}

/// The months from `since` on, from the kept ARR series and their units;
/// `false`, with nothing read, when some are stale or kept without units.
fn kept_months(
    conn: &Connection,
    since: Month,
    scope: SignalScope<'_>,
    out: &mut SignalBook,
) -> StoreResult<bool> {
    let Some(sql) = kept_months_sql(conn, scope)? else { return Ok(false) };
    let mut statement = conn.prepare(&sql)?;
    scope.bind(&mut statement)?;
    let mut rows = statement.raw_query();
    let mut walk = 0;
    let mut codes: Vec<i64> = Vec::new();
    while let Some(row) = rows.next()? {
        let id = text(row, 0)?.unwrap_or("");
        let Some(account) = out.find(&mut walk, id) else { continue };
        let months = &mut out.months;
        let kept = each_kept_month(row, since, &mut codes, |month, arr, units| {
            months.push(account, (month, arr, units));
        })?;
        if !kept {
            // Kept before units were: nothing read counts.
            out.months = Ranges::default();
            return Ok(false);
        }
    }
    Ok(true)
}

/// The months from `since` on read from the snapshots themselves: every
/// product's added per month, in month order.
fn snapshot_months(
    conn: &Connection,
    since: Month,
    scope: SignalScope<'_>,
    out: &mut SignalBook,
) -> StoreResult<()> {
    let sql = snapshot_months_sql(scope);
    let mut statement = conn.prepare(&sql)?;
    statement.raw_bind_parameter(1, since.0)?;
    scope.bind(&mut statement)?;
    let mut rows = statement.raw_query();
    let mut walk = 0;
    let mut all: Vec<(usize, Month, i64, Option<i64>)> = Vec::new();
    while let Some(row) = rows.next()? {
        let id = text(row, 0)?.unwrap_or("");
        let Some(account) = out.find(&mut walk, id) else { continue };
        all.push((account, Month(row.get(1)?), row.get(2)?, row.get(3)?));
    }
    all.sort_unstable_by_key(|(account, month, _, _)| (*account, *month));
    let mut last: Option<(usize, Month, i64, Option<i64>)> = None;
    for (account, month, cents, units) in all {
        match &mut last {
            Some(total) if total.0 == account && total.1 == month => {
                total.2 = total.2.saturating_add(cents);
                if let Some(units) = units {
                    total.3 = Some(total.3.unwrap_or(0).saturating_add(units));
                }
            }
            _ => {
                if let Some((a, m, c, u)) = last.replace((account, month, cents, units)) {
                    out.months.push(a, (m, Money::from_cents(c), u));
                }
            }
        }
    }
    if let Some((a, m, c, u)) = last {
        out.months.push(a, (m, Money::from_cents(c), u));
    }
    Ok(())
}

/// The key usage measure from the last month before `since` (as a zero:
/// it only says the account had usage before the window) and every month
/// from `since` on.
fn kept_usage(
    conn: &Connection,
    measure: &str,
    since: Month,
    scope: SignalScope<'_>,
    out: &mut SignalBook,
) -> StoreResult<()> {
    let sql = match scope {
        SignalScope::Book => {
            "SELECT account_id, months FROM usage_series WHERE measure = ?1".to_string()
        }
        _ => format!(
            "SELECT a.id, u.months FROM accounts a
             JOIN usage_series u ON u.measure = ?1 AND u.account_id = a.id WHERE 1{}",
            scope.condition()
        ),
    };
    let mut statement = conn.prepare(&sql)?;
    statement.raw_bind_parameter(1, measure)?;
    scope.bind(&mut statement)?;
    let mut rows = statement.raw_query();
    let mut walk = 0;
    while let Some(row) = rows.next()? {
        let id = text(row, 0)?.unwrap_or("");
        let Some(account) = out.find(&mut walk, id) else { continue };
        let start = out.usage.start(account);
        // Newest first: the months from `since` on, then the last before
        // it (as a zero), and no older one read.
        for (month, value) in usage_points(blob(row, 1)?) {
            if month < since {
                out.usage.push(account, (month, 0));
                break;
            }
            out.usage.push(account, (month, value));
        }
        if let Some(items) = out.usage.items.get_mut(start..) {
            items.sort_unstable();
        }
    }
    Ok(())
}

/// High and urgent tickets, and NPS answers since the window's start.
fn kept_signals(
    conn: &Connection,
    window: SignalWindow,
    scope: SignalScope<'_>,
    out: &mut SignalBook,
) -> StoreResult<()> {
    let sql = match scope {
        SignalScope::Book => "SELECT account_id, tickets, answers FROM signal_series".to_string(),
        _ => format!(
            "SELECT a.id, s.tickets, s.answers FROM accounts a
             JOIN signal_series s ON s.account_id = a.id WHERE 1{}",
            scope.condition()
        ),
    };
    let mut statement = conn.prepare(&sql)?;
    scope.bind(&mut statement)?;
    let mut rows = statement.raw_query();
    let mut walk = 0;
    while let Some(row) = rows.next()? {
        let id = text(row, 0)?.unwrap_or("");
        let Some(account) = out.find(&mut walk, id) else { continue };
        let (tickets, nps) = (&mut out.tickets, &mut out.nps);
        let start = tickets.start(account);
        decode_tickets(blob(row, 1)?, |opened, closed| tickets.push(account, (opened, closed)));
        if let Some(items) = tickets.items.get_mut(start..) {
            items.sort_unstable();
        }
        let start = nps.start(account);
        decode_answers(blob(row, 2)?, |day, score| {
            if day >= window.answers_since {
                nps.push(account, (day, score));
            }
        });
        if let Some(items) = nps.items.get_mut(start..) {
            items.sort_unstable();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Ranges;

    #[test]
    fn ranges_met_out_of_order_are_sorted_in_keeping_each_accounts_order() {
        let mut ranges = Ranges::default();
        ranges.push(1, 'a');
        ranges.push(1, 'b');
        ranges.push(3, 'c');
        ranges.push(0, 'x');
        ranges.push(2, 'y');
        ranges.push(0, 'z');
        ranges.finish(5);
        let lists: Vec<String> = (0..5).map(|at| ranges.get(at).iter().collect()).collect();
        assert_eq!(lists, ["xz", "ab", "y", "c", ""]);
        let mut ranges: Ranges<u8> = Ranges::default();
        ranges.push(2, 7);
        ranges.finish(4);
        assert_eq!((ranges.get(0), ranges.get(2), ranges.get(3)), (&[][..], &[7][..], &[][..]));
    }
}
