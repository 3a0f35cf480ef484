//! The Book's sort orders: each column's rows in order, both ways, built
//! from one compact key per row (a number or a borrowed text) with an
//! unstable sort, and kept in order when a write changes a row, by moving
//! that row alone. Ties always fall back to the row index, which is the
//! order the rows were loaded in (largest ARR first), so an order is one
//! total order whichever way it was built.
//!
//! No terminal and no SQL here: it only orders row indexes.

use super::{BookIndex, Column, absorption_bp, record_value};
use crate::domain::Health;
use crate::store::accounts::BookRow;
use crate::store::records::Value;
use chrono::Datelike;
use std::borrow::Cow;
use std::cmp::Ordering;

/// A row's value in one column, as the column sorts it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Key<'a> {
    Number(i64),
    Text(Cow<'a, str>),
}

/// A row's place in one column: a blank value (no renewal date, a blank
/// record value) last either way, then the value, then the row index.
type Place<'a> = (bool, Key<'a>, u32);

fn date_key(date: chrono::NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

fn value_key(value: &Value) -> Key<'_> {
    match value {
        Value::Whole(number) => Key::Number(number.unwrap_or(0)),
        Value::Stage(stage) => Key::Number(*stage as i64),
        Value::Text(text) => Key::Text(Cow::Borrowed(text)),
        other => Key::Text(Cow::Owned(other.to_text())),
    }
}

impl BookIndex {
    /// The row `index`'s place in `column`: whether it is blank there, and
    /// its key. Unset health sorts after green; no renewal, a blank record
    /// value sort last; an account never touched sorts first.
    pub(super) fn key(&self, column: Column, index: u32) -> (bool, Key<'_>) {
        let row: &BookRow = &self.rows[index as usize];
        let number = |n: i64| (false, Key::Number(n));
        match column {
            Column::Health => number(row.health.map_or(9, |h| i64::from(Health::rank(h)))),
            Column::Name => (false, Key::Text(Cow::Borrowed(self.search_texts().get(index)))),
            Column::Tier => number(i64::from(self.tier(index))),
            Column::Stage => number(row.stage as i64),
            Column::Arr => number(row.arr.cents()),
            Column::Absorption => number(absorption_bp(row)),
            Column::Renewal => match row.next_renewal {
                Some(date) => number(date_key(date)),
                None => (true, Key::Number(0)),
            },
            Column::LastTouch => number(row.last_touch.map_or(i64::MIN, date_key)),
            Column::Csm => (false, Key::Text(Cow::Borrowed(&row.csm))),
            Column::Am => (false, Key::Text(Cow::Borrowed(&row.am))),
            Column::Record(n) => match record_value(row, n) {
                Some(value) => (false, value_key(value)),
                None => (true, Key::Number(0)),
            },
        }
    }

    fn place(&self, column: Column, index: u32) -> Place<'_> {
        let (blank, key) = self.key(column, index);
        (blank, key, index)
    }

    /// Builds the order of `column` (`descending`: reversed, blanks still
    /// last) unless it is kept already.
    pub(super) fn ensure_order(&mut self, column: Column, descending: bool) {
        if self.orders.contains_key(&(column, descending)) {
            return;
        }
        let order = self.sorted(column, descending);
        self.orders.insert((column, descending), order);
    }

    fn sorted(&self, column: Column, descending: bool) -> Vec<u32> {
        let count = u32::try_from(self.rows.len()).unwrap_or(u32::MAX);
        let mut places: Vec<Place<'_>> = (0..count).map(|i| self.place(column, i)).collect();
        places.sort_unstable_by(|a, b| by_place(a, b, descending));
        places.into_iter().map(|(_, _, index)| index).collect()
    }

    /// Where the row `index` stands in the kept order, found by halving
    /// (the order and the row agree) or, failing that, by looking.
    fn position_in(
        &self,
        order: &[u32],
        column: Column,
        descending: bool,
        index: u32,
    ) -> Option<usize> {
        let place = self.place(column, index);
        let at = order
            .partition_point(|&i| by_place(&self.place(column, i), &place, descending).is_lt());
        if order.get(at) == Some(&index) {
            return Some(at);
        }
        order.iter().position(|&i| i == index)
    }

    /// Replaces the row `index` and moves it to its new place in every
    /// kept order (a write changes one row: no order is sorted again).
    pub(super) fn replace_in_orders(&mut self, index: u32, row: BookRow) {
        let mut orders = std::mem::take(&mut self.orders);
        let was: Vec<Option<usize>> = orders
            .iter()
            .map(|(&(column, descending), order)| {
                self.position_in(order, column, descending, index)
            })
            .collect();
        if let Some(texts) = self.search_text.get_mut() {
            texts.replace(index, &row);
        }
        self.rows[index as usize] = row;
        for ((&(column, descending), order), was) in orders.iter_mut().zip(was) {
            let Some(was) = was else { continue };
            let place = self.place(column, index);
            let after = |i: u32| by_place(&self.place(column, i), &place, descending).is_lt();
            let stays = (was == 0 || after(order[was - 1]))
                && order.get(was + 1).is_none_or(|&next| !after(next));
            if stays {
                continue;
            }
            order.remove(was);
            let at = order
                .partition_point(|&i| by_place(&self.place(column, i), &place, descending).is_lt());
            order.insert(at, index);
        }
        self.orders = orders;
    }
}

fn by_place(a: &Place<'_>, b: &Place<'_>, descending: bool) -> Ordering {
    let (blank_a, key_a, index_a) = a;
    let (blank_b, key_b, index_b) = b;
    let by_key = if descending { key_b.cmp(key_a) } else { key_a.cmp(key_b) };
    blank_a.cmp(blank_b).then(by_key).then(index_a.cmp(index_b))
}
