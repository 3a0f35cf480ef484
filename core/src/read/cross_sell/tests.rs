//! The cross-sell rule by worked examples, and the fast computation
//! against the plain one (`oracle.rs`) on random and generated books.
// Cents are written units_cents (`250_50` is 250.50).
#![allow(clippy::inconsistent_digit_grouping)]

use super::*;
use crate::store::cross_sell::Holding;

fn account(id: &str, segment: &str, arr: i64) -> CrossSellAccount {
    CrossSellAccount {
        id: id.into(),
        name: id.into(),
        csm: "fran".into(),
        am: String::new(),
        segment: segment.into(),
        arr: Money::from_units(arr),
    }
}

fn holding(id: &str, product: &str, cents: i64) -> Holding {
    Holding { account_id: id.into(), product: product.into(), arr: Money::from_cents(cents) }
}

fn pairs(holdings: &[Holding]) -> impl Iterator<Item = (&str, &str, Money)> {
    holdings.iter().map(|h| (h.account_id.as_str(), h.product.as_str(), h.arr))
}

/// The fast picture equals the plain one: same products, segments and
/// grid, the same rows in the same order (named, not numbered), and each
/// account's candidates are its rows in that order.
fn assert_same(accounts: Vec<CrossSellAccount>, holdings: &[Holding]) {
    let old = oracle::compute(accounts.clone(), holdings);
    let new = compute(accounts, pairs(holdings));
    assert_eq!(new.accounts, old.accounts);
    assert_eq!(new.products, old.products);
    assert_eq!(new.segments, old.segments);
    assert_eq!(new.grid, old.grid);
    let named = |id: &str, product: &str, value: Option<Money>, peers: usize| {
        (id.to_string(), product.to_string(), value, peers)
    };
    let old_rows: Vec<_> = old
        .rows
        .iter()
        .map(|r| named(&old.accounts[r.account].id, &r.product, r.peer_median_arr, r.peers))
        .collect();
    let new_rows: Vec<_> = new
        .rows
        .iter()
        .map(|r| {
            let id = &new.accounts[r.account as usize].id;
            named(id, new.product(r), r.peer_median_arr, r.peers as usize)
        })
        .collect();
    assert_eq!(new_rows, old_rows);
    for account in &new.accounts {
        let mine: Vec<_> = new_rows.iter().filter(|r| r.0 == account.id).cloned().collect();
        let found: Vec<_> = new
            .candidates(&account.id)
            .map(|r| named(&account.id, new.product(r), r.peer_median_arr, r.peers as usize))
            .collect();
        assert_eq!(found, mine, "{}", account.id);
    }
}

#[test]
fn bands_and_the_lower_median() {
    assert_eq!(band(Money::from_cents(999_999)), 0);
    assert_eq!(band(Money::from_units(10_000)), 1);
    assert_eq!(band(Money::from_units(249_999)), 2);
    assert_eq!(band(Money::from_units(5_000_000)), 4);
    assert_eq!(band_label(1), "10.0k–50.0k");
    assert_eq!(band_label(4), "1.0M+");
    let mut odd = [3, 1, 2].map(Money::from_cents);
    assert_eq!(lower_median(&mut odd), Some(Money::from_cents(2)));
    // Even: 100.01 and 200.00 are the middles; the lower one, not 150.005.
    let mut even = [50_00, 200_00, 100_01, 900_00].map(Money::from_cents);
    assert_eq!(lower_median(&mut even), Some(Money::from_cents(100_01)));
    assert_eq!(lower_median(&mut []), None);
}

/// Mid-market, band 10k–50k: six hold Analytics (so each non-holder has
/// six peers) at 1,000.00 … 6,000.00 → the lower middle is 3,000.00.
/// Enterprise has only four Analytics holders: no value, 4 peers shown.
#[test]
fn a_product_not_held_is_valued_from_five_or_more_peers() {
    let mut accounts = Vec::new();
    let mut holdings = Vec::new();
    for i in 1..=6 {
        let id = format!("M{i}");
        accounts.push(account(&id, "Mid-Market", 20_000));
        holdings.push(holding(&id, "Core", 19_000_00));
        holdings.push(holding(&id, "Analytics", i * 1_000_00));
    }
    accounts.push(account("M7", " mid-market ", 30_000));
    holdings.push(holding("M7", "Core", 30_000_00));
    // Same segment, another band: not a peer, and not valued (no peers).
    accounts.push(account("M8", "Mid-Market", 60_000));
    holdings.push(holding("M8", "Core", 60_000_00));
    for i in 1..=4 {
        let id = format!("E{i}");
        accounts.push(account(&id, "Enterprise", 20_000));
        holdings.push(holding(&id, "Analytics", 5_000_00));
    }
    accounts.push(account("E5", "Enterprise", 20_000));
    holdings.push(holding("E5", "Core", 20_000_00));
    // Churned: no ARR, not a candidate.
    accounts.push(account("X1", "Mid-Market", 0));
    let picture = compute(accounts, pairs(&holdings));
    let find = |id: &str, product: &str| {
        picture
            .rows
            .iter()
            .find(|r| {
                picture.accounts[r.account as usize].id == id && picture.product(r) == product
            })
            .copied()
    };
    let m7 = find("M7", "Analytics").expect("M7");
    assert_eq!((m7.peer_median_arr, m7.peers), (Some(Money::from_units(3_000)), 6));
    let m8 = find("M8", "Analytics").expect("M8");
    assert_eq!((m8.peer_median_arr, m8.peers), (None, 0));
    let e5 = find("E5", "Analytics").expect("E5");
    assert_eq!((e5.peer_median_arr, e5.peers), (None, 4));
    // E1..E4 lack Core; Enterprise band 1 has one Core holder (E5).
    assert_eq!(find("E1", "Core").map(|r| r.peers), Some(1));
    assert!(find("X1", "Core").is_none());
    assert!(find("M1", "Core").is_none(), "held products are not whitespace");
    // Valued first.
    assert_eq!(picture.product(&picture.rows[0]), "Analytics");
    assert_eq!(picture.accounts[picture.rows[0].account as usize].id, "M7");
    // Grid: Analytics held by 4 of 5 Enterprise accounts, 6 of 8 Mid-Market ones.
    assert_eq!(picture.products, vec!["Analytics", "Core"]);
    assert_eq!(picture.segments, vec!["Enterprise", "Mid-Market"]);
    assert_eq!(picture.grid[0][0], Adoption { holders: 4, accounts: 5 });
    assert_eq!(picture.grid[0][1], Adoption { holders: 6, accounts: 8 });
    assert_eq!(picture.grid[1][1], Adoption { holders: 8, accounts: 8 });
    // One account's candidates, by id: E1 lacks Core only.
    let e1: Vec<&str> = picture.candidates("E1").map(|r| picture.product(r)).collect();
    assert_eq!(e1, ["Core"]);
    assert_eq!(picture.candidates("X1").count(), 0);
    assert_eq!(picture.candidates("nobody").count(), 0);
    // The best candidate: M7's Analytics; E1's Core, unvalued; none for M1.
    let best = picture.best("M7").expect("M7's best");
    assert_eq!(
        (best.product, best.row.peer_median_arr, best.candidates),
        ("Analytics", Some(Money::from_units(3_000)), 1)
    );
    let best = picture.best("E1").expect("E1's best");
    assert_eq!((best.product, best.row.peer_median_arr, best.row.peers), ("Core", None, 1));
    assert!(picture.best("M1").is_none());
    // Valued: M7's Analytics (3,000.00) alone; the rest refused.
    let (valued, sum, refused) = picture.valued_totals();
    assert_eq!((valued, sum), (1, Money::from_units(3_000)));
    assert_eq!(refused, picture.rows.len() - 1);
}

proptest::proptest! {
    /// The lower median is a value of the list with at least half the
    /// values at or above it and more than half at or below it.
    #[test]
    fn the_lower_median_splits_the_values(values in proptest::collection::vec(0i64..1_000_000, 1..50)) {
        let mut money: Vec<Money> = values.iter().map(|c| Money::from_cents(*c)).collect();
        let median = lower_median(&mut money).expect("some");
        proptest::prop_assert!(money.contains(&median));
        let below = money.iter().filter(|m| **m <= median).count();
        let above = money.iter().filter(|m| **m >= median).count();
        proptest::prop_assert!(below * 2 >= money.len());
        proptest::prop_assert!(above * 2 > money.len() - 1);
        proptest::prop_assert!(above * 2 >= money.len());
    }
}

proptest::proptest! {
    /// Random books (segments spelled with other cases and spaces, every
    /// band, products held or not, accounts without ARR): the fast
    /// computation gives what the plain one gives.
    #[test]
    fn the_fast_computation_is_the_plain_one(
        book in proptest::collection::vec(
            (0usize..4, 0i64..3, 0usize..5, proptest::collection::vec((0usize..4, 1i64..400), 0..4)),
            0..120,
        )
    ) {
        let spellings = ["Enterprise", " enterprise", "SMB", ""];
        let arrs = [0i64, 9_999_99, 10_000_00, 49_999_99, 50_000_00, 250_000_00, 1_000_000_00];
        let products = ["Analytics", "Core", "Mobile", "Security"];
        let mut accounts = Vec::new();
        let mut holdings = Vec::new();
        for (i, (segment, scale, arr, held)) in book.iter().enumerate() {
            let id = format!("A{i:03}");
            let mut a = account(&id, spellings[*segment], 0);
            a.arr = Money::from_cents(arrs[(*arr + usize::try_from(*scale).unwrap_or(0)) % arrs.len()]);
            accounts.push(a);
            let mut held = held.clone();
            held.sort_by_key(|h| h.0);
            held.dedup_by_key(|h| h.0);
            for (product, hundreds) in held {
                // Few distinct amounts, so medians tie across groups.
                holdings.push(holding(&id, products[product], hundreds % 7 * 100_00 + 100_00));
            }
        }
        assert_same(accounts, &holdings);
    }
}

/// A generated book imported as a user would: the store's fast read gives
/// the plain computation over the store's plain rows.
#[test]
fn the_fast_read_of_a_generated_book_is_the_plain_computation() {
    use crate::clock::Clock;
    use crate::generate::{Params, write_book};
    use crate::import::{ImportOptions, import_all};
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("day");
    let dir = tempfile::tempdir().expect("dir");
    write_book(&Params::ending_before(today, 400, 14, 3), dir.path()).expect("generate");
    let mut store = Store::open_in_memory().expect("store");
    import_all(&mut store, dir.path(), "kim", &Clock::fixed(today), ImportOptions::default())
        .expect("import");
    let accounts = store.cross_sell_accounts().expect("accounts");
    let holdings = store.holdings().expect("holdings");
    assert!(holdings.len() > 300, "{}", holdings.len());
    let read = cross_sell_named(&store).expect("read");
    assert!(read.rows.iter().any(|r| r.peer_median_arr.is_some()), "some are valued");
    assert_eq!(read, compute(accounts.clone(), pairs(&holdings)));
    // Unnamed: the same picture, the names and owners left out.
    let unnamed = cross_sell(&store).expect("unnamed");
    let blank = |a: &CrossSellAccount| CrossSellAccount {
        name: String::new(),
        csm: String::new(),
        am: String::new(),
        ..a.clone()
    };
    assert_eq!(unnamed.accounts, read.accounts.iter().map(blank).collect::<Vec<_>>());
    assert_eq!(
        (&unnamed.rows, &unnamed.grid, &unnamed.products),
        (&read.rows, &read.grid, &read.products)
    );
    assert_same(accounts, &holdings);
}
