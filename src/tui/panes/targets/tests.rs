//! The targets filter walked a slice at a time: a key stops at a screenful,
//! the count between keys finishes the same view a whole walk gives.

use super::TargetsPane;
use super::sieve::SLICE;
use crate::domain::{Health, Money, Stage};
use crate::metrics::absorption::AccountAbsorption;
use crate::metrics::targets::{TargetFilter, TargetList};
use crate::read::book::BookIndex;
use crate::testkit::{d, position};
use crate::tui::widgets::Cursor;

/// `n` green accounts with 100 of whitespace each: every third in adoption
/// (ranked below the others at 50%), the rest in absorption; the AM is
/// "rare" for one account in 5,000.
fn pane(n: usize) -> TargetsPane {
    let positions = (0..n)
        .map(|i| {
            let stage = if i % 3 == 0 { Stage::Adoption } else { Stage::Absorption };
            let mut p = position(&format!("A{i:06}"), stage, 1_000);
            p.health = Some(Health::Green);
            p.absorption = AccountAbsorption {
                current_units: Some(10),
                potential_units: Some(20),
                whitespace: Money::from_units(100),
            };
            if i % 5_000 == 4_999 {
                p.am = "rare".into();
            }
            p
        })
        .collect();
    TargetsPane {
        list: Some(TargetList::rank(positions, d(2025, 3, 1))),
        cursor: Cursor { selected: 0, offset: 0, height: 40 },
        ..TargetsPane::default()
    }
}

fn settled(pane: &mut TargetsPane, book: &BookIndex) -> (usize, Money) {
    pane.finish_view(book);
    assert!(!pane.is_counting());
    (pane.visible.len(), pane.visible_whitespace)
}

#[test]
fn a_filter_key_walks_a_screenful_and_the_rest_is_counted_after() {
    let book = BookIndex::default();
    let mut pane = pane(3 * SLICE);
    pane.filter.stage = Some(Stage::Adoption);
    pane.apply_filter(&book);
    // The adoption accounts rank last: the 16,384 absorption ones come first,
    // so a key stops at its budget with nothing yet, still counting.
    assert!(pane.is_counting());
    assert!(pane.visible.len() < 3 * SLICE / 3);
    // One in three of 24,576 is 8,192 accounts, 100 of whitespace each.
    assert_eq!(settled(&mut pane, &book), (8_192, Money::from_units(819_200)));

    pane.filter.stage = Some(Stage::Absorption);
    pane.apply_filter(&book);
    assert!(pane.is_counting());
    assert!(pane.visible.len() >= 40, "a screenful at once");
    assert!(pane.visible.len() < 16_384);
    assert_eq!(settled(&mut pane, &book), (16_384, Money::from_units(1_638_400)));
}

#[test]
fn the_counted_view_is_the_whole_walk_of_the_list() {
    let book = BookIndex::default();
    let mut pane = pane(2 * SLICE + 17);
    pane.filter = TargetFilter { am: Some("rare".into()), ..TargetFilter::default() };
    pane.apply_filter(&book);
    settled(&mut pane, &book);
    let list = pane.list.as_ref().expect("list");
    let whole: Vec<u32> = list
        .ranked
        .iter()
        .enumerate()
        .filter(|(_, t)| list.accepts_in(&list.names, &pane.filter, t))
        .map(|(i, _)| u32::try_from(i).expect("u32"))
        .collect();
    // Accounts 4,999 and 9,999 of 16,401 (0-based) have the rare AM.
    assert_eq!(whole.len(), 3);
    assert_eq!(pane.visible, whole);
    assert_eq!(pane.visible_whitespace, Money::from_units(300));
}

#[test]
fn a_deep_selection_stays_selected_when_the_filter_still_shows_it() {
    let book = BookIndex::default();
    let mut pane = pane(3 * SLICE);
    pane.apply_filter(&book);
    pane.finish_view(&book);
    // Deep in the list: an adoption account, ranked after every absorption one.
    pane.cursor.select(20_000, pane.visible.len());
    let chosen = pane.target_at(20_000).expect("target").index;
    pane.filter.health = Some(Health::Green);
    pane.apply_filter(&book);
    let now = pane.target_at(pane.cursor.selected).expect("selected").index;
    assert_eq!(now, chosen);
    assert_eq!(pane.cursor.selected, 20_000);
    // A filter that leaves it out starts at the top.
    pane.filter.stage = Some(Stage::Absorption);
    pane.apply_filter(&book);
    assert_eq!(pane.cursor.selected, 0);
}

#[test]
fn moving_past_what_is_counted_walks_on() {
    let book = BookIndex::default();
    let mut pane = pane(3 * SLICE);
    pane.filter.stage = Some(Stage::Absorption);
    pane.apply_filter(&book);
    let first = pane.visible.len();
    for _ in 0..first + 5 {
        pane.extend_view(pane.cursor.selected + 2, &book);
        pane.cursor.move_by(1, pane.visible.len());
    }
    assert_eq!(pane.cursor.selected, first + 5);
}

fn footer(pane: &TargetsPane, book: &BookIndex) -> String {
    use crate::tui::keymap::Keymap;
    use crate::tui::panes::View;
    use crate::tui::theme::Theme;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let keymap = Keymap::new([]);
    let view = View {
        theme: Theme::plain(),
        book,
        keymap: &keymap,
        today: d(2025, 3, 1),
        user: "farmer",
        active: true,
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 48)).expect("terminal");
    terminal.draw(|frame| pane.draw_list(frame, frame.area(), &view)).expect("draw");
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| (0..buffer.area.width).map(|x| buffer[(x, y)].symbol()).collect::<String>())
        .find(|line| line.contains("targets · whitespace"))
        .unwrap_or_default()
}

#[test]
fn the_totals_read_as_lower_bounds_until_counted() {
    let book = BookIndex::default();
    let mut pane = pane(3 * SLICE);
    pane.filter.stage = Some(Stage::Absorption);
    pane.apply_filter(&book);
    let shown = pane.visible.len();
    let counting = footer(&pane, &book);
    assert!(counting.contains(&format!("≥ {shown} of 24576 targets")), "{counting}");
    settled(&mut pane, &book);
    let counted = footer(&pane, &book);
    assert!(counted.contains("16384 of 24576 targets · whitespace 1,638,400"), "{counted}");
}

#[test]
fn shares_and_absorption_round_half_away_from_zero_as_every_percentage() {
    use crate::metrics::Rate;
    use crate::read::cross_sell::Adoption;
    // 248 / 867 = 28.60 %: shown as 29 %, not cut to 28 % (the Book and the
    // Account view show 29 % for the same numbers).
    assert_eq!(super::grid::percent(Adoption { holders: 248, accounts: 867 }), Some(29));
    assert_eq!(super::grid::percent(Adoption { holders: 1, accounts: 8 }), Some(13));
    assert_eq!(super::grid::percent(Adoption { holders: 1, accounts: 3 }), Some(33));
    assert_eq!(super::grid::percent(Adoption { holders: 0, accounts: 0 }), None);
    let absorption = crate::tui::panes::board::absorption_percent;
    assert_eq!(absorption(Rate::new(248, 867)), "29%");
    assert_eq!(absorption(Rate::new(1, 8)), "13%");
    assert_eq!(absorption(Rate::new(1, 3)), "33%");
    assert_eq!(absorption(None), "—");
}
