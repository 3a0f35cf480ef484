//! Files that are not the book they claim to be: another program's SQLite
//! file, random bytes, a CSV given as `--db`, a truncated or damaged book,
//! `user_version` tricks (−1, huge, a newer cockpit's, wiped, forged), and a
//! book carrying an extra trigger that writes elsewhere. Each is refused
//! with the agreed message and left byte-for-byte as it was.

use crate::harness::{Case, Outcome, Tally, Verdict, all, fixture};
use rand::{RngCore, SeedableRng};
use std::path::Path;

const PAGE: usize = 4096;

fn sql(path: &Path, batch: &str) {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch(batch).expect("batch");
}

fn foreign(case: &Case) {
    sql(
        &case.db,
        "CREATE TABLE recipes (name TEXT, minutes INTEGER);
         INSERT INTO recipes VALUES ('bread', 240), ('soup', 45);",
    );
}

fn foreign_wal(case: &Case) {
    foreign(case);
    sql(&case.db, "PRAGMA journal_mode = WAL;");
}

fn foreign_accounts_table(case: &Case) {
    sql(
        &case.db,
        "CREATE TABLE accounts (id TEXT PRIMARY KEY, balance REAL); INSERT INTO accounts VALUES ('x', 1.5);",
    );
}

fn forged_version(case: &Case) {
    let version = cockpit::store::SCHEMA_VERSION;
    sql(&case.db, &format!("CREATE TABLE t (x); PRAGMA user_version = {version};"));
}

fn random_bytes(case: &Case) {
    let mut bytes = vec![0u8; 4 * PAGE];
    rand_chacha::ChaCha8Rng::seed_from_u64(15).fill_bytes(&mut bytes);
    std::fs::write(&case.db, bytes).expect("write");
}

fn text_file(case: &Case) {
    std::fs::write(&case.db, "hello, this is my shopping list\n").expect("write");
}

fn csv_file(case: &Case) {
    std::fs::copy(fixture("accounts.csv"), &case.db).expect("copy");
}

fn magic_then_zeros(case: &Case) {
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.resize(PAGE, 0);
    std::fs::write(&case.db, bytes).expect("write");
}

fn magic_broken(case: &Case) {
    let mut bytes = std::fs::read(&case.db).expect("read");
    bytes[0] = b's';
    std::fs::write(&case.db, bytes).expect("write");
}

fn truncated(case: &Case) {
    let bytes = std::fs::read(&case.db).expect("read");
    let half = (bytes.len() / PAGE / 2) * PAGE;
    std::fs::write(&case.db, &bytes[..half]).expect("write");
}

/// Pages in the middle of the book overwritten, as a bad disk sector or a
/// stray write would; the header and the schema page are intact.
fn damaged(case: &Case) {
    let mut bytes = std::fs::read(&case.db).expect("read");
    let pages = bytes.len() / PAGE;
    for page in 2..pages {
        for (i, byte) in bytes[page * PAGE..(page + 1) * PAGE].iter_mut().enumerate() {
            *byte = (i as u8).wrapping_mul(37) ^ 0xA5;
        }
    }
    std::fs::write(&case.db, bytes).expect("write");
}

fn count_rows(path: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).expect("count")
}

fn version(value: i64) -> impl Fn(&Case) {
    move |case: &Case| sql(&case.db, &format!("PRAGMA user_version = {value};"))
}

fn table_dropped(case: &Case) {
    sql(&case.db, "DROP TABLE notes;");
}

fn not_cockpit(out: &Outcome) -> Verdict {
    all([out.refused(&["not a cockpit database", "left untouched"]), out.one_line()])
}

fn is_damaged(out: &Outcome) -> Verdict {
    all([out.refused(&["damaged", "cockpit backup"]), out.one_line()])
}

fn schema_version(out: &Outcome) -> Verdict {
    all([out.refused(&["schema version"]), out.one_line()])
}

fn newer(out: &Outcome) -> Verdict {
    all([out.refused(&["newer cockpit"]), out.one_line()])
}

fn version_or_newer(out: &Outcome) -> Verdict {
    all([out.refused(&[]), out.says_one_of(&["schema version", "newer cockpit"]), out.one_line()])
}

fn not_cockpit_or_version(out: &Outcome) -> Verdict {
    all([
        out.refused(&[]),
        out.says_one_of(&["not a cockpit database", "schema version"]),
        out.one_line(),
    ])
}

fn not_cockpit_or_damaged(out: &Outcome) -> Verdict {
    all([out.refused(&[]), out.says_one_of(&["not a cockpit database", "damaged"]), out.one_line()])
}

/// A reading command, a writing one, a backup and the cockpit's check.
fn commands() -> Vec<(&'static str, Vec<std::ffi::OsString>)> {
    let os = |items: &[&str]| items.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
    let mut import = os(&["import", "accounts"]);
    import.push(fixture("accounts.csv").into());
    vec![
        ("targets", os(&["targets"])),
        ("renewals", os(&["renewals", "--json"])),
        ("import", import),
        (
            "churn_record",
            os(&["churn", "record", "ACME-001", "--date", "2025-03-01", "--event", "churned"]),
        ),
        ("backup", os(&["backup", "copy.db"])),
        ("export_notes", os(&["export", "notes"])),
    ]
}

type Prepare = Box<dyn Fn(&Case)>;
type Expect = fn(&Outcome) -> Verdict;

pub fn cases() {
    let mut tally = Tally::new("schema");
    let files: Vec<(&str, bool, Prepare, Expect, &[&str])> = vec![
        // (name, starts from the book?, prepare, expected, which commands)
        (
            "foreign_sqlite",
            false,
            Box::new(foreign),
            not_cockpit,
            &["targets", "renewals", "import", "backup"],
        ),
        (
            "foreign_sqlite_in_wal_mode",
            false,
            Box::new(foreign_wal),
            not_cockpit,
            &["targets", "import"],
        ),
        (
            "foreign_accounts_table",
            false,
            Box::new(foreign_accounts_table),
            not_cockpit,
            &["targets", "import"],
        ),
        (
            "forged_user_version",
            false,
            Box::new(forged_version),
            not_cockpit,
            &["targets", "import"],
        ),
        (
            "random_bytes",
            false,
            Box::new(random_bytes),
            not_cockpit,
            &["targets", "import", "backup"],
        ),
        ("shopping_list", false, Box::new(text_file), not_cockpit, &["targets", "import"]),
        ("csv_given_as_db", false, Box::new(csv_file), not_cockpit, &["targets", "import"]),
        (
            "sqlite_magic_then_zeros",
            false,
            Box::new(magic_then_zeros),
            not_cockpit_or_damaged,
            &["targets", "import"],
        ),
        (
            "book_with_broken_magic",
            true,
            Box::new(magic_broken),
            not_cockpit,
            &["targets", "import"],
        ),
        (
            "book_cut_in_half",
            true,
            Box::new(truncated),
            is_damaged,
            &["targets", "renewals", "import"],
        ),
        (
            "book_with_damaged_pages",
            true,
            Box::new(damaged),
            is_damaged,
            &["targets", "renewals", "import", "churn_record", "backup"],
        ),
        (
            "user_version_minus_one",
            true,
            Box::new(version(-1)),
            schema_version,
            &["targets", "import"],
        ),
        (
            "user_version_i32_min",
            true,
            Box::new(version(i32::MIN as i64)),
            schema_version,
            &["targets"],
        ),
        (
            "user_version_huge",
            true,
            Box::new(version(i32::MAX as i64)),
            version_or_newer,
            &["targets", "import"],
        ),
        (
            "user_version_of_the_next_cockpit",
            true,
            Box::new(version(cockpit::store::SCHEMA_VERSION + 1)),
            newer,
            &["targets", "import", "churn_record"],
        ),
        (
            "user_version_wiped",
            true,
            Box::new(version(0)),
            not_cockpit_or_version,
            &["targets", "import"],
        ),
        (
            "book_missing_a_table",
            true,
            Box::new(table_dropped),
            not_cockpit_or_damaged,
            &["export_notes"],
        ),
    ];
    for (file, from_book, prepare, expect, which) in &files {
        for (command, args) in commands() {
            if !which.contains(&command) {
                continue;
            }
            tally.case(&format!("{file}_{command}"), || {
                let case = if *from_book { Case::book() } else { Case::empty() };
                prepare(&case);
                let before = case.files();
                let out = case.run(&args);
                all([expect(&out), before.unchanged(&case.files())])
            });
        }
    }
    // A whole book read by every reading command: not one byte written, no
    // debris left (the WAL and shared-memory files go when the reader ends).
    for args in [
        &["renewals"][..],
        &["renewals", "--json"],
        &["renewals", "--ics", "-"],
        &["renewals", "--forecast"],
        &["targets"],
        &["targets", "--json"],
        &["churn", "report"],
        &["churn", "list", "ACME-001"],
        &["churn", "reasons"],
        &["churn", "reasons", "--json", "--all"],
        &["export", "accounts"],
        &["export", "snapshots", "--format", "json"],
        &["export", "contracts"],
        &["export", "notes"],
        &["metrics", "pareto"],
        &["metrics", "retention", "--as-of", "2025-02"],
        &["metrics", "bridge", "--from", "2025-01", "--to", "2025-02"],
        &["metrics", "renewals", "--from", "2025-01-01", "--to", "2025-12-31"],
    ] {
        let name = format!("read_writes_nothing_{}", args.join("_").replace('-', ""));
        tally.case(&name, || {
            let case = Case::book();
            let before = case.files();
            let out = case.run(args);
            all([out.ok(), before.unchanged(&case.files())])
        });
    }
    // A full disk (the file capped at its current size): the write is
    // refused whole with one clear line and the book keeps every byte.
    tally.case("disk_full_import", || {
        let case = Case::book();
        let mut notes = String::from("account_id,at,kind,text\n");
        for i in 0..2000 {
            notes.push_str(&format!(
                "ACME-001,2025-03-01T10:{:02}:{:02}Z,call,{}\n",
                i / 60 % 60,
                i % 60,
                "n".repeat(200)
            ));
        }
        case.write("in.csv", notes);
        let pages = std::fs::metadata(&case.db).map_err(|e| e.to_string())?.len() / PAGE as u64;
        let before = case.files();
        let mut command = crate::harness::cockpit_in(&case.w);
        command
            .env(cockpit::store::MAX_PAGES_VAR, pages.to_string())
            .args(["--db", "book.db"])
            .args(["import", "notes", "in.csv"]);
        let out = case.spawn(command);
        all([out.refused(&["disk is full"]), out.one_line(), before.unchanged(&case.files())])
    });
    // A planted trigger: either the book is refused as not the cockpit's,
    // untouched, or the import lands and the trigger never runs.
    tally.case("extra_trigger_that_writes_elsewhere", || {
        let case = Case::book();
        sql(
            &case.db,
            "CREATE TABLE loot (what TEXT);
             CREATE TRIGGER steal AFTER INSERT ON notes BEGIN
               INSERT INTO loot SELECT name FROM accounts; DELETE FROM contracts;
             END;",
        );
        case.write("in.csv", "account_id,at,kind,text\nACME-001,2025-03-01,call,hello\n");
        let before = case.files();
        let contracts = count_rows(&case.db, "contracts");
        let out = case.run(["import", "notes", "in.csv"]);
        if out.code == Some(0) {
            let (loot, left) = (count_rows(&case.db, "loot"), count_rows(&case.db, "contracts"));
            if loot != 0 || left != contracts {
                return Err(format!(
                    "the planted trigger ran: {loot} names copied out, {left} of {contracts} contracts left"
                ));
            }
            return Ok(());
        }
        all([not_cockpit(&out), before.unchanged(&case.files())])
    });
    tally.case("extra_trigger_read_changes_nothing", || {
        let case = Case::book();
        sql(&case.db, "CREATE TRIGGER wipe AFTER UPDATE ON accounts BEGIN DELETE FROM notes; END;");
        let before = case.files();
        let out = case.run(["targets"]);
        let verdict = if out.code == Some(0) { out.ok() } else { not_cockpit(&out) };
        all([verdict, before.unchanged(&case.files())])
    });
    tally.case("check_says_damaged", || {
        let case = Case::book();
        damaged(&case);
        let before = case.files();
        let out = case.run(["check"]);
        all([out.refused(&["damaged"]), before.unchanged(&case.files())])
    });
    tally.case("check_on_a_whole_book_changes_nothing", || {
        let case = Case::book();
        let before = case.files();
        let out = case.run(["check"]);
        all([out.ok(), before.unchanged(&case.files())])
    });
    tally.case("empty_file_stays_empty_for_a_reader", || {
        let case = Case::empty();
        std::fs::write(&case.db, "").expect("empty");
        let before = case.files();
        let out = case.run(["targets"]);
        all([out.no_panic(), before.unchanged(&case.files())])
    });
    tally.case("empty_file_becomes_a_book_on_import", || {
        let case = Case::empty();
        std::fs::write(&case.db, "").expect("empty");
        let out =
            case.run(["import".as_ref(), "accounts".as_ref(), fixture("accounts.csv").as_os_str()]);
        let accounts =
            crate::db::dump(&case.db).lines().filter(|l| l.starts_with("accounts|")).count();
        all([
            out.ok(),
            if accounts == 3 {
                Ok(())
            } else {
                Err(format!("{accounts} accounts stored, expected 3"))
            },
        ])
    });
    tally.finish();
}
