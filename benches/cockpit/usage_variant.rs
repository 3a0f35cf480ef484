//! `--usage-every-month`: the book with usage in every one of its months
//! for every account and measure (zeros where the generator writes none:
//! the months an account is not a customer), so 100,000 accounts × 60
//! months × 5 measures is the 30 M usage rows the speed targets name. The
//! generator writes usage only in customer months (about half of that).
//! The variant lives beside the book (`…-usage-every-month/`), its other
//! files linked to the book's; delete it when done, it is large.

use super::{Book, MONTHS, today};
use cockpit::domain::Month;
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

/// The variant of `book`, written once.
pub(crate) fn every_month(book: &Book) -> anyhow::Result<Book> {
    let name = book.dir.file_name().and_then(|n| n.to_str()).unwrap_or("book");
    let dir = book.dir.with_file_name(format!("{name}-usage-every-month"));
    let summary = dir.join("summary.txt");
    let mut rows = book.rows.clone();
    if !summary.exists() {
        eprintln!("writing {} …", dir.display());
        std::fs::create_dir_all(&dir)?;
        for entry in std::fs::read_dir(&book.dir)? {
            let path = entry?.path();
            let file = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if file.ends_with(".csv") && file != "usage.csv" {
                let target = std::fs::canonicalize(&path)?;
                let link = dir.join(file);
                if !link.exists() {
                    std::os::unix::fs::symlink(target, link)?;
                }
            }
        }
        let written = fill(&book.dir.join("usage.csv"), &dir.join("usage.csv"))?;
        rows.insert("usage", written);
        let text: String = rows.iter().map(|(kind, n)| format!("{kind} {n}\n")).collect();
        std::fs::write(&summary, text)?;
    }
    for line in std::fs::read_to_string(&summary)?.lines() {
        if let Some(("usage", n)) = line.split_once(' ') {
            rows.insert("usage", n.parse()?);
        }
    }
    Ok(Book { dir, rows })
}

/// Copies `from` (rows grouped by account) to `to` with a row for every
/// month of the book and every measure the book has, 0 where none was.
fn fill(from: &Path, to: &Path) -> anyhow::Result<u64> {
    let last = Month::of(today()).minus(1);
    let months: Vec<String> =
        (0..MONTHS as i32).rev().map(|back| last.minus(back).to_string()).collect();
    let mut measures: Vec<String> = Vec::new();
    let reader = std::io::BufReader::new(std::fs::File::open(from)?);
    let mut out = BufWriter::new(std::fs::File::create(to)?);
    let mut lines = reader.lines();
    let header = lines.next().transpose()?.unwrap_or_default();
    writeln!(out, "{header}")?;
    // account_id,measure,value,month
    let mut account = String::new();
    let mut values: std::collections::HashMap<(String, String), String> = Default::default();
    let mut written = 0_u64;
    let mut flush = |account: &str,
                     values: &mut std::collections::HashMap<(String, String), String>,
                     measures: &[String],
                     out: &mut BufWriter<std::fs::File>|
     -> anyhow::Result<()> {
        if account.is_empty() {
            return Ok(());
        }
        for month in &months {
            for measure in measures {
                let value = values.remove(&(measure.clone(), month.clone()));
                writeln!(out, "{account},{measure},{},{month}", value.as_deref().unwrap_or("0"))?;
                written += 1;
            }
        }
        values.clear();
        Ok(())
    };
    for line in lines {
        let line = line?;
        let mut cells = line.splitn(4, ',');
        let (Some(id), Some(measure), Some(value), Some(month)) =
            (cells.next(), cells.next(), cells.next(), cells.next())
        else {
            continue;
        };
        if !measures.iter().any(|m| m == measure) {
            measures.push(measure.to_string());
        }
        if id != account {
            flush(&account, &mut values, &measures, &mut out)?;
            account = id.to_string();
        }
        values.insert((measure.to_string(), month.to_string()), value.to_string());
    }
    flush(&account, &mut values, &measures, &mut out)?;
    out.flush()?;
    Ok(written)
}
