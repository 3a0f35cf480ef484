//! Upsell targets, the hunter's list (pure): accounts with whitespace, ranked
//! by a visible rule, filterable by AM, product, stage, health and tier.
//!
//! **The ranking rule.** Only accounts with whitespace (unsold potential ARR)
//! are targets, and an account that is red now is left out: nobody sells into
//! a red health spell. Each remaining account gets a **priority**, its
//! whitespace weighted by four factors (percentages, multiplied):
//!
//! | factor  | weight |
//! |---------|--------|
//! | health  | green 100%, yellow 80%, orange 30%, not set 50% |
//! | stage   | absorption 100%, adaptation 100%, adoption 50%, addiction 20% |
//! | renewal | 20% when the next renewal is within 60 days (let the renewal close first), else 100% |
//! | red spell | 30% when the account was red in the last 90 days and has recovered since, else 100% |
//!
//! `priority = whitespace × health × stage × renewal × red spell`, exact to
//! the cent. The list is sorted by priority, then whitespace, then account id,
//! all descending but the id. Every row carries its factors and why, so the
//! hunter sees how it got its place.

use super::board::{AccountNames, AccountPosition, Names, Standing};
use crate::domain::tier::Tier;
use crate::domain::{Health, Money, Stage, count};
use chrono::NaiveDate;
use std::collections::HashSet;
use std::sync::Arc;

/// Accounts renewing within this many days are demoted.
pub const RENEWAL_GUARD_DAYS: i64 = 60;
/// Red within this many days (and recovered) is still a red spell.
pub const RED_SPELL_DAYS: i64 = 90;

pub fn health_weight(health: Option<Health>) -> i64 {
    match health {
        Some(Health::Green) => 100,
        Some(Health::Yellow) => 80,
        Some(Health::Orange) => 30,
        Some(Health::Red) => 0,
        None => 50,
    }
}

pub fn stage_weight(stage: Stage) -> i64 {
    match stage {
        Stage::Absorption | Stage::Adaptation => 100,
        Stage::Adoption => 50,
        Stage::Addiction => 20,
    }
}

fn renewal_weight(days_to_renewal: Option<i64>) -> i64 {
    if days_to_renewal.is_some_and(|days| days <= RENEWAL_GUARD_DAYS) { 20 } else { 100 }
}

fn red_spell_weight(red_recently: bool) -> i64 {
    if red_recently { 30 } else { 100 }
}

/// One factor of a row's priority, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScorePart {
    pub factor: &'static str,
    pub percent: i64,
    pub why: String,
}

/// A ranked target: an index into the list's accounts and its priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub index: usize,
    pub priority: Money,
}

/// What a hunter narrows the list by. `product` keeps the accounts that hold
/// the product now or have a potential set for it (resolved by the store),
/// shared rather than copied each time the filter moves to a product.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetFilter {
    /// The hunter, matched case-insensitively.
    pub am: Option<String>,
    pub product: Option<(String, Arc<HashSet<String>>)>,
    pub stage: Option<Stage>,
    pub health: Option<Health>,
    pub tier: Option<Tier>,
    /// My book: accounts where this person is the CSM or the AM.
    pub mine: Option<String>,
    /// Only accounts without an AM.
    pub no_am: bool,
}

impl TargetFilter {
    pub fn accepts(&self, position: &AccountPosition) -> bool {
        self.accepts_parts(&position.id, &position.csm, &position.am, &position.standing())
    }

    /// Whether the filter reads the account's names (id, CSM, AM).
    pub fn reads_names(&self) -> bool {
        self.am.is_some() || self.product.is_some() || self.mine.is_some() || self.no_am
    }

    /// As `accepts`, for an account given by its id, owners and figures.
    pub fn accepts_parts(&self, id: &str, csm: &str, am: &str, standing: &Standing) -> bool {
        self.am.as_ref().is_none_or(|wanted| am.eq_ignore_ascii_case(wanted.trim()))
            && self.mine.as_ref().is_none_or(|me| {
                csm.eq_ignore_ascii_case(me.trim()) || am.eq_ignore_ascii_case(me.trim())
            })
            && (!self.no_am || am.trim().is_empty())
            && self.product.as_ref().is_none_or(|(_, accounts)| accounts.contains(id))
            && self.stage.is_none_or(|stage| standing.stage == stage)
            && self.health.is_none_or(|health| standing.health == Some(health))
            && self.tier.is_none_or(|tier| standing.tier == tier)
    }
}

/// The ranked list, computed once; filtering afterwards is a walk in rank
/// order, so changing a filter never re-ranks the book. Account `i` has its
/// figures at `standings[i]` and its names at index `i` of `names`, or of the
/// book rows the list was built from (then `names` is empty and the `*_in`
/// methods take those rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetList {
    pub today: NaiveDate,
    pub names: Names,
    pub standings: Vec<Standing>,
    pub ranked: Vec<Target>,
}

/// The priority of one account, `None` when it is not a target.
pub fn priority(position: impl Into<Standing>, today: NaiveDate) -> Option<Money> {
    let position: Standing = position.into();
    let whitespace = position.absorption.whitespace;
    if whitespace.is_overflow() {
        // Kept, so that the report refuses rather than leaves the account out.
        return Some(Money::OVERFLOW);
    }
    if whitespace.cents() <= 0 || position.health == Some(Health::Red) {
        return None;
    }
    let weights = [
        health_weight(position.health),
        stage_weight(position.stage),
        renewal_weight(position.days_to_renewal(today)),
        red_spell_weight(position.red_recently),
    ];
    let numerator: i64 = weights.iter().product();
    Some(whitespace.mul_ratio(numerator, 100_i64.pow(weights.len() as u32)))
}

/// The factors behind a row's priority, in words.
pub fn score_parts(position: impl Into<Standing>, today: NaiveDate) -> Vec<ScorePart> {
    let position: Standing = position.into();
    let health_word = position.health.map_or("not set", Health::as_str);
    let days = position.days_to_renewal(today);
    let renewal_why = match days {
        Some(days) if days <= RENEWAL_GUARD_DAYS => {
            format!("renews in {} (≤ {RENEWAL_GUARD_DAYS})", count::days(days))
        }
        Some(days) => format!("renews in {}", count::days(days)),
        None => "no renewal ahead".to_string(),
    };
    vec![
        ScorePart {
            factor: "whitespace",
            percent: 100,
            why: format!("{} unsold", position.absorption.whitespace),
        },
        ScorePart {
            factor: "health",
            percent: health_weight(position.health),
            why: format!("health {health_word}"),
        },
        ScorePart {
            factor: "stage",
            percent: stage_weight(position.stage),
            why: format!("stage {}", position.stage.as_str()),
        },
        ScorePart { factor: "renewal", percent: renewal_weight(days), why: renewal_why },
        ScorePart {
            factor: "red spell",
            percent: red_spell_weight(position.red_recently),
            why: if position.red_recently {
                format!("red in the last {RED_SPELL_DAYS} days")
            } else {
                "no red spell".to_string()
            },
        },
    ]
}

/// The parts as one line: `whitespace 90,000 × health green 100% × …`.
pub fn explain(position: impl Into<Standing>, today: NaiveDate) -> String {
    let parts = score_parts(position, today);
    parts
        .iter()
        .map(|part| {
            if part.factor == "whitespace" {
                part.why.clone()
            } else {
                format!("{} {}%", part.why, part.percent)
            }
        })
        .collect::<Vec<_>>()
        .join(" × ")
}

impl TargetList {
    /// Ranks `positions` (the straightforward way in; see
    /// [`TargetList::from_standings`]).
    pub fn rank(positions: Vec<AccountPosition>, today: NaiveDate) -> TargetList {
        let (names, standings) = Names::split(positions);
        TargetList::from_standings(names, standings, today)
    }

    /// Ranks the accounts of `names` with their `standings` (same order).
    pub fn from_standings(names: Names, standings: Vec<Standing>, today: NaiveDate) -> TargetList {
        let ranked = rank_standings(&names, &standings, today);
        TargetList { today, names, standings, ranked }
    }

    /// As `from_standings`, the names staying with the caller (`names`, by
    /// the same index): the list holds no copy of them.
    pub fn from_standings_in(
        names: &(impl AccountNames + ?Sized),
        standings: Vec<Standing>,
        today: NaiveDate,
    ) -> TargetList {
        let ranked = rank_standings(names, &standings, today);
        TargetList { today, names: Names::default(), standings, ranked }
    }

    /// The targets passing `filter`, best first, each as a whole position.
    pub fn rows<'a>(
        &'a self,
        filter: &'a TargetFilter,
    ) -> impl Iterator<Item = (&'a Target, AccountPosition)> + 'a {
        self.ranked
            .iter()
            .filter(|target| self.accepts_in(&self.names, filter, target))
            .map(|target| (target, self.position_in(&self.names, target)))
    }

    /// Whether the target's account passes `filter`, its names being `names`.
    pub fn accepts_in(
        &self,
        names: &(impl AccountNames + ?Sized),
        filter: &TargetFilter,
        target: &Target,
    ) -> bool {
        let account = index(target);
        // The names are looked up only for a filter that reads them.
        let named = filter.reads_names();
        let (id, csm, am) = if named {
            (names.id(account), names.csm(account), names.am(account))
        } else {
            ("", "", "")
        };
        filter.accepts_parts(id, csm, am, self.standing(target))
    }

    pub fn standing(&self, target: &Target) -> &Standing {
        &self.standings[target.index]
    }

    /// The target's account as a whole position, its names from `names`.
    pub fn position_in(
        &self,
        names: &(impl AccountNames + ?Sized),
        target: &Target,
    ) -> AccountPosition {
        AccountPosition::from_parts(names, index(target), self.standing(target))
    }

    /// The account a target is, by its index in the names.
    pub fn account(target: &Target) -> u32 {
        index(target)
    }

    pub fn len(&self) -> usize {
        self.ranked.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranked.is_empty()
    }
}

/// The targets among `standings`, best first: sorted on keys kept beside
/// each target (priority, whitespace), the names read only to break a tie.
fn rank_standings(
    names: &(impl AccountNames + ?Sized),
    standings: &[Standing],
    today: NaiveDate,
) -> Vec<Target> {
    let mut keyed: Vec<(Money, Money, u32)> = standings
        .iter()
        .enumerate()
        .filter_map(|(index, standing)| {
            let priority = priority(*standing, today)?;
            Some((priority, standing.absorption.whitespace, u32::try_from(index).ok()?))
        })
        .collect();
    // Account ids are unique, so the order is total and an unstable sort exact.
    keyed.sort_unstable_by(|a, b| {
        b.0.cmp(&a.0).then_with(|| b.1.cmp(&a.1)).then_with(|| names.id(a.2).cmp(names.id(b.2)))
    });
    keyed
        .into_iter()
        .map(|(priority, _, index)| Target { index: index as usize, priority })
        .collect()
}

fn index(target: &Target) -> u32 {
    u32::try_from(target.index).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::absorption::AccountAbsorption;
    use crate::testkit::{d, position};

    fn with_whitespace(
        id: &str,
        stage: Stage,
        health: Option<Health>,
        whitespace: i64,
    ) -> AccountPosition {
        let mut p = position(id, stage, 1000);
        p.health = health;
        p.absorption = AccountAbsorption {
            current_units: Some(10),
            potential_units: Some(100),
            whitespace: Money::from_units(whitespace),
        };
        p
    }

    #[test]
    fn healthy_absorbing_accounts_with_large_whitespace_come_first() {
        let today = d(2025, 3, 1);
        let list = TargetList::rank(
            vec![
                with_whitespace("small", Stage::Absorption, Some(Health::Green), 1_000),
                with_whitespace("big-yellow", Stage::Adaptation, Some(Health::Yellow), 10_000), // 8,000
                with_whitespace("big-adoption", Stage::Adoption, Some(Health::Green), 10_000), // 5,000
                with_whitespace("orange", Stage::Absorption, Some(Health::Orange), 20_000), // 6,000
                with_whitespace("red", Stage::Absorption, Some(Health::Red), 50_000),       // out
                with_whitespace("none", Stage::Absorption, Some(Health::Green), 0),         // out
            ],
            today,
        );
        let filter = TargetFilter::default();
        let order: Vec<(String, Money)> =
            list.rows(&filter).map(|(t, p)| (p.id, t.priority)).collect();
        assert_eq!(
            order,
            vec![
                ("big-yellow".to_string(), Money::from_units(8_000)),
                ("orange".to_string(), Money::from_units(6_000)),
                ("big-adoption".to_string(), Money::from_units(5_000)),
                ("small".to_string(), Money::from_units(1_000)),
            ]
        );
    }

    #[test]
    fn a_near_renewal_or_a_recent_red_spell_demotes() {
        let today = d(2025, 3, 1);
        let mut renewing =
            with_whitespace("renewing", Stage::Absorption, Some(Health::Green), 10_000);
        renewing.next_renewal = Some(d(2025, 4, 30)); // 60 days: demoted to 20%
        let mut recovered =
            with_whitespace("recovered", Stage::Absorption, Some(Health::Green), 10_000);
        recovered.red_recently = true;
        assert_eq!(priority(&renewing, today), Some(Money::from_units(2_000)));
        assert_eq!(priority(&recovered, today), Some(Money::from_units(3_000)));
        renewing.next_renewal = Some(d(2025, 5, 1)); // 61 days: full weight
        assert_eq!(priority(&renewing, today), Some(Money::from_units(10_000)));
        let why = explain(&recovered, today);
        assert_eq!(
            why,
            "10,000.00 unsold × health green 100% × stage absorption 100% × renews in 305 days 100% × red in the last 90 days 30%"
        );
    }

    #[test]
    fn my_book_is_where_i_am_csm_or_am_and_no_am_keeps_the_unhunted() {
        let today = d(2025, 3, 1);
        let mut farmed = with_whitespace("F", Stage::Absorption, Some(Health::Green), 9_000);
        farmed.csm = "Maya".into();
        farmed.am = String::new();
        let mut hunted = with_whitespace("H", Stage::Absorption, Some(Health::Green), 8_000);
        hunted.csm = "Sam".into();
        hunted.am = "maya".into();
        let mut other = with_whitespace("O", Stage::Absorption, Some(Health::Green), 7_000);
        other.csm = "Sam".into();
        other.am = "Dana".into();
        let list = TargetList::rank(vec![farmed, hunted, other], today);
        let ids = |filter: &TargetFilter| list.rows(filter).map(|(_, p)| p.id).collect::<Vec<_>>();
        let mine = TargetFilter { mine: Some("Maya".into()), ..TargetFilter::default() };
        assert_eq!(ids(&mine), ["F", "H"]);
        let no_am = TargetFilter { no_am: true, ..TargetFilter::default() };
        assert_eq!(ids(&no_am), ["F"]);
    }

    #[test]
    fn filters_narrow_without_reranking() {
        let today = d(2025, 3, 1);
        let mut other_am = with_whitespace("B", Stage::Absorption, Some(Health::Green), 5_000);
        other_am.am = "Dana".into();
        other_am.tier = 2;
        let list = TargetList::rank(
            vec![with_whitespace("A", Stage::Absorption, Some(Health::Green), 9_000), other_am],
            today,
        );
        let ids = |filter: &TargetFilter| list.rows(filter).map(|(_, p)| p.id).collect::<Vec<_>>();
        assert_eq!(
            ids(&TargetFilter { am: Some("dana".into()), ..TargetFilter::default() }),
            ["B"]
        );
        assert_eq!(ids(&TargetFilter { tier: Some(1), ..TargetFilter::default() }), ["A"]);
        let product = TargetFilter {
            product: Some(("Core".into(), Arc::new(HashSet::from(["B".to_string()])))),
            ..TargetFilter::default()
        };
        assert_eq!(ids(&product), ["B"]);
        assert_eq!(
            ids(&TargetFilter { stage: Some(Stage::Adoption), ..TargetFilter::default() }),
            Vec::<String>::new()
        );
    }
}
