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
    fn growth_or_no_history_proposes_nothing() {
        let history = [(m("2025-01"), Money::from_units(1)), (m("2025-02"), Money::from_units(2))];
        assert_eq!(propose_event(&history, m("2025-02")), None);
        assert_eq!(propose_event(&[], m("2025-02")), None);
    }
}
