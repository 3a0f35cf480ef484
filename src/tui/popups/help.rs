//! The `?` help popup: the keys of the focused pane and of every scope
//! active with it, by section. Any key closes it.

use super::{Outcome, PopupCx, PopupKind};
use crate::read::book::BookIndex;
use crate::tui::action::Action;
use crate::tui::forms::Drawn;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use ratatui::crossterm::event::KeyEvent;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// The keys of a pane: (keys, what they do) by section.
#[derive(Debug, Clone)]
pub struct HelpPopup {
    pub sections: Vec<(String, Vec<(String, &'static str)>)>,
}

impl PopupKind for HelpPopup {
    /// No table of its own: any key closes it.
    fn scope(&self) -> &'static str {
        "help"
    }

    fn key(&mut self, _key: KeyEvent, _action: Option<Action>, _cx: &PopupCx<'_>) -> Outcome {
        Outcome::Close
    }

    fn takes_text(&self) -> bool {
        false
    }

    fn drawn(&self, theme: Theme, _book: &BookIndex, _keymap: &Keymap) -> Drawn<'_> {
        let HelpPopup { sections } = self;
        let all = || sections.iter().flat_map(|(_, keys)| keys.iter());
        // The key column fits the longest key list, so a description never
        // runs into its keys ("Ctrl-F Alt-Enter").
        let key_width = all().map(|(key, _)| key.width() + 1).max().unwrap_or(0).max(14);
        let what_width = all().map(|(_, what)| what.width()).max().unwrap_or(0);
        let mut lines = Vec::new();
        for (title, keys) in sections {
            lines.push(Line::from(Span::styled(title.clone(), theme.header())));
            for (key, what) in keys {
                let pad = " ".repeat(key_width.saturating_sub(key.width()));
                lines.push(Line::from(vec![
                    Span::styled(format!("  {key}{pad}"), theme.key()),
                    Span::raw(*what),
                ]));
            }
        }
        lines.push(Line::from(Span::styled("any key closes", theme.dim())));
        let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        let width = u16::try_from((2 + key_width + what_width + 3).max(56)).unwrap_or(u16::MAX);
        ("Keys".to_string(), lines, (width, height), None)
    }
}
