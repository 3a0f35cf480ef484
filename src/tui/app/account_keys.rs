//! The keys that act on an account from any pane (touch, health, owners,
//! flags, copy, task, playbook, churn chain) when the pane leaves them to
//! the app, and the mouse: wheel, tab clicks, clicks inside the pane.

use super::*;

impl App {
    pub(super) fn handle_mouse(&mut self, mouse: MouseEvent) {
        if self.popup.is_some() || self.search.is_open() {
            return;
        }
        let regions = Regions::of(self.area);
        match mouse.kind {
            MouseEventKind::ScrollDown => {
                for _ in 0..3 {
                    self.update(Action::Down);
                }
            }
            MouseEventKind::ScrollUp => {
                for _ in 0..3 {
                    self.update(Action::Up);
                }
            }
            MouseEventKind::Down(MouseButton::Left) => {
                if mouse.row == regions.tabs.y {
                    let mut x = 0;
                    let bar = self.tab_bar(regions.tabs.width);
                    for (index, label) in bar.labels.iter().enumerate() {
                        let width = label.chars().count() as u16;
                        if mouse.column >= x && mouse.column < x + width {
                            self.activate(index);
                            return;
                        }
                        x += width;
                    }
                } else if regions.pane.contains((mouse.column, mouse.row).into()) {
                    let (column, row) = (mouse.column - regions.pane.x, mouse.row - regions.pane.y);
                    let (pane, mut cx) = self.cx_parts();
                    let request = pane.click(column, row, &mut cx);
                    self.follow(request, None);
                }
            }
            _ => {}
        }
    }

    /// The account keys, for any pane with a selected account.
    pub(super) fn fallback(&mut self, action: Action) {
        if action == Action::RecordChurn {
            match self.selected_account() {
                Some(id) => self.open_churn(&id),
                None => self.refuse(self.select_first()),
            }
            return;
        }
        let needs_account = matches!(
            action,
            Action::LogTouch
                | Action::NoteInEditor
                | Action::SetHealth
                | Action::EditOwners
                | Action::EditFlags
                | Action::CopyAccount
                | Action::AddTask
                | Action::StartPlaybook
        );
        if !needs_account {
            return;
        }
        let Some(row) = self.selected_account().and_then(|id| self.book.by_id(&id)).cloned() else {
            self.refuse(self.select_first());
            return;
        };
        if action == Action::CopyAccount {
            self.copy_account(&row.name, &row.id);
            return;
        }
        self.popup = match action {
            Action::LogTouch => Some(Popup::note(&row.id, &row.name, Vec::new())),
            Action::NoteInEditor => {
                self.editor =
                    Some(EditorRequest { account_id: row.id.clone(), name: row.name.clone() });
                None
            }
            Action::SetHealth => Some(Popup::health(&row.id, &row.name, None, "", Vec::new())),
            Action::EditOwners => Some(Popup::owners(&row.id, &row.name, &row.csm, &row.am)),
            Action::EditFlags => Some(Popup::flags(&row.id, &row.name, row.flags)),
            Action::AddTask => Some(Popup::Task(Box::new(crate::tui::forms::task::TaskForm::new(
                &row.id,
                &row.name,
                &self.user,
                self.clock.today(),
            )))),
            Action::StartPlaybook => {
                Some(Popup::Playbook(Box::new(crate::tui::popups::PlaybookPopup::new(
                    &row.id,
                    &row.name,
                    self.config.playbooks.iter().cloned().collect(),
                    self.clock.today(),
                    row.next_renewal,
                ))))
            }
            _ => None,
        };
    }

    /// What an account key says with no account selected, naming the jump key.
    pub(super) fn select_first(&self) -> String {
        match self.keymap.first_key(GLOBAL, Action::Jump) {
            Some(key) => format!("select an account first ({} jumps to one)", key.label()),
            None => "select an account first".to_string(),
        }
    }

    /// Puts an account's name and id on the clipboard, unless the settings
    /// say not to, and says what was copied.
    pub(super) fn copy_account(&mut self, name: &str, id: &str) {
        if !self.config.clipboard {
            self.refuse("copying is off: set clipboard = true in config.toml".to_string());
            return;
        }
        let text = crate::tui::clipboard::account_text(name, id);
        self.say(format!("copied to the clipboard: {text}"));
        self.clipboard = Some(text);
    }
}
