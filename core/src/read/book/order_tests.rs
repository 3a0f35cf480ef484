//! The kept sort orders against the sort as first written (a stable sort
//! of the load order by comparing two rows): equal for every column both
//! ways, when built and after writes moved rows in them.

use super::tests::row;
use super::*;
use crate::store::records::{ACCOUNT_COLUMNS, Kind};
use proptest::prelude::*;
use std::cmp::Ordering;

/// The comparison the Book sorted with before its compact keys.
fn compare(book: &BookIndex, column: Column, a: u32, b: u32) -> Ordering {
    let (ra, rb) = (&book.rows[a as usize], &book.rows[b as usize]);
    match column {
        Column::Health => ra.health.map_or(9, Health::rank).cmp(&rb.health.map_or(9, Health::rank)),
        Column::Name => {
            let texts = book.search_texts();
            texts.get(a).cmp(texts.get(b))
        }
        Column::Tier => book.tiers[a as usize].cmp(&book.tiers[b as usize]),
        Column::Stage => ra.stage.cmp(&rb.stage),
        Column::Arr => ra.arr.cmp(&rb.arr),
        Column::Absorption => absorption_bp(ra).cmp(&absorption_bp(rb)),
        Column::Renewal => (ra.next_renewal.is_none(), ra.next_renewal)
            .cmp(&(rb.next_renewal.is_none(), rb.next_renewal)),
        Column::LastTouch => ra.last_touch.cmp(&rb.last_touch),
        Column::Csm => ra.csm.cmp(&rb.csm),
        Column::Am => ra.am.cmp(&rb.am),
        Column::Record(n) => {
            let (va, vb) = (record_value(ra, n), record_value(rb, n));
            match (va, vb) {
                (Some(a), Some(b)) => a.order(b),
                _ => va.is_none().cmp(&vb.is_none()),
            }
        }
    }
}

/// The order as first written: a stable sort of the load order (largest
/// ARR first), reversed for descending except that blanks stay last.
fn first_written(book: &BookIndex, column: Column, descending: bool) -> Vec<u32> {
    let mut order: Vec<u32> = (0..book.rows.len()).filter_map(|i| u32::try_from(i).ok()).collect();
    if descending {
        let missing = |i: u32| match column {
            Column::Renewal => book.rows[i as usize].next_renewal.is_none(),
            Column::Record(n) => record_value(&book.rows[i as usize], n).is_none(),
            _ => false,
        };
        order.sort_by(|a, b| {
            missing(*a).cmp(&missing(*b)).then_with(|| compare(book, column, *b, *a))
        });
    } else {
        order.sort_by(|a, b| compare(book, column, *a, *b));
    }
    order
}

fn assert_orders_as_first_written(book: &BookIndex) {
    for (&(column, descending), order) in &book.orders {
        assert_eq!(
            order,
            &first_written(book, column, descending),
            "{column:?} {}",
            if descending { "descending" } else { "ascending" }
        );
    }
}

fn day(n: u8) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2025, 6, 1).map(|d| d + chrono::Days::new(u64::from(n)))
}

/// What a generated row may be: few distinct values, so that ties are many.
#[derive(Debug, Clone)]
struct Shape {
    arr: i64,
    name: u8,
    csm: u8,
    am: u8,
    health: u8,
    stage: u8,
    units: (i64, Option<i64>),
    renewal: Option<u8>,
    touch: Option<u8>,
    record: Option<i64>,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        (0..6_i64, 0..4_u8, 0..3_u8, 0..3_u8, 0..5_u8),
        (0..4_u8, (0..50_i64, proptest::option::of(0..60_i64))),
        (proptest::option::of(0..5_u8), proptest::option::of(0..5_u8)),
        proptest::option::of(-2..3_i64),
    )
        .prop_map(
            |((arr, name, csm, am, health), (stage, units), (renewal, touch), record)| Shape {
                arr,
                name,
                csm,
                am,
                health,
                stage,
                units,
                renewal,
                touch,
                record,
            },
        )
}

fn shaped(id: &str, shape: &Shape) -> BookRow {
    let names = ["Acme", "acme", "Globex", "Émile"];
    let people = ["ana", "Bo", ""];
    let mut row =
        row(id, names[usize::from(shape.name)], shape.arr * 100, people[usize::from(shape.csm)]);
    row.am = people[usize::from(shape.am)].to_string();
    row.health = Health::ALL.get(usize::from(shape.health)).copied();
    row.stage = Stage::ALL[usize::from(shape.stage)];
    (row.units, row.potential_units) = shape.units;
    row.next_renewal = shape.renewal.and_then(day);
    row.last_touch = shape.touch.and_then(day);
    for (at, value) in row.record.iter_mut().enumerate() {
        if matches!(ACCOUNT_COLUMNS[IN_BOOK[at]].kind, Kind::Whole { .. }) {
            *value = Value::Whole(shape.record);
        }
    }
    row
}

/// A book of the shapes, largest ARR first and ties by id, as the store
/// hands rows in.
fn shaped_book(shapes: &[Shape]) -> BookIndex {
    let mut rows: Vec<BookRow> =
        shapes.iter().enumerate().map(|(at, s)| shaped(&format!("A{at:03}"), s)).collect();
    rows.sort_by(|a, b| b.arr.cmp(&a.arr).then_with(|| a.id.cmp(&b.id)));
    BookIndex::new(rows, &Config::default(), NaiveDate::from_ymd_opt(2025, 6, 1).expect("d"), "ana")
}

proptest! {
    #[test]
    fn every_order_is_the_sort_as_first_written(shapes in proptest::collection::vec(shape(), 0..60)) {
        let mut book = shaped_book(&shapes);
        book.prepare_all();
        prop_assert_eq!(book.orders.len(), Column::ALL.len() * 2);
        assert_orders_as_first_written(&book);
    }

    #[test]
    fn a_write_moves_its_row_to_where_a_new_sort_puts_it(
        shapes in proptest::collection::vec(shape(), 1..40),
        writes in proptest::collection::vec((0..40_usize, shape()), 1..8),
    ) {
        let mut book = shaped_book(&shapes);
        book.prepare_all();
        for (at, shape) in writes {
            let Some(old) = book.rows.get(at % book.rows.len()).cloned() else { continue };
            // A write changes what a CSM edits, never the ARR.
            let mut written = shaped(&old.id, &Shape { arr: 0, ..shape });
            written.arr = old.arr;
            book.replace(written);
            assert_orders_as_first_written(&book);
        }
    }
}

#[test]
fn setting_a_health_moves_the_row_in_the_kept_health_order() {
    let mut rows = vec![
        row("A1", "Acme", 500, "ana"),
        row("A2", "Globex", 300, "bo"),
        row("A3", "Initech", 150, "ana"),
        row("A4", "Umbrella", 50, "bo"),
    ];
    rows[1].health = Some(Health::Red);
    rows[3].health = Some(Health::Green);
    let mut book = BookIndex::new(rows, &Config::default(), NaiveDate::MIN, "ana");
    book.prepare_all();
    book.sort_by(Column::Health);
    let names = |book: &BookIndex| -> Vec<String> {
        book.visible().iter().filter_map(|i| book.row(*i)).map(|r| r.name.clone()).collect()
    };
    // Red, green, then the unset two largest ARR first.
    assert_eq!(names(&book), ["Globex", "Umbrella", "Acme", "Initech"]);
    let mut initech = book.by_id("A3").cloned().expect("initech");
    initech.health = Some(Health::Orange);
    book.replace(initech);
    assert_eq!(names(&book), ["Globex", "Initech", "Umbrella", "Acme"]);
    // Both ways, and the kept descending order moved too.
    book.reverse();
    assert_eq!(names(&book), ["Acme", "Umbrella", "Initech", "Globex"]);
}
