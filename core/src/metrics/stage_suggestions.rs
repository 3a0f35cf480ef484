//! The 4A stage the data suggests for an account, with why (pure).
//!
//! The rules, first match wins:
//! 1. **Addiction** — a trial or proof of value has no result yet, or the
//!    account has no paid ARR.
//! 2. **Adaptation** — a second product was bought: two or more products hold
//!    ARR at the latest month, or a won opportunity brings a product the
//!    account does not hold yet (an upsell).
//! 3. **Absorption** — one product, absorbed at 20% or more of its potential,
//!    or its units rose over the last `RISING_LOOKBACK_MONTHS` months.
//! 4. **Adoption** — one product, absorbed under 20% (or potential unknown)
//!    and not rising.
//!
//! A suggestion is shown only when it differs from the stage the CSM set, and
//! only until dismissed. None is shown for a churned account without ARR
//! (it had ARR and has none left: its story is its churn chain, not a
//! stage), nor one that would reverse a move the CSM made by hand in the last
//! `Config::stage_hand_move_days` days (moved up to Absorption, it is not told
//! "→ Addiction" the next morning); a dismissal is keyed by its *signal* (suggested stage
//! and rule), so the same suggestion returns when a different rule fires.

use super::Rate;
use crate::domain::{Money, Stage};
use std::collections::HashSet;

/// Absorption at or above this share (basis points) counts as spreading.
pub const ABSORPTION_BP: i64 = 2000;
/// Units higher now than this many months ago mean absorption is rising.
pub const RISING_LOOKBACK_MONTHS: i32 = 3;

/// What the rules read about one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageFacts {
    pub account_id: String,
    pub name: String,
    /// The stage the CSM set.
    pub stage: Stage,
    pub arr: Money,
    /// A trial with no takeaway result yet (its product, end date as text).
    pub open_trial: Option<String>,
    /// Products holding ARR at the latest month, by name.
    pub products: Vec<String>,
    /// Products of won opportunities the account does not hold yet.
    pub won_new_products: Vec<String>,
    pub absorption: Option<Rate>,
    pub units_now: i64,
    /// Units `RISING_LOOKBACK_MONTHS` months before the latest month, if known.
    pub units_before: Option<i64>,
    /// It had ARR (a contract, or ARR three months ago) and has none now.
    pub churned: bool,
    /// The last stage change made by hand, when it is recent enough to be
    /// respected (`Config::stage_hand_move_days`).
    pub hand_move: Option<HandMove>,
}

/// A stage change a person made, from one stage to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandMove {
    pub from: Stage,
    pub to: Stage,
}

impl HandMove {
    /// Whether moving to `suggested` would go back the way this move came.
    pub fn reversed_by(self, suggested: Stage) -> bool {
        use std::cmp::Ordering::{Greater, Less};
        match self.to.cmp(&self.from) {
            Greater => suggested < self.to,
            Less => suggested > self.to,
            _ => false,
        }
    }
}

/// Which rule fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StageRule {
    OpenTrial,
    NoPaidArr,
    SecondProduct,
    AbsorptionOver20,
    UnitsRising,
    OneProductUnder20,
}

impl StageRule {
    pub fn key(self) -> &'static str {
        match self {
            StageRule::OpenTrial => "open_trial",
            StageRule::NoPaidArr => "no_paid_arr",
            StageRule::SecondProduct => "second_product",
            StageRule::AbsorptionOver20 => "absorption_over_20",
            StageRule::UnitsRising => "units_rising",
            StageRule::OneProductUnder20 => "one_product_under_20",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageSuggestion {
    pub account_id: String,
    pub name: String,
    pub current: Stage,
    pub suggested: Stage,
    pub rule: StageRule,
    /// One line a CSM reads, and the reason prefilled when accepting.
    pub why: String,
}

impl StageSuggestion {
    /// The key a dismissal is stored under: suggested stage and rule.
    pub fn signal(&self) -> String {
        format!("{}:{}", self.suggested.as_str(), self.rule.key())
    }
}

/// The stage the data suggests, whatever the set stage is.
pub fn suggest(facts: &StageFacts) -> StageSuggestion {
    let (suggested, rule, why) = decide(facts);
    StageSuggestion {
        account_id: facts.account_id.clone(),
        name: facts.name.clone(),
        current: facts.stage,
        suggested,
        rule,
        why,
    }
}

fn decide(facts: &StageFacts) -> (Stage, StageRule, String) {
    if let Some(trial) = &facts.open_trial {
        return (
            Stage::Addiction,
            StageRule::OpenTrial,
            format!("trial with no result yet: {trial}"),
        );
    }
    if facts.arr.cents() <= 0 {
        return (Stage::Addiction, StageRule::NoPaidArr, "no paid ARR".to_string());
    }
    let mut all_products = facts.products.clone();
    all_products.extend(facts.won_new_products.iter().cloned());
    if all_products.len() >= 2 {
        let why = if facts.won_new_products.is_empty() {
            format!("{} products bought: {}", all_products.len(), all_products.join(", "))
        } else {
            format!(
                "upsell won: {} (besides {})",
                facts.won_new_products.join(", "),
                describe(&facts.products)
            )
        };
        return (Stage::Adaptation, StageRule::SecondProduct, why);
    }
    let percent = facts.absorption.map(|r| r.to_percent(0));
    if let Some(rate) = facts.absorption
        && rate.numerator() * 10_000 >= rate.denominator() * i128::from(ABSORPTION_BP)
    {
        let shown = percent.unwrap_or_default();
        return (
            Stage::Absorption,
            StageRule::AbsorptionOver20,
            format!("absorption {shown} (20% or more)"),
        );
    }
    if let Some(before) = facts.units_before
        && facts.units_now > before
    {
        return (
            Stage::Absorption,
            StageRule::UnitsRising,
            format!(
                "units up from {before} to {} over {RISING_LOOKBACK_MONTHS} months",
                facts.units_now
            ),
        );
    }
    let why = match percent {
        Some(shown) => format!("one product, absorption {shown} (under 20%)"),
        None => "one product, potential unknown, units not rising".to_string(),
    };
    (Stage::Adoption, StageRule::OneProductUnder20, why)
}

fn describe(products: &[String]) -> String {
    if products.is_empty() { "nothing held yet".to_string() } else { products.join(", ") }
}

/// Suggestions that differ from the set stage and were not dismissed; the
/// dismissed set holds `(account_id, signal)` pairs.
pub fn pending(
    facts: &[StageFacts],
    dismissed: &HashSet<(String, String)>,
) -> Vec<StageSuggestion> {
    facts
        .iter()
        .map(suggest)
        .zip(facts)
        .filter(|(s, _)| s.suggested != s.current)
        .filter(|(_, f)| !(f.churned && f.arr.cents() <= 0 && f.open_trial.is_none()))
        .filter(|(s, f)| !f.hand_move.is_some_and(|m| m.reversed_by(s.suggested)))
        .filter(|(s, _)| !dismissed.contains(&(s.account_id.clone(), s.signal())))
        .map(|(s, _)| s)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(stage: Stage) -> StageFacts {
        StageFacts {
            account_id: "A1".into(),
            name: "Acme".into(),
            stage,
            arr: Money::from_units(12_000),
            open_trial: None,
            products: vec!["Core".into()],
            won_new_products: Vec::new(),
            absorption: Rate::new(10, 100),
            units_now: 10,
            units_before: Some(10),
            churned: false,
            hand_move: None,
        }
    }

    #[test]
    fn a_churned_account_without_arr_gets_no_stage_suggestion() {
        let mut churned = facts(Stage::Adoption);
        churned.arr = Money::ZERO;
        churned.products.clear();
        assert_eq!(suggest(&churned).suggested, Stage::Addiction, "the rule alone");
        assert_eq!(pending(std::slice::from_ref(&churned), &HashSet::new()).len(), 1);
        churned.churned = true;
        assert!(pending(std::slice::from_ref(&churned), &HashSet::new()).is_empty());
        // A new trial on it speaks again.
        churned.open_trial = Some("Core until 2026-04-30".into());
        assert_eq!(pending(&[churned], &HashSet::new()).len(), 1);
    }

    #[test]
    fn a_recent_hand_move_is_not_reversed() {
        // Moved up by hand to Absorption; the data says Adoption (10% absorbed).
        let mut moved = facts(Stage::Absorption);
        let up = HandMove { from: Stage::Adoption, to: Stage::Absorption };
        assert_eq!(pending(std::slice::from_ref(&moved), &HashSet::new()).len(), 1);
        moved.hand_move = Some(up);
        assert!(pending(std::slice::from_ref(&moved), &HashSet::new()).is_empty());
        // Going further the same way is still suggested: a second product.
        moved.products.push("Analytics".into());
        let list = pending(std::slice::from_ref(&moved), &HashSet::new());
        assert_eq!(list.iter().map(|s| s.suggested).collect::<Vec<_>>(), [Stage::Adaptation]);
        assert!(!list[0].why.is_empty());
        // Moved down by hand: nothing pushes it back up.
        let down = HandMove { from: Stage::Adaptation, to: Stage::Adoption };
        assert!(down.reversed_by(Stage::Absorption) && !down.reversed_by(Stage::Addiction));
    }

    #[test]
    fn an_open_trial_suggests_addiction() {
        let mut f = facts(Stage::Adoption);
        f.open_trial = Some("Core until 2025-03-31".into());
        let s = suggest(&f);
        assert_eq!((s.suggested, s.rule), (Stage::Addiction, StageRule::OpenTrial));
        assert!(s.why.contains("2025-03-31"));
    }

    #[test]
    fn no_paid_arr_suggests_addiction() {
        let mut f = facts(Stage::Adoption);
        f.arr = Money::ZERO;
        f.products.clear();
        let s = suggest(&f);
        assert_eq!((s.suggested, s.why.as_str()), (Stage::Addiction, "no paid ARR"));
    }

    #[test]
    fn one_product_under_twenty_percent_suggests_adoption() {
        let s = suggest(&facts(Stage::Addiction));
        assert_eq!((s.suggested, s.rule), (Stage::Adoption, StageRule::OneProductUnder20));
        assert_eq!(s.why, "one product, absorption 10% (under 20%)");
        assert_eq!(s.signal(), "adoption:one_product_under_20");
    }

    #[test]
    fn twenty_percent_or_more_suggests_absorption() {
        let mut f = facts(Stage::Adoption);
        f.absorption = Rate::new(20, 100);
        let s = suggest(&f);
        assert_eq!((s.suggested, s.rule), (Stage::Absorption, StageRule::AbsorptionOver20));
        f.absorption = Rate::new(199, 1000);
        assert_eq!(suggest(&f).suggested, Stage::Adoption);
    }

    #[test]
    fn rising_units_suggest_absorption_even_under_twenty_percent() {
        let mut f = facts(Stage::Adoption);
        f.units_before = Some(8);
        let s = suggest(&f);
        assert_eq!((s.suggested, s.rule), (Stage::Absorption, StageRule::UnitsRising));
        assert_eq!(s.why, "units up from 8 to 10 over 3 months");
    }

    #[test]
    fn a_second_product_suggests_adaptation() {
        let mut f = facts(Stage::Absorption);
        f.products.push("Analytics".into());
        let s = suggest(&f);
        assert_eq!(
            (s.suggested, s.why.as_str()),
            (Stage::Adaptation, "2 products bought: Core, Analytics")
        );
        let mut won = facts(Stage::Absorption);
        won.won_new_products = vec!["Analytics".into()];
        assert_eq!(suggest(&won).suggested, Stage::Adaptation);
        assert!(suggest(&won).why.starts_with("upsell won: Analytics"));
    }

    #[test]
    fn only_differing_undismissed_suggestions_are_pending() {
        let agreeing = facts(Stage::Adoption);
        let mut differing = facts(Stage::Addiction);
        differing.account_id = "A2".into();
        let mut dismissed_one = facts(Stage::Addiction);
        dismissed_one.account_id = "A3".into();
        let dismissed =
            HashSet::from([("A3".to_string(), "adoption:one_product_under_20".to_string())]);
        let list = pending(&[agreeing, differing, dismissed_one], &dismissed);
        assert_eq!(list.iter().map(|s| s.account_id.as_str()).collect::<Vec<_>>(), ["A2"]);
    }
}
