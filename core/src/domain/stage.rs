//! The 4A cycle: Addiction, Adoption, Absorption, Adaptation.

use super::UnknownWord;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Addiction,
    Adoption,
    Absorption,
    Adaptation,
}

impl Stage {
    pub const ALL: [Stage; 4] =
        [Stage::Addiction, Stage::Adoption, Stage::Absorption, Stage::Adaptation];
    const WORDS: &'static str = "addiction, adoption, absorption, adaptation";

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Addiction => "addiction",
            Stage::Adoption => "adoption",
            Stage::Absorption => "absorption",
            Stage::Adaptation => "adaptation",
        }
    }

    /// Capitalised, for headings.
    pub fn title(self) -> &'static str {
        match self {
            Stage::Addiction => "Addiction",
            Stage::Adoption => "Adoption",
            Stage::Absorption => "Absorption",
            Stage::Adaptation => "Adaptation",
        }
    }

    pub fn parse(text: &str) -> Result<Stage, UnknownWord> {
        match text.trim().to_ascii_lowercase().as_str() {
            "addiction" => Ok(Stage::Addiction),
            "adoption" => Ok(Stage::Adoption),
            "absorption" => Ok(Stage::Absorption),
            "adaptation" => Ok(Stage::Adaptation),
            _ => Err(UnknownWord { value: text.trim().to_string(), expected: Self::WORDS }),
        }
    }

    /// 1 to 4, the position in the cycle.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for stage in Stage::ALL {
            assert_eq!(Stage::parse(stage.as_str()), Ok(stage));
        }
        assert_eq!(Stage::parse("ADOPTION"), Ok(Stage::Adoption));
        assert!(Stage::parse("adopted").is_err());
        assert_eq!(Stage::Adaptation.number(), 4);
    }
}
