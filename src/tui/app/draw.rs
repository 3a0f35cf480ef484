//! Drawing the whole screen (tabs, the focused pane, hints, status line and
//! popup) and the `?` help. Reads the app's state only.

use super::*;
use crate::tui::keymap::FIND;

impl App {
    pub(super) fn help(&self) -> Popup {
        let pane = &self.panes[self.active];
        let notes: Vec<(String, &'static str)> =
            pane.help_notes().iter().map(|(k, v)| (k.to_string(), *v)).collect();
        if pane.typing() && (pane.typing_scope().is_some() || !notes.is_empty()) {
            // A form has the keys (the chain editor): only its own apply,
            // with the form's own table (and `Esc`, for a popup-like form).
            let table = pane.typing_scope().and_then(|s| self.keymap.table(s));
            let title = table.map_or_else(|| pane.help_notes_title(), |t| t.title.to_string());
            let mut keys = table.map(|t| self.keymap.help_of(&t.chain())).unwrap_or_default();
            keys.extend(notes);
            return Popup::help(vec![(title, keys)]);
        }
        let mut sections = vec![(pane.title().to_string(), self.keymap.help(pane.scope()))];
        if !notes.is_empty() {
            sections.push((pane.help_notes_title(), notes));
        }
        // The tables active with the pane, as the keymap looks them up; `/`
        // for the whole book shows with the global keys.
        let chain = self.keymap.chain(pane.scope());
        for scope in chain.iter().skip(1).filter(|s| ![FIND, GLOBAL].contains(*s)) {
            let title = self.keymap.table(scope).map_or(*scope, |t| t.title);
            sections.push((title.to_string(), self.keymap.help(scope)));
        }
        let everywhere: Vec<&str> =
            chain.iter().copied().filter(|s| [FIND, GLOBAL].contains(s)).collect();
        sections.push(("Everywhere".to_string(), self.keymap.help_of(&everywhere)));
        sections.retain(|(_, keys)| !keys.is_empty());
        Popup::help(sections)
    }

    /// The tab bar fitted to `width` columns.
    pub(super) fn tab_bar(&self, width: u16) -> TabBar {
        let titles: Vec<TabTitle> = self
            .panes
            .iter()
            .map(|pane| TabTitle { title: pane.title(), short: pane.short_title() })
            .collect();
        // `read-only ` stands at the right of a read-only book's tabs.
        let room = usize::from(width).saturating_sub(if self.read_only() { 10 } else { 0 });
        tabs::fit(&titles, self.active, room)
    }

    /// Draws the whole screen. Reads only.
    pub fn draw(&self, frame: &mut Frame<'_>) {
        let regions = Regions::of(frame.area());
        let theme = self.theme;
        // Tabs.
        let bar = self.tab_bar(regions.tabs.width);
        let mut tabs: Vec<Span<'static>> = Vec::new();
        for (index, label) in bar.labels.into_iter().enumerate() {
            let style = if index == self.active { theme.active_tab() } else { theme.dim() };
            tabs.push(Span::styled(label, style));
        }
        frame.render_widget(Paragraph::new(Line::from(tabs)), regions.tabs);
        let mut right = Vec::new();
        if self.read_only() {
            right.push(Span::styled("read-only ", theme.warn()));
        }
        if let Some(key) = self.keymap.first_key(GLOBAL, Action::Help) {
            right.push(Span::styled(key.short_label(), theme.key()));
            right.push(Span::styled(" help ", theme.dim()));
        }
        if bar.show_jump
            && let Some(key) = self.keymap.first_key(GLOBAL, Action::Jump)
        {
            right.push(Span::styled(format!(" {}", key.short_label()), theme.key()));
            right.push(Span::styled(" jump ", theme.dim()));
        }
        let right = Line::from(right).right_aligned();
        frame.render_widget(Paragraph::new(right), regions.tabs);
        // The pane.
        let view = View {
            theme,
            book: &self.book,
            keymap: &self.keymap,
            today: self.clock.today(),
            user: &self.user,
            active: true,
        };
        if let Some(pane) = self.panes.get(self.active) {
            pane.draw(frame, regions.pane, &view);
            // Hints.
            // Whole hints only: one that does not fit is left to `?`.
            let mut hints: Vec<Span<'static>> = Vec::new();
            let mut used = 0;
            for (key, hint) in self.keymap.hints(pane.scope(), pane.hints()) {
                let hint = format!(" {hint}  ");
                let cells = crate::text::inert::width(&key) + crate::text::inert::width(&hint);
                if used + cells - 2 > usize::from(regions.hints.width) {
                    break;
                }
                used += cells;
                hints.push(Span::styled(key, theme.key()));
                hints.push(Span::styled(hint, theme.dim()));
            }
            frame.render_widget(Paragraph::new(Line::from(hints)), regions.hints);
        }
        if self.search.is_open() {
            self.search.draw(frame, regions.pane, theme);
            frame.render_widget(Clear, regions.hints);
        }
        // Status: the message, or the database, the book and the filter.
        let line = match &self.status {
            Some(Status { text, tone, .. }) => {
                let (mark, style) = match tone {
                    Tone::Done => ("✓", theme.ok()),
                    Tone::Info => ("·", theme.dim()),
                    Tone::Refused => ("!", theme.warn()),
                    Tone::Error => ("✗", theme.error()),
                };
                // A message longer than the line wraps upwards over the
                // hints (until the next key clears it), so it reads whole.
                let lines = status_lines(mark, text, usize::from(regions.status.width));
                let height = u16::try_from(lines.len())
                    .unwrap_or(u16::MAX)
                    .min(regions.status.y.saturating_add(1).saturating_sub(regions.pane.y));
                let area = Rect {
                    y: regions.status.y.saturating_add(1).saturating_sub(height),
                    height,
                    ..regions.status
                };
                frame.render_widget(Clear, area);
                let text: Vec<Line> = lines.into_iter().map(|l| Line::styled(l, style)).collect();
                frame.render_widget(Paragraph::new(text), area);
                if let Some(popup) = &self.popup {
                    popup.draw(frame, frame.area(), theme, &self.book, &self.keymap);
                }
                return;
            }
            // A damaged book keeps its warning in place of the database line.
            None if self.damage().is_some() => Line::from(Span::styled(
                format!(" ✗ {}", self.damage().unwrap_or_default()),
                theme.error(),
            )),
            None => {
                let filter = self.book.filter.describe();
                let mut spans = vec![
                    Span::styled(format!(" {} ", self.db_label), theme.dim()),
                    Span::styled(if self.read_only() { "(read-only) " } else { "" }, theme.warn()),
                    Span::raw(format!(
                        "· {} · ARR {} ",
                        crate::domain::count::of(self.book.len(), "account", "accounts"),
                        self.book.total_arr().to_short()
                    )),
                    Span::styled(format!("· {} ", self.user), theme.dim()),
                ];
                if !filter.is_empty() {
                    spans.push(Span::styled(format!("· filter: {filter}"), theme.warn()));
                }
                if let Some(synced) = self.team_sync_text() {
                    let shown = crate::text::inert::line(synced).into_owned();
                    spans.push(Span::styled(format!("· {shown}"), theme.dim()));
                }
                Line::from(spans)
            }
        };
        frame.render_widget(Paragraph::new(line), regions.status);
        if let Some(popup) = &self.popup {
            popup.draw(frame, frame.area(), theme, &self.book, &self.keymap);
        }
    }
}

/// The most lines a status message takes; a longer one ends with `…`.
const STATUS_LINES: usize = 4;

/// A status message as the lines it takes at `width` cells: ` ✓ ` before the
/// first, three spaces before the others, broken at spaces, control
/// characters shown as their pictures, never cut without `…`.
pub(crate) fn status_lines(mark: &str, text: &str, width: usize) -> Vec<String> {
    let room = width.saturating_sub(3).max(1);
    let shown = crate::text::inert::line(text);
    let mut wrapped = crate::tui::widgets::wrap::wrap_words(&shown, room);
    if wrapped.len() > STATUS_LINES {
        wrapped.truncate(STATUS_LINES);
        if let Some(last) = wrapped.last_mut() {
            // `fit` cuts with its own `…` when the mark does not fit.
            *last = crate::tui::widgets::fit(&format!("{last} …"), room);
        }
    }
    wrapped
        .into_iter()
        .enumerate()
        .map(|(index, line)| {
            let line = crate::tui::widgets::fit(&line, room);
            if index == 0 { format!(" {mark} {line}") } else { format!("   {line}") }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::status_lines;

    #[test]
    fn a_long_status_message_wraps_at_spaces_and_a_very_long_one_ends_with_the_mark() {
        assert_eq!(status_lines("✓", "saved", 80), [" ✓ saved"]);
        // 20 cells: 17 for the text after ` ✗ `.
        assert_eq!(
            status_lines("✗", "books.csv:14: end_date 2026-02-30 is not a date", 20),
            [" ✗ books.csv:14:", "   end_date", "   2026-02-30 is not", "   a date"]
        );
        // Ten words of 8 letters at 20 cells: two a line, the fourth line
        // marked as cut.
        let long = ["abcdefgh"; 10].join(" ");
        let lines = status_lines("·", &long, 20);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[3], "   abcdefgh abcdefg…");
        // A path longer than a line is broken inside, nothing lost.
        let path = format!("/{}/cockpit.db", "x".repeat(30));
        assert_eq!(
            status_lines("✗", &format!("{path}: cannot open"), 20),
            [
                format!(" ✗ /{}", "x".repeat(16)),
                format!("   {}/co", "x".repeat(14)),
                "   ckpit.db: cannot".to_string(),
                "   open".to_string(),
            ]
        );
        // Control characters show as their pictures.
        assert_eq!(status_lines("!", "a\u{1b}[2Jb", 80), [" ! a␛[2Jb"]);
    }
}
