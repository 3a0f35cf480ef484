//! The one event channel by example: a job answers once even when it
//! panics, answers and keys keep their order, and a server answers each
//! request with its ticket.

use super::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn is_key(event: &Event, c: char) -> bool {
    matches!(event, Event::Key(k) if k.code == KeyCode::Char(c))
}

#[test]
fn a_job_answers_once_on_the_channel_even_when_it_panics() {
    let mut work = Work::default();
    let fine = work.spawn("fine", || Done::Damage(None));
    let broken = work.spawn("broken", || panic!("a job that fails"));
    assert!(work.under_way());
    // Both answers are in the channel before the first is taken.
    while work.kept.len() < 2 {
        work.gather();
        std::thread::yield_now();
    }
    let mut answers = Vec::new();
    while let Some(answer) = work.wait_any() {
        answers.push(answer);
    }
    assert!(!work.under_way());
    assert_eq!(answers.len(), 2);
    assert!(answers.iter().any(|(t, d)| *t == fine && matches!(d, Done::Damage(None))));
    assert!(answers.iter().any(|(t, d)| *t == broken && matches!(d, Done::Stopped("broken"))));
}

#[test]
fn waiting_for_one_answer_keeps_every_other_event_in_order() {
    let mut work = Work::default();
    let sender = work.sender();
    sender.send(key('a')).expect("send");
    let (gate, opened) = channel::<()>();
    let slow = work.spawn("slow", move || {
        let _ = opened.recv();
        Done::Moments
    });
    let quick = work.spawn("quick", || Done::Damage(None));
    sender.send(key('b')).expect("send");
    gate.send(()).expect("open");
    assert!(matches!(work.wait(slow), Done::Moments));
    // The keys and the other answer are still there, in arrival order.
    let mut rest = Vec::new();
    while let Some(event) = work.try_next() {
        rest.push(event);
    }
    let keys: Vec<bool> = rest.iter().map(|e| is_key(e, 'a') || is_key(e, 'b')).collect();
    assert_eq!(keys.iter().filter(|k| **k).count(), 2);
    let a = rest.iter().position(|e| is_key(e, 'a')).expect("a");
    let b = rest.iter().position(|e| is_key(e, 'b')).expect("b");
    assert!(a < b, "keys keep their order");
    // The quick answer came while we waited (kept among the rest), or
    // comes after: either way it is not lost.
    if !rest.iter().any(|e| matches!(e, Event::Done(t, _) if *t == quick)) {
        assert!(matches!(work.wait(quick), Done::Damage(None)));
    }
    assert!(!work.under_way());
    assert!(work.nothing_waiting());
}

#[test]
fn taking_the_answers_leaves_the_keys_for_the_loop() {
    let mut work = Work::default();
    let sender = work.sender();
    sender.send(key('x')).expect("send");
    let job = work.spawn("job", || Done::Moments);
    assert!(matches!(work.wait(job), Done::Moments));
    let other = work.spawn("other", || Done::Damage(None));
    while work.under_way() && work.take_answers().is_empty() {
        std::thread::yield_now();
    }
    assert!(!work.under_way(), "{other:?} taken");
    assert!(!work.nothing_waiting());
    assert!(work.try_next().is_some_and(|e| is_key(&e, 'x')));
    assert!(work.try_next().is_none());
}

#[test]
fn a_server_answers_each_request_with_its_ticket() {
    let mut work = Work::default();
    let mut asked = 0;
    let server = work
        .serve("counter", move |n: u32| {
            asked += 1;
            if n == 0 {
                panic!("zero");
            }
            Done::Damage(Some(format!("{n} after {asked}")))
        })
        .expect("server");
    let one = work.ask(&server, 1).expect("one");
    let zero = work.ask(&server, 0).expect("zero");
    let two = work.ask(&server, 2).expect("two");
    assert!(matches!(work.wait(two), Done::Damage(Some(text)) if text == "2 after 3"));
    assert!(matches!(work.wait(zero), Done::Stopped("counter")));
    assert!(matches!(work.wait(one), Done::Damage(Some(text)) if text == "1 after 1"));
    assert!(!work.under_way());
}
