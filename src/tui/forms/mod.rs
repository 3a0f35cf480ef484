//! The forms of the cockpit: small editors shown over a pane that take keys
//! while open, check what was typed, and answer with a typed write for the
//! app to apply. A form never touches the store and never reaches into a
//! pane; every form is a [`Form`], so a pane or a popup holds any of them the
//! same way.
//!
//! A form's control keys are a table (listed in [`key_tables`]): the app
//! turns a key into an action in the form's scope ([`Form::scope`]) and
//! hands both over; a key no table binds is typed into the focused field.
//! Footers are drawn from the same tables.
//!
//! - [`four_a`]: move an account to another 4A stage; record an opportunity.
//! - [`growth`]: the account's Growth section (potential, trials, plans).
//! - [`lost`]: why an opportunity was lost, and whether it was controllable.
//! - [`moment`]: a one-off customer moment in the calendar.
//! - [`reason`]: add, rename or describe a churn taxonomy entry.
//! - [`task`]: a task added by hand to an account.
//! - [`contact`]: a person at an account added, edited or marked as left.

pub mod contact;
pub mod four_a;
pub mod growth;
pub mod lost;
pub mod moment;
pub mod reason;
pub mod task;

use crate::tui::action::Action;
use crate::tui::keymap::{Keymap, Table};
use crate::tui::paste;
use crate::tui::theme::Theme;
use crate::tui::widgets::centered;
use crate::tui::write::Write;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use tui_input::Input;

/// What a key did to a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormOutcome {
    /// Keep the form open.
    Stay,
    /// Close it, writing nothing.
    Cancel,
    /// Close it and apply this write.
    Submit(Write),
}

/// One form: it takes keys and pastes while open and draws itself over the
/// area it is given.
pub trait Form {
    /// The keymap scope its keys are looked up in now (a form with modes
    /// changes scope, as the taxonomy form does).
    fn scope(&self) -> &'static str;
    /// Applies a key: `action` is what the key means in [`Form::scope`]
    /// (`None`: no table binds it, so it is typed). `today` is the day a
    /// typed date counts from and is checked against.
    fn key(&mut self, key: KeyEvent, action: Option<Action>, today: NaiveDate) -> FormOutcome;
    /// Pastes one line into the focused field, or says why nothing was
    /// pasted. A paste never saves or closes.
    fn paste(&mut self, text: &str) -> Result<(), String>;
    /// Draws the form centred in `area`, its footer's keys from `keymap`.
    /// Reads only.
    fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme, keymap: &Keymap);
}

/// The forms' key tables, for the keymap.
pub fn key_tables() -> Vec<Table> {
    vec![
        Table::popup(growth::SCOPE, "Growth forms", growth::KEYS),
        Table::popup(moment::SCOPE, "Add a moment", moment::KEYS),
        Table::popup(four_a::STAGE_SCOPE, "Move 4A stage", four_a::STAGE_KEYS),
        Table::popup(four_a::OPPORTUNITY_SCOPE, "Record an opportunity", four_a::OPPORTUNITY_KEYS),
        Table::popup(reason::ADD_SCOPE, "Churn taxonomy: add an entry", reason::ADD_KEYS),
        Table::popup(reason::EDIT_SCOPE, "Churn taxonomy: rename, describe", reason::EDIT_KEYS),
        Table::popup(task::SCOPE, "Add a task", task::KEYS),
        Table::popup(lost::SCOPE, "Mark an opportunity lost", lost::KEYS),
        Table::popup(contact::SCOPE, "A person at an account", contact::KEYS),
    ]
}

/// What a form drawn in the plain box draws: title, lines, size, and the
/// text cursor (column, line, prefix width, input).
pub type Drawn<'a> = (String, Vec<Line<'static>>, (u16, u16), Option<(u16, u16, usize, &'a Input)>);

/// Draws `drawn` in a bordered box centred over `area`, with the text cursor
/// on the focused field. Popups and the smaller forms share it.
pub fn boxed(drawn: Drawn<'_>, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
    let (title, lines, size, cursor) = drawn;
    // A line longer than the box (an error saying what to write) wraps: the
    // box grows by those lines rather than losing its last ones.
    let inner_width = usize::from(size.0.saturating_sub(2)).max(1);
    let needed: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner_width)).sum();
    let height = size.1.max(u16::try_from(needed + 2).unwrap_or(u16::MAX));
    let rect = centered(area, size.0, height);
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .title(Span::styled(format!(" {title} "), theme.title()))
        .border_style(theme.border(true));
    let inner = block.inner(rect);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), rect);
    if let Some((x, y, prefix, input)) = cursor {
        // The same window the field's line shows (`paste::shown`).
        let width = usize::from(inner.width).saturating_sub(prefix);
        let (_, column) = paste::window(input.value(), input.cursor(), width);
        let cx = inner.x + x + u16::try_from(column).unwrap_or(0);
        if y < inner.height && cx < inner.x + inner.width {
            frame.set_cursor_position((cx, inner.y + y));
        }
    }
}

/// Types into a field whose prefilled value may be `selected`: a
/// character, Backspace or Delete first replaces the whole value (as text
/// fields do with a selection), any other key keeps it for editing. Either
/// way the selection ends.
pub fn typed_over(input: &mut Input, selected: &mut bool, key: KeyEvent) {
    use ratatui::crossterm::event::{Event, KeyCode, KeyModifiers};
    if std::mem::take(selected) {
        let plain = !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Char(_) if plain => *input = Input::default(),
            KeyCode::Backspace | KeyCode::Delete => {
                *input = Input::default();
                return;
            }
            _ => {}
        }
    }
    if let Some(request) = tui_input::backend::crossterm::to_input_request(&Event::Key(key)) {
        input.handle(request);
    }
}

/// A key as the app hands it to a form: its action in the form's scope
/// of the default tables first.
#[cfg(test)]
pub fn pressed(form: &mut dyn Form, key: KeyEvent, today: NaiveDate) -> FormOutcome {
    use crate::tui::keymap::Key;
    let action = Keymap::new(key_tables()).action(form.scope(), Key::from_event(key));
    form.key(key, action, today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Stage;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
    }

    /// Each form, fresh, with the title its box shows.
    fn every_form() -> Vec<(&'static str, Box<dyn Form>)> {
        vec![
            (
                "Move 4A stage",
                Box::new(four_a::StageForm::new("A1", "Acme", Stage::Adoption, Stage::Absorption)),
            ),
            (
                "Record an opportunity",
                Box::new(four_a::OpportunityForm::new("A1", "Acme", "bo", today())),
            ),
            ("Potential units", Box::new(growth::GrowthForm::potential("A1", "Acme", None, None))),
            ("Add a moment", Box::new(moment::MomentForm::new("A1", "Acme", today(), today()))),
            ("Add a churn reason", Box::new(reason::ReasonForm::add(Vec::new()))),
            ("Add a task", Box::new(task::TaskForm::new("A1", "Acme", "ana", today()))),
        ]
    }

    fn screen(form: &dyn Form) -> String {
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
        let keymap = Keymap::new(key_tables());
        terminal
            .draw(|frame| form.draw(frame, frame.area(), Theme::plain(), &keymap))
            .expect("draw");
        let buffer = terminal.backend().buffer();
        (0..buffer.area.height)
            .map(|y| (0..buffer.area.width).map(|x| buffer[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Every `.rs` file under `src/tui/<folder>`, with its text.
    fn sources(folder: &str) -> Vec<(std::path::PathBuf, String)> {
        let mut out = Vec::new();
        let mut dirs =
            vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui").join(folder)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("read dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("read");
                    out.push((path, text));
                }
            }
        }
        out
    }

    #[test]
    fn forms_and_popups_never_reach_into_a_pane_or_the_store() {
        let files: Vec<_> = sources("forms").into_iter().chain(sources("popups")).collect();
        assert!(files.len() >= 10, "the forms and popups are found: {}", files.len());
        for (path, text) in files {
            // The code, tests left out (a test may build a pane's fixture).
            let code = text.find("#[cfg(test)]").map_or(text.as_str(), |at| &text[..at]);
            for forbidden in ["tui::panes", "crate::store", "super::super"] {
                assert!(!code.contains(forbidden), "{} names {forbidden}", path.display());
            }
        }
    }

    #[test]
    fn every_form_types_pastes_and_draws_through_the_one_trait() {
        for (title, mut form) in every_form() {
            let typed = KeyEvent::new(KeyCode::Char('Z'), KeyModifiers::NONE);
            assert_eq!(
                pressed(form.as_mut(), typed, today()),
                FormOutcome::Stay,
                "{title}: a letter types"
            );
            assert_eq!(form.paste("qx"), Ok(()), "{title}: the first field takes a paste");
            let shown = screen(form.as_ref());
            assert!(shown.contains(&format!(" {title} ")), "{title}: its box is titled:\n{shown}");
            assert!(shown.contains("Zqx"), "{title}: typed and pasted text is shown:\n{shown}");
        }
    }
}
