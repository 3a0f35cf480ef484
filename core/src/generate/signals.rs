//! Synthetic usage, tickets and survey answers for one account, drawn from
//! its contracts and snapshots so that they lead churn the way real ones
//! do: usage decays and urgent tickets open in the months before a loss,
//! detractors answer the NPS survey — with noise, healthy accounts that dip
//! and recover (false alarms), and losses that nothing announced (the
//! surprises). Deterministic from the seed; pure, no I/O. Used by `cockpit
//! gen` and by the demo book.

use crate::domain::{Contract, Month};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The usage measures written, with how many of each one active user makes
/// (in thousandths: `hours_in_app` has decimals).
pub const MEASURES: [(&str, i64, i64); 5] = [
    ("active_users", 1_000, 1_000),
    ("logins", 10_000, 22_000),
    ("key_feature_events", 3_000, 9_000),
    ("reports_run", 300, 2_000),
    ("hours_in_app", 4_500, 12_500),
];

/// Share of losses with no warning in the signals.
const SURPRISE_SHARE: f64 = 0.2;
/// Share of healthy accounts whose usage dips for a few months anyway.
const DIP_SHARE: f64 = 0.08;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedTicket {
    pub id: String,
    pub opened_at: DateTime<Utc>,
    pub severity: &'static str,
    pub closed_at: Option<DateTime<Utc>>,
    pub subject: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedAnswer {
    pub answered_at: DateTime<Utc>,
    pub kind: &'static str,
    pub score: i64,
    pub comment: &'static str,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeneratedSignals {
    /// (month, measure, value in thousandths), by month then measure.
    pub usage: Vec<(Month, &'static str, i64)>,
    pub tickets: Vec<GeneratedTicket>,
    pub answers: Vec<GeneratedAnswer>,
}

const SUBJECTS: [&str; 8] = [
    "Login fails for some users",
    "Export to CSV times out",
    "Question about permissions",
    "Report totals look wrong",
    "SSO certificate renewal",
    "Slow dashboard load",
    "How to bulk-invite users",
    "Integration sync stopped",
];

const URGENT_SUBJECTS: [&str; 4] = [
    "Production outage: nobody can log in",
    "Data missing after the last sync",
    "Invoices generated twice",
    "Critical integration down since Monday",
];

const PRAISE: [&str; 4] =
    ["Saves our team hours every week", "Support was quick", "", "Easy to roll out"];
const COMPLAINTS: [&str; 4] = [
    "Too many outages lately",
    "Hard to get people to use it",
    "Reporting does not fit our process",
    "We are looking at alternatives",
];

/// The day an account was lost: the earliest end (or termination) of a
/// contract that no contract renews, on or before `horizon`.
pub fn loss_day(contracts: &[Contract], horizon: NaiveDate) -> Option<NaiveDate> {
    contracts
        .iter()
        .filter(|c| c.renewal_among(contracts).is_none())
        .map(|c| c.terminated_on.unwrap_or(c.end_date))
        .filter(|day| *day <= horizon)
        .min()
}

/// Signals for one account: `months` are its months with ARR and their
/// units (all products), `contracts` its contracts, up to `horizon`.
pub fn signals(
    seed: u64,
    account_id: &str,
    months: &[(Month, i64)],
    contracts: &[Contract],
    horizon: NaiveDate,
) -> GeneratedSignals {
    let hash = account_id
        .bytes()
        .fold(seed ^ 0x5157_4e41_4c53, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let mut rng = ChaCha8Rng::seed_from_u64(hash);
    let mut out = GeneratedSignals::default();
    let loss = loss_day(contracts, horizon);
    let surprise = rng.random_bool(SURPRISE_SHARE);
    let warned = loss.filter(|_| !surprise);
    // Months of decline before the loss, and how low usage falls.
    let lead_months: i32 = rng.random_range(3..=7);
    let floor: f64 = rng.random_range(0.15..0.5);
    let dip = (warned.is_none() && rng.random_bool(DIP_SHARE)).then(|| {
        let at = months.get(rng.random_range(0..months.len().max(1))).map(|(m, _)| *m);
        (at, rng.random_range(0.4..0.7))
    });
    let adoption: f64 = rng.random_range(0.55..0.95);
    let per_user: Vec<i64> =
        MEASURES.iter().map(|(_, low, high)| rng.random_range(*low..=*high)).collect();
    for (month, units) in months {
        let mut level = adoption * rng.random_range(0.92..1.08);
        if let Some(loss) = warned {
            let before = Month::of(loss).0 - month.0;
            if (0..=lead_months).contains(&before) {
                let progress = f64::from(lead_months - before + 1) / f64::from(lead_months + 1);
                level *= 1.0 - (1.0 - floor) * progress;
            }
        }
        if let Some((Some(at), depth)) = dip
            && (0..3).contains(&(month.0 - at.0))
        {
            level *= depth;
        }
        let users = ((*units as f64) * level).round().max(0.0) as i64;
        for ((name, _, _), per) in MEASURES.iter().zip(&per_user) {
            let noise = rng.random_range(0.9..1.1);
            let thousandths = if *name == "active_users" {
                users * 1000
            } else {
                // hours_in_app keeps one decimal; the counts are whole.
                let value = (users as f64 * *per as f64 * noise).round() as i64;
                if *name == "hours_in_app" { value / 100 * 100 } else { value / 1000 * 1000 }
            };
            out.usage.push((*month, name, thousandths));
        }
    }
    let Some((first, _)) = months.first() else { return out };
    let last = months.last().map_or(*first, |(m, _)| *m);
    let mut ticket_seq = 0;
    let mut ticket = |rng: &mut ChaCha8Rng,
                      day: NaiveDate,
                      severity: &'static str,
                      open_days: u64| {
        ticket_seq += 1;
        let subjects: &[&'static str] =
            if severity == "urgent" || severity == "high" { &URGENT_SUBJECTS } else { &SUBJECTS };
        let opened = at_time(day, rng.random_range(8..18));
        let closed_day = day.checked_add_days(Days::new(open_days)).unwrap_or(day);
        GeneratedTicket {
            id: format!("{account_id}-T{ticket_seq:03}"),
            opened_at: opened,
            severity,
            closed_at: (closed_day <= horizon).then(|| at_time(closed_day, 16)),
            subject: subjects[rng.random_range(0..subjects.len())],
        }
    };
    for month in first.through(last) {
        let day = month
            .first_day()
            .checked_add_days(Days::new(rng.random_range(0..27)))
            .unwrap_or(month.first_day());
        if day > horizon {
            break;
        }
        if rng.random_bool(0.25) {
            let severity = ["low", "normal", "normal", "high"][rng.random_range(0..4)];
            let days = rng.random_range(1..20);
            out.tickets.push(ticket(&mut rng, day, severity, days));
        }
        if let Some(loss) = warned {
            let before = Month::of(loss).0 - month.0;
            if (1..=lead_months.min(5)).contains(&before) && rng.random_bool(0.45) {
                let days = rng.random_range(20..120);
                out.tickets.push(ticket(&mut rng, day, "urgent", days));
            }
        }
        // About two NPS answers a year, a CSAT answer now and then.
        if rng.random_bool(0.18) {
            let unhappy = warned
                .is_some_and(|loss| (0..=lead_months).contains(&(Month::of(loss).0 - month.0)));
            let score = if unhappy { rng.random_range(1..=6) } else { rng.random_range(6..=10) };
            let comment = if score <= 6 {
                COMPLAINTS[rng.random_range(0..COMPLAINTS.len())]
            } else {
                PRAISE[rng.random_range(0..PRAISE.len())]
            };
            out.answers.push(GeneratedAnswer {
                answered_at: at_time(day, rng.random_range(9..17)),
                kind: "nps",
                score,
                comment,
            });
        }
        if rng.random_bool(0.08) {
            out.answers.push(GeneratedAnswer {
                answered_at: at_time(day, 12),
                kind: "csat",
                score: rng.random_range(2..=5),
                comment: "",
            });
        }
    }
    out
}

fn at_time(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN)).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Billing, Money};

    fn contract(id: &str, start: &str, end: &str) -> Contract {
        Contract {
            id: id.into(),
            account_id: "A".into(),
            product: "Core".into(),
            start_date: start.parse().expect("start"),
            end_date: end.parse().expect("end"),
            arr: Money::from_units(1000),
            units: Some(50),
            billing: Billing::Annual,
            terminated_on: None,
        }
    }

    #[test]
    fn a_lost_account_shows_it_in_most_books_and_the_same_seed_repeats() {
        let contracts = vec![contract("C1", "2024-01-01", "2025-12-31")];
        let horizon: NaiveDate = "2026-06-30".parse().expect("day");
        assert_eq!(loss_day(&contracts, horizon), "2025-12-31".parse().ok());
        let months: Vec<(Month, i64)> = Month::parse("2024-01")
            .expect("m")
            .through(Month::parse("2025-12").expect("m"))
            .map(|m| (m, 50))
            .collect();
        let mut warned = 0;
        for seed in 0..50 {
            let made = signals(seed, "A", &months, &contracts, horizon);
            assert_eq!(made, signals(seed, "A", &months, &contracts, horizon));
            let users = |month: &str| {
                let month = Month::parse(month).expect("m");
                made.usage
                    .iter()
                    .find(|(m, name, _)| *m == month && *name == "active_users")
                    .map(|u| u.2)
            };
            if users("2025-11") < users("2025-05").map(|u| u * 3 / 4) {
                warned += 1;
            }
            assert!(made.answers.iter().all(|a| (0..=10).contains(&a.score)));
        }
        assert!((25..50).contains(&warned), "most, not all, losses are announced: {warned}");
    }
}
