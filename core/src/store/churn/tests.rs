//! The churn store on in-memory databases.

use super::*;
use crate::domain::churn::DEFAULT_TAXONOMY;
use proptest::prelude::*;

fn store() -> Store {
    crate::testkit::Book::new()
        .accounts("id, name, csm\nA1, Acme, dana\nB2, Globex, lee")
        .open_in_memory()
}

fn at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-04-15T09:30:00Z").expect("time").with_timezone(&Utc)
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

fn link(store: &Store, label: &str) -> ChainLink {
    ChainLink::reason(&store.churn_reason_by_label(label).expect("query").expect("reason"))
}

fn chain(store: &Store, account: &str, labels: &[&str]) -> ChurnChain {
    let mut chain = ChurnChain::new(
        account,
        ChurnEvent::Churned,
        date("2026-03-01"),
        Money::from_units(12_000),
    );
    chain.links = labels.iter().map(|label| link(store, label)).collect();
    chain
}

#[test]
fn a_reader_shows_the_defaults_without_writing_them_and_a_write_keeps_their_ids() {
    let store = store();
    let stored = |store: &Store| -> i64 {
        store.conn.query_row("SELECT count(*) FROM churn_reasons", [], |r| r.get(0)).expect("n")
    };
    let shown = store.churn_reasons().expect("reasons");
    assert_eq!(shown.len(), DEFAULT_TAXONOMY.len());
    assert!(store.churn_reason_by_label(" ease OF use ").expect("label").is_some());
    assert!(store.churn_reason_by_label("no such reason").expect("label").is_none());
    assert_eq!(stored(&store), 0, "a reader wrote the taxonomy");
    // A chain linked to a shown entry writes the defaults first, same ids.
    store.save_churn_chain(&chain(&store, "A1", &["Ease of use"]), "dana", at()).expect("save");
    assert_eq!(stored(&store), DEFAULT_TAXONOMY.len() as i64);
    assert_eq!(store.churn_reasons().expect("reasons"), shown);
    let report = store.churn_chains_for_account("A1").expect("chains");
    assert_eq!(report[0].links[0], link(&store, "Ease of use"));
}

#[test]
fn adding_to_a_book_with_no_taxonomy_keeps_the_defaults_beside_it() {
    let store = store();
    store.add_churn_reason("Moved to a rival", ReasonKind::Controllable, "").expect("add");
    let reasons = store.churn_reasons().expect("reasons");
    assert_eq!(reasons.len(), DEFAULT_TAXONOMY.len() + 1);
    assert_eq!(reasons[0].label, DEFAULT_TAXONOMY[0].label);
}

#[test]
fn the_default_taxonomy_is_seeded_once_and_user_edits_survive() {
    let store = store();
    assert_eq!(store.seed_churn_taxonomy().expect("seed"), DEFAULT_TAXONOMY.len());
    assert_eq!(store.seed_churn_taxonomy().expect("again"), 0);
    store.rename_churn_reason("bankrupt", "Went bankrupt").expect("rename");
    assert_eq!(store.seed_churn_taxonomy().expect("again"), 0);
    let reasons = store.churn_reasons().expect("reasons");
    assert_eq!(reasons.len(), DEFAULT_TAXONOMY.len());
    assert!(reasons.iter().any(|r| r.label == "Went bankrupt"));
    assert!(!reasons.iter().any(|r| r.label == "Bankrupt"));
}

#[test]
fn taxonomy_entries_are_added_renamed_remarked_and_clash_case_insensitively() {
    let store = store();
    let added = store
        .add_churn_reason(
            "  Data residency ",
            ReasonKind::Uncontrollable,
            "Data must stay in-country",
        )
        .expect("add");
    assert_eq!(added.label, "Data residency");
    let clash = store.add_churn_reason("data RESIDENCY", ReasonKind::Controllable, "");
    assert!(clash.expect_err("clash").to_string().contains("already exists"));
    let remarked =
        store.set_churn_reason_kind("data residency", ReasonKind::Controllable).expect("kind");
    assert_eq!(remarked.kind, ReasonKind::Controllable);
    let refused = store.set_churn_reason_kind("Churned", ReasonKind::Controllable);
    assert!(refused.expect_err("terminal stays terminal").to_string().contains("only causes"));
    assert!(store.rename_churn_reason("Data residency", "new sponsor").is_err());
    assert!(
        store
            .rename_churn_reason("Nope", "x")
            .expect_err("unknown")
            .to_string()
            .contains("no churn reason")
    );
    let described =
        store.describe_churn_reason("data residency", "Sovereignty rules").expect("describe");
    assert_eq!(described.description, "Sovereignty rules");
}

#[test]
fn an_entry_in_use_is_retired_never_deleted_and_still_reads_in_its_chains() {
    let store = store();
    let id =
        store.save_churn_chain(&chain(&store, "A1", &["Ease of use"]), "dana", at()).expect("save");
    let error = store.delete_churn_reason("Ease of use").expect_err("in use");
    assert!(error.to_string().contains("retire it"), "{error}");
    let retired = store.set_churn_reason_retired("ease of use", true).expect("retire");
    assert!(retired.retired);
    let loaded = store.churn_chain(id).expect("load").expect("chain");
    assert_eq!(loaded.sentence(), "Churned, due to Ease of use");
    // Renaming reaches the chains that use it.
    store.rename_churn_reason("Ease of use", "Usability").expect("rename");
    let loaded = store.churn_chain(id).expect("load").expect("chain");
    assert_eq!(loaded.sentence(), "Churned, due to Usability");
    // An unused entry can go.
    store.delete_churn_reason("Reliability").expect("delete");
    assert!(store.churn_reason_by_label("reliability").expect("query").is_none());
}

#[test]
fn the_etiology_rule_and_the_account_are_enforced_on_save() {
    let store = store();
    let bare = chain(&store, "A1", &["Sent churn notice"]);
    let error = store.save_churn_chain(&bare, "dana", at()).expect_err("refused");
    assert!(error.to_string().contains("stopped breathing"), "{error}");
    // A draft may be unfinished.
    let draft_id = store.save_churn_draft(&bare, "dana", at()).expect("draft");
    let listed = store.churn_chains_for_account("A1").expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].status, ChainStatus::Draft);
    assert!(
        store.churn_chains_for_report(None, None).expect("report").is_empty(),
        "drafts are not reported"
    );
    let nobody = chain(&store, "ZZ", &["Budget cut"]);
    assert!(
        store
            .save_churn_chain(&nobody, "dana", at())
            .expect_err("unknown")
            .to_string()
            .contains("no account")
    );
    // Finishing the draft saves it under the same id.
    let mut finished = listed[0].clone();
    finished.links.push(link(&store, "Budget cut"));
    assert_eq!(store.save_churn_chain(&finished, "dana", at()).expect("save"), draft_id);
    assert!(
        store.churn_chain_versions(draft_id).expect("versions").is_empty(),
        "a draft is not a version"
    );
    store.discard_churn_draft(draft_id).expect_err("saved chains are kept");
}

#[test]
fn editing_a_saved_chain_keeps_the_previous_version() {
    let store = store();
    let first = chain(&store, "A1", &["New sponsor"]);
    let id = store.save_churn_chain(&first, "dana", at()).expect("save");
    let mut edited = store.churn_chain(id).expect("load").expect("chain");
    edited.links.push(link(&store, "Failed implementation"));
    edited.links[0].note = "CFO replaced in January".into();
    edited.arr_lost = Money(1_000_050);
    store.save_churn_chain(&edited, "lee", at()).expect("edit");
    let versions = store.churn_chain_versions(id).expect("versions");
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].sentence, "Churned, due to New sponsor");
    assert_eq!(versions[0].who, "dana");
    assert!(versions[0].body.contains("\"arr_lost_cents\":1200000"), "{}", versions[0].body);
    let now = store.churn_chain(id).expect("load").expect("chain");
    assert_eq!(now.sentence(), "Churned, due to New sponsor, due to Failed implementation");
    assert_eq!(now.links[0].note, "CFO replaced in January");
    assert_eq!(now.arr_lost, Money(1_000_050));
    let error = store.save_churn_draft(&now, "lee", at()).expect_err("no draft over saved");
    assert!(error.to_string().contains("never turned back into a draft"));
}

#[test]
fn report_chains_are_filtered_by_event_date_and_carry_the_account() {
    let store = store();
    let mut early = chain(&store, "A1", &["Budget cut"]);
    early.event_date = date("2025-12-31");
    store.save_churn_chain(&early, "dana", at()).expect("save");
    let late = chain(&store, "B2", &["Ease of use"]);
    store.save_churn_chain(&late, "lee", at()).expect("save");
    let all = store.churn_chains_for_report(None, None).expect("all");
    assert_eq!(all.len(), 2);
    let this_year = store.churn_chains_for_report(Some(date("2026-01-01")), None).expect("2026");
    assert_eq!(this_year.len(), 1);
    assert_eq!((this_year[0].account_name.as_str(), this_year[0].csm.as_str()), ("Globex", "lee"));
    let last_year = store.churn_chains_for_report(None, Some(date("2025-12-31"))).expect("2025");
    assert_eq!(last_year[0].chain.sentence(), "Churned, due to Budget cut");
}

#[test]
fn the_proposal_reads_the_snapshots() {
    let store = store();
    crate::testkit::Book::new()
        .snapshots(
            "account_id, product, month,   arr
             A1,         core,    2025-11, 5000
             A1,         core,    2025-12, 3000
             B2,         core,    2026-01, 0.01",
        )
        .write(&store);
    let proposal = store.churn_event_proposal("A1").expect("query").expect("proposal");
    assert_eq!(proposal.event, ChurnEvent::Churned, "no snapshot in 2026-01 reads as zero");
    assert_eq!(proposal.date, date("2026-01-01"));
    assert_eq!(proposal.arr_lost, Money(300_000));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn any_text_is_stored_exactly(
        free in prop_oneof![
            "\\PC{1,40}",
            Just("x".repeat(20_000)),
            Just("\u{202e}مرحبا بالعالم\u{202c} 🚀👩‍👩‍👧 \u{0}\u{7}\t\r\n end".to_string()),
        ],
        note in any::<String>(),
        product in any::<String>(),
    ) {
        let store = store();
        let mut c = chain(&store, "A1", &["New sponsor"]);
        c.links.push(ChainLink { cause: LinkCause::FreeText(free.clone()), note: note.clone() });
        c.product = product.clone();
        let has_cause = !free.trim().is_empty();
        let id = if has_cause {
            store.save_churn_chain(&c, "dana", at()).expect("save")
        } else {
            store.save_churn_draft(&c, "dana", at()).expect("draft")
        };
        let loaded = store.churn_chain(id).expect("load").expect("chain");
        prop_assert_eq!(loaded.links[1].label(), free.as_str());
        prop_assert_eq!(&loaded.links[1].note, &note);
        prop_assert_eq!(&loaded.product, &product);
        let label = format!("R {free}");
        let added = store.add_churn_reason(&label, ReasonKind::Controllable, &note).expect("add");
        prop_assert_eq!(added.label, label.trim());
        prop_assert_eq!(added.description, note);
    }
}

#[test]
fn a_second_chain_for_the_same_account_day_and_product_is_refused() {
    let store = store();
    let first = chain(&store, "A1", &["Budget cut"]);
    let id = store.save_churn_chain(&first, "dana", at()).expect("save");
    let again = chain(&store, "A1", &["New sponsor"]);
    let error = store.save_churn_chain(&again, "dana", at()).expect_err("duplicate");
    let text = error.to_string();
    assert!(text.contains(&format!("already has saved chain #{id} for 2026-03-01")), "{text}");
    // Another product, another day or another account is another event.
    let mut other_product = again.clone();
    other_product.product = "Analytics".into();
    store.save_churn_chain(&other_product, "dana", at()).expect("other product");
    let mut later = again.clone();
    later.event_date = date("2026-06-30");
    store.save_churn_chain(&later, "dana", at()).expect("other day");
    store.save_churn_chain(&chain(&store, "B2", &["Budget cut"]), "lee", at()).expect("other");
    // Editing the saved chain itself is no duplicate.
    let mut edited = store.churn_chain(id).expect("load").expect("chain");
    edited.links.push(link(&store, "New sponsor"));
    store.save_churn_chain(&edited, "dana", at()).expect("edit");
}

#[test]
fn a_draft_does_not_count_as_a_use_and_keeps_its_words_when_the_entry_goes() {
    let store = store();
    let reason =
        store.add_churn_reason("Moved to a rival", ReasonKind::Controllable, "").expect("add");
    let mut draft = chain(&store, "A1", &["Moved to a rival"]);
    draft.links.truncate(1);
    let draft_id = store.save_churn_draft(&draft, "dana", at()).expect("draft");
    assert_eq!(store.churn_reason_uses(reason.id).expect("uses"), 0);
    store.delete_churn_reason("Moved to a rival").expect("a draft does not block a delete");
    let kept = store.churn_chain(draft_id).expect("load").expect("draft");
    assert_eq!(kept.links[0].label(), "Moved to a rival");
    assert!(kept.links[0].is_free_text());
    // A saved chain still counts, and still blocks.
    store.save_churn_chain(&chain(&store, "B2", &["Budget cut"]), "lee", at()).expect("save");
    let budget = store.churn_reason_by_label("Budget cut").expect("query").expect("reason");
    assert_eq!(store.churn_reason_uses(budget.id).expect("uses"), 1);
    let error = store.delete_churn_reason("Budget cut").expect_err("in use");
    assert!(error.to_string().contains("used by 1 saved chain and"), "{error}");
    // The draft can be discarded.
    store.discard_churn_draft(draft_id).expect("discard");
    assert!(store.churn_chain(draft_id).expect("load").is_none());
}
