//! An account's I/R/U picture: its contracts and won opportunities, read
//! from the store, split into initial, renewal and upsell bookings by
//! `metrics::iru`.

use crate::metrics::iru::{self, Booking, IruYear};
use crate::store::{Store, StoreResult};

/// The account's bookings split into I/R/U (contracts and won opportunities).
pub fn bookings(store: &Store, account_id: &str) -> StoreResult<Vec<Booking>> {
    let contracts = store.account_contracts(account_id)?;
    let opportunities = store.opportunities(account_id)?;
    Ok(iru::bookings(&contracts, &opportunities))
}

/// The account's I/R/U stack by year.
pub fn by_year(store: &Store, account_id: &str) -> StoreResult<Vec<IruYear>> {
    Ok(iru::by_year(&bookings(store, account_id)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use crate::domain::opportunity::{
        LostReason, OpportunityFields, OpportunityKind, OpportunityStage,
    };
    use crate::store::stages::fixture::*;

    #[test]
    fn a_won_opportunity_shows_as_upsell_in_the_iru_picture() {
        let store = book();
        let fields = OpportunityFields {
            product: "Security".into(),
            kind: OpportunityKind::CrossSell,
            arr: Money::from_units(3_000),
            stage: OpportunityStage::Identified,
            owner: "hugo".into(),
            // The forecast: won earlier than hoped, it closes on the day won.
            close_date: Some(day(2025, 9, 30)),
            next_step: "demo to the CFO".into(),
        };
        let id = store.add_opportunity("ACME", &fields, noon(day(2025, 1, 10))).expect("add");
        assert_eq!(store.opportunity_rows(true).expect("rows")[0].am, "hugo");
        store.set_opportunity_stage(id, OpportunityStage::Won, noon(day(2025, 3, 1))).expect("won");
        assert_eq!(store.opportunity(id).expect("o").fields.close_date, Some(day(2025, 3, 1)));
        assert!(store.opportunity_rows(true).expect("rows").is_empty());
        let years = by_year(&store, "ACME").expect("iru");
        assert_eq!(
            years.iter().map(|y| (y.year, y.initial, y.upsell)).collect::<Vec<_>>(),
            vec![
                (2024, Money::from_units(12_000), Money::ZERO),
                (2025, Money::ZERO, Money::from_units(3_000)),
            ]
        );
        // The day won stays editable.
        let mut edited = store.opportunity(id).expect("o").fields;
        edited.close_date = Some(day(2025, 2, 27));
        store.update_opportunity(id, &edited, noon(day(2025, 3, 2))).expect("edit");
        assert_eq!(store.opportunity(id).expect("o").fields.close_date, Some(day(2025, 2, 27)));
        assert_eq!(store.opportunity(id).expect("o").fields.next_step, "demo to the CFO");
        assert!(
            store.set_opportunity_stage(999, OpportunityStage::Won, noon(day(2025, 3, 1))).is_err()
        );
        // Lost only with a reason, which reopening forgets.
        assert!(
            store.set_opportunity_stage(id, OpportunityStage::Lost, noon(day(2025, 3, 1))).is_err()
        );
        let other = store.add_opportunity("ACME", &fields, noon(day(2025, 1, 10))).expect("add");
        let blank = LostReason { reason: " ".into(), controllable: true };
        assert!(store.lose_opportunity(other, &blank, noon(day(2025, 3, 1))).is_err());
        let budget = LostReason { reason: "budget frozen".into(), controllable: false };
        store.lose_opportunity(other, &budget, noon(day(2025, 3, 1))).expect("lost");
        let lost = store.opportunity(other).expect("o");
        assert_eq!((lost.fields.stage, lost.lost), (OpportunityStage::Lost, Some(budget)));
        store
            .set_opportunity_stage(other, OpportunityStage::Commit, noon(day(2025, 3, 2)))
            .expect("reopen");
        assert_eq!(store.opportunity(other).expect("o").lost, None);
        assert!(store.add_opportunity("NOPE", &fields, noon(day(2025, 3, 1))).is_err());
    }
}
