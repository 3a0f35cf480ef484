//! Opportunities: an upsell or cross-sell a hunter is working in an existing
//! account, from idea to won or lost. Won opportunities are bookings of the
//! U kind in the I/R/U picture. Plain data only; the store keeps them.

use super::{Money, UnknownWord};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Where a deal stands. The open stages run identified → qualified →
/// proposal → commit; won and lost close it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpportunityStage {
    Identified,
    Qualified,
    Proposal,
    Commit,
    Won,
    Lost,
}

impl OpportunityStage {
    pub const ALL: [OpportunityStage; 6] = [
        OpportunityStage::Identified,
        OpportunityStage::Qualified,
        OpportunityStage::Proposal,
        OpportunityStage::Commit,
        OpportunityStage::Won,
        OpportunityStage::Lost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OpportunityStage::Identified => "identified",
            OpportunityStage::Qualified => "qualified",
            OpportunityStage::Proposal => "proposal",
            OpportunityStage::Commit => "commit",
            OpportunityStage::Won => "won",
            OpportunityStage::Lost => "lost",
        }
    }

    /// The stage's word; `idea` and `proposed`, the first stages' old
    /// names, are still read.
    pub fn parse(text: &str) -> Result<OpportunityStage, UnknownWord> {
        match text.trim().to_ascii_lowercase().as_str() {
            "identified" | "idea" => Ok(OpportunityStage::Identified),
            "qualified" => Ok(OpportunityStage::Qualified),
            "proposal" | "proposed" => Ok(OpportunityStage::Proposal),
            "commit" => Ok(OpportunityStage::Commit),
            "won" => Ok(OpportunityStage::Won),
            "lost" => Ok(OpportunityStage::Lost),
            _ => Err(UnknownWord {
                value: text.trim().to_string(),
                expected: "identified, qualified, proposal, commit, won, lost",
            }),
        }
    }

    /// Still being worked: neither won nor lost.
    pub fn is_open(self) -> bool {
        !matches!(self, OpportunityStage::Won | OpportunityStage::Lost)
    }

    /// The next stage forward (commit moves to won); `None` once closed.
    pub fn next(self) -> Option<OpportunityStage> {
        match self {
            OpportunityStage::Identified => Some(OpportunityStage::Qualified),
            OpportunityStage::Qualified => Some(OpportunityStage::Proposal),
            OpportunityStage::Proposal => Some(OpportunityStage::Commit),
            OpportunityStage::Commit => Some(OpportunityStage::Won),
            OpportunityStage::Won | OpportunityStage::Lost => None,
        }
    }

    /// The stage before (a closed deal reopens at commit); `None` at the first.
    pub fn previous(self) -> Option<OpportunityStage> {
        match self {
            OpportunityStage::Identified => None,
            OpportunityStage::Qualified => Some(OpportunityStage::Identified),
            OpportunityStage::Proposal => Some(OpportunityStage::Qualified),
            OpportunityStage::Commit => Some(OpportunityStage::Proposal),
            OpportunityStage::Won | OpportunityStage::Lost => Some(OpportunityStage::Commit),
        }
    }
}

/// Why a deal was lost, and whether it was ours to prevent (the churn
/// taxonomy's controllable / uncontrollable split).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostReason {
    pub reason: String,
    pub controllable: bool,
}

impl LostReason {
    pub fn validate(&self) -> Result<(), String> {
        if self.reason.trim().is_empty() {
            return Err("a lost opportunity needs a reason".to_string());
        }
        Ok(())
    }
}

/// Upsell (more of what the account could use, or a new product) or cross-sell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpportunityKind {
    Upsell,
    CrossSell,
}

impl OpportunityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OpportunityKind::Upsell => "upsell",
            OpportunityKind::CrossSell => "cross_sell",
        }
    }

    pub fn parse(text: &str) -> Result<OpportunityKind, UnknownWord> {
        match text.trim().to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "upsell" => Ok(OpportunityKind::Upsell),
            "cross_sell" | "crosssell" => Ok(OpportunityKind::CrossSell),
            _ => {
                Err(UnknownWord { value: text.trim().to_string(), expected: "upsell, cross_sell" })
            }
        }
    }
}

/// The fields a hunter enters for an opportunity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpportunityFields {
    pub product: String,
    pub kind: OpportunityKind,
    /// The ARR the deal would add.
    pub arr: Money,
    pub stage: OpportunityStage,
    /// Who works it (usually the account's hunter).
    pub owner: String,
    pub close_date: Option<NaiveDate>,
    /// What happens next, in the hunter's words.
    pub next_step: String,
}

impl OpportunityFields {
    pub fn validate(&self) -> Result<(), String> {
        if self.product.trim().is_empty() {
            return Err("an opportunity needs a product".to_string());
        }
        if self.arr.cents() < 0 {
            return Err(format!("ARR {} is negative", self.arr.to_plain()));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opportunity {
    pub id: i64,
    pub account_id: String,
    pub fields: OpportunityFields,
    /// Why it was lost, once it is.
    pub lost: Option<LostReason>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Opportunity {
    /// The day a won deal counts as booked: its close date, else the day it
    /// was last updated (when it was marked won).
    pub fn booked_on(&self) -> NaiveDate {
        self.fields.close_date.unwrap_or_else(|| self.updated_at.date_naive())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_and_kinds_round_trip() {
        for stage in OpportunityStage::ALL {
            assert_eq!(OpportunityStage::parse(stage.as_str()), Ok(stage));
        }
        assert!(OpportunityStage::Proposal.is_open() && OpportunityStage::Commit.is_open());
        assert_eq!(OpportunityStage::parse("idea"), Ok(OpportunityStage::Identified));
        assert_eq!(OpportunityStage::parse("Proposed"), Ok(OpportunityStage::Proposal));
        let mut stage = OpportunityStage::Identified;
        let mut path = vec![stage];
        while let Some(next) = stage.next() {
            stage = next;
            path.push(stage);
        }
        assert_eq!(path, OpportunityStage::ALL[..5]);
        assert_eq!(OpportunityStage::Won.previous(), Some(OpportunityStage::Commit));
        assert_eq!(OpportunityStage::Identified.previous(), None);
        assert!(LostReason { reason: " ".into(), controllable: true }.validate().is_err());
        assert!(!OpportunityStage::Won.is_open() && !OpportunityStage::Lost.is_open());
        assert!(OpportunityStage::parse("closed").is_err());
        assert_eq!(OpportunityKind::parse("cross-sell"), Ok(OpportunityKind::CrossSell));
        assert_eq!(OpportunityKind::parse("upsell"), Ok(OpportunityKind::Upsell));
    }

    #[test]
    fn a_product_is_required() {
        let fields = OpportunityFields {
            product: " ".into(),
            kind: OpportunityKind::Upsell,
            arr: Money::from_units(10),
            stage: OpportunityStage::Identified,
            owner: String::new(),
            close_date: None,
            next_step: String::new(),
        };
        assert!(fields.validate().is_err());
    }
}
