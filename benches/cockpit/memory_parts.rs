//! Which read model holds the memory of a pane walk: with
//! `COCKPIT_BENCH_MEMORY_PARTS` set, the memory child reads each pane's
//! heavy read models one at a time on a connection of its own and prints,
//! for each, the heap it keeps while held and the most it had live while
//! being read (both above what was live before it), then lets it go.

use super::heap;
use super::today;
use cockpit::domain::Config;
use cockpit::store::Store;
use std::path::Path;

/// Reads `what`, prints what it kept and its peak, and drops it.
fn part<T>(what: &str, read: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<()> {
    let before = heap::live();
    heap::reset_peak();
    let kept = read()?;
    let live = heap::live();
    let peak = heap::peak();
    drop(kept);
    eprintln!(
        "part {what}: keeps {} kB, at most {} kB while read",
        live.saturating_sub(before) / 1024,
        peak.saturating_sub(before) / 1024
    );
    Ok(())
}

pub(crate) fn memory_parts(db: &Path) -> anyhow::Result<()> {
    let store = Store::open_aside(db)?;
    let config = Config::default();
    let cuts = config.tier_cuts_bp.clone();
    let day = today();
    part("metrics: the ARR grid", || Ok(store.arr_grid(None)?))?;
    part("metrics: the renewal book", || Ok(cockpit::read::renewals::renewal_book(&store)?))?;
    part("metrics: all but the backtest", || {
        Ok(cockpit::read::metrics::MetricsData::load(&store, &cuts)?)
    })?;
    part("metrics: the backtest", || {
        let (from, to) = cockpit::read::health::default_period(day);
        let lead = cockpit::metrics::backtest::LEAD_DAYS;
        Ok(cockpit::read::health::backtest(&store, &config, day, lead, from, to)?)
    })?;
    part("health: the lines", || Ok(cockpit::read::health::lines(&store, &config, day)?))?;
    part("targets: the holders", || Ok(store.product_holders_all()?))?;
    part("targets: the account managers", || Ok(store.account_managers()?))?;
    part("targets: cross-sell", || Ok(cockpit::read::cross_sell::cross_sell(&store)?))?;
    part("4A board", || Ok(cockpit::read::board::board(&store, day, &config)?))?;
    drop(store);
    calendar_month_times(db, &config)
}

/// The shown calendar month read mapped and page by page on the cockpit's
/// own connection (the first of each warms the file cache), with the
/// resident file pages after each.
fn calendar_month_times(db: &Path, config: &Config) -> anyhow::Result<()> {
    let store = Store::open(db)?;
    let month = cockpit::domain::Month::of(today());
    let filter = cockpit::metrics::windows::CalendarFilter::default();
    for (what, by_page) in [("mapped", false), ("page by page", true)] {
        for _ in 0..3 {
            if by_page {
                store.read_page_by_page();
            }
            let started = std::time::Instant::now();
            let kept =
                cockpit::read::renewals::calendar_month(&store, month, today(), config, &filter)?;
            let took = started.elapsed();
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let file = status.lines().find(|l| l.starts_with("RssFile:")).unwrap_or("");
            eprintln!("calendar month {what}: {:.1} ms, {file}", took.as_secs_f64() * 1e3);
            drop(kept);
            store.release_mapped_pages();
        }
    }
    Ok(())
}
