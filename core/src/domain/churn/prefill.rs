//! Proposes the churn event for an account from its ARR history: churned
//! when ARR went to zero, contracted when it fell. The CSM confirms or edits
//! the proposal in the editor; nothing here is saved.

use super::chain::ChurnEvent;
use crate::domain::{Money, Month};
use chrono::NaiveDate;

/// A proposed event, date and ARR lost, with the months it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventProposal {
    pub event: ChurnEvent,
    /// The first day of the month whose snapshot first shows the drop.
    pub date: NaiveDate,
    pub arr_lost: Money,
    pub arr_before: Money,
    pub arr_after: Money,
}

/// Reads the most recent drop in an account's total ARR. `history` holds the
/// account's total ARR per month (months absent mean zero); `latest` is the
/// last month the book has snapshots for, so that an account whose history
/// simply stops before it reads as churned. `None` when ARR never fell.
pub fn propose_event(history: &[(Month, Money)], latest: Month) -> Option<EventProposal> {
    let mut months: Vec<(Month, Money)> = history.to_vec();
    months.sort_by_key(|(month, _)| *month);
    let arr_at = |month: Month| {
        months.iter().find(|(m, _)| *m == month).map(|(_, arr)| *arr).unwrap_or(Money::ZERO)
    };
    let first = months.first()?.0;
    let mut month = latest;
    while month > first {
        let before = arr_at(month.minus(1));
        let after = arr_at(month);
        if after < before {
            let event = if after.is_zero() { ChurnEvent::Churned } else { ChurnEvent::Contracted };
            return Some(EventProposal {
                event,
                date: month.first_day(),
                arr_lost: before - after,
                arr_before: before,
                arr_after: after,
            });
        }
        month = month.minus(1);
    }
    None
}

/// What the chain editor opens with for a new chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefill {
    /// The snapshots show the drop; dated on the contract end that explains
    /// it when there is one (the day the customer left, not the first of
    /// the month whose snapshot shows it).
    Drop(EventProposal),
    /// ARR is still on the books: the customer said no ahead of the end.
    /// The next renewal's end date and the ARR up for renewal then.
    SaidNo { date: NaiveDate, arr: Money },
}

impl Prefill {
    pub fn event(&self) -> ChurnEvent {
        match self {
            Prefill::Drop(p) => p.event,
            Prefill::SaidNo { .. } => ChurnEvent::Churned,
        }
    }

    pub fn date(&self) -> NaiveDate {
        match self {
            Prefill::Drop(p) => p.date,
            Prefill::SaidNo { date, .. } => *date,
        }
    }

    pub fn arr_lost(&self) -> Money {
        match self {
            Prefill::Drop(p) => p.arr_lost,
            Prefill::SaidNo { arr, .. } => *arr,
        }
    }
}

/// A contraction this recent is what the CSM is recording, even with a
/// renewal ahead.
pub const RECENT_DROP_DAYS: i64 = 90;

/// Chooses the prefill from the snapshot proposal and the account's
/// contract ends (`(last day, ARR ending that day)`, any order) on `today`.
/// A churn in the snapshots wins; then a recent contraction; then the next
/// renewal still ahead (the customer said no before the end); then any
/// older contraction; `None` when there is nothing to go on.
pub fn choose_prefill(
    proposal: Option<EventProposal>,
    contract_ends: &[(NaiveDate, Money)],
    today: NaiveDate,
) -> Option<Prefill> {
    let dated = |mut p: EventProposal| {
        let month = Month::of(p.date);
        let (from, to) = (month.minus(1).first_day(), month.last_day());
        if let Some((end, _)) =
            contract_ends.iter().filter(|(end, _)| (from..=to).contains(end)).max_by_key(|e| e.0)
        {
            p.date = *end;
        }
        Prefill::Drop(p)
    };
    let ahead = contract_ends
        .iter()
        .filter(|(end, arr)| *end >= today && !arr.is_zero())
        .min_by_key(|e| e.0)
        .map(|(date, arr)| Prefill::SaidNo { date: *date, arr: *arr });
    match proposal {
        Some(p) if p.event == ChurnEvent::Churned => Some(dated(p)),
        Some(p) if (today - p.date).num_days() <= RECENT_DROP_DAYS => Some(dated(p)),
        Some(p) => ahead.or(Some(dated(p))),
        None => ahead,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Month {
        Month::parse(text).expect("month")
    }

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn arr_going_to_zero_is_a_churn_in_the_month_it_reads_zero() {
        let history = [
            (m("2025-10"), Money::from_units(12_000)),
            (m("2025-11"), Money::from_units(12_000)),
            (m("2025-12"), Money::ZERO),
        ];
        let proposal = propose_event(&history, m("2026-02")).expect("proposal");
        assert_eq!(proposal.event, ChurnEvent::Churned);
        assert_eq!(proposal.date, d("2025-12-01"));
        assert_eq!(proposal.arr_lost, Money::from_units(12_000));
    }

    #[test]
    fn a_history_that_stops_before_the_book_does_reads_as_churned() {
        let history = [(m("2025-10"), Money::from_units(5_000))];
        let proposal = propose_event(&history, m("2026-01")).expect("proposal");
        assert_eq!(proposal.event, ChurnEvent::Churned);
        assert_eq!(proposal.date, d("2025-11-01"));
        assert_eq!(proposal.arr_lost, Money::from_units(5_000));
    }

    #[test]
    fn a_fall_is_a_contraction_of_the_difference_and_the_latest_drop_wins() {
        let history = [
            (m("2025-01"), Money::from_units(10_000)),
            (m("2025-02"), Money::from_units(8_000)),
            (m("2025-03"), Money::from_units(9_000)),
            (m("2025-04"), Money::from_units(6_500)),
            (m("2025-05"), Money::from_units(6_500)),
        ];
        let proposal = propose_event(&history, m("2025-05")).expect("proposal");
        assert_eq!(proposal.event, ChurnEvent::Contracted);
        assert_eq!(proposal.date, d("2025-04-01"));
        assert_eq!(proposal.arr_lost, Money::from_units(2_500));
        assert_eq!(
            (proposal.arr_before, proposal.arr_after),
            (Money::from_units(9_000), Money::from_units(6_500))
        );
    }

    #[test]
    fn a_churn_is_dated_on_the_contract_end_that_explains_it() {
        let history = [(m("2026-10"), Money::from_units(4_428)), (m("2026-11"), Money::ZERO)];
        let proposal = propose_event(&history, m("2026-11"));
        let ends = [
            (d("2025-10-31"), Money::from_units(4_000)),
            (d("2026-10-31"), Money::from_units(4_428)),
        ];
        let prefill = choose_prefill(proposal, &ends, d("2026-12-07")).expect("prefill");
        assert_eq!(prefill.date(), d("2026-10-31"));
        assert_eq!(prefill.arr_lost(), Money::from_units(4_428));
        // No contract near the drop: the month the snapshots show it.
        let prefill = choose_prefill(proposal, &ends[..1], d("2026-12-07")).expect("prefill");
        assert_eq!(prefill.date(), d("2026-11-01"));
    }

    #[test]
    fn a_customer_who_said_no_is_prefilled_with_the_arr_up_for_renewal() {
        let history = [(m("2026-10"), Money::from_units(9_000))];
        let proposal = propose_event(&history, m("2026-11"));
        assert!(proposal.is_some(), "the history stops: read as churned");
        let ends = [(d("2027-01-31"), Money::from_units(9_000))];
        // ARR still on the books (no drop in the snapshots): the renewal ahead.
        let still =
            [(m("2026-10"), Money::from_units(9_000)), (m("2026-11"), Money::from_units(9_000))];
        let none = propose_event(&still, m("2026-11"));
        assert_eq!(none, None);
        assert_eq!(
            choose_prefill(none, &ends, d("2026-12-07")),
            Some(Prefill::SaidNo { date: d("2027-01-31"), arr: Money::from_units(9_000) })
        );
        assert_eq!(choose_prefill(None, &[], d("2026-12-07")), None);
        // An old contraction gives way to the renewal ahead; a recent one does not.
        let old =
            [(m("2025-01"), Money::from_units(12_000)), (m("2025-02"), Money::from_units(9_000))];
        let contraction = propose_event(&old, m("2025-02"));
        assert_eq!(
            choose_prefill(contraction, &ends, d("2026-12-07")).map(|p| p.event()),
            Some(ChurnEvent::Churned)
        );
        assert_eq!(
            choose_prefill(contraction, &ends, d("2025-03-01")).map(|p| p.event()),
            Some(ChurnEvent::Contracted)
        );
    }

    #[test]
    fn growth_or_no_history_proposes_nothing() {
        let history = [(m("2025-01"), Money::from_units(1)), (m("2025-02"), Money::from_units(2))];
        assert_eq!(propose_event(&history, m("2025-02")), None);
        assert_eq!(propose_event(&[], m("2025-02")), None);
    }
}
