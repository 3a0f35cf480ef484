//! The people at an account: a contact's role (champion, executive sponsor,
//! decision maker, user, billing), the contact as imported and stored, the
//! checks a contact typed by hand must pass, the changes a user makes to the
//! people of an account, and which key stakeholders an account has on a day.
//! No storage or parsing of files here.
//!
//! **Departures.** A champion, an executive sponsor or a decision maker who
//! leaves is a sponsor change: the three are the people a renewal is agreed
//! with, so losing any of them raises the same signal a sponsor-change note
//! raises (the store writes that note, dated the day they left) and starts
//! the sponsor-change playbook once for that departure. A user or a billing
//! contact leaving raises nothing. A departure older than
//! [`DEPARTURE_SIGNAL_DAYS`] (recorded late) is kept, but raises nothing.

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

impl ContactRole {
    /// Whether the person's leaving is a sponsor change: a champion, an
    /// executive sponsor or a decision maker.
    pub fn is_key(self) -> bool {
        matches!(
            self,
            ContactRole::Champion | ContactRole::ExecutiveSponsor | ContactRole::DecisionMaker
        )
    }
}

/// How long after a key person left their departure still counts as a
/// sponsor change (the same 90 days a sponsor-change note counts).
pub const DEPARTURE_SIGNAL_DAYS: i64 = 90;

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
    /// The day the person started in the role, when known.
    pub since: Option<NaiveDate>,
}

impl Contact {
    /// Whether the person is still at the account on `day`.
    pub fn present_on(&self, day: NaiveDate) -> bool {
        self.left_on.is_none_or(|left| left > day)
    }
}

impl Contact {
    /// Checks a contact typed by hand (or edited): a name without control
    /// characters, at most 200 characters; an email that reads as one when
    /// given; a title without control characters. Returns the field and why.
    pub fn check(&self) -> Result<(), (ContactField, String)> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err((ContactField::Name, "a contact needs a name".to_string()));
        }
        if name.chars().count() > MAX_TEXT {
            return Err((
                ContactField::Name,
                format!("the name is longer than {MAX_TEXT} characters"),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err((ContactField::Name, "the name holds a control character".to_string()));
        }
        if !self.email.trim().is_empty() {
            check_email(&self.email).map_err(|why| (ContactField::Email, why))?;
        }
        if let (Some(since), Some(left)) = (self.since, self.left_on)
            && since > left
        {
            return Err((
                ContactField::Since,
                format!("{since} is after the day they left ({left})"),
            ));
        }
        if self.title.chars().any(char::is_control) || self.title.chars().count() > MAX_TEXT {
            return Err((
                ContactField::Title,
                format!("the title must be one line of at most {MAX_TEXT} characters"),
            ));
        }
        Ok(())
    }
}

/// The longest name or title kept.
const MAX_TEXT: usize = 200;

/// A field of a contact, for an error that says where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactField {
    Name,
    Email,
    Role,
    Title,
    LeftOn,
    Since,
}

impl ContactField {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactField::Name => "name",
            ContactField::Email => "email",
            ContactField::Role => "role",
            ContactField::Title => "title",
            ContactField::LeftOn => "left",
            ContactField::Since => "since",
        }
    }
}

/// One change a user makes to an account's people, committed at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactChange {
    /// A new person (the name must be new to the account).
    Add(Contact),
    /// The person named `name` now reads as `contact` (a new name too).
    Edit { name: String, contact: Contact },
    /// The person left on `on` (a key person's leaving is a sponsor change).
    Left { name: String, on: NaiveDate },
    /// The person is back (their leaving was a mistake).
    Returned { name: String },
    /// The person is taken off the account's list.
    Remove { name: String },
}

impl ContactChange {
    /// The name of the person the change is about, as it is before.
    pub fn name(&self) -> &str {
        match self {
            ContactChange::Add(contact) => &contact.name,
            ContactChange::Edit { name, .. }
            | ContactChange::Left { name, .. }
            | ContactChange::Returned { name }
            | ContactChange::Remove { name } => name,
        }
    }

    /// The change in a few words ("Ana Diaz left on 2025-06-01").
    pub fn describe(&self) -> String {
        match self {
            ContactChange::Add(contact) => {
                format!("{} added as {}", contact.name, contact.role.label())
            }
            ContactChange::Edit { name, contact } if *name != contact.name => {
                format!("{name} renamed {} ({})", contact.name, contact.role.label())
            }
            ContactChange::Edit { contact, .. } => {
                format!("{} edited ({})", contact.name, contact.role.label())
            }
            ContactChange::Left { name, on } => format!("{name} left on {on}"),
            ContactChange::Returned { name } => format!("{name} is back"),
            ContactChange::Remove { name } => format!("{name} removed"),
        }
    }
}

/// Which key stakeholders an account has on a day (present, not left).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stakeholders {
    pub champion: bool,
    pub executive_sponsor: bool,
}

impl Stakeholders {
    /// From an account's champions and executive sponsors (role and the day
    /// each left, if they did): who is still there on `day`.
    pub fn on(people: &[(ContactRole, Option<NaiveDate>)], day: NaiveDate) -> Stakeholders {
        let present =
            |role| people.iter().any(|(r, left)| *r == role && left.is_none_or(|left| left > day));
        Stakeholders {
            champion: present(ContactRole::Champion),
            executive_sponsor: present(ContactRole::ExecutiveSponsor),
        }
    }

    /// Both are known.
    pub fn complete(self) -> bool {
        self.champion && self.executive_sponsor
    }

    /// What is missing, in words ("no champion", "no sponsor", "no champion,
    /// no sponsor"), or "champion, sponsor" when both are known.
    pub fn describe(self) -> &'static str {
        match (self.champion, self.executive_sponsor) {
            (true, true) => "champion, sponsor",
            (true, false) => "no sponsor",
            (false, true) => "no champion",
            (false, false) => "no champion, no sponsor",
        }
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

    fn ana() -> Contact {
        Contact {
            account_id: "A".into(),
            name: "Ana Diaz".into(),
            email: "ana@a.com".into(),
            role: ContactRole::Champion,
            title: "VP Ops".into(),
            left_on: None,
            since: None,
        }
    }

    #[test]
    fn a_contact_typed_by_hand_is_checked_field_by_field() {
        assert_eq!(ana().check(), Ok(()));
        let blank = Contact { name: "  ".into(), ..ana() };
        assert_eq!(blank.check().map_err(|e| e.0), Err(ContactField::Name));
        let control = Contact { name: "Ana\u{1b}[2J".into(), ..ana() };
        assert_eq!(
            control.check(),
            Err((ContactField::Name, "the name holds a control character".into()))
        );
        let email = Contact { email: "ana-at-a.com".into(), ..ana() };
        assert_eq!(
            email.check(),
            Err((ContactField::Email, "\"ana-at-a.com\" is not an email address (no @)".into()))
        );
        assert_eq!(Contact { email: String::new(), ..ana() }.check(), Ok(()));
        let title = Contact { title: "x".repeat(201), ..ana() };
        assert_eq!(title.check().map_err(|e| e.0), Err(ContactField::Title));
        // In the role since a day: not after the day they left.
        let day = |d| NaiveDate::from_ymd_opt(2025, 5, d).expect("day");
        let since = Contact { since: Some(day(2)), left_on: Some(day(2)), ..ana() };
        assert_eq!(since.check(), Ok(()));
        let since = Contact { since: Some(day(3)), left_on: Some(day(2)), ..ana() };
        assert_eq!(
            since.check(),
            Err((ContactField::Since, "2025-05-03 is after the day they left (2025-05-02)".into()))
        );
    }

    #[test]
    fn key_people_are_champion_sponsor_and_decision_maker() {
        let key: Vec<ContactRole> = ContactRole::ALL.into_iter().filter(|r| r.is_key()).collect();
        assert_eq!(
            key,
            [ContactRole::Champion, ContactRole::ExecutiveSponsor, ContactRole::DecisionMaker]
        );
    }

    #[test]
    fn stakeholders_on_a_day_count_only_who_is_still_there() {
        let day = |d| NaiveDate::from_ymd_opt(2025, 6, d).expect("day");
        let people = [
            (ContactRole::Champion, Some(day(10))),
            (ContactRole::ExecutiveSponsor, None),
            (ContactRole::Champion, Some(day(20))),
        ];
        // On the 15th the second champion is still there; on the 20th no one is.
        assert_eq!(
            Stakeholders::on(&people, day(15)),
            Stakeholders { champion: true, executive_sponsor: true }
        );
        let late = Stakeholders::on(&people, day(20));
        assert_eq!(late, Stakeholders { champion: false, executive_sponsor: true });
        assert_eq!(late.describe(), "no champion");
        assert!(!late.complete());
        assert_eq!(Stakeholders::on(&[], day(1)).describe(), "no champion, no sponsor");
    }

    #[test]
    fn changes_say_what_they_did() {
        let on = NaiveDate::from_ymd_opt(2025, 6, 1).expect("day");
        assert_eq!(ContactChange::Add(ana()).describe(), "Ana Diaz added as champion");
        let renamed = ContactChange::Edit {
            name: "Ana".into(),
            contact: Contact { role: ContactRole::ExecutiveSponsor, ..ana() },
        };
        assert_eq!(renamed.describe(), "Ana renamed Ana Diaz (executive sponsor)");
        assert_eq!(renamed.name(), "Ana");
        let left = ContactChange::Left { name: "Ana Diaz".into(), on };
        assert_eq!(left.describe(), "Ana Diaz left on 2025-06-01");
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
            since: None,
        };
        assert!(contact.present_on(day(9)));
        assert!(!contact.present_on(day(10)));
    }
}
