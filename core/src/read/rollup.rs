//! The manager's roll-up: for every CSM of the book (a team's book after
//! sync holds everyone's), their Today — rows, rows by reason, the ARR of
//! the accounts on it — their overdue tasks and moments, and their renewal
//! forecast for the months ahead; then the churn report by root cause for
//! the whole book. Read once (in the background for the cockpit), drawn by
//! pure code; `cockpit team rollup --json` prints the same struct.

use super::book::BookIndex;
use super::forecast::FORECAST_MONTHS;
use super::today::{OwnFacts, TodayFacts, reason_counts, today_rows_from};
use crate::domain::{Config, Money, Month};
use crate::metrics::churn_report::{ChurnReport, ReportFilter, churn_report};
use crate::metrics::forecast::ForecastFigures;
use crate::metrics::triage::ReasonKind;
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;

/// One CSM's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsmRollup {
    pub csm: String,
    /// Accounts the CSM owns, and their ARR.
    pub accounts: usize,
    pub arr: Money,
    /// Today's rows (one per account).
    pub today_rows: usize,
    /// Rows holding a reason of each kind, in Today's header order.
    pub by_reason: Vec<(ReasonKind, usize)>,
    /// The ARR of the accounts on Today.
    pub arr_at_stake: Money,
    /// Tasks due before today and still open.
    pub overdue_tasks: usize,
    /// Engagement moments past their date and not held.
    pub overdue_moments: usize,
    /// The renewal forecast of the months ahead (all of them together).
    pub forecast: ForecastFigures,
}

/// The whole roll-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollup {
    pub today: NaiveDate,
    /// The forecast's first month and how many months it covers.
    pub first_month: Month,
    pub months: u32,
    /// Every CSM who owns an account, by name.
    pub csms: Vec<CsmRollup>,
    /// The sums over every CSM (accounts with no CSM left out of Today's).
    pub total: CsmRollup,
    /// The churn report of every chain in the book.
    pub churn: ChurnReport,
}

impl Rollup {
    /// `Ok` when every amount added up exactly.
    pub fn exact(&self) -> Result<(), crate::domain::money::SumOverflow> {
        let lines = self.csms.iter().chain(std::iter::once(&self.total));
        let amounts = lines.flat_map(|c| {
            [c.arr, c.arr_at_stake, c.forecast.atr, c.forecast.expected, c.forecast.at_risk_atr]
        });
        crate::metrics::all_exact(amounts)?;
        self.churn.exact()
    }

    /// Whether a roll-up is worth showing: two CSMs or more.
    pub fn has_team(&self) -> bool {
        self.csms.len() >= 2
    }
}

/// Reads the roll-up of every CSM on `today`: everyone's Today read once and
/// counted, never worded or ranked ([`count`]), equal to
/// reading each CSM's own Today ([`rollup_by_each`]) at a fraction of its
/// cost.
pub fn rollup(store: &Store, today: NaiveDate, config: &Config) -> StoreResult<Rollup> {
    let book = BookIndex::new(store.book_rows(today)?, config, today, "");
    let names = store.csm_names()?;
    let lines = count::lines(store, &book, &names, today, config)?;
    assemble(store, &book, names, lines, today, config)
}

/// One CSM's Today as the roll-up counts it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TodayCounts {
    pub rows: usize,
    pub by_reason: Vec<(ReasonKind, usize)>,
    pub arr_at_stake: Money,
    pub overdue_tasks: usize,
    pub overdue_moments: usize,
}

/// The roll-up from each CSM's Today counts (in `names`' order): their
/// accounts in one pass over the book, the forecast by CSM in one read,
/// the churn report of the whole book.
fn assemble(
    store: &Store,
    book: &BookIndex,
    names: Vec<String>,
    lines: Vec<TodayCounts>,
    today: NaiveDate,
    config: &Config,
) -> StoreResult<Rollup> {
    let first_month = Month::of(today);
    let forecast = super::renewals::forecast(store, first_month, FORECAST_MONTHS, config)?;
    let mut owned: std::collections::HashMap<&str, (usize, Money)> = Default::default();
    for row in book.rows() {
        let (n, arr) = owned.entry(row.csm.as_str()).or_insert((0, Money::ZERO));
        *n += 1;
        *arr += row.arr;
    }
    let mut csms = Vec::with_capacity(names.len());
    for (csm, line) in names.iter().zip(lines) {
        let (accounts, arr) = owned.get(csm.as_str()).copied().unwrap_or((0, Money::ZERO));
        let forecast = forecast.by_csm.iter().find(|f| &f.csm == csm).map(|f| f.total);
        csms.push(CsmRollup {
            accounts,
            arr,
            today_rows: line.rows,
            by_reason: line.by_reason,
            arr_at_stake: line.arr_at_stake,
            overdue_tasks: line.overdue_tasks,
            overdue_moments: line.overdue_moments,
            forecast: forecast.unwrap_or_default(),
            csm: csm.clone(),
        });
    }
    let total = total_of(&csms);
    let chains = store.churn_chains_for_report(None, None)?;
    let churn = churn_report(&chains, &ReportFilter::default());
    Ok(Rollup { today, first_month, months: FORECAST_MONTHS, csms, total, churn })
}

/// The roll-up read the long way: each CSM's own Today, one after the
/// other, each ranked and worded in full. What [`rollup`] must equal; the
/// tests compare the two.
pub fn rollup_by_each(store: &Store, today: NaiveDate, config: &Config) -> StoreResult<Rollup> {
    let book = BookIndex::new(store.book_rows(today)?, config, today, "");
    let names = store.csm_names()?;
    let each = TodayFacts::read_each(store, &names, today, config)?;
    let lines = each
        .into_iter()
        .map(|own| {
            let OwnFacts { facts, overdue_tasks, overdue_moments } = own;
            let rows = today_rows_from(facts, &book, config);
            TodayCounts {
                rows: rows.len(),
                by_reason: reason_counts(&rows),
                arr_at_stake: rows.iter().map(|r| r.triage.arr).sum(),
                overdue_tasks,
                overdue_moments,
            }
        })
        .collect();
    assemble(store, &book, names, lines, today, config)
}

/// The team's line: every CSM's added up.
fn total_of(csms: &[CsmRollup]) -> CsmRollup {
    let mut by_reason: Vec<(ReasonKind, usize)> = Vec::new();
    for kind in ReasonKind::ALL {
        let n: usize = csms
            .iter()
            .flat_map(|c| c.by_reason.iter())
            .filter(|(k, _)| *k == kind)
            .map(|(_, n)| n)
            .sum();
        if n > 0 {
            by_reason.push((kind, n));
        }
    }
    let mut forecast = ForecastFigures::default();
    for csm in csms {
        forecast += csm.forecast;
    }
    CsmRollup {
        csm: "team".to_string(),
        accounts: csms.iter().map(|c| c.accounts).sum(),
        arr: csms.iter().map(|c| c.arr).sum(),
        today_rows: csms.iter().map(|c| c.today_rows).sum(),
        by_reason,
        arr_at_stake: csms.iter().map(|c| c.arr_at_stake).sum(),
        overdue_tasks: csms.iter().map(|c| c.overdue_tasks).sum(),
        overdue_moments: csms.iter().map(|c| c.overdue_moments).sum(),
        forecast,
    }
}

mod count;
mod kept;

pub use kept::{KeptRollup, RollupRead};

#[cfg(test)]
mod tests;
