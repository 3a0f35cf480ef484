//! Profiles read from TOML and applied to whole imports on in-memory books:
//! each worked example's result read back through export.

use super::*;
use crate::clock::Clock;
use crate::export::{ExportFormat, export};
use crate::import::{ImportError, ImportKind, import_reader, import_reader_with};
use crate::store::Store;

fn clock() -> Clock {
    Clock::fixed(NaiveDate::from_ymd_opt(2026, 12, 7).expect("date"))
}

fn profile(text: &str) -> Profile {
    Profile::parse(text, "p.toml", "p").expect("profile")
}

fn profile_error(text: &str) -> String {
    Profile::parse(text, "p.toml", "p").expect_err("refused").to_string()
}

fn exported(store: &Store, kind: ImportKind) -> String {
    let mut out = Vec::new();
    export(store, kind, ExportFormat::Csv, &mut out).expect("export");
    String::from_utf8(out).expect("utf-8")
}

fn import_with(
    store: &mut Store,
    kind: ImportKind,
    profile: &Profile,
    csv: &str,
) -> Result<String, Vec<String>> {
    import_reader_with(store, kind, "crm.csv", csv.as_bytes(), profile, "ana", &clock())
        .map(|report| report.to_string())
        .map_err(|e| match e {
            ImportError::Rejected(errors) => errors.iter().map(ToString::to_string).collect(),
            other => vec![other.to_string()],
        })
}

fn book() -> Store {
    let mut store = Store::open_in_memory().expect("store");
    import_reader(
        &mut store,
        ImportKind::Accounts,
        "a.csv",
        "account_id,name\nA1,Acme\nB2,Globex\n".as_bytes(),
        "ana",
        &clock(),
    )
    .expect("accounts");
    store
}

const CRM_ACCOUNTS: &str = r#"
kind = "accounts"
description = "A CRM's accounts"

ignore = ["Phone"]

[columns]
"Account ID" = "account_id"
"Account Name" = "name"
"Owner" = "csm"
"Health Score" = "health"

[values."Health Score"]
"At Risk" = "red"
"Healthy" = "green"

[constants]
region = "EMEA"
"#;

#[test]
fn renames_maps_values_and_fills_constants() {
    let profile = profile(CRM_ACCOUNTS);
    let mut store = Store::open_in_memory().expect("store");
    let csv = "\u{feff}\"Account ID\",\"Account Name\",Owner,Health Score,Phone\n\
               A1,\"Acme, Inc.\",ana,At Risk,555\n\
               B2,Globex,bo,healthy,556\n\
               C3,Initech,cy,yellow,557\n";
    let report = import_with(&mut store, ImportKind::Accounts, &profile, csv).expect("import");
    assert_eq!(report, "crm.csv: 3 accounts: 3 inserted, 0 updated, 0 unchanged");
    let out = exported(&store, ImportKind::Accounts);
    let rows: Vec<&str> = out.lines().collect();
    assert!(rows[1].starts_with("A1,\"Acme, Inc.\",ana,,,,EMEA,"), "{out}");
    assert!(rows[1].contains(",red,"), "{out}");
    assert!(rows[2].contains(",green,"), "{out}");
    assert!(rows[3].contains(",yellow,"), "{out}");
}

#[test]
fn errors_name_the_users_column_and_place() {
    let profile = profile(CRM_ACCOUNTS);
    let mut store = Store::open_in_memory().expect("store");
    let csv = "Phone,Account ID,Account Name,Health Score\n555,A1,Acme,Meh\n556,A2,,green\n";
    let errors = import_with(&mut store, ImportKind::Accounts, &profile, csv).expect_err("bad");
    assert!(errors[0].starts_with("crm.csv:2:4: Health Score (health): "), "{errors:?}");
    assert!(errors[0].contains("\"Meh\""), "{errors:?}");
    assert_eq!(errors[1], "crm.csv:3:3: Account Name (name): is empty; a value is required");
    let errors = import_with(&mut store, ImportKind::Accounts, &profile, "Account ID\nA1\n")
        .expect_err("missing");
    assert_eq!(
        errors,
        vec![
            "crm.csv:1: missing required column \"Account Name\" (read as name) (the header \
             must name: \"Account ID\", \"Account Name\")"
        ]
    );
    let errors = import_with(
        &mut store,
        ImportKind::Accounts,
        &profile,
        "Account ID,Account Name,region\nA1,Acme,EU\n",
    )
    .expect_err("constant and column");
    assert!(errors[0].starts_with("crm.csv:1:3: region: the profile fills region"), "{errors:?}");
    assert_eq!(exported(&store, ImportKind::Accounts).lines().count(), 1, "nothing imported");
}

#[test]
fn european_dates_and_amounts() {
    let profile = profile(
        r#"
kind = "contracts"
date_format = "%d.%m.%Y"
decimal = ","
thousands = "."
currency = ["€", "EUR"]
delimiter = ";"
[columns]
"Vertrag" = "contract_id"
"Kunde" = "account_id"
"Produkt" = "product"
"Beginn" = "start_date"
"Ende" = "end_date"
"Jahreswert" = "arr"
"#,
    );
    let mut store = book();
    let csv = "Vertrag;Kunde;Produkt;Beginn;Ende;Jahreswert\n\
               V1;A1;Core;01.03.2024;28.02.2025;12.345,50 €\n\
               V2;B2;Core;15.01.2025;14.01.2026;EUR 999\n";
    import_with(&mut store, ImportKind::Contracts, &profile, csv).expect("import");
    assert_eq!(
        exported(&store, ImportKind::Contracts),
        "contract_id,account_id,product,start_date,end_date,arr,units,billing,terminated_on\n\
         V1,A1,Core,2024-03-01,2025-02-28,12345.5,,annual,\n\
         V2,B2,Core,2025-01-15,2026-01-14,999,,annual,\n"
    );
    // A US date or amount under the European profile is refused, not misread.
    let csv = "Vertrag;Kunde;Produkt;Beginn;Ende;Jahreswert\n\
               V3;A1;Core;03/01/2024;28.02.2025;1,234.50\n";
    let errors = import_with(&mut store, ImportKind::Contracts, &profile, csv).expect_err("us");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with(
            "crm.csv:2:4: Beginn (start_date): \"03/01/2024\" is not a date written as the \
             profile says (%d.%m.%Y, e.g. 14.03.2025)"
        ),
        "{errors:?}"
    );
    assert!(errors[1].starts_with("crm.csv:2:6: Jahreswert (arr): \"1,234.50\""), "{errors:?}");
}

#[test]
fn us_dates_and_times_for_notes() {
    let profile = profile(
        r#"
kind = "notes"
date_format = "%m/%d/%Y"
time_format = "%m/%d/%Y %I:%M %p"
[columns]
"Company" = "account_id"
"Date" = "at"
"Type" = "kind"
"Body" = "text"
[values.kind]
"Phone Call" = "call"
"Business Review" = "qbr"
"#,
    );
    let mut store = book();
    let csv = "Company,Date,Type,Body\n\
               A1,03/14/2025 09:30 PM,Phone Call,Talked renewal\n\
               B2,12/01/2024,Business Review,Q4 review\n";
    import_with(&mut store, ImportKind::Notes, &profile, csv).expect("import");
    let out = exported(&store, ImportKind::Notes);
    assert!(out.contains("A1,2025-03-14T21:30:00Z,call,Talked renewal"), "{out}");
    assert!(out.contains("B2,2024-12-01T00:00:00Z,qbr,Q4 review"), "{out}");
}

#[test]
fn a_bad_profile_file_says_where() {
    assert_eq!(
        profile_error("kind = \"accounts\"\n[columns]\n\"Account ID\" = \"acount_id\"\n"),
        "p.toml:3:16: column \"acount_id\" is not a column of accounts files (account_id, name, \
         csm, am, segment, industry, region, stage, potential_units, health, flags, nps)"
    );
    assert!(profile_error("kind = \"invoices\"\n").starts_with("p.toml:1:8: kind \"invoices\""));
    assert!(
        profile_error("kind = \"notes\"\ndecimal = \";\"\n").starts_with("p.toml:2:11: decimal")
    );
    assert!(
        profile_error("kind = \"notes\"\ndate_format = \"%m/%Y\"\n")
            .starts_with("p.toml:2:15: date_format \"%m/%Y\" does not read a day back")
    );
    assert!(
        profile_error("kind = \"notes\"\ndecimal = \",\"\nthousands = \",\"\n")
            .starts_with("p.toml:3:13: thousands")
    );
    // Syntax and unknown keys come with their place too.
    assert!(profile_error("kind = \"notes\"\ncolour = 1\n").starts_with("p.toml:2:1: "));
    assert!(profile_error("kind = \n").starts_with("p.toml:1:"));
    let both = "kind = \"accounts\"\n[columns]\nA = \"name\"\nB = \"name\"\n";
    let error = profile_error(both);
    assert!(error.starts_with("p.toml:4:5: both \"A\" and \"B\" are mapped to name"), "{error}");
}

#[test]
fn a_profile_for_another_kind_is_refused() {
    let profile = profile(CRM_ACCOUNTS);
    let mut store = book();
    let errors = import_with(&mut store, ImportKind::Notes, &profile, "x\n").expect_err("kind");
    assert_eq!(errors, vec!["crm.csv: profile \"p\" reads accounts files, not notes"]);
}

#[test]
fn builtin_profiles_read_and_are_found_by_name() {
    for builtin in BUILTIN {
        let profile = builtin.profile().expect("a built-in profile reads");
        assert_eq!(profile.name, builtin.name);
        assert!(!profile.description.is_empty());
        assert_eq!(Profile::find(builtin.name).expect("found"), profile);
    }
    let error = Profile::find("sap").expect_err("unknown").to_string();
    assert!(error.starts_with("no built-in profile is called \"sap\" (built-in: "), "{error}");
}

#[test]
fn the_salesforce_report_imports_as_exported() {
    let profile = Profile::find("salesforce-accounts").expect("built-in");
    let mut store = Store::open_in_memory().expect("store");
    let csv = "\"Account Owner\",\"Account Name\",\"Type\",\"Rating\",\"Last Activity\",\
               \"Last Modified Date\",\"Billing State/Province\",\"Account ID\",\"Industry\",\
               \"Billing Country\",\"Customer Health\"\n\
               \"Ana Ruiz\",\"Acme, Inc.\",\"Customer - Direct\",\"Hot\",\"3/4/2025\",\
               \"3/5/2025\",\"CA\",\"0015g00000AbCdEAAV\",\"Manufacturing\",\"USA\",\"At Risk\"\n";
    let report = import_with(&mut store, ImportKind::Accounts, &profile, csv).expect("import");
    assert_eq!(report, "crm.csv: 1 accounts: 1 inserted, 0 updated, 0 unchanged");
    let out = exported(&store, ImportKind::Accounts);
    assert!(
        out.lines().nth(1).is_some_and(|row| row
            .starts_with("0015g00000AbCdEAAV,\"Acme, Inc.\",Ana Ruiz,,,Manufacturing,USA,")
            && row.contains(",red,")),
        "{out}"
    );
}
