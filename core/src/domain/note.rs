//! Notes and touches: what happened with an account, in the CSM's words.

use super::UnknownWord;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
}

impl NoteKind {
    pub const ALL: [NoteKind; 7] = [
        NoteKind::Call,
        NoteKind::Email,
        NoteKind::Meeting,
        NoteKind::Qbr,
        NoteKind::Note,
        NoteKind::SponsorChange,
        NoteKind::SevereCase,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Call => "call",
            NoteKind::Email => "email",
            NoteKind::Meeting => "meeting",
            NoteKind::Qbr => "qbr",
            NoteKind::Note => "note",
            NoteKind::SponsorChange => "sponsor_change",
            NoteKind::SevereCase => "severe_case",
        }
    }

    pub fn parse(text: &str) -> Result<NoteKind, UnknownWord> {
        let word = text.trim().to_ascii_lowercase();
        NoteKind::ALL.into_iter().find(|k| k.as_str() == word).ok_or(UnknownWord {
            value: text.trim().to_string(),
            expected: "call, email, meeting, qbr, note, sponsor_change, severe_case",
        })
    }

    /// A touch is a conversation with the customer; it resets the cadence clock.
    pub fn is_touch(self) -> bool {
        matches!(self, NoteKind::Call | NoteKind::Email | NoteKind::Meeting | NoteKind::Qbr)
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
            assert_eq!(NoteKind::parse(kind.as_str()), Ok(kind));
        }
        assert!(NoteKind::Call.is_touch());
        assert!(!NoteKind::SevereCase.is_touch());
        assert!(NoteKind::parse("tweet").is_err());
    }
}
