//! The cockpit's whole keymap, assembled from every room's tables: the
//! shared ones (in `keymap`), each pane's own (with the shared tables it
//! takes), the whole-book search box, the chain editor, the churn taxonomy,
//! the popups and the forms. Assembled here, above the rooms, so no room
//! has to name the others.

use crate::tui::keymap::{Keymap, Table};
use crate::tui::panes::{self, Pane};

/// The keymap of these panes and of every view, popup and form.
pub fn keymap(panes: &[Box<dyn Pane>]) -> Keymap {
    let panes = panes
        .iter()
        .map(|pane| Table::pane(pane.scope(), pane.title(), pane.keys(), pane.key_layers()));
    let views = [
        panes::book::search_key_table(),
        panes::search::key_table(),
        panes::targets::pipeline::key_table(),
        panes::targets::grid::key_table(),
    ]
    .into_iter()
    .chain(crate::tui::churn_editor::key_tables())
    .chain([panes::churn_taxonomy::key_table()]);
    Keymap::new(panes.chain(views).chain(crate::tui::popups::key_tables()))
}

/// The default keymap of the registered panes (for help, the README and
/// the tests).
pub fn default_keymap() -> Keymap {
    keymap(&panes::registry())
}
