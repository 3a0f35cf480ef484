//! Flags whose values are one of a core enum's names. The core crate knows
//! no command line, so the parser for its enums lives here.

use crate::export::ExportFormat;
use crate::import::ImportKind;
use clap::builder::{PossibleValuesParser, TypedValueParser};

/// A core enum the command line offers by name.
pub trait Choice: Copy + Send + Sync + 'static {
    fn all() -> &'static [Self];
    fn name(self) -> &'static str;
}

impl Choice for ImportKind {
    fn all() -> &'static [Self] {
        &ImportKind::EVERY
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
}

impl Choice for ExportFormat {
    fn all() -> &'static [Self] {
        &ExportFormat::ALL
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
}

impl Choice for crate::domain::opportunity::OpportunityStage {
    fn all() -> &'static [Self] {
        &Self::ALL
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
}

/// Parses one of `T`'s names; clap lists them in help, completions and errors.
pub fn parser<T: Choice>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::all().iter().map(|value| value.name())).try_map(|name: String| {
        T::all()
            .iter()
            .copied()
            .find(|value| value.name() == name)
            .ok_or_else(|| format!("unknown value {name}"))
    })
}
