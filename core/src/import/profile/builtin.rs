//! The profiles that come with the cockpit, one TOML file each under
//! `builtin/`, read with the same checks as a user's profile file.

use super::{Profile, ProfileError};

/// A built-in profile: its name and its text.
pub struct Builtin {
    pub name: &'static str,
    text: &'static str,
}

/// Every built-in profile, by name.
pub const BUILTIN: &[Builtin] = &[
    Builtin { name: "salesforce-accounts", text: include_str!("builtin/salesforce-accounts.toml") },
    Builtin { name: "hubspot-companies", text: include_str!("builtin/hubspot-companies.toml") },
    Builtin {
        name: "stripe-subscriptions",
        text: include_str!("builtin/stripe-subscriptions.toml"),
    },
];

impl Builtin {
    /// The profile's text, as a profile file would hold it.
    pub fn text(&self) -> &'static str {
        self.text
    }

    /// The profile, checked as a file would be.
    pub fn profile(&self) -> Result<Profile, ProfileError> {
        let file = format!("built-in profile {}", self.name);
        Profile::parse(self.text, &file, self.name)
    }
}
