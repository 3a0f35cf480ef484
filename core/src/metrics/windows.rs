//! Renewal windows and the calendar's events, computed from plain rows.
//!
//! Two different things happen on a multi-year contract's dates, and they are
//! never confused:
//! - a **renewal** is the contract's end date: the ARR is available to renew
//!   (ATR) and the renewal process runs through windows opening 180/120/90/60/30
//!   days before it (from `Config::renewal_windows_days`);
//! - a **payment** is an out-year anniversary of an *annual*-billed multi-year
//!   contract: the customer owes next year's invoice, but nothing is renewed.
//!   A *prepaid* contract paid its whole term up front, so it has no out-year
//!   invoice and no payment event; its anniversaries are silent.
//!
//! This module is pure: the store hands it the rows of the visible range
//! (their shapes are `domain::calendar_rows`) and
//! it builds the per-day events a month grid and an agenda draw. It must not
//! query or draw.

use crate::domain::contact::Stakeholders;
use crate::domain::moment::Moment;
use crate::domain::{Billing, Health, Money};

pub use crate::domain::calendar_rows::{
    AccountBrief, CalendarFilter, CalendarSource, ContractRow, MomentRow,
};
use chrono::NaiveDate;

/// The day a renewal window opens: `days` before the contract's end date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowOpening {
    pub days: i64,
    pub opens_on: NaiveDate,
}

/// Where a renewal stands today relative to its windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowStatus {
    /// Further away than the largest window; `next` is when that one opens.
    NotYet { days_to_end: i64, next: Option<WindowOpening> },
    /// Inside the `days`-day window: the tightest window already entered
    /// (100 days out is in the 120-day window). On the end date itself the
    /// renewal is still in the smallest window.
    In { days: i64, days_to_end: i64 },
    /// The end date has passed.
    Ended { days_since: i64 },
}

impl WindowStatus {
    pub fn in_window(self) -> bool {
        matches!(self, WindowStatus::In { .. })
    }

    /// `90-day window, 75 d left`, `180-day window opens 2025-03-04`, `ended 3 d ago`.
    pub fn describe(self) -> String {
        match self {
            WindowStatus::In { days, days_to_end } => {
                format!("{days}-day window, {days_to_end} d left")
            }
            WindowStatus::NotYet { next: Some(next), .. } => {
                format!("{}-day window opens {}", next.days, next.opens_on)
            }
            WindowStatus::NotYet { days_to_end, next: None } => format!("{days_to_end} d left"),
            WindowStatus::Ended { days_since } => format!("ended {days_since} d ago"),
        }
    }
}

/// The configured windows cleaned up: positive, distinct, largest first.
pub fn normalized_windows(windows_days: &[i64]) -> Vec<i64> {
    let mut windows: Vec<i64> = windows_days.iter().copied().filter(|d| *d > 0).collect();
    windows.sort_unstable_by(|a, b| b.cmp(a));
    windows.dedup();
    windows
}

/// The opening day of every window of a renewal ending on `end`, earliest first.
pub fn window_openings(end: NaiveDate, windows_days: &[i64]) -> Vec<WindowOpening> {
    normalized_windows(windows_days)
        .into_iter()
        .map(|days| WindowOpening { days, opens_on: end - chrono::Duration::days(days) })
        .collect()
}

/// Which window a renewal ending on `end` is in on `today`.
pub fn window_status(end: NaiveDate, today: NaiveDate, windows_days: &[i64]) -> WindowStatus {
    let days_to_end = (end - today).num_days();
    if days_to_end < 0 {
        return WindowStatus::Ended { days_since: -days_to_end };
    }
    let windows = normalized_windows(windows_days);
    match windows.iter().rev().find(|days| days_to_end <= **days) {
        Some(days) => WindowStatus::In { days: *days, days_to_end },
        None => WindowStatus::NotYet {
            days_to_end,
            next: windows.first().map(|days| WindowOpening {
                days: *days,
                opens_on: end - chrono::Duration::days(*days),
            }),
        },
    }
}

/// What an event is. A payment is never a renewal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// The contract ends: its ARR is up for renewal.
    Renewal { window: WindowStatus },
    /// An out-year invoice of an annual multi-year contract, for year
    /// `year_of_term` (2 for the first anniversary) of `term_years`.
    Payment { year_of_term: u32, term_years: u32 },
    /// An engagement moment.
    Moment { moment: Moment, overdue: bool },
}

impl EventKind {
    /// The word used in lists and exports: `renewal`, `payment`, `moment`.
    pub fn word(&self) -> &'static str {
        match self {
            EventKind::Renewal { .. } => "renewal",
            EventKind::Payment { .. } => "payment",
            EventKind::Moment { .. } => "moment",
        }
    }

    fn order(&self) -> u8 {
        match self {
            EventKind::Renewal { .. } => 0,
            EventKind::Payment { .. } => 1,
            EventKind::Moment { .. } => 2,
        }
    }
}

/// One thing on one day of the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    pub date: NaiveDate,
    pub kind: EventKind,
    pub account: AccountBrief,
    /// The contract behind a renewal or payment.
    pub contract_id: Option<String>,
    pub product: String,
    /// Renewal: the contract's ARR (its ATR). Payment: the annual invoice,
    /// one year of the contract's ARR. Moment: zero.
    pub arr: Money,
    pub billing: Option<Billing>,
    /// A renewal: whether a champion and an executive sponsor are known
    /// (and not left) on its day, filled in by `read::renewals`; `None` for
    /// payments and moments.
    pub stakeholders: Option<Stakeholders>,
}

/// Counts and sums for one day, what a grid cell shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DaySummary {
    pub renewals: u32,
    pub renewal_arr: Money,
    pub payments: u32,
    pub payment_arr: Money,
    pub moments: u32,
    pub overdue_moments: u32,
    /// The worst health among the day's renewals and payments.
    pub worst_health: Option<Health>,
}

/// The events of every day from `from` to `to`, both included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub today: NaiveDate,
    days: Vec<Vec<CalendarEvent>>,
}

impl Calendar {
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// The day's events, renewals first, then payments, then moments, larger
    /// ARR first; empty outside the loaded range.
    /// Every event, to fill in what another read adds (a renewal's
    /// stakeholders).
    pub fn events_mut(&mut self) -> impl Iterator<Item = &mut CalendarEvent> {
        self.days.iter_mut().flatten()
    }

    pub fn events_on(&self, date: NaiveDate) -> &[CalendarEvent] {
        usize::try_from((date - self.from).num_days())
            .ok()
            .and_then(|index| self.days.get(index))
            .map_or(&[], Vec::as_slice)
    }

    pub fn summary_on(&self, date: NaiveDate) -> DaySummary {
        let mut summary = DaySummary::default();
        for event in self.events_on(date) {
            match &event.kind {
                EventKind::Renewal { .. } => {
                    summary.renewals += 1;
                    summary.renewal_arr += event.arr;
                }
                EventKind::Payment { .. } => {
                    summary.payments += 1;
                    summary.payment_arr += event.arr;
                }
                EventKind::Moment { overdue, .. } => {
                    summary.moments += 1;
                    summary.overdue_moments += u32::from(*overdue);
                }
            }
            if !matches!(event.kind, EventKind::Moment { .. })
                && let Some(health) = event.account.health
            {
                summary.worst_health = Some(summary.worst_health.map_or(health, |h| h.min(health)));
            }
        }
        summary
    }

    /// Every event in date order: the agenda list.
    pub fn agenda(&self) -> impl Iterator<Item = &CalendarEvent> {
        self.days.iter().flatten()
    }

    /// The events from `from` to `to` (clamped to the loaded range), in order.
    pub fn agenda_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = &CalendarEvent> {
        self.agenda().filter(move |event| from <= event.date && event.date <= to)
    }

    pub fn event_count(&self) -> usize {
        self.days.iter().map(Vec::len).sum()
    }
}

/// Builds the calendar of `from..=to` from the loaded rows: each contract's
/// renewal (unless it was terminated before its end) and its out-year
/// payments (annual billing only, none on or after a termination), each
/// moment, filtered.
pub fn build_calendar(
    source: &CalendarSource,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    windows_days: &[i64],
    filter: &CalendarFilter,
) -> Calendar {
    let length = usize::try_from((to - from).num_days() + 1).unwrap_or(0);
    let mut days: Vec<Vec<CalendarEvent>> = vec![Vec::new(); length];
    let mut push = |event: CalendarEvent| {
        if let Some(day) = usize::try_from((event.date - from).num_days())
            .ok()
            .and_then(|index| days.get_mut(index))
        {
            day.push(event);
        }
    };
    let in_range = |date: NaiveDate| from <= date && date <= to;

    for row in &source.contracts {
        if !filter.keeps_account(&row.account) {
            continue;
        }
        let contract = &row.contract;
        let event = |date: NaiveDate, kind: EventKind| CalendarEvent {
            date,
            kind,
            account: row.account.clone(),
            contract_id: Some(contract.id.clone()),
            product: contract.product.clone(),
            arr: contract.arr,
            billing: Some(contract.billing),
            stakeholders: None,
        };
        let ended_early = contract.terminated_on.is_some_and(|t| t <= contract.end_date);
        if in_range(contract.end_date) && !ended_early {
            let window = window_status(contract.end_date, today, windows_days);
            if !filter.in_window_only || window.in_window() {
                push(event(contract.end_date, EventKind::Renewal { window }));
            }
        }
        if filter.in_window_only || contract.billing != Billing::Annual {
            continue;
        }
        // An anniversary that falls on the end date itself (a leap-day start
        // clamped to Feb 28, or an end on the anniversary) is the renewal,
        // not one more year of the term: it is never a payment.
        let payments: Vec<NaiveDate> = contract
            .out_year_payment_dates()
            .into_iter()
            .filter(|due| *due < contract.end_date)
            .collect();
        // The term in years it has started: a 13-month contract has two (its
        // first anniversary is a payment), so a payment is never "year 2 of 1".
        let term_years = u32::try_from(payments.len() + 1).unwrap_or(u32::MAX);
        for (index, due) in payments.into_iter().enumerate() {
            if in_range(due) && contract.payment_collected(due) {
                let year_of_term = u32::try_from(index + 2).unwrap_or(u32::MAX);
                push(event(due, EventKind::Payment { year_of_term, term_years }));
            }
        }
    }
    if !filter.in_window_only {
        for row in &source.moments {
            if !filter.keeps_account(&row.account) || !in_range(row.moment.due_on) {
                continue;
            }
            push(CalendarEvent {
                date: row.moment.due_on,
                kind: EventKind::Moment {
                    moment: row.moment.clone(),
                    overdue: row.moment.is_overdue(today),
                },
                account: row.account.clone(),
                contract_id: None,
                product: String::new(),
                arr: Money::ZERO,
                billing: None,
                stakeholders: None,
            });
        }
    }
    for day in &mut days {
        day.sort_by(|a, b| {
            a.kind
                .order()
                .cmp(&b.kind.order())
                .then(b.arr.cmp(&a.arr))
                .then_with(|| a.account.name.cmp(&b.account.name))
                .then_with(|| a.contract_id.cmp(&b.contract_id))
        });
    }
    Calendar { from, to, today, days }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Contract;
    use crate::domain::moment::{MomentKind, MomentSource};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    const WINDOWS: [i64; 5] = [180, 120, 90, 60, 30];

    fn account(id: &str, csm: &str, health: Option<Health>) -> AccountBrief {
        AccountBrief {
            id: id.into(),
            name: format!("{id} Inc"),
            csm: csm.into(),
            health,
            arr: Money::from_units(1000),
        }
    }

    fn contract(id: &str, start: NaiveDate, end: NaiveDate, billing: Billing) -> Contract {
        Contract {
            id: id.into(),
            account_id: "A".into(),
            product: "Core".into(),
            start_date: start,
            end_date: end,
            arr: Money::from_units(1200),
            units: None,
            billing,
            terminated_on: None,
        }
    }

    fn row(contract: Contract, health: Option<Health>) -> ContractRow {
        ContractRow { account: account(&contract.account_id, "ann", health), contract }
    }

    #[test]
    fn window_status_is_the_tightest_window_entered() {
        let end = d(2025, 6, 30);
        let status = |today| window_status(end, today, &WINDOWS);
        assert_eq!(
            status(d(2024, 12, 31)),
            WindowStatus::NotYet {
                days_to_end: 181,
                next: Some(WindowOpening { days: 180, opens_on: d(2025, 1, 1) })
            }
        );
        assert_eq!(status(d(2025, 1, 1)), WindowStatus::In { days: 180, days_to_end: 180 });
        // 100 days out: past the 120-day opening, not yet the 90-day one.
        assert_eq!(status(d(2025, 3, 22)), WindowStatus::In { days: 120, days_to_end: 100 });
        assert_eq!(status(d(2025, 4, 1)), WindowStatus::In { days: 90, days_to_end: 90 });
        assert_eq!(status(d(2025, 6, 30)), WindowStatus::In { days: 30, days_to_end: 0 });
        assert_eq!(status(d(2025, 7, 3)), WindowStatus::Ended { days_since: 3 });
        assert_eq!(status(d(2025, 6, 1)).describe(), "30-day window, 29 d left");
    }

    #[test]
    fn window_openings_cross_month_ends_and_leap_days() {
        // 2024 is a leap year: 30 days before 2024-03-30 is 2024-02-29.
        let openings = window_openings(d(2024, 3, 30), &[30, 60, 180, 90, 120, 30, 0]);
        let dates: Vec<(i64, NaiveDate)> = openings.iter().map(|o| (o.days, o.opens_on)).collect();
        assert_eq!(
            dates,
            vec![
                (180, d(2023, 10, 2)),
                (120, d(2023, 12, 1)),
                (90, d(2023, 12, 31)),
                (60, d(2024, 1, 30)),
                (30, d(2024, 2, 29)),
            ]
        );
        assert_eq!(window_openings(d(2025, 3, 30), &[30])[0].opens_on, d(2025, 2, 28));
    }

    fn kinds(calendar: &Calendar) -> Vec<(NaiveDate, &'static str, Option<String>)> {
        calendar.agenda().map(|e| (e.date, e.kind.word(), e.contract_id.clone())).collect()
    }

    /// A 13-month annual contract (a year and a stub month) pays again on
    /// its first anniversary: year 2 of the two years it has started.
    #[test]
    fn a_stub_month_counts_as_a_started_year_of_the_term() {
        let contracts =
            vec![row(contract("S13", d(2026, 1, 1), d(2027, 1, 31), Billing::Annual), None)];
        let source = CalendarSource { contracts, moments: Vec::new() };
        let calendar = build_calendar(
            &source,
            d(2026, 1, 1),
            d(2027, 12, 31),
            d(2026, 1, 1),
            &WINDOWS,
            &CalendarFilter::default(),
        );
        let payment = &calendar.events_on(d(2027, 1, 1))[0];
        assert_eq!(payment.kind, EventKind::Payment { year_of_term: 2, term_years: 2 });
    }

    #[test]
    fn annual_multi_year_contracts_have_payments_prepaid_ones_do_not() {
        let contracts = vec![
            // 12 months annual: a renewal, no payment.
            row(contract("A12", d(2024, 1, 1), d(2024, 12, 31), Billing::Annual), None),
            // 24 months annual: one payment on 2025-01-01, renewal at the end.
            row(contract("A24", d(2024, 1, 1), d(2025, 12, 31), Billing::Annual), None),
            // 36 months annual: payments 2025-01-01 and 2026-01-01.
            row(contract("A36", d(2024, 1, 1), d(2026, 12, 31), Billing::Annual), None),
            // Prepaid 36 months: the whole term was paid up front, only the renewal.
            row(contract("P36", d(2024, 1, 1), d(2026, 12, 31), Billing::Prepaid), None),
            row(contract("P12", d(2024, 1, 1), d(2024, 12, 31), Billing::Prepaid), None),
        ];
        let source = CalendarSource { contracts, moments: Vec::new() };
        let calendar = build_calendar(
            &source,
            d(2024, 1, 1),
            d(2026, 12, 31),
            d(2024, 1, 1),
            &WINDOWS,
            &CalendarFilter::default(),
        );
        let id = |s: &str| Some(s.to_string());
        assert_eq!(
            kinds(&calendar),
            vec![
                (d(2024, 12, 31), "renewal", id("A12")),
                (d(2024, 12, 31), "renewal", id("P12")),
                (d(2025, 1, 1), "payment", id("A24")),
                (d(2025, 1, 1), "payment", id("A36")),
                (d(2025, 12, 31), "renewal", id("A24")),
                (d(2026, 1, 1), "payment", id("A36")),
                (d(2026, 12, 31), "renewal", id("A36")),
                (d(2026, 12, 31), "renewal", id("P36")),
            ]
        );
        let payment = &calendar.events_on(d(2026, 1, 1))[0];
        assert_eq!(payment.kind, EventKind::Payment { year_of_term: 3, term_years: 3 });
        assert_eq!(payment.arr, Money::from_units(1200));
        let summary = calendar.summary_on(d(2025, 1, 1));
        assert_eq!((summary.payments, summary.payment_arr), (2, Money::from_units(2400)));
        assert_eq!(summary.renewals, 0);
    }

    #[test]
    fn termination_removes_the_renewal_and_later_payments() {
        let mut terminated = contract("T", d(2024, 3, 1), d(2027, 2, 28), Billing::Annual);
        terminated.terminated_on = Some(d(2025, 6, 1));
        let source = CalendarSource { contracts: vec![row(terminated, None)], moments: vec![] };
        let calendar = build_calendar(
            &source,
            d(2024, 1, 1),
            d(2027, 12, 31),
            d(2024, 1, 1),
            &WINDOWS,
            &CalendarFilter::default(),
        );
        assert_eq!(kinds(&calendar), vec![(d(2025, 3, 1), "payment", Some("T".into()))]);
    }

    #[test]
    fn leap_day_contracts_pay_on_february_28_and_renew_at_month_end() {
        let leap = contract("L", d(2024, 2, 29), d(2026, 2, 28), Billing::Annual);
        let source = CalendarSource { contracts: vec![row(leap, None)], moments: vec![] };
        let calendar = build_calendar(
            &source,
            d(2025, 2, 1),
            d(2026, 3, 31),
            d(2025, 1, 1),
            &WINDOWS,
            &CalendarFilter::default(),
        );
        assert_eq!(
            kinds(&calendar),
            vec![
                (d(2025, 2, 28), "payment", Some("L".into())),
                (d(2026, 2, 28), "renewal", Some("L".into())),
            ]
        );
        assert!(calendar.events_on(d(2026, 4, 1)).is_empty());
        assert!(calendar.events_on(d(2020, 1, 1)).is_empty());
    }

    #[test]
    fn filters_keep_mine_at_risk_and_in_window() {
        let today = d(2025, 1, 1);
        let mut near = row(contract("NEAR", d(2024, 3, 1), d(2025, 2, 28), Billing::Annual), None);
        near.account = account("A1", "ann", Some(Health::Red));
        let mut far = row(contract("FAR", d(2024, 11, 1), d(2025, 10, 31), Billing::Annual), None);
        far.account = account("A2", "bob", Some(Health::Green));
        let mut multi = row(contract("PAY", d(2024, 2, 1), d(2027, 1, 31), Billing::Annual), None);
        multi.account = account("A3", "ann", Some(Health::Orange));
        let moment = Moment {
            id: 7,
            account_id: "A2".into(),
            kind: MomentKind::Qbr,
            title: String::new(),
            due_on: d(2024, 12, 20),
            done_at: None,
            source: MomentSource::Schedule,
        };
        let source = CalendarSource {
            contracts: vec![near, far, multi],
            moments: vec![MomentRow { moment, account: account("A2", "bob", Some(Health::Green)) }],
        };
        let build = |filter: CalendarFilter| {
            build_calendar(&source, d(2024, 12, 1), d(2025, 12, 31), today, &WINDOWS, &filter)
        };
        let ids = |calendar: &Calendar| -> Vec<String> {
            calendar
                .agenda()
                .map(|e| e.contract_id.clone().unwrap_or_else(|| e.kind.word().to_string()))
                .collect()
        };
        assert_eq!(ids(&build(CalendarFilter::default())), vec!["moment", "PAY", "NEAR", "FAR"]);
        let mine = CalendarFilter { csm: Some("ann".into()), ..CalendarFilter::default() };
        assert_eq!(ids(&build(mine)), vec!["PAY", "NEAR"]);
        let risky = CalendarFilter { at_risk_only: true, ..CalendarFilter::default() };
        assert_eq!(ids(&build(risky)), vec!["PAY", "NEAR"]);
        let in_window = CalendarFilter { in_window_only: true, ..CalendarFilter::default() };
        assert_eq!(ids(&build(in_window)), vec!["NEAR"]);
        let calendar = build(CalendarFilter::default());
        let overdue = calendar.summary_on(d(2024, 12, 20));
        assert_eq!((overdue.moments, overdue.overdue_moments), (1, 1));
        assert_eq!(calendar.summary_on(d(2025, 2, 28)).worst_health, Some(Health::Red));
        assert_eq!(calendar.event_count(), 4);
        assert_eq!(calendar.agenda_between(d(2025, 1, 1), d(2025, 3, 1)).count(), 2);
    }
}
