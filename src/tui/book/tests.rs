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
    assert_eq!(search_text(&row("A1", "ÉCOLE Ltd", 1, "Ana")), "école ltd\ta1\tana\t");
    assert_eq!(search_text(&row("A1", "ACME", 1, "ana")), "acme\ta1\tana\t");
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
    let above: Vec<i128> = mine
        .iter()
        .map(|m| {
            let position = rows.iter().position(|r| r.id == m.id).expect("in the book");
            rows[..position].iter().map(|r| i128::from(r.arr.cents())).sum()
        })
        .collect();
    let total = i128::from(whole.total_arr().cents());
    let partial = BookIndex::for_csm(mine, &above, total, 6, &config, today, "ana");
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
