//! The Targets filter lists, read behind the screen since the first key
//! after the list loaded (not to slow the first frame), so that the first
//! product or AM filter does not wait for them: every product's holders and
//! the account managers, on a connection of their own.
//!
//! The cross-sell picture (`read::cross_sell`) is read the same way, so the
//! selected target's candidates and the adoption grid do not wait for it.
//!
//! No drawing and no SQL here: it calls `Store::product_holders_all`,
//! `Store::account_managers` and `read::cross_sell`.

use crate::store::Store;
pub use crate::tui::work::CrossSellRead;
use crate::tui::work::{Done, Holders, Ticket, Work};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// The holders as the filter shares them: a product's set is not copied
/// each time the filter moves to it.
pub fn shared(holders: BTreeMap<String, HashSet<String>>) -> Holders {
    holders.into_iter().map(|(product, accounts)| (product, Arc::new(accounts))).collect()
}

/// Starts reading the holders and the AMs of the book at `path` (a
/// database file only; in memory they are read when first needed). They
/// arrive as [`Done::Holders`].
pub fn start(work: &mut Work, path: &Path) -> Option<Ticket> {
    if !path.is_file() {
        return None;
    }
    let path = path.to_path_buf();
    Some(work.spawn("targets filter lists", move || {
        let result = Store::open_aside(&path)
            .and_then(|store| Ok((shared(store.product_holders_all()?), store.account_managers()?)))
            .map_err(|e| e.to_string());
        Done::Holders(result)
    }))
}

/// Reads the cross-sell picture of `store` now.
pub fn read_cross_sell(store: &Store) -> anyhow::Result<CrossSellRead> {
    Ok(CrossSellRead { picture: crate::read::cross_sell::cross_sell(store)? })
}

/// Starts reading the cross-sell picture of the book at `path` (a database
/// file only); it arrives as [`Done::CrossSell`].
pub fn start_cross_sell(work: &mut Work, path: &Path) -> Option<Ticket> {
    if !path.is_file() {
        return None;
    }
    let path = path.to_path_buf();
    Some(work.spawn("cross-sell", move || {
        let result = Store::open_aside(&path)
            .map_err(anyhow::Error::from)
            .and_then(|store| read_cross_sell(&store))
            .map_err(|e| format!("{e:#}"));
        Done::CrossSell(Box::new(result))
    }))
}
