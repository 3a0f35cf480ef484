//! Members on in-memory books exchanging events through a stand-in for the
//! team's server (a list with a unique event id), in many orders.

use super::*;
use crate::domain::churn::{ChainLink, ChurnChain, ChurnEvent};
use crate::domain::{Flags, Health, Money, NoteKind, Stage};
use chrono::NaiveDate;
use proptest::prelude::*;

/// The team's stream: events in the order they were pushed, each once.
#[derive(Default)]
struct Server {
    events: Vec<Event>,
}

impl Server {
    fn push(&mut self, store: &Store) {
        loop {
            let batch = store.outbox(100).expect("outbox");
            let Some(last) = batch.last().map(|o| o.seq) else { return };
            for outgoing in batch {
                if !self.events.iter().any(|e| e.event_id == outgoing.event.event_id) {
                    self.events.push(outgoing.event);
                }
            }
            store.acknowledge_outbox(last).expect("ack");
        }
    }

    fn pull(&self, store: &Store, me: &str) {
        let cursor = usize::try_from(store.team_cursor().expect("cursor")).expect("cursor");
        let theirs: Vec<Event> =
            self.events[cursor..].iter().filter(|e| e.member != me).cloned().collect();
        store.apply_team_events(&theirs, self.events.len() as i64).expect("apply");
    }

    fn sync(&mut self, store: &Store, me: &str) {
        self.push(store);
        self.pull(store, me);
    }
}

const MEMBERS: [&str; 3] = ["ann", "bob", "cy"];

fn book() -> Store {
    crate::testkit::Book::new()
        .accounts(
            "id, name, csm, health, health_since
             A1, Acme, ann, green, 2026-01-01T00:00:00Z
             B2, Globex, bob, yellow, 2026-01-01T00:00:00Z",
        )
        .open_in_memory()
}

fn at(minute: u32) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("2026-04-15T09:{minute:02}:00Z"))
        .expect("time")
        .with_timezone(&Utc)
}

/// Three members, each a book that joined the team.
fn members() -> Vec<Store> {
    MEMBERS
        .iter()
        .map(|name| {
            let store = book();
            store.join_team(name, "postgres://team.example/book").expect("join");
            store
        })
        .collect()
}

/// A morning of edits offline, the same accounts on every member.
fn edit_offline(stores: &[Store]) {
    let [ann, bob, cy] = stores else { panic!("three members") };
    ann.set_health("A1", Health::Orange, "usage fell", "ann", at(10)).expect("health");
    bob.set_health("A1", Health::Red, "sponsor left", "bob", at(20)).expect("health");
    cy.set_health("A1", Health::Yellow, "call went fine", "cy", at(5)).expect("health");
    // The same second on two members: the version breaks the tie.
    ann.set_health("B2", Health::Green, "renewed early", "ann", at(30)).expect("health");
    bob.set_health("B2", Health::Red, "escalation", "bob", at(30)).expect("health");
    ann.add_note("A1", NoteKind::Call, "QBR booked", "ann", at(11)).expect("note");
    bob.add_note("A1", NoteKind::Email, "sent the deck", "bob", at(12)).expect("note");
    cy.set_stage("B2", Stage::Adoption, "first team live", "cy", at(40)).expect("stage");
    bob.snooze("A1", "renewal:90", NaiveDate::from_ymd_opt(2026, 5, 1).expect("day"))
        .expect("snooze");
    cy.snooze("A1", "renewal:90", NaiveDate::from_ymd_opt(2026, 6, 1).expect("day"))
        .expect("snooze");
    ann.set_owners("B2", "ann", "dee").expect("owners");
    cy.set_flags("A1", Flags::from_bits(1)).expect("flags");
    let mut chain = ChurnChain::new(
        "B2",
        ChurnEvent::Contracted,
        NaiveDate::from_ymd_opt(2026, 3, 1).expect("d"),
        Money::from_units(5_000),
    );
    let reason = |label: &str| {
        ChainLink::reason(&cy.churn_reason_by_label(label).expect("query").expect("reason"))
    };
    chain.links = vec![reason("Failed implementation"), reason("Partner training")];
    cy.save_churn_chain(&chain, "cy", at(45)).expect("chain");
}

fn dumps(stores: &[Store]) -> Vec<String> {
    stores.iter().map(|s| s.book_dump().expect("dump")).collect()
}

/// Syncs the members in `order` (indexes, repeats allowed), then everyone
/// twice so that every event reached every member.
fn sync_in(server: &mut Server, stores: &[Store], order: &[usize]) {
    for &at in order {
        server.sync(&stores[at], MEMBERS[at]);
    }
    for _ in 0..2 {
        for (at, store) in stores.iter().enumerate() {
            server.sync(store, MEMBERS[at]);
        }
    }
}

#[test]
fn three_members_editing_offline_converge_to_one_book() {
    let stores = members();
    edit_offline(&stores);
    let mut server = Server::default();
    sync_in(&mut server, &stores, &[2, 0, 1]);
    let dumps = dumps(&stores);
    assert_eq!(dumps[0], dumps[1]);
    assert_eq!(dumps[1], dumps[2]);
    for store in &stores {
        // The latest change by time: bob's red at 09:20, not cy's yellow at 09:05.
        let history = store.health_history("A1").expect("history");
        assert_eq!(history.len(), 3, "the histories are a union");
        let row = store.account_row_for_tests("A1");
        assert_eq!(row.0.as_deref(), Some("red"));
        let b2 = store.account_row_for_tests("B2");
        assert_eq!(b2.1, "ann", "the owner moved with ann's edit");
        assert_eq!(b2.2, "adoption");
        assert_eq!(store.account_notes("A1").expect("notes").len(), 2);
        assert_eq!(store.parked_len().expect("parked"), 0);
    }
}

#[test]
fn an_event_applied_twice_counts_once() {
    let stores = members();
    edit_offline(&stores);
    let bob = &stores[1];
    let events: Vec<Event> =
        bob.outbox(1000).expect("outbox").into_iter().map(|o| o.event).collect();
    let ann = &stores[0];
    let first = ann.apply_team_events(&events, 1).expect("apply");
    let once = ann.book_dump().expect("dump");
    let second = ann.apply_team_events(&events, 2).expect("apply again");
    assert_eq!(second.applied, 0);
    assert_eq!(second.superseded, first.applied + first.superseded);
    assert_eq!(ann.book_dump().expect("dump"), once);
}

#[test]
fn pulled_events_are_not_sent_back_and_a_book_outside_a_team_records_nothing() {
    let alone = book();
    alone.set_health("A1", Health::Red, "call", "ann", at(1)).expect("health");
    assert_eq!(alone.outbox_len().expect("outbox"), 0);
    let stores = members();
    stores[0].set_health("A1", Health::Red, "call", "ann", at(1)).expect("health");
    let events: Vec<Event> =
        stores[0].outbox(10).expect("outbox").into_iter().map(|o| o.event).collect();
    assert_eq!(events.len(), 1, "one authored write, one event");
    assert_eq!(events[0].table, "health_changes");
    stores[1].apply_team_events(&events, 1).expect("apply");
    assert_eq!(stores[1].outbox_len().expect("outbox"), 0);
    assert_eq!(stores[1].account_row_for_tests("A1").0.as_deref(), Some("red"));
}

#[test]
fn joining_brings_the_history_the_book_already_has() {
    let store = book();
    store.add_note("A1", NoteKind::Call, "kick-off", "ann", at(1)).expect("note");
    store.set_health("A1", Health::Red, "call", "ann", at(2)).expect("health");
    let recorded = store.join_team("ann", "postgres://t/b").expect("join");
    assert_eq!(recorded, 2);
    assert_eq!(store.join_team("ann", "postgres://t/b").expect("again"), 0);
    assert!(store.join_team("bob", "postgres://t/b").is_err(), "a book is one member");
    let other = book();
    other.join_team("bob", "postgres://t/b").expect("join");
    let events: Vec<Event> =
        store.outbox(10).expect("outbox").into_iter().map(|o| o.event).collect();
    other.apply_team_events(&events, 2).expect("apply");
    assert_eq!(other.account_notes("A1").expect("notes").len(), 1);
    assert_eq!(other.account_row_for_tests("A1").0.as_deref(), Some("red"));
}

#[test]
fn an_event_for_an_account_not_in_the_book_waits_for_it() {
    let stores = members();
    let event = Event {
        event_id: "e1".to_string(),
        table: "notes".to_string(),
        row_key: "[\"Z9\",\"2026-04-15T09:00:00Z\",\"hello\"]".to_string(),
        op: Op::Upsert,
        body: Some(
            "{\"account_id\":\"Z9\",\"at\":\"2026-04-15T09:00:00Z\",\"kind\":\"call\",\"text\":\"hello\",\"who\":\"bob\"}"
                .to_string(),
        ),
        member: "bob".to_string(),
        hlc: 1,
    };
    let applied = stores[0].apply_team_events(std::slice::from_ref(&event), 1).expect("apply");
    assert_eq!(applied.parked, 1);
    crate::testkit::account(&stores[0], "Z9", "ann", None, 10);
    let later = stores[0].apply_team_events(&[], 1).expect("retry");
    assert_eq!((later.applied, later.parked), (1, 0));
    assert_eq!(stores[0].account_notes("Z9").expect("notes").len(), 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn any_order_of_syncs_gives_the_same_book(order in proptest::collection::vec(0usize..3, 0..8)) {
        let stores = members();
        edit_offline(&stores);
        let mut server = Server::default();
        sync_in(&mut server, &stores, &order);
        let dumps = dumps(&stores);
        prop_assert_eq!(&dumps[0], &dumps[1]);
        prop_assert_eq!(&dumps[1], &dumps[2]);
    }
}

#[test]
fn a_reassigned_account_reaches_the_new_csms_today_with_its_history_and_work() {
    let stores = members();
    let [ann, bob, _] = stores.as_slice() else { panic!("three members") };
    let mut server = Server::default();
    ann.add_note("A1", NoteKind::Call, "renewal call booked", "ann", at(1)).expect("note");
    ann.set_health("A1", Health::Red, "sponsor left", "ann", at(2)).expect("health");
    let task = crate::domain::task::NewTask {
        account_id: "A1".to_string(),
        title: "Find a new sponsor".to_string(),
        owner: "ann".to_string(),
        due_on: NaiveDate::from_ymd_opt(2026, 4, 10).expect("day"),
        steps: Vec::new(),
        playbook: None,
    };
    ann.add_task(&task, "ann", at(3)).expect("task");
    ann.set_owners("A1", "bob", "").expect("reassign");
    server.sync(ann, "ann");
    server.sync(bob, "bob");
    let day = NaiveDate::from_ymd_opt(2026, 4, 15).expect("day");
    let config = crate::domain::Config::default();
    let list = crate::read::today::today_list(bob, "bob", day, &config).expect("today");
    let row = list.rows.iter().find(|r| r.account_id() == "A1").expect("A1 on bob's Today");
    assert!(row.has(crate::metrics::triage::ReasonKind::Task), "the late task came with it");
    assert_eq!(row.health, Some(Health::Red));
    assert_eq!(bob.account_notes("A1").expect("notes").len(), 1);
    let history = bob.health_history("A1").expect("history");
    assert_eq!(history.len(), 1, "ann's change came with it: {history:?}");
    let ann_list = crate::read::today::today_list(ann, "ann", day, &config).expect("today");
    assert!(ann_list.rows.iter().all(|r| r.account_id() != "A1"), "it left ann's Today");
}
