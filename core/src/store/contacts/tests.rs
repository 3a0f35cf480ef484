use super::*;
use crate::domain::playbook::Playbooks;
use crate::store::triage::Scope;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, m, d).expect("day")
}

fn noon(on: NaiveDate) -> DateTime<Utc> {
    on.and_hms_opt(12, 0, 0).expect("time").and_utc()
}

fn store() -> Store {
    let mut store = Store::open_in_memory().expect("store");
    crate::testkit::seed_two_accounts(&store);
    store.set_playbooks(Playbooks::default());
    store
}

fn person(name: &str, role: ContactRole) -> Contact {
    Contact {
        account_id: "A1".into(),
        name: name.into(),
        email: String::new(),
        role,
        title: "VP Ops".into(),
        left_on: None,
        since: None,
    }
}

const TODAY: (u32, u32) = (6, 1);

fn today() -> NaiveDate {
    day(TODAY.0, TODAY.1)
}

fn change(store: &Store, change: ContactChange) -> Result<(), String> {
    store.change_contact("A1", &change, today(), "ana", noon(today())).map_err(|e| e.to_string())
}

fn shown(store: &Store) -> Vec<String> {
    store
        .account_contacts("A1")
        .expect("contacts")
        .iter()
        .map(|c| {
            let left = c.left_on.map(|d| format!(" left {d}")).unwrap_or_default();
            format!("{} {} {} {}{left}", c.name, c.role, c.title, c.email)
        })
        .collect()
}

fn playbook_tasks(store: &Store) -> Vec<String> {
    store.account_tasks("A1").expect("tasks").into_iter().map(|t| t.title).collect()
}

fn sponsor_notes(store: &Store) -> Vec<String> {
    store
        .flagged_notes(Scope::Account("A1"), day(1, 1))
        .expect("notes")
        .into_iter()
        .map(|n| format!("{} {}", n.at.date_naive(), n.text))
        .collect()
}

#[test]
fn people_are_added_edited_marked_back_and_removed_with_clear_refusals() {
    let store = store();
    change(&store, ContactChange::Add(person(" Ana Diaz ", ContactRole::Champion))).expect("add");
    change(&store, ContactChange::Add(person("Bo Li", ContactRole::User))).expect("add");
    assert_eq!(shown(&store), ["Ana Diaz champion VP Ops ", "Bo Li user VP Ops "]);
    assert_eq!(
        change(&store, ContactChange::Add(person("ana diaz", ContactRole::User))),
        Err("name: account A1 already has \"Ana Diaz\"; give another name or edit that one".into())
    );
    let bad = Contact { email: "bo-at-globex".into(), ..person("Cy", ContactRole::User) };
    assert_eq!(
        change(&store, ContactChange::Add(bad)),
        Err("email: \"bo-at-globex\" is not an email address (no @)".into())
    );
    let edited = Contact {
        email: "bo@acme.com".into(),
        title: "CFO".into(),
        ..person("Bo Lee", ContactRole::DecisionMaker)
    };
    change(&store, ContactChange::Edit { name: "Bo Li".into(), contact: edited }).expect("edit");
    assert_eq!(
        shown(&store),
        ["Ana Diaz champion VP Ops ", "Bo Lee decision_maker CFO bo@acme.com"]
    );
    assert_eq!(
        change(&store, ContactChange::Left { name: "Bo Lee".into(), on: day(6, 2) }),
        Err("left: 2025-06-02 is after today (2025-06-01); give the day Bo Lee left".into())
    );
    assert_eq!(
        change(&store, ContactChange::Remove { name: "Nobody".into() }),
        Err("\"Nobody\" is not one of account A1's people".into())
    );
    change(&store, ContactChange::Left { name: "Bo Lee".into(), on: day(5, 30) }).expect("left");
    // Present people first, then those who left.
    assert_eq!(
        shown(&store),
        ["Ana Diaz champion VP Ops ", "Bo Lee decision_maker CFO bo@acme.com left 2025-05-30"]
    );
    change(&store, ContactChange::Returned { name: "Bo Lee".into() }).expect("back");
    change(&store, ContactChange::Remove { name: "Ana Diaz".into() }).expect("remove");
    assert_eq!(shown(&store), ["Bo Lee decision_maker CFO bo@acme.com"]);
    assert!(
        store
            .change_contact(
                "NOPE",
                &ContactChange::Remove { name: "x".into() },
                today(),
                "ana",
                noon(today())
            )
            .is_err()
    );
}

#[test]
fn a_key_person_leaving_is_a_sponsor_change_once_per_departure() {
    let store = store();
    change(&store, ContactChange::Add(person("Ana Diaz", ContactRole::ExecutiveSponsor)))
        .expect("add");
    change(&store, ContactChange::Add(person("Bo Li", ContactRole::Billing))).expect("add");
    // A billing contact leaving is no sponsor change.
    change(&store, ContactChange::Left { name: "Bo Li".into(), on: today() }).expect("left");
    assert!(sponsor_notes(&store).is_empty());
    assert!(playbook_tasks(&store).is_empty());
    // The sponsor leaving on 2025-05-28: the note is dated that day, the
    // playbook starts today.
    change(&store, ContactChange::Left { name: "Ana Diaz".into(), on: day(5, 28) }).expect("left");
    assert_eq!(
        sponsor_notes(&store),
        ["2025-05-28 Ana Diaz (executive sponsor, VP Ops) left on 2025-05-28"]
    );
    assert_eq!(playbook_tasks(&store), ["Sponsor change"]);
    let task = &store.account_tasks("A1").expect("tasks")[0];
    assert_eq!(task.steps[0].due_on, day(6, 4), "counted from the day it was marked: +3 days");
    // Marking the day again, or back and left again on the same day after
    // the task was closed: the same departure, no second playbook.
    change(&store, ContactChange::Left { name: "Ana Diaz".into(), on: day(5, 29) })
        .expect("redate");
    store
        .set_task_status(task.id, crate::domain::task::TaskStatus::Done, "ana", noon(today()))
        .expect("done");
    change(&store, ContactChange::Returned { name: "Ana Diaz".into() }).expect("back");
    change(&store, ContactChange::Left { name: "Ana Diaz".into(), on: day(5, 28) })
        .expect("left again");
    assert_eq!(playbook_tasks(&store), ["Sponsor change"]);
    // A departure recorded long after (over 90 days) raises nothing.
    change(&store, ContactChange::Add(person("Cy", ContactRole::Champion))).expect("add");
    change(&store, ContactChange::Left { name: "Cy".into(), on: day(2, 1) }).expect("old");
    assert_eq!(sponsor_notes(&store).len(), 1, "the same departure is one note");
    assert_eq!(DEPARTURE_SIGNAL_DAYS, crate::metrics::health_signals::FLAGGED_NOTE_DAYS);
}

#[test]
fn undoing_a_departure_takes_back_its_note_and_untouched_playbook() {
    let store = store();
    change(&store, ContactChange::Add(person("Ana Diaz", ContactRole::Champion))).expect("add");
    let left = ContactChange::Left { name: "Ana Diaz".into(), on: today() };
    let back = store.contact_back("A1", &left, today()).expect("back");
    change(&store, left.clone()).expect("left");
    assert_eq!(sponsor_notes(&store).len(), 1);
    assert_eq!(playbook_tasks(&store), ["Sponsor change"]);
    store.restore_contact(&back, noon(today())).expect("undo");
    assert_eq!(shown(&store), ["Ana Diaz champion VP Ops "]);
    assert!(sponsor_notes(&store).is_empty());
    assert!(playbook_tasks(&store).is_empty());
    // Marked again: the departure counts again (the undo took it back).
    change(&store, left).expect("left again");
    assert_eq!(playbook_tasks(&store), ["Sponsor change"]);
    // Undo of an add, an edit (with a rename) and a removal.
    let add = ContactChange::Add(person("Bo", ContactRole::User));
    let back = store.contact_back("A1", &add, today()).expect("back");
    change(&store, add).expect("add");
    store.restore_contact(&back, noon(today())).expect("undo");
    assert_eq!(shown(&store).len(), 1);
    let edit = ContactChange::Edit {
        name: "Ana Diaz".into(),
        contact: person("Ana D.", ContactRole::DecisionMaker),
    };
    let back = store.contact_back("A1", &edit, today()).expect("back");
    change(&store, edit).expect("edit");
    assert_eq!(shown(&store), ["Ana D. decision_maker VP Ops  left 2025-06-01"]);
    store.restore_contact(&back, noon(today())).expect("undo");
    assert_eq!(shown(&store), ["Ana Diaz champion VP Ops  left 2025-06-01"]);
    let remove = ContactChange::Remove { name: "Ana Diaz".into() };
    let back = store.contact_back("A1", &remove, today()).expect("back");
    change(&store, remove).expect("remove");
    assert!(shown(&store).is_empty());
    store.restore_contact(&back, noon(today())).expect("undo");
    assert_eq!(shown(&store), ["Ana Diaz champion VP Ops  left 2025-06-01"]);
}

#[test]
fn key_people_read_champions_and_sponsors_with_their_departures() {
    let store = store();
    change(&store, ContactChange::Add(person("Ana", ContactRole::Champion))).expect("add");
    change(&store, ContactChange::Add(person("Bo", ContactRole::ExecutiveSponsor))).expect("add");
    change(&store, ContactChange::Add(person("Cy", ContactRole::User))).expect("add");
    change(&store, ContactChange::Left { name: "Bo".into(), on: day(5, 1) }).expect("left");
    let people = store.key_people(["A1", "A2", "A1"]).expect("people");
    assert!(!people.contains_key("A2"));
    let mut a1 = people["A1"].clone();
    a1.sort();
    assert_eq!(
        a1,
        [(ContactRole::Champion, None), (ContactRole::ExecutiveSponsor, Some(day(5, 1)))]
    );
    // A renewal on 2025-04-30 had both; one on 2025-06-30 has no sponsor.
    assert!(Stakeholders::on(&a1, day(4, 30)).complete());
    assert_eq!(Stakeholders::on(&a1, day(6, 30)).describe(), "no sponsor");
}
