//! Notes and touches: what happened with an account, in the CSM's words.
//! A note's kind is one the cockpit names (a call, a QBR, a severe case …)
//! or one another tool named (`support`, `task`, `linkedin`), kept as
//! written. Which kinds count as a touch is a setting (`touch_kinds`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The most characters a kind another tool named may have.
pub const MAX_KIND_CHARS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NoteKind {
    Call,
    Email,
    Meeting,
    Qbr,
    Note,
    /// The sponsor or an executive changed: a health signal.
    SponsorChange,
    /// A high-severity support case: a health signal.
    SevereCase,
    /// A kind the cockpit does not name (`support`, `task`), as written.
    Other(String),
}

/// Why a text is not a note kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteKindError {
    #[error("the kind is empty; a word such as call, email, meeting, qbr or note is expected")]
    Empty,
    #[error("{0:?} is longer than {MAX_KIND_CHARS} characters; a kind is one or two words")]
    TooLong(String),
    #[error("{0:?} holds a control character; a kind is one or two plain words")]
    Control(String),
}

/// The kinds a touch is by default: conversations with the customer.
pub const DEFAULT_TOUCH_KINDS: [&str; 4] = ["call", "email", "meeting", "qbr"];

impl NoteKind {
    /// The kinds the cockpit names.
    pub const ALL: [NoteKind; 7] = [
        NoteKind::Call,
        NoteKind::Email,
        NoteKind::Meeting,
        NoteKind::Qbr,
        NoteKind::Note,
        NoteKind::SponsorChange,
        NoteKind::SevereCase,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            NoteKind::Call => "call",
            NoteKind::Email => "email",
            NoteKind::Meeting => "meeting",
            NoteKind::Qbr => "qbr",
            NoteKind::Note => "note",
            NoteKind::SponsorChange => "sponsor_change",
            NoteKind::SevereCase => "severe_case",
            NoteKind::Other(word) => word,
        }
    }

    /// A kind as a file or a person writes it: one the cockpit names (in
    /// any case), or another kept as written (trimmed), when it is short
    /// plain text.
    pub fn parse(text: &str) -> Result<NoteKind, NoteKindError> {
        let trimmed = text.trim();
        if let Some(kind) =
            NoteKind::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(trimmed))
        {
            return Ok(kind);
        }
        if trimmed.is_empty() {
            return Err(NoteKindError::Empty);
        }
        if trimmed.chars().any(|c| c.is_control() || crate::text::inert::is_forbidden(c)) {
            return Err(NoteKindError::Control(trimmed.to_string()));
        }
        if trimmed.chars().count() > MAX_KIND_CHARS {
            return Err(NoteKindError::TooLong(trimmed.to_string()));
        }
        Ok(NoteKind::Other(trimmed.to_string()))
    }

    /// Whether this kind is one of `touch_kinds` (compared without regard
    /// to ASCII case): a touch resets the cadence clock.
    pub fn is_touch_in(&self, touch_kinds: &[String]) -> bool {
        touch_kinds.iter().any(|kind| kind.eq_ignore_ascii_case(self.as_str()))
    }

    /// Whether this kind is a touch by the default setting.
    pub fn is_touch(&self) -> bool {
        DEFAULT_TOUCH_KINDS.iter().any(|kind| kind.eq_ignore_ascii_case(self.as_str()))
    }
}

impl fmt::Display for NoteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for NoteKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for NoteKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<NoteKind, D::Error> {
        let text = String::deserialize(deserializer)?;
        NoteKind::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub account_id: String,
    pub at: DateTime<Utc>,
    pub kind: NoteKind,
    pub text: String,
    /// Who wrote it; empty for imported notes.
    pub who: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_touches() {
        for kind in NoteKind::ALL {
            assert_eq!(NoteKind::parse(kind.as_str()), Ok(kind.clone()));
            assert_eq!(NoteKind::parse(&kind.as_str().to_uppercase()), Ok(kind));
        }
        assert!(NoteKind::Call.is_touch());
        assert!(!NoteKind::SevereCase.is_touch());
    }

    #[test]
    fn other_kinds_are_kept_as_written_when_plain() {
        assert_eq!(NoteKind::parse(" LinkedIn "), Ok(NoteKind::Other("LinkedIn".into())));
        assert_eq!(
            NoteKind::parse("support ticket").map(|k| k.to_string()),
            Ok("support ticket".into())
        );
        assert_eq!(NoteKind::parse("  "), Err(NoteKindError::Empty));
        assert!(matches!(NoteKind::parse("x\u{1b}[2J"), Err(NoteKindError::Control(_))));
        assert!(matches!(NoteKind::parse("a\u{202e}b"), Err(NoteKindError::Control(_))));
        assert!(matches!(NoteKind::parse(&"k".repeat(41)), Err(NoteKindError::TooLong(_))));
        assert!(NoteKind::parse(&"k".repeat(40)).is_ok());
    }

    #[test]
    fn touches_follow_the_setting() {
        let touches = vec!["call".to_string(), "Support".to_string()];
        assert!(NoteKind::Call.is_touch_in(&touches));
        assert!(!NoteKind::Email.is_touch_in(&touches));
        assert!(NoteKind::Other("support".into()).is_touch_in(&touches));
        assert!(!NoteKind::Other("task".into()).is_touch_in(&touches));
        assert!(!NoteKind::Other("task".into()).is_touch());
    }

    #[test]
    fn kinds_serialize_as_their_word() {
        let json = serde_json::to_string(&NoteKind::Other("task".into())).expect("json");
        assert_eq!(json, "\"task\"");
        let back: NoteKind = serde_json::from_str("\"sponsor_change\"").expect("parse");
        assert_eq!(back, NoteKind::SponsorChange);
    }
}
