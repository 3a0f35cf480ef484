//! Tests of `tasks`.

use super::super::stages::fixture::*;
use super::*;

fn renewal_task(account_id: &str, owner: &str) -> NewTask {
    NewTask {
        account_id: account_id.to_string(),
        title: "Renewal".to_string(),
        owner: owner.to_string(),
        due_on: day(2025, 5, 31),
        steps: vec![
            ("Confirm stakeholders".to_string(), day(2025, 2, 1)),
            ("Proposal".to_string(), day(2025, 4, 1)),
        ],
        playbook: Some("renewal".to_string()),
    }
}

#[test]
fn steps_close_the_task_and_every_change_can_be_put_back() {
    let store = book();
    let at = noon(day(2025, 2, 3));
    let id = store.add_task(&renewal_task("ACME", "fran"), "fran", at).expect("add");
    let first = store.set_step_status(id, 1, TaskStatus::Done, "fran", at).expect("step 1");
    assert_eq!((first.task_before, first.task_after), (TaskStatus::Open, TaskStatus::Open));
    let last = store.set_step_status(id, 2, TaskStatus::Skipped, "fran", at).expect("step 2");
    assert_eq!(last.task_after, TaskStatus::Done, "the last step closes the task");
    let task = store.task(id).expect("read").expect("exists");
    assert_eq!((task.status, task.closed_at), (TaskStatus::Done, Some(at)));
    assert_eq!(task.steps[1].status, TaskStatus::Skipped);
    // Undo the last step: the task is open again, step 1 still done.
    store.revert_task_change(&last, "fran", at).expect("undo");
    let task = store.task(id).expect("read").expect("exists");
    assert_eq!(task.status, TaskStatus::Open);
    assert_eq!(task.closed_at, None);
    let statuses: Vec<TaskStatus> = task.steps.iter().map(|s| s.status).collect();
    assert_eq!(statuses, [TaskStatus::Done, TaskStatus::Open]);
    // Three changes kept, the undo among them.
    let (changes, undos): (i64, i64) = store
        .conn
        .query_row("SELECT count(*), sum(undo) FROM task_changes WHERE task_id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("changes");
    assert_eq!((changes, undos), (3, 1));
    // A task closed by hand and put back; removed (add's inverse).
    let skipped = store.set_task_status(id, TaskStatus::Skipped, "fran", at).expect("skip");
    assert_eq!(store.task(id).expect("read").map(|t| t.status), Some(TaskStatus::Skipped));
    store.revert_task_change(&skipped, "fran", at).expect("undo");
    assert_eq!(store.task(id).expect("read").map(|t| t.status), Some(TaskStatus::Open));
    store.remove_task(id).expect("remove");
    assert_eq!(store.task(id).expect("read"), None);
    assert!(store.remove_task(id).is_err());
}

#[test]
fn an_undo_puts_a_step_and_its_task_back_and_removes_what_was_added() {
    use super::super::undo::Reverse;
    let store = book();
    let at = noon(day(2025, 2, 3));
    let back = store.tasks_added_back("ACME").expect("back");
    let id = store.add_task(&renewal_task("ACME", "fran"), "fran", at).expect("add");
    store.set_step_status(id, 1, TaskStatus::Done, "fran", at).expect("step 1");
    let before = store.task_status_back(id, Some(2)).expect("before");
    assert_eq!(before.step, Some((2, TaskStatus::Open)));
    store.set_step_status(id, 2, TaskStatus::Done, "fran", at).expect("step 2");
    assert_eq!(store.task(id).expect("read").map(|t| t.status), Some(TaskStatus::Done));
    before.reverse(&store, "fran", at).expect("undo");
    let task = store.task(id).expect("read").expect("task");
    assert_eq!(task.status, TaskStatus::Open);
    let steps: Vec<TaskStatus> = task.steps.iter().map(|s| s.status).collect();
    assert_eq!(steps, [TaskStatus::Done, TaskStatus::Open]);
    back.reverse(&store, "fran", at).expect("undo the add");
    assert!(store.account_tasks("ACME").expect("tasks").is_empty());
}

#[test]
fn tasks_are_listed_per_account_and_per_owner() {
    let store = book();
    let at = noon(day(2025, 2, 3));
    let acme = store.add_task(&renewal_task("ACME", "fran"), "fran", at).expect("add");
    let beta = store.add_task(&renewal_task("BETA", "sam"), "fran", at).expect("add");
    let plain =
        NewTask { steps: vec![], title: "Send the deck".into(), ..renewal_task("ACME", "fran") };
    let deck = store.add_task(&plain, "fran", at).expect("add");
    store.set_task_status(deck, TaskStatus::Done, "fran", at).expect("done");
    let acme_tasks = store.account_tasks("ACME").expect("tasks");
    let ids: Vec<i64> = acme_tasks.iter().map(|t| t.id).collect();
    assert_eq!(ids, [acme, deck], "open first, then closed");
    assert_eq!(acme_tasks[0].steps.len(), 2);
    let mine = store.open_tasks(Some("fran")).expect("open");
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0].task.id, mine[0].account_name.as_str()), (acme, "Acme"));
    let all = store.open_tasks(None).expect("open");
    assert_eq!(all.len(), 2);
    assert!(all.iter().any(|t| t.task.id == beta && t.task.steps.len() == 2));
    assert!(store.add_task(&renewal_task("NOPE", "fran"), "fran", at).is_err());
    let untitled = NewTask { title: " ".into(), ..renewal_task("ACME", "fran") };
    assert!(store.add_task(&untitled, "fran", at).is_err());
    assert!(store.set_step_status(acme, 9, TaskStatus::Done, "fran", at).is_err());
}

#[test]
fn undoing_a_red_health_removes_its_untouched_save_plan_only() {
    use crate::domain::Health;
    use crate::store::undo::{Reversal, UndoStep};
    let mut store = book();
    store.set_playbooks(crate::domain::playbook::Playbooks::default());
    let at = noon(day(2025, 2, 3));
    let by_hand = store.add_task(&renewal_task("ACME", "fran"), "fran", at).expect("add");
    // Red from green starts the save plan; the undo removes it and the colour.
    let red = |store: &Store, id: &str| {
        let back = store.save_plans_back(id).expect("back");
        let before = store.account_state(id).expect("state").0;
        store.set_health(id, Health::Red, "sponsor left", "fran", at).expect("red");
        UndoStep {
            what: "red".to_string(),
            reversals: vec![
                Reversal::Health { account_id: id.to_string(), before, what: "red".into() },
                Reversal::Other(Box::new(back)),
            ],
        }
    };
    let step = red(&store, "ACME");
    let titles = |store: &Store, id: &str| -> Vec<String> {
        let mut titles: Vec<String> =
            store.account_tasks(id).expect("tasks").into_iter().map(|t| t.title).collect();
        titles.sort();
        titles
    };
    assert_eq!(titles(&store, "ACME"), ["Renewal", "Save plan"]);
    store.undo(&step, "fran", at).expect("undo");
    assert_eq!(titles(&store, "ACME"), ["Renewal"], "the hand-made task stays");
    assert!(store.task(by_hand).expect("read").is_some());
    // A save plan someone worked on stays when its health change is undone.
    let step = red(&store, "BETA");
    let plan = store.account_tasks("BETA").expect("tasks")[0].id;
    store.set_step_status(plan, 1, TaskStatus::Done, "fran", at).expect("step");
    store.undo(&step, "fran", at).expect("undo");
    assert_eq!(titles(&store, "BETA"), ["Save plan"]);
    assert_eq!(store.account_state("BETA").expect("state").0, Some(Health::Yellow));
}

/// Many open tasks (more than are read one by one) of two owners: each
/// owner's tasks come with their own steps in order, read from that owner's
/// tasks alone, and everyone's come with theirs.
#[test]
fn many_open_tasks_of_one_owner_come_with_their_steps() {
    let store = book();
    let at = noon(day(2025, 2, 3));
    let steps = |n: usize| -> Vec<(String, NaiveDate)> {
        (1..=n).map(|i| (format!("Step {i}"), day(2025, 3, 1))).collect()
    };
    for i in 0..70 {
        let fran = NewTask { steps: steps(1 + i % 3), ..renewal_task("ACME", "fran") };
        store.add_task(&fran, "fran", at).expect("add");
        let sam = NewTask { steps: steps(4), ..renewal_task("BETA", "sam") };
        store.add_task(&sam, "sam", at).expect("add");
    }
    let mine = store.open_tasks(Some("fran")).expect("open");
    assert_eq!(mine.len(), 70);
    for open in &mine {
        let task = &open.task;
        assert_eq!(task.owner, "fran");
        let titles: Vec<&str> = task.steps.iter().map(|s| s.title.as_str()).collect();
        let expected: Vec<String> = (1..=titles.len()).map(|i| format!("Step {i}")).collect();
        assert_eq!(titles, expected, "task {}: its own steps, in order", task.id);
        assert_eq!(Some(task), store.task(task.id).expect("read").as_ref());
    }
    let total: usize = mine.iter().map(|t| t.task.steps.len()).sum();
    assert_eq!(total, (0..70).map(|i| 1 + i % 3).sum::<usize>());
    let all = store.open_tasks(None).expect("open");
    assert_eq!(all.len(), 140);
    assert!(all.iter().filter(|t| t.task.owner == "sam").all(|t| t.task.steps.len() == 4));
}
