//! Account health: red, orange, yellow, green. Always shown with its letter as
//! well as its colour, so it reads in monochrome and for colour-blind users.

use super::UnknownWord;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    Red,
    Orange,
    Yellow,
    Green,
}

impl Health {
    pub const ALL: [Health; 4] = [Health::Red, Health::Orange, Health::Yellow, Health::Green];
    const WORDS: &'static str = "red, orange, yellow, green";

    pub fn as_str(self) -> &'static str {
        match self {
            Health::Red => "red",
            Health::Orange => "orange",
            Health::Yellow => "yellow",
            Health::Green => "green",
        }
    }

    /// The one-letter badge: R, O, Y, G.
    pub fn letter(self) -> char {
        match self {
            Health::Red => 'R',
            Health::Orange => 'O',
            Health::Yellow => 'Y',
            Health::Green => 'G',
        }
    }

    pub fn from_letter(letter: char) -> Option<Health> {
        match letter.to_ascii_uppercase() {
            'R' => Some(Health::Red),
            'O' => Some(Health::Orange),
            'Y' => Some(Health::Yellow),
            'G' => Some(Health::Green),
            _ => None,
        }
    }

    pub fn parse(text: &str) -> Result<Health, UnknownWord> {
        match text.trim().to_ascii_lowercase().as_str() {
            "red" | "r" => Ok(Health::Red),
            "orange" | "o" => Ok(Health::Orange),
            "yellow" | "y" => Ok(Health::Yellow),
            "green" | "g" => Ok(Health::Green),
            _ => Err(UnknownWord { value: text.trim().to_string(), expected: Self::WORDS }),
        }
    }

    /// Red and orange are "at risk".
    pub fn is_at_risk(self) -> bool {
        matches!(self, Health::Red | Health::Orange)
    }

    /// Worse health sorts first: red (0) … green (3).
    pub fn rank(self) -> u8 {
        self as u8
    }
}

impl fmt::Display for Health {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of an account's health history: from `on`, the account was `health`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthPoint {
    pub on: chrono::NaiveDate,
    pub health: Health,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_letters_round_trip() {
        for health in Health::ALL {
            assert_eq!(Health::parse(health.as_str()), Ok(health));
            assert_eq!(Health::from_letter(health.letter()), Some(health));
        }
        assert_eq!(Health::parse(" Green "), Ok(Health::Green));
        assert!(Health::parse("purple").is_err());
        assert!(Health::Red < Health::Green);
    }
}
