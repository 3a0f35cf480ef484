//! Playbooks: named templates of steps with due offsets, each with the
//! trigger that starts it (a renewal window entered, health set to red or
//! orange, a sponsor-change or severe-case note, a new account, or only by
//! hand). Plain data and rules: the `[playbooks]` settings as written, their
//! four defaults, and the dates a playbook's steps fall on. The store keeps
//! the tasks a playbook starts and remembers each occurrence it fired for.
//!
//! **Dates**: each step's due date is its offset from the playbook's
//! anchor — the renewal date for a renewal window, otherwise the day the
//! playbook starts. Months and years are calendar months (31 January + 1
//! month = 28 or 29 February; 29 February + 1 year = 28 February). A step
//! whose date falls before the day the playbook starts (a renewal window
//! entered late) is due that day rather than already late.

use super::month::add_months;
use chrono::{Duration, NaiveDate};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// What starts a playbook by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// The account's next renewal is `window_days` away or nearer.
    RenewalWindow,
    /// The account's health is set to red or orange from another colour.
    HealthRedOrOrange,
    /// A note marked as a sponsor change or a severe case is written.
    SponsorChangeOrSevereCase,
    /// The account's first ARR month is within `window_days` of today.
    NewAccount,
    /// Never by itself: only started by hand from an account.
    Manual,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::RenewalWindow => "renewal_window",
            Trigger::HealthRedOrOrange => "health_red_or_orange",
            Trigger::SponsorChangeOrSevereCase => "sponsor_change_or_severe_case",
            Trigger::NewAccount => "new_account",
            Trigger::Manual => "manual",
        }
    }

    /// Whether the trigger reads `window_days`.
    fn has_window(self) -> bool {
        matches!(self, Trigger::RenewalWindow | Trigger::NewAccount)
    }

    /// A few words for the picker and the README.
    pub fn describe(self, window_days: i64) -> String {
        match self {
            Trigger::RenewalWindow => format!("renewal within {window_days} days"),
            Trigger::HealthRedOrOrange => "health set to red or orange".to_string(),
            Trigger::SponsorChangeOrSevereCase => "sponsor change or severe case".to_string(),
            Trigger::NewAccount => format!("first ARR within {window_days} days"),
            Trigger::Manual => "by hand only".to_string(),
        }
    }
}

/// The unit of a step's offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OffsetUnit {
    Days,
    Weeks,
    Months,
    Years,
}

/// How far from the anchor a step is due: `-120 days`, `+2 weeks`,
/// `-4 months`, `1 year`. A bare number in the settings is days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Offset {
    pub amount: i32,
    pub unit: OffsetUnit,
}

/// The largest offset a step may have, in its unit's days (ten years).
const MAX_OFFSET_DAYS: i64 = 3660;

impl Offset {
    pub fn days(amount: i32) -> Offset {
        Offset { amount, unit: OffsetUnit::Days }
    }

    /// Reads `-120 days`, `+2w`, `3 months`, `-1 year`, `0`.
    pub fn parse(text: &str) -> Result<Offset, String> {
        let expected = || {
            format!(
                "{text:?} is not an offset: a signed number of days, weeks, months or years \
                 expected (\"-120 days\", \"+2 weeks\", \"-4 months\")"
            )
        };
        let trimmed = text.trim();
        let split = trimmed
            .char_indices()
            .find(|(at, c)| *at > 0 && !c.is_ascii_digit())
            .map_or(trimmed.len(), |(at, _)| at);
        let (number, unit) = trimmed.split_at(split);
        let amount: i32 = number.trim_start_matches('+').parse().map_err(|_| expected())?;
        let unit = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "d" | "day" | "days" => OffsetUnit::Days,
            "w" | "week" | "weeks" => OffsetUnit::Weeks,
            "m" | "month" | "months" => OffsetUnit::Months,
            "y" | "year" | "years" => OffsetUnit::Years,
            _ => return Err(expected()),
        };
        let offset = Offset { amount, unit };
        if offset.rough_days().abs() > MAX_OFFSET_DAYS {
            return Err(format!("{text:?}: an offset of at most ten years expected"));
        }
        Ok(offset)
    }

    fn rough_days(self) -> i64 {
        let amount = i64::from(self.amount);
        match self.unit {
            OffsetUnit::Days => amount,
            OffsetUnit::Weeks => amount * 7,
            OffsetUnit::Months => amount * 31,
            OffsetUnit::Years => amount * 366,
        }
    }

    /// The day this offset lands on from `anchor` (months clamp to the end
    /// of a shorter month).
    pub fn from(self, anchor: NaiveDate) -> NaiveDate {
        match self.unit {
            OffsetUnit::Days => anchor + Duration::days(i64::from(self.amount)),
            OffsetUnit::Weeks => anchor + Duration::days(i64::from(self.amount) * 7),
            OffsetUnit::Months => add_months(anchor, self.amount),
            OffsetUnit::Years => add_months(anchor, self.amount.saturating_mul(12)),
        }
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (one, many) = match self.unit {
            OffsetUnit::Days => ("day", "days"),
            OffsetUnit::Weeks => ("week", "weeks"),
            OffsetUnit::Months => ("month", "months"),
            OffsetUnit::Years => ("year", "years"),
        };
        let sign = if self.amount > 0 { "+" } else { "" };
        let unit = if self.amount.abs() == 1 { one } else { many };
        write!(f, "{sign}{} {unit}", self.amount)
    }
}

impl Serialize for Offset {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Offset {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Offset, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Offset;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "an offset: days as a number, or \"-120 days\", \"+2 weeks\", \"-4 months\"",
                )
            }
            fn visit_i64<E: serde::de::Error>(self, days: i64) -> Result<Offset, E> {
                i32::try_from(days)
                    .ok()
                    .filter(|d| i64::from(*d).abs() <= MAX_OFFSET_DAYS)
                    .map(Offset::days)
                    .ok_or_else(|| E::custom(format!("{days}: at most 3660 days expected")))
            }
            fn visit_u64<E: serde::de::Error>(self, days: u64) -> Result<Offset, E> {
                self.visit_i64(i64::try_from(days).unwrap_or(i64::MAX))
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Offset, E> {
                Offset::parse(text).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// One step of a playbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaybookStep {
    pub title: String,
    pub due: Offset,
}

/// A playbook as the settings hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Playbook {
    /// The key under `[playbooks]`: stored with each task it starts.
    pub key: String,
    pub name: String,
    pub trigger: Trigger,
    /// For `renewal_window` and `new_account`: how many days.
    pub window_days: i64,
    pub steps: Vec<PlaybookStep>,
}

/// A playbook table as written, checked into a [`Playbook`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Written {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    trigger: Option<Trigger>,
    #[serde(default)]
    window_days: Option<i64>,
    #[serde(default)]
    steps: Option<Vec<PlaybookStep>>,
    /// `false` removes a default playbook.
    #[serde(default = "yes")]
    enabled: bool,
}

fn yes() -> bool {
    true
}

impl Playbook {
    /// The anchor its steps count from: the renewal date for a renewal
    /// playbook (when known), otherwise the day it starts.
    pub fn anchor(&self, start: NaiveDate, renewal: Option<NaiveDate>) -> NaiveDate {
        match (self.trigger, renewal) {
            (Trigger::RenewalWindow, Some(renewal)) => renewal,
            _ => start,
        }
    }

    /// Each step's title and due date for a playbook started on `start`
    /// from `anchor`; a step due before `start` is due on `start`.
    pub fn schedule(&self, start: NaiveDate, anchor: NaiveDate) -> Vec<(String, NaiveDate)> {
        self.steps
            .iter()
            .map(|step| (step.title.clone(), step.due.from(anchor).max(start)))
            .collect()
    }

    /// Checks a written table, merged over the default of the same key.
    fn from_written(
        key: &str,
        written: Written,
        default: Option<&Playbook>,
    ) -> Result<Playbook, String> {
        let at = |what: String| format!("playbooks.{key}: {what}");
        let name = written.name.or_else(|| default.map(|d| d.name.clone()));
        let trigger = written.trigger.or_else(|| default.map(|d| d.trigger));
        let steps = written.steps.or_else(|| default.map(|d| d.steps.clone()));
        let (Some(name), Some(trigger), Some(steps)) = (name, trigger, steps) else {
            return Err(at("a new playbook needs name, trigger and steps".to_string()));
        };
        let name = name.trim().to_string();
        if name.is_empty() || name.chars().any(char::is_control) || name.chars().count() > 60 {
            return Err(at(format!("name {name:?}: 1 to 60 printable characters expected")));
        }
        if steps.is_empty() {
            return Err(at("at least one step expected".to_string()));
        }
        let mut clean = Vec::with_capacity(steps.len());
        for (at_step, step) in steps.into_iter().enumerate() {
            let title = step.title.trim().to_string();
            if title.is_empty() || title.chars().any(char::is_control) || title.chars().count() > 80
            {
                return Err(at(format!(
                    "step {}: a title of 1 to 80 printable characters expected",
                    at_step + 1
                )));
            }
            clean.push(PlaybookStep { title, due: step.due });
        }
        let window_days = match (trigger.has_window(), written.window_days) {
            (true, Some(days)) => days,
            (true, None) => default
                .filter(|d| d.trigger == trigger)
                .map(|d| d.window_days)
                .ok_or_else(|| at(format!("trigger {} needs window_days", trigger.as_str())))?,
            (false, Some(days)) => {
                return Err(at(format!(
                    "window_days = {days}: only renewal_window and new_account read it"
                )));
            }
            (false, None) => 0,
        };
        if trigger.has_window() && !(1..=730).contains(&window_days) {
            return Err(at(format!("window_days = {window_days}: 1 to 730 days expected")));
        }
        Ok(Playbook { key: key.to_string(), name, trigger, window_days, steps: clean })
    }
}

/// The playbooks in use: the defaults, with `[playbooks.KEY]` tables of the
/// settings replacing (field by field) or adding to them, and `enabled =
/// false` removing one. Defaults come first, in their order; added
/// playbooks follow in the file's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playbooks(pub Vec<Playbook>);

impl Playbooks {
    /// None at all: nothing fires (stores opened for tests and workers).
    pub fn none() -> Playbooks {
        Playbooks(Vec::new())
    }

    pub fn get(&self, key: &str) -> Option<&Playbook> {
        self.0.iter().find(|p| p.key == key)
    }

    /// The playbooks a trigger starts.
    pub fn triggered_by(&self, trigger: Trigger) -> impl Iterator<Item = &Playbook> {
        self.0.iter().filter(move |p| p.trigger == trigger)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Playbook> {
        self.0.iter()
    }
}

fn step(title: &str, days: i32) -> PlaybookStep {
    PlaybookStep { title: title.to_string(), due: Offset::days(days) }
}

impl Default for Playbooks {
    /// The four defaults: renewal (120 days), save plan, sponsor change,
    /// onboarding.
    fn default() -> Playbooks {
        let playbook = |key: &str, name: &str, trigger, window_days, steps| Playbook {
            key: key.to_string(),
            name: name.to_string(),
            trigger,
            window_days,
            steps,
        };
        Playbooks(vec![
            playbook(
                "renewal",
                "Renewal, 120 days",
                Trigger::RenewalWindow,
                120,
                vec![
                    step("Confirm stakeholders", -120),
                    step("Value review", -90),
                    step("Send the proposal", -60),
                    step("Get the signature", -30),
                ],
            ),
            playbook(
                "save_plan",
                "Save plan",
                Trigger::HealthRedOrOrange,
                0,
                vec![
                    step("Find the root cause", 2),
                    step("Call the sponsor", 5),
                    step("Agree a recovery plan", 14),
                    step("Review progress", 30),
                ],
            ),
            playbook(
                "sponsor_change",
                "Sponsor change",
                Trigger::SponsorChangeOrSevereCase,
                0,
                vec![
                    step("Reach out to the new contact", 3),
                    step("Re-present the value delivered", 14),
                    step("Map the new stakeholders", 30),
                ],
            ),
            playbook(
                "onboarding",
                "Onboarding",
                Trigger::NewAccount,
                60,
                vec![
                    step("Kick-off call", 7),
                    step("First value delivered", 30),
                    step("Onboarding review", 60),
                ],
            ),
        ])
    }
}

impl Serialize for Playbooks {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for playbook in &self.0 {
            map.serialize_entry(&playbook.key, playbook)?;
        }
        map.end()
    }
}

/// One `[playbooks.KEY]` table, checked while it is read so that an error
/// carries the table's place in the file.
struct Entry<'a> {
    key: &'a str,
    default: Option<&'a Playbook>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Entry<'_> {
    type Value = Option<Playbook>;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Option<Playbook>, D::Error> {
        let written = Written::deserialize(deserializer)?;
        if !written.enabled {
            return Ok(None);
        }
        Playbook::from_written(self.key, written, self.default).map(Some).map_err(D::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Playbooks {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Playbooks, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Playbooks;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of playbooks ([playbooks.renewal], [playbooks.save_plan], …)")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Playbooks, A::Error> {
                let mut playbooks = Playbooks::default().0;
                while let Some(key) = map.next_key::<String>()? {
                    if key.is_empty()
                        || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                    {
                        return Err(A::Error::custom(format!(
                            "playbooks.{key:?}: a key of letters, digits, _ and - expected"
                        )));
                    }
                    let existing = playbooks.iter().position(|p| p.key == key);
                    let default = existing.and_then(|at| playbooks.get(at)).cloned();
                    let entry = Entry { key: &key, default: default.as_ref() };
                    match (map.next_value_seed(entry)?, existing) {
                        (Some(playbook), Some(at)) => playbooks[at] = playbook,
                        (Some(playbook), None) => playbooks.push(playbook),
                        (None, Some(at)) => {
                            playbooks.remove(at);
                        }
                        (None, None) => {}
                    }
                }
                Ok(Playbooks(playbooks))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("day")
    }

    #[test]
    fn offsets_read_and_print_in_words() {
        assert_eq!(Offset::parse("-120 days"), Ok(Offset::days(-120)));
        assert_eq!(Offset::parse("+2w"), Ok(Offset { amount: 2, unit: OffsetUnit::Weeks }));
        assert_eq!(Offset::parse("-4 months"), Ok(Offset { amount: -4, unit: OffsetUnit::Months }));
        assert_eq!(Offset::parse("1 year"), Ok(Offset { amount: 1, unit: OffsetUnit::Years }));
        assert_eq!(Offset::parse("0"), Ok(Offset::days(0)));
        assert!(Offset::parse("soon").is_err());
        assert!(Offset::parse("-3 fortnights").is_err());
        assert!(Offset::parse("11 years").is_err());
        assert_eq!(Offset::days(-120).to_string(), "-120 days");
        assert_eq!(Offset { amount: 1, unit: OffsetUnit::Months }.to_string(), "+1 month");
    }

    #[test]
    fn offsets_land_on_month_ends_and_29_february() {
        // Worked by hand: 31 Mar − 1 month = 28 Feb (2025 is common), 29 Feb
        // 2024 + 1 year = 28 Feb 2025, 31 Jan 2024 + 1 month = 29 Feb 2024.
        let months = |n| Offset { amount: n, unit: OffsetUnit::Months };
        assert_eq!(months(-1).from(day(2025, 3, 31)), day(2025, 2, 28));
        assert_eq!(months(1).from(day(2024, 1, 31)), day(2024, 2, 29));
        assert_eq!(
            Offset { amount: 1, unit: OffsetUnit::Years }.from(day(2024, 2, 29)),
            day(2025, 2, 28)
        );
        assert_eq!(
            Offset { amount: -4, unit: OffsetUnit::Years }.from(day(2028, 2, 29)),
            day(2024, 2, 29)
        );
        // Days cross the leap day: 1 Mar 2024 − 1 day = 29 Feb; 120 days
        // before 30 Jun 2024 = 1 Mar 2024 (30+31+30+29 = 120 days back).
        assert_eq!(Offset::days(-1).from(day(2024, 3, 1)), day(2024, 2, 29));
        assert_eq!(Offset::days(-120).from(day(2024, 6, 29)), day(2024, 3, 1));
    }

    #[test]
    fn a_renewal_playbook_counts_from_the_renewal_and_never_from_before_its_start() {
        let playbooks = Playbooks::default();
        let renewal = playbooks.get("renewal").expect("renewal");
        let renews = day(2025, 6, 30);
        // Entered late, 100 days out: the −120 step is due on the start day.
        let start = day(2025, 3, 22);
        let anchor = renewal.anchor(start, Some(renews));
        let dates: Vec<NaiveDate> =
            renewal.schedule(start, anchor).into_iter().map(|s| s.1).collect();
        assert_eq!(dates, [start, day(2025, 4, 1), day(2025, 5, 1), day(2025, 5, 31)]);
        // The save plan counts from the day it starts, whatever the renewal.
        let save = playbooks.get("save_plan").expect("save");
        assert_eq!(save.anchor(start, Some(renews)), start);
    }

    fn read(text: &str) -> Result<Playbooks, String> {
        #[derive(Deserialize)]
        struct Holder {
            #[serde(default)]
            playbooks: Playbooks,
        }
        toml::from_str::<Holder>(text).map(|h| h.playbooks).map_err(|e| e.to_string())
    }

    #[test]
    fn settings_replace_add_and_remove_playbooks() {
        assert_eq!(read(""), Ok(Playbooks::default()));
        let playbooks = read(
            "[playbooks.renewal]\nwindow_days = 90\n\
             [playbooks.onboarding]\nenabled = false\n\
             [playbooks.qbr_prep]\nname = \"QBR prep\"\ntrigger = \"manual\"\n\
             steps = [{ title = \"Pull usage\", due = \"+1 week\" }, { title = \"Deck\", due = 10 }]\n",
        )
        .expect("playbooks");
        let keys: Vec<&str> = playbooks.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["renewal", "save_plan", "sponsor_change", "qbr_prep"]);
        let renewal = playbooks.get("renewal").expect("renewal");
        assert_eq!((renewal.window_days, renewal.steps.len()), (90, 4));
        let prep = playbooks.get("qbr_prep").expect("prep");
        assert_eq!(prep.steps[0].due, Offset { amount: 1, unit: OffsetUnit::Weeks });
        assert_eq!(prep.steps[1].due, Offset::days(10));
    }

    #[test]
    fn bad_playbooks_are_refused_with_a_reason() {
        let error = read("[playbooks.x]\nname = \"X\"\ntrigger = \"manual\"\nsteps = []\n")
            .expect_err("empty");
        assert!(error.contains("playbooks.x: at least one step expected"), "{error}");
        let error = read("[playbooks.renewal]\nwindow_days = 0\n").expect_err("window");
        assert!(error.contains("window_days = 0: 1 to 730 days expected"), "{error}");
        let error = read("[playbooks.save_plan]\nwindow_days = 10\n").expect_err("window");
        assert!(error.contains("only renewal_window and new_account"), "{error}");
        let error = read("[playbooks.y]\nname = \"Y\"\n").expect_err("incomplete");
        assert!(error.contains("needs name, trigger and steps"), "{error}");
        let error = read("[playbooks.save_plan]\ntrigger = \"health_red\"\n").expect_err("trigger");
        assert!(error.contains("unknown variant `health_red`"), "{error}");
        let error = read("[playbooks.save_plan]\nsteps = [{ title = \"A\", due = \"soon\" }]\n")
            .expect_err("due");
        assert!(error.contains("\"soon\" is not an offset"), "{error}");
    }
}
