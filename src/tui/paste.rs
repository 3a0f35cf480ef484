//! Pasted text (the terminal's bracketed paste) going into a text field:
//! the whole paste lands at the cursor in one edit, never as keys, so a
//! pasted `q` or digit is text and a megabyte costs one copy, not one edit
//! per character. Owns the rule of what a field takes: a one-line field
//! refuses a paste of several lines and keeps what it had; a note keeps its
//! line breaks. Also the one-line view of a note that holds line breaks.
//! Draws nothing and never writes to the store.

use tui_input::Input;

/// What a text field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One line: a name, a reason, a date, a search.
    One,
    /// Several lines: the text of a note.
    Many,
}

/// The status line when a paste arrives with no text field to take it.
pub const NO_FIELD: &str = "nothing pasted: no text field is open (a form, a note or the search)";

/// Pastes `text` at the cursor of `input`; an error (and `input` as it
/// was) when a one-line field is given several lines. Terminals send line
/// breaks as `\r` or `\r\n`: both become `\n`. One line break at the end of
/// a one-line paste (a copied line) is dropped.
pub fn paste(input: &mut Input, text: &str, lines: Lines) -> Result<(), String> {
    let text = match lines {
        Lines::One => one_line(text)?,
        Lines::Many => text.replace("\r\n", "\n").replace('\r', "\n"),
    };
    if text.is_empty() {
        return Ok(());
    }
    let value = input.value();
    let cursor = input.cursor();
    let byte = value.char_indices().nth(cursor).map_or(value.len(), |(i, _)| i);
    let mut joined = String::with_capacity(value.len() + text.len());
    joined.push_str(&value[..byte]);
    joined.push_str(&text);
    joined.push_str(&value[byte..]);
    let cursor = cursor + text.chars().count();
    *input = Input::new(joined).with_cursor(cursor);
    Ok(())
}

/// A paste for a one-line field: its text without the one line break a
/// copied line ends with, or the refusal when it holds several lines.
pub fn one_line(text: &str) -> Result<String, String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let line = text.strip_suffix('\n').unwrap_or(&text);
    if line.contains('\n') {
        let count = line.split('\n').count();
        return Err(format!(
            "nothing pasted: this field takes one line and the paste has {count} lines"
        ));
    }
    Ok(line.to_string())
}

/// The part of a field's `value` to show in `width` columns so that the
/// cursor (`cursor` characters in) is on screen, line breaks shown as `⏎`,
/// and the cursor's column in it. Walks only the characters around the
/// cursor that can be seen, however long the text.
pub fn window(value: &str, cursor: usize, width: usize) -> (String, usize) {
    let width = width.max(1);
    // A control character shows as its picture (`text::inert`), never
    // dropped and never sent raw; a line break as `⏎`.
    let shown = |c: char| -> String {
        if c == '\n' {
            "⏎".to_string()
        } else {
            crate::text::inert::line(c.encode_utf8(&mut [0; 4])).into_owned()
        }
    };
    let cells = |c: char| crate::text::inert::width(&shown(c));
    let byte = value.char_indices().nth(cursor).map_or(value.len(), |(i, _)| i);
    let (before, after) = value.split_at(byte);
    // Keep the cursor in the last column at most.
    let mut start = before.len();
    let mut column = 0;
    for (index, c) in before.char_indices().rev() {
        let w = cells(c);
        if column + w >= width {
            break;
        }
        column += w;
        start = index;
    }
    let mut out: String = before[start..].chars().map(shown).collect();
    let mut used = column;
    for c in after.chars() {
        let w = cells(c);
        if used + w > width {
            break;
        }
        used += w;
        out.push_str(&shown(c));
    }
    (out, column)
}

/// What a one-line field shows in a popup `popup_width` columns wide
/// (borders included) after a label `prefix` columns wide: the part around
/// the cursor that fits, so a long paste costs a screenful to draw, not its
/// length. The popup puts the cursor with [`window`] on the same width.
pub fn shown(input: &Input, popup_width: u16, prefix: usize) -> String {
    let width = usize::from(popup_width).saturating_sub(2 + prefix);
    window(input.value(), input.cursor(), width).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_shows_control_characters_as_their_pictures() {
        let value = "line2 \u{1b}[31mred\u{7}\r";
        let (shown, column) = window(value, value.chars().count(), 40);
        assert_eq!(shown, "line2 ␛[31mred␇␍");
        assert_eq!(column, 16);
    }

    #[test]
    fn a_paste_lands_at_the_cursor_whole() {
        let mut input = Input::new("ab".to_string()).with_cursor(1);
        paste(&mut input, "q1 2", Lines::One).expect("test");
        assert_eq!(input.value(), "aq1 2b");
        assert_eq!(input.cursor(), 5);
    }

    #[test]
    fn a_one_line_field_refuses_lines_and_keeps_its_text() {
        let mut input = Input::new("kept".to_string());
        let error = paste(&mut input, "one\r\ntwo\nthree", Lines::One).expect_err("refused");
        assert!(error.contains("one line") && error.contains("3 lines"), "{error}");
        assert_eq!(input.value(), "kept");
        // A copied line with its line break is one line.
        paste(&mut input, " more\n", Lines::One).expect("test");
        assert_eq!(input.value(), "kept more");
    }

    #[test]
    fn a_note_keeps_its_line_breaks() {
        let mut input = Input::default();
        paste(&mut input, "first\r\nsecond\rthird\n", Lines::Many).expect("test");
        assert_eq!(input.value(), "first\nsecond\nthird\n");
    }

    #[test]
    fn a_megabyte_paste_is_one_edit() {
        let text = "x".repeat(1 << 20);
        let mut input = Input::new("é".to_string());
        let started = std::time::Instant::now();
        paste(&mut input, &text, Lines::Many).expect("test");
        let (shown, column) = window(input.value(), input.cursor(), 60);
        let took = started.elapsed();
        assert_eq!(input.value().len(), (1 << 20) + 2);
        assert_eq!(shown.chars().count(), 59);
        assert_eq!(column, 59);
        assert!(took < std::time::Duration::from_millis(100), "{took:?}");
    }

    #[test]
    fn the_window_follows_the_cursor_and_shows_breaks() {
        assert_eq!(window("a\nb", 3, 10), ("a⏎b".to_string(), 3));
        assert_eq!(window("abcdef", 6, 4), ("def".to_string(), 3));
        assert_eq!(window("abcdef", 0, 4), ("abcd".to_string(), 0));
    }
}
