//! The account view's People section: the account's contacts by role
//! (champion, executive sponsor, decision maker, user, billing), each with
//! title, email, the day they started in the role and the day they left,
//! those still there first; a line
//! above says whether a champion, an executive sponsor and a decision maker
//! are known. `a` adds a person from any section (the People section
//! opens); `e` edits the selected one, `L` marks them as left (or back), `X`
//! removes them after asking. Reads the pane's state only; writes go out as
//! requests. Every name, title and email is drawn inert.

use crate::domain::contact::{Contact, ContactChange, ContactRole};
use crate::text::columns::{Want, layout};
use crate::tui::action::Action;
use crate::tui::forms::contact::ContactForm;
use crate::tui::panes::{Request, View, Write};
use crate::tui::popups::{ConfirmPopup, Popup};
use crate::tui::widgets::{fit, pad};
use chrono::NaiveDate;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// The lines above the first person (the summary and a blank line).
pub const HEAD: usize = 2;

/// The People section's state: the account's contacts (by role, those
/// still there first within a role) and the selected one.
#[derive(Debug, Clone, Default)]
pub struct PeopleList {
    people: Vec<Contact>,
    selected: usize,
}

impl PeopleList {
    /// The account's contacts; the selection stays on the same person
    /// when they are still listed, else on the same line.
    pub fn set(&mut self, mut people: Vec<Contact>) {
        people.sort_by(|a, b| {
            (a.role, a.left_on.is_some(), &a.name).cmp(&(b.role, b.left_on.is_some(), &b.name))
        });
        let before = self.people.get(self.selected).map(|c| c.name.clone());
        self.people = people;
        if let Some(at) = before.and_then(|name| self.people.iter().position(|c| c.name == name)) {
            self.selected = at;
        }
        self.selected = self.selected.min(self.people.len().saturating_sub(1));
    }

    pub fn selected(&self) -> Option<&Contact> {
        self.people.get(self.selected)
    }

    /// The selected line's number among the section's lines.
    pub fn selected_line(&self) -> usize {
        HEAD + self.selected
    }

    /// Moves the selection, or asks to edit, mark or remove the selected
    /// person; `None` for an action the list leaves to the pane.
    pub fn update(
        &mut self,
        action: Action,
        (account_id, account): (&str, &str),
        page: usize,
        today: NaiveDate,
    ) -> Option<Request> {
        let last = self.people.len().saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(page.max(1)),
            Action::PageDown => self.selected = (self.selected + page.max(1)).min(last),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = last,
            Action::EditContact | Action::ContactLeft | Action::RemoveContact => {
                let Some(person) = self.selected() else {
                    return Some(Request::Message("no one listed yet: a adds a person".into()));
                };
                return Some(on_person(action, person, account_id, account, today));
            }
            _ => return None,
        }
        Some(Request::None)
    }

    /// The section's lines for a body `width` cells wide.
    pub fn lines(&self, view: &View<'_>, width: usize) -> Vec<Line<'static>> {
        let theme = view.theme;
        let there = |role: ContactRole| {
            self.people.iter().any(|c| c.role == role && c.present_on(view.today))
        };
        let mut summary = vec![Span::styled(
            format!("People {}", self.people.iter().filter(|c| c.present_on(view.today)).count()),
            theme.header(),
        )];
        for role in
            [ContactRole::Champion, ContactRole::ExecutiveSponsor, ContactRole::DecisionMaker]
        {
            if there(role) {
                summary.push(Span::styled(format!("   {} ✓", role.label()), theme.dim()));
            } else {
                summary.push(Span::styled(format!("   no {}", role.label()), theme.error()));
            }
        }
        let mut lines = vec![Line::from(summary), Line::from("")];
        if self.people.is_empty() {
            lines.push(Line::from(Span::styled(
                format!(
                    "  No one listed yet: {} adds a person, or import a contacts file.",
                    view.keymap.label("account", Action::AddContact)
                ),
                theme.dim(),
            )));
            return lines;
        }
        let widths = widths(&self.people, width);
        for (index, person) in self.people.iter().enumerate() {
            let line = person_line(person, &widths, view);
            lines.push(if index == self.selected { theme.select(line) } else { line });
        }
        lines
    }
}

/// The request for an action on one person.
fn on_person(
    action: Action,
    person: &Contact,
    account_id: &str,
    account: &str,
    today: NaiveDate,
) -> Request {
    let write = |change| Write::Contact { account_id: account_id.to_string(), change };
    let name = fit(&person.name, 40);
    match action {
        Action::EditContact => {
            Request::Popup(Popup::Contact(Box::new(ContactForm::edit(person, account, today))))
        }
        Action::ContactLeft if person.left_on.is_some() => {
            Request::Popup(Popup::Confirm(ConfirmPopup {
                message: format!(
                    "{name} is back at {}? (their leaving is cleared)",
                    fit(account, 30)
                ),
                writes: vec![write(ContactChange::Returned { name: person.name.clone() })],
            }))
        }
        Action::ContactLeft => {
            Request::Popup(Popup::Contact(Box::new(ContactForm::left(person, account, today))))
        }
        _ => Request::Popup(Popup::Confirm(ConfirmPopup {
            message: format!("Remove {name} from {}'s people?", fit(account, 30)),
            writes: vec![write(ContactChange::Remove { name: person.name.clone() })],
        })),
    }
}

/// Widths of role, name, title and email for `people` in `width` cells
/// (the status, `since YYYY-MM-DD  left YYYY-MM-DD`, takes what its
/// longest line needs).
fn widths(people: &[Contact], width: usize) -> [usize; 4] {
    let widest = |text: fn(&Contact) -> String| {
        people.iter().map(|c| fit(&text(c), usize::MAX).width()).max().unwrap_or(0)
    };
    let wants = [
        Want::text(8, widest(|c| c.role.label().to_string())),
        Want::text(10, widest(|c| c.name.clone())).flex(),
        Want::text(6, widest(|c| c.title.clone())),
        Want::text(8, widest(|c| c.email.clone())),
        Want::fixed(status_width(people)),
    ];
    let found = layout(&wants, width.saturating_sub(2), 2);
    let at = |i: usize| found.get(i).copied().unwrap_or(8);
    [at(0), at(1), at(2), at(3)]
}

/// Cells the widest status needs: `since YYYY-MM-DD  ` is 18, `left
/// YYYY-MM-DD` 15; the room no one's status needs goes to the names.
fn status_width(people: &[Contact]) -> usize {
    people
        .iter()
        .map(|c| c.since.map_or(0, |_| 18) + c.left_on.map_or(0, |_| 15))
        .max()
        .unwrap_or(0)
}

fn person_line(person: &Contact, widths: &[usize; 4], view: &View<'_>) -> Line<'static> {
    let theme = view.theme;
    let [role, name, title, email] = *widths;
    let gone = person.left_on.is_some_and(|left| left <= view.today);
    let since = Span::styled(
        person.since.map_or(String::new(), |day| format!("since {day}  ")),
        theme.dim(),
    );
    let status = match person.left_on {
        Some(left) => Span::styled(
            format!("left {left}"),
            if person.role.is_key() { theme.error() } else { theme.dim() },
        ),
        None => Span::raw(""),
    };
    let body = format!(
        "  {}  {}  {}  {}  ",
        pad(person.role.label(), role, false),
        pad(&person.name, name, false),
        pad(&person.title, title, false),
        pad(&person.email, email, false),
    );
    Line::from(vec![
        if gone { Span::styled(body, theme.dim()) } else { Span::raw(body) },
        since,
        status,
    ])
}

impl super::AccountPane {
    /// The People keys: adding a person from any section (the People
    /// section opens), and the list's own keys there.
    pub(super) fn people_update(
        &mut self,
        action: Action,
        cx: &mut crate::tui::panes::Cx<'_>,
    ) -> Option<Request> {
        let row = self.loaded.row.as_ref()?;
        let (id, name) = (row.id.clone(), row.name.clone());
        let today = cx.clock.today();
        if action == Action::AddContact {
            self.section = super::PEOPLE;
            let form = ContactForm::add(&id, &name, today);
            return Some(Request::Popup(Popup::Contact(Box::new(form))));
        }
        if self.section != super::PEOPLE {
            return None;
        }
        let page = self.height.saturating_sub(HEAD);
        let request = self.people.update(action, (&id, &name), page, today)?;
        let line = self.people.selected_line();
        let height = self.height.max(1);
        if line <= HEAD {
            self.scroll = 0;
        } else if line < self.scroll {
            self.scroll = line;
        } else if line >= self.scroll + height {
            self.scroll = line + 1 - height;
        }
        Some(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, role: ContactRole, left_on: Option<NaiveDate>) -> Contact {
        Contact {
            account_id: "A1".into(),
            name: name.into(),
            email: String::new(),
            role,
            title: String::new(),
            left_on,
            since: None,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).expect("day")
    }

    #[test]
    fn people_list_by_role_and_keys_ask_for_the_selected_one() {
        let mut list = PeopleList::default();
        assert!(matches!(
            list.update(Action::EditContact, ("A1", "Acme"), 5, today()),
            Some(Request::Message(_))
        ));
        list.set(vec![
            person("Zed", ContactRole::User, None),
            person("Ana", ContactRole::Champion, Some(today())),
            person("Bo", ContactRole::Champion, None),
        ]);
        let names: Vec<&str> = list.people.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Bo", "Ana", "Zed"], "by role, those still there first");
        list.update(Action::Down, ("A1", "Acme"), 5, today());
        match list.update(Action::ContactLeft, ("A1", "Acme"), 5, today()) {
            Some(Request::Popup(Popup::Confirm(confirm))) => assert_eq!(
                confirm.writes,
                vec![Write::Contact {
                    account_id: "A1".into(),
                    change: ContactChange::Returned { name: "Ana".into() }
                }]
            ),
            other => panic!("{other:?}"),
        }
        list.update(Action::Down, ("A1", "Acme"), 5, today());
        assert!(matches!(
            list.update(Action::ContactLeft, ("A1", "Acme"), 5, today()),
            Some(Request::Popup(Popup::Contact(_)))
        ));
        match list.update(Action::RemoveContact, ("A1", "Acme"), 5, today()) {
            Some(Request::Popup(Popup::Confirm(confirm))) => {
                assert_eq!(confirm.message, "Remove Zed from Acme's people?")
            }
            other => panic!("{other:?}"),
        }
        // The selection follows the person when the list is read again.
        list.set(vec![
            person("Zed", ContactRole::User, None),
            person("Al", ContactRole::Billing, None),
        ]);
        assert_eq!(list.selected().map(|c| c.name.as_str()), Some("Zed"));
        assert!(list.update(Action::SetHealth, ("A1", "Acme"), 5, today()).is_none());
    }
}
