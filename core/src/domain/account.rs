//! An account in the book: who owns it, where it stands, what it is worth.

use super::{Health, Money, Stage, UnknownWord};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The account's id as the CRM knows it (e.g. `ACME-001`).
pub type AccountId = String;

/// Value beyond revenue: these raise an account's priority in triage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Flags {
    pub reference: bool,
    pub advocate: bool,
    pub design_partner: bool,
}

impl Flags {
    const WORDS: &'static str = "reference, advocate, design_partner";

    /// Parses `reference;advocate` (order free, blanks ignored).
    pub fn parse(text: &str) -> Result<Flags, UnknownWord> {
        let mut flags = Flags::default();
        for word in text.split(';').map(str::trim).filter(|w| !w.is_empty()) {
            match word.to_ascii_lowercase().as_str() {
                "reference" => flags.reference = true,
                "advocate" => flags.advocate = true,
                "design_partner" | "design partner" => flags.design_partner = true,
                _ => return Err(UnknownWord { value: word.to_string(), expected: Self::WORDS }),
            }
        }
        Ok(flags)
    }

    /// The CSV form: `reference;advocate;design_partner`, in that order.
    pub fn to_words(self) -> String {
        self.names().join(";")
    }

    pub fn names(self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if self.reference {
            names.push("reference");
        }
        if self.advocate {
            names.push("advocate");
        }
        if self.design_partner {
            names.push("design_partner");
        }
        names
    }

    /// Compact bit form for storage: reference 1, advocate 2, design partner 4.
    pub fn bits(self) -> i64 {
        i64::from(self.reference)
            | i64::from(self.advocate) << 1
            | i64::from(self.design_partner) << 2
    }

    pub fn from_bits(bits: i64) -> Flags {
        Flags { reference: bits & 1 != 0, advocate: bits & 2 != 0, design_partner: bits & 4 != 0 }
    }

    pub fn any(self) -> bool {
        self.bits() != 0
    }

    pub fn count(self) -> u32 {
        self.bits().count_ones()
    }

    /// Short badge for tables: `R A D` letters for the flags present.
    pub fn badge(self) -> String {
        let mut badge = String::new();
        if self.reference {
            badge.push('R');
        }
        if self.advocate {
            badge.push('A');
        }
        if self.design_partner {
            badge.push('D');
        }
        badge
    }
}

/// An account as imported or edited: identity, owners and the facts a CSM sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    /// The farmer: the CSM who owns the account.
    pub csm: String,
    /// The hunter: the account manager, if any.
    pub am: String,
    pub segment: String,
    pub industry: String,
    pub region: String,
    pub stage: Stage,
    /// The most units of the current product(s) the account could ever use.
    pub potential_units: Option<i64>,
    pub health: Option<Health>,
    pub flags: Flags,
    /// The net promoter score, −100 to 100, when surveyed.
    pub nps: Option<i64>,
}

impl Account {
    /// A new account with only the required fields set.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Account {
        Account {
            id: id.into(),
            name: name.into(),
            csm: String::new(),
            am: String::new(),
            segment: String::new(),
            industry: String::new(),
            region: String::new(),
            stage: Stage::Addiction,
            potential_units: None,
            health: None,
            flags: Flags::default(),
            nps: None,
        }
    }
}

/// What the book pane shows for one account: the account plus the facts
/// derived from snapshots, contracts and notes, kept fresh by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSummary {
    pub account: Account,
    /// ARR at the latest month the book has snapshots for.
    pub arr: Money,
    /// Units at the latest month.
    pub units: i64,
    pub health_since: Option<NaiveDate>,
    pub stage_since: Option<NaiveDate>,
    /// The next contract end date on or after today, if any.
    pub next_renewal: Option<NaiveDate>,
    pub last_touch: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_and_round_trip() {
        let flags = Flags::parse("advocate; reference").expect("flags");
        assert!(flags.reference && flags.advocate && !flags.design_partner);
        assert_eq!(flags.to_words(), "reference;advocate");
        assert_eq!(Flags::from_bits(flags.bits()), flags);
        assert_eq!(Flags::parse(""), Ok(Flags::default()));
        assert!(Flags::parse("vip").is_err());
        assert_eq!(Flags::parse("design_partner").expect("f").badge(), "D");
    }
}
