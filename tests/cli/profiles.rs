//! `cockpit import --profile`: other tools' exports as they come (a
//! Salesforce report, a HubSpot export, a European billing tool's file with
//! `;`, `12.345,50 €` and `01.03.2024`, a notes export in US dates with
//! kinds of its own), read through a built-in profile or the README's
//! profile file; and header-only and empty files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TODAY: &str = "2025-06-01";

struct Book {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Book {
    fn new() -> Book {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("book.db");
        Book { dir, db }
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_cockpit"))
            .arg("--db")
            .arg(&self.db)
            .args(["--width", "0"])
            .args(args)
            .env("COCKPIT_TODAY", TODAY)
            .env("COCKPIT_USER", "ana")
            .env("COCKPIT_CONFIG", self.dir.path().join("config.toml"))
            .output()
            .expect("run cockpit")
    }

    fn import(&self, kind: &str, file: &Path, profile: Option<&str>) -> Output {
        let mut args = vec!["import", kind, file.to_str().expect("path")];
        if let Some(profile) = profile {
            args.extend(["--profile", profile]);
        }
        self.run(&args)
    }

    fn export(&self, kind: &str) -> String {
        let out = self.run(&["export", kind]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    text(&out.stdout)
}

fn refused(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "stdout: {}", text(&out.stdout));
    text(&out.stderr)
}

/// A book with a settings file (the defaults) and two accounts.
fn book_with_accounts() -> Book {
    let book = Book::new();
    book.file("config.toml", b"");
    let accounts = book.file("a.csv", b"account_id,name\nACME-001,Acme\nBETA-002,Beta\n");
    ok(&book.import("accounts", &accounts, None));
    book
}

#[test]
fn the_built_in_profiles_are_listed() {
    let book = Book::new();
    let out = ok(&book.run(&["import", "--profiles"]));
    assert!(out.contains("salesforce-accounts   accounts"), "{out}");
    assert!(out.contains("hubspot-companies     accounts"), "{out}");
    assert!(out.contains("stripe-subscriptions  subscriptions"), "{out}");
    assert!(out.contains("HubSpot companies export"), "{out}");
    assert!(!book.db.exists(), "listing profiles makes no book");
    // The book named by the environment, as the README recommends, does
    // not count as a second argument.
    let listed = Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .args(["import", "--profiles"])
        .env("COCKPIT_DB", &book.db)
        .output()
        .expect("run cockpit");
    assert!(ok(&listed).contains("stripe-subscriptions  subscriptions"));
    assert!(!book.db.exists(), "listing profiles makes no book");
    // The list and an import are still not one command.
    let both = book.run(&["import", "--profiles", "--dry-run"]);
    assert_eq!(both.status.code(), Some(2), "{}", text(&both.stderr));
}

#[test]
fn a_salesforce_report_imports_through_its_profile() {
    let book = Book::new();
    book.file("config.toml", b"");
    // As Salesforce writes a report: a BOM, every cell quoted, CRLF.
    let report = book.file(
        "report1718.csv",
        "\u{feff}\"Account Owner\",\"Account Name\",\"Type\",\"Rating\",\"Last Activity\",\
         \"Last Modified Date\",\"Billing State/Province\",\"Account ID\",\"Industry\",\
         \"Billing Country\",\"Customer Health\"\r\n\
         \"Ana Ruiz\",\"Acme, Inc.\",\"Customer - Direct\",\"Hot\",\"3/4/2025\",\"3/5/2025\",\
         \"CA\",\"0015g00000AbCdEAAV\",\"Manufacturing\",\"USA\",\"At Risk\"\r\n\
         \"Bo Chen\",\"Globex\",\"Customer - Channel\",\"\",\"\",\"1/15/2025\",\"NY\",\
         \"0015g00000XyZabAAB\",\"Retail\",\"USA\",\"Healthy\"\r\n"
            .as_bytes(),
    );
    let out = book.import("accounts", &report, Some("salesforce-accounts"));
    assert_eq!(
        ok(&out),
        format!("{}: 2 accounts: 2 inserted, 0 updated, 0 unchanged\n", report.display())
    );
    assert_eq!(text(&out.stderr), "", "the report's other columns are ignored quietly");
    let accounts = book.export("accounts");
    let rows: Vec<&str> = accounts.lines().collect();
    assert!(rows[1].starts_with("0015g00000AbCdEAAV,\"Acme, Inc.\",Ana Ruiz,,,Manufacturing,USA,"));
    assert!(rows[1].contains(",red,"), "{accounts}");
    assert!(rows[2].starts_with("0015g00000XyZabAAB,Globex,Bo Chen,,,Retail,USA,"));
    assert!(rows[2].contains(",green,"), "{accounts}");
}

#[test]
fn a_hubspot_export_imports_through_its_profile() {
    let book = Book::new();
    book.file("config.toml", b"");
    let export = book.file(
        "hubspot-crm-exports-all-companies-2025-06-01.csv",
        b"Record ID,Company name,Company owner,Create Date,Last Activity Date,Phone Number,\
City,State/Region,Country/Region,Industry,Company Domain Name,Annual Revenue,\
Number of Employees,Lifecycle Stage,Website,Web Technologies\n\
18923440011,Initech,Priya Raman,2023-02-11 09:14,2025-05-30 16:02,+1 555 0100,Austin,\
Texas,United States,Computer Software,initech.com,\"1,200,000\",250,Customer,initech.com,\
Google Analytics\n",
    );
    let out = book.import("accounts", &export, Some("hubspot-companies"));
    ok(&out);
    // A column neither the profile nor the cockpit knows is still named.
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("column \"Web Technologies\" is not one this import reads"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let accounts = book.export("accounts");
    assert!(
        accounts.lines().nth(1).is_some_and(|row| row
            .starts_with("18923440011,Initech,Priya Raman,,,Computer Software,United States,")),
        "{accounts}"
    );
}

/// The profile file the README shows, as written there.
fn readme_profile() -> String {
    let readme = include_str!("../../README.md");
    let start = readme.find("```toml\nname = \"acme-crm\"").expect("the README's profile example");
    let body = &readme[start + "```toml\n".len()..];
    body[..body.find("```").expect("end of the example")].to_string()
}

#[test]
fn the_readme_profile_reads_a_european_billing_export() {
    let book = book_with_accounts();
    let profile = book.file("acme.toml", readme_profile().as_bytes());
    let profile = profile.to_str().expect("path");
    let contracts = book.file(
        "vertraege.csv",
        "\u{feff}Vertrag;Kunde;Produkt;Beginn;Ende;Jahreswert;Zahlweise;Sachbearbeiter\n\
         V-7;ACME-001;Core;01.03.2024;28.02.2025;12.345,50 €;jährlich;Kim\n\
         V-8;BETA-002;Core;15.01.2025;14.01.2028;\"EUR 1.200.000\";im Voraus;Kim\n"
            .as_bytes(),
    );
    let out = book.import("contracts", &contracts, Some(profile));
    assert_eq!(text(&out.stderr), "");
    ok(&out);
    assert_eq!(
        book.export("contracts"),
        "contract_id,account_id,product,start_date,end_date,arr,units,billing,terminated_on\n\
         V-7,ACME-001,Core,2024-03-01,2025-02-28,12345.5,1,annual,\n\
         V-8,BETA-002,Core,2025-01-15,2028-01-14,1200000,1,prepaid,\n"
    );
    // A US date and a US amount are refused where they stand, naming the
    // file's own column; nothing is imported.
    let bad = book.file(
        "bad.csv",
        "Vertrag;Kunde;Produkt;Beginn;Ende;Jahreswert;Zahlweise\n\
         V-9;ACME-001;Core;03/01/2025;28.02.2026;1,234.50;jährlich\n"
            .as_bytes(),
    );
    let stderr = refused(&book.import("contracts", &bad, Some(profile)));
    let bad = bad.display().to_string();
    assert!(
        stderr.contains(&format!(
            "{bad}:2:4: Beginn (start_date): \"03/01/2025\" is not a date written as the profile \
             says (%d.%m.%Y, e.g. 14.03.2025)"
        )),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("{bad}:2:6: Jahreswert (arr): \"1,234.50\" is not a number")));
    assert_eq!(book.export("contracts").lines().count(), 3, "the database is unchanged");
}

#[test]
fn a_notes_export_in_us_dates_keeps_its_own_kinds() {
    let book = book_with_accounts();
    let profile = book.file(
        "crm-notes.toml",
        br#"kind = "notes"
date_format = "%m/%d/%Y"
time_format = "%m/%d/%Y %I:%M %p"
[columns]
"Account" = "account_id"
"Activity Date" = "at"
"Activity Type" = "kind"
"Comments" = "text"
"Assigned" = "who"
[values."Activity Type"]
"Phone Call" = "call"
"QBR Meeting" = "qbr"
"#,
    );
    let notes = book.file(
        "activities.csv",
        b"Account,Activity Date,Activity Type,Comments,Assigned\n\
ACME-001,05/02/2025 03:15 PM,Phone Call,\"Renewal call, went well\",ana\n\
ACME-001,05/20/2025,LinkedIn,Commented on the launch,ana\n\
BETA-002,04/28/2025,Support,Ticket 4411: SSO fails,bo\n\
BETA-002,05/03/2025,QBR Meeting,Q1 review,bo\n",
    );
    ok(&book.import("notes", &notes, Some(profile.to_str().expect("path"))));
    let exported = book.export("notes");
    for row in [
        "ACME-001,2025-05-02T15:15:00Z,call,\"Renewal call, went well\",ana",
        "ACME-001,2025-05-20T00:00:00Z,LinkedIn,Commented on the launch,ana",
        "BETA-002,2025-04-28T00:00:00Z,Support,Ticket 4411: SSO fails,bo",
        "BETA-002,2025-05-03T00:00:00Z,qbr,Q1 review,bo",
    ] {
        assert!(exported.contains(row), "{row} in {exported}");
    }
    // The exported file imports back unchanged: the kinds survive.
    let again = book.file("again.csv", exported.as_bytes());
    let out = ok(&book.import("notes", &again, None));
    assert!(out.ends_with("4 notes: 0 inserted, 0 updated, 4 unchanged\n"), "{out}");
}

#[test]
fn a_touch_kinds_setting_moves_the_last_touch() {
    let book = Book::new();
    book.file("config.toml", b"");
    let accounts = book.file("a.csv", b"account_id,name,csm\nACME-001,Acme,ana\n");
    ok(&book.import("accounts", &accounts, None));
    let snapshots =
        book.file("s.csv", b"account_id,month,product,arr\nACME-001,2025-05,Core,1000\n");
    ok(&book.import("snapshots", &snapshots, None));
    let notes = book.file(
        "n.csv",
        b"account_id,at,kind,text\nACME-001,2025-03-02,call,Called\nACME-001,2025-05-20,linkedin,DM\n",
    );
    ok(&book.import("notes", &notes, None));
    // Tier 1's cadence is 30 days: the call is 91 days old.
    let today = ok(&book.run(&["today"]));
    assert!(today.contains("no touch for 91 days (tier 1 cadence 30)"), "{today}");
    book.file("config.toml", b"touch_kinds = [\"call\", \"LinkedIn\"]\n");
    let today = ok(&book.run(&["today"]));
    assert!(!today.contains("no touch"), "the LinkedIn note of 12 days ago is a touch: {today}");
    book.file("config.toml", b"");
    let today = ok(&book.run(&["today"]));
    assert!(today.contains("no touch for 91 days"), "back to the default: {today}");
    book.file("config.toml", b"touch_kinds = [\"call\", \"x\\u0007\"]\n");
    let stderr = refused(&book.run(&["today"]));
    assert!(stderr.contains("touch_kinds: \"x\\u{7}\" holds a control character"), "{stderr}");
}

#[test]
fn a_bad_profile_is_refused_before_anything_is_read() {
    let book = Book::new();
    book.file("config.toml", b"");
    let accounts = book.file("a.csv", b"Account ID,Account Name\nA1,Acme\n");
    let profile = book
        .file("typo.toml", b"kind = \"accounts\"\n\n[columns]\n\"Account ID\" = \"acount_id\"\n");
    let stderr = refused(&book.import("accounts", &accounts, Some(profile.to_str().expect("p"))));
    assert!(
        stderr.starts_with(&format!(
            "cockpit: {}:4:16: column \"acount_id\" is not a column of accounts files",
            profile.display()
        )),
        "{stderr}"
    );
    assert!(!book.db.exists(), "no book was made");
    let stderr = refused(&book.import("accounts", &accounts, Some("salesforce")));
    assert!(stderr.contains("no built-in profile is called \"salesforce\""), "{stderr}");
    let notes = book.file("n.csv", b"account_id,at,kind,text\n");
    let stderr = refused(&book.import("notes", &notes, Some("hubspot-companies")));
    assert!(stderr.contains("profile \"hubspot-companies\" reads accounts files, not notes"));
}

#[test]
fn a_header_only_file_is_an_empty_table_and_an_empty_file_an_error() {
    let book = book_with_accounts();
    for kind in ["accounts", "snapshots", "contracts", "notes"] {
        let header = book.export(kind);
        let header = header.lines().next().expect("header").to_string() + "\n";
        let file = book.file(&format!("{kind}-empty.csv"), header.as_bytes());
        let out = book.import(kind, &file, None);
        assert_eq!(
            ok(&out),
            format!(
                "{}: 0 {kind}: the file has a header row and no data rows; nothing changed\n",
                file.display()
            )
        );
    }
    let empty = book.file("zero.csv", b"");
    let stderr = refused(&book.import("accounts", &empty, None));
    assert!(stderr.contains("zero.csv: the file is empty"), "{stderr}");
}
