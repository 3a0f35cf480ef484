//! The renewals as the panes and the command line show them: the calendar
//! of a visible range (each renewal with whether a champion and an
//! executive sponsor are known on its day), the forecast of the months
//! ahead, the renewal book behind the renewal rates, and the ended renewals
//! for calibration. The store hands the rows; `metrics::{windows, forecast,
//! renewal_book, calibration}` do the arithmetic.
//!
//! **Stakeholders at a renewal**: a champion (an executive sponsor) is known
//! at a renewal when one is listed for the account and had not left on the
//! renewal's day. A departure is never in the future, so for renewals ahead
//! this is who is there today.

use crate::domain::calendar_rows::CalendarFilter;
use crate::domain::contact::Stakeholders;
use crate::domain::{Config, Contract, Month};
use crate::metrics::calendar::grid_range;
use crate::metrics::calibration::PastRenewal;
use crate::metrics::forecast::{Forecast, ForecastItem};
use crate::metrics::renewal_book::RenewalBook;
use crate::metrics::windows::{Calendar, EventKind, build_calendar};
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;

/// Every contract's renewal and out-year payments, resolved once (for the
/// renewal rates of any period), the contracts read one at a time rather
/// than all held at once.
pub fn renewal_book(store: &Store) -> StoreResult<RenewalBook> {
    let mut book = RenewalBook::with_capacity(store.contract_count()?);
    store.for_each_contract(|contract| book.push(contract))?;
    Ok(book.finish())
}

/// The calendar of `from..=to`: loads the range's rows and builds the
/// per-day events. This is what opening the calendar, or moving it to
/// another month, costs; a benchmark times it.
pub fn calendar(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    config: &Config,
    filter: &CalendarFilter,
) -> StoreResult<Calendar> {
    let source = store.calendar_source(from, to, filter)?;
    let mut calendar =
        build_calendar(&source, from, to, today, &config.renewal_windows_days, filter);
    add_stakeholders(store, &mut calendar)?;
    Ok(calendar)
}

/// Fills in each renewal's stakeholders, reading the people of the
/// accounts that renew in the range only.
fn add_stakeholders(store: &Store, calendar: &mut Calendar) -> StoreResult<()> {
    let renewing: Vec<String> = calendar
        .agenda()
        .filter(|e| matches!(e.kind, EventKind::Renewal { .. }))
        .map(|e| e.account.id.clone())
        .collect();
    let people = store.key_people(renewing.iter().map(String::as_str))?;
    for event in calendar.events_mut() {
        if matches!(event.kind, EventKind::Renewal { .. }) {
            let known = people.get(&event.account.id).map_or(&[][..], Vec::as_slice);
            event.stakeholders = Some(Stakeholders::on(known, event.date));
        }
    }
    Ok(())
}

/// The calendar of the whole grid of `month` (Monday before the 1st to the
/// Sunday after the last day).
pub fn calendar_month(
    store: &Store,
    month: Month,
    today: NaiveDate,
    config: &Config,
    filter: &CalendarFilter,
) -> StoreResult<Calendar> {
    let (from, to) = grid_range(month);
    calendar(store, from, to, today, config, filter)
}

/// ATR of the contracts ending in each of `months` months from `first`,
/// per month, CSM and health (terminated contracts are not available to
/// renew).
pub fn forecast_items(store: &Store, first: Month, months: u32) -> StoreResult<Vec<ForecastItem>> {
    Ok(store
        .atr_buckets(first, months)?
        .into_iter()
        .map(|bucket| ForecastItem {
            month: bucket.month,
            csm: bucket.csm,
            health: bucket.health,
            atr: bucket.atr,
            contracts: bucket.contracts,
        })
        .collect())
}

/// The forecast for `months` months from `first`, per CSM and for the
/// book. A benchmark times this on the 100,000-account book.
pub fn forecast(
    store: &Store,
    first: Month,
    months: u32,
    config: &Config,
) -> StoreResult<Forecast> {
    let items = forecast_items(store, first, months)?;
    Ok(crate::metrics::forecast::forecast(&items, first, months, &config.renewal_probability_bp))
}

/// Every contract that ended from `since` to yesterday, with the health its
/// account had 30 and 90 days before and its outcome on `today`.
pub fn past_renewals(
    store: &Store,
    since: NaiveDate,
    today: NaiveDate,
) -> StoreResult<Vec<PastRenewal>> {
    let history = store.renewal_history(since)?;
    let (contracts, accounts, histories) = (history.contracts, history.accounts, history.histories);
    let mut past = Vec::new();
    let mut start = 0;
    while start < contracts.len() {
        let key = |c: &Contract| (c.account_id.clone(), c.product.clone());
        let group_key = contracts.get(start).map(key);
        let end =
            start + contracts[start..].iter().take_while(|c| Some(key(c)) == group_key).count();
        let group = &contracts[start..end];
        for contract in group.iter().filter(|c| since <= c.end_date && c.end_date < today) {
            let (name, csm) = accounts.get(&contract.account_id).cloned().unwrap_or_default();
            let history = histories.get(&contract.account_id).map_or(&[][..], Vec::as_slice);
            past.push(PastRenewal::assess(contract, &name, &csm, history, group, today));
        }
        start = end.max(start + 1);
    }
    past.sort_by(|a, b| {
        a.end_date.cmp(&b.end_date).then_with(|| a.contract_id.cmp(&b.contract_id))
    });
    Ok(past)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Health, Money};
    use crate::metrics::calibration::Outcome;
    use crate::testkit::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    fn book() -> Store {
        let store = Store::open_in_memory().expect("store");
        account(&store, "A1", "ann", Some("green"), 1200);
        account(&store, "A2", "bob", Some("red"), 3600);
        account(&store, "A3", "ann", None, 500);
        // Ends in March 2025.
        contract(&store, "C1", "A1", "2024-04-01", "2025-03-31", 1200, "annual");
        // Three years annual from 2023-03-15: payments 2024-03-15 and 2025-03-15.
        contract(&store, "C2", "A2", "2023-03-15", "2026-03-14", 3600, "annual");
        // Three years prepaid: no payment ever.
        contract(&store, "C3", "A3", "2023-03-20", "2026-03-19", 500, "prepaid");
        store
    }

    #[test]
    fn the_calendar_loads_renewals_payments_and_nothing_else() {
        let store = book();
        let config = Config::default();
        let march = Month::new(2025, 3).expect("month");
        let calendar =
            calendar_month(&store, march, d("2025-01-01"), &config, &CalendarFilter::default())
                .expect("calendar");
        let events: Vec<(String, &str, String)> = calendar
            .agenda()
            .map(|e| (e.date.to_string(), e.kind.word(), e.contract_id.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            events,
            vec![
                ("2025-03-15".into(), "payment", "C2".into()),
                ("2025-03-31".into(), "renewal", "C1".into()),
            ]
        );
        let renewal = &calendar.events_on(d("2025-03-31"))[0];
        assert!(matches!(renewal.kind, EventKind::Renewal { .. }));
        assert_eq!(renewal.account.health, Some(Health::Green));
        // Mine pushes the CSM into the query and gives the same events for ann.
        let mine = CalendarFilter { csm: Some("ann".into()), ..CalendarFilter::default() };
        let calendar =
            calendar_month(&store, march, d("2025-01-01"), &config, &mine).expect("mine");
        assert_eq!(calendar.event_count(), 1);
        let risky = CalendarFilter { at_risk_only: true, ..CalendarFilter::default() };
        let calendar =
            calendar_month(&store, march, d("2025-01-01"), &config, &risky).expect("risk");
        assert_eq!(calendar.agenda().map(|e| e.account.id.as_str()).collect::<Vec<_>>(), ["A2"]);
    }

    #[test]
    fn each_renewal_says_whether_a_champion_and_a_sponsor_are_known_on_its_day() {
        use crate::domain::contact::{Contact, ContactChange, ContactRole};
        let store = book();
        let person = |name: &str, role| Contact {
            account_id: "A1".into(),
            name: name.into(),
            email: String::new(),
            role,
            title: String::new(),
            left_on: None,
            since: None,
        };
        let at = d("2025-03-20").and_hms_opt(9, 0, 0).expect("t").and_utc();
        let add = |c: Contact| {
            store.change_contact(
                &c.account_id.clone(),
                &ContactChange::Add(c),
                d("2025-03-20"),
                "ann",
                at,
            )
        };
        add(person("Ana", ContactRole::Champion)).expect("add");
        add(person("Bo", ContactRole::ExecutiveSponsor)).expect("add");
        add(person("Cy", ContactRole::ExecutiveSponsor)).expect("add");
        let left = ContactChange::Left { name: "Bo".into(), on: d("2025-03-10") };
        store.change_contact("A1", &left, d("2025-03-20"), "ann", at).expect("left");
        let config = Config::default();
        let march = Month::new(2025, 3).expect("month");
        let filter = CalendarFilter::default();
        let calendar = calendar_month(&store, march, d("2025-03-20"), &config, &filter).expect("c");
        let shown: Vec<(&str, Option<&str>)> = calendar
            .agenda()
            .map(|e| (e.kind.word(), e.stakeholders.map(Stakeholders::describe)))
            .collect();
        // C1 of A1 renews 2025-03-31 with Ana and Cy (Bo left); the payment has none.
        assert_eq!(shown, [("payment", None), ("renewal", Some("champion, sponsor"))]);
        let cy = ContactChange::Left { name: "Cy".into(), on: d("2025-03-20") };
        store.change_contact("A1", &cy, d("2025-03-20"), "ann", at).expect("left");
        let calendar = calendar_month(&store, march, d("2025-03-20"), &config, &filter).expect("c");
        let renewal = calendar.agenda().find(|e| e.kind.word() == "renewal").expect("renewal");
        assert_eq!(renewal.stakeholders.map(Stakeholders::describe), Some("no sponsor"));
        // A3's renewal in March 2026 knows no one.
        let later = Month::new(2026, 3).expect("month");
        let calendar = calendar_month(&store, later, d("2025-03-20"), &config, &filter).expect("c");
        let a3 = calendar.agenda().find(|e| e.account.id == "A3").expect("A3");
        assert_eq!(a3.stakeholders.map(Stakeholders::describe), Some("no champion, no sponsor"));
    }

    #[test]
    fn the_forecast_reads_atr_per_month_and_health() {
        let store = book();
        let forecast =
            forecast(&store, Month::new(2025, 3).expect("m"), 13, &Config::default()).expect("f");
        // March 2025: C1 green 1,200 × 0.95 = 1,140.
        assert_eq!(forecast.book[0].figures.expected, Money::from_units(1140));
        // March 2026: C2 red 3,600 × 0.20 = 720 + C3 unrated 500 × 0.80 = 400.
        assert_eq!(forecast.book[12].figures.expected, Money::from_units(1120));
        assert_eq!(forecast.book[12].figures.atr, Money::from_units(4100));
        assert_eq!(forecast.by_csm.len(), 2);
    }

    #[test]
    fn past_renewals_read_health_90_days_before_and_outcomes() {
        let store = Store::open_in_memory().expect("store");
        account(&store, "A1", "ann", Some("red"), 1000);
        account(&store, "A2", "ann", Some("green"), 1000);
        contract(&store, "OLD", "A1", "2024-01-01", "2024-12-31", 1000, "annual");
        contract(&store, "NEW", "A1", "2025-01-01", "2025-12-31", 1000, "annual");
        contract(&store, "LOST", "A2", "2024-01-01", "2024-12-31", 1000, "annual");
        // A1 was green 90 days before (2024-10-02) and turned red afterwards.
        health_change(&store, "A1", "2024-06-01T10:00:00Z", "green");
        health_change(&store, "A1", "2024-11-15T10:00:00Z", "red");
        let past = past_renewals(&store, d("2024-01-01"), d("2025-03-01")).expect("past");
        let summary: Vec<(&str, Option<Health>, Option<Health>, Outcome)> = past
            .iter()
            .map(|p| (p.contract_id.as_str(), p.health_before, p.health_reforecast, p.outcome))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("LOST", Some(Health::Green), Some(Health::Green), Outcome::NotRenewed),
                (
                    "OLD",
                    Some(Health::Green),
                    Some(Health::Red),
                    Outcome::Renewed { renewed_arr: Money::from_units(1000) }
                ),
            ]
        );
        assert!(past[0].is_surprise());
    }
}
