//! Contacts: the people at each account, one row per person
//! (`account_id,name,email,role,title[,left_on,since]`), keyed by account
//! and name so a file imported again updates them. A key person's
//! departure the file brings raises the sponsor-change signal and starts
//! its playbook once, as one marked in the cockpit does (the store's
//! contact writer does both). Cells are checked through
//! `Row` and `cells` as every other kind's are, so profiles and messages
//! apply alike; rows go to the store's contact writer.

use super::cells::{account_index, date, known_account, optional_parsed};
use super::fast::trim;
use super::input::CsvInput;
use super::kinds::counts_from;
use super::records::CONTACTS;
use super::{Origin, Problems};
use crate::domain::contact::{Contact, ContactRole, check_email};
use crate::store::StoreResult;
use crate::store::bulk::{BulkImport, BulkTable, ImportCounts};
use std::collections::HashMap;
use std::io::Read;

const ACCOUNT: usize = 0;
const NAME: usize = 1;
const EMAIL: usize = 2;
const ROLE: usize = 3;
const TITLE: usize = 4;
const LEFT_ON: usize = 5;
const SINCE: usize = 6;

pub(super) fn import<R: Read + Send>(
    bulk: &mut BulkImport<'_>,
    input: &mut CsvInput<R>,
    origin: &Origin<'_>,
    problems: &mut Problems,
) -> StoreResult<ImportCounts> {
    let names = CONTACTS.names;
    let (_, index) = account_index(bulk)?;
    let rows_before = bulk.count_rows(BulkTable::Contacts)?;
    // (account, name as compared) → first line.
    let mut first_line: HashMap<(String, String), u64> = HashMap::new();
    let (mut good, mut written) = (0u64, 0u64);
    while let Some(row) = input.next_readable(names, problems) {
        let account = problems
            .take(row.required(ACCOUNT))
            .map(trim)
            .filter(|id| problems.take(known_account(&row, ACCOUNT, id, &index)).is_some());
        let name = problems.take(row.required(NAME)).map(trim);
        let email = problems.take(row.optional(EMAIL)).and_then(|email| match email {
            Some(text) => {
                problems.take(check_email(text).map_err(|e| row.error(EMAIL, e))).map(|()| text)
            }
            None => Some(""),
        });
        let role = problems.take(row.required(ROLE)).and_then(|text| {
            problems.take(ContactRole::parse(text).map_err(|e| row.error(ROLE, e.to_string())))
        });
        let title = problems.take(row.cell(TITLE));
        let left_on = optional_parsed(&row, LEFT_ON, problems, date);
        let since = optional_parsed(&row, SINCE, problems, date);
        let (
            Some(account),
            Some(name),
            Some(email),
            Some(role),
            Some(title),
            Some(left_on),
            Some(since),
        ) = (account, name, email, role, title, left_on, since)
        else {
            continue;
        };
        if let Some(day) = since.filter(|day| *day > origin.today) {
            problems.push(row.error(
                SINCE,
                format!(
                    "{day} is after today ({}); give the day the person started in the role",
                    origin.today
                ),
            ));
            continue;
        }
        if let (Some(day), Some(left)) = (since, left_on)
            && day > left
        {
            problems.push(row.error(SINCE, format!("{day} is after the day they left ({left})")));
            continue;
        }
        if let Some(left) = left_on.filter(|left| *left > origin.today) {
            problems.push(row.error(
                LEFT_ON,
                format!("{left} is after today ({}); give the day the person left", origin.today),
            ));
            continue;
        }
        let key = (account.to_string(), name.to_lowercase());
        if let Some(first) = first_line.get(&key) {
            problems.push(row.error(
                NAME,
                format!(
                    "{name:?} appears twice for account {account} in this file (first on line {first})"
                ),
            ));
            continue;
        }
        first_line.insert(key, row.line);
        good += 1;
        if !problems.is_empty() {
            continue;
        }
        let contact = Contact {
            account_id: account.to_string(),
            name: name.to_string(),
            email: trim(email).to_string(),
            role,
            title: title.map(trim).unwrap_or_default().to_string(),
            left_on,
            since,
        };
        if bulk.upsert_contact(&contact, origin.today, origin.who, origin.now)? {
            written += 1;
        }
    }
    if !problems.is_empty() {
        return Ok(ImportCounts::default());
    }
    Ok(counts_from(bulk.count_rows(BulkTable::Contacts)?, rows_before, written, good))
}

#[cfg(test)]
mod tests {
    use crate::clock::Clock;
    use crate::import::{ImportKind, import_reader};
    use crate::store::Store;
    use crate::testkit::Book;

    fn store() -> Store {
        Book::new().accounts("id, name\nA, Ay\nB, Bee").open_in_memory()
    }

    fn import(store: &mut Store, text: &str) -> Result<String, String> {
        let clock = Clock::fixed(chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("day"));
        import_reader(store, ImportKind::Contacts, "c.csv", text.as_bytes(), "ana", &clock)
            .map(|report| report.to_string())
            .map_err(|error| error.to_string())
    }

    #[test]
    fn contacts_import_and_update_by_account_and_name() {
        let mut store = store();
        let text = "account_id,name,email,role,title\nA,Ana Diaz,ana@a.com,champion,VP Ops\nA,Bo Li,,Executive Sponsor,CFO\nB,Cy,cy@b.io,billing,\n";
        assert_eq!(
            import(&mut store, text).expect("import"),
            "c.csv: 3 contacts: 3 inserted, 0 updated, 0 unchanged"
        );
        let a = store.account_contacts("A").expect("contacts");
        let shown: Vec<String> =
            a.iter().map(|c| format!("{} {} {} {}", c.name, c.role, c.title, c.email)).collect();
        assert_eq!(shown, ["Ana Diaz champion VP Ops ana@a.com", "Bo Li executive_sponsor CFO "]);
        assert!(import(&mut store, text).expect("again").ends_with("0 updated, 3 unchanged"));
        let left =
            "account_id,name,email,role,title,left_on\nA,Bo Li,,executive_sponsor,CFO,2025-05-20\n";
        assert_eq!(
            import(&mut store, left).expect("left"),
            "c.csv: 1 contacts: 0 inserted, 1 updated, 0 unchanged"
        );
        let day = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("day");
        let known = store.stakeholders_on(day).expect("known");
        assert!(known["A"].champion && !known["A"].executive_sponsor);
        assert!(!known.contains_key("B"));
    }

    /// A contact of account A or B as a user could type it: names and
    /// titles with commas, quotes and accents, an email or none, any role,
    /// a day they left or none.
    fn contact() -> impl proptest::strategy::Strategy<Value = crate::domain::contact::Contact> {
        use crate::domain::contact::{Contact, ContactRole};
        use proptest::prelude::*;
        (
            prop_oneof![Just("A"), Just("B")],
            "[A-Za-zé][A-Za-z ,'\"é-]{0,10}[A-Za-z]",
            prop::option::of("[a-z]{1,6}@[a-z]{1,6}\\.(com|io)"),
            0..ContactRole::ALL.len(),
            "([A-Za-z][A-Za-z ,\"&]{0,12}[A-Za-z])?",
            prop::option::of(0..400_u64),
            prop::option::of(400..900_u64),
        )
            .prop_map(|(account, name, email, role, title, left, since)| Contact {
                account_id: account.to_string(),
                name,
                email: email.unwrap_or_default(),
                role: ContactRole::ALL[role],
                title,
                left_on: left.map(|days| {
                    chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("day")
                        - chrono::Days::new(days)
                }),
                since: since.map(|days| {
                    chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("day")
                        - chrono::Days::new(days)
                }),
            })
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(48))]

        /// Export then import into a fresh book gives the same rows,
        /// departures included.
        #[test]
        fn contacts_round_trip_through_export_and_import(
            people in proptest::collection::vec(contact(), 0..12)
        ) {
            use crate::domain::contact::ContactChange;
            use crate::export::{ExportFormat, export};
            let mut first = store();
            let day = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("day");
            let at = day.and_hms_opt(9, 0, 0).expect("t").and_utc();
            for person in &people {
                // A name already taken (case aside) is refused: skipped.
                let _ = first.change_contact(
                    &person.account_id.clone(),
                    &ContactChange::Add(person.clone()),
                    day,
                    "ana",
                    at,
                );
            }
            let mut csv = Vec::new();
            export(&first, crate::import::ImportKind::Contacts, ExportFormat::Csv, &mut csv)
                .expect("export");
            let text = String::from_utf8(csv).expect("utf-8");
            let mut second = store();
            import(&mut second, &text).expect("import");
            for account in ["A", "B"] {
                proptest::prop_assert_eq!(
                    first.account_contacts(account).expect("first"),
                    second.account_contacts(account).expect("second")
                );
            }
            // And the file imported again changes nothing.
            let again = import(&mut first, &text).expect("again");
            let unchanged = again.contains(" 0 inserted, 0 updated") || again.contains("no data rows");
            proptest::prop_assert!(unchanged, "{}", again);
        }
    }

    #[test]
    fn bad_contact_rows_are_refused_where_they_are_and_nothing_is_written() {
        let mut store = store();
        let errors = import(
            &mut store,
            "account_id,name,email,role,title,left_on\nA,Ana,ana@a.com,champion,,\nA,Bo,bo-at-a.com,user,,\nZ,Cy,,user,,\nA,Di,,boss,,\nA,ana,,user,,\nA,Ed,,user,,2025-07-01\nB,,,user,,\n",
        )
        .expect_err("refused");
        assert!(
            errors.contains("c.csv:3:3: email: \"bo-at-a.com\" is not an email address"),
            "{errors}"
        );
        assert!(errors.contains("c.csv:4:1: account_id: \"Z\" is not a known account"), "{errors}");
        assert!(errors.contains("c.csv:5:4: role: \"boss\" is not one of champion"), "{errors}");
        assert!(
            errors.contains("c.csv:6:2: name: \"ana\" appears twice for account A"),
            "{errors}"
        );
        assert!(errors.contains("c.csv:7:6: left_on: 2025-07-01 is after today"), "{errors}");
        assert!(errors.contains("c.csv:8:2: name: is empty"), "{errors}");
        assert!(store.account_contacts("A").expect("none").is_empty(), "nothing was written");
    }
}
