//! The subscriptions rows: the generator's `subscriptions.csv` for the book
//! (written once into the book's `subscriptions/` folder, not beside its
//! other files, so that the `import all` rows read only the files they
//! name), imported into a fresh database
//! holding only the book's accounts — every snapshot and contract derived —
//! and then the same file again, which changes nothing.

use super::{Book, Figure, MONTHS, SEED, clock, fig_ms, per_second, remove_db, today};
use cockpit::generate::{Params, write_subscriptions};
use cockpit::import::{ImportKind, import_path};
use cockpit::store::Store;
use std::collections::BTreeMap;
use std::time::Instant;

pub fn measure(book: &Book, out: &mut BTreeMap<String, Figure>) -> anyhow::Result<()> {
    let accounts = book.rows.get("accounts").copied().unwrap_or(0) as u32;
    let dir = book.dir.join("subscriptions");
    let file = dir.join("subscriptions.csv");
    if !file.exists() {
        std::fs::create_dir_all(&dir)?;
        // A book written before kept the file beside the others: move it.
        let beside = book.dir.join("subscriptions.csv");
        if beside.exists() {
            std::fs::rename(&beside, &file)?;
        } else {
            let params = Params::ending_before(today(), accounts, MONTHS, SEED);
            write_subscriptions(&params, &dir)?;
        }
    }
    let db = book.dir.join("subscriptions.db");
    remove_db(&db);
    let mut store = Store::open(&db)?;
    import_path(
        &mut store,
        ImportKind::Accounts,
        &book.dir.join("accounts.csv"),
        "bench",
        &clock(),
    )
    .map_err(|e| anyhow::anyhow!("import accounts: {e}"))?;
    for (name, again) in
        [("subscriptions → ARR, first import", false), ("subscriptions → ARR, again", true)]
    {
        let t = Instant::now();
        let report = import_path(&mut store, ImportKind::Subscriptions, &file, "bench", &clock())
            .map_err(|e| anyhow::anyhow!("import subscriptions: {e}"))?;
        let took = t.elapsed();
        let derived = report.derived.unwrap_or_default();
        let rows = report.counts.inserted + report.counts.updated + report.counts.unchanged;
        let written = derived.snapshots.inserted + derived.contracts.inserted;
        let mut figure = fig_ms(took);
        figure.text = format!("{} · {} subscriptions/s", figure.text, per_second(rows, took));
        figure.note = if again {
            format!("{rows} subscriptions, nothing written")
        } else {
            format!(
                "{rows} subscriptions; {} snapshots and {} contracts derived ({written} rows)",
                derived.snapshots.inserted, derived.contracts.inserted
            )
        };
        eprintln!("{name}: {} ({})", figure.text, figure.note);
        out.insert(name.to_string(), figure);
    }
    drop(store);
    remove_db(&db);
    Ok(())
}
