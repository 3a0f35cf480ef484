//! The editor driven by operations, as the pane will drive it.

use super::*;
use crate::domain::churn::chain::sentence;
use crate::domain::churn::taxonomy::DEFAULT_TAXONOMY;
use proptest::prelude::*;

fn taxonomy() -> Vec<Reason> {
    DEFAULT_TAXONOMY
        .iter()
        .enumerate()
        .map(|(i, r)| Reason {
            id: i as i64 + 1,
            label: r.label.to_string(),
            kind: r.kind,
            description: r.description.to_string(),
            retired: false,
        })
        .collect()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 15).expect("date")
}

fn editor() -> ChainEditor {
    ChainEditor::new("A1", &taxonomy(), None, today())
}

/// Types text then presses Enter; returns the number of keys used.
fn pick(editor: &mut ChainEditor, letters: &str) -> usize {
    for ch in letters.chars() {
        editor.apply(EditorOp::Type(ch));
    }
    editor.apply(EditorOp::Confirm);
    letters.chars().count() + 1
}

fn labels(editor: &ChainEditor) -> Vec<String> {
    editor.chain().links.iter().map(|l| l.label().to_string()).collect()
}

#[test]
fn a_practised_user_records_four_links_in_a_few_dozen_keys() {
    let proposal = EventProposal {
        event: ChurnEvent::Churned,
        date: NaiveDate::from_ymd_opt(2026, 3, 1).expect("date"),
        arr_lost: Money::from_units(48_000),
        arr_before: Money::from_units(48_000),
        arr_after: Money::ZERO,
    };
    let mut editor = ChainEditor::new("A1", &taxonomy(), Some(proposal), today());
    assert!(matches!(editor.mode(), Mode::Picking { .. }), "opens ready to pick");
    assert_eq!(editor.date_text(), "2026-03-01");
    assert_eq!(editor.arr_text(), "48000");
    let mut keys = 0;
    keys += pick(&mut editor, "spon");
    keys += pick(&mut editor, "fail imp");
    keys += pick(&mut editor, "partn pro");
    keys += pick(&mut editor, "partn tr");
    assert!(matches!(editor.mode(), Mode::Picking { .. }), "the next link is ready");
    let effect = editor.apply(EditorOp::Save);
    keys += 1;
    let EditorEffect::Save(chain) = effect else { panic!("expected a save, got {effect:?}") };
    assert_eq!(
        chain.sentence(),
        "Churned, due to New sponsor, due to Failed implementation, due to Partner problem, due to Partner training"
    );
    assert_eq!(chain.status, ChainStatus::Saved);
    assert_eq!(chain.arr_lost, Money::from_units(48_000));
    assert!(keys <= 35, "{keys} keys");
    editor.mark_saved(7);
    assert!(!editor.is_dirty());
    assert_eq!(editor.chain().id, Some(7));
}

#[test]
fn saving_a_terminal_only_chain_is_refused_in_one_line() {
    let mut editor = editor();
    pick(&mut editor, "sent churn notice");
    editor.apply(EditorOp::Confirm); // close the picker
    assert_eq!(editor.apply(EditorOp::Save), EditorEffect::None);
    let message = editor.message().expect("message");
    assert_eq!(message.level, Level::Error);
    assert!(message.text.contains("stopped breathing"), "{}", message.text);
    assert!(!message.text.contains('\n'));
    assert_eq!(editor.problems().len(), 1);
}

#[test]
fn an_uncontrollable_root_asks_once_then_saves_as_is_or_takes_a_deeper_cause() {
    let mut editor = editor();
    pick(&mut editor, "budget cut");
    assert_eq!(editor.apply(EditorOp::Save), EditorEffect::None);
    assert_eq!(editor.mode(), &Mode::AskDeeper);
    assert!(editor.message().expect("asked").text.contains("deeper"));
    // Saving as is is allowed.
    assert!(matches!(editor.apply(EditorOp::Confirm), EditorEffect::Save(_)));

    let mut editor = ChainEditor::new("A1", &taxonomy(), None, today());
    pick(&mut editor, "budget cut");
    editor.apply(EditorOp::Save);
    editor.apply(EditorOp::AddLink);
    pick(&mut editor, "oversold");
    let EditorEffect::Save(chain) = editor.apply(EditorOp::Save) else { panic!("saved") };
    assert_eq!(chain.sentence(), "Churned, due to Budget cut, due to Oversold / poor fit");
}

#[test]
fn free_text_is_taken_when_nothing_matches_or_when_asked_and_is_flagged() {
    let mut editor = editor();
    pick(&mut editor, "qqqq xyz");
    let link = &editor.chain().links[0];
    assert!(link.is_free_text());
    assert_eq!(link.label(), "qqqq xyz");
    assert_eq!(editor.message().map(|m| m.level), Some(Level::Warning));

    for ch in "sponsor".chars() {
        editor.apply(EditorOp::Type(ch));
    }
    assert_eq!(editor.picker_rows().first().map(|r| r.label.as_str()), Some("New sponsor"));
    assert!(editor.picker_rows().last().is_some_and(|r| r.free_text));
    editor.apply(EditorOp::ConfirmFreeText);
    assert!(editor.chain().links[1].is_free_text());
    assert_eq!(editor.chain().links[1].label(), "sponsor");
}

#[test]
fn links_can_be_reordered_inserted_changed_removed_and_annotated() {
    let mut editor = editor();
    pick(&mut editor, "new sponsor");
    pick(&mut editor, "partner training");
    pick(&mut editor, "failed implementation");
    editor.apply(EditorOp::Confirm);
    assert_eq!(editor.selected(), 2);
    editor.apply(EditorOp::MoveUp);
    assert_eq!(labels(&editor), ["New sponsor", "Failed implementation", "Partner training"]);
    assert_eq!(editor.selected(), 1);
    editor.apply(EditorOp::MoveUp);
    editor.apply(EditorOp::MoveUp); // already first: nothing moves
    assert_eq!(labels(&editor), ["Failed implementation", "New sponsor", "Partner training"]);
    editor.apply(EditorOp::MoveDown);
    assert_eq!(editor.selected(), 1);

    // A note on the selected link, kept when the link is changed.
    editor.apply(EditorOp::EditNote);
    for ch in "rollout stalled in Q3 ✔".chars() {
        editor.apply(EditorOp::Type(ch));
    }
    editor.apply(EditorOp::Confirm);
    assert_eq!(editor.chain().links[1].note, "rollout stalled in Q3 ✔");
    editor.apply(EditorOp::ChangeLink);
    pick(&mut editor, "partner problem");
    assert_eq!(labels(&editor), ["New sponsor", "Partner problem", "Partner training"]);
    assert_eq!(editor.chain().links[1].note, "rollout stalled in Q3 ✔");

    editor.apply(EditorOp::InsertBelow);
    pick(&mut editor, "failed impl");
    assert_eq!(
        labels(&editor),
        ["New sponsor", "Partner problem", "Failed implementation", "Partner training"]
    );
    editor.apply(EditorOp::Up);
    editor.apply(EditorOp::Up);
    editor.apply(EditorOp::InsertAbove);
    pick(&mut editor, "decided not");
    assert_eq!(editor.chain().links[0].label(), "Decided not to renew");
    editor.apply(EditorOp::RemoveLink);
    editor.apply(EditorOp::Down);
    editor.apply(EditorOp::Down);
    editor.apply(EditorOp::Down);
    editor.apply(EditorOp::RemoveLink);
    assert_eq!(labels(&editor), ["New sponsor", "Partner problem", "Failed implementation"]);
    assert_eq!(editor.selected(), 2);
    assert_eq!(
        editor.sentence(),
        "Churned, due to New sponsor, due to Partner problem, due to Failed implementation"
    );
}

#[test]
fn retired_entries_are_hidden_from_the_picker_but_kept_in_chains() {
    let mut reasons = taxonomy();
    let mut editor = ChainEditor::new("A1", &reasons, None, today());
    pick(&mut editor, "ease of use");
    for reason in &mut reasons {
        reason.retired = reason.label == "Ease of use";
    }
    editor.set_taxonomy(&reasons);
    for ch in "ease of use".chars() {
        editor.apply(EditorOp::Type(ch));
    }
    assert!(editor.picker_rows().iter().all(|row| row.label != "Ease of use" || row.free_text));
    assert_eq!(editor.chain().links[0].label(), "Ease of use");
}

#[test]
fn header_fields_are_typed_and_validated() {
    let mut editor = editor();
    editor.apply(EditorOp::Cancel); // close the picker
    editor.apply(EditorOp::Focus(Field::Event));
    editor.apply(EditorOp::Type(' '));
    assert_eq!(editor.chain().event, ChurnEvent::Contracted);
    editor.apply(EditorOp::FocusNext);
    assert_eq!(editor.focus(), Field::Date);
    editor.apply(EditorOp::ClearText);
    for ch in "2026-02-30".chars() {
        editor.apply(EditorOp::Type(ch));
    }
    assert!(editor.problems().iter().any(|p| p.contains("not a date")));
    editor.apply(EditorOp::Backspace);
    editor.apply(EditorOp::Backspace);
    editor.apply(EditorOp::Type('2'));
    editor.apply(EditorOp::Type('8'));
    assert_eq!(editor.chain().event_date, NaiveDate::from_ymd_opt(2026, 2, 28).expect("d"));
    editor.apply(EditorOp::Confirm);
    assert_eq!(editor.focus(), Field::ArrLost);
    editor.apply(EditorOp::ClearText);
    for ch in "2500.5".chars() {
        editor.apply(EditorOp::Type(ch));
    }
    assert_eq!(editor.chain().arr_lost, Money(250_050));
    editor.apply(EditorOp::Type('x'));
    assert!(editor.problems().iter().any(|p| p.contains("not an amount")));
    editor.apply(EditorOp::Backspace);
    // Past the bound on one amount: refused, and the last good amount kept.
    editor.apply(EditorOp::ClearText);
    for ch in "99999999999".chars() {
        editor.apply(EditorOp::Type(ch));
    }
    assert_eq!(editor.chain().arr_lost, Money(999_999_999_900));
    assert!(
        editor.problems().iter().any(|p| p.contains("is too large (at most 10000000000)")),
        "{:?}",
        editor.problems()
    );
    editor.apply(EditorOp::ClearText);
    for ch in "2500.5".chars() {
        editor.apply(EditorOp::Type(ch));
    }
    editor.apply(EditorOp::FocusNext);
    for ch in "Analytics".chars() {
        editor.apply(EditorOp::Type(ch));
    }
    assert_eq!(editor.chain().product, "Analytics");
    editor.apply(EditorOp::FocusNext);
    assert_eq!(editor.focus(), Field::Links);
    pick(&mut editor, "ease");
    let EditorEffect::Save(chain) = editor.apply(EditorOp::Save) else { panic!("saved") };
    assert_eq!(chain.sentence(), "Contracted, due to Ease of use");
}

#[test]
fn leaving_keeps_a_draft_of_a_new_chain_but_never_overwrites_a_saved_one() {
    let mut editor = editor();
    assert_eq!(editor.apply(EditorOp::Cancel), EditorEffect::None, "Esc closes the picker");
    assert_eq!(editor.apply(EditorOp::Cancel), EditorEffect::Leave { draft: None });

    let mut editor = ChainEditor::new("A1", &taxonomy(), None, today());
    pick(&mut editor, "new spon");
    editor.apply(EditorOp::Cancel);
    let EditorEffect::Leave { draft: Some(draft) } = editor.apply(EditorOp::Cancel) else {
        panic!("a draft")
    };
    assert_eq!(draft.status, ChainStatus::Draft);
    assert_eq!(draft.sentence(), "Churned, due to New sponsor");

    let mut saved = draft.clone();
    saved.id = Some(3);
    saved.status = ChainStatus::Saved;
    let mut editor = ChainEditor::open(saved, &taxonomy());
    assert_eq!(editor.mode(), &Mode::Browse);
    editor.apply(EditorOp::AddLink);
    pick(&mut editor, "onboard");
    editor.apply(EditorOp::Cancel);
    assert_eq!(editor.apply(EditorOp::Cancel), EditorEffect::None, "warned first");
    assert_eq!(editor.message().map(|m| m.level), Some(Level::Warning));
    assert_eq!(editor.apply(EditorOp::Cancel), EditorEffect::Leave { draft: None });
}

#[test]
fn a_draft_is_discarded_on_the_second_ask_and_a_saved_chain_never() {
    let mut draft = ChurnChain::new("A1", ChurnEvent::Churned, today(), Money::ZERO);
    draft.id = Some(7);
    draft.status = ChainStatus::Draft;
    let mut editor = ChainEditor::open(draft.clone(), &taxonomy());
    assert_eq!(editor.apply(EditorOp::Discard), EditorEffect::None, "asks first");
    assert_eq!(editor.message().map(|m| m.level), Some(Level::Warning));
    assert_eq!(editor.apply(EditorOp::Discard), EditorEffect::Discard { draft_id: Some(7) });
    // Any other key between the two presses keeps the draft.
    let mut editor = ChainEditor::open(draft.clone(), &taxonomy());
    editor.apply(EditorOp::Discard);
    editor.apply(EditorOp::Type('b'));
    assert_eq!(editor.apply(EditorOp::Discard), EditorEffect::None, "asks again");
    // A new chain, never stored, is simply dropped.
    let mut editor = editor_new();
    editor.apply(EditorOp::Discard);
    assert_eq!(editor.apply(EditorOp::Discard), EditorEffect::Discard { draft_id: None });
    // A saved chain is kept.
    let mut saved = draft;
    saved.status = ChainStatus::Saved;
    let mut editor = ChainEditor::open(saved, &taxonomy());
    assert_eq!(editor.apply(EditorOp::Discard), EditorEffect::None);
    assert_eq!(editor.apply(EditorOp::Discard), EditorEffect::None);
}

#[test]
fn a_customer_who_said_no_opens_on_the_renewal_at_stake() {
    let date = NaiveDate::from_ymd_opt(2027, 1, 31).expect("date");
    let prefill = Prefill::SaidNo { date, arr: Money::from_units(9_000) };
    let editor = ChainEditor::prefilled("A1", &taxonomy(), Some(prefill), today());
    assert_eq!(editor.date_text(), "2027-01-31");
    assert_eq!(editor.arr_text(), "9000");
    assert_eq!(editor.chain().event, ChurnEvent::Churned);
    assert!(editor.message().is_some_and(|m| m.text.contains("renewal of 2027-01-31")));
}

fn editor_new() -> ChainEditor {
    editor()
}

fn op_strategy() -> impl Strategy<Value = EditorOp> {
    prop_oneof![
        Just(EditorOp::FocusNext),
        Just(EditorOp::FocusPrev),
        Just(EditorOp::Focus(Field::Date)),
        Just(EditorOp::ToggleEvent),
        any::<char>().prop_map(EditorOp::Type),
        prop::sample::select(vec!['s', 'p', 'o', 'n', ' ', 'f', 'a', 'i', 'l'])
            .prop_map(EditorOp::Type),
        Just(EditorOp::Backspace),
        Just(EditorOp::Discard),
        Just(EditorOp::ClearText),
        Just(EditorOp::Up),
        Just(EditorOp::Down),
        Just(EditorOp::AddLink),
        Just(EditorOp::InsertAbove),
        Just(EditorOp::InsertBelow),
        Just(EditorOp::ChangeLink),
        Just(EditorOp::RemoveLink),
        Just(EditorOp::MoveUp),
        Just(EditorOp::MoveDown),
        Just(EditorOp::EditNote),
        Just(EditorOp::Confirm),
        Just(EditorOp::Confirm),
        Just(EditorOp::ConfirmFreeText),
        Just(EditorOp::Cancel),
        Just(EditorOp::Save),
    ]
}

proptest! {
    #[test]
    fn any_sequence_of_operations_keeps_the_editor_coherent(
        ops in prop::collection::vec(op_strategy(), 0..120)
    ) {
        let mut editor = editor();
        for op in ops {
            let effect = editor.apply(op);
            let chain = editor.chain();
            prop_assert_eq!(editor.sentence(), sentence(chain.event, &chain.links));
            prop_assert!(chain.links.is_empty() || editor.selected() < chain.links.len());
            if let Mode::Picking { candidates, highlighted, .. } = editor.mode() {
                prop_assert!(candidates.is_empty() || *highlighted < candidates.len());
            }
            if let EditorEffect::Save(saved) = effect {
                prop_assert!(saved.check_etiology().is_ok());
                prop_assert_eq!(saved.status, ChainStatus::Saved);
                editor.mark_saved(1);
            }
        }
    }
}

#[test]
fn the_date_may_be_typed_relative_to_today() {
    let mut editor = editor();
    editor.apply(EditorOp::Cancel); // close the picker
    editor.apply(EditorOp::Focus(Field::Date));
    editor.apply(EditorOp::ClearText);
    for ch in "-2w".chars() {
        editor.apply(EditorOp::Type(ch));
    }
    assert_eq!(editor.chain().event_date, NaiveDate::from_ymd_opt(2026, 4, 1).expect("d"));
    assert_eq!(editor.date_echo().as_deref(), Some("→ Wed 2026-04-01 · 14 days ago"));
    editor.apply(EditorOp::Type('x'));
    assert!(editor.problems().iter().any(|p| p.starts_with("date: \"-2wx\" is not a date")));
    assert_eq!(editor.date_echo(), None);
}
