//! The people at an account: a contact's role (champion, executive sponsor,
//! decision maker, user, billing), and the contact as imported and stored.
//! No storage or parsing of files here.

use chrono::NaiveDate;
use std::fmt;

/// What a contact is to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContactRole {
    Champion,
    ExecutiveSponsor,
    DecisionMaker,
    User,
    Billing,
}

/// A role word that is not one of the five.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not one of champion, executive_sponsor, decision_maker, user, billing")]
pub struct UnknownRole(pub String);

impl ContactRole {
    pub const ALL: [ContactRole; 5] = [
        ContactRole::Champion,
        ContactRole::ExecutiveSponsor,
        ContactRole::DecisionMaker,
        ContactRole::User,
        ContactRole::Billing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContactRole::Champion => "champion",
            ContactRole::ExecutiveSponsor => "executive_sponsor",
            ContactRole::DecisionMaker => "decision_maker",
            ContactRole::User => "user",
            ContactRole::Billing => "billing",
        }
    }

    /// The role as a person reads it ("executive sponsor").
    pub fn label(self) -> &'static str {
        match self {
            ContactRole::Champion => "champion",
            ContactRole::ExecutiveSponsor => "executive sponsor",
            ContactRole::DecisionMaker => "decision maker",
            ContactRole::User => "user",
            ContactRole::Billing => "billing",
        }
    }

    /// Reads a role word, case and spaces or hyphens for underscores forgiven.
    pub fn parse(text: &str) -> Result<ContactRole, UnknownRole> {
        let word = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        ContactRole::ALL
            .into_iter()
            .find(|role| role.as_str() == word)
            .ok_or_else(|| UnknownRole(text.trim().to_string()))
    }
}

impl fmt::Display for ContactRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One person at an account; a name is unique within its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub account_id: String,
    pub name: String,
    /// Empty when unknown.
    pub email: String,
    pub role: ContactRole,
    pub title: String,
    /// The day the person left the account, when they have.
    pub left_on: Option<NaiveDate>,
}

impl Contact {
    /// Whether the person is still at the account on `day`.
    pub fn present_on(&self, day: NaiveDate) -> bool {
        self.left_on.is_none_or(|left| left > day)
    }
}

/// Checks an email loosely: one `@` with something before it, a dot in
/// what follows (not at either end), and no spaces. Returns why not.
pub fn check_email(text: &str) -> Result<(), String> {
    let text = text.trim();
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{text:?} is not an email address (it holds a space)"));
    }
    let Some((local, domain)) = text.split_once('@') else {
        return Err(format!("{text:?} is not an email address (no @)"));
    };
    let domain_ok = !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.');
    if local.is_empty() || !domain_ok {
        return Err(format!("{text:?} is not an email address (name@example.com)"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_as_written_and_forgivingly() {
        assert_eq!(ContactRole::parse("champion"), Ok(ContactRole::Champion));
        assert_eq!(ContactRole::parse(" Executive Sponsor "), Ok(ContactRole::ExecutiveSponsor));
        assert_eq!(ContactRole::parse("decision-maker"), Ok(ContactRole::DecisionMaker));
        for role in ContactRole::ALL {
            assert_eq!(ContactRole::parse(role.as_str()), Ok(role));
        }
        assert_eq!(
            ContactRole::parse("boss").map_err(|e| e.to_string()),
            Err(
                "\"boss\" is not one of champion, executive_sponsor, decision_maker, user, billing"
                    .to_string()
            )
        );
    }

    #[test]
    fn emails_are_checked_loosely() {
        assert!(check_email("ana@example.com").is_ok());
        assert!(check_email("a.b+c@sub.example.co.uk").is_ok());
        assert!(check_email("ana").is_err());
        assert!(check_email("@example.com").is_err());
        assert!(check_email("ana@example").is_err());
        assert!(check_email("ana@example.").is_err());
        assert!(check_email("ana @example.com").is_err());
        assert!(check_email("a@b@c.com").is_err());
    }

    #[test]
    fn a_contact_who_left_is_gone_from_the_day_after() {
        let day = |d| NaiveDate::from_ymd_opt(2025, 6, d).expect("day");
        let contact = Contact {
            account_id: "A".into(),
            name: "Ana".into(),
            email: String::new(),
            role: ContactRole::Champion,
            title: String::new(),
            left_on: Some(day(10)),
        };
        assert!(contact.present_on(day(9)));
        assert!(!contact.present_on(day(10)));
    }
}
