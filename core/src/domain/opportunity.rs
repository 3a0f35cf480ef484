//! Opportunities: an upsell or cross-sell a hunter is working in an existing
//! account, from idea to won or lost. Won opportunities are bookings of the
//! U kind in the I/R/U picture. Plain data only; the store keeps them.

use super::{Money, UnknownWord};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpportunityStage {
    Idea,
    Qualified,
    Proposed,
    Won,
    Lost,
}

impl OpportunityStage {
    pub const ALL: [OpportunityStage; 5] = [
        OpportunityStage::Idea,
        OpportunityStage::Qualified,
        OpportunityStage::Proposed,
        OpportunityStage::Won,
        OpportunityStage::Lost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OpportunityStage::Idea => "idea",
            OpportunityStage::Qualified => "qualified",
            OpportunityStage::Proposed => "proposed",
            OpportunityStage::Won => "won",
            OpportunityStage::Lost => "lost",
        }
    }

    pub fn parse(text: &str) -> Result<OpportunityStage, UnknownWord> {
        match text.trim().to_ascii_lowercase().as_str() {
            "idea" => Ok(OpportunityStage::Idea),
            "qualified" => Ok(OpportunityStage::Qualified),
            "proposed" => Ok(OpportunityStage::Proposed),
            "won" => Ok(OpportunityStage::Won),
            "lost" => Ok(OpportunityStage::Lost),
            _ => Err(UnknownWord {
                value: text.trim().to_string(),
                expected: "idea, qualified, proposed, won, lost",
            }),
        }
    }

    /// Still being worked: neither won nor lost.
    pub fn is_open(self) -> bool {
        !matches!(self, OpportunityStage::Won | OpportunityStage::Lost)
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
        assert!(OpportunityStage::Proposed.is_open());
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
            stage: OpportunityStage::Idea,
            owner: String::new(),
            close_date: None,
        };
        assert!(fields.validate().is_err());
    }
}
