//! The book of business kept in memory, compact and indexed, so that every
//! key on a 100,000-account book costs one pass over a `Vec<u32>` at most:
//! rows are loaded once (largest ARR first), tiers assigned once, a
//! lower-case search text kept per row, and each column's sort order
//! computed the first time it is asked for and then kept, a written row
//! moved in place (`book/orders.rs`). Filtering walks the
//! chosen order into a reused `visible` vector and sums the totals as it
//! goes, a slice at a time (`book/scan.rs`).
//! No terminal here and no SQL: the store hands the rows in.

use crate::domain::{Config, Health, Money, Stage, tier::assign_tiers};
use crate::store::accounts::BookRow;
use crate::store::records::{IN_BOOK, Value, in_book};
use crate::store::views::TierBounds;
use chrono::NaiveDate;
use memchr::memmem::Finder;
use std::cell::OnceCell;
use std::collections::HashMap;

/// A column of the book table; every one can be sorted both ways.
/// `Record(n)` is the `n`th record column the Book shows (`IN_BOOK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Column {
    Health,
    Name,
    Tier,
    Stage,
    #[default]
    Arr,
    Absorption,
    Renewal,
    LastTouch,
    Csm,
    Am,
    Record(u8),
}

/// The book's own columns, before the record's.
const OWN: [Column; 10] = [
    Column::Health,
    Column::Name,
    Column::Tier,
    Column::Stage,
    Column::Arr,
    Column::Absorption,
    Column::Renewal,
    Column::LastTouch,
    Column::Csm,
    Column::Am,
];

impl Column {
    /// Every column, the record's last.
    pub const ALL: [Column; OWN.len() + IN_BOOK.len()] = {
        let mut all = [Column::Arr; OWN.len() + IN_BOOK.len()];
        let mut at = 0;
        while at < all.len() {
            all[at] = if at < OWN.len() { OWN[at] } else { Column::Record((at - OWN.len()) as u8) };
            at += 1;
        }
        all
    };

    /// The record columns the Book shows, in order.
    pub fn records() -> impl Iterator<Item = Column> {
        Column::ALL.into_iter().skip(OWN.len())
    }

    pub fn title(self) -> &'static str {
        match self {
            Column::Health => "H",
            Column::Name => "Account",
            Column::Tier => "T",
            Column::Stage => "4A",
            Column::Arr => "ARR",
            Column::Absorption => "Abs%",
            Column::Renewal => "Renewal",
            Column::LastTouch => "Touched",
            Column::Csm => "CSM",
            Column::Am => "AM",
            Column::Record(n) => in_book(usize::from(n)).map_or("", |(_, shown)| shown.title),
        }
    }

    pub fn index(self) -> usize {
        Column::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }

    /// The column after (or before) this one, wrapping.
    pub fn cycle(self, forward: bool) -> Column {
        let n = Column::ALL.len();
        let i = self.index();
        Column::ALL[if forward { (i + 1) % n } else { (i + n - 1) % n }]
    }
}

/// Which health the book is narrowed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HealthFilter {
    #[default]
    Any,
    Is(Health),
    Unset,
}

impl HealthFilter {
    fn next(self) -> HealthFilter {
        match self {
            HealthFilter::Any => HealthFilter::Is(Health::Red),
            HealthFilter::Is(Health::Red) => HealthFilter::Is(Health::Orange),
            HealthFilter::Is(Health::Orange) => HealthFilter::Is(Health::Yellow),
            HealthFilter::Is(Health::Yellow) => HealthFilter::Is(Health::Green),
            HealthFilter::Is(Health::Green) => HealthFilter::Unset,
            HealthFilter::Unset => HealthFilter::Any,
        }
    }
}

/// The renewal windows the filter cycles through, in days.
pub const RENEWAL_FILTER_DAYS: [i64; 5] = [30, 60, 90, 120, 180];

/// Everything that narrows the book.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    /// Only accounts where the user is CSM or AM.
    pub mine: bool,
    pub health: HealthFilter,
    pub tier: Option<u8>,
    pub stage: Option<Stage>,
    /// Only accounts renewing within this many days.
    pub renewal_within: Option<i64>,
    /// Only accounts with a value flag.
    pub flagged: bool,
    /// Incremental search over name, id and owners (case-insensitive).
    pub search: String,
}

impl Filter {
    pub fn cycle_health(&mut self) {
        self.health = self.health.next();
    }

    pub fn cycle_tier(&mut self, tiers: u8) {
        self.tier = match self.tier {
            None => Some(1),
            Some(t) if t < tiers => Some(t + 1),
            Some(_) => None,
        };
    }

    pub fn cycle_stage(&mut self) {
        self.stage = match self.stage {
            None => Some(Stage::Addiction),
            Some(Stage::Addiction) => Some(Stage::Adoption),
            Some(Stage::Adoption) => Some(Stage::Absorption),
            Some(Stage::Absorption) => Some(Stage::Adaptation),
            Some(Stage::Adaptation) => None,
        };
    }

    pub fn cycle_renewal(&mut self) {
        self.renewal_within = match self.renewal_within {
            None => Some(RENEWAL_FILTER_DAYS[0]),
            Some(d) => RENEWAL_FILTER_DAYS.iter().copied().find(|w| *w > d),
        };
    }

    /// The filter in words for the status line; empty when nothing narrows.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.mine {
            parts.push("my book".to_string());
        }
        match self.health {
            HealthFilter::Any => {}
            HealthFilter::Is(h) => parts.push(format!("health {}", h.letter())),
            HealthFilter::Unset => parts.push("health unset".to_string()),
        }
        if let Some(t) = self.tier {
            parts.push(format!("tier {t}"));
        }
        if let Some(s) = self.stage {
            parts.push(format!("stage {}", s.as_str()));
        }
        if let Some(d) = self.renewal_within {
            parts.push(format!("renews ≤{d}d"));
        }
        if self.flagged {
            parts.push("flagged".to_string());
        }
        if !self.search.is_empty() {
            parts.push(format!("/{}", self.search));
        }
        parts.join(", ")
    }
}

/// The book in memory with its sort orders and the current filtered view.
#[derive(Debug, Default)]
pub struct BookIndex {
    rows: Vec<BookRow>,
    tiers: Vec<u8>,
    /// Lower-case search text per row, built on the first search or name
    /// sort rather than before the first frame.
    search_text: OnceCell<SearchTexts>,
    /// Rows by account id, built on first lookup.
    by_id: OnceCell<IdOrder>,
    /// Cached orders, keyed by (column, descending).
    orders: HashMap<(Column, bool), Vec<u32>>,
    pub sort: Column,
    pub descending: bool,
    pub filter: Filter,
    visible: Vec<u32>,
    visible_arr: Money,
    total_arr: Money,
    today: NaiveDate,
    user: String,
    tier_count: u8,
    /// Accounts in the whole book (more than `rows` while only one CSM's
    /// rows are loaded).
    book_len: usize,
    /// Whether `rows` is the whole book, or only the user's accounts.
    complete: bool,
    /// The sort and filter `visible` was last computed for: a search that
    /// only grows narrows `visible` instead of walking the book again.
    applied: Option<(Column, bool, Filter)>,
    /// The view still being computed, a slice at a time.
    scan: Option<scan::Scan>,
    /// The ARR of the rows held (`total_arr` is the whole book's).
    rows_arr: Money,
}

impl BookIndex {
    /// Builds the index from rows ordered largest ARR first (as
    /// `Store::book_rows` returns them).
    pub fn new(rows: Vec<BookRow>, config: &Config, today: NaiveDate, user: &str) -> BookIndex {
        let arrs: Vec<Money> = rows.iter().map(|r| r.arr).collect();
        let tiers = assign_tiers(&arrs, &config.tier_cuts_bp);
        let total_arr = arrs.iter().copied().sum();
        let mut book = BookIndex {
            rows,
            tiers,
            search_text: OnceCell::new(),
            by_id: OnceCell::new(),
            orders: HashMap::new(),
            sort: Column::Arr,
            descending: true,
            filter: Filter::default(),
            visible: Vec::new(),
            visible_arr: Money::ZERO,
            total_arr,
            today,
            user: user.to_string(),
            tier_count: u8::try_from(config.tier_cuts_bp.len() + 1).unwrap_or(u8::MAX),
            book_len: 0,
            complete: true,
            applied: None,
            scan: None,
            rows_arr: total_arr,
        };
        book.book_len = book.rows.len();
        let base: Vec<u32> = (0..book.rows.len()).filter_map(|i| u32::try_from(i).ok()).collect();
        book.orders.insert((Column::Arr, true), base);
        book.apply();
        book
    }

    /// Builds the index of one CSM's accounts only (`rows`, largest ARR
    /// first, ties by id), for the first screen while the whole book loads:
    /// `bounds` says where the whole book's tier cuts fall and holds its ARR
    /// and account count. Tiers and totals are those of the whole book.
    pub fn for_csm(
        rows: Vec<BookRow>,
        bounds: &TierBounds,
        config: &Config,
        today: NaiveDate,
        user: &str,
    ) -> BookIndex {
        let mut book = BookIndex::new(Vec::new(), config, today, user);
        let tail = book.tier_count;
        let tiers = rows.iter().map(|row| bounds.tier(row.arr.cents(), &row.id, tail)).collect();
        let (total, count) = (bounds.total, bounds.count);
        book.total_arr = Money::from_cents(i64::try_from(total).unwrap_or(i64::MAX));
        book.rows_arr = rows.iter().map(|r| r.arr).sum();
        book.rows = rows;
        book.tiers = tiers;
        book.book_len = count;
        book.complete = false;
        book.applied = None;
        book.orders.clear();
        let base: Vec<u32> = (0..book.rows.len()).filter_map(|i| u32::try_from(i).ok()).collect();
        book.orders.insert((Column::Arr, true), base);
        book.apply();
        book
    }

    /// Whether every account is loaded (not only the user's).
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// Takes this index's sort and filter (a whole book replacing the
    /// first screen's partial one).
    pub fn keep_view_of(&mut self, other: &BookIndex) {
        self.filter = other.filter.clone();
        if (self.sort, self.descending) != (other.sort, other.descending) {
            self.sort = other.sort;
            self.descending = other.descending;
        }
        self.apply();
    }

    /// Builds every column's order both ways, the search texts and the id
    /// map, so that no key pays for a sort (done off the drawing thread).
    pub fn prepare_all(&mut self) {
        self.warm();
        for column in Column::ALL {
            for descending in [false, true] {
                self.ensure_order(column, descending);
            }
        }
    }

    /// Accounts in the whole book.
    pub fn len(&self) -> usize {
        self.book_len
    }

    pub fn is_empty(&self) -> bool {
        self.book_len == 0
    }

    pub fn total_arr(&self) -> Money {
        self.total_arr
    }

    pub fn today(&self) -> NaiveDate {
        self.today
    }

    pub fn user(&self) -> &str {
        &self.user
    }

    pub fn tier_count(&self) -> u8 {
        self.tier_count
    }

    /// The filtered rows in display order, as indexes into the book.
    pub fn visible(&self) -> &[u32] {
        &self.visible
    }

    pub fn visible_arr(&self) -> Money {
        self.visible_arr
    }

    pub fn row(&self, index: u32) -> Option<&BookRow> {
        self.rows.get(index as usize)
    }

    pub fn tier(&self, index: u32) -> u8 {
        self.tiers.get(index as usize).copied().unwrap_or(self.tier_count)
    }

    pub fn index_of(&self, id: &str) -> Option<u32> {
        self.by_id.get_or_init(|| IdOrder::of(&self.rows)).find(&self.rows, id)
    }

    pub fn by_id(&self, id: &str) -> Option<&BookRow> {
        self.index_of(id).and_then(|i| self.row(i))
    }

    pub fn tier_of(&self, id: &str) -> u8 {
        self.index_of(id).map_or(self.tier_count, |i| self.tier(i))
    }

    /// All rows, in load order (largest ARR first).
    pub fn rows(&self) -> &[BookRow] {
        &self.rows
    }

    /// Days from today to the row's next renewal.
    pub fn days_to_renewal(&self, row: &BookRow) -> Option<i64> {
        row.next_renewal.map(|d| (d - self.today).num_days())
    }

    /// Sorts by `column`; the same column again flips the direction.
    pub fn sort_by(&mut self, column: Column) {
        if self.sort == column {
            self.descending = !self.descending;
        } else {
            self.sort = column;
            // Money and dates read best largest / soonest first.
            self.descending = matches!(column, Column::Arr | Column::Absorption);
        }
        self.apply();
    }

    pub fn reverse(&mut self) {
        self.descending = !self.descending;
        self.apply();
    }

    /// Replaces one row after a write (health, owners, flags, touch), moving
    /// it to its new place in every kept order.
    pub fn replace(&mut self, row: BookRow) {
        let Some(index) = self.index_of(&row.id) else { return };
        let before = self.rows[index as usize].arr;
        self.rows_arr = Money::from_cents(self.rows_arr.cents() - before.cents() + row.arr.cents());
        self.replace_in_orders(index, row);
        self.applied = None;
        self.apply();
    }

    /// Builds what the first frame did without (search texts, the id map),
    /// so that the first search keystroke or lookup does not pay for it.
    /// The event loop calls it while waiting for the first key.
    pub fn warm(&self) {
        self.search_texts();
        self.index_of("");
    }

    fn search_texts(&self) -> &SearchTexts {
        self.search_text.get_or_init(|| SearchTexts::of(&self.rows))
    }

    fn keeps(&self, index: u32, finder: &Finder<'_>) -> bool {
        let row = &self.rows[index as usize];
        let filter = &self.filter;
        if filter.mine && row.csm != self.user && row.am != self.user {
            return false;
        }
        match filter.health {
            HealthFilter::Any => {}
            HealthFilter::Is(h) if row.health != Some(h) => return false,
            HealthFilter::Unset if row.health.is_some() => return false,
            _ => {}
        }
        if filter.tier.is_some_and(|t| self.tiers[index as usize] != t) {
            return false;
        }
        if filter.stage.is_some_and(|s| row.stage != s) {
            return false;
        }
        if let Some(days) = filter.renewal_within
            && row.next_renewal.is_none_or(|d| (d - self.today).num_days() > days)
        {
            return false;
        }
        if filter.flagged && !row.flags.any() {
            return false;
        }
        finder.needle().is_empty()
            || finder.find(self.search_texts().get(index).as_bytes()).is_some()
    }
}

/// The row's value of the `n`th record column the Book shows; `None` when blank.
pub fn record_value(row: &BookRow, n: u8) -> Option<&Value> {
    row.record.get(usize::from(n)).filter(|value| !value.is_blank())
}

/// Absorption in basis points (units / potential units); `-1` when unknown.
pub fn absorption_bp(row: &BookRow) -> i64 {
    match row.potential_units {
        Some(potential) if potential > 0 => row.units * 10_000 / potential,
        _ => -1,
    }
}

mod orders;
mod scan;
mod texts;

#[cfg(test)]
mod order_tests;

use texts::{IdOrder, SearchTexts};
#[cfg(test)]
pub(crate) mod tests;
