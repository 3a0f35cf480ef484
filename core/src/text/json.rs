//! JSON for scripts, with C1 controls, DEL and bidi controls and marks
//! escaped as `\uXXXX` (serde_json escapes only C0 controls, `"` and `\`
//! and passes the rest raw). Parsing the output gives back the stored text
//! exactly; a terminal showing it sees nothing it could act on.

use super::inert::is_forbidden;
use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};
use std::io;

/// A compact formatter that escapes every character a terminal could act on.
#[derive(Debug, Default, Clone, Copy)]
pub struct InertFormatter;

impl Formatter for InertFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (index, c) in fragment.char_indices() {
            if is_forbidden(c) {
                writer.write_all(&fragment.as_bytes()[start..index])?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = index + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// Writes `value` as compact JSON with inert strings.
pub fn to_writer<W: io::Write, T: ?Sized + Serialize>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut serializer = Serializer::with_formatter(writer, InertFormatter);
    value.serialize(&mut serializer)
}

/// `value` as compact JSON with inert strings.
pub fn to_string<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    to_writer(&mut out, value)?;
    String::from_utf8(out).map_err(|e| serde::ser::Error::custom(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    #[test]
    fn c1_and_bidi_are_escaped() {
        let text = "a\u{1b}[2J\u{9b}\u{202e}\u{2066}\u{200e}\u{61c}\u{7f}b";
        let out = to_string(&json!({ "name": text })).expect("json");
        assert_eq!(out, r#"{"name":"a\u001b[2J\u009b\u202e\u2066\u200e\u061c\u007fb"}"#);
        let back: Value = serde_json::from_str(&out).expect("parse");
        assert_eq!(back["name"], text);
    }

    #[test]
    fn plain_text_and_numbers_are_as_serde_writes_them() {
        let value = json!({"name": "Café 株式会社 🚀 \"q\"\\", "arr": 1234.5, "n": null});
        assert_eq!(to_string(&value).expect("json"), serde_json::to_string(&value).expect("json"));
    }

    proptest! {
        #[test]
        fn round_trips_and_carries_nothing_raw(text in any::<String>()) {
            let out = to_string(&json!({ "t": text.clone() })).expect("json");
            prop_assert!(!out.chars().any(is_forbidden));
            let back: Value = serde_json::from_str(&out).expect("parse");
            prop_assert_eq!(back["t"].as_str(), Some(text.as_str()));
        }
    }
}
