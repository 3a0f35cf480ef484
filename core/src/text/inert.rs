//! Stored text made inert for a terminal. Names, notes and causes are kept
//! exactly as imported; only when they are shown do the characters a
//! terminal acts on become visible marks:
//!
//! - C0 controls and DEL become their Unicode control pictures: ESC is `␛`,
//!   a carriage return `␍`, NUL `␀`, DEL `␡`. A newline and a tab pass
//!   through where the caller shows several lines ([`lines`]); in one line
//!   ([`line`]) they are `␊` and `␉`.
//! - C1 controls (U+0080–U+009F), bidi overrides and isolates (U+202A–U+202E,
//!   U+2066–U+2069) and the bidi marks (U+200E, U+200F, U+061C) become a
//!   readable code point in angle brackets: `⟨U+202E⟩`.
//!
//! [`width`] measures the shown text in terminal cells (wide CJK characters
//! and emoji count two), so tables can align. This module knows nothing of
//! the terminal library or the command line.

use std::borrow::Cow;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

/// Whether a terminal could act on `c` (or reorder the text around it)
/// instead of showing it.
pub fn is_forbidden(c: char) -> bool {
    c.is_ascii_control() || ('\u{80}'..='\u{9f}').contains(&c) || is_bidi_control(c)
}

/// Bidi overrides, embeddings, isolates and marks.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// `text` on one line: every forbidden character, newline and tab included,
/// shown as a visible mark.
pub fn line(text: &str) -> Cow<'_, str> {
    shown(text, false)
}

/// `text` over several lines: newlines and tabs kept, every other forbidden
/// character shown as a visible mark.
pub fn lines(text: &str) -> Cow<'_, str> {
    shown(text, true)
}

/// `text` for an iCalendar TEXT value: newlines kept (the calendar writer
/// escapes them as `\n`, with `\\`, `\;` and `\,`), a tab as a space,
/// every other forbidden character a visible mark, so the file carries no
/// control character at all.
pub fn calendar(text: &str) -> Cow<'_, str> {
    match lines(text) {
        Cow::Borrowed(text) if !text.contains('\t') => Cow::Borrowed(text),
        shown => Cow::Owned(shown.replace('\t', " ")),
    }
}

/// The width in terminal cells of `text` shown on one line.
pub fn width(text: &str) -> usize {
    line(text).width()
}

fn shown(text: &str, keep_breaks: bool) -> Cow<'_, str> {
    let kept = |c: char| keep_breaks && matches!(c, '\n' | '\t');
    if !text.chars().any(|c| is_forbidden(c) && !kept(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_forbidden(c) || kept(c) {
            out.push(c);
        } else {
            push_mark(&mut out, c);
        }
    }
    Cow::Owned(out)
}

fn push_mark(out: &mut String, c: char) {
    let code = u32::from(c);
    let picture = match code {
        0x00..=0x1f => char::from_u32(0x2400 + code),
        0x7f => Some('\u{2421}'),
        _ => None,
    };
    match picture {
        Some(picture) => out.push(picture),
        None => {
            let _ = write!(out, "⟨U+{code:04X}⟩");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_become_visible() {
        assert_eq!(line("Acme\u{1b}]0;owned\u{7}"), "Acme␛]0;owned␇");
        assert_eq!(line("\u{1b}]52;c;ZXZpbA==\u{1b}\\"), "␛]52;c;ZXZpbA==␛\\");
        assert_eq!(line("a\u{7f}b\rc\0"), "a␡b␍c␀");
        assert_eq!(line("x\u{9b}2J"), "x⟨U+009B⟩2J");
        assert_eq!(line("evil\u{202e}txt.exe"), "evil⟨U+202E⟩txt.exe");
        assert_eq!(line("\u{2066}\u{200f}\u{61c}"), "⟨U+2066⟩⟨U+200F⟩⟨U+061C⟩");
    }

    #[test]
    fn breaks_are_kept_only_when_asked() {
        assert_eq!(line("a\nb\tc"), "a␊b␉c");
        assert_eq!(lines("a\nb\tc\u{1b}"), "a\nb\tc␛");
    }

    #[test]
    fn calendar_text_keeps_only_newlines() {
        assert_eq!(calendar("a\tb\nc\u{1b}[31m\r"), "a b\nc␛[31m␍");
        assert!(matches!(calendar("Acme; a, b"), Cow::Borrowed(_)));
    }

    #[test]
    fn printable_text_is_borrowed_unchanged() {
        for text in ["Acme GmbH", "株式会社テスト", "Café 🚀", "שלום", ""] {
            assert!(matches!(line(text), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn width_counts_terminal_cells() {
        assert_eq!(width("Acme"), 4);
        assert_eq!(width("株式会社"), 8);
        assert_eq!(width("🚀 go"), 5);
        assert_eq!(width("a\u{1b}b"), 3);
        assert_eq!(width("\u{202e}"), "⟨U+202E⟩".width());
    }

    proptest! {
        #[test]
        fn nothing_forbidden_gets_through(text in any::<String>()) {
            let shown = line(&text);
            prop_assert!(!shown.chars().any(is_forbidden));
            let several = lines(&text);
            prop_assert!(!several.chars().any(|c| is_forbidden(c) && c != '\n' && c != '\t'));
        }

        #[test]
        fn forbidden_mixes_are_marked(text in "[a\u{1b}\u{7f}\u{85}\u{202e}\u{200e}\n\t]{0,20}") {
            prop_assert!(!line(&text).chars().any(is_forbidden));
            prop_assert_eq!(line(&text).chars().count() >= text.chars().count(), true);
        }

        #[test]
        fn printable_text_is_unchanged(text in any::<String>()) {
            let printable: String = text.chars().filter(|c| !is_forbidden(*c)).collect();
            prop_assert_eq!(line(&printable), printable.as_str());
            prop_assert_eq!(width(&printable), printable.width());
        }
    }
}
