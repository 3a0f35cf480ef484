//! The forms of the cockpit: small editors shown over a pane that take keys
//! while open, check what was typed, and answer with typed writes for the app
//! to apply. A form never touches the store and never reaches into a pane.
//!
//! - [`four_a`]: move an account to another 4A stage; record an opportunity.
//! - [`growth`]: the account's Growth section (potential, trials, plans).
//! - [`moment`]: a one-off customer moment in the calendar.
//! - [`reason`]: add, rename or describe a churn taxonomy entry.

pub mod four_a;
pub mod growth;
pub mod moment;
pub mod reason;

use crate::tui::write::Write;
use ratatui::text::Line;
use tui_input::Input;

/// What a form draws: title, lines, size, and the text cursor (column, line,
/// prefix width, input), as the popup expects.
pub type Drawn<'a> = (String, Vec<Line<'static>>, (u16, u16), Option<(u16, u16, usize, &'a Input)>);

/// What a key did to a popup or a form shown as one.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Keep the popup open.
    Stay,
    /// Close it, doing nothing.
    Close,
    /// Close it and apply these writes.
    Submit(Vec<Write>),
    /// Close it and open this account.
    Open(String),
}
