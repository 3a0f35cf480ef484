//! One synthetic account's life, simulated from `(seed, index)` alone: its
//! size, its contracts (renewing, expanding, contracting, churning, some
//! terminated early), the snapshots those contracts imply, and a few notes.
//!
//! Pure: no I/O. The sizes are the Pareto quantiles of the book's ranks,
//! dealt out to accounts by a seeded permutation, so the top decile's share
//! of ARR is stable from one seed to another instead of hanging on a few
//! lucky draws.

use super::{Params, names};
use crate::domain::month::add_months;
use crate::domain::{Account, Billing, Contract, Flags, Health, Money, Month, NoteKind, Stage};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// ARR of one product of one account at the end of a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    pub month: Month,
    pub product: &'static str,
    pub arr: Money,
    pub units: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedNote {
    pub at: DateTime<Utc>,
    pub kind: NoteKind,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedAccount {
    pub account: Account,
    pub contracts: Vec<Contract>,
    /// Sorted by month, then product.
    pub snapshots: Vec<Snapshot>,
    pub notes: Vec<GeneratedNote>,
}

/// Whether a contract carries the product's ARR at the end of `month`: it has
/// started, its term has not ended, and it was not terminated on or before
/// that day. Snapshots are derived with exactly this rule.
pub fn active_at_month_end(contract: &Contract, month: Month) -> bool {
    let end = month.last_day();
    contract.start_date <= end
        && end <= contract.end_date
        && contract.terminated_on.is_none_or(|terminated| end < terminated)
}

/// Pareto shape: the top tenth of a Pareto book holds 0.1^(1 − 1/shape) of
/// it (46% for 1.5); churn and expansion blur that a little, so the shape is
/// tuned for about 45% of the last month's ARR in the top tenth.
const PARETO_SHAPE: f64 = 1.5;
/// The smallest target ARR, in whole currency units.
const MIN_TARGET_ARR: f64 = 4_000.0;
/// Share of accounts that are only trialling (no paid ARR yet).
const TRIAL_SHARE: f64 = 0.03;
/// The golden ratio's fractional part: consecutive indexes spread evenly over (0, 1).
const GOLDEN: f64 = 0.618_033_988_749_894_9;

pub(super) fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The account's target ARR in whole units. Account `index` takes rank
/// `(index × stride + offset) mod N`, a seed-dependent permutation of the
/// ranks, and rank `r` gets the Pareto quantile at `(r + ½) / N`: the sizes
/// are the same in every book of N accounts, only who gets which changes.
fn target_arr(params: &Params, index: u32) -> f64 {
    let n = u64::from(params.accounts.max(1));
    let mut stride = ((n as f64 * GOLDEN) as u64).max(1) | 1;
    while gcd(stride, n) != 1 {
        stride += 1;
    }
    let offset = splitmix(params.seed) % n;
    let rank = (u64::from(index) * stride + offset) % n;
    let tail = (rank as f64 + 0.5) / n as f64;
    MIN_TARGET_ARR * tail.powf(-1.0 / PARETO_SHAPE)
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

struct Line {
    product: &'static str,
    contracts: Vec<Contract>,
}

struct Simulation<'a> {
    params: &'a Params,
    rng: ChaCha8Rng,
    account_id: String,
    contract_seq: u32,
    /// Propensity to shrink or leave, 0 (safe) to 1 (at risk).
    risk: f64,
}

impl Simulation<'_> {
    fn next_contract_id(&mut self) -> String {
        self.contract_seq += 1;
        format!("{}-C{:02}", self.account_id, self.contract_seq)
    }

    fn day_in(&mut self, month: Month) -> NaiveDate {
        // Days 2..=28: every month has them, and a term then ends on day 1..=27,
        // so shifting by whole months never clamps a start or an end.
        let day = self.rng.random_range(2..=28);
        month.first_day().checked_add_days(Days::new(day - 1)).unwrap_or(month.first_day())
    }

    /// A product line from `start` with `units` at `price` per unit: one
    /// contract after another until it is not renewed, is terminated, or runs
    /// past the horizon (an upcoming renewal).
    fn line(&mut self, product: &'static str, start: NaiveDate, units: i64, price: i64) -> Line {
        let horizon = self.params.horizon();
        let mut contracts = Vec::new();
        let (mut start, mut units, mut price) = (start, units.max(1), price);
        loop {
            let term = match self.rng.random_range(0..100) {
                0..50 => 12,
                50..75 => 24,
                _ => 36,
            };
            let prepaid_odds = if term > 12 { 0.35 } else { 0.15 };
            let billing =
                if self.rng.random_bool(prepaid_odds) { Billing::Prepaid } else { Billing::Annual };
            let end = add_months(start, term).pred_opt().unwrap_or(start);
            let mut terminated_on = None;
            if term > 12 && self.rng.random_bool(0.03 + 0.10 * self.risk) {
                let years = self.rng.random_range(1..term / 12);
                let on = add_months(start, 12 * years);
                if on <= horizon {
                    terminated_on = Some(on);
                }
            }
            contracts.push(Contract {
                id: self.next_contract_id(),
                account_id: self.account_id.clone(),
                product: product.to_string(),
                start_date: start,
                end_date: end,
                arr: Money::from_units(units * price),
                units: Some(units),
                billing,
                terminated_on,
            });
            if terminated_on.is_some() || end >= horizon {
                break;
            }
            if self.rng.random_bool(0.04 + 0.30 * self.risk) {
                break; // not renewed: the product's snapshots stop here
            }
            let change = self.rng.random_range(0.0..1.0);
            if change < 0.35 - 0.2 * self.risk {
                let grown = units as f64 * self.rng.random_range(1.05..1.6);
                units = (grown.round() as i64).max(units + 1);
            } else if change < 0.50 {
                let shrunk = units as f64 * self.rng.random_range(0.55..0.95);
                units = (shrunk.round() as i64).clamp(1, units);
            }
            if self.rng.random_bool(0.25) {
                price += (price * self.rng.random_range(3..8) + 50) / 100;
            }
            start = end.succ_opt().unwrap_or(end);
        }
        Line { product, contracts }
    }
}

/// The id of account `index` (0-based): `A000001` for the first.
pub(super) fn account_id(index: u32) -> String {
    format!("A{:06}", u64::from(index) + 1)
}

/// Simulates account `index` (0-based) of the book described by `params`.
pub fn simulate(params: &Params, index: u32) -> GeneratedAccount {
    let rng = ChaCha8Rng::seed_from_u64(splitmix(params.seed ^ splitmix(u64::from(index))));
    let account_id = account_id(index);
    let mut sim = Simulation { params, rng, account_id, contract_seq: 0, risk: 0.0 };
    let risk_draw: f64 = sim.rng.random_range(0.0..1.0);
    sim.risk = risk_draw * risk_draw;
    let first = params.first_month();
    let last = params.last_month;
    let horizon = params.horizon();

    let target = target_arr(params, index);
    let trial = sim.rng.random_bool(TRIAL_SHARE);
    let earliest = first.minus(11);
    let start_month = if trial {
        last.minus(sim.rng.random_range(0..2)).max(earliest)
    } else {
        Month(sim.rng.random_range(earliest.0..=last.0))
    };
    let start = sim.day_in(start_month);

    let mut lines = Vec::new();
    if !trial {
        let (product, low, high) = names::PRODUCTS[0];
        let price = sim.rng.random_range(low..=high);
        let units = ((target / price as f64).round() as i64).max(1);
        let core = sim.line(product, start, units, price);
        let core_end =
            core.contracts.last().map(|c| c.terminated_on.unwrap_or(c.end_date)).unwrap_or(start);
        let upsell_odds = 0.45 - 0.3 * sim.risk;
        if sim.rng.random_bool(upsell_odds.clamp(0.0, 1.0)) {
            let (product, low, high) =
                names::PRODUCTS[sim.rng.random_range(1..names::PRODUCTS.len())];
            let months_later = sim.rng.random_range(6..=30);
            let upsell_start = sim.day_in(Month::of(start).plus(months_later));
            if upsell_start <= horizon && upsell_start < core_end {
                let share = sim.rng.random_range(0.2..0.8);
                let upsell_units = ((units as f64 * share).round() as i64).max(1);
                let price = sim.rng.random_range(low..=high);
                let upsell = sim.line(product, upsell_start, upsell_units, price);
                lines.push(core);
                lines.push(upsell);
            } else {
                lines.push(core);
            }
        } else {
            lines.push(core);
        }
    }

    let mut snapshots = Vec::new();
    for line in &lines {
        let Some(line_start) = line.contracts.first().map(|c| Month::of(c.start_date)) else {
            continue;
        };
        let mut current = 0;
        for month in line_start.max(first).through(last) {
            while current < line.contracts.len()
                && line.contracts[current].end_date < month.last_day()
            {
                current += 1;
            }
            let Some(contract) = line.contracts.get(current) else { break };
            if !active_at_month_end(contract, month) {
                break; // terminated early: the product's snapshots stop
            }
            snapshots.push(Snapshot {
                month,
                product: line.product,
                arr: contract.arr,
                units: contract.units.unwrap_or(0),
            });
        }
    }
    snapshots.sort_by(|a, b| a.month.cmp(&b.month).then_with(|| a.product.cmp(b.product)));

    let last_snapshots: Vec<&Snapshot> = snapshots.iter().filter(|s| s.month == last).collect();
    let last_arr: Money = last_snapshots.iter().map(|s| s.arr).sum();
    let last_units: i64 = last_snapshots.iter().map(|s| s.units).sum();
    let peak_units = snapshots.iter().map(|s| s.units).max().unwrap_or(0);
    let contracts: Vec<Contract> = lines.into_iter().flat_map(|l| l.contracts).collect();

    let health = if trial {
        if sim.rng.random_bool(0.6) { Health::Green } else { Health::Yellow }
    } else if last_arr.is_zero() {
        Health::Red
    } else {
        let score = sim.risk + sim.rng.random_range(-0.15..0.15);
        match score {
            s if s < 0.22 => Health::Green,
            s if s < 0.45 => Health::Yellow,
            s if s < 0.65 => Health::Orange,
            _ => Health::Red,
        }
    };
    let basis_units = if last_units > 0 { last_units } else { peak_units };
    let potential_units = if trial {
        sim.rng.random_range(20..400)
    } else {
        let factor = sim.rng.random_range(1.1f64..12.0);
        ((basis_units.max(1) as f64) * factor).ceil() as i64
    };
    let stage = if trial {
        Stage::Addiction
    } else if last_snapshots.len() >= 2 {
        Stage::Adaptation
    } else if start_month >= last.minus(2) && sim.rng.random_bool(0.5) {
        Stage::Addiction
    } else if last_units * 5 > potential_units {
        Stage::Absorption
    } else {
        Stage::Adoption
    };
    let mut flags = Flags::default();
    if matches!(health, Health::Green | Health::Yellow) && !trial {
        flags.reference = sim.rng.random_bool(0.08);
        flags.advocate = sim.rng.random_bool(0.05);
        flags.design_partner = sim.rng.random_bool(0.03);
    }

    let drawn = sim.rng.random_range(0..params.csm_count());
    let csm = names::CSMS[params.csm_of(index, drawn) as usize];
    let am = if sim.rng.random_bool(0.7) {
        names::AMS[sim.rng.random_range(0..params.am_count()) as usize]
    } else {
        ""
    };
    let segment = match target {
        t if t >= 100_000.0 => "Enterprise",
        t if t >= 25_000.0 => "Mid-Market",
        _ => "SMB",
    };
    let industry = names::INDUSTRIES[sim.rng.random_range(0..names::INDUSTRIES.len())];
    let region = names::REGIONS[sim.rng.random_range(0..names::REGIONS.len())];
    let account = Account {
        csm: csm.to_string(),
        am: am.to_string(),
        segment: segment.to_string(),
        industry: industry.to_string(),
        region: region.to_string(),
        stage,
        potential_units: Some(potential_units),
        health: Some(health),
        flags,
        // A column the generator does not simulate stays blank.
        ..Account::new(sim.account_id.clone(), company_name(params.seed, index))
    };
    let first_day = start.max(first.first_day());
    let notes = notes(&mut sim, first_day, trial);
    GeneratedAccount { account, contracts, snapshots, notes }
}

fn company_name(seed: u64, index: u32) -> String {
    let hash = splitmix(seed ^ splitmix(u64::from(index) ^ 0xC0FF_EE00)) as usize;
    let first = names::NAME_FIRST[hash % names::NAME_FIRST.len()];
    let second = names::NAME_SECOND[(hash >> 16) % names::NAME_SECOND.len()];
    let suffix = names::NAME_SUFFIX[(hash >> 32) % names::NAME_SUFFIX.len()];
    format!("{first} {second} {suffix}")
}

/// A note of ordinary length, 60 to 120 characters: the template, then
/// details chosen by `salt` (not drawn from the account's random stream, so
/// the rest of the book is as before), cut at a word to at most 120.
fn ordinary_length(mut text: String, salt: u64) -> String {
    let mut pick = splitmix(salt);
    while text.chars().count() < 60 {
        let detail = names::NOTE_DETAILS[(pick % names::NOTE_DETAILS.len() as u64) as usize];
        text.push(' ');
        text.push_str(detail);
        pick = splitmix(pick);
    }
    if text.chars().count() > 120 {
        let cut: String = text.chars().take(120).collect();
        let end = cut.rfind(' ').unwrap_or(cut.len());
        text = format!("{}.", cut[..end].trim_end_matches([',', ';', ':', '.']));
        if text.chars().count() > 120 {
            text = text.chars().take(120).collect();
        }
    }
    text
}

fn notes(sim: &mut Simulation<'_>, from: NaiveDate, trial: bool) -> Vec<GeneratedNote> {
    let horizon = sim.params.horizon();
    let span = (horizon - from).num_days().max(0) as u64;
    let count = match (trial, sim.params.notes_per_account) {
        (true, _) => sim.rng.random_range(1..=2),
        (false, None) => sim.rng.random_range(0..=5),
        (false, Some(mean)) => sim.rng.random_range(0..=2 * mean as usize),
    };
    let product = names::PRODUCTS[0].0;
    let mut notes = Vec::with_capacity(count);
    for _ in 0..count {
        let day = from.checked_add_days(Days::new(sim.rng.random_range(0..=span))).unwrap_or(from);
        let time =
            NaiveTime::from_hms_opt(sim.rng.random_range(8..18), sim.rng.random_range(0..60), 0)
                .unwrap_or(NaiveTime::MIN);
        let roll: f64 = sim.rng.random_range(0.0..1.0);
        let (kind, pool): (NoteKind, &[&str]) = if trial {
            (
                NoteKind::Call,
                &[
                    "Trial kick-off: success criteria agreed with the evaluation team.",
                    "Trial check-in: two of three use cases proven, takeaway test next week.",
                ],
            )
        } else if roll < 0.04 + 0.15 * sim.risk {
            (NoteKind::SevereCase, &names::SEVERE_NOTES)
        } else if roll < 0.07 + 0.25 * sim.risk {
            (NoteKind::SponsorChange, &names::SPONSOR_NOTES)
        } else if roll < 0.45 {
            (NoteKind::Call, &names::CALL_NOTES)
        } else if roll < 0.65 {
            (NoteKind::Email, &names::EMAIL_NOTES)
        } else if roll < 0.78 {
            (NoteKind::Meeting, &names::MEETING_NOTES)
        } else if roll < 0.9 {
            (NoteKind::Qbr, &names::QBR_NOTES)
        } else {
            (NoteKind::Note, &names::PLAIN_NOTES)
        };
        let template = pool[sim.rng.random_range(0..pool.len())];
        let at = day.and_time(time).and_utc();
        let text = ordinary_length(template.replace("{p}", product), at.timestamp() as u64);
        notes.push(GeneratedNote { at, kind, text });
    }
    notes.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.text.cmp(&b.text)));
    // Two draws can land on the same minute with the same text (a trial that
    // starts at the horizon); the importer rightly refuses such a repeat.
    notes.dedup_by(|a, b| a.at == b.at && a.text == b.text);
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract(start: &str, end: &str, terminated: Option<&str>) -> Contract {
        let d = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").expect("date");
        Contract {
            id: "C".into(),
            account_id: "A".into(),
            product: "Core".into(),
            start_date: d(start),
            end_date: d(end),
            arr: Money::from_units(1200),
            units: Some(4),
            billing: Billing::Annual,
            terminated_on: terminated.map(d),
        }
    }

    #[test]
    fn a_contract_carries_the_months_whose_last_day_it_covers() {
        let m = |t: &str| Month::parse(t).expect("month");
        let c = contract("2025-03-15", "2026-03-14", None);
        assert!(active_at_month_end(&c, m("2025-03")));
        assert!(active_at_month_end(&c, m("2026-02")));
        assert!(!active_at_month_end(&c, m("2026-03")), "ended on the 14th");
        assert!(!active_at_month_end(&c, m("2025-02")));
        let t = contract("2025-03-15", "2027-03-14", Some("2026-03-15"));
        assert!(active_at_month_end(&t, m("2026-02")));
        assert!(!active_at_month_end(&t, m("2026-03")), "terminated before the month's end");
    }

    #[test]
    fn notes_are_of_ordinary_length() {
        let mut params =
            Params::ending_before(NaiveDate::from_ymd_opt(2026, 1, 15).expect("day"), 200, 24, 3);
        params.notes_per_account = Some(4);
        let notes: Vec<String> =
            (0..200).flat_map(|i| simulate(&params, i).notes).map(|n| n.text).collect();
        assert!(notes.len() > 400, "about four notes an account: {}", notes.len());
        for text in &notes {
            let length = text.chars().count();
            assert!((60..=120).contains(&length), "{length}: {text}");
        }
        assert!(ordinary_length("Short.".to_string(), 7).chars().count() >= 60);
        let long = "word ".repeat(40);
        let cut = ordinary_length(long, 1);
        assert!(cut.chars().count() <= 120 && cut.ends_with("word."), "{cut}");
    }

    #[test]
    fn the_same_index_and_seed_give_the_same_account() {
        let params =
            Params::ending_before(NaiveDate::from_ymd_opt(2026, 5, 1).expect("d"), 50, 24, 3);
        assert_eq!(simulate(&params, 7), simulate(&params, 7));
        assert_ne!(simulate(&params, 7), simulate(&params, 8));
        // Sizes are the Pareto quantiles of the ranks, whatever the seed.
        let mut sizes: Vec<u64> = (0..50).map(|i| target_arr(&params, i) as u64).collect();
        let other = Params { seed: 99, ..params.clone() };
        let mut other_sizes: Vec<u64> = (0..50).map(|i| target_arr(&other, i) as u64).collect();
        sizes.sort_unstable();
        other_sizes.sort_unstable();
        assert_eq!(sizes, other_sizes);
        // The smallest is rank 49 of 50: 4000 × (49.5 / 50)^(−1/1.5) = 4000 × 0.99^(−2/3) ≈ 4026.9.
        assert_eq!(sizes[0], 4_026);
    }

    #[test]
    fn the_lead_csm_owns_exactly_the_accounts_asked_for_spread_through_the_book() {
        let mut params =
            Params::ending_before(NaiveDate::from_ymd_opt(2026, 5, 1).expect("d"), 1_000, 12, 3);
        params.csms = Some(5);
        params.lead_csm_accounts = Some(200);
        let lead = names::CSMS[0];
        let owned: Vec<u32> =
            (0..1_000).filter(|i| simulate(&params, *i).account.csm == lead).collect();
        // 200 of 1,000: every fifth account, the fifth, tenth, … (indexes 4, 9, …).
        assert_eq!(owned.len(), 200);
        assert_eq!(&owned[..3], &[4, 9, 14]);
        // The other four CSMs share the rest; none is left without accounts.
        for other in &names::CSMS[1..5] {
            assert!((0..50).any(|i| simulate(&params, i).account.csm == *other), "{other}");
        }
        // Unset, the book is the one it always was.
        params.lead_csm_accounts = None;
        let drawn = simulate(&params, 4).account.csm;
        assert_eq!(params.csm_of(4, 2), 2);
        assert!(names::CSMS[..5].contains(&drawn.as_str()));
    }
}
