//! Paths a user could mistype or an attacker could plant: every output file
//! that is really the open book (relative, absolute, `..`, symlink, hard
//! link, its `-wal`/`-shm`/`-journal`), a database that is missing or in a
//! missing folder, a folder or a fifo where a file belongs.

use crate::harness::{Case, Outcome, Tally, Verdict, all};
use std::ffi::OsString;
use std::os::unix::fs::symlink;
use std::path::Path;

fn os(items: &[&dyn AsRef<std::ffi::OsStr>]) -> Vec<OsString> {
    items.iter().map(|i| i.as_ref().to_owned()).collect()
}

/// The refusal every output path that is the book must get.
fn is_the_book(out: &Outcome) -> Verdict {
    out.exits(1, &["is the database", "choose another file"])
}

/// `(name, how the case folder is prepared, the arguments after --db)`.
type Setup = fn(&Case);
fn output_is_the_book() -> Vec<(&'static str, Setup, Vec<&'static str>)> {
    fn nothing(_: &Case) {}
    fn link(case: &Case) {
        symlink("book.db", case.at("link.csv")).expect("symlink");
    }
    fn link_to_wal(case: &Case) {
        symlink("book.db-wal", case.at("wal.ics")).expect("symlink");
    }
    fn hard(case: &Case) {
        std::fs::hard_link(&case.db, case.at("hard.csv")).expect("hard link");
    }
    fn sub(case: &Case) {
        std::fs::create_dir(case.at("sub")).expect("sub");
    }
    fn link_dir(case: &Case) {
        symlink(".", case.at("here")).expect("symlink");
    }
    vec![
        ("export_out_book_relative", nothing, vec!["export", "accounts", "--out", "book.db"]),
        ("export_out_dot_slash_book", nothing, vec!["export", "notes", "--out", "./book.db"]),
        ("export_out_double_slash", nothing, vec!["export", "accounts", "--out", ".//book.db"]),
        (
            "export_json_out_book",
            nothing,
            vec!["export", "contracts", "--format", "json", "--out", "book.db"],
        ),
        ("export_out_through_dot_dot", sub, vec!["export", "accounts", "--out", "sub/../book.db"]),
        ("export_out_symlink_to_book", link, vec!["export", "accounts", "--out", "link.csv"]),
        ("export_out_hard_link_to_book", hard, vec!["export", "accounts", "--out", "hard.csv"]),
        (
            "export_out_through_a_linked_folder",
            link_dir,
            vec!["export", "accounts", "--out", "here/book.db"],
        ),
        ("export_out_wal", nothing, vec!["export", "accounts", "--out", "book.db-wal"]),
        ("export_out_shm", nothing, vec!["export", "accounts", "--out", "book.db-shm"]),
        ("export_out_journal", nothing, vec!["export", "accounts", "--out", "book.db-journal"]),
        ("ics_book", nothing, vec!["renewals", "--ics", "book.db"]),
        ("ics_symlink_to_book", link, vec!["renewals", "--ics", "link.csv"]),
        ("ics_hard_link_to_book", hard, vec!["renewals", "--ics", "hard.csv"]),
        ("ics_wal", nothing, vec!["renewals", "--ics", "book.db-wal"]),
        ("ics_symlink_to_wal", link_to_wal, vec!["renewals", "--ics", "wal.ics"]),
        ("ics_journal", nothing, vec!["renewals", "--ics", "book.db-journal"]),
        ("backup_force_onto_book", nothing, vec!["backup", "book.db", "--force"]),
        ("backup_onto_book", nothing, vec!["backup", "book.db"]),
        ("backup_force_onto_hard_link", hard, vec!["backup", "hard.csv", "--force"]),
        ("backup_force_onto_symlink", link, vec!["backup", "link.csv", "--force"]),
        ("backup_onto_shm", nothing, vec!["backup", "book.db-shm", "--force"]),
    ]
}

/// Reading commands that must not create a book where there is none.
const READERS: [&[&str]; 6] = [
    &["renewals"],
    &["targets"],
    &["churn", "report"],
    &["export", "accounts"],
    &["metrics", "pareto"],
    &["renewals", "--forecast"],
];

pub fn cases() {
    let mut tally = Tally::new("paths");
    for (name, setup, args) in output_is_the_book() {
        tally.case(name, || {
            let case = Case::book();
            setup(&case);
            let before = case.files();
            let out =
                case.raw(std::iter::once("--db").chain(std::iter::once("book.db")).chain(args));
            all([is_the_book(&out), before.unchanged(&case.files())])
        });
    }
    tally.case("export_out_book_named_by_cockpit_db", || {
        let case = Case::book();
        let before = case.files();
        let mut command = crate::harness::cockpit_in(&case.w);
        command.env("COCKPIT_DB", "book.db").args(["export", "accounts", "--out", "./book.db"]);
        let out = case.spawn(command);
        all([is_the_book(&out), before.unchanged(&case.files())])
    });
    tally.case("db_through_a_hard_link_and_out_to_the_original", || {
        let case = Case::book();
        std::fs::hard_link(&case.db, case.at("other.db")).expect("hard link");
        let before = case.files();
        let out = case.raw(["--db", "other.db", "export", "accounts", "--out", "book.db"]);
        all([is_the_book(&out), before.unchanged(&case.files())])
    });
    tally.case("gen_out_the_book", || {
        let case = Case::book();
        let before = case.files();
        let out = case.raw([
            "--db",
            "book.db",
            "gen",
            "--accounts",
            "3",
            "--months",
            "2",
            "--out",
            "book.db",
        ]);
        all([
            out.refused(&[]),
            out.says_one_of(&["is the database", "not a folder", "is a file", "File exists"]),
            out.one_line(),
            before.unchanged(&case.files()),
        ])
    });

    for args in READERS {
        let name = format!("missing_db_{}", args.join("_").replace('-', ""));
        tally.case(&name, || {
            let case = Case::empty();
            let before = case.files();
            let out = case.run(args);
            all([out.refused(&["no database at"]), out.one_line(), before.unchanged(&case.files())])
        });
        let name = format!("db_in_missing_folder_{}", args.join("_").replace('-', ""));
        tally.case(&name, || {
            let case = Case::empty();
            let before = case.files();
            let out = case.raw(["--db", "typo/book.db"].iter().chain(args));
            all([out.refused(&["does not exist"]), out.one_line(), before.unchanged(&case.files())])
        });
    }
    tally.case("backup_of_a_missing_db", || {
        let case = Case::empty();
        let before = case.files();
        let out = case.raw(["--db", "book.db", "backup", "copy.db"]);
        all([out.refused(&["no database at"]), before.unchanged(&case.files())])
    });
    tally.case("churn_record_on_a_missing_db", || {
        let case = Case::empty();
        let before = case.files();
        let out = case.raw([
            "--db",
            "book.db",
            "churn",
            "record",
            "ACME-001",
            "--date",
            "2025-03-01",
            "--event",
            "churned",
        ]);
        all([out.refused(&["no database at"]), before.unchanged(&case.files())])
    });
    tally.case("import_into_a_missing_folder", || {
        let case = Case::empty();
        let before = case.files();
        let csv = crate::harness::fixture("accounts.csv");
        let out = case.raw(os(&[&"--db", &"typo/deeper/book.db", &"import", &"accounts", &csv]));
        all([out.refused(&["does not exist"]), before.unchanged(&case.files())])
    });
    tally.case("dangling_symlink_as_db", || {
        let case = Case::empty();
        symlink("nowhere/book.db", case.at("link.db")).expect("symlink");
        let before = case.files();
        let out = case.raw(["--db", "link.db", "targets"]);
        all([
            out.refused(&[]),
            out.says_one_of(&["no database at", "does not exist"]),
            before.unchanged(&case.files()),
        ])
    });
    tally.case("symlink_to_the_book_reads_the_book", || {
        let case = Case::book();
        symlink("book.db", case.at("link.db")).expect("symlink");
        let before = case.files();
        let direct = case.raw(["--db", "book.db", "renewals"]);
        let linked = case.raw(["--db", "link.db", "renewals"]);
        all([
            direct.ok(),
            linked.ok(),
            crate::csv_input::contains(&linked.out(), "Beta Labs"),
            same(&direct.stdout, &linked.stdout),
            before.unchanged(&case.files()),
        ])
    });
    for (name, args) in [
        ("export_out_missing_folder", vec!["export", "accounts", "--out", "typo/accounts.csv"]),
        ("ics_in_missing_folder", vec!["renewals", "--ics", "typo/renewals.ics"]),
        ("backup_into_missing_folder", vec!["backup", "typo/copy.db"]),
        (
            "gen_into_missing_folder",
            vec!["gen", "--accounts", "2", "--months", "2", "--out", "typo/deeper"],
        ),
    ] {
        tally.case(name, || {
            let case = Case::book();
            let before = case.files();
            let out = case.run(&args);
            all([out.refused(&["does not exist"]), before.unchanged(&case.files())])
        });
    }
    // Files the cockpit writes are its owner's only, like the book.
    for (name, args, written) in [
        (
            "export_file_is_owner_only",
            vec!["export", "accounts", "--out", "accounts.csv"],
            "accounts.csv",
        ),
        ("ics_file_is_owner_only", vec!["renewals", "--ics", "renewals.ics"], "renewals.ics"),
        ("backup_is_owner_only", vec!["backup", "copy.db"], "copy.db"),
        (
            "generated_files_are_owner_only",
            vec!["gen", "--accounts", "2", "--months", "2", "--out", "g"],
            "g/accounts.csv",
        ),
    ] {
        tally.case(name, || {
            let case = Case::book();
            let out = case.run(&args);
            out.ok()?;
            owner_only(&case.at(written))
        });
    }
    tally.case("import_the_book_into_itself", || {
        let case = Case::book();
        let before = case.files();
        let out = case.run(["import", "accounts", "book.db"]);
        all([out.refused(&["book.db"]), before.unchanged(&case.files())])
    });
    tally.case("db_named_dash_is_a_file_not_stdin", || {
        let case = Case::empty();
        let before = case.files();
        let out = case.raw(["--db", "-", "targets"]);
        all([out.refused(&["no database at"]), before.unchanged(&case.files())])
    });
    tally.case("import_from_an_empty_stdin", || {
        let case = Case::book();
        let before = case.files();
        let out = case.run(["import", "accounts", "-"]);
        all([out.refused(&[]), nonempty_message(&out), before.unchanged(&case.files())])
    });
    tally.case("export_over_a_symlink_leaves_its_target_alone", || {
        let case = Case::book();
        let precious = case.outside("precious.txt");
        std::fs::write(&precious, "precious").expect("write");
        symlink(&precious, case.at("out.csv")).expect("symlink");
        let out = case.run(["export", "accounts", "--out", "out.csv"]);
        let kept = std::fs::read_to_string(&precious).unwrap_or_default();
        all([
            out.no_panic(),
            if kept == "precious" {
                Ok(())
            } else {
                Err(format!("the link's target now holds {kept:?}"))
            },
        ])
    });
    tally.case("folder_as_db", || {
        let case = Case::empty();
        std::fs::create_dir(case.at("book.db")).expect("dir");
        let before = case.files();
        let out = case.run(["targets"]);
        all([out.refused(&["book.db"]), out.one_line(), before.unchanged(&case.files())])
    });
    tally.case("folder_as_export_out", || {
        let case = Case::book();
        std::fs::create_dir(case.at("out")).expect("dir");
        let before = case.files();
        let out = case.run(["export", "accounts", "--out", "out"]);
        all([out.refused(&["out"]), out.one_line(), before.unchanged(&case.files())])
    });
    tally.case("folder_as_import_file", || {
        let case = Case::book();
        std::fs::create_dir(case.at("accounts.csv")).expect("dir");
        let before = case.files();
        let out = case.run(["import", "accounts", "accounts.csv"]);
        all([
            out.refused(&["accounts.csv", "folder"]),
            out.no_repeat(),
            before.unchanged(&case.files()),
        ])
    });
    tally.case("missing_import_file", || {
        let case = Case::book();
        let before = case.files();
        let out = case.run(["import", "accounts", "acounts.csv"]);
        all([out.refused(&["acounts.csv"]), out.no_repeat(), before.unchanged(&case.files())])
    });
    tally.case("fifo_as_db", || {
        let case = Case::empty();
        mkfifo(&case.at("book.db"))?;
        let before = case.files();
        let mut command = crate::harness::cockpit_in(&case.w);
        command.args(["--db", "book.db", "targets"]);
        let out = case.spawn_limited(command, std::time::Duration::from_secs(5));
        all([out.refused(&["book.db"]), out.one_line(), before.unchanged(&case.files())])
    });
    tally.finish();
}

fn owner_only(path: &Path) -> Verdict {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o077 == 0 {
        Ok(())
    } else {
        Err(format!("{} has mode {:o}, expected owner-only", path.display(), mode & 0o777))
    }
}

fn nonempty_message(out: &Outcome) -> Verdict {
    if out.err().trim().is_empty() { Err("no message".to_string()) } else { Ok(()) }
}

fn same(a: &[u8], b: &[u8]) -> Verdict {
    if a == b { Ok(()) } else { Err("the two outputs differ".to_string()) }
}

fn mkfifo(path: &Path) -> Verdict {
    let status =
        std::process::Command::new("mkfifo").arg(path).status().map_err(|e| e.to_string())?;
    if status.success() { Ok(()) } else { Err("mkfifo failed".to_string()) }
}
