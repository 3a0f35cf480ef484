//! The book index's tests, with numbers worked by hand.

use super::*;
use crate::domain::Flags;

pub(crate) fn row(id: &str, name: &str, arr: i64, csm: &str) -> BookRow {
    BookRow {
        id: id.into(),
        name: name.into(),
        csm: csm.into(),
        am: String::new(),
        stage: Stage::Adoption,
        stage_since: None,
        health: None,
        health_since: None,
        flags: Flags::default(),
        arr: Money::from_units(arr),
        units: 0,
        potential_units: None,
        next_renewal: None,
        last_touch: None,
        record: std::array::from_fn(|at| {
            Value::blank(crate::store::records::ACCOUNT_COLUMNS[IN_BOOK[at]].kind)
        }),
    }
}

fn book() -> BookIndex {
    let mut rows = vec![
        row("A1", "Acme", 500, "ana"),
        row("A2", "Globex", 300, "bo"),
        row("A3", "Initech", 150, "ana"),
        row("A4", "Umbrella", 50, "bo"),
    ];
    rows[1].health = Some(Health::Red);
    rows[2].next_renewal = NaiveDate::from_ymd_opt(2025, 7, 1);
    rows[3].flags.reference = true;
    let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("d");
    BookIndex::new(rows, &Config::default(), today, "ana")
}

fn names(book: &BookIndex) -> Vec<&str> {
    book.visible().iter().filter_map(|i| book.row(*i)).map(|r| r.name.as_str()).collect()
}

#[test]
fn search_text_is_lower_case_with_and_without_warm_up() {
    let mut texts =
        texts::SearchTexts::of(&[row("A1", "ÉCOLE Ltd", 1, "Ana"), row("A2", "ACME", 1, "ana")]);
    assert_eq!(texts.get(0), "école ltd\ta1\tana\t");
    assert_eq!(texts.get(1), "acme\ta2\tana\t");
    // A row written again keeps its place; the other is untouched.
    texts.replace(0, &row("A1", "Ecole SA", 1, "Bo"));
    assert_eq!(texts.get(0), "ecole sa\ta1\tbo\t");
    assert_eq!(texts.get(1), "acme\ta2\tana\t");
    assert_eq!(texts.get(2), "", "no such row");
    for warm in [false, true] {
        let mut book = book();
        if warm {
            book.warm();
        }
        book.filter.search = "INIT".to_string();
        book.apply();
        assert_eq!(names(&book), ["Initech"]);
        assert_eq!(book.index_of("A4"), Some(3));
        let mut moved = row("A4", "Zeta Corp", 50, "bo");
        moved.health = Some(Health::Green);
        book.replace(moved);
        book.filter.search = "zeta".to_string();
        book.apply();
        assert_eq!(names(&book), ["Zeta Corp"]);
    }
}

#[test]
fn tiers_follow_the_pareto_cut_and_totals_the_filter() {
    let mut book = book();
    // 500 of 1000 is 50% ≥ 45%: Acme alone in tier 1; Globex reaches 80% ≥ 75%: tier 2.
    assert_eq!((book.tier(0), book.tier(1), book.tier(2), book.tier(3)), (1, 2, 3, 3));
    assert_eq!(book.visible_arr(), Money::from_units(1000));
    book.filter.mine = true;
    book.apply();
    assert_eq!(names(&book), ["Acme", "Initech"]);
    assert_eq!(book.visible_arr(), Money::from_units(650));
}

#[test]
fn sorting_both_ways_and_filters() {
    let mut book = book();
    book.sort_by(Column::Name);
    assert_eq!(names(&book), ["Acme", "Globex", "Initech", "Umbrella"]);
    book.sort_by(Column::Name);
    assert_eq!(names(&book), ["Umbrella", "Initech", "Globex", "Acme"]);
    book.sort_by(Column::Health);
    assert_eq!(names(&book)[0], "Globex");
    book.filter.cycle_health();
    book.apply();
    assert_eq!(names(&book), ["Globex"]);
    book.filter = Filter { renewal_within: Some(30), ..Filter::default() };
    book.apply();
    assert_eq!(names(&book), ["Initech"]);
    book.filter = Filter { flagged: true, ..Filter::default() };
    book.apply();
    assert_eq!(names(&book), ["Umbrella"]);
    book.filter = Filter { search: "GLO".into(), ..Filter::default() };
    book.apply();
    assert_eq!(names(&book), ["Globex"]);
    book.filter = Filter { tier: Some(3), ..Filter::default() };
    book.apply();
    assert_eq!(names(&book).len(), 2);
}

#[test]
fn accounts_with_no_renewal_sort_last_both_ways() {
    let mut book = book();
    let mut rows: Vec<BookRow> = (0..4).filter_map(|i| book.row(i).cloned()).collect();
    rows[0].next_renewal = NaiveDate::from_ymd_opt(2025, 9, 1);
    let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("d");
    book = BookIndex::new(rows, &Config::default(), today, "ana");
    book.sort_by(Column::Renewal);
    assert_eq!(names(&book), ["Initech", "Acme", "Globex", "Umbrella"]);
    book.sort_by(Column::Renewal);
    assert_eq!(names(&book), ["Acme", "Initech", "Globex", "Umbrella"]);
}

#[test]
fn one_csms_index_has_the_whole_books_tiers_and_totals() {
    // Ties at 300 and 150 rank by id; a zero ARR is the tail.
    let mut rows = vec![
        row("B1", "One", 500, "ana"),
        row("B2", "Two", 300, "bo"),
        row("B3", "Three", 300, "ana"),
        row("B4", "Four", 150, "bo"),
        row("B5", "Five", 150, "ana"),
        row("B6", "Six", 0, "ana"),
    ];
    rows.sort_by(|a, b| b.arr.cmp(&a.arr).then_with(|| a.id.cmp(&b.id)));
    let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("d");
    let config = Config { tier_cuts_bp: vec![4500, 6000, 7500], ..Config::default() };
    let whole = BookIndex::new(rows.clone(), &config, today, "ana");
    let mine: Vec<BookRow> = rows.iter().filter(|r| r.csm == "ana").cloned().collect();
    let ranked: Vec<(i64, &str)> = rows.iter().map(|r| (r.arr.cents(), r.id.as_str())).collect();
    let bounds = TierBounds::of_ranked(&ranked, &config.tier_cuts_bp);
    let partial = BookIndex::for_csm(mine, &bounds, &config, today, "ana");
    assert!(!partial.is_complete() && whole.is_complete());
    assert_eq!((partial.len(), partial.total_arr()), (whole.len(), whole.total_arr()));
    for row in partial.rows() {
        assert_eq!(partial.tier_of(&row.id), whole.tier_of(&row.id), "{}", row.id);
    }
    // Above B3 are 500 + 300 = 800 of 1,400: 57% → tier 2 of the 45/60/75 cuts.
    assert_eq!(partial.tier_of("B3"), 2);
    assert_eq!(partial.visible().len(), 4);
}

#[test]
fn a_growing_search_narrows_and_a_shorter_one_widens() {
    let mut book = book();
    // Every id starts with a; ana is the CSM of Acme and Initech.
    for (search, expected) in [
        ("", 4),
        ("a", 4),
        ("an", 2),
        ("ana", 2),
        ("anax", 0),
        ("an", 2),
        ("", 4),
        ("o", 2),
        ("ob", 1),
    ] {
        book.filter.search = search.to_string();
        book.apply();
        let finder = memchr::memmem::Finder::new(search.as_bytes());
        let all: Vec<u32> = (0..4).filter(|i| book.keeps(*i, &finder)).collect();
        assert_eq!(book.visible().len(), expected, "{search}");
        assert_eq!(book.visible().len(), all.len(), "{search}");
        let arr: Money = book.visible().iter().filter_map(|i| book.row(*i)).map(|r| r.arr).sum();
        assert_eq!(book.visible_arr(), arr);
    }
}

#[test]
fn a_replaced_row_moves_in_its_order() {
    let mut book = book();
    book.sort_by(Column::Health);
    let mut acme = book.by_id("A1").cloned().expect("acme");
    acme.health = Some(Health::Red);
    acme.name = "Acme Red".into();
    book.replace(acme);
    assert_eq!(names(&book)[..2], ["Acme Red", "Globex"]);
}

/// A book of `n` accounts, one in seven named "Needle …", largest ARR first.
fn big_book(n: usize) -> BookIndex {
    let rows = (0..n)
        .map(|i| {
            let name = if i % 7 == 3 { format!("Needle {i}") } else { format!("Hay {i}") };
            let csm = if i % 2 == 0 { "ana" } else { "bo" };
            row(&format!("A{i:06}"), &name, i64::try_from(n - i).unwrap_or(0), csm)
        })
        .collect();
    let today = NaiveDate::from_ymd_opt(2025, 6, 1).expect("d");
    BookIndex::new(rows, &Config::default(), today, "ana")
}

fn settled_view(book: &mut BookIndex) -> (Vec<u32>, Money) {
    while !book.settle() {}
    assert!(!book.is_counting());
    (book.visible().to_vec(), book.visible_arr())
}

#[test]
fn a_key_applies_a_screenful_and_the_rest_is_counted_after() {
    let n = 5 * scan::SLICE;
    let mut book = big_book(n);
    book.prepare_all();
    book.filter.search = "needle".to_string();
    assert_eq!(book.apply_for_screen(40, None), None);
    // The first slice already holds a screenful: the key stops there, with
    // the 1,170 needles among the first 8,192 rows (8,192 = 7 × 1,170 + 2).
    assert!(book.is_counting());
    assert_eq!(book.visible().len(), 1_170);
    let lazily = settled_view(&mut book);
    book.apply();
    assert_eq!(lazily, (book.visible().to_vec(), book.visible_arr()));
    // Every seventh account from the fourth: 5,851 of 40,960 (7 × 5,851 + 3).
    assert_eq!(lazily.0.len(), 5_851);
    // Its ARR: the sum of n − i over i = 3, 10, …, 40,953.
    let arr: i64 = (0..n).filter(|i| i % 7 == 3).map(|i| i64::try_from(n - i).unwrap_or(0)).sum();
    assert_eq!(lazily.1, Money::from_units(arr));
}

#[test]
fn a_key_finds_the_followed_row_however_deep() {
    let mut book = big_book(4 * scan::SLICE);
    book.prepare_all();
    book.apply();
    // The account ranked 30,001st by ARR, kept selected across a sort by CSM.
    let deep = 30_000;
    book.sort_by(Column::Csm);
    let position = book.apply_for_screen(40, Some(deep));
    let position = position.expect("found");
    assert_eq!(book.visible()[position], deep);
    settled_view(&mut book);
    assert_eq!(book.visible().iter().position(|&i| i == deep), Some(position));
    // Sorted by CSM ascending, ties largest ARR first: ana's 16,384 even rows
    // come first, so the even row 30,000 is the 15,001st.
    assert_eq!(position, 15_000);
}

#[test]
fn a_growing_search_narrows_only_a_finished_view() {
    let mut book = big_book(3 * scan::SLICE);
    book.prepare_all();
    book.filter.search = "needle 1".to_string();
    book.apply_for_screen(10, None);
    assert!(book.is_counting());
    // Narrowing an unfinished view would lose the rows not yet looked at.
    book.filter.search = "needle 10".to_string();
    book.apply_for_screen(10, None);
    let lazily = settled_view(&mut book);
    // Narrowing the finished view.
    book.filter.search = "needle 100".to_string();
    book.apply_for_screen(10, None);
    let narrowed = settled_view(&mut book);
    for (search, view) in [("needle 10", lazily), ("needle 100", narrowed)] {
        book.filter.search = search.to_string();
        book.applied = None;
        book.apply();
        assert_eq!(view, (book.visible().to_vec(), book.visible_arr()), "{search}");
    }
}

#[test]
fn accounts_are_found_by_id_in_any_row_order() {
    let rows =
        [row("B7", "Bravo", 3, "ana"), row("A1", "Alpha", 2, "bo"), row("C0", "Charlie", 1, "ana")];
    let order = texts::IdOrder::of(&rows);
    assert_eq!(order.find(&rows, "A1"), Some(1));
    assert_eq!(order.find(&rows, "B7"), Some(0));
    assert_eq!(order.find(&rows, "C0"), Some(2));
    assert_eq!(order.find(&rows, "B"), None);
    assert_eq!(order.find(&rows, ""), None);
}

#[test]
fn a_record_column_the_book_shows_sorts_both_ways_with_blanks_last() {
    assert_eq!(Column::records().count(), IN_BOOK.len());
    let Some(column) = Column::records().next() else { return };
    assert!(Column::ALL.contains(&column));
    assert_eq!(column.title(), "NPS");
    let scores = [Some(10), None, Some(-5), Some(70)];
    let rows: Vec<BookRow> = ["Acme", "Globex", "Initech", "Umbrella"]
        .iter()
        .zip(scores)
        .enumerate()
        .map(|(at, (name, score))| {
            let mut row = row(&format!("A{at}"), name, 100 - at as i64, "ana");
            if let Some(first) = row.record.first_mut() {
                *first = Value::Whole(score);
            }
            row
        })
        .collect();
    let config = Config::default();
    let mut book = BookIndex::new(rows, &config, chrono::NaiveDate::MIN, "ana");
    book.sort_by(column);
    assert_eq!(names(&book), ["Initech", "Acme", "Umbrella", "Globex"]);
    book.sort_by(column);
    assert_eq!(names(&book), ["Umbrella", "Acme", "Initech", "Globex"]);
    book.prepare_all();
}
