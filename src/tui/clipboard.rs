//! Copying to the user's clipboard through the terminal itself: an OSC 52
//! sequence (`ESC ] 52 ; c ; BASE64 BEL`), which xterm, kitty, WezTerm,
//! iTerm2, foot, Alacritty, Windows Terminal and tmux (`set-clipboard on`)
//! pass to the system clipboard, so it works over SSH with nothing
//! installed on either side. This module only builds the text and the
//! sequence; the terminal loop writes it, and the `clipboard = false`
//! setting stops it there.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use std::io::Write;

/// Terminals cap an OSC 52 payload (xterm and tmux near 100 kB of base64);
/// what is copied here is a line, far below it, but a pathological name is
/// cut rather than sent whole and dropped.
const MAX_COPY_BYTES: usize = 64 * 1024;

/// What `y` copies for an account: its name and id, `Acme Corp (ACME-001)`,
/// made inert (a control character in a stored name arrives as its picture,
/// never as a key press in whatever the user pastes into).
pub fn account_text(name: &str, id: &str) -> String {
    let text = format!("{} ({})", crate::text::inert::line(name), crate::text::inert::line(id));
    if text.len() <= MAX_COPY_BYTES {
        return text;
    }
    let mut end = MAX_COPY_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

/// The OSC 52 sequence that puts `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", STANDARD.encode(text.as_bytes()))
}

/// Writes the sequence for `text` to the terminal and flushes it.
pub fn copy(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    out.write_all(osc52(text).as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_carries_the_text_in_base64() {
        assert_eq!(osc52("Acme (A1)"), "\x1b]52;c;QWNtZSAoQTEp\x07");
        let mut out = Vec::new();
        copy(&mut out, "Zürich AG (Z-9)").expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        let payload =
            text.strip_prefix("\x1b]52;c;").and_then(|t| t.strip_suffix('\x07')).expect("framing");
        assert_eq!(STANDARD.decode(payload).expect("base64"), "Zürich AG (Z-9)".as_bytes());
    }

    #[test]
    fn a_stored_control_character_is_copied_as_its_picture() {
        assert_eq!(account_text("Evil\x1b[2JCo", "E1"), "Evil␛[2JCo (E1)");
        assert_eq!(account_text("北京科技 🚀", "CN-1"), "北京科技 🚀 (CN-1)");
        let long = "é".repeat(MAX_COPY_BYTES);
        assert!(account_text(&long, "X").len() <= MAX_COPY_BYTES);
    }
}
