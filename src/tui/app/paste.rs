//! Pasted text reaching the app: routed to the one field that has the
//! focus (a popup's, else the pane's open form or search), never to the
//! keymap. What a field takes is `tui::paste`'s rule.

use super::*;

impl App {
    /// Pasted text (bracketed paste): into the open popup's field, else
    /// the pane's open form or search, whole; never read as keys, so a
    /// pasted `q` or digit cannot quit or switch panes.
    pub fn paste(&mut self, text: &str) {
        self.poll_background();
        if let Some(popup) = &mut self.popup {
            if let Err(message) = popup.paste(text, &self.book) {
                self.error(message);
            }
            return;
        }
        if self.search.is_open() {
            self.search.paste(text, &self.store);
            return;
        }
        if self.panes[self.active].typing() {
            let (pane, mut cx) = self.cx_parts();
            let request = pane.paste(text, &mut cx);
            self.follow(request, None);
            return;
        }
        self.refuse(crate::tui::paste::NO_FIELD.to_string());
    }
}
