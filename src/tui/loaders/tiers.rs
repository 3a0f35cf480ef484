//! Where the whole book's tier cuts fall, read beside the user's own rows
//! while the first screen is built: it needs no row of the user's, so it is
//! found on a connection of its own meanwhile and joined.
//!
//! No drawing and no SQL here: it calls `Store::arr_tier_bounds`.

use crate::domain::config::BasisPoints;
use crate::store::Store;
use crate::store::views::TierBounds;
use crate::tui::work::{Beside, beside};
use std::path::Path;

/// Starts reading the tier bounds of the book at `path` for `cuts`.
pub fn start(path: &Path, cuts: &[BasisPoints]) -> Beside<anyhow::Result<TierBounds>> {
    let (path, cuts) = (path.to_path_buf(), cuts.to_vec());
    beside("tier bounds", move || Ok(Store::open_aside(&path)?.arr_tier_bounds(&cuts)?))
}
