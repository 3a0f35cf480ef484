//! The churn-reason taxonomy: terminal events (what happened) and causes
//! (why), each cause marked controllable or uncontrollable, with the
//! shipped default list. The store keeps the live, editable copy.

use crate::domain::UnknownWord;
use std::fmt;

/// A taxonomy entry's row id in the store.
pub type ReasonId = i64;

/// What a taxonomy entry is. Only causes count towards the etiology rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReasonKind {
    /// What happened, not why: churned, sent churn notice, decided not to renew.
    Terminal,
    /// A cause the company could have acted on (implementation, product, training).
    Controllable,
    /// A cause outside the company's reach (acquired, bankrupt, budget cut).
    Uncontrollable,
}

impl ReasonKind {
    pub const ALL: [ReasonKind; 3] =
        [ReasonKind::Terminal, ReasonKind::Controllable, ReasonKind::Uncontrollable];
    const WORDS: &'static str = "terminal, controllable, uncontrollable";

    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::Terminal => "terminal",
            ReasonKind::Controllable => "controllable",
            ReasonKind::Uncontrollable => "uncontrollable",
        }
    }

    pub fn parse(text: &str) -> Result<ReasonKind, UnknownWord> {
        match text.trim().to_ascii_lowercase().as_str() {
            "terminal" | "t" => Ok(ReasonKind::Terminal),
            "controllable" | "c" => Ok(ReasonKind::Controllable),
            "uncontrollable" | "u" => Ok(ReasonKind::Uncontrollable),
            _ => Err(UnknownWord { value: text.trim().to_string(), expected: Self::WORDS }),
        }
    }

    /// Terminal events are not causes: "stopped breathing" says what, not why.
    pub fn is_cause(self) -> bool {
        self != ReasonKind::Terminal
    }
}

impl fmt::Display for ReasonKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One live taxonomy entry as the store hands it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub id: ReasonId,
    pub label: String,
    pub kind: ReasonKind,
    pub description: String,
    /// Hidden from the picker; still shown in the chains that use it.
    pub retired: bool,
}

/// An entry of the shipped default taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultReason {
    pub label: &'static str,
    pub kind: ReasonKind,
    pub description: &'static str,
}

const fn entry(label: &'static str, kind: ReasonKind, description: &'static str) -> DefaultReason {
    DefaultReason { label, kind, description }
}

use ReasonKind::{Controllable as C, Terminal as T, Uncontrollable as U};

/// The taxonomy seeded into a new book; every entry can be renamed, retired
/// or re-marked afterwards.
pub const DEFAULT_TAXONOMY: &[DefaultReason] = &[
    entry("Churned", T, "The account stopped paying altogether (what happened, not why)"),
    entry("Sent churn notice", T, "The customer announced it would leave (what happened, not why)"),
    entry(
        "Decided not to renew",
        T,
        "The customer let the term end without renewing (what happened, not why)",
    ),
    entry("Contracted", T, "The account renewed for less (what happened, not why)"),
    entry("Acquired", U, "The customer was bought by another company"),
    entry("Bankrupt", U, "The customer went out of business"),
    entry("Corporate edict", U, "Head office imposed another vendor or a freeze"),
    entry("New sponsor", U, "The executive who bought us left or was replaced"),
    entry("M&A", U, "A merger or acquisition reshaped the customer's buying team"),
    entry("Budget cut", U, "The customer cut the budget that paid for us"),
    entry("Downsizing", U, "The customer shed staff, so it needs fewer seats"),
    entry("Strategy change", U, "The customer stopped the work the product served"),
    entry("Failed implementation", C, "The roll-out never reached the promised use"),
    entry("Product functionality", C, "A missing or broken feature the customer needed"),
    entry("Ease of use", C, "Users found the product too hard to use"),
    entry("Product dissatisfaction", C, "The customer was never more than half satisfied"),
    entry("Oversold / poor fit", C, "Capabilities were over-promised, or the product did not fit"),
    entry("Partner problem", C, "The implementation partner under-delivered"),
    entry("Partner training", C, "The partner's people were not trained on the product"),
    entry(
        "Sales training",
        C,
        "The sales team was not trained to qualify and position the product",
    ),
    entry("Support quality", C, "Support cases were slow or badly resolved"),
    entry("Onboarding", C, "Users were never properly onboarded"),
    entry("Price / value", C, "The customer did not see enough value for the price"),
    entry("Reliability", C, "Outages or performance problems"),
    entry("Lost to competitor", C, "A competitor won the account on product or price"),
];

/// One change to the taxonomy, as the user asked for it; the store checks
/// it (unique labels, nothing in use deleted) when it is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaxonomyEdit {
    Add { label: String, kind: ReasonKind, description: String },
    Rename { label: String, new_label: String },
    Describe { label: String, description: String },
    Mark { label: String, kind: ReasonKind },
    Retire { label: String, retired: bool },
    Delete { label: String },
}

impl TaxonomyEdit {
    /// The entry it changes (for an addition, the new one).
    pub fn label(&self) -> &str {
        match self {
            TaxonomyEdit::Add { label, .. }
            | TaxonomyEdit::Rename { label, .. }
            | TaxonomyEdit::Describe { label, .. }
            | TaxonomyEdit::Mark { label, .. }
            | TaxonomyEdit::Retire { label, .. }
            | TaxonomyEdit::Delete { label } => label,
        }
    }

    /// What was done, for the status line.
    pub fn describe(&self) -> String {
        match self {
            TaxonomyEdit::Add { label, kind, .. } => {
                format!("churn reason {label:?} added ({kind})")
            }
            TaxonomyEdit::Rename { label, new_label } => {
                format!("churn reason {label:?} renamed {new_label:?}")
            }
            TaxonomyEdit::Describe { label, .. } => format!("churn reason {label:?} described"),
            TaxonomyEdit::Mark { label, kind } => format!("churn reason {label:?} marked {kind}"),
            TaxonomyEdit::Retire { label, retired: true } => {
                format!("churn reason {label:?} retired")
            }
            TaxonomyEdit::Retire { label, retired: false } => {
                format!("churn reason {label:?} restored")
            }
            TaxonomyEdit::Delete { label } => format!("churn reason {label:?} deleted"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_taxonomy_has_unique_labels_and_every_kind() {
        let mut labels: Vec<String> =
            DEFAULT_TAXONOMY.iter().map(|r| r.label.to_lowercase()).collect();
        labels.sort();
        labels.dedup();
        assert_eq!(labels.len(), DEFAULT_TAXONOMY.len());
        for kind in ReasonKind::ALL {
            assert!(DEFAULT_TAXONOMY.iter().any(|r| r.kind == kind), "{kind}");
        }
        assert!(DEFAULT_TAXONOMY.iter().all(|r| !r.description.is_empty()));
    }

    #[test]
    fn kinds_parse_and_only_terminal_is_not_a_cause() {
        assert_eq!(ReasonKind::parse(" Controllable "), Ok(ReasonKind::Controllable));
        assert_eq!(ReasonKind::parse("u"), Ok(ReasonKind::Uncontrollable));
        assert!(ReasonKind::parse("maybe").is_err());
        assert!(!ReasonKind::Terminal.is_cause());
        assert!(ReasonKind::Controllable.is_cause() && ReasonKind::Uncontrollable.is_cause());
    }
}
